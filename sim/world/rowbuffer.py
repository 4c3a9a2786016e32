"""Rows of floats kept one day at a time and read as one array.

A day's end has a few short lists of plain floats to keep (the day book's flows, the
markets' prices, demand and consumption). Writing each into a row of a numpy array costs
numpy's conversion of a list, some thousands of instructions, every day; appending to an
``array('d')`` costs a parse of each float. Extending a plain list costs almost nothing,
so the rows gather in a list and become array rows a block at a time, packed as doubles
by :mod:`struct` (a quarter of what numpy's conversion of the same list costs).

One of the modules the compiled build compiles (``setup.py``).
"""

from __future__ import annotations

import struct
from typing import Final

import numpy as np

BLOCK_ROWS: Final = 256
"""Rows gathered in a plain list before they become one block of an array: one numpy
conversion per block, and few plain float objects held at any time."""


class RowBuffer:
    """Rows of ``width`` floats, appended in order and read as a [row, column] array."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.n_rows = 0
        """Rows appended so far."""
        self._blocks: list[np.ndarray] = []
        self._pending: list[float] = []
        self._n_pending = 0
        self._block_format = struct.Struct(f"={BLOCK_ROWS * width}d")
        """A full block's values as native doubles, in order."""

    def append(self, row: list[float]) -> None:
        """Keep ``row`` (its values now: the list may change afterwards) as the next row. A
        ValueError if it is not ``width`` long."""
        if len(row) != self.width:
            raise ValueError(f"a row of {len(row)} values in a buffer of rows of "
                             f"{self.width}")
        self._pending.extend(row)
        self.n_rows += 1
        self._n_pending += 1
        if self._n_pending == BLOCK_ROWS:
            packed = self._block_format.pack(*self._pending)
            self._blocks.append(np.frombuffer(packed).reshape(BLOCK_ROWS, self.width))
            self._pending = []
            self._n_pending = 0

    def array(self) -> np.ndarray:
        """Every row so far, [row, column] (a new array)."""
        pending = np.array(self._pending, dtype=float).reshape(self._n_pending, self.width)
        if not self._blocks:
            return pending
        return np.concatenate([*self._blocks, pending])

    def clear(self) -> None:
        """Forget every row."""
        self._blocks = []
        self._pending = []
        self._n_pending = 0
        self.n_rows = 0
