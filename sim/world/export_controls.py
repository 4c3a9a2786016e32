"""Refined-metal export controls, settled across every refiner shipping on a day.

A control lets a country's refiners sell a commodity to named markets only up to an
allowance (see :class:`~sim.shocks.policies.ExportControlState`). On a day when refiners
ship, each one's refined metal is first split by its sales shares. Where the requests on
the markets a control covers exceed its allowance, each is cut in the same proportion,
whichever refiner and market it comes from (the order of sites in the file does not
matter); where several controls cover a market, the tightest cut binds. The proportion
holds among the refiners shipping that day: a refiner that ships more often than another
(a shorter ``dispatch_period_days``) draws on the allowance first, and ``sim validate``
notes such a control. Tonnes cut go, in
further rounds, to the refiner's markets that can still take more, in proportion to their
sales shares: markets no control covers, and covered markets whose controls have allowance
left. What no market can take stays in the refiner's output, waiting for the next dispatch.

Each round but the last exhausts at least one control (the one with the tightest cut gives
away all its allowance), so there is at most one round more than there are controls.
"""

from __future__ import annotations

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


def settle(refiners: Sequence[Refiner], controls: Sequence[Any], commodity: int,
           now: float) -> dict[int, tuple[list[tuple[Lane, float]], float]]:
    """Tonnes each refiner ships of ``commodity`` on each sales lane, and keeps, under the
    active ``controls`` on it; keyed by the refiner's position in ``refiners``.

    Every refiner in ``refiners`` must have output and sales of ``commodity``. Draws the
    controls' allowances down by what passes."""
    for ctl in controls:
        ctl.accrue(now)
    covers = [[_covering(controls, ref.country, lane) for lane, _share in ref.sales[commodity]]
              for ref in refiners]
    placed = [[0.0] * len(ref.sales[commodity]) for ref in refiners]
    pending = [float(ref.output[commodity]) for ref in refiners]
    kept = [0.0] * len(refiners)
    for _round in range(len(controls) + 2):  # one spare round against rounding
        # open lanes: no covering control exhausted
        requests: list[tuple[int, int, float, list[Any]]] = []
        for r, ref in enumerate(refiners):
            amount = pending[r]
            if amount <= _EPS:
                continue
            sales = ref.sales[commodity]
            open_lanes = [i for i in range(len(sales))
                          if all(ctl.allowance > _EPS for ctl in covers[r][i])]
            total_share = sum(sales[i][1] for i in open_lanes)
            if total_share <= 0.0:
                kept[r] += amount
                pending[r] = 0.0
                continue
            for i in open_lanes:
                requests.append((r, i, amount * sales[i][1] / total_share, covers[r][i]))
        if not requests:
            break
        wanted = {id(ctl): 0.0 for ctl in controls}
        for _r, _i, t, covering in requests:
            for ctl in covering:
                wanted[id(ctl)] += t
        scale = {id(ctl): (1.0 if wanted[id(ctl)] <= ctl.allowance
                           else ctl.allowance / wanted[id(ctl)]) for ctl in controls}
        pending = [0.0] * len(refiners)
        for r, i, t, covering in requests:
            factor = min((scale[id(ctl)] for ctl in covering), default=1.0)
            allowed = t if factor >= 1.0 else t * factor
            placed[r][i] += allowed
            pending[r] += t - allowed
            for ctl in covering:
                ctl.allowance = max(ctl.allowance - allowed, 0.0)
    for r in range(len(refiners)):
        kept[r] += pending[r]
    return {r: ([(lane, placed[r][i]) for i, (lane, _s) in enumerate(ref.sales[commodity])],
                kept[r])
            for r, ref in enumerate(refiners)}


def ship_under_controls(refiners: Sequence[Refiner], controls: Sequence[Any],
                        now: float) -> None:
    """Ship the refiners whose dispatch is due, with the active ``controls`` settled across
    all of them, commodity by commodity."""
    splits: list[Split] = [{} for _ in refiners]
    for c in sorted({ctl.commodity for ctl in controls}):
        on_c = [ctl for ctl in controls if ctl.commodity == c]
        countries = {ctl.country for ctl in on_c}
        shipping = [r for r, ref in enumerate(refiners)
                    if ref.country in countries and ref.sales[c] and ref.output[c] > 0.0]
        if not shipping:
            continue
        settled = settle([refiners[r] for r in shipping], on_c, c, now)
        for pos, r in enumerate(shipping):
            splits[r][c] = settled[pos]
    for ref, split in zip(refiners, splits, strict=True):
        ref.ship(split)
