"""Run replications of a scenario, in process, on a pool of worker processes or on Dask.

Seeds are assigned by the driver: replication ``r`` of root seed ``s`` always uses the
streams ``Streams(s, r)``, whichever worker runs it and in whatever order, so the results
are identical for any number of workers and any executor. Each finished replication is
handed to an optional ``sink`` as soon as it completes (the results folder writes it to disk
there), and to an optional ``progress`` callback.
"""

from __future__ import annotations

import contextlib
import json
import numbers
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from sim.experiment.collector import Collector, NoRoom, check_room, no_room_for_tables
from sim.experiment.errors import ExperimentError
from sim.experiment.executors import (
    Backend,
    ClusterWarning,
    Job,
    ReplicationError,
    dask_client_of,
    run_tasks,
)
from sim.experiment.precision import (
    MAX_REPLICATIONS,
    Measure,
    StopReport,
    Target,
    check_measurable,
    check_metrics,
    kpi_name,
    parse_metrics,
    run_sequential,
)
from sim.experiment.precision import select as select_kpis
from sim.experiment.replication import ReplicationResult
from sim.experiment.results import Results
from sim.scenario.errors import Issue, PathT, ScenarioError, did_you_mean
from sim.scenario.fingerprint import (  # read from here too (review 231)
    LOADED_FINGERPRINT,
    fingerprint,
    scenario_order_sha256,
)
from sim.scenario.schema import Scenario
from sim.scenario.types import article
from sim.wording import python_wording, python_words

Sink = Callable[[ReplicationResult], object]


def run_many(sc: Scenario, replications: Iterable[int], seed: int, workers: int | None = 1,
             sink: Sink | None = None, progress: Callable[[int], object] | None = None,
             executor: Executor | None = None,
             backend: Backend | None = None) -> list[ReplicationResult]:
    """Run the given replication numbers; return their results sorted by number.

    Where they run: a ``backend`` (see :func:`sim.experiment.executors.open_backend`), or
    any ``executor``, or else a local process pool of ``workers`` processes when
    ``workers > 1`` (one per CPU when ``None``; in this process when 1). On
    KeyboardInterrupt pending replications are cancelled and the interrupt re-raised;
    replications already passed to ``sink`` are kept.
    """
    done: list[ReplicationResult] = []
    _execute(sc, replications, seed, done.append, workers, sink, progress, executor, backend)
    done.sort(key=lambda r: r.replication)
    return done


