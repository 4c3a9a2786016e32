"""A stockpile rule releasing on shortfall judges the market without all of its metal still
there, not only the day before's release (review 103)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from stockpile_day import MarketDay

from sim.experiment.precision import MetricSpec, check_metrics
from sim.metrics.kpis import compute_kpis
from sim.scenario import scenario_from_dict
from sim.shocks.policies import StockpileController


def shortfall_rule(build, release_t_per_day: float) -> dict:
    """A mine feeding a market of 100 t/day, stopped on days 20-60, and a reserve that
    releases ``release_t_per_day`` while more than half the demand would be short."""
    sites = {"mine": build.mine(), "market": build.market(initial_stock_t={"copper": 0.0}),
             "reserve": build.site("stockpile", region="away",
                                   initial_stock_t={"copper": 20000.0})}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"], horizon=80)
    data["policies"] = {"stockpiles": {"reserve_rule": {
        "site": "reserve", "commodity": "copper", "market": "market",
        "release_shortfall_share_above": 0.5, "release_t_per_day": release_t_per_day}}}
    data["shocks"] = {"events": {"stop": {"start": 20, "end": 60, "targets": {
        "sites": ["mine"]}, "effects": {"capacity_factor": 0.0}}}}
    return data


def release_actions(world) -> list[tuple[float, str]]:
    # (day 0, before the first lot arrived, also starts a one-day release)
    return [(t, r) for t, _k, who, r, _d in world.timeline.rows
            if who == "reserve_rule" and t > 10]


@pytest.mark.parametrize("rate", [150.0, 400.0])
def test_a_release_above_demand_goes_on_while_the_market_would_be_short(
        build, world_of, rate) -> None:
    # Releasing more than the market consumes leaves a surplus in it. Judged without only
    # the day before's release, the market looked supplied from the third day on: the rule
    # stopped, the surplus ran out, the market went short again and the rule restarted
    # (the reviewer's allied reserve: 50 stops, 53 short days, 74,000 t never released).
    world = world_of(shortfall_rule(build, rate))
    world.run()
    world.check_mass_balance()
    actions = release_actions(world)
    assert [r for _t, r in actions] == ["release starts", "release stops"], actions
    (start, _), (stop, _) = actions
    assert 60.0 <= stop <= 63.0  # when the mine's lots arrive again
    ctl = world.shocks.stockpiles[0]
    assert ctl.released == pytest.approx(rate * (1 + stop - start))


def test_the_market_is_never_short_again_once_the_release_began(build, world_of) -> None:
    # Day 0 (nothing has arrived yet) is short and starts a one-day release. Its 50 t of
    # surplus is still in the market on day 21, the first day without a lot, so that day
    # is covered too, and the release restarted that evening covers the rest of the stop.
    # Before, the market was short on 9 days of the stop.
    world = world_of(shortfall_rule(build, 150.0))
    world.run()
    consumed = world.recorder.consumed_flat[:, 0]
    short_days = [d for d in range(len(consumed)) if consumed[d] < 100.0 - 1e-9]
    assert short_days == [0], short_days


def rule(world: MarketDay, in_market: float, **spec) -> StockpileController:
    fields = dict(release_price_ratio_above=None, release_shortfall_share_above=0.5,
                  release_cap_t=None, release_t_per_day=60.0, rebuild_price_ratio_below=None,
                  rebuild_target_t=10000.0, rebuild_t_per_day=0.0)
    ctl = StockpileController("r", SimpleNamespace(**{**fields, **spec}), world.reserve,
                              world.market, 0, start_t=0.0)
    ctl.in_market = in_market
    return ctl


def test_the_rule_judges_the_day_without_its_metal_and_counts_it_consumed_last() -> None:
    # 100 t/day of demand met in full, 150 t left; 200 t of it is the rule's: without it
    # the market had 50 t, 50% short, not above the trigger; the rule's metal left is at
    # most the 150 t still there
    world = MarketDay(consumed=100.0, left=150.0, price=1.0)
    ctl = rule(world, 200.0)
    ctl.step(world)
    assert ctl.in_market == 150.0 and not ctl.releasing
    # 40 t more of it and the market would have been 90% short: it releases 60 t
    ctl = rule(world, 240.0)
    ctl.step(world)
    assert ctl.releasing and ctl.released == 60.0
    assert ctl.in_market == 150.0 + 60.0


def test_what_it_buys_back_is_its_own_metal_first() -> None:
    world = MarketDay(consumed=100.0, left=2000.0, price=0.5)
    ctl = rule(world, 500.0, rebuild_price_ratio_below=0.9, rebuild_t_per_day=300.0)
    ctl.step(world)
    assert ctl.rebuilding and world.reserve.stock[0] == 5300.0
    assert ctl.in_market == 200.0
    ctl = rule(world, 100.0, rebuild_price_ratio_below=0.9, rebuild_t_per_day=300.0)
    ctl.step(world)
    assert ctl.in_market == 0.0


def kpis_of(world) -> dict[tuple[str, str, str, str], float]:
    return {(com, ch, site, metric): value for com, ch, site, metric, _unit, value
            in compute_kpis(world, world.check_mass_balance())}


def test_released_and_bought_back_are_kpis_of_the_stockpile(build, world_of) -> None:
    # Sizing a stockpile needs what its rules released: before, only a series summing
    # every stockpile had it (review 103)
    world = world_of(shortfall_rule(build, 150.0))
    world.run()
    kpi = kpis_of(world)
    reserve = world.sites[world.site_index["reserve"]]
    released = kpi["copper", "all", "reserve", "released_t"]
    assert released == world.shocks.stockpiles[0].released > 0.0
    assert released == pytest.approx(20000.0 - reserve.stock[0])
    assert kpi["copper", "all", "reserve", "bought_back_t"] == 0.0
    assert not any(site == "market" and metric in ("released_t", "bought_back_t")
                   for _c, _k, site, metric in kpi)


def test_two_rules_on_one_stockpile_share_its_rows(build, world_of) -> None:
    data = shortfall_rule(build, 40.0)
    rules = data["policies"]["stockpiles"]
    rules["second"] = {**rules["reserve_rule"], "release_shortfall_share_above": 0.1}
    world = world_of(data)
    world.run()
    kpi = kpis_of(world)
    first, second = (ctl.released for ctl in world.shocks.stockpiles)
    assert first > 0.0 and second > 0.0
    assert kpi["copper", "all", "reserve", "released_t"] == pytest.approx(first + second)


def test_a_release_metric_is_accepted_before_running(build) -> None:
    sc = scenario_from_dict(shortfall_rule(build, 150.0))
    check_metrics([MetricSpec("released_t", "copper", "all", "reserve")], sc)


def test_a_rule_started_in_the_warm_up_has_none_of_its_metal_in_the_market_at_the_start(
        build, world_of) -> None:
    # The start date sets the market's stock to its initial_stock_t, undoing the warm-up's
    # releases; the rule still counted them in the market, judged the first measured day
    # 100% short without them, and released 150 t while the market was never short
    # (review 105)
    data = shortfall_rule(build, 150.0)
    data["warmup_days"] = 30
    data["horizon_days"] = 40
    data["policies"]["stockpiles"]["reserve_rule"]["start"] = -25
    data["shocks"]["events"]["stop"].update(start=-25, end=-5)
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    consumed = world.recorder.consumed_flat[:, 0]
    assert all(consumed[d] >= 100.0 - 1e-9 for d in range(len(consumed)))
    ctl = world.shocks.stockpiles[0]
    assert ctl.released == 0.0
    assert not [t for t, _k, who, r, _d in world.timeline.rows
                if who == "reserve_rule" and t >= 0 and r == "release starts"]
