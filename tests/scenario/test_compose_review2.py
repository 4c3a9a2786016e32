"""Composition (``extends:``) as a second review found it: a child's ``{value: ...}`` that
passed as cited by its parent, a child that took its parent's name and overwrote its
results, a parent's description printed under a child, removals reported at the parent's
lines with look-alike ids, and ``--set extends=...`` read as a misspelt ``end``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from scenario_helpers import only_issue, write

from sim.cli import main
from sim.scenario import ScenarioError, load_scenario, meta_of
from sim.scenario.docs import generate

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "benchmarks" / "networks").glob("*.yaml"))
COPPER = ("sites", "mine_a", "output", "copper")


def child_of_tiny(tmp_path: Path, text: str, name: str = "child") -> Path:
    """A file extending tiny.yaml with ``text``, named ``name`` (no name if empty)."""
    return write(tmp_path / "child.yaml",
                 f"extends: {TINY}\n" + (f"name: {name}\n" if name else "") + text)


# ---------------------------------------------------------------- 1. {value:} under a source
def test_a_childs_value_mapping_beside_an_inherited_citation_is_uncited(
        tmp_path: Path) -> None:
    # tiny.yaml cites copper's output as a whole ({form: ..., t_per_year: {value: 36525,
    # unit: t/yr}, assumption: test input}); the child's number is not the parent's
    child = child_of_tiny(tmp_path, "sites:\n  mine_a:\n    output:\n      copper:\n"
                          "        t_per_year: {value: 40000, unit: t/yr}\n")
    prov = meta_of(load_scenario(child)).provenance
    assert dict(prov.uncited) == {(*COPPER, "t_per_year", "value"): 40000}
    assert prov.for_path((*COPPER, "t_per_year")) is None
    result = CliRunner().invoke(main, ["validate", "--require-citations", str(child)])
    assert result.exit_code == 2 and "values without a citation" in result.output


@pytest.mark.parametrize("value, uncited", [
    ("{dist: uniform, low: 2, high: 6}", {"low": 2, "high": 6}),
    ("{high: 6}", {"low": 1, "mode": 2, "high": 6})])
def test_a_childs_distribution_beside_an_inherited_citation_is_uncited(
        tmp_path: Path, value: str, uncited: dict) -> None:
    # the lane's assumption covers its distribution, but not the child's, nor the
    # parameters the child changed in it
    write(tmp_path / "parent.yaml", TINY.read_text("utf-8").replace(
        "transit_days: {value: 3, assumption: test input}",
        "transit_days: {dist: triangular, low: 1, mode: 2, high: 3}\n"
        "    assumption: road survey"))
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\nlanes:\n"
                  f"  mine_border:\n    transit_days: {value}\n")
    prov = meta_of(load_scenario(child)).provenance
    assert prov.for_path(("lanes", "mine_border", "transit_days")) is None
    assert dict(prov.uncited) == {("lanes", "mine_border", "transit_days", k): v
                                  for k, v in uncited.items()}


def test_a_childs_value_citing_itself_leaves_the_inherited_citation_to_the_rest(
        tmp_path: Path) -> None:
    child = child_of_tiny(tmp_path, "sites:\n  mine_a:\n    output:\n      copper:\n"
                          "        t_per_year: {value: 40000, unit: t/yr, source: report}\n")
    prov = meta_of(load_scenario(child)).provenance
    assert prov.uncited == []
    assert prov.for_path((*COPPER, "t_per_year")).source == "report"
    assert prov.for_path(COPPER).assumption == "test input"


# ------------------------------------------------------------------------ 2. its own name
def test_an_extending_file_without_a_name_is_refused_at_its_extends(tmp_path: Path) -> None:
    child = child_of_tiny(tmp_path, "horizon_days: 30\n", name="")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    issue = only_issue(exc)
    assert (issue.file, issue.line, issue.path) == (str(child), 1, ("name",))
    assert "must give its own name" in issue.message and "'tiny'" in issue.message
    assert issue.hint.startswith("add name: child to child.yaml")


def test_a_nameless_child_is_told_so_with_its_other_problems(tmp_path: Path) -> None:
    child = child_of_tiny(tmp_path, "horizon_days: many\n", name="")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    assert [i.path for i in exc.value.issues] == [("name",), ("horizon_days",)]


def test_the_cli_refuses_a_nameless_child_with_status_2_and_set_name_names_it(
        tmp_path: Path) -> None:
    child = child_of_tiny(tmp_path, "horizon_days: 30\n", name="")
    result = CliRunner().invoke(main, ["validate", str(child)])
    assert result.exit_code == 2, result.output
    assert f"{child}:1:1: name: missing" in result.output
    assert "hint: add name: child to child.yaml" in result.output
    assert load_scenario(child, ["name=mine"]).name == "mine"


def test_a_stem_that_is_not_an_id_gets_a_hint_that_is(tmp_path: Path) -> None:
    child = write(tmp_path / "2025 Export-Ban.yaml", f"extends: {TINY}\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    assert only_issue(exc).hint.startswith("add name: scenario_2025_export_ban to ")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_scenario_names_itself(path: Path) -> None:
    assert load_scenario(path).name == path.stem


# ------------------------------------------------------------- 3. words of the file itself
def test_title_question_and_description_are_not_inherited(tmp_path: Path) -> None:
    write(tmp_path / "parent.yaml", TINY.read_text("utf-8").replace(
        "title: Tiny deterministic chain",
        "title: Parent\nquestion: Why the parent?\ndescription: How the parent was calibrated"))
    bare = load_scenario(write(tmp_path / "bare.yaml", "extends: parent.yaml\nname: bare\n"))
    assert (bare.title, bare.question, bare.description) == ("", "", "")
    own = load_scenario(write(tmp_path / "own.yaml", "extends: parent.yaml\nname: own\n"
                              "title: Own\nquestion: Why?\n"))
    assert (own.title, own.question, own.description) == ("Own", "Why?", "")
    # a grandchild does not get them from either file it extends
    grand = load_scenario(write(tmp_path / "grand.yaml", "extends: own.yaml\nname: grand\n"))
    assert (grand.title, grand.question, grand.description) == ("", "", "")
    assert "title" not in meta_of(grand).document


def test_a_shipped_child_does_not_carry_the_baselines_description() -> None:
    sc = load_scenario(ROOT / "scenarios" / "china_export_control.yaml")
    assert sc.description == ""
    assert load_scenario(ROOT / "scenarios" / "baseline.yaml").description


# -------------------------------------------------------------------------- 4. removals
def test_what_refers_to_a_removed_site_names_the_removal(tmp_path: Path) -> None:
    # tiny's lane border_market goes to market_x; a site named market_y makes a look-alike
    child = child_of_tiny(tmp_path, "sites:\n  market_x: null\n  market_y:\n"
                          "    kind: market\n    region: away\n"
                          "    location: {lat: 30.0, lon: 121.0}\n"
                          "    demand_t_per_year: {copper: 100}\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    lane = next(i for i in exc.value.issues if i.path == ("lanes", "border_market", "to"))
    assert lane.file == str(TINY)  # the reference is where it was written
    assert lane.message == f"unknown site 'market_x', which {child}:4 removed"
    assert lane.hint == ("removing a site leaves what refers to it: in child.yaml, change "
                         "lanes.border_market.to or remove lanes.border_market (set it to "
                         "null)")
    assert not any("did you mean" in (i.hint or "") for i in exc.value.issues
                   if "market_x" in i.message)


def test_a_site_removed_by_set_names_the_set() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(TINY, ["sites.market_x=null"])
    lane = next(i for i in exc.value.issues if i.path == ("lanes", "border_market", "to"))
    assert lane.message == "unknown site 'market_x', which --set sites.market_x=null removed"
    assert lane.hint.endswith("or add --set lanes.border_market=null")


REGIME = """shocks:
  regimes:
    east:
      targets: {sites: [border]}
      states: {calm: {}, contested: {}, occupied: {effects: {capacity_factor: 0.5}}}
      rates_per_year: {calm: {contested: 2}, contested: {calm: 1, occupied: 1},
                       occupied: {contested: 1}}
      assumption: test input