def _execute(sc: Scenario, replications: Iterable[int], seed: int,
             keep: Callable[[ReplicationResult], None], workers: int | None = 1,
             sink: Sink | None = None, progress: Callable[[int], object] | None = None,
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
    with placed(workers, tasks=len(reps), scheduler=scheduler, dask_local=dask_local,
                executor=executor, backend=backend) as where:
        run_tasks(jobs, tasks, finished, where)


def check_where(executor: object = None, backend: object = None, scheduler: str | None = None,
                dask_local: bool = False) -> None:
    """Raise :class:`ExperimentError` if more than one place to run is given (``executor``,
    ``backend``, ``scheduler``, ``dask_local``): each would silently win over the others
    (``scheduler`` was ignored beside an ``executor``). ``TypeError`` for an ``executor``
    without a ``submit`` method, or that is a ``distributed.Client`` (its executor is
    ``client.get_executor()``). ``scheduler`` with ``dask_local`` is left to
    :func:`~sim.experiment.executors.check_backend`, which words it for both interfaces."""
    given = [name for name, on in (("executor", executor is not None),
                                   ("backend", backend is not None),
                                   ("scheduler", bool(scheduler)),
                                   ("dask_local", bool(dask_local))) if on]
    if len(given) > 1 and given[:2] != ["scheduler", "dask_local"]:
        raise ExperimentError(
            f"give {' or '.join(given)}, not {'both' if len(given) == 2 else 'several'}: each "
            "says where the replications run", what=given[0],
            hint="executor= runs them on any concurrent.futures.Executor (for a Dask cluster, "
                 "distributed.Client(...).get_executor()); scheduler= and dask_local=True "
                 "reach or start a Dask cluster of their own; leave out all but one")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(f"executor must be a concurrent.futures.Executor, not "
                        f"{type(executor).__name__}: e.g. ThreadPoolExecutor(4), "
                        "ProcessPoolExecutor(4) or distributed.Client(...).get_executor()")
    if _is_dask_client(executor):
        # review 251: a Client has submit() too, but its futures are Dask's, which
        # concurrent.futures cannot wait on: "'Future' object has no attribute
        # '_condition'" once the replications were on the cluster
        raise TypeError("executor must be a concurrent.futures.Executor, not a "
                        "distributed.Client: give its executor, executor=client.get_executor()")


def _is_dask_client(obj: object) -> bool:
    """Whether ``obj`` is a ``distributed.Client`` (without importing ``distributed``: one
    exists only once it is imported)."""
    module = sys.modules.get("distributed")
    kind = getattr(module, "Client", None) if module is not None else None
    return isinstance(kind, type) and isinstance(obj, kind)


def executor_backend(executor: Executor, workers: int | None = None) -> Backend:
    """The backend that runs replications on a caller's ``executor``. Its size is not
    known, so every replication of a batch is handed to it at once (it queues them);
    ``workers`` is only what the manifest records (default 1).

    A Dask client's executor (``Client.get_executor()``) cancels a replication even while
    it runs: after a failure, the oldest in flight, as many as the backend's ``workers``,
    are left to finish and be saved, as on the cluster ``scheduler=`` reaches (cancelled,
    they were lost). Its ``workers`` is therefore at least the cluster's worker threads
    now (the real parallelism, also what the manifest records), whatever ``workers`` says:
    ``sim.run`` passes its default of 1, which kept a single running replication."""
    client = dask_client_of(executor)
    if client is None:
        return Backend(executor, max(workers or 1, 1), "executor", min_in_flight=sys.maxsize)
    threads = 1
    with contextlib.suppress(Exception):  # a closed client: its submit says so
        threads = sum(client.nthreads().values())
    return Backend(executor, max(workers or 1, threads, 1), "executor",
                   min_in_flight=sys.maxsize, cancels_running=True)


def where_record(backend: Backend) -> dict[str, Any]:
    """Where a run's replications ran, as manifest.json, comparison.json and sweep.json
    record it: ``executor`` (``in-process``, ``process pool``, ``dask``, or ``executor`` for
    one the caller gave), ``workers`` and, on Dask, ``scheduler`` (its address), as
    :meth:`~sim.experiment.executors.Backend.as_manifest` gives them; and, added for review
    196 (a caller's Dask client was recorded as a bare "executor", and a temporary
    --dask-local cluster's address read as a --scheduler's), ``cluster`` on Dask:
    ``dask-local`` (a LocalCluster started for the run and closed after it), ``dask
    scheduler`` (--scheduler) or ``dask client`` (the caller's executor is a Dask
    client's: ``scheduler`` is its scheduler's address); and ``executor_type``, the class
    of any other executor the caller gave. Taken while the backend is open (a caller's
    client is asked its scheduler)."""
    out = backend.as_manifest()
    if backend.kind == "dask":
        # a --scheduler cluster is read again as it grows or shrinks (``live``); the
        # LocalCluster of --dask-local is the size it was started with
        out["cluster"] = "dask scheduler" if backend.live is not None else "dask-local"
    elif backend.kind == "executor" and backend.executor is not None:
        client = dask_client_of(backend.executor)
        if client is not None:
            out["cluster"] = "dask client"
            with contextlib.suppress(Exception):  # a closed client: no address to give
                out["scheduler"] = str(client.scheduler.address)
        else:
            kind = type(backend.executor)
            out["executor_type"] = f"{kind.__module__}.{kind.__qualname__}"
    return out


@contextlib.contextmanager
def placed(workers: int | None = None, *, tasks: int | None = None,
           scheduler: str | None = None, dask_local: bool = False,
           executor: Executor | None = None, backend: Backend | None = None,
           opener: Callable[..., Any] | None = None) -> Iterator[Backend]:
    """Where replications run, as :func:`run`, :func:`sim.compare` and :func:`sim.sweep`
    choose it: ``backend`` as given, a caller's ``executor`` (see :func:`executor_backend`;
    left running: it is the caller's), or else the backend ``opener`` (default
    :func:`~sim.experiment.executors.open_backend`, looked up when called, so that it can be
    replaced in tests, as each caller's module's own can) starts and stops afterwards.
    Raises :class:`ExperimentError` for more than one of them (see :func:`check_where`)."""
    check_where(executor, backend, scheduler, dask_local)
    if backend is not None:
        yield backend
    elif executor is not None:
        yield executor_backend(executor, workers)
    else:
        from sim.experiment import executors

        with (opener or executors.open_backend)(workers, tasks=tasks, scheduler=scheduler,
                                                dask_local=dask_local) as own:
            yield own


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
    if isinstance(sc, Mapping):
        # a mapping of fields, as read from YAML (review 210: load_scenario's own words)
        raise TypeError(f"{name} must be a Scenario or the path of a scenario file (str or "
                        f"Path), not {type(sc).__name__}: for a mapping of fields use "
                        "sim.scenario_from_dict(data), for a file sim.load_scenario(path)")
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

    from sim.scenario.loader import (
        ScenarioMeta,
        has_meta,
        meta_of,
        scenario_from_dict,
        set_meta,
    )

    with warnings.catch_warnings():
        # a value of the wrong type put in a mapping: the validation below reports it
        warnings.simplefilter("ignore", UserWarning)
        data = sc.model_dump(mode="json", by_alias=True)
    name = f"<scenario {sc.name}>"
    # the dump holds only the fields, so a misspelt key of model_copy(update=...) would
    # be dropped here and the scenario run without the change
    strays = stray_fields(sc, name)
    try:
        new = scenario_from_dict(data, name, overrides)
    except ScenarioError as err:
        if strays:
            raise ScenarioError([*strays, *err.issues]) from None
        raise
    if strays:
        raise ScenarioError(strays)
    if has_meta(sc):
        old, added = meta_of(sc), meta_of(new)
        # the scenario's own notes (an idle policy's) are found again: kept once
        # it still stands for the files it was read from (from_file)
        set_meta(new, ScenarioMeta(files=old.files, from_file=old.from_file,
                                   overrides=[*old.overrides, *added.overrides],
                                   provenance=old.provenance, document=old.document,
                                   notes=[*old.notes,
                                          *(n for n in added.notes if n not in old.notes)]))
    return new


CHANGED_KEY = "changed_after_loading"
"""The key run.json and manifest.json give True where the scenario run is not what the
files and overrides they record give (see :func:`changed_after_loading`)."""


def changed_after_loading(given: Scenario, sc: Scenario) -> str | None:
    """The note for a run of ``sc`` (``given``, a scenario object a Python caller passed,
    validated again with any overrides) that is not what the files and overrides it records
    give: changed in Python after loading (``model_copy(update=...)``, a mapping changed
    in place), or, for one loaded without :func:`sim.load_scenario`'s fingerprint, its file
    edited since. None where they give it, where ``given`` was not loaded from a file in
    this process, or where its file no longer loads (nothing to tell it by). Costs a
    fingerprint (milliseconds), or, without one, a load of the file (most of a second for
    the shipped scenarios; two loads where they differ)."""
    from sim.scenario.loader import has_meta, meta_of

    meta, first = meta_of(sc), meta_of(given)
    if not has_meta(given) or not first.from_file or not meta.files:
        return None
    said = meta.files[0] + (f" with overrides {', '.join(meta.overrides)}"
                            if meta.overrides else "")
    loaded = getattr(first, LOADED_FINGERPRINT, None)
    if loaded is not None:
        if fingerprint(given) == loaded:
            return None
        return _changed_note(said, "the scenario was changed in Python after loading")
    return _reloaded_change(given, sc, said)


def _changed_note(said: str, how: str) -> str:
    return (f"the scenario run is not what {said} gives: {how}; manifest.json's scenario is "
            "the one run (sim.scenario_from_dict(manifest['scenario']) rebuilds it), and "
            "a resume needs that scenario object (resume=True), not its files")


def _reloaded_change(given: Scenario, sc: Scenario, said: str) -> str | None:
    """:func:`changed_after_loading` for a scenario without a load-time fingerprint: its
    files loaded again with its overrides, and compared with ``sc``."""
    from sim.scenario.loader import load_scenario, meta_of

    meta, first = meta_of(sc), meta_of(given)
    try:
        again = load_scenario(meta.files[0], meta.overrides)
    except Exception:  # noqa: BLE001 - a file moved or broken since tells nothing
        return None
    if scenario_order_sha256(again) == scenario_order_sha256(sc):
        return None
    try:
        # the files give the document they gave when loaded: the change was made in Python
        base = (again if meta.overrides == first.overrides
                else load_scenario(meta.files[0], first.overrides))
        edited = meta_of(base).document != first.document
    except Exception:  # noqa: BLE001 - as above
        edited = True
    return _changed_note(said, "its file was edited after the scenario was loaded, or the "
                               "scenario was changed in Python" if edited else
                         "the scenario was changed in Python after loading")


def stray_fields(sc: Scenario, file: str | None = None) -> list[Issue]:
    """An "unknown field" issue, as the loader words one, for each attribute of a model in
    ``sc`` (the scenario, a site, a lane, ...) that is not one of its fields, with the
    field it is closest to: ``model_copy(update=...)`` stores any key it is given without
    a word (``update={"horizon_dayz": 60}``). The path is the scenario file's (a lane's
    ``from``); ``file`` is given as the issues' file."""
    from pydantic import BaseModel

    issues: list[Issue] = []

    def walk(node: object, path: PathT) -> None:
        if isinstance(node, BaseModel):
            fields = type(node).model_fields
            for key in node.__dict__:
                # a private name (sc._cache = ...) is Python's own business, not a field
                if key not in fields and not key.startswith("_"):
                    guess = did_you_mean(key, fields)
                    issues.append(Issue(
                        f"unknown field {key!r}", path=(*path, key), file=file,
                        hint=(f"did you mean {guess!r}? " if guess else "")
                        + f"model_copy(update=...) sets {article(type(node).__name__)} "
                          f"{type(node).__name__}'s fields "
                          "by their names and keeps any other key unused"))
            for attr, info in fields.items():
                if attr in node.__dict__:
                    walk(node.__dict__[attr], (*path, info.alias or attr))
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list | tuple):
            for i, value in enumerate(node):
                walk(value, (*path, i))

    walk(sc, ())
    return issues


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


