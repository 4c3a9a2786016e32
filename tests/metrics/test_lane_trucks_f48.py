"""A lane limited in trucks a day (capacity_trucks_per_day) reports the trucks it loaded,
as a border post does: throughput_trucks, its tonnes over the form's payload."""

from __future__ import annotations

import pytest

import sim
from sim.metrics import kpis
from sim.scenario.loader import scenario_from_dict


def truck_chain(build, **capacity: float) -> dict:
    """100 t of copper cathode a day (grade 1, 25 t a truck: 4 trucks a lot) from a mine
    straight to a market over one road of no transit time with ``capacity``."""
    return build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 0, **capacity)], ["market"],
                          horizon=41)  # a lot done at day 40 exactly would be a tie


def test_a_truck_limited_lane_counts_its_trucks(build) -> None:
    # 2 trucks a day load a 4-truck lot in 2 days: lots leave at 2, 4, ..., 40, so 20
    # lots, 2,000 t and 80 trucks; the lane is busy all along
    res = sim.run(scenario_from_dict(truck_chain(build, capacity_trucks_per_day=2.0)),
                  replications=1, seed=1)
    tonnes = res.kpi("throughput_t", commodity="copper", site="mine_market")[0]
    assert tonnes == pytest.approx(2000.0)
    assert res.kpi("throughput_trucks", site="mine_market")[0] == pytest.approx(tonnes / 25)
    assert res.kpi("throughput_trucks", site="mine_market")[0] == pytest.approx(80.0)


def test_a_lane_limited_in_tonnes_counts_no_trucks(build) -> None:
    world = build.run_world(truck_chain(build, capacity_t_per_day=50.0))
    rows = kpis.compute_kpis(world, world.check_mass_balance())
    assert [r for r in rows if r[2] == "mine_market" and r[3] == "throughput_t"]
    assert not [r for r in rows if r[3] == "throughput_trucks"]


def test_throughput_trucks_is_defined() -> None:
    assert "\nthroughput_trucks " in kpis.__doc__
