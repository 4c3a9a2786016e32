"""Sites that lots pass through or end at: border posts, ports, hubs, refiners, markets.

Transit sites (border posts, ports, trading hubs, junctions) hand a lot on to its next
lane; destinations (refiners, markets, stockpiles) keep it. Every site records what enters
and leaves it in the ledger and can say what it physically holds (:meth:`SiteBase.held`),
which is what the mass-balance check compares.

Refiners and markets also change over time without lots arriving (refining, consumption);
:class:`~sim.world.world.World` steps them once a day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.world.daybook import DayBook
from sim.world.element import Element
from sim.world.ledger import cells
from sim.world.lots import Lot
from sim.world.queues import FifoServer
from sim.world.wakeups import Clock, Wakeup

if TYPE_CHECKING:
    from sim.world.export_controls import Split
    from sim.world.floatrows import FloatRow
    from sim.world.lanes import Lane, Sailings
    from sim.world.world import World


class Occupancy:
    """Time-integrated tonnes held at a site, for dwell times and Little's law."""

    __slots__ = ("area_tonne_days", "dwell_tonne_days", "held_t", "last_t", "start_t",
                 "through_t")

    def __init__(self, now: float = 0.0) -> None:
        self.held_t = 0.0
        self.reset(now)

    def reset(self, now: float) -> None:
        self.start_t = now
        self.last_t = now
        self.area_tonne_days = 0.0
        self.dwell_tonne_days = 0.0
        self.through_t = 0.0

    def _advance(self, now: float) -> None:
        if now > self.last_t:
            self.area_tonne_days += self.held_t * (now - self.last_t)
            self.last_t = now

    def enter(self, lot: Lot, now: float) -> None:
        if now > self.last_t:  # self._advance(now), written out: once per lot
            self.area_tonne_days += self.held_t * (now - self.last_t)
            self.last_t = now
        self.held_t += lot.tonnes
        lot.t_in = now

    def leave(self, lot: Lot, now: float) -> None:
        if now > self.last_t:  # self._advance(now)
            self.area_tonne_days += self.held_t * (now - self.last_t)
            self.last_t = now
        self.held_t -= lot.tonnes
        self.dwell_tonne_days += (now - lot.t_in) * lot.tonnes
        self.through_t += lot.tonnes

    def finish(self, now: float) -> Occupancy:
        self._advance(now)
        return self