CALLBACKS = {
    "sink": "with each ReplicationResult as it finishes",
    "progress": "with 1 as each replication finishes",
    "on_batch": "with the replications there will be before each batch",
    "on_total": "with the count of replications to run",
    "on_build": "with the design points built and their count",
    "on_read": "with the count of saved replications to read back",
    "on_saved": "with the count of saved replications read back",
    "on_write": "once the replications are done",
    "on_figure": "with the figures saved and their count",
    "on_table": "with the table blocks written and their count",
}
"""When each callback argument of the Python API is called (for its TypeError)."""


def check_callbacks(**given: object) -> None:
    """:func:`check_callable` for each callback argument given by its name (a key of
    :data:`CALLBACKS`), before anything runs (review 232: one left unchecked failed after
    every replication had run, leaving an unfinished folder)."""
    for name, value in given.items():
        check_callable(value, name, CALLBACKS[name])


def check_callable(value: object, name: str, called: str) -> None:
    """Raise ``TypeError`` naming the argument ``name`` unless ``value`` is None or can be
    called (``called``: with what, when): ``sink=3`` failed only once the first
    replication had run, with "'int' object is not callable" (review 228)."""
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be a function, called {called}, or None, not "
                        f"{type(value).__name__}")


def check_flag(value: object, name: str) -> None:
    """Raise ``TypeError`` naming the argument ``name`` unless ``value`` is True or False
    (Python's or numpy's): ``figures="no"`` was taken as True (review 228)."""
    import numpy as np

    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, not {value!r} "
                        f"({type(value).__name__})")


def check_path(value: object, name: str, what: str, also: str = "") -> None:
    """Raise ``TypeError`` naming the argument ``name`` unless ``value`` is a str or path
    (``what``: the file or folder it should name; ``also``: advice to add): ``out=3``
    said only "expected str, bytes or os.PathLike object, not int" (review 228)."""
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"{name} must be the path of {what} (str or Path), not "
                        f"{type(value).__name__}{also}")


def check_run_arguments(replications: int, seed: int, workers: int | None) -> None:
    """Raise :class:`ExperimentError` (a ``ValueError``) unless ``replications`` is an
    integer of at least 1, ``seed`` a non-negative integer (see :func:`seed_problem`) and
    ``workers`` None or an integer of at least 1."""
    check_count(replications, "replications")
    check_seed(seed)
    if workers is not None:
        check_count(workers, "workers")


