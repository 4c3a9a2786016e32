"""Precision-based stopping: batches of replications until the named KPIs' intervals are
narrow enough, or the maximum count, and the report says which."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from expt_helpers import RANDOM, ROOT, SET_RANDOM, TINY

import sim
from sim.cli import main
from sim.experiment.errors import ExperimentError
from sim.experiment.precision import (
    Measure,
    MetricSpec,
    Target,
    check_metrics,
    kpi_places,
    next_count,
    parse_metrics,
    relative_half_width,
    select,
)
from sim.experiment.runner import collect, run_many, run_replications
from sim.experiment.stats import t_interval
from sim.metrics.kpis import KPI_METRICS

LABELS = [("copper", "all", "all", "delivered_t", "t"),
          ("cobalt", "all", "all", "delivered_t", "t"),
          ("copper", "formal", "all", "delivered_t", "t"),
          ("copper", "all", "border", "mean_wait_days", "days")]


def test_metric_specs() -> None:
    assert select(LABELS, [MetricSpec.parse("delivered_t")]) == [0, 1]
    assert select(LABELS, [MetricSpec.parse("delivered_t:cobalt")]) == [1]
    assert select(LABELS, [MetricSpec.parse("delivered_t:copper:formal")]) == [2]
    assert select(LABELS, [MetricSpec.parse("mean_wait_days:copper:all:border")]) == [3]
    with pytest.raises(ExperimentError, match="did you mean 'delivered_t'"):
        select(LABELS, [MetricSpec.parse("delivered")])
    with pytest.raises(ExperimentError, match="exists for commodities cobalt, copper"):
        select(LABELS, [MetricSpec.parse("delivered_t:gold")])
    for bad in ("", ":copper", "a:b:c:d:e:f", "x::y", "a:b:c:route:"):
        with pytest.raises(ExperimentError, match="metric\\[:commodity"):
            MetricSpec.parse(bad)
    # a site part may hold one colon: route:<id> and <regime>:<state>
    route = MetricSpec.parse("delivered_t:copper:formal:route:direct")
    assert route.site == "route:direct"
    assert select([*LABELS, ("copper", "formal", "route:direct", "delivered_t", "t")],
                  [route]) == [4]


def test_relative_half_width() -> None:
    v = np.array([9.0, 10.0, 11.0, 10.0])
    mean, lo, hi = t_interval(v)
    assert relative_half_width(v) == pytest.approx((hi - lo) / 2 / mean)
    assert relative_half_width(np.array([3.0, 3.0])) == 0.0
    assert relative_half_width(np.array([-1.0, 1.0])) == math.inf  # mean 0
    assert math.isnan(relative_half_width(np.array([1.0])))


def test_next_count_grows_by_the_variance_estimate_at_most_doubling() -> None:
    target = Target(0.02, (MetricSpec("x"),), max_replications=100)
    assert next_count(10, [Measure("x", 10, 1.0, 0.04)], target) == 20   # wants 44, doubles
    assert next_count(10, [Measure("x", 10, 1.0, 0.021)], target) == 13  # 1.1 x 10 x 1.1
    assert next_count(10, [Measure("x", 10, 1.0, 0.0201)], target) == 12  # at least +2
    assert next_count(80, [Measure("x", 80, 1.0, 0.04)], target) == 100  # the maximum
    assert next_count(4, [Measure("x", 4, 1.0, math.nan)], target) == 8


@pytest.fixture(scope="module")
def scenario() -> sim.Scenario:
    return sim.load_scenario(TINY, RANDOM)


def test_stops_when_the_target_is_met(scenario: sim.Scenario) -> None:
    target = Target(0.05, (MetricSpec.parse("mined_t:copper"),), max_replications=40)
    res, stop = run_replications(scenario, 3, 4, target=target)
    assert stop is not None and stop.met and stop.reason == "target"
    assert res.n == stop.replications and res.replications == list(range(res.n))
    assert relative_half_width(res.kpi("mined_t", "copper")) <= 0.05
    assert stop.batches[0] == 4 and stop.batches == sorted(stop.batches)
    if len(stop.batches) > 1:  # the batch before did not meet it
        before = res.kpi("mined_t", "copper")[: stop.batches[-2]]
        assert relative_half_width(before) > 0.05
    assert "stopped: target met" in stop.message()
    # the replications are those of a plain run of that size
    plain = sim.run(scenario, res.n, seed=3)
    assert np.array_equal(plain.kpi_values, res.kpi_values, equal_nan=True)


def test_stops_at_the_maximum_and_says_so(scenario: sim.Scenario) -> None:
    target = Target(0.0001, (MetricSpec.parse("delivered_t"),), max_replications=7)
    res, stop = run_replications(scenario, 1, 3, target=target)
    assert stop is not None and not stop.met and stop.reason == "maximum"
    assert res.n == 7 == stop.replications
    text = stop.message()
    assert "reached the maximum of 7 replications" in text
    assert "delivered_t:copper" in text and "--max-replications" in text


def test_resumed_target_measures_only_the_replications_returned(
        scenario: sim.Scenario) -> None:
    # A resumed folder holds 12 replications; the run starts at 4. Over all 12 the target
    # is met, over the first 4 it is not: the run must not stop at 4 (it returns only
    # 0..3, whose interval is wider than the target).
    saved = {r.replication: r for r in run_many(scenario, range(12), seed=3)}
    # the same 12 replications stacked, not run a second time
    mined = collect(scenario, 3, list(saved.values())).kpi("mined_t", "copper")
    goal = 0.08
    assert relative_half_width(mined[:4]) > goal > relative_half_width(mined)
    target = Target(goal, (MetricSpec.parse("mined_t:copper"),), max_replications=40)
    res, stop = run_replications(scenario, 3, 4, saved=saved, target=target)
    assert stop is not None and stop.met
    assert res.n == stop.replications > 4 and res.replications == list(range(res.n))
    returned = relative_half_width(res.kpi("mined_t", "copper"))
    [m] = stop.measures
    assert m.n == res.n and m.rel_half_width == pytest.approx(returned)
    assert returned <= goal


def test_run_cli_with_target(tmp_path: Path) -> None:
    out = tmp_path / "r"
    # figures are not what this test is about, and drawing them took most of a run's time
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "3", "--seed", "2", "--out",
                                       str(out), "-w", "1", "--no-figures", "--target-ci",
                                       "0.0001",
                                       "--metric", "delivered_t:copper",
                                       "--max-replications", "5", *SET_RANDOM])
    assert result.exit_code == 0, result.output
    assert "reached the maximum of 5 replications" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["replication_ids"] == [0, 1, 2, 3, 4]
    assert manifest["stopping"]["reason"] == "maximum"


def test_compare_with_target(closure_file: Path) -> None:
    comp = sim.run_comparison([TINY, closure_file], 3, 1, overrides=RANDOM,
                              target=Target(0.5, (MetricSpec.parse("mined_t:copper"),),
                                            max_replications=12))
    assert comp.stop is not None and comp.stop.met
    assert comp.replications == list(range(comp.stop.replications))
    assert [m.name for m in comp.stop.measures] == ["mined_t:copper closure-tiny"]


@pytest.mark.parametrize(("args", "fragment"), [
    (["--target-ci", "0.02"], "needs at least one --metric"),
    (["--metric", "delivered_t"], "only has an effect with --target-ci"),
    (["--target-ci", "0.02", "--metric", "delivered"], "did you mean 'delivered_t'"),
    (["--target-ci", "1.5", "--metric", "delivered_t"], "--target-ci"),
    (["--target-ci", "0.02", "--metric", "delivered_t", "--max-replications", "2"],
     "below -n"),
])
def test_bad_precision_options_exit_2(tmp_path: Path, args: list[str], fragment: str) -> None:
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "3", "-w", "1", "-q", "--out",
                                       str(tmp_path / "r"), *args])
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output


# ----------------------------------------------------------------------------- names before running
def test_kpi_metrics_lists_every_name_compute_kpis_writes() -> None:
    # Read from the source, so a metric added to compute_kpis without KPI_METRICS fails
    # here even if no test scenario produces it.
    import sim.metrics.kpis as kpis

    tree = ast.parse(Path(kpis.__file__).read_text(encoding="utf-8"))
    written = {node.args[3].value for node in ast.walk(tree)
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
               and node.func.id == "add" and len(node.args) > 3
               and isinstance(node.args[3], ast.Constant)}
    written |= set(kpis.LEAD_QUANTILES)
    assert len(KPI_METRICS) == len(set(KPI_METRICS))
    assert set(KPI_METRICS) == written


def test_every_kpi_label_of_the_baseline_is_known_before_running() -> None:
    # The baseline has every kind of site, routes, events and conflict regimes: each label
    # a replication writes must pass check_metrics, or a valid --metric would be refused.
    from sim.experiment.replication import run_replication

    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml",
                           overrides=["horizon_days=20", "warmup_days=0"])
    labels = run_replication(sc, 0, 0).kpi_labels
    # the baseline produces them all but the stockpile rules' (it has none)
    assert {lab[3] for lab in labels} == set(KPI_METRICS) - {"released_t", "bought_back_t"}
    commodities, channels, sites = kpi_places(sc)
    assert {lab[0] for lab in labels} <= set(commodities)
    assert {lab[1] for lab in labels} <= set(channels)
    assert {lab[2] for lab in labels} <= set(sites)
    check_metrics([MetricSpec(lab[3], lab[0], lab[1], lab[2]) for lab in labels], sc)


@pytest.mark.parametrize(("text", "fragment"), [
    ("delivered_tt", "did you mean 'delivered_t'?"),
    ("bogus_kpi", "the KPI metrics are armed_group_rent_usd"),
    ("delivered_t:coper", "no commodity 'coper' in scenario 'tiny'"),
    ("delivered_t:copper:formall", "did you mean 'formal'?"),
    ("mean_wait_days:all:all:bordr", "did you mean 'border'?"),
    ("delivered_t:copper:formal:route:drect", "did you mean 'route:direct'?"),
])
def test_check_metrics_refuses_names_the_scenario_cannot_have(text: str,
                                                              fragment: str) -> None:
    sc = sim.load_scenario(TINY)
    with pytest.raises(ExperimentError, match="--metric") as info:
        check_metrics(parse_metrics([text]), sc)
    assert fragment in info.value.report()


def test_check_metrics_accepts_names_the_scenario_can_have() -> None:
    check_metrics(parse_metrics(["delivered_t", "delivered_t:copper:formal",
                                 "mean_wait_days:all:all:border",
                                 "throughput_t:copper:all:mine_border",
                                 "delivered_t:copper:formal:route:direct"]),
                  sim.load_scenario(TINY))


def test_run_replications_checks_names_before_running(monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.experiment.executors as executors

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a replication was run")

    monkeypatch.setattr(executors, "run_task", refuse)
    target = Target(0.05, (MetricSpec.parse("delivered_tt"),), max_replications=4)
    with pytest.raises(ExperimentError, match="did you mean 'delivered_t'"):
        run_replications(sim.load_scenario(TINY), 0, 2, target=target)


def test_the_stop_message_names_the_confidence_level_in_use() -> None:
    from sim.experiment.precision import Measure, StopReport

    measure = Measure("delivered_t:copper", 5, 10.0, 0.01)
    assert "every named KPI's 80% CI half-width" in StopReport(
        "target", 5, 0.05, [measure], [5], confidence=0.80).message()
    assert "95% CI" in StopReport("target", 5, 0.05, [measure], [5]).message()