class SiteBase(Element):
    """What every site shares: identity, ledger accounts, forwarding, and what shocks do.

    A transit site forwards each lot along its next lane. Shocks may make it hold lots a
    while (added delay) or close it (capacity factor 0), in which case lots wait at the site
    until it reopens.
    """

    kind = "site"

    def __init__(self, world: World, index: int, site_id: str, spec: Any) -> None:
        self.world = world
        self.env = world.env
        self.clock: Clock = world.env.clock
        self.index = index
        self.id = site_id
        self.spec = spec
        self.n_com = world.n_commodities
        self.book: DayBook = world.book
        """The world's day book, where mines and destinations book their flows."""
        self._site_in: FloatRow = world.ledger.rows("site_in")[index]
        self._site_out: FloatRow = world.ledger.rows("site_out")[index]
        self._net: FloatRow = world.ledger.site_net
        """The ledger's running net flows of every site, booked with the site's accounts."""
        self._net_at = index * self.n_com
        """Where the site's own begin in :attr:`_net`."""
        self.delayed: dict[Lot, float] = {}
        """Lots held by an added delay, with the day it ends (ordered for identical
        sums)."""
        self.blocked: list[Lot] = []
        """Lots waiting for the site to reopen."""
        self._init_element()

    def receive(self, lot: Lot) -> None:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def receive_batch(self, lots: list[Lot]) -> None:
        """Lots that arrived together (by default: each on its own)."""
        for lot in lots:
            self.receive(lot)

    def _arrive(self, lot: Lot) -> None:
        """Book an arriving lot and let any shock here seize or tax it."""
        site_in, c = self._site_in, lot.commodity
        site_in[c] = site_in[c] + lot.tonnes
        net, at = self._net, self._net_at + c
        net[at] = net[at] + lot.tonnes
        if self.interceptions:
            self.world.intercept(self, lot)

    def _arrive_batch(self, lots: list[Lot]) -> None:
        """:meth:`_arrive` for lots that arrived together."""
        site_in, net, at = self._site_in, self._net, self._net_at
        for lot in lots:
            c = lot.commodity
            site_in[c] = site_in[c] + lot.tonnes
            net[at + c] = net[at + c] + lot.tonnes
        if self.interceptions:
            for lot in lots:
                self.world.intercept(self, lot)

    def forward(self, lot: Lot) -> None:
        """Send ``lot`` on along its next lane (after any added delay, once open)."""
        if self.delays:
            fresh = self.fresh_delays(lot)
            if fresh:
                days = self.draw_delays(lot, fresh)
                self.delayed[lot] = self.clock.now + days  # the sum the Wakeup falls at
                Wakeup(self.clock, days, lot, self._delay_over)
                return
        self._forward_open(lot)

    def forward_batch(self, lots: list[Lot]) -> None:
        """:meth:`forward` for lots leaving together, in order."""
        if self.delays or self.capacity_factor <= 0.0:
            forward = self.forward if self.delays else self._forward_open
            for lot in lots:
                forward(lot)
            return
        # Open and without delays: :meth:`_forward_open` for each lot, written out (a lane
        # taking a lot cannot change this site's capacity).
        site_out, net, at = self._site_out, self._net, self._net_at
        for lot in lots:
            c = lot.commodity
            site_out[c] = site_out[c] + lot.tonnes
            net[at + c] = net[at + c] - lot.tonnes
            leg = lot.leg = lot.leg + 1
            lot.legs[leg].enter(lot)

    def _delay_over(self, ev: Wakeup) -> None:
        lot: Lot = ev._value
        del self.delayed[lot]
        self._forward_open(lot)

    def _forward_open(self, lot: Lot) -> None:
        if self.capacity_factor <= 0.0:
            self.blocked.append(lot)
            return
        site_out, c = self._site_out, lot.commodity
        site_out[c] = site_out[c] + lot.tonnes
        net, at = self._net, self._net_at + c
        net[at] = net[at] - lot.tonnes
        leg = lot.leg = lot.leg + 1
        lot.legs[leg].enter(lot)

    def _capacity_changed(self) -> None:
        if self.capacity_factor > 0.0 and self.blocked:
            blocked, self.blocked = self.blocked, []
            for lot in blocked:
                self._forward_open(lot)

    def held(self) -> np.ndarray:
        """Tonnes physically at the site, by commodity."""
        return _sum_lots([*self.delayed, *self.blocked], self.n_com)

    def stalled(self) -> list[Lot]:
        """Lots held here that nothing will move on: waiting for the site to reopen while
        it is open (reopening forwards them), or held by an added delay that ended before
        now. Kinds with a queue add its stalled lots (:meth:`FifoServer.stalled`), hubs
        their overdue dwellers. Empty in a correct run; read by the mass-balance check at
        the end of a replication."""
        now = self.clock.now
        out = [lot for lot, until in self.delayed.items() if until < now]
        if self.capacity_factor > 0.0:
            out += self.blocked
        return out

    def reset_stats(self) -> None:
        """Start statistics afresh (end of warm-up)."""


def _sum_lots(lots: Any, n: int) -> np.ndarray:
    out = np.zeros(n)
    for lot in lots:
        out[lot.commodity] += lot.tonnes
    return out


class BorderPost(SiteBase):
    """Clears lots one at a time, first come first served, through a :class:`FifoServer`
    of ``servers`` clearance lanes; closing it stops clearance (lots queue)."""

    kind = "border_post"

    def __init__(self, world: World, index: int, site_id: str, spec: Any,
                 variability: Any) -> None:
        super().__init__(world, index, site_id, spec)
        self.server = FifoServer(world.env, spec.servers,
                                 spec.clearance_trucks_per_day / spec.servers,
                                 units_per_t="trucks_per_t", variability=variability,
                                 done=self.forward_batch)

    def receive(self, lot: Lot) -> None:
        self.receive_batch([lot])

    def receive_batch(self, lots: list[Lot]) -> None:
        """A convoy arrives: each of its lots is cleared as its own job, in the convoy's
        order, so they spread over the free clearance lanes, each with its own variability
        draw, and each goes on as soon as its own clearance ends."""
        self._arrive_batch(lots)
        self.server.put(lots)

    def held(self) -> np.ndarray:
        return super().held() + _sum_lots(self.server.lots(), self.n_com)

    def stalled(self) -> list[Lot]:
        return super().stalled() + self.server.stalled()

    def _capacity_changed(self) -> None:
        self.server.set_capacity_factor(self.capacity_factor)
        super()._capacity_changed()

    def _throttles(self) -> bool:
        return True

    def reset_stats(self) -> None:
        self.server.reset_stats()


