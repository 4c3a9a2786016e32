"""``on_closure: rebalance``: routes take lots in proportion to the capacity they have left;
``wait`` and ``reroute`` are as they were (reroute acts on full closures only), and a
scenario whose rerouting channel is only throttled by a shock gets a note saying so."""

from __future__ import annotations

from sim.output.describe import describe
from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.routing import RouteOption, Router, throttled_reroute_notes
from sim.world.world import World

LOT = 100.0  # t: the builders' mine makes one 100 t lot a day


class Gate:
    """A lane or site as a route sees it: only its capacity factor (one a throttle slows,
    so routes are rebalanced by the factor itself)."""

    def __init__(self) -> None:
        self.capacity_factor = 1.0
        self.transit_factor = 1.0

    def routing_factor(self, leaving: object = None) -> float:
        return max(self.capacity_factor, 0.0)


def router(rule: str, on_closure: str, weights: list[float], costs: list[float] | None = None
           ) -> tuple[Router, list[Gate], list[int]]:
    gates = [Gate() for _ in weights]
    options = [RouteOption(i, f"r{i}", (gate,), (), w, 1.0 + i, costs[i] if costs else 0.0,
                           (1.0,)) for i, (gate, w) in enumerate(zip(gates, weights,
                                                                       strict=True))]
    epoch = [0]
    return Router(rule, on_closure, options, epoch), gates, epoch


def sent(r: Router, lots: int) -> list[float]:
    out = [0.0] * len(r.options)
    for _ in range(lots):
        out[r.choose(LOT).index] += LOT
    return out


def throttle(gates: list[Gate], epoch: list[int], i: int, factor: float) -> None:
    gates[i].capacity_factor = factor
    epoch[0] += 1  # what the world does on any capacity change


# ------------------------------------------------------------------------- fixed shares
def test_a_throttled_route_keeps_its_share_times_its_capacity() -> None:
    r, gates, epoch = router("fixed_shares", "rebalance", [0.5, 0.5])
    throttle(gates, epoch, 0, 0.3)
    # 0.5 x 0.3 = 0.15 against 0.5: 3 lots in 13 take the throttled route
    assert sent(r, 130) == [30 * LOT, 100 * LOT]


def test_the_lost_share_goes_to_the_open_backups_first() -> None:
    r, gates, epoch = router("fixed_shares", "rebalance", [0.7, 0.3, 0.0, 0.0])
    assert sent(r, 10) == [7 * LOT, 3 * LOT, 0.0, 0.0]  # backups idle while all is open
    throttle(gates, epoch, 0, 0.5)
    throttle(gates, epoch, 3, 0.0)  # a closed backup takes nothing
    # route 0 keeps 0.35; the 0.35 it lost goes to the one open backup, not to route 1
    assert sent(r, 100) == [35 * LOT, 30 * LOT, 35 * LOT, 0.0]


def test_without_backups_the_lost_share_goes_to_the_open_primaries() -> None:
    r, gates, epoch = router("fixed_shares", "rebalance", [0.5, 0.25, 0.25])
    throttle(gates, epoch, 0, 0.5)
    throttle(gates, epoch, 2, 0.0)
    # 0.25 and 0.25 kept (route 2 closed): route 0 and route 1 half each
    assert sent(r, 100) == [50 * LOT, 50 * LOT, 0.0]


def test_a_closure_under_rebalance_is_a_closure_under_reroute() -> None:
    rebal, g1, e1 = router("fixed_shares", "rebalance", [0.6, 0.4])
    rerou, g2, e2 = router("fixed_shares", "reroute", [0.6, 0.4])
    for gates, epoch in ((g1, e1), (g2, e2)):
        throttle(gates, epoch, 1, 0.0)
    assert [rebal.choose(LOT).index for _ in range(50)] == \
        [rerou.choose(LOT).index for _ in range(50)] == [0] * 50
    for gates, epoch in ((g1, e1), (g2, e2)):
        throttle(gates, epoch, 0, 0.0)  # everything closed: wait on the routes
    assert sent(rebal, 10) == sent(rerou, 10) == [6 * LOT, 4 * LOT]


