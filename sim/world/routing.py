"""Routing: which of its channel's routes a new lot takes.

Each (mine, commodity, channel) has a :class:`Router` over the routes the mine can use.

* ``fixed_shares``: the route whose tonnage lags furthest behind its share goes next
  (smooth weighted round robin). This is deterministic and keeps every route within one
  lot of its share, without splitting lots or spending random numbers.
* ``cheapest`` / ``fastest``: the route with the lowest cost per tonne, or the shortest
  expected transit (with corridor upgrades' transit factors as they stand), among those
  that are open.

When a route is closed, ``on_closure: reroute`` leaves it out until it reopens;
``on_closure: wait`` keeps sending lots along it, to wait at the closure.
"""

from __future__ import annotations

import math
from typing import Any


class RouteOption:
    """One route as a mine sees it: the lanes from the mine to the destination."""

    __slots__ = ("cost", "expected_days", "index", "leg_transit_days", "legs", "route_id",
                 "sites", "weight")

    def __init__(self, index: int, route_id: str, legs: tuple[Any, ...], sites: tuple[Any, ...],
                 weight: float, expected_days: float, cost: float,
                 leg_transit_days: tuple[float, ...] = ()) -> None:
        self.index = index
        """Index of the (channel, route) pair, for per-route statistics."""
        self.route_id = route_id
        self.legs = legs
        self.sites = sites
        """Transit sites passed (not the mine, not the destination)."""
        self.weight = weight
        self.expected_days = expected_days
        """Expected days as the scenario gives them (transit, half a sailing interval,
        dwell), before any corridor upgrade."""
        self.cost = cost
        self.leg_transit_days = leg_transit_days
        """Mean transit days of each leg, which upgrades scale (``lane.transit_factor``)."""

    def days_now(self) -> float:
        """Expected days with each leg's transit scaled by its current transit factor."""
        days = self.expected_days
        for mean, lane in zip(self.leg_transit_days, self.legs, strict=False):
            days += mean * (lane.transit_factor - 1.0)
        return days

    def is_open(self) -> bool:
        """True if no lane or site on the route is closed."""
        return all(lane.capacity_factor > 0.0 for lane in self.legs) and all(
            site.capacity_factor > 0.0 for site in self.sites)


class Router:
    """Chooses a route for each lot of one mine's commodity in one channel.

    *capacity_epoch* is a one-item list the world increments whenever any site or lane
    changes capacity; a rerouting router checks which routes are open only when it has
    moved, not for every lot.
    """

    __slots__ = ("_candidates", "_credit", "_epoch", "_primary", "_total_weight", "_weighted",
                 "capacity_epoch", "options", "reroute", "rule")

    def __init__(self, rule: str, on_closure: str, options: list[RouteOption],
                 capacity_epoch: list[int] | None = None) -> None:
        if not options:
            raise ValueError("a router needs at least one route")
        self.rule = rule
        self.reroute = on_closure == "reroute"
        self.options = options
        self.capacity_epoch = capacity_epoch if capacity_epoch is not None else [0]
        self._credit = [0.0] * len(options)
        self._epoch = self.capacity_epoch[0] if not self.reroute else -1
        everything = list(range(len(options)))
        self._primary = everything
        """The routes lots take while they are open: under fixed shares those with a share
        above 0; the others are backups, taken (evenly) only while every primary is closed."""
        if rule == "fixed_shares":
            self._primary = [i for i in everything if options[i].weight > 0] or everything
        self._set_candidates(self._primary)

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

    def choose(self, tonnes: float) -> RouteOption:
        """The route for a lot of ``tonnes``."""
        options = self.options
        if len(options) == 1:
            return options[0]
        candidates = self.candidates() if self.reroute else self._candidates
        if self.rule == "fixed_shares":
            # Every candidate earns its weight x tonnes; the one with most credit goes (the
            # first of equals) and pays for the whole lot.
            credit = self._credit
            best = -1
            top = -math.inf
            for i, weight in self._weighted:
                value = credit[i] + weight * tonnes
                credit[i] = value
                if value > top:
                    best, top = i, value
            credit[best] -= self._total_weight * tonnes
            return options[best]
        key = (lambda i: options[i].cost) if self.rule == "cheapest" else (
            lambda i: options[i].days_now())
        return options[min(candidates, key=key)]
