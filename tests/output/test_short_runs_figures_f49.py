"""Figures of runs with at most one whole series period, and price panels of period means.

* A run shorter than two periods (20 days of monthly series, 5 days of weekly ones) was
  drawn on an axis from 2022 to 2026 around a lone point, and its flows not at all (a stack
  of one point is empty): the axis now runs from the run's first day to its end, and the
  flows are drawn flat over the period's own dates.
* A run of one whole period and a short one (January and 14 days) drew the whole period
  as a line of one point, which is invisible: it is now a filled point with a bar for its
  band; the flows faded the whole area, so January looked short: the veil now stops at
  the whole period's edge.
* The price series are means over each period: a monthly line stayed well below the daily
  peak the panel's title gave (and below the cap it was said to reach). The value axis now
  says so, and so does the title where the peak is above everything drawn.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pytest
from figure_marks import stocks_figure
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure

import sim
from sim.output import figures as F

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
# random transit times: replications differ, so bands have a width
SPREAD = "lanes.mine_border.transit_days={dist: uniform, low: 1, high: 6}"
LINE_FIGURES = [F.deliveries_figure, F.prices_figure, stocks_figure]


def _run(*overrides: str, path: Path = TINY) -> sim.Results:
    sc = sim.load_scenario(path, [SPREAD, *overrides])
    return sim.run(sc, replications=2, seed=3, workers=1, figures=False)


def _num(*days: date) -> list[float]:
    return [float(v) for v in mdates.date2num(list(days))]


def _x(res: sim.Results) -> np.ndarray:
    return mdates.date2num(F.mid_dates(res))


def _legend_texts(fig: Figure) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def _veils(ax) -> list[tuple[float, float]]:
    return sorted((p.get_x(), p.get_x() + p.get_width()) for p in ax.patches)


# ==================================================================== runs under a period
@pytest.fixture(scope="module")
def days20() -> sim.Results:
    """20 days of monthly series from 2024-01-01: one period, short at its end."""
    return _run("horizon_days=20", "series_period_days=month")


@pytest.fixture(scope="module")
def days5_weekly() -> sim.Results:
    """5 days of weekly series: one period, short."""
    return _run("horizon_days=5", "series_period_days=7")


@pytest.mark.parametrize("which, end", [("days20", date(2024, 1, 21)),
                                        ("days5_weekly", date(2024, 1, 6))])
def test_a_run_of_one_period_is_drawn_over_its_own_dates(which, end, request) -> None:
    res = request.getfixturevalue(which)
    assert res.catalogue.n_periods == 1
    span = pytest.approx(_num(date(2024, 1, 1), end))
    for func in [F.flows_figure, *LINE_FIGURES]:
        fig = func(res)
        # not 2022 to 2026 around a lone point
        assert all(list(ax.get_xlim()) == span for ax in fig.axes), func.__name__
        plt.close(fig)
    fig = F.compare_series_figure([("a", res), ("b", res)], "exported_t")
    assert all(list(ax.get_xlim()) == span for ax in fig.axes)
    plt.close(fig)


def test_flows_of_one_period_fill_its_dates_under_one_veil(days20) -> None:
    fig = F.flows_figure(days20)
    span = _num(date(2024, 1, 1), date(2024, 1, 21))
    drawn = [ax for ax in fig.axes if ax.collections]
    assert drawn
    for ax in drawn:
        # the stack is drawn (a stack of one point was empty), flat over the period
        verts = np.concatenate([p.vertices for c in ax.collections
                                if isinstance(c, PolyCollection) for p in c.get_paths()])
        assert [verts[:, 0].min(), verts[:, 0].max()] == pytest.approx(span)
        assert verts[:, 1].max() > 0
        assert _veils(ax) == [pytest.approx(tuple(span))]
    title = fig.get_suptitle()
    assert "its only period, 20 days, is short (periods: calendar months)" in title
    assert "the others" not in title
    plt.close(fig)


@pytest.mark.parametrize("func", LINE_FIGURES, ids=lambda f: f.__name__)
def test_a_lone_short_period_is_named_as_the_only_one(func, days20) -> None:
    fig = func(days20)
    assert _legend_texts(fig)[-1] == "one period of 20 days (short), no band"
    plt.close(fig)


# =============================================================== one whole period and a bit
@pytest.fixture(scope="module")
def days45() -> sim.Results:
    """January and 14 days of February: one whole period and a short last one."""
    return _run("horizon_days=45", "series_period_days=month")


def test_flows_fade_only_the_short_period_beside_a_lone_whole_one(days45) -> None:
    assert days45.catalogue.days == [31, 14]
    x = _x(days45)
    fig = F.flows_figure(days45)
    (feb1,) = _num(date(2024, 2, 1))
    for ax in (ax for ax in fig.axes if ax.collections):
        # January, from its middle to its end, is not faded
        assert _veils(ax) == [pytest.approx((feb1, x[1]))]
    plt.close(fig)


def test_flows_keep_the_lone_whole_period_between_two_short_ones_unfaded() -> None:
    res = _run("start=2025-01-15", "horizon_days=55", "series_period_days=month")
    assert res.catalogue.days == [17, 28, 10]
    x = _x(res)
    feb1, mar1 = _num(date(2025, 2, 1), date(2025, 3, 1))
    fig = F.flows_figure(res)
    for ax in (ax for ax in fig.axes if ax.collections):
        assert _veils(ax) == [pytest.approx((x[0], feb1)), pytest.approx((mar1, x[2]))]
    plt.close(fig)


@pytest.mark.parametrize("func", LINE_FIGURES, ids=lambda f: f.__name__)
def test_a_lone_whole_period_is_a_filled_point_with_a_bar(func, days45) -> None:
    x0 = _x(days45)[0]
    fig = func(days45)
    # (a circle, or, in the stocks figure, the marker of each kind of site)
    filled = [ln for ax in fig.axes for ln in ax.lines
              if ln.get_marker() not in (None, "None", "", " ")
              and ln.get_markerfacecolor() not in ("white", "w")]
    # a line of one point draws nothing: each whole mean is a visible point
    assert filled and all(list(mdates.date2num(ln.get_xdata())) == [pytest.approx(x0)]
                          for ln in filled)
    # and its 5-95% band a bar at that point (a band of one point drew nothing either)
    bars = [c for ax in fig.axes for c in ax.collections if isinstance(c, LineCollection)
            and len(c.get_segments())]
    assert bars and all(seg[0][0] == pytest.approx(x0) for c in bars
                        for seg in c.get_segments())
    plt.close(fig)


# ============================================================== price lines: period means
@pytest.fixture(scope="module")
def shock_monthly(shock_yaml) -> sim.Results:
    """The border closure with monthly series: the index peaks near 3 on one day, and
    February's mean near 2."""
    return _run("series_period_days=month", path=shock_yaml)


