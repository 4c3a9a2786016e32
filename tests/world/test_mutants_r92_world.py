"""Review 92 (mutation testing of sim/world): tests for mutants that survived while
changing a visible number on a tiny scenario. The code is correct; each test pins the
behaviour the mutant changed (named in the test's comment). Expected values are worked out
by hand from the scenario (lots of 100 t a day, smooth weighted round robin), as each
comment shows."""

from __future__ import annotations

import math

import pytest

from sim.experiment.replication import run_replication
from sim.scenario import scenario_from_dict
from sim.world.daybook import LEAD_BINS
from sim.world.routing import RouteOption, Router

LOT = 100.0  # t: the builders' mine makes one 100 t lot a day


# ----------------------------------------------------------------------------- helpers
class Gate:
    """A lane or site as a route sees it: only its capacity factor (one a throttle slows,
    so routes are rebalanced by the factor itself)."""

    def __init__(self) -> None:
        self.capacity_factor = 1.0
        self.transit_factor = 1.0

    def routing_factor(self, leaving: object = None) -> float:
        return max(self.capacity_factor, 0.0)


def router(rule: str, on_closure: str, weights: list[float], costs: list[float] | None = None,
           leaves: list[bool] | None = None) -> tuple[Router, list[Gate], list[int]]:
    """A router over one gate per route (as in test_rebalance_routing.py), with routes
    leaving the country where ``leaves`` says so (all by default)."""
    gates = [Gate() for _ in weights]
    leaves = leaves or [True] * len(weights)
    options = [RouteOption(i, f"r{i}", (gate,), (), w, 1.0 + i, costs[i] if costs else 0.0,
                           (1.0,), leaves[i])
               for i, (gate, w) in enumerate(zip(gates, weights, strict=True))]
    epoch = [0]
    return Router(rule, on_closure, options, epoch), gates, epoch


def throttle(gates: list[Gate], epoch: list[int], i: int, factor: float) -> None:
    gates[i].capacity_factor = factor
    epoch[0] += 1  # what the world does on any capacity change


def sent(r: Router, lots: int) -> list[float]:
    out = [0.0] * len(r.options)
    for _ in range(lots):
        out[r.choose(LOT).index] += LOT
    return out


def lane_in(world, lane_id: str) -> float:
    return float(world.ledger.lane_in[world.lane_index[lane_id]].sum())


def mine_both_ways(build, routes: dict, on_closure: str, stock_limit_days: float | None = None,
                   closed_lanes: list[str] | None = None) -> dict:
    """The case of tests/shocks/test_export_held_waits_f59a.py::mine_both_ways with other
    shares: a mine (100 t/day) whose one channel has a route to a stockpile at home
    (``reserve``) and routes abroad (``market``, and ``market2`` if a route names it), 1
    day each; a ban days 0-29 of 60; ``closed_lanes`` closed on days 20-40."""
    sites = {"mine": build.mine(), "reserve": build.site("stockpile", region="home"),
             "market": build.market()}
    lanes = [build.lane("mine", "reserve", 1), build.lane("mine", "market", 1)]
    if any(route["path"] == ["market2"] for route in routes.values()):
        sites["market2"] = build.market()
        lanes.append(build.lane("mine", "market2", 1))
    ban = {"commodity": "copper", "start": 0, "end": 29}
    if stock_limit_days is not None:
        ban["stock_limit_days"] = stock_limit_days
    data = build.scenario(sites, lanes, [], routes=routes, horizon=60,
                          policies={"export_bans": {"ban": ban}})
    data["channels"]["formal"]["on_closure"] = on_closure
    if closed_lanes:
        data["shocks"] = {"events": {"cut": {
            "start": 20, "end": 40, "targets": {"lanes": closed_lanes},
            "effects": {"capacity_factor": 0.0}}}}
    return data


