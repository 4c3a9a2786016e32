"""A caller's Dask executor (``Client.get_executor()``, as the README recommends for Dask)
drains a failed run as ``scheduler=`` does: its futures can be cancelled while their
replication runs, and the replications still running were lost instead of saved."""

from __future__ import annotations

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

    def run(self: World) -> None:
        r = self.streams.replication
        if r == 1:
            raise ZeroDivisionError("injected")
        if r == 2:
            time.sleep(0.5)  # still running when replication 1's failure reaches the driver
        real(self)

    # the in-process cluster's worker thread runs the patched World.run
    monkeypatch.setattr(World, "run", run)
    out = tmp_path / "r"
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                            dashboard_address=":0") as client:
        with pytest.raises(sim.ReplicationError, match="replication 1 of scenario 'tiny'"):
            # three only: at the failure, replication 2 is the one left in flight, so the
            # test does not hang on the order Dask starts waiting tasks in
            sim.run(TINY, replications=3, seed=1, out=out, figures=False,
                    executor=client.get_executor(), overrides=["horizon_days=40"])
    saved = sorted(p.name for p in (out / "replications").glob("rep-*.npz"))
    # 0 finished before the failure, 2 was running (one thread)
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
