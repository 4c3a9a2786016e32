"""The series figures of a comparison (compare-prices, compare-performance, compare-exports):
which panels they draw, how they are named, and their legend's notes."""

from __future__ import annotations

from pathlib import Path

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
    monkeypatch.setattr(F, "price_shown", lambda res, com: com == "gold" or shown(res, com))
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