@pytest.fixture(scope="module")
def shock_monthly_capped(shock_yaml) -> sim.Results:
    return _run("series_period_days=month", "commodities.copper.price_cap_ratio=2.5",
                path=shock_yaml)


def test_prices_figure_says_its_lines_are_period_means_below_the_daily_peak(
        shock_monthly) -> None:
    peak = float(np.mean(shock_monthly.kpi("price_peak_ratio", "copper")))
    (ax,) = F.prices_figure(shock_monthly).axes
    assert "mean over each period" in ax.get_ylabel()
    assert max(float(np.max(ln.get_ydata())) for ln in ax.lines) < peak / 1.2
    title = ax.get_title()
    assert f"daily peak {peak:.3g}" in title
    assert "lines: means over each period, below the daily peak" in title
    plt.close("all")


def test_prices_figure_says_the_cap_was_reached_on_a_day(shock_monthly_capped) -> None:
    (ax,) = F.prices_figure(shock_monthly_capped).axes
    cap_lines = [ln for ln in ax.lines if list(ln.get_ydata()) == [2.5, 2.5]]
    assert cap_lines
    means = [ln for ln in ax.lines if ln not in cap_lines and len(ln.get_xdata()) > 2]
    assert means and max(float(np.max(ln.get_ydata())) for ln in means) < 2.4
    title = ax.get_title()
    assert "daily peak at the cap (2.5)" in title and "below the daily peak" in title
    plt.close("all")


def test_price_lines_that_reach_the_peak_get_no_note(shock_yaml) -> None:
    # daily periods: the mean of a day is the day's index, and the line reaches the peak
    res = _run("series_period_days=1", path=shock_yaml)
    (ax,) = F.prices_figure(res).axes
    assert "daily" not in ax.get_title() and "period" in ax.get_ylabel()
    plt.close("all")


def test_compare_prices_name_the_daily_peaks_above_the_lines(shock_monthly,
                                                             shock_monthly_capped) -> None:
    fig = F.compare_series_figure([("free", shock_monthly), ("capped", shock_monthly_capped)],
                                  "price_index")
    top = fig.axes[0]
    assert "mean over each period" in top.get_ylabel()
    assert top.get_title().split(":")[0] == "copper"
    assert "lines are means over each period" in top.get_title()
    peak = float(np.mean(shock_monthly.kpi("price_peak_ratio", "copper")))
    # at the cap, the mean peak is a lower bound, as the tables write it (review 191)
    assert f"daily peak free {peak:.3g}, capped \u2265 2.5" in top.get_title().replace(
        "\n", " ")
    assert "price cap (2.5): the daily index reached it" in _legend_texts(fig)
    plt.close(fig)



def test_compare_cap_line_is_no_scenarios_line(shock_monthly, shock_monthly_capped) -> None:
    # review 189: the cap was drawn in the second scenario's red dashes, so the two merged
    # where that scenario sat at the cap
    from matplotlib.colors import to_hex

    from sim.output import style as st

    fig = F.compare_series_figure([("free", shock_monthly), ("capped", shock_monthly_capped)],
                                  "price_index")
    top = fig.axes[0]
    cap = [ln for ln in top.lines if ln.get_label().startswith("price cap")]
    assert cap and all(ln.get_linewidth() >= 3 and ln.get_alpha() < 1 for ln in cap)
    scenario_lines = [ln for ln in top.lines if ln not in cap and len(ln.get_xdata()) > 2]
    assert all(ln.get_linewidth() < 3 for ln in scenario_lines)
    assert to_hex(cap[0].get_color()) == to_hex(st.CLOSED_COLOR)
    plt.close(fig)


def test_compare_band_key_says_its_colours(shock_monthly, shock_monthly_capped) -> None:
    # review 191: a grey key beside the second scenario's red difference band
    fig = F.compare_series_figure([("free", shock_monthly), ("capped", shock_monthly_capped)],
                                  "price_index")
    assert "5-95% of replications, in its line's colour" in _legend_texts(fig)
    plt.close(fig)
