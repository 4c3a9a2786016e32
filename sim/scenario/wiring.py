"""Notes on lanes and sites that no flow of a scenario can use.

The world sends a lot over a lane in two ways only: a mine's lot on a route of a channel,
the mine's own lane to the route's first site included; and a refiner's refined metal on
the lane to a market of its sales. Stockpile rules move metal without lanes. So a lane is
used if it is on a route some mine's router can send a lot on, in any channel (a
diversion or an offtake deal, in the scenario or a variant of it, may put a mine on a
channel it does not sell on now: the Lobito line of the baseline, which a deal opens),
backups taken on rerouting or rebalancing included; or if it carries a refiner's sales of
a commodity such a route brings the refiner, or that the refiner holds on the start date.
What carries nothing in the status quo but may in a run is used; a lane or site nothing
can ever use is valid input, but usually a route's path or an id that was meant to name it
and does not, so it is noted.
"""

from __future__ import annotations

from collections import defaultdict

from sim.scenario.plan import route_lanes, sendable_routes
from sim.scenario.schema import TRANSIT_KINDS, Mine, Scenario

_FIX_PATH = "or check the lanes' from and to, and the routes' paths, for a misspelt id"


def _route_use(sc: Scenario) -> tuple[set[str], set[tuple[str, str]]]:
    """The lanes a mine's lot can travel, and the (refiner, commodity) pairs such lots can
    bring a refiner."""
    used: set[str] = set()
    fed: set[tuple[str, str]] = set()
    for mid, mine in sc.sites.items():
        if not isinstance(mine, Mine):
            continue
        for com in mine.output:
            for cid, channel in sc.channels.items():
                for rid in sendable_routes(sc, mid, com, cid):
                    path = channel.routes[rid].path
                    used.update(route_lanes(sc, mid, path))
                    if sc.sites[path[-1]].kind == "refiner":
                        fed.add((path[-1], com))
    return used, fed


def _sales_use(sc: Scenario, fed: set[tuple[str, str]]) -> tuple[set[str], dict[str, list[str]]]:
    """The refiners' sales lanes that can carry refined metal (the refiner is fed that
    commodity, or holds some on the start date), and for every other sales lane the
    commodities sold on it."""
    used: set[str] = set()
    idle: dict[str, list[str]] = defaultdict(list)
    lanes = {(lane.from_, lane.to): lid for lid, lane in sc.lanes.items()}
    for rid, ref in sc.sites.items():
        if ref.kind != "refiner":
            continue
        for com, shares in ref.sales.items():
            has = ((rid, com) in fed or ref.initial_feed_t.get(com, 0.0) > 0
                   or ref.initial_output_t.get(com, 0.0) > 0)
            for mkt, share in shares.items():
                lid = lanes.get((rid, mkt))
                if lid is None or share <= 0:
                    continue
                if has:
                    used.add(lid)
                else:
                    idle[lid].append(com)
    return used, idle


def _routes_on(sc: Scenario, lid: str) -> list[str]:
    """``channel/route`` of each route whose path steps along lane ``lid``, or, for a
    lane from a mine, that starts where the lane leads."""
    lane = sc.lanes[lid]
    from_mine = isinstance(sc.sites.get(lane.from_), Mine)
    out = []
    for cid, channel in sc.channels.items():
        for rid, route in channel.routes.items():
            pairs = set(zip(route.path, route.path[1:], strict=False))
            if (lane.from_, lane.to) in pairs or (from_mine and route.path[0] == lane.to):
                out.append(f"{cid}/{rid}")
    return out


def usable_lanes(sc: Scenario) -> set[str]:
    """The lanes of ``sc`` some run can send a lot over (see the module docstring); the
    others carry nothing in any replication, whatever the shocks."""
    used, fed = _route_use(sc)
    return used | _sales_use(sc, fed)[0]


