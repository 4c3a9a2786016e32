"""A regime starting with the run is in force from its first instant, as an event is.

Its first state used to be entered by its SimPy process, whose first step came after the
mines' first lots of that instant: those lots (one a mine, at the warm-up's first instant
or at day 0 without a warm-up) were mined and dispatched as if the state's effects were not
yet in force, a documented exception to "in force from its start". The engine now enters
the first state as it builds the world, where events starting then are applied.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.shocks.conftest import direct_scenario

HOT = {"effects": {"capacity_factor": 0.5}}


def regime(initial: str = "hot", **extra: Any) -> dict[str, Any]:
    return {"targets": {"sites": ["mine"]}, "initial": initial,
            "states": {"calm": {}, "hot": HOT},
            "rates_per_year": {"calm": {"hot": 1e-9}, "hot": {"calm": 1e-9}},
            "assumption": "t", **extra}


def daily_exports(build, shocks: dict[str, Any], warmup: int = 0) -> list[float]:
    """Copper exported on each measured day, and in the whole run (warm-up included) as
    the last item."""
    world = build.run_world(direct_scenario(build, horizon=20, warmup=warmup, shocks=shocks))
    return [*world.recorder.exported[:, 0].sum(axis=-1).tolist(),
            float(world.ledger.mined.sum())]


@pytest.mark.parametrize("warmup", [0, 5])
def test_the_first_lots_are_under_the_first_state(build, warmup: int) -> None:
    # hot halves the mine's 100 t/day from the first instant, the warm-up's if there is
    # one: the lot of that instant too (it was 100 t)
    exports = daily_exports(build, {"regimes": {"r": regime()}}, warmup)
    assert exports == [50.0] * 20 + [50.0 * (20 + warmup)]
    # just as an event with the same effect over the whole run
    event = {"targets": {"sites": ["mine"]}, "start": -warmup, **HOT}
    assert daily_exports(build, {"events": {"e": event}}, warmup) == exports


def test_a_regime_starting_later_still_waits_for_its_start(build) -> None:
    exports = daily_exports(build, {"regimes": {"r": regime(start=3)}})
    assert exports == [100.0] * 3 + [50.0] * 17 + [100.0 * 3 + 50.0 * 17]
