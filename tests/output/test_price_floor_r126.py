"""Review 126: a price index held at its floor is said, as one at its cap is, and a shock
that ends in the warm-up is noted.

A ``price_factor`` of 0.05 was held at the floor of 0.1 without a word: royalties fell 61%
with exports unchanged, the comparison's money note (only for high prices) said nothing,
and the price figure drew no floor. A shock wholly inside the warm-up changed nothing, and
a comparison read "all equal" with no reason given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import sim
from sim.experiment.compare import run_comparison
from sim.output import figures as F
from sim.output.compare_output import comparison_text
from sim.output.figures import reached_floor
from sim.output.report import compare_report_html, run_report_html
from sim.output.tables import floored_prices, money_note, price_extremes
from sim.scenario.shock_checks import price_factor_bounds, warmup_only

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


# tiny's copper has no reference price, so no money KPI to follow the index (review 162)
PRICED = ("commodities:\n  copper:\n    reference_price_usd_per_t: "
          "{value: 9000, assumption: test input}\n")


def scenario(tmp_path: Path, events: str, warmup: int = 0, priced: bool = False) -> Path:
    path = tmp_path / "shocked.yaml"
    path.write_text(
        f"extends: {TINY}\nname: shocked\nwarmup_days: {warmup}\n"
        + (PRICED if priced else "") + "shocks:\n  events:\n" + events, encoding="utf-8")
    return path


def noted(tmp_path: Path, name: str, body: str) -> sim.Scenario:
    """Tiny with ``body`` (YAML) added, loaded: its notes are warned."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: {TINY}\nname: {name}\n{body}", encoding="utf-8")
    with pytest.warns(UserWarning):
        return sim.load_scenario(path)


def event(name: str, start: int, days: int, effects: str) -> str:
    return (f"    {name}:\n      start: {start}\n      duration_days: {days}\n"
            f"      targets: {{commodities: [copper], markets: [market_x]}}\n"
            f"      effects: {{{effects}}}\n")


@pytest.mark.parametrize("factor, bound", [(0.05, "below copper's price floor (0.1"),
                                           (12.0, "above copper's price_cap_ratio (10)")])
def test_a_price_factor_past_a_bound_is_noted(tmp_path: Path, factor: float,
                                              bound: str) -> None:
    path = scenario(tmp_path, event("crash", 10, 30, f"price_factor: {factor}"))
    with pytest.warns(UserWarning, match="price index is held at that bound"):
        sc = sim.load_scenario(path)
    notes = price_factor_bounds(sc)
    assert len(notes) == 1 and f"price_factor {factor:g} is {bound}" in notes[0]
    assert price_factor_bounds(sim.load_scenario(TINY)) == []


def test_a_bound_is_noted_for_every_commodity_and_a_regime_state(tmp_path: Path) -> None:
    # no commodity named: every commodity the shock moves; a regime's state too
    sc = noted(tmp_path, "bounds", (
        "shocks:\n  events:\n    crash:\n"
        "      start: 10\n      duration_days: 5\n      targets: {markets: [market_x]}\n"
        "      effects: {price_factor: 0.01}\n  regimes:\n    mood:\n"
        "      targets: {markets: [market_x]}\n      states:\n        calm: {}\n"
        "        mania:\n          effects: {price_factor: 20}\n"
        "      rates_per_year:\n        calm: {mania: 1}\n        mania: {calm: 4}\n"))
    notes = price_factor_bounds(sc)
    assert [n.split(":")[0] for n in notes] == ["shocks.events.crash",
                                                "shocks.regimes.mood.states.mania"]
    assert "below copper's price floor" in notes[0] and "above" in notes[1]


def test_a_bound_exactly_at_the_floor_or_cap_is_not_noted(tmp_path: Path) -> None:
    for factor in (0.1, 10.0):
        path = scenario(tmp_path, event("edge", 10, 5, f"price_factor: {factor}"))
        assert price_factor_bounds(sim.load_scenario(path)) == []