# ------------------------------------------------------------- R10: export_fraction
def test_a_stock_limit_with_a_quarter_sent_home_cuts_three_quarters(build) -> None:
    # Kills R10 (export_fraction summing the routes that stay, not those that leave): with
    # shares 0.5/0.5 (the f59a test) both sums agree; at 0.25 home / 0.75 abroad they do
    # not. By hand: the round robin sends days 1, 5, 9, ... home, the rest abroad. The
    # limit holds 10 days x 100 t x 0.75 = 750 t for export. Days 0, 2-4, 6-8 put 700 t
    # in it; day 9 (home's turn) may add 50 of its 75 t export part (25 t cut) and the
    # 75 t lot goes home; day 10 likewise cuts 25 t and its 75 t lot is held (775 t); on
    # days 11-28 the whole 75 t export part is cut: 25 + 25 + 18 x 75 = 1,400 t. (The
    # mutant counts a 25% export share: 625 t cut.)
    routes = {"home": {"path": ["reserve"], "share": 0.25},
              "abroad": {"path": ["market"], "share": 0.75}}
    world = build.run_world(mine_both_ways(build, routes, "wait", stock_limit_days=10))
    assert world.curtailed[0] == pytest.approx(1400.0)
    home = world.recorder.delivered[:, 0, world.country_index["COD"]].tolist()
    # the home route keeps its 25 t of each day's 100 t while the exports are cut
    assert home[2:11] == [100.0, 0.0, 0.0, 0.0, 100.0, 0.0, 0.0, 0.0, 75.0]
    assert home[12:30] == [25.0] * 18


# ----------------------------------------------------------- R9: choose_leaving, closed
def test_held_metal_waits_on_the_largest_leaving_share_when_all_are_closed() -> None:
    # Kills R9 (max -> min in choose_leaving): the docstring says the leaving route with
    # the largest share waits for held metal when the split gives no leaving route weight.
    r, gates, epoch = router("fixed_shares", "reroute", [0.25, 0.6, 0.15],
                             leaves=[False, True, True])
    throttle(gates, epoch, 1, 0.0)
    throttle(gates, epoch, 2, 0.0)
    assert r.choose_leaving(LOT).index == 1
    assert r.release(5 * LOT) == [(r.options[1], 5 * LOT)]


def test_a_released_backlog_with_both_exits_closed_waits_on_the_larger_one(build) -> None:
    # Kills R9 in a world. Shares 0.25 home / 0.6 market / 0.15 market2 (a period of 20
    # lots: 5 / 12 / 3), reroute, ban days 0-29, both lanes abroad closed days 20-40.
    # Days 0-19: 12 lots held for market, 3 for market2. Days 20-39: only home is open,
    # every lot goes there. At the ban's end the 1,500 t held have no open exit and wait
    # on the larger share, market. Days 40-59: another 12 / 3 lots abroad. So market
    # 1,500 + 1,200 = 2,700 t, market2 300 t (the mutant: 1,200 and 1,800).
    routes = {"home": {"path": ["reserve"], "share": 0.25},
              "abroad": {"path": ["market"], "share": 0.6},
              "abroad2": {"path": ["market2"], "share": 0.15}}
    world = build.run_world(mine_both_ways(build, routes, "reroute",
                                           closed_lanes=["mine_market", "mine_market2"]))
    assert lane_in(world, "mine_market") == pytest.approx(2700.0)
    assert lane_in(world, "mine_market2") == pytest.approx(300.0)
    assert lane_in(world, "mine_reserve") == pytest.approx((5 + 20 + 5) * LOT)


# ------------------------------------------------------------ R6: rebalanced (cheapest)
def test_cheapest_rebalance_passes_each_route_what_the_better_ones_leave() -> None:
    # Kills R6 (rest -= factor instead of rest -= weight): the cheapest route at 50% takes
    # 0.5, the next at 50% takes 0.5 x the 0.5 left = 0.25, the third the 0.25 left. The
    # mutant takes 1 - 0.5 - 0.5 = 0 for the third: [67, 33, 0] lots.
    r, gates, epoch = router("cheapest", "rebalance", [1, 1, 1], costs=[1.0, 2.0, 3.0])
    throttle(gates, epoch, 0, 0.5)
    throttle(gates, epoch, 1, 0.5)
    assert sent(r, 100) == [50 * LOT, 25 * LOT, 25 * LOT]