def run(sc: Scenario | str | os.PathLike[str], replications: int | None = None, seed: int = 0,
        workers: int | None = 1, sink: Sink | None = None,
        progress: Callable[[int], object] | None = None,
        executor: Executor | None = None, backend: Backend | None = None, *,
        overrides: Sequence[str] = (), scheduler: str | None = None,
        dask_local: bool = False, out: str | os.PathLike[str] | None = None,
        force: bool = False,
        resume: bool = False, figures: bool = True, target_ci: float | None = None,
        metrics: Sequence[str] = (), max_replications: int | None = None,
        confidence: float | None = None,
        on_figure: Callable[[int, int], object] | None = None,
        on_table: Callable[[int, int], object] | None = None) -> Results:
    """Run replications of a scenario; return their :class:`Results`.

    ``sc`` is a scenario, or the path of a scenario file; ``replications`` replications of
    it run from root seed ``seed``, with ``overrides`` (``"key.path=value"`` strings, as
    for ``--set``) applied. Given a path, the scenario's notes are warned of
    (``UserWarning``) as by :func:`sim.load_scenario` (a bare number over a value the file
    gives in another unit, a policy that cannot act in the network). A loaded scenario
    holds its values in the fields' own units already, so an override of it gets no such
    note: give overrides to ``sim.load_scenario`` to have them checked against the file.
    A scenario is validated again first (see :func:`revalidated`), so one changed in place
    is checked as its file would be.

    ``replications`` defaults to 1 (the command line's ``sim run -n`` defaults to 10);
    with ``resume=True``, to the count the run being finished was asked for (or the
    replications its folder holds, if more).

    ``workers > 1`` runs them on a local process pool (``workers=None``: one process per
    CPU; 1, the default: in this process); ``scheduler`` (a Dask scheduler's
    address) or ``dask_local=True`` (a Dask LocalCluster of ``workers`` processes), as for
    ``sim run --scheduler``/``--dask-local``, or ``executor`` (any
    :class:`concurrent.futures.Executor`, e.g. ``ThreadPoolExecutor(4)`` or
    ``distributed.Client.get_executor()``; it is left running) or ``backend`` runs them
    there instead: give at most one of these four. The results are the same wherever they
    run.

    ``sink`` and ``progress`` are called in this process as each replication finishes,
    wherever it ran, in the order they finish: ``sink`` with its
    :class:`~sim.experiment.replication.ReplicationResult` (``replication``, ``kpis``,
    ``series``, ...; with ``out``, once it is saved there), then ``progress`` with 1.
    With ``resume=True``, ``progress`` is called first with the count of replications the
    folder held already, which are not handed to ``sink``. For a progress bar, give
    ``progress=tqdm(total=replications).update``; with ``target_ci`` the count is not
    known beforehand (at most ``max_replications``).

    With ``out`` (a folder), the results folder ``sim run --out`` writes is written there
    by the same code: ``run.json`` first, each replication saved in ``replications/`` as
    it finishes, then ``kpis.csv``, ``summary.csv``, ``series.csv.gz``, ``timeline.csv``,
    ``figures/`` (unless ``figures=False``; drawing them takes 10 to 20 seconds:
    ``on_figure``, if given, is called with ``(0, figures)`` before the first is drawn and
    ``(k, figures)`` once the k-th is saved, e.g. ``on_figure=lambda k, n: print(k, n)``)
    and, last, ``manifest.json``. ``on_table``, if given, is called likewise with the
    blocks of those tables written and their count, ``(0, blocks)`` first: one per 500
    replications of ``kpis.csv`` and one for each other table (some 25 seconds at 8,000
    replications of a year of the baseline). A folder that already holds results is refused unless
    ``force=True`` (replace them) or ``resume=True`` (finish an interrupted run: the saved
    replications, which must be of the same scenario, overrides and seed, are read back
    and only the rest are run); not both. A run stopped by an exception or
    KeyboardInterrupt keeps the replications that finished, and ``resume=True`` finishes
    it (one stopped before any finished leaves no folder behind).

    With ``target_ci`` (a fraction: 0.02 for 2%) and ``metrics`` (KPI names such as
    ``"delivered_t:cobalt"``, as ``sim run --metric``), ``replications`` is the first batch
    (at least 3, or ``max_replications`` if that is smaller: a smaller count runs 3
    first, as two replications stop too early too often; see
    :data:`sim.experiment.precision.FIRST_BATCH_MIN`) and batches are added
    until every named KPI's CI half-width is within ``target_ci`` of its mean, or
    ``max_replications`` (default 1000; at least ``replications``) is reached, as ``sim run
    --target-ci`` does (the same replications with the same seed); ``confidence`` is the
    level of those intervals (0.95 if not given; it is refused without ``target_ci``, as
    a run has no intervals of its own: ``Results.summary(confidence=...)`` sets a
    summary's). Why it stopped is in
    the results' ``info["stopping"]`` (and, with ``out``, in ``manifest.json``). With
    ``resume=True`` the batches of the run being finished are replayed from its first;
    with ``out``, run.json records the target, and the hint that finishes an interrupted
    run (:func:`sim.load_results`, ``sim report``) carries it.

    ``metrics`` are checked before anything is run or written: that each metric is a KPI
    the simulator produces, its commodity, channel and site are ids of the scenario (or
    ``all``), and the scenario produces that exact combination (e.g.
    ``"lead_time_p50_days"`` has rows per route and none for the totals), which a one-day
    replication's KPI labels tell (:func:`sim.experiment.replication.kpi_labels_of`: the
    rows are fixed by the scenario). The labels of the finished replications are matched
    again, should a row exist in the one-day replication only.

    Raises :class:`ExperimentError` (a ``ValueError``) unless ``replications`` is an
    integer of at least 1, ``workers`` one too or ``None``, and ``seed`` a non-negative
    integer, for
    ``metrics``, ``max_replications`` or ``confidence`` without ``target_ci``, a
    ``target_ci`` or ``confidence`` outside (0, 1), no ``metrics`` with it, a KPI the
    scenario does not have (see above), a ``max_replications`` below ``replications``, for more
    than one of ``executor``, ``backend``, ``scheduler`` and ``dask_local``, for
    ``resume`` without ``out``, or for a Dask option without Dask installed; ``TypeError``
    naming the argument if ``sc`` is neither a scenario nor a path, ``out`` is not a path
    (a str or any ``os.PathLike``), ``sink``, ``progress``, ``on_figure`` or ``on_table``
    is neither a function nor None, ``figures`` is not True or False, or ``executor`` is not an
    executor (all checked before anything runs);
    :class:`~sim.scenario.errors.ScenarioError` for a scenario file with problems;
    :class:`~sim.output.errors.FolderError` for an ``out`` it may not write (results there
    without ``force`` or ``resume``, another run's results to resume);
    :class:`~sim.experiment.executors.ReplicationError` if a replication fails or its
    worker dies (its ``__cause__`` is the replication's own exception), after the
    replications that finished were handed to ``sink`` (and saved in ``out``). Their
    messages name these arguments, not the command line's options (see
    :func:`~sim.experiment.errors.python_wording`).
    """
    with python_wording("run"):
        check_run_arguments(1 if replications is None else replications, seed, workers)
        # before anything runs: a bad one failed after the first replication (review 228)
        check_callbacks(sink=sink, progress=progress, on_figure=on_figure, on_table=on_table)
        check_flag(figures, "figures")
        if out is not None:
            check_path(out, "out", "the results folder to write")
        check_where(executor, backend, scheduler, dask_local)
        check_folder_flags(force, resume)
        if resume and out is None:
            raise ExperimentError("resume needs the folder of the run to finish",
                                  what="resume",
                                  hint="give out=, the folder the interrupted run was writing")
        settings = _target_settings(target_ci, metrics, max_replications, confidence)
        given, sc = sc, as_scenario(sc, "sc", overrides)
        if settings is not None:
            # before anything is run or written: a misspelt metric costs nothing
            check_metrics(settings(1).specs, sc)
            check_measurable(settings(1).specs, [sc])
    if overrides or not isinstance(given, Scenario):
        from sim.scenario.loader import meta_of, warn_notes

        # a file's notes, or those of the overrides: a loaded scenario's own were warned
        # of when it was loaded
        known = len(meta_of(given).notes) if isinstance(given, Scenario) else 0
        warn_notes(meta_of(sc).notes[known:])
    # as sim run says them: the capacities the overrides overload (a notebook's exercise
    # cut Kasumbalesa to 250 trucks a day for the whole year without a word; review 172)
    capacity = overrides_capacity_notes(given, sc, overrides)
    if capacity:
        from sim.scenario.loader import warn_notes

        warn_notes(capacity)
    seed = int(seed)  # a numpy integer is reported and saved as a plain one
    if out is not None:
        # the folder records the files and overrides the scenario came from: a scenario
        # changed since would be claimed to be theirs (review 202)
        changed = changed_after_loading(given, sc) if isinstance(given, Scenario) else None
        with python_wording("run"):
            return _run_to_folder(sc, replications, seed, workers, sink, progress, executor,
                                  backend, scheduler, dask_local, Path(out), force, resume,
                                  figures, settings, metrics, capacity, changed,
                                  on_figure, on_table)
    given_n = replications is not None
    replications = 1 if replications is None else int(replications)
    from sim.build import CodeTally

    tally = CodeTally()

    def tallied(res: ReplicationResult) -> None:
        tally.add(res)
        if sink is not None:
            sink(res)

    if settings is not None:
        with python_wording("run"):
            target = settings(replications, given_n)
            with placed(workers, tasks=target.max_replications, scheduler=scheduler,
                        dask_local=dask_local, executor=executor, backend=backend) as where:
                results, stop = run_replications(sc, seed, replications, backend=where,
                                                 sink=tallied, progress=progress,
                                                 target=target)
        if stop is not None:
            results.info["stopping"] = stop.as_dict()
            _warn_short_of_target(stop)
    else:
        started = time.perf_counter()
        # Each result is copied into the stacked arrays as it arrives and then dropped.
        collector = Collector(sc, seed, replications)
        with python_wording("run"):
            check_room(sc, replications)  # before anything is run
            _execute(sc, range(replications), seed, collector.add, workers, tallied,
                     progress, executor, backend, scheduler, dask_local)
        results = collector.results(time.perf_counter() - started)
    _code_record(results, tally)
    return results