def test_with_a_backup_a_closed_route_s_share_goes_to_the_backup() -> None:
    # unlike reroute, which keeps the backup for when every share route is closed
    rebal, g1, e1 = router("fixed_shares", "rebalance", [0.6, 0.4, 0.0])
    rerou, g2, e2 = router("fixed_shares", "reroute", [0.6, 0.4, 0.0])
    for gates, epoch in ((g1, e1), (g2, e2)):
        throttle(gates, epoch, 1, 0.0)
    assert sent(rebal, 10) == [6 * LOT, 0.0, 4 * LOT]
    assert sent(rerou, 10) == [10 * LOT, 0.0, 0.0]
    for gates, epoch in ((g1, e1), (g2, e2)):
        throttle(gates, epoch, 0, 0.0)  # every share route closed: the backup, as reroute
    assert sent(rebal, 10) == sent(rerou, 10) == [0.0, 0.0, 10 * LOT]
    for gates, epoch in ((g1, e1), (g2, e2)):
        throttle(gates, epoch, 2, 0.0)  # everything closed: wait on the share routes
    assert sent(rebal, 10) == sent(rerou, 10) == [6 * LOT, 4 * LOT, 0.0]


def test_wait_and_reroute_ignore_a_throttle() -> None:
    for on_closure in ("wait", "reroute"):
        r, gates, epoch = router("fixed_shares", on_closure, [0.5, 0.5])
        throttle(gates, epoch, 0, 0.2)
        assert sent(r, 100) == [50 * LOT, 50 * LOT]


def test_the_split_is_worked_out_only_when_the_capacity_epoch_moves() -> None:
    r, gates, epoch = router("fixed_shares", "rebalance", [0.5, 0.5])
    assert sent(r, 10) == [5 * LOT, 5 * LOT]
    gates[0].capacity_factor = 0.0  # not announced: the router does not look
    assert sent(r, 10) == [5 * LOT, 5 * LOT]
    epoch[0] += 1
    assert sent(r, 10) == [0.0, 10 * LOT]


# ------------------------------------------------------------------- cheapest / fastest
def test_cheapest_rebalanced_fills_the_cheapest_route_to_its_capacity() -> None:
    r, gates, epoch = router("cheapest", "rebalance", [1.0, 1.0, 1.0], costs=[20.0, 10.0, 30.0])
    assert sent(r, 10) == [0.0, 10 * LOT, 0.0]  # unthrottled: the cheapest alone
    throttle(gates, epoch, 1, 0.4)
    # the cheapest takes 0.4, the next (route 0, at full capacity) the rest
    assert sent(r, 100) == [60 * LOT, 40 * LOT, 0.0]
    throttle(gates, epoch, 1, 0.0)  # closed: as reroute, the next cheapest
    assert sent(r, 10) == [10 * LOT, 0.0, 0.0]


def test_fastest_rebalanced_follows_upgrades_that_reorder_the_routes() -> None:
    r, gates, epoch = router("fastest", "rebalance", [1.0, 1.0])
    throttle(gates, epoch, 0, 0.5)
    assert sent(r, 10) == [5 * LOT, 5 * LOT]
    throttle(gates, epoch, 0, 1.0)
    # an upgrade cuts route 1's lane (1.8 of its 2 days) by 60%, to 0.92 days against
    # route 0's 1: it is the faster now, though no capacity changed
    r.options[1].leg_transit_days = (1.8,)
    gates[1].transit_factor = 0.4
    assert sent(r, 10) == [0.0, 10 * LOT]


