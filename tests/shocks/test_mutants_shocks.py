"""Shock and policy behaviours that survived mutation testing: each test here fails on a
small, plausible bug (named in its docstring) that the rest of the suite let through.

Scenarios are the one-lane chains of ``conftest.direct_scenario`` (100 t/day of copper
straight from a mine in COD to a market abroad), so expected tonnages follow by hand.
"""

from __future__ import annotations

from itertools import pairwise

import pytest

EXACT = {"rel": 1e-12, "abs": 1e-9}


def test_stock_limit_of_a_banned_channel_is_its_share_of_output(direct, world_of) -> None:
    """Mutant: Mine._curtail sizes the stockyard room from the whole planned output
    instead of the restricted channel's share of it."""
    data = direct(transit=1.0, horizon=60, policies={"export_bans": {"ban": {
        "commodity": "copper", "start": 10, "end": 40, "channels": ["other"],
        "stock_limit_days": 10}}},
        extra_channels={"other": {"routes": {"main": {"path": ["market"]}}}})
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.5, "other": 0.5}}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    # 'other' gets 50 t/day for 30 banned days and may keep 10 days x 50 t: 1,000 t unmined
    assert world.curtailed[0] == pytest.approx(1000.0, **EXACT)
    # the unbanned half is untouched
    assert world.exported_by_channel[0, 0] == pytest.approx(60 * 50.0, **EXACT)


def test_refined_metal_kept_out_of_a_market_goes_to_the_others_pro_rata(build,
                                                                        world_of) -> None:
    """Mutant: export_controls.settle shares the blocked tonnes equally between the free
    markets instead of in proportion to their sales shares."""
    market = {"demand_t_per_year": {"copper": 100 * build.DAYS_PER_YEAR}}
    sites = {"mine": build.mine(),
             "ref": build.site("refiner", region="away", capacity_t_per_year={"copper": 1e6},
                               sales={"copper": {"us": 0.2, "eu": 0.2, "jp": 0.6}}),
             "us": build.site("market", region="usa", **market),
             "eu": build.site("market", region="away", **market),
             "jp": build.site("market", region="away", **market)}
    lanes = [build.lane("mine", "ref", 1.0), build.lane("ref", "us", 1.0),
             build.lane("ref", "eu", 1.0), build.lane("ref", "jp", 1.0)]
    data = build.scenario(sites, lanes, ["ref"], horizon=20)
    data["regions"]["usa"] = {"country": "USA"}
    data["policies"] = {"export_controls": {"no_us": {
        "country": "CHN", "commodity": "copper", "markets": ["us"], "start": 0}}}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    into = {m: world.ledger.lane_in[world.lane_index[f"ref_{m}"]][0] for m in sites
            if m in ("us", "eu", "jp")}
    shipped = sum(into.values())
    assert shipped > 0.0
    assert into["us"] == 0.0
    # the US's 20% goes 0.2 : 0.6 to eu and jp, so they get 25% and 75%
    assert into["eu"] == pytest.approx(0.25 * shipped, **EXACT)
    assert into["jp"] == pytest.approx(0.75 * shipped, **EXACT)


# ----------------------------------------------------------------------------- hazards
def test_incidents_arrive_at_their_rate_per_year(direct, world_of) -> None:
    """Mutant: the mean gap between incidents is rate / days per year instead of
    days per year / rate."""
    data = direct(horizon=400, shocks={"incidents": {"strike": {
        "rate_per_year": 36.525, "duration_days": 0.5,
        "targets": {"sites": ["mine"]}, "effects": {"capacity_factor": 0.5}}}})
    data["lot_period_days"] = 50.0  # few lots: only the hazard matters
    world = world_of(data)
    world.run()
    starts = [row for row in world.timeline.rows if row[1:4] == ("incident", "strike", "start")]
    # 0.1 a day for 400 days: Poisson with mean 40 (sd 6.3); these bounds are 4 sd wide
    assert 15 <= len(starts) <= 65


