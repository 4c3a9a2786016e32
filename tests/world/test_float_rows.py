"""Rows of floats the hot path adds to in place (sim/world/floatrows.py): lists in plain
Python, mypyc's unboxed vectors (``librt.vecs.vec[float]``) in the compiled build. The plain
source runs on vectors too, so here it does, and must give what it gives on lists, bit for
bit (tests/test_compiled_build.py checks the compiled build itself)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment.replication import run_replication
from sim.streams import Streams
from sim.world import floatrows
from sim.world.floatrows import float_row, grown_row, row_view, zero_row
from sim.world.queues import WAITS_ROOM, ServerStats
from sim.world.rowbuffer import RowBuffer
from sim.world.world import World

vecs = pytest.importorskip("librt.vecs", reason="librt (installed with mypy) is not here")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=[False, True], ids=["lists", "vectors"])
def unboxed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(floatrows, "UNBOXED", request.param)
    return bool(request.param)


def test_a_row_holds_the_values_given_as_floats(unboxed: bool) -> None:
    row = float_row([1, 2.5])
    assert isinstance(row, vecs.vec) == unboxed and isinstance(row, list) != unboxed
    assert list(row) == [1.0, 2.5] and all(type(v) is float for v in row)
    row[1] = row[1] + 1.0
    assert list(row) == [1.0, 3.5]
    assert list(zero_row(3)) == [0.0, 0.0, 0.0]


def test_a_vectors_view_shares_its_memory_and_a_list_has_none(unboxed: bool) -> None:
    row = zero_row(3)
    view = row_view(row)
    if not unboxed:
        assert view is None
        return
    assert view is not None and view.dtype == np.float64
    row[2] = row[2] + 4.5  # what the hot path adds shows in the view
    assert view.tolist() == [0.0, 0.0, 4.5]


def test_a_grown_row_has_the_values_then_zeros_and_leaves_the_old_row_alone(
        unboxed: bool) -> None:
    row = float_row([1.0, 2.0])
    grown = grown_row(row)
    assert list(grown) == [1.0, 2.0, 0.0, 0.0]
    grown[0] = 9.0
    assert list(row) == [1.0, 2.0]
    assert list(grown_row(zero_row(0))) == [0.0]


def test_a_servers_waits_grow_past_their_first_room_in_order(unboxed: bool) -> None:
    stats = ServerStats(0.0)
    n = 2 * WAITS_ROOM + 3
    for i in range(n):
        stats.add_wait(i / 4)
    assert stats.n_waits == n
    assert stats.wait_days().tolist() == [i / 4 for i in range(n)]
    stats.reset(1.0)
    assert stats.n_waits == 0 and stats.wait_days().tolist() == []


def test_rows_appended_from_lists_and_arrays_come_back_in_order() -> None:
    rows = RowBuffer(2, capacity=1)  # room for one row: the array must grow
    for i in range(5):
        if i % 2:
            rows.append_array(np.array([float(i), -float(i)]))
        else:
            rows.append([float(i), -float(i)])
    assert rows.n_rows == 5
    assert rows.array().tolist() == [[float(i), -float(i)] for i in range(5)]
    assert rows.sum().tolist() == [10.0, -10.0]
    with pytest.raises(ValueError, match="a row of 3 values in a buffer of rows of 2"):
        rows.append_array(np.zeros(3))


def test_a_world_on_vectors_keeps_them_where_the_hot_path_adds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(floatrows, "UNBOXED", True)
    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml", ["horizon_days=60"])
    world = World(sc, Streams(1, 0))
    assert all(isinstance(row, vecs.vec) for row in world.ledger.rows("site_in"))
    assert isinstance(world.ledger.site_net, vecs.vec)
    assert isinstance(world.book.buf, vecs.vec)
    assert world.book._buf_view is not None  # noqa: SLF001 - the day's end copies it
    world.run()
    world.check_mass_balance()
    world.close()


def test_a_replication_on_vectors_is_the_one_on_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "m23_escalation.yaml")
    on_lists = run_replication(sc, 5, 0)
    monkeypatch.setattr(floatrows, "UNBOXED", True)
    on_vectors = run_replication(sc, 5, 0)
    assert on_vectors.events == on_lists.events
    assert on_vectors.kpi_labels == on_lists.kpi_labels
    assert np.array_equal(on_vectors.kpi_values(), on_lists.kpi_values(), equal_nan=True)
    assert np.array_equal(on_vectors.series, on_lists.series)
    assert on_vectors.timeline == on_lists.timeline
