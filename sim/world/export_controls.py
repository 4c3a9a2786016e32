"""Refined-metal export controls, settled across every refiner shipping on a day.

A control lets a country's refiners sell a commodity to named markets only up to an
allowance (see :class:`~sim.shocks.policies.ExportControlState`). On a day when refiners
ship, each one's refined metal is first split by its sales shares. Where the requests on
the markets a control covers exceed its allowance, each is cut in the same proportion,
whichever refiner and market it comes from (the order of sites in the file does not
matter); where several controls cover a market, the tightest cut binds. Refiners the
control acts on that do not ship that day (a longer ``dispatch_period_days``) claim their
part too: the refined metal they hold counts as a request in that first cut (once, as far
as the refiner's other markets could take what is cut, as a shipper's cut metal goes there
and does not ask again; the rest asks again, as a shipper's kept output does), and what it
would be allowed is set aside for them, so a refiner that ships daily does not draw the
allowance before one that ships weekly, nor the reverse (each gets the same share of its
output). Tonnes cut go, in further rounds, to the refiner's markets that can still take
more, in proportion to their sales shares: markets no control covers, and covered markets
whose controls have allowance left. What no market can take stays in the refiner's output,
waiting for the next dispatch. Refined metal a ban or quota holds for a covered market (a
refiner's ``held_abroad``, whether that refiner ships that day or not) is older than the
day's output and claims the allowance first: the split of new metal gets only what it
leaves, so during a ban the control's markets are granted no more than their cap and the
rest goes to the other markets. Held metal's claim is split across the refiners holding it
in proportion to the tonnes each holds for the control's markets, and each draws only its
part when it ships (:func:`claim_held`), so the first refiner in the file does not take it
all. Allowance given to metal the ban then holds is given back and carries over (up to a
year's cap), for the held metal to leave with when the ban ends.

Set-asides are made on days some refiner ships, and once more as a control ends
(:func:`claim_at_end`), so allowance earned after the last such day is not lost when a
control is split into pieces. Controls ending at the same time end together, whatever
their order in the file: they claim, then hand over, as one. When a control ends while a
refiner waits, the allowance set aside for it was granted while the control was in force:
it is not lost if a control on the same country, commodity and markets follows (starting
as it ends, or later, as long as the refiner has not shipped in between). The set-aside
tonnes pass to the follower (:func:`hand_over`) and leave at the refiner's next dispatch on
top of its share of the follower's own allowance, which they do not draw; its metal that
asked the ended control does not ask the follower again. So two controls back to back
split the allowance between refiners as one control over both periods would, and each
control grants no more than its own allowance (the follower's markets may take up to the
set-aside tonnes more while it is in force). A control in force as the other ends (the
two overlapped) claims with it, as on a day some refiner ships, and takes nothing: its cut
binds the waiting metal, and handed over on top of its allowance the set-aside let it pass
more than its cap. So a control that starts shortly before another ends can pass less
than one starting as it ends. Allowance a ban makes carry over does not pass either: what
held metal could not use while the ban held it is free allowance, not set aside for the
holding refiner, and lapses when the control ends (a limitation).

Each round but the last exhausts at least one control (the one with the tightest cut gives
away all its allowance), so there is at most one round more than there are controls.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.world.lanes import Lane
    from sim.world.sites import Refiner

_EPS = 1e-9

Split = dict[int, tuple[list[tuple["Lane", float]], float]]
"""Per commodity: (tonnes per sales lane, tonnes kept in the refiner's output)."""


def _covering(controls: Sequence[Any], country: str, lane: Lane) -> list[Any]:
    return [ctl for ctl in controls
            if ctl.country == country and lane.to.index in ctl.markets]


def _requests(ref: Refiner, amount: float, commodity: int,
              covers: list[list[Any]]) -> list[tuple[int, float, list[Any]]]:
    """``amount`` of ``ref``'s refined metal split by sales shares over the lanes no
    exhausted control covers: (lane position, tonnes, covering controls)."""
    sales = ref.sales[commodity]
    open_lanes = [i for i in range(len(sales))
                  if all(ctl.allowance > _EPS for ctl in covers[i])]
    total_share = sum(sales[i][1] for i in open_lanes)
    if total_share <= 0.0:
        return []
    return [(i, amount * sales[i][1] / total_share, covers[i]) for i in open_lanes]


def _covered(requests: Sequence[tuple[int, float, list[Any]]], ctl: Any) -> float:
    return sum(t for _i, t, covering in requests if any(c is ctl for c in covering))


def _first_cut(refiners: Sequence[Refiner], requests: Sequence[tuple[int, int, float, list[Any]]],
               waiting: Sequence[Refiner], controls: Sequence[Any],
               commodity: int, cutting: Sequence[Any] | None = None
               ) -> dict[tuple[int, int], float]:
    """Each shipping refiner's factor on its requests under each control, for the first round:
    the free allowance is cut in proportion to what every refiner the control acts on asks
    for its metal that has not asked before, shippers and ``waiting`` refiners alike. A
    shipper's cut metal goes to its other markets as far as they can take it, and what they
    cannot take stays in its output and asks again the next day; a waiting refiner's does
    the same (:func:`_outlet_room`): its output asks once, and the part of its cut its other
    markets could not take asks again. The waiting refiners' parts are set aside for them; a
    shipper's own part set aside earlier goes back to the free allowance, and is added to
    what it may ship. ``cutting``: the controls that cut (default all ``controls``; the
    others only say which lanes are covered). Every control's cut and the other markets'
    room are judged from the allowances as they stood before any of this round's
    set-asides, so the order the controls are listed in does not matter."""
    by_refiner: list[list[tuple[int, float, list[Any]]]] = [[] for _ in refiners]
    for r, i, t, covering in requests:
        by_refiner[r].append((i, t, covering))
    claims = []
    for ref in waiting:
        covers = [_covering(controls, ref.country, lane) for lane, _share in ref.sales[commodity]]
        claims.append((ref, _requests(ref, float(ref.output[commodity]), commodity, covers),
                       covers))
    factors: dict[tuple[int, int], float] = {}
    room_of = {id(ctl): ctl.allowance for ctl in controls}
    for ctl in (controls if cutting is None else cutting):
        asked = ctl.asked
        shipper_wants = [(r, refiners[r].index, _covered(reqs, ctl))
                         for r, reqs in enumerate(by_refiner)]
        waiting_wants = [(ref, _covered(reqs, ctl), covers) for ref, reqs, covers in claims]
        wanted = sum(max(covered - asked.get(key, 0.0), 0.0)
                     for _r, key, covered in shipper_wants)
        wanted += sum(max(covered - asked.get(ref.index, 0.0), 0.0)
                      for ref, covered, _covers in waiting_wants)
        scale = 1.0 if wanted <= ctl.allowance else ctl.allowance / wanted
        for ref, covered, covers in waiting_wants:
            key = ref.index
            before = asked.get(key, 0.0)
            held = ctl.reserved.get(key, 0.0)
            new = max(covered - before, 0.0)
            more = min(new * scale, ctl.allowance)
            if more > 0.0:
                ctl.reserved[key] = held + more
                ctl.allowance -= more
            kept = max(new - more - _outlet_room(ref, commodity, covers, ctl, room_of), 0.0)
            if before + new - kept > 0.0:
                asked[key] = before + new - kept
        for r, key, covered in shipper_wants:
            held = ctl.reserved.pop(key, 0.0)
            new = max(covered - asked.pop(key, 0.0), 0.0)
            ctl.allowance += held
            factors[r, id(ctl)] = min((held + new * scale) / covered, 1.0) \
                if covered > 0.0 else scale
    return factors


def _outlet_room(ref: Refiner, commodity: int, covers: list[list[Any]], ctl: Any,
                 room_of: dict[int, float]) -> float:
    """Tonnes of what ``ctl`` cuts that ``ref``'s other markets could take now: unlimited
    if one of them (with a sales share) is under no control, else the allowance the
    tightest control on each had left (``room_of``, by ``id``) before this round's
    set-asides (0 for none). An estimate for a refiner that does
    not ship today, whose cut metal would otherwise go there as a shipper's does."""
    room = 0.0
    for (_lane, share), covering in zip(ref.sales[commodity], covers, strict=True):
        if share <= 0.0 or any(c is ctl for c in covering):
            continue
        if not covering:
            return math.inf
        room += min(room_of[id(c)] for c in covering)
    return room


def settle(refiners: Sequence[Refiner], controls: Sequence[Any], commodity: int,
           now: float, waiting: Sequence[Refiner] = (), holding: Sequence[Refiner] = ()
           ) -> dict[int, tuple[list[tuple[Lane, float]], float]]:
    """Tonnes each refiner ships of ``commodity`` on each sales lane, and keeps, under the
    active ``controls`` on it; keyed by the refiner's position in ``refiners``.

    Every refiner in ``refiners`` and ``waiting`` must have output and sales of
    ``commodity``. ``waiting`` are refiners the controls act on that do not ship now: the
    part of the allowance their refined metal would get is set aside for them (in each
    control's ``reserved``) until they ship. Draws the controls' allowances down by what
    passes. ``holding`` are other refiners the controls act on whose metal a ban or quota
    holds (``held_abroad``): it claims the allowance before the new metal, as the shippers'
    own held metal does, whether or not they ship now."""
    for ctl in controls:
        ctl.accrue(now)
    covers = [[_covering(controls, ref.country, lane) for lane, _share in ref.sales[commodity]]
              for ref in refiners]
    # metal a ban or quota held for a covered market is older than today's output: it
    # claims the allowance first (oldest first), so the split of new metal gets only what
    # is left; the claim goes back to the allowance for the refiner to draw when it ships
    claimed = claim_held([*refiners, *holding], controls, commodity,
                         covers + [[_covering(controls, ref.country, lane)
                                    for lane, _share in ref.sales[commodity]]
                                   for ref in holding])
    for ctl, take in zip(controls, claimed, strict=True):
        ctl.allowance -= take
    placed = [[0.0] * len(ref.sales[commodity]) for ref in refiners]
    pending = [float(ref.output[commodity]) for ref in refiners]
    kept = [0.0] * len(refiners)
    for round_ in range(len(controls) + 2):  # one spare round against rounding
        requests: list[tuple[int, int, float, list[Any]]] = []
        for r, ref in enumerate(refiners):
            amount = pending[r]
            if amount <= _EPS:
                continue
            mine = _requests(ref, amount, commodity, covers[r])
            if not mine:
                kept[r] += amount
                pending[r] = 0.0
                continue
            requests.extend((r, i, t, covering) for i, t, covering in mine)
        if not requests:
            break
        if round_ == 0:
            first = _first_cut(refiners, requests, waiting, controls, commodity)

            def factor_of(r: int, covering: list[Any]) -> float:
                return min((first[r, id(ctl)] for ctl in covering), default=1.0)
        else:
            wanted = {id(ctl): 0.0 for ctl in controls}
            for _r, _i, t, covering in requests:
                for ctl in covering:
                    wanted[id(ctl)] += t
            scale = {id(ctl): (1.0 if wanted[id(ctl)] <= ctl.allowance
                               else ctl.allowance / wanted[id(ctl)]) for ctl in controls}

            def factor_of(r: int, covering: list[Any]) -> float:
                return min((scale[id(ctl)] for ctl in covering), default=1.0)
        pending = [0.0] * len(refiners)
        for r, i, t, covering in requests:
            factor = factor_of(r, covering)
            allowed = t if factor >= 1.0 else t * factor
            placed[r][i] += allowed
            pending[r] += t - allowed
            for ctl in covering:
                ctl.allowance = max(ctl.allowance - allowed, 0.0)
    for r in range(len(refiners)):
        kept[r] += pending[r]
    for ctl, take in zip(controls, claimed, strict=True):
        ctl.allowance += take
    return {r: ([(lane, placed[r][i]) for i, (lane, _s) in enumerate(ref.sales[commodity])],
                kept[r])
            for r, ref in enumerate(refiners)}


def claim_held(holders: Sequence[Refiner], controls: Sequence[Any], commodity: int,
               covers: Sequence[list[list[Any]]] | None = None) -> list[float]:
    """Tonnes of each control's allowance that the metal a ban or quota holds for its
    markets (``held_abroad``) at ``holders`` claims: all it holds, at most the allowance.
    Each control's ``grants`` says what part each holder (by site index) may draw when it
    ships today, in proportion to the tonnes it holds for the control's markets, so that
    the first holder in the file does not draw the whole claim before the others.
    ``covers``: per holder, the controls covering each sales lane (computed if ``None``)."""
    if covers is None:
        covers = [[_covering(controls, ref.country, lane) for lane, _share in ref.sales[commodity]]
                  for ref in holders]
    claimed = []
    for ctl in controls:
        mine: dict[int, float] = {}
        for ref, ref_covers in zip(holders, covers, strict=True):
            held = sum(ref.held_abroad[commodity][i] for i, covering in enumerate(ref_covers)
                       if any(c is ctl for c in covering))
            if held > 0.0:
                mine[ref.index] = mine.get(ref.index, 0.0) + held
        total = sum(mine.values())
        take = min(total, max(ctl.allowance, 0.0))
        ctl.grants = {key: take * held / total for key, held in mine.items()} if total > 0.0 \
            else {}
        claimed.append(take)
    return claimed


def _shipped_since(ref: Refiner, t: float, shipping: bool) -> bool:
    """Whether ``ref`` has dispatched at time ``t`` or later, before now: one that is
    ``shipping`` now has already counted this dispatch as its last."""
    last = ref.last_dispatch_t - ref.dispatch_period if shipping else ref.last_dispatch_t
    return last >= t - _EPS


def hand_over(ended: Sequence[Any], active: Sequence[Any],
              refiners: Sequence[Refiner], shipping: Sequence[Refiner] = (),
              overlapping: Sequence[Any] = ()) -> None:
    """Pass what ended controls set aside for refiners to the ``active`` controls that
    follow them, so the tonnes are neither lost nor asked for twice.

    For each refiner with tonnes set aside (``reserved``) or held output that asked
    (``asked``) in an ended control, both in tonnes of its metal for the control's
    markets: if it has dispatched since the control ended (its ``last_t``), they lapse, as
    its metal left then; else each active control on the same country and commodity that
    covers some of the ended one's markets takes the part of them for the markets both
    cover (by the refiner's sales shares), less what of that output already asked it (it
    overlapped the ended one, or another ended control handed it over): ``asked`` grows
    by the rest and ``reserved`` by the same part of what was set aside. Where several
    ended controls hand over the same metal, the one that set aside least per tonne asked
    goes first (its cut bound that metal), whatever their order in the file. The
    follower's free ``allowance`` is not drawn. Entries of a refiner no active control
    follows stay in the ended control until one starts or the refiner ships.
    ``shipping`` are the refiners dispatching now (their own dispatch is the one the
    handed-over tonnes leave with). ``overlapping``: active controls that were in force
    with the ended ones and claimed for the waiting metal as they ended
    (:func:`claim_at_end`): their own cut binds that metal, so nothing passes to them (the
    part of it their cut kept, to ask them again, would otherwise count as fresh and take
    the ended control's set-aside on top of their allowance); what is set aside for them
    lapses, and a follower starting now still takes its part."""
    by_index = {ref.index: ref for ref in refiners}
    now_shipping = {id(ref) for ref in shipping}
    overlapping_ids = {id(ctl) for ctl in overlapping}
    # per (refiner, follower): what each ended control offers, applied below tightest
    # first, so where two ended controls bound the same metal the tighter set-aside binds,
    # not the one listed first
    offers: dict[tuple[int, int], tuple[Any, list[tuple[float, float, float]]]] = {}
    for old in ended:
        for key in sorted(set(old.reserved) | set(old.asked)):
            ref = by_index.get(key)
            if ref is None or _shipped_since(ref, old.last_t, id(ref) in now_shipping):
                old.reserved.pop(key, None)
                old.asked.pop(key, None)
                continue
            sales = ref.sales[old.commodity]
            in_old = sum(share for lane, share in sales if lane.to.index in old.markets)
            followers = []
            for new in active:
                if new.commodity != old.commodity or new.country != old.country:
                    continue
                both = sum(share for lane, share in sales
                           if lane.to.index in old.markets and lane.to.index in new.markets)
                if both > 0.0 and in_old > 0.0:
                    followers.append((new, both / in_old))
            if not followers:
                continue
            reserved = old.reserved.pop(key, 0.0)
            asked = old.asked.pop(key, 0.0)
            for new, part in followers:
                mine = asked * part
                if mine > _EPS and id(new) not in overlapping_ids:
                    offers.setdefault((key, id(new)), (new, []))[1].append(
                        (reserved / asked, mine, reserved * part))
    for (key, _new_id), (new, items) in offers.items():
        for _rate, mine, set_aside in sorted(items):
            fresh = max(mine - new.asked.get(key, 0.0), 0.0)
            if fresh <= _EPS:
                continue
            new.asked[key] = new.asked.get(key, 0.0) + fresh
            new.reserved[key] = new.reserved.get(key, 0.0) + set_aside * fresh / mine


def ship_under_controls(due: Sequence[Refiner], refiners: Sequence[Refiner],
                        controls: Sequence[Any], now: float) -> None:
    """Ship the refiners ``due`` to dispatch, with the active ``controls`` settled across
    all of them, commodity by commodity; the other ``refiners`` the controls act on claim
    their part of each allowance for their next dispatch. What controls that have ended
    set aside for refiners still waiting passes to the active ones first
    (:func:`hand_over`)."""
    if due:
        # the ended controls are not passed in: only the world lists them
        ended = [ctl for ctl in due[0].world.export_controls
                 if not ctl.active and (ctl.reserved or ctl.asked)]
        if ended:
            hand_over(ended, controls, refiners, due)
    splits: list[Split] = [{} for _ in due]
    shipping_now = {id(ref) for ref in due}
    for c in sorted({ctl.commodity for ctl in controls}):
        on_c = [ctl for ctl in controls if ctl.commodity == c]
        countries = {ctl.country for ctl in on_c}

        def acted_on(ref: Refiner) -> bool:
            return ref.country in countries and bool(ref.sales[c]) and float(ref.output[c]) > 0.0

        shipping = [r for r, ref in enumerate(due) if acted_on(ref)]
        if not shipping:
            # no new metal to split, but a refiner shipping now may release held metal:
            # it draws only its part of the claim, whatever the order of sites
            releasing = [ref for ref in due if ref.country in countries
                         and ref.abroad[c] > 0.0 and ref.sales[c]]
            if releasing:
                for ctl in on_c:
                    ctl.accrue(now)
                claim_held([ref for ref in refiners if ref.country in countries
                            and ref.abroad[c] > 0.0 and ref.sales[c]], on_c, c)
            continue
        waiting = [ref for ref in refiners if id(ref) not in shipping_now and acted_on(ref)]
        # held metal claims first wherever it waits: at a refiner that does not ship today,
        # or one that ships today with no new metal (it draws its claim in its own ship)
        settling = {id(due[r]) for r in shipping}
        holding = [ref for ref in refiners if id(ref) not in settling
                   and ref.country in countries and ref.abroad[c] > 0.0 and ref.sales[c]]
        settled = settle([due[r] for r in shipping], on_c, c, now, waiting, holding)
        for pos, r in enumerate(shipping):
            splits[r][c] = settled[pos]
    for ref, split in zip(due, splits, strict=True):
        ref.ship(split)
    for ctl in controls:
        ctl.grants = {}


def claim_at_end(ending: Sequence[Any], refiners: Sequence[Refiner], controls: Sequence[Any],
                 now: float, starting: Sequence[Any] = ()) -> None:
    """Set aside, as the controls ``ending`` (still active) end at ``now``, the part of their
    free allowance that the refiners they act on would get for their refined metal, as on a
    day some refiner ships (:func:`_first_cut`): set-asides are otherwise made only on such
    days, so allowance earned after the last of them would lapse with the control instead
    of passing to a control that follows it (:func:`hand_over`). Then pass what they set
    aside to the controls in force that follow them.

    ``ending``: every control that ends at ``now``, ended together, so neither takes the
    other for a follower and the result does not depend on their order in the file.
    ``controls``: every control the world lists. The controls in force that stay in force
    and share a market with an ending one on its country and commodity claim at the same
    moment, as on a day some refiner ships: the waiting metal has then asked them, so what
    an ending control set aside for it does not pass to them on top of their own allowance
    (their cut binds it too). ``starting``: controls that start at ``now``; they neither
    claim nor close lanes to the claim (with no allowance yet, they would make the ending
    controls' allowance lapse), but take the set-asides as followers. One in force with no
    allowance left closes the lanes it covers to the claim, as on a day some refiner ships,
    unless it neither ends nor follows. Refiners that shipped at ``now`` are left out: their
    set-aside would lapse at their next dispatch. The held metal's claim comes first, as in
    :func:`settle`."""
    ending_ids = {id(ctl) for ctl in ending}
    starting_ids = {id(ctl) for ctl in starting}
    for c, country in sorted({(ctl.commodity, ctl.country) for ctl in ending}):
        markets = frozenset().union(*(ctl.markets for ctl in ending
                                      if ctl.commodity == c and ctl.country == country))
        cutting = [ctl for ctl in controls
                   if ctl.active and id(ctl) not in starting_ids and ctl.commodity == c
                   and ctl.country == country
                   and (id(ctl) in ending_ids or ctl.markets & markets)]
        for ctl in cutting:
            ctl.accrue(now)
        waiting = [ref for ref in refiners
                   if ref.country == country and ref.sales[c] and float(ref.output[c]) > 0.0
                   and ref.last_dispatch_t < now - _EPS]
        if waiting and any(ctl.allowance > _EPS for ctl in cutting):
            _claim_waiting(cutting, refiners, controls, waiting, starting_ids)
    for ctl in ending:
        ctl.accrue(now)
    # a control starting now takes the set-asides at once: one ending before the refiner's
    # next dispatch then claims only for metal that has not asked, and what each piece set
    # aside adds up (handed over together at the dispatch, they bound the same metal)
    followers = [ctl for ctl in controls if ctl.active and id(ctl) not in ending_ids]
    ended = [ctl for ctl in ending if ctl.reserved or ctl.asked]
    if followers and ended:
        hand_over(ended, followers, refiners, overlapping=[
            ctl for ctl in followers if id(ctl) not in starting_ids])


def _claim_waiting(cutting: Sequence[Any], refiners: Sequence[Refiner],
                   controls: Sequence[Any], waiting: Sequence[Refiner],
                   starting_ids: set[int]) -> None:
    """One claim by the ``waiting`` refiners on every control in ``cutting`` (one country
    and commodity), each judged from the allowances as they stood before it."""
    c = cutting[0].commodity
    country = cutting[0].country
    cutting_ids = {id(ctl) for ctl in cutting}
    # a control with no allowance left would close the lanes it covers to this claim: one
    # starting now never does (the ending controls' allowance would then lapse after all),
    # nor one that neither ends nor follows (it does not claim, as before)
    on_c = [ctl for ctl in controls if ctl.active and ctl.commodity == c
            and id(ctl) not in starting_ids
            and (id(ctl) in cutting_ids or ctl.allowance > _EPS)]
    holding = [ref for ref in refiners
               if ref.country == country and ref.abroad[c] > 0.0 and ref.sales[c]]
    takes = claim_held(holding, cutting, c) if holding else [0.0] * len(cutting)
    for ctl, take in zip(cutting, takes, strict=True):
        ctl.grants = {}
        ctl.allowance -= take
    _first_cut([], [], waiting, on_c, c, cutting=cutting)
    for ctl, take in zip(cutting, takes, strict=True):
        ctl.allowance += take
