"""Concentration KPIs: control of the flow over channels, and refining over countries.

Two mines of 300 and 100 t/day each feed a refiner of their own, one in China, one in the
US (capacity far above the feed, full recovery), one day away: each refines what arrives
at the close of the day, so the shares of metal refined are exactly 3 : 1.
"""

from __future__ import annotations

import math

import pytest

from sim.experiment.replication import run_replication
from sim.scenario import scenario_from_dict

EXACT = {"rel": 1e-12, "abs": 1e-12}


def two_refiners(build, *, us_capacity: float = 1e6) -> dict:
    demand = {"demand_t_per_year": {"copper": 400 * build.DAYS_PER_YEAR}}
    sites = {"mine_cn": build.mine(300 * build.DAYS_PER_YEAR),
             "mine_us": build.mine(100 * build.DAYS_PER_YEAR),
             "ref_cn": build.site("refiner", region="away", capacity_t_per_year={"copper": 1e6},
                                  sales={"copper": {"market": 1.0}}),
             "ref_us": build.site("refiner", region="usa",
                                  capacity_t_per_year={"copper": us_capacity},
                                  sales={"copper": {"market": 1.0}}),
             "market": build.site("market", region="away", **demand)}
    lanes = [build.lane("mine_cn", "ref_cn", 1.0), build.lane("mine_us", "ref_us", 1.0),
             build.lane("ref_cn", "market", 1.0), build.lane("ref_us", "market", 1.0)]
    routes = {"cn": {"path": ["ref_cn"], "share": 0.5}, "us": {"path": ["ref_us"], "share": 0.5}}
    data = build.scenario(sites, lanes, [], horizon=60, warmup=10, routes=routes)
    data["regions"]["usa"] = {"country": "USA"}
    return data


def kpis(data: dict) -> dict:
    res = run_replication(scenario_from_dict(data), 1, 0)
    return {(site, metric): value for com, _ch, site, metric, _u, value in res.kpis
            if com == "copper" and metric in ("refined_share", "refining_hhi", "refined_t")}


def test_refining_shares_and_hhi_over_countries(build) -> None:
    k = kpis(two_refiners(build))
    assert k[("country:CHN", "refined_share")] == pytest.approx(0.75, **EXACT)
    assert k[("country:USA", "refined_share")] == pytest.approx(0.25, **EXACT)
    assert k[("all", "refining_hhi")] == pytest.approx(0.75 ** 2 * 1e4 + 0.25 ** 2 * 1e4,
                                                      **EXACT)


def test_refiners_of_one_country_count_together(build) -> None:
    data = two_refiners(build)
    data["sites"]["ref_us"]["region"] = "away"  # both refiners in China now
    k = kpis(data)
    assert k[("country:CHN", "refined_share")] == 1.0
    assert ("country:USA", "refined_share") not in k
    assert k[("all", "refining_hhi")] == pytest.approx(10_000.0, **EXACT)


def test_a_refining_country_that_refines_nothing_keeps_its_row(build) -> None:
    # the same rows in every replication: a country whose refiners refined nothing has a
    # share of 0, not a missing row
    data = two_refiners(build)
    data["sites"]["mine_us"]["output"]["copper"]["t_per_year"] = 1e-9
    k = kpis(data)
    assert k[("country:USA", "refined_share")] == pytest.approx(0.0, abs=1e-12)
    assert k[("all", "refining_hhi")] == pytest.approx(10_000.0, rel=1e-9)
    assert not math.isnan(k[("all", "refining_hhi")])
