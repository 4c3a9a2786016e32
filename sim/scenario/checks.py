"""Cross-checks of a validated scenario: references, shares, connectivity, units.

Field-level validation happens in :mod:`sim.scenario.schema`. The checks here relate
fields to each other, and each problem is reported at the path of the field to fix, with a
did-you-mean for misspelt ids.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from sim.scenario.errors import Issue, PathT, did_you_mean
from sim.scenario.schema import DESTINATION_KINDS, TRANSIT_KINDS, Mine, Scenario

if TYPE_CHECKING:
    from sim.scenario.shock_schema import Effects, Targets

SHARE_TOLERANCE = 1e-6
SHIP_MODES = ("sea", "lake", "river")
"""Lane modes whose traffic goes by ship, and may have a ``sailing``."""
MAX_HORIZON_DAYS = 1e6
"""Longest run, whether given as ``horizon_days`` or as ``end`` (the bound of
:data:`~sim.scenario.types.PositiveDays`)."""
MAX_MINE_LOTS = 10_000_000
"""Most mine lots one replication may dispatch (all mines, warm-up included): about 200
times the baseline's 10 years, a few minutes per replication. More means a lot period or
interval given in the wrong unit (``1e-6`` days), and a run that would not finish."""


def _plural(noun: str) -> str:
    """``commodity`` -> ``commodities``, ``site`` -> ``sites``, ``output of this mine`` ->
    ``outputs of this mine`` (the words used here)."""
    head, of, rest = noun.partition(" of ")
    if of:
        return _plural(head) + of + rest
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


class IssueCollector:
    """The issues found by the cross-checks, in the order found (:attr:`issues`); its
    methods add one at a field path."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, path: PathT, message: str, hint: str | None = None) -> bool:
        """Record an issue at field ``path`` (file and line are found later), unless the
        same message is already recorded there (a route's check runs once per mine using
        it, review 145); whether it was recorded."""
        if any(i.path == path and i.message == message for i in self.issues):
            return False
        self.issues.append(Issue(message, path=path, hint=hint))
        return True

    def ref(self, path: PathT, value: str, options: Iterable[str], what: str) -> bool:
        """Whether id ``value`` is one of ``options``; if not, record ``unknown <what>``
        at ``path`` with a did-you-mean (or the known ids) and return False."""
        options = list(options)
        if value in options:
            return True
        guess = did_you_mean(value, options)
        hint = f"did you mean {guess!r}?" if guess else (
            f"known {_plural(what)}: {', '.join(options[:12])}"
            f"{' ...' if len(options) > 12 else ''}"
            if options else f"no {_plural(what)} are defined")
        if self.add(path, f"unknown {what} {value!r}", hint):
            self.issues[-1].unknown = (what, value)
        return False


def _check_shares(c: IssueCollector, path: PathT, shares: dict[str, float], what: str) -> None:
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        parts = ", ".join(f"{k}={v:g}" for k, v in shares.items())
        c.add(path, f"{what} shares sum to {total:.6g}, not 1 ({parts})",
              "adjust the shares so they add up to exactly 1")


_HELD_LANE_INDEX: ContextVar[tuple[Scenario, dict[tuple[str, str], str]] | None] = \
    ContextVar("held_lane_index", default=None)
"""The scenario whose :func:`lane_index` :func:`lane_index_held` holds, with that index."""


def lane_index(sc: Scenario) -> dict[tuple[str, str], str]:
    """Lane id by (from, to); the first lane wins if a pair is repeated (reported). Read
    it, do not change it: within :func:`lane_index_held` every call gets the same dict."""
    held = _HELD_LANE_INDEX.get()
    if held is not None and held[0] is sc:
        return held[1]
    out: dict[tuple[str, str], str] = {}
    for lane_id, lane in sc.lanes.items():
        out.setdefault((lane.from_, lane.to), lane_id)
    return out


@contextmanager
def lane_index_held(sc: Scenario) -> Iterator[None]:
    """Within the block, :func:`lane_index` of ``sc`` is computed once. Building a world
    asks for it hundreds of times (for every mine, commodity, channel and route), which
    was a tenth of a one-year replication; ``sc`` must not change within the block (a
    scenario is not changed in place, but its dicts could be)."""
    token = _HELD_LANE_INDEX.set((sc, lane_index(sc)))
    try:
        yield
    finally:
        _HELD_LANE_INDEX.reset(token)


def mine_routes(sc: Scenario, mine_id: str, commodity: str, channel_id: str) -> list[str]:
    """Ids of the channel's routes that carry ``commodity`` in the form the mine ships it
    in, and that the mine can reach."""
    lanes = lane_index(sc)
    mine = sc.sites[mine_id]
    form = mine.output[commodity].form if commodity in getattr(mine, "output", {}) else None
    out = []
    for route_id, route in sc.channels[channel_id].routes.items():
        if route.commodities is not None and commodity not in route.commodities:
            continue
        if route.forms is not None and form not in route.forms:
            continue
        first = route.path[0]
        if first == mine_id or (mine_id, first) in lanes:
            out.append(route_id)
    return out