class Port(SiteBase):
    """A port: lots leaving on a lane with sailings wait here for a ship; a closed port
    loads no ship and holds every lot.

    With a ``throughput_t_per_day`` every arriving lot first passes the port's handling, a
    one-server :class:`FifoServer` in product tonnes (as a capacitated lane loads), and
    then joins its ship's line or goes on. Such a port's occupancy counts every lot from
    its arrival to its leaving the port (handling included, for lots going on by land
    too); without it, as before, only lots waiting for a ship, from their arrival."""

    kind = "port"

    def __init__(self, world: World, index: int, site_id: str, spec: Any) -> None:
        super().__init__(world, index, site_id, spec)
        self.sailings: list[Sailings] = []
        self.occupancy = Occupancy(world.env.now)
        rate = getattr(spec, "throughput_t_per_day", None)
        self.server: FifoServer | None = None
        self.handled_closed: list[Lot] = []
        """Lots for a land lane whose handling ended while the port was closed: still at
        the port (and in its occupancy) until it reopens."""
        if rate is not None:
            self.server = FifoServer(world.env, 1, rate, units_per_t="product_per_t",
                                     variability=lambda: 1.0, done=self._handled)

    def receive(self, lot: Lot) -> None:
        self.receive_batch([lot])

    def receive_batch(self, lots: list[Lot]) -> None:
        """Lots bound for a sea lane with sailings wait here for a ship; others go on.
        With a throughput, each first waits for and takes its turn at the handling."""
        self._arrive_batch(lots)
        now = self.clock.now
        occupancy = self.occupancy
        if self.server is not None:
            for lot in lots:
                occupancy.enter(lot, now)
            self.server.put(lots)
            return
        delays = self.delays
        for lot in lots:
            sailing = lot.legs[lot.leg + 1].sailing
            if sailing is None:
                self.forward(lot)
                continue
            occupancy.enter(lot, now)
            if not (delays and self.hold(lot)):
                sailing.queue.append(lot)

    def _handled(self, lots: list[Lot]) -> None:
        """Lots through the handling: to their ship's line (still at the port, still in
        its occupancy), or on by their next lane (out of the occupancy now)."""
        now = self.clock.now
        for lot in lots:
            if self.delays and self.hold(lot):
                continue
            sailing = lot.legs[lot.leg + 1].sailing
            if sailing is not None:
                sailing.queue.append(lot)
            elif self.capacity_factor <= 0.0:
                self.handled_closed.append(lot)
            else:
                self.occupancy.leave(lot, now)
                self.forward(lot)

    def hold(self, lot: Lot) -> bool:
        """Hold ``lot`` here for the added delays it still owes (:meth:`fresh_delays`), if
        any, and say whether it is held. Called as a lot reaches the quay (on arrival, or
        at a port with a throughput as it leaves the handling, by sea or by land) and, for
        a lot already waiting when a delay begins, when its ship loads. The lot stays in
        the port's occupancy, so ``mean_dwell_days`` counts the delay, and when it is over
        joins its ship's line (in the order lots became ready) or goes on
        (:meth:`_handled`): the delay runs before the wait for a ship, not alongside it,
        so it adds its own length to the dwell, not whole sailing intervals."""
        fresh = self.fresh_delays(lot)
        if not fresh:
            return False
        days = self.draw_delays(lot, fresh)
        self.delayed[lot] = self.clock.now + days
        Wakeup(self.clock, days, lot, self._held_over)
        return True

    def _held_over(self, ev: Wakeup) -> None:
        lot: Lot = ev._value
        del self.delayed[lot]
        self._handled([lot])

    def _capacity_changed(self) -> None:
        if self.server is not None:
            self.server.set_capacity_factor(self.capacity_factor)
            if self.capacity_factor > 0.0 and self.handled_closed:
                waiting, self.handled_closed = self.handled_closed, []
                self._handled(waiting)
        super()._capacity_changed()

    def _throttles(self) -> bool:
        # its handling, or the room its ships take (Sailings); a port with neither (a
        # port of arrival) only closes (review 120)
        return self.server is not None or bool(self.sailings)

    def routing_factor(self, leaving: Any = None) -> float:
        # a route leaving by road, from a port without handling, is not slowed by the
        # room its ships take (review 137)
        factor = self.capacity_factor
        if factor <= 0.0:
            return 0.0
        if self.server is not None:
            return factor
        if leaving is None:
            return factor if self.sailings else 1.0
        return factor if leaving.sailing is not None else 1.0

    def ship(self, lots: list[Lot]) -> None:
        """A sailing has loaded ``lots``: they leave the port, each on the next lane of its
        route (the sailing's lane, as the sailing loads only lots bound for it).

        Lots that follow the same route from here on (same commodity, channel, route and
        form) and that the same shocks have seized from, taxed or delayed become one cargo lot:
        tonnes add up and the mine-departure time becomes the tonnage-weighted mean, so mean
        lead times are unchanged while far fewer lots travel on downstream of the ports. (A
        shock acts on a lot once: merging a lot it has not met with one it has would let
        the first pass its later targets untouched; and lots taxed to different shares of
        their value would average, and a later tax on the cargo take more than on each.)"""
        now = self.clock.now
        cargo: dict[object, Lot] = {}
        for lot in lots:
            self.occupancy.leave(lot, now)
            key: object
            if lot.cargo_class >= 0 and not lot.intercepted and not lot.delayed_by:
                # no shock has met it, so it has kept its whole value: its class says the
                # rest (an int, never equal to the tuples of lots that shocks have met)
                key = lot.cargo_class
            else:
                # the form is its grade, payload and payable share together: two forms of
                # one grade merged would carry the first one's payable share and trucks per
                # tonne
                key = (lot.commodity, lot.channel, lot.route, lot.product_per_t,
                       lot.trucks_per_t, lot.payable, lot.intercepted, lot.untaxed, lot.taxed,
                       lot.delayed_by)
            first = cargo.get(key)
            if first is None:
                cargo[key] = lot
            else:
                first.absorb(lot)
        self.forward_batch(list(cargo.values()))

    def held(self) -> np.ndarray:
        out = super().held()
        for s in self.sailings:
            out += s.held(self.n_com)
        if self.server is not None:
            out += _sum_lots([*self.server.lots(), *self.handled_closed], self.n_com)
        return out

    def stalled(self) -> list[Lot]:
        out = super().stalled()
        now = self.clock.now
        for sailing in self.sailings:
            if sailing.queue and sailing.next_t < now:  # no ship will come for them
                out += sailing.queue
        if self.server is not None:
            out += self.server.stalled()
            if self.capacity_factor > 0.0:
                out += self.handled_closed  # reopening sends them on
        return out

    def reset_stats(self) -> None:
        self.occupancy.finish(self.clock.now)
        self.occupancy.reset(self.clock.now)
        if self.server is not None:
            self.server.reset_stats()


