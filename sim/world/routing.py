"""Routing: which of its channel's routes a new lot takes.

Each (mine, commodity, channel) has a :class:`Router` over the routes the mine can use.

* ``fixed_shares``: the route whose tonnage lags furthest behind its share goes next
  (smooth weighted round robin). This is deterministic and keeps every route within one
  lot of its share, without splitting lots or spending random numbers.
* ``cheapest`` / ``fastest``: the route with the lowest cost per tonne, or the shortest
  expected transit (with corridor upgrades' transit factors as they stand), among those
  that are open.

When a route is closed, ``on_closure: reroute`` leaves it out until it reopens;
``on_closure: wait`` keeps sending lots along it, to wait at the closure. Neither acts on a
route that is only throttled (capacity factor between 0 and 1).

``on_closure: rebalance`` moves lots in proportion to lost capacity. What counts is a
route's capacity relative to the lanes and transit sites every route of the router passes
(say one border post on all of them): moving lots between routes gains nothing there. A
route's factor is the smallest capacity factor of its other lanes and sites, divided by the
smallest of the shared ones, capped at 1 (a boost does not draw more than the route's
share). So a throttle on a shared element alone leaves the split as it is (its queue
grows), and a route's own lane at 0.3 behind a shared post at 0.5 counts as 0.6, the part
of what passes the post the lane can carry. If a shared element is closed, every route is
closed: lots wait, as below.

* Under ``fixed_shares`` each route with a share keeps its share times its factor (a route
  at 30% takes 30% of its share); the open share-0 backup routes take what the routes
  lose, each in proportion to its factor but at most the lost share times its factor (one
  backup at 10% takes a tenth of it; an unthrottled backup, or two at 50%, take it all).
  What the backups cannot take stays with the routes with a share, in proportion to what
  they keep, to wait in their queues; if they keep nothing (all closed), the open backups
  take every lot, as under ``reroute``. With every route closed lots wait on the routes
  with a share, as under ``reroute``.
* Under ``cheapest`` / ``fastest`` the best open route takes its factor's share of the lots,
  the next best that share of the rest, and so on (each route takes its factor's part of
  what reaches it); what the last leaves is spread over them in proportion. Unthrottled,
  that is the best open route alone, as under ``reroute``; with every route closed lots
  wait on the best route.

The split is worked out again only when some capacity changes (and, under ``fastest``, when
corridor upgrades reorder the routes); lots then go by the smooth round robin above.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sim.scenario.checks import region_reach, shock_effects

# pure functions of the scenario that only build the world or check it, moved to
# sim.scenario.plan (review 231); read from here too
from sim.scenario.plan import can_export as can_export
from sim.scenario.plan import export_share as export_share
from sim.scenario.plan import rebalanced_elements as rebalanced_elements
from sim.scenario.plan import route_leaves as route_leaves
from sim.scenario.plan import throttle_moves_lots as throttle_moves_lots
from sim.world.floatrows import zero_row

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario
    from sim.world.floatrows import FloatRow
    from sim.world.lanes import Lane

REBALANCE_HINT = ("on_closure: reroute acts on full closures only; `rebalance` moves traffic "
                  "in proportion to lost capacity")


class RouteOption:
    """One route as a mine sees it: the lanes from the mine to the destination."""

    __slots__ = ("cargo_class", "cost", "expected_days", "index", "leaves",
                 "leg_transit_days", "legs", "route_id", "sites", "weight")

    def __init__(self, index: int, route_id: str, legs: tuple[Lane, ...], sites: tuple[Any, ...],
                 weight: float, expected_days: float, cost: float,
                 leg_transit_days: tuple[float, ...] = (), leaves: bool = True) -> None:
        self.index = index
        """Index of the (channel, route) pair, for per-route statistics."""
        self.route_id = route_id
        self.legs = legs
        self.sites = sites
        """Transit sites passed (not the mine, not the destination)."""
        self.weight = weight
        self.expected_days = expected_days
        """Expected days as the scenario gives them (transit, the wait for a ship, dwell:
        :func:`sim.scenario.plan.expected_route_days`), before any corridor upgrade."""
        self.cost = cost
        """USD a tonne of product over the route's lanes (their ``cost_usd_per_t`` summed,
        0 for a lane without one), which the ``cheapest`` rule ranks by."""
        self.leg_transit_days = leg_transit_days
        """Mean transit days of each leg, which upgrades scale (``lane.transit_factor``)."""
        self.leaves = leaves
        """Whether the route leaves the mine's country (a transit site or the destination
        outside it): only such lots are exports that bans and quotas act on. Fixed when the
        world is built, so the check costs nothing per lot."""
        self.cargo_class = -1
        """The cargo class of the lots its mine sends on it (:attr:`Lot.cargo_class`), set
        at the first (a route option belongs to one mine's router for one commodity and
        channel, and the mine's form of the commodity is fixed)."""

    def days_now(self) -> float:
        """Expected days with each leg's transit scaled by its current transit factor."""
        days = self.expected_days
        for mean, lane in zip(self.leg_transit_days, self.legs, strict=False):
            days += mean * (lane.transit_factor - 1.0)
        return days

    def capacity_factor(self, leaving_out: frozenset[int] = frozenset()) -> float:
        """The smallest routing factor (:meth:`~sim.world.element.Element.routing_factor`)
        of the route's lanes and transit sites, capped at 1 (0 if any is closed), leaving
        out the elements whose ``id()`` is in *leaving_out*."""
        factor = 1.0
        legs = self.legs
        for lane in legs:
            own = lane.routing_factor()
            if own < factor and id(lane) not in leaving_out:
                factor = own
        for i, site in enumerate(self.sites):
            # the site i is left by the lane after it (a port's ships slow only lots
            # that sail)
            own = site.routing_factor(legs[i + 1] if i + 1 < len(legs) else None)
            if own < factor and id(site) not in leaving_out:
                factor = own
        return factor

    def element_factor(self, element: Any) -> float:
        """The routing factor of one of the route's lanes or transit sites, a site's with
        the lane the route leaves it by."""
        for i, site in enumerate(self.sites):
            if site is element:
                legs = self.legs
                return site.routing_factor(legs[i + 1] if i + 1 < len(legs) else None)
        return element.routing_factor()

    def is_open(self) -> bool:
        """True if no lane or site on the route is closed."""
        return all(lane.capacity_factor > 0.0 for lane in self.legs) and all(
            site.capacity_factor > 0.0 for site in self.sites)


class Router:
    """Chooses a route for each lot of one mine's commodity in one channel.

    *capacity_epoch* is a one-item list the world increments whenever any site or lane
    changes capacity; a rerouting or rebalancing router checks which routes are open (and
    how much capacity they have) only when it has moved, not for every lot.
    """

    __slots__ = ("_candidates", "_credit", "_days", "_epoch", "_owed", "_primary", "_shared",
                 "_shared_ids", "_shares", "_total_weight", "_weighted", "capacity_epoch",
                 "leaving", "options", "rebalance", "reroute", "rule", "staying")

    def __init__(self, rule: str, on_closure: str, options: list[RouteOption],
                 capacity_epoch: list[int] | None = None) -> None:
        if not options:
            raise ValueError("a router needs at least one route")
        self.rule = rule
        if on_closure not in ("wait", "reroute", "rebalance"):
            raise ValueError(f"unknown on_closure {on_closure!r}: wait, reroute or rebalance")
        self.reroute = on_closure == "reroute"
        self.rebalance = on_closure == "rebalance"
        self.options = options
        self.leaving = any(option.leaves for option in options)
        """Whether some route leaves the mine's country (lots on it are exports)."""
        self.staying = not all(option.leaves for option in options)
        """Whether some route stays inside the mine's country (lots on it are not exports)."""
        self.capacity_epoch = capacity_epoch if capacity_epoch is not None else [0]
        self._credit: FloatRow = zero_row(len(options))
        self._owed = [0.0] * len(options)
        """Tonnes held for export (see :meth:`hold`) each route was charged for in
        :meth:`choose` and has not carried yet."""
        self._epoch = self.capacity_epoch[0] if not (self.reroute or self.rebalance) else -1
        self._days: tuple[float, ...] = ()
        """Expected days of each route when a ``fastest`` rebalancing router last split."""
        everything = list(range(len(options)))
        self._primary = everything
        """The routes lots take while they are open: under fixed shares those with a share
        above 0; the others are backups, taken (evenly) only while every primary is closed."""
        if rule == "fixed_shares":
            self._primary = [i for i in everything if options[i].weight > 0] or everything
        self._set_candidates(self._primary)
        self._shares = list(self._weighted)
        """(index, weight) of each primary route with every route open."""
        common = {id(element) for element in (*options[0].legs, *options[0].sites)}
        for option in options[1:]:
            common &= {id(element) for element in (*option.legs, *option.sites)}
        self._shared_ids = frozenset(common)
        """``id()`` of the lanes and sites every route passes, which rebalancing leaves out
        of the routes' factors where they slow every route alike: moving lots between
        routes does not avoid them."""
        self._shared = tuple({id(element): element for element in (*options[0].legs,
                              *options[0].sites) if id(element) in common}.values())

    def _set_candidates(self, candidates: list[int]) -> None:
        self._candidates = candidates
        backups = not any(self.options[i].weight > 0 for i in candidates)
        self._weighted = [(i, 1.0 if backups else self.options[i].weight) for i in candidates]
        """(index, weight) of each candidate route, for the smooth round robin."""
        total = 0.0
        for _i, weight in self._weighted:
            total += weight
        self._total_weight = total

    def candidates(self) -> list[int]:
        """Indices of the routes a lot may take now: if the router reroutes, the open
        primary routes, else the open backups, else (all closed) the primary routes to wait
        on; without rerouting, the primary routes."""
        if self.reroute and self.capacity_epoch[0] != self._epoch:
            options = self.options
            is_open = [option.is_open() for option in options]
            primary = self._primary
            self._set_candidates([i for i in primary if is_open[i]]
                                 or [i for i in range(len(options))
                                     if is_open[i] and i not in primary]
                                 or list(primary))
            self._epoch = self.capacity_epoch[0]
        return self._candidates

    def _rebalanced(self) -> None:
        """Split the lots over the routes by the capacity they have now (see the module
        docstring), as the weights of the smooth round robin."""
        options = self.options
        shared = 1.0
        leaving_out = set()
        for element in self._shared:
            # shared only where it slows every route alike: a port every route passes
            # slows by its ships only the routes that sail from it (review 139), and a
            # port no route sails from not at all, whatever its other lanes
            own = {option.element_factor(element) for option in options}
            if len(own) == 1:
                shared = min(shared, own.pop())
                leaving_out.add(id(element))
        if shared > 0.0:
            kept_out = frozenset(leaving_out)
            factor = [min(1.0, option.capacity_factor(kept_out) / shared)
                      for option in options]
        else:  # every route passes a closed element: no route is open
            factor = [0.0] * len(options)
        weights: dict[int, float] = {}
        if self.rule == "fixed_shares":
            primary = self._primary
            lost = kept = 0.0
            for i, share in self._shares:
                weights[i] = share * factor[i]
                kept += weights[i]
                lost += share - weights[i]
            backups = [i for i in range(len(options)) if i not in primary and factor[i] > 0]
            room = sum(factor[i] for i in backups)
            if backups and lost > 0:
                # each backup takes at most lost x its factor, so one at 10% cannot draw
                # the whole lost share
                taken = lost * min(1.0, room)
                for i in backups:
                    weights[i] = taken * factor[i] / room
                left = lost - taken
                if left > 0 and kept > 0:
                    # what the backups cannot take waits on the share routes, in proportion
                    # to what they keep (with nothing kept, the weights leave it all to
                    # the backups, as reroute would)
                    for i, _share in self._shares:
                        weights[i] += left * weights[i] / kept
            fallback = self._shares
        else:
            days = self._days = tuple(option.days_now() for option in options) \
                if self.rule == "fastest" else ()
            key = (lambda i: options[i].cost) if self.rule == "cheapest" else days.__getitem__
            rest = 1.0
            for i in sorted((i for i in range(len(options)) if factor[i] > 0), key=key):
                weights[i] = rest * factor[i]
                rest -= weights[i]
            fallback = [(min(range(len(options)), key=key), 1.0)]
        weighted = [(i, w) for i, w in weights.items() if w > 0] or fallback
        self._weighted = weighted
        self._candidates = [i for i, _w in weighted]
        self._total_weight = sum(w for _i, w in weighted)
        self._epoch = self.capacity_epoch[0]

    def choose(self, tonnes: float) -> RouteOption:
        """The route for a lot of ``tonnes``."""
        options = self.options
        if len(options) == 1:
            return options[0]
        if self.reroute:
            candidates = self.candidates()
        elif self.rebalance:
            if self.capacity_epoch[0] != self._epoch or (
                    self.rule == "fastest"
                    and self._days != tuple(option.days_now() for option in options)):
                self._rebalanced()
            candidates = self._candidates
        else:
            candidates = self._candidates
        if self.rule == "fixed_shares" or self.rebalance:
            # Every candidate earns its weight x tonnes; the one with most credit goes (the
            # first of equals) and pays for the whole lot. (As _take_turn does, written out
            # here: this runs once per lot, the hot path.)
            credit = self._credit
            best = -1
            top = -math.inf
            for i, weight in self._weighted:
                value = credit[i] + weight * tonnes
                credit[i] = value
                if value > top:
                    best, top = i, value
            credit[best] = credit[best] - self._total_weight * tonnes
            return options[best]
        key = (lambda i: options[i].cost) if self.rule == "cheapest" else (
            lambda i: options[i].days_now())
        return options[min(candidates, key=key)]

    def _refresh(self) -> None:
        """Bring the split (``_weighted``) up to date with the routes open now, spending no
        credit. :meth:`choose` does it for each new lot; the other ways in (held metal
        released, curtailed lots counted) may come on a day with no new lot."""
        if self.reroute:
            self.candidates()
        elif self.rebalance:
            self.choose(0.0)

    def export_fraction(self) -> float:
        """Share of new lots the router sends on routes that leave the country now: under
        ``fixed_shares`` (or ``rebalance``) the leaving routes' weights in the current
        split, under ``cheapest`` / ``fastest`` 1 if the best candidate leaves, else 0."""
        if not self.staying:
            return 1.0
        if not self.leaving:
            return 0.0
        options = self.options
        if self.rule == "fixed_shares" or self.rebalance:
            self._refresh()
            total = self._total_weight
            if total <= 0.0:
                return 0.0
            return sum(w for i, w in self._weighted if options[i].leaves) / total
        candidates = self.candidates() if self.reroute else self._candidates
        key = (lambda i: options[i].cost) if self.rule == "cheapest" else (
            lambda i: options[i].days_now())
        return 1.0 if options[min(candidates, key=key)].leaves else 0.0

    def skip_leaving(self, tonnes: float) -> None:
        """Count ``tonnes`` as a lot sent on a route that leaves, without sending it (new
        metal for export a stock limit curtailed): under ``fixed_shares`` (or
        ``rebalance``) every route in the split earns its weight and the leaving route with
        most credit pays for the lot, so the routes that stay get their turns as if it had
        gone. Nothing to do under ``cheapest`` / ``fastest``."""
        if not (self.rule == "fixed_shares" or self.rebalance) or tonnes <= 0.0:
            return
        self._refresh()
        options = self.options
        if not any(options[i].leaves and w > 0 for i, w in self._weighted):
            return
        _take_turn(self._credit, self._weighted, self._total_weight, tonnes,
                   lambda i, w: options[i].leaves and w > 0)

    def hold(self, option: RouteOption, tonnes: float) -> None:
        """Note that ``tonnes`` of a lot :meth:`choose` sent on ``option`` (a route that
        leaves) did not leave: a ban or quota held them for export. The route paid its
        turn for them, so they wait for it (:meth:`release`). Nothing to note under
        ``cheapest`` / ``fastest``, where the best route when they go takes them."""
        if tonnes > 0.0 and (self.rule == "fixed_shares" or self.rebalance):
            self._owed[self.options.index(option)] += tonnes

    def release(self, tonnes: float) -> list[tuple[RouteOption, float]]:
        """The lots (route, tonnes) that carry ``tonnes`` of metal held for export when
        the gate lets it go. Under ``fixed_shares`` (or ``rebalance``) each leaving route
        gets the part of ``tonnes`` in proportion to what it is owed (:meth:`hold`): it
        paid its turn when the metal was held, so a backlog released at once keeps to the
        routes' shares and no route is charged twice. A part owed to a route the split
        gives no weight now (closed), or metal no route is owed, goes by
        :meth:`choose_leaving`; so does all of it under ``cheapest`` / ``fastest``."""
        if self.leaving and not self.staying:
            return [(self.choose(tonnes), tonnes)]
        owed = self._owed
        total = sum(owed)
        if total <= 0.0 or not (self.rule == "fixed_shares" or self.rebalance):
            return [(self.choose_leaving(tonnes), tonnes)]
        self._refresh()
        options = self.options
        live = {i for i, w in self._weighted if options[i].leaves and w > 0}
        ratio = min(tonnes / total, 1.0)
        lots: list[tuple[RouteOption, float]] = []
        rest = tonnes
        for i, t in enumerate(owed):
            if t <= 0.0:
                continue
            part = t * ratio
            owed[i] = t - part
            if i in live:
                lots.append((options[i], part))
                rest -= part
        if rest > 1e-9:
            lots.append((self.choose_leaving(rest), rest))
        return lots

    def choose_leaving(self, tonnes: float) -> RouteOption:
        """The route for a lot of ``tonnes`` held for export (see
        :meth:`sim.world.mines.Mine._dispatch_restricted`): :meth:`choose` among the routes
        that leave the country only. Under ``fixed_shares`` (or ``rebalance``) the leaving
        routes the split gives weight take turns by their weights, in the same round robin
        (they earn and pay credit only among themselves, so the other routes' turns are
        untouched); under ``cheapest`` / ``fastest`` the best leaving candidate goes. If
        the split gives no leaving route weight now (all closed), the leaving route with
        the largest share (the first of equals, or the best) waits for it."""
        options = self.options
        if self.leaving and not self.staying:
            return self.choose(tonnes)
        self._refresh()
        candidates = self._candidates
        key = (lambda i: options[i].cost) if self.rule == "cheapest" else (
            lambda i: options[i].days_now())
        if self.rule == "fixed_shares" or self.rebalance:
            weighted = [(i, w) for i, w in self._weighted if options[i].leaves and w > 0]
            if not weighted:
                out = [i for i in range(len(options)) if options[i].leaves]
                if self.rule == "fixed_shares":
                    return options[max(out, key=lambda i: options[i].weight)]
                return options[min(out, key=key)]
            return options[_take_turn(self._credit, weighted, sum(w for _i, w in weighted),
                                      tonnes, lambda _i, _w: True)]
        out = [i for i in candidates if options[i].leaves] or [
            i for i in range(len(options)) if options[i].leaves]
        return options[min(out, key=key)]


def _take_turn(credit: FloatRow, weighted: list[tuple[int, float]], total: float,
               tonnes: float, may_pay: Any) -> int:
    """One turn of the weighted round robin: every route in ``weighted`` (index, weight)
    earns weight x ``tonnes`` of ``credit``; of those ``may_pay(index, weight)`` allows,
    the one with most credit (the first of equals) pays ``total`` x ``tonnes``. Returns its
    index."""
    best = -1
    top = -math.inf
    for i, weight in weighted:
        value = credit[i] + weight * tonnes
        credit[i] = value
        if value > top and may_pay(i, weight):
            best, top = i, value
    credit[best] = credit[best] - total * tonnes
    return best


def throttled_reroute_notes(sc: Scenario) -> list[str]:
    """Notes on channels with ``on_closure: reroute`` whose routes some shock only throttles
    (a ``capacity_factor`` strictly between 0 and 1 on a lane or transit site that some but
    not all of a mine's routes in the channel pass, where ``rebalance`` would move lots):
    rerouting ignores the throttle, so the route keeps its whole share and
    its queue grows. Valid input (waiting out a slowdown may be what was meant), so notes,
    not errors; one per channel, naming the shocks."""
    throttles = [(where, eff.capacity_factor, targets)
                 for where, eff, targets in shock_effects(sc)
                 if eff.capacity_factor is not None and 0.0 < eff.capacity_factor < 1.0]
    if not throttles:
        return []
    reach = []
    for where, factor, targets in throttles:
        in_sites, in_lanes = region_reach(sc, targets.regions)
        reach.append((where, factor, {*targets.sites, *in_sites}, {*targets.lanes, *in_lanes}))
    notes = []
    for cid, channel in sc.channels.items():
        if channel.on_closure != "reroute":
            continue
        # only what rebalance would act on (review 137: a junction's throttle drew the
        # advice, which rebalance then ignored)
        hits = [f"shocks.{where} to {factor:g}" for where, factor, sites, lanes in reach
                if throttle_moves_lots(sc, cid, sites | lanes)]
        if hits:
            named = ", ".join(hits[:3]) + (f" and {len(hits) - 3} more" if len(hits) > 3 else "")
            notes.append(f"channel {cid!r} has on_closure: reroute, but {len(hits)} "
                         f"shock{'s' if len(hits) > 1 else ''} only throttle"
                         f"{'' if len(hits) > 1 else 's'} its routes ({named}), which keep "
                         f"their whole share meanwhile: {REBALANCE_HINT}")
    return notes
