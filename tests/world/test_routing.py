"""Routing rules: fixed shares, cheapest and fastest, and what lots do at a closure."""

from __future__ import annotations

import pytest

from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World


def two_route_world(build, *, routing: str = "fixed_shares", on_closure: str = "wait",
                    shares: tuple[float, float] = (0.7, 0.3), costs=(None, None),
                    transits=(5.0, 3.0), horizon: int = 100) -> World:
    """A mine with two routes to one market, via junctions ``a`` and ``b``."""
    sites = {
        "mine": build.mine(),
        "a": build.site("junction"),
        "b": build.site("junction"),
        "market": build.market(),
    }
    # a cost-routed channel needs a cost on the mine's own lanes too (the router counts
    # them); equal costs there leave the choice to the lanes after
    first = {"cost_usd_per_t": 1.0} if costs[0] is not None else {}
    lanes = [
        build.lane("mine", "a", 1.0, **first), build.lane("mine", "b", 1.0, **first),
        build.lane("a", "market", transits[0],
                   **({"cost_usd_per_t": costs[0]} if costs[0] is not None else {})),
        build.lane("b", "market", transits[1],
                   **({"cost_usd_per_t": costs[1]} if costs[1] is not None else {})),
    ]
    routes = {"via_a": {"path": ["a", "market"], "share": shares[0]},
              "via_b": {"path": ["b", "market"], "share": shares[1]}}
    data = build.scenario(sites, lanes, [], horizon=horizon, routes=routes)
    data["channels"]["formal"]["routing"] = routing
    data["channels"]["formal"]["on_closure"] = on_closure
    return World(scenario_from_dict(data), Streams(1, 0))


def through(world: World, site: str) -> float:
    return float(world.ledger.site_out[world.site_index[site]].sum())


def test_fixed_shares_split_the_flow_within_one_lot(build) -> None:
    world = two_route_world(build, shares=(0.7, 0.3))
    world.run()
    a, b = through(world, "a"), through(world, "b")
    total = a + b
    assert total > 0
    assert abs(a - 0.7 * total) <= 100.0 + 1e-9  # one lot is 100 t
    assert abs(b - 0.3 * total) <= 100.0 + 1e-9


def test_cheapest_takes_the_cheaper_route(build) -> None:
    world = two_route_world(build, routing="cheapest", costs=(10.0, 20.0), shares=(0.5, 0.5))
    world.run()
    assert through(world, "b") == 0.0
    assert through(world, "a") > 0.0


def test_fastest_takes_the_shorter_route(build) -> None:
    world = two_route_world(build, routing="fastest", transits=(5.0, 3.0), shares=(0.5, 0.5))
    world.run()
    assert through(world, "a") == 0.0
    assert through(world, "b") > 0.0


@pytest.mark.parametrize("routing, costs, transits", [
    ("cheapest", (10.0, 10.0), (5.0, 3.0)), ("fastest", (None, None), (4.0, 4.0))])
def test_of_equally_good_routes_the_plan_and_the_router_take_the_first(
        build, routing, costs, transits) -> None:
    # The plan (balance markets, sim show's loads) once split ties evenly while every
    # lot went down the first route.
    world = two_route_world(build, routing=routing, costs=costs, transits=transits,
                            shares=(0.5, 0.5))
    planned = {key[3]: flow for key, flow in world.plan.route_flow.items()}
    assert planned == {"via_a": pytest.approx(100 * build.DAYS_PER_YEAR)}
    world.run()
    assert through(world, "b") == 0.0
    assert through(world, "a") > 0.0


def close(world: World, lane_id: str, start: float, end: float) -> None:
    lane = world.lanes[world.lane_index[lane_id]]
    world.env.timeout(start).callbacks.append(lambda _e: lane.set_capacity_factor(0.0))
    world.env.timeout(end).callbacks.append(lambda _e: lane.set_capacity_factor(1.0))


def test_reroute_avoids_a_closed_route(build) -> None:
    world = two_route_world(build, routing="fastest", on_closure="reroute", shares=(0.5, 0.5))
    close(world, "b_market", 10.5, 20.5)
    world.run()
    # lots produced on days 11..20 found route b closed and went via a
    assert through(world, "a") == pytest.approx(10 * 100.0)
    world.check_mass_balance()


def test_a_route_of_share_zero_is_a_backup_for_rerouting(build) -> None:
    # via_b has share 0: no lot takes it while via_a is open, but while via_a is closed
    # every lot does (before, share-0 routes were dropped and lots waited at the closure)
    world = two_route_world(build, on_closure="reroute", shares=(1.0, 0.0))
    close(world, "a_market", 10.5, 20.5)
    world.run()
    world.check_mass_balance()
    assert through(world, "b") == pytest.approx(10 * 100.0)  # the lots of days 11..20
    assert through(world, "a") > 80 * 100.0  # every other lot


def test_without_rerouting_a_route_of_share_zero_is_never_taken(build) -> None:
    world = two_route_world(build, on_closure="wait", shares=(1.0, 0.0))
    close(world, "a_market", 10.5, 20.5)
    world.run()
    world.check_mass_balance()
    assert through(world, "b") == 0.0


def test_wait_keeps_lots_on_the_closed_route_until_it_reopens(build) -> None:
    world = two_route_world(build, routing="fastest", on_closure="wait", shares=(0.5, 0.5))
    close(world, "b_market", 10.5, 20.5)
    lane = world.lanes[world.lane_index["b_market"]]
    waiting = []
    world.env.timeout(20.25).callbacks.append(
        lambda _e: waiting.append(sum(lot.tonnes for lot in lane.held_back)))
    world.run()
    assert through(world, "a") == 0.0
    # lots that reached b on days 11.0 .. 20.0 were held back at the closed lane
    assert waiting == [pytest.approx(10 * 100.0)]
    world.check_mass_balance()


def test_fastest_follows_a_corridor_upgrade(build) -> None:
    # Two routes to the market: a (10 days) and b (8 days). From day 10 an upgrade makes
    # a's lane five times faster (2 days): new lots take a.
    sites = {"mine": build.mine(), "ja": build.site("junction"), "jb": build.site("junction"),
             "market": build.market()}
    lanes = [build.lane("mine", "ja", 9.0), build.lane("ja", "market", 1.0),
             build.lane("mine", "jb", 7.0), build.lane("jb", "market", 1.0)]
    routes = {"a": {"path": ["ja", "market"]}, "b": {"path": ["jb", "market"]}}
    data = build.scenario(sites, lanes, [], horizon=40, routes=routes)
    data["channels"]["formal"]["routing"] = "fastest"
    data["policies"] = {"corridor_upgrades": {"faster": {
        "lane": "mine_ja", "start": 10, "transit_factor": 0.2}}}
    world = World(scenario_from_dict(data), Streams(1, 0))
    world.run()
    world.check_mass_balance()
    into_a = world.ledger.lane_in[world.lane_index["mine_ja"]][0]
    into_b = world.ledger.lane_in[world.lane_index["mine_jb"]][0]
    # the upgrade starts as day 10 begins (day ends close first): days 0-9 by b, then a
    assert into_b == pytest.approx(100.0 * 10)
    assert into_a == pytest.approx(100.0 * 30)
