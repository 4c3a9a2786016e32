"""Review 193: a corridor upgrade or an offtake deal that starts before the run is applied
from the run's first instant as far as its ramp has gone by then, and is described so.

Its timeline row, written as the run begins, gave the ramp as if it started then ("over
730 days" from the warm-up's start); the capacity checks of validate, show and run took the
lane's own capacity, so warned of a queue the upgrade prevents.

The scenario: 100 t/day of copper over one lane to a market; the start date 2024-01-01,
a warm-up of 10 days (the run begins 2023-12-22); the lane's own capacity 20 t/day."""

from __future__ import annotations

import pytest

from sim.output.describe import describe
from sim.output.shock_text import describe_shocks
from sim.scenario import scenario_from_dict
from sim.scenario.capacity import capacity_at_start, capacity_checks, capacity_notes
from sim.scenario.plan import make_plan
from sim.units import DAYS_PER_YEAR


def _data(direct, upgrades: dict, deals: dict | None = None) -> dict:
    policies: dict = {"corridor_upgrades": {
        uid: {"lane": "mine_market", **up} for uid, up in upgrades.items()}}
    if deals:
        policies["offtake_deals"] = {
            did: {"mines": ["mine"], "commodities": ["copper"], "share": 0.4,
                  "to_channel": "us", **deal} for did, deal in deals.items()}
    data = direct(transit=1.0, horizon=20, warmup=10, policies=policies,
                  extra_channels={"us": {"routes": {"main": {"path": ["market"]}}}})
    data["lanes"]["mine_market"]["capacity_t_per_day"] = 20
    return data


def _rows(ran, data: dict) -> dict[str, tuple]:
    return {row[2]: row for row in ran(data).timeline.rows if row[1] in ("policy", "deal")}


def test_the_rows_of_an_upgrade_and_a_deal_of_before_the_run_give_their_real_start(
        direct, ran) -> None:
    rows = _rows(ran, _data(
        direct,
        {"done": {"start": "2023-01-01", "ramp_days": 30, "capacity_t_per_day": 200},
         # 10 days before the run begins, 40 to ramp: 30 left as it begins
         "ramping": {"start": "2023-12-12", "ramp_days": 40, "transit_factor": 0.5},
         # in the warm-up: its row is at its start, as before
         "later": {"start": "2023-12-27", "ramp_days": 40, "capacity_t_per_day": 400}},
        {"closed": {"start": "2023-06-01", "ramp_days": 100},
         "closing": {"start": "2023-12-12", "ramp_days": 40},
         "failed": {"start": "2023-06-01", "ramp_days": 100, "probability_fails": 1.0},
         "later_deal": {"start": "2023-12-27", "ramp_days": 40}}))
    later = {"later", "later_deal"}
    # rows at the run's first instant, 10 days before the start date
    assert {row[0] for rid, row in rows.items() if rid not in later} == {-10.0}
    assert rows["later"][0] == rows["later_deal"][0] == -5.0
    assert rows["later"][3:] == ("corridor upgrade starts",
                                 "mine_market: capacity to 400 t/day over 40 days")
    assert rows["later_deal"][3:] == ("deal closes", "40% of copper from mine to us over 40 days")
    assert rows["done"][3:] == (
        "corridor upgrade in force",
        "mine_market: capacity to 200 t/day (started 2023-01-01 over 30 days, in full "
        "force since 2023-01-31)")
    assert rows["ramping"][3:] == (
        "corridor upgrade in force",
        "mine_market: transit x0.5 (started 2023-12-12 over 40 days: 30 of them left at "
        "this date, in full force on 2024-01-21)")
    moves = "40% of copper from mine to us"
    assert rows["closed"][3:] == (
        "deal closes", f"{moves} (started 2023-06-01 over 100 days, in full force since "
        "2023-09-09)")
    assert rows["closing"][3:] == (
        "deal closes", f"{moves} (started 2023-12-12 over 40 days: 30 of them left at this "
        "date, in full force on 2024-01-21)")
    assert rows["failed"][3:] == ("deal fails", f"{moves} (due 2023-06-01)")


def test_show_says_an_upgrade_and_a_deal_of_before_the_start_date_are_in_force(direct) -> None:
    sc = scenario_from_dict(_data(
        direct, {"done": {"start": "2023-01-01", "ramp_days": 30, "capacity_t_per_day": 200}},
        {"closing": {"start": "2023-12-12", "ramp_days": 40}}))
    words = describe_shocks(sc)
    assert ("corridor upgrade done: mine_market from 2023-01-01 over 30 days: capacity to "
            "200 t/day, in full force from 2023-01-31, before the start date") in words
    assert ("offtake deal closing: from 2023-12-12, 40% of copper from mine to us over 40 "
            "days, 20 of those days left on the start date (2024-01-01), in full force on "
            "2024-01-21; probability it fails 0%") in words


def test_an_upgrade_in_full_force_by_the_start_date_is_the_lane_capacity_checked(
        direct) -> None:
    sc = scenario_from_dict(_data(
        direct, {"done": {"start": "2023-01-01", "ramp_days": 30, "capacity_t_per_day": 200},
                 # a transit factor alone leaves the capacity as the one before set it
                 "faster": {"start": "2023-06-01", "ramp_days": 10, "transit_factor": 0.5}}))
    check = next(c for c in capacity_checks(sc, make_plan(sc)) if c.at == "mine_market")
    assert check.capacity == pytest.approx(200 * DAYS_PER_YEAR)
    assert not check.over  # 100 t/day against 200, where the lane's own 20 is 500%
    assert not [n for n in capacity_notes(sc) if "mine_market" in n]
    text = describe(sc)
    assert ("capacity 200 t product/day from the upgrade done (the lane's own figure is 20)"
            in text)
    assert "mine_market (road lane): capacity 73,050 t product/yr from the upgrade done" in text


def test_an_upgrade_ramping_on_the_start_date_is_checked_at_its_capacity_then(direct) -> None:
    # from 2023-12-27 over 40 days: 5 days on, 20 + 180 x 5/40 = 42.5 t/day
    sc = scenario_from_dict(_data(
        direct, {"ramping": {"start": "2023-12-27", "ramp_days": 40,
                             "capacity_t_per_day": 200},
                 # after the start date: not in force then
                 "next": {"start": "2024-01-15", "ramp_days": 10, "capacity_t_per_day": 400}}))
    up = capacity_at_start(sc, "mine_market")
    assert up is not None and (up.upgrade, up.per_day) == ("ramping", pytest.approx(42.5))
    check = next(c for c in capacity_checks(sc, make_plan(sc)) if c.at == "mine_market")
    assert check.capacity == pytest.approx(42.5 * DAYS_PER_YEAR)
    later = ("on the start date: the upgrade ramping raises it to 200 t product/day by "
             "2024-02-05")
    (note,) = [n for n in capacity_notes(sc) if "mine_market" in n]
    assert f"is 235% of its capacity (36,525 against 15,523 t product/yr, {later})" in note
    assert f"capacity 42.5 t product/day {later} (the lane's own figure is 20)" in describe(sc)
    # one that starts after the start date leaves the lane's own capacity then
    sc = scenario_from_dict(_data(
        direct, {"next": {"start": "2024-01-15", "ramp_days": 10, "capacity_t_per_day": 400}}))
    assert capacity_at_start(sc, "mine_market") is None
    check = next(c for c in capacity_checks(sc, make_plan(sc)) if c.at == "mine_market")
    assert check.capacity == pytest.approx(20 * DAYS_PER_YEAR)
    assert "capacity 20 t product/day;" in describe(sc)
