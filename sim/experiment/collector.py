"""Stacking replication results as they arrive, so a driver never holds them twice.

A :class:`Collector` copies each finished replication's KPI values and series into one
row of preallocated arrays and lets the result go. Holding 1,000 results and then stacking
them would need both copies at once (and the allocator rarely returns the first to the
operating system); copying on arrival needs the arrays alone: 0.22 MB per replication of the
10-year baseline, almost all of it the weekly series.
"""

from __future__ import annotations

import gc
import os
import sys
import types
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from sim.experiment.errors import ExperimentError
from sim.experiment.replication import ReplicationResult
from sim.experiment.results import Results
from sim.metrics.series import catalogue
from sim.scenario.schema import Scenario

EXACT_FROM_ROWS = 1_000
"""From this many replications on (of all scenarios or samples together),
:func:`check_room` counts the KPI values too, which a one-day replication tells
(:func:`~sim.experiment.replication.kpi_labels_of`, some 50 ms): below it they and their
tables need some 30 MB at most (the baseline's 752 KPIs), and the series, known from the
scenario alone, dominate what a large run needs."""
TABLE_BYTES_PER_VALUE = 30
"""Bytes a KPI value takes, beside its own 8, while a run's results are tabled
(:meth:`~sim.experiment.results.Results.summary` groups them by KPI: 170 MiB at the peak
for 8,000 replications of 752 KPIs, measured with tracemalloc; review 229 found a run's
peak memory at 188 KB a one-year replication where this check counted 28 KB)."""


class NoRoom(ExperimentError):
    """Replications whose results (KPI values and series) cannot fit in this machine's
    memory: refused before they run where the size is known beforehand (review 210: 10^8
    replications failed as an "internal error: MemoryError" after the first one ran)."""


def physical_memory() -> int | None:
    """This machine's physical memory in bytes, or None where the system does not say."""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return pages * size if pages > 0 and size > 0 else None


def _size(n: float) -> str:
    for unit, scale in (("TiB", 2 ** 40), ("GiB", 2 ** 30), ("MiB", 2 ** 20)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n / 2 ** 10:,.1f} KiB"


def no_room(rows: int, per_row: int, memory: int | None, what: str = "-n/--replications",
            scenarios: int = 1, kept: str = "KPI values and series",
            per_scenario: int = 0) -> NoRoom:
    """The error for ``rows`` replications (of each of ``scenarios``: samples of a sweep
    where ``what`` is its ``-r``) of ``per_row`` bytes each, and ``per_scenario`` bytes
    held by each scenario, where ``memory`` (None: an allocation failed) cannot hold
    them."""
    need = rows * per_row * scenarios + per_scenario * scenarios
    each = (f" of each of {scenarios:,} {'samples' if what == '-r' else 'scenarios'}"
            if scenarios > 1 else "")
    where = (f"more than this machine's {_size(memory)}" if memory is not None
             else "more than could be allocated")
    kind = "sample" if what == "-r" else "scenario"
    held = ("" if not per_scenario else
            f" and the {kind}s' own scenarios (about {_size(per_scenario)} each)"
            if scenarios > 1 else
            f" and the {kind}'s own scenario (about {_size(per_scenario)})")
    room = (memory - per_scenario * scenarios) if memory is not None else None
    fit = (room // (per_row * scenarios)) if room is not None and room > 0 else None
    most = (f" (the results of {fit:,} would fill all of it)" if fit and fit > 1 else "")
    if what == "--max-replications":
        hint = f"give a far smaller --max-replications{most}, or a looser --target-ci"
    elif what == "-r" and room is not None and room <= 0:
        hint = ("use far fewer samples: their scenarios alone need more memory than "
                "this machine has" if scenarios > 1 else
                "the scenario alone needs more memory than this machine has")
    elif what == "-r":
        hint = (f"use far fewer replications per sample{most}"
                + (", or fewer samples" if scenarios > 1 else ""))
    else:
        hint = (f"use far fewer replications{most}, or --target-ci with --metric to run as "
                "many as a precision needs")
    return NoRoom(f"{rows:,} replications{each} need about {_size(need)} of memory for "
                  f"their results ({kept}){held}, {where}", what=what, hint=hint)


def no_room_for_tables(replications: int, saved_in: os.PathLike[str] | str | None,
                       figures: bool, each: str = "") -> NoRoom:
    """The error for results of ``replications`` replications (of each scenario, with
    ``each`` " of each scenario") that ran, and were saved in ``saved_in`` (None: not
    saved), but whose tables (and figures, if ``figures``) could not be allocated: a
    MemoryError there was an "internal error" asking for a report (review 229)."""
    what = "tables and figures" if figures else "tables"
    if saved_in is None:
        return NoRoom(f"the {what} of {replications:,} replications{each} needed more memory "
                      "than could be allocated", what="-n/--replications",
                      hint="run again with far fewer replications")
    return NoRoom(
        f"{replications:,} replications{each} are saved in {saved_in}, but writing their "
        f"{what} needed more memory than could be allocated; the folder is incomplete",
        what="-n/--replications",
        hint="free memory (close other programs) and run the same again with --resume to "
             "finish the folder, or run again with far fewer replications")


def check_room(scenarios: Scenario | Sequence[Scenario], rows: int,
               what: str = "-n/--replications", count: int | None = None,
               series: bool = True, overhead: int = 0, per_scenario: int = 0) -> None:
    """Raise :class:`NoRoom` if ``rows`` replications of each of ``scenarios`` (or of
    ``count`` scenarios like the first: a sweep's samples) need more memory for their
    results than this machine has: their series unless not ``series`` (a sweep keeps the
    KPI values alone), ``overhead`` bytes each besides, and ``per_scenario`` bytes for
    each scenario held while they run (a sweep builds every sample's scenario first).
    Nothing is checked where the system does not say how much it has
    (:class:`Collector` turns a failed allocation into the same error)."""
    memory = physical_memory()
    if memory is None:
        return
    scs = [scenarios] if isinstance(scenarios, Scenario) else list(scenarios)
    if not scs:
        return
    n = count if count is not None else len(scs)

    def per_row(sc: Scenario, kpis: int) -> int:
        # a run's and a comparison's results are tabled; a sweep keeps the KPI values
        tabled = TABLE_BYTES_PER_VALUE * kpis if series else 0
        return (_series_bytes(sc) if series else 0) + (8 * kpis + tabled) + overhead

    need = max(per_row(sc, 0) for sc in scs)
    # all the rows kept: a sweep's samples x its replications each (review 218: 20,000
    # samples of 1,000 were costed without their KPI values)
    if rows * n >= EXACT_FROM_ROWS:
        from sim.experiment.replication import kpi_labels_of

        need = max(per_row(sc, len(kpi_labels_of(sc))) for sc in scs)
    if rows * need * n + per_scenario * n > memory:
        raise no_room(rows, need, memory, what, n,
                      "KPI values and series" if series else "KPI values", per_scenario)


_SHARED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
           types.MethodType)
