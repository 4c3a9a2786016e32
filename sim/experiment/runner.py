"""Run replications of a scenario, in process, on a pool of worker processes or on Dask.

Seeds are assigned by the driver: replication ``r`` of root seed ``s`` always uses the
streams ``Streams(s, r)``, whichever worker runs it and in whatever order, so the results
are identical for any number of workers and any executor. Each finished replication is
handed to an optional ``sink`` as soon as it completes (the results folder writes it to disk
there), and to an optional ``progress`` callback.
"""

from __future__ import annotations

import numbers
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from sim.experiment.collector import Collector
from sim.experiment.errors import ExperimentError, python_wording
from sim.experiment.executors import Backend, Job, open_backend, run_tasks
from sim.experiment.precision import (
    Measure,
    StopReport,
    Target,
    check_metrics,
    kpi_name,
    run_sequential,
)
from sim.experiment.precision import select as select_kpis
from sim.experiment.replication import ReplicationResult
from sim.experiment.results import Results
from sim.scenario.schema import Scenario

Sink = Callable[[ReplicationResult], None]


def run_many(sc: Scenario, replications: Iterable[int], seed: int, workers: int = 1,
             sink: Sink | None = None, progress: Callable[[int], None] | None = None,
             executor: Executor | None = None,
             backend: Backend | None = None) -> list[ReplicationResult]:
    """Run the given replication numbers; return their results sorted by number.

    Where they run: a ``backend`` (see :func:`sim.experiment.executors.open_backend`), or
    any ``executor``, or else a local process pool of ``workers`` processes when
    ``workers > 1`` (in this process otherwise). On KeyboardInterrupt pending replications
    are cancelled and the interrupt re-raised; replications already passed to ``sink`` are
    kept.
    """
    done: list[ReplicationResult] = []
    _execute(sc, replications, seed, done.append, workers, sink, progress, executor, backend)
    done.sort(key=lambda r: r.replication)
    return done


def _execute(sc: Scenario, replications: Iterable[int], seed: int,
             keep: Callable[[ReplicationResult], None], workers: int = 1,
             sink: Sink | None = None, progress: Callable[[int], None] | None = None,
             executor: Executor | None = None, backend: Backend | None = None,
             scheduler: str | None = None, dask_local: bool = False) -> None:
    """Run the replications where :func:`run_many` says (or on a Dask cluster: a running
    one at ``scheduler``, or a local one with ``dask_local``) and hand each result to
    ``keep`` (then to ``sink`` and ``progress``) as it finishes."""
    reps = list(replications)
    jobs = [Job.of(sc, seed)]

    def finished(_k: int, res: ReplicationResult) -> None:
        keep(res)
        if sink is not None:
            sink(res)
        if progress is not None:
            progress(1)

    tasks = [(0, r) for r in reps]
    if backend is not None:
        run_tasks(jobs, tasks, finished, backend)
    elif executor is not None:
        run_tasks(jobs, tasks, finished, Backend(executor, max(workers, 1), "executor"),
                  window=len(tasks) or 1)
    else:
        with open_backend(workers, tasks=len(reps), scheduler=scheduler,
                          dask_local=dask_local) as own:
            run_tasks(jobs, tasks, finished, own)


def as_scenario(sc: object, name: str, overrides: Sequence[str] = ()) -> Scenario:
    """``sc`` validated again (see :func:`revalidated`) if it is a :class:`Scenario`, else
    the scenario file at the path ``sc``, with ``overrides`` either way. Raises
    ``TypeError`` naming the argument ``name`` for anything else, and
    :class:`~sim.scenario.errors.ScenarioError` for a scenario with problems."""
    if isinstance(sc, Scenario):
        return revalidated(sc, overrides)
    if isinstance(sc, str | os.PathLike):
        from sim.scenario import load_scenario

        return load_scenario(sc, overrides)
    raise TypeError(f"{name} must be a Scenario or the path of a scenario file (str or "
                    f"Path), not {type(sc).__name__}: load one with sim.load_scenario(path)")


