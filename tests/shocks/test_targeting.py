"""What a shock's targets reach, and targets that would do nothing (the targeting review)."""

from __future__ import annotations

import copy

import pytest

from sim.output.shock_text import describe_shocks
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


# ------------------------------------------- a diversion into its own channel (finding 8)
def split_mine(direct, shocks=None) -> dict:
    """The direct chain with the mine's copper split 50/50 between formal and informal
    (both along the one lane)."""
    data = direct(horizon=50, shocks=shocks,
                  extra_channels={"informal": {"formal": False,
                                               "routes": {"main": {"path": ["market"]}}}})
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.5, "informal": 0.5}}
    return data


def test_a_diversion_into_the_only_channel_it_diverts_from_is_refused(direct) -> None:
    found = issues(split_mine(direct, event({"sites": ["mine"], "channels": ["informal"]},
                                            {"divert": {"share": 1, "to_channel": "informal"}})))
    assert [i.path for i in found] == [("shocks", "events", "e", "effects", "divert",
                                        "to_channel")]
    assert "it would move nothing (diverted_t 0)" in found[0].message
    assert "channels: [formal]" in found[0].hint


def test_a_diversion_listing_its_own_channel_among_others_is_refused_unless_taxed(
        direct) -> None:
    targets = {"sites": ["mine"], "channels": ["formal", "informal"]}
    divert = {"divert": {"share": 0.5, "to_channel": "informal"}}
    found = issues(split_mine(direct, event(targets, divert)))
    assert [i.path[-1] for i in found] == ["to_channel"]
    assert found[0].hint == "remove informal from targets.channels (channels: [formal])"
    # beside a tax the listing is what makes the tax reach informal lots: accepted, also
    # when another state of a regime taxes
    scenario_from_dict(split_mine(direct, event(targets, {**divert, "tax_rate": 0.1})))
    regime = {"targets": targets, "rates_per_year": {"calm": {"bad": 1.0}, "bad": {"calm": 2.0}},
              "states": {"calm": {"effects": {"tax_rate": 0.1}}, "bad": {"effects": divert}}}
    scenario_from_dict(split_mine(direct, {"regimes": {"east": regime}}))


# ---------------------------------------------- price_factor without commodities (finding 9)
def with_cobalt(direct, targets, effects) -> dict:
    data = direct(horizon=50, shocks=event(targets, effects))
    data["commodities"]["cobalt"] = {"forms": {"hydroxide": {"grade": 0.3,
                                                             "payload_t_per_truck": 25}}}
    return data


@pytest.mark.parametrize("targets, effects, example", [
    ({"regions": ["home"]}, {"price_factor": 2}, "copper"),
    ({"regions": ["home"]}, {"price_factor": 2, "tax_rate": 0.1}, "copper"),
    ({"sites": ["mine"]}, {"price_factor": 2}, "copper"),
    ({"lanes": ["mine_market"], "markets": ["market"]}, {"price_factor": 2}, "cobalt"),
])
def test_a_price_factor_on_places_without_commodities_is_refused(direct, targets,
                                                                effects, example) -> None:
    found = issues(with_cobalt(direct, targets, effects))
    assert [i.path for i in found] == [("shocks", "events", "e", "effects", "price_factor")]
    assert "it moves every commodity's price (cobalt, copper)" in found[0].message
    # the example is what the targeted mines produce (copper), else the first commodity
    assert f"targets: {{commodities: [{example}]}}" in found[0].hint
    assert ("narrows tax_rate too" in found[0].hint) == ("tax_rate" in effects)


def test_a_price_factor_on_places_is_accepted_with_commodities_or_one_commodity(
        direct) -> None:
    scenario_from_dict(with_cobalt(direct, {"regions": ["home"], "commodities": ["copper"]},
                                   {"price_factor": 2}))
    scenario_from_dict(direct(horizon=50, shocks=event({"regions": ["home"]},
                                                       {"price_factor": 2})))