# ----------------------------------------------------------------------------- targets
def test_a_region_covers_the_lanes_that_end_in_it(direct, world_of) -> None:
    """Mutant: resolve() takes lanes that start in a targeted region, not those that end
    there."""
    data = direct(transit=1.0, horizon=20, shocks={"events": {"blockade": {
        "start": 0, "end": 10, "targets": {"regions": ["away"]},
        "effects": {"capacity_factor": 0.0}}}})
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    lane = world.lanes[0]
    assert lane.closed_time(0.0, 20.0) == 10.0
    # lots of t = 0..9 wait for the lane to open at 10 and arrive at 11; lots of
    # t = 10..18 take their 1 day
    leads = [11 - t for t in range(10)] + [1] * 9
    assert world.lead_tonne_days[0, 0] / world.delivered_by_channel[0, 0] == pytest.approx(
        sum(leads) / len(leads), **EXACT)


@pytest.mark.parametrize("target", ["formal", "other"])
def test_a_seizure_on_some_channels_spares_the_others(direct, world_of, target: str) -> None:
    """Mutant: Interception.applies tests the commodity index against the channel set."""
    data = direct(transit=1.0, horizon=10, shocks={"events": {"raid": {
        "start": 0, "targets": {"sites": ["mine"], "channels": [target]},
        "effects": {"seize_share": 0.5}}}},
        extra_channels={"other": {"routes": {"main": {"path": ["market"]}}}})
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.5, "other": 0.5}}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    hit = world.channel_index[target]
    # half of the targeted channel's 50 t/day for 10 days
    assert world.seized_by_channel[0, hit] == pytest.approx(10 * 25.0, **EXACT)
    assert world.seized_by_channel[0].sum() == pytest.approx(10 * 25.0, **EXACT)


