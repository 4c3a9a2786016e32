"""The planned flows of a scenario: what moves where in a year if nothing goes wrong.

The plan is plain arithmetic on the scenario (no simulation): mine output times offtake
shares times route shares, refined at capacity and sold by sales shares. Offtake shares are
the scenario's with the diversions of scripted events in force at the start date (the
leakage of ``baseline_leakage.yaml``): those are part of the status quo, so the plan moves
their share too. Their other effects (capacity, seizures), later events, conflict regimes
(random) and policies, offtake deals included, are shocks to the status quo and stay out of
it. The plan serves three purposes: ``sim show`` compares every lane's and border post's
capacity with its planned load; markets with ``other_supply_t_per_year: balance`` are closed
against it; and the routing rules use the same expected transit times and costs as the plan.
Mines that ramp up are planned at full output, except for closing ``balance`` markets, where
the status quo has them at their output on the start date.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from sim.scenario.checks import lane_index, mine_routes, route_sites, shock_effects
from sim.scenario.errors import Issue
from sim.scenario.schema import Mine, Sailing, Scenario
from sim.units import DAYS_PER_YEAR


def mine_output_t_per_year(mine: Mine) -> dict[str, float]:
    """Planned output of a mine by commodity, by-products resolved."""
    out: dict[str, float] = {}
    for com, spec in mine.output.items():
        if spec.t_per_year is not None:
            out[com] = spec.t_per_year
    for com, spec in mine.output.items():
        if spec.t_per_year is None and spec.ratio_to in out:
            out[com] = (spec.ratio or 0.0) * out[spec.ratio_to]
    return out


@dataclass(frozen=True)
class StandingDiversion:
    """A scripted event's diversion in force at the start date: ``share`` of the output of
    ``mines`` (of ``commodities``, from ``from_channels``; ``None`` means all) moved to
    ``to_channel``."""

    mines: frozenset[str]
    commodities: frozenset[str] | None
    from_channels: frozenset[str] | None
    share: float
    to_channel: str


def standing_diversions(sc: Scenario) -> list[StandingDiversion]:
    """Diversions of scripted events in force at the start date, in the order the world
    switches them on (which matters when they go to different channels).

    An event is in force if it starts on or before the start date and ends after it; with
    a random duration, if it still runs at the start date in at least half of its draws
    (judged on :data:`_DURATION_DRAWS` draws with a fixed seed, so the plan is the same in
    every run). The world switches events on at their start, or when the run begins for
    those that start before the warm-up, in file order among equal times. Diversions to a
    channel the scenario lacks are left out: the shock checks report them."""
    timed = []
    for order, ev in enumerate(sc.shocks.events.values()):
        divert = ev.effects.divert
        if divert is None or divert.to_channel not in sc.channels:
            continue
        begin = sc.day_of(ev.start)
        if begin > 0:
            continue
        if ev.end is not None:
            if sc.day_of(ev.end) <= 0:
                continue
        elif ev.duration_days is not None:
            draws = ev.duration_days.sample(np.random.default_rng(0), _DURATION_DRAWS)
            if np.mean(begin + draws > 0) < 0.5:
                continue
        t = ev.targets
        mines = frozenset(sid for sid, site in sc.sites.items() if isinstance(site, Mine)
                          and (sid in t.sites or site.region in t.regions))
        switched_on = max(begin, -sc.warmup_days)
        timed.append((switched_on, order, StandingDiversion(
            mines, frozenset(t.commodities) if t.commodities is not None else None,
            frozenset(t.channels) if t.channels is not None else None,
            divert.share, divert.to_channel)))
    return [div for _t, _order, div in sorted(timed, key=lambda x: (x[0], x[1]))]


_DURATION_DRAWS = 10_001


def offtake_at_start(sc: Scenario, mine_id: str, commodity: str,
                     standing: list[StandingDiversion] | None = None) -> dict[str, float]:
    """A mine's offtake shares of ``commodity`` by channel when the period starts: the
    scenario's shares with the standing diversions applied (``standing`` defaults to
    :func:`standing_diversions`)."""
    mine = sc.sites[mine_id]
    shares = dict(mine.offtake.get(commodity, {}))
    for div in standing_diversions(sc) if standing is None else standing:
        if mine_id not in div.mines or (div.commodities is not None
                                        and commodity not in div.commodities):
            continue
        takes = [c for c in shares if c != div.to_channel
                 and (div.from_channels is None or c in div.from_channels)]
        moved = 0.0
        for c in takes:
            moved += shares[c] * div.share
            shares[c] *= 1.0 - div.share
        if moved > 0.0:
            shares[div.to_channel] = shares.get(div.to_channel, 0.0) + moved
    return shares


def route_lanes(sc: Scenario, mine_id: str, path: list[str]) -> list[str]:
    """Lane ids a lot from ``mine_id`` travels on a route with ``path``."""
    lanes = lane_index(sc)
    chain = route_sites(mine_id, path)
    return [lanes[(a, b)] for a, b in zip(chain, chain[1:], strict=False)]


def expected_route_days(sc: Scenario, lane_ids: list[str]) -> float:
    """Expected days on a route without queueing: transit, the wait for a ship, dwell.

    A lot reaching a port at a random moment waits for the next sailing E[I^2] / (2 E[I])
    days on average for intervals I (the inspection paradox: it more likely lands in a long
    interval), half the interval when sailings are regular and the whole mean interval
    when they are exponential."""
    total = 0.0
    for lid in lane_ids:
        lane = sc.lanes[lid]
        total += lane.transit_days.mean()
        if lane.sailing is not None:
            interval = lane.sailing.interval_days
            mean = interval.mean()
            total += 0.5 * (interval.var() + mean * mean) / mean
        dest = sc.sites[lane.to]
        if dest.kind == "trading_hub":
            total += dest.dwell_days.mean()
    return total


def route_cost(sc: Scenario, lane_ids: list[str]) -> float:
    """Cost per tonne of product on a route (lanes without a cost count as 0)."""
    return sum(sc.lanes[lid].cost_usd_per_t or 0.0 for lid in lane_ids)


def route_weights(sc: Scenario, mine_id: str, commodity: str, channel_id: str) -> dict[str, float]:
    """How a channel splits a mine's flow of a commodity over its usable routes (sums to 1)."""
    channel = sc.channels[channel_id]
    usable = mine_routes(sc, mine_id, commodity, channel_id)
    if not usable:
        return {}
    if channel.routing == "fixed_shares":
        raw = {r: (channel.routes[r].share if channel.routes[r].share is not None else 1.0)
               for r in usable}
        total = sum(raw.values())
        if total <= 0:
            return {r: 1.0 / len(usable) for r in usable}
        return {r: w / total for r, w in raw.items()}
    key = expected_route_days if channel.routing == "fastest" else route_cost
    scores = {r: key(sc, route_lanes(sc, mine_id, channel.routes[r].path)) for r in usable}
    best = min(scores.values())
    # The router sends every lot down the first of equally good routes, so the plan does.
    first = next(r for r, s in scores.items() if abs(s - best) <= 1e-9 * max(1.0, abs(best)))
    return {r: (1.0 if r == first else 0.0) for r in usable}


