"""Closures are exact: a lane closed for D days delays every lot on it by exactly D."""

from __future__ import annotations

import pytest


def arrivals(world):
    """Record (arrival time, time mined) of every lot reaching the market."""
    market = world.sites[world.site_index["market"]]
    log = []
    receive = market.receive

    def spy(lot):
        log.append((world.env.now, lot.t_mined))
        receive(lot)

    market.receive = spy
    return log


def test_closure_of_the_only_lane_delays_lots_on_it_by_exactly_d(direct, world_of) -> None:
    d = 5.0
    data = direct(transit=10.0, horizon=60, shocks={"events": {"cut": {
        "start": 20.5, "end": 20.5 + d, "targets": {"lanes": ["mine_market"]},
        "effects": {"capacity_factor": 0.0}}}})
    world = world_of(data)
    log = arrivals(world)
    world.run()
    world.check_mass_balance()
    seen = {mined: arrived for arrived, mined in log}
    for mined in range(11, 21):        # on the lane when it closed at 20.5
        assert seen[mined] == pytest.approx(mined + 10.0 + d, abs=1e-9)
    for mined in range(21, 26):        # reached the closed lane: leave when it reopens
        assert seen[mined] == pytest.approx(20.5 + d + 10.0, abs=1e-9)
    for mined in (0, 5, 10, 26, 40):   # never met the closure
        assert seen[mined] == pytest.approx(mined + 10.0, abs=1e-9)


def test_two_closures_on_one_trip_add_up(direct, world_of) -> None:
    data = direct(transit=10.0, horizon=60, shocks={"events": {
        "a": {"start": 12.5, "end": 14.5, "targets": {"lanes": ["mine_market"]},
              "effects": {"capacity_factor": 0.0}},
        "b": {"start": 16.5, "end": 19.5, "targets": {"lanes": ["mine_market"]},
              "effects": {"capacity_factor": 0.0}}}})
    world = world_of(data)
    log = arrivals(world)
    world.run()
    seen = {mined: arrived for arrived, mined in log}
    assert seen[10] == pytest.approx(10 + 10 + 2 + 3)   # on the lane through both
    assert seen[15] == pytest.approx(15 + 10 + 3)       # mined between them: meets only b


def test_closure_days_are_reported(direct, world_of) -> None:
    import sim
    from sim.scenario import scenario_from_dict

    data = direct(horizon=60, shocks={"events": {"cut": {
        "start": 10, "duration_days": 7, "targets": {"lanes": ["mine_market"]},
        "effects": {"capacity_factor": 0.0}}}})
    res = sim.run(scenario_from_dict(data), replications=1, seed=1)
    assert res.kpi("closed_days", "all", "all", "mine_market")[0] == pytest.approx(7.0)


def test_overlapping_capacity_factors_multiply_and_a_closure_wins(build, world_of) -> None:
    sites = {"mine": build.mine(), "border": build.border(100.0), "market": build.market()}
    lanes = [build.lane("mine", "border", 1.0), build.lane("border", "market", 1.0)]
    data = build.scenario(sites, lanes, ["border", "market"], horizon=40)
    data["shocks"] = {"events": {
        "half": {"start": 10, "end": 30, "targets": {"sites": ["border"]},
                 "effects": {"capacity_factor": 0.5}},
        "third": {"start": 15, "end": 25, "targets": {"sites": ["border"]},
                  "effects": {"capacity_factor": 0.3}},
        "shut": {"start": 18, "end": 20, "targets": {"sites": ["border"]},
                 "effects": {"capacity_factor": 0.0}}}}
    world = world_of(data)
    border = world.sites[world.site_index["border"]]
    seen = {}
    for t in (5.5, 12.5, 16.5, 19.5, 22.5, 27.5, 35.5):
        world.env.timeout(t).callbacks.append(
            lambda _e, t=t: seen.__setitem__(t, border.server.capacity_factor))
    world.run()
    assert seen == {5.5: 1.0, 12.5: 0.5, 16.5: pytest.approx(0.15), 19.5: 0.0,
                    22.5: pytest.approx(0.15), 27.5: 0.5, 35.5: 1.0}
    world.check_mass_balance()


def test_added_delay_and_closed_site_hold_lots(build, world_of) -> None:
    sites = {"mine": build.mine(), "hub": build.site("junction"), "market": build.market()}
    lanes = [build.lane("mine", "hub", 1.0), build.lane("hub", "market", 1.0)]
    data = build.scenario(sites, lanes, ["hub", "market"], horizon=40)
    data["shocks"] = {"events": {
        "slow": {"start": 5, "end": 10, "targets": {"sites": ["hub"]},
                 "effects": {"added_delay_days": 2.0}},
        "shut": {"start": 20.5, "end": 23.5, "targets": {"sites": ["hub"]},
                 "effects": {"capacity_factor": 0.0}}}}
    world = world_of(data)
    log = arrivals(world)
    world.run()
    world.check_mass_balance()
    seen = {mined: arrived for arrived, mined in log}
    assert seen[2] == pytest.approx(4.0)           # before any shock: 1 + 1 days
    assert seen[5] == pytest.approx(5 + 1 + 2 + 1)  # reached the hub during the delay
    assert seen[20] == pytest.approx(23.5 + 1)     # at the hub when it closed


