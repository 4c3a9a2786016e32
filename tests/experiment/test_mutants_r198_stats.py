"""Review 198 (mutation testing): differences alike up to rounding of about 1e-13 of the
values are one difference, in the tables and for a precision target (the rule of three,
not a half-width of 1e-14, decides); a difference exactly 0 in every pair is not noted as
alike by chance."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.experiment.compare import _measure, alike_notes, compare_table
from sim.experiment.precision import MetricSpec, Target

SHORT = ("copper", "all", "all", "shortfall_t", "t")
REF = [1052.1793522984242, 235.73127318038718, 500.0, 871.25]
# -100 t in every pair, up to about 1e-13 of the largest value (1.5e-10 t): rounding
ALT = [v - 100.0 + e for v, e in zip(REF, [0.0, 1.2e-10, -0.4e-10, 0.6e-10], strict=True)]


def fake_results(values: list[float]) -> SimpleNamespace:
    return SimpleNamespace(replications=list(range(len(values))), kpi_labels=[SHORT],
                           kpi_values=np.array([[v] for v in values], float))


def fake_arm(label: str, values: list[float]) -> SimpleNamespace:
    done = {r: SimpleNamespace(kpi_labels=[SHORT], kpi_values=lambda v=v: np.array([v]))
            for r, v in enumerate(values)}
    return SimpleNamespace(label=label, done=done)


def test_differences_1e13_of_the_values_apart_are_one_in_the_table() -> None:
    spread = max(b - a for a, b in zip(REF, ALT, strict=True)) - min(
        b - a for a, b in zip(REF, ALT, strict=True))
    assert 1e-15 * max(REF) < spread < 1e-12 * max(REF)  # noise 1e-13 of the values
    t = compare_table([fake_results(REF), fake_results(ALT)], ["a", "b"])
    row = t[t["scenario"] == "b"].iloc[0]
    assert row["diff_ci_low"] == row["diff_ci_high"] == row["diff"]
    assert row["diff"] == pytest.approx(-100.0, abs=1e-9)


def test_a_precision_target_measures_alike_differences_as_constant() -> None:
    target = Target(0.05, (MetricSpec("shortfall_t"),))
    (m,) = _measure([fake_arm("base", REF), fake_arm("alt", ALT)], target, [0], 4)
    assert m.n == 4
    assert m.rel_half_width == 0.0
    assert m.mean == pytest.approx(-100.0, abs=1e-9)


def test_a_difference_exactly_zero_in_every_pair_is_not_noted() -> None:
    # the KPI varies from replication to replication, but the scenario does not change it
    assert alike_notes([fake_results(REF), fake_results(list(REF))], ["a", "b"]) == []
    # the same values with -100 t in every pair are noted
    (note,) = alike_notes([fake_results(REF), fake_results([v - 100 for v in REF])],
                          ["a", "b"])
    assert "copper shortfall_t (-100 t)" in note