def sendable_routes(sc: Scenario, mine_id: str, commodity: str, channel_id: str) -> list[str]:
    """Ids of the routes a mine's router for ``commodity`` on a channel may send a lot on
    (:func:`~sim.scenario.checks.mine_routes`), less the routes of share 0 of a
    ``fixed_shares`` channel with ``on_closure: wait``: only rerouting or rebalancing takes
    a backup, so such a route never carries a lot (unless every route the mine can use has
    share 0, when the flow is split equally)."""
    rids = mine_routes(sc, mine_id, commodity, channel_id)
    channel = sc.channels[channel_id]
    if channel.routing == "fixed_shares" and channel.on_closure == "wait":
        weights = route_weights(sc, mine_id, commodity, channel_id)
        rids = [r for r in rids if weights.get(r, 0.0) > 0] or rids
    return rids


@dataclass
class Plan:
    """Planned yearly flows (tonnes of metal per year unless a name says otherwise)."""

    mined: dict[tuple[str, str], float] = field(default_factory=dict)
    """(mine, commodity) -> t/yr."""
    by_channel: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    """(commodity, channel) -> t/yr."""
    mine_channel: dict[tuple[str, str, str], float] = field(default_factory=dict)
    """(mine, commodity, channel) -> t/yr."""
    route_flow: dict[tuple[str, str, str, str], float] = field(
        default_factory=lambda: defaultdict(float))
    """(mine, commodity, channel, route) -> t/yr."""
    lane_metal: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    """(lane, commodity) -> t/yr of metal."""
    lane_product_t: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """lane -> t/yr of product."""
    site_trucks: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """site -> trucks/yr arriving (border posts count these)."""
    lane_trucks: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """lane -> trucks/yr of mine output (lanes with ``capacity_trucks_per_day`` count
    these; refined metal has no truck payload and is not in it)."""
    site_product_t: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """site -> t/yr of product arriving by lane (a port's ``throughput_t_per_day``)."""
    site_metal: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    """(site, commodity) -> t/yr passing through or arriving."""
    refiner_feed: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    """(refiner, commodity) -> t/yr of feed arriving."""
    refined: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    """(refiner, commodity) -> t/yr refined (at most capacity)."""
    market_inflow: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    """(market, commodity) -> t/yr arriving from the network."""
    balance_inflow: dict[tuple[str, str], float] | None = None
    """As ``market_inflow``, with mines that ramp up at their output on the start date:
    what ``balance`` markets close against. None when no mine ramps up (the same)."""
    exported: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """commodity -> t/yr leaving the exporting country."""

    def other_supply(self, sc: Scenario, market_id: str, commodity: str) -> float:
        """Other supply of a market in t/yr, with ``balance`` resolved against this plan."""
        site = sc.sites[market_id]
        value = site.other_supply_t_per_year.get(commodity, 0.0)
        if value == "balance":
            demand = site.demand_t_per_year.get(commodity, 0.0)
            inflow = self.market_inflow if self.balance_inflow is None else self.balance_inflow
            return max(0.0, demand - inflow.get((market_id, commodity), 0.0))
        return float(value)


