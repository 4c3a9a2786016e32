"""A caller's Dask executor (``Client.get_executor()``, as the README recommends for Dask)
drains a failed run as ``scheduler=`` does: its futures can be cancelled while their
replication runs, and the replications still running were lost instead of saved."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from expt_helpers import TINY

import sim
from sim.experiment.runner import executor_backend
from sim.world.world import World

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")


def test_a_failure_on_a_dask_client_executor_saves_the_replication_still_running(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = World.run
    # Signals, not sleeps, order the two replications that matter: 1 fails only once 2 is
    # running, and 2 goes on running after 1 has failed, whatever order Dask starts them in
    # and however loaded the machine is (a sleep lost that race under the suite's load).
    second_started, first_failed = threading.Event(), threading.Event()

    def run(self: World) -> None:
        r = self.streams.replication
        if r == 1:
            assert second_started.wait(60), "replication 2 never started"
            first_failed.set()
            raise ZeroDivisionError("injected")
        if r == 2:
            second_started.set()
            assert first_failed.wait(60), "replication 1 never failed"
            # long enough for the failure to reach the driver, which then cancels what
            # it does not keep; were this one cancelled it would be lost
            time.sleep(1.0)
        real(self)

    # the in-process cluster's worker threads run the patched World.run
    monkeypatch.setattr(World, "run", run)
    out = tmp_path / "r"
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=":0") as client:
        with pytest.raises(sim.ReplicationError, match="replication 1 of scenario 'tiny'"):
            sim.run(TINY, replications=3, seed=1, out=out, figures=False,
                    executor=client.get_executor(), overrides=["horizon_days=40"])
    saved = sorted(p.name for p in (out / "replications").glob("rep-*.npz"))
    # 2 was running when 1 failed; 0 had finished (two threads held 1 and 2) or had not
    # started, and is then one of the two oldest in flight that the drain keeps
    assert saved == ["rep-000000.npz", "rep-000002.npz"]


def test_a_dask_client_executor_is_known_without_importing_it_elsewhere() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        plain = executor_backend(pool)
    assert not plain.cancels_running and plain.workers == 1
    with distributed.Client(processes=False, n_workers=2, threads_per_worker=1,
                            dashboard_address=":0") as client:
        dask = executor_backend(client.get_executor())
    # the running replications it keeps after a failure: one per thread of the cluster
    assert dask.cancels_running and dask.workers == 2
    assert dask.as_manifest() == {"executor": "executor", "workers": 2}
