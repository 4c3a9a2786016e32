"""Replications whose results cannot fit in this machine's memory are refused as bad input
(review 210): `sim run -n 100000000` failed with "internal error: MemoryError: Unable to
allocate 76.7 GiB" (exit 1) after the first replication ran, leaving nothing. Nothing is
allocated here: the machine's memory figure is made small instead."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from expt_helpers import cli, no_options

import sim
from sim.experiment import collector as collector_module
from sim.experiment import run_replication
from sim.experiment.collector import Collector, NoRoom, check_room
from sim.experiment.errors import ExperimentError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
SERIES, KPIS = 720, 60 * 8  # bytes of one replication of tiny.yaml: series, KPI values
TABLED = 60 * collector_module.TABLE_BYTES_PER_VALUE  # its KPI values' share of the tables
BESIDE = TABLED + collector_module.retained_bytes([])  # and its timeline, which is empty


def memory(monkeypatch: pytest.MonkeyPatch, size: int | None) -> None:
    monkeypatch.setattr(collector_module, "physical_memory", lambda: size)


def test_the_sizes_this_file_assumes() -> None:
    res = run_replication(sim.load_scenario(TINY), 0, 0)
    assert (res.series.nbytes, res.kpi_values().nbytes) == (SERIES, KPIS)
    assert collector_module.physical_memory() is None or \
        collector_module.physical_memory() > 2 ** 20


def test_python_run_is_refused_before_anything_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    memory(monkeypatch, 10 * SERIES)
    ran: list[Any] = []
    with pytest.raises(ExperimentError) as info:
        sim.run(TINY, replications=11, sink=ran.append)
    assert ran == []
    exc = info.value
    assert isinstance(exc, NoRoom) and exc.what == "replications"
    assert exc.message.startswith("11 replications need about ")
    assert "more than this machine's 7.0 KiB" in exc.message
    assert "fewer replications" in (exc.hint or "")
    no_options(str(exc))
    # a count that fits runs
    assert sim.run(TINY, replications=2).n == 2


def test_many_replications_count_their_kpi_values_too(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = collector_module.EXACT_FROM_ROWS
    memory(monkeypatch, rows * (SERIES + KPIS + TABLED) - 1)  # the series alone would fit
    sc = sim.load_scenario(TINY)
    with pytest.raises(NoRoom, match=r"need about 2\.9 MiB"):
        check_room(sc, rows)
    memory(monkeypatch, rows * (SERIES + KPIS + TABLED))
    check_room(sc, rows)


def test_sim_run_exits_2_with_a_hint_and_leaves_no_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    memory(monkeypatch, 10 * SERIES)
    out = tmp_path / "o"
    result = cli("run", TINY, "-n", 100, "-q", "--no-figures", "--out", out)
    assert result.exit_code == 2, result.output
    assert "-n/--replications: 100 replications need about" in result.output
    assert "hint: use far fewer replications (the results of 10 would fill all of it), " \
           "or --target-ci" in result.output
    assert "internal error" not in result.output
    assert not out.exists()


def test_a_target_is_checked_at_its_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    memory(monkeypatch, 10 * SERIES)
    with pytest.raises(NoRoom) as info:
        sim.run(TINY, replications=2, target_ci=0.1, metrics=["delivered_t:copper"],
                max_replications=50)
    assert info.value.what == "max_replications"
    no_options(str(info.value))


def test_a_size_known_after_the_first_replication_keeps_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # the series alone fit, and the KPI values and their tables, known once one has run,
    # do not
    memory(monkeypatch, 3 * SERIES + KPIS)
    out = tmp_path / "o"
    result = cli("run", TINY, "-n", 3, "-q", "--no-figures", "--out", out)
    assert result.exit_code == 2, result.output
    assert "3 replications need about 9.0 KiB of memory" in result.output
    assert f"1 finished replication(s) are saved in {out}" in result.output
    index = json.loads((out / "replications" / "index.json").read_text(encoding="utf-8"))
    assert len(index) >= 1


class _NoBigArrays:
    """numpy, but for a ``full`` that fails as a too large allocation does."""

    def __getattr__(self, name: str) -> Any:
        return getattr(np, name)

    @staticmethod
    def full(*_args: Any, **_kwargs: Any) -> Any:
        raise MemoryError("Unable to allocate 76.7 GiB")


def test_a_failed_allocation_where_the_memory_is_unknown(
        monkeypatch: pytest.MonkeyPatch) -> None:
    memory(monkeypatch, None)
    sc = sim.load_scenario(TINY)
    check_room(sc, 10 ** 12)  # nothing known: nothing refused beforehand
    res = run_replication(sc, 0, 0)
    monkeypatch.setattr(collector_module, "np", _NoBigArrays())
    with pytest.raises(NoRoom, match="more than could be allocated") as info:
        Collector(sc, 0, 10 ** 8).add(res)
    assert "fewer replications" in (info.value.hint or "")


def test_the_first_replication_tells_its_timeline_and_tables(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # review 229: a one-year baseline run peaked at 188 KB a replication at its tables,
    # where the check counted its series and KPI values alone (28 KB)
    import dataclasses

    sc = sim.load_scenario(TINY)
    res = run_replication(sc, 0, 0)
    busy = dataclasses.replace(res, timeline=[(float(d), "incident", "border", "starts", "")
                                              for d in range(200)])
    timeline = collector_module.retained_bytes(list(busy.timeline))
    assert timeline > 10 * (SERIES + KPIS)
    room = 10 * (SERIES + KPIS + TABLED) + timeline
    memory(monkeypatch, room)
    Collector(sc, 0, 10).add(res)  # no timeline: 10 fit
    with pytest.raises(NoRoom, match="10 replications need about"):
        Collector(sc, 0, 10).add(busy)
    memory(monkeypatch, 10 * (SERIES + KPIS + TABLED + timeline))
    Collector(sc, 0, 10).add(busy)


def test_growing_stays_within_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = sim.load_scenario(TINY)
    results = [run_replication(sc, 0, r) for r in range(3)]
    memory(monkeypatch, 2 * (SERIES + KPIS + BESIDE))
    have = Collector(sc, 0, 1)
    have.add(results[0])
    have.add(results[1])  # doubled to 2 rows: they fit
    with pytest.raises(NoRoom, match="replications: 3 replications need about"):
        have.add(results[2])
    assert have.replications == [0, 1]


def test_compare_is_refused_before_anything_runs(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    memory(monkeypatch, 10 * SERIES)
    with pytest.raises(NoRoom) as info:
        sim.compare([TINY, TINY], replications=6, out=tmp_path / "c")
    assert "6 replications of each of 2 scenarios need about" in info.value.message
    no_options(str(info.value))
    assert not (tmp_path / "c").exists()
    result = cli("compare", TINY, TINY, "-n", 6, "-q", "--no-figures", "--out",
                 tmp_path / "c2")
    assert result.exit_code == 2 and "-n/--replications: 6 replications" in result.output


def test_sweep_is_refused_before_anything_runs(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    # a sweep keeps each replication's KPI values alone: some 300 bytes each besides, and
    # each point's scenario, which fit here
    memory(monkeypatch, 4 * point_bytes() + 2000)
    with pytest.raises(NoRoom) as info:
        sim.sweep(TINY, {"horizon_days": (30, 60, "int")}, samples=4, replications=2,
                  out=tmp_path / "s")
    assert info.value.what == "replications"
    assert info.value.message.startswith("2 replications of each of 4 samples need about ")
    assert "(KPI values)" in info.value.message
    assert not (tmp_path / "s").exists()
    result = cli("sweep", TINY, "-n", 4, "-r", 2, "--param", "horizon_days=30:60:int",
                 "-q", "--out", tmp_path / "s2")
    assert result.exit_code == 2, result.output
    assert "-r: 2 replications of each of 4 samples need about" in result.output
    assert "hint: use far fewer replications per sample" in result.output
    assert not (tmp_path / "s2").exists()


def point_bytes() -> int:
    """What check_room counts for one point's scenario of a sweep of tiny.yaml."""
    from sim.experiment.executors import Job

    return collector_module.retained_bytes(Job.of(sim.load_scenario(TINY), 0))


