"""What a shock's targets reach, and targets that would do nothing (the targeting review)."""

from __future__ import annotations

import copy

import pytest

from sim.scenario import ScenarioError, scenario_from_dict


def issues(data) -> list:
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(data)
    return exc.value.issues


def event(targets, effects, start=0, end=None) -> dict:
    ev = {"start": start, "targets": targets, "effects": effects}
    if end is not None:
        ev["end"] = end
    return {"events": {"e": ev}}


# ------------------------------------------------------------------ demand_factor (finding 7)
def two_markets(direct, targets) -> dict:
    """The direct chain with a second market, ``market2``, in region ``away`` too."""
    data = direct(horizon=10, shocks=event(targets, {"demand_factor": 0.5}))
    data["sites"]["market2"] = {**copy.deepcopy(data["sites"]["market"]),
                                "other_supply_t_per_year": {"copper": 36525}}
    return data


@pytest.mark.parametrize("targets", [
    {"markets": ["market"]},
    {"markets": ["market"], "regions": ["away"]},
    {"markets": ["market"], "sites": ["market2"]},
])
def test_demand_changes_only_at_the_markets_named_in_targets_markets(direct, world_of,
                                                                    targets) -> None:
    world = world_of(two_markets(direct, targets))
    world.run()
    factors = {m.id: float(m.demand_factor[0]) for m in world.markets}
    assert factors == {"market": 0.5, "market2": 1.0}