def _code_record(results: Results, tally: Any) -> None:
    """Record in ``results.info["code"]`` the code that ran a run kept in memory (as a
    folder's run.json does; ``tally``: the :class:`~sim.build.CodeTally` of its
    replications), and warn where it is not this process's: review 196's note
    reached a run saved in a folder only."""
    from sim.build import code_label, worker_code_note

    results.info["code"] = list(tally.ran)
    note = worker_code_note([("", tally.ran)], code_label(), "the returned Results",
                            'its info["code"]')
    if note:
        warnings.warn(note, ClusterWarning, stacklevel=3)


def _target_settings(target_ci: float | None, metrics: Sequence[str],
                     max_replications: int | None, confidence: float | None
                     ) -> Callable[..., Target] | None:
    """Check :func:`run`'s precision arguments; return None without ``target_ci``, else
    the function that builds its :class:`Target` once the first batch (``replications``;
    ``given``: whether the caller gave it) is known. The messages are
    :func:`sim.compare`'s, which takes the same arguments."""
    from sim.experiment.stats import check_confidence
    from sim.scenario.errors import check_strings

    check_strings(metrics, "metrics", "KPI names such as 'delivered_t:cobalt'")
    if target_ci is None:
        if metrics:
            # as the command line's --metric: silently ignored, they would look watched
            raise ExperimentError("metrics only choose the KPIs target_ci watches, and have "
                                  "no effect without it", what="metrics",
                                  hint="add target_ci=0.02, for example, or leave out metrics")
        if max_replications is not None:
            raise ExperimentError("max_replications only bounds the batches target_ci adds, "
                                  "and has no effect without it", what="max_replications",
                                  hint="add target_ci=0.02 and metrics, for example, or leave "
                                       "out max_replications (replications= sets the count)")
        if confidence is not None:
            # a run has no table of its own: the level only matters to a target
            raise ExperimentError("confidence only sets the level of the intervals target_ci "
                                  "bounds, and has no effect without it", what="confidence",
                                  hint="add target_ci=0.02 and metrics, or leave out "
                                       "confidence (Results.summary(confidence=...) sets a "
                                       "summary's level)")
        return None
    level = 0.95 if confidence is None else confidence
    check_confidence(level)
    if max_replications is not None:
        check_count(max_replications, "max_replications")
    most = MAX_REPLICATIONS if max_replications is None else int(max_replications)
    specs = tuple(parse_metrics(metrics))

    def target(replications: int, given: bool = True) -> Target:
        if most < replications:
            # -n is the first batch, as sim run --target-ci checks it
            raise ExperimentError(
                f"--max-replications {most} is below -n {replications}"
                f"{'' if given else ' (the run in out, resumed)'}", what="--max-replications",
                hint=f"-n is the first batch; the maximum must be at least that: give "
                     f"--max-replications {replications} or more, or a smaller -n")
        return Target(target_ci, specs, most, confidence=level)

    target(1)  # target_ci and metrics checked now, before any folder is touched
    return target


def overrides_capacity_notes(given: Scenario | str | os.PathLike[str], sc: Scenario,
                             overrides: Sequence[str], for_python: bool = True) -> list[str]:
    """The capacity notes ``overrides`` bring about in ``sc``, the scenario ``given`` (a
    file or a Scenario) changed by them (see
    :func:`sim.scenario.capacity.override_capacity_notes`), worded for the Python API or
    (not ``for_python``) the command line."""
    from sim.scenario.capacity import (
        PYTHON_LEAD,
        SET_LEAD,
        file_override_notes,
        override_capacity_notes,
    )

    if not overrides:
        return []
    lead = PYTHON_LEAD if for_python else SET_LEAD
    if isinstance(given, Scenario):
        return override_capacity_notes(given, sc, lead)
    return file_override_notes(given, sc, overrides, lead)


