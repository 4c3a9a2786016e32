"""Time series of one replication, in periods of ``series_period_days`` (weekly by default).

The catalogue of series depends only on the scenario, so every replication of a scenario
returns a cube of the same shape ``[series, period]`` and results can be stacked without
labels travelling with each replication. Flows are summed over a period. Levels (stocks,
tonnes in transit, the price index) are the mean over the period's days of each day's
end-of-day value: stock_t and in_transit_t are what is held at the end of each day, taken
at midnight before anything due at that instant happens (a ship sailing at midnight, a
lot arriving then), not averages over time. Where lots leave in batches at whole days this
reads high: a port with weekly sailings at midnight is counted with the last day's arrivals
still on the quay, about half a day's inflow above the time-average holding (Poisson
arrivals of 1 t a day and 7-day sailings: stock_t's mean 4.0 t, where Little's law gives
3.5 t = 1 t/day x the 3.5 days mean_dwell_days reports, which is time-based and right).

Every period starts on one of ``catalogue.dates`` and lasts ``series_period_days`` days,
except the last when the horizon is not a whole number of periods: a 60-day horizon in
weeks is 8 full weeks and a last period of 4 days. That period's flows are sums over its 4
days only, so they look low beside full weeks. With ``series_period_days: month`` the
periods are calendar months: the first runs from ``start`` to the end of its month, each
next one is a whole month, and the last is cut at the horizon (from 2025-01-15 over 75
days: 17, 28 and 30 days), so periods differ in length by design. ``catalogue.days``
gives the days measured in each period, and the series tables (``Results.series``,
``Results.series_summary()`` and ``series.csv.gz`` in a results folder) carry it as a
``days`` column: divide a flow by ``days`` for tonnes per day, comparable across periods.
The values themselves are the plain sums and means.

=================  =========================  ==============================================
metric             key                        meaning
=================  =========================  ==============================================
mined_t            channel                    mined, by the channel that takes it
exported_t         channel, or ``refined``    left the exporting country (``refined``: metal
                                              from refiners in the exporting country, a
                                              series only scenarios with one have)
delivered_t        destination country        reached a first refiner, market or stockpile
market_arrivals_t  destination country        reached a market (direct or from refiners)
refined_t          refiner country            refined (metal recovered) by the network's
                                              refiner sites in that country: a series per
                                              commodity and country of the refiners that
                                              refine it (none without refiners)
demand_t           market                     demand
consumed_t         market                     consumption
shortfall_t        market                     demand not met
price_index        world                      price index (1 = reference price)
stock_t            site kind                  held at sites of that kind at each day's end
in_transit_t       all                        on lanes at each day's end
held_t             site (``series_sites``)    held at that site at each day's end
held_trucks        border post                trucks in line, in clearance or held after
                   (``series_sites``;         it at each day's end (as
                   commodity ``all``)         ``peak_held_trucks`` counts them)
waiting_t          lane (``series_lanes``)    waiting to set off on that lane at each day's
                                              end: in its loading queue, loading, or held
                                              back at its entrance by a closure
=================  =========================  ==============================================

``refined_t`` is recorded at each day's end (when refiners refine) from the refiners'
cumulative counters, from the start of the measured period: summed over the periods, a
country's series is the sum of the ``refined_t`` KPI rows of its refiner sites (to the
float32 precision of the stored series), and the countries' shares of those sums are the
``refined_share`` KPI. Over a window (a ban's months) the same sums give that window's
shares.

``held_t`` and ``held_trucks`` exist only for the sites a scenario names in
``series_sites``, and ``waiting_t`` for the lanes it names in ``series_lanes`` (none by
default: each adds a series per commodity to every replication);
:func:`~sim.output.figures.queues_figure` draws them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.scenario.schema import MONTH, SITE_KINDS, Scenario
from sim.scenario.schema import Refiner as RefinerSpec

if TYPE_CHECKING:
    from sim.world.world import World

SeriesKey = tuple[str, str, str, str]
"""(commodity, metric, key, unit)."""

REFINED = "refined"
"""Key of the refined metal refiners in the exporting country export (no channel carries
it; the scenario checks keep channels from taking the name)."""

HELD_RESIDUE_T = 1e-9
"""Tonnes held below which a holding is floating-point residue, not metal (a microgram).
Holdings are counted from the ledger as what came in minus what went out: a lot split by a
seizure or a diversion leaves as ``0.8 x`` and ``0.2 x``, whose sum can differ from ``x`` in
the last bits, so a border post that held nothing at a day's end showed 3.75e-12 t, and a
comparison reported that residue as a significant site effect (review 56)."""
HELD_RESIDUE_SHARE = 1e-12
"""Also residue: holdings within this share of the tonnes that passed (rounding of a sum of
``F`` tonnes is of order ``1e-16 F`` per addition; a site handling 10 Mt would otherwise
show residues above :data:`HELD_RESIDUE_T`)."""


def snap_held(held: np.ndarray | float, passed: np.ndarray | float) -> np.ndarray:
    """``held`` (tonnes) with floating-point residue set to exactly 0: values within
    :data:`HELD_RESIDUE_T` of 0, or within :data:`HELD_RESIDUE_SHARE` of ``passed`` (the
    tonnes that passed, broadcast against ``held``). NaN stays NaN."""
    held = np.asarray(held, dtype=float)
    tol = np.maximum(HELD_RESIDUE_T, HELD_RESIDUE_SHARE * np.abs(np.asarray(passed, float)))
    return np.where(np.abs(held) <= tol, 0.0, held)


def passed_t(world: World) -> np.ndarray:
    """Tonnes by commodity that entered the network's sites since the ledger opened (mined,
    supplied, received from lanes): the scale of the residue of holdings counted from it."""
    led = world.ledger
    return (led.site_in.sum(axis=0) + led.mined.sum(axis=0) + led.supplied.sum(axis=0)
            + np.abs(led.opening_site).sum(axis=0))


FLOW_METRICS = ("mined_t", "exported_t", "delivered_t", "market_arrivals_t", "refined_t",
                "demand_t", "consumed_t", "shortfall_t")


@dataclass(frozen=True)
class SeriesCatalogue:
    """Which series a scenario produces, and the start date and length of each period."""

    keys: list[SeriesKey]
    period_days: int | str
    """Length of a full period, days; or ``"month"`` for calendar months."""
    dates: list[dt.date]
    """First day of each period."""
    days: list[int]
    """Days measured in each period: ``period_days``, except fewer in a last period cut
    short by the horizon (with months: the days of each period's month from its first
    date, the first and last cut at ``start`` and the horizon; see :attr:`first_cut_days`
    and :attr:`cut_days`). Flows are summed over these days, and levels are the mean of
    their end-of-day values on these days."""

    @property
    def n_periods(self) -> int:
        return len(self.dates)

    @property
    def monthly(self) -> bool:
        """Whether the periods are calendar months."""
        return self.period_days == MONTH

    @property
    def period_text(self) -> str:
        """The period in words: ``calendar months`` or ``N days``."""
        return "calendar months" if self.monthly else f"{self.period_days} days"

    @property
    def cut_days(self) -> int:
        """Days of a last period the horizon cuts short (0 when it ends where a whole period
        would): fewer than ``period_days``, or with months, a last period that stops before
        its month's end."""
        if not self.days:
            return 0
        last = self.days[-1]
        if self.monthly:
            end = self.dates[-1] + dt.timedelta(days=last)
            return 0 if end.day == 1 else last
        return last if last < int(self.period_days) else 0

    @property
    def first_cut_days(self) -> int:
        """Days of a first period the start cuts short: with months, a run starting after
        the 1st has a first period of the rest of that month (from 2025-01-15: 17 days).
        0 when the run starts on the 1st, and always 0 with periods of N days, which start
        at ``start``. A one-period run may be cut at both ends: then this and
        :attr:`cut_days` both give its days."""
        if not self.days or not self.monthly:
            return 0
        return 0 if self.dates[0].day == 1 else self.days[0]


