"""Cross-checks of shocks and policies: ids that must exist, times inside the run,
diversions that have somewhere to go."""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sim.distributions import Empirical, Fixed, Triangular, TruncatedNormal, Uniform
from sim.scenario.checks import SHIP_MODES, IssueCollector, kind_hint, mine_routes, region_reach
from sim.scenario.errors import Issue, PathT, did_you_mean, format_path
from sim.scenario.plan import (
    Plan,
    can_export,
    make_plan,
    route_lanes,
    route_leaves,
    throttle_moves_lots,
)
from sim.scenario.schema import Mine, Scenario
from sim.scenario.shock_schema import DELAY_KINDS, Effects, Regime, Targets
from sim.units import DAYS_PER_YEAR
from sim.words import and_list


def _fmt_when(when: Any) -> str:
    return str(when) if isinstance(when, dt.date) else f"day {when:g}"


def _longest(duration: Any) -> float | None:
    """The longest a duration can be: the number itself, or a bounded distribution's top
    (None for a distribution without one, such as an exponential)."""
    if duration is None or isinstance(duration, int | float):
        return duration
    if isinstance(duration, Fixed):
        return duration.value
    if isinstance(duration, Uniform | Triangular | TruncatedNormal):
        return duration.high if math.isfinite(duration.high) else None
    if isinstance(duration, Empirical):
        weights = duration.weights or [1.0] * len(duration.values)
        return max(v for v, w in zip(duration.values, weights, strict=True) if w > 0)
    return None


def _leave_out(path: PathT) -> str:
    """The --set that removes what ``path`` names; for an item of a list (a quota's
    period), also the whole policy, whose list may not be left empty."""
    first_index = next((i for i, part in enumerate(path) if isinstance(part, int)), None)
    if first_index is None:
        return f"--set {format_path(path)}=null"
    owner = path[:first_index - 1]
    return (f"--set {format_path(path)}=null, or --set {format_path(owner)}=null if it has "
            "no other")


_PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _check_calendar_split(c: IssueCollector, sc: Scenario, path: PathT, per: Any) -> None:
    """A schedule entry split into calendar periods must start and end on their edges:
    each period gets the entry's ``tonnes`` whole, so a part period at either end would get
    a whole period's allowance."""
    months = _PERIOD_MONTHS[per.period]
    for field, when in (("start", per.start), ("end", per.end)):
        days = sc.day_of(when)
        day = sc.start + dt.timedelta(days=days)
        if field == "end":
            day += dt.timedelta(days=1)  # the end is inclusive: the next day must begin one
        if days == int(days) and day.day == 1 and (day.month - 1) % months == 0:
            continue
        edge = "first" if field == "start" else "last"
        c.add((*path, field),
              f"{_fmt_when(when)} is not the {edge} day of a {per.period}: the entry is split "
              f"by {per.period} and each {per.period} is allowed the entry's {per.tonnes:g} t "
              f"whole, so the part {per.period} would get a whole {per.period}'s tonnes",
              f"give the part {per.period} an entry of its own with `period: whole` and the "
              f"tonnes for those days, and {'start' if field == 'start' else 'end'} this "
              f"entry on a {per.period}'s {edge} day")


def _check_calendar(c: IssueCollector, sc: Scenario, path: PathT, when: Any) -> bool:
    """``when`` (a date, or days after the start) must be a day the simulator's calendar
    covers (:data:`~sim.scenario.checks.EARLIEST_DAY` to ``LATEST_DAY``): an end of
    9999-12-31, meant as "no end", ended ``sim show`` and ``sim run`` in an internal error.
    Returns whether it is."""
    from sim.scenario.checks import EARLIEST_DAY, LATEST_DAY

    if when is None:
        return True
    day = sc.start.toordinal() + math.floor(sc.day_of(when))
    if EARLIEST_DAY.toordinal() <= day <= LATEST_DAY.toordinal():
        return True
    optional_end = path[-1] == "end" and "schedule" not in path
    c.add(path, f"{_fmt_when(when)} is beyond the days the simulator's calendar covers "
          f"({EARLIEST_DAY} to {LATEST_DAY})",
          "for no end, leave the end out (or null); else check the year" if optional_end
          else "check the year")
    return False


def _check_time(c: IssueCollector, sc: Scenario, path: PathT, start: Any, end: Any | None,
                duration_days: Any = None, window_duration: bool = False) -> None:
    """``start`` (and ``end``, or ``start`` plus the longest ``duration_days``) must leave
    some of the shock or policy inside the run, warm-up included. ``window_duration``: the
    item's ``duration_days`` is the length of this window (events, export bans), so the
    hint may offer it instead of ``end``; elsewhere there is no such field (security
    support, export controls) or it is each incident's length, not the window's."""
    first = -float(sc.warmup_days)
    last = sc.horizon
    if start is None:
        return
    if not (_check_calendar(c, sc, (*path, "start"), start)
            & _check_calendar(c, sc, (*path, "end"), end)):
        return
    s = sc.day_of(start)
    if s >= last:
        c.add((*path, "start"), f"starts at {_fmt_when(start)}, after the run ends "
              f"({sc.horizon:g} days from {sc.start})",
              "move it inside the horizon or lengthen horizon_days, or leave it out of a "
              f"shorter run: {_leave_out(path)}")
    if end is not None:
        e = sc.day_of(end)
        if e <= s:
            c.add((*path, "end"), f"ends at {_fmt_when(end)}, not after its start "
                  f"{_fmt_when(start)}", "give an end after the start (end is exclusive)"
                  + (", or duration_days instead of end" if window_duration else ""))
        elif e <= first:
            c.add((*path, "end"), f"ends at {_fmt_when(end)}, before the run begins "
                  f"(warm-up starts {sc.warmup_days:g} days before {sc.start})",
                  "it cannot act in this run: move it inside the run, lengthen warmup_days, "
                  f"or leave it out: {_leave_out(path)}")
        return
    longest = _longest(duration_days)
    if longest is not None and s + longest <= first:
        at_most = "" if isinstance(duration_days, int | float | Fixed) else "at most "
        ends = (sc.start + dt.timedelta(days=s + longest) if isinstance(start, dt.date)
                else s + longest)
        c.add((*path, "start"), f"starts at {_fmt_when(start)} and lasts {at_most}"
              f"{longest:g} days (duration_days), so it ends at {_fmt_when(ends)}, before "
              f"the run begins (warm-up starts {sc.warmup_days:g} days before {sc.start})",
              "move its start inside the run, or lengthen warmup_days")


def _check_targets(c: IssueCollector, sc: Scenario, path: PathT, t: Targets,
                   need_any: bool = True) -> None:
    kinds = {"sites": (sc.sites, "site"), "lanes": (sc.lanes, "lane"),
             "regions": (sc.regions, "region")}
    for group, (ids, noun) in kinds.items():
        for i, item in enumerate(getattr(t, group)):
            elsewhere = [g for g, (other, _n) in kinds.items() if g != group and item in other]
            if item not in ids and elsewhere:
                # an id of the wrong kind is a slip of the list, not of the spelling
                c.add((*path, group, i), f"{item!r} is not a {noun}: it is a "
                      f"{kinds[elsewhere[0]][1]}", f"list it under targets.{elsewhere[0]}")
            elif c.ref((*path, group, i), item, ids, noun) and group == "regions" and \
                    region_reach(sc, [item]) == ([], []):
                c.add((*path, group, i), f"region {item!r} has no sites, and no lane starts, "
                      "ends or passes (regions: of the lane) in it: the shock would act on "
                      "nothing there while the timeline reports it",
                      f"give sites region: {item} or list it in a lane's regions:, or remove "
                      "it from targets.regions")
    for i, mid in enumerate(t.markets):
        if c.ref((*path, "markets", i), mid, sc.sites, "site") and \
                sc.sites[mid].kind != "market":
            c.add((*path, "markets", i), f"{mid!r} is a {sc.sites[mid].kind}, not a market",
                  kind_hint(sc, "market"))
    for i, ch in enumerate(t.channels or []):
        c.ref((*path, "channels", i), ch, sc.channels, "channel")
    for i, com in enumerate(t.commodities or []):
        c.ref((*path, "commodities", i), com, sc.commodities, "commodity")
    if need_any and not (t.sites or t.lanes or t.regions or t.markets or t.commodities):
        first = next(iter(sc.sites))
        c.add(path, "no targets: give sites, lanes, regions, markets or commodities",
              f"say what the shock acts on, e.g. targets: {{sites: [{first}]}}; lanes: and "
              "regions: take lane and region ids, markets: the markets whose demand changes")


CHANNEL_FILTERED = ("divert", "seize_share", "tax_rate")
"""Effects that ``targets.channels`` narrows."""
COMMODITY_FILTERED = (*CHANNEL_FILTERED, "demand_factor", "price_factor")
"""Effects that ``targets.commodities`` narrows."""
UNFILTERED = ("capacity_factor", "added_delay_days")
"""Effects that act on sites and lanes whatever they carry: neither filter narrows them."""


def _present(effects: list[Effects], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if any(getattr(e, n) is not None for e in effects)]




def _check_filters(c: IssueCollector, path: PathT, t: Targets, effects: list[Effects]) -> None:
    """``channels`` and ``commodities`` narrow only some effects (``effects``: all the
    shock's, every state of a regime): on a shock with none of those they would do nothing
    while ``sim show`` printed them as if they applied."""
    if all(e.is_empty() for e in effects):
        return  # reported as having no effects
    given = _present(effects, (*UNFILTERED, *COMMODITY_FILTERED[3:]))
    for field, users in (("channels", CHANNEL_FILTERED), ("commodities", COMMODITY_FILTERED)):
        if getattr(t, field) is None or _present(effects, users):
            continue
        reasons = []
        if _present(effects, UNFILTERED):
            reasons.append("capacity and delays act on the targeted sites and lanes whatever "
                           "they carry (a road or border post carries every channel and "
                           "commodity; a mine's capacity is all its output)")
        if field == "channels" and _present(effects, ("demand_factor", "price_factor")):
            reasons.append("demand and prices are not kept by channel")
        if field == "channels" and not _present(effects, UNFILTERED):
            hint = "targets.commodities narrows demand and price changes"
        elif field == "channels":
            hint = ("to stop one channel's output at a mine, divert it to another channel or "
                    "give an export ban or quota with channels:")
        else:
            hint = ("to stop one commodity, give an export ban or quota of it (policies), or "
                    "divert it")
        c.add((*path, field),
              f"targets.{field} narrows only {and_list(users)}, and this shock has only "
              f"{and_list(given)}: {'; '.join(reasons)}, so the filter would do nothing",
              f"{hint}; otherwise remove targets.{field}")


def targeted_mines(sc: Scenario, t: Targets) -> list[str]:
    """Mines a target set covers (named, or lying in a named region)."""
    out = []
    for sid, site in sc.sites.items():
        if isinstance(site, Mine) and (sid in t.sites or site.region in t.regions):
            out.append(sid)
    return out