def route_sites(mine_id: str, path: list[str]) -> list[str]:
    """The full chain of sites a lot from ``mine_id`` visits on a route."""
    return list(path) if path[0] == mine_id else [mine_id, *path]


BOTH_HORIZONS_HINT = "remove one of them, or set it to null where it is inherited"

RESERVED_IDS = {
    "commodities": {"all": "results use it for totals over commodities"},
    "sites": {"all": "results use it for totals over sites"},
    "channels": {"all": "results use it for totals over channels",
                 "refined": "results use it for refined metal, which no channel carries"},
    "lanes": {"all": "results name lanes where they name sites, and use it for totals"},
}
"""Ids the results tables give a meaning of their own, by section of the scenario."""


def _ports(sc: Scenario) -> str:
    """The scenario's ports, for a hint (or how to add one)."""
    ids = [sid for sid, site in sc.sites.items() if site.kind == "port"]
    if not ids:
        return "the scenario has none; add a site of kind: port"
    return ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")


def _destinations(sc: Scenario) -> str:
    """The scenario's refiners, markets and stockpiles, for a hint."""
    ids = [sid for sid, site in sc.sites.items() if site.kind in DESTINATION_KINDS]
    if not ids:
        return "the scenario has none; add a site of kind: market"
    return ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")


def kind_hint(sc: Scenario, kind: str) -> str:
    """Hint for a site of the wrong kind: the sites of the kind wanted, or how to add one."""
    ids = [sid for sid, site in sc.sites.items() if site.kind == kind]
    if not ids:
        return f"the scenario has no {kind.replace('_', ' ')}; add a site of kind: {kind}"
    shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
    return f"name a {kind.replace('_', ' ')}: {shown}"


EARLIEST_DAY = dt.date(2, 1, 1)
LATEST_DAY = dt.date(9998, 12, 31)
"""The run, warm-up included, must fall within these days: the calendar's own limits (years
1 to 9999) less a year, for the periods of the series and quotas that reach past the run's
ends. A date beyond them is a slip of the year, and printing it failed with an internal
error."""


def one_year_hint(start: dt.date) -> str:
    """How to measure one calendar year from ``start``: its days and last day. "365 (or 366
    in a leap year)" read 366 for a start of 2024-03-01, whose year to 2025-02-28 has 365
    (review 249)."""
    if start.year >= dt.MAXYEAR:  # refused on its own (_check_calendar_range)
        return "for one year from start, horizon_days: 365 or 366, or an end date"
    try:
        following = start.replace(year=start.year + 1)
    except ValueError:  # 29 February: the year runs to 28 February
        following = dt.date(start.year + 1, 3, 1)
    last = following - dt.timedelta(days=1)
    return (f"for one year from {start}, horizon_days: {(following - start).days} (to "
            f"{last} inclusive), or end: {last}")


def _check_calendar_range(c: IssueCollector, sc: Scenario) -> None:
    """Refuse a run whose first day (the warm-up's) or last day falls outside
    :data:`EARLIEST_DAY` to :data:`LATEST_DAY`."""
    first = sc.start.toordinal() - math.ceil(sc.warmup_days)
    # the run's last day, inclusive, as an ordinal: Scenario.last_date would overflow
    # past 9999-12-31, which is what this check refuses
    last = sc.start.toordinal() + math.ceil(sc.horizon) - 1
    years = f"years {EARLIEST_DAY.year} to {LATEST_DAY.year}"
    if last > LATEST_DAY.toordinal():
        c.add(("end",) if sc.end is not None else ("start",),
              f"the run ends beyond {LATEST_DAY}, the last day the simulator's calendar "
              f"covers ({years})", "check the year of start (and end)")
    elif first < EARLIEST_DAY.toordinal():
        field = "start" if sc.start < EARLIEST_DAY else "warmup_days"
        c.add((field,), f"the run, warm-up included, begins before {EARLIEST_DAY}, the first "
              f"day the simulator's calendar covers ({years})",
              "check the year of start" + (", or shorten warmup_days"
                                             if field == "warmup_days" else ""))


def foreign_mines(sc: Scenario) -> list[str]:
    """Notes on mines outside ``exporting_country``: valid (a neighbour's tin, say), but
    the export KPIs are the exporting country's, so such a mine's exports, and what a ban
    or quota on its country holds back, have no KPI of their own."""
    out = []
    for mid, site in sc.sites.items():
        if not isinstance(site, Mine) or site.region not in sc.regions:
            continue
        country = sc.country_of(mid)
        if country != sc.exporting_country:
            out.append(
                f"mine {mid!r} is in {country}, not the exporting country "
                f"{sc.exporting_country}: its output counts in mined_t, but exported_t, "
                f"export_value_usd, royalty_usd and stranded_end_t are "
                f"{sc.exporting_country}'s, so its exports (and what a ban or quota on "
                f"{country} holds back) have no KPI; read delivered_t by route")
    return out


