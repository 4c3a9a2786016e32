"""Mistakes a first-time analyst made writing scenarios from the docs (a new-user test):
each is refused, or flagged, where the user can find it, with a hint that fixes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from scenario_helpers import only_issue, write

from sim.cli import main
from sim.distributions import Triangular
from sim.scenario import ScenarioError, load_scenario, meta_of

ROOT = Path(__file__).resolve().parents[2]
TRANSIT = "transit_days: {value: 10, assumption: test input}"
CITED_TRIANGLE = ("transit_days: {dist: triangular, low: 8, mode: 10, high: 15, "
                  "source: 'Road survey'}")


# ------------------------------------------------------------------ extends and --set
def test_some_parameters_over_a_cited_distribution_leave_it_uncited(tmp_path: Path,
                                                                    tiny_text: str) -> None:
    write(tmp_path / "parent.yaml", tiny_text.replace(TRANSIT, CITED_TRIANGLE))
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\n"
                                           "lanes:\n  border_market:\n"
                  "    transit_days: {high: 20}\n")
    sc = load_scenario(child)
    # the parameters merge: only `high` changed
    assert sc.lanes["border_market"].transit_days == Triangular(
        dist="triangular", low=8, mode=10, high=20)
    # ...but 'Road survey' never gave high = 20, so it no longer cites the distribution
    path = ("lanes", "border_market", "transit_days")
    assert meta_of(sc).provenance.for_path(path) is None
    uncited = dict(meta_of(sc).provenance.uncited)
    assert uncited[(*path, "high")] == 20
    assert meta_of(sc).provenance.uncited_where[(*path, "high")] == (str(child), 5)


def test_a_number_changed_beside_an_inherited_citation_is_uncited(tmp_path: Path,
                                                                  tiny_text: str) -> None:
    # {copper: 5} over the parent's {copper: 36525, assumption: ...}: the parent's
    # judgement never gave 5, yet it passed as cited
    write(tmp_path / "parent.yaml", tiny_text)
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\n"
                                           "sites:\n  market_x:\n"
                  "    demand_t_per_year: {copper: 5}\n")
    sc = load_scenario(child)
    path = ("sites", "market_x", "demand_t_per_year")
    assert meta_of(sc).provenance.for_path(path) is None
    assert dict(meta_of(sc).provenance.uncited)[(*path, "copper")] == 5
    # restating the citation, or leaving the number as it was, keeps it cited
    for text in ("{copper: 5, source: 'Survey 2025'}", "{copper: 36525}"):
        write(child, f"extends: parent.yaml\nname: child\n"
                     f"sites:\n  market_x:\n    demand_t_per_year: {text}\n")
        assert meta_of(load_scenario(child)).provenance.for_path(path) is not None, text


def test_a_new_citation_over_a_cited_distribution_is_kept(tmp_path: Path,
                                                          tiny_text: str) -> None:
    write(tmp_path / "parent.yaml", tiny_text.replace(TRANSIT, CITED_TRIANGLE))
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\n"
                                           "lanes:\n  border_market:\n"
                  "    transit_days: {high: 20, source: 'Survey 2025'}\n")
    path = ("lanes", "border_market", "transit_days")
    assert meta_of(load_scenario(child)).provenance.for_path(path).source == "Survey 2025"


def test_validate_says_where_an_uncited_value_is(tmp_path: Path, tiny_text: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "u.yaml", tiny_text.replace(
        "clearance_trucks_per_day: {value: 100, assumption: test input}",
        "clearance_trucks_per_day: 100"))
    line = next(i for i, text in enumerate(tiny_text.splitlines(), 1)
                if "clearance_trucks_per_day" in text)
    monkeypatch.chdir(tmp_path)
    relaxed = CliRunner().invoke(main, ["validate", "u.yaml"])
    assert relaxed.exit_code == 0
    assert (f"1 value(s) without source:/assumption: u.yaml:{line}: "
            "sites.border.clearance_trucks_per_day = 100") in relaxed.output
    strict = CliRunner().invoke(main, ["validate", "--require-citations", "u.yaml"])
    assert strict.exit_code == 2
    assert f"u.yaml:{line}: sites.border.clearance_trucks_per_day = 100" in strict.output
    assert "hint: put source:" in strict.output


def test_end_over_an_inherited_horizon_points_at_the_users_file(tmp_path: Path,
                                                                tiny_text: str) -> None:
    write(tmp_path / "tiny.yaml", tiny_text)
    child = write(tmp_path / "child.yaml", "extends: tiny.yaml\nname: child\nend: 2024-03-01\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    issue = only_issue(exc)
    assert (issue.file, issue.line, issue.path) == (str(child), 3, ("end",))
    assert issue.hint == (f"horizon_days comes from {tmp_path / 'tiny.yaml'}; add "
                          "horizon_days: null to this file to measure by end alone")
    assert load_scenario(write(tmp_path / "fixed.yaml", "extends: tiny.yaml\nname: fixed\n"
                               "end: 2024-03-01\nhorizon_days: null\n")).horizon == 61


def test_set_horizon_over_an_end_says_set_end_null(tiny_path: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["end=2024-03-01"])
    issue = only_issue(exc)
    assert issue.file == "--set end=2024-03-01" and issue.path == ("end",)
    assert "add --set horizon_days=null" in issue.hint
    assert load_scenario(tiny_path, ["end=2024-03-01", "horizon_days=null"]).horizon == 61


# ------------------------------------------------------------------ capacity factors
def event(targets: str, factor: float) -> str:
    return ("shocks:\n  events:\n    go_slow:\n      start: 10\n      end: 40\n"
            f"      targets: {targets}\n      effects: {{capacity_factor: {factor}}}\n")


def test_a_fractional_capacity_factor_on_a_plain_lane_is_refused(tmp_path: Path,
                                                                 tiny_text: str) -> None:
    write(tmp_path / "tiny.yaml", tiny_text)
    child = write(tmp_path / "c.yaml", "extends: tiny.yaml\nname: c\n"
                  + event("{lanes: [mine_border]}", 0.5))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    issue = only_issue(exc)
    assert issue.path == ("shocks", "events", "go_slow", "effects", "capacity_factor")
    assert "has no effect on lane 'mine_border'" in issue.message
    assert "added_delay_days" in issue.hint
    # closing the same lane does something, and so does throttling the border post
    load_scenario(write(tmp_path / "closed.yaml", "extends: tiny.yaml\nname: closed\n"
                        + event("{lanes: [mine_border]}", 0)))
    load_scenario(write(tmp_path / "post.yaml", "extends: tiny.yaml\nname: post\n"
                        + event("{sites: [border]}", 0.5)))


def test_a_region_is_refused_only_when_nothing_in_it_can_be_throttled(tmp_path: Path,
                                                                      tiny_text: str) -> None:
    write(tmp_path / "tiny.yaml", tiny_text)
    # `away` holds only the market and the lane into it (no capacity)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(write(tmp_path / "away.yaml", "extends: tiny.yaml\nname: away\n"
                            + event("{regions: [away]}", 0.5)))
    assert "has no effect on anything in region(s) away" in only_issue(exc).message
    # `home` holds the mine and the border post as well as a plain lane: accepted
    load_scenario(write(tmp_path / "home.yaml", "extends: tiny.yaml\nname: home\n"
                        + event("{regions: [home]}", 0.5)))


def test_shipped_scenarios_throttle_only_what_can_be_throttled() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        load_scenario(path)  # raises if any shock's capacity factor would do nothing


# ------------------------------------------------------------------ targets
def test_an_id_under_the_wrong_kind_of_target_says_where_it_belongs(tmp_path: Path,
                                                                   tiny_text: str) -> None:
    write(tmp_path / "tiny.yaml", tiny_text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(write(tmp_path / "c.yaml", "extends: tiny.yaml\nname: c\n"
                            + event("{lanes: [border], regions: [mine_border]}", 0)))
    messages = {(i.path[-2], i.message, i.hint) for i in exc.value.issues}
    assert messages == {
        ("lanes", "'border' is not a lane: it is a site", "list it under targets.sites"),
        ("regions", "'mine_border' is not a region: it is a lane",
         "list it under targets.lanes")}


def test_a_table_given_for_a_scenario_is_named_as_such(tmp_path: Path) -> None:
    table = write(tmp_path / "kpis.csv", "metric,mean\ndelivered_t,1\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(table)
    assert "kpis.csv does not look like a scenario file (.yaml)" in only_issue(exc).hint


def test_a_shock_after_a_shortened_run_says_how_to_leave_it_out() -> None:
    shorter = ["start=2025-01-01", "end=2025-12-31", "horizon_days=null"]
    with pytest.raises(ScenarioError) as exc:
        load_scenario(ROOT / "scenarios" / "corridor_shocks.yaml", shorter)
    issue = only_issue(exc)
    assert issue.path == ("shocks", "events", "lobito_flood", "start")
    assert issue.hint.endswith("--set shocks.events.lobito_flood=null")
    load_scenario(ROOT / "scenarios" / "corridor_shocks.yaml",
                  [*shorter, "shocks.events.lobito_flood=null"])


def test_set_null_removes_a_quantity_and_a_list_item_and_refuses_a_typo(tiny_path: Path
                                                                        ) -> None:
    # warmup_days is written {value: 0, assumption: ...}: null removes it whole (default 0),
    # it does not become {value: None}
    assert load_scenario(tiny_path, ["warmup_days=null"]).warmup_days == 0
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["horizon_dyas=null"])
    issue = only_issue(exc)
    assert issue.message == "there is no horizon_dyas to remove"
    assert issue.hint == "did you mean 'horizon_days'?"
    # a schema field left at its default may be removed: nothing to do, no error
    load_scenario(tiny_path, ["end=null"])
    # a list item, written as error messages write it
    path = ROOT / "scenarios" / "export_ban_2025.yaml"
    quotas = load_scenario(path).policies.export_quotas
    shorter = load_scenario(path, ["policies.export_quotas.quota_q4_2025.schedule[0]=null"])
    assert len(shorter.policies.export_quotas["quota_q4_2025"].schedule) == \
        len(quotas["quota_q4_2025"].schedule) - 1


def test_the_leave_it_out_hint_of_a_quota_period_works() -> None:
    path = ROOT / "scenarios" / "export_ban_2025.yaml"
    period = ["end=2025-12-31", "horizon_days=null"]
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, period)
    hints = [i.hint for i in exc.value.issues]
    assert any("--set policies.export_quotas.quota_2026=null if it has no other" in h
               for h in hints), hints
    load_scenario(path, [*period, "policies.export_quotas.quota_2026=null",
                         "policies.export_quotas.quota_2027=null"])


@pytest.mark.parametrize("override", ["sites.mine_a.location=10 degrees",
                                      "sites.mine_a.output.copper=36525 t/yr",
                                      "sites.mine_a.offtake.copper=100%"])
def test_text_where_a_mapping_belongs_is_not_called_a_number(tiny_path: Path,
                                                             override: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [override])
    assert only_issue(exc).message.startswith("expected a mapping of fields, got text")


def test_set_on_a_missing_list_item_says_to_give_the_list(tiny_path: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["lanes.mine_border.regions.0=home"])
    issue = only_issue(exc)
    assert "no such list item (the list has 0)" in issue.message
    assert "--set 'lanes.mine_border.regions=[...]'" in issue.hint


def test_a_unit_inside_a_distribution_parameter_says_where_the_unit_goes(
        tiny_path: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["lanes.mine_border.transit_days="
                                  "{dist: uniform, low: {value: 1, unit: week}, high: 20}"])
    issue = only_issue(exc)
    assert "got '1 week'" in issue.message and "one unit for them all" in issue.hint
    sc = load_scenario(tiny_path, ["lanes.mine_border.transit_days="
                                   "{dist: uniform, low: 1, high: 3, unit: week}"])
    assert sc.lanes["mine_border"].transit_days.high == pytest.approx(21.0)


def test_a_mapping_given_whole_by_set_is_cited_by_the_override(tiny_path: Path) -> None:
    # `--set ...location.lat=-11` passed --require-citations but the whole mapping did not,
    # though the docs recommend giving a new id whole
    for override in ("sites.mine_a.location={lat: -11, lon: 26}",
                     "sites.hub_j={kind: junction, region: home, location: {lat: -11, lon: 26}}"):
        sc = load_scenario(tiny_path, [override])
        assert meta_of(sc).provenance.uncited == [], override


def test_a_bare_number_over_a_value_in_another_unit_gets_a_note() -> None:
    # --set ...t_per_year=700000 over {value: 686000, unit: oz/yr} made 700,000 t of gold a
    # year, 33,000 times the mine's output, without a word
    baseline = ROOT / "scenarios" / "baseline.yaml"
    field = "sites.kibali.output.gold.t_per_year"
    notes = meta_of(load_scenario(baseline, [f"{field}=700000"])).notes
    # and the gold market, now flooded, is said to be so (review 159)
    assert [n.split(":")[0] for n in notes[1:]] == ["market 'gold_world'"]
    assert "balance is 0 and the market is not balanced" in notes[1]
    assert "686000 oz/yr" in notes[0]
    assert f"--set '{field}={{value: 700000, unit: oz/yr}}'" in notes[0]
    kept = load_scenario(baseline, [f"{field}={{value: 700000, unit: oz/yr}}"])
    assert meta_of(kept).notes == []
    assert kept.sites["kibali"].output["gold"].t_per_year == pytest.approx(21.77, abs=0.01)
    result = CliRunner().invoke(main, ["validate", str(baseline), "--set", f"{field}=700000"])
    assert result.exit_code == 0 and "note: --set" in result.output