def test_a_sweeps_points_scenarios_count_too(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    # known open since review 222: the points' own scenarios (0.34 MB each of the
    # baseline, all built before any runs) were not counted
    from sim.experiment import sweep as sweep_module

    def built(*_args: object) -> None:
        raise AssertionError("a point's scenario was built before the memory check")

    each = point_bytes()
    memory(monkeypatch, 4 * each)  # the KPI values alone would fit
    with monkeypatch.context() as patch:
        patch.setattr(sweep_module.PointScenarios, "scenario", built)
        with pytest.raises(NoRoom) as info:
            sim.sweep(TINY, {"horizon_days": (30, 60, "int")}, samples=4, replications=2)
    assert "(KPI values) and the samples' own scenarios (about " in info.value.message
    assert "use far fewer samples: their scenarios alone need more memory" in \
        (info.value.hint or "")
    no_options(str(info.value))
    memory(monkeypatch, 4 * each + 2 * 4 * (KPIS + 300))  # both fit
    with pytest.warns(UserWarning, match="with 4 sample"):
        table = sim.sweep(TINY, {"horizon_days": (30, 60, "int")}, samples=4, replications=2)
    assert sorted(table.index) == [0, 1, 2, 3]


def test_retained_bytes_counts_what_an_object_holds_not_the_program() -> None:
    big = np.zeros(100_000)
    assert collector_module.retained_bytes([big]) >= big.nbytes
    # a module or a class reached from the object is the program's, not its own
    assert collector_module.retained_bytes([np, sim.Scenario]) < 200
    holder = {"f": test_retained_bytes_counts_what_an_object_holds_not_the_program}
    assert collector_module.retained_bytes(holder) < 1000


def test_a_sweeps_samples_count_toward_the_kpi_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # review 218: 20,000 samples of 1,000 replications were costed at 300 bytes a row, as
    # the KPI values were counted only from 10,000 replications of each sample
    sc = sim.load_scenario(TINY)
    samples, reps = 20_000, 2
    assert reps < collector_module.EXACT_FROM_ROWS <= samples * reps
    memory(monkeypatch, samples * reps * (KPIS + 300) - 1)  # the 300 bytes alone would fit
    with pytest.raises(NoRoom, match=r"^-r: 2 replications of each of 20,000 samples"):
        check_room(sc, reps, "-r", count=samples, series=False, overhead=300)
    memory(monkeypatch, samples * reps * (KPIS + 300))
    check_room(sc, reps, "-r", count=samples, series=False, overhead=300)


def test_a_sweep_is_refused_before_its_points_scenarios_are_built(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # review 222: 3,000 points' scenarios took 110 s and 1.2 GB before the refusal
    from sim.experiment import sweep as sweep_module

    def built(*_args: object) -> None:
        raise AssertionError("a point's scenario was built before the memory check")

    monkeypatch.setattr(sweep_module.PointScenarios, "scenario", built)
    memory(monkeypatch, 2000)
    with pytest.raises(NoRoom):
        sim.sweep(TINY, {"horizon_days": (30, 60, "int")}, samples=4, replications=2,
                  out=tmp_path / "s")