def lane_queues_of_series_sites(sc: Scenario) -> list[str]:
    """Notes on sites of ``series_sites`` that lanes with a loading capacity leave, where
    those lanes are not in ``series_lanes``: lots waiting to load are the lane's, not the
    site's (review 157: 82,000 t waited to load at Kolwezi's rail terminal while its
    held_t, peak_held_t and queue panel read nothing held there)."""
    out = []
    for sid in sc.series_sites:
        loaded = [lid for lid, lane in sc.lanes.items()
                  if lane.from_ == sid and lid not in sc.series_lanes
                  and (lane.capacity_t_per_day is not None
                       or lane.capacity_trucks_per_day is not None)]
        if loaded:
            names = ", ".join(loaded)
            out.append(f"series_sites: lots waiting to load at {sid!r} onto {names} are "
                       f"the lane{'s' if len(loaded) > 1 else ''}'s, not the site's (its "
                       f"held_t leaves them out): name {'them' if len(loaded) > 1 else 'it'} "
                       f"in series_lanes for their waiting_t, e.g. series_lanes: [{names}]")
    return out


def unloaded_series_lanes(sc: Scenario) -> list[str]:
    """Notes on lanes of ``series_lanes`` without a loading capacity: their ``waiting_t``
    holds only lots a closure keeps at the entrance, 0 otherwise; and a sea lane's lots
    waiting for a ship are at its port (review 147: a sea lane's series read 0 beside a
    port holding 400 t for the ship)."""
    out = []
    for lid in sc.series_lanes:
        lane = sc.lanes.get(lid)
        if lane is None or lane.capacity_t_per_day is not None \
                or lane.capacity_trucks_per_day is not None:
            continue
        ship = (f"; lots waiting for a ship are held at its port: name {lane.from_!r} in "
                "series_sites for them (held_t)" if lane.sailing is not None else "")
        out.append(f"series_lanes: lane {lid!r} has no loading capacity, so its waiting_t "
                   f"holds only lots a closure keeps at its entrance (0 while it is open)"
                   f"{ship}")
    return out


