"""Mutation review 153 of the output code: what a refiner holds on the start date and a
market holding 0 t; the deliveries panels' share of demand (the mean over replications, of
market arrivals, and none for no arrivals); where a commodity is held instead; long ids in
one or more lines; a stockpile rule's own start and price trigger; a ban's by-products in
its own country only; the queues' period words and caption."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.output.describe import describe
from sim.output.figures import (
    _period_words,
    deliveries_figure,
    queues_caption,
    queues_figure,
    short_name,
    stocks_figure,
)
from sim.output.shock_text import bars, describe_shocks
from sim.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


# ----------------------------------------------------------------------------- refiner
def _refined(build, horizon: float) -> sim.Scenario:
    """A mine's 100 t a day to a refiner a day away holding 250 t of refined copper, which
    sells it all to a market 10 days on that demands 100 times as much and holds 0 t."""
    refiner = build.site("refiner", region="away", capacity_t_per_year={"copper": 36525.0},
                         initial_feed_t={"copper": 0.0}, initial_output_t={"copper": 250.0},
                         sales={"copper": {"market": 1.0}})
    data = build.scenario(
        {"mine": build.mine(), "ref": refiner,
         "market": build.market(100 * 36525.0, initial_stock_t={"copper": 0.0})},
        [build.lane("mine", "ref", 1.0), build.lane("ref", "market", 10.0)], ["ref"],
        horizon=horizon)
    return scenario_from_dict(data)


def _line(text: str, start: str) -> str:
    [line] = [ln for ln in text.splitlines() if ln.startswith(start)]
    return line


def test_sim_show_gives_a_refiner_s_refined_metal_and_leaves_out_0_t(build) -> None:
    text = describe(_refined(build, 30))
    # the feed of 0 t is left out, the refined metal given
    assert _line(text, "    ref, away (CHN):") == (
        "    ref, away (CHN): capacity copper 36,525 t/yr (planned feed 36,525); refined "
        "metal on the start date copper 250 t")
    # the market's 0 t of copper: no "in stock on the start date"
    assert _line(text, "    market, away (CHN):") == (
        "    market, away (CHN): copper demand 3,652,500, planned from network 36,525, "
        "other supply 0 t/yr")
    assert "on the start date copper 0 t" not in text


def _deliveries_title(res: sim.Results) -> str:
    [title] = [ax.get_title() for ax in deliveries_figure(res).axes
               if "deliveries against demand" in ax.get_title()]
    return title


def _total_per_replication(res: sim.Results, metric: str) -> np.ndarray:
    s = res.series
    rows = s[(s.commodity == "copper") & (s.metric == metric)]
    return rows.groupby("replication")["value"].sum().to_numpy(dtype=float)


def test_the_share_of_demand_is_the_mean_of_market_arrivals_over_replications(build) -> None:
    res = sim.run(_refined(build, 30), replications=2, seed=1, figures=False)
    arrivals = _total_per_replication(res, "market_arrivals_t")
    delivered = _total_per_replication(res, "delivered_t")
    demand = _total_per_replication(res, "demand_t")
    assert len(arrivals) == 2
    # the refiner's 250 t and the metal refined from day 1 reach the market 10 days
    # after they reach the refiner: what reached the refiner is more
    assert arrivals.mean() == pytest.approx(2050.0)
    assert delivered.mean() == pytest.approx(2900.0)
    assert demand.mean() == pytest.approx(300000.0)
    share = arrivals.mean() / demand.mean()
    assert f"{share:.1%}" == "0.7%"
    assert f"{2 * share:.1%}" != "0.7%"  # summed over the two replications
    assert f"{delivered.mean() / demand.mean():.1%}" != "0.7%"
    assert _deliveries_title(res) == ("copper: deliveries against demand\n(arrivals from "
                                      "the network: 0.7% of demand)")


def test_no_arrivals_from_the_network_print_no_share(build) -> None:
    # 8 days: the refiner's first metal takes 10 to reach the market
    res = sim.run(_refined(build, 8), replications=2, seed=1, figures=False)
    assert not _total_per_replication(res, "market_arrivals_t").any()
    assert _total_per_replication(res, "demand_t").min() > 0
    assert _deliveries_title(res) == "copper: deliveries against demand"


# ----------------------------------------------------------------------------- stocks
def test_held_instead_names_only_the_kinds_that_hold_the_commodity(tmp_path: Path) -> None:
    # gold reaches the market from outside the network; a reserve holds copper only
    path = tmp_path / "two.yaml"
    path.write_text(f"""extends: {TINY}
name: two
horizon_days: 14
commodities:
  gold:
    forms:
      dore: {{grade: 1.0, payload_t_per_truck: 1}}
sites:
  market_x:
    demand_t_per_year: {{copper: 36525, gold: 365.25}}
    initial_stock_t: {{copper: 1000, gold: 100}}
    other_supply_t_per_year: {{gold: 365.25}}
  reserve:
    kind: stockpile
    region: away
    location: {{lat: 30.0, lon: 121.0}}
    initial_stock_t: {{copper: 500}}