def make_plan(sc: Scenario) -> Plan:
    """The planned flows of ``sc`` (which must have passed :func:`check_scenario`).

    Mines that ramp up count at full output, so the plan shows the load they will put on
    the network, except in ``balance_inflow``, which takes them at their output on the start
    date: the status quo that ``balance`` markets close against, so that a new mine's
    output adds to supply."""
    plan = _plan(sc, at_start=False)
    ramping = [m for m in sc.sites.values() if isinstance(m, Mine) and m.ramp_up is not None]
    if ramping:
        plan.balance_inflow = dict(_plan(sc, at_start=True).market_inflow)
    return plan


def _plan(sc: Scenario, at_start: bool) -> Plan:
    """The plan, with ramping mines at their output on the start date if ``at_start``."""
    plan = Plan()
    exporter = sc.exporting_country
    standing = standing_diversions(sc)
    for mid, mine in sc.sites.items():
        if not isinstance(mine, Mine):
            continue
        output = mine_output_t_per_year(mine)
        if at_start and mine.ramp_up is not None:
            share = mine.ramp_up.factor(0.0, sc.day_of(mine.ramp_up.start))
            output = {com: tpy * share for com, tpy in output.items()}
        for com, tpy in output.items():
            plan.mined[(mid, com)] = tpy
            form = sc.commodities[com].forms[mine.output[com].form]
            for cid, share in offtake_at_start(sc, mid, com, standing).items():
                flow_c = tpy * share
                plan.by_channel[(com, cid)] += flow_c
                plan.mine_channel[(mid, com, cid)] = flow_c
                if flow_c <= 0:
                    continue
                for rid, w in route_weights(sc, mid, com, cid).items():
                    flow = flow_c * w
                    if flow <= 0:
                        continue
                    plan.route_flow[(mid, com, cid, rid)] += flow
                    lane_ids = route_lanes(sc, mid, sc.channels[cid].routes[rid].path)
                    for lid in lane_ids:
                        lane = sc.lanes[lid]
                        plan.lane_metal[(lid, com)] += flow
                        plan.lane_product_t[lid] += flow / form.grade
                        plan.site_metal[(lane.to, com)] += flow
                        trucks = flow / (form.grade * form.payload_t_per_truck)
                        plan.site_trucks[lane.to] += trucks
                        plan.lane_trucks[lid] += trucks
                        plan.site_product_t[lane.to] += flow / form.grade
                        if (sc.country_of(lane.from_) == exporter
                                and sc.country_of(lane.to) != exporter):
                            plan.exported[com] += flow
                    dest = sc.lanes[lane_ids[-1]].to
                    if sc.sites[dest].kind == "refiner":
                        plan.refiner_feed[(dest, com)] += flow
                    elif sc.sites[dest].kind == "market":
                        plan.market_inflow[(dest, com)] += flow
    lanes = lane_index(sc)
    for rid, ref in sc.sites.items():
        if ref.kind != "refiner":
            continue
        for com, cap in ref.capacity_t_per_year.items():
            feed = plan.refiner_feed.get((rid, com), 0.0)
            refined = min(feed, cap) * ref.recovery.get(com, 1.0)
            plan.refined[(rid, com)] = refined
            for mkt, share in ref.sales.get(com, {}).items():
                flow = refined * share
                plan.market_inflow[(mkt, com)] += flow
                lid = lanes.get((rid, mkt))
                if lid is not None:
                    plan.lane_metal[(lid, com)] += flow
                    plan.lane_product_t[lid] += flow
    return plan


