"""Rows of floats kept one day at a time and read as one array.

A day's end has a few short lists of plain floats to keep (the day book's flows, the
markets' prices, demand and consumption). Writing each into a row of a numpy array costs
numpy's conversion of a list, some thousands of instructions, every day; appending to an
``array('d')`` costs a parse of each float. Extending a plain list costs almost nothing,
so the rows gather in a list and join an array a block at a time, packed as doubles by
:mod:`struct` (a quarter of what numpy's conversion of the same list costs).

One of the modules the compiled build compiles (``setup.py``).
"""

from __future__ import annotations

import struct
from collections.abc import Collection
from typing import Final

import numpy as np

BLOCK_VALUES: Final = 4096
"""Values gathered in a plain list before their rows join the array, at least one row's:
a block's conversion has a fixed cost of some 50,000 instructions, and the pending rows
are converted again each time the rows are read (:meth:`RowBuffer.sum`)."""


class RowBuffer:
    """Rows of ``width`` floats, appended in order and read as a [row, column] array;
    room for ``capacity`` rows is made at once (more is made as needed)."""

    def __init__(self, width: int, capacity: int = 0) -> None:
        self.width = width
        self.n_rows = 0
        """Rows appended so far."""
        self.block_rows = max(BLOCK_VALUES // width, 1) if width else BLOCK_VALUES
        """Rows in a block."""
        self._done = np.zeros((max(capacity, self.block_rows), width))
        """The rows of the full blocks, in order, then room for more."""
        self._n_done = 0
        self._done_sum: np.ndarray | None = None
        """Each column of the first :attr:`_n_summed` rows summed in row order (None before
        any is)."""
        self._n_summed = 0
        self._pending: list[float] = []
        self._n_pending = 0
        self._block_format = struct.Struct(f"={self.block_rows * width}d")
        """A full block's values as native doubles, in order."""

    def append(self, row: Collection[float]) -> None:
        """Keep ``row`` (its values now: it may change afterwards) as the next row. A
        ValueError if it is not ``width`` long."""
        if len(row) != self.width:
            raise ValueError(f"a row of {len(row)} values in a buffer of rows of "
                             f"{self.width}")
        self._pending.extend(row)
        self.n_rows += 1
        self._n_pending += 1
        if self._n_pending == self.block_rows:
            self._add_block()

    def append_array(self, row: np.ndarray) -> None:
        """Keep ``row``, a float64 array of ``width`` values (its values now), as the next
        row: copied straight into the array of rows, one numpy assignment (an unboxed
        row's view, :func:`~sim.world.floatrows.row_view`, where a list's floats would
        have to be packed). A ValueError if it is not ``width`` long."""
        if len(row) != self.width:
            raise ValueError(f"a row of {len(row)} values in a buffer of rows of "
                             f"{self.width}")
        if self._n_pending:
            self._join_pending()
        self._make_room(1)
        self._done[self._n_done] = row
        self._n_done += 1
        self.n_rows += 1

    def _join_pending(self) -> None:
        """Move the rows gathered in the list into the array, however few."""
        rows = self._n_pending
        self._make_room(rows)
        self._done[self._n_done:self._n_done + rows] = self._pending_rows()
        self._n_done += rows
        self._pending = []
        self._n_pending = 0

    def _make_room(self, rows: int) -> None:
        """Grow the array of rows, doubling it, until ``rows`` more fit."""
        start = self._n_done
        if start + rows > len(self._done):
            grown = np.zeros((max(2 * len(self._done), start + rows), self.width))
            grown[:start] = self._done[:start]
            self._done = grown

    def _add_block(self) -> None:
        rows = self.block_rows
        start = self._n_done
        self._make_room(rows)
        self._done[start:start + rows] = np.frombuffer(
            self._block_format.pack(*self._pending)).reshape(rows, self.width)
        self._n_done = start + rows
        self._pending = []
        self._n_pending = 0

    def _pending_rows(self) -> np.ndarray:
        return np.array(self._pending, dtype=float).reshape(self._n_pending, self.width)

    def array(self) -> np.ndarray:
        """Every row so far, [row, column] (a new array)."""
        return np.concatenate([self._done[:self._n_done], self._pending_rows()])

    def sum(self) -> np.ndarray:
        """Each column summed over every row so far, in row order: what ``array().sum(axis=0)``
        gives, without summing again the rows summed by an earlier call."""
        # numpy sums the rows of a C-ordered array in order, column by column: carrying the
        # total so far as the first row keeps that order across calls
        new = self._done[self._n_summed:self._n_done]
        if self._done_sum is not None:
            new = np.concatenate([self._done_sum[None], new])
        if len(new):
            self._done_sum = new.sum(axis=0)
            self._n_summed = self._n_done
        if self._done_sum is None:
            return self._pending_rows().sum(axis=0)
        return np.concatenate([self._done_sum[None], self._pending_rows()]).sum(axis=0)

    def clear(self) -> None:
        """Forget every row (and the room made for them)."""
        self._done = np.zeros((self.block_rows, self.width))
        self._n_done = 0
        self._done_sum = None
        self._n_summed = 0
        self._pending = []
        self._n_pending = 0
        self.n_rows = 0
