"""Review 192, finding 2: `sim run` said "us_reserve released 4,000 t of cobalt" for a
release into market_usa, which was never short under the ban, so every shortfall and price
stayed as it was: the metal sat in the US market's stock. The note names the market a
stockpile released into and says when it was never short in the period."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.tables import headline_table, stockpile_markets, stockpile_note

ALWAYS = """    sell:
      site: reserve
      commodity: copper
      market: market_x
      release_price_ratio_above: 0.5
      release_t_per_day: 5
"""
"""A rule releasing 5 t a day whatever happens (the index is 1, above 0.5)."""


def _summary(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"commodity": "cobalt", "channel": "all", "site": site,
                          "metric": metric, "unit": "t", "mean": mean, "n": 2}
                         for site, metric, mean in rows])


def test_a_release_into_a_market_never_short_says_so() -> None:
    summary = _summary([("us_reserve", "released_t", 4000.0),
                        ("market_usa", "shortfall_t", 0.0),
                        ("market_row", "shortfall_t", 75000.0)])
    note = stockpile_note(summary, {("cobalt", "us_reserve"): ["market_usa"]})
    assert note == (
        "note: stockpile rules, means over the replications: us_reserve released 4,000 t of "
        "cobalt into market_usa (market_usa was never short in the period: a release helps "
        "only the market it goes into, so what went there eased no shortage and stayed in "
        "its stock, unless it was what kept the market supplied, which a run without the "
        "rule tells)")
    # into a market that was short, it names the market and nothing more
    into_row = stockpile_note(summary, {("cobalt", "us_reserve"): ["market_row"]})
    assert into_row.endswith("us_reserve released 4,000 t of cobalt into market_row")
    # without the scenario's rules, as before
    assert stockpile_note(summary).endswith("us_reserve released 4,000 t of cobalt")


def test_rules_into_several_markets_name_those_never_short() -> None:
    summary = _summary([("reserve", "released_t", 900.0), ("reserve", "bought_back_t", 50.0),
                        ("a", "shortfall_t", 0.0), ("b", "shortfall_t", 12.0),
                        ("c", "shortfall_t", 0.0)])
    note = stockpile_note(summary, {("cobalt", "reserve"): ["a", "b", "c"]})
    assert ("reserve released 900 t of cobalt into a, b and c and bought back 50.00 t (a and "
            "c were never short in the period: a release helps only the market it goes into, "
            "so what went there eased no shortage and stayed in their stocks, unless it was "
            "what kept them supplied, which a run without the rule tells)") in note


def test_the_markets_of_a_scenario_s_rules(build, tmp_path: Path) -> None:
    path = build.tiny_reserve(tmp_path / "reserve.yaml",
                              ALWAYS + ALWAYS.replace("sell:", "sell_more:"))
    assert stockpile_markets(sim.load_scenario(path)) == {("copper", "reserve"): ["market_x"]}


@pytest.mark.parametrize("days, never", [(9, True), (20, False)])
def test_sim_run_says_the_release_met_no_shortage(build, tmp_path: Path, days: int,
                                                  never: bool) -> None:
    # the market's 1,000 t last it 10 days and the mines' metal comes on day 13: over 9
    # days it is never short, over 20 it is, as the rule's 5 t a day do not close the gap
    # (at 50 t a day they would, and the market would never be short: hence the note's
    # "unless it was what kept the market supplied")
    path = build.tiny_reserve(tmp_path / "reserve.yaml", ALWAYS)
    result = CliRunner().invoke(main, ["run", str(path), "-n", "2", "-w", "1", "--seed", "1",
                                       "--no-figures", "--set", f"horizon_days={days}",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    [line] = [ln for ln in result.output.splitlines() if "stockpile rules" in ln]
    assert "reserve released" in line and " of copper into market_x" in line
    assert ("(market_x was never short in the period" in line) is never, line
    sc = sim.load_scenario(path, [f"horizon_days={days}"])
    text = headline_table(sim.run(sc, replications=1, seed=1).summary(),
                          releases_into=stockpile_markets(sc))
    assert ("market_x was never short" in text) is never
