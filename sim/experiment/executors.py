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

Tasks are submitted a few at a time (twice the number of workers in flight; on a Dask
cluster given by its address, twice its size as it is now and at least 32), so results
come back, and are saved, while the rest wait; an interrupt cancels what has not started.
Workers never take Ctrl-C (the driver handles it and stops them; under any start method but
"fork" they start with SIGINT blocked, so one still importing the package cannot take it
either), and a process-pool worker ends itself when the
driver is gone (on POSIX).
A replication that fails (or whose worker process dies) stops the run with a
:class:`ReplicationError` naming it, its scenario and seed, once every replication that
had finished has been handed over and those still running have had a while to finish.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import random
import re
import signal
import struct
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sim.build import WORKERS_SAME_CODE, running_code
from sim.experiment.errors import DaskMissingError, ExperimentError
from sim.experiment.replication import ReplicationResult, run_replication
from sim.metrics.series import SeriesCatalogue, catalogue
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import set_meta
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


WINDOWS_MAX_WORKERS = 61
"""The most processes a :class:`~concurrent.futures.ProcessPoolExecutor` takes on Windows
(it refuses more with a ValueError: the system waits on at most 63 handles at once)."""


def max_pool_workers() -> int | None:
    """The most workers a process pool may have on this system (:data:`WINDOWS_MAX_WORKERS`
    on Windows, as ``concurrent.futures`` checks it), None for no limit."""
    return WINDOWS_MAX_WORKERS if sys.platform == "win32" else None


def default_workers(tasks: int) -> int:
    """The default number of worker processes: one per CPU (on Windows at most
    :data:`WINDOWS_MAX_WORKERS`), at most one per task; 1 means in-process."""
    most = max_pool_workers()
    cpus = available_cpus() if most is None else min(available_cpus(), most)
    return max(1, min(cpus, tasks))


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
        set_meta(lean, None)
        return cls(lean, int(seed), make_plan(sc), catalogue(sc))


def run_task(job: Job, replication: int) -> ReplicationResult:
    """Replication ``replication`` of ``job`` (the unit of work every executor runs)."""
    # A finished world is garbage held together by reference cycles (sites and lanes
    # point at the world and back, SimPy processes at their environment), so only the
    # cyclic collector frees it, and left to itself it runs too seldom: a worker grew by
    # about 3.5 MB per replication, to 150 MB. So it is collected at once. What existed
    # before the replication (the modules, the caller's own objects) cannot be its
    # garbage: frozen for the replication, it is left out of that collection and of the
    # collector's own full passes, which otherwise walked the whole heap each time: about
    # 15-20 ms with the modules `sim run` loads (some 47,000 objects), 65-85 ms once
    # pandas, scipy and matplotlib are loaded, as in a notebook. Someone else's
    # freeze is left alone (unfreezing would undo it); the replication then collects
    # the whole heap, as before.
    ours = gc.get_freeze_count() == 0
    if ours:
        gc.freeze()
    try:
        result = run_replication(job.sc, job.seed, replication, job.plan, job.cat)
        gc.collect()
    except Exception as exc:
        # the driver tells a worker on other code from a bug by it (review 251: a stale
        # Dask worker's AttributeError read "internal error ... please report it")
        with contextlib.suppress(Exception):
            setattr(exc, WORKER_CODE_ATTR, running_code()[0])
        raise
    finally:
        if ours:
            gc.unfreeze()
    return result


WORKER_CODE_ATTR = "sim_worker_code"
"""The attribute :func:`run_task` sets on a replication's exception: the code label
(:func:`sim.build.code_label`) of the process it was raised in. An exception's attributes
travel with it back to the driver (pickled with it from a worker process)."""


def other_code_hint(exc: BaseException) -> str | None:
    """What to do about a replication that raised ``exc`` on a worker running other code
    than this process (its :data:`WORKER_CODE_ATTR`), else None: the worker's code, not
    the simulator, is then the likelier cause."""
    theirs = getattr(exc, WORKER_CODE_ATTR, None)
    ours = running_code()[0]
    if not isinstance(theirs, str) or theirs == ours:
        return None
    return (f"it ran on a worker running {theirs}, not {ours}, which started the run: "
            f"{WORKERS_SAME_CODE}")


class Task(NamedTuple):
    """A replication as a :class:`ReplicationError` names it."""

    job: int
    """The index of its job (for a sweep, the sample)."""
    replication: int
    scenario: str
    seed: int


class ReplicationError(Exception):
    """A replication did not finish: it raised an exception (``cause``, also the
    ``__cause__``; a bug in the simulator) or the worker process running it died (out of
    memory, or killed).

    ``tasks`` are the replications concerned: the ones that raised (the first is
    ``cause``'s), or those a worker's death took with it. A process pool that loses a
    worker loses every replication it was running or had queued, and cannot say which one
    was on the dead worker, so all of those are named. ``reason`` is ``"failed"`` (it
    raised), ``"worker died"`` or ``"cancelled"`` (a Dask cluster dropped it, e.g. its
    scheduler went away). ``unfinished`` are the replications that, once the run stopped,
    never came back (a Dask client whose scheduler went away, or one still running when
    the wait for them ran out), named after the others.
    """

    def __init__(self, cause: BaseException, tasks: Sequence[Task], reason: str,
                 unfinished: Sequence[Task] = (), hint: str | None = None) -> None:
        self.cause = cause
        self.tasks = tuple(tasks)
        self.reason = reason
        self.unfinished = tuple(unfinished)
        self.hint = hint
        """What to do about it, where something more likely than a lack of memory (or, for
        a replication that raised, than a bug) is known: a main script the pool's workers
        cannot run again (:func:`_pool_rerun_hint`), a worker running other code than the
        driver (:func:`other_code_hint`)."""
        super().__init__(self.describe() + (f"\n    hint: {hint}" if hint else ""))

    def __reduce__(self) -> tuple[Any, ...]:
        # BaseException pickles its message alone, which this __init__ cannot take: a run
        # inside a worker of the caller's own pool would lose the error on the way back
        return type(self), (self.cause, self.tasks, self.reason, self.unfinished, self.hint)

    @property
    def worker_died(self) -> bool:
        """True if the replications were lost with their worker (or cluster), not by an
        error of their own."""
        return self.reason != "failed"

    def where(self, label: Callable[[Task], str] | None = None) -> str:
        """The replications concerned in words, e.g. ``replication 3 of scenario 'base'
        (seed 1)``; ``label`` names a task's job (default: its scenario)."""
        label = label or (lambda t: f"scenario {t.scenario!r}")
        groups: dict[tuple[str, int], list[int]] = {}
        for t in sorted(self.tasks):
            groups.setdefault((label(t), t.seed), []).append(t.replication)
        parts = []
        for (name, seed), reps in groups.items():
            reps = sorted(set(reps))
            noun = "replication" if len(reps) == 1 else "replications"
            parts.append(f"{noun} {_listed(reps)} of {name} (seed {seed})")
        if len(parts) > 4:
            parts[3:] = [f"{len(parts) - 3} more"]
        return "; ".join(parts)

    def describe(self, label: Callable[[Task], str] | None = None) -> str:
        """What happened, in one line."""
        said = self._describe(label)
        if not self.unfinished:
            return said
        # review 197: a worker's death named alone, the replications that never came
        # back after it left out of the message
        others = ReplicationError(self.cause, self.unfinished, self.reason).where(label)
        return f"{said}; {others} did not finish"

    def _describe(self, label: Callable[[Task], str] | None = None) -> str:
        where = self.where(label)
        tries = dask_tries(self.cause)
        if self.reason == "worker died" and tries is not None:
            # Dask's scheduler ran each on as many workers as it allows before giving up
            # (review 196: "the pool lost the work it held" where one Dask worker died)
            if tries == 1:
                return f"a Dask worker died (out of memory, or killed?) running {where}"
            return (f"every Dask worker that ran {where} died ({tries} workers each: out of "
                    "memory, or killed?)")
        if self.reason == "worker died":
            if len(self.tasks) > 1:
                return ("a worker process died (out of memory, or killed?), and the pool lost "
                        f"the work it held: {where}")
            return f"a worker process died (out of memory, or killed?) running {where}"
        if self.reason == "cancelled":
            return f"the Dask cluster dropped {where} (did its scheduler stop?)"
        first = f"{type(self.cause).__name__}: {self.cause}"
        if len(self.tasks) > 1:
            return f"{where} failed; the first with {first}"
        return f"{where} failed: {first}"