# ------------------------------------------------------------------ S11: Port.ship
def test_lots_on_different_routes_sharing_a_ship_keep_their_routes(build) -> None:
    # Kills S11 (the route left out of Port.ship's merge key). Mine -> port (1.5 days) ->
    # sea lane (a ship every 2 days from t=2, 10 days) -> junction -> market / market2 (1
    # day), routes a / b at 0.5 each: a takes the even days' lots, b the odd ones. A lot
    # of day d reaches the port at d + 1.5 and sails at d + 2 (even d) or d + 3 (odd d),
    # so every ship carries one lot of each route; it enters its last lane 10 days later,
    # before the 60-day horizon for even d <= 46 and odd d <= 45: 24 lots on a, 23 on b.
    # (The mutant merges each ship's two lots onto the first one's route: 100 / 4,600 t.)
    sailing = {"interval_days": 2.0, "vessel_t": 1e6}
    sites = {"mine": build.mine(), "port": build.port(),
             "hub": build.site("junction", region="away"),
             "market": build.market(), "market2": build.market()}
    lanes = [build.lane("mine", "port", 1.5),
             build.lane("port", "hub", 10, mode="sea", sailing=sailing),
             build.lane("hub", "market", 1), build.lane("hub", "market2", 1)]
    routes = {"a": {"path": ["port", "hub", "market"], "share": 0.5},
              "b": {"path": ["port", "hub", "market2"], "share": 0.5}}
    world = build.run_world(build.scenario(sites, lanes, [], routes=routes, horizon=60))
    assert lane_in(world, "hub_market") == pytest.approx(24 * LOT)
    assert lane_in(world, "hub_market2") == pytest.approx(23 * LOT)


# ------------------------------------------------------------ W1: record_arrival
def test_arrivals_at_a_stockpile_are_not_market_arrivals(build) -> None:
    # Kills W1 (market arrivals counted at every site but refiners). The case of
    # tests/shocks/test_export_held_waits_f59a.py::home_and_abroad with no policy: m1 sends
    # 100 t/day to a market in CHN, m2 100 t/day to a stockpile in COD, 1 day each; lots
    # of days 0-38 arrive within the 40 days: 3,900 t each way. Only CHN's are market
    # arrivals; COD's are deliveries to a stockpile.
    sites = {"m1": build.mine(), "m2": build.mine(channel="home"),
             "reserve": build.site("stockpile", region="home"), "market": build.market()}
    lanes = [build.lane("m1", "market", 1), build.lane("m2", "reserve", 1),
             build.lane("m2", "market", 1)]
    data = build.scenario(sites, lanes, ["market"], horizon=40)
    data["channels"]["home"] = {"routes": {"main": {"path": ["reserve"]}}}
    world = build.run_world(data)
    arrivals = world.recorder.arrivals[:, 0, :]
    delivered = world.recorder.delivered[:, 0, :]
    chn, cod = world.country_index["CHN"], world.country_index["COD"]
    assert float(arrivals[:, chn].sum()) == pytest.approx(39 * LOT)
    assert float(arrivals[:, cod].sum()) == 0.0
    assert float(delivered[:, cod].sum()) == pytest.approx(39 * LOT)


# ------------------------------------------------------------ W5: lead-time histogram
def test_leads_beyond_the_last_bin_fall_in_the_open_ended_bin(build) -> None:
    # Kills W5 (leads of LEAD_BINS days or more put in bin LEAD_BINS - 1). 420 days on
    # the lane, 460-day horizon: the lots of days 0-39 arrive, 40 x 100 t, every lead 420
    # days >= LEAD_BINS, so all in the open-ended last bin, and the quantiles are NaN as
    # sim.metrics.kpis._hist_quantile promises (the mutant: 399.05 / 399.5 / 399.95).
    # (tests/metrics/test_resilience.py checks the quantiles too; this pins the bin.)
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 420.0)], ["market"], horizon=460)
    world = build.run_world(data)
    assert LEAD_BINS < 420
    ((_key, hist),) = world.lead_hist.items()
    assert hist[LEAD_BINS] == pytest.approx(40 * LOT)
    assert sum(hist[:LEAD_BINS]) == 0.0
    result = run_replication(scenario_from_dict(data), 1, 0)
    quantiles = {label[3]: value for label, value in zip(result.kpi_labels, result.kpi_array,
                                                          strict=True)
                 if label[2] == "route:main" and "lead_time_p" in label[3]}
    assert len(quantiles) == 3
    assert all(math.isnan(v) for v in quantiles.values()), quantiles
