"""Exact-value checks of the comparison, sweep and precision statistics that kill the
mutants review 76 found surviving (F4-F11). Inputs are small fakes; expected values come
from scipy's t quantiles, the standard library, or arithmetic by hand."""

from __future__ import annotations

import math
import statistics
from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from sim.experiment.compare import _measure, compare_table
from sim.experiment.precision import (
    Measure,
    MetricSpec,
    StopReport,
    Target,
    constant_minimum,
)
from sim.experiment.sweep import Param, _bootstrap, _tables, make_design

LAB = ("copper", "all", "all", "shortfall_t", "t")


def t_half(values: list[float], confidence: float) -> float:
    """Half-width of the Student-t interval of the mean of ``values``."""
    n = len(values)
    return float(stats.t.ppf((1 + confidence) / 2, n - 1)) * statistics.stdev(values) \
        / math.sqrt(n)


# ----------------------------------------------------------------------------- F4
def fake_arm(label: str, values: list[float]) -> SimpleNamespace:
    """An arm whose replication r has the single KPI ``LAB`` of value ``values[r]``."""
    done = {r: SimpleNamespace(kpi_labels=[LAB], kpi_values=lambda v=v: np.array([v]))
            for r, v in enumerate(values)}
    return SimpleNamespace(label=label, done=done)


def test_paired_difference_is_scaled_by_the_reference_mean_not_its_median() -> None:
    # F4: the reference 0, 0, 0, 100, 500 has median 0 (an infinite relative width) and
    # mean 120
    ref = [0.0, 0.0, 0.0, 100.0, 500.0]
    alt = [10.0, 12.0, 8.0, 115.0, 505.0]
    target = Target(0.05, (MetricSpec("shortfall_t"),))
    (m,) = _measure([fake_arm("base", ref), fake_arm("alt", alt)], target, [0], 5)
    diffs = [a - r for a, r in zip(alt, ref, strict=True)]
    assert diffs == [10.0, 12.0, 8.0, 15.0, 5.0]
    expected = t_half(diffs, 0.95) / 120.0
    assert expected == pytest.approx(0.0394009636835, rel=1e-9)
    assert m.rel_half_width == pytest.approx(expected, rel=1e-12)
    assert not m.unscaled
    assert m.mean == pytest.approx(10.0, rel=1e-12)
    assert m.name == "shortfall_t:copper alt-base" and m.pair == ("alt", "base")


# ----------------------------------------------------------------------------- F5
def fake_results(values: list[float]) -> SimpleNamespace:
    return SimpleNamespace(replications=list(range(len(values))), kpi_labels=[LAB],
                           kpi_values=np.array(values, float)[:, None])


def test_compare_table_intervals_use_the_confidence_asked_for() -> None:
    # F5: the paired difference's interval (and each scenario's) were 95% whatever the
    # confidence asked for
    ref = [10.0, 12.0, 11.0, 13.0]
    alt = [11.0, 12.5, 13.0, 14.0]
    table = compare_table([fake_results(ref), fake_results(alt)], ["base", "alt"],
                          confidence=0.90)
    base_row, alt_row = table.iloc[0], table.iloc[1]
    diffs = [1.0, 0.5, 2.0, 1.0]
    half = t_half(diffs, 0.90)
    assert half == pytest.approx(2.353363434801823 * statistics.stdev(diffs) / 2, rel=1e-12)
    assert alt_row["diff"] == pytest.approx(1.125, rel=1e-12)
    assert alt_row["diff_ci_low"] == pytest.approx(1.125 - half, rel=1e-12)
    assert alt_row["diff_ci_high"] == pytest.approx(1.125 + half, rel=1e-12)
    assert alt_row["ci_low"] == pytest.approx(12.625 - t_half(alt, 0.90), rel=1e-12)
    assert alt_row["ci_high"] == pytest.approx(12.625 + t_half(alt, 0.90), rel=1e-12)
    assert base_row["ci_low"] == pytest.approx(11.5 - t_half(ref, 0.90), rel=1e-12)
    assert base_row["ci_high"] == pytest.approx(11.5 + t_half(ref, 0.90), rel=1e-12)