def per_day(t_per_year: float) -> float:
    """Convert a yearly quantity to a daily one."""
    return t_per_year / DAYS_PER_YEAR


def unreachable_markets(sc: Scenario, plan: Plan) -> list[Issue]:
    """Markets that demand a commodity no mine, refiner or outside supply delivers."""
    issues = []
    for sid, site in sc.sites.items():
        if site.kind != "market":
            continue
        for com in site.demand_t_per_year:
            if com in site.other_supply_t_per_year:
                continue
            if plan.market_inflow.get((sid, com), 0.0) <= 0.0:
                issues.append(Issue(
                    f"market {sid!r} demands {com!r} but no planned flow reaches it: no mine "
                    "sends it along a route ending here and no refiner sells it here",
                    path=("sites", sid, "demand_t_per_year", com),
                    hint="add other_supply_t_per_year, a refiner sale, or offtake on a channel "
                         "whose route ends here"))
    return issues


MARKET_IMBALANCE_SHARE = 0.01
"""Share of a market's demand by which its planned supply (the network's inflow and its
other supply) may miss it before :func:`unbalanced_markets` notes it: the baseline's
Chinese cobalt market is planned 0.03% above its demand, which is rounding, not a glut."""


def unbalanced_markets(sc: Scenario, plan: Plan) -> list[str]:
    """Notes on markets whose planned supply misses their demand by more than
    :data:`MARKET_IMBALANCE_SHARE` of it in the status quo (the inflow ``balance`` closes
    against): a network that alone brings more than the demand, where ``balance`` cannot
    go below 0, so stock piles up and a price following supply falls; and supply short of
    demand from the start, before any shock (review 159: both ran without a word)."""
    out = []
    inflow = plan.market_inflow if plan.balance_inflow is None else plan.balance_inflow
    for sid, site in sc.sites.items():
        if site.kind != "market":
            continue
        for com, demand in site.demand_t_per_year.items():
            network = inflow.get((sid, com), 0.0)
            other = plan.other_supply(sc, sid, com)
            gap = network + other - demand
            if abs(gap) <= MARKET_IMBALANCE_SHARE * demand:
                continue
            given = site.other_supply_t_per_year.get(com, 0.0)
            commodity = sc.commodities.get(com)
            falls = (", and its price, which follows supply, falls"
                     if commodity is not None and commodity.price_basis == "supply" else "")
            grows = (f"its stock grows by about {gap:,.0f} t/yr while nothing stops that "
                     f"flow{falls}")
            if gap > 0 and given == "balance":
                out.append(
                    f"market {sid!r}: the network alone plans {network:,.0f} t/yr of {com} "
                    f"into it, above its demand of {demand:,.0f} t/yr, so "
                    "other_supply_t_per_year: balance is 0 and the market is not balanced: "
                    + grows)
            elif gap > 0:
                other_text = (f" and other supply gives {other:,.0f}" if other > 0 else "")
                out.append(
                    f"market {sid!r}: the network plans {network:,.0f} t/yr of {com} into "
                    f"it{other_text}, above its demand of {demand:,.0f} t/yr: {grows}")
            else:
                other_text = (f" and other supply {other:,.0f}" if other > 0 else "")
                out.append(
                    f"market {sid!r} demands {demand:,.0f} t/yr of {com}, but the network "
                    f"plans {network:,.0f}{other_text}: short by about {-gap:,.0f} t/yr "
                    f"({-gap / demand:.0%}) from the start, before any shock "
                    "(other_supply_t_per_year: balance closes the gap)")
    return out


