"""Review 251 (the Dask cluster user, with a real scheduler and workers):

* a ``distributed.Client`` given as ``executor=`` (it has ``submit`` too) got as far as the
  cluster and failed with "'Future' object has no attribute '_condition'";
* a replication that raised on a worker running other code (a stale worker, another
  checkout on its PYTHONPATH) read "internal error ... please report it", with nothing
  about the worker's code;
* a ``--scheduler`` port out of range was tried for Dask's 10 s and reported as "Timed
  out".

Each test fails on the code before the fix. The first starts an in-process Dask cluster
(threads, no worker processes: well under a second) and is skipped without Dask."""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import sim
from sim.build import running_code
from sim.cli import _failure_text
from sim.experiment import executors
from sim.experiment.errors import ExperimentError
from sim.experiment.executors import ReplicationError, _connect_dask

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"
PARAM = {"sites.border.clearance_trucks_per_day": (40, 60)}


def test_a_dask_client_given_as_the_executor_is_refused_naming_its_executor() -> None:
    distributed = pytest.importorskip("distributed")
    sc = sim.load_scenario(TINY, ["horizon_days=10"])
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                            dashboard_address=None, set_as_default=False) as client:
        calls = [lambda: sim.run(sc, 2, executor=client),
                 lambda: sim.compare([sc, sc], replications=2, executor=client),
                 lambda: sim.sweep(sc, PARAM, samples=2, replications=1, executor=client)]
        for call in calls:
            with pytest.raises(TypeError, match=r"not a distributed\.Client: give its "
                               r"executor, executor=client\.get_executor\(\)"):
                call()
        # refused before anything reached the cluster: the caller's client is as it was
        assert client.status == "running" and not client.futures
        assert client.submit(sum, [1, 2]).result(timeout=30) == 3
    # Dask's _expects_comm cache keeps a closed cluster's scheduler alive; freed later (by
    # a dask_local run, which empties it) it upset tests/test_long_kernel_r242.py's count
    _expects_comm = getattr(distributed.core, "_expects_comm", None)
    if _expects_comm is not None:
        _expects_comm.cache_clear()


OTHER = "drc-minerals-sim 0.0.9 at 0123456789ab"


def test_a_replication_failing_on_a_worker_running_other_code_says_so(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the executor's threads stand for a worker on other code: its label is OTHER there
    ours = running_code()
    monkeypatch.setattr(executors, "running_code", lambda: (
        ours if threading.current_thread() is threading.main_thread() else (OTHER, ours[1])))

    def stale(*_args: object) -> object:
        raise AttributeError("'Job' object has no attribute 'series_cat'")

    monkeypatch.setattr(executors, "run_replication", stale)
    sc = sim.load_scenario(TINY, ["horizon_days=10"])
    with ThreadPoolExecutor(1) as pool, pytest.raises(ReplicationError) as failed:
        sim.run(sc, 2, executor=pool)
    err = failed.value
    assert err.reason == "failed"
    assert getattr(err.cause, executors.WORKER_CODE_ATTR) == OTHER
    assert f"it ran on a worker running {OTHER}, not {ours[0]}, which started the run" \
        in str(err)
    text = _failure_text(err)
    assert text.startswith("error: replication 0 of scenario 'tiny' (seed 0) failed: "
                           "AttributeError: 'Job' object has no attribute 'series_cat'")
    assert "restart a Dask cluster's workers" in text
    assert "please report" not in text and "internal error" not in text


def test_a_replication_failing_on_the_command_s_own_code_is_still_a_bug(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> object:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(executors, "run_replication", broken)
    sc = sim.load_scenario(TINY, ["horizon_days=10"])
    with ThreadPoolExecutor(1) as pool, pytest.raises(ReplicationError) as failed:
        sim.run(sc, 1, executor=pool)
    assert getattr(failed.value.cause, executors.WORKER_CODE_ATTR) == running_code()[0]
    assert failed.value.hint is None
    text = _failure_text(failed.value)
    assert text.startswith("internal error: ZeroDivisionError") and "please report" in text


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_a_scheduler_port_out_of_range_is_said_at_once(port: str) -> None:
    distributed = pytest.importorskip("distributed")
    started = time.monotonic()
    with pytest.raises(ExperimentError) as bad:
        _connect_dask(distributed, f"tcp://127.0.0.1:{port}", "--scheduler")
    assert time.monotonic() - started < 2.0
    assert f"port {port} is not a port number (1 to 65535)" in str(bad.value)


def test_a_failed_run_leaves_no_future_on_the_callers_dask_client(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # every failed replication's future stayed on the caller's client (and its task on the
    # scheduler) for good: the exception Dask keeps with the task held, through its
    # traceback, a frame holding that future
    distributed = pytest.importorskip("distributed")

    def broken(*_args: object) -> object:
        raise ZeroDivisionError("division by zero")

    # the in-process cluster's workers are threads of this process: they run the patch
    monkeypatch.setattr(executors, "run_replication", broken)
    sc = sim.load_scenario(TINY, ["horizon_days=10"])
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                            dashboard_address=None, set_as_default=False) as client:
        with pytest.raises(ReplicationError):
            sim.run(sc, 3, executor=client.get_executor())
        gc.collect()
        deadline = time.monotonic() + 10
        while client.futures and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not client.futures
        assert client.status == "running"
    _expects_comm = getattr(distributed.core, "_expects_comm", None)
    if _expects_comm is not None:
        _expects_comm.cache_clear()
