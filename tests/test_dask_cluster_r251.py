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

from pathlib import Path

import pytest

import sim

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