def destination_countries(sc: Scenario) -> list[str]:
    """Countries of refiners, markets and stockpiles, sorted (the world's country order)."""
    return sorted({sc.country_of(s) for s, site in sc.sites.items()
                   if site.kind in ("refiner", "market", "stockpile")})


def refiner_countries(sc: Scenario, commodity: str) -> list[str]:
    """Countries of the refiners that refine ``commodity`` (have a capacity for it),
    sorted: the keys of its ``refined_t`` series, as of its ``refined_share`` KPI rows."""
    return sorted({sc.country_of(s) for s, site in sc.sites.items()
                   if isinstance(site, RefinerSpec) and commodity in site.capacity_t_per_year})


def catalogue(sc: Scenario) -> SeriesCatalogue:
    """The series ``sc`` produces."""
    keys: list[SeriesKey] = []
    countries = destination_countries(sc)
    market_countries = sorted({sc.country_of(s) for s, site in sc.sites.items()
                               if site.kind == "market"})
    markets = [s for s, site in sc.sites.items() if site.kind == "market"]
    kinds = [k for k in SITE_KINDS if any(site.kind == k for site in sc.sites.values())]
    refines_at_home = any(site.kind == "refiner" and sc.country_of(s) == sc.exporting_country
                          for s, site in sc.sites.items())
    for com in sc.commodities:
        keys += [(com, "mined_t", ch, "t") for ch in sc.channels]
        keys += [(com, "exported_t", ch, "t") for ch in sc.channels]
        if refines_at_home:
            keys.append((com, "exported_t", REFINED, "t"))
        keys += [(com, "delivered_t", c, "t") for c in countries]
        keys += [(com, "market_arrivals_t", c, "t") for c in market_countries]
        keys += [(com, "refined_t", c, "t") for c in refiner_countries(sc, com)]
        keys += [(com, "demand_t", m, "t") for m in markets
                 if com in sc.sites[m].demand_t_per_year]
        keys += [(com, "consumed_t", m, "t") for m in markets
                 if com in sc.sites[m].demand_t_per_year]
        keys += [(com, "shortfall_t", m, "t") for m in markets
                 if com in sc.sites[m].demand_t_per_year]
        keys.append((com, "price_index", "world", "ratio"))
        keys += [(com, "stock_t", k, "t") for k in kinds]
        keys.append((com, "in_transit_t", "all", "t"))
        keys += [(com, "held_t", s, "t") for s in sc.series_sites]
        keys += [(com, "waiting_t", lid, "t") for lid in sc.series_lanes]
    # trucks carry every commodity: one series per border post, as World records them
    keys += [("all", "held_trucks", s, "trucks") for s in sc.series_posts()]
    n_days = math.ceil(sc.horizon)  # the days the recorder keeps
    if sc.series_period_days == MONTH:
        dates, days = month_periods(sc.start, n_days)
        return SeriesCatalogue(keys, MONTH, dates, days)
    period = int(sc.series_period_days)
    n_periods = math.ceil(n_days / period)
    dates = [sc.start + dt.timedelta(days=i * period) for i in range(n_periods)]
    days = [min(period, n_days - i * period) for i in range(n_periods)]
    return SeriesCatalogue(keys, period, dates, days)


