"""The day book: every flow of metal booked lot by lot as it happens, one row per day.

Mines book what they produce, lanes what leaves the exporting country, destinations what
reaches them (with its lead time). These are the simulation's commonest calls, so a day's
flows go into one flat row of floats (a :data:`~sim.world.floatrows.FloatRow`), cheap to
add to; at the day's end the row is kept as a row of a
:class:`~sim.world.rowbuffer.RowBuffer` (one numpy call a day at most), and cumulative
flows and the recorder's daily arrays are sums and slices of those rows, taken when they are
asked for.

One of the modules the compiled build compiles (``setup.py``): its hot methods then run
as C, with the same floating-point operations in the same order as in plain Python. They
add to row items as ``buf[i] = buf[i] + x``, not ``buf[i] += x``, which mypyc compiles
as a generic in-place add of two boxed floats (CONTRIBUTING.md, "The compiled build").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from sim.world.floatrows import float_row, row_view
from sim.world.lots import Lot
from sim.world.rowbuffer import RowBuffer
from sim.world.wakeups import Clock

if TYPE_CHECKING:
    from sim.world.floatrows import FloatRow

LEAD_BINS = 400
"""Whole days of lead time told apart in the per-route lead-time histograms."""
CHANNEL_FLOWS = ("mined", "diverted", "exported", "delivered", "lead", "exported_payable")
"""Flows booked per [commodity, channel] during a day (lead: lead days x tonnes;
exported_payable: tonnes exported x the payable share of their form)."""


class DayBook:
    """The flows of metal of a world with ``n_commodities`` commodities, ``n_channels``
    channels and ``n_countries`` destination countries, with room made at once for
    ``n_rows`` days (more is made as needed).

    The day buffer :attr:`buf` has, in this order: one [commodity, channel + 1] plane per
    name of :data:`CHANNEL_FLOWS` (the last column is refined metal, channel -1), then
    tonnes reaching markets and tonnes from mines delivered, each [commodity, country].
    ``site_country`` gives each site's destination country index (-1 for sites that are
    not destinations). ``clock`` is the world's :class:`~sim.world.wakeups.Clock` (its time
    times lead times).
    """

    def __init__(self, clock: Clock, n_commodities: int, n_channels: int, n_countries: int,
                 site_country: list[int], n_rows: int) -> None:
        self.clock = clock
        self.n_commodities = n_commodities
        self.n_k1 = n_channels + 1
        """Columns of a channel plane: the channels and refined metal."""
        self.n_countries = n_countries
        self.site_country = site_country
        plane = n_commodities * self.n_k1
        self.plane = plane
        self.o_diverted = CHANNEL_FLOWS.index("diverted") * plane
        """Offset of the diverted plane in :attr:`buf` (mines add to it directly)."""
        self.o_exported = CHANNEL_FLOWS.index("exported") * plane
        self.o_delivered = CHANNEL_FLOWS.index("delivered") * plane
        self.o_lead = CHANNEL_FLOWS.index("lead") * plane
        self.o_payable = CHANNEL_FLOWS.index("exported_payable") * plane
        self.o_arrivals = len(CHANNEL_FLOWS) * plane
        self.o_delivered_country = self.o_arrivals + n_commodities * n_countries
        self.zeros = [0.0] * (self.o_delivered_country + n_commodities * n_countries)
        self.buf: FloatRow = float_row(self.zeros)
        """Today's flows: a row that lives as long as the book. Tonnes mined for channel
        k of commodity c go to slot ``c * (n_channels + 1) + k``."""
        self._buf_view = row_view(self.buf)
        """:attr:`buf` as an array sharing its memory, which a day's end copies as the day's
        row and clears item by item; None where it is a list (plain Python), whose values
        a day's end packs (:meth:`RowBuffer.append`) and clears with one slice assignment."""
        self._closed = RowBuffer(len(self.zeros), n_rows)
        """Each closed day's flows, a row each in the layout of :attr:`buf`."""
        self.row_day: list[int] = []
        """Measured day of each closed day (-1 in the warm-up)."""
        self.n_closed = 0
        """Days closed so far."""
        self.lead_hist: dict[tuple[int, int], list[float]] = {}
        """(route index, commodity) -> tonnes delivered by whole days of lead time (bin i
        holds leads in [i, i+1) days; the last bin everything from LEAD_BINS days on)."""
        self.route_lead_tonne_days: dict[tuple[int, int], float] = {}
        """(route index, commodity) -> sum of lead days x tonnes delivered."""

    def record_mined(self, commodity: int, channel: int, tonnes: float,
                     diverted: float) -> None:
        """A mine produced ``tonnes`` for ``channel``, of which ``diverted`` went there
        only because a shock moved output to that channel."""
        buf = self.buf
        at = commodity * self.n_k1 + channel
        buf[at] = buf[at] + tonnes
        if diverted > 0.0:
            at += self.o_diverted
            buf[at] = buf[at] + diverted

    def record_export(self, lot: Lot) -> None:
        """A lot leaves the exporting country. Refined metal (channel -1, from a refiner
        inside the country) is booked in the last, refined, column."""
        n_k1 = self.n_k1
        at = lot.commodity * n_k1 + (lot.channel if lot.channel >= 0 else n_k1 - 1)
        buf = self.buf
        i = self.o_exported + at
        buf[i] = buf[i] + lot.tonnes
        i = self.o_payable + at
        buf[i] = buf[i] + lot.tonnes * lot.payable

    def record_arrival(self, lot: Lot, site_index: int, at_market: bool) -> None:
        """A lot reached a refiner, market (``at_market``) or stockpile, the site of index
        ``site_index``."""
        c = lot.commodity
        tonnes = lot.tonnes
        buf = self.buf
        at_country = c * self.n_countries + self.site_country[site_index]
        if at_market:
            i = self.o_arrivals + at_country
            buf[i] = buf[i] + tonnes
        if lot.channel >= 0:  # metal from a mine reaching its first destination
            now: float = self.clock.now
            lead_days = now - lot.t_mined
            at = c * self.n_k1 + lot.channel
            i = self.o_delivered + at
            buf[i] = buf[i] + tonnes
            i = self.o_lead + at
            buf[i] = buf[i] + lead_days * tonnes
            i = self.o_delivered_country + at_country
            buf[i] = buf[i] + tonnes
            key = (lot.route, c)
            hist = self.lead_hist.get(key)
            if hist is None:
                hist = [0.0] * (LEAD_BINS + 1)
                self.lead_hist[key] = hist
                self.route_lead_tonne_days[key] = 0.0
            parts = lot.parts
            if parts is None:
                i = min(int(lead_days), LEAD_BINS)
                hist[i] = hist[i] + tonnes
            else:  # a merged cargo: each lot in it by its own lead time
                for part in parts:
                    i = min(int(now - part[0]), LEAD_BINS)
                    hist[i] = hist[i] + part[1]
            tonne_days = self.route_lead_tonne_days
            tonne_days[key] = tonne_days[key] + lead_days * tonnes

    def close_day(self, day: int, arrivals_by_commodity: bool) -> list[float] | None:
        """Keep the day's flows as the next row (``day`` its measured day, -1 in the
        warm-up) and start the next day's buffer. Returns the tonnes that reached markets
        today by commodity if ``arrivals_by_commodity``, else None."""
        buf = self.buf
        arrivals: list[float] | None = None
        if arrivals_by_commodity:
            at, n = self.o_arrivals, self.n_countries
            arrivals = [sum(buf[at + c * n:at + (c + 1) * n])
                        for c in range(self.n_commodities)]
        view = self._buf_view
        if view is None:
            self._closed.append(buf)
            cast("list[float]", buf)[:] = self.zeros
        else:
            self._closed.append_array(view)
            for i in range(len(buf)):
                buf[i] = 0.0
        self.row_day.append(day)
        self.n_closed += 1
        return arrivals

    @property
    def rows(self) -> np.ndarray:
        """Each closed day's flows, [day closed, flow] in the layout of :attr:`buf` (a new
        array)."""
        return self._closed.array()

    def flows_so_far(self) -> np.ndarray:
        """Cumulative flows in the layout of :attr:`buf`, today's open day included."""
        return self._closed.sum() + np.array(self.buf)

    def channel_flow(self, name: str) -> np.ndarray:
        """A cumulative flow so far, [commodity, channel + 1] (the last column is refined
        metal): ``name`` is one of :data:`CHANNEL_FLOWS`; a ValueError for another."""
        at = CHANNEL_FLOWS.index(name) * self.plane
        flows = self.flows_so_far()[at:at + self.plane]
        return flows.reshape(self.n_commodities, self.n_k1)

    def fill_daily_records(self, recorder: Any) -> None:
        """Add the measured days' flows to the recorder's daily arrays (``mined``,
        ``exported``, ``exported_payable``, ``arrivals``, ``delivered``)."""
        rows = self.rows
        days = np.array(self.row_day, dtype=int)
        measured = days >= 0
        rows, days = rows[measured], days[measured]
        n_c, n_k1 = self.n_commodities, self.n_k1
        plane = self.plane
        n_days = len(days)
        for target, start, stop, shape in (
                (recorder.mined, 0, plane, (n_days, n_c, n_k1)),
                (recorder.exported, self.o_exported, self.o_exported + plane,
                 (n_days, n_c, n_k1)),
                (recorder.exported_payable, self.o_payable, self.o_payable + plane,
                 (n_days, n_c, n_k1)),
                (recorder.arrivals, self.o_arrivals, self.o_delivered_country,
                 (n_days, n_c, -1)),
                (recorder.delivered, self.o_delivered_country, len(self.zeros),
                 (n_days, n_c, -1))):
            # each measured day is closed once (whole-day horizons), so its row is
            # written once
            target[days] = rows[:, start:stop].reshape(shape)

