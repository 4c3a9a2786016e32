"""Review 194: scenario files and paths made on other systems, and files that are not
scenarios, get messages that say what is wrong and how to fix it (findings 6, 9d-9f)."""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest
from scenario_helpers import only_issue, write

from sim.scenario import ScenarioError, load_scenario
from sim.scenario.yamlio import parse_yaml

NFC = unicodedata.normalize("NFC", "parent été.yaml")
NFD = unicodedata.normalize("NFD", "parent été.yaml")


def issue_of(path: Path):
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return only_issue(exc)


@pytest.fixture
def scenarios(tmp_path: Path, tiny_text: str) -> Path:
    """tmp/scenarios/baseline.yaml, and tmp/win/ for the children."""
    write(tmp_path / "scenarios" / "baseline.yaml", tiny_text)
    (tmp_path / "win").mkdir()
    return tmp_path


# ------------------------------------------------------------------ finding 6: extends
def test_backslashes_in_extends_are_told_to_be_slashes_printed_once(scenarios: Path) -> None:
    child = write(scenarios / "win" / "c.yaml",
                  "extends: ..\\scenarios\\baseline.yaml\nname: child\n")
    issue = issue_of(child)
    assert "file '..\\scenarios\\baseline.yaml' not found" in issue.message
    assert "\\\\" not in issue.message  # not repr()'s doubled backslashes beside the path
    assert issue.hint.startswith("use / as the separator, as on every system: "
                                 "../scenarios/baseline.yaml;")
    assert "relative to the file that contains them" in issue.hint  # the old hint is kept


def test_a_windows_drive_letter_in_extends_is_named(scenarios: Path) -> None:
    child = write(scenarios / "win" / "c.yaml",
                  "extends: C:\\Users\\me\\baseline.yaml\nname: child\n")
    assert "is a Windows path, with a drive letter" in issue_of(child).hint


def test_extends_with_other_letter_case_says_the_real_name(scenarios: Path) -> None:
    child = write(scenarios / "win" / "c.yaml",
                  "extends: ../Scenarios/Baseline.yaml\nname: child\n")
    issue = issue_of(child)
    assert "not found" in issue.message
    assert issue.hint.startswith("did you mean ../scenarios/baseline.yaml?")


def test_extends_naming_a_file_in_another_unicode_normalisation_opens_it(
        tmp_path: Path, tiny_text: str) -> None:
    # the file as macOS stores it (NFD), named as typed (NFC): the same name to the eye
    write(tmp_path / NFD, tiny_text)
    child = write(tmp_path / "child.yaml", f"extends: {NFC}\nname: child\n")
    assert load_scenario(child).name == "child"


def test_extends_with_backslashes_and_other_case_gives_the_real_path(scenarios: Path) -> None:
    child = write(scenarios / "win" / "c.yaml",
                  "extends: ..\\scenarios\\Baseline.yaml\nname: child\n")
    assert "every system: ../scenarios/baseline.yaml" in issue_of(child).hint


# ------------------------------------------------------------------ finding 6: the file given
def test_a_scenario_given_with_other_letter_case_says_the_real_name(
        scenarios: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(scenarios)
    issue = issue_of(Path("scenarios/Baseline.yaml"))
    assert issue.message == "file not found"
    assert issue.hint.startswith("did you mean scenarios/baseline.yaml?")
    assert "scenarios normally live in scenarios/" in issue.hint


def test_a_scenario_given_with_backslashes_is_told_to_use_slashes(
        scenarios: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(scenarios)
    issue = issue_of(Path("scenarios\\baseline.yaml"))
    assert "use / as the separator, as on every system: scenarios/baseline.yaml" in issue.hint


def test_a_scenario_given_in_another_unicode_normalisation_is_opened(
        tmp_path: Path, tiny_text: str) -> None:
    write(tmp_path / "dossier" / NFD, tiny_text)
    assert load_scenario(tmp_path / "dossier" / NFC).name == "tiny"


def test_a_tilde_path_from_python_says_it_is_not_expanded(tmp_path: Path) -> None:
    issue = issue_of(Path("~/no_such_scenario_r194.yaml"))
    assert "~ is not expanded in a path given from Python" in issue.hint


# ------------------------------------------------------------------ finding 9d
@pytest.fixture
def results(tmp_path: Path) -> Path:
    folder = tmp_path / "res"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"format": "x", "seed": 0}))
    (folder / "run.json").write_text(json.dumps({"format": "x", "scenario_name": "tiny",
                                                 "seed": 0, "replications": 2}))
    with gzip.open(folder / "series.csv.gz", "wt") as f:
        f.write("replication,day\n0,1\n")
    return folder


