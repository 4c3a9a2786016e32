"""Bad shock and policy input gets the same clear errors as the rest of the format."""

from __future__ import annotations

import copy

import pytest

from sim.scenario import ScenarioError, scenario_from_dict, scenario_from_yaml

CUT = {"start": 10, "end": 20, "targets": {"lanes": ["mine_market"]},
       "effects": {"capacity_factor": 0.0}}
REGIME = {"targets": {"sites": ["mine"]}, "states": {"calm": {}, "bad": {
    "effects": {"capacity_factor": 0.5}}}, "rates_per_year": {"calm": {"bad": 1.0},
                                                            "bad": {"calm": 2.0}}}


def issues(data) -> list:
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(data)
    return exc.value.issues


def with_event(direct, **changes):
    event = copy.deepcopy(CUT)
    for key, value in changes.items():
        if value is None:
            event.pop(key)
        else:
            event[key] = value
    return direct(horizon=100, shocks={"events": {"cut": event}})


CASES = {
    "unknown target site": (
        dict(targets={"sites": ["mnie"]}), ("shocks", "events", "cut", "targets", "sites", 0),
        "unknown site 'mnie'", "did you mean 'mine'?"),
    "unknown target lane": (
        dict(targets={"lanes": ["mine_markt"]}),
        ("shocks", "events", "cut", "targets", "lanes", 0), "unknown lane", "mine_market"),
    "end before start": (
        dict(start=20, end=10), ("shocks", "events", "cut", "end"), "not after its start", None),
    "start after the run": (
        dict(start="2025-06-01", end=None), ("shocks", "events", "cut", "start"),
        "after the run ends", "horizon"),
    "end and duration": (
        dict(duration_days=5), ("shocks", "events", "cut"), "end or duration_days, not both",
        None),
    "no effects": (
        dict(effects={}), ("shocks", "events", "cut", "effects"), "no effects", None),
    "no targets": (
        dict(targets={}), ("shocks", "events", "cut", "targets"), "no targets", None),
    "share above 1": (
        dict(effects={"seize_share": 1.5}), ("shocks", "events", "cut", "effects", "seize_share"),
        "at most 1", None),
    "diversion nowhere": (
        dict(targets={"sites": ["mine"]}, effects={"divert": {"share": 1, "to_channel": "gone"}}),
        ("shocks", "events", "cut", "effects", "divert", "to_channel"), "unknown channel",
        None),
    "unknown effect": (
        dict(effects={"capacity": 0}), ("shocks", "events", "cut", "effects", "capacity"),
        "unknown field 'capacity'", "capacity_factor"),
    "date not a date": (
        dict(start="next tuesday"), ("shocks", "events", "cut", "start"), None, None),
    # effects on targets they cannot act on: accepted, they did nothing while the
    # timeline and closed_days reported them
    "closing a market": (
        dict(targets={"sites": ["market"]}), ("shocks", "events", "cut", "effects",
                                              "capacity_factor"),
        "cannot be closed or throttled", "lanes or sites on the way"),
    "delay at a mine": (
        dict(targets={"sites": ["mine"]}, effects={"added_delay_days": 5}),
        ("shocks", "events", "cut", "effects", "added_delay_days"),
        "not on 'mine' (mine)", "transit sites"),
    "seizure aimed at markets": (
        dict(targets={"markets": ["market"]}, effects={"seize_share": 0.5}),
        ("shocks", "events", "cut", "targets", "markets"),
        "demand_factor and price_factor only", None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_event(direct, name: str) -> None:
    changes, path, message, hint = CASES[name]
    found = issues(with_event(direct, **changes))
    issue = next((i for i in found if tuple(i.path[:len(path)]) == path), None)
    assert issue is not None, [(i.path, i.message) for i in found]
    if message:
        assert message in issue.message
    if hint:
        assert issue.hint and hint in issue.hint


def test_divert_to_a_channel_without_a_route_from_the_mine(direct) -> None:
    data = direct(horizon=100, extra_channels={"far": {"routes": {"x": {"path": ["market"]}}}})
    data["sites"]["far_mine"] = copy.deepcopy(data["sites"]["mine"])
    data["sites"]["far_mine"]["offtake"] = {"copper": {"formal": 1.0}}
    data["lanes"]["far_mine_market"] = copy.deepcopy(data["lanes"]["mine_market"])
    data["lanes"]["far_mine_market"]["from"] = "far_mine"
    data["channels"]["far"]["routes"]["x"]["commodities"] = ["gold"]
    data["commodities"]["gold"] = {"forms": {"dore": {"grade": 0.9, "payload_t_per_truck": 1}}}
    data["shocks"] = {"events": {"grab": {"start": 5, "targets": {"sites": ["mine"]},
                                          "effects": {"divert": {"share": 1, "to_channel": "far"}}}}}
    found = issues(data)
    assert any("has no route for 'copper' from mine 'mine'" in i.message for i in found)


@pytest.mark.parametrize("edit, fragment", [
    (lambda r: r["rates_per_year"]["calm"].update({"worse": 1.0}), "unknown state 'worse'"),
    (lambda r: r["rates_per_year"]["calm"].update({"calm": 1.0}), "cannot move to itself"),
    (lambda r: r.update({"initial": "clam"}), "unknown state 'clam'"),
    (lambda r: r.update({"rates_per_year": {"calm": {}, "bad": {}}}), "never changes state"),
    (lambda r: r["rates_per_year"]["calm"].update({"bad": -1}), "greater than 0"),
])
def test_bad_regime(direct, edit, fragment: str) -> None:
    regime = copy.deepcopy(REGIME)
    edit(regime)
    found = issues(direct(horizon=100, shocks={"regimes": {"east": regime}}))
    assert any(fragment in i.message for i in found), [i.message for i in found]


QUOTA = {"commodity": "copper", "schedule": [{"start": 0, "end": 30, "tonnes": 100}]}


@pytest.mark.parametrize("policies, fragment", [
    ({"export_quotas": {"q": {**QUOTA, "allocation": {"mine": 0.5}}}}, "sum to 0.5"),
    ({"export_quotas": {"q": {**QUOTA, "allocation": {"market": 1.0}}}},
     "not a mine producing 'copper'"),
    ({"export_quotas": {"q": {**QUOTA, "schedule": [
        {"start": 0, "end": 30, "tonnes": 100}, {"start": 20, "end": 40, "tonnes": 100}]}}},
     "must not overlap"),
    ({"export_quotas": {"q": {**QUOTA, "commodity": "coper"}}}, "unknown commodity 'coper'"),
    # a part month or year at either end would get a whole period's tonnes
    ({"export_quotas": {"q": {**QUOTA, "schedule": [
        {"start": "2024-01-16", "end": "2024-03-31", "tonnes": 100, "period": "month"}]}}},
     "2024-01-16 is not the first day of a month"),
    ({"export_quotas": {"q": {**QUOTA, "schedule": [
        {"start": 0, "end": 45, "tonnes": 100, "period": "year"}]}}},
     "day 45 is not the last day of a year"),
    ({"export_bans": {"b": {"commodity": "copper", "start": 50, "end": 40}}},
     "not after its start"),
    ({"offtake_deals": {"d": {"mines": ["market"], "commodities": ["copper"], "share": 0.5,
                              "to_channel": "formal", "start": 0}}}, "not a mine"),
    ({"offtake_deals": {"d": {"mines": ["mine"], "commodities": ["copper"], "share": 1.5,
                              "to_channel": "formal", "start": 0}}}, "at most 1"),
    ({"corridor_upgrades": {"u": {"lane": "mine_market", "start": 0}}},
     "capacity_t_per_day or transit_factor"),
    ({"stockpiles": {"s": {"site": "mine", "commodity": "copper", "market": "market",
                           "release_price_ratio_above": 1.5, "release_t_per_day": 10}}},
     "not a stockpile"),
    ({"stockpiles": {"s": {"site": "mine", "commodity": "copper", "market": "market",
                           "release_t_per_day": 10}}}, "release_price_ratio_above"),
    # triggers that could never fire: the index stops at its cap, a share at 1
    ({"stockpiles": {"s": {"site": "mine", "commodity": "copper", "market": "market",
                           "release_price_ratio_above": 10, "release_t_per_day": 10}}},
     "10 is not below copper's price_cap_ratio (10)"),
    ({"stockpiles": {"s": {"site": "mine", "commodity": "copper", "market": "market",
                           "release_shortfall_share_above": 1, "release_t_per_day": 10}}},
     "a shortfall share is never above 1"),
    ({"security_support": {"s": {"regimes": ["nowhere"], "start": 0}}}, "unknown regime"),
    ({"export_controls": {"c": {"country": "XXY", "commodity": "copper", "markets": ["market"],
                                "start": 0}}}, "unknown country 'XXY'"),
    ({"export_controls": {"c": {"country": "CHN", "commodity": "copper", "markets": ["mine"],
                                "start": 0}}}, "not a market"),
])
def test_bad_policy(direct, policies, fragment: str) -> None:
    found = issues(direct(horizon=100, policies=policies))
    assert any(fragment in i.message for i in found), [i.message for i in found]


def test_a_rebuild_only_a_price_shock_can_start_gets_a_note(direct) -> None:
    from sim.scenario.shock_checks import idle_stockpile_rules

    def rule(below: float) -> dict:
        return {"stockpiles": {"s": {
            "site": "mine", "commodity": "copper", "market": "market",
            "release_price_ratio_above": 2, "release_t_per_day": 10,
            "rebuild_price_ratio_below": below, "rebuild_t_per_day": 5,
            "rebuild_target_t": 100}}}

    data = direct(horizon=100, policies=rule(0.9))
    data["sites"]["reserve"] = {**data["sites"]["market"], "kind": "stockpile"}
    data["sites"]["reserve"].pop("demand_t_per_year")
    data["policies"]["stockpiles"]["s"]["site"] = "reserve"
    (note,) = idle_stockpile_rules(scenario_from_dict(data))
    assert "only under a price shock" in note and "price_basis" in note
    data["commodities"]["copper"]["price_basis"] = "supply"
    assert idle_stockpile_rules(scenario_from_dict(data)) == []
    data["commodities"]["copper"]["price_basis"] = "consumption"
    data["policies"]["stockpiles"]["s"]["rebuild_price_ratio_below"] = 1.05
    # review 192: above 1 it can act, but it buys whether the market is short or not (here
    # without a price at all), which has a note of its own
    (note,) = idle_stockpile_rules(scenario_from_dict(data))
    assert "only under a price shock" not in note and "below a price index of 1.05" in note


def test_calendar_splits_on_period_edges_pass(direct) -> None:
    # the scenario starts on 2024-01-01: day 30 is 31 January, day 181 is 30 June
    for schedule in ([{"start": 0, "end": 30, "tonnes": 100, "period": "month"}],
                     [{"start": "2024-04-01", "end": 181, "tonnes": 100, "period": "quarter"}]):
        sc = scenario_from_dict(direct(horizon=200, policies={"export_quotas": {"q": {
            **QUOTA, "schedule": schedule}}}))
        assert sc.policies.export_quotas["q"].schedule[0].period == schedule[0]["period"]


def test_shock_errors_carry_file_and_line(tiny_text) -> None:
    text = tiny_text + """shocks:
  events:
    cut:
      start: 10
      end: 5
      targets: {lanes: [mine_bordr]}
      effects: {capacity_factor: 0}
"""
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, "shock.yaml")
    report = exc.value.report()
    lines = text.splitlines()
    bordr = next(i for i, line in enumerate(lines, 1) if "mine_bordr" in line)
    assert f"shock.yaml:{bordr}" in report
    assert "did you mean 'mine_border'?" in report


def test_a_price_factor_aimed_at_one_market_must_name_its_commodities(tmp_path) -> None:
    # it moved the world price of every commodity: a gold price shock tripled cobalt's too
    from pathlib import Path

    import sim

    baseline = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"
    event = ("shocks:\n  events:\n    gold_rush:\n      start: 10\n      end: 20\n"
             "      targets: {markets: [gold_world]%s}\n"
             "      effects: {price_factor: 3}\n      assumption: test\n")
    path = tmp_path / "price.yaml"
    path.write_text(f"extends: {baseline}\nname: price\n" + event % "")
    with pytest.raises(ScenarioError) as exc:
        sim.load_scenario(path)
    issue = exc.value.issues[0]
    assert "moves cobalt, copper too" in issue.message and "commodities: [gold]" in issue.hint
    path.write_text(f"extends: {baseline}\nname: price\n" + event % ", commodities: [gold]")
    assert sim.load_scenario(path).shocks.events["gold_rush"].targets.commodities == ["gold"]