def _first_ship_extra(sailing: Sailing) -> float:
    """Days the first lots may wait for a ship beyond what a lot arriving at random waits
    (:func:`expected_route_days`): up to a whole mean interval in all, so half of one for
    regular sailings and none for exponential ones, whose wait is already a whole mean
    interval (review 147: 1.5 intervals were counted for them)."""
    interval = sailing.interval_days
    mean = interval.mean()
    return max(0.0, mean - 0.5 * (interval.var() + mean * mean) / mean)


SHORT_WARMUP_DAYS = 7.0
"""Days of planned deliveries a warm-up may leave uncovered by stock before it is noted:
a week, the default results period (a few days' gap shows in no weekly series)."""


def short_warmup(sc: Scenario, plan: Plan) -> list[str]:
    """A note (in a list, empty if none) when ``warmup_days`` is shorter than the expected
    time (the one ``sim show`` lists) of routes that carry planned flow, and what those
    routes would have brought to the markets before their first lots arrive exceeds the
    stock there on the start date (``initial_stock_t``) by at least
    :data:`SHORT_WARMUP_DAYS` days of that flow.

    The run starts with empty lanes, so nothing reaches the end of a route before its route
    time has passed, and deliveries fall short of plan while the pipelines fill whatever
    the stocks. Shortfalls and price rises that no shock caused follow only where stock
    runs out, and stock downstream counts: what a route to a refiner lacks is first taken
    from the refiner's ``initial_output_t`` and ``initial_feed_t``, and what is left
    reaches the refiner's markets (in its planned output's proportion to its planned feed,
    shared as its sales are, a dispatch and the lane to each later) to be taken from their
    stock, together with what the routes ending at those markets lack. The note names the
    longest route to a market short of stock, directly or through a refiner."""
    late: dict[tuple[str, str], float] = defaultdict(float)
    daily: dict[tuple[str, str], float] = defaultdict(float)
    routes = []
    for (mid, com, cid, rid), flow in plan.route_flow.items():
        path = sc.channels[cid].routes[rid].path
        lanes_on = route_lanes(sc, mid, path)
        days = expected_route_days(sc, lanes_on)
        # the network fills in ships' loads: the first lots can wait a whole interval for
        # a sailing, not the half a lot arriving at random waits, before the stock has a
        # batch to last until the next (review 145: a weekly-sailing route short by 6.3
        # days of flow on this count ran short for five weeks, without a note)
        first = days + sum(_first_ship_extra(sailing) for lid in lanes_on
                           if (sailing := sc.lanes[lid].sailing) is not None)
        gap = first - sc.warmup_days
        if flow <= 0 or gap <= 0 or sc.sites[path[-1]].kind == "stockpile":
            continue  # a stockpile has no demand to fall short of
        late[(path[-1], com)] += per_day(flow) * gap
        daily[(path[-1], com)] += per_day(flow)
        routes.append((first, days, mid, com, cid, rid, path[-1]))
    # what routes to a refiner lack beyond its own stock reaches its markets late
    feeds: dict[tuple[str, str], set[str]] = defaultdict(set)  # market -> refiners short
    lanes = lane_index(sc)
    for (end, com), missing in list(late.items()):
        site = sc.sites[end]
        if site.kind != "refiner":
            continue
        feed = plan.refiner_feed.get((end, com), 0.0)
        passed = plan.refined.get((end, com), 0.0) / feed if feed > 0 else 0.0
        for mkt, share in site.sales.get(com, {}).items():
            # refined metal also waits for a dispatch and travels on to the market
            lid = lanes.get((end, mkt))
            onward = 0.5 * site.dispatch_period_days + (
                expected_route_days(sc, [lid]) if lid is not None else 0.0)
            left = max(0.0, missing + daily[(end, com)] * onward
                       - _stock_on_start(sc, end, com)) * passed * share
            late[(mkt, com)] += left
            daily[(mkt, com)] += daily[(end, com)] * passed * share
            if left > 0:
                feeds[(mkt, com)].add(end)
    short = {key for key, missing in late.items() if sc.sites[key[0]].kind == "market"
             and missing - _stock_on_start(sc, *key) >= SHORT_WARMUP_DAYS * daily[key]}
    reaching = {(ref, com) for (mkt, com) in short for ref in feeds.get((mkt, com), ())}
    routes = [r for r in routes if (r[6], r[3]) in short or (r[6], r[3]) in reaching]
    if not routes:
        return []
    first, longest, mid, com, cid, rid, end = max(routes)
    need = math.ceil(first)
    sailing = (f", {first:.1f} with a whole interval's wait for its first ship"
               if first > longest else "")
    ends = sorted({e for e, _c in short})
    named = ends[:4] + ([f"{len(ends) - 4} more"] if len(ends) > 4 else [])
    return [f"warmup_days is {sc.warmup_days:g}, shorter than the longest planned route "
            f"takes to fill ({com} from {mid} to {end} by {cid}/{rid}, {longest:.1f} days "
            f"without queueing{sailing}; sim show lists route times): the network starts "
            f"empty, so in the first {need - sc.warmup_days:g} days measured deliveries "
            f"fall short of plan while the pipelines fill, and the stock of "
            f"{_and_list(named)} on the start "
            "date is too little to make up for it: shortfalls and price rises that no shock "
            f"caused follow where it runs out; to fill the pipelines first, give "
            f"warmup_days: {need} or more"]