def two_commodity_market(build) -> dict:
    """The one-lane chain with cobalt (0.1 t per t of copper) beside copper; the market
    wants 100 t/day of copper and 10 t/day of cobalt."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1.0)], ["market"], horizon=10)
    data["commodities"]["cobalt"] = {"forms": {"hydroxide": {"grade": 1.0,
                                                             "payload_t_per_truck": 25.0}}}
    data["sites"]["mine"]["output"]["cobalt"] = {"form": "hydroxide", "ratio_to": "copper",
                                                 "ratio": 0.1}
    data["sites"]["mine"]["offtake"]["cobalt"] = {"formal": 1.0}
    data["sites"]["market"]["demand_t_per_year"]["cobalt"] = 10 * build.DAYS_PER_YEAR
    return data


def test_a_demand_shock_on_one_commodity_leaves_the_others(build, world_of) -> None:
    """Mutant: Market.set_demand_modifier applies the factor to every commodity."""
    data = two_commodity_market(build)
    data["shocks"] = {"events": {"slump": {"start": 0, "targets": {
        "markets": ["market"], "commodities": ["copper"]}, "effects": {"demand_factor": 0.5}}}}
    world = world_of(data)
    world.run()
    demand = world.recorder.demand.sum(axis=(0, 2))
    copper, cobalt = world.commodity_index["copper"], world.commodity_index["cobalt"]
    assert demand[copper] == pytest.approx(10 * 50.0, **EXACT)
    assert demand[cobalt] == pytest.approx(10 * 10.0, **EXACT)


@pytest.mark.parametrize(("factor", "expected"), [(20.0, 10.0), (0.05, 0.1)])
def test_a_price_shock_stays_within_the_price_bounds(direct, world_of, factor: float,
                                                     expected: float) -> None:
    """Mutant: the price factor multiplies the index after it is bounded, so a shock can
    push it past price_cap_ratio (10) or below its inverse."""
    data = direct(transit=1.0, horizon=5, shocks={"events": {"shock": {
        "start": 0, "targets": {"commodities": ["copper"]}, "effects": {"price_factor": factor}}}})
    world = world_of(data)
    world.run()
    # no elasticity: the index is the factor, clipped to [1/10, 10]
    assert world.recorder.price[:, 0].tolist() == [expected] * 5


# ----------------------------------------------------------------------------- policies
def test_the_tightest_stock_limit_in_force_binds(direct, world_of) -> None:
    """Mutant: ExportGate.stock_limit_days takes the loosest limit of those in force."""
    data = direct(transit=1.0, horizon=60, policies={"export_bans": {
        "loose": {"commodity": "copper", "start": 10, "end": 40, "stock_limit_days": 10},
        "tight": {"commodity": "copper", "start": 10, "end": 40, "stock_limit_days": 4}}})
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    # 30 banned days of 100 t, room for 4 of them
    assert world.curtailed[0] == pytest.approx(26 * 100.0, **EXACT)


def test_a_quota_uses_the_allowance_that_expires_first(direct, world_of) -> None:
    """Mutant: QuotaState.take uses the latest-expiring allowance first, so an earlier one
    runs out unused."""
    data = direct(transit=1.0, horizon=60, t_per_year=10 * 365.25, policies={
        "export_quotas": {"q": {
            "commodity": "copper", "carry_over_until": "2024-02-15",
            "schedule": [{"start": "2024-01-01", "end": "2024-01-31", "tonnes": 500},
                         {"start": "2024-02-01", "end": "2024-02-29", "tonnes": 200}]}}})
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    february = world.recorder.exported[31:60, 0, 0].sum()
    # 10 t/day: January leaves 190 t of its 500 t, usable to 15 February. February's
    # first 150 t use it (40 t expire), the last 140 t use February's own 200 t: every
    # tonne leaves
    assert february == pytest.approx(29 * 10.0, **EXACT)


def test_a_deal_without_ramp_takes_its_share_from_its_start_day(build, direct,
                                                               world_of) -> None:
    """Mutant: DealState.share_at is 0 at the start instant, so the deal starts a day
    late."""
    data = direct(transit=1.0, horizon=20, extra_channels={
        "us": {"routes": {"main": {"path": ["market"]}}}},
        policies={"offtake_deals": {"orion": {
            "mines": ["mine"], "commodities": ["copper"], "share": 0.4,
            "to_channel": "us", "start": 10}}})
    world = world_of(data)
    world.run()
    us = world.channel_index["us"]
    # 40% of the lots of days 10-19
    assert world.mined_by_channel[0, us] == pytest.approx(10 * 40.0, **EXACT)


# ----------------------------------------------------------------------------- regimes
def flare_ups(direct, **top) -> dict:
    """A regime on the mine: calm -> contested at 0.1 a day, back at 1 a day."""
    data = direct(shocks={"regimes": {"east": {
        "targets": {"sites": ["mine"]},
        "states": {"calm": {}, "contested": {"effects": {"capacity_factor": 0.5}}},
        "rates_per_year": {"calm": {"contested": 0.1 * 365.25},
                           "contested": {"calm": 1.0 * 365.25}}}}}, **top)
    data["lot_period_days"] = 25.0  # few lots: only the regime matters here
    return data


@pytest.mark.parametrize("rep", range(5))
def test_security_support_acts_from_its_start(direct, world_of, rep: int) -> None:
    """Mutant: security_factors tests ``a < now`` (not ``a <= now``), so the regime's
    sojourn running when support starts goes on at the old rates until its next move."""
    data = flare_ups(direct, horizon=100, policies={"security_support": {"peace": {
        "regimes": ["east"], "start": 50, "escalation_factor": 0.0}}})
    world = world_of(data, seed=3, rep=rep)
    world.run()
    moves = [(day, detail.split(":")[0]) for day, kind, _i, _a, detail in world.timeline.rows
             if kind == "regime"]
    assert any(state == "contested" for day, state in moves if day < 50)  # a live regime
    # with escalation switched off from day 50, a calm regime stays calm from then on:
    # contested can only be entered before day 50
    assert not [day for day, state in moves if state == "contested" and day >= 50]


def test_regime_state_shares_cover_the_measured_period_only(direct, world_of) -> None:
    """Mutant: RegimeRun._account adds warm-up time to measured_time, so
    state_time_share mixes the warm-up into the period."""
    horizon, warmup = 200, 100
    world = world_of(flare_ups(direct, horizon=horizon, warmup=warmup), seed=3)
    world.run()
    run = world.shocks.regimes["east"]
    assert run.measured_time.sum() == pytest.approx(horizon, **EXACT)
    # contested days inside [0, horizon) from the timeline (days since the start date)
    changes = [(day, detail.split(":")[0]) for day, kind, _i, _a, detail in world.timeline.rows
               if kind == "regime"] + [(float(horizon), "end")]
    contested = sum(max(0.0, min(b, horizon) - max(a, 0.0))
                    for (a, state), (b, _next) in pairwise(changes)
                    if state == "contested")
    assert 0.0 < contested < horizon
    # the timeline keeps times to 1e-6 days
    assert run.measured_time[1] == pytest.approx(contested, abs=1e-4)
