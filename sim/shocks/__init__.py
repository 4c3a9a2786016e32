"""Shocks and policies at run time: scripted events, conflict regimes, incidents, export
bans and quotas, offtake deals, corridor upgrades, stockpiles, security support and export
controls. :class:`~sim.shocks.engine.ShockEngine` schedules them on a world."""

from sim.shocks.engine import ShockEngine
from sim.shocks.timeline import Timeline

__all__ = ["ShockEngine", "Timeline"]
