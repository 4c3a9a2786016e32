"""Where replications run: in this process, on a local process pool, or on a Dask cluster.

Every backend is a :class:`concurrent.futures.Executor` (or none, for in-process), and every
task is the pure function :func:`run_task` of a :class:`Job` (a scenario with its root
seed) and a replication number. The driver decides which replication numbers run; a task
never draws a seed of its own, so replication ``r`` of root seed ``s`` gives the same
numbers on any backend, any number of workers and in any order.

* in-process: ``workers=1`` (or only one task, or one CPU);
* process pool: :class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` processes
  (the command line's default: one per CPU, at most one per task);
* Dask: ``scheduler="tcp://host:port"`` connects to a running cluster, ``dask_local=True``
  starts a :class:`distributed.LocalCluster` of single-threaded worker processes; both use
  ``Client.get_executor()``. ``dask[distributed]`` is an optional extra
  (``pip install 'drc-minerals-sim[dask]'``); the workers of a remote cluster need this
  package installed too.

Tasks are submitted a few at a time (twice the number of workers in flight), so results
come back, and are saved, while the rest wait; an interrupt cancels what has not started.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from sim.experiment.errors import DaskMissingError, ExperimentError
from sim.experiment.replication import ReplicationResult, run_replication
from sim.metrics.series import SeriesCatalogue, catalogue
from sim.scenario.plan import Plan, make_plan
from sim.scenario.schema import Scenario

OnResult = Callable[[int, ReplicationResult], None]
"""Called in the driver with (job index, result) as each replication finishes."""


def available_cpus() -> int:
    """CPUs this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def default_workers(tasks: int) -> int:
    """The default number of worker processes: one per CPU, at most one per task; 1 means
    in-process."""
    return max(1, min(available_cpus(), tasks))


@dataclass(frozen=True)
class Job:
    """A scenario to replicate from a root seed, with what every replication reuses.

    Build it with :meth:`of`: the scenario sent to workers leaves out its provenance
    (citations and the source document), which the simulation never reads, so each task
    ships about half the bytes.
    """

    sc: Scenario
    seed: int
    plan: Plan
    cat: SeriesCatalogue

    @classmethod
    def of(cls, sc: Scenario, seed: int) -> Job:
        lean = sc.model_copy()
        lean._meta = None
        return cls(lean, int(seed), make_plan(sc), catalogue(sc))