class Hub(SiteBase):
    """A trading hub (lots dwell a while) or a junction (lots pass straight through)."""

    kind = "trading_hub"

    def __init__(self, world: World, index: int, site_id: str, spec: Any,
                 dwell: Any | None) -> None:
        super().__init__(world, index, site_id, spec)
        self.kind = spec.kind
        self.dwell = dwell
        """Sampler of the days a lot dwells at a trading hub; None at a junction or a hub
        without a dwell."""
        self.present: dict[Lot, float] = {}
        """Lots dwelling here, with the day their dwell ends (ordered, for run-to-run
        identical sums)."""
        self.occupancy = Occupancy(world.env.now)

    def receive(self, lot: Lot) -> None:
        self._arrive(lot)
        if self.dwell is None:
            self.forward(lot)
            return
        days = self.dwell()
        self.present[lot] = self.clock.now + days
        self.occupancy.enter(lot, self.clock.now)
        Wakeup(self.clock, days, lot, self._leave)

    def _leave(self, ev: Wakeup) -> None:
        lot: Lot = ev._value
        del self.present[lot]
        self.occupancy.leave(lot, self.clock.now)
        self.forward(lot)

    def held(self) -> np.ndarray:
        return super().held() + _sum_lots(self.present, self.n_com)

    def stalled(self) -> list[Lot]:
        now = self.clock.now
        return super().stalled() + [lot for lot, until in self.present.items() if until < now]

    def reset_stats(self) -> None:
        self.occupancy.finish(self.clock.now)
        self.occupancy.reset(self.clock.now)