# ---------------------------------------------------------------------- in a world
def two_border_world(build, on_closure: str, factor: float, backup: bool = False) -> World:
    """A mine with two routes of share 0.5 to one market, through border posts ``a`` and
    ``b`` (room to spare), and optionally a share-0 route through ``c``; ``a`` is throttled
    to ``factor`` from the start. Fixed transits of one day a lane."""
    sites = {"mine": build.mine(), "a": build.border(100.0), "b": build.border(100.0),
             "c": build.border(100.0), "market": build.market()}
    lanes = [build.lane("mine", x, 1.0) for x in "abc"]
    lanes += [build.lane(x, "market", 1.0) for x in "abc"]
    routes = {"via_a": {"path": ["a", "market"], "share": 0.5},
              "via_b": {"path": ["b", "market"], "share": 0.5}}
    if backup:
        routes["via_c"] = {"path": ["c", "market"], "share": 0.0}
    data = build.scenario(sites, lanes, [], horizon=130, routes=routes)
    data["channels"]["formal"]["on_closure"] = on_closure
    data["shocks"] = {"events": {"go_slow": {"start": 0, "targets": {"sites": ["a"]},
                                             "effects": {"capacity_factor": factor}}}}
    world = World(scenario_from_dict(data), Streams(1, 0))
    world.run()
    world.check_mass_balance()
    return world


def through(world: World, site: str) -> float:
    return float(world.ledger.site_out[world.site_index[site]].sum())


def test_in_a_world_the_throttled_border_carries_its_scaled_share(build) -> None:
    # 129 lots of 100 t leave the borders in 130 days (the last is still on its way)
    for on_closure in ("wait", "reroute"):  # as before: half each, whatever the throttle
        world = two_border_world(build, on_closure, 0.3)
        assert (through(world, "a"), through(world, "b")) == (65 * LOT, 64 * LOT)
    # 0.5 x 0.3 = 0.15 against 0.5: 3 lots in 13 through a
    world = two_border_world(build, "rebalance", 0.3)
    assert (through(world, "a"), through(world, "b")) == (30 * LOT, 99 * LOT)
    # with a backup: a keeps 0.15, b its 0.5, and the backup takes the 0.35 a lost
    world = two_border_world(build, "rebalance", 0.3, backup=True)
    assert (through(world, "a"), through(world, "b"), through(world, "c")) == \
        (19 * LOT, 65 * LOT, 45 * LOT)


# ---------------------------------------------------------------------------- the note
def noted_scenario(build, on_closure: str, factor: float) -> dict:
    sites = {"mine": build.mine(), "a": build.border(100.0), "b": build.border(100.0),
             "market": build.market()}
    lanes = [build.lane("mine", x, 1.0) for x in "ab"]
    lanes += [build.lane(x, "market", 1.0) for x in "ab"]
    routes = {"via_a": {"path": ["a", "market"], "share": 0.5},
              "via_b": {"path": ["b", "market"], "share": 0.5}}
    data = build.scenario(sites, lanes, [], horizon=30, routes=routes)
    data["channels"]["formal"]["on_closure"] = on_closure
    data["shocks"] = {"events": {"go_slow": {"start": 0, "targets": {"sites": ["a"]},
                                             "effects": {"capacity_factor": factor}}}}
    return data


def test_a_rerouting_channel_only_throttled_by_a_shock_is_noted(build) -> None:
    sc = scenario_from_dict(noted_scenario(build, "reroute", 0.2))
    [note] = throttled_reroute_notes(sc)
    assert "channel 'formal'" in note and "shocks.events.go_slow to 0.2" in note
    assert "reroute acts on full closures only" in note and "`rebalance`" in note
    assert f"note: {note}" in describe(sc)
    for on_closure, factor in (("reroute", 0.0), ("reroute", 1.5), ("rebalance", 0.2),
                               ("wait", 0.2)):
        sc = scenario_from_dict(noted_scenario(build, on_closure, factor))
        assert throttled_reroute_notes(sc) == []