def idle_places(sc: Scenario) -> set[str]:
    """The lanes of ``sc`` nothing can travel (:func:`usable_lanes`) and its transit sites
    (border posts, ports, trading hubs, junctions) no usable lane reaches or leaves: no lot
    passes them in any replication."""
    used = usable_lanes(sc)
    touched = {end for lid in used for end in (sc.lanes[lid].from_, sc.lanes[lid].to)}
    return ({lid for lid in sc.lanes if lid not in used}
            | {sid for sid, site in sc.sites.items()
               if site.kind in TRANSIT_KINDS and sid not in touched})


def _waiting_backup(sc: Scenario, route: str) -> bool:
    """Whether ``channel/route`` has share 0 in a ``fixed_shares`` channel that waits out
    closures, where it never takes a lot."""
    cid, rid = route.split("/", 1)
    channel = sc.channels[cid]
    return (channel.routing == "fixed_shares" and channel.on_closure == "wait"
            and channel.routes[rid].share == 0)


def _listed(ids: list[str], most: int = 4) -> str:
    shown = ids[:most] + ([f"{len(ids) - most} more"] if len(ids) > most else [])
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" and {shown[-1]}"


def _lanes_word(ids: list[str]) -> str:
    return f"lane{'s' if len(ids) > 1 else ''} {_listed(ids)}"


def _carry(ids: list[str]) -> str:
    return f"{_lanes_word(ids)} {'carry' if len(ids) > 1 else 'carries'} nothing"


def unused_wiring(sc: Scenario) -> list[str]:
    """Notes on the sites and lanes of ``sc`` (which must have passed the cross-checks)
    that nothing in a run can use (see the module docstring): each transit site (border
    post, port, trading hub, junction) no used lane reaches or leaves, and each refiner
    that nothing can feed, naming their lanes; then the other lanes nothing can travel,
    one note for those no route's path steps along and one for each other reason, with
    what to check. Mines, markets and stockpiles get no note of their own: a mine's output
    no route takes and a market's demand nothing meets are errors, and a market or
    stockpile may serve stockpile rules alone."""
    used, fed = _route_use(sc)
    sold, idle_sales = _sales_use(sc, fed)
    used |= sold
    into: dict[str, list[str]] = defaultdict(list)
    out_of: dict[str, list[str]] = defaultdict(list)
    for lid, lane in sc.lanes.items():
        out_of[lane.from_].append(lid)
        into[lane.to].append(lid)
    notes: list[str] = []
    said: set[str] = set()
    for sid, site in sc.sites.items():
        ins, outs = into[sid], out_of[sid]
        if any(lid in used for lid in (*ins, *outs)):
            continue
        what = f"{site.kind.replace('_', ' ')} {sid!r}"
        if site.kind in TRANSIT_KINDS:
            notes.append(_transit_note(sc, what, sid, ins, outs))
        elif site.kind == "refiner":
            lanes = [*ins, *outs]
            carry = f", and its {_carry(lanes)}" if lanes else ""
            notes.append(
                f"{what}: no route a mine can use ends at it and it holds no initial_feed_t "
                f"or initial_output_t, so it refines nothing{carry}: end the path of the "
                f"route meant to feed it at {sid} (with a lane into it), {_FIX_PATH}")
        else:
            continue
        said.update(ins)
        said.update(outs)
    notes += _lane_notes(sc, [lid for lid in sc.lanes if lid not in used and lid not in said],
                         idle_sales)
    return notes