def check_scenario(sc: Scenario) -> list[Issue]:
    """Every cross-field problem in ``sc`` (an empty list if there is none)."""
    c = IssueCollector()
    commodities = list(sc.commodities)
    sites = list(sc.sites)

    lanes = lane_index(sc)

    if sc.horizon_days is None and sc.end is None:
        c.add(("horizon_days",), "give exactly one of horizon_days or end",
              one_year_hint(sc.start))
    elif sc.horizon_days is not None and sc.end is not None:
        c.add(("horizon_days",), f"gives both horizon_days ({sc.horizon_days:g}) and end "
              f"({sc.end}); give exactly one", BOTH_HORIZONS_HINT)
    elif sc.end is not None and sc.end < sc.start:
        c.add(("end",), f"end {sc.end} is before start {sc.start}",
              "end is the last day of the run: give a date on or after start (check its "
              "year), or give horizon_days instead")
    elif sc.end is not None and sc.horizon >= MAX_HORIZON_DAYS:
        # the bound horizon_days has (types.PositiveDays), so that end: cannot bypass it
        c.add(("end",), f"end {sc.end} is {sc.horizon:,.0f} days from start {sc.start}; the "
              f"run must be shorter than {MAX_HORIZON_DAYS:,.0f} days",
              "this date is implausibly far; check its year")

    if sc.horizon_days is not None or (sc.end is not None and sc.end >= sc.start):
        _check_lot_count(c, sc)
        if sc.horizon < MAX_HORIZON_DAYS:  # else refused above, with its own reason
            _check_calendar_range(c, sc)

    seen_series: set[str] = set()
    for i, sid in enumerate(sc.series_sites):
        if sid in seen_series:
            c.add(("series_sites", i), f"site {sid!r} is named twice",
                  "name each site once")
        seen_series.add(sid)
        if sid in sc.lanes and sid not in sites:
            # review 142: the did-you-mean led to the junction the lane leaves, which
            # never holds its queue
            c.add(("series_sites", i), f"{sid!r} is a lane, not a site",
                  f"name it in series_lanes: [{sid}] for its lots waiting to set off "
                  "(waiting_t)")
            continue
        c.ref(("series_sites", i), sid, sites, "site")
    seen_lanes: set[str] = set()
    for i, lid in enumerate(sc.series_lanes):
        if lid in seen_lanes:
            c.add(("series_lanes", i), f"lane {lid!r} is named twice", "name each lane once")
        seen_lanes.add(lid)
        if lid in sites and lid not in sc.lanes:
            c.add(("series_lanes", i), f"{lid!r} is a site, not a lane",
                  f"name it in series_sites: [{lid}] for what it holds (held_t)")
            continue
        c.ref(("series_lanes", i), lid, sc.lanes, "lane")

    for section, reserved in RESERVED_IDS.items():
        for rid, why in reserved.items():
            if rid in getattr(sc, section):
                one = {"commodities": "commodity"}.get(section, section[:-1])
                c.add((section, rid), f"{rid!r} cannot name a {one}: {why}",
                      f"rename it, e.g. {rid}_{one}s, here and where it is referred to")

    # Sites
    for sid, site in sc.sites.items():
        base: PathT = ("sites", sid)
        c.ref((*base, "region"), site.region, sc.regions, "region")
        if isinstance(site, Mine):
            _check_mine(c, sc, sid, site)
        elif site.kind == "refiner":
            for com in site.capacity_t_per_year:
                c.ref((*base, "capacity_t_per_year", com), com, commodities, "commodity")
            for field in ("recovery", "initial_feed_t", "initial_output_t", "sales"):
                for com in getattr(site, field):
                    if c.ref((*base, field, com), com, commodities, "commodity") and \
                            com not in site.capacity_t_per_year:
                        c.add((*base, field, com),
                              f"refiner has no capacity_t_per_year for {com!r}",
                              f"give it capacity_t_per_year: {{{com}: <tonnes of metal a "
                              f"year>}}, or remove {com} from {field}")
            for com in site.capacity_t_per_year:
                if com not in site.sales:
                    c.add((*base, "sales"), f"no sales shares for {com!r}",
                          "say which markets buy the refined metal, e.g. "
                          f"sales: {{{com}: {{market_id: 1.0}}}}")
            for com, shares in site.sales.items():
                _check_shares(c, (*base, "sales", com), shares, "sales")
                for mid in shares:
                    if c.ref((*base, "sales", com, mid), mid, sites, "site"):
                        if sc.sites[mid].kind != "market":
                            c.add((*base, "sales", com, mid),
                                  f"{mid!r} is a {sc.sites[mid].kind}, not a market",
                                  kind_hint(sc, "market"))
                        elif (sid, mid) not in lanes:
                            c.add((*base, "sales", com, mid),
                                  f"no lane from {sid!r} to market {mid!r}",
                                  f"add a lane with from: {sid} and to: {mid}")
                        elif com not in sc.sites[mid].demand_t_per_year:
                            c.add((*base, "sales", com, mid),
                                  f"market {mid!r} has no demand for {com!r}",
                                  f"give sites.{mid}.demand_t_per_year a {com} entry, or "
                                  f"sell {com} to a market that demands it")
        elif site.kind == "market":
            for field in ("demand_t_per_year", "other_supply_t_per_year", "initial_stock_t"):
                for com in getattr(site, field):
                    c.ref((*base, field, com), com, commodities, "commodity")
        elif site.kind == "stockpile":
            for com in site.initial_stock_t:
                c.ref((*base, "initial_stock_t", com), com, commodities, "commodity")

    # Lanes
    seen_pairs: dict[tuple[str, str], str] = {}
    for lid, lane in sc.lanes.items():
        base = ("lanes", lid)
        if lid in sc.sites:
            c.add(base, f"lane {lid!r} has the id of a site: results name sites and lanes by "
                  "id (e.g. days closed), so the two would be mixed up",
                  f"rename the lane, e.g. {lane.from_}_{lane.to} (and where routes or shocks "
                  "name it)")
        ok_from = c.ref((*base, "from"), lane.from_, sites, "site")
        ok_to = c.ref((*base, "to"), lane.to, sites, "site")
        if ok_from and ok_to and lane.from_ == lane.to:
            c.add(base, f"lane goes from {lane.from_!r} to itself",
                  "a lane joins two different sites: correct its from or to")
        pair = (lane.from_, lane.to)
        if pair in seen_pairs:
            c.add(base, f"lanes {seen_pairs[pair]!r} and {lid!r} both join {pair[0]!r} to "
                  f"{pair[1]!r}", "routes name sites, so each pair of sites may have one lane; "
                  "add an intermediate site (e.g. a rail terminal) to tell them apart")
        seen_pairs.setdefault(pair, lid)
        for i, reg in enumerate(lane.regions):
            c.ref((*base, "regions", i), reg, sc.regions, "region")
        if lane.sailing is not None and ok_from and sc.sites[lane.from_].kind != "port":
            c.add((*base, "sailing"), f"sailings leave from ports, but {lane.from_!r} is a "
                  f"{sc.sites[lane.from_].kind}",
                  "remove sailing: from this lane (transit_days alone times it), or start "
                  f"it at a port: {_ports(sc)}")
        elif lane.sailing is not None and lane.mode not in SHIP_MODES:
            # a timetable of ships on a road or rail line is a slip of the mode or of the
            # lane: lots would wait for "ships" the lane's mode says it does not have
            c.add((*base, "sailing"), f"sailings are ships, but lane {lid!r} is mode: "
                  f"{lane.mode}",
                  "give the lane mode: sea (or lake or river), or remove sailing: from it "
                  "(capacity_t_per_day gives a road or rail line a loading limit)")
        if lane.capacity_trucks_per_day is not None and lane.mode != "road":
            # the limit counts trucks by the product form's truck payload: a ship, train or
            # plane carries another load, so the limit would mean something else
            c.add((*base, "capacity_trucks_per_day"), f"a limit in trucks is for road lanes, "
                  f"but lane {lid!r} is mode: {lane.mode}",
                  "give it capacity_t_per_day (tonnes of product a day) instead"
                  + (", or a sailing for scheduled ships" if lane.mode in SHIP_MODES else ""))
        elif lane.capacity_trucks_per_day is not None and ok_from and \
                sc.sites[lane.from_].kind == "refiner":
            # refined lots carry no truck payload: a truck limit would not hold them back
            c.add((*base, "capacity_trucks_per_day"), "refined metal leaving refiner "
                  f"{lane.from_!r} has no truck payload in the model, so a limit in trucks "
                  "would not hold it back",
                  "give the lane capacity_t_per_day (tonnes of refined metal a day) instead")
        if ok_to and sc.sites[lane.to].kind == "mine":
            c.add((*base, "to"), f"lanes cannot lead into mine {lane.to!r}",
                  "mines only send; if this lane carries the mine's output, swap from and to")

    # Channels and routes
    for cid, channel in sc.channels.items():
        for rid, route in channel.routes.items():
            _check_route(c, sc, cid, rid, lanes)
        if channel.routing == "fixed_shares" and len(channel.routes) > 1:
            missing = [rid for rid, r in channel.routes.items() if r.share is None]
            if missing:
                c.add(("channels", cid, "routes", missing[0], "share"),
                      "routing is fixed_shares but this route has no share",
                      "give every route of the channel a share, or use routing: fastest")
        if channel.routing == "cheapest":
            _check_route_costs(c, sc, cid, lanes)

    # Every mine flow needs a route; every destination commodity needs a sink.
    for sid, site in sc.sites.items():
        if not isinstance(site, Mine):
            continue
        for com, shares in site.offtake.items():
            if com not in sc.commodities or com not in site.output:
                continue
            for cid, share in shares.items():
                if share <= 0 or cid not in sc.channels:
                    continue
                usable = mine_routes(sc, sid, com, cid)
                if not usable:
                    form = site.output[com].form
                    if c.add(("sites", sid, "offtake", com, cid),
                             f"channel {cid!r} has no route for {com!r} ({form}) that mine "
                             f"{sid!r} can reach", _no_route_hint(sc, sid, com, form, cid)):
                        c.issues[-1].missing_lanes = [
                            (sid, r.path[0]) for r in sc.channels[cid].routes.values()
                            if (r.commodities is None or com in r.commodities)
                            and (r.forms is None or form in r.forms)]
                else:
                    for rid in usable:
                        route = sc.channels[cid].routes[rid]
                        _check_destination(c, sc, com, route.path[-1],
                                           ("channels", cid, "routes", rid, "path"))
                    channel = sc.channels[cid]
                    if channel.routing == "fixed_shares" and all(
                            channel.routes[rid].share == 0 for rid in usable):
                        # the flow would be split equally, whatever the zeros meant
                        c.add(("channels", cid, "routes", usable[0], "share"),
                              f"every route mine {sid!r} can use for {com!r} in channel "
                              f"{cid!r} has share 0 ({', '.join(usable)})",
                              "give at least one of them a share above 0, or move the "
                              "mine's offtake off this channel")

    countries = sorted({r.country for r in sc.regions.values()})
    if "exporting_country" not in sc.model_fields_set and sc.exporting_country not in countries:
        # review 145: a network elsewhere, without the field, was told "unknown country
        # 'COD'" at no line, a country it never wrote
        # a mine in an unknown region is its own issue (review 147: a KeyError here)
        mines = Counter(sc.regions[site.region].country for site in sc.sites.values()
                        if site.kind == "mine" and site.region in sc.regions)
        guess = mines.most_common(1)[0][0] if mines else countries[0] if countries else "ZMB"
        c.add(("exporting_country",),
              f"not given, so {sc.exporting_country} by default, and no region is in "
              f"{sc.exporting_country}",
              f"add exporting_country: {guess} at the top level (the country whose exports "
              f"count; the regions' countries: {', '.join(countries)})")
    else:
        c.ref(("exporting_country",), sc.exporting_country, countries, "country")
    return c.issues


