"""Apply a shock's effects to its targets under a source key, and take them off again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.scenario.shock_schema import DELAY_KINDS, Effects
from sim.shocks.targets import Resolved
from sim.world.element import Interception

if TYPE_CHECKING:
    from sim.world.world import World


@dataclass(frozen=True)
class Diversion:
    """A share of a mine's output moved to another channel (for some commodities, from
    some channels: ``None`` means all)."""

    share: float
    to_channel: int
    commodities: frozenset[int] | None
    from_channels: frozenset[int] | None = None


def apply_effects(world: World, source: str, effects: Effects, targets: Resolved,
                  stream_key: str) -> None:
    """Switch on ``effects`` on ``targets``; ``stream_key`` names the random streams of any
    added delay, one per target (``<stream_key>:delay:lane:<id>`` or ``...:site:<id>``), so
    the same shock draws the same delays at each target in every scenario."""
    _set(world, source, effects, targets, stream_key, on=True)


def remove_effects(world: World, source: str, effects: Effects, targets: Resolved) -> None:
    """Switch off what :func:`apply_effects` switched on for ``source``."""
    _set(world, source, effects, targets, "", on=False)


# Fields of Effects that set one thing on a target under a source key: a new value of any
# field in a group replaces the old one, so the group is not switched off in between.
_EFFECT_GROUPS = (("capacity_factor",), ("added_delay_days",), ("divert",),
                  ("seize_share", "tax_rate"), ("demand_factor",), ("price_factor",))


def replace_effects(world: World, source: str, old: Effects, new: Effects,
                    targets: Resolved, stream_key: str) -> None:
    """Switch ``source`` from ``old`` to ``new`` effects on ``targets`` in one step.

    What ``new`` sets replaces ``old``'s value directly, and only what ``new`` does not set
    is switched off: a site closed in both states stays closed through the change, rather
    than opening for an instant and letting waiting lots through."""
    _set(world, source, new, targets, stream_key, on=True)
    stale = {name: None for group in _EFFECT_GROUPS
             if any(getattr(new, name) is not None for name in group) for name in group}
    leftover = old.model_copy(update=stale)
    if not leftover.is_empty():
        _set(world, source, leftover, targets, "", on=False)


OPEN_KINDS = ("market", "stockpile")
"""Kinds of site that take every lot: a capacity factor (from a region or country target;
named directly it is refused) leaves them open, so they are never reported closed."""


def _set(world: World, source: str, effects: Effects, targets: Resolved, stream_key: str,
         on: bool) -> None:
    elements = [*targets.sites, *targets.lanes]
    if effects.capacity_factor is not None:
        for el in elements:
            if getattr(el, "kind", None) not in OPEN_KINDS:
                el.set_modifier(source, effects.capacity_factor if on else None)
    if effects.added_delay_days is not None:
        # One stream per element, so a lot's delay does not depend on how many lots passed
        # the shock's other targets before it (common random numbers, and results that do
        # not depend on the order of the file); lanes and sites may share an id.
        delayed = [*(("lane", el) for el in targets.lanes),
                   *(("site", s) for s in targets.sites if s.kind in DELAY_KINDS)]
        # the mark tells a regime's states apart (one source, a stream key per state)
        for kind, el in delayed:
            el.set_delay(source, world.sampler(
                effects.added_delay_days, f"{stream_key}:delay:{kind}:{el.id}") if on else None,
                mark=f"{source}|{stream_key}")
    if effects.divert is not None:
        div = Diversion(effects.divert.share, world.channel_index[effects.divert.to_channel],
                        targets.commodities, targets.channels) if on else None
        for mine in targets.mines:
            mine.set_diversion(source, div)
    if effects.seize_share is not None or effects.tax_rate is not None:
        inter = Interception(effects.seize_share or 0.0, effects.tax_rate or 0.0,
                             targets.commodities, targets.channels) if on else None
        for el in elements:
            el.set_interception(source, inter)
    if effects.demand_factor is not None:
        for market in targets.markets:
            market.set_demand_modifier(source, effects.demand_factor if on else None,
                                       targets.commodities)
    if effects.price_factor is not None:
        world.set_price_modifier(source, effects.price_factor if on else None,
                                 targets.commodities)