def _check_effects(c: IssueCollector, sc: Scenario, path: PathT, e: Effects, t: Targets,
                   shared: list[Effects] | None = None) -> None:
    """``shared`` lists every set of effects on the same targets (a regime's states), for
    the filters of ``t`` that another state may need; ``[e]`` if not given."""
    if e.is_empty():
        c.add((*path, "effects"), "no effects given",
              "give capacity_factor, added_delay_days, divert, seize_share, tax_rate, "
              "demand_factor or price_factor")
    if e.divert is not None:
        to = e.divert.to_channel
        _check_divert_into_own_channel(c, sc, path, to, t, shared or [e])
        if c.ref((*path, "effects", "divert", "to_channel"), to, sc.channels, "channel"):
            mines = targeted_mines(sc, t)
            if not mines:
                ids = [sid for sid, site in sc.sites.items() if isinstance(site, Mine)]
                c.add((*path, "effects", "divert"), "divert needs targeted mines (sites or "
                      "regions containing mines)",
                      "divert moves a mine's output to another channel: name mines under "
                      f"targets.sites ({', '.join(ids[:8])}) or a region holding some; to "
                      "stop flows through a place, use capacity_factor or seize_share")
            for mid in mines:
                for com in sc.sites[mid].output:
                    if t.commodities is not None and com not in t.commodities:
                        continue
                    if not mine_routes(sc, mid, com, to):
                        c.add((*path, "effects", "divert", "to_channel"),
                              f"channel {to!r} has no route for {com!r} from mine {mid!r}",
                              f"add a route to channel {to!r} that {mid!r} can reach, or "
                              "narrow targets.commodities")
    if e.capacity_factor is not None and e.capacity_factor not in (0.0, 1.0):
        _check_throttles(c, sc, (*path, "effects", "capacity_factor"), e.capacity_factor, t)
    if (e.demand_factor is not None) and not t.markets:
        markets = [sid for sid, site in sc.sites.items() if site.kind == "market"]
        c.add((*path, "effects", "demand_factor"), "demand_factor needs targets.markets",
              f"name the markets whose demand changes, e.g. targets: {{markets: "
              f"[{markets[0]}]}}" if markets else kind_hint(sc, "market"))
    _check_dead_effects(c, sc, path, e, t)


def _check_divert_into_own_channel(c: IssueCollector, sc: Scenario, path: PathT, to: str,
                                   t: Targets, shared: list[Effects]) -> None:
    """A diversion moves output from the targets' ``channels`` into ``to``: listing ``to``
    there moves nothing out of it. Refused when nothing else is listed (the diversion does
    nothing) and when the listing serves no seizure or tax (which ``channels`` narrows too)."""
    if t.channels is None or to not in t.channels:
        return
    others = [ch for ch in t.channels if ch != to]
    taxed = any(x.seize_share is not None or x.tax_rate is not None for x in shared)
    if others and taxed:
        return  # the listing narrows a seizure or tax of these effects, to_channel included
    where = (*path, "effects", "divert", "to_channel")
    if not others:
        c.add(where, f"the diversion moves output from targets.channels ({to}) into {to!r}, "
              "the same channel: it would move nothing (diverted_t 0) while the timeline "
              f"reports output diverted to {to}",
              "list under targets.channels the channels the output leaves"
              + (f", e.g. channels: [{', '.join(ch for ch in sc.channels if ch != to)}]"
                 if len(sc.channels) > 1 else "")
              + f", or leave channels out to divert from every channel but {to}")
    else:
        c.add(where, f"{to!r} is both the diversion's to_channel and one of targets.channels, "
              "the channels it moves output from: it moves nothing out of it",
              f"remove {to} from targets.channels (channels: [{', '.join(others)}])")


def _check_dead_effects(c: IssueCollector, sc: Scenario, path: PathT, e: Effects,
                        t: Targets) -> None:
    """Effects named on targets they cannot act on would do nothing while the timeline and
    ``closed_days`` report them: refuse them, saying what does act."""
    ends = [sid for sid in t.sites
            if sid in sc.sites and sc.sites[sid].kind in ("market", "stockpile")]
    if e.capacity_factor is not None and ends:
        c.add((*path, "effects", "capacity_factor"),
              f"{', '.join(repr(s) for s in ends)}: a market or stockpile takes every lot "
              "that reaches it, so it cannot be closed or throttled",
              "close or throttle the lanes or sites on the way to it, or change its demand "
              "with demand_factor and targets.markets")
    if e.added_delay_days is not None:
        slow = [f"{sid!r} ({sc.sites[sid].kind})" for sid in t.sites
                if sid in sc.sites and sc.sites[sid].kind not in DELAY_KINDS]
        if slow:
            c.add((*path, "effects", "added_delay_days"),
                  f"added_delay_days acts on lanes and on border posts, ports, trading hubs "
                  f"and junctions, not on {', '.join(slow)}",
                  "target the lanes or transit sites where lots should wait")
    flows = [name for name in ("capacity_factor", "added_delay_days", "divert", "seize_share",
                               "tax_rate") if getattr(e, name) is not None]
    if t.markets and flows and not (t.sites or t.lanes or t.regions):
        c.add((*path, "targets", "markets"),
              f"targets.markets takes demand_factor and price_factor only; "
              f"{', '.join(flows)} would act on nothing here",
              "name the sites, lanes or regions the other effects act on")
    places = [f"{group} {', '.join(getattr(t, group))}" for group in ("sites", "lanes", "regions")
              if getattr(t, group)]
    if e.price_factor is not None and places and t.commodities is None \
            and len(sc.commodities) > 1:
        names = sorted(sc.commodities)
        # the example names what the targeted mines produce, where they produce something:
        # a tin mine's event was told "commodities: [cobalt]"
        produced = sorted({com for mid in targeted_mines(sc, t)
                           for com in getattr(sc.sites[mid], "output", {})})
        example = produced[0] if produced else names[0]
        narrows = [name for name in ("divert", "seize_share", "tax_rate", "demand_factor")
                   if getattr(e, name) is not None]
        c.add((*path, "effects", "price_factor"),
              "price_factor moves the world price index of commodities, not a price at "
              f"the targeted {'; '.join(places)}: without targets.commodities it moves "
              f"every commodity's price ({', '.join(names)})",
              f"name the commodities, e.g. targets: {{commodities: [{example}]}}"
              + (f"; that narrows {', '.join(narrows)} too, so give the price change a "
                 "shock of its own if those should act on every commodity" if narrows else ""))
    elif e.price_factor is not None and t.markets and t.commodities is None:
        demanded = {com for mid in t.markets if mid in sc.sites
                    for com in getattr(sc.sites[mid], "demand_t_per_year", {})}
        others = sorted(set(sc.commodities) - demanded)
        if others:
            example = sorted(demanded)[0] if demanded else sorted(sc.commodities)[0]
            which = "this market does" if len(t.markets) == 1 else "these markets do"
            c.add((*path, "effects", "price_factor"),
                  "price_factor moves the world price index of commodities, not a market's: "
                  f"without targets.commodities it moves {', '.join(others)} too, which "
                  f"{which} not demand",
                  f"name the commodities, e.g. targets: {{commodities: [{example}]}}")


def throttles(sc: Scenario, kind: str, item_id: str) -> bool:
    """Whether a capacity factor between 0 and 1 (or above 1) changes what a site
    (``kind="site"``) or lane does: mines (output), border posts (clearance), refiners
    (refining), ports with sailings (ship loads) or a ``throughput_t_per_day`` (handling),
    lanes with a loading capacity (in tonnes or trucks) and sea lanes with sailings.
    Junctions, trading hubs, markets, stockpiles, other ports and lanes without a capacity
    only close (factor 0)."""
    if kind == "lane":
        lane = sc.lanes[item_id]
        return (lane.capacity_t_per_day is not None or lane.capacity_trucks_per_day is not None
                or lane.sailing is not None)
    site = sc.sites[item_id]
    if site.kind == "port":
        return site.throughput_t_per_day is not None or any(
            lane.from_ == item_id and lane.sailing is not None for lane in sc.lanes.values())
    return site.kind in ("mine", "border_post", "refiner")


def _check_throttles(c: IssueCollector, sc: Scenario, path: PathT, factor: float,
                     t: Targets) -> None:
    """A fractional capacity factor on a site or lane that has no capacity to scale would
    do nothing while ``sim show`` and the timeline report it: refuse it. Named targets are
    checked one by one; a region, which mixes kinds by design, only when nothing in it
    responds."""
    dead = [f"site {sid!r} ({sc.sites[sid].kind})" for sid in t.sites
            if sid in sc.sites and not throttles(sc, "site", sid)]
    dead_lanes = [lid for lid in t.lanes if lid in sc.lanes and not throttles(sc, "lane", lid)]
    dead += [f"lane {lid!r} (no {_lane_capacities(sc.lanes[lid].mode, ' or ')})"
             for lid in dead_lanes]
    # a region that reaches nothing is refused by _check_targets
    regions = {r for r in t.regions if r in sc.regions and region_reach(sc, [r]) != ([], [])}
    if regions and not (t.sites or t.lanes):
        in_sites, in_lanes = region_reach(sc, regions)
        if not any(throttles(sc, "site", s) for s in in_sites) and \
                not any(throttles(sc, "lane", ln) for ln in in_lanes):
            dead.append(f"anything in region(s) {', '.join(sorted(regions))}")
    if dead:
        c.add(path, f"capacity_factor {factor:g} has no effect on {'; '.join(dead)}: only 0 "
              "(closed) changes a junction, a trading hub, a port without sailings or "
              "throughput_t_per_day, or a lane without a capacity",
              "to slow traffic there use added_delay_days; to throttle it give the lane "
              f"{_lane_capacity_advice(sc.lanes[lid].mode for lid in dead_lanes)}, or the "
              "port throughput_t_per_day, or target a border post or mine instead")


def _lane_capacities(mode: str, last: str) -> str:
    """The fields that give a lane of ``mode`` a loading limit, joined with ``last`` before
    the final one: a limit in trucks is for road lanes only, sailings for ship lanes."""
    fields = ["capacity_t_per_day"]
    if mode == "road":
        fields.append("capacity_trucks_per_day")
    if mode in SHIP_MODES:
        fields.append("sailing")
    return fields[0] if len(fields) == 1 else ", ".join(fields[:-1]) + last + fields[-1]


def _lane_capacity_advice(modes: Iterable[str]) -> str:
    """What to give the lanes of ``modes`` (any of them, or none known: a region's) for a
    capacity: capacity_trucks_per_day only where all are road lanes (it is refused on
    rail, sea, lake, river and air lanes)."""
    given = set(modes)
    if given and given <= {"road"}:
        return "capacity_t_per_day or capacity_trucks_per_day"
    if "road" in given or not given:
        return "capacity_t_per_day (or, on a road lane, capacity_trucks_per_day)"
    return "capacity_t_per_day"


_UPGRADE_UNITS = (("capacity_t_per_day", "tonnes of product"),
                  ("capacity_trucks_per_day", "trucks"))


