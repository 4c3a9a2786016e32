"""sim.run(..., executor=client.get_executor()) with its default workers=1 kept only ONE
running replication after a failure: the backend took ``workers or threads`` and sim.run
passes 1, never None, so on a multi-thread cluster the other replications that were running
were cancelled and lost. The drain now keeps as many as the cluster has threads."""

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


def test_a_dask_executor_keeps_one_running_replication_per_cluster_thread() -> None:
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=3,
                            dashboard_address=":0") as client:
        backend = executor_backend(client.get_executor(), workers=1)
        more = executor_backend(client.get_executor(), workers=5)
    assert backend.cancels_running and backend.workers == 3
    assert backend.as_manifest() == {"executor": "executor", "workers": 3}
    assert more.workers == 5  # asked for more: kept (only the running ones would be lost)


def test_a_failure_with_default_workers_saves_every_replication_still_running(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = World.run
    # Events, not sleeps, order the replications: 1 fails only once 2 and 3 run, and both
    # run on after it failed, whatever order Dask starts them in (0 may have finished or
    # not started yet; either way the three threads held 1, 2 and 3).
    started = {2: threading.Event(), 3: threading.Event()}
    failed = threading.Event()

    def run(self: World) -> None:
        r = self.streams.replication
        if r == 1:
            for ev in started.values():
                assert ev.wait(60), "replications 2 and 3 never both started"
            failed.set()
            raise ZeroDivisionError("injected")
        if r in started:
            started[r].set()
            assert failed.wait(60), "replication 1 never failed"
            # long enough for the failure to reach the driver, which then cancels what it
            # does not keep: cancelled, this replication would be lost
            time.sleep(1.0)
        real(self)

    monkeypatch.setattr(World, "run", run)
    out = tmp_path / "r"
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=3,
                            dashboard_address=":0") as client:
        with pytest.raises(sim.ReplicationError, match="replication 1 of scenario 'tiny'"):
            sim.run(TINY, replications=4, seed=1, out=out, figures=False,
                    executor=client.get_executor(), overrides=["horizon_days=40"])
    saved = sorted(p.name for p in (out / "replications").glob("rep-*.npz"))
    # 2 and 3 were running when 1 failed; 0 had finished (three threads held 1, 2 and 3)
    # or had not started, and is then one of the three oldest in flight that the drain
    # keeps
    assert saved == ["rep-000000.npz", "rep-000002.npz", "rep-000003.npz"]
