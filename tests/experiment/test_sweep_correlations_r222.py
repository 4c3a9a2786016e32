"""Review 222: a sweep's rank correlations ranked summation noise in the last digit (a
parameter with no effect at +0.29, +0.95 where the true rho is 1), and counted an ``:int``
range's repeated points twice where the chance line beside them counted them once."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import sim

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
A, B = "sites.border.clearance_trucks_per_day", "lanes.mine_border.transit_days"


def _grid() -> sim.Sweep:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sim.run_sweep(TINY, [f"{A}=50:150", f"{B}=1:5"], "grid", 3, replications=1)


def test_values_equal_but_for_their_last_digit_are_ties() -> None:
    sw = _grid()
    table = sw.table.copy()
    a, b = table[A].to_numpy(), table[B].to_numpy()
    # 218,125.264417106 t as summed in three orders, rising with b by chance
    table["y"] = 218125.26441710681 + 10.0 * (a - 50) + (b - 1) * 1e-11
    got = dataclasses.replace(sw, table=table).correlations(["y"])
    assert got.loc["y", A] == 1.0
    assert got.loc["y", B] == 0.0
    # a real effect of the other parameter is still ranked
    table["y"] = 1000.0 + (b - 1) * 1e-3
    assert dataclasses.replace(sw, table=table).correlations(["y"]).loc["y", B] == 1.0


def test_a_repeated_point_counts_once() -> None:
    sw = _grid()
    rows = pd.DataFrame({A: [50.0, 100.0, 150.0, 150.0, 150.0, 150.0],
                         B: [1.0, 3.0, 5.0, 5.0, 5.0, 5.0],
                         "y": [3.0, 1.0, 2.0, 2.0, 2.0, 2.0]})
    got = dataclasses.replace(sw, table=rows).correlations(["y"]).loc["y", A]
    distinct = rows.drop_duplicates()
    assert got == distinct[A].corr(distinct["y"], method="spearman") == -0.5
    assert not np.isclose(got, rows[A].corr(rows["y"], method="spearman"))


def test_the_cap_note_names_what_the_design_ranks_by() -> None:
    # review 224: "the indices (correlations)" beside an LHS's correlations
    from sim.output.sweep_output import cap_note

    sw = _grid()
    col = "price_peak_ratio:copper"
    capped = dataclasses.replace(sw, at_cap={col: (1, 0, 10.0)})
    note = cap_note(capped, [col])
    assert note is not None and "so the rank correlations rank what reaches the cap" in note
    assert "indices" not in note


def test_samples_lists_only_kpis_without_a_value_at_some_point() -> None:
    # review 224: every row was listed where an :int range repeated points
    sw = _grid()
    rows = pd.DataFrame({A: [50.0, 100.0, 150.0, 150.0], B: [1.0, 3.0, 5.0, 5.0],
                         "y": [3.0, 1.0, 2.0, 2.0], "z": [3.0, np.nan, 2.0, 2.0]})
    got = dataclasses.replace(sw, table=rows).correlations(["y", "z"])
    assert got.attrs["samples"] == {"z": 2}