def _check_upgrade_unit(c: IssueCollector, base: PathT, up: Any, lane: Any) -> None:
    """A corridor upgrade's capacity must be in the unit of the lane's own capacity: the
    engine ramps the lane's loading rate from what it is to the upgrade's figure, so a
    figure in the other unit would be read in the lane's (tonnes as trucks, or trucks as
    tonnes), and a lane without a capacity has no loading queue to upgrade."""
    given = next(((f, unit) for f, unit in _UPGRADE_UNITS if getattr(up, f) is not None),
                 None)
    if given is None:
        return
    own = next(((f, unit) for f, unit in _UPGRADE_UNITS if getattr(lane, f) is not None),
               None)
    field, unit = given
    if own is None:
        c.add((*base, field), f"lane {up.lane!r} has no capacity to upgrade (it is not a "
              "loading queue)", f"give the lane a {_lane_capacity_advice([lane.mode])}, or "
              "upgrade only its transit_factor")
    elif own[0] != field:
        c.add((*base, field), f"lane {up.lane!r} counts its capacity in {own[1]} "
              f"({own[0]}), which an upgrade's {field} ({unit}) cannot set",
              f"give the upgrade {own[0]} instead (the target in {own[1]} per day)")


def _check_states_entered(c: IssueCollector, path: PathT, reg: Regime) -> None:
    """Every state must be the initial one or be reachable from it through
    ``rates_per_year``: a state never entered is a misspelt one, or a missing rate."""
    initial = reg.initial if reg.initial is not None else next(iter(reg.states))
    named = {initial, *reg.rates_per_year, *(to for row in reg.rates_per_year.values()
                                              for to in row)}
    if not named <= set(reg.states):
        return  # an unknown state is reported, and is likely the one that is missing here
    entered, todo = {initial}, deque([initial])
    while todo:
        for to in reg.rates_per_year.get(todo.popleft(), {}):
            if to in reg.states and to not in entered:
                entered.add(to)
                todo.append(to)
    for sid in reg.states:
        if sid in entered:
            continue
        guess = did_you_mean(sid, [s for s in reg.states if s != sid])
        hint = (f"did you mean {guess!r}?" if guess else
                f"add a rate into it, e.g. rates_per_year: {{{initial}: {{{sid}: 1.0}}}}, "
                "or remove it")
        c.add((*path, "states", sid), f"state {sid!r} is never entered: no transition in "
              f"rates_per_year leads to it from the initial state {initial!r}", hint)


def _country_mine_ids(sc: Scenario, country: str, commodity: str) -> list[str]:
    """Mines in ``country`` producing ``commodity``: what a ban or quota there acts on."""
    return [mid for mid, site in sc.sites.items() if isinstance(site, Mine)
            and commodity in site.output and sc.country_of(mid) == country]


def _check_country_mines(c: IssueCollector, sc: Scenario, base: PathT, noun: str,
                         country: str | None, commodity: str, countries: list[str]) -> None:
    """A ban or quota acts on the mines of its country (the exporting country if not
    given) that produce its commodity: with none it could never act, while ``sim show``
    and the timeline report it. Transit countries are the usual slip."""
    where = country if country is not None else sc.exporting_country
    if commodity not in sc.commodities or (country is not None and country not in countries):
        return  # reported as unknown
    if _country_mine_ids(sc, where, commodity):
        return
    producers = sorted({sc.country_of(mid) for mid, site in sc.sites.items()
                        if isinstance(site, Mine) and commodity in site.output})
    field = "country" if country is not None else "commodity"
    which = "" if country is not None else " (the exporting_country: country not given)"
    c.add((*base, field),
          f"no mine in {where}{which} produces {commodity!r}: the {noun} can never act "
          f"(it would stop nothing while sim show and the timeline report it)",
          "bans and quotas act on mines in the country"
          + (f" (mines producing {commodity} are in {', '.join(producers)})"
             if producers else "")
          + f"; to stop transit through {where}, close or throttle its border posts or "
          "lanes with a shock (capacity_factor)")


def can_sell_on(sc: Scenario, mid: str, commodity: str, channels: list[str]) -> bool:
    """Whether mine ``mid`` may have ``commodity`` on one of ``channels``: an offtake share
    there, or an offtake deal or a shock's diversion that may move some there."""
    shares = sc.sites[mid].offtake.get(commodity, {})
    if any(shares.get(ch, 0.0) > 0 for ch in channels):
        return True
    if any(d.to_channel in channels and mid in d.mines and commodity in d.commodities
           for d in sc.policies.offtake_deals.values()):
        return True
    return any(e.divert is not None and e.divert.to_channel in channels
               and mid in targeted_mines(sc, t)
               and (t.commodities is None or commodity in t.commodities)
               for t, e in _shock_effects(sc))


def _can_export_on(sc: Scenario, mid: str, commodity: str, channels: list[str] | None
                   ) -> bool:
    """Whether mine ``mid`` may export ``commodity`` on one of ``channels`` (every channel
    if None): a channel it may sell on (:func:`can_sell_on`) with a route that leaves its
    country or, for a quota on all channels, ends at a refiner at home selling abroad."""
    return any(can_sell_on(sc, mid, commodity, [cid])
               and can_export(sc, mid, commodity, cid, refined=channels is None)
               for cid in (channels if channels is not None else list(sc.channels)))


def _shock_effects(sc: Scenario) -> list[tuple[Targets, Effects]]:
    """Every shock's (targets, effects): events, each state of a regime, incidents."""
    sh = sc.shocks
    return ([(ev.targets, ev.effects) for ev in sh.events.values()]
            + [(reg.targets, st.effects) for reg in sh.regimes.values()
               for st in reg.states.values()]
            + [(inc.targets, inc.effects) for inc in sh.incidents.values()])


def _check_first_exports(c: IssueCollector, sc: Scenario, base: PathT, quota: Any) -> None:
    """Exports under a quota begin ``first_export_delay_days`` after its first period
    starts; at or after the quota's end (its last period's, or ``carry_over_until`` while
    carried-over allowance lasts) every tonne of it is lost and the quota acts as a ban for
    its whole length, while the timeline announces first exports on a day it has ended.
    Refused rather than noted: a quota's allowance serves no other quota."""
    first = sc.day_of(quota.schedule[0].start)
    last = sc.day_of(quota.schedule[-1].end) + 1.0  # the end is inclusive
    if quota.carry_over and quota.carry_over_until is not None:
        last = max(last, sc.day_of(quota.carry_over_until) + 1.0)
    delay = quota.first_export_delay_days
    if delay <= 0 or first + delay < last:
        return
    c.add((*base, "first_export_delay_days"),
          f"{delay:g} days after the first period starts ({_fmt_when(quota.schedule[0].start)})"
          f" is day {first + delay:g}, not before the quota ends (day {last:g}, the end being "
          "exclusive): no tonne of it could ever be exported, so it would stop these exports "
          "like a ban while the timeline announced first exports after it ended",
          f"give first_export_delay_days below {last - first:g}, or give an export ban for "
          "that window instead")


def _check_allocation(c: IssueCollector, sc: Scenario, base: PathT, quota: Any) -> None:
    """A quota's ``allocation`` shares its tonnes among mines that can draw on them: mines
    of the quota's country producing its commodity and able to export it on the quota's
    channels. The share of any other mine would be lost (the allowance is never drawn)."""
    total = sum(quota.allocation.values())
    where = quota.country if quota.country is not None else sc.exporting_country
    own = _country_mine_ids(sc, where, quota.commodity)
    if abs(total - 1.0) > 1e-6:
        parts = ", ".join(f"{mid}: {v:g}" for mid, v in quota.allocation.items())
        c.add((*base, "allocation"), f"allocation shares sum to {total:.6g}, not 1 ({parts})",
              "give each mine its share of the quota so the shares add up to exactly 1 "
              f"(e.g. divide each by {total:.6g})")
    for mid in quota.allocation:
        if not c.ref((*base, "allocation", mid), mid, sc.sites, "site"):
            continue
        site = sc.sites[mid]
        if not isinstance(site, Mine) or quota.commodity not in site.output:
            what = (f"a {site.kind.replace('_', ' ')}" if not isinstance(site, Mine)
                    else f"a mine that does not produce {quota.commodity}")
            c.add((*base, "allocation", mid),
                  f"{mid!r} is not a mine producing {quota.commodity!r}: it is {what}",
                  f"allocate among the mines in {where} producing {quota.commodity}"
                  + (f": {', '.join(own[:8])}" if own else "")
                  + ", or leave allocation out to share by each mine's planned exports")
        elif sc.country_of(mid) != where:
            which = "" if quota.country is not None else " (the exporting_country)"
            c.add((*base, "allocation", mid),
                  f"mine {mid!r} is in {sc.country_of(mid)}, not {where}{which}: the quota "
                  f"caps {where}'s exports, so this mine's share of the allowance would be "
                  "lost",
                  f"allocate among the mines in {where} producing {quota.commodity}"
                  + (f": {', '.join(own[:8])}" if own else "")
                  + (", or give the quota country: "
                     f"{sc.country_of(mid)} if it caps that country's exports"
                     if quota.country is None else ""))
        elif quota.channels is not None and \
                not can_sell_on(sc, mid, quota.commodity, quota.channels):
            on = ", ".join(quota.channels)
            c.add((*base, "allocation", mid),
                  f"mine {mid!r} sells none of its {quota.commodity} on the "
                  f"quota's channels ({on}), and no offtake deal or diversion "
                  "moves any there: its share of the allowance would be lost",
                  "allocate to mines selling on those channels, or widen the "
                  "quota's channels to the ones this mine sells on")
        elif not _can_export_on(sc, mid, quota.commodity, quota.channels):
            on = ("the quota's channels" if quota.channels is not None
                  else "any channel")
            c.add((*base, "allocation", mid),
                  f"mine {mid!r} cannot export {quota.commodity}: no route it "
                  f"may sell on ({on}) leaves {sc.country_of(mid)}"
                  + (" or reaches a refiner there selling abroad"
                     if quota.channels is None else "")
                  + ", and lots on routes that stay draw no quota: its share "
                  "of the allowance would be lost",
                  "allocate to mines with a route abroad, or leave allocation "
                  "out to share by each mine's planned exports")


def check_shocks_and_policies(sc: Scenario) -> list[Issue]:
    """Every problem with ``sc``'s shocks and policies (run after :func:`check_scenario`)."""
    c = IssueCollector()
    _check_all(sc, c)
    return c.issues


