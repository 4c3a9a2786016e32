"""A caller's Dask executor (``Client.get_executor()``, as the README recommends for Dask)
drains a failed run as ``scheduler=`` does: its futures can be cancelled while their
replication runs, and the replications still running were lost instead of saved (the run
through ``sim.run`` is in test_review50_dask_threads.py)."""

from __future__ import annotations

import pytest

from sim.experiment.runner import executor_backend

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")


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
