"""The planned wait for a ship is E[I^2] / (2 E[I]) for sailing intervals I, not half the
mean interval (review 51: with exponential intervals of mean 7 days the lots at a port
waited 7 days, while ``sim show``, ``fastest`` routing and the warm-up note counted 3.5)."""

from __future__ import annotations

import pytest

from sim.scenario.loader import scenario_from_dict
from sim.scenario.plan import expected_route_days


def sea_chain(build, interval, horizon: float = 50) -> dict:
    return build.scenario(
        {"mine": build.mine(), "port": build.port(), "market": build.market()},
        [build.lane("mine", "port", 0.5),
         build.lane("port", "market", 10, mode="sea",
                    sailing={"interval_days": interval, "vessel_t": 1e6})],
        ["port", "market"], horizon=horizon)


@pytest.mark.parametrize(("interval", "wait_days"), [
    (7, 3.5),                                             # regular: half the interval
    ({"dist": "exponential", "mean": 7}, 7.0),             # memoryless: the whole mean
    ({"dist": "uniform", "low": 2, "high": 12}, (100 / 12 + 49) / 14),
])
def test_the_planned_wait_for_a_ship_counts_the_spread_of_sailings(
        build, interval, wait_days: float) -> None:
    sc = scenario_from_dict(sea_chain(build, interval))
    days = expected_route_days(sc, ["mine_port", "port_market"])
    assert days == pytest.approx(0.5 + 10 + wait_days, rel=1e-12)


def test_lots_wait_for_exponential_sailings_as_planned(build) -> None:
    # the simulated mean wait at the port (its dwell), over some 2,800 sailings, against
    # the plan's wait
    data = sea_chain(build, {"dist": "exponential", "mean": 7}, horizon=20_000)
    planned_wait = expected_route_days(scenario_from_dict(data),
                                       ["mine_port", "port_market"]) - 10.5
    world = build.run_world(data)
    occ = world.sites[world.site_index["port"]].occupancy
    assert occ.dwell_tonne_days / occ.through_t == pytest.approx(planned_wait, abs=0.5)