def _run_to_folder(sc: Scenario, replications: int | None, seed: int, workers: int | None,
                   sink: Sink | None, progress: Callable[[int], object] | None,
                   executor: Executor | None, backend: Backend | None,
                   scheduler: str | None, dask_local: bool, out: Path, force: bool,
                   resume: bool, figures: bool,
                   settings: Callable[..., Target] | None = None,
                   metrics: Sequence[str] = (), notes: Sequence[str] = (),
                   changed: str | None = None,
                   on_figure: Callable[[int, int], object] | None = None,
                   on_table: Callable[[int, int], object] | None = None) -> Results:
    """:func:`run` with ``out``: the :class:`FolderRun` ``sim run --out`` makes. With a
    precision target (``settings``, from ``metrics``), run.json records it (see
    :func:`precision_record`), as ``sim run --target-ci`` records it in its command, so
    that the hint that finishes an interrupted run goes on to the same target. ``notes``
    (said already) are kept in manifest.json, as sim run keeps its own; ``changed``, the
    note of :func:`changed_after_loading`, too, with run.json's and manifest.json's
    ``changed_after_loading``."""
    from sim.output.provenance import mixed_code_note

    folder_run = FolderRun(out, force=force, resume=resume, abandon_failed=True)
    folder_run.notes.extend(notes)
    folder_run.changed = changed
    if changed is not None:
        folder_run.notes.append(changed)
    info = folder_run.check()
    mixed = mixed_code_note(info, out, sc) if resume else None
    if mixed:
        warnings.warn(mixed.replace("--force", "force=True"), UserWarning, stacklevel=3)
        folder_run.notes.append(mixed.replace("--force", "force=True"))
    recorded = info.get("precision")
    if resume and settings is None and isinstance(recorded, dict):
        # resumed without its target the run keeps what is saved and stops there, which
        # looked like the precision run finished
        # every keyword the run was recorded with: one at confidence=0.9 resumed with the
        # others alone measured its target at the default 0.95
        said = ", ".join(f"{k}={recorded.get(k)!r}" for k in
                         ("target_ci", "metrics", "max_replications", "confidence"))
        warnings.warn(
            f"{out} holds a precision run ({said}) resumed without target_ci: it ends with "
            "the replications saved, the target unmeasured; pass the same target_ci, "
            "metrics, max_replications and confidence to finish it as it was run",
            UserWarning, stacklevel=3)
    given_n = replications is not None
    if replications is None:
        # the run being finished keeps its size (1 would be refused as fewer than saved);
        # with a target, the first batch it was run with, whose batches are replayed
        replications = (resumed_replications(out, info, settings) or 1) if resume else 1
    replications = int(replications)
    target = settings(replications, given_n) if settings is not None else None

    def begun(fr: FolderRun) -> None:
        notes = [fr.folder.other_entries_note(), *fr.folder.notes]
        if fr.folder.unreadable:
            notes.append(f"{len(fr.folder.unreadable)} saved replication file(s) in {out} "
                         f"could not be read and are run again: "
                         f"{', '.join(fr.folder.unreadable)}")
        for note in notes:
            if note:
                warnings.warn(python_words(note.removeprefix("note: ")), UserWarning,
                              stacklevel=4)

    record = precision_record(target, metrics) if target is not None else None
    if changed is not None:
        record = {**(record or {}), CHANGED_KEY: True}
    results = folder_run.run(sc, seed, replications, workers=workers, scheduler=scheduler,
                             dask_local=dask_local, executor=executor, backend=backend,
                             target=target, sink=sink, progress=progress, on_begin=begun,
                             record=record)
    folder_run.finish(figures=figures, on_figure=on_figure, on_table=on_table)
    if folder_run.stop is not None:
        results.info["stopping"] = folder_run.stop.as_dict()
        _warn_short_of_target(folder_run.stop, stacklevel=4)
    return results


def _warn_short_of_target(stop: Any, stacklevel: int = 3) -> None:
    """Warn of a precision run that stopped short of its target (at the maximum, or with a
    KPI that has no interval), as ``sim.compare`` warns: the results alone read as if the
    target had been met; ``sim run`` prints the same message."""
    if not stop.met:
        warnings.warn(python_words(stop.message(), "run") or "", UserWarning,
                      stacklevel=stacklevel)


def precision_record(target: Target, metrics: Sequence[str]) -> dict[str, Any]:
    """What run.json records of a Python run's precision ``target`` (``metrics``: the KPI
    names as given), under ``"precision"``: ``target_ci`` (a fraction of the mean),
    ``metrics``, ``max_replications`` and ``confidence``, the ``sim.run`` keywords (and,
    but for ``confidence``, ``sim run`` options) that finish the run as it was run. The
    command line records them in its resume command instead."""
    return {"precision": {"target_ci": float(target.rel_half_width),
                          "metrics": [str(m) for m in metrics],
                          "max_replications": int(target.max_replications),
                          "confidence": float(target.confidence)}}


def check_folder_flags(force: bool, resume: bool) -> None:
    """Refuse ``force`` with ``resume`` (one keeps the saved replications, the other
    deletes them), as ``sim run``, ``sim compare`` and ``sim sweep`` do."""
    if force and resume:
        raise ExperimentError("give --resume or --force, not both", what="--resume",
                              hint="--resume keeps the saved replications, --force deletes them")


def recorded_run(out: Path) -> dict[str, Any]:
    """What ``out``'s run.json records (the run a resume finishes); empty if there is
    none to read (the resume then says why, from the folder's own checks). A finished
    folder whose run.json is missing or damaged gives what its manifest.json records of
    it (:func:`~sim.output.folder_read.rebuilt_run_json`), so the resume keeps its -n and seed."""
    from sim.output.folder_read import rebuilt_run_json, run_json_damage

    if (out / "manifest.json").is_file() and (run_json_damage(out) is not None
                                              or not (out / "run.json").exists()):
        return rebuilt_run_json(out)[0] or {}
    try:
        info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def resumed_replications(out: Path, info: dict[str, Any], target: Any) -> int | None:
    """The count of replications a resume without one finishes ``out`` with: the count
    its run.json records; without a precision target, at least the replications saved (a
    --target-ci run resumed without one keeps what its batches ran beyond its first).
    None if unknown."""
    n = info.get("replications")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        return None
    if target is None:
        numbers = [int(p.stem.removeprefix("rep-")) for p in out.glob("replications/rep-*.npz")
                   if p.stem.removeprefix("rep-").isdigit()]
        n = max([n, *(r + 1 for r in numbers)])
    return n


