"""Review 152, the stockpile and export-control analyst: `sim show` never said how much a
stockpile, market or refiner holds on the start date; a rebuild's stop gave no reason; two
rules on one stockpile releasing and buying back by turns passed without a word; the
calendar left stockpile rules out; and a comparison's price title cut
"china_export_control_allies" to the reference's name."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.output.describe import describe
from sim.output.figures import short_name
from sim.output.shock_text import bars
from sim.scenario.loader import meta_of

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
BAN = ROOT / "scenarios" / "export_ban_2025.yaml"


@pytest.fixture
def reserve(build, tmp_path: Path):
    """tiny with a reserve of 500 t of copper beside the market, and the rules given."""
    return lambda rules: build.tiny_reserve(tmp_path / "reserve.yaml", rules)


REBUILD = """    refill:
      site: reserve
      commodity: copper
      market: market_x
      release_shortfall_share_above: 0.999
      release_t_per_day: 1
      rebuild_price_ratio_below: 3
      rebuild_t_per_day: 100
      rebuild_target_t: 700
"""


def test_sim_show_gives_the_stocks_held_on_the_start_date() -> None:
    text = describe(sim.load_scenario(BAN))
    assert "china_state_reserve 'China state cobalt reserve (NFSRA)', China (CHN): holds on " \
           "the start date cobalt 16,800 t" in text
    assert "feed on the start date cobalt 80,100 t" in text
    assert "in stock on the start date copper 322,910 t, cobalt 15,200 t" in text


def test_a_rebuild_s_stop_says_which_limit_ended_it(reserve) -> None:
    res = sim.run(sim.load_scenario(reserve(REBUILD)), replications=1, seed=1)
    stops = res.timeline[res.timeline.action == "rebuild stops"]["detail"].tolist()
    # 500 t to its 700 t target at 100 t a day: two days' buying, then it stops; later,
    # buying again, it empties the market (whose metal takes 13 days to come)
    assert stops[0] == "price index 1.000 (below 3), stock back at its target"
    assert "the market has no stock left to buy" in stops[1]


def test_two_rules_taking_turns_on_one_stockpile_are_noted(reserve) -> None:
    release = """    sell:
      site: reserve
      commodity: copper
      market: market_x
      release_price_ratio_above: 2
      release_t_per_day: 50
"""
    notes = meta_of(sim.load_scenario(reserve(release + REBUILD))).notes
    [note] = [n for n in notes if "by turns" in n]
    assert note.startswith("stockpile rules 'sell' and 'refill' on 'reserve''s copper: "
                           "'refill' buys back below a price index of 3, above 'sell''s "
                           "release trigger of 2")


def test_the_calendar_draws_stockpile_rules(reserve) -> None:
    sc = sim.load_scenario(reserve(REBUILD))
    [bar] = [b for b in bars(sc) if b[0] == "stockpile rule"]
    assert bar[1] == "refill" and bar[2] == sc.start and bar[3] is None
    assert bar[4] == "reserve copper to market_x when shortfall above 99.9%"


def test_long_ids_keep_their_end_where_variants_differ() -> None:
    ref, allies = "china_export_control", "china_export_control_allies"
    assert short_name(ref, 20, 1) == ref
    assert short_name(allies, 20, 1) == "china_exp…rol_allies"
    assert len(short_name(allies, 20, 1)) == 20
    # names with spaces are still cut at a word
    assert short_name("a long scenario title here", 12, 1).endswith("…")


def test_the_run_table_says_what_stockpile_rules_moved_or_that_they_never_did(reserve) -> None:
    from sim.output.tables import headline_table

    never = """    sell:
      site: reserve
      commodity: copper
      market: market_x
      release_shortfall_share_above: 0.5
      release_t_per_day: 50
"""
    # 9 days: the market's 1,000 t last 10 days, so it is never short
    sc = sim.load_scenario(reserve(never), ["horizon_days=9"])
    text = headline_table(sim.run(sc, replications=2, seed=1).summary())
    assert text.splitlines()[-1] == (
        "note: stockpile rules, means over the replications: reserve released 0 t of copper "
        "(its rules' triggers were never met, or it held nothing)")
    # run on, the market goes short before the mines' metal comes, and the rule releases
    sc = sim.load_scenario(reserve(never), ["horizon_days=20"])
    text = headline_table(sim.run(sc, replications=2, seed=1).summary())
    assert "reserve released" in text and "never met" not in text
    assert "stockpile rules" not in headline_table(
        sim.run(sim.load_scenario(TINY), replications=1, seed=1).summary())


def test_a_rule_that_only_bought_back_is_not_said_to_have_done_nothing(reserve) -> None:
    # review 155: "released 0 t and bought back 200 t (its rules' triggers were never met)"
    from sim.output.tables import stockpile_note

    buyer = REBUILD.replace("release_shortfall_share_above: 0.999",
                            "release_price_ratio_above: 9")
    sc = sim.load_scenario(reserve(buyer), ["horizon_days=5"])
    note = stockpile_note(sim.run(sc, replications=2, seed=1).summary())
    assert note == ("note: stockpile rules, means over the replications: reserve released 0 t "
                    "of copper and bought back 200 t (it released nothing: its release "
                    "triggers were never met)")