def dask_tries(exc: BaseException) -> int | None:
    """How many Dask workers a task ran on before its scheduler gave it up, if ``exc`` is
    Dask's ``KilledWorker`` (its ``allowed_failures`` plus one), else None."""
    if type(exc).__name__ != "KilledWorker":
        return None
    allowed = getattr(exc, "allowed_failures", None)
    return allowed + 1 if isinstance(allowed, int) else None


def _listed(numbers: Sequence[int], most: int = 8) -> str:
    """``1, 2 and 3``; beyond ``most`` numbers, ``1, 2, ... and 12 more``."""
    if len(numbers) > most:
        return ", ".join(map(str, numbers[:most])) + f" and {len(numbers) - most} more"
    if len(numbers) == 1:
        return str(numbers[0])
    return ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def _loss(exc: BaseException) -> str:
    """Why a task's future holds ``exc``: ``failed`` (the replication raised it), ``worker
    died`` or ``cancelled``."""
    if isinstance(exc, BrokenProcessPool):
        return "worker died"
    distributed = sys.modules.get("distributed")
    killed = getattr(distributed, "KilledWorker", None) if distributed is not None else None
    if killed is not None and isinstance(exc, killed):
        return "worker died"
    if isinstance(exc, CancelledError):
        return "cancelled"
    return "failed"


_BAD_INPUT = (ExperimentError, ScenarioError)
"""Raised by a task, these are about the input, not a replication gone wrong: they are
re-raised as they are (the command line reports them as bad input)."""

DRAIN_S = 60.0
"""After a replication fails, how long the replications still running get to finish (and
be handed over, e.g. saved) before the rest are stopped."""


PARENT_CHECK_S = 1.0
"""How often a pool worker checks that the process that started it is still there."""


def _init_worker() -> None:
    """Set up a process-pool worker before it runs anything.

    * SIGINT is ignored: Ctrl-C reaches the whole process group; the driver handles it
      (cancels what has not started, saves what has finished, stops the workers) instead
      of every worker printing a traceback.
    * SIGTERM is the default, ending the process: a forked worker inherits the command
      line's handler that turns SIGTERM into KeyboardInterrupt, and the driver stopping
      its pool with SIGTERM made idle workers print a traceback each.
    * The worker ends itself when its parent has gone (see :func:`_exit_with_parent`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _exit_with_parent()


def _exit_with_parent(every_s: float = PARENT_CHECK_S) -> None:
    """End this process (at once, mid-replication if need be) once its parent has gone.

    A driver killed outright (SIGKILL, the out-of-memory killer) cannot stop its pool, and
    the workers ran on as orphans: one idle waits on its task queue for ever, a busy one
    finishes its replication for nobody. A daemon thread polls ``os.getppid()``, which
    changes when the parent dies (the orphan is adopted by init or a subreaper). POSIX
    only: on Windows ``os.getppid()`` keeps the dead parent's id, so the worker is never
    ended there (the thread just waits). On POSIX it works for every start method (the
    parent is the driver, or the fork server that dies with it), and costs a wake-up a
    second. Linux's
    ``prctl(PR_SET_PDEATHSIG)`` would be immediate, but it is Linux only, needs ctypes,
    and fires when the *thread* that started the worker ends, not the process (a pool
    may start workers from a helper thread). The parent is read here, in the worker, so a
    driver that is itself process 1 (in a container) is no exception.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(1)

    threading.Thread(target=watch, name="sim: exit with the driver", daemon=True).start()


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
    client: Any = None
    """The Dask client."""
    live: Callable[[], int] | None = None
    """For a cluster that can grow or shrink while it runs (a Dask scheduler given by its
    address): how many worker threads it has now. ``workers`` is then the most seen."""
    min_in_flight: int = 2
    """Replications kept in flight however few workers there are."""
    cancels_running: bool = False
    """Its futures can be cancelled while their task runs (Dask's: a future is pending until
    it is done, whether it runs or waits), so after a failure the run keeps the oldest in
    flight, as many as ``workers``, instead of cancelling every future that will let it."""

    @property
    def description(self) -> str:
        if self.kind == "in-process":
            return "in-process"
        size = f"{self.workers} worker{'s' if self.workers != 1 else ''}"
        if self.kind == "dask" and self.live is None:
            # --dask-local's cluster lives for this run only: its temporary address read
            # like a --scheduler's (review 196)
            return f"local dask cluster of {size}"
        where = f" at {self.address}" if self.address else ""
        return f"{self.kind} of {size}{where}"

    def as_manifest(self) -> dict[str, Any]:
        out: dict[str, Any] = {"executor": self.kind, "workers": self.workers}
        if self.address:
            out["scheduler"] = self.address
        return out


IN_PROCESS = Backend(None, 1, "in-process")


class ClusterWarning(UserWarning):
    """Something about the cluster a run is waiting on (no workers) or ignoring: worth a
    word, not an error. The command line prints these as notes."""


SIZE_CHECK_S = 2.0
"""How often the size of a Dask cluster given by its address is read again."""

NO_WORKERS_WARN_S = 5.0
"""How long a run waits on a cluster with no workers before it says so."""

