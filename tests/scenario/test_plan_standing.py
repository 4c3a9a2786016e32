"""The plan's status quo includes diversions already in force when the period starts.

A market's ``other_supply_t_per_year: balance`` closes its demand against the planned flow.
When a scripted event diverts output to another channel from the start date on (the
leakage of ``baseline_leakage.yaml``), that diversion is the status quo: balancing against
the flows without it left one market short and another oversupplied for the whole run.
"""

from __future__ import annotations

import pytest

from sim.experiment.replication import run_replication
from sim.scenario import scenario_from_dict
from sim.scenario.plan import make_plan, offtake_at_start
from sim.units import DAYS_PER_YEAR

PER_DAY = 100.0


def two_markets(build, event: dict | None, warmup: float = 0) -> dict:
    """A mine making 100 t/day for channel ``formal`` (to market ``a``), a channel ``side``
    (to market ``b``); both markets demand 100 t/day and balance with outside supply."""
    year = build.DAYS_PER_YEAR
    market = build.market(demand_t_per_year=PER_DAY * year,
                          other_supply_t_per_year={"copper": "balance"},
                          initial_stock_t={"copper": 3 * PER_DAY})
    data = build.scenario(
        {"mine": build.mine(PER_DAY * year), "a": market, "b": dict(market)},
        [build.lane("mine", "a", {"dist": "fixed", "value": 1}),
         build.lane("mine", "b", {"dist": "fixed", "value": 1})],
        ["a"], horizon=60, warmup=warmup)
    data["channels"]["side"] = {"routes": {"to_b": {"path": ["b"]}}}
    if event is not None:
        data["shocks"] = {"events": {"leak": {
            "targets": {"sites": ["mine"], "commodities": ["copper"], "channels": ["formal"]},
            "effects": {"divert": {"share": 0.25, "to_channel": "side"}}, **event}}}
    return data


def inflow_per_day(data: dict) -> tuple[float, float]:
    plan = make_plan(scenario_from_dict(data))
    return tuple(plan.market_inflow.get((m, "copper"), 0.0) / DAYS_PER_YEAR for m in "ab")


@pytest.mark.parametrize("event", [
    {"start": 0},
    {"start": "2024-01-01", "end": "2024-06-01"},
    {"start": -5, "duration_days": {"dist": "uniform", "low": 5, "high": 15}},
])
def test_a_diversion_in_force_at_the_start_is_planned(build, event) -> None:
    a, b = inflow_per_day(two_markets(build, event))
    assert a == pytest.approx(75.0)
    assert b == pytest.approx(25.0)
    sc = scenario_from_dict(two_markets(build, event))
    assert offtake_at_start(sc, "mine", "copper") == pytest.approx(
        {"formal": 0.75, "side": 0.25})


@pytest.mark.parametrize("event", [
    {"start": 10},                                  # a shock during the run
    {"start": -30, "end": "2024-01-01"},            # over when the period starts
    {"start": -30, "duration_days": 20},            # likewise, by its duration
])
def test_a_diversion_not_in_force_at_the_start_is_not(build, event) -> None:
    assert inflow_per_day(two_markets(build, event, warmup=40)) == pytest.approx((100.0, 0.0))


def shortfall(data: dict, market: str) -> float:
    result = run_replication(scenario_from_dict(data), seed=1, replication=0)
    rows = [r[5] for r in result.kpis
            if r[3] == "shortfall_t" and r[0] == "copper" and r[2] == market]
    assert len(rows) == 1
    return rows[0]


def test_a_standing_diversion_leaves_both_markets_balanced(build) -> None:
    data = two_markets(build, {"start": 0})
    assert shortfall(data, "a") == 0.0
    assert shortfall(data, "b") == 0.0


def test_a_diversion_that_starts_later_is_a_shock(build) -> None:
    # the same diversion from day 10: market a, balanced without it, lacks 25 t a day from
    # day 11 (one day's transit); its stock (300 t less the first day's 100 t, before any
    # lot arrives) lasts 8 days, so it is short by 25 t a day for about 41 days
    short = shortfall(two_markets(build, {"start": 10}), "a")
    assert short == pytest.approx(25.0 * 41, abs=2 * 25.0)
    assert shortfall(two_markets(build, {"start": 10}), "b") == 0.0
