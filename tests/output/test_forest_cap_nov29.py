"""The forest plot draws a price peak difference with a side at its cap as the tables print
it: a bound ("≥ ... (at the cap)"), a hollow point with no interval and no "excludes 0"
marking, and "both at the cap" with no point where both are; other rows as before."""

from __future__ import annotations

import pytest
from matplotlib.colors import to_rgba

import sim
from sim.output import figures as F

CAP = "commodities.copper.price_cap_ratio=1.01"


@pytest.fixture(scope="module")
def capped(shock_yaml) -> sim.Results:
    # the closure empties the market: with a cap just above 1 every replication's price
    # index reaches it (the tables print "price_peak_ratio (... at the cap)")
    return sim.run(sim.load_scenario(shock_yaml, overrides=[CAP]), replications=3, seed=1)


def panel(fig, metric: str):
    return next(ax for ax in fig.axes if ax.get_title() == metric)


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def black_edged(ax) -> bool:
    black = to_rgba("black")
    return any(tuple(e) == black for c in ax.collections for e in c.get_edgecolors())


def test_a_scenario_at_the_cap_is_a_hollow_bound_without_interval(tiny_results,
                                                                   capped) -> None:
    fig = F.forest_figure([("tiny", tiny_results), ("capped", capped)])
    ax = panel(fig, "price_peak_ratio")
    (points,) = ax.collections
    assert len(points.get_facecolors()) == 0  # hollow: facecolor 'none'
    assert len(points.get_edgecolors()) == 1 and not black_edged(ax)
    assert len(ax.get_lines()) == 1  # the zero line only: no interval
    labels = [t for t in texts(ax) if "at the cap" in t]
    assert len(labels) == 1 and labels[0].startswith("\u2265 ")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "price peak at the cap: a bound, no interval" in legend
    # the other rows of the same comparison: a filled point with its interval, as before
    other = panel(fig, "shortfall_t")
    (points,) = other.collections
    assert len(points.get_facecolors()) == 1 and black_edged(other)
    assert len(other.get_lines()) == 2 and not any("at the cap" in t for t in texts(other))


def test_a_reference_at_the_cap_bounds_the_difference_from_above(tiny_results,
                                                                  capped) -> None:
    fig = F.forest_figure([("capped", capped), ("tiny", tiny_results)])
    ax = panel(fig, "price_peak_ratio")
    assert [t for t in texts(ax) if "at the cap" in t][0].startswith("\u2264 ")
    assert len(ax.collections[0].get_facecolors()) == 0 and len(ax.get_lines()) == 1


def test_both_at_the_cap_draws_no_point(capped) -> None:
    fig = F.forest_figure([("capped", capped), ("again", capped)])
    ax = panel(fig, "price_peak_ratio")
    assert "both at the cap" in texts(ax) and "no difference" not in texts(ax)
    assert not ax.collections


def test_an_uncapped_price_peak_is_drawn_as_before(tiny_results, shock_results) -> None:
    fig = F.forest_figure([("tiny", tiny_results), ("shock", shock_results)])
    ax = panel(fig, "price_peak_ratio")
    (points,) = ax.collections
    assert len(points.get_facecolors()) == 1
    assert not any("at the cap" in t for t in texts(ax))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not any("at the cap" in t for t in legend)