def month_periods(start: dt.date, n_days: int) -> tuple[list[dt.date], list[int]]:
    """First day and days measured of each calendar-month period of ``n_days`` days from
    ``start``: the first period runs to the end of ``start``'s month, each next one is a
    whole month, and the last is cut at ``n_days``."""
    dates: list[dt.date] = []
    days: list[int] = []
    done = 0
    while done < n_days:
        first = start + dt.timedelta(days=done)
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        length = min((following - first).days, n_days - done)
        dates.append(first)
        days.append(length)
        done += length
    return dates, days


def _periods(daily: np.ndarray, period: int | str, n_periods: int, how: str,
             days: list[int] | None = None) -> np.ndarray:
    """Sum or average a daily array (days first) over periods. A last period short of
    ``period`` days is summed or averaged over the days it has (see
    :attr:`SeriesCatalogue.days`). Periods of unequal length (months) are taken from
    ``days``, each summed or averaged over its own days."""
    if period == MONTH:
        if days is None:
            raise ValueError("calendar-month periods need the days of each period")
        reduce = np.nansum if how == "sum" else np.nanmean
        edges = np.cumsum([0, *days])
        out = np.full((len(days), *daily.shape[1:]), np.nan)
        for i in range(len(days)):
            a, b = int(edges[i]), int(min(edges[i + 1], daily.shape[0]))
            if b > a:  # a recorder that kept fewer days leaves the period empty, as above
                out[i] = reduce(daily[a:b], axis=0)
            elif how == "sum":
                out[i] = 0.0
        return out
    period = int(period)
    n_days = daily.shape[0]
    pad = n_periods * period - n_days
    if pad:
        filler = np.full((pad, *daily.shape[1:]), np.nan)
        daily = np.concatenate([daily, filler])
    blocks = daily.reshape(n_periods, period, *daily.shape[1:])
    return np.nansum(blocks, axis=1) if how == "sum" else np.nanmean(blocks, axis=1)


