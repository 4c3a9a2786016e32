"""Describe a scenario's network in words: sites, lanes, channels, routes and capacity.

``describe(sc)`` returns the text that ``sim show`` prints. It compares every capacity in
the network (border-post clearance, lane loading, sailings, refining) with the planned
flow of :mod:`sim.scenario.plan` and flags each one where the plan exceeds capacity.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sim.scenario.capacity import (
    FAR_BELOW,
    capacity_at_start,
    capacity_checks,
    fmt_capacity,
    shocks_or_policies,
)
from sim.scenario.checks import mine_routes
from sim.scenario.loader import has_meta, meta_of
from sim.scenario.plan import (
    Plan,
    expected_route_days,
    make_plan,
    mine_output_t_per_year,
    offtake_at_start,
    route_lanes,
    route_weights,
    standing_diversions,
)
from sim.scenario.schema import Mine, Scenario
from sim.shocks.engine import n_days
from sim.units import DAYS_PER_YEAR
from sim.world.routing import throttled_reroute_notes

ON_CLOSURE_WORDS = {
    "wait": "lots keep to their routes and wait at closures and queues",
    "reroute": "closed routes are left out; throttled ones keep their whole share",
    "rebalance": ("each route keeps its share times its capacity factor, counted relative "
                  "to the posts all its routes pass; open backups take the rest up to their "
                  "factor, the remainder queues on the share routes"),
}
"""How ``sim show`` says what each ``on_closure`` does."""


def _stocks(lead: str, stocks: dict[str, float]) -> str:
    """``lead`` and the tonnes of each commodity in ``stocks`` (``; in stock on the start
    date cobalt 47,500 t``), or "" when it holds none."""
    held = [f"{com} {_t(t)} t" for com, t in stocks.items() if t > 0]
    return f"{lead} {', '.join(held)}" if held else ""


def _t(x: float) -> str:
    # tonnes as fmt_capacity gives them: gold's 0.13 t a year printed as 0
    return fmt_capacity(x)


def _dist(d: object) -> str:
    mean = d.mean()  # type: ignore[attr-defined]
    name = d.dist  # type: ignore[attr-defined]
    return f"{mean:.3g}" if name == "fixed" else f"{mean:.3g} (mean, {name})"


def describe_ramp_up(sc: Scenario, mine: Mine) -> str:
    """A mine's ramp-up in words: from when, to when, and its share on the start date."""
    ramp = mine.ramp_up
    assert ramp is not None
    start_day = sc.day_of(ramp.start)
    begins = sc.start + dt.timedelta(days=start_day)
    before = f"{ramp.initial_factor:.0%} of this output before {begins}"
    if ramp.ramp_days > 0:
        full = sc.start + dt.timedelta(days=start_day + ramp.ramp_days)
        grows = f", rising linearly to full output on {full}"
    else:
        grows = ", full output from then"
    return (f"ramp-up: {before}{grows}; {ramp.factor(0.0, start_day):.0%} on the "
            f"scenario's start date ({sc.start})")


