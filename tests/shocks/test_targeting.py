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


# ------------------------------------------------------------- empty regions (finding 6)
def with_empty_region(direct, shocks) -> dict:
    data = direct(horizon=50, shocks=shocks)
    data["regions"]["empty"] = {"country": "COD"}
    return data


@pytest.mark.parametrize("effects", [
    {"seize_share": 0.5}, {"tax_rate": 0.3}, {"added_delay_days": 3},
    {"capacity_factor": 0}, {"capacity_factor": 0.5},
])
def test_a_region_with_no_sites_and_no_lanes_is_refused(direct, effects) -> None:
    found = issues(with_empty_region(direct, event({"regions": ["empty"]}, effects, end=20)))
    assert [(i.path, i.message.split(":")[0]) for i in found] == [
        (("shocks", "events", "e", "targets", "regions", 0),
         "region 'empty' has no sites, and no lane starts, ends or passes (regions")]
    assert "remove it from targets.regions" in found[0].hint
    # not the throttle's message about junctions and hubs, which was misleading here
    assert "junction" not in found[0].message


def test_an_empty_region_is_refused_in_a_regime_and_beside_a_region_that_has_sites(
        direct) -> None:
    regime = {"targets": {"regions": ["home", "empty"]},
              "states": {"calm": {}, "bad": {"effects": {"tax_rate": 0.2}}},
              "rates_per_year": {"calm": {"bad": 1.0}, "bad": {"calm": 2.0}}}
    found = issues(with_empty_region(direct, {"regimes": {"east": regime}}))
    assert [i.path for i in found] == [("shocks", "regimes", "east", "targets", "regions", 1)]


def test_a_region_reached_only_by_a_lane_passing_through_it_is_accepted(direct) -> None:
    data = with_empty_region(direct, event({"regions": ["empty"]}, {"added_delay_days": 3}))
    data["lanes"]["mine_market"]["regions"] = ["empty"]
    scenario_from_dict(data)
