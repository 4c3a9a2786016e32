"""Review 242: a long-lived kernel calling the API many times keeps nothing of each call.

``sim.run(..., dask_local=True)`` starts and closes a Dask LocalCluster in this process.
Closed, it left its scheduler alive (held by Dask's never-emptied
``distributed.core._expects_comm`` cache, with every task it ran), OMP_NUM_THREADS=1,
PYTHONHASHSEED and more in ``os.environ``, and the :mod:`random` module's state drawn on.
"""

from __future__ import annotations

import gc
import os
import random
from pathlib import Path

import pytest

import sim

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"


def _schedulers() -> int:
    gc.collect()
    return sum(isinstance(o, distributed.Scheduler) for o in gc.get_objects())


def test_a_local_dask_run_leaves_no_scheduler_environment_or_random_draws_behind() -> None:
    sc = sim.load_scenario(TINY, overrides=["horizon_days=5"])
    held = _schedulers()  # another test's own cluster may still be alive
    environ = dict(os.environ)
    random.seed(242)
    state = random.getstate()

    res = sim.run(sc, 1, seed=1, workers=1, dask_local=True)

    assert res.n == 1
    left = {"schedulers": _schedulers() - held,
            "environment": sorted(k for k in {*os.environ, *environ}
                                  if os.environ.get(k) != environ.get(k)),
            "random state drawn on": random.getstate() != state}
    assert left == {"schedulers": 0, "environment": [], "random state drawn on": False}
