"""First-come-first-served servers: the capacity of border posts and rail lines.

A :class:`FifoServer` has ``servers`` identical servers working at ``rate`` units per day
each. A lot needs ``units(lot) / (rate * capacity_factor)`` days of one server, times a draw
of the variability sampler; lots that find every server busy wait in line. A change of
capacity also changes the speed of the work left on lots in service. Units are
truckloads at a border post and product tonnes on a rail line, so a tonne of cobalt in
hydroxide (0.3 t Co per t, 30 t per truck) takes three times the clearance time of a tonne
of copper in cathode.

Congestion is therefore not a parameter: it emerges when arrivals approach capacity. The
server also keeps the statistics that queueing theory predicts (time-average number in
system, mean wait, the spread of waits), which the verification tests compare with M/M/1 and
M/M/c formulas.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.world.floatrows import grown_row, zero_row
from sim.world.lots import Lot
from sim.world.wakeups import Clock, Wakeup

if TYPE_CHECKING:
    from sim.world.floatrows import FloatRow

WAITS_ROOM = 256
"""Waits a server's statistics make room for at first (the room doubles when full)."""

HIGH_LOAD_SHARE = 0.9
"""Share of a day a server's lanes must be busy for the day to count as a high-load day: at
such loads waits in line grow steeply when arrivals vary (an M/M/1 queue at 90% waits nine
services on average)."""


class ServerStats:
    """Accumulated statistics of a server since the last :meth:`reset`."""

    __slots__ = ("area_lots", "area_tonnes", "busy_mark", "busy_time", "high_load_days",
                 "last_t", "n_done", "n_started", "n_waits", "sojourn_lot_days", "start_t",
                 "tonnes_done", "units_done", "wait_lot_days", "wait_tonne_days", "waits")

    def __init__(self, now: float = 0.0) -> None:
        self.reset(now)

    def reset(self, now: float) -> None:
        self.start_t = now
        self.last_t = now
        self.area_lots = 0.0
        """Integral over time of lots in the system (waiting or in service)."""
        self.area_tonnes = 0.0
        """Integral over time of tonnes in the system."""
        self.busy_time = 0.0
        """Integral over time of busy servers."""
        self.n_started = 0
        self.n_done = 0
        self.wait_lot_days = 0.0
        """Sum over lots that started service of their wait in line."""
        self.wait_tonne_days = 0.0
        self.waits: FloatRow = zero_row(WAITS_ROOM)
        """Each lot's wait in line, days, in the order their services started, in its first
        :attr:`n_waits` items (room for more beyond): for the quantiles of the wait
        (:meth:`wait_days`). Unboxed in the compiled build, 8 bytes a lot."""
        self.n_waits = 0
        """Waits kept in :attr:`waits`."""
        self.busy_mark = 0.0
        """busy_time at the end of the last day closed (:meth:`FifoServer.close_day`)."""
        self.high_load_days = 0
        """Days closed with the servers busy at least HIGH_LOAD_SHARE of the day."""
        self.sojourn_lot_days = 0.0
        """Sum over lots that finished of their time in the system."""
        self.tonnes_done = 0.0
        self.units_done = 0.0

    def add_wait(self, wait_days: float) -> None:
        """Keep one lot's wait in line (:attr:`waits`), making room if there is none."""
        waits = self.waits
        n = self.n_waits
        if n == len(waits):
            waits = grown_row(waits)
            self.waits = waits
        waits[n] = wait_days
        self.n_waits = n + 1

    def wait_days(self) -> np.ndarray:
        """Each lot's wait in line, days, in the order their services started (a new
        array)."""
        return np.array(self.waits[:self.n_waits], dtype=float)


