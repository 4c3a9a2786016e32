"""A run leaves no cyclic garbage behind: what it is done with goes with its last reference.

A border post's job and the wakeup that ends its service pointed at each other, so every
cleared lot (its job, wakeup and lists) waited for the cyclic collector: 350,000 objects per
10-year baseline replication, 300 collections and about 15% of the replication's time.
FifoServer._finish now unlinks them. The world itself is cyclic (sites and lanes point at
it and back) and is freed by one collection once the replication is read; this checks what
the run discards while the world is still alive.
"""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path

import pytest

import sim
from sim.streams import Streams
from sim.world.world import World

ROOT = Path(__file__).resolve().parents[2]


def cyclic_garbage_of_run(path: Path, overrides: list[str]) -> Counter[str]:
    """Types of the objects that only the cyclic collector could free, made by one run."""
    sc = sim.load_scenario(path, overrides)
    gc.collect()
    gc.disable()
    try:
        world = World(sc, Streams(3, 0))
        world.run()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found = Counter(type(o).__qualname__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    world.close()
    return found


@pytest.mark.parametrize("name, overrides", [
    ("baseline", ["horizon_days=730"]),
    # closures and throttles reschedule the clearances in service (set_capacity_factor)
    ("corridor_shocks", []),
    ("m23_escalation", []),
])
def test_a_run_makes_no_cyclic_garbage(name: str, overrides: list[str]) -> None:
    assert cyclic_garbage_of_run(ROOT / "scenarios" / f"{name}.yaml", overrides) == Counter()
