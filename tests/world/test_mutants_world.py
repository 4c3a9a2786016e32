"""World behaviours that survived mutation testing: each test here fails on a small,
plausible bug (named in its docstring) that the rest of the suite let through.

Chains are deterministic (fixed transits and sailing intervals), so expected values are
worked out by hand from when each lot leaves its mine.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.lots import Lot
from sim.world.world import World

EXACT = {"rel": 1e-12, "abs": 1e-9}


def mean_lead(world: World) -> float:
    return float(world.lead_tonne_days[0, 0] / world.delivered_by_channel[0, 0])


# ----------------------------------------------------------------------------- lots
def test_absorb_weights_mine_departure_by_tonnes() -> None:
    """Mutant: Lot.absorb averages t_mined without tonnage weights."""
    a = Lot(0, 0, 30.0, 1.0, 0.04, (), 0, 0, t_mined=0.0)
    b = Lot(0, 0, 10.0, 1.0, 0.04, (), 0, 0, t_mined=4.0)
    a.absorb(b)
    assert a.tonnes == 40.0
    # (30 x 0 + 10 x 4) / 40: mean lead times must not change when lots merge
    assert a.t_mined == pytest.approx(1.0, **EXACT)


def test_merged_cargo_keeps_the_mean_lead_time(build: SimpleNamespace) -> None:
    """Mutant: Lot.absorb averages t_mined without tonnage weights (three lots on a ship:
    a pairwise running mean is wrong from the third lot on)."""
    sailing = {"interval_days": 4, "vessel_t": 1e6}
    data = build.scenario(
        {"mine": build.mine(), "port": build.port(), "market": build.market()},
        [build.lane("mine", "port", 0.5),
         build.lane("port", "market", 10, mode="sea", sailing=sailing)],
        ["port", "market"], horizon=30)
    world = build.run_world(data)
    # lots of days 4j..4j+3 reach the port at +0.5 and sail together at 4(j+1); ships of
    # days 4..16 arrive by day 26 < 30: lead = 4(j+1) + 10 - t, averaged over 4 equal lots
    leads = [4 * (t // 4 + 1) + 10 - t for t in range(16)]
    assert world.delivered_by_channel[0, 0] == pytest.approx(100.0 * len(leads), **EXACT)
    assert mean_lead(world) == pytest.approx(sum(leads) / len(leads), **EXACT)


def test_a_split_part_keeps_its_arrival_time_and_the_shocks_it_met() -> None:
    """Mutants: Lot.split forgets t_in (dwell counted from the mine) or intercepted (a
    shock seizes the part again)."""
    lot = Lot(0, 1, 100.0, 2.0, 0.08, (), 3, 5, t_mined=1.0)
    lot.t_in = 2.5
    lot.leg = 1
    lot.intercepted = ("event:raid",)
    part = lot.split(25.0)
    assert (part.tonnes, lot.tonnes) == (25.0, 75.0)
    assert (part.t_in, part.t_mined, part.leg) == (2.5, 1.0, 1)
    assert part.intercepted == ("event:raid",)
    assert (part.channel, part.route, part.origin, part.product_per_t) == (1, 3, 5, 2.0)


def one_lot_via_port(build: SimpleNamespace, vessel_t: float, grade: float = 1.0,
                     horizon: float = 5) -> dict:
    """One lot of 10,000 t of metal (the mine ships 100 days of output at t = 0) reaches the
    port at t = 1.5; a ship of ``vessel_t`` product tonnes leaves every 2 days."""
    sailing = {"interval_days": 2, "vessel_t": vessel_t}
    data = build.scenario(
        {"mine": build.mine(), "port": build.port(), "market": build.market()},
        [build.lane("mine", "port", 1.5),
         build.lane("port", "market", 10, mode="sea", sailing=sailing)],
        ["port", "market"], horizon=horizon, lot_period_days=100)
    data["commodities"]["copper"]["forms"]["cathode"]["grade"] = grade
    return data


def test_dwell_of_a_lot_split_between_ships_counts_from_its_arrival(build) -> None:
    """Mutant: Lot.split forgets t_in, so the part on the first ship dwells from t_mined."""
    world = build.run_world(one_lot_via_port(build, vessel_t=5000.0))
    occ = world.sites[world.site_index["port"]].occupancy
    # 5,000 t sail at t = 2 (0.5 days after arrival) and 5,000 t at t = 4 (2.5 days)
    assert occ.through_t == pytest.approx(10_000.0, **EXACT)
    assert occ.dwell_tonne_days / occ.through_t == pytest.approx(1.5, **EXACT)


def test_a_ship_loads_its_vessel_in_product_tonnes(build) -> None:
    """Mutant: Sailings.load splits off ``room`` tonnes of metal instead of
    ``room / product_per_t`` (the same only for a form of grade 1)."""
    world = build.run_world(one_lot_via_port(build, vessel_t=5000.0, grade=0.5))
    port = world.sites[world.site_index["port"]]
    sail = port.sailings[0]
    assert sail.departures == 2  # t = 2 and 4
    # at grade 0.5 a 5,000 t cargo of product carries 2,500 t of metal
    assert sail.loaded_product_t == pytest.approx(2 * 5000.0, **EXACT)
    assert port.held()[0] == pytest.approx(10_000.0 - 2 * 2500.0, **EXACT)


def test_a_throttled_port_loads_ships_part_full(build) -> None:
    """Mutant: Sailings.load ignores the port's capacity factor."""
    data = one_lot_via_port(build, vessel_t=5000.0)
    data["shocks"] = {"events": {"go_slow": {"start": 0, "targets": {"sites": ["port"]},
                                             "effects": {"capacity_factor": 0.5}}}}
    world = build.run_world(data)
    sail = world.sites[world.site_index["port"]].sailings[0]
    # half the vessel on each of the two ships (t = 2, 4)
    assert sail.loaded_product_t == pytest.approx(2 * 2500.0, **EXACT)


