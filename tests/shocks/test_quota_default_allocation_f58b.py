"""A quota without ``allocation`` shares its tonnes by each mine's planned output on the
quota's channels over the period, counting what offtake deals and diversions move there
(review 58, F2): a mine a deal moves into the quota's channels mid-period gets its share.

Two mines of 100 t/day, m1 selling to ``formal`` and m2 to ``partner``, one lane each of
1 day to a market demanding 200 t/day; a quota on ``formal`` of 12,000 t for days 0-59
(60 days). From day 10 a deal (or a diversion) moves all of m2's output to ``formal``:
formal carries 6,000 t (m1) + 5,000 t (m2) = 11,000 t, under the quota, which should not
bind."""

from __future__ import annotations

from typing import Any

import pytest

from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World

QUOTA = {"commodity": "copper", "channels": ["formal"],
         "schedule": [{"start": 0, "end": 59, "tonnes": 12_000}]}
DEAL = {"mines": ["m2"], "commodities": ["copper"], "share": 1.0, "to_channel": "formal",
        "start": 10}


def two_mines(build, *, quota: dict[str, Any] | None = None, deals: dict[str, Any] | None = None,
              events: dict[str, Any] | None = None) -> dict[str, Any]:
    data = build.scenario(
        {"m1": build.mine(), "m2": build.mine(channel="partner"),
         "market": build.market(demand_t_per_year=200 * build.DAYS_PER_YEAR)},
        [build.lane("m1", "market", 1.0), build.lane("m2", "market", 1.0)], ["market"],
        horizon=60)
    data["channels"]["partner"] = {"routes": {"main": {"path": ["market"]}}}
    data["policies"] = {"export_quotas": {"q": {**QUOTA, **(quota or {})}}}
    if deals:
        data["policies"]["offtake_deals"] = deals
    if events:
        data["shocks"] = {"events": events}
    return data


def run(data: dict[str, Any], seed: int = 1) -> World:
    world = World(scenario_from_dict(data), Streams(seed, 0))
    world.run()
    world.check_mass_balance()
    return world


def waiting(world: World, mine: str) -> float:
    """Copper (t) held in the mine's stockyard above its working stock at the end."""
    return float(world.sites[world.site_index[mine]].pending.sum())


def test_a_deal_into_the_quotas_channel_gets_its_mine_a_share(build) -> None:
    world = run(two_mines(build, deals={"d": DEAL}))
    quota = world.shocks.quotas[0]
    # before the fix m2 had no share (it sold nothing on formal at the start date): formal
    # exported only m1's 6,000 t and m2's 5,000 t stayed at the mine
    assert quota.exported == pytest.approx(11_000.0, rel=1e-9)
    assert waiting(world, "m2") == pytest.approx(0.0, abs=1e-6)
    assert waiting(world, "m1") == pytest.approx(0.0, abs=1e-6)
    # the shares: m1 60 days on formal, m2 50 days
    m1, m2 = world.site_index["m1"], world.site_index["m2"]
    assert quota.shares == pytest.approx({m1: 60 / 110, m2: 50 / 110}, rel=1e-12)


def test_the_default_matches_an_explicit_even_allocation(build) -> None:
    default = run(two_mines(build, deals={"d": DEAL}))
    given = run(two_mines(build, deals={"d": DEAL},
                          quota={"allocation": {"m1": 0.5, "m2": 0.5}}))
    assert default.shocks.quotas[0].exported == pytest.approx(
        given.shocks.quotas[0].exported, rel=1e-9)
    assert given.shocks.quotas[0].exported == pytest.approx(11_000.0, rel=1e-9)


def test_a_diversion_into_the_quotas_channel_counts_too(build) -> None:
    event = {"start": 10, "end": 60, "targets": {"sites": ["m2"]},
             "effects": {"divert": {"share": 1.0, "to_channel": "formal"}}}
    world = run(two_mines(build, events={"e": event}))
    assert world.shocks.quotas[0].exported == pytest.approx(11_000.0, rel=1e-9)
    assert waiting(world, "m2") == pytest.approx(0.0, abs=1e-6)


def test_a_deal_that_fails_gives_no_share(build) -> None:
    # a deal that never closes moves nothing: m1 keeps the whole allowance (as before)
    world = run(two_mines(build, deals={"d": {**DEAL, "probability_fails": 1.0}}))
    quota = world.shocks.quotas[0]
    assert quota.shares == {world.site_index["m1"]: 1.0}
    assert quota.exported == pytest.approx(6_000.0, rel=1e-9)


def test_a_deal_that_ramps_up_is_weighted_by_what_it_moves(build) -> None:
    # from day 10 over 20 days: m2 has 10 days at the average half share, then 30 days
    # at the full one, 10 + 30 = 40 days' output on formal against m1's 60
    world = run(two_mines(build, deals={"d": {**DEAL, "ramp_days": 20}}))
    quota = world.shocks.quotas[0]
    m1, m2 = world.site_index["m1"], world.site_index["m2"]
    assert quota.shares == pytest.approx({m1: 60 / 100, m2: 40 / 100}, rel=1e-6)


def test_monthly_periods_are_shared_by_each_periods_own_output(build) -> None:
    # a deal from February: January's allowance all m1's, February's split evenly
    data = two_mines(build, deals={"d": {**DEAL, "start": "2024-02-01"}},
                     quota={"schedule": [{"start": "2024-01-01", "end": "2024-02-29",
                                          "tonnes": 10_000, "period": "month"}]})
    world = World(scenario_from_dict(data), Streams(1, 0))
    quota = world.shocks.quotas[0]
    m1, m2 = world.site_index["m1"], world.site_index["m2"]
    seen: list[dict[int, float]] = []
    for day in (15.5, 45.5):
        world.env.timeout(day).callbacks.append(lambda _e: seen.append(dict(quota.shares)))
    world.run()
    assert seen[0] == {m1: 1.0}
    assert seen[1] == pytest.approx({m1: 0.5, m2: 0.5}, rel=1e-12)


def test_without_a_deal_the_default_is_unchanged(build) -> None:
    # m2 sells only to partner all along: m1 has the whole allowance, formal exports its
    # 6,000 t, and m2's output leaves on partner, unrestricted
    world = run(two_mines(build))
    quota = world.shocks.quotas[0]
    assert quota.shares == {world.site_index["m1"]: 1.0}
    assert quota.exported == pytest.approx(6_000.0, rel=1e-9)
    assert waiting(world, "m2") == pytest.approx(0.0, abs=1e-6)


def test_without_a_deal_shares_are_the_planned_output_on_the_channels(build) -> None:
    # both mines split between the channels: shares by planned formal output, exactly as
    # the start date's offtake gives them (0.3 x 100 and 0.6 x 100 t/day)
    data = two_mines(build)
    data["sites"]["m1"]["offtake"] = {"copper": {"formal": 0.3, "partner": 0.7}}
    data["sites"]["m2"]["offtake"] = {"copper": {"formal": 0.6, "partner": 0.4}}
    world = World(scenario_from_dict(data), Streams(1, 0))
    quota = world.shocks.quotas[0]
    tpy = 100 * build.DAYS_PER_YEAR
    a, b = tpy * 0.3, tpy * 0.6
    assert quota.shares == {world.site_index["m1"]: a / (a + b),
                            world.site_index["m2"]: b / (a + b)}