@pytest.mark.parametrize("events", [{"a": (10, 30), "b": (30, 50)},
                                    {"b": (30, 50), "a": (10, 30)}])
def test_a_closure_ending_as_the_next_begins_lets_nothing_through(build, world_of,
                                                                   events) -> None:
    # Run in file order, the first event's end reopened the junction for an instant
    # before the second closed it again, and everything held there (2,000 t) went on.
    sites = {"mine": build.mine(), "j": build.site("junction"), "market": build.market()}
    lanes = [build.lane("mine", "j", 1.0), build.lane("j", "market", 1.0)]
    data = build.scenario(sites, lanes, ["j", "market"], horizon=60)
    data["shocks"] = {"events": {name: {"start": a, "end": b, "targets": {"sites": ["j"]},
                                        "effects": {"capacity_factor": 0}}
                                 for name, (a, b) in events.items()}}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    arrivals = world.recorder.arrivals[:, 0, :].sum(axis=1)
    assert arrivals[12:51].sum() == 0.0  # closed from day 10 to day 50, held lots included
    assert arrivals[51] > 0.0
    assert world.sites[world.site_index["j"]].closures == [[10.0, 50.0]]


def test_a_closure_whose_start_and_duration_miss_the_next_by_rounding_still_meets_it(
        build, world_of) -> None:
    # 5.3 + 5.1 days is 10.399999999999999 in floating point, not the 10.4 the second
    # closure starts at: the junction opened for an instant and let its lots through
    sites = {"mine": build.mine(), "j": build.site("junction"), "market": build.market()}
    lanes = [build.lane("mine", "j", 1.0), build.lane("j", "market", 1.0)]
    data = build.scenario(sites, lanes, ["j", "market"], horizon=40)
    shut = {"targets": {"sites": ["j"]}, "effects": {"capacity_factor": 0}}
    data["shocks"] = {"events": {"a": {"start": 5.3, "duration_days": 5.1, **shut},
                                 "b": {"start": 10.4, "end": 20, **shut}}}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    arrivals = world.recorder.arrivals[:, 0, :].sum(axis=1)
    assert arrivals[7:21].sum() == 0.0  # nothing past the junction from 5.3 to 20
    assert world.sites[world.site_index["j"]].closures == [[5.3, 20.0]]


def test_a_lot_held_at_a_closed_border_lane_is_not_yet_exported(direct, world_of) -> None:
    # Recorded as it joined the lane, metal held in the country by the closure counted as
    # exported (and paid royalties) on the day it was mined.
    data = direct(transit=5.0, horizon=60, shocks={"events": {"cut": {
        "start": 10, "end": 40, "targets": {"lanes": ["mine_market"]},
        "effects": {"capacity_factor": 0}}}})
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    exported = world.recorder.exported[:, 0, :].sum(axis=1)
    assert exported[10:40].sum() == 0.0
    assert exported[40] == pytest.approx(31 * 100.0)  # the held lots, and day 40's own
    assert exported.sum() == pytest.approx(60 * 100.0)


def test_a_lot_done_loading_on_a_closed_rail_lane_waits_at_its_entrance(direct,
                                                                        world_of) -> None:
    # A 150 t/day rail lane loads each 100 t lot in two thirds of a day; it closes at 10.5,
    # while the day-10 lot loads. That lot finished loading at 10.67 and set off onto the
    # closed lane, so it counted as exported during the closure; now it waits until 20.5.
    data = direct(transit=2.0, horizon=40, shocks={"events": {"cut": {
        "start": 10.5, "end": 20.5, "targets": {"lanes": ["mine_market"]},
        "effects": {"capacity_factor": 0}}}})
    data["lanes"]["mine_market"].update(mode="rail", capacity_t_per_day=150.0)
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    exported = world.recorder.exported[:, 0, :].sum(axis=1)
    assert exported[9] == pytest.approx(100.0)  # the day-9 lot, loaded by 9.67
    assert exported[10:20].sum() == 0.0  # nothing sets off while the lane is closed
    # at 20.5 the held lot sets off; the queue behind it loads from then, one lot every
    # two thirds of a day
    assert exported[20] == pytest.approx(100.0)
    assert exported[21] == pytest.approx(200.0)