# ----------------------------------------------------------------------------- lanes
def test_a_corridor_upgrade_shortens_the_trips_that_start_after_it(build) -> None:
    """Mutant: Lane._depart ignores lane.transit_factor."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 10.0)], ["market"], horizon=30)
    data["policies"] = {"corridor_upgrades": {"fast": {
        "lane": "mine_market", "start": 10, "transit_factor": 0.5}}}
    world = build.run_world(data)
    # the factor applies from the close of day 9 (t = 10): lots of t = 0..9 take 10 days,
    # lots of t = 10..24 take 5 and arrive by t = 29 < 30
    leads = [10.0] * 10 + [5.0] * 15
    assert world.delivered_by_channel[0, 0] == pytest.approx(100.0 * len(leads), **EXACT)
    assert mean_lead(world) == pytest.approx(sum(leads) / len(leads), **EXACT)


def test_an_added_delay_on_a_lane_lengthens_every_trip(build) -> None:
    """Mutant: Lane._depart drops the lane's added delays (only site delays are tested
    elsewhere)."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 5.0)], ["market"], horizon=20)
    data["shocks"] = {"events": {"checkpoints": {
        "start": 0, "targets": {"lanes": ["mine_market"]},
        "effects": {"added_delay_days": 3.0}}}}
    world = build.run_world(data)
    # every lot takes 5 + 3 days: lots of t = 0..11 arrive by t = 19
    assert world.delivered_by_channel[0, 0] == pytest.approx(100.0 * 12, **EXACT)
    assert mean_lead(world) == pytest.approx(8.0, **EXACT)


def via_neighbour(build: SimpleNamespace, back_home: bool) -> dict:
    """A route whose first lane leaves the exporting country (COD) for a neighbour (ZMB),
    then goes on abroad, or comes back home first and leaves again."""
    sites = {"mine": build.mine(), "zm": build.site("junction", region="nb")}
    lanes = [build.lane("mine", "zm", 1.0)]
    path = ["zm"]
    if back_home:
        sites["home_j"] = build.site("junction")
        lanes.append(build.lane("zm", "home_j", 1.0))
        path.append("home_j")
        lanes.append(build.lane("home_j", "market", 1.0))
    else:
        lanes.append(build.lane("zm", "market", 1.0))
    sites["market"] = build.market()
    data = build.scenario(sites, lanes, [*path, "market"], horizon=20)
    data["regions"]["nb"] = {"country": "ZMB"}
    return data


@pytest.mark.parametrize("back_home", [False, True])
def test_metal_is_exported_once_at_its_first_exit(build, back_home: bool) -> None:
    """Mutant: _first_exit looks at legs[:leg - 1], which for the first leg is every leg but
    the last, so an export on the first leg of a longer route is never booked."""
    world = build.run_world(via_neighbour(build, back_home))
    first = world.lanes[world.lane_index["mine_zm"]]
    assert first.is_export
    # every tonne that set off on the first lane left the country once, there
    assert world.exported_by_channel[0, 0] == pytest.approx(100.0 * 20, **EXACT)
    assert world.ledger.lane_in[first.index][0] == pytest.approx(100.0 * 20, **EXACT)


# ----------------------------------------------------------------------------- refiners
def test_a_throttled_refiner_refines_at_its_reduced_capacity(build) -> None:
    """Mutant: Refiner.step ignores the refiner's capacity factor."""
    refinery = build.site("refiner", region="home",
                          capacity_t_per_year={"copper": 50 * build.DAYS_PER_YEAR},
                          initial_feed_t={"copper": 10_000.0},
                          sales={"copper": {"market": 1.0}})
    data = build.scenario({"mine": build.mine(), "ref": refinery, "market": build.market()},
                          [build.lane("mine", "ref", 1), build.lane("ref", "market", 5)],
                          ["ref"], horizon=20)
    data["shocks"] = {"events": {"power_cuts": {"start": 0, "targets": {"sites": ["ref"]},
                                                "effects": {"capacity_factor": 0.5}}}}
    world = build.run_world(data)
    # feed never runs out, so each of the 20 day ends refines 0.5 x 50 t
    assert world.refiners[0].refined[0] == pytest.approx(20 * 25.0, **EXACT)


