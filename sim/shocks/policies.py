"""Policies at run time.

* :class:`ExportGate` holds every export ban and quota on one commodity and tells a mine
  how much of a dispatch may leave the country; what may not stays in the mine's
  stockyard, up to the policy's stock limit, beyond which the mine curtails. Only exports
  are gated: a mine's lot on a route that stays in the country (to a refiner, stockpile or
  market at home) passes freely and draws no quota, while a refiner's sales abroad are
  gated too (:meth:`ExportGate.allow_refined`), its held metal waiting in its output.
* :class:`QuotaState` keeps each mine's allowance as buckets that expire (carry-over).
* :class:`DealState`, corridor upgrades, :class:`StockpileController`, security-support
  multipliers and :class:`ExportControlState` are the other policies' state.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.scenario.shock_schema import ExportQuota, QuotaPeriod
from sim.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from sim.world.mines import Mine
    from sim.world.world import World

_EPS = 1e-9


# ----------------------------------------------------------------------------- bans, quotas
@dataclass
class BanState:
    """An export ban: which channels it stops, and whether it is in force.

    It stops exports, metal leaving ``country``: lots of mines there on routes that leave
    it and, if ``channels`` is None, refined metal its refiners sell abroad."""

    ident: str
    country: str
    channels: frozenset[int] | None
    stock_limit_days: float | None
    active: bool = False


@dataclass
class QuotaState:
    """An export quota's allowances, per mine, as (tonnes, expiry time) buckets.

    Mines draw on their own buckets (:meth:`take`) for lots on routes that leave
    ``country``; refiners there, for refined metal sold abroad, on every mine's
    (:meth:`take_pooled`)."""

    ident: str
    spec: ExportQuota
    country: str
    channels: frozenset[int] | None
    shares: dict[int, float]
    """Mine site index -> share of each period's allocable tonnes."""
    first_export_t: float
    stock_limit_days: float | None
    buckets: dict[int, list[list[float]]] = field(default_factory=dict)
    active: bool = False
    exported: float = 0.0
    """Tonnes exported under the quota so far."""

    def grant(self, tonnes: float, expiry: float) -> None:
        """A period opens: each mine gets its share of ``tonnes``, usable until ``expiry``."""
        allocable = tonnes * (1.0 - self.spec.strategic_share)
        for mine, share in self.shares.items():
            self.buckets.setdefault(mine, []).append([allocable * share, expiry])

    def accrue(self, tonnes: float, expiry: float) -> None:
        """One day's release of a ``daily`` quota: each mine's share of ``tonnes`` (before
        the strategic share), usable until ``expiry`` (simulation days).

        Added to the mine's bucket of the same expiry when it has one: a period's days all
        expire together, and a bucket per day would leave :meth:`take` sorting hundreds of
        buckets per dispatch when the allowance goes unused under carry-over."""
        allocable = tonnes * (1.0 - self.spec.strategic_share)
        for mine, share in self.shares.items():
            buckets = self.buckets.setdefault(mine, [])
            if buckets and buckets[-1][1] == expiry:
                buckets[-1][0] += allocable * share
            else:
                buckets.append([allocable * share, expiry])

    def remaining(self, mine: int, now: float) -> float:
        """Tonnes of allowance ``mine`` (site index) can still use at ``now`` (simulation
        days): its unexpired buckets; expired and empty ones are dropped."""
        buckets = self.buckets.get(mine, [])
        buckets[:] = [b for b in buckets if b[1] > now and b[0] > _EPS]
        return sum(b[0] for b in buckets)

    def next_expiry(self, mine: int, now: float) -> float:
        """When the mine's allowance that runs out first expires (inf if it has none)."""
        if now < self.first_export_t:
            return math.inf
        live = [b[1] for b in self.buckets.get(mine, []) if b[1] > now and b[0] > _EPS]
        return min(live, default=math.inf)

    def take(self, mine: int, tonnes: float, now: float) -> float:
        """Use up to ``tonnes`` of the mine's allowance (earliest expiry first)."""
        if now < self.first_export_t:
            return 0.0
        buckets = self.buckets.get(mine, [])
        buckets[:] = sorted((b for b in buckets if b[1] > now and b[0] > _EPS),
                            key=lambda b: b[1])
        used = 0.0
        for b in buckets:
            if used >= tonnes:
                break
            step = min(b[0], tonnes - used)
            b[0] -= step
            used += step
        self.exported += used
        return used

    def next_pooled_expiry(self, now: float) -> float:
        """When the first of any mine's allowance expires (inf if none is left)."""
        if now < self.first_export_t:
            return math.inf
        return min((b[1] for buckets in self.buckets.values() for b in buckets
                    if b[1] > now and b[0] > _EPS), default=math.inf)

    def take_pooled(self, tonnes: float, now: float) -> float:
        """Use up to ``tonnes`` of the allowance of all mines together (a refiner's exports):
        the allowance that expires first first, and of allowance expiring at the same time
        each mine's in proportion to what it has. Returns the tonnes taken."""
        if now < self.first_export_t:
            return 0.0
        groups: dict[float, list[list[float]]] = {}
        for buckets in self.buckets.values():
            for b in buckets:
                if b[1] > now and b[0] > _EPS:
                    groups.setdefault(b[1], []).append(b)
        used = 0.0
        for expiry in sorted(groups):
            if used >= tonnes:
                break
            group = groups[expiry]
            have = sum(b[0] for b in group)
            step = min(have, tonnes - used)
            for b in group:
                b[0] -= step * (b[0] / have)
            used += step
        self.exported += used
        return used