class Destination(SiteBase):
    """A site where lots end their journey and join a stock."""

    kind = "destination"

    def __init__(self, world: World, index: int, site_id: str, spec: Any) -> None:
        super().__init__(world, index, site_id, spec)
        self.stock = np.zeros(self.n_com)
        """Tonnes held, by commodity."""
        self._stock_row = cells(self.stock)
        """:attr:`stock`'s memory, for the hot path (numpy's scalar indexing costs more)."""
        self._at_market = self.kind == "market"

    def bind_stock(self, stock: np.ndarray) -> None:
        """Hold the stock in ``stock`` (a contiguous row of the world's arrays), which
        takes what is held now."""
        stock[:] = self.stock
        self.stock = stock
        self._stock_row = cells(stock)

    def receive(self, lot: Lot) -> None:
        self._arrive(lot)
        stock, c = self._stock_row, lot.commodity
        stock[c] = stock[c] + lot.tonnes
        self.book.record_arrival(lot, self.index, self._at_market)

    def held(self) -> np.ndarray:
        return self.stock.copy()


class Stockpile(Destination):
    """A strategic stock."""

    kind = "stockpile"


class Refiner(Destination):
    """Refines feed at capacity into metal and ships it to markets by sales shares.

    ``stock`` is the feed (intermediate) and ``output`` refined metal awaiting shipment;
    both are tonnes of contained metal. Unrecovered metal is counted as lost.

    An export ban or quota in force on all channels of a commodity (one limited to named
    channels covers mines' flows only: refined metal belongs to no channel) for the
    refiner's country acts on its sales to markets abroad, as on a mine's exports. At a
    dispatch, new refined metal is split by sales shares (or by export controls); the parts
    for markets at home leave. The parts for markets abroad join what already waits for
    each of them (``held_abroad``, per sales lane), and all of it leaves as far as the ban
    (nothing) or the quotas allow, each market's in proportion to what waits for it, oldest
    first; the rest keeps waiting for its market. Metal held for a market abroad stays held
    for it: it is never split again by sales shares, so a ban does not send it to the home
    markets, which get only their share of each new dispatch. It leaves at the first
    dispatch at which the ban has ended or allowance comes (under export controls, also no
    more than their allowance; held metal claims a control's allowance before the split of
    new metal, oldest first, and the allowance a control gave metal a ban or quota then
    held is given back and carries over, so after a ban the held metal leaves with the
    allowance of the days it waited while the control's markets abroad took no more than
    their cap and the other markets got the rest; the allowance carries over up to a year's
    cap, so after a year of ban new metal gets none and goes to the other markets). The
    refiner goes on refining, with no stock limit; held metal counts in :meth:`held` (and
    the mass balance) with ``output``.
    A quota's allowance is allocated to mines; a refiner draws on the whole quota's (every
    mine's allowance, the earliest to expire first, each mine's in proportion to what it
    has left), so its exports and the mines' share one cap.
    """

    kind = "refiner"

    def __init__(self, world: World, index: int, site_id: str, spec: Any,
                 sales: list[list[tuple[Lane, float]]]) -> None:
        super().__init__(world, index, site_id, spec)
        idx = world.commodity_index
        self.capacity_per_day = np.zeros(self.n_com)
        self.recovery = np.ones(self.n_com)
        self.output = np.zeros(self.n_com)
        """Tonnes of refined metal held for sale, by commodity."""
        for com, cap in spec.capacity_t_per_year.items():
            self.capacity_per_day[idx[com]] = cap / world.days_per_year
        for com, rec in spec.recovery.items():
            self.recovery[idx[com]] = rec
        for com, t in spec.initial_feed_t.items():
            self.stock[idx[com]] += t
        for com, t in spec.initial_output_t.items():
            self.output[idx[com]] += t
        self.sales = sales
        """Per commodity: (lane to market, share) pairs."""
        self.leaving: list[list[bool]] = [[] for _ in range(self.n_com)]
        """Per commodity, for each of its sales lanes: whether the market is abroad."""
        self.held_abroad: list[list[float]] = [[] for _ in range(self.n_com)]
        """Per commodity, for each of its sales lanes: refined metal (t) a ban or quota
        holds for that market abroad, waiting for it (not part of ``output``)."""
        self.abroad = np.zeros(self.n_com)
        """Per commodity: the total of ``held_abroad`` (t)."""
        self.country = world.sc.country_of(site_id)
        self.refined = np.zeros(self.n_com)
        """Cumulative tonnes refined (recovered metal)."""
        # the memory of the arrays above, for the hot path (numpy's scalar indexing costs
        # more)
        self._output_row = cells(self.output)
        self._abroad_row = cells(self.abroad)
        self._refined_row = cells(self.refined)
        self.dispatch_period = spec.dispatch_period_days
        self._next_dispatch = world.env.now + self.dispatch_period
        self._lines = [(c, float(self.capacity_per_day[c]), float(self.recovery[c]))
                       for c in range(self.n_com) if self.capacity_per_day[c] > 0.0]
        """(commodity, capacity t/day, recovery) of what this refiner refines."""
        self._lost: FloatRow = world.ledger.rows("lost")[index]

    def _throttles(self) -> bool:
        return True  # its refining

    def bind_refined(self, refined: np.ndarray) -> None:
        """Count the metal refined in ``refined`` (a contiguous row of the world's
        arrays), which takes what is counted now."""
        refined[:] = self.refined
        self.refined = refined
        self._refined_row = cells(refined)

    def refine(self, days: float) -> None:
        """Refine for ``days`` at capacity."""
        factor = self.capacity_factor * days
        stock = self._stock_row
        output = self._output_row
        refined = self._refined_row
        for c, cap, recovery in self._lines:
            have: float = stock[c]
            if have <= 0.0:
                continue
            run = min(have, cap * factor)
            stock[c] = have - run
            got = run * recovery
            output[c] = output[c] + got
            refined[c] = refined[c] + got
            if run > got:
                lost = self._lost
                lost[c] = lost[c] + (run - got)
                net, at = self._net, self._net_at + c
                net[at] = net[at] - (run - got)

    @property
    def last_dispatch_t(self) -> float:
        """Time (days) of the last dispatch: one period before the next (before the first,
        one period before it, though none took place)."""
        return self._next_dispatch - self.dispatch_period

    def dispatch_due(self) -> bool:
        """True if a dispatch falls due now (and the next one is then scheduled)."""
        if self.clock.now + 1e-9 >= self._next_dispatch:
            self._next_dispatch += self.dispatch_period
            return True
        return False

    def ship(self, split: Split | None = None) -> None:
        """Send all refined metal to markets by sales shares, or as ``split`` says for the
        commodities it names (export controls: see :mod:`sim.world.export_controls`); then
        an export ban or quota in force holds back what may not go abroad, and metal held
        for markets abroad before leaves as far as they allow (see the class docstring)."""
        world = self.world
        gates = world.gates
        output = self._output_row
        for c in range(self.n_com):
            amount: float = output[c]
            waiting = self._abroad_row[c] > 0.0
            if (amount <= 0.0 and not waiting) or not self.sales[c]:
                continue
            controlled = split is not None and c in split
            if controlled:
                parts, output[c] = split[c]  # type: ignore[index]
            elif amount > 0.0:
                parts = [(lane, amount * share) for lane, share in self.sales[c]]
                output[c] = 0.0
            else:
                parts = [(lane, 0.0) for lane, _share in self.sales[c]]
            gate = gates.get(c) if gates else None
            if waiting or (gate is not None and gate.restricted(self.country)):
                parts = self._gated(c, parts, gate, controlled)
            for lane, t in parts:
                if t <= 0.0:
                    continue
                lot = Lot(c, -1, t, 1.0, world.refined_trucks_per_t, (lane,), -1, self.index,
                          self.clock.now, 1.0, world.refined_cargo_class[c])
                site_out = self._site_out
                site_out[c] = site_out[c] + t
                net, at = self._net, self._net_at + c
                net[at] = net[at] - t
                lane.enter(lot)

    def _share_controls_room(self, c: int, parts: list[tuple[Lane, float]],
                             asks: list[float]) -> None:
        """Cut ``asks`` (tonnes of waiting metal per sales lane) in place so that, for each
        export control in force, what they ask on the lanes to its markets together is at
        most its allowance left, each lane's ask in proportion: each lane asking for the
        whole allowance let a control pass its cap once per market it covers. On a day
        refiners ship under controls, the allowance left is this refiner's part of the held
        metal's claim (the control's ``grants``), not what the refiners before it left.
        Where several controls cover a lane, the tightest cut binds; what a control's cut
        leaves of its room goes, in further rounds, to its lanes that the others still let
        through (cutting the asks control by control made the result depend on the order
        the controls are listed in)."""
        rooms = []
        for ctl in self.world.export_controls:
            if not (ctl.active and ctl.commodity == c and ctl.country == self.country):
                continue
            ctl.accrue(self.clock.now)
            lanes = [i for i, (lane, _t) in enumerate(parts)
                     if asks[i] > 0.0 and lane.to.index in ctl.markets]
            if lanes:
                # the held metal's claim is split across the refiners holding it: draw only
                # this refiner's grant, not what is left live (the first listed took all)
                room = min(ctl.grants.get(self.index, 0.0), ctl.allowance) if ctl.grants \
                    else ctl.allowance
                rooms.append([max(room, 0.0), lanes])
        if not rooms:
            return
        pending = list(asks)
        asks[:] = [0.0 if any(i in lanes for _r, lanes in rooms) else t
                   for i, t in enumerate(pending)]
        for _round in range(len(rooms) + 1):
            open_ = [i for i, t in enumerate(pending) if t > 1e-12
                     and all(room > 1e-9 for room, lanes in rooms if i in lanes)
                     and any(i in lanes for _r, lanes in rooms)]
            if not open_:
                break
            scales = [min(room / w, 1.0) if (w := sum(pending[i] for i in lanes
                                                      if i in open_)) > 0.0 else 1.0
                      for room, lanes in rooms]
            for i in open_:
                give = pending[i] * min(s for s, (_r, lanes) in zip(scales, rooms, strict=True)
                                        if i in lanes)
                asks[i] += give
                pending[i] -= give
                for entry in rooms:
                    if i in entry[1]:
                        entry[0] = max(entry[0] - give, 0.0)
            if all(s >= 1.0 for s in scales):
                break

    def _draw_controls(self, c: int, lane: Lane, tonnes: float) -> None:
        """Give export controls covering ``lane``'s market ``tonnes`` of allowance back
        (``tonnes`` > 0) or draw it (< 0)."""
        for ctl in self.world.export_controls:
            if (ctl.active and ctl.commodity == c and ctl.country == self.country
                    and lane.to.index in ctl.markets):
                ctl.allowance = max(ctl.allowance + tonnes, 0.0)

    def _gated(self, c: int, parts: list[tuple[Lane, float]], gate: Any,
               controlled: bool) -> list[tuple[Lane, float]]:
        """``parts`` (tonnes of new metal per sales lane, in the order of ``sales[c]``)
        with, on each lane to a market abroad, what waits for it (``held_abroad``) added and
        the sum cut to what ``gate`` allows (everything if no ban or quota is in force), in
        proportion to each lane's sum; the waiting metal leaves before the new. What is cut
        waits in ``held_abroad`` for the same lane. Where export controls settled the split
        (``controlled``), the allowance they gave new tonnes held is given back to them, as
        those tonnes did not leave; waiting metal asks at most the controls' allowance left
        and draws it down when it leaves."""
        leaving = self.leaving[c]
        held = self.held_abroad[c]
        asks = [old if out else 0.0 for old, out in zip(held, leaving, strict=True)]
        if self.world.export_controls and any(asks):
            self._share_controls_room(c, parts, asks)
        abroad = 0.0
        for (_lane, t), out, old in zip(parts, leaving, asks, strict=True):
            if out:
                abroad += t + old
        if abroad <= 0.0:
            return parts
        restricted = gate is not None and gate.restricted(self.country)
        # a dispatch at the close of day d (time d + 1) ships day d's metal: a quota's
        # allowance and first-export delay are judged within that day, as bans are (at
        # time d + 1 itself, the allowance of a period ending on day d has expired)
        allowed = gate.allow_refined(self.country, abroad, self.clock.now - 0.5) \
            if restricted else abroad
        keep = 1.0 if allowed >= abroad else allowed / abroad
        out_parts = []
        for i, ((lane, t), out) in enumerate(zip(parts, leaving, strict=True)):
            if not out:
                out_parts.append((lane, t))
                continue
            if keep >= 1.0:
                old, goes, back = asks[i], t + asks[i], 0.0
            else:
                goes = (t + asks[i]) * keep
                old = min(asks[i], goes)  # waiting metal first
                back = t - (goes - old)
            if old > 0.0:
                held[i] -= old
                if self.world.export_controls:
                    self._draw_controls(c, lane, -old)
            if back > 0.0:
                held[i] += back
                if controlled:
                    self._draw_controls(c, lane, back)
            out_parts.append((lane, goes))
        self.abroad[c] = sum(held)
        return out_parts

    def held(self) -> np.ndarray:
        """Feed, refined metal awaiting shipment and metal held for markets abroad, by
        commodity (t). The held metal is summed from the per-lane ``held_abroad`` lists,
        the metal itself, not from their cached total ``abroad``, so metal dropped from a
        list shows in the mass balance (:meth:`invariants` checks the cache)."""
        return self.stock + self.output + np.array([sum(h) for h in self.held_abroad],
                                                   dtype=float)

    def invariants(self) -> list[tuple[str, int, str, float]]:
        """The refiner's own books, for the mass-balance check: per commodity, the cached
        total ``abroad`` minus the sum of the per-lane ``held_abroad`` lists, tonnes (the
        cache decides whether held metal asks to leave)."""
        return [(self.id, c, "the total held for markets abroad minus its per-lane lists",
                 float(self.abroad[c]) - sum(self.held_abroad[c]))
                for c in range(self.n_com)]


