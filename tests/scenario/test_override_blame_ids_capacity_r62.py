"""Review 62: an error in the file beside a value a ``--set`` changed blamed on that --set;
the Python API's "(after --set ...)"; an invalid id ``Source`` told to become the reserved
``source``; and capacity hints offering ``capacity_trucks_per_day`` to lanes that refuse it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.experiment.errors import reword_for_python
from sim.scenario import ScenarioError, load_scenario, scenario_from_yaml
from sim.scenario.errors import Issue
from tests.conftest import line_of
from tests.scenario.scenario_helpers import only_issue, write

ROOT = Path(__file__).resolve().parents[2]
BAN = ROOT / "scenarios" / "export_ban_2025.yaml"


# --- F3: a --set is named only for what it changed ---------------------------------------

def test_a_bad_sibling_of_a_set_value_is_the_files_own_error(tmp_path, tiny_variant) -> None:
    text = tiny_variant(("{lat: -10.0, lon: 26.0,", "{lat: -10.0, lon: 260,"))
    path = write(tmp_path / "bad_lon.yaml", text)
    result = CliRunner().invoke(main, ["validate", str(path), "--set",
                                       "sites.mine_a.location.lat=-11"])
    assert result.exit_code == 2, result.output
    assert f"{path}:{line_of(text, 'lon: 260')}:" in result.output
    assert "sites.mine_a.location.lon: must be at most 180" in result.output
    assert "after --set" not in result.output and "drop that --set" not in result.output


def test_an_unknown_field_beside_a_plain_set_is_not_blamed_on_it(tmp_path,
                                                                tiny_variant) -> None:
    path = write(tmp_path / "bad_sib.yaml", tiny_variant(
        ("    region: away\n", "    region: away\n    colour: red\n")))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, ["sites.market_x.region=away"])
    issue = only_issue(exc)
    assert issue.message == "unknown field 'colour'"
    assert issue.after is None and "--set" not in issue.format()


def test_a_changed_kind_names_the_set_for_the_fields_it_made_unknown(tiny_path) -> None:
    override = "sites.market_x.kind=stockpile"
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [override])
    issue = only_issue(exc)
    assert issue.message == "unknown field 'demand_t_per_year'"
    assert issue.after == f"--set {override}"


def test_a_changed_mode_names_the_set_for_a_check_it_made_fail(tmp_path,
                                                              tiny_variant) -> None:
    # the file's truck limit is right for its road lane; --set mode=rail made it wrong, and
    # the check (not the schema) refuses it: it was reported as the file's own mistake
    path = write(tmp_path / "trucks.yaml", tiny_variant(
        ("    transit_days: {value: 3, assumption: test input}\n",
         "    transit_days: {value: 3, assumption: test input}\n"
         "    capacity_trucks_per_day: {value: 100, assumption: test}\n")))
    override = "lanes.mine_border.mode=rail"
    load_scenario(path)  # valid as written
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, [override])
    issue = only_issue(exc)
    assert issue.message.startswith("a limit in trucks is for road lanes")
    assert issue.after == f"--set {override}"


def test_a_set_mode_of_a_triangular_distribution_does_not_blame_its_siblings(
        tmp_path, tiny_variant) -> None:
    # a distribution's mode is a number, not a lane's mode: its siblings are read as before
    path = write(tmp_path / "tri.yaml", tiny_variant(
        ("    transit_days: {value: 3, assumption: test input}",
         "    transit_days: {dist: triangular, low: 2, mode: 3, high: 5, colour: 1}")))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, ["lanes.mine_border.transit_days.mode=4"])
    assert all(i.after is None for i in exc.value.issues), str(exc.value)
    assert "unknown field 'colour'" in str(exc.value)


def test_the_python_api_says_after_override_not_after_set() -> None:
    override = "policies.export_quotas.quota_q4_2025.allocation.kcc=0.5"
    with pytest.raises(ScenarioError) as exc:
        sim.load_scenario(BAN, overrides=[override])
    text = str(exc.value)
    assert f"(after override {override!r}): policies.export_quotas" in text
    assert "--set" not in text


def test_the_default_hint_of_a_set_is_reworded_for_python() -> None:
    issue = Issue("unknown field 'low'", path=("a", "low"), file="f.yaml", line=3,
                  after="--set a.dist=gamma, --set a.b={x: 1, y: 2}",
                  hint="the file may be fine: this is the value as --set a.dist=gamma left "
                       "it; change or drop that --set")
    exc = ScenarioError([issue])
    reword_for_python(exc)
    # a value holding ", " is not split apart: only ", --set " separates two overrides
    assert issue.after == "override 'a.dist=gamma', override 'a.b={x: 1, y: 2}'"
    assert issue.hint == ("the file may be fine: this is the value as override "
                          "'a.dist=gamma' left it; change or drop that override")
    assert "--set" not in str(exc) and "overrides=" not in str(exc)


# --- F4: an invalid id is never told to become a reserved name ----------------------------

@pytest.mark.parametrize("written", ["Source", "Note", "Assumption"])
def test_the_id_hint_never_offers_a_name_reserved_for_citations(tiny_variant,
                                                                written: str) -> None:
    reserved = written.lower()
    text = tiny_variant(("  away: {country: CHN}",
                         f"  away: {{country: CHN}}\n  {written}: {{country: CHN}}"))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, "i.yaml")
    issue = only_issue(exc)
    assert issue.message == f"{written!r} is not a valid id"
    assert f"e.g. {reserved}_site or {reserved}_1" in issue.hint
    assert not issue.hint.endswith(f"e.g. {reserved}")


# --- minor: capacity in trucks is offered to road lanes only -----------------------------

EVENT = ("shocks.events.e={start: 5, duration_days: 5, targets: {lanes: [mine_border]}, "
         "effects: {capacity_factor: 0.5}}")
UPGRADE = "policies.corridor_upgrades.u={lane: mine_border, start: 5, capacity_t_per_day: 500}"


@pytest.mark.parametrize("mode", ["rail", "sea", "air"])
def test_a_dead_capacity_factor_on_a_non_road_lane_offers_tonnes_only(tiny_path,
                                                                      mode: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [f"lanes.mine_border.mode={mode}", EVENT])
    issue = only_issue(exc)
    assert "has no effect on lane 'mine_border'" in issue.message
    assert "capacity_trucks_per_day" not in issue.message + issue.hint
    assert "give the lane capacity_t_per_day, or the port" in issue.hint


def test_a_dead_capacity_factor_on_a_road_lane_still_offers_trucks(tiny_path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [EVENT])
    assert "capacity_t_per_day or capacity_trucks_per_day, or the port" in \
        only_issue(exc).hint


def test_an_upgrade_of_a_rail_lane_without_capacity_offers_tonnes_only(tiny_path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["lanes.mine_border.mode=rail", UPGRADE])
    issue = only_issue(exc)
    assert "has no capacity to upgrade" in issue.message
    assert issue.hint == ("give the lane a capacity_t_per_day, or upgrade only its "
                          "transit_factor")


def test_an_upgrade_of_a_road_lane_without_capacity_offers_both(tiny_path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [UPGRADE])
    assert only_issue(exc).hint.startswith(
        "give the lane a capacity_t_per_day or capacity_trucks_per_day, or upgrade")
