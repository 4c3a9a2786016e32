"""Review 196 (the Dask cluster user): a scheduler that stopped mid-run printed Dask's and
tornado's error logs before the command's message, and sometimes kept the command waiting a
minute for a replication its closed client still listed, which the message then left out;
a worker lost under ``allowed-failures: 0`` was said to have been retried on other
workers. No cluster is needed: the futures and Dask's error are stand-ins."""

from __future__ import annotations

import logging
import time
from concurrent.futures import CancelledError, Executor, Future
from types import SimpleNamespace
from typing import Any

import pytest

from sim.cli import _failure_text
from sim.experiment.executors import (
    Backend,
    ReplicationError,
    Task,
    _quiet_logs,
    dask_tries,
    run_tasks,
)


class FakeExecutor(Executor):
    """Hands out futures the test controls: the first is dropped by the cluster, the
    others never come back (their client has closed)."""

    def __init__(self) -> None:
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        if not self.futures:
            fut.set_exception(CancelledError())
        self.futures.append(fut)
        return fut


def test_a_closed_client_is_not_waited_for_and_every_replication_lost_is_named() -> None:
    client = SimpleNamespace(status="closed")
    backend = Backend(FakeExecutor(), 1, "dask", client=client, cancels_running=True)
    jobs = [SimpleNamespace(sc=SimpleNamespace(name="base"), seed=1)]
    started = time.monotonic()
    with pytest.raises(ReplicationError) as lost:
        run_tasks(jobs, [(0, 0), (0, 1)], lambda k, res: None, backend, drain_s=20.0)
    assert time.monotonic() - started < 5.0
    assert lost.value.reason == "cancelled"
    assert sorted(t.replication for t in lost.value.tasks) == [0, 1]


class KilledWorker(Exception):
    """Dask's error for a task whose workers all died, as distributed defines it."""

    def __init__(self, task: str, last_worker: Any, allowed_failures: int) -> None:
        super().__init__(task, last_worker, allowed_failures)

    @property
    def allowed_failures(self) -> int:
        return self.args[2]


def tasks(*reps: int) -> list[Task]:
    return [Task(0, r, "base", 1) for r in reps]


def test_a_worker_lost_without_retries_is_not_said_to_be_retried() -> None:
    once = ReplicationError(KilledWorker("k", None, 0), tasks(1, 3), "worker died")
    assert dask_tries(once.cause) == 1
    text = _failure_text(once)
    assert text.startswith("error: a Dask worker died (out of memory, or killed?) running "
                           "replications 1 and 3 of scenario 'base' (seed 1)")
    assert "runs a task on one worker only" in text and "lost them" in text
    assert "ran it again" not in text and "the pool" not in text


def test_a_worker_lost_after_retries_says_how_many_workers_died() -> None:
    retried = ReplicationError(KilledWorker("k", None, 3), tasks(2), "worker died")
    text = _failure_text(retried)
    assert "every Dask worker that ran replication 2 of scenario 'base' (seed 1) died (4 " \
           "workers each" in text
    assert "Dask ran it on 4 workers and each of them died: it may need more memory" in text
    assert dask_tries(ValueError("x")) is None


def test_dask_s_loggers_are_quiet_while_a_scheduler_s_client_runs() -> None:
    child = logging.getLogger("distributed.client")
    before = child.level
    child.setLevel(logging.WARNING)
    try:
        with _quiet_logs():
            assert child.level == logging.CRITICAL
            tornado = logging.getLogger("tornado.application")
            assert tornado.getEffectiveLevel() == logging.CRITICAL
        assert child.level == logging.WARNING
    finally:
        child.setLevel(before)


class DeathExecutor(FakeExecutor):
    """The first future's worker died; the others never come back."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        from concurrent.futures.process import BrokenProcessPool

        fut: Future[Any] = Future()
        if not self.futures:
            fut.set_exception(BrokenProcessPool("a worker died"))
        self.futures.append(fut)
        return fut


def test_the_replications_that_never_came_back_after_a_death_are_named() -> None:
    # review 197: the death was named alone
    backend = Backend(DeathExecutor(), 1, "dask", client=SimpleNamespace(status="closed"),
                      cancels_running=True)
    jobs = [SimpleNamespace(sc=SimpleNamespace(name="base"), seed=1)]
    with pytest.raises(ReplicationError) as lost:
        run_tasks(jobs, [(0, 0), (0, 1), (0, 2)], lambda k, res: None, backend,
                  window=3, drain_s=5.0)
    assert lost.value.reason == "worker died"
    assert [t.replication for t in lost.value.tasks] == [0]
    # the oldest in flight, as many as the cluster has threads, is running: it never came
    # back; replication 2, waiting, was cancelled (it runs on resume)
    assert [t.replication for t in lost.value.unfinished] == [1]
    assert str(lost.value).endswith("; replication 1 of scenario 'base' (seed 1) did not "
                                    "finish")
    import pickle

    again = pickle.loads(pickle.dumps(lost.value))
    assert again.unfinished == lost.value.unfinished