def aggregate(world: World, cat: SeriesCatalogue) -> np.ndarray:
    """The replication's series as a float32 cube ``[len(cat.keys), cat.n_periods]``."""
    rec = world.recorder
    p, n, d = cat.period_days, cat.n_periods, cat.days
    sums = {
        "mined_t": _periods(rec.mined, p, n, "sum", d),
        "exported_t": _periods(rec.exported, p, n, "sum", d),
        "delivered_t": _periods(rec.delivered, p, n, "sum", d),
        "market_arrivals_t": _periods(rec.arrivals, p, n, "sum", d),
        "refined_t": _periods(rec.refined, p, n, "sum", d),
        "demand_t": _periods(rec.demand, p, n, "sum", d),
        "consumed_t": _periods(rec.consumed, p, n, "sum", d),
        "shortfall_t": _periods(rec.shortfall, p, n, "sum", d),
    }
    means = {
        "price_index": _periods(rec.price, p, n, "mean", d),
        "stock_t": _periods(rec.stock, p, n, "mean", d),
        "in_transit_t": _periods(rec.in_transit, p, n, "mean", d),
    }
    if rec.site_held.shape[1]:
        means["held_t"] = _periods(rec.site_held, p, n, "mean", d)
        held_i = {s: i for i, s in enumerate(world.sc.series_sites)}
    if rec.held_trucks.shape[1]:
        means["held_trucks"] = _periods(rec.held_trucks, p, n, "mean", d)
        truck_i = {s: i for i, s in enumerate(world.sc.series_posts())}
    if rec.lane_waiting.shape[1]:
        # counted from the lots themselves: no ledger rounding to snap
        means["waiting_t"] = _periods(rec.lane_waiting, p, n, "mean", d)
        waiting_i = {lid: i for i, lid in enumerate(world.sc.series_lanes)}
    # holdings are counted from the ledger's flows: a day that held nothing can show a
    # residue of their rounding (HELD_RESIDUE_T)
    passed = passed_t(world)
    means["stock_t"] = snap_held(means["stock_t"], passed[None, :, None])
    means["in_transit_t"] = snap_held(means["in_transit_t"], passed[None, :])
    if "held_t" in means:
        means["held_t"] = snap_held(means["held_t"], passed[None, None, :])
    com_i = world.commodity_index
    chan_i = world.channel_index
    country_i = world.country_index
    market_i = {mid: i for i, mid in enumerate(world.market_ids)}
    kind_i = {k: i for i, k in enumerate(world.kinds)}
    out = np.empty((len(cat.keys), n), dtype=np.float32)
    for row, (com, metric, key, _unit) in enumerate(cat.keys):
        if metric == "held_trucks":
            out[row] = means["held_trucks"][:, truck_i[key]]
            continue
        c = com_i[com]
        if metric in ("mined_t", "exported_t"):
            # refined metal is booked in the column after the channels'
            k = len(chan_i) if key == REFINED else chan_i[key]
            out[row] = sums[metric][:, c, k]
        elif metric in ("delivered_t", "market_arrivals_t", "refined_t"):
            out[row] = sums[metric][:, c, country_i[key]]
        elif metric in ("demand_t", "consumed_t", "shortfall_t"):
            out[row] = sums[metric][:, c, market_i[key]]
        elif metric == "price_index":
            out[row] = means["price_index"][:, c]
        elif metric == "stock_t":
            out[row] = means["stock_t"][:, c, kind_i[key]]
        elif metric == "in_transit_t":
            out[row] = means["in_transit_t"][:, c]
        elif metric == "held_t":
            out[row] = means["held_t"][:, held_i[key], c]
        elif metric == "waiting_t":
            out[row] = means["waiting_t"][:, waiting_i[key], c]
        else:  # pragma: no cover - the catalogue has no other metric
            raise ValueError(metric)
    return out
