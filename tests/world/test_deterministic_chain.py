"""Deterministic chains whose deliveries, lead times, waits and stocks are known exactly.

Every transit, service and sailing interval is fixed, so a replication is a pure function
of the scenario; expected values are worked out here with plain arithmetic over the lots
(lot k leaves its mine at time k x lot period, counted from the start of the warm-up).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from sim.experiment import run_replication
from sim.metrics.series import catalogue
from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World

EXACT = {"rel": 1e-12, "abs": 1e-9}


def kpis_of(sc, seed: int = 0) -> dict[tuple[str, str, str, str], float]:
    res = run_replication(sc, seed, 0)
    return {(com, chan, site, metric): value for com, chan, site, metric, _u, value in res.kpis}


def world_of(sc, seed: int = 0) -> World:
    world = World(sc, Streams(seed, 0))
    world.run()
    return world


def total(k: dict, metric: str, site: str = "all", commodity: str = "copper") -> float:
    key = (commodity, "all", site, metric) if commodity != "all" else ("all", "all", site, metric)
    return k[key]


# ----------------------------------------------------------------------------- one lane
def one_lane(build: SimpleNamespace, transit: float = 5, horizon: int = 50, warmup: int = 0,
             **top) -> dict:
    return build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", transit)], ["market"],
                          horizon=horizon, warmup=warmup, **top)


@pytest.mark.parametrize("warmup", [0, 10])
def test_single_lane_chain_is_exact(build: SimpleNamespace, warmup: int) -> None:
    horizon, transit, lot_t = 50, 5.0, 100.0
    sc = scenario_from_dict(one_lane(build, transit, horizon, warmup))
    k = kpis_of(sc)
    t0, t_end = warmup, warmup + horizon
    lots = range(t_end)  # lots leave at t = 0, 1, ..., t_end - 1
    mined = sum(lot_t for t in lots if t >= t0)
    arrived = [t for t in lots if t0 <= t + transit < t_end]
    on_lane = [t for t in lots if t + transit >= t_end]

    assert mined == 5000.0
    for chan in ("formal", "all"):
        assert k[("copper", chan, "all", "mined_t")] == pytest.approx(mined, **EXACT)
        assert k[("copper", chan, "all", "exported_t")] == pytest.approx(mined, **EXACT)
        assert k[("copper", chan, "all", "delivered_t")] == pytest.approx(
            lot_t * len(arrived), **EXACT)
        assert k[("copper", chan, "all", "mean_lead_time_days")] == pytest.approx(5.0, **EXACT)
        assert k[("copper", chan, "all", "in_transit_end_t")] == pytest.approx(
            lot_t * len(on_lane), **EXACT)
    assert len(on_lane) == 5
    assert total(k, "mass_balance_error_t") == 0.0
    assert total(k, "lost_t") == 0.0
    assert k[("copper", "formal", "all", "delivered_share")] == 1.0
    assert total(k, "control_hhi") == pytest.approx(10_000.0)
    # demand is counted for every measured day, and what is not consumed is short
    demand = 100.0 * horizon
    assert total(k, "consumed_t") + total(k, "shortfall_t") == pytest.approx(demand, **EXACT)
    assert total(k, "consumed_t", site="market") == total(k, "consumed_t")
    # the market starts the period empty (no initial stock) and holds what it did not
    # consume; nothing else holds metal
    assert total(k, "stock_end_t") == pytest.approx(
        total(k, "delivered_t") - total(k, "consumed_t"), **EXACT)


def test_single_lane_lot_period(build: SimpleNamespace) -> None:
    # lots of 200 t every 2 days at t = 0, 2, ..., 48
    sc = scenario_from_dict(one_lane(build, transit=5, horizon=50, lot_period_days=2))
    k = kpis_of(sc)
    lots = range(0, 50, 2)
    assert total(k, "mined_t") == pytest.approx(200.0 * len(lots), **EXACT)
    assert total(k, "delivered_t") == pytest.approx(
        200.0 * sum(1 for t in lots if t + 5 < 50), **EXACT)
    assert total(k, "mean_lead_time_days") == pytest.approx(5.0, **EXACT)


def test_single_lane_series(build: SimpleNamespace) -> None:
    sc = scenario_from_dict(one_lane(build, transit=5, horizon=50))
    res = run_replication(sc, 0, 0)
    cat = catalogue(sc)
    assert cat.n_periods == 8  # 7 full weeks and one day
    series = dict(zip(cat.keys, res.series, strict=True))
    mined = series[("copper", "mined_t", "formal", "t")]
    assert mined.tolist() == [700.0] * 7 + [100.0]
    delivered = series[("copper", "delivered_t", "CHN", "t")]
    # lots arrive at t = 5, ..., 49: days 5-6 in the first week, then every day
    assert delivered.tolist() == [200.0] + [700.0] * 6 + [100.0]
    assert float(delivered.sum()) == 4500.0
    # 5 lots of 100 t are on the lane at every day's end once the pipeline is full
    in_transit = series[("copper", "in_transit_t", "all", "t")]
    assert in_transit[1:].tolist() == [500.0] * 7


# ----------------------------------------------------------------------------- border post
def via_border(build: SimpleNamespace, trucks_per_day: float, *, grade: float = 1.0,
               servers: int = 1, mines: tuple[str, ...] = ("mine",), horizon: int = 50,
               warmup: int = 10) -> dict:
    sites = {m: build.mine() for m in mines}
    sites["border"] = build.border(trucks_per_day, servers=servers)
    sites["market"] = build.market()
    lanes = [build.lane(m, "border", 2) for m in mines] + [build.lane("border", "market", 3)]
    data = build.scenario(sites, lanes, ["border", "market"], horizon=horizon, warmup=warmup)
    data["commodities"]["copper"]["forms"]["cathode"]["grade"] = grade
    return data


@pytest.mark.parametrize(("grade", "trucks_per_day", "service"), [
    (1.0, 8.0, 0.5),    # 100 t = 4 trucks of 25 t; 4 / 8 = 0.5 days
    (0.5, 8.0, 1.0),    # 100 t of metal = 200 t of product = 8 trucks
    (1.0, 16.0, 0.25),
])
def test_border_post_chain_lead_time_is_transit_plus_service(
        build: SimpleNamespace, grade: float, trucks_per_day: float, service: float) -> None:
    warmup, horizon = 10, 50
    sc = scenario_from_dict(via_border(build, trucks_per_day, grade=grade,
                                       warmup=warmup, horizon=horizon))
    k = kpis_of(sc)
    t0, t_end = warmup, warmup + horizon
    lots = range(t_end)
    lead = 2.0 + service + 3.0
    trucks_per_lot = 100.0 / (grade * 25.0)
    assert total(k, "mean_lead_time_days") == pytest.approx(lead, **EXACT)
    assert total(k, "delivered_t") == pytest.approx(
        100.0 * sum(1 for t in lots if t0 <= t + lead < t_end), **EXACT)
    # lots leave the border (and the country) at t + 2 + service
    cleared = [t for t in lots if t0 <= t + 2 + service < t_end]
    assert total(k, "throughput_t", site="border") == pytest.approx(100.0 * len(cleared),
                                                                     **EXACT)
    assert total(k, "exported_t") == pytest.approx(100.0 * len(cleared), **EXACT)
    assert total(k, "throughput_trucks", "border", "all") == pytest.approx(
        trucks_per_lot * len(cleared), **EXACT)
    assert total(k, "mean_wait_days", "border", "all") == 0.0
    # busy [t + 2, t + 2 + service) for each lot, clipped to the measured period
    busy = sum(max(0.0, min(t + 2 + service, t_end) - max(t + 2, t0)) for t in lots)
    assert total(k, "utilisation", "border", "all") == pytest.approx(busy / horizon, **EXACT)
    assert total(k, "utilisation", "border", "all") == pytest.approx(service, **EXACT)


@pytest.mark.parametrize(("servers", "wait", "lead"), [
    # one lane of 16 trucks/day: 0.25 days a lot; the second of two simultaneous lots waits
    (1, 0.125, (5.25 + 5.5) / 2),
    # two lanes of 8 trucks/day each: 0.5 days a lot, nobody waits
    (2, 0.0, 5.5),
])
def test_simultaneous_lots_queue_first_come_first_served(build: SimpleNamespace, servers: int,
                                                         wait: float, lead: float) -> None:
    sc = scenario_from_dict(via_border(build, 16.0, servers=servers, mines=("mine_a", "mine_b")))
    k = kpis_of(sc)
    assert total(k, "mined_t") == pytest.approx(2 * 5000.0, **EXACT)
    assert total(k, "mean_wait_days", "border", "all") == pytest.approx(wait, **EXACT)
    assert total(k, "mean_lead_time_days") == pytest.approx(lead, **EXACT)
    assert total(k, "utilisation", "border", "all") == pytest.approx(0.5, **EXACT)
    world = world_of(sc)
    st = world.sites[world.site_index["border"]].server.stats
    assert st.n_started == st.n_done == 100  # two lots a day for 50 measured days
    assert st.wait_lot_days == pytest.approx(100 * wait, **EXACT)


# ----------------------------------------------------------------------------- port
def via_port(build: SimpleNamespace, vessel_t: float, *, interval: float = 2.0,
             horizon: int = 40) -> dict:
    sailing = {"interval_days": interval, "vessel_t": vessel_t}
    return build.scenario(
        {"mine": build.mine(), "port": build.port(), "market": build.market()},
        [build.lane("mine", "port", 1.5),
         build.lane("port", "market", 10, mode="sea", sailing=sailing)],
        ["port", "market"], horizon=horizon)


def test_port_with_regular_sailings(build: SimpleNamespace) -> None:
    horizon = 40
    sc = scenario_from_dict(via_port(build, vessel_t=1e6, horizon=horizon))
    k = kpis_of(sc)
    # lot k reaches the port at k + 1.5 and leaves with the next ship (t = 2, 4, 6, ...)
    lots = []
    for t in range(horizon):
        at_port = t + 1.5
        sails = math.ceil(at_port / 2.0) * 2.0
        lots.append((t, at_port, sails))
    shipped = [(a, s) for _t, a, s in lots if s < horizon]
    delivered = [(t, s) for t, _a, s in lots if s + 10 < horizon]
    dwell = sum(s - a for a, s in shipped) / len(shipped)
    lead = sum(s + 10 - t for t, s in delivered) / len(delivered)
    assert {s - a for _t, a, s in lots} == {0.5, 1.5}
    assert total(k, "mean_dwell_days", "port", "all") == pytest.approx(dwell, **EXACT)
    assert total(k, "throughput_t", "port") == pytest.approx(100.0 * len(shipped), **EXACT)
    assert total(k, "delivered_t") == pytest.approx(100.0 * len(delivered), **EXACT)
    assert total(k, "mean_lead_time_days") == pytest.approx(lead, **EXACT)
    # lots waiting at the port at the end are stock, lots at sea are in transit
    waiting = [a for _t, a, s in lots if a < horizon <= s]
    at_sea = [s for _t, _a, s in lots if s < horizon <= s + 10]
    world = world_of(sc)
    port = world.sites[world.site_index["port"]]
    assert port.held()[0] == pytest.approx(100.0 * len(waiting), **EXACT)
    assert world.lanes[world.lane_index["port_market"]].held(1)[0] == pytest.approx(
        100.0 * len(at_sea), **EXACT)
    assert port.sailings[0].departures == horizon // 2 - 1  # t = 2, ..., 38
    assert total(k, "mass_balance_error_t") == 0.0


def test_port_with_too_small_vessels_splits_lots_and_stock_grows(
        build: SimpleNamespace) -> None:
    horizon, vessel = 40, 50.0
    sc = scenario_from_dict(via_port(build, vessel_t=vessel, horizon=horizon))
    world = world_of(sc)
    port = world.sites[world.site_index["port"]]
    sail = port.sailings[0]
    arrived = sum(1 for t in range(horizon) if t + 1.5 < horizon)
    departures = sum(1 for s in range(2, horizon, 2))
    assert sail.departures == departures
    assert sail.loaded_product_t == pytest.approx(vessel * departures, **EXACT)
    # every ship leaves full, so the port holds all arrivals less 50 t per ship
    held = 100.0 * arrived - vessel * departures
    assert port.held()[0] == pytest.approx(held, **EXACT)
    assert port.occupancy.held_t == pytest.approx(held, **EXACT)
    # lots were split: what waits is whole lots of 100 t behind one part-loaded lot
    sizes = [lot.tonnes for lot in sail.queue]
    assert sum(sizes) == pytest.approx(held, **EXACT)
    assert all(s == 100.0 for s in sizes[1:])
    assert sizes[0] in (50.0, 100.0)
    world.check_mass_balance()
    # the port's stock grows by 2 x 100 - 50 = 150 t every two days
    kind = world.kinds.index("port")
    stock = world.recorder.stock[:, 0, kind]
    assert np.allclose(stock[2:] - stock[:-2], 150.0)
    k = kpis_of(sc)
    assert total(k, "delivered_t") % vessel == 0.0  # parcels of one ship load each
    assert total(k, "throughput_t", "port") == pytest.approx(vessel * departures, **EXACT)


# ----------------------------------------------------------------------------- lot sizes
def test_random_lot_interval_keeps_lot_size_at_the_mean(build: SimpleNamespace) -> None:
    # exponential intervals of mean 0.5 days: every lot is 100 t/day x 0.5 days = 50 t
    data = via_border(build, 100.0, warmup=0, horizon=60)
    data["sites"]["mine"]["lot_interval_days"] = {"dist": "exponential", "mean": 0.5}
    sc = scenario_from_dict(data)
    world = world_of(sc, seed=3)
    st = world.sites[world.site_index["border"]].server.stats
    mined = world.ledger.mined.sum()
    n_lots = mined / 50.0
    assert n_lots == pytest.approx(round(n_lots), abs=1e-9)
    assert st.units_done == pytest.approx(2.0 * st.n_done, **EXACT)  # 50 t = 2 trucks each
    assert st.tonnes_done == pytest.approx(50.0 * st.n_done, **EXACT)
    # about 2 lots a day over 60 days (Poisson: sd about 11)
    assert abs(n_lots - 120) < 5 * math.sqrt(120)