class ExportGate:
    """Every ban and quota on one commodity; consulted for exports from the policy's
    country: mines' lots on routes that leave it (:meth:`allow_shared`) and refiners' sales
    abroad (:meth:`allow_refined`)."""

    def __init__(self) -> None:
        self.bans: list[BanState] = []
        self.quotas: list[QuotaState] = []

    def restricted(self, country: str) -> bool:
        """Whether any ban or quota on this commodity is in force for ``country``."""
        return any(p.active and p.country == country for p in [*self.bans, *self.quotas])

    def allow_refined(self, country: str, tonnes: float, now: float) -> float:
        """Tonnes of a refiner's ``tonnes`` of refined metal for markets abroad that may
        leave ``country`` now.

        Only bans and quotas on all channels apply (refined metal belongs to no channel).
        A ban in force allows nothing; quotas in force are drawn on one after another, the
        one whose allowance expires first first, each from the allowance of all its mines
        (:meth:`QuotaState.take_pooled`), so a refiner's exports and the mines' share one
        cap."""
        if any(ban.active and ban.country == country and ban.channels is None
               for ban in self.bans):
            return 0.0
        quotas = [q for q in self.quotas
                  if q.active and q.country == country and q.channels is None]
        if not quotas:
            return tonnes
        used = 0.0
        for q in sorted(quotas, key=lambda q: q.next_pooled_expiry(now)):
            if used >= tonnes - _EPS:
                break
            used += q.take_pooled(tonnes - used, now)
        return used

    def allow_shared(self, mine: Mine, requests: list[tuple[int, float]], now: float
                     ) -> list[float]:
        """Tonnes of each of a mine's exporting dispatches, ``(channel, tonnes)``, that may
        leave now (the mine ships lots on routes that stay in the country without asking).

        A banned channel exports nothing; a channel under no ban or quota exports all.
        The quotas covering some of the dispatches are drawn on one after another, the
        allowance that expires first first (on a tie, a quota covering fewer channels
        before one they share), and each quota's allowance goes to the dispatches it
        covers in proportion to what each still has waiting. Asked one by one, the first
        channel in the file would take the whole allowance of a binding quota and the
        others none (a partner's 40% of a mine exported nothing), though nothing says the
        company favours one offtaker; and served channel set by channel set, a channel
        with a quota of its own as well could use up the allowance it shares with others.
        """
        out = [0.0] * len(requests)
        waiting = [0.0] * len(requests)
        covering: dict[int, list[int]] = {}
        for i, (channel, tonnes) in enumerate(requests):
            if any(ban.active and ban.country == mine.country
                   and (ban.channels is None or channel in ban.channels) for ban in self.bans):
                continue
            quotas = [j for j, q in enumerate(self.quotas)
                      if q.active and q.country == mine.country
                      and (q.channels is None or channel in q.channels)]
            if quotas:
                waiting[i] = tonnes
                for j in quotas:
                    covering.setdefault(j, []).append(i)
            else:
                out[i] = tonnes
        if not covering:
            return out
        order = sorted(covering, key=lambda j: (self.quotas[j].next_expiry(mine.index, now),
                                                len(covering[j])))
        for j in order:
            members = [i for i in covering[j] if waiting[i] > _EPS]
            wanted = sum(waiting[i] for i in members)
            if wanted <= _EPS:
                continue
            allowed = self.quotas[j].take(mine.index, wanted, now)
            for i in members:
                part = allowed * waiting[i] / wanted
                out[i] += part
                waiting[i] -= part
        return out

    def stock_limit_days(self, country: str, channel: int) -> float | None:
        """Smallest stock limit of the restrictions in force for ``country`` and ``channel``
        (None: no limit, or no restriction)."""
        limits = [p.stock_limit_days for p in [*self.bans, *self.quotas]
                  if p.active and p.country == country and p.stock_limit_days is not None
                  and (p.channels is None or channel in p.channels)]
        return min(limits) if limits else None