def test_a_ban_and_an_incident_hazard_ending_in_the_warm_up_are_noted(
        tmp_path: Path) -> None:
    sc = noted(tmp_path, "early", (
        "warmup_days: 50\npolicies:\n  export_bans:\n"
        "    stop:\n      commodity: copper\n      start: -40\n      end: -10.5\n"
        "shocks:\n  incidents:\n    strikes:\n      rate_per_year: 5\n"
        "      duration_days: 3\n      start: -40\n      end: -20\n"
        "      targets: {sites: [border]}\n      effects: {capacity_factor: 0}\n"))
    notes = warmup_only(sc)
    # the ban's end inside day -11 (2023-12-21) is given as that day
    assert [n.split(" ends by ")[0] for n in notes] == ["shocks.incidents.strikes",
                                                       "policies.export_bans.stop"]
    assert "ends by 2023-12-21" in notes[1]


def test_a_shock_ending_in_the_warm_up_is_noted(tmp_path: Path) -> None:
    path = scenario(tmp_path, event("early", -40, 40, "demand_factor: 3")
                    + event("late", -40, 41, "demand_factor: 3"), warmup=50)
    with pytest.warns(UserWarning, match="inside the warm-up"):
        sc = sim.load_scenario(path)
    notes = warmup_only(sc)
    # "late" runs into the start date's first day: it is measured
    assert len(notes) == 1 and notes[0].startswith("shocks.events.early ends by 2024-01-01")


def floor_lines(fig: Any, band: bool = False) -> list[Any]:
    """The lines at the floor of 0.1 in ``fig``'s panels: dotted in a run's figure, a
    wide pale band (``band``) in a comparison's, which no scenario's line looks like
    (review 189)."""
    def drawn(line: Any) -> bool:
        if band:
            return line.get_linewidth() >= 3 and (line.get_alpha() or 1) < 1
        return line.get_linestyle() == ":"

    return [line for ax in fig.axes for line in ax.get_lines()
            if drawn(line) and list(line.get_ydata()) == [0.1, 0.1]]


def test_a_price_at_its_floor_is_noted_and_drawn(tmp_path: Path) -> None:
    path = scenario(tmp_path, event("crash", 14, 42, "price_factor: 0.05"), priced=True)
    with pytest.warns(UserWarning):
        res = sim.run(path, replications=2, seed=1, workers=1, figures=False)
    assert floored_prices(res) == {"copper": "fell to its floor (0.1)"}
    assert reached_floor(res, "copper") == pytest.approx(0.1)
    high = price_extremes(res.summary(), res)
    note = money_note(high)
    assert "copper: the index fell to its floor (0.1)" in note
    assert "move with the index however exported_t moves" in note
    assert "fell to its floor (0.1)" in run_report_html(res)
    assert floor_lines(F.prices_figure(res))
    plain_run = sim.run(TINY, replications=2, seed=1, workers=1, figures=False)
    named = [("tiny", plain_run), ("shocked", res)]
    compared = F.compare_series_figure(named, "price_index")
    assert floor_lines(compared, band=True)
    # its legend's key is the band too (review 190)
    (key,) = [h for h in compared.legends[0].legend_handles
              if h.get_label().startswith("price floor")]
    assert key.get_linewidth() >= 3 and key.get_alpha() < 1
    assert not floor_lines(F.compare_series_figure(named[:1] * 2, "price_index"), band=True)
    assert "fell to its floor (0.1)" in compare_report_html(named)
    assert floored_prices(plain_run) == {} and reached_floor(plain_run, "copper") is None
    assert not floor_lines(F.prices_figure(plain_run))
    assert np.all(plain_run.series_values >= 0)


def test_the_comparison_says_the_money_kpis_follow_the_floor(tmp_path: Path) -> None:
    path = scenario(tmp_path, event("crash", 14, 42, "price_factor: 0.05"), priced=True)
    comp = run_comparison([TINY, path], replications=2, seed=1, workers=1)
    text = " ".join(comparison_text(comp).split())
    assert "in shocked (here and in compare.csv) of copper" in text
    assert "fell to its floor (0.1)" in text


def test_the_warm_up_note_says_an_emptied_pipeline_still_shows(tmp_path: Path) -> None:
    # review 159: "changes only what the warm-up leaves" read as "no effect on results",
    # where a closure ending before the start date left 1,639 t of shortfall after it
    path = scenario(tmp_path, event("early", -40, 40, "demand_factor: 3"), warmup=60)
    with pytest.warns(UserWarning, match="inside the warm-up"):
        sc = sim.load_scenario(path)
    (note,) = warmup_only(sc)
    assert "a pipeline it emptied reaches the markets late, with shortfalls and price " \
           "rises after the start date" in note