def revalidated(sc: Scenario, overrides: Sequence[str] = ()) -> Scenario:
    """``sc`` validated again as a scenario file is, with ``overrides`` (``"key.path=value"``,
    as for ``--set``) applied. Raises :class:`~sim.scenario.errors.ScenarioError`.

    A scenario's fields cannot be set, but its mappings are plain dicts that can be changed
    in place (``sc.sites["kfm"].offtake["cobalt"].clear()``), and ``model_copy(update=...)``
    validates nothing. Run as they were, such scenarios ran silently wrong (that clear lost
    30% of the cobalt) or failed deep in the engine; validated, they get the file's errors
    and hints. It costs 10-20 ms for the shipped scenarios, against 0.25 s for one
    replication of the one-year baseline. The result keeps where ``sc`` came from (files,
    overrides, citations), with ``overrides`` added.
    """
    import warnings

    from sim.scenario.loader import ScenarioMeta, meta_of, scenario_from_dict

    with warnings.catch_warnings():
        # a value of the wrong type put in a mapping: the validation below reports it
        warnings.simplefilter("ignore", UserWarning)
        data = sc.model_dump(mode="json", by_alias=True)
    new = scenario_from_dict(data, f"<scenario {sc.name}>", overrides)
    if sc._meta is not None:
        old, added = meta_of(sc), meta_of(new)
        # the scenario's own notes (an idle policy's) are found again: kept once
        new._meta = ScenarioMeta(files=old.files, overrides=[*old.overrides, *added.overrides],
                                 provenance=old.provenance, document=old.document,
                                 notes=[*old.notes,
                                        *(n for n in added.notes if n not in old.notes)])
    return new


def collect(sc: Scenario, seed: int, results: list[ReplicationResult],
            wall_s: float = 0.0, consume: bool = False) -> Results:
    """Stack replication results into a :class:`Results` (in replication order).

    With ``consume=True`` the list is emptied as each result is copied, so that the
    results and their stacked copy are never in memory together (for many replications
    the series dominate: 0.2 MB per replication of the 10-year baseline)."""
    if not results:
        raise ValueError("no replications to collect")
    collector = Collector(sc, seed, max(r.replication for r in results) + 1)
    for i, res in enumerate(results):
        collector.add(res)
        if consume:
            results[i] = None  # type: ignore[call-overload]
    if consume:
        results.clear()
    return collector.results(wall_s)


def seed_problem(seed: object) -> str | None:
    """What is wrong with ``seed`` as a root seed, or None if it is a non-negative integer
    (Python's or numpy's). A bool, float or None is refused: a float would be truncated to
    an integer seed while the results report it as given, and True would be seed 1."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        return f"expected a non-negative integer, got {seed!r} ({type(seed).__name__})"
    if seed < 0:
        return f"expected a non-negative integer, got {seed}"
    return None


def _whole(value: object) -> bool:
    """True for an integer (Python's or numpy's), not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_count(value: object, what: str) -> None:
    """Raise :class:`ExperimentError` naming the argument ``what`` unless ``value`` is an
    integer (Python's or numpy's, not a bool) of at least 1. The one check of
    ``replications``, ``samples`` and ``workers`` in :func:`run`, :func:`sim.compare` and
    :func:`sim.sweep`: ``"2"`` and ``2.0`` otherwise failed deep inside with a bare
    TypeError."""
    if not _whole(value) or value < 1:  # type: ignore[operator]
        raise ExperimentError(f"expected an integer of at least 1, got {value!r} "
                              f"({type(value).__name__})", what=what)


def check_seed(seed: object, what: str = "seed",
               hint: str = "give seed=0, 1, 2, ...") -> None:
    """Raise :class:`ExperimentError` naming ``what`` unless ``seed`` is a non-negative
    integer (see :func:`seed_problem`)."""
    problem = seed_problem(seed)
    if problem is not None:
        raise ExperimentError(problem, what=what, hint=hint)