REMOTE_MIN_IN_FLIGHT = 32
"""Replications kept in flight on a Dask cluster given by its address, however few
workers it has: an adaptive cluster (started with no workers, say) sizes itself by the work
it sees queued, and with twice its threads in flight it never grew."""


class _Size:
    """How many tasks a run keeps in flight on a backend, for a cluster whose size can
    change re-read every :data:`SIZE_CHECK_S` seconds (and a warning when it has had no
    worker for :data:`NO_WORKERS_WARN_S` seconds)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.threads = backend.workers
        self.checked = -float("inf")
        self.empty_since: float | None = None
        self.warned = False

    @property
    def poll_s(self) -> float | None:
        """How long to wait for a result before looking at the cluster again."""
        return SIZE_CHECK_S if self.backend.live is not None else None

    def limit(self) -> int:
        backend = self.backend
        if backend.live is not None:
            now = time.monotonic()
            if now - self.checked >= SIZE_CHECK_S:
                self.checked = now
                with contextlib.suppress(Exception):  # the last size will do
                    self.threads = backend.live()
                backend.workers = max(backend.workers, self.threads)
                self._note_empty(now)
        return max(backend.min_in_flight, 2 * self.threads)

    def _note_empty(self, now: float) -> None:
        if self.threads > 0:
            self.empty_since, self.warned = None, False
            return
        if self.empty_since is None:
            self.empty_since = now
        waited = now - self.empty_since
        if waited >= NO_WORKERS_WARN_S and not self.warned:
            self.warned = True
            warnings.warn(
                f"the Dask cluster at {self.backend.address} has had no workers for "
                f"{waited:.0f} s: the replications wait until a worker joins it (Ctrl-C "
                "stops the run; finished replications are kept)", ClusterWarning,
                stacklevel=2)


DEAD_WORKER_S = 3.0
"""How long a process-pool worker may lie dead while its pool still counts as working
before a run gives the pool's replications up as lost (see :class:`_DeadWorkers`)."""

WORKER_CHECK_S = 1.0
"""How often a run on a process pool looks for such a worker."""


class _DeadWorkers:
    """Notices a process-pool worker that died part-way through sending its result.

    A pool whose worker dies normally breaks within milliseconds: its manager thread sees
    the worker's sentinel and fails every future it holds. One killed (by the
    out-of-memory killer, say) part-way through sending a result left the manager thread
    reading the rest of the message, which never comes, so it never looked at the
    sentinels and the run waited for ever. A worker seen dead for :data:`DEAD_WORKER_S`
    seconds while the pool is not broken is that case. Only for a
    :class:`~concurrent.futures.ProcessPoolExecutor` (through its private ``_processes``
    and ``_broken``; without them, as on another Python, nothing is watched).
    """

    def __init__(self, executor: Executor) -> None:
        processes = (getattr(executor, "_processes", None)
                     if isinstance(executor, ProcessPoolExecutor) else None)
        self.executor = executor
        self.processes: dict[int, Any] | None = (processes if isinstance(processes, dict)
                                                 else None)
        self.since: float | None = None

    @property
    def poll_s(self) -> float | None:
        """How long to wait for a result before looking again (``None``: no need)."""
        return WORKER_CHECK_S if self.processes is not None else None

    def lost(self) -> BrokenProcessPool | None:
        """The pool's loss, once a worker has lain dead unnoticed for long enough."""
        if self.processes is None or getattr(self.executor, "_broken", False):
            return None
        dead = [p for p in list(self.processes.values()) if p.exitcode is not None]
        if not dead:
            self.since = None
            return None
        now = time.monotonic()
        if self.since is None:
            self.since = now
        if now - self.since < DEAD_WORKER_S:
            return None
        codes = ", ".join(str(p.exitcode) for p in dead)
        return BrokenProcessPool(
            f"a worker process ended (exit code {codes}) part-way through sending a "
            "result, and the pool could not go on")


def _shortest(*waits: float | None) -> float | None:
    """The shortest of ``waits``, ``None`` meaning no limit."""
    given = [w for w in waits if w is not None]
    return min(given) if given else None


def _import_distributed(option: str) -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskMissingError(option) from None
    return distributed


def check_backend(workers: int | None = None, *, scheduler: str | None = None,
                  dask_local: bool = False) -> None:
    """Raise the :class:`ExperimentError` :func:`open_backend` would raise for these
    options before it starts anything (both Dask options, Dask not installed, fewer than
    one worker, more than a process pool takes on Windows), without starting anything."""
    if workers is not None and workers < 1:
        raise ExperimentError(f"expected a whole number of at least 1, got {workers}",
                              what="--workers")
    most = max_pool_workers()
    if (workers is not None and most is not None and workers > most and not scheduler
            and not dask_local):
        # review 230: Python's own "ValueError: max_workers must be <= 61" surfaced as an
        # internal error
        raise ExperimentError(
            f"a process pool on Windows runs at most {most} worker processes, got {workers}",
            what="--workers",
            hint=f"give --workers {most} or fewer, or run on a Dask cluster (--dask-local, "
                 "--scheduler)")
    if scheduler and dask_local:
        raise ExperimentError("give --scheduler or --dask-local, not both",
                              what="--scheduler")
    if scheduler or dask_local:
        _import_distributed("--scheduler" if scheduler else "--dask-local")


@contextlib.contextmanager
def open_backend(workers: int | None = None, *, tasks: int | None = None,
                 scheduler: str | None = None, dask_local: bool = False) -> Iterator[Backend]:
    """Start the backend asked for, yield it, and shut it down afterwards.

    ``workers=None`` means the default (:func:`default_workers` of ``tasks``). With
    ``scheduler`` or ``dask_local`` the work goes to Dask (``workers`` then sets the
    number of LocalCluster workers). Raises :class:`ExperimentError` if both Dask options
    are given, if Dask is not installed or if the scheduler cannot be reached.
    """
    check_backend(workers, scheduler=scheduler, dask_local=dask_local)
    if scheduler or dask_local:
        with _dask_backend(workers, scheduler) as backend:
            yield backend
        return
    n = workers if workers is not None else default_workers(tasks or available_cpus())
    if n <= 1 or (tasks is not None and tasks <= 1):
        yield IN_PROCESS
        return
    pool = ProcessPoolExecutor(max_workers=n, initializer=_init_worker)
    try:
        _start_workers_deaf_to_ctrl_c(pool, n)
        yield Backend(pool, n, "process pool")
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown()


STOP_WAIT_S = 10.0
"""How long stopping a pool waits for each step: a worker sending its result to finish
sending it, the workers to end once killed, and the thread that manages the pool to
end."""