def run_task(job: Job, replication: int) -> ReplicationResult:
    """Replication ``replication`` of ``job`` (the unit of work every executor runs)."""
    result = run_replication(job.sc, job.seed, replication, job.plan, job.cat)
    # A finished world is garbage held together by reference cycles (sites and lanes
    # point at the world and back, SimPy processes at their environment), so only the
    # cyclic collector frees it, and left to itself it runs too seldom: a worker grew by
    # about 3.5 MB per replication, to 150 MB. Collecting now costs about 1% of a
    # 10-year replication and keeps a worker near 70 MB.
    gc.collect()
    return result


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group. The driver handles it (cancels what has not
    # started and saves what has finished); workers finish their replication quietly
    # instead of each printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@dataclass
class Backend:
    """An executor and how many replications it runs at once. ``executor`` is ``None``
    for in-process runs."""

    executor: Executor | None
    workers: int
    kind: str
    """``in-process``, ``process pool`` or ``dask``."""
    address: str | None = None
    """The Dask scheduler's address."""

    @property
    def description(self) -> str:
        if self.kind == "in-process":
            return "in-process"
        where = f" at {self.address}" if self.address else ""
        return f"{self.kind} of {self.workers} worker{'s' if self.workers != 1 else ''}{where}"

    def as_manifest(self) -> dict[str, Any]:
        out: dict[str, Any] = {"executor": self.kind, "workers": self.workers}
        if self.address:
            out["scheduler"] = self.address
        return out


IN_PROCESS = Backend(None, 1, "in-process")


def _import_distributed(option: str) -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskMissingError(option) from None
    return distributed


@contextlib.contextmanager
def open_backend(workers: int | None = None, *, tasks: int | None = None,
                 scheduler: str | None = None, dask_local: bool = False) -> Iterator[Backend]:
    """Start the backend asked for, yield it, and shut it down afterwards.

    ``workers=None`` means the default (:func:`default_workers` of ``tasks``). With
    ``scheduler`` or ``dask_local`` the work goes to Dask (``workers`` then sets the
    number of LocalCluster workers). Raises :class:`ExperimentError` if both Dask options
    are given, if Dask is not installed or if the scheduler cannot be reached.
    """
    if workers is not None and workers < 1:
        raise ExperimentError(f"expected a whole number of at least 1, got {workers}",
                              what="--workers")
    if scheduler and dask_local:
        raise ExperimentError("give --scheduler or --dask-local, not both",
                              what="--scheduler")
    if scheduler or dask_local:
        with _dask_backend(workers, scheduler) as backend:
            yield backend
        return
    n = workers if workers is not None else default_workers(tasks or available_cpus())
    if n <= 1 or (tasks is not None and tasks <= 1):
        yield IN_PROCESS
        return
    pool = ProcessPoolExecutor(max_workers=n, initializer=_ignore_sigint)
    try:
        yield Backend(pool, n, "process pool")
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown()


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once, on an error or Ctrl-C: queued work is cancelled and the
    workers, which ignore SIGINT, are ended mid-replication (their results would be thrown
    away). Left to finish, they kept the interpreter's exit waiting on them, and a second
    Ctrl-C in that wait hung the process for good; SIGINT is ignored until they are gone."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to handle
        previous = None
    try:
        # ProcessPoolExecutor has no public way to end its workers before Python 3.14, and
        # shutdown() forgets them: take them (and the thread that manages them) first
        processes = list((getattr(pool, "_processes", None) or {}).values())
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
        if manager is not None:
            manager.join(timeout=10)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _dask_backend(workers: int | None, scheduler: str | None) -> Iterator[Backend]:
    option = "--scheduler" if scheduler else "--dask-local"
    distributed = _import_distributed(option)
    cluster = None
    try:
        if scheduler:
            try:
                client = distributed.Client(scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ExperimentError(
                    f"cannot connect to the Dask scheduler at {scheduler}: {exc}", what=option,
                    hint="give the address the scheduler prints, e.g. tcp://10.0.0.5:8786, "
                         "and check it is running") from None
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers or available_cpus(), threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR)
            client = distributed.Client(cluster)
    except ExperimentError:
        raise
    except Exception as exc:  # noqa: BLE001 - any start-up failure is reported plainly
        if cluster is not None:
            cluster.close()
        raise ExperimentError(f"cannot start Dask: {type(exc).__name__}: {exc}",
                              what=option) from None
    try:
        threads = sum(client.nthreads().values()) or 1
        executor = client.get_executor(pure=False)
        yield Backend(executor, threads, "dask", address=client.scheduler.address)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_tasks(jobs: Sequence[Job], tasks: Iterable[tuple[int, int]],
              on_result: OnResult, backend: Backend | None = None,
              window: int | None = None) -> None:
    """Run every ``(job index, replication)`` task and call ``on_result`` with each result
    in the driver as it finishes.

    At most ``window`` tasks are in flight (default: twice the backend's workers). On any
    exception, including KeyboardInterrupt, tasks not yet started are cancelled and the
    exception is re-raised; results already passed to ``on_result`` stay passed.
    """
    backend = backend or IN_PROCESS
    labels: dict[int, list[Any]] = {}

    def deliver(k: int, res: ReplicationResult) -> None:
        # Results arriving from workers carry their own copy of the KPI labels; those of
        # one job are all equal, so every result keeps the first one's list instead.
        shared = labels.setdefault(k, res.kpi_labels)
        if res.kpi_labels is not shared and res.kpi_labels == shared:
            res.kpi_labels = shared
        on_result(k, res)

    if backend.executor is None:
        for k, r in tasks:
            deliver(k, run_task(jobs[k], r))
        return
    executor = backend.executor
    limit = window if window is not None else max(2, 2 * backend.workers)
    pending: dict[Future[ReplicationResult], int] = {}
    queue = iter(tasks)

    def top_up() -> None:
        while len(pending) < limit:
            task = next(queue, None)
            if task is None:
                return
            k, r = task
            pending[executor.submit(run_task, jobs[k], r)] = k

    try:
        top_up()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: pending[f]):
                k = pending.pop(fut)
                deliver(k, fut.result())
            top_up()
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise
