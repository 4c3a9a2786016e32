"""Queries of a scenario's prices: which commodities' price index can move at all.

A pure function of the :class:`~sim.scenario.schema.Scenario`, used by the experiment
drivers (precision targets, sweeps, a run's headline) and the outputs (tables, figures,
report) alike; moved here from :mod:`sim.output.tables` (review 231).
"""

from __future__ import annotations

from typing import Any


def price_modelled(scenario: Any, commodity: str) -> bool:
    """Whether ``commodity``'s price index can move in ``scenario``: it has a price response
    (``demand_elasticity``), or the ``price_factor`` of some event, incident or regime state
    reaches it (a shock's targets without ``commodities`` reach every commodity)."""
    com = scenario.commodities.get(commodity)
    if com is None:
        return False
    if com.demand_elasticity is not None:
        return True
    shocks = scenario.shocks
    effects = [(ev.effects, ev.targets) for ev in shocks.events.values()]
    effects += [(inc.effects, inc.targets) for inc in shocks.incidents.values()]
    effects += [(state.effects, reg.targets) for reg in shocks.regimes.values()
                for state in reg.states.values()]
    return any(eff.price_factor is not None
               and (tg.commodities is None or commodity in tg.commodities)
               for eff, tg in effects)
