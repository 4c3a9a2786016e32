"""Bad input that validated and then did nothing, or said too little (review 60): each case
extends the docs' complete example (two COD mines, ``big_mine`` and ``diggers``, a border
post in COD, a railhead in ZMB, the port ``dar`` in TZA, a refiner and a market in CHN)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main
from sim.output.describe import describe
from sim.scenario.docs import EXAMPLE
from sim.scenario.errors import ScenarioError, format_path
from sim.scenario.loader import load_scenario, meta_of

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, extra: dict) -> Path:
    (tmp_path / "example.yaml").write_text(EXAMPLE, encoding="utf-8")
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump({"extends": "example.yaml", "name": "case", **extra}),
                    encoding="utf-8")
    return path


def refused(tmp_path: Path, extra: dict) -> list:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(write(tmp_path, extra))
    return exc.value.issues


def only(tmp_path: Path, extra: dict):
    (issue,) = refused(tmp_path, extra)
    return issue


def notes(tmp_path: Path, extra: dict) -> list[str]:
    return meta_of(load_scenario(write(tmp_path, extra))).notes


QUOTA = {"commodity": "cobalt",
         "schedule": [{"start": "2025-03-01", "end": "2025-12-31", "tonnes": 1000,
                       "period": "month"}]}

ZAMBIAN_MINE = {
    "sites": {"zmine": {"kind": "mine", "region": "zambia",
                        "location": {"lat": -12.8, "lon": 28.2, "assumption": "test"},
                        "output": {"cobalt": {"form": "hydroxide", "t_per_year": 5000,
                                              "assumption": "test"}},
                        "offtake": {"cobalt": {"formal": 1.0, "assumption": "test"}}}},
    "lanes": {"zmine_border": {"from": "zmine", "to": "border", "mode": "road",
                               "transit_days": {"value": 1, "assumption": "test"}}},
}


# ============================================= 1: an allocation to a mine of another country
def test_an_allocation_to_a_mine_in_another_country_is_refused(tmp_path: Path) -> None:
    issue = only(tmp_path, {**ZAMBIAN_MINE, "policies": {"export_quotas": {"q": {
        **QUOTA, "allocation": {"big_mine": 0.5, "zmine": 0.5}}}}})
    assert format_path(issue.path) == "policies.export_quotas.q.allocation.zmine"
    assert "is in ZMB, not COD" in issue.message
    assert "would be lost" in issue.message
    assert "allocate among the mines in COD producing cobalt: big_mine, diggers" in issue.hint


def test_an_allocation_to_the_mines_of_the_quotas_country_is_accepted(tmp_path: Path) -> None:
    load_scenario(write(tmp_path, {**ZAMBIAN_MINE, "policies": {"export_quotas": {"q": {
        **QUOTA, "allocation": {"big_mine": 0.5, "diggers": 0.5}}}}}))


# ======================================================= 2: empty lists narrow to nothing
EMPTY_LISTS = [
    ({"shocks": {"events": {"e": {"start": "2025-03-01",
                                  "targets": {"sites": ["diggers"], "channels": []},
                                  "effects": {"seize_share": 0.2}}}}},
     "shocks.events.e.targets.channels"),
    ({"shocks": {"events": {"e": {"start": "2025-03-01",
                                  "targets": {"markets": ["market"], "commodities": []},
                                  "effects": {"demand_factor": 0.5}}}}},
     "shocks.events.e.targets.commodities"),
    ({"shocks": {"events": {"e": {"start": "2025-03-01",
                                  "targets": {"sites": ["border"], "commodities": []},
                                  "effects": {"seize_share": 0.2}}}}},
     "shocks.events.e.targets.commodities"),
    ({"policies": {"export_bans": {"b": {"commodity": "cobalt", "start": "2025-03-01",
                                         "channels": []}}}},
     "policies.export_bans.b.channels"),
    ({"policies": {"export_quotas": {"q": {**QUOTA, "channels": []}}}},
     "policies.export_quotas.q.channels"),
    ({"policies": {"offtake_deals": {"d": {"mines": ["diggers"], "commodities": ["cobalt"],
                                           "share": 0.5, "to_channel": "formal",
                                           "from_channels": [], "start": "2025-03-01"}}}},
     "policies.offtake_deals.d.from_channels"),
]


@pytest.mark.parametrize(("extra", "where"), EMPTY_LISTS, ids=[w for _e, w in EMPTY_LISTS])
def test_an_empty_filter_or_channel_list_is_refused(tmp_path: Path, extra: dict,
                                                    where: str) -> None:
    issue = only(tmp_path, extra)
    assert format_path(issue.path) == where
    assert issue.message == "must not be empty"
    assert "leave it out for all" in issue.hint


# =============================================== 3: a stockpile that never holds the metal
RESERVE = {"kind": "stockpile", "region": "china",
           "location": {"lat": 31.0, "lon": 121.0, "assumption": "test"}}
RULE = {"site": "reserve", "commodity": "cobalt", "market": "market",
        "release_price_ratio_above": 1.2, "release_t_per_day": 10}


def test_a_stockpile_rule_for_metal_the_stockpile_never_holds_is_refused(
        tmp_path: Path) -> None:
    issue = only(tmp_path, {"sites": {"reserve": RESERVE},
                            "policies": {"stockpiles": {"s": RULE}}})
    assert format_path(issue.path) == "policies.stockpiles.s.commodity"
    assert "stockpile 'reserve' never holds cobalt" in issue.message
    assert "sites.reserve.initial_stock_t: {cobalt: <tonnes>}" in issue.hint


def test_a_stockpile_rule_that_rebuilds_or_starts_stocked_is_accepted(tmp_path: Path) -> None:
    load_scenario(write(tmp_path, {"sites": {"reserve": {**RESERVE, "initial_stock_t": {
        "cobalt": 500, "assumption": "test"}}}, "policies": {"stockpiles": {"s": RULE}}}))
    load_scenario(write(tmp_path, {"sites": {"reserve": RESERVE}, "policies": {"stockpiles": {
        "s": {**RULE, "rebuild_price_ratio_below": 0.9, "rebuild_t_per_day": 5,
              "rebuild_target_t": 100}}}}))


def test_a_stockpile_given_zero_tonnes_outright_is_noted_not_refused(tmp_path: Path) -> None:
    found = notes(tmp_path, {"sites": {"reserve": {**RESERVE, "initial_stock_t": {
        "cobalt": 0, "assumption": "test"}}}, "policies": {"stockpiles": {"s": RULE}}})
    assert any("stockpile rule 's'" in n and "starts with 0 t" in n for n in found)


def test_a_rebuild_trigger_above_the_release_trigger_is_refused(tmp_path: Path) -> None:
    issue = only(tmp_path, {"sites": {"reserve": {**RESERVE, "initial_stock_t": {
        "cobalt": 500, "assumption": "test"}}}, "policies": {"stockpiles": {"s": {
            **RULE, "rebuild_price_ratio_below": 1.5, "rebuild_t_per_day": 5,
            "rebuild_target_t": 100}}}})
    assert format_path(issue.path) == "policies.stockpiles.s.rebuild_price_ratio_below"
    assert "above release_price_ratio_above 1.2" in issue.message
    assert "below 1.2" in issue.hint


# ============================================================ 4: every refusal has a hint
def test_every_check_gives_a_hint() -> None:
    # a refusal without a hint leaves a newcomer to guess what to write
    bare = []
    for rel in ("sim/scenario/checks.py", "sim/scenario/shock_checks.py"):
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "add" and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id == "c" and len(node.args) + len(node.keywords) < 3:
                bare.append(f"{rel}:{node.lineno}")
    assert bare == []


REGIME = {"targets": {"regions": ["katanga"]},
          "states": {"calm": {}, "war": {"effects": {"capacity_factor": 0}}},
          "rates_per_year": {"calm": {"war": 1.0}, "war": {"calm": 1.0}}}
HINTED = [
    ({"policies": {"export_quotas": {"q": {**QUOTA, "allocation": {
        "big_mine": 0.6, "diggers": 0.6}}}}}, "policies.export_quotas.q.allocation",
     "add up to exactly 1"),
    ({"policies": {"export_quotas": {"q": {**QUOTA, "allocation": {
        "big_mine": 0.5, "border": 0.5}}}}}, "policies.export_quotas.q.allocation.border",
     "big_mine, diggers"),
    ({"channels": {"informal": {"routes": {"undeclared": {"path": ["border", "dar"]}}}}},
     "channels.informal.routes.undeclared.path[1]", "continue the path from dar"),
    ({"channels": {"informal": {"routes": {"undeclared": {
        "path": ["border", "dar", "refinery", "market"]}}}}},
     "channels.informal.routes.undeclared.path[2]", "end the path at refinery"),
    ({"shocks": {"regimes": {"r": {**REGIME, "rates_per_year": {
        "calm": {"war": 1.0, "calm": 1.0}, "war": {"calm": 1.0}}}}}},
     "shocks.regimes.r.rates_per_year.calm.calm", "remove calm from rates_per_year.calm"),
    ({"shocks": {"regimes": {"r": {**REGIME, "rates_per_year": {
        "calm": {"war": -1}, "war": {"calm": 1.0}}}}}},
     "shocks.regimes.r.rates_per_year.calm.war", "how many times a year"),
    ({"shocks": {"events": {"e": {"start": "2025-03-01", "targets": {"sites": ["border"]},
                                  "effects": {"demand_factor": 0.5}}}}},
     "shocks.events.e.effects.demand_factor", "targets: {markets: [market]}"),
    ({"shocks": {"events": {"e": {"start": "2025-03-01", "targets": {"sites": ["border"]},
                                  "effects": {"divert": {"share": 0.5,
                                                         "to_channel": "informal"}}}}}},
     "shocks.events.e.effects.divert", "big_mine, diggers"),
    ({"shocks": {"events": {"e": {"start": "2025-03-01", "targets": {},
                                  "effects": {"capacity_factor": 0}}}}},
     "shocks.events.e.targets", "e.g. targets: {sites: ["),
    ({"sites": {"reserve": {**RESERVE, "initial_stock_t": {"cobalt": 5, "assumption": "t"}}},
      "policies": {"stockpiles": {"s": {k: v for k, v in RULE.items()
                                        if k != "release_price_ratio_above"}}}},
     "policies.stockpiles.s", "release_price_ratio_above: 1.5"),
]


@pytest.mark.parametrize(("extra", "where", "hint"), HINTED, ids=[w for _e, w, _h in HINTED])
def test_a_refusal_says_what_to_write(tmp_path: Path, extra: dict, where: str,
                                      hint: str) -> None:
    issue = only(tmp_path, extra)
    assert format_path(issue.path) == where
    assert issue.hint is not None and hint in issue.hint


# ============================================================ 5: contradictory settings
def test_carry_over_false_with_a_date_is_noted(tmp_path: Path) -> None:
    found = notes(tmp_path, {"policies": {"export_quotas": {"q": {
        **QUOTA, "carry_over": False, "carry_over_until": "2025-12-31"}}}})
    assert any("export quota 'q' has carry_over: false" in n for n in found)


def test_security_support_that_changes_no_rate_is_noted(tmp_path: Path) -> None:
    found = notes(tmp_path, {"shocks": {"regimes": {"r": REGIME}}, "policies": {
        "security_support": {"s": {"start": "2025-03-01", "regimes": ["r"]}}}})
    assert any("security support 's'" in n and "changes no regime" in n for n in found)


def test_reroute_on_a_channel_with_one_route_is_noted(tmp_path: Path) -> None:
    found = notes(tmp_path, {"channels": {"informal": {"on_closure": "reroute"}}})
    assert any("channel 'informal' has on_closure: reroute but one route" in n
               for n in found)


def test_a_sailing_on_a_road_lane_is_refused(tmp_path: Path) -> None:
    issue = only(tmp_path, {"lanes": {"dar_refinery": {"mode": "road"}}})
    assert format_path(issue.path) == "lanes.dar_refinery.sailing"
    assert "mode: sea" in issue.hint


def test_a_limit_in_trucks_on_a_sea_or_rail_lane_is_refused(tmp_path: Path) -> None:
    issue = only(tmp_path, {"lanes": {"dar_refinery": {"capacity_trucks_per_day": 10}}})
    assert format_path(issue.path) == "lanes.dar_refinery.capacity_trucks_per_day"
    assert "capacity_t_per_day" in issue.hint
    issue = only(tmp_path, {"lanes": {"railhead_dar": {"capacity_t_per_day": None,
                                                       "capacity_trucks_per_day": 10}}})
    assert format_path(issue.path) == "lanes.railhead_dar.capacity_trucks_per_day"


def test_a_small_capacity_prints_with_significant_figures(tmp_path: Path) -> None:
    from sim.scenario.capacity import fmt_capacity

    assert fmt_capacity(36525.0) == "36,525"
    assert fmt_capacity(0.0521786) == "0.0522"
    path = write(tmp_path, {"lanes": {"dar_refinery": {"sailing": {
        "interval_days": {"value": 7, "assumption": "t"},
        "vessel_t": {"value": 0.001, "assumption": "t"}}}}})
    text = describe(load_scenario(path))
    assert "sailings every 7 days of 0.001 t" in text
    assert "dar_refinery (sailings): capacity 0.0522 t product/yr" in text
    out = CliRunner().invoke(main, ["validate", str(path)]).output
    assert "against 0.0522 t product/yr" in out
