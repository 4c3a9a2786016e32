"""Shocks and policies of a scenario in words, and as bars on a calendar (for ``sim show``).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.output.describe import describe_ramp_up
from sim.scenario.capacity import fmt_capacity
from sim.scenario.checks import region_reach
from sim.scenario.schema import Mine, Scenario
from sim.scenario.shock_checks import (
    CHANNEL_FILTERED,
    COMMODITY_FILTERED,
    UNFILTERED,
    can_sell_on,
)
from sim.scenario.shock_schema import Effects, ExportBan, Targets, When
from sim.shocks.engine import describe_effects, n_days
from sim.words import id_words

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Bar = tuple[str, str, dt.date, dt.date | None, str]
"""(group, label, start date, end date or None = to the end, detail)."""


def _date(sc: Scenario, when: When) -> dt.date:
    return when if isinstance(when, dt.date) else sc.start + dt.timedelta(days=float(when))


def _first_exports(sc: Scenario, q: Any) -> dt.date:
    """The day quota ``q``'s first exports may leave: its first period's start plus its
    ``first_export_delay_days`` (a part day within that day)."""
    # the day the start plus the delay falls in: a start at day 10.5 and a delay of 0.6
    # days allow exports from day 11.1 (review 134)
    day = math.floor(sc.day_of(q.schedule[0].start) + q.first_export_delay_days)
    return sc.start + dt.timedelta(days=day)


def _run_begins(sc: Scenario) -> dt.date:
    """The first simulated day: the start of the warm-up (the start date without one)."""
    return sc.start - dt.timedelta(days=float(sc.warmup_days))


def _first_day(sc: Scenario) -> str:
    """The first simulated day in words, with its date."""
    if sc.warmup_days:
        return f"at the start of the warm-up ({_run_begins(sc)})"
    return f"on the start date ({sc.start})"


def _quota_span(sc: Scenario, entry: Any) -> str:
    """A quota schedule entry's days: "<first> to <last> inclusive", or, where a day number
    ends partway through a day, the day number with the date it falls in (day 30.5 as an
    end lets the allowance run to day 31.5, partway through 1 February: "to 2024-01-31
    inclusive" hid the half day)."""
    a, b = sc.day_of(entry.start), sc.day_of(entry.end) + 1.0
    first = (str(_date(sc, entry.start)) if a == math.floor(a)
             else f"day {a:g} (partway through {_date(sc, math.floor(a))})")
    last = (f"{_date(sc, entry.end)} inclusive" if b == math.floor(b)
            else f"day {b:g} (partway through {_date(sc, math.floor(b))})")
    return f"{first} to {last}"


def _by_products_too(sc: Scenario, commodity: str, country: str | None,
                     channels: list[str] | None) -> str:
    """What curtailing ``commodity`` does through the coupling of outputs, at the mines a
    ban or quota on ``country`` (the exporting country if None) and ``channels`` (all if
    None) reaches: the by-products they couple to it are left unmined with its ore (a
    copper limit curtails the cobalt of that ore too, on every channel); where
    ``commodity`` is itself a by-product there, the ore goes on being mined for its main
    product and only ``commodity`` is not recovered (review 143: "curtail" alone read as
    less ore mined; review 147: not said of a ban whose mines produce it alone)."""
    country = country or sc.exporting_country
    # on the channels by offtake, a deal or a shock's diversion (combined_2025's leaked
    # industrial cobalt reaches the informal channel by a diversion)
    mines = [site for sid, site in sc.sites.items() if isinstance(site, Mine)
             and commodity in site.output and sc.regions.get(site.region) is not None
             and sc.country_of(sid) == country
             and (channels is None or can_sell_on(sc, sid, commodity, channels))]
    coupled = sorted({com for site in mines
                      for com, out in site.output.items() if out.ratio_to == commodity})
    mains = sorted({site.output[commodity].ratio_to for site in mines
                    if site.output[commodity].ratio_to is not None})
    parts = []
    if coupled:
        parts.append(f"and the {' and '.join(coupled)} of the ore left unmined")
    if mains:
        parts.append(f"where {commodity} comes with {' and '.join(mains)}, the ore still mined "
                     f"for its {' and '.join(mains)} leaves its {commodity} unrecovered")
    return f" ({'; '.join(parts)})" if parts else ""


def _on_channels(channels: list[str] | None) -> str:
    """The channels a ban or quota covers, as a suffix ("" for all: none given; the
    schema refuses an empty list)."""
    return f" on channels {', '.join(channels)}" if channels else ""


_LIST_AT_MOST = 6
"""Ids a region's reach lists in full; beyond that, counts."""


def _ids(items: list[str], noun: str) -> str:
    n = f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"
    return f"{n}: {', '.join(items)}" if 0 < len(items) <= _LIST_AT_MOST else n


def _region_reach(sc: Scenario, regions: list[str]) -> str:
    """What a region target reaches: its sites, and the lanes starting, ending or passing
    in it, targeted whole (a closure stops lots anywhere on them, abroad too)."""
    sites, lanes = region_reach(sc, regions)
    inside = set(sites)
    leaving = [lid for lid in lanes
               if not (sc.lanes[lid].from_ in inside and sc.lanes[lid].to in inside)]
    text = f"{_ids(sites, 'site')}; {_ids(lanes, 'lane')}"
    if leaving:
        text += (f", {len(leaving)} of them running outside "
                 f"{'it' if len(regions) == 1 else 'them'} and targeted along their whole "
                 "length")
    return text


def _throttled_in(sc: Scenario, regions: list[str], effects: list[Effects]) -> str:
    """Where a capacity factor between 0 and 1 (or above) acts in ``regions``: a region
    mixes kinds, and its junctions and lanes without a capacity can only be closed (review
    187: "capacity x0.8 on regions north_kivu (... goma, butembo ...)" read as Goma's trade
    cut to 80%, where only the digging was)."""
    from sim.scenario.shock_checks import throttles

    if not any(e.capacity_factor is not None and e.capacity_factor not in (0.0, 1.0)
               for e in effects):
        return ""
    sites, lanes = region_reach(sc, regions)
    acting = ([s for s in sites if throttles(sc, "site", s)]
              + [ln for ln in lanes if throttles(sc, "lane", ln)])
    if len(acting) == len(sites) + len(lanes):
        return ""
    where = (" and ".join([", ".join(acting[:-1]), acting[-1]]) if len(acting) > 1
             else acting[0] if acting else "nothing there")
    return (f"; a capacity factor other than 0 acts only on {where} (the rest has no "
            "capacity to scale: a factor of 0 closes it, any other changes nothing there)")


def _targets(sc: Scenario, t: Targets, effects: list[Effects]) -> str:
    """The targets in words, with what a region reaches; ``effects`` (all a shock's, every
    state of a regime) tell which of them the ``channels`` and ``commodities`` filters
    narrow."""
    parts = []
    for name in ("sites", "lanes", "regions", "markets"):
        items = getattr(t, name)
        if items:
            reach = f" ({_region_reach(sc, items)})" if name == "regions" else ""
            parts.append(f"{name} {', '.join(items)}{reach}" + (
                _throttled_in(sc, items, effects) if name == "regions" else ""))
    if t.commodities is not None:
        parts.append(f"commodities {', '.join(t.commodities)}")
    if t.channels is not None:
        parts.append(f"channels {', '.join(t.channels)}")
    return "; ".join(parts) + _filter_note(t, effects) if parts else "nothing"


def _filter_note(t: Targets, effects: list[Effects]) -> str:
    """Capacity factors and delays act on sites and lanes whatever they carry: say so where
    a filter narrows only the shock's other effects (a filter that would narrow nothing is
    refused)."""
    unfiltered = [n for n in UNFILTERED if any(getattr(e, n) is not None for e in effects)]
    if not unfiltered:
        return ""
    notes = []
    for field, users in (("channels", CHANNEL_FILTERED), ("commodities", COMMODITY_FILTERED)):
        narrowed = [n for n in users if any(getattr(e, n) is not None for e in effects)]
        if getattr(t, field) is not None and narrowed:
            notes.append(f"{field} narrow {', '.join(narrowed)} only")
    if not notes:
        return ""
    verb = "act" if len(unfiltered) > 1 else "acts"
    return (f" ({'; '.join(notes)}: {' and '.join(unfiltered)} {verb} on every channel and "
            "commodity the targets carry)")


def _ban_end_day(sc: Scenario, ban: ExportBan) -> float | None:
    """When a ban ends (exclusive), in days from the start: its ``end``, or its start plus
    ``duration_days``."""
    if ban.end is not None:
        return sc.day_of(ban.end)
    if ban.duration_days is not None:
        return sc.day_of(ban.start) + ban.duration_days
    return None


def _ban_end(sc: Scenario, ban: ExportBan) -> dt.date | None:
    """When a ban ends (exclusive), as a date."""
    day = _ban_end_day(sc, ban)
    return _date(sc, day) if day is not None else None




def _site_words(sc: Scenario, sid: str) -> str:
    """A site's name, else its id as words."""
    return sc.sites[sid].name or id_words(sid)


def _lane_words(sc: Scenario, lid: str) -> str:
    """A lane's name, else its two ends' (``Kolwezi rail terminal → Lobito rail``)."""
    lane = sc.lanes[lid]
    if lane.name:
        return lane.name
    return f"{_site_words(sc, lane.from_)} → {_site_words(sc, lane.to)} {lane.mode}"


RAMPED = ("corridor upgrade", "mine ramp-up", "offtake deal")
"""Bar groups whose bar is a ramp, after which what it ramps to stays: drawn to the ramp's
end, then lighter to the end of the run (an offtake deal without a ramp has no end)."""


def _upgrade_target(up: Any, capacity: str = "") -> str:
    """What a corridor upgrade ramps to: ``to 4,107 t/day, transit x0.74`` (``capacity``
    before each capacity's words: ``capacity to 4,107 t/day`` in `sim show`'s list)."""
    parts = []
    if up.capacity_t_per_day is not None:
        parts.append(f"{capacity}to {up.capacity_t_per_day:,.0f} t/day")
    if up.capacity_trucks_per_day is not None:
        parts.append(f"{capacity}to {fmt_capacity(up.capacity_trucks_per_day)} trucks/day")
    if up.transit_factor is not None:
        parts.append(f"transit x{up.transit_factor:g}")
    return ", ".join(parts)


def bars(sc: Scenario) -> list[Bar]:
    """Everything with a start (and maybe an end) in calendar terms, each labelled by the
    name the scenario gives it, else its id as words. A ramp's bar (:data:`RAMPED`) ends
    with the ramp, what it ramps to staying after."""
    out: list[Bar] = []

    def kept(_full: dt.date) -> str:
        # the lighter part of a ramp ending weeks before the run's end is a sliver: the
        # words carry it, with the ▶ the key explains (review 221)
        return ", then kept \u25b6"

    for eid, ev in sc.shocks.events.items():
        end = _date(sc, ev.end) if ev.end is not None else (
            _date(sc, sc.day_of(ev.start) + ev.duration_days.mean())
            if ev.duration_days is not None else None)
        out.append(("event", ev.name or id_words(eid), _date(sc, ev.start), end,
                    describe_effects(ev.effects)))
    pol = sc.policies
    for pid, ban in pol.export_bans.items():
        out.append(("export ban", id_words(pid), _date(sc, ban.start), _ban_end(sc, ban),
                    f"{ban.country or sc.exporting_country} {ban.commodity} exports stopped"
                    + (f" ({', '.join(ban.channels)})" if ban.channels else "")))
    for pid, quota in pol.export_quotas.items():
        # in force to its last period's last day or, carried over, to carry_over_until
        # (inclusive days: the bar's end is the day after); the calendar drew the Q4 2025
        # quota to 31 December, when its exports only began, not to 31 March (review 132)
        last = _date(sc, quota.schedule[-1].end)
        if quota.carry_over and quota.carry_over_until is not None:
            last = max(last, _date(sc, quota.carry_over_until))
        first = (f", first exports {_first_exports(sc, quota)}"
                 if quota.first_export_delay_days else "")
        out.append(("export quota", id_words(pid), _date(sc, quota.schedule[0].start),
                    last + dt.timedelta(days=1),
                    f"{quota.country or sc.exporting_country} {quota.commodity} quota{first}"))
    for pid, deal in pol.offtake_deals.items():
        # its ramp drawn as an upgrade's, and its chance of failing said (review 221: "40%
        # to us_partnered" said nothing of the six-month ramp or the 30% chance it fails)
        full = (_date(sc, sc.day_of(deal.start) + deal.ramp_days) if deal.ramp_days > 0
                else None)
        said = (f"{deal.share:.0%} to {deal.to_channel}"
                + (f",\nramp to {full}{kept(full)}" if full is not None else ""))
        if deal.probability_fails > 0:
            said += (f";\nfails in {deal.probability_fails:.0%} of replications")
        out.append(("offtake deal", id_words(pid), _date(sc, deal.start), full, said))
    for pid, up in pol.corridor_upgrades.items():
        # the upgrade stays after its ramp (review 212: a bar to the ramp's end read as an
        # upgrade that ends there); its target said, as other policies give their size
        # (review 221)
        full = _date(sc, sc.day_of(up.start) + up.ramp_days)
        out.append(("corridor upgrade", id_words(pid), _date(sc, up.start), full,
                    f"{_lane_words(sc, up.lane)}:\n"
                    + "".join(f"{t};\n" for t in [_upgrade_target(up)] if t)
                    + f"ramp to {full}{kept(full)}"))
    for sid, site in sc.sites.items():
        ramp = site.ramp_up if isinstance(site, Mine) else None
        if ramp is not None:
            full = _date(sc, sc.day_of(ramp.start) + ramp.ramp_days)
            out.append(("mine ramp-up", _site_words(sc, sid), _date(sc, ramp.start), full,
                        f"from {ramp.initial_factor:.0%} to full output on {full}"
                        f"{kept(full)}"))
    for pid, sup in pol.security_support.items():
        out.append(("security support", id_words(pid), _date(sc, sup.start),
                    _date(sc, sup.end) if sup.end is not None else None,
                    f"escalation x{sup.escalation_factor:g}"))
    for pid, ctl in pol.export_controls.items():
        out.append(("export control", id_words(pid), _date(sc, ctl.start),
                    _date(sc, ctl.end) if ctl.end is not None else None,
                    # which markets and how far: two controls of one country and commodity
                    # read alike as "CHN cobalt" (review 192)
                    f"{ctl.country} {ctl.commodity} to {', '.join(ctl.markets)}, "
                    + ("stopped" if not ctl.cap_t_per_year
                       else f"cap {ctl.cap_t_per_year:,.0f} t/yr")))
    for pid, sp in pol.stockpiles.items():
        # in force from its start to the end of the run, releasing only when triggered
        # (review 152: the calendar left stockpile rules out)
        when = [f"price index above {sp.release_price_ratio_above:g}"
                if sp.release_price_ratio_above is not None else "",
                f"shortfall above {sp.release_shortfall_share_above * 100:.3g}%"
                if sp.release_shortfall_share_above is not None else ""]
        out.append(("stockpile rule", id_words(pid),
                    _date(sc, sp.start) if sp.start is not None else sc.start, None,
                    f"{sp.site} {sp.commodity} to {sp.market} when "
                    + " or ".join(w for w in when if w)))
    for rid, reg in sc.shocks.regimes.items():
        # a regime given its own start is known there: its first state, the scenario's
        # assumption (review 201: m23_escalation's occupation from 2026 was drawn as
        # nothing, which read as M23 leaving); what follows is random, hence no end
        if reg.start is not None:
            first = reg.initial if reg.initial is not None else next(iter(reg.states))
            # one dated before the run starts in that state with the run (review 205)
            early = sc.day_of(reg.start) < -float(sc.warmup_days)
            out.append(("conflict regime", reg.name or id_words(rid),
                        _run_begins(sc) if early else _date(sc, reg.start), None,
                        f"starts {first}{' with the run' if early else ''}, then random"))
    return out


def _until(sc: Scenario, end: When | None) -> str:
    """The " to <last day> inclusive" of a policy with an end (exclusive, as an event's);
    "" without."""
    return f" {_to_last_day(sc, end)}" if end is not None else ""


def _to_last_day(sc: Scenario, end: When) -> str:
    """An exclusive ``end`` in words as the last day in force, inclusive, as quota periods
    and the scenario's period are given: "to <end>" alone reads as including the end date
    (an end of 2025-06-22 is "to 2025-06-21 inclusive"). An end partway through a day
    (day 100.5) leaves that day the last, in part."""
    day = sc.day_of(end)
    last = math.ceil(day) - 1
    text = f"to {_date(sc, last)} inclusive"
    if day != math.ceil(day):
        text += f" (it stops partway through that day, at day {day:g})"
    return text


def _ramp_at_start(sc: Scenario, start: When, ramp_days: float) -> str:
    """For a deal or corridor upgrade that starts before the start date, how far its ramp
    of ``ramp_days`` (days) has gone by then, as a clause to end its line ("" for one that
    starts on the start date or later): the run applies it so from its first day."""
    day = sc.day_of(start)
    if day >= 0:
        return ""
    full = day + ramp_days
    if full < 0:
        return f", in full force from {_date(sc, full)}, before the start date"
    if full == 0:  # its ramp ends on the start date (review 198)
        return f", in full force from the start date ({sc.start})"
    return (f", {round(full, 6):g} of those days left on the start date ({sc.start}), in "
            f"full force on {_date(sc, full)}")


def _regime_start(sc: Scenario, rid: str) -> tuple[str, str]:
    """When a regime starts running and in which state, as the engine does it: at its
    ``start``, or at the start of the warm-up if it has none or its ``start`` is earlier
    (the run has nothing before); in ``initial``, or its first state. Returns the " from
    <date>" after the regime's id (empty unless it starts later than the run) and the
    "starting <state> ..." phrase, which warns that its state on the start date is random
    when it starts before the start date."""
    reg = sc.shocks.regimes[rid]
    state = reg.initial if reg.initial is not None else next(iter(reg.states))
    begins = _run_begins(sc)
    at = _date(sc, reg.start) if reg.start is not None else begins
    if at > begins:
        head, first = f" from {at}", f"starting {state}"
    else:
        head, first = "", f"starting {state} {_first_day(sc)}"
        if reg.start is not None and at < begins:
            first += f" (its start, {at}, is before the run begins)"
    # every state must be entered from the initial one (refused otherwise), so it has a way
    # out, and the state on the start date is a draw
    if max(at, begins) < sc.start:
        first += f", and may have moved to another state by the start date ({sc.start})"
    return head, first


def describe_shocks(sc: Scenario) -> str:
    """Shocks and policies in words; empty if the scenario has none."""
    lines: list[str] = []
    add = lines.append
    sh, pol = sc.shocks, sc.policies
    for eid, ev in sh.events.items():
        if ev.end is not None:
            span = f"from {_date(sc, ev.start)} {_to_last_day(sc, ev.end)}"
        elif ev.duration_days is not None and ev.duration_days.dist == "fixed":
            # a fixed length ends on a known day: written as every other end is (the
            # length alone, rounded, hid a quarter day in 365.25)
            span = (f"from {_date(sc, ev.start)} "
                    f"{_to_last_day(sc, sc.day_of(ev.start) + ev.duration_days.mean())}")
        elif ev.duration_days is not None:
            span = (f"from {_date(sc, ev.start)} for {ev.duration_days.mean():.4g} days "
                    "(mean)")
        else:
            span = f"from {_date(sc, ev.start)} to the end of the run"
        add(f"  event {eid}" + (f" '{ev.name}'" if ev.name else "") +
            f" {span}: {describe_effects(ev.effects)} on {_targets(sc, ev.targets, [ev.effects])}")
    for rid, reg in sh.regimes.items():
        states = ", ".join(f"{s} ({describe_effects(st.effects)})"
                           for s, st in reg.states.items())
        rates = "; ".join(f"{a} -> {b} {r:g}/yr" for a, row in reg.rates_per_year.items()
                          for b, r in row.items())
        shared = [st.effects for st in reg.states.values()]
        begins, first = _regime_start(sc, rid)
        add(f"  regime {rid}{begins} on {_targets(sc, reg.targets, shared)}: {first}; "
            f"states {states}; rates {rates}")
    for iid, inc in sh.incidents.items():
        # the engine draws arrivals from the run's first day at the earliest
        window = ([f"from {_date(sc, inc.start)}"]
                  if inc.start is not None and _date(sc, inc.start) > _run_begins(sc) else [])
        if inc.end is not None:
            window.append(f"before {_date(sc, inc.end)}")
        when = f", starting {' and '.join(window)}" if window else ""
        add(f"  incidents {iid}: {inc.rate_per_year:g} per year{when}, lasting "
            f"{inc.duration_days.mean():.3g} days on average: {describe_effects(inc.effects)} "
            f"on {_targets(sc, inc.targets, [inc.effects])}")
    for pid, ban in pol.export_bans.items():
        ends = _ban_end_day(sc, ban)
        end = f" {_to_last_day(sc, ends)}" if ends is not None else " to the end of the run"
        # a ban acts on the mines of its country: said, as a transit country is a slip
        mines = f"mines in {ban.country or sc.exporting_country}"
        limit = (f"; {mines} stock up to {n_days(ban.stock_limit_days)} of each channel's "
                 "planned exports, then "
                 f"curtail{_by_products_too(sc, ban.commodity, ban.country, ban.channels)}"
                 if ban.stock_limit_days is not None else f"; {mines} stock without limit")
        add(f"  export ban {pid}: {ban.commodity} from {_date(sc, ban.start)}{end}"
            + _on_channels(ban.channels) + limit)
    for pid, q in pol.export_quotas.items():
        sched = "; ".join((f"{p.tonnes:,.0f} t per {p.period}" if p.period != "whole"
                           else f"{p.tonnes:,.0f} t") + " " + _quota_span(sc, p)
                          for p in q.schedule)
        add(f"  export quota {pid}: {q.commodity}{_on_channels(q.channels)}: {sched}; "
            # a quota on all channels caps a refiner's refined exports too
            f"exports of {'mines' if q.channels else 'mines and refiners'} in "
            f"{q.country or sc.exporting_country}; "
            f"strategic share {q.strategic_share:.0%}; "
            f"carry-over {'yes' if q.carry_over else 'no'}"
            # a date beside carry_over false is ignored (sim validate notes it)
            + (f" to {_date(sc, q.carry_over_until)} inclusive"
               if q.carry_over and q.carry_over_until else "")
            + f"; first exports {n_days(q.first_export_delay_days)} after the quota starts"
            + (f" (from {_first_exports(sc, q)})" if q.first_export_delay_days else "")
            # who gets it is the core of such a policy (review 132)
            + ("; shared among " + ", ".join(f"{m} {s * 100:.4g}%" for m, s in q.allocation.items())
               if q.allocation else "; shared by the mines' planned output on its channels")
            + ("; each period's allowance accrues evenly day by day" if q.release == "daily"
               else "; each period's allowance released whole on its first day")
            # as a ban's: the limit is what makes the mines curtail
            + (f"; mines stock up to {n_days(q.stock_limit_days)} of each channel's planned "
               "exports, then curtail"
               f"{_by_products_too(sc, q.commodity, q.country, q.channels)}"
               if q.stock_limit_days is not None
               else "; mines stock without limit"))
    for pid, d in pol.offtake_deals.items():
        add(f"  offtake deal {pid}: from {_date(sc, d.start)}, {d.moves()} over "
            f"{d.ramp_days:g} days{_ramp_at_start(sc, d.start, d.ramp_days)}; probability "
            f"it fails {d.probability_fails:.0%}")
    for pid, up in pol.corridor_upgrades.items():
        add(f"  corridor upgrade {pid}: {up.lane} from {_date(sc, up.start)} over "
            f"{up.ramp_days:g} days: {_upgrade_target(up, 'capacity ')}"
            f"{_ramp_at_start(sc, up.start, up.ramp_days)}")
    for sid, site in sc.sites.items():
        if isinstance(site, Mine) and site.ramp_up is not None:
            add(f"  mine {sid} {describe_ramp_up(sc, site)}")
    for pid, sp in pol.stockpiles.items():
        trig = []
        if sp.release_price_ratio_above is not None:
            trig.append(f"price index above {sp.release_price_ratio_above:g}")
        if sp.release_shortfall_share_above is not None:
            trig.append(f"shortfall above {sp.release_shortfall_share_above * 100:.3g}%")
        since = f" from {_date(sc, sp.start)}" if sp.start is not None else ""
        cap = (f" (at most {sp.release_cap_t:,.0f} t in all)" if sp.release_cap_t is not None
               else "")
        # the engine rebuilds only on a day it releases nothing
        rebuild = (f"; otherwise buys back from {sp.market} up to "
                   f"{sp.rebuild_t_per_day:,.0f} t/day while the price index is below "
                   f"{sp.rebuild_price_ratio_below:g}, to a stock of "
                   f"{sp.rebuild_target_t:,.0f} t"
                   if sp.rebuild_price_ratio_below is not None
                   and sp.rebuild_t_per_day is not None and sp.rebuild_target_t is not None
                   else "")
        add(f"  stockpile {pid}{since}: {sp.site} releases {sp.commodity} to {sp.market} at "
            f"up to {sp.release_t_per_day:,.0f} t/day{cap} when {' or '.join(trig)}{rebuild}")
    for pid, sup in pol.security_support.items():
        add(f"  security support {pid} from {_date(sc, sup.start)}{_until(sc, sup.end)}: "
            f"regimes {', '.join(sup.regimes)}, escalation x{sup.escalation_factor:g}, "
            f"de-escalation x{sup.deescalation_factor:g}")
    for pid, ctl in pol.export_controls.items():
        add(f"  export control {pid} from {_date(sc, ctl.start)}{_until(sc, ctl.end)}: "
            f"{ctl.country} refiners' {ctl.commodity} to {', '.join(ctl.markets)} capped at "
            f"{ctl.cap_t_per_year:,.0f} t/yr")
    if not lines:
        return ""
    return "\n".join(["Shocks and policies", *lines])


def _goes_on(group: str, end: dt.date | None, end_of_run: dt.date) -> bool:
    """Whether a bar goes on past the run's end: it has no end, ends after the run's, or
    is a ramp (:data:`RAMPED`), whose result stays."""
    return end is None or end > end_of_run or group in RAMPED


def calendar_marks(sc: Scenario) -> dict[str, bool]:
    """What the calendar of ``sc`` draws beside plain bars: ``kept`` (a lighter part, what
    a ramp reached kept after it), ``goes_on`` (a ▶ at the run's end: the bar goes on past
    it) and ``hatched`` (a regime from a start of its own)."""
    end_of_run = sc.start + dt.timedelta(days=int(sc.horizon))
    items = bars(sc)
    return {
        "kept": any(g in RAMPED and end is not None and end < end_of_run
                    for g, _l, _s, end, _d in items),
        "goes_on": any(_goes_on(g, end, end_of_run) for g, _l, _s, end, _d in items),
        "hatched": any(g == "conflict regime" for g, *_ in items),
    }


KEPT_WORDS = "lighter: kept after its ramp"
GOES_ON_WORDS = "\u25b6: goes on past the run's end"


def timeline_caption(sc: Scenario, whose: str = "") -> str:
    """The calendar's caption (and alt text) in a report: what its lines, lighter parts,
    ▶ and hatching mean, each said only where drawn (review 221: the ▶ was explained
    nowhere)."""
    marks = calendar_marks(sc)
    parts = ["A solid vertical line marks the start date, a dashed one the end of the run."]
    if marks["kept"]:
        parts.append("The lighter part of a ramp's bar is what the ramp reached, kept from "
                     "the ramp's end to the end of the run.")
    if marks["goes_on"]:
        parts.append("\u25b6 at the end of the run: the bar goes on past it (no end, an "
                     "end after the run's, or a ramp, whose result stays).")
    if marks["hatched"]:
        parts.append("A hatched bar is a conflict regime from a start of its own, in its "
                     "first state; its states after that are random.")
    return (f"{whose}Shocks and policies on the calendar (as scripted; stochastic regimes "
            f"and incidents vary by replication). {' '.join(parts)}")


def timeline_figure(sc: Scenario) -> Figure | None:
    """Bars on a calendar for events and policies; None if there are none."""
    # matplotlib is loaded only to draw: the words alone (sim show --no-figure) must work
    # where it cannot start (review 115)
    from matplotlib.figure import Figure
    from matplotlib.transforms import ScaledTranslation

    from sim.output import style as st

    items = bars(sc)
    if not items:
        return None
    end_of_run = sc.start + dt.timedelta(days=int(sc.horizon))
    # a row 0.12 inch taller for each line of its words beyond two
    rows = sum(0.45 + 0.12 * max(detail.count("\n") - 1, 0) for *_r, detail in items)
    fig = Figure(figsize=(11, rows + 1.6), layout="constrained")
    ax = fig.add_subplot()
    colors = {"event": "#d62728", "export ban": "#9467bd", "export quota": "#8c564b",
              "offtake deal": "#1f77b4", "corridor upgrade": "#2ca02c",
              "security support": "#17becf", "export control": "#ff7f0e",
              "mine ramp-up": "#bcbd22", "stockpile rule": "#7f7f7f",
              "conflict regime": "#e377c2"}
    # the axis runs a little past the run's ends; the bars stop at the run's end, a ▶
    # there marking those that go on (review 221: a ban without an end looked like one
    # that ended with the run)
    margin = dt.timedelta(days=max(30, math.ceil(sc.horizon / 4)))
    lo = _run_begins(sc) - margin
    # the ▶ just right of the dashed line, so it covers no bar (a ramp's lighter part two
    # weeks long was ~10 px, half of it under the marker; review 221)
    beyond = ax.transData + ScaledTranslation(4.5 / 72, 0, fig.dpi_scale_trans)
    kept = goes_on = False
    for i, (group, label, start, end, detail) in enumerate(items):
        color = colors.get(group, "grey")
        start, stop = max(start, lo), min(end or end_of_run, end_of_run)
        # a regime's bar is hatched: only its first state is known, the rest is random
        ax.barh(i, max((stop - start).days, 1), left=start, height=0.6,
                color=color, alpha=0.8,
                **({"hatch": "//", "edgecolor": "white", "linewidth": 0}
                   if group == "conflict regime" else {}))
        if group in RAMPED and end is not None and stop < end_of_run:
            # what the ramp reached stays: lighter from the ramp's end to the run's,
            # outlined so a short rest of the run still shows as a box
            kept = True
            after = max(stop, start + dt.timedelta(days=1))
            ax.barh(i, (end_of_run - after).days, left=after, height=0.6,
                    color=color, alpha=0.3, edgecolor=color, linewidth=0.8,
                    label="_kept")
        if _goes_on(group, end, end_of_run):
            goes_on = True
            ax.plot([end_of_run], [i], marker=">", ms=7, color=color, alpha=0.9,
                    clip_on=False, transform=beyond, label="_goes on")
        ax.text(start, i, st.plain(" " + detail.replace("\n", "\n ")), va="center", fontsize=7)
    ax.set_yticks(range(len(items)), [st.plain(f"{g}: {lab}") for g, lab, *_ in items],
                  fontsize=8)
    ax.invert_yaxis()
    ax.axvline(sc.start, color="black", lw=0.8)
    ax.axvline(end_of_run, color="black", lw=0.8, ls="--")
    ax.set_xlabel("date")
    # an axes title is centred on the axes, right of the labels: fitted to what is left
    # of the figure's width beside the widest label, so a long scenario id stays inside
    ticks = max(st.text_width(t.get_text(), 8) for t in ax.get_yticklabels())
    room = max(fig.get_figwidth() * 72 - ticks - 60, 150)
    regimes = ("a regime with a start of its own is hatched from it: its first state is "
               "set, the rest random; other regimes and incidents"
               if any(g == "conflict regime" for g, *_ in items)
               else "random regimes and incidents")
    ax.set_title(st.fit_lines(f"{st.plain(sc.name)}: scripted events and policies ({regimes}"
                              " not shown)\nsolid line: start date; dashed: end of run"
                              + ("\n" + "; ".join(w for w, drawn in ((KEPT_WORDS, kept),
                                                                     (GOES_ON_WORDS, goes_on))
                                                  if drawn) if kept or goes_on else ""),
                              room,
                              10), fontsize=10)
    ax.grid(True, axis="x", lw=0.3)
    return fig


def save_timeline_figure(sc: Scenario, path: Path) -> Path | None:
    """Save the calendar of shocks and policies; None if the scenario has none."""
    from sim.output import style as st
    from sim.output.network_map import FIGURE_FORMATS, FigureError, write_figure_file

    # matplotlib's defaults, as the map beside it (a run's calendar is drawn in its style)
    with st.defaults():
        fig = timeline_figure(sc)
    if fig is None:
        return None
    if path.suffix.lower() not in FIGURE_FORMATS:
        raise FigureError(f"cannot write a figure as {path.name!r}")
    write_figure_file(fig, path)
    return path

