"""Shocks and policies at run time: scripted events, conflict regimes, incidents, export
bans and quotas, offtake deals, corridor upgrades, stockpiles, security support and export
controls. :class:`~sim.shocks.engine.ShockEngine` schedules them on a world.

``ShockEngine`` and ``Timeline`` are imported on first use: the scenario checks need
:mod:`sim.shocks.targets` alone, and importing the engine from here would pull in the
world's mines and routing, which need the scenario package (importing
``sim.world.mines`` first failed on that cycle)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_dir, lazy_exports

_EXPORTS = {"ShockEngine": "sim.shocks.engine", "Timeline": "sim.shocks.timeline"}

__all__ = sorted(_EXPORTS)


if not TYPE_CHECKING:  # else type checkers read every attribute, misspelt ones too, as Any
    __getattr__ = lazy_exports(__name__, _EXPORTS)

__dir__ = lazy_dir(__name__, _EXPORTS)


if TYPE_CHECKING:
    from sim.shocks.engine import ShockEngine as ShockEngine
    from sim.shocks.timeline import Timeline as Timeline
