"""Lanes: directed links that carry lots between sites.

A lane always delays a lot by a draw of its transit time. It may also have

* a loading capacity (a rail line): lots queue in a :class:`~sim.world.queues.FifoServer`
  for ``product tonnes / capacity`` days before they depart (or ``trucks / capacity`` days
  on a lane whose capacity is in trucks per day);
* scheduled sailings (a sea lane out of a port): lots wait *at the port* and a ship leaves
  every ``interval`` days with up to ``vessel_t`` tonnes of product, first come first
  served; a lot that does not fit is split and the rest waits for the next ship.

Lots on a lane (queued for capacity or travelling) are "in transit" in the ledger.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.world.daybook import DayBook
from sim.world.element import Element
from sim.world.lots import Lot
from sim.world.queues import FifoServer
from sim.world.wakeups import Clock, Urgent, Wakeup

if TYPE_CHECKING:
    from sim.world.floatrows import FloatRow
    from sim.world.sites import Port, SiteBase
    from sim.world.world import World


class Lane(Element):
    """A link from one site to another.

    *transit* samples travel days. Call :meth:`enter` to put a lot on the lane; the lot is
    handed to the destination site when it arrives.

    Lots that set off on a lane at the same instant travel together as one convoy: one
    transit draw and one SimPy event for all of them (a mine's copper and cobalt leaving
    together, everything a ship unloads for the same inland lane). Lots that set off at
    different times travel independently.

    A closed lane (capacity factor 0) holds new lots at its entrance, and lots already on
    it stop where they are: a lot needs its transit time of *open* lane, so a closure of D
    days delays every lot on the lane by exactly D.
    """

    def __init__(self, world: World, index: int, lane_id: str, transit: Callable[[], float],
                 to_site: SiteBase, is_export: bool) -> None:
        self.world = world
        self.book: DayBook = world.book
        self.env: simpy.Environment = world.env
        self.clock: Clock = world.env.clock
        self.index = index
        self.id = lane_id
        self.transit = transit
        self.transit_factor = 1.0
        """Multiplies every transit draw (corridor upgrades)."""
        self.to = to_site
        self.is_export = is_export
        self.travelling: dict[Lot, list[Lot]] = {}
        """Convoys on the lane (travelling or paused by a closure), each keyed by its first
        lot (a convoy only grows at its end, and a lot is in one convoy at a time; hashed by
        identity, where an ``id`` would be a Python int made at each use); a dict keeps them
        in order, so sums over them are the same in every run."""
        self.server: FifoServer | None = None
        self.sailing: Sailings | None = None
        self.held_back: deque[Lot] = deque()
        """Lots waiting to depart while the lane is closed."""
        self.paused: list[tuple[list[Lot], float]] = []
        """Convoys stopped on the lane by a closure, with the travel days they still need."""
        self._convoy: list[Lot] | None = None
        self._convoy_t = -1.0
        self._convoy_fresh: tuple[str, ...] = ()
        """The delay sources drawn for the convoy setting off now."""
        self._lane_in: FloatRow = world.ledger.rows("lane_in")[index]
        self._lane_out: FloatRow = world.ledger.rows("lane_out")[index]
        self._in_transit: FloatRow = world.ledger.in_transit
        """The ledger's running tonnes in transit, booked with the lane's accounts."""
        self._arrive_cb: Callable[[Wakeup], None] = self._arrive
        """:meth:`_arrive`, bound once: a bound method made at every departure costs a lookup
        by name and an allocation."""
        self._init_element()

    def add_capacity(self, capacity_per_day: float, units_per_t: str = "product_per_t"
                     ) -> None:
        """Make the lane a loading queue of ``capacity_per_day`` units a day: product tonnes
        (``units_per_t="product_per_t"``), or trucks (``"trucks_per_t"``, each lot's trucks
        per tonne of metal from its form). Capacity shocks scale the rate whatever its
        units; a corridor upgrade sets it in the lane's own unit (the scenario checks refuse
        an upgrade given in the other)."""
        self.server = FifoServer(self.env, 1, capacity_per_day, units_per_t=units_per_t,
                                 variability=lambda: 1.0, done=self._depart_all)

    def enter(self, lot: Lot) -> None:
        """Put ``lot`` on the lane now. It joins the convoy that set off on this lane at
        this instant, if any, or starts one."""
        lane_in, in_transit, c = self._lane_in, self._in_transit, lot.commodity
        lane_in[c] = lane_in[c] + lot.tonnes
        in_transit[c] = in_transit[c] + lot.tonnes
        if self.interceptions:
            self.world.intercept(self, lot)
        if self.server is not None:
            self.server.put([lot])  # each lot is its own loading job
        elif self.capacity_factor > 0.0:
            self._depart(lot)
        else:
            self.held_back.append(lot)

    def _depart(self, lot: Lot) -> None:
        # Exported as it sets off across the border, not as it joins the lane: a lot
        # waiting to load, or held back by a closure, is still in the country.
        if self.is_export and not lot.exported:  # its first exit from the country
            lot.exported = True
            self.book.record_export(lot)
        now = self.clock.now
        lot.t_dep = now
        # delays of shocks that have not yet delayed this lot (each delays a lot once): a
        # lot joins the convoy setting off now only if it is owed the same ones
        fresh = self.fresh_delays(lot) if self.delays else ()
        convoy = self._convoy
        if convoy is not None and self._convoy_t == now and fresh == self._convoy_fresh:
            convoy.append(lot)
            lot.travel = convoy[0].travel
            if fresh:
                self.mark_delayed(lot, fresh)
            return
        travel = self.transit() * self.transit_factor
        if fresh:
            travel += self.draw_delays(lot, fresh)
        lot.travel = travel
        convoy = [lot]
        self.travelling[lot] = convoy
        Wakeup(self.clock, travel, convoy, self._arrive_cb)
        # a convoy that arrives at once is gone before the next lot sets off
        self._convoy = convoy if travel > 0.0 else None
        self._convoy_t = now
        self._convoy_fresh = fresh

    def _depart_all(self, lots: list[Lot]) -> None:
        """Lots done loading set off, unless the lane closed while they loaded: then they
        wait at its entrance (and are not yet exported) until it opens."""
        if self.capacity_factor <= 0.0:
            self.held_back.extend(lots)
            return
        for lot in lots:
            self._depart(lot)

    def _arrive(self, ev: Wakeup) -> None:
        convoy: list[Lot] = ev._value
        if convoy is self._convoy:
            self._convoy = None
        if self.closures:
            first = convoy[0]
            owed = self.closed_time(first.t_dep, self.clock.now)
            if owed > 1e-12:
                if self.capacity_factor <= 0.0:
                    self.paused.append((convoy, owed))
                else:
                    self._resume(convoy, owed)
                return
        lane_out, in_transit = self._lane_out, self._in_transit
        for lot in convoy:
            c = lot.commodity
            lane_out[c] = lane_out[c] + lot.tonnes
            in_transit[c] = in_transit[c] - lot.tonnes
        del self.travelling[convoy[0]]
        self.to.receive_batch(convoy)

    def _resume(self, convoy: list[Lot], days: float) -> None:
        now = self.clock.now
        for lot in convoy:
            lot.t_dep = now
            lot.travel = days
        Wakeup(self.clock, days, convoy, self._arrive_cb)

    def _throttles(self) -> bool:
        # its loader, or the room its ships take; a road without a capacity only closes
        return self.server is not None or self.sailing is not None

    def _capacity_changed(self) -> None:
        if self.server is not None:
            self.server.set_capacity_factor(self.capacity_factor)
        if self.capacity_factor > 0.0:
            if self.held_back:
                held, self.held_back = list(self.held_back), deque()
                for lot in held:
                    self._depart(lot)
            # a paused convoy made no progress while the lane stayed closed: it still needs
            # the open time it was owed when it reached the end of its nominal trip
            paused, self.paused = self.paused, []
            for convoy, owed in paused:
                self._resume(convoy, owed)

    def lots(self) -> list[Lot]:
        """Every lot on the lane: waiting to load, held back by a closure or travelling."""
        out = [lot for convoy in self.travelling.values() for lot in convoy]
        out += self.waiting()
        return out

    def waiting(self) -> list[Lot]:
        """The lots on the lane that have not set off: held back at its entrance by a
        closure, or in its loading queue (waiting or loading). They are still at the
        lane's origin; convoys travelling, or stopped part-way by a closure, are not in
        it. Read at the end of a run (KPIs), not on the simulation's hot path."""
        out = list(self.held_back)
        if self.server is not None:
            out += self.server.lots()
        return out

    def held(self, n_commodities: int) -> np.ndarray:
        """Tonnes on the lane by commodity (counted from the lots themselves)."""
        out = np.zeros(n_commodities)
        for lot in self.lots():
            out[lot.commodity] += lot.tonnes
        return out