def _stock_on_start(sc: Scenario, site_id: str, commodity: str) -> float:
    """Tonnes of ``commodity`` that a market or refiner holds on the start date."""
    site = sc.sites[site_id]
    if site.kind == "market":
        return site.initial_stock_t.get(commodity, 0.0)
    return site.initial_output_t.get(commodity, 0.0) + site.initial_feed_t.get(commodity, 0.0)


def _and_list(words: list[str]) -> str:
    """``['a', 'b', 'c']`` -> ``a, b and c``."""
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]]))


# Route queries of the scenario that the world, the shocks and the checks share; moved
# here from sim.world.routing (review 231): none runs per lot, so they need no compiling.


def route_leaves(sc: Scenario, mine_id: str, lane_ids: list[str]) -> bool:
    """Whether a route from ``mine_id`` over ``lane_ids`` leaves the mine's country: an
    export if any site after the mine is abroad (a route out through a neighbour and back
    in still crosses the border twice)."""
    home = sc.country_of(mine_id)
    return any(sc.country_of(sc.lanes[lid].to) != home for lid in lane_ids)


def export_share(sc: Scenario, mine_id: str, commodity: str, channel_id: str,
                 refined: bool = False) -> float:
    """Share (0 to 1) of a mine's planned flow of ``commodity`` on a channel that is
    exported, by the plan's split over the channel's routes
    (:func:`~sim.scenario.plan.route_weights`: under ``fixed_shares`` the routes' shares,
    backups of share 0 counting nothing; under ``cheapest`` / ``fastest`` the best route
    with every route open, which takes every lot). A route that leaves the mine's country
    counts whole. With ``refined``, a route that stays but ends at a refiner counts as that
    refiner's sales share of the commodity to markets abroad (its refined metal is
    exported and draws on a quota on all channels). 1.0 exactly when every route leaves,
    0.0 when none can be used."""
    channel = sc.channels[channel_id]
    weights = route_weights(sc, mine_id, commodity, channel_id)
    if not weights:
        return 0.0
    home = sc.country_of(mine_id)
    parts = []
    for rid, weight in weights.items():
        lane_ids = route_lanes(sc, mine_id, channel.routes[rid].path)
        if route_leaves(sc, mine_id, lane_ids):
            parts.append((weight, 1.0))
            continue
        abroad = 0.0
        end = sc.sites[sc.lanes[lane_ids[-1]].to] if lane_ids else None
        if refined and end is not None and end.kind == "refiner":
            sales = {m: s for m, s in getattr(end, "sales", {}).get(commodity, {}).items()
                     if s > 0}
            total = sum(sales.values())
            if total > 0:
                abroad = sum(s for m, s in sales.items() if sc.country_of(m) != home) / total
        parts.append((weight, abroad))
    if all(x == 1.0 for _w, x in parts):
        return 1.0  # exactly, so a plan's shares multiplied by it keep every bit
    return sum(w * x for w, x in parts)