def _check_all(sc: Scenario, c: IssueCollector) -> None:
    for eid, ev in sc.shocks.events.items():
        base: PathT = ("shocks", "events", eid)
        _check_time(c, sc, base, ev.start, ev.end, ev.duration_days, window_duration=True)
        _check_targets(c, sc, (*base, "targets"), ev.targets)
        _check_filters(c, (*base, "targets"), ev.targets, [ev.effects])
        _check_effects(c, sc, base, ev.effects, ev.targets)
    for rid, reg in sc.shocks.regimes.items():
        base = ("shocks", "regimes", rid)
        _check_targets(c, sc, (*base, "targets"), reg.targets)
        if reg.initial is not None:
            c.ref((*base, "initial"), reg.initial, reg.states, "state")
        for frm, row in reg.rates_per_year.items():
            if not c.ref((*base, "rates_per_year", frm), frm, reg.states, "state"):
                continue
            for to, rate in row.items():
                known = c.ref((*base, "rates_per_year", frm, to), to, reg.states, "state")
                if rate <= 0:
                    c.add((*base, "rates_per_year", frm, to),
                          f"must be greater than 0, got {rate:g}",
                          f"a rate is how many times a year, on average, the regime moves "
                          f"from {frm} to {to} (0.5: once in two years); to never move so, "
                          f"remove {to} from rates_per_year.{frm}")
                elif known and to == frm:
                    c.add((*base, "rates_per_year", frm, to), "a state cannot move to itself",
                          f"remove {to} from rates_per_year.{frm}: each rate leads to another "
                          "state (the regime stays in a state between its moves)")
        shared = [state.effects for state in reg.states.values()]
        _check_filters(c, (*base, "targets"), reg.targets, shared)
        for sid, state in reg.states.items():
            if not state.effects.is_empty():
                _check_effects(c, sc, (*base, "states", sid), state.effects, reg.targets,
                               shared)
        if not any(row for row in reg.rates_per_year.values()):
            states = list(reg.states)
            c.add((*base, "rates_per_year"), "no transitions: the regime never changes state",
                  f"give rates per year between states, e.g. rates_per_year: {{{states[0]}: "
                  f"{{{states[1]}: 0.5}}, {states[1]}: {{{states[0]}: 2.0}}}} (from "
                  f"{states[0]} to {states[1]} once in two years on average, back in about "
                  "six months)")
        else:
            _check_states_entered(c, base, reg)
        if reg.start is not None:
            _check_time(c, sc, base, reg.start, None)
    for iid, inc in sc.shocks.incidents.items():
        base = ("shocks", "incidents", iid)
        _check_time(c, sc, base, inc.start, inc.end)
        _check_targets(c, sc, (*base, "targets"), inc.targets)
        _check_filters(c, (*base, "targets"), inc.targets, [inc.effects])
        _check_effects(c, sc, base, inc.effects, inc.targets)

    pol = sc.policies
    countries = sorted({r.country for r in sc.regions.values()})
    for pid, ban in pol.export_bans.items():
        base = ("policies", "export_bans", pid)
        _check_time(c, sc, base, ban.start, ban.end, ban.duration_days,
                    window_duration=True)
        if ban.country is not None:
            c.ref((*base, "country"), ban.country, countries, "country")
        c.ref((*base, "commodity"), ban.commodity, sc.commodities, "commodity")
        for i, ch in enumerate(ban.channels or []):
            c.ref((*base, "channels", i), ch, sc.channels, "channel")
        _check_country_mines(c, sc, base, "ban", ban.country, ban.commodity, countries)
    for pid, quota in pol.export_quotas.items():
        base = ("policies", "export_quotas", pid)
        c.ref((*base, "commodity"), quota.commodity, sc.commodities, "commodity")
        if quota.country is not None:
            c.ref((*base, "country"), quota.country, countries, "country")
        for i, ch in enumerate(quota.channels or []):
            c.ref((*base, "channels", i), ch, sc.channels, "channel")
        _check_country_mines(c, sc, base, "quota", quota.country, quota.commodity, countries)
        _check_first_exports(c, sc, base, quota)
        previous = None
        for i, per in enumerate(quota.schedule):
            _check_time(c, sc, (*base, "schedule", i), per.start, None)
            if not _check_calendar(c, sc, (*base, "schedule", i, "end"), per.end):
                continue
            if sc.day_of(per.end) < sc.day_of(per.start):
                c.add((*base, "schedule", i, "end"), f"ends at {_fmt_when(per.end)}, before "
                      f"its start {_fmt_when(per.start)}",
                      "a schedule entry's end is its last day, on or after its start")
            elif sc.day_of(per.end) + 1 <= -sc.warmup_days:
                # the end is inclusive; a period over before the run would still set the
                # first exports (first_export_delay_days counts from the first period)
                c.add((*base, "schedule", i, "end"), f"ends at {_fmt_when(per.end)}, before "
                      f"the run begins (warm-up starts {sc.warmup_days:g} days before "
                      f"{sc.start})",
                      "it cannot act in this run: move it inside the run, lengthen "
                      f"warmup_days, or leave it out: {_leave_out((*base, 'schedule', i))}")
            if previous is not None and sc.day_of(per.start) <= previous:
                c.add((*base, "schedule", i, "start"), "quota periods must be in time order "
                      "and must not overlap",
                      "start each entry on the day after the previous entry's end (ends are "
                      "inclusive); for quotas that overlap, write two quotas")
            previous = sc.day_of(per.end)
            if per.period != "whole":
                _check_calendar_split(c, sc, (*base, "schedule", i), per)
        if quota.allocation is not None:
            _check_allocation(c, sc, base, quota)
    for pid, deal in pol.offtake_deals.items():
        base = ("policies", "offtake_deals", pid)
        _check_time(c, sc, base, deal.start, None)
        to_ok = c.ref((*base, "to_channel"), deal.to_channel, sc.channels, "channel")
        for i, ch in enumerate(deal.from_channels or []):
            c.ref((*base, "from_channels", i), ch, sc.channels, "channel")
        if deal.from_channels is not None and deal.to_channel in deal.from_channels:
            # as a diversion's to_channel among its targets' channels: the engine moves
            # nothing out of the channel it moves into
            others = [ch for ch in deal.from_channels if ch != deal.to_channel]
            where = (*base, "from_channels", deal.from_channels.index(deal.to_channel))
            if not others:
                rest = [ch for ch in sc.channels if ch != deal.to_channel]
                c.add(where, f"the deal moves output from from_channels ({deal.to_channel}) "
                      f"into {deal.to_channel!r}, the same channel: it would move nothing "
                      f"while sim show and the timeline report {deal.share:.0%} moved",
                      "list under from_channels the channels that give the output up"
                      + (f", e.g. from_channels: [{', '.join(rest)}]" if rest else "")
                      + f", or leave from_channels out to take from every channel but "
                      f"{deal.to_channel}")
            else:
                c.add(where, f"{deal.to_channel!r} is both the deal's to_channel and one of "
                      "its from_channels: it moves nothing out of it",
                      f"remove {deal.to_channel} from from_channels (from_channels: "
                      f"[{', '.join(others)}])")
        for i, com in enumerate(deal.commodities):
            c.ref((*base, "commodities", i), com, sc.commodities, "commodity")
        for i, mid in enumerate(deal.mines):
            if not c.ref((*base, "mines", i), mid, sc.sites, "site"):
                continue
            site = sc.sites[mid]
            if not isinstance(site, Mine):
                c.add((*base, "mines", i), f"{mid!r} is a {site.kind}, not a mine",
                      kind_hint(sc, "mine"))
                continue
            for com in deal.commodities:
                if com in sc.commodities and com not in site.output:
                    c.add((*base, "mines", i), f"mine {mid!r} does not produce {com!r}",
                          f"remove {mid} from mines, or {com} from commodities ({mid} "
                          f"produces {', '.join(site.output)})")
                elif to_ok and com in site.output and not mine_routes(sc, mid, com,
                                                                      deal.to_channel):
                    c.add((*base, "to_channel"), f"channel {deal.to_channel!r} has no route "
                          f"for {com!r} from mine {mid!r}",
                          f"add a route to {deal.to_channel!r} that {mid!r} can reach")
    for pid, up in pol.corridor_upgrades.items():
        base = ("policies", "corridor_upgrades", pid)
        _check_time(c, sc, base, up.start, None)
        if c.ref((*base, "lane"), up.lane, sc.lanes, "lane"):
            _check_upgrade_unit(c, base, up, sc.lanes[up.lane])
        if up.capacity_t_per_day is None and up.capacity_trucks_per_day is None and \
                up.transit_factor is None:
            c.add(base, "give capacity_t_per_day or transit_factor (or both; "
                  "capacity_trucks_per_day instead of capacity_t_per_day on a lane counted "
                  "in trucks)",
                  "say what the upgrade changes, e.g. transit_factor: 0.8 (a fifth faster) "
                  "or capacity_t_per_day: 500 (loading at the end of the ramp)")
    for pid, sp in pol.stockpiles.items():
        base = ("policies", "stockpiles", pid)
        if sp.start is not None:
            _check_time(c, sc, base, sp.start, None)
        if c.ref((*base, "site"), sp.site, sc.sites, "site") and \
                sc.sites[sp.site].kind != "stockpile":
            c.add((*base, "site"), f"{sp.site!r} is a {sc.sites[sp.site].kind}, not a "
                  "stockpile", kind_hint(sc, "stockpile"))
        if c.ref((*base, "commodity"), sp.commodity, sc.commodities, "commodity"):
            cap = sc.commodities[sp.commodity].price_cap_ratio
            if sp.release_price_ratio_above is not None and sp.release_price_ratio_above >= cap:
                # the index never exceeds its cap, so the rule could never fire
                c.add((*base, "release_price_ratio_above"),
                      f"{sp.release_price_ratio_above:g} is not below {sp.commodity}'s "
                      f"price_cap_ratio ({cap:g}): the price index never rises above it",
                      f"give a ratio below {cap:g}, or raise commodities.{sp.commodity}."
                      "price_cap_ratio")
        if sp.site in sc.sites and sc.sites[sp.site].kind == "stockpile" and \
                sp.commodity in sc.commodities and \
                sp.commodity not in sc.sites[sp.site].initial_stock_t and \
                not _ever_filled(sc, sp.site, sp.commodity):
            c.add((*base, "commodity"),
                  f"stockpile {sp.site!r} never holds {sp.commodity}: it has no "
                  f"initial_stock_t of it, no route brings it there and no stockpile rule "
                  "rebuilds it, so the rule would release nothing while sim show and the "
                  "timeline report it releasing",
                  f"give sites.{sp.site}.initial_stock_t: {{{sp.commodity}: <tonnes>}}, or "
                  f"rebuild_price_ratio_below with rebuild_t_per_day and rebuild_target_t, "
                  f"or name the stockpile and commodity it is meant for")
        if sp.rebuild_price_ratio_below is not None and \
                sp.release_price_ratio_above is not None and \
                sp.rebuild_price_ratio_below > sp.release_price_ratio_above:
            c.add((*base, "rebuild_price_ratio_below"),
                  f"rebuild_price_ratio_below {sp.rebuild_price_ratio_below:g} is above "
                  f"release_price_ratio_above {sp.release_price_ratio_above:g}: at a price "
                  "index between the two the rule would release what it holds and buy it "
                  "back again, by turns",
                  "buy back below the release trigger: give rebuild_price_ratio_below below "
                  f"{sp.release_price_ratio_above:g} (e.g. 0.9 with a release above 1.2)")
        if sp.release_price_ratio_above is None and sp.release_shortfall_share_above is None:
            c.add(base, "give release_price_ratio_above or release_shortfall_share_above",
                  "say when the stockpile releases, e.g. release_price_ratio_above: 1.5 "
                  "(while the price index is above 1.5) or release_shortfall_share_above: "
                  "0.1 (while a tenth of the market's demand goes unmet)")
        if sp.rebuild_price_ratio_below is not None:
            missing = [f for f in ("rebuild_t_per_day", "rebuild_target_t")
                       if getattr(sp, f) is None]
            if missing:
                c.add((*base, missing[0]), "rebuilding needs rebuild_t_per_day and "
                      "rebuild_target_t",
                      f"give {' and '.join(missing)} (the most it buys a day and the stock "
                      "it buys back to), or remove rebuild_price_ratio_below")
        else:
            # the reverse: a rate or target without the trigger that starts rebuilding
            for field in ("rebuild_t_per_day", "rebuild_target_t"):
                if getattr(sp, field) is not None:
                    c.add((*base, field), f"{field} without rebuild_price_ratio_below: the "
                          "stockpile never rebuilds, so it would do nothing",
                          "give rebuild_price_ratio_below (buy back while the price index "
                          f"is below it), or remove {field}")
        if sp.release_shortfall_share_above is not None and sp.release_shortfall_share_above >= 1:
            c.add((*base, "release_shortfall_share_above"),
                  "a shortfall share is never above 1, so the rule could never fire",
                  "give a share below 1 (0.99 releases when almost nothing reaches the market)")
        if c.ref((*base, "market"), sp.market, sc.sites, "site"):
            mkt = sc.sites[sp.market]
            if mkt.kind != "market":
                c.add((*base, "market"), f"{sp.market!r} is a {mkt.kind}, not a market",
                      kind_hint(sc, "market"))
            elif sp.commodity not in mkt.demand_t_per_year:
                c.add((*base, "market"), f"market {sp.market!r} has no demand for "
                      f"{sp.commodity!r}", f"give it a demand_t_per_year for "
                      f"{sp.commodity!r}, or release to a market that has one")
            elif sp.site in sc.sites and sc.sites[sp.site].kind == "stockpile":
                _check_stockpile_country(c, sc, base, sp)
    for pid, sup in pol.security_support.items():
        base = ("policies", "security_support", pid)
        _check_time(c, sc, base, sup.start, sup.end)
        for i, rid in enumerate(sup.regimes):
            c.ref((*base, "regimes", i), rid, sc.shocks.regimes, "regime")
    for pid, ctl in pol.export_controls.items():
        base = ("policies", "export_controls", pid)
        _check_time(c, sc, base, ctl.start, ctl.end)
        c.ref((*base, "country"), ctl.country, countries, "country")
        c.ref((*base, "commodity"), ctl.commodity, sc.commodities, "commodity")
        named: set[str] = set()
        for i, mid in enumerate(ctl.markets):
            # review 192: [market_row, market_row] passed without a word; refused as a site
            # named twice in series_sites is
            if mid in named:
                c.add((*base, "markets", i), f"market {mid!r} is named twice",
                      "name each market once")
                continue
            named.add(mid)
            if c.ref((*base, "markets", i), mid, sc.sites, "site") and \
                    sc.sites[mid].kind != "market":
                c.add((*base, "markets", i), f"{mid!r} is a {sc.sites[mid].kind}, not a market",
                      kind_hint(sc, "market"))
            elif mid in sc.sites and sc.sites[mid].region in sc.regions and \
                    sc.country_of(mid) == ctl.country:
                # it would act (a control caps sales by market, wherever the market is),
                # which is not what an export control means
                c.add((*base, "markets", i),
                      f"market {mid!r} is in {ctl.country}, the control's own country: an "
                      "export control limits what leaves the country",
                      f"name markets outside {ctl.country}; to cut a home market's supply, "
                      "close or cap the lanes to it with an event")