class Sailings:
    """Ships leaving a port on a sea lane at random intervals, loading waiting lots.

    Lots wait in ``queue`` (held at the port, not yet on the lane). Each departure loads up
    to ``vessel_t`` tonnes of product, scaled by the lane's and the port's capacity
    factors, first come first served.
    """

    def __init__(self, lane: Lane, port: Port, interval: Callable[[], float],
                 vessel_t: float) -> None:
        self.lane = lane
        self.port = port
        self.interval = interval
        self.vessel_t = vessel_t
        self.queue: deque[Lot] = deque()
        self.next_t = lane.env.now
        """When the next ship leaves (the sum its timeout falls at): a line waiting past it
        has lost its sailings (:meth:`Port.stalled <sim.world.sites.Port.stalled>`)."""
        self.departures = 0
        self.loaded_product_t = 0.0
        lane.sailing = self
        self._clock: Clock = lane.clock
        # Callbacks, not a SimPy process: a process costs each departure a pass through
        # SimPy's interpreted resume and timeout. The first interval is drawn as a
        # process's first step would draw it, so events keep their order and numbers.
        Urgent(self._clock, 0.0, None, self._schedule_next)

    def _schedule_next(self, _event: Any = None) -> None:
        """Draw the days to the next departure and schedule it."""
        days = self.interval()
        self.next_t = self._clock.now + days
        Wakeup(self._clock, days, None, self._sail)

    def _sail(self, _event: Any) -> None:
        """A ship leaves (:meth:`load`); the next is scheduled."""
        self.load()
        self._schedule_next()

    def load(self) -> None:
        """One departure: load waiting lots up to the ship's capacity.

        Lots reaching the port during an added delay there are held before they join the
        line (:meth:`Port.hold`); one that was already waiting when the delay began is
        held as its ship loads: it takes no room and rejoins the end of the line when the
        delay is over. Lots on the same ship that
        follow the same route from here on (same commodity, channel, route and form) are
        merged into one lot: they are one cargo from now on. Their mine-departure time
        becomes the tonnage-weighted mean, so mean lead times are unchanged, and the
        simulation carries far fewer lots downstream of the ports.
        """
        port = self.port
        room = self.vessel_t * self.lane.capacity_factor * port.capacity_factor
        self.departures += 1
        queue = self.queue
        delays = port.delays
        shipped: list[Lot] = []
        while queue and room > 1e-12:
            lot = queue[0]
            # a lot in line before a delay at the port began still owes it: it is held
            # at the quay (rejoining the line when the delay is over), not after loading,
            # so the port's dwell counts it
            if delays and port.hold(lot):
                queue.popleft()
                continue
            product = lot.tonnes * lot.product_per_t
            if product <= room:
                queue.popleft()
                room -= product
            else:
                lot = lot.split(room / lot.product_per_t)
                room = 0.0
            self.loaded_product_t += lot.tonnes * lot.product_per_t
            shipped.append(lot)
        if shipped:
            self.port.ship(shipped)

    def held(self, n_commodities: int) -> np.ndarray:
        out = np.zeros(n_commodities)
        for lot in self.queue:
            out[lot.commodity] += lot.tonnes
        return out