def stopped_run(exc: Exception, folder: Any) -> Exception:
    """``exc``, raised by a run on bad input after its results folder was begun, made safe
    to rerun: a new folder with no replication saved is removed again (so the corrected
    command is not refused), and one with replications saved says how to keep them."""
    if folder.abandon():
        return exc
    saved = folder.saved_count()
    if folder.resume or not saved or not isinstance(exc, ExperimentError):
        return exc
    what = exc.what if exc.what and exc.what.startswith("-") else "the command"
    note = (f"{saved} finished replication(s) are saved in {folder.path}: correct {what} "
            "and run again with --resume to keep them, or with --force to start again")
    return ExperimentError(exc.message, what=exc.what,
                           hint=f"{exc.hint}; {note}" if exc.hint else note)


class FolderRun:
    """A run written to the results folder ``out`` as it goes: the one code path of
    ``sim run --out`` and ``sim.run(out=...)``.

    :meth:`check` refuses what cannot be written (before the scenario's runs are sized),
    :meth:`run` starts the executor, begins the folder (``run.json``), runs the
    replications, saving each as it finishes, and :meth:`finish` writes the tables,
    figures and manifest. Messages name the command line's options (the Python API
    rewords them). After :meth:`run` raised, :attr:`folder` is None if it stopped before
    the folder was begun, and :attr:`abandoned` says whether it stopped (on a
    KeyboardInterrupt, an exception other than a :class:`ReplicationError`, or with
    ``abandon_failed`` any exception) before any replication was saved: the new folder was
    then removed again. The folder's lock (:class:`~sim.output.folder.ResultsFolder`),
    which refuses other commands writing to ``out``, is held from the folder's opening in
    :meth:`run` until :meth:`finish` ends, or :meth:`run` raises."""

    def __init__(self, out: str | Path, *, force: bool = False, resume: bool = False,
                 abandon_failed: bool = False) -> None:
        check_folder_flags(force, resume)
        self.out = Path(out)
        self.force, self.resume = force, resume
        self.abandon_failed = abandon_failed
        """Remove the new folder also when a replication failed before any was saved (the
        Python API: such a run leaves no folder behind); otherwise only for a
        KeyboardInterrupt or an error that is no replication's."""
        self.folder: Any = None
        """The :class:`~sim.output.folder.ResultsFolder`, once begun."""
        self.backend: Backend | None = None
        self.saved: dict[int, ReplicationResult] = {}
        """The replications read back from a resumed folder."""
        self.results: Results | None = None
        self.notes: list[str] = []
        """Notes the command gave beyond the scenario's own (a --set that overloads a
        capacity, a resume by other code): the manifest records them with those, for
        ``sim report`` and a reader of the folder (review 167)."""
        self.stop: StopReport | None = None
        self.abandoned = False
        self.where: dict[str, Any] | None = None
        """Where the replications ran (:func:`where_record`), once :meth:`run` started the
        executor."""
        self.changed: str | None = None
        """The note of :func:`changed_after_loading` for the scenario run, if any: the
        manifest then records ``changed_after_loading`` (run.json gets it from the
        caller's ``record``)."""

    def check(self) -> dict[str, Any]:
        """Raise :class:`~sim.output.errors.FolderError` for an ``out`` that is a file, or
        (resuming) that holds one scenario of a comparison; return what its run.json
        records when resuming (empty otherwise, or if there is none)."""
        from sim.output.errors import FolderError

        out = self.out
        if out.exists() and not out.is_dir():
            raise FolderError(f"{out} exists and is not a folder")
        info = recorded_run(out) if self.resume else {}
        if isinstance(info.get("comparison"), str):
            from sim.output.report import finish_command

            # finished alone, the arm would no longer be the comparison's (sim compare
            # --resume then refuses it as a run no comparison there wrote)
            command = finish_command(out)
            raise FolderError(
                f"{out} holds scenario {info.get('label', out.name)!r} of the comparison "
                f"in {info['comparison']}: sim run cannot resume one scenario of it",
                hint="finish the comparison: " + (
                    command or f"sim compare <its scenarios and options> --out "
                               f"{info['comparison']} --resume"))
        return info

    def run(self, sc: Scenario, seed: int, replications: int, *, workers: int | None = None,
            scheduler: str | None = None, dask_local: bool = False,
            executor: Executor | None = None, backend: Backend | None = None,
            target: Target | None = None, sink: Sink | None = None,
            progress: Callable[[int], object] | None = None,
            on_batch: Callable[[int], object] | None = None,
            command: Sequence[Any] | None = None,
            on_begin: Callable[[FolderRun], None] | None = None,
            record: dict[str, Any] | None = None,
            on_read: Callable[[int], object] | None = None,
            on_saved: Callable[[int], object] | None = None) -> Results:
        """Run the replications (see :func:`run_replications`), saving each in the folder
        as it finishes and then handing it to ``sink``. The executor is started first (a
        cluster that cannot be reached leaves no folder behind); ``on_begin`` is called
        once the folder is begun and the saved replications read back, before those are
        counted to ``progress``. ``command``: the words of the ``sim`` command that resumes
        the run, recorded in run.json; ``record``: more for run.json to record (a Python
        run's precision target, see :func:`precision_record`). Bad input found after the
        folder was begun is raised as :func:`stopped_run` words it. For a progress display
        (review 229): ``on_read`` is called with the count of replication files a resumed
        folder holds before they are read back (only if it holds any), and ``on_saved``, if
        given, with the count of those read back that count as done, instead of
        ``progress``."""
        from sim.output.errors import FolderError
        from sim.output.folder import ResultsFolder

        if target is not None:
            # before the folder is begun or a worker started (sim run checks the names
            # itself, not this)
            check_measurable(target.specs, [sc])
        started = time.perf_counter()

        def save(res: ReplicationResult) -> None:
            self.folder.write_replication(res)
            if sink is not None:
                sink(res)

        # before the folder is begun or anything run: results that cannot fit in memory
        _check_room(sc, replications, target, self.saved)
        ran = False
        try:
            # with a precision target the run may grow to its maximum: size the pool for it
            tasks = target.max_replications if target is not None else replications
            with placed(workers, tasks=tasks, scheduler=scheduler, dask_local=dask_local,
                        executor=executor, backend=backend) as where:
                self.backend = where
                self.where = where_record(where)
                self.folder = ResultsFolder(self.out, force=self.force, resume=self.resume)
                self.saved = self.folder.begin(sc, seed, replications, command, record,
                                               on_read=on_read)
                if on_begin is not None:
                    on_begin(self)
                check_saved(self.saved, replications, target)
                counted = on_saved if on_saved is not None else progress
                if counted is not None and self.saved:
                    # with a target the batches are replayed from its first and saved
                    # replications beyond a batch count as done already (run_replications)
                    counted(len(self.saved) if target is not None
                            else sum(r < replications for r in self.saved))
                self.results, self.stop = run_replications(
                    sc, seed, replications, backend=where, sink=save, progress=progress,
                    saved=self.saved, target=target, on_batch=on_batch)
            ran = True
        except (ExperimentError, FolderError) as exc:
            if self.folder is None:
                raise
            raise stopped_run(exc, self.folder) from None
        except KeyboardInterrupt:
            if self.folder is not None:
                # a run.json alone would make the same command refuse the folder
                self.abandoned = self.folder.abandon()
            raise
        except Exception as exc:
            # stopped before any replication was saved (an executor that failed its first
            # replication, say): a run.json alone made the same call refuse the folder as
            # holding results. The command line keeps the folder of a failed replication,
            # whose message gives the command that finishes it.
            if self.folder is not None and (self.abandon_failed
                                            or not isinstance(exc, ReplicationError)):
                self.abandoned = self.folder.abandon()
            raise
        finally:
            if not ran and self.folder is not None:
                # stopped: nothing more is written (finish() releases it otherwise)
                self.folder.release()
        self.results.wall_s = time.perf_counter() - started
        note = self.folder.worker_code_note()
        if note:
            # a cluster's worker on other code: said above the results (sim run shows a
            # ClusterWarning as a note), and kept in manifest.json's notes
            self.notes.append(note)
            warnings.warn(note, ClusterWarning, stacklevel=2)
        return self.results

    def finish(self, figures: bool = True,
               on_figure: Callable[[int, int], object] | None = None,
               on_table: Callable[[int, int], object] | None = None) -> None:
        """Write the tables, the figures (unless not ``figures``) and, last, the manifest,
        which records where the replications ran, how many a resume found saved and why
        a precision target stopped. ``on_figure``, for a progress display (10 to 20 s of
        figures under one line before): called with ``(0, figures)`` before the first
        figure is drawn and ``(k, figures)`` once the k-th is saved. ``on_table``, too
        (some 25 s of tables at 8,000 replications): with ``(0, blocks)`` before the first
        table and ``(k, blocks)`` as the k-th block is written
        (:func:`sim.output.folder.run_table_blocks`)."""
        assert self.results is not None and self.backend is not None, "run() first"
        check_callbacks(on_figure=on_figure, on_table=on_table)
        try:
            self._finish(figures, on_figure, on_table)
        except MemoryError:
            # review 229: "internal error: MemoryError", asking for a report, with every
            # replication saved and no word of it (review 232: tabling the notes too)
            raise no_room_for_tables(self.results.n, self.folder.reps_dir,
                                     figures) from None

    def _finish(self, figures: bool, on_figure: Callable[[int, int], object] | None,
                on_table: Callable[[int, int], object] | None = None) -> None:
        assert self.results is not None and self.backend is not None
        try:
            extra: dict[str, Any] = dict(self.where or where_record(self.backend))
            if self.resume:
                extra["resumed_with"] = len(self.saved)
            if self.stop is not None:
                extra["stopping"] = self.stop.as_dict()
            if self.changed is not None:
                extra[CHANGED_KEY] = True
            from sim.output.tables import run_table_notes

            # the notes sim run prints below its tables (a price peak at the cap is a
            # bound; a deal failed), as comparison.json's table_notes: summary.csv alone
            # read as exact (review 202). Apart from notes, which sim report gives as the
            # scenario's, beside its own paragraphs on the tables
            extra["table_notes"] = run_table_notes(self.results)
            if self.notes:
                from sim.scenario.loader import has_meta, meta_of

                sc = self.results.scenario
                own = list(meta_of(sc).notes) if has_meta(sc) else []
                extra["notes"] = [*own, *(n for n in self.notes if n not in own)]
            counted: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
            if figures and on_figure is not None:
                from sim.output.figures import counting_figures, run_figure_plan

                counted = counting_figures(on_figure, len(run_figure_plan(self.results)))
            from sim.output.folder import run_table_blocks
            from sim.output.progress_count import TABLES

            tables = TABLES.counting(on_table, run_table_blocks(self.results.n))
        except BaseException:
            self.folder.release()
            raise
        with counted, tables:
            self.folder.finish(self.results, extra, figures=figures)  # releases the lock


