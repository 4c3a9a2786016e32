"""The series figures of a comparison (compare-prices, compare-performance, compare-exports):
which panels they draw, how they are named, and their legend's notes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.output import figures as F

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def run_tiny(*overrides: str) -> sim.Results:
    return sim.run(sim.load_scenario(TINY, overrides=list(overrides)), replications=3, seed=1)


@pytest.fixture(scope="module")
def tiny_60() -> sim.Results:
    return run_tiny("horizon_days=60")  # 8 weeks and a last period of 4 days


@pytest.fixture(scope="module")
def tiny_70() -> sim.Results:
    return run_tiny("horizon_days=70")  # 10 whole weeks


def panel_commodities(fig) -> list[str]:
    """The commodity of each panel of the first row (titled with the commodity)."""
    return [ax.get_title().split(":")[0] for ax in fig.axes if ax.get_title()
            and not ax.get_title().startswith("difference")]


def legend_texts(fig) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def test_compare_prices_drop_a_price_that_is_not_modelled_as_prices_figure_does(
        baseline_short) -> None:
    # gold has no demand_elasticity in the baseline and nothing moves its index
    named = [("baseline", baseline_short), ("again", baseline_short)]
    fig = F.compare_series_figure(named, "price_index")
    single = [ax.get_title().split(":")[0] for ax in F.prices_figure(baseline_short).axes]
    assert panel_commodities(fig) == single == ["cobalt", "copper"]


def test_compare_prices_keep_a_price_one_scenario_moves(baseline_short, monkeypatch) -> None:
    # the rule is prices_figure's (price_shown): a commodity any scenario shows is drawn
    shown = F.price_shown
    # compare_series_figure reads it in its module, sim.output.compare_figures (review 231)
    monkeypatch.setattr("sim.output.compare_figures.price_shown",
                        lambda res, com: com == "gold" or shown(res, com))
    fig = F.compare_series_figure([("a", baseline_short), ("b", baseline_short)],
                                  "price_index")
    assert panel_commodities(fig) == ["cobalt", "copper", "gold"]


def test_compare_series_titles_use_readable_names_and_units(tiny_results) -> None:
    named = [("a", tiny_results), ("b", tiny_results)]
    title = F.compare_series_figure(named, "exported_t").get_suptitle()
    assert "exported_t" not in title
    assert title.startswith("Metal exported (t/day) by scenario")
    title = F.compare_series_figure(named, "delivered_t").get_suptitle()
    assert title.startswith("Metal delivered (t/day) by scenario")
    assert F.compare_series_figure(named, "price_index").get_suptitle().startswith(
        "Price index by scenario")
    # the same words as the run figures' axes
    flows = F.flows_figure(tiny_results)
    assert any(ax.get_ylabel().endswith(f"exported ({F.FLOW_UNIT})") for ax in flows.axes)


def test_short_last_period_note_of_one_length(tiny_results) -> None:
    fig = F.compare_series_figure([("a", tiny_results), ("b", tiny_results)], "exported_t")
    assert "last 2 days (short period), no band" in legend_texts(fig)


def test_short_last_period_note_names_each_length(tiny_results, tiny_60, tiny_70) -> None:
    # tiny.yaml runs 100 days (a last period of 2 days), tiny_60 60 days (4 days)
    fig = F.compare_series_figure([("a", tiny_results), ("b", tiny_60)], "exported_t")
    notes = [t for t in legend_texts(fig) if "short" in t]
    assert notes == ["short last period (2 days in a; 4 days in b), no band"]
    # a scenario of whole periods has no short period: the note does not claim it has
    fig = F.compare_series_figure([("whole", tiny_70), ("a", tiny_results)], "exported_t")
    notes = [t for t in legend_texts(fig) if "short" in t]
    assert notes == ["short last period (2 days in a), no band"]
    fig = F.compare_series_figure([("whole", tiny_70), ("again", tiny_70)], "exported_t")
    assert not [t for t in legend_texts(fig) if "short" in t]


# ================================================================ overlapping scenarios
def mean_lines(ax) -> list:
    """Lines of means (not hollow end points, not reference lines at 0 or 1)."""
    return [line for line in ax.get_lines() if line.get_marker() in ("None", "", None)
            and len(line.get_xdata()) > 2]


def test_three_identical_scenarios_stay_distinguishable(tiny_results) -> None:
    named = [("a", tiny_results), ("b", tiny_results), ("c", tiny_results)]
    fig = F.compare_series_figure(named, "exported_t")
    top = fig.axes[0]
    # each scenario in its own line style, so one drawn over another leaves gaps
    styles = [str(line._unscaled_dash_pattern) for line in mean_lines(top)]
    assert len(styles) == 3 and len(set(styles)) == 3
    # one band in the top row (the reference's), not three blended into one area
    assert len(top.collections) == 1
    # a second row draws each other scenario's difference from the reference: 0 here
    assert len(fig.axes) == 2 * len(panel_commodities(fig))
    low = fig.axes[len(fig.axes) // 2]
    assert low.get_ylabel().startswith("difference from")
    diffs = mean_lines(low)
    assert len(diffs) == 2
    assert all(np.allclose(line.get_ydata(), 0.0) for line in diffs)
    assert "below: difference from a" in fig.get_suptitle()
    legend = legend_texts(fig)
    assert legend[:3] == ["a (reference)", "b", "c"]


def test_scenarios_over_other_periods_get_no_difference_but_their_band(
        tiny_results, tiny_60) -> None:
    named = [("a", tiny_results), ("same", tiny_results), ("short", tiny_60)]
    fig = F.compare_series_figure(named, "exported_t")
    top, low = fig.axes[0], fig.axes[len(fig.axes) // 2]
    assert len(top.collections) == 2  # the reference's band and the other period's
    assert len(mean_lines(low)) == 1
    assert "no difference for short, measured over other periods" in fig.get_suptitle()
    # none measured over the reference's periods: one row, a band each
    fig = F.compare_series_figure([("a", tiny_results), ("short", tiny_60)], "exported_t")
    assert len(fig.axes) == len(panel_commodities(fig))
    assert len(fig.axes[0].collections) == 2


def test_compare_legend_fits_in_the_figure(tiny_results, tiny_60) -> None:
    long = "a scenario with a rather long name that goes on"
    named = [(long, tiny_results), (long + " again", tiny_60), (long + " more", tiny_60)]
    fig = F.compare_series_figure(named, "exported_t")
    fig.draw_without_rendering()
    box = fig.legends[0].get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
    for ax in fig.axes:
        assert not box.overlaps(ax.get_window_extent())
