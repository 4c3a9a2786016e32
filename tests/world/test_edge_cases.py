"""Edge cases of the world found by review: each test failed before its fix."""

from __future__ import annotations

import numpy as np
import pytest

from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World


def make_world(data: dict) -> World:
    return World(scenario_from_dict(data), Streams(1, 0))


def domestic_refinery(build, *, cobalt: bool = False) -> dict:
    """A mine at home feeds a refinery at home (COD), which sells everything to a market
    abroad: its refined metal is exported on the refinery's lane to the market."""
    mine = build.mine()
    capacity = {"copper": 1e6}
    sales = {"copper": {"market": 1.0}}
    data_extra = {}
    if cobalt:
        mine["output"]["cobalt"] = {"form": "hydroxide", "ratio_to": "copper", "ratio": 0.1}
        mine["offtake"]["cobalt"] = {"formal": 1.0}
        capacity["cobalt"] = 1e6
        sales["cobalt"] = {"market": 1.0}
        data_extra["cobalt"] = {"forms": {"hydroxide": {"grade": 1.0,
                                                        "payload_t_per_truck": 25.0}}}
    refinery = build.site("refiner", region="home", capacity_t_per_year=capacity, sales=sales)
    market = build.market()
    if cobalt:
        market["demand_t_per_year"]["cobalt"] = 10 * build.DAYS_PER_YEAR
    data = build.scenario({"mine": mine, "ref": refinery, "market": market},
                          [build.lane("mine", "ref", 1), build.lane("ref", "market", 5)],
                          ["ref"], horizon=20)
    data["commodities"].update(data_extra)
    return data


@pytest.mark.parametrize("cobalt", [False, True])
def test_refined_metal_exported_from_a_domestic_refinery_is_booked_as_refined(
        build, cobalt: bool) -> None:
    world = make_world(domestic_refinery(build, cobalt=cobalt))
    world.run()
    world.check_mass_balance()
    lane = world.lanes[world.lane_index["ref_market"]]
    assert lane.is_export
    entered = world.ledger.lane_in[lane.index]
    exported = world.exported_by_channel
    # [commodity, channel]: the last column is refined metal, which is all that left
    np.testing.assert_allclose(exported[:, -1], entered)
    np.testing.assert_allclose(exported[:, :-1], 0.0)
    np.testing.assert_allclose(world.diverted_by_channel, 0.0)
    assert entered.min() > 0.0


@pytest.mark.parametrize("warmup", [0, 15])
def test_export_value_counts_the_same_refined_shipments_as_exported_t(build, warmup) -> None:
    # A domestic refinery ships at each day's end; at a price index of 1 the export value
    # is exactly the tonnes exported times the reference price, the last day's included.
    from sim.experiment.replication import run_replication

    data = domestic_refinery(build)
    data["warmup_days"] = warmup
    data["commodities"]["copper"]["reference_price_usd_per_t"] = 1000.0
    result = run_replication(scenario_from_dict(data), seed=1, replication=0)
    kpi = {r[3]: r[5] for r in result.kpis if r[:3] == ("copper", "all", "all")}
    assert kpi["price_peak_ratio"] == 1.0
    assert kpi["exported_t"] > 0
    assert kpi["export_value_usd"] == pytest.approx(1000.0 * kpi["exported_t"], rel=1e-12)


@pytest.mark.parametrize("share", [0.3333333, 0.3333334])
def test_refiner_ships_exactly_what_it_refined_when_shares_sum_to_one_within_tolerance(
        build, share: float) -> None:
    markets = {f"m{i}": build.market() for i in range(3)}
    refinery = build.site("refiner", region="away", capacity_t_per_year={"copper": 1e6},
                          sales={"copper": {m: share for m in markets}})
    lanes = [build.lane("mine", "ref", 1)] + [build.lane("ref", m, 1) for m in markets]
    data = build.scenario({"mine": build.mine(), "ref": refinery, **markets}, lanes,
                          ["ref"], horizon=365)
    world = make_world(data)
    world.run()
    world.check_mass_balance()  # raised before: shares were applied as given
    ref = world.refiners[0]
    shipped = sum(world.ledger.lane_in[world.lane_index[f"ref_{m}"]][0] for m in markets)
    assert shipped == pytest.approx(ref.refined[0], rel=1e-12)


@pytest.mark.parametrize("horizon", [1, 2, 3])
def test_each_day_is_closed_once_whatever_the_horizon(build, horizon: int) -> None:
    market = build.market(initial_stock_t={"copper": 1000.0})  # demand 100 t/day
    data = build.scenario({"mine": build.mine(), "market": market},
                          [build.lane("mine", "market", 50)], ["market"], horizon=horizon)
    world = make_world(data)
    world.run()
    world.check_mass_balance()
    m = world.markets[0]
    assert world.ledger.consumed[m.index][0] == pytest.approx(100.0 * horizon)
    assert m.stock[0] == pytest.approx(1000.0 - 100.0 * horizon)


