"""A lane overloaded on the start date that an upgrade during the run relieves is told so
(review 193's known open item): the capacity note said its queue "will grow for as long as
that lasts" where an upgrade due a few weeks on carries the planned flow.

The scenario: 100 t/day of copper over one lane to a market from 2024-01-01 for 400 days,
the lane's own capacity 20 t/day (500%)."""

from __future__ import annotations

import pytest

from sim.output.describe import describe
from sim.scenario import scenario_from_dict
from sim.scenario.capacity import capacity_checks, capacity_notes, later_upgrades
from sim.scenario.plan import make_plan
from sim.units import DAYS_PER_YEAR


def _scenario(direct, upgrades: dict):
    data = direct(transit=1.0, horizon=400, policies={"corridor_upgrades": {
        uid: {"lane": "mine_market", **up} for uid, up in upgrades.items()}})
    data["lanes"]["mine_market"]["capacity_t_per_day"] = 20
    return scenario_from_dict(data)


def _note(sc) -> str:
    (note,) = [n for n in capacity_notes(sc) if "mine_market" in n]
    return note


def test_an_upgrade_that_carries_the_planned_flow_ends_the_note_s_queue(direct) -> None:
    sc = _scenario(direct, {
        # raises it, but not enough: passed over for the one that is
        "first": {"start": "2024-02-01", "capacity_t_per_day": 50},
        "rail": {"start": "2024-03-01", "ramp_days": 30, "capacity_t_per_day": 125},
        "after": {"start": "2024-06-01", "capacity_t_per_day": 400}})
    later, cut = later_upgrades(sc, "mine_market", 100 * DAYS_PER_YEAR, True)
    assert later is not None and later.upgrade == "rail" and later.relieves and cut is None
    assert later.utilisation == pytest.approx(0.8)
    # 50 + 75 x d/30 reaches 100 t/day on day 20 of the ramp
    words = ("the upgrade rail raises it to 125 t product/day from 2024-03-01 (fully by "
             "2024-03-31), which carries the planned flow (80%) from about 2024-03-21")
    note = _note(sc)
    assert f"its queue will grow until {words}" in note
    assert "for as long as that lasts" not in note
    assert f"!! planned flow exceeds capacity until {words}" in describe(sc)


def test_an_upgrade_that_only_eases_the_load_is_named_with_what_is_left(direct) -> None:
    sc = _scenario(direct, {"small": {"start": "2024-02-01", "capacity_t_per_day": 50},
                            "faster": {"start": "2024-03-01", "transit_factor": 0.5}})
    note = _note(sc)
    assert "its queue will grow for as long as that lasts" in note
    assert note.endswith("; the upgrade small raises it to 50 t product/day from 2024-02-01, "
                         "still 200% of it (sim show lists every capacity)")
    assert "; the upgrade small raises it to 50 t product/day" in describe(sc)


@pytest.mark.parametrize("upgrades", [
    {},
    # lowering it
    {"cut": {"start": "2024-03-01", "capacity_t_per_day": 10}}])
def test_no_later_upgrade_raising_the_capacity_during_the_run_gives_the_old_note(
        direct, upgrades: dict) -> None:
    sc = _scenario(direct, upgrades)
    assert "for as long as that lasts" in _note(sc)
    assert "raises it" not in _note(sc)
    check = next(c for c in capacity_checks(sc, make_plan(sc)) if c.at == "mine_market")
    assert check.over and check.later is None


def test_an_upgrade_on_the_start_date_is_the_start_s_capacity_not_a_later_one(direct) -> None:
    sc = _scenario(direct, {"now": {"start": "2024-01-01", "capacity_t_per_day": 60}})
    check = next(c for c in capacity_checks(sc, make_plan(sc)) if c.at == "mine_market")
    assert check.capacity == pytest.approx(60 * DAYS_PER_YEAR) and check.later is None