# ------------------------- channel and commodity filters on capacity and delays (finding 3)
@pytest.mark.parametrize("targets, effects, field", [
    ({"lanes": ["mine_market"], "channels": ["informal"]}, {"added_delay_days": 3}, "channels"),
    ({"lanes": ["mine_market"], "channels": ["informal"]}, {"capacity_factor": 0}, "channels"),
    ({"sites": ["mine"], "commodities": ["copper"]}, {"capacity_factor": 0}, "commodities"),
    ({"sites": ["mine"], "commodities": ["copper"]}, {"capacity_factor": 0.5}, "commodities"),
    ({"markets": ["market"], "channels": ["informal"]}, {"demand_factor": 0.5}, "channels"),
])
def test_a_filter_on_effects_it_does_not_narrow_is_refused(direct, targets, effects,
                                                           field) -> None:
    found = issues(split_mine(direct, event(targets, effects, end=20)))
    assert [i.path for i in found] == [("shocks", "events", "e", "targets", field)]
    assert f"targets.{field} narrows only divert, seize_share" in found[0].message
    assert "so the filter would do nothing" in found[0].message
    assert f"remove targets.{field}" in found[0].hint


def test_a_regime_whose_states_only_close_and_delay_may_not_filter(direct) -> None:
    regime = {"targets": {"sites": ["mine"], "channels": ["informal"]},
              "rates_per_year": {"calm": {"bad": 1.0}, "bad": {"calm": 2.0}},
              "states": {"calm": {"effects": {"capacity_factor": 0.5}},
                         "bad": {"effects": {"capacity_factor": 0}}}}
    found = issues(split_mine(direct, {"regimes": {"east": regime}}))
    assert [i.path for i in found] == [("shocks", "regimes", "east", "targets", "channels")]
    assert "divert it to another channel or give an export ban or quota" in found[0].hint
    # a state that taxes gives the filter something to narrow
    regime["states"]["bad"]["effects"] = {"capacity_factor": 0, "tax_rate": 0.2}
    scenario_from_dict(split_mine(direct, {"regimes": {"east": regime}}))


def test_a_filter_beside_a_tax_is_accepted_though_capacity_ignores_it(direct) -> None:
    scenario_from_dict(split_mine(direct, event(
        {"lanes": ["mine_market"], "channels": ["informal"]},
        {"added_delay_days": 3, "tax_rate": 0.1}, end=20)))


def test_sim_show_says_a_filter_beside_a_tax_leaves_capacity_and_delays_unfiltered(
        direct) -> None:
    sc = scenario_from_dict(split_mine(direct, event(
        {"lanes": ["mine_market"], "channels": ["informal"]},
        {"added_delay_days": 3, "tax_rate": 0.1}, end=20)))
    assert ("on lanes mine_market; channels informal (channels narrow tax_rate only: "
            "added_delay_days acts on every channel and commodity the targets carry)"
            ) in describe_shocks(sc)
    alone = scenario_from_dict(split_mine(direct, event(
        {"lanes": ["mine_market"], "channels": ["informal"]}, {"tax_rate": 0.1}, end=20)))
    assert describe_shocks(alone).endswith("on lanes mine_market; channels informal")


# --------------------------------------- what a region target reaches (finding 5)
def test_closing_a_region_stops_lots_on_a_lane_leaving_it_and_sim_show_says_so(
        direct) -> None:
    """A 10-day lane from the mine (home) to the market (away): closing home from day 9
    stops lots already 9 days into their trip, abroad, so nothing arrives by day 16."""
    import sim

    def delivered(shocks):
        res = sim.run(scenario_from_dict(direct(transit=10, horizon=16, shocks=shocks)),
                      replications=1)
        k = res.kpis
        return k[(k.metric == "delivered_t") & (k.commodity == "copper")
                 & (k.channel == "all")]["value"].sum()

    closure = event({"regions": ["home"]}, {"capacity_factor": 0}, start=9, end=30)
    assert delivered(None) > 0
    assert delivered(closure) == 0
    text = describe_shocks(scenario_from_dict(direct(transit=10, horizon=16, shocks=closure)))
    assert ("on regions home (1 site: mine; 1 lane: mine_market, 1 of them running outside "
            "it and targeted along their whole length)") in text


def test_a_region_reaching_many_sites_and_lanes_is_counted(direct, build) -> None:
    data = direct(horizon=50, shocks=event({"regions": ["home"]}, {"tax_rate": 0.1}))
    for i in range(7):
        data["sites"][f"j{i}"] = build.site("junction")
        data["lanes"][f"mine_j{i}"] = {"from": "mine", "to": f"j{i}", "mode": "road",
                                       "transit_days": 1}
    text = describe_shocks(scenario_from_dict(data))
    assert ("on regions home (8 sites; 8 lanes, 1 of them running outside it and targeted "
            "along their whole length)") in text