def can_export(sc: Scenario, mine_id: str, commodity: str, channel_id: str,
               refined: bool = False) -> bool:
    """Whether some route of the channel the mine can use for ``commodity`` leaves its
    country (with ``refined``, or ends at a refiner at home selling some abroad), backups
    included: lots could then be exports."""
    channel = sc.channels[channel_id]
    home = sc.country_of(mine_id)
    for rid in mine_routes(sc, mine_id, commodity, channel_id):
        lane_ids = route_lanes(sc, mine_id, channel.routes[rid].path)
        if route_leaves(sc, mine_id, lane_ids):
            return True
        end = sc.sites[sc.lanes[lane_ids[-1]].to] if lane_ids else None
        if refined and end is not None and end.kind == "refiner" and any(
                s > 0 and sc.country_of(m) != home
                for m, s in getattr(end, "sales", {}).get(commodity, {}).items()):
            return True
    return False


def _route_throttles(sc: Scenario, lane_ids: list[str]) -> set[str]:
    """The lanes and transit sites of a route (``lane_ids``, from the mine) that a throttle
    slows on it, as :meth:`sim.world.element.Element.routing_factor` sees them: lanes with
    a loading capacity or sailings; border posts, refiners and mines; a port with handling,
    or one the route leaves by a sailing. Junctions, hubs and roads without a capacity
    only close."""
    out: set[str] = set()
    for i, lid in enumerate(lane_ids):
        lane = sc.lanes[lid]
        if (lane.capacity_t_per_day is not None or lane.capacity_trucks_per_day is not None
                or lane.sailing is not None):
            out.add(lid)
        if i == len(lane_ids) - 1:
            break  # the destination is no transit site
        # transit sites are border posts, ports, hubs and junctions (the scenario checks)
        site = sc.sites[lane.to]
        leaving = sc.lanes[lane_ids[i + 1]]
        if site.kind == "border_post" or (site.kind == "port" and (
                site.throughput_t_per_day is not None or leaving.sailing is not None)):
            out.add(lane.to)
    return out


