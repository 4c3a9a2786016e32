"""Export bans and quotas act on exports, metal leaving the policy's country (review 58,
F1): a mine's lots to a refiner, stockpile or market at home pass during a ban and draw no
quota, while a domestic refiner's refined metal for markets abroad is held by a ban and
capped by a quota. Also review 58, F4: a stockpile rule that stops releasing while still
triggered says why in the timeline. Every test failed before its fix."""

from __future__ import annotations

import pytest

BAN = {"commodity": "copper", "start": 0, "end": 30}
QUOTA = {"commodity": "copper", "schedule": [{"start": 0, "end": 39, "tonnes": 1000}]}


def refinery_chain(build, policies: dict) -> dict:
    """The review's case: a mine at home (COD, 100 t/day) -> a refiner at home (2 days;
    3,000 t of feed, refining 100 t/day) -> a market in CHN (3 days); 40 days."""
    refiner = build.site("refiner", capacity_t_per_year={"copper": 100 * build.DAYS_PER_YEAR},
                         initial_feed_t={"copper": 3000.0}, sales={"copper": {"market": 1.0}})
    return build.scenario({"mine": build.mine(), "ref": refiner, "market": build.market()},
                          [build.lane("mine", "ref", 2), build.lane("ref", "market", 3)],
                          ["ref"], horizon=40, policies=policies)


def refined_exports(world) -> list[float]:
    """Tonnes of refined copper exported per day (the last, refined, column)."""
    return world.recorder.exported[:, 0, -1].tolist()


def home_deliveries(world) -> list[float]:
    """Tonnes from mines reaching a destination in COD per day."""
    return world.recorder.delivered[:, 0, world.country_index["COD"]].tolist()


def test_ban_lets_the_mine_feed_a_home_refiner_and_holds_the_refiners_exports(build) -> None:
    world = build.run_world(refinery_chain(build, {"export_bans": {"ban": BAN}}))
    # the mine's lots reach the refiner 2 days after leaving, ban or not (before: nothing
    # until day 32, then 3,100 t at once)
    assert home_deliveries(world) == [0.0, 0.0] + [100.0] * 38
    # the refiner's 100 t/day wait in its output during the ban (before: 100 t/day left
    # every day) and leave with the first dispatch after it: 30 days held + day 30's
    assert refined_exports(world) == [0.0] * 30 + [3100.0] + [100.0] * 9
    assert world.exported_by_channel[0].tolist() == [0.0, 4000.0]
    ref = world.sites[world.site_index["ref"]]
    assert ref.output[0] == 0.0 and ref.stock[0] == pytest.approx(3000.0 - 40 * 100 + 38 * 100)


def test_ban_on_named_channels_leaves_refined_metal_alone(build) -> None:
    # refined metal belongs to no channel: a ban on the mine's channel does not stop it
    world = build.run_world(refinery_chain(
        build, {"export_bans": {"ban": {**BAN, "channels": ["formal"]}}}))
    assert refined_exports(world) == [100.0] * 40
    assert home_deliveries(world) == [0.0, 0.0] + [100.0] * 38


def test_quota_caps_the_refiners_exports_from_the_mines_allowance(build) -> None:
    world = build.run_world(refinery_chain(build, {"export_quotas": {"q": QUOTA}}))
    # the mine's sales to the refiner draw nothing (before: capped at 1,000 t in all)...
    assert home_deliveries(world) == [0.0, 0.0] + [100.0] * 38
    # ...and the refiner's exports draw the mine's 1,000 t (before: 100 t/day, uncapped)
    assert refined_exports(world) == [100.0] * 10 + [0.0] * 30
    quota = world.shocks.quotas[0]
    assert quota.exported == pytest.approx(1000.0)
    assert quota.remaining(world.site_index["mine"], world.env.now) == pytest.approx(0.0)


def two_ways(build, policies: dict, *, one_channel: bool = False) -> dict:
    """A mine at home (100 t/day) with half its copper for a stockpile at home and half for
    a market abroad, 1 day away each: on two channels (``home`` and ``formal``), or on one
    channel with a route each way at fixed shares of 0.5."""
    sites = {"mine": build.mine(), "reserve": build.site("stockpile", region="home"),
             "market": build.market()}
    lanes = [build.lane("mine", "reserve", 1), build.lane("mine", "market", 1)]
    if one_channel:
        routes = {"home": {"path": ["reserve"], "share": 0.5},
                  "abroad": {"path": ["market"], "share": 0.5}}
        return build.scenario(sites, lanes, [], routes=routes, horizon=40, policies=policies)
    data = build.scenario(sites, lanes, ["market"], horizon=40, policies=policies)
    data["channels"]["home"] = {"routes": {"main": {"path": ["reserve"]}}}
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.5, "home": 0.5}}
    return data


def exports(world) -> list[float]:
    return world.recorder.exported[:, 0, :].sum(axis=1).tolist()