def check_run_arguments(replications: int, seed: int, workers: int | None) -> None:
    """Raise :class:`ExperimentError` (a ``ValueError``) unless ``replications`` is an
    integer of at least 1, ``seed`` a non-negative integer (see :func:`seed_problem`) and
    ``workers`` None or an integer of at least 1."""
    check_count(replications, "replications")
    check_seed(seed)
    if workers is not None:
        check_count(workers, "workers")


def run(sc: Scenario | str | Path, replications: int = 1, seed: int = 0, workers: int = 1,
        sink: Sink | None = None, progress: Callable[[int], None] | None = None,
        executor: Executor | None = None, backend: Backend | None = None, *,
        overrides: Sequence[str] = (), scheduler: str | None = None,
        dask_local: bool = False) -> Results:
    """Run ``replications`` replications of ``sc`` (a scenario, or the path of a scenario
    file) from root seed ``seed``, with ``overrides`` (``"key.path=value"`` strings, as for
    ``--set``) applied; given a path, the scenario's notes are warned of (``UserWarning``)
    as by :func:`sim.load_scenario` (a bare number over a value the file gives in another
    unit, a policy that cannot act in the network). A loaded scenario holds
    its values in the fields' own units already, so an override of it gets no such note:
    give overrides to ``sim.load_scenario`` to have them checked against the file. A
    scenario is validated again first (see :func:`revalidated`), so one changed in place
    is checked as its file would be.

    ``workers > 1`` runs them on a local process pool; ``scheduler`` (a Dask scheduler's
    address) or ``dask_local=True`` (a Dask LocalCluster of ``workers`` processes), as for
    ``sim run --scheduler``/``--dask-local``, or ``executor`` (any
    :class:`concurrent.futures.Executor`, e.g. ``distributed.Client.get_executor()``) or
    ``backend`` runs them there instead. The results are the same wherever they run.
    Raises :class:`ExperimentError` (a ``ValueError``) unless ``replications`` and
    ``workers`` are integers of at least 1 and ``seed`` a non-negative integer, or for a
    Dask option without Dask installed; ``TypeError`` if ``sc`` is neither a scenario nor a
    path; :class:`~sim.scenario.errors.ScenarioError` for a scenario file with problems;
    :class:`~sim.experiment.executors.ReplicationError` if a replication fails or its
    worker dies (its ``__cause__`` is the replication's own exception), after the
    replications that finished were handed to ``sink``. Their messages name these
    arguments, not the command line's options (see
    :func:`~sim.experiment.errors.python_wording`).
    """
    with python_wording("run"):
        check_run_arguments(replications, seed, workers)
        given, sc = sc, as_scenario(sc, "sc", overrides)
    if overrides or not isinstance(given, Scenario):
        from sim.scenario.loader import meta_of, warn_notes

        # a file's notes, or those of the overrides: a loaded scenario's own were warned
        # of when it was loaded
        known = len(meta_of(given).notes) if isinstance(given, Scenario) else 0
        warn_notes(meta_of(sc).notes[known:])
    seed = int(seed)  # a numpy integer is reported and saved as a plain one
    started = time.perf_counter()
    # Each result is copied into the stacked arrays as it arrives and then dropped.
    collector = Collector(sc, seed, replications)
    with python_wording("run"):
        _execute(sc, range(replications), seed, collector.add, workers, sink, progress,
                 executor, backend, scheduler, dask_local)
    return collector.results(time.perf_counter() - started)


