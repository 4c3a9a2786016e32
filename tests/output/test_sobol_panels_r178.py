"""Review 178: the Sobol figure showed six of eight KPIs named with --metric and said
"(--metric chooses)", as the scatter figure did before review 146."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiment.sweep import Param, Sweep, make_design, sobol_table
from sim.output.sweep_output import sobol_figure

CLEARANCE = Param.parse("sites.kasumbalesa.clearance_trucks_per_day=400:600")
NAMES = [f"wait_p{i}_days:all:all:post_{i}" for i in range(8)]


def sweep_of(names: list[str]) -> Sweep:
    des = make_design([CLEARANCE], "sobol", 4, seed=0)
    table = pd.DataFrame({"sample": np.arange(des.size), "block": des.blocks,
                          CLEARANCE.path: [row[0] for row in des.values]})
    u = des.unit[:, 0]
    for k, name in enumerate(names):
        table[name] = (k + 1) * u
    units = dict.fromkeys(names, "days")
    return Sweep("baseline", des, 0, 2, table, pd.DataFrame(),
                 sobol_table(des, table, units, 0, n_resamples=50), units)


def panel_titles(fig) -> list[str]:
    return [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.get_title()]


def test_every_kpi_named_up_to_nine_gets_a_panel() -> None:
    fig = sobol_figure(sweep_of(NAMES), NAMES)
    assert len(panel_titles(fig)) == 8
    assert "KPIs shown" not in fig.get_suptitle()


def test_past_nine_the_figure_says_which_it_shows() -> None:
    names = [*NAMES, "peak_held_t:copper:all:a", "peak_held_t:copper:all:b"]
    fig = sobol_figure(sweep_of(names), names)
    assert len(panel_titles(fig)) == 9
    assert "9 of 10 KPIs shown (the first named with --metric)" in fig.get_suptitle()


def test_total_bars_are_hatched_for_grey_print() -> None:
    # review 189: first-order and total bars were one grey in print, told apart by colour
    fig = sobol_figure(sweep_of(NAMES[:1]), NAMES[:1])
    ax = next(a for a in fig.axes if a.get_visible() and a.get_title())
    hatches = {p.get_hatch() for p in ax.patches}
    assert hatches == {None, "//"}
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["first order (left)", "total (right)"]