def _stop_pool(pool: ProcessPoolExecutor, wait_s: float | None = None) -> None:
    """Stop a pool at once, on an error or Ctrl-C: queued work is cancelled and the
    workers, which ignore SIGINT, are ended mid-replication (their results would be thrown
    away). Left to finish, they kept the interpreter's exit waiting on them, and a second
    Ctrl-C in that wait hung the process for good; SIGINT is ignored until they are gone.

    A worker ended part-way through sending its result left the pool's manager thread
    waiting for the rest of the message for ever, and Python's exit joins that thread
    with no time limit: the process printed the resume command and never ended. So no
    worker is ended mid-send: the pool's result lock is taken first (waiting up to
    ``wait_s`` seconds, default :data:`STOP_WAIT_S`, for a send under way; not waiting
    when the pool is broken or a worker has died, as a worker that died holding the
    lock never frees it). Should one
    have died mid-send anyway (killed by someone else), the driver's copy of the result
    pipe's write end is closed, so the manager thread reads end-of-file and ends. One
    still alive after that no longer holds up the interpreter's exit (see
    :func:`_exit_without`).
    """
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to handle
        previous = None
    wait_s = STOP_WAIT_S if wait_s is None else wait_s
    sending = None
    try:
        # ProcessPoolExecutor has no public way to end its workers before Python 3.14, and
        # shutdown() forgets them: take them (and the thread that manages them, and the
        # queue their results come back on) first
        processes = list((getattr(pool, "_processes", None) or {}).values())
        # the manager thread, once one worker is dead, sends SIGTERM to every worker it
        # still knows (terminate_broken): between two of the kills below, on a loaded
        # machine, that reached one still starting up (see the kills' comment). Its
        # terminate is made a kill; the dict it iterates is left alone (emptying it raced
        # with join_executor_internals: "dictionary changed size during iteration")
        for process in processes:
            process.terminate = process.kill  # type: ignore[method-assign]
        manager = getattr(pool, "_executor_manager_thread", None)
        results = getattr(pool, "_result_queue", None)
        work = getattr(pool, "_pending_work_items", None)
        # a broken pool's workers are dead or being killed, and its manager thread reads
        # no more results; a dead worker (in a broken pool, or one the pool has not
        # noticed: see _DeadWorkers) may have died holding the lock, which then never
        # comes free: waiting for it only delayed the error, or the Ctrl-C, by wait_s
        broken = bool(getattr(pool, "_broken", False))
        alive = not broken and bool(processes) and all(p.is_alive() for p in processes)
        pool.shutdown(wait=False, cancel_futures=True)
        lock = getattr(results, "_wlock", None)  # None on Windows (messages are atomic)
        if lock is not None and processes and lock.acquire(timeout=wait_s if alive else 0):
            sending = lock  # held: no worker is part-way through a message, none can start
        # killed, not sent SIGTERM: a worker still starting up (in Python's own at-fork
        # hooks, which run before the one that resets SIGTERM in the child) took the
        # command line's SIGTERM as a Ctrl-C and printed a traceback; what a worker was
        # doing is thrown away either way
        for process in processes:
            process.kill()
        for process in processes:
            process.join(timeout=wait_s)
        if manager is not None and manager.is_alive():
            _spare_cancelled(work)
        writer = getattr(results, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError):
                writer.close()
        if manager is not None:
            manager.join(timeout=wait_s)
            if manager.is_alive():
                _exit_without(manager)
    finally:
        if sending is not None:
            with contextlib.suppress(ValueError):
                sending.release()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _spare_cancelled(work: dict[int, Any] | None) -> None:
    """Keep a pool's manager thread, woken by end-of-file, from failing on the futures
    the driver cancelled: it sets a BrokenProcessPool on every future it still holds, and
    one already cancelled raised InvalidStateError, which ended the thread with a
    traceback. Each cancelled one it holds is swapped for a fresh future nobody reads (a
    swap, not a removal, leaves the dict the thread may be going through the same
    size)."""
    for item in list((work or {}).values()):
        future = getattr(item, "future", None)
        if future is not None and future.cancelled():
            item.future = Future()


def _exit_without(thread: threading.Thread) -> None:
    """Let the interpreter exit without joining ``thread``, a pool's manager thread that
    cannot end (still waiting on the result pipe: another process, e.g. one forked from
    this one meanwhile, holds its write end open). ``concurrent.futures`` joins it at exit
    with no time limit, and so does ``threading`` (it is not a daemon thread), which hung
    the process for good. This undoes both, through CPython's private names, where they
    exist (CPython 3.11 and 3.12); elsewhere it does nothing."""
    from concurrent.futures import process as cf_process

    wakeups = getattr(cf_process, "_threads_wakeups", None)
    if wakeups is not None:
        wakeups.pop(thread, None)
    lock = getattr(thread, "_tstate_lock", None)
    locks = getattr(threading, "_shutdown_locks", None)
    guard = getattr(threading, "_shutdown_locks_lock", None)
    if lock is not None and locks is not None and guard is not None:
        with guard:
            locks.discard(lock)


DASK_CONNECT_S = 30.0
"""Wall-clock limit, in seconds, on connecting to the Dask scheduler given by its address
(``--scheduler``, ``scheduler=``): the TCP connection, Dask's handshake and the scheduler's
first answers. Dask's own ``timeout`` does not cover the handshake, so a service that
accepts the connection and never answers (the dashboard's port, 8787, or any web server)
kept the run waiting for ever, silently. A third of it is Dask's own limit on the TCP
connection, so that a closed port or an unknown host is reported as that, first."""

_CONNECT_HINT = ("give the address the scheduler prints, e.g. tcp://10.0.0.5:8786 (8786 is "
                 "usually the scheduler's port, 8787 its dashboard's), and check it is running")


