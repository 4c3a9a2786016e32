"""Counting the tables a results folder, comparison or sweep writes, for a progress display.

A run's tables took some 25 s at 8,000 replications (review 229), most of it kpis.csv,
under one "writing tables ..." line. They are counted in blocks, reported to
``on_table(done, total)``: kpis.csv's blocks of :data:`sim.output.folder.KPI_BLOCK`
replications each, and every other table file as one. As the figures are
(:class:`sim.output.figures.FigureCount`), through a context variable: a results folder
writes its tables inside ``ResultsFolder.finish``, which its callers do not reach into.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable


class TableCount:
    """Table blocks written out of a total, reported to ``on_table(done, total)``: with
    ``(0, total)`` as it is first entered, then ``(k, total)`` as the k-th is written. A
    context manager, entered as often as needed (a comparison's scenario folders, one after
    another); ``total``: the blocks written inside every entry together."""

    def __init__(self, on_table: Callable[[int, int], object], total: int) -> None:
        self.on_table, self.total, self.done, self.begun = on_table, total, 0, False
        self._tokens: list[contextvars.Token[TableCount | None]] = []

    def written(self) -> None:
        self.done += 1
        self.on_table(self.done, self.total)

    def __enter__(self) -> TableCount:
        self._tokens.append(_COUNT.set(self))
        if not self.begun:
            self.begun = True
            self.on_table(self.done, self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        _COUNT.reset(self._tokens.pop())


_COUNT: contextvars.ContextVar[TableCount | None] = contextvars.ContextVar(
    "table_count", default=None)


def table_written() -> None:
    """Count one block written to the :class:`TableCount` in effect, if any."""
    count = _COUNT.get()
    if count is not None:
        count.written()


def counting_tables(on_table: Callable[[int, int], object] | None,
                    total: int) -> contextlib.AbstractContextManager[object]:
    """A :class:`TableCount` of ``total`` blocks reported to ``on_table``, or, if that is
    None (or nothing is to be written), a context that counts nothing; either may be
    entered again."""
    if on_table is None or total <= 0:
        return contextlib.nullcontext()
    return TableCount(on_table, total)
