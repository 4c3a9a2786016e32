"""A corridor upgrade of a lane counted in trucks gives ``capacity_trucks_per_day``: the
lane's loading rate ramps to it in trucks. An upgrade's capacity in the other unit than
the lane's own is refused with the field to give, and both at once are refused.

Figures by hand: a mine sends a 225 t lot of copper-in-hydroxide metal each day (grade
0.3, 30 t a truck: 750 t of product, 25 trucks) over one road loading 10 trucks a day
(2.5 days a lot: 0.4 lots a day, so a backlog builds from the start) and 0.1 days of
transit to a market abroad."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.shock_text import describe_shocks
from sim.scenario import scenario_from_dict

LOT_T = 225.0


def road(build, upgrade: dict | None, trucks_per_day: float = 10.0, **lane: object) -> dict:
    capacity = ({"capacity_trucks_per_day": trucks_per_day} if not lane else lane)
    data = build.scenario(
        {"mine": build.mine(LOT_T * build.DAYS_PER_YEAR), "market": build.market()},
        [build.lane("mine", "market", 0.1, **capacity)], ["market"], horizon=101,
        series_period_days=5)
    data["commodities"]["copper"]["forms"]["hydroxide"] = {"grade": 0.3,
                                                          "payload_t_per_truck": 30}
    data["sites"]["mine"]["output"]["copper"]["form"] = "hydroxide"
    if upgrade is not None:
        data["policies"] = {"corridor_upgrades": {"wider": {"lane": "mine_market",
                                                            **upgrade}}}
    return data


def test_a_trucks_upgrade_doubles_the_loading_from_its_date(build) -> None:
    data = road(build, {"start": 41, "capacity_trucks_per_day": 20})
    res = sim.run(scenario_from_dict(data), replications=1, seed=1)
    # Without it, lots arrive at 2.6, 5.1, ... (2.5k + 0.1): 40 by day 101. With it, the
    # lot loading at day 41 (from 40) finishes at the old rate, arriving at 42.6; each later
    # one takes 1.25 days (arrivals 43.85, 45.1, ..., 100.1): 17 + 46 lots
    assert res.kpi("throughput_t", commodity="copper", site="mine_market")[0] == \
        pytest.approx(63 * LOT_T)
    base = sim.run(scenario_from_dict(road(build, None)), replications=1, seed=1)
    assert base.kpi("throughput_t", commodity="copper", site="mine_market")[0] == \
        pytest.approx(40 * LOT_T)
    # per 5-day period: 2 lots before the upgrade, 4 after it (one in [0, 5): 2.6 only;
    # three in [40, 45): 40.1, 42.6, 43.85)
    s = res.series
    delivered = s[(s.metric == "delivered_t") & (s.key == "CHN")].sort_values("date")
    lots = (delivered.value / LOT_T).round(9).tolist()
    assert lots[:10] == [1, 2, 2, 2, 2, 2, 2, 2, 3, 4]
    assert lots[9:20] == [4] * 11


def test_the_upgrade_is_described_in_trucks(build) -> None:
    sc = scenario_from_dict(road(build, {"start": 41, "capacity_trucks_per_day": 20}))
    assert "capacity to 20 trucks/day" in describe_shocks(sc)


def _validate(build, tmp_path, data: dict) -> str:
    path = tmp_path / "u.yaml"
    path.write_text(build.to_yaml(data))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    return result.output


def test_a_trucks_upgrade_of_a_lane_in_tonnes_is_refused(build, tmp_path) -> None:
    data = road(build, {"start": 41, "capacity_trucks_per_day": 20}, capacity_t_per_day=500)
    out = _validate(build, tmp_path, data)
    assert "counts its capacity in tonnes of product (capacity_t_per_day)" in out
    assert "give the upgrade capacity_t_per_day instead" in out


def test_a_tonnes_upgrade_of_a_lane_in_trucks_names_the_trucks_field(build, tmp_path) -> None:
    out = _validate(build, tmp_path, road(build, {"start": 41, "capacity_t_per_day": 500}))
    assert "counts its capacity in trucks (capacity_trucks_per_day)" in out
    assert "give the upgrade capacity_trucks_per_day instead" in out


def test_both_capacities_in_one_upgrade_are_refused(build, tmp_path) -> None:
    out = _validate(build, tmp_path, road(build, {
        "start": 41, "capacity_t_per_day": 500, "capacity_trucks_per_day": 20}))
    assert "give capacity_t_per_day or capacity_trucks_per_day, not both" in out


def test_a_trucks_upgrade_of_a_lane_without_capacity_is_refused(build, tmp_path) -> None:
    out = _validate(build, tmp_path, road(build, {"start": 41, "capacity_trucks_per_day": 20},
                                          cost_usd_per_t=1))
    assert "has no capacity to upgrade" in out