def _route_groups(sc: Scenario, cid: str
                  ) -> list[tuple[list[set[str]], list[bool], set[str]]]:
    """For each mine and commodity with two routes or more on channel ``cid`` (that sells
    on it, or that a shock's diversion or an offtake deal can move onto it): each route's
    elements a throttle slows on it (:func:`_route_throttles`), whether the route takes
    lots as planned (a share under ``fixed_shares``; the best by cost or planned days under
    ``cheapest`` or ``fastest``: a backup, or a route behind the best, takes lots only when
    another loses some), and the elements every route passes that slow them all alike,
    which rebalancing leaves out of the split."""
    channel = sc.channels[cid]
    # a diversion or a deal may put any mine on the channel: counted as selling there
    moved_in = any(eff.divert is not None and eff.divert.to_channel == cid
                   for _where, eff, _t in shock_effects(sc)) or any(
        deal.to_channel == cid for deal in sc.policies.offtake_deals.values())
    groups = []
    for mid, mine in sc.sites.items():
        if not isinstance(mine, Mine):
            continue
        for com in mine.output:
            if not moved_in and not (mine.offtake.get(com) or {}).get(cid):
                continue
            passed: list[set[str]] = []
            slowed: list[set[str]] = []
            rank: list[float] = []
            for rid in mine_routes(sc, mid, com, cid):
                route = channel.routes[rid]
                lanes = route_lanes(sc, mid, route.path)
                passed.append({*lanes, *(sc.lanes[lid].to for lid in lanes[:-1])})
                slowed.append(_route_throttles(sc, lanes))
                rank.append(-(route.share or 0.0) if channel.routing == "fixed_shares"
                            else route_cost(sc, lanes) if channel.routing == "cheapest"
                            else expected_route_days(sc, lanes))
            if len(passed) < 2:
                continue
            common = passed[0].intersection(*passed)
            alike = {e for e in common
                     if all(e in s for s in slowed) or not any(e in s for s in slowed)}
            # under fastest, an upgrade may reorder the routes: the best as planned
            takes = ([r < 0 for r in rank] if channel.routing == "fixed_shares"
                     else [r == min(rank) for r in rank])
            groups.append((slowed, takes, alike))
    return groups


def rebalanced_elements(sc: Scenario, cid: str) -> set[str]:
    """The lanes and sites whose throttle alone moves lots between the routes of channel
    ``cid`` under ``on_closure: rebalance``: those a throttle slows on a route that takes
    lots as planned, where they do not slow every route of that mine alike
    (:func:`_route_groups`)."""
    movable: set[str] = set()
    for slowed, takes, alike in _route_groups(sc, cid):
        movable |= set().union(*(s for s, t in zip(slowed, takes, strict=True) if t)) - alike
    return movable


def throttle_moves_lots(sc: Scenario, cid: str, reach: set[str]) -> bool:
    """Whether one throttle on the lanes and sites ``reach`` moves lots between the routes
    of channel ``cid`` under ``on_closure: rebalance``: it slows a route that takes lots
    (:func:`rebalanced_elements`) but not every route of that mine, for a throttle of one
    factor on every route leaves their split as it is (review 140: a region over the posts
    of both routes drew the advice to rebalance, which then moved nothing)."""
    for slowed, takes, alike in _route_groups(sc, cid):
        hit = [bool((s & reach) - alike) for s in slowed]
        if any(h and t for h, t in zip(hit, takes, strict=True)) and not all(hit):
            return True
    return False
