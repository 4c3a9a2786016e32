"""What keeps a driver's memory small with many replications: results from workers share
one list of KPI labels, results are stacked as they arrive (or freed as they are copied),
series statistics are computed a few series at a time, and running replications loads no
pandas, scipy or matplotlib (tables and figures load them when asked for)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from expt_helpers import RANDOM, TINY

import sim
from sim.experiment import results as results_module
from sim.experiment.executors import Job, open_backend, run_tasks
from sim.experiment.replication import run_replication
from sim.experiment.runner import collect


@pytest.fixture(scope="module")
def scenario() -> sim.Scenario:
    return sim.load_scenario(TINY, RANDOM)


def test_results_from_a_pool_share_one_label_list(scenario: sim.Scenario) -> None:
    got = []
    with open_backend(2) as backend:
        run_tasks([Job.of(scenario, 3)], [(0, r) for r in range(4)],
                  lambda _k, res: got.append(res), backend)
    assert len(got) == 4
    assert all(res.kpi_labels is got[0].kpi_labels for res in got)
    # ... and still each its own values, the same as in process
    for res in got:
        alone = run_replication(scenario, 3, res.replication)
        assert np.array_equal(res.kpi_values(), alone.kpi_values(), equal_nan=True)
        assert res.kpis == alone.kpis


def test_collect_consuming_frees_the_results_and_gives_the_same_results(
        scenario: sim.Scenario) -> None:
    reps = [run_replication(scenario, 5, r) for r in (2, 0, 1)]
    kept = collect(scenario, 5, list(reps))
    pool = list(reps)
    consumed = collect(scenario, 5, pool, consume=True)
    assert pool == []
    assert consumed.replications == kept.replications == [0, 1, 2]
    assert consumed.kpi_labels == kept.kpi_labels
    assert np.array_equal(consumed.kpi_values, kept.kpi_values, equal_nan=True)
    assert np.array_equal(consumed.series_values, kept.series_values)
    assert consumed.timeline_rows == kept.timeline_rows
    assert consumed.events == kept.events == sum(r.events for r in reps)


def test_series_summary_is_the_same_in_chunks(scenario: sim.Scenario,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    res = sim.run(scenario, 5, seed=2)
    whole = res.series_summary()
    monkeypatch.setattr(results_module, "_CHUNK_VALUES", 1)  # one series at a time
    chunked = res.series_summary()
    assert whole.equals(chunked)
    vals = res.series_values.astype(float)
    means = whole[whole["statistic"] == "mean"]["value"].to_numpy()
    assert np.allclose(means, vals.mean(axis=0).reshape(-1), equal_nan=True)
    p95 = whole[whole["statistic"] == "p95"]["value"].to_numpy()
    assert np.allclose(p95, np.quantile(vals, 0.95, axis=0).reshape(-1), equal_nan=True)


def test_importing_and_running_needs_no_pandas_scipy_or_matplotlib() -> None:
    code = ("import sys, sim\n"
            f"sc = sim.load_scenario({str(TINY)!r}, {RANDOM!r})\n"
            "res = sim.run(sc, 2, seed=0, workers=2)\n"
            "print(*(m in sys.modules for m in ('pandas', 'scipy', 'matplotlib')))\n"
            "res.summary()\n"
            "print('pandas' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False", "False", "True"]


def test_unknown_attribute_of_the_package_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        sim.nonsense  # noqa: B018
    assert {"run", "compare", "load_scenario", "Results"} <= set(dir(sim))


def test_collector_stacks_results_as_they_arrive_in_any_order(scenario: sim.Scenario) -> None:
    from sim.experiment.collector import Collector

    reps = [run_replication(scenario, 5, r) for r in (2, 0, 3, 1)]
    stacked = collect(scenario, 5, list(reps))
    small = Collector(scenario, 5, capacity=1)  # grows past its first guess
    for res in reps:
        small.add(res)
    got = small.results()
    assert got.replications == [0, 1, 2, 3] == stacked.replications
    assert got.kpi_labels == stacked.kpi_labels
    assert np.array_equal(got.kpi_values, stacked.kpi_values, equal_nan=True)
    assert np.array_equal(got.series_values, stacked.series_values)
    assert got.timeline_rows == stacked.timeline_rows
    assert got.events == stacked.events
    first_two = small.results(replications=range(2))
    assert first_two.replications == [0, 1]
    assert np.array_equal(first_two.series_values, stacked.series_values[:2])
    with pytest.raises(ValueError, match="replication 7 was not collected"):
        small.results(replications=[0, 7])


def test_sized_collector_hands_over_its_arrays_without_a_copy(scenario: sim.Scenario) -> None:
    from sim.experiment.collector import Collector

    exact = Collector(scenario, 5, capacity=2)
    for r in (1, 0):
        exact.add(run_replication(scenario, 5, r))
    res = exact.results()
    assert res.series_values is exact._series  # the arrays themselves, not a copy
    assert res.replications == [0, 1]


def test_a_finished_replication_leaves_no_world_behind(scenario: sim.Scenario,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import weakref

    from sim.experiment import replication
    from sim.experiment.executors import run_task

    made: list[weakref.ref] = []

    class TrackedWorld(replication.World):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self))

    monkeypatch.setattr(replication, "World", TrackedWorld)
    result = run_task(Job.of(scenario, 1), 0)
    assert result.replication == 0
    assert len(made) == 1
    assert made[0]() is None  # freed, not left for the collector to find some day


@pytest.mark.parametrize("module", ["sim.shocks", "sim.shocks.policies", "sim.world",
                                    "sim.world.element", "sim.metrics", "sim.experiment",
                                    "sim.output", "sim.scenario", "sim.cli"])
def test_every_part_of_the_package_imports_on_its_own(module: str) -> None:
    # With imports on first use, no module may rely on another having been imported
    # first (sim.shocks and sim.world need each other's parts).
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True,
                   capture_output=True, text=True)