class FifoServer:
    """A multi-server first-come-first-served queue of lots.

    Each lot is its own job, even when several arrive at the same instant (a convoy): they
    join the line in the order given, so a convoy's lots spread over the free servers and
    each leaves as soon as its own service ends. A lot's workload is its tonnes times the
    lot attribute named by *units_per_t* (``"trucks_per_t"`` or ``"product_per_t"``);
    *rate* is units per day per server; *variability* is a sampler with mean 1 drawn once
    per lot, multiplying its service time; *done* is called with a one-lot list when that
    lot's service ends. Statistics count lots, and a lot's wait includes the time spent
    behind earlier lots of its own convoy. Raises ``ValueError`` if ``servers < 1`` or
    ``rate <= 0``. *env* is the world's :class:`~sim.world.events.Environment`; the server
    reads the time from its clock and schedules the ends of services through it.
    """

    def __init__(self, env: Any, servers: int, rate: float,
                 units_per_t: str, variability: Callable[[], float],
                 done: Callable[[list[Lot]], None]) -> None:
        if servers < 1 or not rate > 0:
            raise ValueError("a server needs servers >= 1 and rate > 0")
        if units_per_t not in ("trucks_per_t", "product_per_t"):
            raise ValueError(f"units_per_t is 'trucks_per_t' or 'product_per_t', not "
                             f"{units_per_t!r}")
        self.env = env
        self.clock: Clock = env.clock
        self.servers = servers
        self.rate = rate
        self.capacity_factor = 1.0
        self._per_truck = units_per_t == "trucks_per_t"
        """Whether a lot's units are its trucks (else its product tonnes): read from the lot
        as a field, which compiled code reads directly (an attribute getter is a call)."""
        self.variability = variability
        self.done = done
        self.queue: deque[_Job] = deque()
        self.in_service: dict[_Job, _Job] = {}
        """The jobs in service, in the order they started, each keyed by itself (hashed by
        identity, without an ``id`` made into a Python int at each use)."""
        self._finish_cb: Callable[[Wakeup], None] = self._finish
        """:meth:`_finish`, bound once: a bound method made at every service start costs
        a lookup by name and an allocation."""
        self.stats = ServerStats(env.now)
        self._n_in = 0
        self._t_in = 0.0
        self.units_in = 0.0
        """Units (trucks at a border post) of the lots in the system now, waiting or in
        service."""

    # -- bookkeeping of the time averages (Little's law) ------------------------------
    def _advance(self) -> None:
        now = self.clock.now
        st = self.stats
        dt = now - st.last_t
        if dt > 0.0:
            st.area_lots += self._n_in * dt
            st.area_tonnes += self._t_in * dt
            st.busy_time += len(self.in_service) * dt
            st.last_t = now

    def put(self, lots: list[Lot]) -> None:
        """Lots arrive together: each joins the line as its own job, in the order given
        (and starts at once if a server is free and nobody is waiting)."""
        self._advance()
        per_truck = self._per_truck
        now = self.clock.now
        queue = self.queue
        for lot in lots:
            tonnes = lot.tonnes
            job = _Job([lot], tonnes,
                       tonnes * (lot.trucks_per_t if per_truck else lot.product_per_t), now)
            self._n_in += 1
            self._t_in += tonnes
            self.units_in += job.units
            if len(self.in_service) < self.servers and self.capacity_factor > 0.0 \
                    and not queue:
                self._start(job)
            else:
                queue.append(job)

    def _start(self, job: _Job) -> None:
        st = self.stats
        n = len(job.lots)
        now = self.clock.now
        wait = now - job.t_in
        st.n_started += n
        st.wait_lot_days += wait * n
        st.add_wait(wait)  # a job is one lot (put)
        st.wait_tonne_days += wait * job.tonnes
        self.in_service[job] = job
        # The variability draw scales the work, so a later change of capacity scales
        # what is left of it (see set_capacity_factor).
        job.work_left = job.units * self.variability()
        job.speed = self.rate * self.capacity_factor
        job.t_speed = now
        job.wakeup = Wakeup(self.clock, job.work_left / job.speed, job, self._finish_cb)

    def _finish(self, ev: Wakeup) -> None:
        job: _Job = ev._value
        if ev is not job.wakeup:
            return  # rescheduled by a change of capacity
        # The job and its wakeup point at each other: unlinked here, both go with their last
        # reference instead of waiting for the cyclic collector (nearly all its work in a run;
        # tests/world/test_no_cyclic_garbage.py).
        job.wakeup = None
        self._advance()
        del self.in_service[job]
        st = self.stats
        n = len(job.lots)
        self._n_in -= n
        self._t_in -= job.tonnes
        self.units_in -= job.units
        st.n_done += n
        st.tonnes_done += job.tonnes
        st.units_done += job.units
        st.sojourn_lot_days += (self.clock.now - job.t_in) * n
        self._fill()
        self.done(job.lots)

    def _fill(self) -> None:
        while self.queue and len(self.in_service) < self.servers and self.capacity_factor > 0:
            self._start(self.queue.popleft())

    def set_capacity_factor(self, factor: float) -> None:
        """Scale the service rate from now on, for the work left on lots in service as
        well as for lots yet to start. 0 stops new services; lots in service then
        finish at the speed they had (a closure does not stop a clearance half done; the
        owner's ``done`` decides whether what finished may go on), and go at the new speed
        if capacity changes again before they finish."""
        self._advance()
        self.capacity_factor = max(0.0, float(factor))
        if self.capacity_factor > 0.0 and self.in_service:
            now = self.clock.now
            speed = self.rate * self.capacity_factor
            for job in self.in_service.values():
                if job.speed == speed:
                    continue
                job.work_left -= (now - job.t_speed) * job.speed
                job.speed = speed
                job.t_speed = now
                job.wakeup = Wakeup(self.clock, max(job.work_left, 0.0) / speed, job,
                                    self._finish_cb)
        self._fill()

    def stalled(self) -> list[Lot]:
        """Lots the server should be working on and is not: waiting in line while a server
        is free and the capacity open, or in service past the instant their service was due
        to end (the same sum :meth:`_start` and :meth:`set_capacity_factor` schedule it at).
        Always empty in a correct run; the mass-balance check reports any, as such lots
        would balance forever without ever moving on."""
        now = self.clock.now
        out: list[Lot] = []
        if self.queue and self.capacity_factor > 0.0 and len(self.in_service) < self.servers:
            out += [lot for job in self.queue for lot in job.lots]
        for job in self.in_service.values():
            if job.speed > 0.0 and job.t_speed + max(job.work_left, 0.0) / job.speed < now:
                out += job.lots
        return out

    def lots(self) -> list[Lot]:
        """Every lot waiting or in service."""
        return [lot for job in [*self.queue, *self.in_service.values()] for lot in job.lots]

    def close_day(self) -> None:
        """The day of length 1 ending now: count it a high-load day if the servers were busy at
        least :data:`HIGH_LOAD_SHARE` of it, at whatever speed a throttle left them (as
        ``utilisation`` counts busy time). Called once at each day's end, without bringing
        the time integrals up to now: the busy servers since the last change are counted
        here instead, which leaves the integrals as they were."""
        st = self.stats
        busy = st.busy_time + len(self.in_service) * (self.clock.now - st.last_t)
        # a day busy exactly 90% (a fixed service of 0.9 days) is a high-load day whatever the
        # rounding of t + 0.9 - t (review 144: 13 of 40 such days counted)
        if busy - st.busy_mark >= HIGH_LOAD_SHARE * self.servers - 1e-9:
            st.high_load_days += 1
        st.busy_mark = busy

    def reset_stats(self) -> None:
        """Start the statistics afresh from now (end of warm-up)."""
        self._advance()
        self.stats.reset(self.clock.now)

    def finish_stats(self) -> ServerStats:
        """Bring the time integrals up to now and return the statistics."""
        self._advance()
        return self.stats


class _Job:
    """A lot in a server (as a one-lot list, the form ``done`` takes): its tonnes and
    units, and when it joined the line."""

    __slots__ = ("lots", "speed", "t_in", "t_speed", "tonnes", "units", "wakeup",
                 "work_left")

    def __init__(self, lots: list[Lot], tonnes: float, units: float, t_in: float) -> None:
        self.lots = lots
        self.tonnes = tonnes
        self.units = units
        self.t_in = t_in
        # Set when service starts: the units of work left (the variability draw included)
        # as of t_speed, the units per day it goes at since then, and the event that ends it.
        self.work_left = 0.0
        self.speed = 0.0
        self.t_speed = t_in
        self.wakeup: Any = None
