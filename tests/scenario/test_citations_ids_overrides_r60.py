"""Bad input found in review 60: citations that are not text, ids named like citations,
errors caused by a ``--set`` read as the file's, a place counted from the end, a date with
a time of day, and an event ``start`` with its unit in the text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario import ScenarioError, load_scenario, scenario_from_yaml
from sim.scenario.loader import meta_of
from tests.conftest import line_of
from tests.scenario.scenario_helpers import only_issue, write

ROOT = Path(__file__).resolve().parents[2]
BAN = ROOT / "scenarios" / "export_ban_2025.yaml"
CLEARANCE = "    clearance_trucks_per_day: {value: 100, assumption: test input}"


# --- 1. a citation is text ------------------------------------------------------------

@pytest.mark.parametrize(("written", "got"), [
    ('""', "got empty text"),
    ('"   "', "got blank text"),
    ("null", "got nothing (null)"),
    ("2024", "got a number (2024)"),
    ("2024-05-01", "got a date (2024-05-01)"),
    ("{k: v}", "got a mapping (keys: k)"),
    ("[]", "got an empty list"),
    ('[a, ""]', "got a list holding empty text"),
    ("yes", "got true (YAML reads yes/no/on/off so)"),
])
def test_a_citation_that_is_not_text_is_refused_at_its_line(tiny_variant, written: str,
                                                            got: str) -> None:
    text = tiny_variant((CLEARANCE, f"    clearance_trucks_per_day: {{value: 100, "
                                    f"source: {written}}}"))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, "c.yaml")
    issue = only_issue(exc)
    assert issue.message == f"source must be text (a citation), {got}"
    assert issue.path == ("sites", "border", "clearance_trucks_per_day", "source")
    assert (issue.file, issue.line) == ("c.yaml", line_of(text, "clearance_trucks_per_day"))
    assert 'source: "Author 2024, table 3"' in issue.hint


@pytest.mark.parametrize("key", ["assumption", "note"])
def test_assumption_and_note_must_be_text_too(tiny_variant, key: str) -> None:
    text = tiny_variant((CLEARANCE, f"    clearance_trucks_per_day: {{value: 100, "
                                    f"assumption: x, {key}: 7}}"
                         if key == "note" else
                         f"    clearance_trucks_per_day: {{value: 100, {key}: ''}}"))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, "c.yaml")
    assert only_issue(exc).message.startswith(f"{key} must be text (a citation), got ")


def test_a_list_of_texts_is_still_a_citation(tiny_variant) -> None:
    text = tiny_variant((CLEARANCE, "    clearance_trucks_per_day: {value: 100, "
                                    "source: [Author 2024, Other 2023]}"))
    cit = meta_of(scenario_from_yaml(text, "c.yaml")).provenance.citations[
        ("sites", "border", "clearance_trucks_per_day")]
    assert cit.source == "Author 2024; Other 2023"


def test_a_citation_given_by_set_is_checked_and_reported_at_the_set(tiny_path) -> None:
    override = "sites.border.clearance_trucks_per_day={value: 5, source: ''}"
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [override])
    issue = only_issue(exc)
    assert issue.file == f"--set {override}"
    assert "source must be text" in issue.message


def test_validate_require_citations_refuses_an_empty_source(tmp_path, tiny_path) -> None:
    child = write(tmp_path / "c.yaml", f"extends: {tiny_path}\nname: c\nsites:\n  border:\n"
                  "    clearance_trucks_per_day: {value: 100, source: ''}\n")
    result = CliRunner().invoke(main, ["validate", "--require-citations", str(child)])
    assert result.exit_code == 2, result.output
    assert f"{child}:5:" in result.output and "source must be text" in result.output


# --- 2. source, assumption and note are not ids ------------------------------------------

def test_a_region_called_source_is_refused_where_it_is_defined(tiny_variant) -> None:
    text = tiny_variant(("  away: {country: CHN}", "  source: {country: CHN}"),
                        ("    region: away", "    region: source"))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, "r.yaml")
    issue = only_issue(exc)
    assert issue.message.startswith("a region cannot be called 'source': source, "
                                    "assumption and note are reserved for citations")
    assert issue.path == ("regions", "source")
    assert issue.line == line_of(text, "source: {country: CHN}")
    assert issue.hint.startswith("`source` is reserved for citations: rename the region")
    assert "unknown region" not in str(exc.value)


def test_a_channel_called_note_is_refused_not_reported_as_no_channels(tiny_variant) -> None:
    text = tiny_variant(("channels:\n  formal:", "channels:\n  note:"),
                        ("{formal: 1.0, assumption", "{note: 1.0, assumption"))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, "n.yaml")
    report = str(exc.value)
    assert "n.yaml:48:3: channels.note: a channel cannot be called 'note'" in report
    assert "rename the channel" in report
    assert "must not be empty" not in report
    # the offtake share written under the channel's name is no citation either
    assert "offtake.copper.note: note must be text" in report


def test_a_site_called_assumption_is_refused(tiny_variant) -> None:
    text = tiny_variant(("  border:\n    kind: border_post", "  assumption:\n    kind: "
                                                            "border_post"))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, "s.yaml")
    assert "sites.assumption: a site cannot be called 'assumption'" in str(exc.value)


# --- 3. errors a --set caused say so ---------------------------------------------------

def test_an_error_beside_what_a_set_changed_names_the_set(tmp_path, tiny_variant) -> None:
    path = write(tmp_path / "d.yaml", tiny_variant(
        ("    transit_days: {value: 3, assumption: test input}",
         "    transit_days: {dist: triangular, low: 2, mode: 3, high: 5, assumption: x}")))
    override = "lanes.mine_border.transit_days.dist=gamma"
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, [override])
    issues = exc.value.issues
    assert {str(i.path[-1]) for i in issues} >= {"low", "shape"}
    for issue in issues:
        assert issue.file == str(path)
        assert issue.after == f"--set {override}"
        assert issue.location().startswith(f"{path}:{issue.line}:{issue.column} "
                                           f"(after --set {override}): ")


def test_a_check_over_a_mapping_a_set_changed_names_the_set() -> None:
    override = "policies.export_quotas.quota_q4_2025.allocation.kcc=0.5"
    with pytest.raises(ScenarioError) as exc:
        load_scenario(BAN, [override])
    issue = only_issue(exc)
    assert "allocation shares sum to" in issue.message
    assert f"(after --set {override}): policies.export_quotas" in issue.format()
    assert issue.hint


def test_an_error_elsewhere_does_not_name_an_unrelated_set(tmp_path, tiny_variant) -> None:
    path = write(tmp_path / "e.yaml", tiny_variant(("    region: away", "    region: awy")))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, ["lanes.mine_border.transit_days=4"])
    issue = only_issue(exc)
    assert issue.after is None and "after --set" not in issue.format()


def test_a_place_counted_from_the_end_is_refused_with_the_last_place() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(BAN, ["policies.export_quotas.quota_q4_2025.schedule[-1].tonnes=5"])
    issue = only_issue(exc)
    assert "items of a list are counted from 0" in issue.message
    assert "[-1], are not supported" in issue.message
    assert "unknown field" not in issue.message
    assert "the last is policies.export_quotas.quota_q4_2025.schedule[2]" in issue.hint


# --- 4. dates with a time of day; an event start with its unit -----------------------------

def test_a_start_with_a_time_of_day_gets_one_plain_message(tiny_variant) -> None:
    text = tiny_variant(("start: 2024-01-01", "start: 2024-01-01 06:00"))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, "t.yaml")
    issue = only_issue(exc)
    assert issue.message == ("expected a date without a time of day, e.g. 2025-01-01, got "
                             "2024-01-01 06:00")
    assert issue.hint.startswith("write 2024-01-01")
    assert "Datetimes" not in str(exc.value)


def test_a_set_start_with_a_time_of_day_is_told_the_same(tiny_path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["start=2024-01-01T06:00:00"])
    assert only_issue(exc).message.startswith("expected a date without a time of day")


def test_a_policy_start_with_a_time_of_day_is_one_issue_not_two(tiny_path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["policies.export_bans.b={commodity: copper, "
                                  "start: 2024-02-01T12:00:00}"])
    issue = only_issue(exc)
    assert issue.message == ("expected a date without a time of day, e.g. 2025-01-01, got "
                             "2024-02-01 12:00")
    assert "datetime.datetime" not in str(exc.value)
    assert dt.date(2024, 2, 1).isoformat() in issue.hint


def test_an_event_start_in_days_with_its_unit_gets_a_hint_that_fits(tiny_path) -> None:
    event = ("shocks.events.e={start: %s, duration_days: 5, targets: {sites: [border]}, "
             "effects: {capacity_factor: 0}}")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [event % "30 days"])
    assert only_issue(exc).hint == ("write 30 (days after the scenario's start), or a date "
                                    "such as 2025-01-27")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [event % "2 weeks"])
    assert only_issue(exc).hint.startswith("give the unit apart from the number: "
                                           "{value: 2, unit: weeks}")