def _connect_dask(distributed: Any, scheduler: str, option: str) -> Any:
    """A ``distributed.Client`` connected to the scheduler at ``scheduler``, within
    :data:`DASK_CONNECT_S` seconds.

    The client is made in a daemon thread, the only way to bound Dask's handshake: one
    still stuck in it when the time is up is left behind (it keeps the process from
    exiting no more than it holds up the run), and closed there should it ever connect.
    It is never the default client, so a stuck or failed one cannot become the client other
    Dask code in this process finds. Ctrl-C while waiting raises KeyboardInterrupt at once.

    Raises :class:`ExperimentError` (naming ``option`` and the address, with a hint) if the
    address is malformed, nothing listens there, the service there does not speak Dask's
    protocol or does not answer in time.
    """
    where = f"cannot connect to the Dask scheduler at {scheduler}"
    malformed = _bad_address(distributed, scheduler)
    if malformed is not None:
        # said at once: a port out of range was tried for Dask's 10 s and reported as
        # "Timed out" (review 251)
        raise ExperimentError(f"{where}: {malformed}", what=option, hint=_CONNECT_HINT)
    guard = threading.Lock()
    outcome: dict[str, Any] = {}

    def connect() -> None:
        try:
            made = distributed.Client(scheduler, timeout=f"{DASK_CONNECT_S / 3}s",
                                      set_as_default=False)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            # The half-made client is dropped here, its traceback's frames cleared and its
            # reference cycles collected, while its event loop still runs: kept alive with
            # the error, it closed itself at exit, once its loop had gone, which held the
            # exit up 20 s and printed a "TimeoutError" traceback.
            cause: BaseException | None = exc
            while cause is not None:
                traceback.clear_frames(cause.__traceback__)
                cause.__traceback__ = None
                cause = cause.__cause__ or cause.__context__
            with guard:
                outcome["error"] = exc
            del exc, cause
            gc.collect()
            return
        with guard:
            wanted = not outcome.get("abandoned")
            if wanted:
                outcome["client"] = made
        if not wanted:
            _close_dask(made, None)

    def abandon() -> Any:
        with guard:
            outcome["abandoned"] = True
            return outcome.pop("client", None)

    thread = threading.Thread(target=connect, name="sim-dask-connect", daemon=True)
    thread.start()
    deadline = time.monotonic() + DASK_CONNECT_S
    try:
        with _ctrl_c_noted() as pressed:
            # in short steps: a long join is not interrupted by Ctrl-C everywhere (Windows),
            # and a Ctrl-C that was swallowed is raised within a step
            while thread.is_alive() and (left := deadline - time.monotonic()) > 0:
                thread.join(min(left, 0.25))
                if pressed():
                    raise KeyboardInterrupt
    except BaseException:
        _close_dask(abandon(), None)
        raise
    client = abandon()
    if client is not None:
        return client
    error = outcome.get("error")
    if error is None:
        raise ExperimentError(
            f"no Dask scheduler answered at {scheduler} within {DASK_CONNECT_S:g} s: "
            "something accepted the connection but did not answer as a Dask scheduler does",
            what=option, hint=_CONNECT_HINT)
    if not isinstance(error, Exception):
        raise error
    if isinstance(error, (OSError, TimeoutError)):
        raise ExperimentError(f"{where}: {error}", what=option, hint=_CONNECT_HINT) from None
    if isinstance(error, _GARBLED):
        # e.g. an SSH server's banner read as a Dask message's length: "Unable to allocate
        # 2.82 EiB" (MemoryError) named neither the address nor the cause
        raise ExperimentError(
            f"{where}: the service there does not speak Dask's protocol "
            f"({type(error).__name__})", what=option, hint=_CONNECT_HINT) from None
    raise ExperimentError(f"{where}: {type(error).__name__}: {error}", what=option,
                          hint=_CONNECT_HINT) from None


@contextlib.contextmanager
def _ctrl_c_noted() -> Iterator[Callable[[], bool]]:
    """Within the block, whether Ctrl-C has been pressed (the function it gives), besides
    the KeyboardInterrupt that SIGINT's handler raises as ever.

    That exception is lost when it is raised inside a weakref callback or a ``__del__``
    method, which Python runs wherever an object happens to be freed and whose exceptions
    it prints as "Exception ignored in ..." and drops. Waiting for Dask's handshake, the
    main thread frees the import machinery's module locks as the connecting thread imports
    Dask, and a Ctrl-C landing in one's callback was lost: the wait went on to its end
    (seen in the test suite, under load). Outside the main thread, or where SIGINT's
    handler is not a Python function, it notes nothing."""
    seen: list[bool] = []
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous) or threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return

    def noting(signum: int, frame: Any) -> Any:
        seen.append(True)
        return previous(signum, frame)

    signal.signal(signal.SIGINT, noting)
    try:
        yield lambda: bool(seen)
    finally:
        signal.signal(signal.SIGINT, previous)


_GARBLED: tuple[type[BaseException], ...] = (
    MemoryError, ValueError, AssertionError, LookupError, EOFError, struct.error)
"""What reading a reply that is not a Dask message raises (once the address is known to be
well formed): a length read from text, a message too short, one of the wrong shape. (A
reply Dask fails to unpickle is reported as any other error is: with the address and the
hint; this package imports no unpickler, see tests/test_safety.py.)"""


def _bad_address(distributed: Any, scheduler: str) -> str | None:
    """Why ``scheduler`` is not an address Dask can connect to, or None if it is one."""
    try:
        comm = distributed.comm
        scheme, loc = comm.parse_address(scheduler)
        transport = comm.registry.get_backend(scheme)
        try:
            port = transport.get_address_host_port(loc)[1]
        except NotImplementedError:  # not an IP transport (inproc://): no port to check
            return None
    except ValueError as exc:
        text = str(exc)
        # Dask's int() of the port: "invalid literal for int() with base 10: 'abc'"
        if text.startswith("invalid literal for int()"):
            return f"port {text.split(': ', 1)[-1]} is not a port number (1 to 65535)"
        return text
    except Exception:  # noqa: BLE001 - not for this check to say
        return None
    if isinstance(port, int) and not 0 < port < 65536:
        return f"port {port} is not a port number (1 to 65535)"
    return None


DASK_LOGGERS = ("distributed", "tornado")
"""Loggers a client of a scheduler given by its address is quietened on: a scheduler that
stopped mid-run printed 25-35 lines of Dask's and tornado's errors and tracebacks before the
command's own message, which says what became of the replications (review 196). A
``--dask-local`` cluster is started with its logs silenced already."""


@contextlib.contextmanager
def _quiet_logs(names: Sequence[str] = DASK_LOGGERS) -> Iterator[None]:
    """Loggers ``names`` and those under them at CRITICAL while the body runs, put back
    after: Dask's configuration gives some of its loggers levels of their own
    (``distributed.client`` at WARNING, ``tornado.application`` at ERROR), which their
    parents' level does not reach."""
    known = [name for name in logging.root.manager.loggerDict
             if any(name == n or name.startswith(f"{n}.") for n in names)]
    loggers = [logging.getLogger(name) for name in dict.fromkeys([*names, *known])]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


@contextlib.contextmanager
def _dask_backend(workers: int | None, scheduler: str | None) -> Iterator[Backend]:
    if scheduler:
        # imported first: Dask sets its loggers' levels as it is imported
        _import_distributed("--scheduler")
        with _quiet_logs(), _dask_backend_of(workers, scheduler) as backend:
            yield backend
    else:
        with _dask_backend_of(workers, scheduler) as backend:
            yield backend


