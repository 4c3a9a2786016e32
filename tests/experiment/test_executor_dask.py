"""--dask-local: a LocalCluster whose workers never see Ctrl-C, that starts and stops
quietly (an interrupt during start-up included), keeps worker logs to itself and leaves
port 8787 alone."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from expt_helpers import ROOT, TINY, failing

import sim
from sim.cli import main
from sim.experiment import executors
from sim.experiment.executors import open_backend

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")
posix_only = pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals")


@contextlib.contextmanager
def port_taken(port: int):
    """Hold ``port`` on 127.0.0.1 (as another Dask scheduler's dashboard would)."""
    sock = socket.socket()
    try:
        with contextlib.suppress(OSError):  # already taken: so much the better
            sock.bind(("127.0.0.1", port))
            sock.listen()
        yield
    finally:
        sock.close()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as in a terminal


@posix_only
def test_local_cluster_workers_never_see_ctrl_c_and_keep_their_logs(
        capfd: pytest.CaptureFixture[str]) -> None:
    with port_taken(8787), open_backend(2, dask_local=True) as backend:
        masks = backend.client.run(signal.pthread_sigmask, signal.SIG_BLOCK, [])
        assert len(masks) == 2
        assert all(signal.SIGINT in mask for mask in masks.values())  # blocked for good
        failed = backend.executor.submit(divmod, 1, 0)
        with pytest.raises(ZeroDivisionError):
            failed.result(timeout=30)
        time.sleep(0.3)  # a worker's log would be written by now
    err = capfd.readouterr().err
    assert "Compute Failed" not in err and "Traceback" not in err, err
    assert "already in use" not in err, err  # the 8787 warning


@posix_only
def test_ctrl_c_during_the_start_of_a_local_cluster_stops_it_cleanly() -> None:
    # Ctrl-C as the worker processes start: each printed a traceback (KeyboardInterrupt in
    # its start-up), the driver's cluster was interrupted half-way and never closed. Now
    # the workers never see it and the driver takes it once the cluster is up.
    proc = subprocess.Popen([sys.executable, "-c", """
import multiprocessing, os, signal, threading, time
import sim
from sim.experiment import executors
from sim.experiment.executors import open_backend

def ctrl_c_as_workers_start():
    while True:
        try:
            if multiprocessing.active_children():
                break
        except RuntimeError:  # the set changed size: look again
            pass
        time.sleep(0.002)
    os.killpg(0, signal.SIGINT)

threading.Thread(target=ctrl_c_as_workers_start, daemon=True).start()
try:
    with open_backend(2, dask_local=True):
        print("not interrupted")
except KeyboardInterrupt:
    print("interrupted", multiprocessing.active_children())
"""], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=_default_sigint)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.strip() == "interrupted []", out  # no worker left
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


@posix_only
def test_ctrl_c_stops_a_dask_local_run_quietly(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "run", str(TINY), "-n", "200", "--out", str(out),
         "--set", "horizon_days=3650", "--dask-local", "--workers", "2", "-q",
         "--no-figures"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True, preexec_fn=_default_sigint)
    deadline = time.monotonic() + 120
    while len(list((out / "replications").glob("rep-*.npz"))) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.rstrip().endswith(" --dask-local --workers 2 --resume"), err


# ------------------------------------------------------------------ --scheduler ADDRESS
@pytest.fixture
def scheduler_only():
    """A Dask scheduler with no workers (workers are threads of this process when added)."""
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None,
                                  threads_per_worker=1) as cluster:
        yield cluster


def test_a_cluster_without_workers_is_said_and_the_window_follows_the_cluster(
        scheduler_only, monkeypatch: pytest.MonkeyPatch) -> None:
    # A cluster with no workers at connect time kept 2 replications in flight for the
    # whole run (so an adaptive cluster never saw the work to grow for), and the run
    # waited without a word.
    monkeypatch.setattr(executors, "SIZE_CHECK_S", 0.0)
    monkeypatch.setattr(executors, "NO_WORKERS_WARN_S", 0.0)
    with open_backend(scheduler=scheduler_only.scheduler_address) as backend:
        size = executors._Size(backend)
        with pytest.warns(executors.ClusterWarning, match="has had no workers"):
            assert size.limit() == executors.REMOTE_MIN_IN_FLIGHT
        scheduler_only.scale(20)
        backend.client.wait_for_workers(20, timeout=30)
        assert size.limit() == 40 and backend.workers == 20
        assert backend.description.startswith("dask of 20 workers at ")


def test_a_run_waits_for_workers_to_join(scheduler_only, monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    monkeypatch.setattr(executors, "SIZE_CHECK_S", 0.1)
    monkeypatch.setattr(executors, "NO_WORKERS_WARN_S", 0.2)
    threading.Timer(1.0, scheduler_only.scale, [2]).start()  # workers come later
    with pytest.warns(executors.ClusterWarning), \
            open_backend(scheduler=scheduler_only.scheduler_address) as backend:
        res = sim.run(sim.load_scenario(TINY, ["horizon_days=30"]), 3, seed=2,
                      backend=backend)
    assert res.replications == [0, 1, 2]


def test_workers_with_a_scheduler_are_said_to_have_no_effect(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(TINY), "--out", str(tmp_path / "r"), "-q",
                                       "-w", "5", "--scheduler", "not-an-address:://"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("note: --workers 5 has no effect with --scheduler")


def test_the_command_that_finishes_a_run_keeps_its_scheduler(
        scheduler_only, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The workers are threads of this process: they run the patched World.run.
    failing(monkeypatch, 1)
    scheduler_only.scale(1)
    address = scheduler_only.scheduler_address
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "3", "--out",
                                       str(tmp_path / "r"), "-q", "--no-figures",
                                       "--scheduler", address])
    assert result.exit_code == 1, result.output
    assert "  in replication 1 of scenario 'tiny' (seed 0)" in result.output
    assert result.output.rstrip().endswith(f" --no-figures --scheduler {address} --resume")