def _no_route_hint(sc: Scenario, mine_id: str, com: str, form: str, cid: str) -> str:
    """How a mine gets a route of a channel that has none it can reach: a lane to the
    first site of one that carries its output. Lanes cannot lead into a mine, so a route
    whose path starts at another mine, usable by that mine alone, is pointed to the site
    after it: started there, it serves both mines, each by its own lane."""
    routes = {rid: r for rid, r in sc.channels[cid].routes.items()
              if (r.commodities is None or com in r.commodities)
              and (r.forms is None or form in r.forms)}
    firsts = sorted({r.path[0] for r in routes.values() if r.path[0] in sc.sites
                     and sc.sites[r.path[0]].kind != "mine"})
    from_mine = [(rid, r.path) for rid, r in routes.items() if len(r.path) > 1
                 and r.path[0] in sc.sites and sc.sites[r.path[0]].kind == "mine"]
    hints = [f"add a lane from {mine_id!r} to one of {firsts}"] if firsts else []
    if from_mine:
        rid, path = from_mine[0]
        hints.append(f"route {rid!r} starts at mine {path[0]!r}, so only that mine can use "
                     f"it: start its path at {path[1]!r} (a mine reaches a route's first "
                     f"site by a lane of its own) and add a lane from {mine_id!r} to "
                     f"{path[1]!r}")
    return "; or ".join(hints) or f"add a route for {com!r} to channel {cid!r}"