@contextlib.contextmanager
def _dask_backend_of(workers: int | None, scheduler: str | None) -> Iterator[Backend]:
    option = "--scheduler" if scheduler else "--dask-local"
    distributed = _import_distributed(option)
    with contextlib.nullcontext() if scheduler else _local_cluster_undone():
        cluster = None
        if scheduler:
            client = _connect_dask(distributed, scheduler, option)
        else:
            cluster, client = _start_local_cluster(distributed, workers or available_cpus())
        try:
            executor = client.get_executor(pure=False)
            if cluster is not None:
                backend = Backend(executor, sum(client.nthreads().values()) or 1, "dask",
                                  address=client.scheduler.address, client=client,
                                  cancels_running=True)
            else:
                def threads() -> int:
                    return sum(client.nthreads().values())

                backend = Backend(executor, threads(), "dask", address=client.scheduler.address,
                                  client=client, live=threads,
                                  min_in_flight=REMOTE_MIN_IN_FLIGHT, cancels_running=True)
            yield backend
        finally:
            _close_dask(client, cluster)


@contextlib.contextmanager
def _local_cluster_undone() -> Iterator[None]:
    """Undo, once the block ends, what a :class:`distributed.LocalCluster` started and
    closed in it leaves in this process, which a notebook calling ``sim.run(...,
    dask_local=True)`` many times kept (review 242):

    * its scheduler, with every task it ran (each replication's scenario): Dask's
      ``distributed.core._expects_comm`` caches a flag per bound method of a server
      (``functools.cache``, never emptied), so each cluster's scheduler stayed alive, some
      1,000 objects more at each call. The cache is emptied (it is only a speed-up);
    * ``os.environ``: the nanny sets OMP_NUM_THREADS, MKL_NUM_THREADS and
      OPENBLAS_NUM_THREADS to 1, MALLOC_TRIM_THRESHOLD_ and PYTHONHASHSEED in this
      process's environment to hand them to its workers, so every process the caller
      started afterwards got them. Variables changed in the block are set back;
    * the :mod:`random` module's state, which the scheduler, running in this process,
      draws from as it pleases: the caller's own draws after the run depended on it.
    """
    environ = dict(os.environ)
    state = random.getstate()
    try:
        yield
    finally:
        cached = getattr(sys.modules.get("distributed.core"), "_expects_comm", None)
        with contextlib.suppress(AttributeError):
            cached.cache_clear()  # type: ignore[union-attr]
        for name in [n for n in os.environ if n not in environ]:
            os.environ.pop(name, None)
        for name, value in environ.items():
            if os.environ.get(name) != value:
                os.environ[name] = value
        random.setstate(state)


def dask_client_of(executor: object) -> Any:
    """The Dask client behind ``executor`` if it is a ``distributed`` client's executor
    (``Client.get_executor()``), else None. ``distributed`` is not imported: an executor of
    its making can exist only once it is."""
    module = sys.modules.get("distributed.cfexecutor")
    kind = getattr(module, "ClientExecutor", None) if module is not None else None
    if kind is None or not isinstance(executor, kind):
        return None
    return getattr(executor, "_client", None)


def _start_local_cluster(distributed: Any, workers: int) -> tuple[Any, Any]:
    """A :class:`distributed.LocalCluster` of ``workers`` single-threaded worker processes
    and its client, started quietly.

    * Its worker processes never receive Ctrl-C. The terminal sends SIGINT to the whole
      process group; each Dask worker took it as KeyboardInterrupt in its event loop and
      printed a traceback ("Process Dask Worker process (from Nanny)") while the driver
      was already stopping the cluster. The cluster starts inside
      :func:`_signals_held`, so its threads, and the worker processes they start (then or
      later, when a worker is restarted), have SIGINT blocked, which a new process keeps.
    * A Ctrl-C or SIGTERM during start-up takes effect once the cluster is up (a second or
      two), and the cluster is closed cleanly: interrupted half-way, the start printed long
      tracebacks, or an AssertionError at exit.
    * Logs are silenced below CRITICAL: at ERROR a failing task printed the worker's
      "Compute Failed" log with its traceback, beside the message that names the
      replication.
    * No dashboard, and its HTTP server on a free port of this machine: with
      ``dashboard_address=None`` the scheduler's HTTP server still tries port 8787
      (dask/distributed#7207) and warned "Port 8787 is already in use" when another
      cluster ran on the machine.
    """
    unrunnable = _unrunnable_main()
    if unrunnable is not None:
        # refused before any worker starts: each would fail to run the main script again
        # and print its traceback ahead of this message (review 96)
        raise ExperimentError("cannot start Dask: the main script cannot be run again",
                              what="--dask-local", hint=unrunnable)
    if os.name == "posix":
        # The first process multiprocessing starts starts its resource tracker, and that
        # unblocks SIGINT in the starting thread: start it now, outside the hold.
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    cluster = client = None
    try:
        with _signals_held():
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.CRITICAL)
            client = distributed.Client(cluster)
    except BaseException as exc:
        _close_dask(client, cluster)
        if isinstance(exc, Exception):
            hint = _main_rerun_hint(str(exc))
            raise ExperimentError(f"cannot start Dask: {type(exc).__name__}: {exc}",
                                  what="--dask-local", hint=hint) from None
        raise
    return cluster, client


_MAIN_GUARD = re.compile(r"""__name__\s*==\s*['"]__main__['"]|['"]__main__['"]\s*==\s*__name__""")


def _main_rerun_hint(failure: str) -> str | None:
    """The likely cause of a LocalCluster that failed to start with the message
    ``failure``, if it is the caller's main script, else None.

    Each worker process starts by running the main script again (as ``__mp_main__``): one
    with no ``if __name__ == "__main__":`` guard starts another cluster in every worker,
    which fails there, and then here ("Nanny failed to start."); code read from stdin
    cannot be run again at all. An interactive session (Jupyter, the REPL, ``python -c``)
    has no script and is never run again.
    """
    guard = "if __name__ == \"__main__\":"
    rerun = sys.modules.get("__mp_main__")
    main = sys.modules.get("__main__")
    if rerun is not None and rerun is not main and _top_level_running(rerun):
        return (f"this is one of Dask's worker processes, running the main script "
                f"({getattr(rerun, '__file__', '?')}) again as each does: put the script's "
                f"calls under {guard}")
    path = getattr(main, "__file__", None)
    if "failed to start" not in failure or main is None or not isinstance(path, str):
        return None
    unrunnable = _unrunnable_main()
    if unrunnable is not None:
        return unrunnable
    try:
        guarded = _MAIN_GUARD.search(Path(path).read_text(errors="replace")) is not None
    except OSError:
        return None
    if guarded or not _top_level_running(main):
        return None
    return (f"Dask's worker processes start by running the main script ({path}) again, "
            f"which started another cluster in each: put the script's calls under {guard}")


def _start_method(pool: Executor) -> str | None:
    """The start method of a process pool's workers ("fork", "spawn", "forkserver"), or
    None if it cannot be told."""
    context = getattr(pool, "_mp_context", None)
    try:
        if context is not None:
            return str(context.get_start_method())
        import multiprocessing

        return multiprocessing.get_start_method()
    except Exception:  # noqa: BLE001 - unknown
        return None