def _check_stockpile_country(c: IssueCollector, sc: Scenario, base: PathT, sp: Any) -> None:
    """Refuse a stockpile rule whose stockpile and market are in different countries.

    The release (and the rebuild) moves metal straight from one site to the other, with
    no lane: across a border it would skip export bans and quotas and not be counted as
    exported (or imported)."""
    site_region, market_region = sc.sites[sp.site].region, sc.sites[sp.market].region
    if site_region not in sc.regions or market_region not in sc.regions:
        return  # an unknown region is reported by the network checks
    here, there = sc.country_of(sp.site), sc.country_of(sp.market)
    if here == there:
        return
    own = sorted(mid for mid, site in sc.sites.items()
                 if site.kind == "market" and site.region in sc.regions
                 and sc.country_of(mid) == here and sp.commodity in site.demand_t_per_year)
    there_markets = (f" ({', '.join(repr(m) for m in own)})" if own else
                     f" (add one: none there has demand for {sp.commodity!r})")
    c.add((*base, "market"),
          f"stockpile {sp.site!r} is in {here} but market {sp.market!r} is in {there}: "
          "the rule would move metal across the border with no lane, past any export ban "
          "or quota, and not count it as exported",
          f"a stockpile releases into a market of its own country; put the stockpile site "
          f"in {there} (sites.{sp.site}.region: {market_region}, the market's region) or "
          f"release into a market in {here}{there_markets}")


def _ever_filled(sc: Scenario, site: str, commodity: str) -> bool:
    """Whether ``commodity`` can reach stockpile ``site`` other than by its initial stock:
    a route ending there that a mine producing it can use (in any channel: a deal or a
    diversion may move output there), or a stockpile rule that rebuilds it there."""
    if any(sp.site == site and sp.commodity == commodity
           and sp.rebuild_price_ratio_below is not None
           for sp in sc.policies.stockpiles.values()):
        return True
    return any(sc.channels[cid].routes[rid].path[-1] == site
               for mid, mine in sc.sites.items()
               if isinstance(mine, Mine) and commodity in mine.output
               for cid in sc.channels for rid in mine_routes(sc, mid, commodity, cid))


def controlled_refiners(sc: Scenario, ctl: Any) -> dict[str, Any]:
    """The refiners an export control acts on: in its country, selling its commodity to at
    least one of its markets (by id, in file order)."""
    covered = set(ctl.markets)
    return {rid: site for rid, site in sc.sites.items()
            if site.kind == "refiner" and sc.country_of(rid) == ctl.country
            and covered & set(site.sales.get(ctl.commodity, {}))}


def idle_stockpile_rules(sc: Scenario) -> list[str]:
    """Notes on stockpile rules that may never act: a rebuild rule only a price shock can
    start (under ``price_basis: consumption`` markets never consume more than their demand,
    so the price index falls below 1 only under a shock to it), and a release capped at 0 t
    (valid, e.g. a variant that only rebuilds, but it never releases while its triggers
    read as if it did), and a release from a stockpile that starts with 0 t of the
    commodity (given outright) and that nothing fills; and on rules that may act against
    their aim: a buy-back below a price index above 1 (:func:`_rebuild_while_short`), and
    two rules buying back what the other releases."""
    notes = [f"stockpile rule {pid!r} rebuilds below a price index of "
             f"{sp.rebuild_price_ratio_below:g}, which {sp.commodity}'s price (price_basis: "
             "consumption) reaches only under a price shock; give the commodity price_basis: "
             "supply for a price that falls when supply is plentiful"
             for pid, sp in sc.policies.stockpiles.items()
             if sp.rebuild_price_ratio_below is not None and sp.rebuild_price_ratio_below <= 1
             and sp.commodity in sc.commodities
             and sc.commodities[sp.commodity].price_basis == "consumption"]
    notes += [n for pid, sp in sc.policies.stockpiles.items()
              if (n := _rebuild_while_short(sc, pid, sp))]
    notes += [f"stockpile rule {pid!r} has release_cap_t: 0, so it never releases whatever "
              "its release triggers; raise the cap, or leave it out for no limit"
              for pid, sp in sc.policies.stockpiles.items() if sp.release_cap_t == 0]
    # an initial stock of 0 t given outright (a sweep's or a variant's lower bound) is not
    # refused, as a commodity never listed is, but the rule cannot release
    notes += [f"stockpile rule {pid!r} releases {sp.commodity} from {sp.site!r}, which "
              f"starts with 0 t of it and which no route or rebuild rule fills, so it never "
              f"releases; give sites.{sp.site}.initial_stock_t.{sp.commodity} above 0"
              for pid, sp in sc.policies.stockpiles.items()
              if sp.site in sc.sites and sc.sites[sp.site].kind == "stockpile"
              and sc.sites[sp.site].initial_stock_t.get(sp.commodity, 1.0) <= 0
              and not _ever_filled(sc, sp.site, sp.commodity)]
    # review 152: one rule rebuilding above its own release trigger is refused; two rules
    # on one stockpile's metal doing the same by turns passed without a word
    rules = sc.policies.stockpiles
    notes += [f"stockpile rules {a!r} and {b!r} on {ra.site!r}'s {ra.commodity}: {b!r} buys "
              f"back below a price index of {rb.rebuild_price_ratio_below:g}, above {a!r}'s "
              f"release trigger of {ra.release_price_ratio_above:g}, so at an index between "
              f"the two one buys back what the other releases, by turns; give {b!r} a "
              f"rebuild_price_ratio_below below {ra.release_price_ratio_above:g}"
              for a, ra in rules.items() for b, rb in rules.items()
              if a != b and ra.site == rb.site and ra.commodity == rb.commodity
              and ra.release_price_ratio_above is not None
              and rb.rebuild_price_ratio_below is not None
              and rb.rebuild_price_ratio_below > ra.release_price_ratio_above]
    return notes


def _rebuild_while_short(sc: Scenario, pid: str, sp: Any) -> str:
    """A note on stockpile rule ``pid`` if it buys back below a price index above 1 ("" if
    not): the index above 1 means markets are short (``price_basis: consumption``) or
    arrivals below demand (``supply``), so it buys while they are, and after a crisis it
    buys the market's stock, which a consumption price does not see, until none is left.
    Without a ``demand_elasticity`` the index stays at 1 and it buys every day it can."""
    below = sp.rebuild_price_ratio_below
    com = sc.commodities.get(sp.commodity)
    if below is None or below <= 1 or com is None:
        return ""
    # review 192: a buy-back below 1.1 after an export control emptied market_row's stock
    # and left it 6,150 t short in the year after (78 t without it), the index at 1.05-1.25
    head = (f"stockpile rule {pid!r} buys back {sp.commodity} from {sp.market!r} below a "
            f"price index of {below:g}, above 1: ")
    harm = ("the buy-back can itself make the market short and hold the price up after "
            "the crisis (compare a run with the rebuild_* fields set to null)")
    if com.demand_elasticity is None:
        return (head + f"{sp.commodity}'s price is not modelled (no demand_elasticity), so "
                "the index stays at 1 and the rule buys every day its stock is below "
                "rebuild_target_t, whether markets are short or not, until the market has "
                f"no stock left; {harm}; give {sp.commodity} a demand_elasticity and "
                "price_basis: supply, with a threshold at or below 1")
    if com.price_basis == "consumption":
        return (head + "with price_basis: consumption an index above 1 means markets have "
                "been short, unless a shock's price_factor raises it (it follows their "
                "consumption against demand, smoothed over price_window_days "
                f"{com.price_window_days:g}), so the rule buys while they "
                "are, and once they are not it buys the market's stock, which the index does "
                "not see, until the market has none left for the lulls between its "
                f"arrivals; {harm}; a threshold nearer 1 buys less during a shortage but "
                "takes the stock all the same, a lower rebuild_t_per_day or rebuild_target_t "
                "takes less of it, and a threshold at or below 1 needs price_basis: supply, "
                "where plentiful arrivals lower the index")
    return (head + "with price_basis: supply an index above 1 means arrivals at markets ran "
            "below demand (smoothed over price_window_days "
            f"{com.price_window_days:g}), so the rule buys while markets live off their "
            f"stocks and drains its market's stock further; {harm}; give a threshold at or "
            "below 1, where arrivals exceed demand")