""", encoding="utf-8")
    res = sim.run(sim.load_scenario(path), replications=1, seed=1, figures=False)
    assert ("gold", "stock_t", "stockpile", "t") in res.catalogue.keys
    [text] = [t.get_text().replace("\n", " ") for ax in stocks_figure(res, "gold").axes
              for t in ax.texts]
    assert text == ("no gold held at mines or border posts; it is held at markets, which "
                    "this figure does not draw. To draw them: res.plot.stocks(kinds=['market'])")


# ----------------------------------------------------------------------------- short_name
def test_a_long_id_on_two_lines_is_wrapped_not_cut_in_the_middle() -> None:
    name = "china_export_control_allies_and_more"
    assert short_name(name, 20, 2) == "china_export_control\n_allies_and_more"
    # too long for two lines, it keeps its end on the last (review 155)
    assert short_name(name + "_and_yet_more_things", 20, 2) == (
        "china_export_control\n…and_yet_more_things")


def test_a_dollar_in_a_long_id_cut_in_the_middle_is_escaped() -> None:
    assert short_name("price_$_scenario_variant_x", 20, 1) == "price_\\$_s…_variant_x"


# ----------------------------------------------------------------------------- stockpile rules
def _reserve(build, tmp_path: Path, rule: str) -> sim.Scenario:
    sell = ("    sell:\n      site: reserve\n      commodity: copper\n      market: market_x\n"
            "      release_t_per_day: 50\n")
    return sim.load_scenario(build.tiny_reserve(tmp_path / "reserve.yaml", sell + rule))


def test_the_calendar_starts_a_rule_at_its_own_start_with_its_price_trigger(
        build, tmp_path: Path) -> None:
    import datetime as dt

    sc = _reserve(build, tmp_path, "      start: 5\n      release_price_ratio_above: 1.5\n")
    [bar] = [b for b in bars(sc) if b[0] == "stockpile rule"]
    assert bar == ("stockpile rule", "sell", dt.date(2024, 1, 6), None,
                   "reserve copper to market_x when price index above 1.5")
    assert sc.start == dt.date(2024, 1, 1)


def test_sim_show_gives_a_shortfall_trigger_of_0_999_as_99_9_percent(build,
                                                                     tmp_path: Path) -> None:
    sc = _reserve(build, tmp_path, "      release_shortfall_share_above: 0.999\n")
    assert _line(describe_shocks(sc), "  stockpile sell") == (
        "  stockpile sell: reserve releases copper to market_x at up to 50 t/day when "
        "shortfall above 99.9%")


# ----------------------------------------------------------------------------- by-products
def _two_countries(build, country: str) -> sim.Scenario:
    """A copper mine with cobalt at 10% of its copper in COD, a copper-only mine in ZMB,
    and a copper ban on ``country`` with a stock limit."""
    data = build.scenario(
        {"mine": build.mine(), "zmine": build.mine(region="zmb"), "market": build.market()},
        [build.lane("mine", "market", 2.0), build.lane("zmine", "market", 2.0)], ["market"],
        horizon=40)
    data["regions"]["zmb"] = {"country": "ZMB"}
    data["commodities"]["cobalt"] = copy.deepcopy(data["commodities"]["copper"])
    data["sites"]["mine"]["output"]["cobalt"] = {"form": "cathode", "ratio": 0.1,
                                                 "ratio_to": "copper"}
    data["sites"]["mine"]["offtake"]["cobalt"] = {"formal": 1.0}
    data["sites"]["market"]["demand_t_per_year"]["cobalt"] = 1000.0
    data["policies"] = {"export_bans": {"ban": {"commodity": "copper", "country": country,
                                                "start": 5, "end": 25,
                                                "stock_limit_days": 3}}}
    return scenario_from_dict(data)


@pytest.mark.parametrize(("country", "ending"), [
    ("ZMB", "mines in ZMB stock up to 3 days of each channel's planned exports, then curtail"),
    ("COD", "mines in COD stock up to 3 days of each channel's planned exports, then curtail (and the cobalt of "
            "the ore left unmined)")])
def test_a_ban_s_by_products_are_those_of_the_mines_of_its_country(
        build, country: str, ending: str) -> None:
    line = _line(describe_shocks(_two_countries(build, country)), "  export ban ban:")
    assert line.endswith(ending), line


# ----------------------------------------------------------------------------- queues
def _queued(tmp_path: Path, period: str, horizon: int) -> sim.Results:
    path = tmp_path / "queued.yaml"
    path.write_text(f"""extends: {TINY}
name: queued
horizon_days: {horizon}
series_period_days: {period}
series_sites: [border]
""", encoding="utf-8")
    return sim.run(sim.load_scenario(path), replications=1, seed=1, figures=False)


@pytest.mark.parametrize(("period", "horizon", "words"), [
    ("month", 40, "each month"), ("1", 5, "each day"), ("7", 14, "each 7-day period")])
def test_the_queues_axes_give_the_series_period_in_words(
        tmp_path: Path, period: str, horizon: int, words: str) -> None:
    res = _queued(tmp_path, period, horizon)
    assert _period_words(res) == words
    labels = [ax.get_ylabel() for ax in queues_figure(res).axes if ax.axison]
    assert labels and all(f"mean over {words})" in label for label in labels), labels


def test_the_queues_caption_says_what_the_peak_held_kpis_are(tmp_path: Path) -> None:
    res = _queued(tmp_path, "1", 5)
    assert queues_caption(res) == (
        "Queues over time: metal held at the sites named in series_sites (t) and trucks "
        "held at the border posts among them; means over each day, mean and 5-95% of "
        "replications. The peak_held KPIs are each replication's worst day's end, above "
        "these period means.")