def _start_workers_deaf_to_ctrl_c(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start the pool's ``workers`` workers now, with SIGINT blocked, under any start method but
    "fork".

    Such a worker is a new Python that imports the package (and the main script) before
    :func:`_init_worker` ignores SIGINT: a Ctrl-C in that second or so, which the terminal
    sends to the whole process group, printed a traceback from each worker, or killed one
    before Python was up and broke the pool. Started inside :func:`_signals_held`, they
    inherit SIGINT blocked and never receive it, as the local Dask cluster's workers do;
    the driver's own Ctrl-C is held until they are started (a fraction of a second: the
    submits return once the processes exist, not once they are ready). A forked worker
    runs :func:`_init_worker` at once, and is started on demand as before.
    """
    if _start_method(pool) in ("fork", None):
        return
    if os.name == "posix":
        # multiprocessing's resource tracker unblocks SIGINT in the thread that starts it
        # (see _start_local_cluster): start it outside the hold
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    with _signals_held():
        # a non-fork pool starts a worker per submit while none is idle: these are long
        # submitted before the first worker is up to take one
        for _ in range(workers):
            pool.submit(int)


def _pool_rerun_hint(pool: Executor) -> str | None:
    """The likely cause of a process pool whose workers died before any replication came
    back, if its workers start by running the main script again (any start method but
    "fork": "spawn" is macOS's and Windows' default) and that script has no ``if __name__
    == "__main__":`` guard, or is code read from stdin; else None (an interactive session
    is never run again; a guarded script is not the cause).

    Each such worker ran the script's calls again, which tried to start a pool of its own
    while still starting up, and died of it: the driver said only "a worker process died
    (out of memory, or killed?)" (review 230), as Dask's path says it
    (:func:`_main_rerun_hint`).
    """
    method = _start_method(pool)
    if method in ("fork", None):  # unknown: no hint
        return None
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if getattr(spec, "name", "").endswith(".__main__"):
        # `python -m package`: multiprocessing never runs a package's __main__ again
        # (review 233: `python -m` of an unguarded package's __main__ got the hint)
        return None
    guard = "if __name__ == \"__main__\":"
    path = getattr(main, "__file__", None)
    if not isinstance(path, str):
        return None
    if not os.path.isfile(path):
        return (f"the worker processes start by running the main script again (the "
                f"{method!r} start method), and {path} is not a file they can run: save the "
                f"code as a script with its calls under {guard} (which macOS and Windows "
                "need), or run with one worker (workers=1, --workers 1)")
    try:
        guarded = _MAIN_GUARD.search(Path(path).read_text(errors="replace")) is not None
    except OSError:
        return None
    if guarded:
        return None
    return (f"the worker processes start by running the main script ({path}) again (the "
            f"{method!r} start method), and each ran its calls again and failed: put the "
            f"script's calls under {guard} (which macOS and Windows need), or run with one "
            "worker (workers=1, --workers 1)")


def _unrunnable_main() -> str | None:
    """The hint for a main script Dask's worker processes cannot run again (code read from
    stdin: its ``__file__`` is ``<stdin>``, no file), else None. An interactive session
    (Jupyter, the REPL, ``python -c``) has no ``__file__`` and is never run again."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    if not isinstance(path, str) or os.path.isfile(path):
        return None
    return (f"Dask's worker processes start by running the main script again, and {path} "
            f"is not a file they can run: save the code as a script, with its calls under "
            f"if __name__ == \"__main__\":, and run that")


def _top_level_running(module: Any) -> bool:
    """Whether the top-level code of ``module`` is running in this thread (the call came,
    at however many removes, from a script's top level, or from its import)."""
    names = vars(module)
    return any(frame.f_code.co_name == "<module>" and frame.f_globals is names
               for frame, _ in traceback.walk_stack(None))


def _close_dask(client: Any, cluster: Any) -> None:
    """Close a Dask client and the cluster it started, if any, with Ctrl-C and SIGTERM
    held off (and dropped: the command is ending anyway), so that a second Ctrl-C does not
    break the close half-way."""
    with _signals_held(deliver=False):
        for part in (client, cluster):
            if part is not None:
                with contextlib.suppress(Exception):
                    part.close()


@contextlib.contextmanager
def _signals_held(deliver: bool = True) -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM while the body runs, then deliver them (or, with
    ``deliver=False``, drop them).

    A signal that arrives meanwhile is only noted, and raised again, to the handlers in
    force before, once the body is done (KeyboardInterrupt for Ctrl-C). SIGINT is also
    blocked in this thread, so threads started in the body, and processes they start,
    inherit it blocked: they never receive Ctrl-C. Only in the main thread (elsewhere
    signals are not ours to handle), and only SIGINT is blocked: processes must stay
    stoppable by SIGTERM.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def note(signum: int, _frame: object) -> None:
        caught.append(signum)

    kinds = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    previous = {kind: signal.signal(kind, note) for kind in kinds}
    mask = (signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            if hasattr(signal, "pthread_sigmask") else None)
    try:
        yield
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # one pending is noted now
        for kind, handler in previous.items():
            signal.signal(kind, handler if handler is not None else signal.SIG_DFL)
    if deliver:
        for kind in dict.fromkeys(caught):
            signal.raise_signal(kind)


