"""What a sweep prints and draws of the KPIs asked for: ``--metric`` is read as
METRIC[:COMMODITY[:CHANNEL[:SITE]]], a KPI asked for that never varies is named with its
value instead of left out without a word, and the Sobol figure's text lies within it.

The sweeps are built from a real design with made-up KPI means (fast and exact)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.experiment.sweep import Param, Sweep, make_design, sobol_table
from sim.output import style as st
from sim.output.sweep_output import headline_outputs, sobol_figure, sweep_text

CLEARANCE = Param("sites.kasumbalesa.clearance_trucks_per_day", 150, 400)
TRANSIT = Param("lanes.kasumbalesa_dar.transit_days", 8, 20)
MORE = (Param("sites.kolwezi.capacity_t_per_day", 1, 2),
        Param("lanes.lobito_rail.transit_days", 1, 2))


def made_up_sweep(design: str = "lhs", samples: int = 5,
                  params: tuple[Param, ...] = (CLEARANCE,), name: str = "baseline",
                  kpis: tuple[str, ...] = ()) -> Sweep:
    """A sweep whose KPI means rise with the first parameter, except gold's delivered_t
    (12.5 t in every sample) and shortfall_t (none in any); only ``kpis`` if given."""
    des = make_design(list(params), design, samples, seed=0)
    table = pd.DataFrame({"sample": np.arange(des.size)})
    if des.blocks:
        table["block"] = des.blocks
    for i, p in enumerate(params):
        table[p.path] = [row[i] for row in des.values]
    u = des.unit[:, 0]
    columns = {"delivered_t:cobalt": 1000 * u, "delivered_t:copper": 5000 * u,
               "delivered_t:gold": np.full(des.size, 12.5),
               "shortfall_t:cobalt": np.zeros(des.size),
               "throughput_t:cobalt:all:kasumbalesa": 300 * u,
               "throughput_t:cobalt:all:route:lobito": 200 * u}
    units = {}
    columns = {c: v for c, v in columns.items() if not kpis or c in kpis}
    for col, values in columns.items():
        table[col] = values
        units[col] = "t"
    sobol = (sobol_table(des, table, units, 0, n_resamples=50) if design == "sobol"
             else None)
    return Sweep(name, des, 0, 2, table, pd.DataFrame(), sobol, units)


def test_metric_commodity_channel_and_site_choose_the_columns() -> None:
    # delivered_t:cobalt showed cobalt's, copper's and gold's delivered_t
    sw = made_up_sweep()
    assert headline_outputs(sw, ["delivered_t:cobalt"]) == ["delivered_t:cobalt"]
    assert headline_outputs(sw, ["delivered_t"]) == ["delivered_t:cobalt",
                                                     "delivered_t:copper"]
    assert headline_outputs(sw, ["delivered_t:*"]) == headline_outputs(sw, ["delivered_t"])
    assert headline_outputs(sw, ["throughput_t:cobalt:all:route:lobito"]) == [
        "throughput_t:cobalt:all:route:lobito"]
    assert headline_outputs(sw, ["throughput_t:cobalt:all:kasumbalesa"]) == [
        "throughput_t:cobalt:all:kasumbalesa"]
    assert headline_outputs(sw, ["throughput_t:copper:all:kasumbalesa"]) == []
    text = sweep_text(sw, ["delivered_t:cobalt"])
    assert "delivered_t:cobalt" in text and ":copper" not in text and ":gold" not in text


def test_a_kpi_asked_for_that_never_varies_is_named_with_its_value() -> None:
    sw = made_up_sweep()
    text = sweep_text(sw, ["delivered_t", "shortfall_t:cobalt"])
    table = [line.split()[0] for line in text.splitlines() if line.startswith("delivered_t")]
    assert table == ["delivered_t:cobalt", "delivered_t:copper"]
    assert text.splitlines()[-1] == ("note: delivered_t:gold (12.50 t), shortfall_t:cobalt "
                                     "(0 t) are the same in every sample, so not shown in "
                                     "the table")
    text = sweep_text(sw, ["delivered_t:gold"])
    assert text.splitlines()[-2:] == [
        "No requested KPI varies across the samples.",
        "note: delivered_t:gold (12.50 t) is the same in every sample, so not shown in the "
        "table"]
    # the headline KPIs when none is asked for: no note on those not asked for
    assert "note:" not in sweep_text(sw)


def test_sobol_text_names_a_constant_kpi_asked_for() -> None:
    sw = made_up_sweep("sobol", 4, (CLEARANCE, TRANSIT))
    text = sweep_text(sw, ["delivered_t:cobalt", "delivered_t:gold"])
    assert "Sobol indices" in text
    assert "delivered_t:cobalt  sites.kasumbalesa.clearance_trucks_per_day" in text
    assert text.splitlines()[-1] == ("note: delivered_t:gold (12.50 t) is the same in every "
                                     "sample, so not shown in the table")


# ========================================================================== Sobol figure
def text_boxes(fig: Figure) -> list[tuple[Text, object]]:
    """Every text drawn (titles, tick and axis labels, legend), with its extent measured by
    the renderer at 100 dpi, as in test_figure_readability."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.set_dpi(100)
    with st.style():
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t, t.get_window_extent(renderer)) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text()]