def _giving_share(sc: Scenario, mines: list[str], commodities: list[str] | None,
                  to: str, giving: list[str] | None) -> float:
    """The largest offtake share the giving channels (``giving``, or every channel but
    ``to``) have of the mines' output of ``commodities`` (all their output if None), at the
    scenario's shares: 0 when a deal or diversion from them has nothing to move."""
    best = 0.0
    for mid in mines:
        site = sc.sites.get(mid)
        if not isinstance(site, Mine):
            continue
        for com in site.output:
            if commodities is not None and com not in commodities:
                continue
            shares = site.offtake.get(com, {})
            best = max(best, sum(v for ch, v in shares.items()
                                 if ch != to and (giving is None or ch in giving)))
    return best


def _from(giving: list[str] | None, to: str) -> str:
    return (", ".join(ch for ch in giving if ch != to) if giving is not None
            else f"every channel but {to}")


def _sparse_lot_mines(sc: Scenario, quota: Any) -> list[str]:
    """The mines a quota covers (its country's, producing its commodity) whose lots come
    less often than once a day on average."""
    country = quota.country or sc.exporting_country
    out = []
    for sid, site in sc.sites.items():
        if site.kind != "mine" or quota.commodity not in site.output:
            continue
        if sc.country_of(sid) != country:
            continue
        interval = site.lot_interval_days
        mean = interval.mean() if interval is not None else sc.lot_period_days
        if mean > 1 + 1e-9:
            out.append(sid)
    return out


def _listed(names: list[str]) -> str:
    shown = names[:3] + ([f"{len(names) - 3} more"] if len(names) > 3 else [])
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" and {shown[-1]}"


def idle_policies(sc: Scenario) -> list[str]:
    """Notes on offtake deals and diversions (of events and incidents) whose giving
    channels take none of the targeted mines' output at the scenario's offtake shares
    (they act only if another deal or diversion first moves output there, which may be
    intended), on quotas whose ``carry_over_until`` is before their first period starts or
    that have ``carry_over: false`` (nothing carries over), on security support whose
    factors are both 1 (it changes nothing), and on channels with ``on_closure: reroute``
    or ``rebalance`` but a single route (no other route to take)."""
    notes = []
    for pid, d in sc.policies.offtake_deals.items():
        if _giving_share(sc, d.mines, d.commodities, d.to_channel, d.from_channels) == 0:
            giving = _from(d.from_channels, d.to_channel)
            # "what china take" read as a slip (review 166)
            one = d.from_channels is None or len(
                [ch for ch in d.from_channels if ch != d.to_channel]) == 1
            notes.append(
                f"offtake deal {pid!r} moves {d.share:.0%} of what {giving} "
                f"{'takes' if one else 'take'} of "
                f"{', '.join(d.commodities)} from "
                f"{', '.join(d.mines)}, and those channels take none of it (offtake shares): "
                "it moves nothing unless another deal moves output there first")
    # Regimes are left out: their states are a template shared by regions (the baseline's
    # Kivu regimes merge one anchor), and a capture's diversion with nothing to move in one
    # region is meant for the others; a note on every run would bury the rest.
    for kind, items in (("event", sc.shocks.events), ("incidents", sc.shocks.incidents)):
        for sid, shock in items.items():
            t, e = shock.targets, shock.effects
            mines = targeted_mines(sc, t)
            if e.divert is None or not mines:
                continue
            to = e.divert.to_channel
            if _giving_share(sc, mines, t.commodities, to, t.channels) == 0:
                what = ", ".join(t.commodities) if t.commodities else "output"
                notes.append(
                    f"{kind} {sid!r} diverts {what} of {', '.join(mines)} to {to} from "
                    f"{_from(t.channels, to)}, and those channels take none of it (offtake "
                    "shares): it moves nothing unless a deal or another diversion moves "
                    "output there first")
    for pid, q in sc.policies.export_quotas.items():
        for i, (per, nxt) in enumerate(zip(q.schedule, q.schedule[1:])):
            after, resumes = sc.day_of(per.end) + 1, sc.day_of(nxt.start)
            if resumes - after > 1e-9:
                # valid (a quota may pause), but far more often an end a day short
                if after == math.floor(after) and resumes == math.floor(resumes):
                    first = sc.start + dt.timedelta(days=after)
                    last = sc.start + dt.timedelta(days=resumes - 1)
                    span = f"on {first}" if first == last else f"from {first} to {last}"
                else:  # part days: the day numbers say where it stops and starts again
                    span = f"from day {after:g} to day {resumes:g}"
                notes.append(
                    f"export quota {pid!r} has no allowance {span}, between schedule entries "
                    f"{i} and {i + 1}: nothing leaves then"
                    + (" unless allowance carries over" if q.carry_over else "")
                    + f"; if they should meet, end entry {i} the day before entry {i + 1} "
                    "starts")
        if q.strategic_share >= 1:
            # valid (a sweep may reach it), but it stops these exports as a ban would, as a
            # first-export delay past the quota's end does, which is refused (review 132)
            notes.append(
                f"export quota {pid!r} has strategic_share {q.strategic_share:g}: the state "
                "keeps every tonne, so no mine exports anything under it, as under a ban; "
                "give a share below 1, or an export ban if that is meant")
        sparse = _sparse_lot_mines(sc, q) if not q.carry_over else []
        if sparse:
            # a mine ships only as it mines a lot (review 176: a monthly 1,000 t quota
            # released daily let 5,276 t of 6,000 leave over six months of weekly lots)
            release = ("each day's release after a period's last lot"
                       if q.release == "daily" else "the allowance of a period with no lot")
            notes.append(
                f"export quota {pid!r} has carry_over: false and {_listed(sparse)} "
                f"{'mines' if len(sparse) == 1 else 'mine'} a lot less often than daily: a "
                f"mine ships its stock only as it mines a lot, so {release} expires unused; "
                "give carry_over: true, or lots every day (lot_interval_days, "
                "lot_period_days)")
        if not q.carry_over and q.carry_over_until is not None:
            # valid: a variant may turn off the carry-over its base file dates
            notes.append(
                f"export quota {pid!r} has carry_over: false, so its carry_over_until "
                f"{_fmt_when(q.carry_over_until)} does nothing (no allowance carries over); "
                "remove carry_over_until (null), or give carry_over: true")
        if q.carry_over and q.carry_over_until is not None and \
                sc.day_of(q.carry_over_until) < sc.day_of(q.schedule[0].start):
            notes.append(
                f"export quota {pid!r} has carry_over_until {_fmt_when(q.carry_over_until)}, "
                f"before its first period starts ({_fmt_when(q.schedule[0].start)}): nothing "
                "carries over (each period's allowance lasts to its own end); give a later "
                "date, or carry_over: false")
    # a sweep or a variant may set both factors to 1 (support off): worth a word, not refused
    notes += [f"security support {pid!r} has escalation_factor and deescalation_factor 1, "
              "so it changes no regime's rates; give a factor below 1 to slow escalation "
              "(or above 1 to speed calming), or remove it"
              for pid, sup in sc.policies.security_support.items()
              if sup.escalation_factor == 1 and sup.deescalation_factor == 1]
    # a base file's setting a variant gives more routes: valid, but here it cannot act
    notes += [f"channel {cid!r} has on_closure: {ch.on_closure} but one route "
              f"({next(iter(ch.routes))}), so lots have no other route to take and wait at a "
              "closure as under on_closure: wait; add a route to the channel, or leave "
              "on_closure out"
              for cid, ch in sc.channels.items()
              if ch.on_closure != "wait" and len(ch.routes) == 1]
    return notes


def competing_deals(sc: Scenario) -> list[str]:
    """Notes on pairs of offtake deals that take the same mine's commodity from a common
    channel (or one takes from the channel the other fills): they apply one after another
    in the order they start (file order for the same start), each to what the earlier
    left, so their order decides who gets which (review 123: two deals of 0.6 from one
    channel swapped 13,631 t and 5,452 t of cobalt between their channels with the order
    of the file, without a word)."""
    deals = sorted(sc.policies.offtake_deals.items(), key=lambda kv: sc.day_of(kv[1].start))

    def giving(d: Any) -> set[str]:
        return set(d.from_channels) if d.from_channels is not None else \
            set(sc.channels) - {d.to_channel}

    notes = []
    for i, (aid, a) in enumerate(deals):
        for bid, b in deals[i + 1:]:
            mines = [m for m in a.mines if m in b.mines]
            coms = [c for c in a.commodities if c in b.commodities]
            common = sorted(giving(a) & giving(b))
            if not mines or not coms or not (common or a.to_channel in giving(b)):
                continue
            what = (f"from {' and '.join(common)}" if common else
                    f"{bid} from {a.to_channel}, which {aid} fills")
            notes.append(
                f"offtake deals {aid} and {bid} both take {', '.join(coms)} of "
                f"{', '.join(mines)} ({what}): {aid} applies first (it starts first, or "
                f"comes first in the file), {bid} to what it leaves, so their order decides "
                "how much each channel gets; merge them into one deal, or order them as "
                "intended")
    return notes


def warmup_only(sc: Scenario) -> list[str]:
    """Notes on events, incidents' hazards, export bans, export controls and security
    support that end by the start date, inside the warm-up (one ending before the warm-up
    is an error): results count from the start date, where stocks and prices are set
    again, so such a shock acts only through what the warm-up leaves on lanes, in queues
    and at mines, and a demand or price effect not at all (review 126: a comparison with
    such an event read "all equal" without a word why); what it leaves can still show as
    shortfalls and price rises after the start date, which the note says (review 159: a
    closure ending before the start date left 1,639 t of shortfall)."""
    items: list[tuple[str, Any, Any, Any]] = []
    items += [(f"shocks.events.{i}", ev.start, ev.end, ev.duration_days)
              for i, ev in sc.shocks.events.items()]
    items += [(f"shocks.incidents.{i}", inc.start, inc.end, None)
              for i, inc in sc.shocks.incidents.items()]
    pol = sc.policies
    items += [(f"policies.export_bans.{i}", ban.start, ban.end, ban.duration_days)
              for i, ban in pol.export_bans.items()]
    items += [(f"policies.export_controls.{i}", ctl.start, ctl.end, None)
              for i, ctl in pol.export_controls.items()]
    items += [(f"policies.security_support.{i}", sup.start, sup.end, None)
              for i, sup in pol.security_support.items()]
    notes = []
    for where, start, end, duration in items:
        if start is None:
            continue
        if end is not None:
            last = sc.day_of(end)
        else:
            longest = _longest(duration)
            if longest is None:
                continue  # no end, or one a distribution may draw past the start date
            last = sc.day_of(start) + longest
        if -float(sc.warmup_days) < last <= 0:
            ends = sc.start + dt.timedelta(days=math.floor(last))
            notes.append(
                f"{where} ends by {ends}, inside the warm-up, before the start date "
                f"{sc.start} from which results count: stocks and prices are set again "
                "then, so it acts only through what the warm-up leaves on lanes, in queues "
                "and at mines (a demand or price effect not at all), but that can still "
                "show: a pipeline it emptied reaches the markets late, with shortfalls and "
                "price rises after the start date; move it after the start date to "
                "measure it as a shock of the period")
    return notes


