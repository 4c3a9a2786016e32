"""KPIs and series that survived mutation testing: each test here fails on a small,
plausible bug (named in its docstring) that the rest of the suite let through.

Chains are deterministic: one copper mine ships a 100 t lot at every whole day (from the
start of the warm-up) on a fixed-transit lane, so every figure follows by hand.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from sim.experiment.replication import run_replication
from sim.metrics.series import aggregate, catalogue
from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World

EXACT = {"rel": 1e-12, "abs": 1e-9}
PRICE = 1000.0
"""Reference price of copper in these chains, USD/t."""


def chain(build: SimpleNamespace, *, horizon: float = 10, warmup: float = 0,
          transit: float = 1.0, **mine: Any) -> dict[str, Any]:
    data = build.scenario({"mine": build.mine(**mine), "market": build.market()},
                          [build.lane("mine", "market", transit)], ["market"],
                          horizon=horizon, warmup=warmup)
    data["commodities"]["copper"]["reference_price_usd_per_t"] = PRICE
    return data


def kpis(data: dict[str, Any]) -> dict[tuple[str, str, str, str], float]:
    result = run_replication(scenario_from_dict(data), seed=1, replication=0)
    return {(com, chan, site, metric): value
            for com, chan, site, metric, _unit, value in result.kpis}


def total(k: dict, metric: str, chan: str = "all", site: str = "all") -> float:
    return k[("copper", chan, site, metric)]


def price_shock(start: float, factor: float, end: float | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"start": start, "targets": {"commodities": ["copper"]},
                             "effects": {"price_factor": factor}}
    if end is not None:
        event["end"] = end
    return event


# ----------------------------------------------------------------------------- values
def test_exports_are_valued_at_the_price_in_force_when_they_leave(build) -> None:
    """Mutant: _export_value prices a day's exports at the index set at that day's close
    instead of the one in force during the day (set at the previous close)."""
    data = chain(build, horizon=10)
    data["shocks"] = {"events": {"spike": price_shock(5, 2.0)}}
    k = kpis(data)
    # without an elasticity the index is the shock's factor: 1 at the close of days 0-4,
    # 2 from the close of day 5 on; a day's 100 t sell at the previous close's index, so
    # days 0-5 at 1 and days 6-9 at 2
    assert total(k, "export_value_usd") == pytest.approx(100.0 * PRICE * (6 + 4 * 2), **EXACT)


def test_royalties_are_due_on_formal_exports_only(build) -> None:
    """Mutant: royalties charged on every channel's exports, informal ones included."""
    data = chain(build, horizon=10)
    data["commodities"]["copper"]["royalty_rate"] = 0.1
    data["channels"]["informal"] = {"formal": False,
                                    "routes": {"main": {"path": ["market"]}}}
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.75, "informal": 0.25}}
    k = kpis(data)
    # 10 days x 75 t formal at the reference price, at 10%
    assert total(k, "royalty_usd") == pytest.approx(0.1 * 10 * 75.0 * PRICE, **EXACT)
    assert total(k, "export_value_usd") == pytest.approx(10 * 100.0 * PRICE, **EXACT)


def test_days_above_baseline_need_more_than_five_percent(build) -> None:
    """Mutant: days_price_above_baseline counts every day above 1, not above 1.05."""
    data = chain(build, horizon=10)
    data["shocks"] = {"events": {"small": price_shock(0, 1.04, end=4),
                                 "big": price_shock(6, 1.5)}}
    k = kpis(data)
    # 1.04 on days 0-3 is within the band; 1.5 on days 6-9 is above it
    assert total(k, "days_price_above_baseline") == 4.0
    assert total(k, "price_peak_ratio") == pytest.approx(1.5, **EXACT)


# ----------------------------------------------------------------------------- stocks
def test_stranded_metal_excludes_the_mines_working_stock(build) -> None:
    """Mutant: _stranded counts a mine's working stock as stranded."""
    data = chain(build, horizon=10, initial_stock_t={"copper": 500.0})
    data["policies"] = {"export_bans": {"ban": {"commodity": "copper", "start": 4}}}
    k = kpis(data)
    # output of days 4-9 waits at the mine; the 500 t kept on hand are not stranded
    assert total(k, "stranded_end_t") == pytest.approx(6 * 100.0, **EXACT)
    assert total(k, "stock_end_t") > 500.0 + 6 * 100.0 - 1e-9


def test_other_supply_counts_the_measured_period_only(build) -> None:
    """Mutant: other_supply_t includes the warm-up's supply."""
    data = chain(build, horizon=10, warmup=7)
    data["sites"]["market"]["other_supply_t_per_year"] = {"copper": 20 * build.DAYS_PER_YEAR}
    k = kpis(data)
    assert total(k, "other_supply_t") == pytest.approx(10 * 20.0, **EXACT)


