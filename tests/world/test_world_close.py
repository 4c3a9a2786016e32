"""World.close ends the processes left waiting at the horizon and empties the queue.

A replication closes its world once its results are read: in the compiled build the
suspended generators of those processes hid their references from the cyclic garbage
collector, so no finished world was ever freed (1 GB a worker over 100 replications;
tests/test_compiled_build.py checks a compiled world is freed). Here, in the plain build:
closing leaves no process suspended and nothing queued, on SimPy's heap or the wake-ups'
own, and the results read before stay.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from simpy.events import Process

import sim
import sim.world.wakeups as wakeups
from sim.streams import Streams
from sim.world.world import World

ROOT = Path(__file__).resolve().parents[2]


def suspended_processes(world: World) -> list[Process]:
    return [cb.__self__ for *_key, event in world.env._queue  # noqa: SLF001
            for cb in event.callbacks or ()
            if isinstance(getattr(cb, "__self__", None), Process)]


@pytest.mark.parametrize("typed", [False, True], ids=["tuple-heap", "typed-heap"])
def test_close_ends_the_waiting_processes_and_empties_the_queue(
        typed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # with the typed heap (the compiled build's) the wake-ups wait on a heap of their own
    monkeypatch.setattr(wakeups, "TYPED_SCHEDULE", typed)
    sc = sim.load_scenario(ROOT / "scenarios" / "m23_escalation.yaml")
    world = World(sc, Streams(1, 0))
    world.run()
    waiting = suspended_processes(world)
    # conflict regimes and incident arrivals wait past the end (mines produce, and ships
    # sail, on events that call back, not in processes)
    assert len(waiting) >= 5 and all(p.is_alive for p in waiting)
    balance = world.check_mass_balance()
    assert (wakeups.waiting(world.env.clock) > 0) is typed  # lots still on the way
    world.close()
    assert world.env._queue == [] and wakeups.waiting(world.env.clock) == 0  # noqa: SLF001
    assert all(p._generator.gi_frame is None for p in waiting)  # noqa: SLF001 - closed
    # what was read stays readable, unchanged
    assert world.check_mass_balance().max_abs_error_t.tolist() == \
        balance.max_abs_error_t.tolist()