def test_a_ramp_under_way_on_the_start_date_is_the_one_that_relieves(direct) -> None:
    # review 205: from 20 t/day, started 2023-12-01 over 60 days to 125 t/day: 31 days in on
    # the start date (74.25 t/day), 100 t/day 45.7 days into the ramp, on 2024-01-15; the
    # note named a later upgrade, or none, for the date the queue stops growing
    sc = _scenario(direct, {"ramping": {"start": "2023-12-01", "ramp_days": 60,
                                        "capacity_t_per_day": 125},
                            "after": {"start": "2024-09-01", "capacity_t_per_day": 150}})
    note = _note(sc)
    assert ("its queue will grow until the upgrade ramping raises it to 125 t product/day "
            "from 2023-12-01 (fully by 2024-01-30), which carries the planned flow (80%) from "
            "about 2024-01-15") in note
    assert "after" not in note


def test_a_later_cut_is_said_after_the_relief_and_for_a_lane_that_fits(direct) -> None:
    sc = _scenario(direct, {"up": {"start": "2024-03-01", "capacity_t_per_day": 125},
                            "down": {"start": "2024-06-01", "capacity_t_per_day": 25}})
    assert ("until the upgrade up raises it to 125 t product/day from 2024-03-01, which "
            "carries the planned flow (80%); then the upgrade down cuts it to 25 t "
            "product/day from 2024-06-01, 400% of it, and it grows again") in _note(sc)
    # fits on the start date, then cut below its load over a 10-day ramp
    sc = _scenario(direct, {"first": {"start": "2023-06-01", "capacity_t_per_day": 200},
                            "down": {"start": "2024-06-01", "ramp_days": 10,
                                     "capacity_t_per_day": 50}})
    # 200 - 150 x d/10 falls to 100 t/day on day 6.67 of the ramp, 2024-06-07
    assert _note(sc) == (
        "planned flow into mine_market (road lane) fits its capacity on the start date (50%), "
        "but the upgrade down cuts it to 50 t product/day from 2024-06-01 (fully by "
        "2024-06-11), 200% of it from about 2024-06-07: its queue will grow from then (sim "
        "show lists every capacity)")
    assert "!! from 2024-06-07 planned flow exceeds capacity: the upgrade down cuts" in (
        describe(sc))
    # a cut that still carries the load is no note
    sc = _scenario(direct, {"first": {"start": "2023-06-01", "capacity_t_per_day": 200},
                            "down": {"start": "2024-06-01", "capacity_t_per_day": 120}})
    assert not [n for n in capacity_notes(sc) if "mine_market" in n]


def test_the_caveat_on_shocks_stops_at_the_queue_and_upgrades_alone_give_none(direct
                                                                                ) -> None:
    # review 205: an upgrade alone (a policy) brought "while nothing stops that flow (the
    # scenario's shocks and policies, not counted here, may)", after the relief it counts
    sc = _scenario(direct, {"up": {"start": "2024-03-01", "capacity_t_per_day": 125}})
    assert "while nothing stops that flow" not in _note(sc)


def test_show_s_summary_names_the_relief_and_gives_the_caveat_only_with_shocks(direct
                                                                               ) -> None:
    # review 208: sim show's summary said "shocks and policies, not counted here, may stop
    # it sooner" with none but the upgrade it counts, and did not mention the relief
    summary = describe(_scenario(direct, {"up": {"start": "2024-03-01",
                                                 "capacity_t_per_day": 125}})).splitlines()[-1]
    assert summary.endswith("for as long as that flow lasts or until an upgrade named above "
                            "relieves it.")
    summary = describe(_scenario(direct, {})).splitlines()[-1]
    assert summary.endswith("for as long as that flow lasts.")
    data = direct(transit=1.0, horizon=400, shocks={"events": {"cut": {
        "start": 10, "end": 20, "targets": {"lanes": ["mine_market"]},
        "effects": {"capacity_factor": 0.5}}}})
    data["lanes"]["mine_market"]["capacity_t_per_day"] = 20
    summary = describe(scenario_from_dict(data)).splitlines()[-1]
    assert summary.endswith("; shocks and policies, not counted here, may stop it sooner.")