"""


def test_a_rate_into_a_removed_state_says_who_removed_it(tmp_path: Path) -> None:
    write(tmp_path / "parent.yaml", TINY.read_text("utf-8") + REGIME)
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\nshocks:\n"
                  "  regimes:\n    east:\n      states: {occupied: null}\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    by_path = {i.path: i for i in exc.value.issues}
    into = by_path[("shocks", "regimes", "east", "rates_per_year", "contested", "occupied")]
    assert into.message == f"unknown state 'occupied', which {child}:6 removed"
    assert into.hint == ("removing a state leaves what refers to it: set shocks.regimes.east."
                         "rates_per_year.contested.occupied to null in child.yaml too")
    assert "known states" not in " ".join(i.hint or "" for i in exc.value.issues)


def test_a_removed_site_given_fields_by_set_names_the_removal(tmp_path: Path) -> None:
    child = child_of_tiny(tmp_path, "sites:\n  market_x: null\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child, ["sites.market_x.region=away"])
    issue = exc.value.issues[0]
    assert issue.message == "unknown site 'market_x'"
    assert issue.hint.startswith(f"{child}:4 removed it.")


def test_a_removed_site_given_again_is_not_blamed(tmp_path: Path) -> None:
    write(tmp_path / "gone.yaml", f"extends: {TINY}\nname: gone\nsites:\n  market_x: null\n")
    back = tmp_path / "back.yaml"
    write(back, "extends: gone.yaml\nname: back\nsites:\n  market_x:\n    kind: market\n"
          "    region: away\n    location: {lat: 30.0, lon: 120.0}\n"
          "    demand_t_per_year: {copper: 36525}\n")
    assert "market_x" in load_scenario(back).sites


# --------------------------------------------------------------- 5. --set extends, the docs
def test_set_extends_says_extends_is_written_in_a_file() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(TINY, ["extends=baseline_leakage.yaml"])
    issue = only_issue(exc)
    assert issue.message == ("--set 'extends=baseline_leakage.yaml': extends can only be "
                             "written in a scenario file, where its paths are relative to "
                             "that file")
    assert "did you mean" not in (issue.hint or "")
    result = CliRunner().invoke(main, ["validate", str(TINY), "--set", "extends=other.yaml"])
    assert result.exit_code == 2 and "extends can only be written" in result.output


def test_a_null_for_a_field_left_at_its_default_is_accepted_as_the_docs_say(
        tmp_path: Path) -> None:
    child = child_of_tiny(tmp_path, "lot_period_days: null\n")
    assert load_scenario(child).lot_period_days == 1.0
    text = " ".join(generate().split())
    assert "a `null` for a key that is not inherited is an error" not in text
    assert "neither inherited nor a field left at its default is an error" in text