def _lane_notes(sc: Scenario, unused: list[str], idle_sales: dict[str, list[str]]) -> list[str]:
    """The notes on lanes ``unused`` that no site's note names."""
    notes = []
    astray: list[str] = []  # on no route at all: one note for them all
    for lid in unused:
        lane = sc.lanes[lid]
        head = f"lane {lid!r} (from {lane.from_} to {lane.to}) carries nothing: "
        source = sc.sites[lane.from_]
        routes = _routes_on(sc, lid)
        if lid in idle_sales:
            coms = ", ".join(idle_sales[lid])
            notes.append(
                head + f"it takes refiner {lane.from_!r}'s sales of {coms}, but no route a "
                f"mine can use brings the refiner {coms}, and it holds none on the start "
                f"date: check the routes meant to feed it")
        elif source.kind == "refiner":
            notes.append(
                head + f"a lane from a refiner carries only its sales, and {lane.from_!r} "
                f"sells nothing to {lane.to!r}: add {lane.to} to its sales, or check the "
                "lane's to for a misspelt id")
        elif routes and all(_waiting_backup(sc, r) for r in routes):
            notes.append(
                head + f"it is only on {_routes_word(routes)} of share 0 in a fixed_shares "
                "channel with on_closure: wait, which never sends a lot on a backup: give "
                "the route a share, or its channel on_closure: reroute (or rebalance) to "
                "keep it as a backup")
        elif routes and isinstance(source, Mine):
            notes.append(
                head + f"mine {lane.from_!r} can send nothing on {_routes_word(routes)}, "
                f"starting at {lane.to!r}: they carry other commodities or forms than "
                "it ships (commodities:, forms:), or need a lane it lacks: check them, or "
                "the lane's to for a misspelt id")
        elif routes:
            notes.append(
                head + f"no mine can send a lot on {_routes_word(routes)}, passing it (a "
                "mine ships on a route with a lane to its first site, of output the route "
                "carries, commodities: and forms:): check those routes, or the lanes to "
                "their first sites")
        elif isinstance(source, Mine):
            notes.append(
                head + f"no route starts at {lane.to!r}, and a lane from a mine leads to a "
                f"route's first site: start the path of the route meant for "
                f"{lane.from_}'s output at {lane.to}, {_FIX_PATH}")
        else:
            astray.append(lid)
    if astray:
        pairs = [f"{lid} ({sc.lanes[lid].from_} to {sc.lanes[lid].to})" for lid in astray]
        many = len(astray) > 1
        notes.append(
            f"lane{'s' if many else ''} {_listed(pairs, 6)} carr{'y' if many else 'ies'} "
            f"nothing: no route's path steps from {'their' if many else 'its'} first site "
            "to the second: name both in a row in the path of the route meant to pass "
            f"{'them' if many else 'it'}, {_FIX_PATH} (a lane kept for a variant's routes "
            "is fine as it is)")
    return notes


def _routes_word(routes: list[str]) -> str:
    return f"route{'s' if len(routes) > 1 else ''} {_listed(routes)}"


def _transit_note(sc: Scenario, what: str, sid: str, ins: list[str], outs: list[str]) -> str:
    """The note on a transit site that no used lane reaches or leaves, by what lanes it
    has."""
    fix = f"name {sid} in the path of the route meant to pass it, {_FIX_PATH}"
    if not ins and not outs:
        return (f"{what} has no lanes, so nothing reaches or leaves it: add a lane into it "
                f"and one out of it and {fix}")
    if not outs:
        return (f"{what}: no lane leaves it, so nothing passes it and its {_carry(ins)}: "
                f"add a lane out of it and {fix}")
    if not ins:
        return (f"{what}: no lane leads into it, so nothing passes it and its "
                f"{_carry(outs)}: add a lane into it and {fix}")
    routes = [f"{cid}/{rid}" for cid, ch in sc.channels.items()
              for rid, route in ch.routes.items() if sid in route.path]
    if routes and all(_waiting_backup(sc, r) for r in routes):
        # it is on its routes' paths: the advice to name it there misled (review 205)
        return (f"{what} is only on {_routes_word(routes)} of share 0 in a fixed_shares "
                "channel with on_closure: wait, which never sends a lot on a backup, so "
                f"nothing passes it and its {_carry([*ins, *outs])}: give the route a share, "
                "or its channel on_closure: reroute (or rebalance) to keep it as a backup")
    on = f" (no mine can send a lot on {_routes_word(routes)}, passing it)" if routes else ""
    return (f"{what} is on no route a mine can use{on}, so nothing passes it and its "
            f"{_carry([*ins, *outs])}: {fix}")
