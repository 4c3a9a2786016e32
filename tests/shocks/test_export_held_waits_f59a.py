"""Review 59, F1: a quota without ``allocation`` shares its tonnes by the mines' planned
EXPORTS (a mine selling at home got a share it could never draw, so a national quota bound
below its tonnes). Review 59, F2: metal a ban or quota holds for export stays held for
export (it was split again at every dispatch, so nearly all of it went to the home
market). Every test failed before its fix."""

from __future__ import annotations

import pytest

from sim.scenario import scenario_from_dict
from sim.scenario.errors import ScenarioError


def quota(tonnes: float, end: int = 39) -> dict:
    return {"export_quotas": {"q": {"commodity": "copper", "schedule": [
        {"start": 0, "end": end, "tonnes": tonnes}]}}}


def home_and_abroad(build, policies: dict, horizon: int = 40, split: bool = False) -> dict:
    """The review's case: m1 sends 100 t/day abroad on ``formal``; m2 100 t/day to a
    stockpile at home on channel ``home`` (with ``split``, half on each channel)."""
    sites = {"m1": build.mine(), "m2": build.mine(channel="home"),
             "reserve": build.site("stockpile", region="home"), "market": build.market()}
    lanes = [build.lane("m1", "market", 1), build.lane("m2", "reserve", 1),
             build.lane("m2", "market", 1)]
    data = build.scenario(sites, lanes, ["market"], horizon=horizon, policies=policies)
    data["channels"]["home"] = {"routes": {"main": {"path": ["reserve"]}}}
    if split:
        data["sites"]["m2"]["offtake"] = {"copper": {"home": 0.5, "formal": 0.5}}
    return data


def exports(world) -> list[float]:
    return world.recorder.exported[:, 0, :].sum(axis=1).tolist()


# ------------------------------------------------------------------ F1: default allocation
def test_a_mine_selling_only_at_home_gets_no_share_of_a_national_quota(build) -> None:
    world = build.run_world(home_and_abroad(build, quota(1000.0)))
    q = world.shocks.quotas[0]
    m1, m2 = world.site_index["m1"], world.site_index["m2"]
    # before: {m1: 0.5, m2: 0.5}, 500 t exported and 3,500 t waiting at m1
    assert q.shares == {m1: 1.0}
    assert q.exported == pytest.approx(1000.0)
    assert exports(world) == [100.0] * 10 + [0.0] * 30
    assert world.sites[m1].stock[0] == pytest.approx(3000.0)
    assert world.sites[m2].stock[0] == 0.0


def test_a_mine_selling_half_at_home_counts_only_its_exports(build) -> None:
    # m1 exports 100 t/day, m2 50 t/day: shares 2/3 and 1/3 of 1,500 t, all used by day 10
    # (before: 750 t each, m2 able to use only 50 t/day: 1,350 t in 12 days)
    world = build.run_world(home_and_abroad(build, quota(1500.0, end=11), horizon=12,
                                            split=True))
    q = world.shocks.quotas[0]
    m1, m2 = world.site_index["m1"], world.site_index["m2"]
    assert q.shares == pytest.approx({m1: 2 / 3, m2: 1 / 3})
    assert q.exported == pytest.approx(1500.0)
    assert exports(world) == pytest.approx([150.0] * 10 + [0.0] * 2)


def test_routes_both_ways_count_their_leaving_share(build) -> None:
    # one channel, m2's routes half home, half abroad at fixed shares: m2 counts 50 t/day
    data = home_and_abroad(build, quota(1500.0, end=11), horizon=12)
    data["channels"]["formal"]["routes"] = {"abroad": {"path": ["market"], "share": 0.5},
                                            "home": {"path": ["reserve"], "share": 0.5}}
    data["sites"]["m2"]["offtake"] = {"copper": {"formal": 1.0}}
    world = build.run_world(data)
    q = world.shocks.quotas[0]
    assert q.shares == pytest.approx({world.site_index["m1"]: 2 / 3,
                                      world.site_index["m2"]: 1 / 3})


def test_an_allocation_to_a_mine_that_cannot_export_is_refused(build) -> None:
    policies = quota(1000.0)
    policies["export_quotas"]["q"]["allocation"] = {"m1": 0.5, "m2": 0.5}
    data = home_and_abroad(build, policies)
    data["lanes"].pop("m2_market")
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(data)
    (issue,) = exc.value.issues
    assert ".".join(map(str, issue.path)) == "policies.export_quotas.q.allocation.m2"
    assert "mine 'm2' cannot export copper" in issue.message


