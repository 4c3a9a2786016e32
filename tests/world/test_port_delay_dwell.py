"""An added delay at a port holds a lot at the quay, inside the port's dwell (review 49:
held after loading, it left ``mean_dwell_days`` unchanged while the port's holdings rose,
so the baseline's Durban disruptions were invisible in the port's figures), and before
the lot joins its ship's line (review 51: held when its ship loaded, a delay cost whole
sailing intervals, ships left part-empty beside ready lots, and a backlog with any delay
never cleared).

Chains are deterministic: the mine ships a 100 t lot at every whole day from 0, lots
reach the port half a day later, ships leave every 4 days, and the delay is a fixed 10
days from the start, so dwell times follow by hand."""

from __future__ import annotations

import copy
import math

import pytest

EXACT = {"rel": 1e-12, "abs": 1e-9}
DELAY = {"events": {"strike": {"start": 0, "targets": {"sites": ["port"]},
                               "effects": {"added_delay_days": 10}, "assumption": "test"}}}


def sea_chain(build, horizon: float, delay: bool, vessel_t: float = 1e6) -> dict:
    data = build.scenario(
        {"mine": build.mine(), "port": build.port(), "market": build.market()},
        [build.lane("mine", "port", 0.5),
         build.lane("port", "market", 10, mode="sea",
                    sailing={"interval_days": 4, "vessel_t": vessel_t})],
        ["port", "market"], horizon=horizon)
    if delay:
        data["shocks"] = copy.deepcopy(DELAY)
    return data


def dwell(world) -> tuple[float, float]:
    occ = world.sites[world.site_index["port"]].occupancy
    return occ.dwell_tonne_days, occ.through_t


def ship_after(t: float, interval: float = 4.0) -> float:
    """The first sailing (every ``interval`` days from 0) after time ``t`` (not a sailing)."""
    return interval * math.ceil(t / interval)


def test_a_delayed_lot_waits_at_the_quay_then_takes_the_next_ship(build) -> None:
    # the lot of day t is in at t + 0.5, held to t + 10.5, then waits for the next ship:
    # the delay adds its own 10 days, not whole sailing intervals (held when its ship
    # loaded, it waited 4(j+1) + 12: a delay of 10 cost 12)
    world = build.run_world(sea_chain(build, 60, True))
    days = [ship_after(t + 10.5) - (t + 0.5) for t in range(60) if ship_after(t + 10.5) < 60]
    tonne_days, through = dwell(world)
    assert through == pytest.approx(100.0 * len(days), **EXACT)
    assert tonne_days / through == pytest.approx(sum(days) / len(days), **EXACT)
    # over whole cycles of four lots: the delay and half an interval
    assert sum(days[:44]) / 44 == pytest.approx(10 + 2.0)


def test_ships_fill_with_ready_lots_while_others_are_held(build) -> None:
    # Ships of 300 t take 3 of the 4 lots each 4 days brings: a backlog grows by a lot a
    # ship. Lots ready at t + 10.5 are loaded first come first served: the ship of 12
    # takes the 2 ready then, and every later one is full. Held when their ship loaded,
    # the lots at the head of the backlog were the ones just in and still owing the
    # delay: ships left part-empty beside ready lots, which rejoined behind them.
    world = build.run_world(sea_chain(build, 60, True, vessel_t=300.0))
    sail = world.sites[world.site_index["port"]].sailings[0]
    tonne_days, through = dwell(world)
    assert sail.loaded_product_t == pytest.approx(through, **EXACT)
    # ships of 12, 16, ..., 56: 2 lots, then 3 each
    assert through == pytest.approx(100.0 * (2 + 3 * 11), **EXACT)
    # first in, first out: the k-th lot (day k) leaves on the ship of 12 for k < 2, then
    # on that of 12 + 4 ceil((k - 1) / 3)
    ships = [12.0 if k < 2 else 12.0 + 4 * math.ceil((k - 1) / 3) for k in range(35)]
    assert tonne_days == pytest.approx(sum(100.0 * (s - (k + 0.5))
                                           for k, s in enumerate(ships)), **EXACT)


def test_a_lot_waiting_when_the_delay_begins_is_held_when_its_ship_loads(build) -> None:
    # the delay begins at day 2.25: lots of days 0-1 (in at 0.5, 1.5) are in line; the
    # ship of 4 holds them to 14 and they take the ship of 16; lots of days 2-5 (in at
    # 2.5 ... 5.5) are held on arrival to 12.5 ... 15.5 and take the ship of 16 too
    data = sea_chain(build, 17, True)
    data["shocks"]["events"]["strike"]["start"] = 2.25
    world = build.run_world(data)
    tonne_days, through = dwell(world)
    assert through == pytest.approx(600.0, **EXACT)
    assert tonne_days == pytest.approx(100.0 * sum(16 - (t + 0.5) for t in range(6)),
                                       **EXACT)


def test_a_lot_leaving_a_ports_handling_by_sea_is_held_before_its_ship(build) -> None:
    # 100 t lots handled at 400 t/day: out at t + 0.75, held to t + 10.75, next ship
    data = sea_chain(build, 60, True)
    data["sites"]["port"]["throughput_t_per_day"] = 400.0
    world = build.run_world(data)
    days = [ship_after(t + 10.75) - (t + 0.5) for t in range(60)
            if ship_after(t + 10.75) < 60]
    tonne_days, through = dwell(world)
    assert through == pytest.approx(100.0 * len(days), **EXACT)
    assert tonne_days / through == pytest.approx(sum(days) / len(days), **EXACT)


def test_without_the_delay_the_same_lots_dwell_only_for_their_ship(build) -> None:
    world = build.run_world(sea_chain(build, 60, False))
    days = [4 * (t // 4 + 1) - (t + 0.5) for t in range(60) if 4 * (t // 4 + 1) < 60]
    tonne_days, through = dwell(world)
    assert tonne_days / through == pytest.approx(sum(days) / len(days), **EXACT)


def test_a_lot_going_on_by_land_is_held_after_the_handling(build) -> None:
    # 100 t lots handled at 200 t/day (half a day, nobody waits), then held 10 days
    data = build.scenario(
        {"mine": build.mine(), "port": build.port(throughput_t_per_day=200.0),
         "market": build.market()},
        [build.lane("mine", "port", 0.5), build.lane("port", "market", 1)],
        ["port", "market"], horizon=40)
    data["shocks"] = DELAY
    world = build.run_world(data)
    tonne_days, through = dwell(world)
    # lots of days 0..28 leave at t + 11 < 40
    assert through == pytest.approx(100.0 * 29, **EXACT)
    assert tonne_days / through == pytest.approx(10.5, **EXACT)
    # what is held at the end: lots of days 29..39, each at the port
    port = world.sites[world.site_index["port"]]
    assert port.held()[0] == pytest.approx(100.0 * 11, **EXACT)