# ------------------------------------------- elements every route passes (review 6)
def shared_router(rule: str, weights: list[float], costs: list[float] | None = None
                  ) -> tuple[Router, list[Gate], Gate, list[int]]:
    """As :func:`router`, with one more gate (a border post, say) on every route."""
    r, gates, epoch = router(rule, "rebalance", weights, costs)
    post = Gate()
    for option in r.options:
        option.sites = (post,)
    return Router(rule, "rebalance", r.options, epoch), gates, post, epoch


def test_a_throttle_every_route_shares_leaves_the_split_as_it_is() -> None:
    # moving lots gains nothing when every route passes the throttled post; before, the
    # main route kept 0.56 of its share and the backup took the rest
    for rule, weights, costs, split in (
            ("fixed_shares", [1.0, 0.0], None, [100 * LOT, 0.0]),
            ("fixed_shares", [0.6, 0.4, 0.0], None, [60 * LOT, 40 * LOT, 0.0]),
            ("cheapest", [1.0, 1.0, 1.0], [20.0, 10.0, 30.0], [0.0, 100 * LOT, 0.0]),
            ("fastest", [1.0, 1.0], None, [100 * LOT, 0.0])):
        r, _gates, post, epoch = shared_router(rule, weights, costs)
        post.capacity_factor = 0.56
        epoch[0] += 1
        assert sent(r, 100) == split, rule


def test_a_route_s_own_throttle_counts_relative_to_the_shared_one() -> None:
    r, gates, post, epoch = shared_router("fixed_shares", [0.5, 0.5])
    post.capacity_factor = 0.5
    throttle(gates, epoch, 0, 0.3)
    # route 0's lane carries 0.3 / 0.5 = 0.6 of what passes the post: 0.3 against 0.5
    assert sent(r, 80) == [30 * LOT, 50 * LOT]
    throttle(gates, epoch, 0, 0.8)  # not below the post: it binds first, nothing moves
    assert sent(r, 80) == [40 * LOT, 40 * LOT]
    r, gates, post, epoch = shared_router("cheapest", [1.0, 1.0], costs=[10.0, 20.0])
    post.capacity_factor = 0.5
    throttle(gates, epoch, 0, 0.2)
    # the cheapest at 0.2 / 0.5 = 0.4, the other the rest
    assert sent(r, 100) == [40 * LOT, 60 * LOT]


def test_a_closed_element_every_route_shares_makes_lots_wait() -> None:
    r, _gates, post, epoch = shared_router("fixed_shares", [0.6, 0.4, 0.0])
    post.capacity_factor = 0.0
    epoch[0] += 1
    assert sent(r, 10) == [6 * LOT, 4 * LOT, 0.0]  # on the share routes, as reroute
    r, _gates, post, epoch = shared_router("cheapest", [1.0, 1.0], costs=[20.0, 10.0])
    post.capacity_factor = 0.0
    epoch[0] += 1
    assert sent(r, 10) == [0.0, 10 * LOT]  # on the cheapest


# ------------------------------------------------ what a backup can take (review 6)
def test_a_throttled_backup_takes_at_most_its_factor_of_the_lost_share() -> None:
    r, gates, epoch = router("fixed_shares", "rebalance", [0.6, 0.4, 0.0])
    throttle(gates, epoch, 0, 0.2)
    throttle(gates, epoch, 1, 0.2)
    throttle(gates, epoch, 2, 0.1)
    # kept 0.12 and 0.08; the backup takes 0.1 of the 0.8 lost (it took all 0.8 before);
    # the other 0.72 waits on the share routes, 0.6 : 0.4 as they keep
    assert sent(r, 1000) == [552 * LOT, 368 * LOT, 80 * LOT]