def _check_route_costs(c: IssueCollector, sc: Scenario, cid: str,
                       lanes: dict[tuple[str, str], str]) -> None:
    """Every lane a lot of a cost-routed channel can travel must have a cost: the router
    would count a missing one as 0, and a route through it would win for free. That
    includes each mine's own lane onto a route (mine to the route's first site), for every
    mine whose output the route can carry, as the world builds a router for every such
    mine (a diversion or deal may send it there later). Each lane is reported once per
    channel, however many routes share it."""
    reported: set[str] = set()
    channel = sc.channels[cid]

    def need(lid: str | None, why: str) -> None:
        if lid is not None and lid not in reported and sc.lanes[lid].cost_usd_per_t is None:
            reported.add(lid)
            c.add(("lanes", lid, "cost_usd_per_t"),
                  f"channel {cid!r} routes by cost but lane {lid!r}{why} has no cost",
                  "give cost_usd_per_t on every lane of its routes, the lanes from mines to "
                  "their first sites included (a missing cost would count as 0)")

    for route in channel.routes.values():
        for a, b in zip(route.path, route.path[1:], strict=False):
            need(lanes.get((a, b)), "")
    for mid, site in sc.sites.items():
        if not isinstance(site, Mine):
            continue
        for com in site.output:
            for rid in mine_routes(sc, mid, com, cid):
                first = channel.routes[rid].path[0]
                if first != mid:
                    need(lanes.get((mid, first)), f" (mine {mid!r} to {first!r}, the first "
                         f"site of route {rid!r})")


def _check_lot_count(c: IssueCollector, sc: Scenario) -> None:
    """Refuse lot periods so short that a replication would dispatch more than
    :data:`MAX_MINE_LOTS` lots: it would run for hours without a word."""
    days = sc.horizon + sc.warmup_days
    lots = 0.0
    worst: tuple[float, PathT, float] | None = None
    for sid, site in sc.sites.items():
        if not isinstance(site, Mine):
            continue
        if site.lot_interval_days is not None:
            period, path = site.lot_interval_days.mean(), ("sites", sid, "lot_interval_days")
        else:
            period, path = sc.lot_period_days, ("lot_period_days",)
        n = days / period
        lots += n
        if worst is None or n > worst[0]:
            worst = (n, path, period)
    if worst is not None and lots > MAX_MINE_LOTS:
        _n, path, period = worst
        c.add(path, f"a lot every {period:g} days makes {lots:,.0f} mine lots in a "
              f"replication of {days:,.0f} days (warm-up included), more than the "
              f"{MAX_MINE_LOTS:,} a run can dispatch in reasonable time",
              "lot periods are in days: a day (1) or a week (7) is usual; check the unit "
              "(e.g. 1 h is 0.0417 days)")


def _check_mine(c: IssueCollector, sc: Scenario, sid: str, mine: Mine) -> None:
    base: PathT = ("sites", sid)
    for com, out in mine.output.items():
        if not c.ref((*base, "output", com), com, sc.commodities, "commodity"):
            continue
        c.ref((*base, "output", com, "form"), out.form, sc.commodities[com].forms,
              f"{com} form")
        if out.ratio_to is not None:
            if out.ratio_to == com:
                mains = [m for m, o in mine.output.items() if m != com and o.ratio_to is None]
                c.add((*base, "output", com, "ratio_to"), "a commodity cannot be a by-product "
                      "of itself",
                      "give ratio_to the mine's main product"
                      + (f" ({', '.join(mains)})" if mains else "")
                      + f", or give {com} t_per_year instead of ratio_to")
            elif out.ratio_to not in mine.output:
                # its other outputs: a by-product of itself is refused above
                others = [m for m in mine.output if m != com]
                if others:
                    c.ref((*base, "output", com, "ratio_to"), out.ratio_to, others,
                          "output of this mine")
                else:  # review 147: "no outputs of this mine are defined" beside its own
                    c.add((*base, "output", com, "ratio_to"),
                          f"the mine has no output {out.ratio_to!r} for {com} to be a "
                          "by-product of (it produces only " + com + ")",
                          f"give the mine an output of {out.ratio_to} with t_per_year, or "
                          f"give {com} t_per_year instead of ratio_to")
            elif mine.output[out.ratio_to].t_per_year is None:
                mains = [m for m, o in mine.output.items() if o.t_per_year is not None]
                c.add((*base, "output", com, "ratio_to"),
                      f"{out.ratio_to!r} is itself a by-product (it has no t_per_year)",
                      "couple it to a main product, one with t_per_year"
                      + (f": ratio_to: {mains[0]}" if mains else
                         f", or give {out.ratio_to} t_per_year"))
    for com in mine.initial_stock_t:
        c.ref((*base, "initial_stock_t", com), com, sc.commodities, "commodity")
    for com in mine.output:
        if com in sc.commodities and com not in mine.offtake:
            c.add((*base, "offtake"), f"no offtake shares for {com!r}",
                  f"say which channels take it, e.g. offtake: {{{com}: {{channel_id: 1.0}}}}")
    for com, shares in mine.offtake.items():
        if not c.ref((*base, "offtake", com), com, mine.output, "output of this mine"):
            continue
        _check_shares(c, (*base, "offtake", com), shares, "offtake")
        for cid in shares:
            c.ref((*base, "offtake", com, cid), cid, sc.channels, "channel")


