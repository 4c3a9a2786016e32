"""A lane overloaded on the start date that an upgrade during the run relieves is told so
(review 193's known open item): the capacity note said its queue "will grow for as long as
that lasts" where an upgrade due a few weeks on carries the planned flow.

The scenario: 100 t/day of copper over one lane to a market from 2024-01-01 for 400 days,
the lane's own capacity 20 t/day (500%)."""

from __future__ import annotations

import pytest

from sim.output.describe import describe
from sim.scenario import scenario_from_dict
from sim.scenario.capacity import capacity_checks, capacity_notes, later_upgrade
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
    later = later_upgrade(sc, "mine_market", 100 * DAYS_PER_YEAR)
    assert later is not None and later.upgrade == "rail" and later.relieves
    assert later.utilisation == pytest.approx(0.8)
    words = ("the upgrade rail raises it to 125 t product/day from 2024-03-01 (fully by "
             "2024-03-31), which carries the planned flow (80%)")
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