@pytest.mark.parametrize("period", [1, 3])
def test_a_refiner_ships_at_the_close_of_each_dispatch_day(build, period: int) -> None:
    """Mutant: Refiner.step dispatches only once ``now`` is past the due time (no
    tolerance, strict), so every shipment is one day late."""
    refinery = build.site("refiner", region="home",
                          capacity_t_per_year={"copper": 50 * build.DAYS_PER_YEAR},
                          initial_feed_t={"copper": 10_000.0}, dispatch_period_days=period,
                          sales={"copper": {"market": 1.0}})
    data = build.scenario({"mine": build.mine(), "ref": refinery, "market": build.market()},
                          [build.lane("mine", "ref", 1), build.lane("ref", "market", 5)],
                          ["ref"], horizon=12)
    world = World(scenario_from_dict(data), Streams(1, 0))
    ref = world.refiners[0]
    lane = world.lanes[world.lane_index["ref_market"]]
    seen = {}
    for t in range(1, 12):
        world.env.timeout(t + 0.5).callbacks.append(
            lambda _e, t=t: seen.__setitem__(t, (ref.output[0], world.ledger.lane_in[
                lane.index][0])))
    world.run()
    world.check_mass_balance()
    for t in range(1, 12):
        # 50 t refined at each close; all of it leaves at the closes of days period-1,
        # 2 period-1, ... (t = period, 2 period, ...)
        shipped = 50.0 * (t // period) * period
        assert seen[t] == (pytest.approx(50.0 * t - shipped, **EXACT),
                           pytest.approx(shipped, **EXACT)), t


# ----------------------------------------------------------------------------- routing
def test_rerouting_spreads_a_closed_routes_share_in_proportion(build) -> None:
    """Mutant: the smooth round robin charges the chosen route the lot's tonnes instead of
    the candidates' total weight x tonnes; the same while every route is open (weights sum
    to 1), but with one closed its share is spread equally, not pro rata."""
    sites = {"mine": build.mine(), "market": build.market()}
    lanes, routes = [], {}
    for r, share in (("a", 0.6), ("b", 0.2), ("c", 0.2)):
        sites[f"j{r}"] = build.site("junction")
        lanes += [build.lane("mine", f"j{r}", 1.0), build.lane(f"j{r}", "market", 1.0)]
        routes[r] = {"path": [f"j{r}", "market"], "share": share}
    data = build.scenario(sites, lanes, [], horizon=100, routes=routes)
    data["channels"]["formal"]["on_closure"] = "reroute"
    data["shocks"] = {"events": {"cut": {"start": 0, "targets": {"lanes": ["mine_jc"]},
                                         "effects": {"capacity_factor": 0.0}}}}
    world = build.run_world(data)
    into = {r: world.ledger.lane_in[world.lane_index[f"mine_j{r}"]][0] for r in "abc"}
    assert into["c"] == 0.0
    # 0.6 : 0.2 of 10,000 t is 7,500 : 2,500; the round robin keeps each within a lot
    assert into["a"] == pytest.approx(7500.0, abs=100.0)
    assert into["b"] == pytest.approx(2500.0, abs=100.0)



def test_cargo_of_two_forms_of_one_grade_keeps_each_payable_share(build) -> None:
    """Bug found by mutation testing: a ship merged lots by grade alone, so a form of the
    same grade but another payable share took the first form's share, and export value
    was overstated."""
    sites = {"m1": build.mine(),
             "m2": build.site("mine", output={"copper": {
                 "form": "conc", "t_per_year": 100 * build.DAYS_PER_YEAR}},
                 offtake={"copper": {"formal": 1.0}}),
             "port": build.port(), "market": build.market()}
    lanes = [build.lane("m1", "port", 0.5), build.lane("m2", "port", 0.5),
             build.lane("port", "market", 10, mode="sea",
                        sailing={"interval_days": 5, "vessel_t": 1e6})]
    data = build.scenario(sites, lanes, ["port", "market"], horizon=20)
    data["commodities"]["copper"]["forms"]["conc"] = {
        "grade": 1.0, "payload_t_per_truck": 25.0, "payable_share": 0.5}
    world = build.run_world(data)
    rec = world.recorder
    exported = rec.exported[:, 0, 0].sum()
    assert exported > 0.0
    # the two mines ship equal tonnes, cathode at the full price and "conc" at half
    assert rec.exported_payable[:, 0, 0].sum() == pytest.approx(0.75 * exported, rel=1e-12)
