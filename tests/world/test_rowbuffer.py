"""Rows kept a day at a time (sim/world/rowbuffer.py) and the memory cells of the hot
path's arrays (sim/world/ledger.py ``cells``): exact cases."""

from __future__ import annotations

import numpy as np
import pytest

from sim.world.ledger import cells
from sim.world.rowbuffer import BLOCK_ROWS, RowBuffer


def test_rows_come_back_in_order_across_blocks() -> None:
    rows = RowBuffer(3)
    n = 2 * BLOCK_ROWS + 7  # two full blocks and some rows pending
    for i in range(n):
        rows.append([float(i), i + 0.25, -float(i)])
    got = rows.array()
    assert rows.n_rows == n
    assert got.shape == (n, 3) and got.dtype == np.float64
    assert got[:, 0].tolist() == [float(i) for i in range(n)]
    assert got[:, 1].tolist() == [i + 0.25 for i in range(n)]
    assert got[:, 2].tolist() == [-float(i) for i in range(n)]


def test_a_row_is_kept_as_it_was_when_appended() -> None:
    rows = RowBuffer(2)
    today = [1.0, 2.0]
    rows.append(today)
    today[:] = [0.0, 0.0]  # the day book clears its buffer after keeping it
    rows.append(today)
    assert rows.array().tolist() == [[1.0, 2.0], [0.0, 0.0]]


def test_the_array_is_a_copy_the_rows_do_not_share() -> None:
    rows = RowBuffer(1)
    for i in range(BLOCK_ROWS + 1):
        rows.append([float(i)])
    first = rows.array()
    first[:] = -1.0
    assert rows.array()[:, 0].tolist() == [float(i) for i in range(BLOCK_ROWS + 1)]


def test_a_row_of_another_width_is_refused() -> None:
    rows = RowBuffer(3)
    with pytest.raises(ValueError, match="a row of 2 values in a buffer of rows of 3"):
        rows.append([1.0, 2.0])
    assert rows.n_rows == 0


def test_clear_forgets_every_row_and_empty_buffers_read_as_empty_arrays() -> None:
    rows = RowBuffer(4)
    assert rows.array().shape == (0, 4)
    for _ in range(BLOCK_ROWS + 3):
        rows.append([1.0, 2.0, 3.0, 4.0])
    rows.clear()
    assert rows.n_rows == 0 and rows.array().shape == (0, 4)
    rows.append([5.0, 6.0, 7.0, 8.0])
    assert rows.array().tolist() == [[5.0, 6.0, 7.0, 8.0]]
    none = RowBuffer(0)  # a world without markets keeps rows of no slots
    for _ in range(BLOCK_ROWS + 1):
        none.append([])
    assert none.array().shape == (BLOCK_ROWS + 1, 0)


def test_cells_read_and_write_the_array_itself() -> None:
    values = np.zeros((3, 2))
    row = cells(values[1])
    row[0] += 2.5
    row[1] = 7.0
    assert values.tolist() == [[0.0, 0.0], [2.5, 7.0], [0.0, 0.0]]
    values[1, 0] = 4.0
    assert row[0] == 4.0 and isinstance(row[0], float)


@pytest.mark.parametrize("values", [np.zeros(3, dtype=np.float32), np.zeros(3, dtype=int),
                                    np.zeros((3, 2))[:, 0]])
def test_cells_of_an_array_not_contiguous_float64_are_refused(values: np.ndarray) -> None:
    with pytest.raises(ValueError, match="a contiguous float64 array is needed"):
        cells(values)