"""Objects every scenario shares with the rest of the program, so a scenario's size
leaves them (and all they reach) out."""


def retained_bytes(obj: object) -> int:
    """About the bytes ``obj`` holds: the sizes of every object reachable from it, leaving
    out classes, modules and functions (the program's, not its own). An over-estimate by
    the small strings and numbers it shares with other objects: a sweep point's scenario
    of the baseline measures 0.38 MB this way, and adds 0.34 MB to a process holding 300
    of them."""
    seen: set[int] = set()
    todo = [obj]
    total = 0
    while todo:
        item = todo.pop()
        if id(item) in seen or isinstance(item, _SHARED):
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        todo.extend(gc.get_referents(item))
    return total


def _series_bytes(sc: Scenario) -> int:
    """The bytes of one replication's series (float32, by the scenario's catalogue)."""
    cat = catalogue(sc)
    return len(cat.keys) * len(cat.dates) * 4


class Collector:
    """Rows of KPI values and series by replication number, filled as results arrive.

    *capacity* is the number of replications expected (rows ``0..capacity-1``); more are
    accepted, the arrays growing by doubling. Raises :class:`ExperimentError` if a result's
    KPI labels differ from the first one's, or its KPI values or series do not have the
    shape of the first one's (saved by another version of sim: the same scenario gives
    the same KPIs and series).
    """

    def __init__(self, sc: Scenario, seed: int, capacity: int = 0) -> None:
        self.scenario = sc
        self.seed = seed
        self._capacity = max(capacity, 1)
        self.kpi_labels: list[Any] | None = None
        self._values: np.ndarray | None = None
        self._series: np.ndarray | None = None
        self._have: set[int] = set()
        self._timeline: dict[int, list[tuple[Any, ...]]] = {}
        self._events = 0
        self._beside = 0  # bytes a row needs beside its arrays: see add()

    def __contains__(self, replication: object) -> bool:
        return replication in self._have

    def __len__(self) -> int:
        return len(self._have)

    @property
    def replications(self) -> list[int]:
        """Replication numbers collected so far, in order."""
        return sorted(self._have)

    def add(self, res: ReplicationResult) -> None:
        """Copy ``res`` into its row; the caller may drop it afterwards."""
        r = res.replication
        if self._values is None or self._series is None:
            rows = max(self._capacity, r + 1)
            # what each replication needs beside its row, from the first one: its timeline
            # (known only once one has run) and its KPI values' share of tabling them
            self._beside = (TABLE_BYTES_PER_VALUE * len(res.kpi_labels)
                            + retained_bytes(list(res.timeline)))
            self._values, self._series = self._allocate(rows, len(res.kpi_labels), res.series,
                                                        self._beside)
            self.kpi_labels = list(res.kpi_labels)
        if list(res.kpi_labels) != self.kpi_labels and self._have:
            # the same scenario and seed give the same KPIs, so replications read back from
            # a folder that differ from a fresh one were saved by another version of sim
            extra = sorted({lab[3] for lab in res.kpi_labels} ^ {lab[3] for lab in
                                                                 self.kpi_labels})
            if not extra:
                # the same metrics on other rows (a channel or site row added or dropped):
                # name a few, as commodity:channel:site:metric
                rows = sorted(":".join(lab[:4]) for lab in
                              set(map(tuple, res.kpi_labels)) ^ set(map(tuple, self.kpi_labels)))
                extra = rows[:3] + ([f"{len(rows) - 3} more"] if len(rows) > 3 else [])
            raise ExperimentError(
                f"replication {r} has other KPIs than the replications collected before it"
                + (f" ({', '.join(extra)})" if extra else "")
                + ": saved replications from another version of sim cannot be resumed",
                hint="run again with --force to start the folder afresh")
        if res.kpi_values().shape != self._values.shape[1:] or \
                res.series.shape != self._series.shape[1:]:
            # a bare ValueError reached the command line as an "internal error" asking
            # for a report, where the saved replications are at fault
            raise ExperimentError(
                f"replication {r} has series of shape {res.series.shape} and "
                f"{res.kpi_values().size} KPI values, where the replications collected "
                f"before it have {self._series.shape[1:]} and {self._values.shape[1]}: "
                "saved replications from another version of sim cannot be resumed",
                hint="run again with --force to start the folder afresh")
        if r >= len(self._values):
            self._grow(r + 1)
        self._values[r] = res.kpi_values()
        self._series[r] = res.series
        if r not in self._have:
            self._events += res.events
        self._have.add(r)
        self._timeline[r] = list(res.timeline)

    @staticmethod
    def _allocate(rows: int, n_kpis: int, series: np.ndarray,
                  beside: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """The arrays for ``rows`` replications of ``n_kpis`` KPI values and a series cube
        like ``series``; :class:`NoRoom` where they, with ``beside`` bytes more a row,
        cannot fit in memory (the system's figure, or a failed allocation)."""
        per_row = 8 * n_kpis + series.nbytes + beside
        memory = physical_memory()
        if memory is not None and rows * per_row > memory:
            raise no_room(rows, per_row, memory)
        try:
            values = np.full((rows, n_kpis), np.nan)
            cube = np.zeros((rows, *series.shape), dtype=series.dtype)
        except MemoryError:
            raise no_room(rows, per_row, None) from None
        return values, cube

    def _grow(self, rows: int) -> None:
        assert self._values is not None and self._series is not None
        # doubled, within this machine's memory (a run growing to its maximum)
        per_row = self._values.itemsize * self._values.shape[1] + \
            self._series.itemsize * int(np.prod(self._series.shape[1:])) + self._beside
        memory = physical_memory()
        new = max(rows, 2 * len(self._values))
        if memory is not None and new * per_row > memory:
            new = max(rows, memory // per_row)
        values, series = self._allocate(new, self._values.shape[1], self._series[0],
                                        self._beside)
        values[:len(self._values)] = self._values
        series[:len(self._series)] = self._series
        self._values, self._series = values, series

    def kpi_values(self, replications: Iterable[int]) -> np.ndarray:
        """KPI values [replication, kpi] of the given (collected) replications."""
        if self._values is None:
            raise ValueError("no replications collected")
        return self._values[list(replications)]

    def results(self, wall_s: float = 0.0,
                replications: Iterable[int] | None = None) -> Results:
        """The collected replications (all, or those given), in order, as
        :class:`Results`. When they are exactly ``0..n-1`` and the arrays were sized for
        them, the results share the collector's arrays rather than copy them. Raises
        ``ValueError`` if nothing was collected or a replication asked for was not."""
        if self._values is None or self._series is None:
            raise ValueError("no replications to collect")
        reps = self.replications if replications is None else sorted(replications)
        missing = [r for r in reps if r not in self._have]
        if missing:
            raise ValueError(f"replication {missing[0]} was not collected")
        if reps == list(range(len(self._values))):
            values, series = self._values, self._series
        else:
            values, series = self._values[reps], self._series[reps]
        from sim.metrics.kpis import KPI_ROWS

        return Results(scenario=self.scenario, seed=self.seed, replications=reps,
                       kpi_labels=list(self.kpi_labels or []), kpi_values=values,
                       catalogue=catalogue(self.scenario), series_values=series,
                       wall_s=wall_s, events=self._events,
                       timeline_rows=[(r, *row) for r in reps for row in self._timeline[r]],
                       info={"kpi_rows": KPI_ROWS})
