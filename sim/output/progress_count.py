"""Counting work that a results folder, comparison or sweep does out of its caller's reach
(figures saved, table blocks written), for a progress display.

A results folder draws its figures and writes its tables inside ``ResultsFolder.finish``,
which its callers do not reach into: so the count in effect is held in a context variable,
one for each kind of work, not passed down as an argument. Figures drew for 10 to 60 s
under one line before review 239; a run's tables took some 25 s at 8,000 replications
(reviews 229 and 247).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable

Report = Callable[[int, int], object]
"""A progress callback: ``report(done, total)``."""


class WorkCount:
    """Pieces of one kind of work done out of ``total``, reported to ``report(done,
    total)``: ``(0, total)`` once, as the work begins (:meth:`begin`), then ``(k, total)``
    as the k-th piece is done (:meth:`one_done`). A context manager that puts itself in
    effect for its kind, entered as often as needed (a comparison's scenario folders one
    after another): ``total`` is the pieces done inside every entry together."""

    def __init__(self, kind: CountedWork, report: Report, total: int) -> None:
        self.kind, self.report, self.total = kind, report, total
        self.done, self.begun = 0, False
        self._tokens: list[contextvars.Token[WorkCount | None]] = []

    def begin(self) -> None:
        if not self.begun:
            self.begun = True
            self.report(self.done, self.total)

    def one_done(self) -> None:
        self.done += 1
        self.report(self.done, self.total)

    def __enter__(self) -> WorkCount:
        self._tokens.append(self.kind.var.set(self))
        return self

    def __exit__(self, *exc: object) -> None:
        self.kind.var.reset(self._tokens.pop())


class CountedWork:
    """One kind of work counted for a progress display: which :class:`WorkCount`, if any,
    is in effect where the work is done."""

    def __init__(self, name: str) -> None:
        self.var: contextvars.ContextVar[WorkCount | None] = contextvars.ContextVar(
            name, default=None)

    def counting(self, report: Report | None,
                 total: int) -> contextlib.AbstractContextManager[object]:
        """A :class:`WorkCount` of ``total`` pieces reported to ``report``, or, if that is
        None (or there is nothing to do), a context that counts nothing; either may be
        entered again."""
        if report is None or total <= 0:
            return contextlib.nullcontext()
        return WorkCount(self, report, total)

    def begin(self) -> None:
        """Begin the count in effect, if any (reporting ``(0, total)`` the first time)."""
        count = self.var.get()
        if count is not None:
            count.begin()

    def one_done(self) -> None:
        """Count one piece done to the count in effect, if any."""
        count = self.var.get()
        if count is not None:
            count.one_done()


FIGURES = CountedWork("figures_saved")
"""Figures saved (a PNG and an SVG written) or embedded in a report: ``on_figure``."""

TABLES = CountedWork("table_blocks_written")
"""Blocks of tables written: a results folder's (:func:`sim.output.folder.run_table_blocks`)
or a sweep's (:data:`sim.output.sweep_output.SWEEP_TABLE_BLOCKS`): ``on_table``."""