def test_what_the_backups_cannot_take_stays_with_the_share_routes() -> None:
    r, gates, epoch = router("fixed_shares", "rebalance", [0.6, 0.4, 0.0])
    throttle(gates, epoch, 0, 0.0)
    throttle(gates, epoch, 2, 0.5)
    # 0.6 lost; the backup at 0.5 takes 0.3, route 1 keeps its 0.4 and the 0.3 left
    assert sent(r, 100) == [0.0, 70 * LOT, 30 * LOT]
    throttle(gates, epoch, 1, 0.0)
    # no share route open: the backup takes every lot (to queue there), as under reroute
    assert sent(r, 10) == [0.0, 0.0, 10 * LOT]


def test_two_half_capacity_backups_take_the_whole_lost_share() -> None:
    r, gates, epoch = router("fixed_shares", "rebalance", [0.6, 0.4, 0.0, 0.0])
    throttle(gates, epoch, 0, 0.5)
    throttle(gates, epoch, 2, 0.5)
    throttle(gates, epoch, 3, 0.5)
    # 0.3 lost; each backup may take 0.5 x 0.3, so between them all of it
    assert sent(r, 100) == [30 * LOT, 40 * LOT, 15 * LOT, 15 * LOT]


def test_in_a_world_a_throttle_on_the_shared_border_moves_nothing(build) -> None:
    # both routes cross border k, then a or b: a throttle at k is met on either route
    sites = {"mine": build.mine(), "k": build.border(100.0), "a": build.border(100.0),
             "b": build.border(100.0), "market": build.market()}
    lanes = [build.lane("mine", "k", 1.0), build.lane("k", "a", 1.0),
             build.lane("k", "b", 1.0), build.lane("a", "market", 1.0),
             build.lane("b", "market", 1.0)]
    routes = {"via_a": {"path": ["k", "a", "market"], "share": 1.0},
              "via_b": {"path": ["k", "b", "market"], "share": 0.0}}
    data = build.scenario(sites, lanes, [], horizon=60, routes=routes)
    data["channels"]["formal"]["on_closure"] = "rebalance"
    data["shocks"] = {"events": {"go_slow": {"start": 0, "targets": {"sites": ["k"]},
                                             "effects": {"capacity_factor": 0.56}}}}
    world = World(scenario_from_dict(data), Streams(1, 0))
    world.run()
    world.check_mass_balance()
    assert through(world, "a") > 0 and through(world, "b") == 0.0


def test_no_rebalance_advice_where_rebalance_would_move_nothing(build) -> None:
    # a throttle on a post every route of the mine passes, or a channel with one route
    sites = {"mine": build.mine(), "s": build.border(100.0), "a": build.border(100.0),
             "b": build.border(100.0), "market": build.market()}
    lanes = [build.lane("mine", "s", 1.0), build.lane("s", "a", 1.0),
             build.lane("s", "b", 1.0), build.lane("a", "market", 1.0),
             build.lane("b", "market", 1.0)]
    routes = {"via_a": {"path": ["s", "a", "market"], "share": 0.5},
              "via_b": {"path": ["s", "b", "market"], "share": 0.5}}
    data = build.scenario(sites, lanes, [], horizon=30, routes=routes)
    data["channels"]["formal"]["on_closure"] = "reroute"
    data["shocks"] = {"events": {"go_slow": {"start": 0, "targets": {"sites": ["s"]},
                                             "effects": {"capacity_factor": 0.2}}}}
    assert throttled_reroute_notes(scenario_from_dict(data)) == []
    data["shocks"]["events"]["go_slow"]["targets"] = {"sites": ["a"]}
    assert len(throttled_reroute_notes(scenario_from_dict(data))) == 1
    data = noted_scenario(build, "reroute", 0.2)
    del data["channels"]["formal"]["routes"]["via_b"]
    data["channels"]["formal"]["routes"]["via_a"].pop("share")
    assert throttled_reroute_notes(scenario_from_dict(data)) == []


def test_sim_show_describes_rebalance_as_it_now_works(build) -> None:
    text = describe(scenario_from_dict(noted_scenario(build, "rebalance", 0.2)))
    assert "relative to the posts all its routes pass" in text
    assert "the lost share moves to open routes" not in text
