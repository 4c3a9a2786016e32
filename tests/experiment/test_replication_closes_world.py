"""run_replication closes its world (World.close) once the results are read, and when the
replication fails too: in the compiled build an unclosed world is never freed (review 97:
taking the call out left every test green; tests/test_compiled_build.py now checks that a
compiled replication's world is freed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment import replication
from sim.world.world import World

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.fixture
def closed(monkeypatch) -> list[World]:
    worlds: list[World] = []
    close = World.close

    def recording_close(self: World) -> None:
        worlds.append(self)
        close(self)

    monkeypatch.setattr(World, "close", recording_close)
    return worlds


def test_a_replication_closes_its_world(closed) -> None:
    res = replication.run_replication(sim.load_scenario(TINY), 1, 0)
    assert len(closed) == 1 and closed[0].env._queue == []  # noqa: SLF001
    assert closed[0].env.clock.wakeups == []
    assert res.events > 0 and len(res.kpi_labels) > 0


def test_a_failed_replication_closes_its_world_too(closed, monkeypatch) -> None:
    def broken(self: World, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("injected")

    monkeypatch.setattr(World, "check_mass_balance", broken)
    with pytest.raises(RuntimeError, match="injected"):
        replication.run_replication(sim.load_scenario(TINY), 1, 0)
    assert len(closed) == 1


def test_numpy_seeds_give_the_same_replication() -> None:
    # the compiled build's Streams takes plain ints only; np.arange gives numpy's
    sc = sim.load_scenario(TINY)
    a = replication.run_replication(sc, np.int64(4), np.int64(2))
    b = replication.run_replication(sc, 4, 2)
    assert a.kpi_array.tobytes() == b.kpi_array.tobytes()