@pytest.mark.parametrize(("params", "kpis", "name"), [
    # the review's: one panel 4.2 inches wide cut the title at both ends
    ((CLEARANCE, TRANSIT), ("throughput_t:cobalt:all:kasumbalesa",), "baseline"),
    ((CLEARANCE,), ("throughput_t:cobalt:all:route:lobito",), "baseline"),
    ((CLEARANCE, TRANSIT), ("delivered_t:cobalt",),
     "export ban with monthly quotas until the end of 2027"),
    ((CLEARANCE, TRANSIT, *MORE), (), "baseline"),
], ids=["one-panel", "one-parameter", "long-name", "four-parameters"])
def test_sobol_figure_text_lies_within_the_figure(params, kpis, name) -> None:
    sw = made_up_sweep("sobol", 4, params, name, kpis)
    fig = sobol_figure(sw, ["delivered_t", "throughput_t"])
    boxes = text_boxes(fig)
    assert fig.get_suptitle().startswith(f"{name}: Sobol indices")
    for t, box in boxes:
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width, t.get_text()
        assert box.y0 >= 0 and box.y1 <= fig.bbox.height, t.get_text()
    for ax in fig.axes:
        ticks = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
        for a, b in combinations(ticks, 2):
            assert not a.overlaps(b), "parameter names run into each other"
    titles = [ax.title.get_window_extent() for ax in fig.axes if ax.get_title()]
    for a, b in combinations(titles, 2):
        assert not a.overlaps(b), "panel titles run into each other"


def test_sweep_figures_say_what_they_leave_out_and_when_indices_are_noise() -> None:
    from sim.output.sweep_output import scatter_figure

    # four varying KPIs: all shown, nothing said; one more than the scatter's four rows
    wanted = ["delivered_t", "throughput_t"]
    sw = made_up_sweep("lhs", 5, (CLEARANCE,))
    assert len(headline_outputs(sw, wanted)) == 4
    assert "KPIs shown" not in scatter_figure(sw, wanted).get_suptitle()
    more = made_up_sweep("lhs", 5, (CLEARANCE,))
    more.table["throughput_t:copper:all:kasumbalesa"] = 7 * more.table[CLEARANCE.path]
    more.units["throughput_t:copper:all:kasumbalesa"] = "t"
    title = scatter_figure(more, wanted).get_suptitle()
    assert "4 of 5 KPIs shown (the first named with --metric)" in title
    # Sobol indices are shares of variance: intervals far outside 0-1 from 4 base samples
    sw = made_up_sweep("sobol", 4, (CLEARANCE, TRANSIT))
    s = sw.sobol
    wild = ((s[["first_order_low", "total_order_low"]] < -0.05).to_numpy().any()
            or (s[["first_order_high", "total_order_high"]] > 1.05).to_numpy().any())
    said = "too few samples" in sobol_figure(sw).get_suptitle()
    assert said == wild
    s.loc[:, ["first_order_low", "total_order_low"]] = 0.0
    s.loc[:, ["first_order_high", "total_order_high"]] = 1.0
    assert "too few samples" not in sobol_figure(sw).get_suptitle()
    s.loc[s.index[0], "total_order_high"] = 2.1
    assert "too few samples" in sobol_figure(sw).get_suptitle()


# -------------------------------------------------- Sobol indices it cannot stand behind
def test_sobol_indices_from_few_samples_come_with_a_warning() -> None:
    # -n 4 printed first-order indices of 1.48 [0.21, 2.25] with no caution
    text = sweep_text(made_up_sweep("sobol", 4))
    assert "4 base samples are few for Sobol indices" in text
    # review 113: the narrow intervals were the wrong ones at 8 base samples
    assert "their intervals can miss the true value, narrow ones too" in text
    assert "rank nothing by them" in text


def test_sobol_indices_outside_0_1_come_with_a_warning() -> None:
    sweep = made_up_sweep("sobol", 64)
    sweep.sobol.loc[sweep.sobol.index[0], "first_order"] = 1.48
    text = sweep_text(sweep)
    assert "some indices lie outside 0-1" in text
    assert "few for Sobol" not in text  # 64 base samples


def test_sobol_indices_from_enough_samples_within_0_1_have_no_warning() -> None:
    sweep = made_up_sweep("sobol", 64, params=(TRANSIT,))
    s = sweep.sobol[["first_order", "total_order"]]
    assert ((s >= -0.05) & (s <= 1.05)).all().all()
    assert "warning" not in sweep_text(sweep)


def test_every_kpi_named_with_metric_is_drawn_and_large_values_read_with_separators(
        ) -> None:
    # review 146: five KPIs named with --metric drew four, titled "(--metric chooses)";
    # a quota of 12000 t ran into its neighbour tick, "900010000"
    from sim.output.sweep_output import SCATTER_ROWS_MAX, scatter_figure

    big = Param("policies.export_quotas.q.schedule.0.tonnes", 4000.0, 12000.0)
    sw = made_up_sweep("lhs", 6, (big,))
    named = ["delivered_t:cobalt", "delivered_t:copper", "throughput_t:cobalt:all:kasumbalesa",
             "throughput_t:cobalt:all:route:lobito", "delivered_t:gold"]
    sw.table["delivered_t:gold"] = sw.table["delivered_t:cobalt"] + 1  # varies too
    fig = scatter_figure(sw, named)
    assert len(fig.axes) == 5 and "KPIs shown" not in fig.get_suptitle()
    assert 5 <= SCATTER_ROWS_MAX
    ax = fig.axes[-1]
    fig.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks) and all(len(t) <= 6 for t in ticks), ticks