class Market(Destination):
    """Consumes at its demand rate from stock; records shortfall.

    Each day it receives its supply from outside the network, then consumes up to its
    demand from stock; what it cannot consume is shortfall. The world does this for all
    markets at once (:meth:`World._day_end`); a market's ``stock`` and ``demand_factor``
    are rows of the world's market arrays, and :meth:`World.last_shortfall_share` says how
    much of its demand went unmet on the last day.
    """

    kind = "market"

    def __init__(self, world: World, index: int, site_id: str, spec: Any,
                 other_supply_t_per_year: dict[str, float]) -> None:
        super().__init__(world, index, site_id, spec)
        idx = world.commodity_index
        self.demand_per_day = np.zeros(self.n_com)
        self.other_per_day = np.zeros(self.n_com)
        for com, d in spec.demand_t_per_year.items():
            self.demand_per_day[idx[com]] = d / world.days_per_year
        for com, s in other_supply_t_per_year.items():
            self.other_per_day[idx[com]] = s / world.days_per_year
        for com, t in spec.initial_stock_t.items():
            self.stock[idx[com]] += t
        self.demand_factor = np.ones(self.n_com)
        self._demand_mods: dict[str, tuple[float, frozenset[int] | None]] = {}

    def set_demand_modifier(self, source: str, factor: float | None,
                            commodities: frozenset[int] | None) -> None:
        """A shock's factor on this market's demand (``None`` removes it)."""
        if factor is None:
            self._demand_mods.pop(source, None)
        else:
            self._demand_mods[source] = (factor, commodities)
        factors = np.ones(self.n_com)
        for f, coms in self._demand_mods.values():
            for c in range(self.n_com):
                if coms is None or c in coms:
                    factors[c] *= f
        self.demand_factor[:] = factors  # a view the world's daily market step reads
        self.world.demand_changed()
