"""Settings that validate but can never act are refused, and ones that may be intended are
noted (fuzz review 40): each case extends the docs' complete example (two COD mines,
``big_mine`` selling all its cobalt formally, ``diggers`` 40% formal and 60% informal, a
border post in COD, a railhead in ZMB and a port in TZA)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main
from sim.output.shock_text import bars, describe_shocks
from sim.scenario.docs import EXAMPLE
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario, meta_of


def write(tmp_path: Path, extra: dict) -> Path:
    (tmp_path / "example.yaml").write_text(EXAMPLE, encoding="utf-8")
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump({"extends": "example.yaml", "name": "case",
                                    "horizon_days": 200, **extra}), encoding="utf-8")
    return path


def refused(tmp_path: Path, extra: dict) -> list:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(write(tmp_path, extra))
    return exc.value.issues


def notes(tmp_path: Path, extra: dict) -> list[str]:
    return meta_of(load_scenario(write(tmp_path, extra))).notes


def where(issue) -> str:
    return ".".join(str(p) for p in issue.path)


QUOTA = {"commodity": "cobalt", "schedule": [{"start": 0, "end": 99, "tonnes": 100}]}


# 1. bans and quotas in a country with no mine of the commodity


def test_a_ban_in_a_transit_country_is_refused(tmp_path: Path) -> None:
    (issue,) = refused(tmp_path, {"policies": {"export_bans": {
        "b": {"commodity": "cobalt", "country": "ZMB", "start": 5, "end": 100}}}})
    assert where(issue) == "policies.export_bans.b.country"
    assert "no mine in ZMB produces 'cobalt': the ban can never act" in issue.message
    assert "mines producing cobalt are in COD" in issue.hint
    assert "close or throttle its border posts or lanes" in issue.hint


def test_a_quota_in_a_transit_country_is_refused_on_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, {"policies": {"export_quotas": {"q": {**QUOTA, "country": "TZA"}}}})
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "case.yaml:" in result.output
    assert "policies.export_quotas.q.country: no mine in TZA produces 'cobalt'" in result.output


def test_the_ban_and_quota_text_and_bars_name_the_country(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, {"policies": {
        "export_bans": {"b": {"commodity": "cobalt", "start": 5, "end": 100}},
        "export_quotas": {"q": {**QUOTA, "country": "COD"}}}}))
    text = describe_shocks(sc)
    assert "mines in COD stock without limit" in text
    # a quota on all channels caps refiners' exports too (QUOTA names none)
    assert "exports of mines and refiners in COD;" in text
    details = {b[0]: b[4] for b in bars(sc)}
    assert details["export ban"] == "COD cobalt exports stopped"
    assert details["export quota"] == "COD cobalt quota"


# 2. deals and diversions that move nothing


def test_a_deal_into_one_of_its_own_from_channels_is_refused(tmp_path: Path) -> None:
    deal = {"mines": ["diggers"], "commodities": ["cobalt"], "share": 0.5,
            "to_channel": "formal", "start": 10}
    (issue,) = refused(tmp_path, {"policies": {"offtake_deals": {
        "d": {**deal, "from_channels": ["formal"]}}}})
    assert where(issue) == "policies.offtake_deals.d.from_channels.0"
    assert "the same channel: it would move nothing" in issue.message
    assert "from_channels: [informal]" in issue.hint
    (issue,) = refused(tmp_path, {"policies": {"offtake_deals": {
        "d": {**deal, "from_channels": ["informal", "formal"]}}}})
    assert where(issue) == "policies.offtake_deals.d.from_channels.1"
    assert issue.hint == "remove formal from from_channels (from_channels: [informal])"


def test_a_deal_or_diversion_from_channels_a_mine_does_not_sell_on_is_noted(
        tmp_path: Path) -> None:
    deal = {"mines": ["big_mine"], "commodities": ["cobalt"], "share": 0.5,
            "to_channel": "formal", "start": 10}
    (note,) = notes(tmp_path, {"policies": {"offtake_deals": {"d": deal}}})
    assert note.startswith("offtake deal 'd' moves 50% of what every channel but formal takes")
    assert "it moves nothing" in note
    event = {"start": 10, "end": 20, "targets": {"sites": ["big_mine"]},
             "effects": {"divert": {"share": 1.0, "to_channel": "formal"}}}
    (note,) = notes(tmp_path, {"shocks": {"events": {"e": event}}})
    assert note.startswith("event 'e' diverts output of big_mine to formal")
    # diggers sells 60% informally: a diversion of its output has something to move
    event["targets"] = {"sites": ["diggers"]}
    assert notes(tmp_path, {"shocks": {"events": {"e": event}}}) == []


# 3. first exports after the quota has ended


def test_first_exports_after_the_quota_ends_are_refused(tmp_path: Path) -> None:
    (issue,) = refused(tmp_path, {"policies": {"export_quotas": {
        "q": {**QUOTA, "first_export_delay_days": 100}}}})
    assert where(issue) == "policies.export_quotas.q.first_export_delay_days"
    assert "not before the quota ends (day 100" in issue.message
    assert "below 100" in issue.hint
    load_scenario(write(tmp_path, {"policies": {"export_quotas": {
        "q": {**QUOTA, "first_export_delay_days": 99}}}}))
    # carried-over allowance can still be used to carry_over_until: accepted
    load_scenario(write(tmp_path, {"policies": {"export_quotas": {
        "q": {**QUOTA, "first_export_delay_days": 100, "carry_over_until": 150}}}}))


# 4. an allocation to a mine selling nothing on the quota's channels


def test_an_allocation_to_a_mine_off_the_quota_channels_is_refused(tmp_path: Path) -> None:
    quota = {**QUOTA, "channels": ["informal"], "allocation": {"big_mine": 1.0}}
    (issue,) = refused(tmp_path, {"policies": {"export_quotas": {"q": quota}}})
    assert where(issue) == "policies.export_quotas.q.allocation.big_mine"
    assert "sells none of its cobalt on the quota's channels (informal)" in issue.message
    # a deal moving some of its output onto the channel makes the allocation usable
    deal = {"mines": ["big_mine"], "commodities": ["cobalt"], "share": 0.2,
            "to_channel": "informal", "start": 0}
    load_scenario(write(tmp_path, {"policies": {"export_quotas": {"q": quota},
                                                "offtake_deals": {"d": deal}}}))


# 5. the end-before-start hint offers duration_days only where it is the window's length


@pytest.mark.parametrize("extra, offered", [
    ({"policies": {"security_support": {"s": {
        "start": 20, "end": 10, "regimes": ["r"]}}}}, False),
    ({"policies": {"export_bans": {"b": {
        "commodity": "cobalt", "start": 20, "end": 10}}}}, True),
])
def test_the_end_hint_offers_duration_days_only_where_it_exists(
        tmp_path: Path, extra: dict, offered: bool) -> None:
    extra.setdefault("shocks", {"regimes": {"r": {
        "targets": {"sites": ["border"]},
        "states": {"calm": {}, "bad": {"effects": {"capacity_factor": 0.5}}},
        "rates_per_year": {"calm": {"bad": 1.0}, "bad": {"calm": 2.0}}}}})
    found = [i for i in refused(tmp_path, extra) if "not after its start" in i.message]
    (issue,) = found
    assert ("duration_days" in issue.hint) is offered


def test_an_incident_end_before_start_does_not_offer_duration_days(tmp_path: Path) -> None:
    incident = {"rate_per_year": 2, "duration_days": 3, "start": 20, "end": 10,
                "targets": {"sites": ["border"]}, "effects": {"capacity_factor": 0.0}}
    found = [i for i in refused(tmp_path, {"shocks": {"incidents": {"i": incident}}})
             if "not after its start" in i.message]
    (issue,) = found
    assert "duration_days" not in issue.hint


# 7. stockpile and carry-over no-ops

RESERVE = {"kind": "stockpile", "region": "china", "location": {"lat": 30.0, "lon": 120.0},
           "initial_stock_t": {"cobalt": 1000}}
RULE = {"site": "reserve", "commodity": "cobalt", "market": "market",
        "release_shortfall_share_above": 0.1, "release_t_per_day": 10}


def test_a_release_cap_of_zero_is_noted(tmp_path: Path) -> None:
    (note,) = notes(tmp_path, {"sites": {"reserve": RESERVE}, "policies": {
        "stockpiles": {"s": {**RULE, "release_cap_t": 0}}}})
    assert "stockpile rule 's' has release_cap_t: 0, so it never releases" in note


def test_a_rebuild_rate_without_a_rebuild_trigger_is_refused(tmp_path: Path) -> None:
    (issue,) = refused(tmp_path, {"sites": {"reserve": RESERVE}, "policies": {
        "stockpiles": {"s": {**RULE, "rebuild_t_per_day": 5}}}})
    assert where(issue) == "policies.stockpiles.s.rebuild_t_per_day"
    assert "without rebuild_price_ratio_below" in issue.message
    assert "give rebuild_price_ratio_below" in issue.hint


def test_carry_over_until_before_the_first_period_is_noted(tmp_path: Path) -> None:
    quota = {**QUOTA, "schedule": [{"start": 30, "end": 99, "tonnes": 100}],
             "carry_over_until": 10}
    (note,) = notes(tmp_path, {"policies": {"export_quotas": {"q": quota}}})
    assert "carry_over_until day 10, before its first period starts (day 30)" in note