def describe(sc: Scenario, plan: Plan | None = None) -> str:
    """A readable description of the scenario's network and planned flows."""
    plan = plan or make_plan(sc)
    standing = standing_diversions(sc)  # for each mine's offtake at the start date
    lines: list[str] = []
    add = lines.append
    add(f"Scenario {sc.name}" + (f": {sc.title}" if sc.title else ""))
    if sc.question:
        add(f"Question: {sc.question}")
    if sc.description:
        add(f"Description: {' '.join(sc.description.split())}")
    files = meta_of(sc).files if has_meta(sc) else []
    if len(files) > 1:
        # a combination's parts: sim report named them, sim show did not (review 206)
        add(f"Files: {Path(files[0]).name}, built on " + ", ".join(Path(f).name
                                                                 for f in files[1:])
            + " (each file it extends, directly or not; where two set the same field, a "
              "file wins over those it extends, and of two listed in one extends:, the "
              "later)")
    last = sc.last_date
    series = ("series by calendar month" if sc.series_period_days == "month"
              else "series every day" if sc.series_period_days == 1
              else f"series every {sc.series_period_days} days")
    lots = ("lots every day" if sc.lot_period_days == 1
            else f"lots every {sc.lot_period_days:g} days")
    add(f"Period: {sc.start} to {last} ({n_days(sc.horizon)}), warm-up "
        f"{n_days(sc.warmup_days)}, {lots}, {series}")
    add("")
    add("Commodities")
    for cid, com in sc.commodities.items():
        # three figures: a concentrate's 2.79% printed as 3%, 0.4% as 0% (review 175)
        forms = ", ".join(f"{fid} ({f.grade * 100:.3g}% metal, "
                          f"{f.payload_t_per_truck:g} t/truck)"
                          for fid, f in com.forms.items())
        price = (f"elasticity {com.demand_elasticity:g}, price on {com.price_basis}"
                 if com.demand_elasticity is not None else "price not modelled")
        add(f"  {cid}: forms {forms}; {price}")
    add("")
    kinds = {}
    for sid, site in sc.sites.items():
        kinds.setdefault(site.kind, []).append((sid, site))
    add(f"Sites ({len(sc.sites)})")
    for kind, items in kinds.items():
        add(f"  {kind.replace('_', ' ')}s:")
        for sid, site in items:
            region = sc.regions[site.region]
            where = f"{region.name or site.region} ({region.country})"
            label = f"    {sid}" + (f" '{site.name}'" if site.name else "") + f", {where}"
            if isinstance(site, Mine):
                out = mine_output_t_per_year(site)
                parts = []
                for com, spec in site.output.items():
                    if spec.t_per_year is not None:
                        parts.append(f"{com} {_t(out[com])} t/yr ({spec.form})")
                    else:
                        parts.append(f"{com} {spec.ratio:g} x {spec.ratio_to} = "
                                     f"{_t(out.get(com, 0.0))} t/yr ({spec.form})")
                off = "; ".join(f"{com} " + ", ".join(f"{k} {v:.0%}" for k, v in sh.items())
                                for com, sh in site.offtake.items())
                at_start = {com: offtake_at_start(sc, sid, com, standing)
                            for com in site.offtake}
                who = ", ".join(x for x in (site.operator, site.alignment) if x)
                add(label + (f" [{who}]" if who else "") + ": " + ", ".join(parts))
                add(f"      offtake: {off}")
                if site.ramp_up is not None:
                    add("      " + describe_ramp_up(sc, site))
                if any(abs(at_start[com].get(k, 0.0) - sh.get(k, 0.0)) > 1e-12
                       for com, sh in site.offtake.items() for k in {*sh, *at_start[com]}):
                    now = "; ".join(f"{com} " + ", ".join(f"{k} {v:.1%}" for k, v in sh.items()
                                                          if v > 0)
                                    for com, sh in at_start.items())
                    add(f"      at the start date, with the diversions in force then: {now}")
            elif site.kind == "border_post":
                # "clearance lanes": a lane elsewhere is a road, rail or sea link (review 142)
                add(label + f": clears {fmt_capacity(site.clearance_trucks_per_day)} trucks/day "
                    f"over {site.servers} clearance lane(s); planned "
                    f"{plan.site_trucks.get(sid, 0.0) / DAYS_PER_YEAR:,.0f} trucks/day")
            elif site.kind == "port" and site.throughput_t_per_day is not None:
                # 12,346, not 1.235e+04 (review 142)
                add(label + f": throughput {fmt_capacity(site.throughput_t_per_day)} t/day of "
                    f"product (first come first served); planned "
                    f"{fmt_capacity(plan.site_product_t.get(sid, 0.0) / DAYS_PER_YEAR)} t/day")
            elif site.kind == "refiner":
                caps = ", ".join(f"{com} {fmt_capacity(c)} t/yr (planned feed "
                                 f"{_t(plan.refiner_feed.get((sid, com), 0.0))})"
                                 for com, c in site.capacity_t_per_year.items())
                add(label + f": capacity {caps}"
                    + _stocks("; feed on the start date", site.initial_feed_t)
                    + _stocks("; refined metal on the start date", site.initial_output_t))
            elif site.kind == "market":
                parts = []
                for com, d in site.demand_t_per_year.items():
                    inflow = plan.market_inflow.get((sid, com), 0.0)
                    other = plan.other_supply(sc, sid, com)
                    tag = ""
                    if site.other_supply_t_per_year.get(com) == "balance":
                        tag = " (balance)"
                        at_start = (inflow if plan.balance_inflow is None
                                    else plan.balance_inflow.get((sid, com), 0.0))
                        if abs(at_start - inflow) > 1e-9 * max(1.0, inflow):
                            tag = (f" (balance against {_t(at_start)} from the network on the "
                                   "start date, before mines ramp up)")
                    parts.append(f"{com} demand {_t(d)}, planned from network {_t(inflow)}, "
                                 f"other supply {_t(other)}{tag} t/yr")
                add(label + ": " + "; ".join(parts)
                    + _stocks("; in stock on the start date", site.initial_stock_t))
            elif site.kind == "stockpile" and site.initial_stock_t:
                # review 152: the size of a reserve is the input of a stockpile question
                add(label + _stocks(": holds on the start date", site.initial_stock_t))
            elif site.kind == "trading_hub":
                # most of an informal route's time (review 186: 8 of its 14 days)
                add(label + f": lots stay {_dist(site.dwell_days)} days")
            else:
                add(label)
    add("")
    add(f"Lanes ({len(sc.lanes)})")
    for lid, lane in sc.lanes.items():
        flow = sum(v for (l_id, _c), v in plan.lane_metal.items() if l_id == lid)
        extra = ""
        up = capacity_at_start(sc, lid)
        if up is not None:
            # the capacity the run has from its first day, not the one an upgrade replaced
            own = (lane.capacity_t_per_day if lane.capacity_t_per_day is not None
                   else lane.capacity_trucks_per_day)
            extra += (f", capacity {fmt_capacity(up.per_day)} {up.unit} {up.words()} "
                      f"(the lane's own figure is {fmt_capacity(own or 0.0)})")
        elif lane.capacity_t_per_day is not None:
            # product, where the planned flow beside it is metal (review 116)
            extra += f", capacity {fmt_capacity(lane.capacity_t_per_day)} t product/day"
        elif lane.capacity_trucks_per_day is not None:
            extra += f", capacity {fmt_capacity(lane.capacity_trucks_per_day)} trucks/day"
        if lane.sailing is not None:
            extra += (f", sailings every {_dist(lane.sailing.interval_days)} days of "
                      f"{fmt_capacity(lane.sailing.vessel_t)} t product")
        if lane.cost_usd_per_t is not None:
            extra += f", {lane.cost_usd_per_t:g} USD/t"
        add(f"  {lid}: {lane.from_} -> {lane.to} by {lane.mode}, {_dist(lane.transit_days)} "
            f"days{extra}; planned {_t(flow)} t metal/yr")
    add("")
    add(f"Channels ({len(sc.channels)})")
    throttle_notes: dict[str, list[str]] = {}
    for note in throttled_reroute_notes(sc):
        throttle_notes.setdefault(note.split("'")[1], []).append(note)
    for cid, ch in sc.channels.items():
        add(f"  {cid}" + (f" '{ch.name}'" if ch.name else "") +
            f": routing {ch.routing}, on closure {ch.on_closure} "
            f"({ON_CLOSURE_WORDS[ch.on_closure]})")
        for note in throttle_notes.get(cid, []):
            add(f"    note: {note}")
        for rid, route in ch.routes.items():
            share = f" share {route.share:.0%}" if route.share is not None else ""
            coms = ", ".join(route.commodities) if route.commodities else "all commodities"
            path = " -> ".join(route.path)
            add(f"    {rid}{share} ({coms}): {path}")
    add("")
    ramping = any(isinstance(m, Mine) and m.ramp_up is not None for m in sc.sites.values())
    add("Planned flows (t/yr of metal" + (", mines that ramp up at full output)" if ramping
                                          else ")"))
    for com in sc.commodities:
        mined = sum(v for (_m, c), v in plan.mined.items() if c == com)
        by_ch = ", ".join(f"{ch} {_t(plan.by_channel.get((com, ch), 0.0))} "
                          f"({plan.by_channel.get((com, ch), 0.0) / mined:.0%})"
                          for ch in sc.channels if mined > 0 and
                          plan.by_channel.get((com, ch), 0.0) > 0)
        add(f"  {com}: mined {_t(mined)}, exported {_t(plan.exported.get(com, 0.0))}"
            + (f"; by channel: {by_ch}" if by_ch else ""))
    add("")
    add("Expected route times without queueing (days; in brackets, the share of the mine's "
        "flow a route takes where its channel splits it by fixed shares over more than one "
        "route: the shares given, renormalised over the routes the mine can use)")
    for mid, mine in sc.sites.items():
        if not isinstance(mine, Mine):
            continue
        parts = []
        for com in mine.offtake:
            for ch, share in offtake_at_start(sc, mid, com, standing).items():
                if share <= 0:
                    continue
                weights = (route_weights(sc, mid, com, ch)
                           if sc.channels[ch].routing == "fixed_shares" else {})
                for rid in mine_routes(sc, mid, com, ch):
                    days = expected_route_days(sc, route_lanes(sc, mid,
                                                               sc.channels[ch].routes[rid].path))
                    # review 199: a route given 5% beside others adding to 100% takes 4.8%
                    split = f" ({weights[rid]:.1%})" if len(weights) > 1 else ""
                    parts.append(f"{com}/{ch}/{rid} {days:.1f}{split}")
        add(f"  {mid}: " + ", ".join(parts))
    add("")
    checks = capacity_checks(sc, plan)
    add("Capacity against planned flow")
    deals = len(sc.policies.offtake_deals)
    if deals:
        whose = "the offtake deal's" if deals == 1 else f"the {deals} offtake deals'"
        add(f"  (planned at the offtake shares above: {whose} load is not counted; run the "
            "scenario and read the lanes' utilisation and waits)")
    if not checks:
        add("  (no capacities in this network)")
    for chk in checks:
        flag = "  !! planned flow exceeds capacity" if chk.over else ""
        if chk.far_below:
            flag = (f"  ?? over {1 / FAR_BELOW:,.0f} times the planned flow: a yearly figure "
                    "given as a daily one?")
        if chk.later is not None:
            flag += (" until " if chk.later.relieves else "; ") + chk.later.words()
        if chk.cut is not None:
            flag += (f"; then {chk.cut.words()}" if chk.over else
                     f"  !! from {chk.cut.crosses_on or chk.cut.start} planned flow exceeds "
                     f"capacity: {chk.cut.words()}")
        whence = f" {chk.upgrade.words()}" if chk.upgrade is not None else ""
        add(f"  {chk.element} ({chk.kind}): capacity {fmt_capacity(chk.capacity)} {chk.unit}"
            f"{whence}, planned {_t(chk.planned)} ({chk.utilisation:.0%}){flag}")
    over = [c for c in checks if c.over]
    if over:
        add("")
        # an upgrade named above may end it, and only shocks and policies other than the
        # upgrades may stop the flow sooner (review 208: said where there were none)
        until = (" or until an upgrade named above relieves it"
                 if any(c.later is not None and c.later.relieves for c in over) else "")
        sooner = ("; shocks and policies, not counted here, may stop it sooner"
                  if shocks_or_policies(sc) else "")
        add(f"{len(over)} capacit{'y is' if len(over) == 1 else 'ies are'} below planned flow: "
            + ", ".join(c.element for c in over) + ". Expect what exceeds them to pile up there "
            f"(a queue, or a refiner's feed stock) for as long as that flow lasts{until}"
            f"{sooner}.")
    return "\n".join(lines)