def run_tasks(jobs: Sequence[Job], tasks: Iterable[tuple[int, int]],
              on_result: OnResult, backend: Backend | None = None,
              window: int | None = None, drain_s: float = DRAIN_S) -> None:
    """Run every ``(job index, replication)`` task and call ``on_result`` with each result
    in the driver as it finishes.

    At most ``window`` tasks are in flight (default: twice the backend's workers, at least
    its ``min_in_flight``; for a cluster that can change size, its size as it is now). If a
    replication fails or its worker dies, no more are started, every result already in
    is passed to ``on_result``, the replications still running get up to ``drain_s``
    seconds (:data:`DRAIN_S`; 0 for a caller that keeps nothing of a failed run) to
    finish (and are passed on too; on Dask, which cannot tell running tasks from waiting
    ones, the oldest in flight, as many as it has threads), and a
    :class:`ReplicationError` naming the replication(s) is raised from the original
    exception (an :class:`ExperimentError` or ``ScenarioError`` is re-raised as it is). A
    caller's executor (``backend.kind == "executor"``) that refuses the work while nothing
    is in flight (shut down, closed, or a process pool broken before this call) raises an
    :class:`ExperimentError` naming ``executor``, as no replication had a part in it. On
    any other exception, including KeyboardInterrupt, tasks not yet started are cancelled
    and the exception is re-raised. Results passed to ``on_result`` stay
    passed.
    """
    backend = backend or IN_PROCESS
    labels: dict[int, list[Any]] = {}

    delivered = [0]  # results handed over by this call

    def deliver(k: int, res: ReplicationResult) -> None:
        delivered[0] += 1
        # Results arriving from workers carry their own copy of the KPI labels; those of
        # one job are all equal, so every result keeps the first one's list instead.
        shared = labels.setdefault(k, res.kpi_labels)
        if res.kpi_labels is not shared and res.kpi_labels == shared:
            res.kpi_labels = shared
        on_result(k, res)

    def task(k: int, r: int) -> Task:
        job = jobs[k]
        return Task(k, r, job.sc.name, job.seed)

    if backend.executor is None:
        for k, r in tasks:
            try:
                res = run_task(jobs[k], r)
            except _BAD_INPUT:
                raise
            except Exception as exc:
                raise ReplicationError(exc, [task(k, r)], "failed") from exc
            deliver(k, res)
        return
    executor = backend.executor
    size = _Size(backend)
    watch = _DeadWorkers(executor)
    pending: dict[Future[ReplicationResult], tuple[int, int]] = {}
    queue = iter(tasks)
    submitted = [0]  # tasks this call handed to the executor
    # a caller's executor: one that refuses the work is bad input, not a replication lost
    theirs = backend.kind == "executor"

    def rerun_hint() -> str | None:
        # review 230: workers that all died before any replication came back, on a pool
        # that starts them by running the main script again
        if backend.kind != "process pool" or delivered[0]:
            return None
        return _pool_rerun_hint(executor)

    def top_up() -> None:
        limit = window if window is not None else size.limit()
        while len(pending) < limit:
            item = next(queue, None)
            if item is None:
                return
            k, r = item
            try:
                pending[executor.submit(run_task, jobs[k], r)] = (k, r)
            except BrokenProcessPool as exc:
                # A worker died: the pool refuses new work before it has failed the
                # replications it held, which report the loss. Submit nothing more.
                if not pending:
                    if theirs and not submitted[0]:
                        # nothing of this run was on it: "a worker process died running
                        # replication 0" blamed a replication that never started
                        raise ExperimentError(
                            f"the executor's pool is already broken (a worker process of "
                            f"it died before replication {r} was handed to it): {exc}",
                            what="executor",
                            hint="give a new executor (a broken ProcessPoolExecutor "
                                 "runs nothing more)") from exc
                    raise ReplicationError(exc, [task(k, r)], "worker died",
                                           hint=rerun_hint()) from exc
                return
            except Exception as exc:
                if pending or not theirs:
                    raise
                # shut down, or refusing work: nothing of this run can go anywhere, and
                # the caller's executor is what to fix (a replication had no part in it)
                raise ExperimentError(
                    f"the executor refused the work: {type(exc).__name__}: {exc}",
                    what="executor", hint="give an executor that is running (not shut "
                    "down or closed)") from exc
            submitted[0] += 1

    def harvest(done: Iterable[Future[ReplicationResult]]
                ) -> list[tuple[Task, BaseException]]:
        """Pass on every result in ``done`` (in task order); return the failures."""
        failures = []
        for fut in sorted(done, key=lambda f: pending[f]):
            k, r = pending.pop(fut)
            try:
                # not fut.result(): raising the exception again added this frame, which
                # holds the future, to its traceback (see below)
                failed = fut.exception()
            except Exception as exc:  # noqa: BLE001 - cancelled: reported below
                failed = exc
            if failed is not None:
                # A Dask client's executor raised it in a frame that holds the task's Dask
                # future, and the client keeps the exception with the task, so neither was
                # ever freed: a caller's client kept every failed replication's future (and
                # its scheduler the task) for good (review 251). The frames' variables go;
                # the traceback's lines stay.
                traceback.clear_frames(failed.__traceback__)
                failures.append((task(k, r), failed))
                continue
            res = fut.result()
            deliver(k, res)
        return failures

    def drain(failures: list[tuple[Task, BaseException]]) -> None:
        """Cancel what has not started and let what is running finish, for a while."""
        # A Dask task is pending until it is done, whether it runs or waits (and it can
        # always be cancelled, running or not: a caller's Client.get_executor() lost the
        # replications it was running): the oldest, as many as the cluster has threads,
        # are the ones running, as Dask starts tasks in the order they came.
        running = list(pending)[:max(1, size.threads)] if backend.cancels_running else []
        for fut in list(pending):
            if fut not in running and fut.cancel():
                del pending[fut]
        deadline = time.monotonic() + drain_s
        try:
            # a Dask client that has closed (its scheduler gone) hands back nothing more:
            # a replication it still listed kept the command waiting the whole minute
            # (review 196), so it is checked at least once a second
            while (pending and not _client_closed(backend)
                   and (left := deadline - time.monotonic()) > 0):
                done, _ = wait(pending, timeout=min(left, 1.0), return_when=FIRST_COMPLETED)
                failures += harvest(done)
        except KeyboardInterrupt:
            pass  # stop waiting; the failure is still what the user needs to hear
        # what never came back is named too, not left out of the message
        failures += [(task(*pending[fut]), _Unfinished())
                     for fut in sorted(pending, key=lambda f: pending[f])]

    try:
        top_up()
        while pending:
            done, _ = wait(pending, timeout=_shortest(size.poll_s, watch.poll_s),
                           return_when=FIRST_COMPLETED)
            failures = harvest(done)
            if not failures and (loss := watch.lost()) is not None:
                # the pool will pass on nothing more: no drain, every replication it
                # held is lost with it
                raise _failure([(task(*pending[fut]), loss)
                                for fut in sorted(pending, key=lambda f: pending[f])],
                               rerun_hint())
            if failures:
                drain(failures)
                raise _failure(failures, rerun_hint())
            top_up()
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise


class _Unfinished(CancelledError):
    """A replication still listed when the wait for the running ones ended: it never came
    back (its client closed, or the wait ran out)."""


def _client_closed(backend: Backend) -> bool:
    """Whether ``backend``'s Dask client has closed (or is closing): its scheduler went
    away and it gave up reconnecting."""
    status = getattr(backend.client, "status", None)
    return str(status).rsplit(".", 1)[-1] in ("closed", "closing", "failed")


def _failure(failures: list[tuple[Task, BaseException]],
             hint: str | None = None) -> BaseException:
    """The exception that reports ``failures`` (the first decides what kind); ``hint``
    goes with a worker's death, and a failure raised on a worker running other code gets
    :func:`other_code_hint`'s."""
    first_task, first = failures[0]
    if isinstance(first, _BAD_INPUT):
        return first
    reason = _loss(first)
    same = [t for t, exc in failures if _loss(exc) == reason]
    gone = [t for t, exc in failures if isinstance(exc, _Unfinished) and t not in same]
    if reason == "failed":
        hint = other_code_hint(first)
    error = ReplicationError(first, same, reason, gone,
                             hint=hint if reason in ("worker died", "failed") else None)
    error.__cause__ = first
    return error
