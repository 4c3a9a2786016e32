"""Routing: which of its channel's routes a new lot takes.

Each (mine, commodity, channel) has a :class:`Router` over the routes the mine can use.

* ``fixed_shares``: the route whose tonnage lags furthest behind its share goes next
  (smooth weighted round robin). This is deterministic and keeps every route within one
  lot of its share, without splitting lots or spending random numbers.
* ``cheapest`` / ``fastest``: the route with the lowest cost per tonne, or the shortest
  expected transit, among those that are open.

When a route is closed, ``on_closure: reroute`` leaves it out until it reopens;
``on_closure: wait`` keeps sending lots along it, to wait at the closure.
"""

from __future__ import annotations

from typing import Any


class RouteOption:
    """One route as a mine sees it: the lanes from the mine to the destination."""

    __slots__ = ("cost", "expected_days", "index", "legs", "route_id", "sites", "weight")

    def __init__(self, index: int, route_id: str, legs: tuple[Any, ...], sites: tuple[Any, ...],
                 weight: float, expected_days: float, cost: float) -> None:
        self.index = index
        """Index of the (channel, route) pair, for per-route statistics."""
        self.route_id = route_id
        self.legs = legs
        self.sites = sites
        """Transit sites passed (not the mine, not the destination)."""
        self.weight = weight
        self.expected_days = expected_days
        self.cost = cost

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

    __slots__ = ("_candidates", "_credit", "_epoch", "capacity_epoch", "options", "reroute",
                 "rule")

    def __init__(self, rule: str, on_closure: str, options: list[RouteOption],
                 capacity_epoch: list[int] | None = None) -> None:
        if not options:
            raise ValueError("a router needs at least one route")
        self.rule = rule
        self.reroute = on_closure == "reroute"
        self.options = options
        self.capacity_epoch = capacity_epoch if capacity_epoch is not None else [0]
        self._credit = [0.0] * len(options)
        self._epoch = -1
        self._candidates: list[int] = list(range(len(options)))

    def candidates(self) -> list[int]:
        """Indices of the routes a lot may take now: the open ones if the router reroutes
        and any is open, otherwise all."""
        if not self.reroute:
            return self._candidates
        epoch = self.capacity_epoch[0]
        if epoch != self._epoch:
            options = self.options
            everything = range(len(options))
            self._candidates = [i for i in everything if options[i].is_open()] or list(
                everything)
            self._epoch = epoch
        return self._candidates

    def choose(self, tonnes: float) -> RouteOption:
        """The route for a lot of ``tonnes``."""
        options = self.options
        if len(options) == 1:
            return options[0]
        candidates = self.candidates()
        if self.rule == "fixed_shares":
            credit = self._credit
            if len(candidates) == 2:  # the common case, without the general loop
                i, j = candidates
                wi, wj = options[i].weight, options[j].weight
                credit[i] += wi * tonnes
                credit[j] += wj * tonnes
                best = i if credit[i] >= credit[j] else j
                credit[best] -= (wi + wj) * tonnes
                return options[best]
            total_w = 0.0
            for i in candidates:
                w = options[i].weight
                credit[i] += w * tonnes
                total_w += w
            best = max(candidates, key=credit.__getitem__)
            credit[best] -= total_w * tonnes
            return options[best]
        key = (lambda i: options[i].cost) if self.rule == "cheapest" else (
            lambda i: options[i].expected_days)
        return options[min(candidates, key=key)]