def check_saved(saved: dict[int, ReplicationResult] | None, replications: int,
                target: Target | None) -> None:
    """Raise :class:`ExperimentError` if a resumed folder's ``saved`` replications go
    beyond the ``replications`` asked for (without a ``target``) or the target's maximum:
    said before the saved ones are counted to a progress bar (review 232: a full bar was
    drawn above the refusal)."""
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


def _check_room(sc: Scenario, replications: int, target: Target | None,
                saved: dict[int, ReplicationResult] | None) -> None:
    """:func:`~sim.experiment.collector.check_room` for a run of ``replications`` (with a
    ``target``, of its maximum; the saved ones of a resumed run count too)."""
    held = max(saved) + 1 if saved else 0
    if target is not None and target.max_replications > replications:
        check_room(sc, max(target.max_replications, held), "--max-replications")
    else:
        check_room(sc, max(replications, held))


def run_replications(sc: Scenario, seed: int, replications: int, *,
                     backend: Backend | None = None, sink: Sink | None = None,
                     progress: Callable[[int], object] | None = None,
                     saved: dict[int, ReplicationResult] | None = None,
                     target: Target | None = None,
                     on_batch: Callable[[int], object] | None = None
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
    the target's maximum, or a target names a KPI the scenario does not have (before
    anything is run).
    """
    check_run_arguments(replications, seed, 1)
    if target is not None:
        check_metrics(target.specs, sc)
        check_measurable(target.specs, [sc])
    started = time.perf_counter()
    check_saved(saved, replications, target)
    held = max(saved) + 1 if saved else 0
    _check_room(sc, replications, target, saved)
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
        try:
            have.add(res)
        except NoRoom:
            # the first replication's results, which told how much room all need, are
            # saved (with out=, said with the error) before the run stops
            if sink is not None:
                sink(res)
            raise
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