def test_ban_stops_the_exporting_channel_only_and_curtails_it_alone(build) -> None:
    world = build.run_world(two_ways(build, {"export_bans": {"ban": {
        **BAN, "stock_limit_days": 10}}}))
    # the home channel's 50 t/day reach the stockpile every day from day 1
    assert home_deliveries(world) == [0.0] + [50.0] * 39
    # the exporting channel holds 10 days x 100 t/day x its share 0.5 = 500 t, curtails
    # the other 20 days x 50 t (before: both channels held and curtailed, 2,000 t)
    assert world.curtailed[0] == pytest.approx(1000.0)
    assert exports(world) == [0.0] * 30 + [550.0] + [50.0] * 9
    assert world.ledger.mined.sum() == pytest.approx(40 * 100.0 - 1000.0)


def test_quota_counts_only_the_exporting_channel(build) -> None:
    world = build.run_world(two_ways(build, {"export_quotas": {"q": QUOTA}}))
    # the whole 1,000 t go abroad, 50 t/day for 20 days (before: the home channel drew
    # half the allowance, and its own metal waited at the mine)
    assert exports(world) == [50.0] * 20 + [0.0] * 20
    assert home_deliveries(world) == [0.0] + [50.0] * 39
    assert world.shocks.quotas[0].exported == pytest.approx(1000.0)
    mine = world.sites[world.site_index["mine"]]
    assert mine.stock[0] == pytest.approx(20 * 50.0)  # the export channel's excess waits


def test_ban_on_a_channel_with_routes_both_ways_exports_nothing(build) -> None:
    # one channel, half to the stockpile at home and half abroad: during the ban nothing
    # leaves and lots routed home pass; what the router sent abroad waits for export (it
    # was routed afresh, and so went home, before review 59), up to the stock limit of
    # 10 days x the 50 t/day export half = 500 t, beyond which the export half is
    # curtailed; after the ban the 500 t leave and the routes take turns again
    world = build.run_world(two_ways(build, {"export_bans": {"ban": {
        **BAN, "stock_limit_days": 10}}}, one_channel=True))
    assert exports(world)[:30] == [0.0] * 30
    assert world.curtailed[0] == pytest.approx(1000.0)  # 20 days x the 50 t export half
    reserve = world.sites[world.site_index["reserve"]]
    assert sum(exports(world)) + reserve.stock[0] == pytest.approx(40 * 100.0 - 1000.0)
    assert reserve.stock[0] == pytest.approx(2000.0)
    assert exports(world)[30:] == [500.0, 100.0, 0.0, 100.0, 0.0, 100.0, 0.0, 100.0, 0.0,
                                   100.0]


def test_ban_releases_allowance_export_controls_gave_to_held_metal(build) -> None:
    # A refiner at home sells half to a controlled market (cap 50 t/day) and half to
    # another; a ban holds both halves for 20 days. The control's allowance those days
    # is not used up by metal that never left: when the ban ends the controlled market
    # takes its 1,050 t (20 days carried over and the day's own), none diverted.
    data = refinery_chain(build, {
        "export_bans": {"ban": {**BAN, "end": 20}},
        "export_controls": {"ctl": {"country": "COD", "commodity": "copper", "start": 0,
                                    "markets": ["market"],
                                    "cap_t_per_year": 50 * build.DAYS_PER_YEAR}}})
    data["regions"]["west"] = {"country": "USA"}
    data["sites"]["other"] = build.site("market", region="west",
                                        demand_t_per_year={"copper": 100 * build.DAYS_PER_YEAR})
    data["lanes"].update([build.lane("ref", "other", 3)])
    data["sites"]["ref"]["sales"] = {"copper": {"market": 0.5, "other": 0.5}}
    world = build.run_world(data)
    arrivals = world.recorder.arrivals[:, 0, :]
    market = world.country_index["CHN"]
    other = world.country_index["USA"]
    # shipped at the close of day 20 (time 21), 3 days away
    assert arrivals[24, market] == pytest.approx(1050.0)
    assert arrivals[24, other] == pytest.approx(1050.0)
    assert arrivals[:24].sum() == 0.0
    assert arrivals[25:, market].tolist() == [50.0] * 15


@pytest.mark.parametrize(("stock", "cap", "reason"),
                         [(5000.0, 3000.0, "cap reached"), (1500.0, None, "stockpile empty")])
def test_stockpile_release_stop_says_why(build, stock, cap, reason) -> None:
    sites = {"mine": build.mine(), "market": build.market(initial_stock_t={"copper": 0.0}),
             "reserve": build.site("stockpile", region="away", initial_stock_t={"copper": stock})}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"], horizon=80)
    data["commodities"]["copper"]["demand_elasticity"] = -0.5
    rule = {"site": "reserve", "commodity": "copper", "market": "market",
            "release_price_ratio_above": 1.2, "release_t_per_day": 100.0}
    if cap is not None:
        rule["release_cap_t"] = cap
    data["policies"] = {"stockpiles": {"rule": rule}}
    data["shocks"] = {"events": {"stop": {"start": 20, "end": 70, "targets": {
        "sites": ["mine"]}, "effects": {"capacity_factor": 0.0}}}}
    world = build.run_world(data)
    # the price trigger stops it a few times before (each saying so), then the reason
    stops = [row[4] for row in world.timeline.rows if row[3] == "release stops"]
    assert stops[0].endswith(", no longer triggered")
    assert stops[-1].endswith(f", {reason}")
    assert world.shocks.stockpiles[0].released == pytest.approx(min(stock, cap or stock))
