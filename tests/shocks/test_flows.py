"""Diversion, seizure, armed-group tax, offtake deals, corridor upgrades, stockpiles and
export controls."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.scenario import scenario_from_dict
from sim.world.lots import Lot


def informal_channel():
    return {"informal": {"formal": False, "routes": {"main": {"path": ["market"]}}}}


def test_captured_mine_sells_to_the_informal_channel(direct, world_of) -> None:
    data = direct(transit=1.0, horizon=50, extra_channels=informal_channel(), shocks={
        "events": {"capture": {"start": 10, "end": 30, "targets": {"sites": ["mine"]},
                               "effects": {"divert": {"share": 1.0, "to_channel": "informal"}}}}})
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    formal, informal = world.channel_index["formal"], world.channel_index["informal"]
    assert world.mined_by_channel[0, informal] == pytest.approx(20 * 100.0)
    assert world.mined_by_channel[0, formal] == pytest.approx(30 * 100.0)
    assert world.diverted_by_channel[0, informal] == pytest.approx(20 * 100.0)
    # smuggled exports pay no royalty
    assert world.formal_channel[informal] == np.False_


def test_seizure_once_per_lot_and_the_ledger_balances(build, world_of) -> None:
    sites = {"mine": build.mine(), "hub": build.site("junction", region="occupied"),
             "market": build.market()}
    lanes = [build.lane("mine", "hub", 1.0), build.lane("hub", "market", 1.0)]
    data = build.scenario(sites, lanes, ["hub", "market"], horizon=40)
    data["regions"]["occupied"] = {"country": "COD"}
    data["lanes"]["mine_hub"]["regions"] = ["occupied"]
    data["commodities"]["copper"]["reference_price_usd_per_t"] = 1000.0
    data["shocks"] = {"events": {"roadblock": {
        "start": 0, "targets": {"regions": ["occupied"]},
        "effects": {"seize_share": 0.25, "tax_rate": 0.1}}}}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    mined = world.ledger.mined.sum()
    seized = world.seized_by_channel.sum()
    delivered = world.delivered_by_channel.sum()
    # each lot passes two targeted elements (lane, then hub) but is seized and taxed once,
    # as it enters the lane
    assert seized == pytest.approx(0.25 * mined)
    assert world.rents[0] == pytest.approx(0.1 * 1000.0 * 0.75 * mined, rel=1e-9)
    assert delivered <= mined


@pytest.mark.parametrize(("pit", "town", "share"), [(0.3, 0.3, 0.6), (1.0, 0.3, 1.0),
                                                     (0.8, 0.5, 1.0), (0.0, 0.5, 0.5)])
def test_taxes_of_two_shocks_add_up_to_at_most_the_whole_value(build, world_of, pit, town,
                                                                share) -> None:
    # a tax at the mine and a toll at a town on the way: the armed groups' rent is the sum
    # of the rates, capped at the lot's value (before, a pit tax of 1 and a 30% toll made
    # 130% of the value)
    sites = {"mine": build.mine(), "town": build.site("junction"), "market": build.market()}
    lanes = [build.lane("mine", "town", 1.0), build.lane("town", "market", 1.0)]
    data = build.scenario(sites, lanes, ["town", "market"], horizon=40)
    data["commodities"]["copper"]["reference_price_usd_per_t"] = 1000.0
    events = {"toll": {"start": 0, "targets": {"sites": ["town"]},
                       "effects": {"tax_rate": town}}}
    if pit:
        events["pit"] = {"start": 0, "targets": {"sites": ["mine"]},
                         "effects": {"tax_rate": pit}}
    data["shocks"] = {"events": events}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    through_town = world.ledger.site_out[world.site_index["town"]][0]
    assert through_town > 30 * 100.0
    # every lot past the town was taxed at the mine as it left, so pays the sum, capped
    assert world.rents[0] == pytest.approx(share * 1000.0 * through_town
                                           + pit * 1000.0 * (world.ledger.mined.sum()
                                                             - through_town), rel=1e-9)


def test_a_form_sells_at_its_payable_share_of_the_metal_price(direct) -> None:
    # 100 t/day exported for 40 days at 1,000 USD/t, 3.5% royalty; an armed-group tax of 10%
    # at the mine. Metal in a form paid at 60% of the metal price is worth 60% as much
    # to the exporter, the state and the armed group.
    def kpis(payable: float | None) -> dict:
        data = direct(transit=1.0, horizon=40, shocks={"events": {"levy": {
            "start": 0, "targets": {"sites": ["mine"]}, "effects": {"tax_rate": 0.1}}}})
        com = data["commodities"]["copper"]
        com.update(reference_price_usd_per_t=1000.0, royalty_rate=0.035)
        if payable is not None:
            com["forms"]["cathode"]["payable_share"] = payable
        res = sim.run(scenario_from_dict(data), replications=1, seed=1)
        return {m: res.kpi(m, "copper")[0]
                for m in ("exported_t", "export_value_usd", "royalty_usd",
                          "armed_group_rent_usd")}

    full, discounted = kpis(None), kpis(0.6)
    assert full["exported_t"] == discounted["exported_t"] == pytest.approx(40 * 100.0)
    assert full["export_value_usd"] == pytest.approx(40 * 100.0 * 1000.0, rel=1e-12)
    assert full["royalty_usd"] == pytest.approx(0.035 * full["export_value_usd"], rel=1e-12)
    assert full["armed_group_rent_usd"] == pytest.approx(0.1 * full["export_value_usd"],
                                                         rel=1e-12)
    for metric in ("export_value_usd", "royalty_usd", "armed_group_rent_usd"):
        assert discounted[metric] == pytest.approx(0.6 * full[metric], rel=1e-12), metric


def test_offtake_deal_ramps_and_can_fail(build, direct, world_of) -> None:
    def data(p_fail: float):
        d = direct(transit=1.0, horizon=100, extra_channels={
            "us": {"routes": {"main": {"path": ["market"]}}}},
            policies={"offtake_deals": {"orion": {
                "mines": ["mine"], "commodities": ["copper"], "share": 0.4,
                "to_channel": "us", "start": 10, "ramp_days": 40,
                "probability_fails": p_fail}}})
        return d

    world = world_of(data(0.0))
    mine = world.sites[world.site_index["mine"]]
    us = world.channel_index["us"]
    seen = {}
    for t in (5.5, 30.5, 60.5):
        world.env.timeout(t).callbacks.append(
            lambda _e, t=t: seen.__setitem__(t, mine.offtake[0, us]))
    world.run()
    assert seen[5.5] == 0.0
    assert seen[30.5] == pytest.approx(0.4 * 20 / 40)  # updated at each day's end
    assert seen[60.5] == pytest.approx(0.4)
    world.check_mass_balance()
    # a deal that fails with probability 0.3 fails in about 30% of replications
    fails = 0
    n = 300
    for rep in range(n):
        w = world_of(data(0.3), seed=2, rep=rep)
        fails += w.shocks.deals[0][0].failed
    assert abs(fails / n - 0.3) < 3 * (0.3 * 0.7 / n) ** 0.5


def test_corridor_upgrade_ramps_capacity_and_transit(build, world_of) -> None:
    sites = {"mine": build.mine(), "market": build.market()}
    data = build.scenario(sites, [build.lane("mine", "market", 10.0, mode="rail",
                                             capacity_t_per_day=200.0)], ["market"],
                          horizon=60)
    data["policies"] = {"corridor_upgrades": {"up": {
        "lane": "mine_market", "start": 10, "ramp_days": 20, "capacity_t_per_day": 600.0,
        "transit_factor": 0.5}}}
    world = world_of(data)
    lane = world.lanes[0]
    seen = {}
    for t in (5.5, 20.5, 40.5):
        world.env.timeout(t).callbacks.append(
            lambda _e, t=t: seen.__setitem__(t, (lane.server.rate, lane.transit_factor)))
    world.run()
    assert seen[5.5] == (200.0, 1.0)
    assert seen[20.5] == (pytest.approx(200.0 + 400.0 * 10 / 20), pytest.approx(0.75))
    assert seen[40.5] == (pytest.approx(600.0), pytest.approx(0.5))


def stockpile_data(build, price_release: float):
    sites = {"mine": build.mine(), "market": build.market(
                initial_stock_t={"copper": 0.0}),
             "reserve": build.site("stockpile", region="away", initial_stock_t={"copper": 5000.0})}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"], horizon=80)
    data["commodities"]["copper"]["demand_elasticity"] = -0.5
    data["policies"] = {"stockpiles": {"reserve_rule": {
        "site": "reserve", "commodity": "copper", "market": "market",
        "release_price_ratio_above": price_release, "release_t_per_day": 100.0,
        "release_cap_t": 3000.0}}}
    data["shocks"] = {"events": {"stop": {"start": 20, "end": 60, "targets": {
        "sites": ["mine"]}, "effects": {"capacity_factor": 0.0}}}}
    return data


def test_stockpile_releases_on_price_and_respects_its_cap(build, world_of) -> None:
    world = world_of(stockpile_data(build, 1.2))
    world.run()
    world.check_mass_balance()
    reserve = world.sites[world.site_index["reserve"]]
    ctl = world.shocks.stockpiles[0]
    assert ctl.released == pytest.approx(3000.0)
    assert reserve.stock[0] == pytest.approx(2000.0)
    data = stockpile_data(build, 1.2)
    del data["policies"]
    without = world_of(data)
    without.run()
    assert without.recorder.shortfall.sum() > world.recorder.shortfall.sum() + 2999.0


def shortfall_rule(build, release_t_per_day: float) -> dict:
    data = stockpile_data(build, 1.2)
    rule = data["policies"]["stockpiles"]["reserve_rule"]
    del rule["release_price_ratio_above"], rule["release_cap_t"]
    rule.update(release_shortfall_share_above=0.5, release_t_per_day=release_t_per_day)
    return data


@pytest.mark.parametrize("rate", [60.0, 100.0])
def test_a_release_on_shortfall_goes_on_while_the_gap_it_fills_lasts(build, world_of,
                                                                     rate) -> None:
    # nothing arrives on days 21-60 (100 t/day of demand); the rule releases while more
    # than half would be short without it. At 60 t/day the market is 40% short with the
    # release, which stopped the rule the next day and restarted it the day after (the
    # larger release then left the larger shortfall); now it releases every day.
    world = world_of(shortfall_rule(build, rate))
    world.run()
    world.check_mass_balance()
    # (day 0, before the first lot arrived, also starts a one-day release)
    actions = [(t, r) for t, _k, who, r, _d in world.timeline.rows
               if who == "reserve_rule" and t > 10]
    assert [r for _t, r in actions] == ["release starts", "release stops"]
    (start, _), (stop, _) = actions
    assert 60.0 <= stop <= 63.0  # when the mine's lots arrive again
    ctl = world.shocks.stockpiles[0]
    assert ctl.released == pytest.approx(rate * (1 + stop - start))


@pytest.mark.parametrize("order", [("rule_a", "rule_b"), ("rule_b", "rule_a")])
def test_two_release_rules_on_one_market_each_judge_the_gap_without_their_own(
        build, world_of, order) -> None:
    # the rule stepped second read a stock the first had just filled, saw a smaller gap
    # than it faced without its own release and stopped every other day (1,200 t and
    # 630 t, by order in the file); without either release the market is 70% short
    data = shortfall_rule(build, 30.0)
    data["sites"]["reserve_b"] = build.site("stockpile", region="away",
                                            initial_stock_t={"copper": 5000.0})
    rule = data["policies"]["stockpiles"].pop("reserve_rule")
    rules = {"rule_a": rule, "rule_b": {**rule, "site": "reserve_b"}}
    data["policies"]["stockpiles"] = {k: rules[k] for k in order}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    released = {c.ident: c.released for c in world.shocks.stockpiles}
    assert released["rule_a"] == pytest.approx(released["rule_b"])
    assert released["rule_a"] >= 30.0 * 40


def test_a_faster_release_never_leaves_a_larger_shortfall(build, world_of) -> None:
    short = []
    for rate in (30.0, 45.0, 50.0, 60.0, 100.0):
        world = world_of(shortfall_rule(build, rate))
        world.run()
        short.append(float(world.recorder.shortfall.sum()))
    assert short == sorted(short, reverse=True)


def test_export_control_redirects_refined_metal(build) -> None:
    sites = {"mine": build.mine(),
             "ref": build.site("refiner", region="away",
                               capacity_t_per_year={"copper": 1e6},
                               sales={"copper": {"us": 0.5, "eu": 0.5}}),
             "us": build.site("market", region="usa",
                              demand_t_per_year={"copper": 100 * 365.25}),
             "eu": build.site("market", region="away",
                              demand_t_per_year={"copper": 100 * 365.25})}
    lanes = [build.lane("mine", "ref", 1.0), build.lane("ref", "us", 1.0),
             build.lane("ref", "eu", 1.0)]
    data = build.scenario(sites, lanes, ["ref"], horizon=60)
    data["regions"]["usa"] = {"country": "USA"}
    for m in ("us", "eu"):
        data["sites"][m]["other_supply_t_per_year"] = {"copper": "balance"}
    data["policies"] = {"export_controls": {"ban_us": {
        "country": "CHN", "commodity": "copper", "markets": ["us"], "start": 20}}}
    res = sim.run(scenario_from_dict(data), replications=1, seed=1)
    world_us = res.kpi("consumed_t", "copper", "all", "us")[0]
    world_eu = res.kpi("consumed_t", "copper", "all", "eu")[0]
    arrivals = res.series.query("metric == 'market_arrivals_t'")
    late_us = arrivals.query("key == 'USA' and date >= '2024-02-01'")["value"].sum()
    assert late_us == 0.0
    assert world_us > 0 and world_eu > 0


def test_timeline_is_written_with_results(direct, tmp_path) -> None:
    from sim.output.folder import ResultsFolder

    data = direct(horizon=40, shocks={"events": {"cut": {
        "start": "2024-01-11", "duration_days": 5, "targets": {"lanes": ["mine_market"]},
        "effects": {"capacity_factor": 0.0}}}})
    sc = scenario_from_dict(data)
    folder = ResultsFolder(tmp_path / "out")
    res = sim.run(sc, replications=2, seed=1, sink=folder.write_replication)
    folder.finish(res)
    text = (tmp_path / "out" / "timeline.csv").read_text()
    assert "replication,day,date,kind,id,action,detail" in text
    assert "event,cut,start,closed until day 15.0" in text
    assert sim.load_results(tmp_path / "out").timeline.equals(res.timeline)


def test_stockpile_rebuilds_when_prices_are_low(build, world_of) -> None:
    sites = {"mine": build.mine(), "market": build.market(initial_stock_t={"copper": 3000.0}),
             "reserve": build.site("stockpile", region="away", initial_stock_t={"copper": 0.0})}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"], horizon=40)
    data["commodities"]["copper"]["demand_elasticity"] = -0.5
    data["policies"] = {"stockpiles": {"rule": {
        "site": "reserve", "commodity": "copper", "market": "market",
        "release_price_ratio_above": 2.0, "release_t_per_day": 100.0,
        "rebuild_price_ratio_below": 1.01, "rebuild_t_per_day": 50.0,
        "rebuild_target_t": 400.0}}}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    reserve = world.sites[world.site_index["reserve"]]
    assert reserve.stock[0] == pytest.approx(400.0)  # bought 50 t/day up to the target
    assert any(r[3] == "rebuild starts" for r in world.timeline.rows)


def test_stockpile_releases_move_a_price_on_supply(build, world_of) -> None:
    # The mine stops on days 20-60; the price follows arrivals against demand. Released
    # metal is supply: the price settles near the trigger and the release stops when the
    # mine is back (before, releases were not counted, the price went to its cap and the
    # rule emptied the whole stockpile).
    data = stockpile_data(build, 1.2)
    data["commodities"]["copper"]["price_basis"] = "supply"
    del data["policies"]["stockpiles"]["reserve_rule"]["release_cap_t"]
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    assert world.recorder.price[:, 0].max() < 1.5
    assert world.shocks.stockpiles[0].released < 4000.0


def test_stockpile_purchases_move_a_price_on_supply(build, world_of) -> None:
    # A glut: 100 t/day arrives for a demand of 50 t/day, so supply alone would put the price
    # index at 2 ** (1 / -0.5) = 0.25. Buying 50 t/day for the stockpile takes half the
    # supply off the market: the price rises until it stops the buying, near 1.01.
    sites = {"mine": build.mine(), "market": build.market(50 * build.DAYS_PER_YEAR),
             "reserve": build.site("stockpile", region="away", initial_stock_t={"copper": 0.0})}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"], horizon=300)
    data["commodities"]["copper"].update(demand_elasticity=-0.5, price_basis="supply")
    rule = {"site": "reserve", "commodity": "copper", "market": "market",
            "release_price_ratio_above": 2.0, "release_t_per_day": 100.0,
            "rebuild_price_ratio_below": 1.01, "rebuild_t_per_day": 50.0,
            "rebuild_target_t": 1e6}
    data["policies"] = {"stockpiles": {"rule": rule}}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    assert world.recorder.price[-30:, 0] == pytest.approx(1.0, abs=0.05)
    data["policies"] = {}
    glut = world_of(data)
    glut.run()
    assert glut.recorder.price[-1, 0] == pytest.approx(0.25, rel=0.05)


def test_ban_with_a_duration(direct, world_of) -> None:
    data = direct(transit=1.0, horizon=60, policies={"export_bans": {"ban": {
        "commodity": "copper", "start": 10, "duration_days": 15}}})
    world = world_of(data)
    world.run()
    days = [r[0] for r in world.timeline.rows if r[2] == "ban"]
    assert days == [10.0, 25.0]


def test_a_port_keeps_lots_taxed_to_different_shares_apart(build, world_of) -> None:
    # Two lots that met the same shock but were taxed to different shares of their value
    # (a regime's states tax differently) merged at the port into one cargo of the mean
    # share, and a 50% toll further on then took 40 t-equivalents instead of 30.
    sites = {"mine": build.mine(), "port": build.port(), "market": build.market()}
    lanes = [build.lane("mine", "port", 1.0),
             build.lane("port", "market", 10.0, mode="sea",
                        sailing={"interval_days": 7, "vessel_t": 1e6})]
    world = world_of(build.scenario(sites, lanes, ["port", "market"], horizon=10))
    port = world.sites[world.site_index["port"]]
    sea = world.lanes[world.lane_index["port_market"]]
    taxed = []
    for untaxed in (0.1, 0.7):
        lot = Lot(0, 0, 50.0, 1.0, 0.04, (world.lanes[0], sea), 0, 0, 0.0)
        lot.leg, lot.intercepted, lot.untaxed = 1, ("event:reg",), untaxed
        taxed.append(lot)
    sent = []
    port.forward_batch = sent.extend  # the cargo lots that leave the port
    port.ship(taxed)
    assert sorted(lot.untaxed for lot in sent) == [0.1, 0.7]