@pytest.mark.parametrize("name", ["run.json", "manifest.json"])
def test_a_results_record_given_for_a_scenario_is_named_as_such(results: Path,
                                                               name: str) -> None:
    issue = issue_of(results / name)
    assert issue.message.startswith("not a scenario")
    assert f"{name} does not look like a scenario file (.yaml)" in issue.hint
    assert f"pass the scenario file, or read the results with sim report {results}" \
        in issue.hint


def test_a_comparison_record_given_for_a_scenario_is_named_as_such(tmp_path: Path) -> None:
    record = write(tmp_path / "cmp" / "comparison.json",
                   json.dumps({"format": "x", "reference": "a", "scenarios": []}))
    assert "the record sim compare keeps of a comparison" in issue_of(record).hint


def test_a_compressed_series_given_for_a_scenario_is_named_as_such(results: Path) -> None:
    issue = issue_of(results / "series.csv.gz")
    assert issue.message == "file holds gzip-compressed data, not text"
    assert "series.csv.gz does not look like a scenario file" in issue.hint
    assert "UTF-8" not in issue.message + issue.hint


def test_a_json_file_without_scenario_fields_is_refused_but_a_json_scenario_read(
        tmp_path: Path, tiny_path: Path) -> None:
    other = write(tmp_path / "settings.json", json.dumps({"theme": "dark"}))
    assert "settings.json does not look like a scenario file (.yaml); sim run, show and " \
        "compare take a scenario file" in issue_of(other).hint
    # JSON is YAML: a scenario written in it is not refused as a results file
    child = write(tmp_path / "c.json", json.dumps({"extends": str(tiny_path), "name": "c"}))
    assert load_scenario(child).name == "c"


# ------------------------------------------------------------------ finding 9e
@pytest.mark.parametrize("written", ["1e400", "-2.5E+999", "179769313486231590e300"])
def test_a_number_too_large_for_a_float_says_so(written: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        parse_yaml(f"a:\n  horizon_days: {written}\n", "s.yaml")
    issue = only_issue(exc)
    assert (issue.line, issue.column, issue.path) == (2, 17, ("a", "horizon_days"))
    assert f"the number {written} is too large: beyond about 1.8e308" in issue.message
    assert "exponent" in issue.hint


def test_a_number_too_large_in_a_scenario_is_refused_at_its_line(tmp_path: Path,
                                                                tiny_text: str) -> None:
    text = tiny_text.replace("horizon_days: ", "horizon_days: 1e400 #", 1)
    issue = issue_of(write(tmp_path / "s.yaml", text))
    assert "is too large" in issue.message and "got inf" not in issue.message


def test_a_too_large_number_is_told_apart_from_inf_written_as_such() -> None:
    assert parse_yaml("a: .inf\n", "s.yaml")[0] == {"a": float("inf")}
    with pytest.raises(ScenarioError):
        parse_yaml("a: 1e999\n", "s.yaml")


# ------------------------------------------------------------------ finding 9f
@pytest.mark.parametrize(("text", "where"), [
    ("a: 100\t# comment\n", "the tab at column 7 is between the value and its # comment"),
    ("a:\t100\n", "the tab at column 3 is after ':'"),
    ("a:\n  -\tb\n", "after a list item's '-'"),
])
def test_a_tab_hint_says_where_the_tab_is(text: str, where: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        parse_yaml(text, "s.yaml")
    hint = only_issue(exc).hint
    assert where in hint and "replace it with a space" in hint
    assert "indentation" not in hint


def test_a_tab_in_indentation_keeps_its_hint() -> None:
    with pytest.raises(ScenarioError) as exc:
        parse_yaml("a:\n\tb: 1\n", "s.yaml")
    assert only_issue(exc).hint == "YAML forbids tabs in indentation; use spaces"


# ------------------------------------------------------------------ finding 9c, from Python
def test_a_results_folder_loaded_as_a_scenario_says_what_it_is(results: Path) -> None:
    issue = issue_of(results)
    assert issue.message == "is a directory, not a scenario file"
    assert issue.hint == (f"{results} is a results folder: sim report {results} reads it; "
                          "sim run, show and validate need a scenario file (.yaml)")


def test_a_compressed_yaml_file_is_told_to_be_decompressed(tmp_path: Path,
                                                          tiny_text: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(gzip.compress(tiny_text.encode()))
    issue = issue_of(path)
    assert issue.message == "file holds gzip-compressed data, not text"
    assert "decompress this one" in issue.hint
