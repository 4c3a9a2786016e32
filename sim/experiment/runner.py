"""Run replications of a scenario, in process or on a pool of worker processes.

Seeds are assigned by the driver: replication ``r`` of root seed ``s`` always uses the
streams ``Streams(s, r)``, whichever worker runs it and in whatever order, so the results
are identical for any number of workers. Each finished replication is handed to an
optional ``sink`` as soon as it completes (the results folder writes it to disk there), and
to an optional ``progress`` callback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from typing import Any

import numpy as np

from sim.experiment.replication import ReplicationResult, run_replication
from sim.experiment.results import Results
from sim.metrics.series import SeriesCatalogue, catalogue
from sim.scenario.plan import Plan, make_plan
from sim.scenario.schema import Scenario

Sink = Callable[[ReplicationResult], None]

# Per-worker state, set once by the pool initializer so each task ships only an integer.
_WORKER: dict[str, Any] = {}


def _init_worker(sc: Scenario, seed: int, plan: Plan, cat: SeriesCatalogue) -> None:
    _WORKER.update(sc=sc, seed=seed, plan=plan, cat=cat)


def _run_in_worker(replication: int) -> ReplicationResult:
    return run_replication(_WORKER["sc"], _WORKER["seed"], replication, _WORKER["plan"],
                           _WORKER["cat"])


def run_many(sc: Scenario, replications: Iterable[int], seed: int, workers: int = 1,
             sink: Sink | None = None, progress: Callable[[int], None] | None = None,
             executor: Executor | None = None) -> list[ReplicationResult]:
    """Run the given replication numbers; return their results sorted by number.

    ``workers > 1`` uses a local process pool unless an ``executor`` is given. On
    KeyboardInterrupt pending replications are cancelled and the interrupt re-raised;
    replications already passed to ``sink`` are kept.
    """
    reps = list(replications)
    plan = make_plan(sc)
    cat = catalogue(sc)
    done: list[ReplicationResult] = []

    def finished(res: ReplicationResult) -> None:
        done.append(res)
        if sink is not None:
            sink(res)
        if progress is not None:
            progress(1)

    if executor is None and (workers <= 1 or len(reps) <= 1):
        for r in reps:
            finished(run_replication(sc, seed, r, plan, cat))
    else:
        own = executor is None
        pool = executor or ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                               initargs=(sc, seed, plan, cat))
        futures: list[Future[ReplicationResult]] = []
        try:
            if own:
                futures = [pool.submit(_run_in_worker, r) for r in reps]
            else:
                futures = [pool.submit(run_replication, sc, seed, r, plan, cat) for r in reps]
            for fut in as_completed(futures):
                finished(fut.result())
        except BaseException:
            for fut in futures:
                fut.cancel()
            if own:
                pool.shutdown(wait=False, cancel_futures=True)
            raise
        if own:
            pool.shutdown()
    done.sort(key=lambda r: r.replication)
    return done


def collect(sc: Scenario, seed: int, results: list[ReplicationResult],
            wall_s: float = 0.0) -> Results:
    """Stack replication results into a :class:`Results`."""
    if not results:
        raise ValueError("no replications to collect")
    labels = [row[:5] for row in results[0].kpis]
    values = np.vstack([r.kpi_values() for r in results])
    series = np.stack([r.series for r in results])
    return Results(scenario=sc, seed=seed, replications=[r.replication for r in results],
                   kpi_labels=labels, kpi_values=values, catalogue=catalogue(sc),
                   series_values=series, wall_s=wall_s,
                   events=int(sum(r.events for r in results)),
                   timeline_rows=[(r.replication, *row) for r in results for row in r.timeline])


def run(sc: Scenario, replications: int = 1, seed: int = 0, workers: int = 1,
        sink: Sink | None = None, progress: Callable[[int], None] | None = None,
        executor: Executor | None = None) -> Results:
    """Run ``replications`` replications of ``sc`` from root seed ``seed``.

    Raises ``ValueError`` if ``replications < 1``, ``seed < 0`` or ``workers < 1``.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    started = time.perf_counter()
    results = run_many(sc, range(replications), seed, workers, sink, progress, executor)
    return collect(sc, seed, results, time.perf_counter() - started)
