"""Rows kept a day at a time (sim/world/rowbuffer.py) and the memory cells of the hot
path's arrays (sim/world/ledger.py ``cells``): exact cases."""

from __future__ import annotations

import numpy as np
import pytest

from sim.world.ledger import cells
from sim.world.rowbuffer import BLOCK_VALUES, RowBuffer


def test_rows_come_back_in_order_across_blocks() -> None:
    rows = RowBuffer(3)
    assert rows.block_rows == BLOCK_VALUES // 3
    n = 2 * rows.block_rows + 7  # two full blocks and some rows pending
    for i in range(n):
        rows.append([float(i), i + 0.25, -float(i)])
    got = rows.array()
    assert rows.n_rows == n
    assert got.shape == (n, 3) and got.dtype == np.float64
    assert got[:, 0].tolist() == [float(i) for i in range(n)]
    assert got[:, 1].tolist() == [i + 0.25 for i in range(n)]
    assert got[:, 2].tolist() == [-float(i) for i in range(n)]


@pytest.mark.parametrize("blocks", [0, 0.5, 1, 5.2])
def test_the_sum_is_the_arrays_column_sums_to_the_last_bit(blocks: float) -> None:
    # values whose sums round differently in another order: the day book's cumulative
    # flows must be what summing its rows gives, bit for bit, whenever they are asked for
    rng = np.random.default_rng(5)
    rows = RowBuffer(1000)  # 4 rows a block; room for 4 made to grow past
    n = int(blocks * rows.block_rows * 5)
    for i in range(n):
        rows.append((rng.random(1000) * 10.0 ** rng.integers(-8, 8, 1000)).tolist())
        if i % 7 == 3:  # asked for now and then, as the day book's flows are
            assert rows.sum().tobytes() == rows.array().sum(axis=0).tobytes()
    got = rows.sum()
    assert got.shape == (1000,)
    assert got.tobytes() == rows.array().sum(axis=0).tobytes()
    assert rows.array().shape == (n, 1000)


def test_a_row_is_kept_as_it_was_when_appended() -> None:
    rows = RowBuffer(2)
    today = [1.0, 2.0]
    rows.append(today)
    today[:] = [0.0, 0.0]  # the day book clears its buffer after keeping it
    rows.append(today)
    assert rows.array().tolist() == [[1.0, 2.0], [0.0, 0.0]]


def test_the_array_is_a_copy_the_rows_do_not_share() -> None:
    rows = RowBuffer(1000)
    n = rows.block_rows + 1
    for i in range(n):
        rows.append([float(i)] * 1000)
    first = rows.array()
    first[:] = -1.0
    assert rows.array()[:, 0].tolist() == [float(i) for i in range(n)]


def test_a_row_of_another_width_is_refused() -> None:
    rows = RowBuffer(3)
    with pytest.raises(ValueError, match="a row of 2 values in a buffer of rows of 3"):
        rows.append([1.0, 2.0])
    assert rows.n_rows == 0


def test_clear_forgets_every_row_and_empty_buffers_read_as_empty_arrays() -> None:
    rows = RowBuffer(1000)
    assert rows.array().shape == (0, 1000) and rows.sum().tolist() == [0.0] * 1000
    for _ in range(rows.block_rows + 3):
        rows.append([1.0] * 1000)
    rows.sum()
    rows.clear()
    assert rows.n_rows == 0 and rows.array().shape == (0, 1000)
    rows.append([2.0] * 1000)
    assert rows.array().tolist() == [[2.0] * 1000]
    assert rows.sum().tolist() == [2.0] * 1000
    none = RowBuffer(0)  # a world without markets keeps rows of no slots
    for _ in range(none.block_rows + 1):
        none.append([])
    assert none.array().shape == (none.block_rows + 1, 0)


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
