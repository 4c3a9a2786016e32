"""An added delay at a port holds a lot at the quay, inside the port's dwell (review 49:
held after loading, it left ``mean_dwell_days`` unchanged while the port's holdings rose,
so the baseline's Durban disruptions were invisible in the port's figures).

Chains are deterministic: the mine ships a 100 t lot at every whole day from 0, lots
reach the port half a day later, ships leave every 4 days, and the delay is a fixed 10
days from the start, so dwell times follow by hand."""

from __future__ import annotations

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
        data["shocks"] = DELAY
    return data


def dwell(world) -> tuple[float, float]:
    occ = world.sites[world.site_index["port"]].occupancy
    return occ.dwell_tonne_days, occ.through_t


def test_a_delayed_lot_waits_at_the_quay_for_a_later_ship(build) -> None:
    # lots of days 4j..4j+3 (in at t + 0.5) meet the ship of 4(j+1), are held to
    # 4(j+1) + 10 and leave on the ship of 4(j+1) + 12
    world = build.run_world(sea_chain(build, 60, True))
    days = [4 * (t // 4 + 1) + 12 - (t + 0.5) for t in range(60) if 4 * (t // 4 + 1) + 12 < 60]
    tonne_days, through = dwell(world)
    assert through == pytest.approx(100.0 * len(days), **EXACT)
    assert tonne_days / through == pytest.approx(sum(days) / len(days), **EXACT)


def test_a_held_lot_takes_no_room_on_the_ship(build) -> None:
    # ships of 400 t: the lots at the head of the line that the delay holds are not
    # loaded, so the ship fills with the lots behind them and counts only those
    world = build.run_world(sea_chain(build, 60, True, vessel_t=400.0))
    sail = world.sites[world.site_index["port"]].sailings[0]
    _, through = dwell(world)
    assert sail.loaded_product_t == pytest.approx(through, **EXACT)
    assert sail.loaded_product_t <= 400.0 * sail.departures
    # a held lot rejoins the end of the line, behind lots that came in meanwhile: the ship
    # of t = 16 holds the lots of days 12-13 (ahead of the rejoined ones) and loads days
    # 0-3, leaving days 14-15 for the ship of t = 20, which holds them; so the ship of
    # t = 28 finds only days 12-13 ready, and by t = 56 42 lots have left (44 without the
    # limit). Held after loading, as before, all 4 lots of each ship left at once: 56
    assert through == pytest.approx(4200.0, **EXACT)


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