def _check_route(c: IssueCollector, sc: Scenario, cid: str, rid: str,
                 lanes: dict[tuple[str, str], str]) -> None:
    route = sc.channels[cid].routes[rid]
    base: PathT = ("channels", cid, "routes", rid)
    for com_i, com in enumerate(route.commodities or []):
        c.ref((*base, "commodities", com_i), com, sc.commodities, "commodity")
    all_forms = {f for com in sc.commodities.values() for f in com.forms}
    for f_i, form in enumerate(route.forms or []):
        c.ref((*base, "forms", f_i), form, sorted(all_forms), "product form")
    ok = True
    for i, sid in enumerate(route.path):
        ok &= c.ref((*base, "path", i), sid, sc.sites, "site")
    if not ok:
        return
    if len(set(route.path)) != len(route.path):
        dup = next(s for s in route.path if route.path.count(s) > 1)
        c.add((*base, "path"), f"route visits {dup!r} twice (a routing cycle)",
              "a route must not pass the same site twice")
        return
    for i, sid in enumerate(route.path):
        kind = sc.sites[sid].kind
        last = i == len(route.path) - 1
        if i == 0 and kind == "mine":
            if len(route.path) == 1:
                c.add((*base, "path"), "a route cannot end at a mine",
                      "list the sites after the mine, ending at a refiner, market or "
                      f"stockpile ({_destinations(sc)}); a mine reaches a route by a lane to "
                      "its first site, so the mine may be left out")
            continue
        if last and kind not in DESTINATION_KINDS:
            c.add((*base, "path", i), f"a route must end at a refiner, market or stockpile; "
                  f"{sid!r} is a {kind}",
                  f"continue the path from {sid} to where the metal is sold, refined or "
                  f"stored ({_destinations(sc)}), with a lane for each step")
        elif not last and kind not in TRANSIT_KINDS:
            c.add((*base, "path", i), f"{sid!r} is a {kind}; only border posts, ports, "
                  "trading hubs and junctions can be passed through",
                  f"a {kind} ends a route: end the path at {sid}"
                  + (" (a refiner sends its refined metal on to the markets of its sales:, "
                     "by lane)" if kind == "refiner" else "")
                  if kind in DESTINATION_KINDS else
                  "a mine can only start a path (a mine also reaches a route by a lane to "
                  "its first site): remove it, or start the path with it")
    for i, (a, b) in enumerate(zip(route.path, route.path[1:], strict=False)):
        if (a, b) not in lanes and c.add((*base, "path", i + 1),
                                         f"route is broken: no lane from {a!r} to {b!r}",
                                         _broken_step_hint(sc, lanes, a, b)):
            c.issues[-1].missing_lanes = [(a, b)]


def _broken_step_hint(sc: Scenario, lanes: dict[tuple[str, str], str], a: str, b: str) -> str:
    """How to mend a route's step from site ``a`` to site ``b`` that no lane joins. A lane
    from ``a`` to an unknown id like ``b`` (or to ``b`` from one like ``a``) is reported at
    the lane, and is named here as the one likely meant: a did-you-mean to its unknown id
    would send the user to change a correct path to a site that does not exist (review
    199). Otherwise the sites lanes from ``a`` lead to, with a did-you-mean among them."""
    for (f, t), lid in lanes.items():
        if f == a and t not in sc.sites and did_you_mean(t, [b]):
            return (f"lane {lid!r} from {a!r} leads to {t!r}, which is no site: if it is "
                    f"the lane meant, correct its to: to {b}, and this path is right")
        if t == b and f not in sc.sites and did_you_mean(f, [a]):
            return (f"lane {lid!r} to {b!r} leads from {f!r}, which is no site: if it is "
                    f"the lane meant, correct its from: to {a}, and this path is right")
    known = [t for (f, t) in lanes if f == a and t in sc.sites]
    add = f"add a lane with from: {a} and to: {b}, or correct the path"
    if not known:
        return f"there is no lane from {a!r}: {add}"
    guess = did_you_mean(b, known)
    return f"lanes from {a!r} go to {', '.join(known)}: " + (
        f"did you mean {guess!r}?" if guess else add)


