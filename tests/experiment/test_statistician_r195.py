"""Review 195 (the statistician): a relative change and a precision target's scale over the
pairs the difference stands on; differences alike up to rounding are the same in every pair;
a difference the same in every pair by chance is noted; a target on a check of the run is
refused before anything runs."""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from sim.experiment.compare import _measure, alike_notes, compare_table
from sim.experiment.errors import ExperimentError
from sim.experiment.precision import MetricSpec, Target, check_measurable

LAB = ("copper", "all", "all", "time_to_recover_days", "days")
STOCK = ("copper", "all", "all", "stock_start_t", "t")
SHORT = ("copper", "all", "all", "shortfall_t", "t")
TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def fake_results(values: list[list[float]], labels: list[tuple] | None = None
                 ) -> SimpleNamespace:
    vals = np.array(values, float)
    return SimpleNamespace(replications=list(range(len(vals))), kpi_labels=labels or [LAB],
                           kpi_values=vals)


def fake_arm(label: str, values: list[float]) -> SimpleNamespace:
    done = {r: SimpleNamespace(kpi_labels=[LAB], kpi_values=lambda v=v: np.array([v]))
            for r, v in enumerate(values)}
    return SimpleNamespace(label=label, done=done)


# the reference has a value in every replication, the scenario in three of four
REF = [5.0, 7.0, 9.0, 11.0]
ALT = [6.0, math.nan, 8.0, 12.0]


def test_the_relative_change_is_over_the_pairs_the_difference_stands_on() -> None:
    t = compare_table([fake_results([[v] for v in REF]), fake_results([[v] for v in ALT])],
                      ["ref", "alt"])
    row = t[t["scenario"] == "alt"].iloc[0]
    # pairs (5, 6), (9, 8), (11, 12): difference 1/3, reference over them 25/3 (over all
    # its four replications 8, which gave 0.0417)
    assert row["diff_n"] == 3 and row["diff"] == pytest.approx(1 / 3)
    assert row["rel_change"] == pytest.approx((1 / 3) / (25 / 3), rel=1e-12)
    # without a dropped pair, the reference's mean over all its replications, as before
    full = compare_table([fake_results([[v] for v in REF]),
                          fake_results([[v + 1] for v in REF])], ["ref", "alt"])
    assert full[full["scenario"] == "alt"].iloc[0]["rel_change"] == pytest.approx(1 / 8)


def test_a_precision_target_s_scale_is_the_reference_over_the_same_pairs() -> None:
    target = Target(0.05, (MetricSpec("time_to_recover_days"),))
    (m,) = _measure([fake_arm("base", REF), fake_arm("alt", ALT)], target, [0], 4)
    diffs = [1.0, -1.0, 1.0]
    half = float(stats.t.ppf(0.975, 2)) * statistics.stdev(diffs) / math.sqrt(3)
    assert m.rel_half_width == pytest.approx(half / (25 / 3), rel=1e-12)


def test_differences_alike_up_to_rounding_are_the_same_in_every_pair() -> None:
    # -100 t in each pair, up to the 1e-13 t that summing in another order leaves
    ref = [[1052.1793522984242], [235.73127318038718], [500.0]]
    alt = [[952.1793522984241], [135.73127318038718], [400.00000000000006]]
    t = compare_table([fake_results(ref, [SHORT]), fake_results(alt, [SHORT])], ["a", "b"])
    row = t[t["scenario"] == "b"].iloc[0]
    assert row["diff_ci_low"] == row["diff_ci_high"] == row["diff"]
    assert row["diff"] == pytest.approx(-100.0, abs=1e-9)
    # a real spread, however small against the values, keeps its interval
    alt[2] = [400.001]
    t = compare_table([fake_results(ref, [SHORT]), fake_results(alt, [SHORT])], ["a", "b"])
    row = t[t["scenario"] == "b"].iloc[0]
    assert row["diff_ci_low"] < row["diff_ci_high"]


def test_a_difference_the_same_in_every_pair_by_chance_is_noted() -> None:
    ref = fake_results([[131.0, 30.0], [342.6, 30.0], [99.9, 30.0], [421.6, 30.0]],
                       [SHORT, STOCK])
    alt = fake_results([[31.0, 130.0], [242.6, 130.0], [-0.1, 130.0], [321.6, 130.0]],
                       [SHORT, STOCK])
    (note,) = alike_notes([ref, alt], ["s1250", "s1350"])
    # the shortfall varies from one replication to the next, the starting stock does not:
    # only the first is alike by chance
    assert note == (
        "s1350's difference from s1250 is the same in every pair in copper shortfall_t "
        "(-100 t), though the KPI varies from one replication to the next: common random "
        "numbers left these pairs alike, more pairs may not be (with 4 pairs, pairs unlike "
        "them could be up to 75% of all (the rule of three)), so \"(all equal)\" is not an "
        "interval there; run more replications to measure it")
    # one pair unlike the rest: an interval, no note
    other = fake_results([[31.0, 130.0], [242.6, 130.0], [20.0, 130.0], [321.6, 130.0]],
                         [SHORT, STOCK])
    assert alike_notes([ref, other], ["s1250", "s1350"]) == []
    # two pairs say little
    two = alike_notes([fake_results([[131.0], [342.6]], [SHORT]),
                       fake_results([[31.0], [242.6]], [SHORT])], ["a", "b"])
    assert "(2 pairs say little of how many would differ)" in two[0]


def test_a_target_on_a_check_of_the_run_is_refused_before_running() -> None:
    import sim

    sc = sim.load_scenario(TINY)
    with pytest.raises(ExperimentError, match="mass_balance_error_t is a check of the run"):
        check_measurable([MetricSpec.parse("mass_balance_error_t:copper")], [sc])
    check_measurable([MetricSpec.parse("delivered_t:copper")], [sc])


def test_the_comparison_and_its_report_note_pairs_alike_by_chance(tmp_path: Path) -> None:
    import sim
    from sim.output.report import pairing_notes

    for name, stock in (("s1250", 1250), ("s1350", 1350)):
        (tmp_path / f"{name}.yaml").write_text(
            f"extends: {TINY}\nname: {name}\nsites:\n  mine_a:\n    variability: {{dist: "
            "gamma, shape: 4, scale: 0.25, assumption: t}\n  market_x:\n    "
            f"initial_stock_t: {{copper: {stock}, assumption: t}}\n", encoding="utf-8")
    comp = sim.run_comparison([tmp_path / "s1250.yaml", tmp_path / "s1350.yaml"],
                              replications=2, seed=0, workers=1)
    (note,) = [n for n in comp.notes if "the same in every pair" in n]
    assert "copper shortfall_t (-100 t)" in note
    row = comp.table[(comp.table["metric"] == "shortfall_t") & (comp.table["site"] == "all")
                     & (comp.table["scenario"] == "s1350")].iloc[0]
    assert row["diff_ci_low"] == row["diff_ci_high"]
    assert note in pairing_notes(list(zip(comp.labels, comp.results, strict=True)))
