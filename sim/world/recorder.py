"""Daily records of the measured period, kept in numpy arrays.

Flows are added at the moment they happen into the bucket of that day; stocks, prices and
tonnes in transit are snapshots taken at the end of each day. Nothing is stored per lot.
:func:`sim.metrics.series.aggregate` turns these arrays into the output time series.

What the markets' daily step leaves in plain floats (prices, demand, consumption) is kept
as it comes (:class:`~sim.world.rowbuffer.RowBuffer`) and becomes rows of the arrays when
the run finishes: writing a short list into a row of an array costs numpy's conversion of
the list every day, several times what the day's arithmetic costs.
"""

from __future__ import annotations

import math
from collections.abc import Collection

import numpy as np

from sim.world.rowbuffer import RowBuffer


class Recorder:
    """Daily arrays for ``n_days`` days from ``t0``.

    Shapes: ``mined``, ``exported`` and ``exported_payable`` (tonnes exported x the payable
    share of their form) [day, commodity, channel + 1] (the last channel column is refined
    metal); ``delivered`` and ``arrivals`` [day, commodity, country]; ``refined`` [day,
    commodity, country] (metal the refiners of each country recovered that day);
    ``demand``, ``consumed`` and ``shortfall`` [day, commodity, market]; ``price`` [day,
    commodity]; ``stock`` [day, commodity, site kind]; ``in_transit`` [day, commodity];
    ``site_held`` [day, named site, commodity] and ``held_trucks`` [day, named border
    post] for the scenario's ``series_sites``; ``lane_waiting`` [day, named lane,
    commodity] for its ``series_lanes``.
    """

    def __init__(self, t0: float, horizon_days: float, n_commodities: int, n_channels: int,
                 n_countries: int, n_markets: int, n_kinds: int, n_series_sites: int = 0,
                 n_series_posts: int = 0, n_series_lanes: int = 0) -> None:
        self.t0 = t0
        self.n_days = int(math.ceil(horizon_days))
        d, c = self.n_days, n_commodities
        self.mined = np.zeros((d, c, n_channels + 1))
        self.exported = np.zeros((d, c, n_channels + 1))
        self.exported_payable = np.zeros((d, c, n_channels + 1))
        self.delivered = np.zeros((d, c, n_countries))
        self.arrivals = np.zeros((d, c, n_countries))
        self.refined = np.zeros((d, c, n_countries))
        """Tonnes refined (recovered metal) by the refiners of each destination country,
        recorded at each day's end from the refiners' cumulative counters."""
        self.demand_flat = np.zeros((d, n_markets * c))
        """Demand by day and [market x commodity] slot, as the daily step writes it."""
        self.consumed_flat = np.zeros((d, n_markets * c))
        self.demand = self.demand_flat.reshape(d, n_markets, c).transpose(0, 2, 1)
        self.consumed = self.consumed_flat.reshape(d, n_markets, c).transpose(0, 2, 1)
        self.shortfall = np.zeros((d, c, n_markets))
        """Demand not met; filled by :meth:`finish`."""
        self.price = np.ones((d, c))
        """Price index by day and commodity: the price as a ratio to the commodity's
        reference price (1 = the reference), not USD."""
        self.stock_by_kind = np.zeros((d, n_kinds, c))
        """The stocks, laid out for the daily matrix product that fills them."""
        self.stock = self.stock_by_kind.transpose(0, 2, 1)
        self.in_transit = np.zeros((d, c))
        """Tonnes on lanes at each day's end, by commodity (the series ``in_transit_t``)."""
        self.site_held = np.zeros((d, n_series_sites, c))
        self.held_trucks = np.zeros((d, n_series_posts))
        self.lane_waiting = np.zeros((d, n_series_lanes, c))
        self.days_kept = 0
        """Measured days whose markets' step has been kept (:meth:`keep_markets`)."""
        self._price_kept = RowBuffer(c, d)
        self._demand_kept = RowBuffer(n_markets * c, d)
        self._consumed_kept = RowBuffer(n_markets * c, d)

    def day(self, now: float) -> int:
        """Index of the measured day containing time ``now``; -1 outside the period."""
        k = math.floor(now - self.t0)
        return k if 0 <= k < self.n_days else -1

    def keep_markets(self, day: int, price: Collection[float], demand: Collection[float],
                     consumed: Collection[float]) -> None:
        """Keep measured day ``day``'s price index by commodity and its demand and
        consumption by [market x commodity] slot, in the layouts of ``price``,
        ``demand_flat`` and ``consumed_flat``; they reach those arrays in :meth:`finish`.
        Days are kept in order from 0, each once: a RuntimeError otherwise."""
        if day != self.days_kept:
            raise RuntimeError(f"day {day} kept after {self.days_kept} days: the measured "
                               f"days must be kept in order, each once")
        self._price_kept.append(price)
        self._demand_kept.append(demand)
        self._consumed_kept.append(consumed)
        self.days_kept = day + 1

    def finish(self) -> None:
        """Write the kept days into their arrays and derive what follows from the daily
        records (shortfall = demand - consumed)."""
        n = self.days_kept
        for target, kept in ((self.price, self._price_kept),
                             (self.demand_flat, self._demand_kept),
                             (self.consumed_flat, self._consumed_kept)):
            if n:
                target[:n] = kept.array()
            kept.clear()
        self.days_kept = 0
        np.subtract(self.demand, self.consumed, out=self.shortfall)
