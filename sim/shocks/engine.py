"""Schedule a scenario's shocks and policies on a world.

The engine turns each scripted event, regime, incident hazard and policy into SimPy
callbacks and processes that switch effects on and off at the right times, records each
step in the world's timeline, and keeps the state that policies need (export gates, quota
allowances, deal shares, stockpile controllers).

Random draws come from streams keyed by the shock's id: ``event:<id>:duration``,
``regime:<id>``, ``incident:<id>`` (arrivals) and ``incident:<id>:duration``,
``deal:<id>``, and for added delays one stream per target lane or site:
``event:<id>:delay:lane:<lane>``, ``incident:<id>:delay:site:<site>`` and
``regime:<id>:<state>:delay:...``. Two scenarios that share a regime therefore see the
same conflict history for the same seed until a policy (``security_support``) changes its
rates, and a lot's added delay does not depend on traffic at the shock's other targets.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.scenario.checks import mine_routes
from sim.scenario.plan import export_share
from sim.scenario.schema import Mine as MineSpec
from sim.scenario.shock_schema import Effects, Regime, When
from sim.shocks.effects import Diversion, apply_effects, remove_effects, replace_effects
from sim.shocks.policies import (
    BanState,
    DealState,
    ExportControlState,
    ExportGate,
    QuotaState,
    StockpileController,
    quota_periods,
)
from sim.shocks.targets import resolve
from sim.units import DAYS_PER_YEAR
from sim.world.mines import move_offtake

if TYPE_CHECKING:
    from sim.world.world import World

_TIME_DIGITS = 9
"""Decimals of a day scheduled times are rounded to (1e-9 days, under a tenth of a
millisecond): enough to merge sums that miss by a rounding error, too few to matter."""


def n_days(days: float) -> str:
    """``days`` as words: "1 day", "0 days", "2.5 days" (the timeline's and ``sim show``'s)."""
    return f"{days:g} day{'' if days == 1 else 's'}"


def _day_text(day: float) -> str:
    """A day number as the timeline writes it: one decimal (15.0), or as many as it needs
    (375.25, which one decimal rounded to 375.2)."""
    text = f"{day:.1f}"
    return text if abs(float(text) - day) < 1e-9 else f"{day:.9g}"


def _share_in_run(start_t: float, end_t: float) -> float:
    """Share of the span from ``start_t`` to ``end_t`` (simulation times) from the run's
    first instant (time 0) on: 1 for a span within the run, 0 for one wholly before it."""
    if start_t >= 0.0:
        return 1.0
    if end_t <= 0.0 or end_t <= start_t:
        return 0.0
    return end_t / (end_t - start_t)


def describe_effects(effects: Effects) -> str:
    """Effects in a few words (for the timeline and ``sim show``)."""
    parts = []
    if effects.capacity_factor is not None:
        parts.append("closed" if effects.capacity_factor == 0 else
                     f"capacity x{effects.capacity_factor:g}")
    if effects.added_delay_days is not None:
        parts.append(f"+{effects.added_delay_days.mean():.3g} days delay")
    if effects.divert is not None:
        parts.append(f"{effects.divert.share:.0%} of output diverted to "
                     f"{effects.divert.to_channel}")
    if effects.seize_share:
        parts.append(f"{effects.seize_share:.0%} seized")
    if effects.tax_rate:
        parts.append(f"{effects.tax_rate:.0%} armed-group tax")
    if effects.demand_factor is not None:
        parts.append(f"demand x{effects.demand_factor:g}")
    if effects.price_factor is not None:
        parts.append(f"price x{effects.price_factor:g}")
    return ", ".join(parts) or "no effect"


class RegimeRun:
    """One replication of a conflict regime: a continuous-time Markov chain.

    Sojourns are drawn as Exp(1) variates divided by the current total exit rate, carried
    across changes in the rate multipliers (security support), so the process is exact for
    piecewise-constant rates and two scenarios with the same rates draw the same history.
    """

    def __init__(self, engine: ShockEngine, rid: str, spec: Regime) -> None:
        self.engine = engine
        self.world = engine.world
        self.id = rid
        self.spec = spec
        self.states = list(spec.states)
        n = len(self.states)
        self.rates = np.zeros((n, n))
        for frm, row in spec.rates_per_year.items():
            for to, rate in row.items():
                self.rates[self.states.index(frm), self.states.index(to)] = rate / DAYS_PER_YEAR
        self.state = self.states.index(spec.initial) if spec.initial else 0
        self.targets = resolve(self.world, spec.targets)
        self.rng = self.world.streams.rng(f"regime:{rid}")
        self.time_in_state = np.zeros(n)
        """Days in each state since the regime started."""
        self.measured_time = np.zeros(n)
        """Days in each state within the measured period."""
        self.entries = np.zeros(n, dtype=int)
        self.completed_sojourn_days = np.zeros(n)
        self.completed_sojourns = np.zeros(n, dtype=int)
        self._since = 0.0
        self.started = False

    def _source(self) -> str:
        return f"regime:{self.id}"

    def _effects(self, state: int) -> Effects:
        return self.spec.states[self.states[state]].effects

    def _account(self, now: float, completed: bool) -> None:
        dwell = now - self._since
        self.time_in_state[self.state] += dwell
        t0 = self.world.t0
        self.measured_time[self.state] += max(0.0, now - max(self._since, t0))
        if completed:
            self.completed_sojourn_days[self.state] += dwell
            self.completed_sojourns[self.state] += 1
        self._since = now

    def _enter(self, state: int, first: bool = False) -> None:
        now = self.world.env.now
        old = self._effects(self.state)
        if not first:
            self._account(now, completed=True)
        self.state = state
        self.entries[state] += 1
        effects = self._effects(state)
        stream_key = f"regime:{self.id}:{self.states[state]}"
        if first:
            if not effects.is_empty():
                apply_effects(self.world, self._source(), effects, self.targets, stream_key)
        else:
            replace_effects(self.world, self._source(), old, effects, self.targets, stream_key)
        self.world.timeline.add(now, "regime", self.id, "state",
                                f"{self.states[state]}: {describe_effects(effects)}")

    def finish(self, now: float) -> None:
        """Close the accounts of the state the regime is in at the end of the run."""
        if self.started:
            self._account(now, completed=False)

    def begin(self) -> None:
        """Enter the first state now, applying its effects."""
        self._since = self.world.env.now
        self.started = True
        self._enter(self.state, first=True)

    def run(self, start_t: float) -> Generator[Any, Any, None]:
        """The regime's SimPy process: from ``start_t`` (simulation days), enter the first
        state and move between states at the transition rates (per year, scaled by any
        security support in force), applying each state's effects."""
        env = self.world.env
        if start_t > env.now:
            yield env.timeout(start_t - env.now)
        if not self.started:
            self.begin()
        need = self.rng.exponential()
        n = len(self.states)
        while True:
            now = env.now
            esc, deesc, next_change = self.engine.security_factors(self.id, now)
            row = self.rates[self.state].copy()
            row[self.state + 1:] *= esc
            row[:self.state] *= deesc
            total = float(row.sum())
            horizon = next_change - now
            if total <= 0.0:
                if math.isinf(horizon):
                    return
                yield env.timeout(horizon)
                continue
            wait = need / total
            if wait <= horizon:
                yield env.timeout(wait)
                u = self.rng.random() * total
                target = int(np.searchsorted(np.cumsum(row), u, side="right"))
                self._enter(min(target, n - 1))
                need = self.rng.exponential()
            else:
                need -= total * horizon
                yield env.timeout(horizon)


