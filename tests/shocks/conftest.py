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


def home_refiner_scenario(build, policies: dict[str, Any], horizon: int) -> dict[str, Any]:
    """A refiner in COD refining 100 t/day (plenty of feed) that sells 95% to a market in
    CHN (3 days) and 5% to one at home (1 day, demand 5 t/day), under ``policies``."""
    refiner = build.site("refiner", capacity_t_per_year={"copper": 100 * build.DAYS_PER_YEAR},
                         initial_feed_t={"copper": 30_000.0},
                         sales={"copper": {"market": 0.95, "local": 0.05}})
    sites = {"mine": build.mine(t_per_year=1.0), "ref": refiner, "market": build.market(),
             "local": build.site("market", demand_t_per_year={"copper": 5 * build.DAYS_PER_YEAR})}
    lanes = [build.lane("mine", "ref", 2), build.lane("ref", "market", 3),
             build.lane("ref", "local", 1)]
    return build.scenario(sites, lanes, ["ref"], horizon=horizon, policies=policies)


@pytest.fixture
def home_refiner(build):
    """``home_refiner(policies, horizon)``: :func:`home_refiner_scenario`."""
    return lambda policies, horizon: home_refiner_scenario(build, policies, horizon)


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


@pytest.fixture
def lane_entries(monkeypatch):
    """Tonnes entering each lane during the test, as (lane id, time, tonnes)."""
    from sim.world import lanes as lanes_module

    log: list[tuple[str, float, float]] = []
    enter = lanes_module.Lane.enter

    def logged(lane, lot):
        log.append((lane.id, round(lane.env.now, 6), lot.tonnes))
        return enter(lane, lot)

    monkeypatch.setattr(lanes_module.Lane, "enter", logged)
    return log
