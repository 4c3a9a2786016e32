"""A control ending inside another control in force on the same markets (review 83, F1).

When the ending control set aside its allowance for a refiner waiting to ship, that
set-aside was handed to the control still in force on top of its own allowance: with no
refiner shipping daily, the one in force had not claimed for the waiting metal, so the
metal counted as fresh and the tighter control passed more than its cap. The controls in
force now claim as the other ends, and what the ended one set aside does not pass to them
(their own cut binds the metal); a control starting as the other ends still takes it.
"""

from __future__ import annotations

import pytest

DAYS_BETWEEN = 9  # the refiner's dispatch period


SHARES = {"m1": 0.5, "m2": 0.3, "local": 0.2}


def slow_refiner(build, controls: dict, shares: dict[str, float] = SHARES) -> dict:
    """Refiner ``s`` (COD) refines 100 t/day and ships every 9 days (times 9, 18, ...), by
    default 50% to ``m1``, 30% to ``m2`` (abroad, 3 days) and 20% to ``local`` (1 day);
    ``controls`` maps ids to ``(markets, t_per_day, start, end)``."""
    days = build.DAYS_PER_YEAR
    sites = {"mine": build.mine(t_per_year=1.0),
             "s": build.site("refiner", capacity_t_per_year={"copper": 100 * days},
                             initial_feed_t={"copper": 30_000.0},
                             dispatch_period_days=DAYS_BETWEEN,
                             sales={"copper": shares}),
             "m1": build.market(other_supply_t_per_year={"copper": 1.0}),
             "m2": build.market(other_supply_t_per_year={"copper": 1.0}),
             "local": build.site("market", demand_t_per_year={"copper": 5 * days},
                                 other_supply_t_per_year={"copper": 1.0})}
    lanes = [build.lane("mine", "m1", 2), build.lane("s", "m1", 3), build.lane("s", "m2", 3),
             build.lane("s", "local", 1)]
    policies = {"export_controls": {
        cid: {"country": "COD", "commodity": "copper", "markets": markets,
              "cap_t_per_year": t_per_day * days, "start": start, "end": end}
        for cid, (markets, t_per_day, start, end) in controls.items()}}
    return build.scenario(sites, lanes, [], horizon=60,
                          routes={"rm": {"path": ["m1"], "share": 1.0}}, policies=policies)


def sent(log, lanes: tuple[str, ...], after: float, upto: float) -> float:
    """Tonnes entering ``lanes`` at times in (``after``, ``upto``]."""
    return sum(t for lane, at, t in log if lane in lanes and after < at <= upto)


ABROAD = ("s_m1", "s_m2")


@pytest.mark.parametrize("loose_t_per_day", [10.0, 20.0])
def test_a_control_ending_inside_a_tighter_one_leaves_its_cap(build, ran, lane_entries,
                                                              loose_t_per_day) -> None:
    # c1 ends on day 30 while s waits (last shipped at time 27): its set-aside was handed
    # to c2 as fresh metal, 120 t (330 t with c1 at 20 t/day) left at time 36
    ran(slow_refiner(build, {"c1": (["m1", "m2"], loose_t_per_day, 0, 30),
                             "c2": (["m1", "m2"], 10.0, 0, 54)}))
    for t in (27.0, 36.0, 45.0):
        assert sent(lane_entries, ABROAD, t - 1, t) == pytest.approx(90.0)  # c2's 9 days
    assert sent(lane_entries, ABROAD, 0.0, 54.0) == pytest.approx(540.0)  # c2's cap (was 570/780)


def test_the_tighter_control_alone_passes_the_same(build, ran, lane_entries) -> None:
    ran(slow_refiner(build, {"c2": (["m1", "m2"], 10.0, 0, 54)}))
    assert sent(lane_entries, ABROAD, 0.0, 54.0) == pytest.approx(540.0)


def test_a_tight_control_ending_inside_a_looser_one_adds_nothing_to_it(build, ran,
                                                                        lane_entries) -> None:
    # c2 (20 t/day) carried over what tight c1 left it: 300 t by day 30; c1's 30 t set
    # aside came on top, 1,110 t against c2's 1,080 t
    ran(slow_refiner(build, {"c1": (["m1", "m2"], 10.0, 0, 30),
                             "c2": (["m1", "m2"], 20.0, 0, 54)}))
    assert sent(lane_entries, ABROAD, 0.0, 54.0) == pytest.approx(54 * 20.0)


def test_what_the_control_in_force_kept_does_not_take_the_ended_set_aside(build, ran,
                                                                          lane_entries) -> None:
    # s sells 25% to m1 and 75% to m2, both under c1: c0's cut of the waiting metal could
    # not all go to m2, and the part kept to ask c0 again counted as fresh, so c2 (ending
    # inside c0 on day 20) handed its set-aside on it to c0: 89.1 t on m1 at time 27 (97.5 t
    # before the controls in force claimed as c2 ended), where c0 earns 45 t in 9 days
    ran(slow_refiner(build, {"c0": (["m1"], 5.0, 0, 30),
                             "c1": (["m1", "m2"], 20.0, 0, 40),
                             "c2": (["m1"], 20.0, 5, 20)}, {"m1": 0.25, "m2": 0.75}))
    for t in (9.0, 18.0, 27.0):
        assert sent(lane_entries, ("s_m1",), t - 1, t) == pytest.approx(45.0)
        assert sent(lane_entries, ABROAD, t - 1, t) == pytest.approx(180.0)  # c1's 9 days
    assert sent(lane_entries, ABROAD, 35.0, 36.0) == pytest.approx(180.0)  # c1's 9 days


def test_a_tight_control_ending_gives_the_looser_one_in_force_nothing_more(
        build, ran, lane_entries) -> None:
    # c0 ends on day 30; c1 covers all s's markets: 195 t left at time 36 (183 t once c1
    # claimed as c0 ended, for the part of c0's cut kept to ask again)
    ran(slow_refiner(build, {"c0": (["m1"], 5.0, 0, 30),
                             "c1": (["m1", "m2"], 20.0, 0, 40)}, {"m1": 0.25, "m2": 0.75}))
    assert sent(lane_entries, ABROAD, 35.0, 36.0) == pytest.approx(180.0)  # c1's 9 days


def test_a_control_starting_as_the_other_ends_still_takes_its_set_aside(build, ran,
                                                                         lane_entries) -> None:
    # back to back: c1's 60 t for days 27-30 leave at time 36 beside c2's 60 t of days 30-36
    ran(slow_refiner(build, {"c1": (["m1", "m2"], 20.0, 0, 30),
                             "c2": (["m1", "m2"], 10.0, 30, 54)}))
    assert sent(lane_entries, ABROAD, 35.0, 36.0) == pytest.approx(120.0)


def test_a_control_started_a_day_before_the_other_ends_binds_the_waiting_metal(
        build, ran, lane_entries) -> None:
    # c2 was in force on day 29: its cut bound s's metal, and its 70 t of days 29-36 is
    # all that leaves at time 36 (c1's set-aside was handed over on top: 130 t)
    ran(slow_refiner(build, {"c1": (["m1", "m2"], 20.0, 0, 30),
                             "c2": (["m1", "m2"], 10.0, 29, 54)}))
    assert sent(lane_entries, ABROAD, 35.0, 36.0) == pytest.approx(70.0)