# ------------------------------------------------------------------ F2: held metal waits
def refiner_case(home_refiner, build, ban_end: int, horizon: int) -> dict:
    """The review's case (the ``home_refiner`` fixture) under a ban to ``ban_end``."""
    ban = {"commodity": "copper", "start": 0, "end": ban_end}
    return home_refiner({"export_bans": {"ban": ban}}, horizon)


def test_refined_metal_held_for_abroad_waits_for_it(build, home_refiner) -> None:
    world = build.run_world(refiner_case(home_refiner, build, ban_end=30, horizon=40))
    arrivals = world.recorder.arrivals[:, 0, :]
    home, abroad = world.country_index["COD"], world.country_index["CHN"]
    # the home market gets its 5% of each day's 100 t, no more (before: the whole output
    # by the end of the ban, as the held metal was split by sales shares again each day)
    assert arrivals[:, home].tolist() == [0.0, 0.0] + [5.0] * 38
    # the 95 t/day held for CHN leave with the first dispatch after the ban, 31 days'
    # worth (before: 95% of what was left that day, the rest split again the next)
    assert arrivals[:, abroad].tolist() == [0.0] * 34 + [31 * 95.0] + [95.0] * 5
    ref = world.sites[world.site_index["ref"]]
    assert ref.abroad[0] == 0.0 and ref.output[0] == 0.0


def test_refined_metal_held_counts_in_the_refiners_stock(build, home_refiner) -> None:
    # run_world checks the mass balance
    world = build.run_world(refiner_case(home_refiner, build, ban_end=100, horizon=40))
    ref = world.sites[world.site_index["ref"]]
    assert ref.abroad[0] == pytest.approx(40 * 95.0)
    assert ref.held_abroad[0] == pytest.approx([40 * 95.0, 0.0])
    assert ref.held()[0] - ref.stock[0] == pytest.approx(40 * 95.0)


def mine_both_ways(build, on_closure: str) -> dict:
    """One channel of a mine (100 t/day) with a route to a stockpile at home and one to a
    market abroad, 1 day each, at fixed shares of 0.5; a ban for days 0-29 of 60."""
    sites = {"mine": build.mine(), "reserve": build.site("stockpile", region="home"),
             "market": build.market()}
    lanes = [build.lane("mine", "reserve", 1), build.lane("mine", "market", 1)]
    routes = {"home": {"path": ["reserve"], "share": 0.5},
              "abroad": {"path": ["market"], "share": 0.5}}
    data = build.scenario(sites, lanes, [], routes=routes, horizon=60, policies={
        "export_bans": {"ban": {"commodity": "copper", "start": 0, "end": 29}}})
    data["channels"]["formal"]["on_closure"] = on_closure
    return data


@pytest.mark.parametrize("on_closure", ["wait", "reroute", "rebalance"])
def test_a_mines_metal_held_for_export_is_not_sent_home(build, on_closure: str) -> None:
    world = build.run_world(mine_both_ways(build, on_closure))
    reserve = world.sites[world.site_index["reserve"]]
    # the home route gets its half, 3,000 t (before: 4,400 t, the abroad route 1,600 t)
    assert reserve.stock[0] == pytest.approx(3000.0)
    out = exports(world)
    assert out[:29] == [0.0] * 29
    # the 15 lots of 100 t held leave together once the ban is over, then turns resume
    assert out[29:] == [1500.0] + [0.0, 100.0] * 15
    assert sum(out) == pytest.approx(3000.0)


def test_a_stock_limit_on_routes_both_ways_cuts_only_the_exports(build) -> None:
    data = mine_both_ways(build, "wait")
    data["policies"]["export_bans"]["ban"]["stock_limit_days"] = 10
    world = build.run_world(data)
    # 10 days x 100 t/day x the half sent abroad = 500 t wait; the other 19 days' export
    # halves are not mined, while the home route keeps its 50 t/day (before: the held lots
    # went home, and with no export half counted nothing was curtailed)
    assert world.curtailed[0] == pytest.approx(19 * 50.0)
    home = world.recorder.delivered[:, 0, world.country_index["COD"]].tolist()
    assert home[:11] == [0.0, 100.0] * 5 + [0.0]
    assert home[11:30] == [50.0] * 19
    out = exports(world)
    assert out[:29] == [0.0] * 29 and out[29] == pytest.approx(500.0)
    assert sum(out) == pytest.approx(500.0 + 15 * 100.0)
