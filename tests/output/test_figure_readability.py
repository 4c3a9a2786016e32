"""Figures stay readable at their default size: map names do not cover each other, every
forest panel shows its own commodity's changes on its own scale, and a last period cut
short by the horizon is marked instead of drawn with a misleadingly wide band."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from figure_marks import marks, stocks_figure
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.text import Text

import sim
from sim.output import figures as F
from sim.output import style as st
from sim.output.network_map import network_figure

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
TINY = ROOT / "tests" / "data" / "tiny.yaml"


# ==================================================================================== map
def rendered(fig: Figure, dpi: float = 100) -> RendererBase:
    """Draw ``fig`` at ``dpi`` (the notebooks' resolution) and return its renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    with st.style():
        fig.canvas.draw()
    return fig.canvas.get_renderer()


def label_boxes(fig: Figure):
    """Every text drawn inside a map panel (site names and closure notes), with its
    extent on the rendered figure, measured by the renderer (text only, no leader line)."""
    renderer = rendered(fig)
    return [(ax, t, Text.get_window_extent(t, renderer))
            for ax in fig.axes for t in ax.texts if t.get_visible() and t.get_text()]


def assert_readable_map(fig: Figure, names: list[str]) -> None:
    boxes = label_boxes(fig)
    for (ax_a, a, box_a), (ax_b, b, box_b) in combinations(boxes, 2):
        if ax_a is ax_b:
            assert not box_a.overlaps(box_b), f"{a.get_text()!r} covers {b.get_text()!r}"
    for ax, t, box in boxes:
        if len(t.get_text()) > 1:  # the one-letter box names sit on the frame
            frame = ax.get_window_extent()
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1, t.get_text()
            assert frame.y0 <= box.y0 and box.y1 <= frame.y1, t.get_text()
    # every site is named, once
    texts = [" ".join(t.get_text().split()) for _ax, t, _b in boxes]
    for name in names:
        # a name alone, or with its closure or its load over capacity
        assert sum(x == name or (x.startswith(f"{name} (")
                                 and x.endswith((" days)", "% of capacity)")))
                   for x in texts) == 1, name


@pytest.fixture(scope="module")
def baseline_scenario() -> sim.Scenario:
    return sim.load_scenario(BASELINE)


def test_network_map_names_do_not_overlap(baseline_scenario) -> None:
    sc = baseline_scenario
    assert_readable_map(network_figure(sc), [s.name or sid for sid, s in sc.sites.items()])


def test_network_map_names_a_site_over_capacity_in_red_with_its_load(baseline_scenario) -> None:
    # the planned cobalt feed of the Chinese refiners exceeds their capacity (sim show says
    # so); a red edge on the marker alone was missed
    fig = network_figure(baseline_scenario)
    rendered(fig)
    red = [" ".join(t.get_text().split()) for _ax, t, _box in label_boxes(fig)
           if t.get_color() == "#d62728"]
    assert len(red) == 1 and red[0].startswith("Chinese cobalt refiners (aggregate) (")
    assert red[0].endswith("% of capacity)")


def test_results_map_names_do_not_overlap(baseline_short) -> None:
    sc = baseline_short.scenario
    fig = F.map_figure(baseline_short, "cobalt")
    assert_readable_map(fig, [s.name or sid for sid, s in sc.sites.items()])


def test_copperbelt_sites_are_enlarged_apart(baseline_scenario) -> None:
    # Kolwezi's mines lie within 0.2 degrees of each other: drawn on their own panel,
    # KCC and Sicomines are several marker widths apart
    sc = baseline_scenario
    fig = network_figure(sc)
    rendered(fig)
    ax = next(ax for ax in fig.axes if ax.get_title().startswith("A:"))
    a, b = (sc.sites[s].location for s in ("kcc", "sicomines"))
    (x0, _y0), (x1, _y1) = ax.transData.transform([(a.lon, a.lat), (b.lon, b.lat)])
    assert abs(x1 - x0) / (fig.dpi / 72) > 12  # points


# ================================================================================= forest
def synthetic_differences() -> pd.DataFrame:
    """Cobalt falls by 435 kt while gold moves by a few tonnes: the row that was lost."""
    rows = []
    for scen, scale in (("export ban with monthly quotas until the end of 2027", 1.0),
                        ("M23 escalation", 0.1)):
        for com, diff, ref in (("cobalt", -435_000.0, 770_000.0), ("copper", 20_000.0, 1.2e7),
                               ("gold", 2.1, 140.0)):
            for metric in ("delivered_t", "exported_t"):
                d = diff * scale
                rows.append({"scenario": scen, "reference": "baseline", "commodity": com,
                             "metric": metric, "unit": "t", "reference_mean": ref,
                             "mean": ref + d, "diff": d, "ci_low": d - abs(d) * 0.3,
                             "ci_high": d + abs(d) * 0.3, "n": 20, "diff_n": 20.0,
                             "paired": True})
    return pd.DataFrame(rows)


def forest(diffs: pd.DataFrame, ref: str = "baseline") -> Figure:
    scenarios = list(dict.fromkeys(diffs["scenario"]))
    return F.forest_figure([(ref, None), *((s, None) for s in scenarios)],
                           metrics=("delivered_t", "exported_t"), differences=diffs)


def test_forest_rows_of_a_small_commodity_are_visible() -> None:
    diffs = synthetic_differences()
    fig = forest(diffs)
    gold = 0
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        lo, hi = ax.get_xlim()
        intervals = [line.get_xdata() for line in ax.lines if len(line.get_xdata()) == 2
                     and line.get_ydata()[0] == line.get_ydata()[1]]
        widest = max(abs(b - a) for a, b in intervals)
        # every interval is 0.6 of its difference wide: on a scale of its own, the
        # widest of a panel spans a good share of the axis, whatever the commodity
        assert widest / (hi - lo) > 0.2, ax.get_title()
        gold += bool(np.isclose(widest, 2.1 * 0.6))
    assert gold == 2  # gold's delivered_t and exported_t panels


def test_forest_names_fit_beside_their_panels() -> None:
    long_ref = "status quo with leakage of copper and cobalt into the informal channel"
    fig = forest(synthetic_differences(), ref=long_ref)
    renderer = rendered(fig)
    width = fig.bbox.width
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        for label in (*ax.get_yticklabels(), ax.xaxis.label):
            box = label.get_window_extent(renderer)
            if label.get_text():
                assert box.x0 >= 0 and box.x1 <= width, label.get_text()
        # an x label no wider than its panel, so neighbours' labels never meet
        assert ax.xaxis.label.get_window_extent(renderer).width <= ax.bbox.width * 1.05
    # names shortened on the axes are given in full in the legend
    legend = " ".join(" ".join(t.get_text().split()) for t in fig.legends[0].get_texts())
    assert "export ban with monthly quotas until the end of 2027" in legend


# ========================================================================= partial period
@pytest.fixture(scope="module")
def whole_weeks() -> sim.Results:
    return sim.run(sim.load_scenario(TINY, ["horizon_days=70"]), replications=3, seed=1)


def ends(fig: Figure) -> tuple[list[float], list[float]]:
    """The last x of every band and of every hollow point, in matplotlib date numbers
    (the resilience triangle, in red, follows the mean and is not a band)."""
    bands, hollow, _ = marks(fig)
    return [hi for _, hi in bands], hollow


@pytest.mark.parametrize("func", [F.deliveries_figure, F.prices_figure, stocks_figure],
                         ids=lambda f: f.__name__)
def test_short_last_period_has_no_band_and_a_hollow_point(func, tiny_results,
                                                          whole_weeks) -> None:
    # tiny.yaml runs 100 days: 14 weeks and a last period of 2 days
    assert tiny_results.catalogue.days[-1] == 2
    last = float(mdates.date2num(F.mid_dates(tiny_results)[-1]))
    fig = func(tiny_results)
    bands, hollow = ends(fig)
    assert bands and max(bands) < last
    assert hollow and all(h == pytest.approx(last) for h in hollow)
    assert "last 2 days (short period)" in "\n".join(
        t.get_text() for legend in fig.legends for t in legend.get_texts())
    # whole weeks: bands to the end and nothing marked
    last = float(mdates.date2num(F.mid_dates(whole_weeks)[-1]))
    bands, hollow = ends(func(whole_weeks))
    assert max(bands) == pytest.approx(last)
    assert not hollow


def test_short_last_period_is_marked_in_comparisons_and_flows(tiny_results) -> None:
    fig = F.compare_series_figure([("a", tiny_results), ("b", tiny_results)], "exported_t")
    last = float(mdates.date2num(F.mid_dates(tiny_results)[-1]))
    bands, hollow = ends(fig)
    assert max(bands) < last and hollow
    assert any("short period" in t.get_text() for t in fig.legends[0].get_texts())
    fig = F.flows_figure(tiny_results)
    assert ("faded at the right: the last 2 days, a short period (the others: 7 days)"
            in fig.get_suptitle())
    spans = [p for ax in fig.axes for p in ax.patches]
    assert spans and all(p.get_x() + p.get_width() == pytest.approx(last) for p in spans)


# =========================================================================== tonnes axes
@pytest.mark.parametrize(("locs", "labels"), [
    ([0, 4000, 8000, 12000], ["0", "4 k", "8 k", "12 k"]),
    ([0, 2.5e5, 5e5, 1e6], ["0", "0.25 M", "0.5 M", "1 M"]),
    ([-1e4, 0, 1e4], ["-10 k", "0", "10 k"]),
    ([0, 2, 4, 6, 8, 10], ["0", "2", "4", "6", "8", "10"]),
    ([0, 0.5, 1], ["0", "0.5", "1"]),
])
def test_a_tonnes_axis_writes_every_tick_on_one_scale(locs, labels) -> None:
    assert st.TonnesFormatter().format_ticks(locs) == labels


def test_tonnes_axes_of_one_figure_keep_their_own_scales() -> None:
    fig = st.new_figure()
    small, big = fig.subplots(1, 2)
    small.plot([0, 9000])
    big.plot([0, 3e6])
    st.tonnes_axis(small)
    st.tonnes_axis(big)
    rendered(fig)
    ticks = {ax: [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
             for ax in (small, big)}
    assert ticks[small][-1].endswith("k") and all(t == "0" or t.endswith(" k")
                                                  for t in ticks[small])
    assert all(t == "0" or t.endswith(" M") for t in ticks[big])
