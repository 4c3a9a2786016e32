"""Deterministic pipelines: throughput equals the bottleneck's capacity, and the time from
mine to market equals the sum of the lanes' transit times (plus dwell and service).

A mine sends 100 t of copper a day in one lot. When a stage downstream can pass less, a
queue builds in front of it and the delivered rate is that stage's capacity. With every
time fixed a replication is exact, so deliveries over the measured period may differ from
capacity x days by at most one lot (the period cuts one lot in two). With random transit
times the mean lead time must equal the sum of the lanes' mean transit times, within the
99% confidence interval of the replications' mean lead times.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import sim
from sim.experiment import run_replication
from sim.scenario import scenario_from_dict

HORIZON = 120
WARMUP = 30
LOT_T = 100.0  # one lot of 100 t a day


def kpis(sc) -> dict[tuple[str, str, str, str], float]:
    res = run_replication(sc, 0, 0)
    return {(com, chan, site, metric): value for com, chan, site, metric, _u, value in res.kpis}


def delivered(k: dict) -> float:
    return k[("copper", "all", "all", "delivered_t")]


def chain(build, stages: list[tuple[str, dict]], *, grade: float = 1.0, lane_fields=None,
          horizon: int = HORIZON, warmup: int = WARMUP, transit: float = 1.0) -> dict:
    """mine -> stages ... -> market, each lane ``transit`` days; ``lane_fields`` maps a lane
    id to extra fields (capacity, sailing)."""
    sites = {"mine": build.mine()}
    sites.update(dict(stages))
    sites["market"] = build.market()
    order = ["mine", *(sid for sid, _ in stages), "market"]
    lanes = []
    for a, b in zip(order, order[1:], strict=False):
        lid, lane = build.lane(a, b, transit)
        lane.update((lane_fields or {}).get(lid, {}))
        lanes.append((lid, lane))
    data = build.scenario(sites, lanes, order[1:], horizon=horizon, warmup=warmup)
    data["commodities"]["copper"]["forms"]["cathode"]["grade"] = grade
    return data


# ----------------------------------------------------------------------------- bottlenecks
BOTTLENECKS = {
    # name: (stages, lane fields, grade, capacity in tonnes of metal a day)
    "border post, 2 trucks/day of 25 t": (
        [("border", {"kind": "border_post", "clearance_trucks_per_day": 2.0})], None, 1.0,
        50.0),
    "border post, 3 lanes of 1 truck/day": (
        [("border", {"kind": "border_post", "clearance_trucks_per_day": 3.0, "servers": 3})],
        None, 1.0, 75.0),
    "rail lane, 60 t/day": (
        [("terminal", {"kind": "junction"})],
        {"terminal_market": {"mode": "rail", "capacity_t_per_day": 60.0}}, 1.0, 60.0),
    "rail lane of hydroxide-grade product, 90 t/day": (
        # 90 t of product at grade 0.3 is 27 t of metal a day
        [("terminal", {"kind": "junction"})],
        {"terminal_market": {"mode": "rail", "capacity_t_per_day": 90.0}}, 0.3, 27.0),
    "sailings of 140 t every 2 days": (
        [("port", {"kind": "port"})],
        {"port_market": {"mode": "sea", "sailing": {"interval_days": 2, "vessel_t": 140}}},
        1.0, 70.0),
    "border then a slower rail lane": (
        [("border", {"kind": "border_post", "clearance_trucks_per_day": 3.2}),
         ("terminal", {"kind": "junction"})],
        {"terminal_market": {"mode": "rail", "capacity_t_per_day": 40.0}}, 1.0, 40.0),
    "no bottleneck: every stage above the flow": (
        [("border", {"kind": "border_post", "clearance_trucks_per_day": 20.0}),
         ("terminal", {"kind": "junction"})],
        {"terminal_market": {"mode": "rail", "capacity_t_per_day": 400.0}}, 1.0, LOT_T),
}


@pytest.mark.parametrize("name", list(BOTTLENECKS))
def test_throughput_is_the_bottleneck_capacity(build, name: str) -> None:
    stages, lane_fields, grade, capacity = BOTTLENECKS[name]
    stages = [(sid, {"region": "home", "location": {"lat": 0, "lon": 0}, **fields})
              for sid, fields in stages]
    sc = scenario_from_dict(chain(build, stages, grade=grade, lane_fields=lane_fields))
    k = kpis(sc)
    assert k[("copper", "all", "all", "mined_t")] == pytest.approx(LOT_T * HORIZON)
    # parcels may be split at ports, so "one lot" is at most one lot of 100 t
    assert abs(delivered(k) - capacity * HORIZON) <= LOT_T + 1e-6, (
        f"{delivered(k):.1f} t delivered, capacity {capacity * HORIZON:.1f} t")
    if capacity < LOT_T:
        # the rest piles up in front of the bottleneck
        backlog = k[("copper", "all", "all", "stock_end_t")] + \
            k[("copper", "all", "all", "in_transit_end_t")]
        assert backlog > (LOT_T - capacity) * (HORIZON + WARMUP) * 0.9


def test_bottleneck_capacity_from_the_scenario_plan(build) -> None:
    # sim show's planned load and the simulated rate agree: planned 100 t/day through a
    # post of 2 trucks/day (50 t) is 200% of capacity, and the post passes 50 t/day
    from sim.scenario import make_plan

    stage = [("border", {"kind": "border_post", "clearance_trucks_per_day": 2.0,
                         "region": "home", "location": {"lat": 0, "lon": 0}})]
    sc = scenario_from_dict(chain(build, stage))
    plan = make_plan(sc)
    trucks_per_year = plan.site_trucks["border"]
    assert trucks_per_year / (2.0 * build.DAYS_PER_YEAR) == pytest.approx(2.0)
    k = kpis(sc)
    assert k[("all", "all", "border", "utilisation")] == pytest.approx(1.0)


# ----------------------------------------------------------------------------- transit
def test_fixed_lead_time_is_the_sum_of_lanes_dwell_and_service(build) -> None:
    # mine -2.5-> junction -1.25-> hub (dwell 1.5) -3-> border (4 trucks at 16/day: 0.25)
    #      -0.75-> market
    region = {"region": "home", "location": {"lat": 0, "lon": 0}}
    stages = [("junction", {"kind": "junction", **region}),
              ("hub", {"kind": "trading_hub", "dwell_days": 1.5, **region}),
              ("border", {"kind": "border_post", "clearance_trucks_per_day": 16.0, **region})]
    data = chain(build, stages)
    for lid, days in (("mine_junction", 2.5), ("junction_hub", 1.25), ("hub_border", 3.0),
                      ("border_market", 0.75)):
        data["lanes"][lid]["transit_days"] = days
    k = kpis(scenario_from_dict(data))
    expected = 2.5 + 1.25 + 1.5 + 3.0 + 0.25 + 0.75
    assert k[("copper", "all", "all", "mean_lead_time_days")] == pytest.approx(expected,
                                                                               rel=1e-12)
    # and every lot made it: 100 t a day for the measured period
    assert delivered(k) == pytest.approx(LOT_T * HORIZON)


def test_random_lead_time_mean_is_the_sum_of_lane_means(build) -> None:
    region = {"region": "home", "location": {"lat": 0, "lon": 0}}
    stages = [("junction", {"kind": "junction", **region}),
              ("hub", {"kind": "trading_hub", "dwell_days": {"dist": "exponential",
                                                             "mean": 2.0}, **region})]
    dists = {"mine_junction": {"dist": "triangular", "low": 1, "mode": 2, "high": 6},  # 3
             "junction_hub": {"dist": "gamma", "shape": 2, "scale": 0.75},            # 1.5
             "hub_market": {"dist": "uniform", "low": 4, "high": 8}}                  # 6
    data = chain(build, stages, horizon=200)
    for lid, dist in dists.items():
        data["lanes"][lid]["transit_days"] = dist
    expected = 3.0 + 1.5 + 2.0 + 6.0
    res = sim.run(scenario_from_dict(data), replications=12, seed=8)
    lead = res.kpi("mean_lead_time_days", commodity="copper")
    half = stats.t.ppf(0.995, len(lead) - 1) * lead.std(ddof=1) / math.sqrt(len(lead))
    assert half < 0.03 * expected
    assert abs(lead.mean() - expected) <= half, (lead.mean(), half, expected)
    assert np.all(np.isfinite(lead))
