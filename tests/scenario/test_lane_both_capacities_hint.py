"""A lane switched from tonnes to trucks in a variant: the refusal of both limits says how to
drop the inherited one, and following it works (review 46)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"
LANE = "lanes.kolwezi_rail_lobito"


def test_both_capacities_refusal_says_how_to_drop_the_tonnes() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(BASELINE, [f"{LANE}.capacity_trucks_per_day=50"])
    text = str(exc.value)
    assert "not both" in text
    assert "capacity_t_per_day: null" in text
    assert "capacity_t_per_day=null" in text


def test_following_the_hint_switches_the_lane_to_trucks() -> None:
    # a limit in trucks is for road lanes (review 60): the variant makes the line a road
    sc = load_scenario(BASELINE, [f"{LANE}.capacity_trucks_per_day=50",
                                  f"{LANE}.capacity_t_per_day=null", f"{LANE}.mode=road"])
    lane = sc.lanes["kolwezi_rail_lobito"]
    assert lane.capacity_trucks_per_day == 50
    assert lane.capacity_t_per_day is None
