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


# ------------------------------------------------------------ the plan against the world
def three_channels(build, events: dict, offtake: dict | None = None,
                   warmup: float = 40) -> dict:
    """A mine in region ``home`` whose copper goes to channels ``formal``, ``side`` and
    ``third`` (markets ``a``, ``b``, ``c``), with ``events`` and a 40-day warm-up."""
    data = two_markets(build, None, warmup=warmup)
    data["sites"]["c"] = dict(data["sites"]["b"])
    data["lanes"].update(dict([build.lane("mine", "c", {"dist": "fixed", "value": 1})]))
    data["channels"]["third"] = {"routes": {"to_c": {"path": ["c"]}}}
    if offtake is not None:
        data["sites"]["mine"]["offtake"] = {"copper": offtake}
    data["shocks"] = {"events": events}
    return data


def world_offtake_at_start(data: dict) -> dict[str, float]:
    """The mine's copper offtake by channel in a running world, half a day after the
    start date."""
    from sim.streams import Streams
    from sim.world.world import World

    world = World(scenario_from_dict(data), Streams(1, 0))
    world.env.run(until=world.t0 + 0.5)
    mine = next(s for s in world.sites if s.id == "mine")
    row = mine.offtake[world.commodity_index["copper"]]
    return {ch: float(row[k]) for k, ch in enumerate(world.channel_ids) if row[k] > 0}


def divert(share: float, to: str, start: float, **targets: object) -> dict:
    return {"start": start, "targets": {"sites": ["mine"], **targets},
            "effects": {"divert": {"share": share, "to_channel": to}}}


@pytest.mark.parametrize("events", [
    # first in the file but switched on later (in the warm-up): the world applies the other
    # first, and the order matters when they go to different channels
    {"late": divert(0.5, "side", -10), "early": divert(0.5, "third", -30)},
    # both before the warm-up: switched on together when the run begins, in file order
    {"one": divert(0.5, "side", -100), "two": divert(0.5, "third", -60)},
], ids=["by-start", "file-order"])
def test_several_diversions_are_planned_in_the_order_the_world_applies_them(
        build, events) -> None:
    data = three_channels(build, events)
    planned = {k: v for k, v in offtake_at_start(scenario_from_dict(data), "mine",
                                                   "copper").items() if v > 0}
    assert planned == pytest.approx(world_offtake_at_start(data))


def test_a_diversion_takes_only_from_its_channels_and_finds_mines_by_region(build) -> None:
    events = {"leak": {"start": 0, "targets": {"regions": ["home"], "channels": ["formal"]},
                       "effects": {"divert": {"share": 0.5, "to_channel": "third"}}}}
    data = three_channels(build, events, offtake={"formal": 0.5, "side": 0.5})
    planned = offtake_at_start(scenario_from_dict(data), "mine", "copper")
    assert planned == pytest.approx({"formal": 0.25, "side": 0.5, "third": 0.25})
    assert planned == pytest.approx(world_offtake_at_start(data))


def test_a_random_duration_counts_if_the_event_runs_at_the_start_in_most_draws(build) -> None:
    # exponential with mean 40 from day -30: still running at the start date with
    # probability exp(-30/40) = 0.47, so not part of the status quo; from day -20, 0.61
    def event(start: float) -> dict:
        return {"leak": {**divert(0.5, "side", start),
                         "duration_days": {"dist": "exponential", "mean": 40}}}

    assert offtake_at_start(scenario_from_dict(three_channels(build, event(-30))), "mine",
                            "copper") == {"formal": 1.0}
    assert offtake_at_start(scenario_from_dict(three_channels(build, event(-20))), "mine",
                            "copper") == pytest.approx({"formal": 0.5, "side": 0.5})


def test_a_standing_diversion_to_a_misspelt_channel_is_reported_not_a_crash(build) -> None:
    from sim.scenario import ScenarioError

    data = three_channels(build, {"leak": divert(0.5, "sidee", 0)})
    with pytest.raises(ScenarioError, match="unknown channel 'sidee'"):
        scenario_from_dict(data)


def test_sim_show_gives_the_offtake_at_the_start_date_where_diversions_change_it(build
                                                                                 ) -> None:
    from sim.output.describe import describe

    text = describe(scenario_from_dict(two_markets(build, {"start": 0})))
    assert "offtake: copper formal 100%" in text
    assert ("at the start date, with the diversions in force then: copper formal 75.0%, "
            "side 25.0%") in text
    assert "at the start date" not in describe(scenario_from_dict(two_markets(build, None)))
