"""A short FIRST calendar month is marked in the figures as a short last period is.

With ``series_period_days: month`` a run starting after the 1st has a first period of the
rest of that month (from 2025-01-15: 17 days). Drawn as a rate it does not look like a drop,
but over a few days a flow is lumpy and its spread across replications says little: like a
last period cut by the horizon, it gets no band, a hollow point joined by a dotted segment,
a faded veil in the stacked flows, and a legend entry saying so. A one-period run whose
period is short at both ends is marked once."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pytest
from figure_marks import marks, stocks_figure
from matplotlib.figure import Figure

import sim
from sim.metrics.series import catalogue
from sim.output import figures as F

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
JAN15 = ["start=2025-01-15", "series_period_days=month",
         # random transit times: replications differ, so bands have a width
         "lanes.mine_border.transit_days={dist: uniform, low: 1, high: 6}"]
RUN_FIGURES = [F.deliveries_figure, F.prices_figure, stocks_figure]


def _run(horizon: int) -> sim.Results:
    sc = sim.load_scenario(TINY, [*JAN15, f"horizon_days={horizon}"])
    return sim.run(sc, replications=2, seed=3, workers=1, figures=False)


@pytest.fixture(scope="module")
def first_only() -> sim.Results:
    """17, 28 and 31 days: only the first period is short."""
    return _run(76)


@pytest.fixture(scope="module")
def both_ends() -> sim.Results:
    """17, 28, 31 and 24 days: the first and the last are short."""
    return _run(100)


@pytest.fixture(scope="module")
def one_period() -> sim.Results:
    """A single period of 10 days, from the 15th: short at both ends."""
    return _run(10)


def _num(res: sim.Results) -> np.ndarray:
    return mdates.date2num(F.mid_dates(res))


def legend_texts(fig: Figure) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def test_catalogue_days_of_a_short_first_period() -> None:
    def cat(*overrides: str):
        return catalogue(sim.load_scenario(TINY, list(overrides)))

    assert cat("start=2025-01-15", "horizon_days=76", "series_period_days=month"
               ).first_cut_days == 17
    # from the 1st: whole first month (and the last cut: that is cut_days alone)
    whole = cat("start=2025-02-01", "horizon_days=40", "series_period_days=month")
    assert whole.first_cut_days == 0 and whole.cut_days == 12
    # N-day periods start at the start: the first is never short
    assert cat("start=2025-01-15", "horizon_days=60").first_cut_days == 0
    # one period cut at both ends: both give its days
    single = cat("start=2025-01-15", "horizon_days=10", "series_period_days=month")
    assert single.days == [10] and single.first_cut_days == single.cut_days == 10


@pytest.mark.parametrize("func", RUN_FIGURES, ids=lambda f: f.__name__)
def test_short_first_month_has_no_band_and_a_hollow_point(func, first_only) -> None:
    assert first_only.catalogue.days == [17, 28, 31]
    x = _num(first_only)
    fig = func(first_only)
    bands, hollow, dotted = marks(fig)
    # bands start at the first whole month and run to the end
    assert bands and all(lo == pytest.approx(x[1]) and hi == pytest.approx(x[-1])
                         for lo, hi in bands)
    assert hollow and all(h == pytest.approx(x[0]) for h in hollow)
    assert dotted == len(hollow)
    texts = legend_texts(fig)
    assert texts[-1] == "first 17 days (short period), no band"
    plt.close(fig)


@pytest.mark.parametrize("func", RUN_FIGURES, ids=lambda f: f.__name__)
def test_short_first_and_last_months_are_both_marked(func, both_ends) -> None:
    assert both_ends.catalogue.days == [17, 28, 31, 24]
    x = _num(both_ends)
    fig = func(both_ends)
    bands, hollow, dotted = marks(fig)
    assert bands and all(lo == pytest.approx(x[1]) and hi == pytest.approx(x[-2])
                         for lo, hi in bands)
    assert hollow.count(pytest.approx(x[0])) == hollow.count(pytest.approx(x[-1])) > 0
    assert len(hollow) == 2 * hollow.count(pytest.approx(x[0]))
    assert legend_texts(fig)[-1] == ("first 17 days and last 24 days (short periods), "
                                     "no band")
    plt.close(fig)


def test_flows_fade_a_short_first_month(first_only, both_ends) -> None:
    x = _num(first_only)
    fig = F.flows_figure(first_only)
    spans = [p for ax in fig.axes for p in ax.patches]
    assert spans and all(p.get_x() == pytest.approx(x[0])
                         and p.get_x() + p.get_width() == pytest.approx(x[1]) for p in spans)
    assert ("faded at the left: the first 17 days, a short period (the others: calendar "
            "months)") in fig.get_suptitle()
    plt.close(fig)
    x = _num(both_ends)
    fig = F.flows_figure(both_ends)
    for ax in fig.axes:
        got = sorted((p.get_x(), p.get_x() + p.get_width()) for p in ax.patches)
        assert got == [pytest.approx((x[0], x[1])), pytest.approx((x[-2], x[-1]))]
    assert ("faded at both ends: the first 17 days and the last 24 days, short periods "
            "(the others: calendar months)") in fig.get_suptitle()
    plt.close(fig)


def test_comparisons_mark_a_short_first_month(first_only, both_ends) -> None:
    x = _num(first_only)
    fig = F.compare_series_figure([("a", first_only), ("b", first_only)], "exported_t")
    bands, hollow, _dotted = marks(fig)
    assert bands and min(lo for lo, _hi in bands) == pytest.approx(x[1])
    assert hollow and all(h == pytest.approx(x[0]) for h in hollow)
    assert "first 17 days (short period), no band" in legend_texts(fig)
    plt.close(fig)
    fig = F.compare_series_figure([("jan", first_only), ("apr", both_ends)], "exported_t")
    notes = [" ".join(t.split()) for t in legend_texts(fig) if "short" in t]
    assert notes == ["short first period (17 days in jan, apr) and last period (24 days "
                     "in apr), no band"]
    plt.close(fig)


def test_one_period_short_at_both_ends_is_marked_once(one_period) -> None:
    assert one_period.catalogue.days == [10]
    x = _num(one_period)
    for func in RUN_FIGURES:
        fig = func(one_period)
        bands, hollow, dotted = marks(fig)
        assert not bands and not dotted
        # one hollow point per mean drawn, not one per end
        means = {ax: [ln for ln in ax.lines if ln.get_marker() not in (None, "None", "", " ")]
                 for ax in fig.axes}
        assert all(len(ln.get_xdata()) == 1 for lines in means.values() for ln in lines)
        assert hollow and all(h == pytest.approx(x[0]) for h in hollow)
        assert legend_texts(fig)[-1] == "one period of 10 days (short), no band"
        fig.canvas.draw()
        plt.close(fig)
    fig = F.flows_figure(one_period)
    assert all(len(ax.patches) <= 1 for ax in fig.axes)
    assert "its only period, 10 days, is short (periods: calendar months)" in (
        fig.get_suptitle())
    fig.canvas.draw()
    plt.close(fig)
    fig = F.compare_series_figure([("a", one_period), ("b", one_period)], "exported_t")
    assert "one period of 10 days (short), no band" in legend_texts(fig)
    fig.canvas.draw()
    plt.close(fig)


def test_two_short_periods_share_one_dotted_segment_and_one_veil() -> None:
    res = _run(20)  # 17 and 3 days
    assert res.catalogue.days == [17, 3]
    fig = stocks_figure(res)
    bands, hollow, dotted = marks(fig)
    lines = [ln for ax in fig.axes for ln in ax.lines
             if ln.get_marker() not in (None, "None", "", " ")]
    assert lines and not bands and dotted == len(lines) and len(hollow) == 2 * len(lines)
    plt.close(fig)
    fig = F.flows_figure(res)
    assert all(len(ax.patches) == 1 for ax in fig.axes if ax.collections)
    plt.close(fig)
