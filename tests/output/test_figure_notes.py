"""Figures say what they show where a reader could take it for something else: a forest
plot of runs over different periods, a price index at its cap, a network plan before
policies, the scripted timeline, the compared series' readable names."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.colors import to_rgba

import sim
from sim.output import figures as F

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


# ====================================================================== forest, periods
@pytest.fixture(scope="module")
def tiny_short() -> sim.Results:
    sc = sim.load_scenario(TINY, overrides=["horizon_days=60"])
    return sim.run(sc, replications=3, seed=1)


def edged_points(fig) -> int:
    """Points drawn with a black edge (an interval that excludes 0)."""
    black = to_rgba("black")
    return sum(any(tuple(e) == black for e in c.get_edgecolors())
               for ax in fig.axes for c in ax.collections)


def test_forest_of_runs_over_different_periods_says_so_and_marks_nothing(
        tiny_results, tiny_short) -> None:
    fig = F.forest_figure([("reference", tiny_results), ("short", tiny_short)])
    title = fig.get_suptitle()
    assert "different periods" in title and "common random numbers" not in title
    assert edged_points(fig) == 0
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not any("excludes 0" in t for t in legend)


def test_forest_of_runs_over_one_period_marks_intervals(tiny_results, tiny_short) -> None:
    # the same two periods, each compared with itself: marked as before
    fig = F.forest_figure([("reference", tiny_short), ("again", tiny_short)])
    assert "different periods" not in fig.get_suptitle()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any(t.startswith("95% interval excludes 0") for t in legend)


# ============================================================================= price cap
@pytest.fixture(scope="module")
def capped_results(shock_yaml) -> sim.Results:
    # the closure empties the market: with a cap just above 1, every replication's price
    # index reaches it
    sc = sim.load_scenario(shock_yaml, overrides=["commodities.copper.price_cap_ratio=1.01"])
    return sim.run(sc, replications=3, seed=1)


def test_prices_figure_says_a_peak_at_the_cap_is_the_cap(capped_results) -> None:
    fig = F.prices_figure(capped_results)
    ax = fig.axes[0]
    assert "peak at the cap (1.01)" in ax.get_title()
    assert any(line.get_linestyle() == "--" and list(line.get_ydata()) == [1.01, 1.01]
               for line in ax.get_lines())
    assert "price cap (1.01)" in [t.get_text() for t in fig.legends[0].get_texts()]


def test_prices_figure_draws_no_cap_below_it(tiny_results) -> None:
    fig = F.prices_figure(tiny_results)
    assert "cap" not in fig.axes[0].get_title()
    assert not any("cap" in t.get_text() for t in fig.legends[0].get_texts())


def test_report_names_a_price_peak_at_the_cap(capped_results) -> None:
    from sim.output.report import run_report_html

    html = run_report_html(capped_results, {})
    assert "<td>price_peak_ratio (at the cap)</td>" in html
    assert "Price peak at the cap: copper (1.01)" in html


# ========================================================================= titles
def test_network_map_says_the_plan_is_before_policies_and_shocks() -> None:
    from sim.output.network_map import network_figure

    sc = sim.load_scenario(ROOT / "scenarios" / "us_partnership.yaml")
    title = network_figure(sc).get_suptitle()
    assert "planned at the start, before policies and shocks" in title


def test_timeline_says_it_shows_the_scripted_events_only() -> None:
    from sim.output.shock_text import timeline_figure

    fig = timeline_figure(sim.load_scenario(ROOT / "scenarios" / "m23_escalation.yaml"))
    title = fig.axes[0].get_title()
    assert "scripted events and policies" in title
    # its Kivu regimes start in a set state on 1 January 2026 and are drawn from there
    # (review 201); what they do after, and the other regimes, vary by replication
    assert "other regimes and incidents" in title.replace("\n", " ")
    assert "not shown" in title


def test_report_timeline_gives_dates_not_day_numbers() -> None:
    import datetime as dt

    from sim.output.report import dated_detail

    start = dt.date(2024, 1, 1)
    assert (dated_detail("21% armed-group tax until day 731.0", start)
            == "21% armed-group tax to 2025-12-31 inclusive")
    assert dated_detail("closed", start) == "closed"