def _restrictions(sc: Scenario, commodity: str, country: str, channel: str
                  ) -> list[tuple[str, str, float, float, float | None]]:
    """The export bans and quotas on ``commodity`` from ``country`` that cover ``channel``:
    (kind, id, first day, end day exclusive, stock limit), in days after the start date,
    in force as the engine switches them (:meth:`sim.shocks.engine.ShockEngine._bans`,
    ``_quotas``): a ban from its start to its end (or start plus ``duration_days``, or
    for ever); a quota from its first period's start to its last period's end, or to
    ``carry_over_until`` if that is later and allowance carries over."""
    out: list[tuple[str, str, float, float, float | None]] = []
    pol = sc.policies
    for bid, ban in pol.export_bans.items():
        if ban.commodity != commodity or (ban.country or sc.exporting_country) != country \
                or (ban.channels is not None and channel not in ban.channels):
            continue
        first = sc.day_of(ban.start)
        end = (sc.day_of(ban.end) if ban.end is not None
               else first + ban.duration_days if ban.duration_days is not None
               else math.inf)
        out.append(("ban", bid, first, end, ban.stock_limit_days))
    for qid, q in pol.export_quotas.items():
        if q.commodity != commodity or (q.country or sc.exporting_country) != country \
                or (q.channels is not None and channel not in q.channels):
            continue
        first = sc.day_of(q.schedule[0].start)
        end = sc.day_of(q.schedule[-1].end) + 1.0
        if q.carry_over and q.carry_over_until is not None:
            end = max(end, sc.day_of(q.carry_over_until) + 1.0)
        out.append(("quota", qid, first, end, q.stock_limit_days))
    return out


BURST_DAYS = 1.0
"""A ban's release is noted at a shared capacity only where what it sends there is at
least this many days of that capacity: a shorter burst clears within days."""


def _route_capacities(sc: Scenario, plan: Plan, lane_ids: list[str]
                      ) -> list[tuple[str, str, float, float, bool]]:
    """The first-come-first-served capacities a route's lots queue for, in route order:
    (element, what, capacity a day, planned load a day, counted in trucks (else tonnes of
    product)): border posts' clearance, ports' handling (``throughput_t_per_day``), lanes'
    loading (``capacity_t_per_day`` or ``capacity_trucks_per_day``) and their ships
    (``sailing``, a vessel's tonnes per mean interval)."""
    out: list[tuple[str, str, float, float, bool]] = []
    for lid in lane_ids:
        lane = sc.lanes[lid]
        if lane.capacity_trucks_per_day is not None:
            out.append((lid, "loading", lane.capacity_trucks_per_day,
                        plan.lane_trucks.get(lid, 0.0) / DAYS_PER_YEAR, True))
        elif lane.capacity_t_per_day is not None:
            out.append((lid, "loading", lane.capacity_t_per_day,
                        plan.lane_product_t.get(lid, 0.0) / DAYS_PER_YEAR, False))
        if lane.sailing is not None:
            out.append((lid, "ships", lane.sailing.vessel_t / lane.sailing.interval_days.mean(),
                        plan.lane_product_t.get(lid, 0.0) / DAYS_PER_YEAR, False))
        site = sc.sites[lane.to]
        if site.kind == "border_post":
            out.append((lane.to, "clearance", site.clearance_trucks_per_day,
                        plan.site_trucks.get(lane.to, 0.0) / DAYS_PER_YEAR, True))
        elif site.kind == "port" and site.throughput_t_per_day is not None:
            out.append((lane.to, "handling", site.throughput_t_per_day,
                        plan.site_product_t.get(lane.to, 0.0) / DAYS_PER_YEAR, False))
    return out


def _others_through(sc: Scenario, plan: Plan, element: str, commodity: str) -> list[str]:
    """Commodities other than ``commodity`` with planned flow through ``element`` (a site,
    or a lane), in the scenario's order."""
    if element in sc.lanes:
        return [c for c in sc.commodities if c != commodity
                and plan.lane_metal.get((element, c), 0.0) > 0]
    return [c for c in sc.commodities if c != commodity
            and plan.site_metal.get((element, c), 0.0) > 0]


def _burst_queues(burst: Mapping[tuple[str, str], Sequence[float]],
                  met: Sequence[Sequence[tuple[str, str]]]
                  ) -> dict[tuple[str, str], tuple[tuple[str, str], float, float] | None]:
    """The capacities a release queues at, of ``burst`` (per capacity: the units released
    through it, its capacity and planned load a day) on the routes ``met`` (each route's
    capacities in order): the first each route's burst fills for :data:`BURST_DAYS` or
    more (None: released at once), and after it each that what the one before lets
    through still fills: the burst reaches it over ``T`` days, the units the capacity
    before releases over its spare capacity a day, and queues there to ``units - spare x
    T`` at its worst (review 220: a lane carrying cobalt alone ahead of a shared border
    post let 17 trucks a day through to a post with 5 to spare). Values: (the capacity
    before, ``T``, the worst queue) for those fed through another."""
    out: dict[tuple[str, str], tuple[tuple[str, str], float, float] | None] = {}
    for keys in met:
        before: tuple[str, str] | None = None
        for key in keys:
            units, cap, load = burst[key]
            if before is None:
                if units >= BURST_DAYS * cap:
                    out.setdefault(key, None)
                    before = key
                continue
            b_units, b_cap, b_load = burst[before]
            if b_cap - b_load <= 0:
                break  # the queue before does not clear: nothing more reaches this one
            days = b_units / (b_cap - b_load)
            worst = units - max(cap - load, 0.0) * days
            if worst >= BURST_DAYS * cap:
                out.setdefault(key, (before, days, worst))
                before = key
    return out


def ban_release_bursts(sc: Scenario, plan: Plan) -> list[str]:
    """Notes on export bans without ``stock_limit_days`` that end inside the measured
    period (after the start date, before the horizon's end) with no export ban or quota on
    the same commodity from the same country in force on their end day on a channel they
    cover (a quota starting that day takes over: it is switched on before the ban is
    switched off), where the mines' exports on that channel pass a first-come-first-served
    capacity (a border post, a port's handling, a lane's loading or its ships) that
    another commodity's planned flow uses too.

    The ban holds its whole stock at the mines, and on its end day each mine ships what it
    held on each such channel as one lot (:meth:`sim.world.mines.Mine.dispatch`): months
    of output reach the shared capacity at once and queue ahead of the other commodities'
    lots arriving after them, which wait until the queue clears (review 215: a four-month
    cobalt ban in the baseline sent about 7,600 trucks to Kasumbalesa on one day and cut
    copper exports by about 51,000 t, without a word). The stock is the planned exports on
    the channel (the plan's flows on its routes that leave the country, at full output)
    over the days it was held: since the ban's start, or the start of the unbroken run of
    bans without a limit before it on the channel, the warm-up's start at the earliest; a
    channel on which a ban or quota with a stock limit is in force during that run is left
    out (its limit bounds the stock), and where a quota held metal just before the run,
    the stock is at least that. The burst queues at the first capacity on each route that
    it fills for at least :data:`BURST_DAYS` (all the ban's routes through it counted),
    and at a later one that what the capacity before lets through still fills
    (:func:`_burst_queues`); the shared ones are named. The stock counts the mines at full
    output (a ramp-up holds less), so the tonnes are an upper bound there. The
    stock is spread over a channel's routes as planned, though each mine's lot takes the
    one route its router picks: where a channel's routes part before their first shared
    capacity, one of them gets more and the other less than named."""
    notes: list[tuple[str, str, float, set[str], str]] = []
    for bid, ban in sc.policies.export_bans.items():
        if ban.stock_limit_days is not None or ban.commodity not in sc.commodities:
            continue
        com = ban.commodity
        country = ban.country or sc.exporting_country
        start = sc.day_of(ban.start)
        end = (sc.day_of(ban.end) if ban.end is not None
               else start + ban.duration_days if ban.duration_days is not None else None)
        # one ending on the start date releases at the period's first moment (review 220)
        if end is None or not 0.0 <= end < sc.horizon or end <= start:
            continue
        held: dict[str, tuple[float, bool]] = {}  # channel -> (held from, at least)
        for cid in ban.channels if ban.channels is not None else list(sc.channels):
            if cid not in sc.channels:
                continue
            rules = _restrictions(sc, com, country, cid)
            if any(first <= end < until for _k, _i, first, until, _lim in rules):
                continue  # another ban, or a quota, takes over on the end day
            if next(i for kind, i, _f, until, lim in rules
                    if kind == "ban" and lim is None and until == end) != bid:
                continue  # an earlier ban ending that day notes the same stock
            since = start
            while True:  # back through the unbroken run of bans without a limit
                before = [first for kind, _i, first, until, lim in rules
                          if kind == "ban" and lim is None and first < since <= until]
                if not before:
                    break
                since = min(before)
            if any(lim is not None and first < end and until > since
                   for _k, _i, first, until, lim in rules):
                continue  # a stock limit bounds what is held
            more = any(first < since <= until for _k, _i, first, until, _lim in rules)
            held[cid] = (max(since, -float(sc.warmup_days)), more)
        if not held:
            continue
        tonnes = 0.0
        burst: dict[tuple[str, str], list[float]] = {}  # element, what -> [units, cap, load]
        trucks_of: dict[tuple[str, str], bool] = {}
        met: list[list[tuple[str, str]]] = []  # each route's capacities, in order
        flowing: dict[str, tuple[float, bool]] = {}  # the channels with exports held
        for (mid, c, cid, rid), flow in plan.route_flow.items():
            mine = sc.sites[mid]
            if c != com or cid not in held or flow <= 0 or sc.country_of(mid) != country \
                    or not isinstance(mine, Mine):
                continue
            lane_ids = route_lanes(sc, mid, sc.channels[cid].routes[rid].path)
            if not route_leaves(sc, mid, lane_ids):
                continue
            t = flow * (end - held[cid][0]) / DAYS_PER_YEAR
            tonnes += t
            flowing[cid] = held[cid]
            form = sc.commodities[com].forms[mine.output[com].form]
            met.append([])
            for element, what, cap, load, in_trucks in _route_capacities(sc, plan, lane_ids):
                units = t / form.grade / (form.payload_t_per_truck if in_trucks else 1.0)
                row = burst.setdefault((element, what), [0.0, cap, load])
                row[0] += units
                trucks_of[(element, what)] = in_trucks
                met[-1].append((element, what))
        if tonnes <= 0:
            continue
        queues = _burst_queues(burst, met)
        parts = []
        others: list[str] = []
        for (element, what), (units, cap, load) in burst.items():
            sharing = _others_through(sc, plan, element, com)
            if not sharing or (element, what) not in queues:
                continue
            others += [c for c in sharing if c not in others]
            unit = "trucks" if trucks_of[(element, what)] else "t of product"
            spare = cap - load
            clears = (f"its {spare:,.0f} {unit}/day of spare capacity over the planned load "
                      f"clear that in about {units / spare:,.0f} days" if spare > 0 else
                      "it has no spare capacity over its planned load, so that queue does "
                      "not clear while the planned flow goes on")
            fed = queues[(element, what)]
            arrives = ("" if fed is None else
                       f" arriving over about {fed[1]:,.0f} days as {fed[0][0]} lets it "
                       f"through, a queue of about {fed[2]:,.0f} at its worst")
            parts.append((units / spare if spare > 0 else math.inf,
                          f"{element} ({what}: about {units:,.0f} {unit}{arrives}, "
                          f"{units / cap:,.0f} days of its {cap:,.0f} {unit}/day; {clears})"))
        if not parts:
            continue
        parts.sort(key=lambda p: -p[0])
        days = sorted({end - since for since, _more in flowing.values()})
        at_least = any(more for _s, more in flowing.values())
        earliest = min(since for since, _more in flowing.values())
        since_text = ""
        if earliest < start - 1e-9:
            since_text = (f", held since {_fmt_when(sc.start + dt.timedelta(days=earliest))} "
                          "with the bans before it" if isinstance(ban.start, dt.date)
                          else f", held since day {earliest:g} with the bans before it")
        span = (f"{days[0]:,.0f}" if len(days) == 1
                else f"{days[0]:,.0f} to {days[-1]:,.0f}")
        channels = list(flowing)
        on = (f"channel {channels[0]}" if len(channels) == 1
              else f"channels {and_list(channels)}")
        ends = _fmt_when(ban.end if ban.end is not None
                         else sc.start + dt.timedelta(days=end)
                         if isinstance(ban.start, dt.date) else end)
        other = and_list(others)
        places = {element for (element, _what) in queues}
        notes.append((bid, com, end, places,
            f"export ban {bid!r} ({com}, {end - start:,.0f} days, no stock_limit_days) ends "
            f"on {ends} with no export ban or quota on {com} from {country} taking over on "
            f"{on}: the mines' whole stock held for export there, "
            f"{'at least ' if at_least else ''}about {span} days of their planned {com} "
            f"exports{since_text} (about {tonnes:,.0f} t as planned at full output), "
            f"leaves on that day as "
            "one lot per mine and channel and queues first come first served at "
            f"{and_list([p for _d, p in parts])}, ahead of the {other} "
            f"arriving after it, which can hold up {other} exports until the queue clears; "
            "to release the stock gradually, give the ban stock_limit_days (mines curtail "
            "beyond it, so less is held), or an export quota on "
            f"{com} for {'that channel' if len(channels) == 1 else 'those channels'} "
            f"starting on {ends} (with release: daily it leaves day by day)"))
    # bans of other commodities released the same day at the same places queue together,
    # not one ahead of the other's flow (review 220)
    out = []
    for bid, com, end, places, text in notes:
        with_it = [(b, c) for b, c, e, p, _t in notes
                   if b != bid and c != com and e == end and p & places]
        if with_it:
            text += ("; " + and_list([f"ban {b!r} releases {c}" for b, c in with_it])
                     + " on the same day at the same places, so the two queues add up")
        out.append(text)
    return out