def _check_destination(c: IssueCollector, sc: Scenario, com: str, dest: str, path: PathT) -> None:
    site = sc.sites.get(dest)
    if site is None:
        return
    if site.kind == "refiner" and com not in site.capacity_t_per_year:
        c.add(path, f"route takes {com!r} to refiner {dest!r}, which has no capacity for it",
              f"give sites.{dest}.capacity_t_per_year a {com} entry, or keep {com} off this "
              "route with commodities: (the ones the refiner takes)")
    elif site.kind == "market" and com not in site.demand_t_per_year:
        c.add(path, f"route takes {com!r} to market {dest!r}, which has no demand for it",
              f"give sites.{dest}.demand_t_per_year a {com} entry, or keep {com} off this "
              "route with commodities: (the ones the market demands)")


def region_reach(sc: Scenario, regions: Iterable[str]) -> tuple[list[str], list[str]]:
    """Ids of the sites lying in ``regions`` and of the lanes that start, end or pass
    (``regions:`` of the lane) in one of them, in file order. A lane that only starts or
    ends in a region is covered whole, its foreign stretch included."""
    regions = set(regions)
    if not regions:
        return [], []
    site_ids = [sid for sid, spec in sc.sites.items() if spec.region in regions]
    lane_ids = [lid for lid, spec in sc.lanes.items()
                if (spec.from_ in sc.sites and sc.sites[spec.from_].region in regions)
                or (spec.to in sc.sites and sc.sites[spec.to].region in regions)
                or regions.intersection(spec.regions)]
    return site_ids, lane_ids


def shock_effects(sc: Scenario) -> list[tuple[str, Effects, Targets]]:
    """Every effect a shock can have, with where it is given (``events.<id>``,
    ``incidents.<id>``, ``regimes.<id>.states.<state>``) and the targets it acts on."""
    shocks = sc.shocks
    out = [(f"events.{sid}", ev.effects, ev.targets) for sid, ev in shocks.events.items()]
    out += [(f"incidents.{sid}", inc.effects, inc.targets)
            for sid, inc in shocks.incidents.items()]
    out += [(f"regimes.{sid}.states.{state}", st.effects, reg.targets)
            for sid, reg in shocks.regimes.items() for state, st in reg.states.items()]
    return out


def unpriced_money(sc: Scenario) -> list[str]:
    """Notes on commodities without ``reference_price_usd_per_t`` that a royalty
    (``royalty_rate`` above 0) or an armed-group tax (a shock's ``tax_rate`` above 0 whose
    targets reach the commodity) applies to: money KPIs value tonnes at the reference
    price, so their export_value_usd, royalty_usd and armed_group_rent_usd would be 0, which
    reads as "no royalty, no rent" rather than "not valued". Valid input (tonnes are
    modelled all the same), so notes, not errors."""
    taxes = [(where, eff, tg) for where, eff, tg in shock_effects(sc) if eff.tax_rate]
    notes = []
    for cid, com in sc.commodities.items():
        if com.reference_price_usd_per_t is not None:
            continue
        why = [f"royalty_rate {com.royalty_rate:g}"] if com.royalty_rate else []
        if taxes:
            carried = _carriers(sc, cid)
            why += [f"the tax_rate of shocks.{where}" for where, eff, tg in taxes
                    if (tg.commodities is None or cid in tg.commodities)
                    and _reaches(sc, tg, carried)]
        if why:
            notes.append(
                f"commodity {cid!r} has no reference_price_usd_per_t: its export_value_usd, "
                f"royalty_usd and armed_group_rent_usd will be 0 despite {' and '.join(why)}; "
                f"give commodities.{cid}.reference_price_usd_per_t (US dollars per tonne of "
                "metal) to value them")
    return notes


def _carriers(sc: Scenario, commodity: str) -> set[str]:
    """Ids of the mines that produce ``commodity`` and of the lanes and transit sites its
    routes from them pass (where a shock's tax on what passes can meet it)."""
    from sim.scenario.plan import route_lanes

    out: set[str] = set()
    for mid, site in sc.sites.items():
        if site.kind != "mine" or commodity not in site.output:
            continue
        out.add(mid)
        for chid, channel in sc.channels.items():
            for rid in mine_routes(sc, mid, commodity, chid):
                lanes = route_lanes(sc, mid, channel.routes[rid].path)
                out.update(lanes)
                out.update(sc.lanes[lid].to for lid in lanes[:-1])
    return out


def _reaches(sc: Scenario, targets: Targets, carried: set[str]) -> bool:
    """Whether a shock's ``targets`` (sites, lanes, regions) meet any of ``carried``."""
    sites, lanes = region_reach(sc, targets.regions)
    return bool({*targets.sites, *targets.lanes, *sites, *lanes} & carried)