def run_replications(sc: Scenario, seed: int, replications: int, *,
                     backend: Backend | None = None, sink: Sink | None = None,
                     progress: Callable[[int], None] | None = None,
                     saved: dict[int, ReplicationResult] | None = None,
                     target: Target | None = None,
                     on_batch: Callable[[int], None] | None = None
                     ) -> tuple[Results, StopReport | None]:
    """Run replications ``0..replications-1`` of ``sc``, skipping those in ``saved`` (read
    back from a results folder being resumed), or, with a precision ``target``, start with
    ``replications`` and add batches until the target or its maximum is reached.

    ``on_batch(k)`` is called before each batch with the number of replications that will
    then exist (those saved beyond the batch included). Returns the results of exactly the
    replications asked for (saved and new) and, with a target, the
    :class:`~sim.experiment.precision.StopReport` saying why it stopped. The precision is
    measured on the replications returned, ``0..n-1``. With a target, a resume replays the
    batches of the run it finishes from ``replications`` (its -n), reading the saved
    replications back instead of running them, so it stops where, and with the batches,
    that run would have uninterrupted; should the target be met below the replications
    saved (a looser target or a smaller -n than the run had), it goes on to them, so none
    is left out. Raises :class:`ExperimentError` if
    ``saved`` holds replication numbers beyond those asked for (without a target) or beyond
    the target's maximum, or a target names a KPI the scenario does not have (a metric name
    or id that cannot exist before anything is run; a combination the scenario does not
    produce after the first replication).
    """
    check_run_arguments(replications, seed, 1)
    if target is not None:
        check_metrics(target.specs, sc)
    started = time.perf_counter()
    if target is None and saved and max(saved) >= replications:
        raise ExperimentError(
            f"the folder already holds replication {max(saved)}, beyond the {replications} "
            "asked for", what="-n/--replications",
            hint=f"resume with -n {max(saved) + 1} or more, or pass --force to start again")
    held = max(saved) + 1 if saved else 0
    if target is not None and target.max_replications < held:
        # stopped at its maximum, the run was rebuilt from fewer replications than the
        # folder holds (the rest left on disk, unused)
        raise ExperimentError(
            f"the folder already holds replication {held - 1}, beyond the "
            f"--max-replications {target.max_replications} allowed", what="--max-replications",
            hint=f"resume with --max-replications {held} or more, or pass --force to start "
                 "again")
    # Results are copied into the stacked arrays as they arrive and then dropped.
    have = Collector(sc, seed, replications)
    for r in sorted(saved or {}):
        have.add((saved or {})[r])
    jobs = [Job.of(sc, seed)]
    chosen: list[int] = []

    def choose(labels: list[Any]) -> None:
        if target is not None and not chosen:
            chosen.extend(select_kpis(list(labels), target.specs))

    def finished(_k: int, res: ReplicationResult) -> None:
        have.add(res)
        if sink is not None:
            sink(res)
        if progress is not None:
            progress(1)
        choose(res.kpi_labels)

    # The count the last batch reached: replications 0..n-1 are the ones returned, so the
    # precision is measured on them alone (as compare's ``_measure`` does). A resumed folder
    # may hold saved replications beyond n; counting them would report a target as met that
    # the returned results do not meet.
    current = [replications]

    def run_up_to(n: int) -> None:
        current[0] = n
        missing = [(0, r) for r in range(n) if r not in have]
        run_tasks(jobs, missing, finished, backend)

    stop: StopReport | None = None
    if target is None:
        if on_batch is not None:
            on_batch(replications)
        run_up_to(replications)
    else:
        if have.kpi_labels is not None:
            choose(have.kpi_labels)

        def measure() -> list[Measure]:
            labels = have.kpi_labels or []
            values = have.kpi_values(range(current[0]))
            # n counts the replications with a value (NaN where a KPI has none), so the
            # rule of three for identical values is not met by runs without one
            return [Measure.of(kpi_name(labels[j]), values[:, j], confidence=target.confidence)
                    for j in chosen]

        def batch(n: int) -> None:
            # the progress bar counts the saved replications beyond n as done already
            if on_batch is not None:
                on_batch(n + sum(r >= n for r in saved or {}))

        # The batches of the run resumed are replayed from its own -n (a first batch of
        # every replication saved stopped elsewhere: 7 saved of a run stopping at 20 after
        # [3, 6, 12, 20] ended at 17 after [7, 14, 17]); ``floor`` keeps a target met
        # below the count saved from leaving saved replications out of the results.
        stop = run_sequential(replications, target, run_up_to, measure, batch, floor=held)
    return have.results(time.perf_counter() - started, range(current[0])), stop
