"""What shocks act on: the capacity, delays, seizures, taxes and closures of sites and lanes.

Every site and lane is an :class:`Element`. Shocks do not set its state directly: each
active shock registers a *modifier* under its own source key (``event:goma``,
``incident:kasumbalesa_strike#3``), and the element combines them:

* capacity factors multiply, so overlapping throttles compound and a closure (factor 0)
  wins over everything;
* added delays add, each shock's once per lot (at the first of its targets on the lot's way);
* interceptions (seizure shares and armed-group tax rates) apply one after another.

When a shock ends its modifiers are removed and the element returns to what the remaining
shocks make it. Each element also keeps the intervals during which it was closed, which
lanes use to pause lots in transit and the results report as days of closure.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Interception:
    """A shock's hold on flows through an element: a seized share and a tax rate, for some
    commodities and channels (all if None)."""

    seize_share: float
    """Share of each lot's tonnes taken (0 to 1)."""
    tax_rate: float
    """Share of each lot's value taken as rent (0 to 1), once per lot and place; taxes at
    several places add up to at most the lot's whole value."""
    commodities: frozenset[int] | None
    channels: frozenset[int] | None

    def applies(self, commodity: int, channel: int) -> bool:
        return ((self.commodities is None or commodity in self.commodities)
                and (self.channels is None or channel in self.channels))


class Element:
    """Mixin for sites and lanes: modifiers from shocks and the closures they cause."""

    capacity_factor: float
    env: Any
    """The world's :class:`~sim.world.events.Environment` (or a plain SimPy one in tests);
    read for ``now``."""

    def _init_element(self) -> None:
        self.capacity_factor = 1.0
        self.capacity_mods: dict[str, float] = {}
        self.delays: dict[str, Callable[[], float]] = {}
        """Each source's sampler of the days it adds to a lot passing (:meth:`set_delay`)."""
        self.delay_marks: dict[str, str] = {}
        """What each source's delay marks on the lots it delays (:meth:`set_delay`)."""
        self.interceptions: dict[str, Interception] = {}
        self.closures: list[list[float]] = []
        """[start, end] of each closure; end is ``inf`` while it lasts."""
        self.reductions: list[list[float]] = []
        """[start, end] of each time below full capacity (closed, or a factor under 1 where
        a factor slows the element: :meth:`_throttles`); end is ``inf`` while it lasts."""
        self._reduced = False

    # -- capacity ---------------------------------------------------------------------
    def set_modifier(self, source: str, factor: float | None) -> None:
        """Set (or with ``None`` remove) the capacity factor a source imposes."""
        if factor is None:
            self.capacity_mods.pop(source, None)
        else:
            self.capacity_mods[source] = max(0.0, float(factor))
        combined = math.prod(self.capacity_mods.values()) if self.capacity_mods else 1.0
        self._change_capacity(combined)

    def set_capacity_factor(self, factor: float) -> None:
        """Set the capacity factor directly (as one more modifier, ``manual``)."""
        self.set_modifier("manual", factor)

    def _change_capacity(self, factor: float) -> None:
        now = self.env.now  # type: ignore[attr-defined]
        was_closed = self.capacity_factor <= 0.0
        self.capacity_factor = factor
        self.world.capacity_epoch[0] += 1  # type: ignore[attr-defined]
        if factor <= 0.0 and not was_closed:
            self.closures.append([now, math.inf])
        elif factor > 0.0 and was_closed and self.closures:
            self.closures[-1][1] = now
        # a region's throttle reaches junctions and roads too, which only a closure slows
        # (review 119)
        reduced = factor <= 0.0 or (factor < 1.0 and self._throttles())
        if reduced and not self._reduced:
            self.reductions.append([now, math.inf])
        elif not reduced and self._reduced and self.reductions:
            self.reductions[-1][1] = now
        self._reduced = reduced
        self._capacity_changed()

    def _throttles(self) -> bool:
        """Whether a capacity factor between 0 and 1 slows this element (a border post, a
        port, a lane with a loading capacity or sailings, a mine, a refiner), rather than
        only a closure (a junction, a hub, a road without a capacity)."""
        return False

    def routing_factor(self, leaving: Any = None) -> float:
        """The capacity factor routes are rebalanced by (``on_closure: rebalance``): the
        factor where a throttle can slow this element (:meth:`_throttles`), else 0 if it is
        closed and 1 if not. A region's throttle sets its factor on every element in the
        region, but slows only those with a capacity: a junction on a route took half the
        route's lots away for a throttle that slowed nothing there (review 136).
        ``leaving``: the lane a route leaves this site by, where that decides (a port)."""
        factor = self.capacity_factor
        if factor <= 0.0:
            return 0.0
        return factor if self._throttles() else 1.0

    def _capacity_changed(self) -> None:
        """Act on a new capacity factor (subclasses: resume or hold lots)."""

    def is_open(self) -> bool:
        """False while the element is closed (capacity factor 0)."""
        return self.capacity_factor > 0.0

    def closed_time(self, t1: float, t2: float) -> float:
        """Days the element was closed between ``t1`` and ``t2``."""
        return _overlap(self.closures, t1, t2)

    def reduced_time(self, t1: float, t2: float) -> float:
        """Days the element ran below full capacity (closed included) between ``t1`` and
        ``t2``: a border post throttled to 30% for a week is closed no day of it."""
        return _overlap(self.reductions, t1, t2)

    # -- delays and interceptions --------------------------------------------------------
    def set_delay(self, source: str, sampler: Callable[[], float] | None,
                  mark: str | None = None) -> None:
        """Add (or with ``None`` remove) a source's extra delay per lot, drawn for a lot not
        yet marked with ``mark`` (the source if None; a regime marks each of its states
        apart, so a lot delayed in a mild state still waits the severe one's delay):
        :meth:`fresh_delays`."""
        if sampler is None:
            self.delays.pop(source, None)
            self.delay_marks.pop(source, None)
        else:
            self.delays[source] = sampler
            self.delay_marks[source] = mark or source

    def fresh_delays(self, lot: Any) -> tuple[str, ...]:
        """The active delay sources that ``lot`` still owes: a shock delays a lot once, at
        the first of its targets the lot passes (as it seizes and taxes it once), so a
        region's delay does not grow with the number of lanes and sites a route crosses in
        it."""
        met, marks = lot.delayed_by, self.delay_marks
        return tuple(source for source in self.delays if marks[source] not in met)

    def mark_delayed(self, lot: Any, fresh: tuple[str, ...]) -> None:
        """Record on ``lot`` that the sources ``fresh`` have delayed it."""
        marks = self.delay_marks
        lot.delayed_by = (*lot.delayed_by, *(marks[source] for source in fresh))

    def draw_delays(self, lot: Any, fresh: tuple[str, ...]) -> float:
        """Days of added delay ``lot`` waits here: one draw of each source in ``fresh``
        (:meth:`fresh_delays`), which are then recorded on the lot."""
        self.mark_delayed(lot, fresh)
        delays = self.delays
        return sum(delays[source]() for source in fresh)

    def set_interception(self, source: str, interception: Interception | None) -> None:
        """Add (or with ``None`` remove) a source's seizure and tax on flows here."""
        if interception is None:
            self.interceptions.pop(source, None)
        else:
            self.interceptions[source] = interception


def _overlap(spans: list[list[float]], t1: float, t2: float) -> float:
    """Days of ``spans`` ([start, end] each) between ``t1`` and ``t2``."""
    total = 0.0
    for a, b in spans:
        lo, hi = max(a, t1), min(b, t2)
        if hi > lo:
            total += hi - lo
    return total