def price_factor_bounds(sc: Scenario) -> list[str]:
    """Notes on shocks whose ``price_factor`` moves a commodity's price index past its
    ``price_cap_ratio`` or below its floor (one over the cap): the index is clipped there,
    so the factor acts only up to the bound (review 126: a factor of 0.05 was held at 0.1
    without a word, and the money KPIs fell with it)."""
    shocks = sc.shocks
    items = [(f"shocks.events.{i}", [ev.effects], ev.targets)
             for i, ev in shocks.events.items()]
    items += [(f"shocks.incidents.{i}", [inc.effects], inc.targets)
              for i, inc in shocks.incidents.items()]
    items += [(f"shocks.regimes.{i}.states.{name}", [st.effects], reg.targets)
              for i, reg in shocks.regimes.items() for name, st in reg.states.items()]
    notes = []
    for where, effects, targets in items:
        for e in effects:
            factor = e.price_factor
            if factor is None:
                continue
            named = targets.commodities or list(sc.commodities)
            for com in named:
                if com not in sc.commodities:
                    continue
                cap = float(sc.commodities[com].price_cap_ratio)
                if factor > cap:
                    bound = f"above {com}'s price_cap_ratio ({cap:g})"
                elif factor < 1.0 / cap:
                    bound = (f"below {com}'s price floor ({1.0 / cap:.3g}, one over its "
                             f"price_cap_ratio {cap:g})")
                else:
                    continue
                notes.append(
                    f"{where}: price_factor {factor:g} is {bound}: the price index is held "
                    "at that bound, so the factor acts only up to it (export values and "
                    f"royalties of {com} follow the bounded index); change price_cap_ratio "
                    "to widen the bounds")
    return notes


def idle_export_controls(sc: Scenario, plan: Plan | None = None) -> list[str]:
    """Notes on export controls that cannot change anything here, valid input though they
    are (a control kept for a variant of the network): one that no sale in the network
    crosses, and one whose ``cap_t_per_year`` is above the sales it limits as planned (the
    controlled refiners' planned refined output times their sales shares to its markets,
    in t/yr, from ``plan`` or :func:`~sim.scenario.plan.make_plan`)."""
    notes = []
    for pid, ctl in sc.policies.export_controls.items():
        refiners = controlled_refiners(sc, ctl)
        if not refiners:
            notes.append(f"export control {pid!r} changes nothing in this network: no "
                         f"refiner in {ctl.country} sells {ctl.commodity} to "
                         f"{', '.join(dict.fromkeys(ctl.markets))} (flows through third "
                         "countries are not modelled)")
            continue
        if ctl.cap_t_per_year <= 0:
            continue
        if plan is None:
            plan = make_plan(sc)
        markets = set(ctl.markets)
        planned = sum(plan.refined.get((rid, ctl.commodity), 0.0)
                      * sum(share for mkt, share in site.sales.get(ctl.commodity, {}).items()
                            if mkt in markets)
                      for rid, site in refiners.items())
        # review 192: a cap of 500,000 t/yr on 105,000 t/yr of sales was accepted without a
        # word, where a control no sale crosses is noted
        if ctl.cap_t_per_year > planned:
            notes.append(
                f"export control {pid!r} caps {ctl.country}'s {ctl.commodity} sales to "
                f"{', '.join(dict.fromkeys(ctl.markets))} at {ctl.cap_t_per_year:,.0f} t/yr, "
                f"above the {planned:,.0f} t/yr its refiners plan to sell there (planned "
                "refining times their sales shares): as planned it never binds, only where "
                "sales run above the plan (metal a ban held leaving at once, say); give "
                f"cap_t_per_year below {planned:,.0f} for a control that cuts sales")
    return notes


SLACK = 2.0
"""A throttle is noted as idle when it leaves every capacity it scales at least this many
times the planned load: below that, queues and the variation of flows may make it bind."""


def _capacities(sc: Scenario, plan: Plan, kind: str, item_id: str
                ) -> list[tuple[str, float, float, str]]:
    """What a capacity factor on a site or lane scales: (what, capacity, planned load, unit)
    per year, for capacities the plan can load (border clearance, refining, a port's
    handling and its ships, a lane's loading and ships). Mines are left out (a factor on a
    mine always cuts its output)."""
    out: list[tuple[str, float, float, str]] = []
    lanes = ([(item_id, sc.lanes[item_id])] if kind == "lane" else
             [(lid, lane) for lid, lane in sc.lanes.items() if lane.from_ == item_id])
    if kind == "site":
        site = sc.sites[item_id]
        if site.kind == "border_post":
            out.append(("clearance", site.clearance_trucks_per_day * DAYS_PER_YEAR,
                        plan.site_trucks.get(item_id, 0.0), "trucks"))
        elif site.kind == "refiner":
            out += [(f"{com} refining", cap, plan.refiner_feed.get((item_id, com), 0.0),
                     "t")
                    for com, cap in site.capacity_t_per_year.items()]
        elif site.kind == "port":
            if site.throughput_t_per_day is not None:
                out.append(("handling", site.throughput_t_per_day * DAYS_PER_YEAR,
                            plan.site_product_t.get(item_id, 0.0), "t of product"))
        else:
            return []
    for lid, lane in lanes:
        planned = plan.lane_product_t.get(lid, 0.0)
        if lane.sailing is not None:
            out.append((f"ships on {lid}", lane.sailing.vessel_t * DAYS_PER_YEAR
                        / lane.sailing.interval_days.mean(), planned, "t of product"))
        if kind == "lane" and lane.capacity_t_per_day is not None:
            out.append(("loading", lane.capacity_t_per_day * DAYS_PER_YEAR, planned,
                        "t of product"))
        if kind == "lane" and lane.capacity_trucks_per_day is not None:
            out.append(("loading", lane.capacity_trucks_per_day * DAYS_PER_YEAR,
                        plan.lane_trucks.get(lid, 0.0), "trucks"))
    return out


def _rebalanced(sc: Scenario, reach: set[str]) -> bool:
    """Whether a throttle on the sites and lanes ``reach`` moves lots between the routes of
    a channel with ``on_closure: rebalance`` (:func:`sim.scenario.plan.
    throttle_moves_lots`): then it acts whether the capacity binds or not (review 137:
    every site on such a route was left out, a port all routes pass and a destination too,
    which move nothing)."""
    return any(throttle_moves_lots(sc, cid, reach)
               for cid, channel in sc.channels.items() if channel.on_closure == "rebalance")


def slack_throttles(sc: Scenario, plan: Plan) -> list[str]:
    """Notes on capacity factors between 0 and 1 of events and incidents that leave every
    capacity of a named site or lane at least :data:`SLACK` times its planned load: valid
    (flows rerouted there by another shock may meet it), but as planned they change nothing
    while the timeline reports them. Regimes and regions are left out: their factors are a
    template over sites of every kind, meant for those where capacity binds; so are sites
    and lanes on a route of a channel with ``on_closure: rebalance``, which splits its lots
    by the factor whether the capacity binds or not."""
    notes = []
    for kind, items in (("event", sc.shocks.events), ("incident", sc.shocks.incidents)):
        for sid, shock in items.items():
            factor = shock.effects.capacity_factor
            if factor is None or not 0.0 < factor < 1.0:
                continue
            named = [("site", s) for s in shock.targets.sites if s in sc.sites]
            named += [("lane", ln) for ln in shock.targets.lanes if ln in sc.lanes]
            # a rebalancing channel moves lots for the shock as a whole (one factor on
            # every route of a mine moves none), off the elements it can move them off
            moves = _rebalanced(sc, {item_id for _kind, item_id in named})
            for kind_of, item_id in named:
                if moves and _rebalanced(sc, {item_id}):
                    # a channel that rebalances splits its lots by the factor whether the
                    # capacity binds or not: the throttle moves lots (review 136)
                    continue
                caps = _capacities(sc, plan, kind_of, item_id)
                what = (sc.sites[item_id].kind.replace("_", " ") if kind_of == "site"
                        else "lane")
                if not caps:
                    continue
                ratios = [(cap * factor / load if load > 0 else math.inf, name, cap, load,
                           unit) for name, cap, load, unit in caps]
                ratio, name, cap, load, unit = min(ratios, key=lambda r: r[0])
                if ratio < SLACK:
                    continue
                against = (f"{load:,.0f} {unit}/yr planned" if load > 0
                           else "no planned flow")
                times = "" if math.isinf(ratio) else f", {ratio:.1f} times the plan"
                notes.append(
                    f"{kind} {sid!r} sets capacity factor {factor:g} on {what} {item_id!r}, "
                    f"which leaves its {name} at {cap * factor:,.0f} {unit}/yr against "
                    f"{against}{times}: it changes nothing unless flows there rise that "
                    "far; to hold lots there use added_delay_days, or give a smaller factor")
    return notes