# ----------------------------------------------------------------------------- F6
def test_sobol_bootstrap_uses_the_confidence_asked_for() -> None:
    # F6: the bootstrap's confidence level was 0.95 whatever was asked for
    data = np.array([3.0, 9.0, 1.0, 7.0, 4.0, 12.0, 2.0, 8.0,
                     5.0, 0.0, 11.0, 6.0, 10.0, 13.0, 15.0, 14.0])

    def indices(idx: np.ndarray) -> np.ndarray:
        return np.array([data[idx].mean()])

    lo50, hi50 = _bootstrap(indices, len(data), 7, 999, 0.5)
    lo95, hi95 = _bootstrap(indices, len(data), 7, 999, 0.95)
    # the same generator draws the same resamples: the 25th-75th percentiles of the
    # resampled means lie strictly inside their 2.5th-97.5th
    assert lo95[0] < lo50[0] < hi50[0] < hi95[0]
    # and a 50% interval of the mean of 16 values of sd s is near +-0.674 s / 4
    approx_half = stats.norm.ppf(0.75) * data.std(ddof=0) / 4
    assert (hi50[0] - lo50[0]) / 2 == pytest.approx(approx_half, rel=0.15)
    assert (hi95[0] - lo95[0]) / 2 == pytest.approx(approx_half / stats.norm.ppf(0.75)
                                                    * stats.norm.ppf(0.975), rel=0.15)


# ----------------------------------------------------------------------------- F7, F8
def test_sweep_tables_give_the_mean_and_sample_sd_of_replications() -> None:
    # F7: sd with ddof=0 (1.633 for 10, 12, 14 instead of 2); F8: median instead of mean
    des = make_design([Param("x", 0.0, 1.0)], "lhs", 2, 0)
    labels = {0: [LAB], 1: [LAB]}
    values = {(0, 0): np.array([10.0]), (0, 1): np.array([12.0]), (0, 2): np.array([14.0]),
              (1, 0): np.array([10.0]), (1, 1): np.array([12.0]), (1, 2): np.array([20.0])}
    table, long, units, unmatched = _tables(des, values, labels, 3, [])
    assert unmatched == [] and units == {"shortfall_t:copper": "t"}
    assert list(table["shortfall_t:copper"]) == pytest.approx([12.0, 14.0], rel=1e-12)
    assert list(long["mean"]) == pytest.approx([12.0, 14.0], rel=1e-12)
    # sample sd: sqrt((4 + 0 + 4) / 2) = 2 and sqrt((16 + 4 + 36) / 2) = sqrt(28)
    assert list(long["sd"]) == pytest.approx([2.0, math.sqrt(28.0)], rel=1e-12)
    assert list(long["n"]) == [3, 3]


# ----------------------------------------------------------------------------- F9
def test_integer_grid_levels_are_rounded_to_the_nearest_whole_number() -> None:
    # F9: 0:5 in 4 levels is 0, 5/3, 10/3, 5: rounded 0, 2, 3, 5 (truncated: 0, 1, 3, 5)
    des = make_design([Param("x", 0, 5, "int")], "grid", 4, 0)
    assert des.values == [[0], [2], [3], [5]]
    assert all(isinstance(row[0], int) for row in des.values)


# ----------------------------------------------------------------------------- F10
def test_a_measure_mean_is_the_mean_and_the_zero_mean_message_shows_it() -> None:
    # F10: the mean of differences 0, 0, 0, 900 is 225 (its median is 0)
    m = Measure.of("shortfall_t:copper alt-base", np.array([0.0, 0.0, 0.0, 900.0]),
                   scale=0.0, pair=("alt", "base"))
    assert m.mean == 225.0
    assert m.n == 4 and m.unscaled
    text = StopReport("zero_mean", 4, 0.05, [m]).message()
    assert "(mean difference 225)" in text
    # NaNs are left out of the mean
    assert Measure.of("x", np.array([1.0, np.nan, 4.0])).mean == 2.5


# ----------------------------------------------------------------------------- F11
@pytest.mark.parametrize("target", [0.07, 0.11, 0.04, 0.03, 0.02, 0.3])
def test_constant_minimum_is_the_smallest_count_at_least_three_over_target(target) -> None:
    # F11: truncating 3 / 0.07 = 42.86 accepted a constant KPI after 42 replications
    expected = math.ceil(Fraction(3) / Fraction(str(target)))
    assert constant_minimum(target) == expected


def test_constant_minimum_hand_values() -> None:
    assert constant_minimum(0.07) == 43
    assert constant_minimum(0.04) == 75
    assert constant_minimum(0.11) == 28
