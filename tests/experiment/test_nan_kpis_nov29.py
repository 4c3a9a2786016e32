"""KPIs that are NaN in some replications or design points (time_to_recover_days without a
shortfall episode): a precision target on one stops with reason ``undefined`` instead of
running to the maximum, Measure.n counts values, Sobol indices list such KPIs apart from
the constant ones, and a ``refined`` channel is checked exactly before running."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from expt_helpers import ROOT, TINY

import sim
from sim.cli import main
from sim.experiment.errors import ExperimentError
from sim.experiment.precision import (
    Measure,
    MetricSpec,
    Target,
    check_metrics,
    constant_minimum,
    parse_metrics,
    refined_metrics,
    run_sequential,
)
from sim.experiment.sweep import Param, make_design, run_sweep, sobol_table
from sim.output.sweep_output import sweep_text

STOCKED = ["sites.market_x.initial_stock_t.copper=100000"]
"""tiny.yaml with a market stock that outlasts the run: no shortfall episode, so
time_to_recover_days is NaN in every replication."""
RECOVER = "time_to_recover_days:copper"
STOCK = "sites.market_x.initial_stock_t.copper"


def _sequence(values: np.ndarray, target: Target, start: int = 3, floor: int = 0):
    """run_sequential over fixed per-replication values of one KPI."""
    have = [0]

    def run_up_to(n: int) -> None:
        have[0] = n

    def measure() -> list[Measure]:
        return [Measure.of("k:c", values[: have[0]], confidence=target.confidence)]

    return run_sequential(start, target, run_up_to, measure, floor=floor)


def test_measure_counts_values_not_replications() -> None:
    m = Measure.of("k:c", np.array([4.0, np.nan, 4.0, np.nan, np.nan, np.nan]))
    assert (m.n, m.replications, m.mean, m.rel_half_width) == (2, 6, 4.0, 0.0)
    # two identical values are not the rule of three's 3/target of them, whatever the
    # count of replications
    assert m.constant and not m.meets(0.5) and constant_minimum(0.5) == 6
    assert Measure.of("k:c", np.full(6, 4.0)).meets(0.5)
    empty = Measure.of("k:c", np.full(4, np.nan))
    assert empty.undefined and empty.n == 0 and math.isnan(empty.mean)


def test_an_all_nan_kpi_stops_as_undefined_not_at_the_maximum() -> None:
    target = Target(0.2, (MetricSpec("k", "c"),), max_replications=1000)
    stop = _sequence(np.full(1000, np.nan), target)
    # given up at the rule of three's count (15 for 20%), not run to 1000
    assert stop.reason == "undefined" and not stop.met
    assert stop.replications == constant_minimum(0.2) == 15
    assert stop.batches == [3, 6, 12, 15]
    text = stop.message()
    assert "k:c has a value in only 0 of 15 replications" in text
    assert "no interval can be formed" in text and "--max-replications" not in text
    assert stop.as_dict()["measures"][0]["n"] == 0
    # a maximum below that count stops there, still as undefined
    low = Target(0.2, (MetricSpec("k", "c"),), max_replications=5)
    assert _sequence(np.full(1000, np.nan), low).reason == "undefined"
    # a resumed run's saved replications are all kept
    stop = _sequence(np.full(1000, np.nan), target, floor=20)
    assert stop.reason == "undefined" and stop.replications == 20


def test_a_rare_kpi_with_values_goes_on_until_the_rule_of_three() -> None:
    # a value (always 7) in one replication in five: two values by 6 replications, so it
    # is not undefined; identical values meet 50% only once there are 6 of them
    values = np.where(np.arange(1000) % 5 == 0, 7.0, np.nan)
    stop = _sequence(values, Target(0.5, (MetricSpec("k", "c"),), max_replications=1000))
    assert stop.reason == "target"
    assert stop.measures[0].n >= 6 and stop.replications >= 26


def test_sim_run_target_on_a_kpi_nan_in_every_run(tmp_path: Path) -> None:
    out = tmp_path / "r"
    sets = [w for s in STOCKED for w in ("--set", s)]
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "3", "-w", "1", "--out",
                                       str(out), "--target-ci", "0.5", "--metric", RECOVER,
                                       "--max-replications", "12", "--no-figures", *sets])
    assert result.exit_code == 0, result.output
    assert "stopped after 6 replications" in result.output
    assert RECOVER in result.output and "no interval can be formed" in result.output
    assert "supply never fell below 95% of demand" in result.output
    assert "disrupted_days or recovered_by_end" in result.output
    assert "raise --max-replications" not in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["stopping"]["reason"] == "undefined"
    assert manifest["replication_ids"] == list(range(6))


def test_compare_target_on_a_difference_nan_in_every_pair(closure_file: Path) -> None:
    comp = sim.run_comparison([TINY, closure_file], 3, 1, overrides=STOCKED,
                              target=Target(0.5, (MetricSpec.parse(RECOVER),),
                                            max_replications=40))
    assert comp.stop is not None and comp.stop.reason == "undefined"
    assert comp.stop.replications == 6
    text = comp.stop.message()
    assert "a paired difference has a value only where both scenarios have one" in text
    assert "--max-replications" not in text


def test_refined_channel_is_checked_exactly_before_running() -> None:
    from sim.experiment.replication import run_replication

    base = ROOT / "scenarios" / "baseline.yaml"
    short = ["horizon_days=20", "warmup_days=0"]
    for extra, exported in (([], False), (["sites.kokkola.region=lualaba"], True)):
        sc = sim.load_scenario(base, overrides=[*short, *extra])
        rows = {lab[3] for lab in run_replication(sc, 0, 0).kpi_labels
                if lab[1] == "refined"}
        assert rows == set(refined_metrics(sc))
        check_metrics(parse_metrics(["seized_t:cobalt:refined"]), sc)
        spec = parse_metrics(["exported_t:cobalt:refined"])
        if exported:
            check_metrics(spec, sc)
            continue
        # the baseline refines in China and Finland only: no refined metal is exported
        with pytest.raises(ExperimentError, match="no channel 'refined' row") as info:
            check_metrics(spec, sc)
        report = info.value.report()
        assert "only from a refiner in COD" in report and "exported_t:cobalt" in report


def test_sobol_lists_kpis_without_a_value_apart_from_constant_ones() -> None:
    des = make_design([Param("x", 0.0, 1.0)], "sobol", 4, seed=0)
    x = np.array([row[0] for row in des.values])
    table = pd.DataFrame({"x": x, "y:c": 3 * x, "flat:c": np.ones_like(x),
                          "rare:c": np.where(x < 0.5, x, np.nan)})
    units = {"y:c": "t", "flat:c": "t", "rare:c": "days"}
    frame = sobol_table(des, table, units, 0, n_resamples=50)
    assert set(frame["output"]) == {"y:c"}
    assert frame.attrs["constant_outputs"] == ["flat:c"]
    assert frame.attrs["undefined_outputs"] == ["rare:c"]
    assert frame.attrs["points_with_value"] == {"rare:c": int((x < 0.5).sum())}


def test_sweep_names_the_kpis_left_out_for_missing_values(tmp_path: Path) -> None:
    out = tmp_path / "s"
    sweep = run_sweep(TINY, [f"{STOCK}=0:3000"], "sobol", 4, replications=1, seed=0,
                      out=out, n_resamples=50, metrics=["time_to_recover_days"],
                      figures=False)
    have = int(sweep.table[RECOVER].notna().sum())
    assert 0 < have < len(sweep.table)  # disrupted at low stocks only
    info = json.loads((out / "sweep.json").read_text())
    assert RECOVER in info["undefined_outputs"]
    assert RECOVER not in info["constant_outputs"]
    text = sweep_text(sweep, ["time_to_recover_days"])
    assert f"no Sobol indices for {RECOVER} (a value at {have} of {len(sweep.table)}" in text
    assert "supply never fell below 95% of demand" in text


def test_spearman_says_over_how_many_samples() -> None:
    sweep = run_sweep(TINY, [f"{STOCK}=0:3000"], "lhs", 6, replications=1, seed=0)
    have = int(sweep.table[RECOVER].notna().sum())
    assert have == 2  # disrupted at the two lowest stocks only
    corr = sweep.correlations([RECOVER, "disrupted_days:copper"])
    assert list(corr.index) == [RECOVER, "disrupted_days:copper"]
    assert corr.attrs["samples"] == {RECOVER: 2}