class _Parcel:
    """What a FifoServer reads of a lot: its tonnes and units per tonne."""

    def __init__(self, tonnes: float) -> None:
        self.tonnes = tonnes
        self.trucks_per_t = 1.0


def _one_job_finish_day(changes: list[tuple[float, float]]) -> float:
    """One server at 10 units/day gets a 100-unit job at t = 0; capacity factors change
    at the given times; the day the job is done."""
    from sim.world.events import Environment
    from sim.world.queues import FifoServer

    env = Environment()
    done: list[float] = []
    server = FifoServer(env, 1, 10.0, "trucks_per_t", lambda: 1.0,
                        lambda _lots: done.append(env.now))
    server.put([_Parcel(100.0)])
    for t, factor in changes:
        env.timeout(t).callbacks.append(lambda _e, f=factor: server.set_capacity_factor(f))
    env.run()
    assert len(done) == 1 and server.stats.n_done == 1
    return done[0]


@pytest.mark.parametrize(("changes", "finish"), [
    ([], 10.0),
    ([(4.0, 0.5)], 4.0 + 60.0 / 5.0),                    # 40 done, 60 left at 5 a day
    ([(4.0, 0.5), (6.0, 1.0)], 6.0 + 50.0 / 10.0),       # 40, then 10, then 50 at 10
    ([(2.0, 0.001), (2.02, 1.0)], 2.02 + (80.0 - 0.0002) / 10.0),  # a brief throttle
    ([(3.0, 0.0), (5.0, 2.0)], 5.0 + 50.0 / 20.0),       # closure: goes on at 10 a day
    ([(3.0, 0.0)], 10.0),
])
def test_a_change_of_capacity_changes_the_speed_of_the_work_left(
        changes: list[tuple[float, float]], finish: float) -> None:
    assert _one_job_finish_day(changes) == pytest.approx(finish, rel=1e-12)


def test_a_ship_keeps_lots_a_shock_has_met_apart_from_lots_it_has_not(build) -> None:
    # A raid seizes half of every lot on the road to the port and on the sea lane, from
    # day 4.5 (a shock acts on a lot once). Lots mined on days 0-4 reach the port before
    # it and lots of days 5-8 after, seized; all sail on the ship of day 10. On the sea
    # lane the raid must still take half of the first five lots, not spare them because
    # they share a ship with lots it already met.
    sailing = {"interval_days": 10, "vessel_t": 1e6}
    data = build.scenario(
        {"mine": build.mine(), "port": build.port(), "market": build.market()},
        [build.lane("mine", "port", 1.5),
         build.lane("port", "market", 10, mode="sea", sailing=sailing)],
        ["port", "market"], horizon=12)
    data["shocks"] = {"events": {"raid": {
        "start": 4.5, "targets": {"lanes": ["mine_port", "port_market"]},
        "effects": {"seize_share": 0.5}}}}
    world = make_world(data)
    world.run()
    world.check_mass_balance()
    lane_lost = world.ledger.lane_lost
    assert lane_lost[world.lane_index["mine_port"]][0] == pytest.approx(7 * 50.0)  # days 5-11
    assert lane_lost[world.lane_index["port_market"]][0] == pytest.approx(5 * 50.0)


@pytest.mark.parametrize(("units_per_t", "finish"), [("trucks_per_t", 20.0),
                                                     ("product_per_t", 5.0)])
def test_a_servers_work_is_a_lots_tonnes_times_the_units_it_names(
        units_per_t: str, finish: float) -> None:
    from sim.world.events import Environment
    from sim.world.queues import FifoServer

    env = Environment()
    done: list[float] = []
    server = FifoServer(env, 1, 10.0, units_per_t, lambda: 1.0,
                        lambda _lots: done.append(env.now))
    lot = _Parcel(100.0)
    lot.trucks_per_t, lot.product_per_t = 2.0, 0.5  # type: ignore[attr-defined]
    server.put([lot])
    env.run()
    assert done == [finish] and server.units_in == 0.0


def test_a_server_refuses_units_it_cannot_read_off_a_lot() -> None:
    from sim.world.events import Environment
    from sim.world.queues import FifoServer

    with pytest.raises(ValueError, match="not 'tonnes'"):
        FifoServer(Environment(), 1, 10.0, "tonnes", lambda: 1.0, lambda _lots: None)