def quota_periods(period: QuotaPeriod, to_day: callable,  # type: ignore[valid-type]
                  start: dt.date) -> list[tuple[float, float, float]]:
    """Split a schedule entry into (first day, end day exclusive, tonnes) periods, in days
    after the scenario start."""
    first, last = to_day(period.start), to_day(period.end) + 1.0
    if period.period == "whole":
        return [(first, last, period.tonnes)]
    months = {"month": 1, "quarter": 3, "year": 12}[period.period]
    out = []
    d0 = start + dt.timedelta(days=first)
    cursor = dt.date(d0.year, d0.month, 1)
    if period.period == "quarter":
        cursor = dt.date(d0.year, 3 * ((d0.month - 1) // 3) + 1, 1)
    elif period.period == "year":
        cursor = dt.date(d0.year, 1, 1)
    while True:
        month = cursor.month - 1 + months
        nxt = dt.date(cursor.year + month // 12, month % 12 + 1, 1)
        a = max(first, float((cursor - start).days))
        b = min(last, float((nxt - start).days))
        if b > a:
            out.append((a, b, period.tonnes))
        if float((nxt - start).days) >= last:
            break
        cursor = nxt
    return out


# ----------------------------------------------------------------------------- deals
@dataclass
class DealState:
    """An offtake deal's current share of the covered mines' output."""

    ident: str
    share: float
    to_channel: int
    commodities: frozenset[int]
    from_channels: frozenset[int] | None
    start_t: float
    ramp_days: float
    failed: bool
    share_now: float = 0.0
    rank: int = 0
    """Place in the order a mine applies its deals: by start, then file order."""

    def share_at(self, now: float) -> float:
        """The deal's share (0-1) of the covered output at ``now`` (simulation days): 0
        before its start or if it failed, rising linearly over ``ramp_days``."""
        if self.failed or now < self.start_t:
            return 0.0
        if self.ramp_days <= 0:
            return self.share
        return self.share * min(1.0, (now - self.start_t) / self.ramp_days)


# ----------------------------------------------------------------------------- stockpiles
@dataclass
class StockpileController:
    """Releases a stockpile's metal to a market on a trigger and buys it back when cheap."""

    ident: str
    spec: object
    stockpile: object
    market: object
    commodity: int
    start_t: float
    released: float = 0.0
    """Tonnes released since the start date (what ``release_cap_t`` counts)."""
    bought_back: float = 0.0
    """Tonnes bought back from the market since the start date."""
    releasing: bool = False
    rebuilding: bool = False
    in_market: float = 0.0
    """Tonnes of this rule's releases still in the market's stock. The market is taken to
    consume them after all its other supply, so they are what it would not have had
    without the rule (its stock beyond them is what it had anyway)."""

    def step(self, world: World) -> None:
        """One day's end: release up to ``release_t_per_day`` to the market while a trigger
        holds (within the cap and the stock), else buy back up to ``rebuild_t_per_day``
        while the price is below the rebuild trigger; starts and stops go on the
        timeline, stamped with the day being closed (time ``now - 1``)."""
        spec = self.spec
        now = world.env.now
        # what moves now is booked to the day being closed, which began a day ago: stamped
        # ``now``, the timeline put a release a day after the series shows it
        closed_day = now - 1.0
        # A day's end at time t closes the day that began at t - 1: the first day of the
        # rule is closed at start_t + 1. (At the start date itself the day's end closes the
        # warm-up's last day, whose stocks are then reset: a release there would be undone
        # and still count against the cap.)
        if now <= self.start_t:
            return
        c = self.commodity
        price = float(world.price[c])
        # the shortfall the market would have had without this rule's metal still in it:
        # judged on the shortfall its releases leave, a release that closed most of the gap
        # stopped itself the next day; judged without only the day before's release, one
        # above demand stopped once its surplus covered a day, and restarted when that ran
        # out and the market had gone short again
        shortfall_share = world.last_shortfall_share(self.market, c, self.in_market)
        # consumed last: what the day's consumption left is the most of it still there
        # (and another rule's purchase may have taken some since)
        self.in_market = min(self.in_market, world.stock_left_by_consumption(self.market, c),
                             float(self.market.stock[c]))  # type: ignore[attr-defined]
        trigger = ((spec.release_price_ratio_above is not None  # type: ignore[attr-defined]
                    and price > spec.release_price_ratio_above)  # type: ignore[attr-defined]
                   or (spec.release_shortfall_share_above is not None  # type: ignore[attr-defined]
                       and shortfall_share > spec.release_shortfall_share_above))  # type: ignore[attr-defined]
        cap_left = math.inf if spec.release_cap_t is None else (  # type: ignore[attr-defined]
            spec.release_cap_t - self.released)  # type: ignore[attr-defined]
        amount = 0.0
        held = float(self.stockpile.stock[c])
        if trigger:
            amount = min(spec.release_t_per_day, held, cap_left)  # type: ignore[attr-defined]
        if (amount > _EPS) != self.releasing:
            self.releasing = amount > _EPS
            detail = (f"{_index_text(price, spec.release_price_ratio_above, True)}, "  # type: ignore[attr-defined]
                      f"shortfall {shortfall_share:.1%}")
            if not self.releasing:
                # say why it stops: a stop logged with a shortfall of 100% reads as a
                # contradiction unless the trigger is seen to be over or the metal gone
                detail += (", no longer triggered" if not trigger else ", cap reached"
                           if cap_left <= _EPS else ", stockpile empty")
            world.timeline.add(closed_day, "policy", self.ident,
                               "release starts" if self.releasing else "release stops", detail)
        if amount > _EPS:
            world.transfer(self.stockpile, self.market, c, amount)
            self.released += amount
            self.in_market += amount
            return
        below = spec.rebuild_price_ratio_below  # type: ignore[attr-defined]
        buying = 0.0
        cheap = below is not None and price < below
        need = 0.0
        if cheap:
            need = spec.rebuild_target_t - float(self.stockpile.stock[c])  # type: ignore[attr-defined]
            buying = max(0.0, min(spec.rebuild_t_per_day, need, float(self.market.stock[c])))  # type: ignore[attr-defined]
        if (buying > _EPS) != self.rebuilding:
            self.rebuilding = buying > _EPS
            detail = _index_text(price, below, False)
            if not self.rebuilding:
                # review 152: "rebuild stops, price index 1.19" under a threshold of 3 read
                # as a fault; say which of its limits ended it, as a release's stop does
                detail += (", no longer below the rebuild threshold" if not cheap
                           else ", stock back at its target" if need <= _EPS
                           else ", the market has no stock left to buy")
            world.timeline.add(closed_day, "policy", self.ident,
                               "rebuild starts" if self.rebuilding else "rebuild stops", detail)
        if buying > _EPS:
            world.transfer(self.market, self.stockpile, c, buying)
            self.bought_back += buying
            # buying back its own metal first: what it bought beyond that was the market's
            self.in_market = max(0.0, self.in_market - buying)


def _index_text(price: float, threshold: float | None, release: bool) -> str:
    """The price index in a stockpile rule's start or stop row, to 3 decimals and, where the
    rule has a price threshold, on which side of it: "price index 1.503 (above 1.5)" for a
    release (``release``), "price index 1.100 (not below 1.1)" for a rebuild."""
    # review 192: at 2 decimals "release starts, price index 1.50" and "release stops,
    # price index 1.50, no longer triggered" read alike under a threshold of 1.5
    text = f"price index {price:.3f}"
    if threshold is None:
        return text
    if release:
        side = "above" if price > threshold else "not above"
    else:
        side = "below" if price < threshold else "not below"
    return f"{text} ({side} {threshold:g})"


# ----------------------------------------------------------------------------- export controls
@dataclass
class ExportControlState:
    """Refiners of a country may sell a commodity to named markets only up to a cap.

    Amounts are tonnes of refined metal, ``cap_per_day`` tonnes per day. When the control
    ends, what it set aside for refiners still waiting (``reserved``, ``asked``) stays here
    until :func:`sim.world.export_controls.hand_over` passes it to a control on the same
    country, commodity and markets in force after it, or drops it once the refiner ships."""

    ident: str
    country: str
    commodity: int
    markets: frozenset[int]
    cap_per_day: float
    active: bool = False
    allowance: float = 0.0
    """Tonnes allowed now, not set aside for a refiner."""
    last_t: float = 0.0
    """Time of the last :meth:`accrue`; once the control has ended, the time it ended
    (only controls in force accrue)."""
    reserved: dict[int, float] = field(default_factory=dict)
    """Tonnes of allowance set aside for a refiner (by site index) until it next ships
    (under this control, or under one that follows it: see the class docstring)."""
    asked: dict[int, float] = field(default_factory=dict)
    """Tonnes of a refiner's (by site index) held output that have already asked for a
    part of the allowance since it last shipped: only output refined since asks again."""
    grants: dict[int, float] = field(default_factory=dict)
    """Tonnes of the allowance a refiner (by site index) may draw today for the metal a
    ban or quota holds for this control's markets: its part of their claim, set when
    refiners ship under controls and emptied once they have."""

    def accrue(self, now: float) -> None:
        """Add the allowance earned since the last call; unused allowance carries over, up
        to one year's cap (the cap is per year, not a bank that grows without end; what is
        set aside for refiners counts towards it)."""
        if self.active:
            room = self.cap_per_day * DAYS_PER_YEAR - sum(self.reserved.values())
            self.allowance = min(self.allowance + self.cap_per_day * max(0.0, now - self.last_t),
                                 max(room, 0.0))
        self.last_t = now