def test_closed_days_count_the_measured_period_only(build) -> None:
    """Mutant: closed_days counts closures in the warm-up too."""
    data = chain(build, horizon=10, warmup=5)
    data["shocks"] = {"events": {"shut": {
        "start": -3, "end": 2, "targets": {"lanes": ["mine_market"]},
        "effects": {"capacity_factor": 0.0}}}}
    k = kpis(data)
    # closed from 3 days before the start date to day 2: 2 measured days
    assert k[("all", "all", "mine_market", "closed_days")] == pytest.approx(2.0, **EXACT)


def test_seizures_on_lanes_are_lost(build) -> None:
    """Mutant: lost_t drops the seizures booked on lanes (lane_lost)."""
    data = chain(build, horizon=10)
    data["shocks"] = {"events": {"raid": {"start": 0, "targets": {"lanes": ["mine_market"]},
                                          "effects": {"seize_share": 0.2}}}}
    k = kpis(data)
    assert total(k, "seized_t") == pytest.approx(10 * 20.0, **EXACT)
    assert total(k, "lost_t") == pytest.approx(10 * 20.0, **EXACT)


# ----------------------------------------------------------------------------- series
def world_and_series(data: dict[str, Any]) -> tuple[World, Any, np.ndarray]:
    sc = scenario_from_dict(data)
    world = World(sc, Streams(1, 0))
    world.run()
    cat = catalogue(sc)
    return world, cat, aggregate(world, cat)


def row(cat: Any, cube: np.ndarray, metric: str, key: str) -> np.ndarray:
    return cube[cat.keys.index(("copper", metric, key, "t"))]


def test_market_arrivals_include_refined_metal_and_deliveries_do_not(build) -> None:
    """Mutant: the market_arrivals_t series is filled from the deliveries array."""
    refinery = build.site("refiner", region="away",
                          capacity_t_per_year={"copper": 1e6},
                          sales={"copper": {"market": 1.0}})
    data = build.scenario({"mine": build.mine(), "ref": refinery, "market": build.market()},
                          [build.lane("mine", "ref", 1), build.lane("ref", "market", 1)],
                          ["ref"], horizon=7)
    world, cat, cube = world_and_series(data)
    # lots reach the refinery at 1..6; refined metal shipped at each close reaches the
    # market a day later: deliveries are the mine's lots, arrivals the refined metal
    delivered = row(cat, cube, "delivered_t", "CHN")
    arrivals = row(cat, cube, "market_arrivals_t", "CHN")
    assert delivered[0] == pytest.approx(world.delivered_by_channel[0, 0], rel=1e-6)
    assert arrivals[0] == pytest.approx(world.recorder.arrivals.sum(), rel=1e-6)
    assert delivered[0] == pytest.approx(600.0, rel=1e-6)
    assert 0.0 < arrivals[0] < delivered[0]


def test_rents_are_valued_at_the_price_in_force_from_the_start_date(build) -> None:
    """Mutant: _set_start_stocks leaves the warm-up's price index in force until the
    first close of the measured period (the price state is reset, the index is not), so
    the start date's flows are valued at a warm-up scarcity price."""
    # nothing reaches the market in a 10-day warm-up (20-day lane): the index hits its cap
    data = chain(build, horizon=5, warmup=10, transit=20.0)
    data["commodities"]["copper"]["demand_elasticity"] = -0.5
    data["shocks"] = {"events": {"toll": {"start": 0, "targets": {"sites": ["mine"]},
                                          "effects": {"tax_rate": 0.1}}}}
    world = World(scenario_from_dict(data), Streams(1, 0))
    world.run()
    price = world.recorder.price[:, 0]
    assert price.max() > 1.0
    rents = world.rents[0] - world.mark["rents"][0]
    # the lot of day d is taxed at the index of the previous close; day 0's at 1, the
    # reference level the measured period starts from
    in_force = [1.0, *price[:-1]]
    assert rents == pytest.approx(0.1 * 100.0 * PRICE * sum(in_force), **EXACT)


def test_route_deliveries_count_the_measured_period_only(build) -> None:
    """Mutant: _mark_start keeps the warm-up's lead-time histograms, so a route's
    delivered_t and lead times include warm-up deliveries."""
    k = kpis(chain(build, horizon=10, warmup=5, transit=2.0))
    # lots of t = 3..12 arrive at 5..14 (the lot arriving at t0 = 5 counts: the day end
    # that opens the period runs first)
    assert total(k, "delivered_t") == pytest.approx(10 * 100.0, **EXACT)
    assert total(k, "delivered_t", chan="formal", site="route:main") == pytest.approx(
        10 * 100.0, **EXACT)
    assert total(k, "mean_lead_time_days", chan="formal", site="route:main") == pytest.approx(
        2.0, **EXACT)
