"""Builders for shock and policy tests: a mine whose only lane leads straight abroad."""

from __future__ import annotations

from typing import Any

import pytest

from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World


def direct_scenario(build, *, transit: float = 10.0, horizon: int = 100, warmup: int = 0,
                    shocks: dict[str, Any] | None = None,
                    policies: dict[str, Any] | None = None,
                    extra_channels: dict[str, Any] | None = None, **mine: Any) -> dict[str, Any]:
    """100 t/day of copper from ``mine`` (COD) on one lane to ``market`` (CHN): a lot is
    exported the moment it leaves the mine."""
    data = build.scenario({"mine": build.mine(**mine), "market": build.market()},
                          [build.lane("mine", "market", transit)], ["market"],
                          horizon=horizon, warmup=warmup)
    if shocks:
        data["shocks"] = shocks
    if policies:
        data["policies"] = policies
    if extra_channels:
        data["channels"].update(extra_channels)
    return data


def make_world(data: dict[str, Any], seed: int = 1, rep: int = 0) -> World:
    return World(scenario_from_dict(data), Streams(seed, rep))


@pytest.fixture
def direct(build):
    return lambda **kw: direct_scenario(build, **kw)


@pytest.fixture
def world_of():
    """``world_of(data, seed=1, rep=0)``: a World for a scenario mapping."""
    return make_world


def run_checked(data: dict[str, Any], seed: int = 1) -> World:
    """The World of scenario mapping ``data``, run, with its mass balance checked."""
    world = make_world(data, seed)
    world.run()
    world.check_mass_balance()
    return world


@pytest.fixture
def ran():
    """``ran(data, seed=1)``: the World of a scenario mapping, run, its mass balance
    checked (which raises on a violation)."""
    return run_checked
