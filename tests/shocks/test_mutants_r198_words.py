"""Review 198 (mutation testing, and its finding 10): the words for a corridor upgrade or an
offtake deal at the boundaries of the run: one whose ramp ends exactly on the start date is
in full force from it, not "before the start date"; one that starts exactly on the start
date (or as the run begins) has no ramp left to tell; a ramp of 0 days before the run is in
full force from its start; an upgrade of exactly the start date sets the capacity checked.

The scenario (tests/shocks/test_early_upgrade_r193.py): start date 2024-01-01, a warm-up of
10 days (the run begins 2023-12-22), the lane's own capacity 20 t/day."""

from __future__ import annotations

import pytest

from sim.output.describe import describe
from sim.output.shock_text import describe_shocks
from sim.scenario import scenario_from_dict
from sim.scenario.capacity import capacity_at_start, capacity_checks
from sim.scenario.plan import make_plan
from sim.units import DAYS_PER_YEAR
from tests.shocks.test_early_upgrade_r193 import _data, _rows


def _lines(text: str, word: str) -> list[str]:
    return [line for line in text.splitlines() if word in line]


def test_an_upgrade_whose_ramp_ends_on_the_start_date_is_in_full_force_from_it(
        direct) -> None:
    sc = scenario_from_dict(_data(
        direct, {"f10": {"start": "2023-12-02", "ramp_days": 30, "capacity_t_per_day": 200}},
        {"d10": {"start": "2023-12-02", "ramp_days": 30}}))
    words = describe_shocks(sc)
    assert "before the start date" not in words and "0 of those days" not in words
    assert _lines(words, "corridor upgrade f10") == [
        "  corridor upgrade f10: mine_market from 2023-12-02 over 30 days: capacity to "
        "200 t/day, in full force from the start date (2024-01-01)"]
    assert _lines(words, "offtake deal d10") == [
        "  offtake deal d10: from 2023-12-02, 40% of copper from mine to us over 30 days, in "
        "full force from the start date (2024-01-01); probability it fails 0%"]


def test_an_upgrade_or_deal_starting_on_the_start_date_has_no_ramp_left_to_tell(
        direct) -> None:
    sc = scenario_from_dict(_data(
        direct, {"on0": {"start": "2024-01-01", "ramp_days": 40, "transit_factor": 0.5}},
        {"deal0": {"start": "2024-01-01", "ramp_days": 40}}))
    words = describe_shocks(sc)
    assert _lines(words, "corridor upgrade on0") == [
        "  corridor upgrade on0: mine_market from 2024-01-01 over 40 days: transit x0.5"]
    assert _lines(words, "offtake deal deal0") == [
        "  offtake deal deal0: from 2024-01-01, 40% of copper from mine to us over 40 days; "
        "probability it fails 0%"]


def test_the_timeline_rows_at_the_run_s_first_instant(direct, ran) -> None:
    rows = _rows(ran, _data(
        direct,
        # starting as the run begins: its own row, not one "started ... 40 of them left"
        {"atrun": {"start": "2023-12-22", "ramp_days": 40, "transit_factor": 0.5},
         # a ramp of 0 days before the run: in full force from its start
         "zero": {"start": "2023-06-01", "ramp_days": 0, "capacity_t_per_day": 200},
         # a ramp that ends as the run begins
         "endsat": {"start": "2023-11-22", "ramp_days": 30, "transit_factor": 0.8}},
        {"dealrun": {"start": "2023-12-22", "ramp_days": 40},
         "deal0": {"start": "2023-06-01", "ramp_days": 0}}))
    assert {row[0] for row in rows.values()} == {-10.0}
    assert rows["atrun"][3:] == ("corridor upgrade starts",
                                 "mine_market: transit x0.5 over 40 days")
    assert rows["dealrun"][3:] == ("deal closes", "40% of copper from mine to us over 40 days")
    assert rows["zero"][3:] == (
        "corridor upgrade in force",
        "mine_market: capacity to 200 t/day (started 2023-06-01, in full force from then)")
    assert rows["deal0"][3:] == (
        "deal closes", "40% of copper from mine to us (started 2023-06-01, in full force "
        "from then)")
    assert rows["endsat"][3:] == (
        "corridor upgrade in force",
        "mine_market: transit x0.8 (started 2023-11-22 over 30 days, in full force since "
        "2023-12-22)")


def test_an_upgrade_of_exactly_the_start_date_sets_the_capacity_checked(direct) -> None:
    sc = scenario_from_dict(_data(
        direct, {"s0": {"start": "2024-01-01", "ramp_days": 0, "capacity_t_per_day": 200}}))
    up = capacity_at_start(sc, "mine_market")
    assert up is not None and (up.upgrade, up.per_day, up.ramping) == ("s0", 200.0, False)
    check = next(c for c in capacity_checks(sc, make_plan(sc)) if c.at == "mine_market")
    assert check.capacity == pytest.approx(200 * DAYS_PER_YEAR) and not check.over
    assert ("mine_market (road lane): capacity 73,050 t product/yr from the upgrade s0, "
            "planned 36,525 (50%)") in describe(sc)
    # one ramping from the start date: the lane's own capacity then, and where it goes
    sc = scenario_from_dict(_data(
        direct, {"s40": {"start": "2024-01-01", "ramp_days": 40, "capacity_t_per_day": 200}}))
    assert _lines(describe(sc), "mine_market: mine -> market") == [
        "  mine_market: mine -> market by road, 1 days, capacity 20 t product/day on the "
        "start date: the upgrade s40 raises it to 200 t product/day by 2024-02-10 (the "
        "lane's own figure is 20); planned 36,525 t metal/yr"]


def test_a_trucks_lane_upgraded_before_the_start_date_gives_its_capacity_once(
        direct) -> None:
    data = _data(direct, {"t": {"start": "2023-06-01", "ramp_days": 10,
                                "capacity_trucks_per_day": 9}})
    del data["lanes"]["mine_market"]["capacity_t_per_day"]
    data["lanes"]["mine_market"]["capacity_trucks_per_day"] = 2
    assert _lines(describe(scenario_from_dict(data)), "mine_market: mine -> market") == [
        "  mine_market: mine -> market by road, 1 days, capacity 9 trucks/day from the "
        "upgrade t (the lane's own figure is 2); planned 36,525 t metal/yr"]
