"""The unguarded-main hint on the two paths review 240 could not reach without a fake pool.

Review 230 gives a run whose process-pool workers all died before any replication came
back a hint: the main script has no ``if __name__ == "__main__":`` guard, so a spawned
worker runs the whole script again. Two ways a pool reports that loss were untested
(review 240's survivors E10 and E12): the pool found broken when a replication is handed
to it, with nothing in flight, and the watchdog's loss (a worker dead while the pool has
not noticed). A pool standing in for the real one drives each path in a few milliseconds.
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import SimpleNamespace

import pytest
from expt_helpers import TINY

import sim
from sim.experiment import executors
from sim.experiment.executors import Backend, Job, ReplicationError, run_tasks

HINT = "the main script has no guard"


class _DeadPool(ProcessPoolExecutor):
    """A process pool whose only worker has exited: it is never started (no processes of
    its own) and its replications never come back, as when a spawned worker ran an
    unguarded main script and ended."""

    def __init__(self, broken_at_submit: bool) -> None:  # no real pool behind it
        self.broken_at_submit = broken_at_submit
        self._processes = {4242: SimpleNamespace(exitcode=1)}
        self._broken = False

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        if self.broken_at_submit:
            raise BrokenProcessPool("A child process terminated abruptly")
        return Future()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass


@pytest.fixture
def job() -> Job:
    return Job.of(sim.load_scenario(TINY), 1)


@pytest.fixture(autouse=True)
def unguarded(monkeypatch: pytest.MonkeyPatch) -> None:
    # whether the main script is guarded is review 230's test; here: is the hint passed on
    monkeypatch.setattr(executors, "_pool_rerun_hint", lambda pool: HINT)


def _failure(job: Job, pool: _DeadPool) -> ReplicationError:
    backend = Backend(pool, 1, "process pool")
    with pytest.raises(ReplicationError) as caught:
        run_tasks([job], [(0, 0), (0, 1)], lambda k, res: None, backend, drain_s=0)
    return caught.value


def test_a_pool_broken_when_handed_the_first_replication_gets_the_hint(job: Job) -> None:
    failed = _failure(job, _DeadPool(broken_at_submit=True))
    assert failed.hint == HINT and HINT in str(failed)
    assert [t.replication for t in failed.tasks] == [0]


def test_a_pool_lost_before_any_replication_fails_gets_the_hint(
        job: Job, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "WORKER_CHECK_S", 0.01)
    monkeypatch.setattr(executors, "DEAD_WORKER_S", 0.02)
    failed = _failure(job, _DeadPool(broken_at_submit=False))
    assert failed.hint == HINT and HINT in str(failed)
    # every replication the pool held is named as lost with it
    assert [t.replication for t in failed.tasks] == [0, 1]
    assert "worker process died" in str(failed)
    assert isinstance(failed.cause, BrokenProcessPool) and "exit code 1" in str(failed.cause)