class ShockEngine:
    """All shocks and policies of one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.sc = world.sc
        self.regimes: dict[str, RegimeRun] = {}
        self.security: dict[str, list[tuple[float, float, float, float]]] = {}
        self.deals: list[tuple[DealState, list[Any]]] = []
        self.upgrades: list[tuple[str, Any, float, float, tuple[float, float],
                                  tuple[float, float]]] = []
        """(id, lane, start, ramp days, (capacity from, to), (transit factor from, to)),
        in order of start."""
        self._deals_applied: list[tuple[DealState, list[Any]]] = []
        self.stockpiles: list[StockpileController] = []
        self.quotas: list[QuotaState] = []
        self.diversions: list[tuple[float, float, Diversion, frozenset[int]]] = []
        """Scripted events' diversions as (on, off, diversion, mine site indices), in the
        order the mines switch them on: what a quota's default allocation counts."""
        self._due: dict[float, tuple[list[Callable[[], None]], list[Callable[[], None]]]] = {}
        self._begin_now: list[RegimeRun] = []
        """Regimes that start with the run, entered by :meth:`start`."""

    # ------------------------------------------------------------------ time helpers
    def at(self, when: When) -> float:
        """Simulation time of a scenario time (date or days after the start date)."""
        return self.world.t0 + self.sc.day_of(when)

    def date_of(self, t: float) -> dt.date:
        """The calendar date simulation time ``t`` falls in."""
        return self.sc.start + dt.timedelta(days=t - self.world.t0)

    def ramp_before_run(self, start: float, ramp_days: float) -> str | None:
        """For a deal or upgrade that started (simulation time ``start``) before the run
        begins, and is therefore recorded at the run's first instant: its start date and
        what is left then of its ramp of ``ramp_days`` (days), as a timeline row's words.
        None for one that starts with the run or later, whose row is at its start."""
        if start >= 0.0:
            return None
        began = f"started {self.date_of(start)}"
        left = start + ramp_days
        if ramp_days <= 0:
            return f"{began}, in full force from then"
        if left <= 0.0:
            return (f"{began} over {ramp_days:g} days, in full force since "
                    f"{self.date_of(left)}")
        return (f"{began} over {ramp_days:g} days: {round(left, 6):g} of them left at this "
                f"date, in full force on {self.date_of(left)}")

    def schedule(self, t: float, action: Callable[[], None], ends: bool = False) -> None:
        """Run ``action`` at time ``t`` (now if ``t`` has passed).

        Actions due at the same time run together, those that end something (``ends``)
        after all the others: one closure ending as the next begins would otherwise open
        the site for an instant, and what it held would slip through. Times are rounded to
        :data:`_TIME_DIGITS` decimals first, so that a start plus a duration meets a time
        given as a number (5.3 + 5.1 is 10.399999999999999, not 10.4)."""
        env = self.world.env
        if math.isfinite(t):
            t = round(t, _TIME_DIGITS)
        if t <= env.now:
            action()
            return
        group = self._due.get(t)
        if group is None:
            group = self._due[t] = ([], [])

            def run(_ev: Any, t: float = t) -> None:
                starts, endings = self._due.pop(t)
                for act in [*starts, *endings]:
                    act()

            env.timeout(t - env.now).callbacks.append(run)
        group[1 if ends else 0].append(action)

    # ------------------------------------------------------------------ start
    def start(self) -> None:
        """Schedule everything; call once, before the world runs."""
        self._security()
        self._events()
        self._regimes()
        self._incidents()
        self._bans()
        # before the quotas: a quota's default allocation counts what deals move
        self._deal_states()
        self._quotas()
        self._deals()
        self._upgrades()
        self._stockpiles()
        self._controls()
        self._ramps()
        # Regimes starting with the run enter their first state before anything runs, as
        # events starting then are applied: their processes' first step would come after
        # the mines' first lots of this instant. Last, so that they follow what starts now
        # in the same order as when a process entered them.
        for run in self._begin_now:
            run.begin()

    def _events(self) -> None:
        world = self.world
        for eid, ev in self.sc.shocks.events.items():
            targets = resolve(world, ev.targets)
            t_start = self.at(ev.start)
            if ev.end is not None:
                t_end = self.at(ev.end)
            elif ev.duration_days is not None:
                t_end = t_start + world.sampler(ev.duration_days, f"event:{eid}:duration")()
            else:
                t_end = math.inf
            source = f"event:{eid}"

            def on(eid: str = eid, ev: Any = ev, targets: Any = targets, t_end: float = t_end,
                   source: str = source) -> None:
                apply_effects(world, source, ev.effects, targets, source)
                until = ("" if math.isinf(t_end)
                         else f" until day {_day_text(t_end - world.t0)}")
                world.timeline.add(world.env.now, "event", eid, "start",
                                   describe_effects(ev.effects) + until)

            def off(eid: str = eid, ev: Any = ev, targets: Any = targets,
                    source: str = source) -> None:
                remove_effects(world, source, ev.effects, targets)
                world.timeline.add(world.env.now, "event", eid, "end")

            self.schedule(max(0.0, t_start), on)
            if not math.isinf(t_end):
                self.schedule(max(0.0, t_end), off, ends=True)
            divert = ev.effects.divert
            if divert is not None and targets.mines:
                self.diversions.append((
                    max(0.0, t_start), t_end,
                    Diversion(divert.share, world.channel_index[divert.to_channel],
                              targets.commodities, targets.channels),
                    frozenset(m.index for m in targets.mines)))
        # the mines apply diversions in the order they are switched on (file order on a tie)
        self.diversions.sort(key=lambda d: d[0])

    def _regimes(self) -> None:
        for rid, spec in self.sc.shocks.regimes.items():
            run = RegimeRun(self, rid, spec)
            self.regimes[rid] = run
            start = max(0.0, self.at(spec.start)) if spec.start is not None else 0.0
            if start <= self.world.env.now:
                self._begin_now.append(run)
            else:
                # among the starts of its instant, before whatever ends then: a regime
                # that takes over from an event closing the same site (the M23 files' hand
                # over on 2026-01-01) began after the event ended, and the gold held there
                # left untaxed in between (review 129)
                self.schedule(start, lambda run=run: None if run.started else run.begin())
            self.world.env.process(run.run(start))

    def _security(self) -> None:
        for sid, sup in self.sc.policies.security_support.items():
            a = max(0.0, self.at(sup.start))
            b = self.at(sup.end) if sup.end is not None else math.inf
            for rid in sup.regimes:
                self.security.setdefault(rid, []).append(
                    (a, b, sup.escalation_factor, sup.deescalation_factor))
            detail = (f"regimes {', '.join(sup.regimes)}: escalation x{sup.escalation_factor:g}, "
                      f"de-escalation x{sup.deescalation_factor:g}")
            self.schedule(a, lambda sid=sid, detail=detail: self.world.timeline.add(
                self.world.env.now, "policy", sid, "security support starts", detail))
            if not math.isinf(b):
                self.schedule(b, lambda sid=sid: self.world.timeline.add(
                    self.world.env.now, "policy", sid, "security support ends"))

    def security_factors(self, rid: str, now: float) -> tuple[float, float, float]:
        """(escalation, de-escalation multipliers in force, time of the next change)."""
        esc = deesc = 1.0
        next_change = math.inf
        for a, b, e, d in self.security.get(rid, []):
            if a <= now < b:
                esc *= e
                deesc *= d
            for t in (a, b):
                if t > now:
                    next_change = min(next_change, t)
        return esc, deesc, next_change

    def _incidents(self) -> None:
        for iid, spec in self.sc.shocks.incidents.items():
            self.world.env.process(self._incident_process(iid, spec))

    def _incident_process(self, iid: str, spec: Any) -> Generator[Any, Any, None]:
        world = self.world
        env = world.env
        rng = world.streams.rng(f"incident:{iid}")
        duration = world.sampler(spec.duration_days, f"incident:{iid}:duration")
        targets = resolve(world, spec.targets)
        start = max(0.0, self.at(spec.start)) if spec.start is not None else 0.0
        end = self.at(spec.end) if spec.end is not None else math.inf
        mean_gap = DAYS_PER_YEAR / spec.rate_per_year
        if start > env.now:
            yield env.timeout(start - env.now)
        n = 0
        while True:
            yield env.timeout(rng.exponential(mean_gap))
            if env.now >= end:
                return
            n += 1
            source = f"incident:{iid}#{n}"
            days = duration()
            apply_effects(world, source, spec.effects, targets, f"incident:{iid}")
            world.timeline.add(env.now, "incident", iid, "start",
                               f"#{n}: {describe_effects(spec.effects)} for {days:.1f} days")

            def off(source: str = source, n: int = n) -> None:
                remove_effects(world, source, spec.effects, targets)
                world.timeline.add(env.now, "incident", iid, "end", f"#{n}")

            env.timeout(days).callbacks.append(lambda _ev, off=off: off())

    # ------------------------------------------------------------------ policies
    def gate(self, commodity: str) -> ExportGate:
        """The world's export gate of ``commodity`` (bans and quotas on it), made on first
        use."""
        c = self.world.commodity_index[commodity]
        return self.world.gates.setdefault(c, ExportGate())

    def _channel_set(self, channels: list[str] | None) -> frozenset[int] | None:
        if channels is None:
            return None
        return frozenset(self.world.channel_index[ch] for ch in channels)

    def _bans(self) -> None:
        world = self.world
        for bid, ban in self.sc.policies.export_bans.items():
            state = BanState(bid, ban.country or self.sc.exporting_country,
                             self._channel_set(ban.channels), ban.stock_limit_days)
            self.gate(ban.commodity).bans.append(state)

            def on(state: BanState = state, ban: Any = ban) -> None:
                state.active = True
                world.timeline.add(world.env.now, "policy", state.ident, "export ban starts",
                                   f"{ban.commodity}" + (f", stock limit "
                                   f"{n_days(ban.stock_limit_days)} of each channel's "
                                   "planned exports"
                                   if ban.stock_limit_days is not None else ""))

            def off(state: BanState = state) -> None:
                state.active = False
                world.timeline.add(world.env.now, "policy", state.ident, "export ban ends")

            self.schedule(max(0.0, self.at(ban.start)), on)
            if ban.end is not None:
                self.schedule(max(0.0, self.at(ban.end)), off, ends=True)
            elif ban.duration_days is not None:
                self.schedule(max(0.0, self.at(ban.start) + ban.duration_days), off, ends=True)

    def _allocation(self, commodity: str, allocation: dict[str, float] | None,
                    country: str, channels: list[str] | None,
                    windows: list[tuple[float, float]]) -> dict[int, float]:
        """Each mine's share of a quota's period: as given, or pro rata to the mine's planned
        exports on the channels the quota covers (output on other channels, or sold at home,
        cannot use it).

        The planned exports are the mine's full output (a ramp-up not counted) times its
        offtake shares on the quota's channels as they stand over the first of ``windows``
        (simulation times ``(from, to)``) with data in it: the scenario's shares, moved by the
        offtake deals in force then (ramping, and none of a deal that fails in this
        replication) and the scripted events' diversions (as drawn), averaged over the
        window; each channel's share counted only for the part of it the plan sends on
        routes that leave the country (:func:`~sim.scenario.plan.export_share`: under
        ``fixed_shares`` the shares of the leaving routes, under ``cheapest`` / ``fastest``
        all of it if the best route with every route open leaves, else none), as lots on
        routes that stay draw nothing. A quota on all channels counts every channel, and
        there a route that ends at a refiner at home counts for the refiner's sales share
        abroad, as the refiner's exports draw on the mines' pooled allowance. A mine that a
        deal moves into the channels mid-quota therefore gets its share, and one moved out
        of them, or selling only at home, none. Empty if no mine has planned exports on the
        channels in any window."""
        world = self.world
        sc = self.sc
        if allocation is not None:
            return {world.site_index[m]: s for m, s in allocation.items()}
        plan = world.plan
        mines = [mid for mid, site in sc.sites.items()
                 if isinstance(site, MineSpec) and commodity in site.output
                 and sc.country_of(mid) == country]
        names = list(sc.channels) if channels is None else channels
        exported = {mid: {cid: export_share(sc, mid, commodity, cid, refined=channels is None)
                          for cid in names} for mid in mines}
        # a mine exporting everything on every channel it could use, under a quota on all
        # channels: its full output, to the last bit as before
        whole = {mid for mid in mines if channels is None and all(
            x == 1.0 or not mine_routes(sc, mid, commodity, cid)
            for cid, x in exported[mid].items())}
        for a, b in windows:
            planned = {mid: plan.mined.get((mid, commodity), 0.0) if mid in whole
                       else self._on_channels(mid, commodity, names, a, b, exported[mid])
                       for mid in mines}
            total = sum(planned.values())
            if total > 0:
                return {world.site_index[m]: v / total for m, v in planned.items() if v > 0}
        return {}

    def _on_channels(self, mid: str, commodity: str, channels: list[str], a: float,
                     b: float, exported: dict[str, float]) -> float:
        """Mine ``mid``'s planned exports of ``commodity`` on ``channels`` (t/yr at full
        output), averaged over simulation times ``a`` to ``b`` with the deals and scripted
        diversions in force; ``exported`` is the share of each channel's flow the plan
        exports (see :meth:`_allocation`)."""
        world = self.world
        mine = world.sites[world.site_index[mid]]
        c = world.commodity_index[commodity]
        tpy = world.plan.mined.get((mid, commodity), 0.0)
        ks = [(world.channel_index[ch], exported[ch]) for ch in channels]
        # times at which the mine's offtake may change within the window; a deal's ramp
        # moves it every day (the engine updates deals at day ends), so a day at a time
        cuts = set()
        for state, deal_mines in self.deals:
            if state.failed or mine not in deal_mines or c not in state.commodities:
                continue
            t = max(0.0, state.start_t)
            cuts.add(t)
            if state.ramp_days > 0:
                cuts.update(state.start_t + k for k in range(1, math.ceil(state.ramp_days)))
                cuts.add(state.start_t + state.ramp_days)
        for on, off, _div, where in self.diversions:
            if mine.index in where:
                cuts.update((on, off))
        edges = [a, *sorted(t for t in cuts if a < t < b), b] if b > a else [a, a]
        parts = []
        for lo, hi in zip(edges, edges[1:], strict=False):
            row = self._offtake_at(mine, c, (lo + hi) / 2)
            # summed as the plan sums mine_channel, so that shares without a deal or
            # diversion are the ones the plan gives, to the last bit (an export share of
            # 1 is exact)
            parts.append((hi - lo, sum(tpy * float(row[k]) * x for k, x in ks)))
        if all(v == parts[0][1] for _w, v in parts):
            return parts[0][1]
        return sum(w * v for w, v in parts) / (b - a)

    def _offtake_at(self, mine: Any, c: int, t: float) -> np.ndarray:
        """The mine's offtake shares of commodity ``c`` by channel at time ``t`` as the mine
        will compute them: the scenario's, then deals, then scripted diversions (random
        regimes and incidents are not foreseen)."""
        eff = mine.base_offtake.copy()
        for state, deal_mines in self._deals_applied:
            if state.failed or mine not in deal_mines or c not in state.commodities:
                continue
            share = state.share_at(t)
            if share > 0:
                move_offtake(eff, [c], share, state.to_channel, state.from_channels)
        for on, off, div, where in self.diversions:
            if on <= t < off and mine.index in where and (
                    div.commodities is None or c in div.commodities):
                move_offtake(eff, [c], div.share, div.to_channel, div.from_channels)
        return eff[c]

    def _quotas(self) -> None:
        world = self.world
        sc = self.sc
        for qid, spec in self.sc.policies.export_quotas.items():
            periods = [p for entry in spec.schedule
                       for p in quota_periods(entry, sc.day_of, sc.start)]
            first = world.t0 + periods[0][0]
            last = world.t0 + periods[-1][1]
            until = (self.at(spec.carry_over_until) + 1.0 if spec.carry_over_until is not None
                     else math.inf)
            country = spec.country or sc.exporting_country
            end = max(last, until) if spec.carry_over and not math.isinf(until) else last
            expiries = [max(until, world.t0 + b) if spec.carry_over else world.t0 + b
                        for _a, b, _t in periods]
            # each period shared by the mines' output in it; a period in which no mine has
            # output on the channels by the output while its allowance lasts
            shares = [self._allocation(spec.commodity, spec.allocation, country,
                                       spec.channels,
                                       [(max(0.0, world.t0 + a), world.t0 + b),
                                        (max(0.0, world.t0 + a), min(expiry, end))])
                      for (a, b, _t), expiry in zip(periods, expiries, strict=True)]
            state = QuotaState(qid, spec, country, self._channel_set(spec.channels),
                               shares[0], first + spec.first_export_delay_days,
                               spec.stock_limit_days)
            self.gate(spec.commodity).quotas.append(state)
            self.quotas.append(state)

            def on(state: QuotaState = state) -> None:
                state.active = True
                limit = state.spec.stock_limit_days  # type: ignore[attr-defined]
                world.timeline.add(world.env.now, "policy", state.ident, "export quota starts",
                                   f"first exports from day {state.first_export_t - world.t0:.1f}"
                                   + (f", stock limit {n_days(limit)} of each channel's "
                                      "planned exports"
                                      if limit is not None else ""))

            def off(state: QuotaState = state) -> None:
                state.active = False
                world.timeline.add(world.env.now, "policy", state.ident, "export quota ends")

            self.schedule(max(0.0, first), on)
            for (a, b, tonnes), expiry, period_shares in zip(periods, expiries, shares,
                                                             strict=True):
                # Carried over to carry_over_until, but never expiring before its own end.
                if spec.release == "daily":
                    self._accrue_daily(state, a, b, tonnes, expiry, period_shares)
                    continue

                # A period begun before the run (warm-up included) grants only the part of
                # its tonnes for its days in the run: the rest would have been used before
                # it (granted whole, with carry-over, it spilled into the measured period)
                in_run = _share_in_run(world.t0 + a, world.t0 + b)
                if in_run <= 0.0:
                    continue

                def grant(state: QuotaState = state, tonnes: float = tonnes * in_run,
                          expiry: float = expiry, b: float = b,
                          whole: float = tonnes) -> None:
                    state.shares = period_shares
                    state.grant(tonnes, expiry)
                    part = (f" (the part of {whole:,.0f} t for its days in the run)"
                            if tonnes < whole else "")
                    world.timeline.add(world.env.now, "policy", state.ident, "quota period",
                                       f"{tonnes:,.0f} t to day {b:.9g}{part}")

                self.schedule(max(0.0, world.t0 + a), grant)
            self.schedule(max(0.0, end), off, ends=True)

    def _accrue_daily(self, state: QuotaState, a: float, b: float, tonnes: float,
                      expiry: float, shares: dict[int, float]) -> None:
        """Release a period's ``tonnes`` of a ``daily`` quota in equal parts at the start of
        each day from ``a`` to ``b`` (days after the start date, ``b`` exclusive; a last
        part day gets its share), each part usable until ``expiry`` (simulation time) and
        shared among mines by ``shares`` (the period's).

        Scheduled like a period's grant, so a day's part is there before the mines produce
        that day, as a whole period's allowance is under ``period_start``."""
        world = self.world
        length = b - a
        days = math.ceil(round(length, _TIME_DIGITS))
        granted = tonnes * _share_in_run(world.t0 + a, world.t0 + b)
        whole = (f" (the part of {tonnes:,.0f} t for its days in the run)"
                 if granted < tonnes - 1e-9 else "")
        announced = False
        for k in range(days):
            lo, hi = a + k, min(a + k + 1.0, b)
            # the days before the run (warm-up included) accrue nothing: their parts would
            # have been used before it, not released all at once at its first instant
            in_run = _share_in_run(world.t0 + lo, world.t0 + hi)
            if in_run <= 0.0:
                continue
            first, announced = not announced, True

            def accrue(state: QuotaState = state,
                       part: float = tonnes * (hi - lo) / length * in_run,
                       first: bool = first) -> None:
                state.shares = shares
                state.accrue(part, expiry)
                if first:
                    world.timeline.add(world.env.now, "policy", state.ident, "quota period",
                                       f"{granted:,.0f} t to day {b:.9g}, released "
                                       f"daily{whole}")

            self.schedule(max(0.0, world.t0 + lo), accrue)

    def _deal_states(self) -> None:
        """Draw whether each deal closes and keep its state (file order)."""
        world = self.world
        for did, spec in self.sc.policies.offtake_deals.items():
            failed = bool(world.streams.rng(f"deal:{did}").random() < spec.probability_fails)
            state = DealState(did, spec.share, world.channel_index[spec.to_channel],
                              frozenset(world.commodity_index[c] for c in spec.commodities),
                              self._channel_set(spec.from_channels), self.at(spec.start),
                              spec.ramp_days, failed)
            mines = [world.sites[world.site_index[m]] for m in spec.mines]
            self.deals.append((state, mines))
        # a mine applies deals by this rank: by their start as given, file order on a tie,
        # whenever each first moves a share (a ramping deal, at 0 on its first day, came
        # after one of the same start that did not, review 130), and for deals starting
        # before the warm-up too, though all act from its first instant (review 134)
        self._deals_applied = sorted(self.deals, key=lambda d: d[0].start_t)
        for rank, (state, _mines) in enumerate(self._deals_applied):
            state.rank = rank

    def _deals(self) -> None:
        world = self.world
        for (state, mines), spec in zip(self.deals, self.sc.policies.offtake_deals.values(),
                                        strict=True):

            def announce(state: DealState = state, spec: Any = spec,
                         mines: list[Any] = mines) -> None:
                outcome = "fails" if state.failed else "closes"
                # a deal of before the run is recorded as the run begins: "over 180 days"
                # from then read as a ramp still to come, where it was over (review 193)
                early = self.ramp_before_run(state.start_t, spec.ramp_days)
                if early is None:
                    detail = spec.moves() + (f" over {spec.ramp_days:g} days"
                                             if spec.ramp_days else "")
                elif state.failed:
                    detail = f"{spec.moves()} (due {self.date_of(state.start_t)})"
                else:
                    detail = f"{spec.moves()} ({early})"
                world.timeline.add(world.env.now, "deal", state.ident, f"deal {outcome}",
                                   detail)
                if not state.failed:
                    self._update_deal(state, mines)

            self.schedule(max(0.0, state.start_t), announce)

    def _update_deal(self, state: DealState, mines: list[Any]) -> None:
        share = state.share_at(self.world.env.now)
        if share != state.share_now:
            state.share_now = share
            for mine in mines:
                mine.set_deal(state.ident, state)

    def _upgrades(self) -> None:
        world = self.world
        # Upgrades of one lane follow each other in order of start: each ramps from what
        # the ones before it reach (capacity, transit factor), so later phases build on
        # earlier ones and the last to start has the last word.
        reached: dict[int, tuple[float, float]] = {}
        specs = sorted(self.sc.policies.corridor_upgrades.items(),
                       key=lambda item: self.at(item[1].start))
        for uid, up in specs:
            lane = world.lanes[world.lane_index[up.lane]]
            start = self.at(up.start)
            base_cap, base_tf = reached.get(
                lane.index, (lane.server.rate if lane.server is not None else 0.0, 1.0))
            # The target is in the lane's own unit (tonnes of product or trucks a day: the
            # scenario checks refuse the other), the unit its loading rate is in.
            target, unit = ((up.capacity_trucks_per_day, "trucks/day")
                            if up.capacity_trucks_per_day is not None
                            else (up.capacity_t_per_day, "t/day"))
            cap = target if target is not None else base_cap
            tf = up.transit_factor if up.transit_factor is not None else base_tf
            reached[lane.index] = (cap, tf)
            self.upgrades.append((uid, lane, start, up.ramp_days, (base_cap, cap),
                                  (base_tf, tf)))
            parts = [] if target is None else [f"capacity to {target:g} {unit}"]
            if up.transit_factor is not None:
                parts.append(f"transit x{up.transit_factor:g}")
            early = self.ramp_before_run(start, up.ramp_days)
            # one of before the run is recorded as the run begins, already (partly) in force
            action, detail = (("corridor upgrade starts",
                               f"{up.lane}: {', '.join(parts)} over {up.ramp_days:g} days")
                              if early is None else
                              ("corridor upgrade in force",
                               f"{up.lane}: {', '.join(parts)} ({early})"))
            self.schedule(max(0.0, start), lambda uid=uid, action=action, detail=detail:
                          world.timeline.add(world.env.now, "policy", uid, action, detail))

    def _ramps(self) -> None:
        """Put each mine's ramp-up on the timeline (the mines apply it themselves): when it
        starts and when the mine reaches full output."""
        timeline = self.world.timeline
        for sid, site in self.sc.sites.items():
            ramp = site.ramp_up if isinstance(site, MineSpec) else None
            if ramp is None:
                continue
            start = self.at(ramp.start)
            self.schedule(max(0.0, start), lambda sid=sid, ramp=ramp: timeline.add(
                self.world.env.now, "mine", sid, "ramp-up starts",
                f"from {ramp.initial_factor:.0%} of full output, over {ramp.ramp_days:g} days"))
            if ramp.ramp_days > 0:
                self.schedule(max(0.0, start + ramp.ramp_days), lambda sid=sid: timeline.add(
                    self.world.env.now, "mine", sid, "full output"))

    def _apply_upgrades(self, now: float) -> None:
        for _uid, lane, start, ramp, (cap0, cap1), (tf0, tf1) in self.upgrades:
            if now < start:
                continue
            frac = 1.0 if ramp <= 0 else min(1.0, (now - start) / ramp)
            if lane.server is not None and cap1 != cap0:
                lane.server.rate = cap0 + (cap1 - cap0) * frac
            if tf1 != tf0:
                lane.transit_factor = tf0 + (tf1 - tf0) * frac

    def _stockpiles(self) -> None:
        world = self.world
        for pid, sp in self.sc.policies.stockpiles.items():
            self.stockpiles.append(StockpileController(
                pid, sp, world.sites[world.site_index[sp.site]],
                world.sites[world.site_index[sp.market]], world.commodity_index[sp.commodity],
                # without a start, from the start date: stocks are set then, and a
                # release in the warm-up would use up the cap before the measured period
                max(0.0, self.at(sp.start if sp.start is not None else 0.0))))

    def _controls(self) -> None:
        world = self.world
        # controls ending at one time end together (see ``off``), keyed as :meth:`schedule`
        # keys its times; the time each control started says which ones start as they end
        ending_at: dict[float, list[ExportControlState]] = {}
        started_at: dict[int, float] = {}
        for cid, ctl in self.sc.policies.export_controls.items():
            state = ExportControlState(
                cid, ctl.country, world.commodity_index[ctl.commodity],
                frozenset(world.site_index[m] for m in ctl.markets),
                ctl.cap_t_per_year / DAYS_PER_YEAR)
            world.export_controls.append(state)

            def on(state: ExportControlState = state, ctl: Any = ctl) -> None:
                state.accrue(world.env.now)
                state.active = True
                started_at[id(state)] = world.env.now
                world.timeline.add(world.env.now, "policy", state.ident, "export control starts",
                                   f"{ctl.country} {ctl.commodity} to {', '.join(ctl.markets)}: "
                                   f"cap {ctl.cap_t_per_year:,.0f} t/yr")

            self.schedule(max(0.0, self.at(ctl.start)), on)
            if ctl.end is not None:
                t = max(0.0, self.at(ctl.end))
                ending_at.setdefault(round(t, _TIME_DIGITS) if math.isfinite(t) else t,
                                     []).append(state)

        def off(states: list[ExportControlState]) -> None:
            from sim.world.export_controls import claim_at_end

            now = world.env.now
            # all at once: ended one by one, the first took the second, still in force, for
            # its follower, and the result depended on their order in the file; allowance
            # earned since the last day a refiner shipped is set aside for the refiners
            # still waiting, so a control that follows passes it on
            starting = [s for s in world.export_controls
                        if s.active and abs(started_at.get(id(s), -math.inf) - now) <= 1e-9]
            claim_at_end(states, world.refiners, world.export_controls, now, starting)
            for state in states:
                state.accrue(now)
                state.active = False
                world.timeline.add(now, "policy", state.ident, "export control ends")

        for t, states in ending_at.items():
            self.schedule(t, lambda states=states: off(states), ends=True)

    # ------------------------------------------------------------------ daily
    def daily(self) -> None:
        """Day-end work: ramps of deals and upgrades, stockpile rules."""
        now = self.world.env.now
        for state, mines in self.deals:
            if not state.failed and now >= state.start_t:
                self._update_deal(state, mines)
        if self.upgrades:
            self._apply_upgrades(now)
        for ctl in self.stockpiles:
            ctl.step(self.world)
            if now == self.world.t0:
                # the start date's stocks are set now: a rule started in the warm-up has its
                # releases so far undone (none of its metal is in the market now), and its
                # cap counts from the start date
                ctl.released = ctl.bought_back = ctl.in_market = 0.0

    def finish(self) -> None:
        """End of run: close regime accounts."""
        for run in self.regimes.values():
            run.finish(self.world.env.now)
