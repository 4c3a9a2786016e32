"""Review 78, findings 5-8: extends paths, --set values and hints (fixer F78b).

* ``extends:`` naming a folder or a device is refused at the extends line with a hint,
  and a path with ``~`` or ``$HOME`` says these are not expanded;
* hints no longer mislead: ``0o17`` is not ``{value: 0, unit: o17}``, a bad id is not
  offered as its own fix, each --set syntax error gets a hint about what it holds, a
  non-UTF-8 argument is named as such, a date is shown as written and a number read in
  base 60 where a date goes says so;
* a lane accepts only its documented key ``from`` (``from_`` alone was accepted);
* ``--set KEY=# comment`` and ``--set KEY=---`` no longer silently remove the key.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario, scenario_from_dict
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
OLD_SET_HINT = "quote text values containing ':' or '#'"


def validate(*args: str):
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)


def child(tmp_path: Path, extends: str) -> Path:
    path = tmp_path / "child.yaml"
    path.write_text(f"name: child\nextends: {extends}\n", encoding="utf-8")
    return path


def tiny_data() -> dict:
    return copy.deepcopy(yaml.safe_load(TINY.read_text(encoding="utf-8")))


# --------------------------------------------------------------------- finding 5: extends

def test_extends_a_folder_is_refused_at_the_extends_line_with_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "adir.yaml"
    folder.mkdir()
    (folder / "baseline.yaml").write_text("name: b\n", encoding="utf-8")
    result = validate(str(child(tmp_path, "adir.yaml")))
    assert result.exit_code == 2
    out = result.output
    assert "child.yaml:2:1: extends: 'adir.yaml' is a directory, not a scenario file" in out
    assert "hint: extends names a scenario file (.yaml)" in out
    assert "holds baseline.yaml" in out


def test_extends_a_device_is_refused_at_the_extends_line(tmp_path: Path) -> None:
    result = validate(str(child(tmp_path, os.devnull)))
    assert result.exit_code == 2
    assert f"child.yaml:2:1: extends: '{os.devnull}' is a device, pipe or socket" in \
        result.output
    assert "hint: " in result.output


@pytest.mark.parametrize("written", ["~/tiny.yaml", "$HOME/tiny.yaml", "${HOME}/tiny.yaml"])
def test_extends_with_home_or_variables_says_they_are_not_expanded(tmp_path: Path,
                                                                   written: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(child(tmp_path, written))
    (issue,) = info.value.issues
    assert issue.line == 2 and issue.file.endswith("child.yaml")
    assert f"file {written!r} not found" in issue.message
    assert "~ and $VARIABLES are not expanded in extends" in issue.hint


def test_plain_missing_extends_keeps_its_hint_without_the_expansion_note(tmp_path: Path
                                                                          ) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(child(tmp_path, "nowhere.yaml"))
    assert "not expanded" not in info.value.issues[0].hint


# ------------------------------------------------------------------ finding 6: hints

@pytest.mark.parametrize("field", ["horizon_days", "lanes.mine_border.transit_days"])
def test_octal_notation_is_not_taken_for_a_unit(field: str) -> None:
    result = validate(str(TINY), "--set", f"{field}=0o17")
    assert result.exit_code == 2
    assert "0o17 is octal notation" in result.output
    assert "in decimal, 15" in result.output
    assert "unit: o17" not in result.output


def test_a_bad_id_is_not_offered_as_its_own_fix() -> None:
    data = tiny_data()
    data["regions"]["1"] = {"country": "COD"}
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    (issue,) = [i for i in info.value.issues if "is not a valid id" in i.message]
    assert "did you mean '1'" not in issue.hint
    assert issue.hint.startswith("ids use the lower-case letters a-z")


def test_a_bad_id_still_gets_the_lower_case_id_that_exists() -> None:
    data = tiny_data()
    data["regions"]["Home"] = data["regions"].pop("away")
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    assert any((i.hint or "").startswith("did you mean 'home'?") for i in info.value.issues)


@pytest.mark.parametrize("value, expect", [
    ("\t5", "the value holds a tab"),
    ("*x", "'*' at the start of a value begins a YAML alias"),
    ("1\n---\n2", "'---' and '...' at the start of a line mark"),
    ("...", "'---' and '...' at the start of a line mark"),
    ("[a", "quote the value if it is text: --set 'horizon_days=\"[a\"'"),
])
def test_set_syntax_errors_get_a_hint_about_what_the_value_holds(value: str,
                                                                 expect: str) -> None:
    result = validate(str(TINY), "--set", f"horizon_days={value}")
    assert result.exit_code == 2
    assert "the value is not valid YAML" in result.output
    assert expect in result.output
    assert OLD_SET_HINT not in result.output


def test_set_colon_in_text_gets_the_quoting_hint() -> None:
    result = validate(str(TINY), "--set", "title=a: b: c")
    assert result.exit_code == 2
    assert "quote text that holds them: --set 'title=\"a: b: c\"'" in result.output


def test_set_argument_not_utf8_is_named_as_such() -> None:
    # what Python makes of the byte 0xe9 of a Latin-1 terminal (surrogateescape)
    result = validate(str(TINY), "--set", "title=caf\udce9")
    assert result.exit_code == 2
    assert "--set title=caf\\xe9: the argument is not UTF-8 text (byte 0xe9" in result.output
    assert "NUL" not in result.output and "set it to UTF-8" in result.output


def test_set_argument_not_utf8_end_to_end_exits_2() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(TINY), "--set", b"title=caf\xe9"],
        capture_output=True, cwd=ROOT, env=env, timeout=60)
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert proc.returncode == 2, out
    assert "the argument is not UTF-8 text (byte 0xe9" in out
    assert "Traceback" not in out


def test_a_date_where_a_number_goes_is_shown_as_written() -> None:
    result = validate(str(TINY), "--set", "horizon_days=2024-05-01")
    assert result.exit_code == 2
    assert "expected a number, got the date 2024-05-01" in result.output
    assert "datetime" not in result.output


def test_a_date_where_a_word_goes_is_shown_as_written() -> None:
    result = validate(str(TINY), "--set", "lanes.mine_border.mode=2024-05-01")
    assert result.exit_code == 2
    assert "the date 2024-05-01 is not allowed" in result.output
    assert "datetime" not in result.output


@pytest.mark.parametrize(("number", "hint"), [
    (2024, "a year alone is not a date: write 2024-01-01, or the day meant"),
    (20240501, "write the date with dashes: 2024-05-01"),
])
def test_a_number_where_a_date_goes_is_shown_whole_with_the_date_to_write(
        number: int, hint: str) -> None:
    # review 80: the reader refuses 12:30 itself, so a number here was written as one; it
    # got a base-60 hint ("if 33:44 was written") and 20240501 was shown as 2.02405e+07
    data = tiny_data()
    data["start"] = number
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    (issue,) = info.value.issues
    assert f"got the number {number} " in issue.message
    assert issue.hint == hint


def test_set_time_of_day_for_start_says_base_60() -> None:
    # refused when read or when validated, the user is told 12:30 became a base-60 number
    result = validate(str(TINY), "--set", "start=12:30")
    assert result.exit_code == 2
    assert "base 60" in result.output and "12:30" in result.output


# --------------------------------------------------------------- finding 7: lane's from

@pytest.mark.parametrize("keys", [{"from_": "mine_a"}, {"from": "mine_a", "from_": "x"}])
def test_lane_takes_only_the_documented_key_from(keys: dict) -> None:
    data = tiny_data()
    lane = data["lanes"]["mine_border"]
    del lane["from"]
    lane.update(keys)
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    unknown = [i for i in info.value.issues if i.message == "unknown field 'from_'"]
    assert len(unknown) == 1 and unknown[0].hint == "did you mean 'from'?"
    assert unknown[0].path == ("lanes", "mine_border", "from_")


def test_lane_from_underscore_refused_in_a_file_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "from_only.yaml"
    path.write_text(TINY.read_text(encoding="utf-8").replace("from: mine_a", "from_: mine_a"),
                    encoding="utf-8")
    result = validate(str(path))
    assert result.exit_code == 2
    assert "lanes.mine_border.from_: unknown field 'from_'" in result.output


def test_a_dumped_scenario_still_validates_and_names_from() -> None:
    sc = load_scenario(TINY)
    dumped = sc.model_dump()
    assert dumped["lanes"]["mine_border"]["from"] == "mine_a"
    assert "from_" not in dumped["lanes"]["mine_border"]
    assert Scenario.model_validate(dumped).model_dump() == dumped
    assert sc.lanes["mine_border"].from_ == "mine_a"


# ------------------------------------------------------- finding 8: --set read as empty

@pytest.mark.parametrize("value, what", [("# c", "a comment"), ("---", "document marker"),
                                         ("--- # c", "a comment"), ("...\n", None)])
def test_set_value_read_as_empty_is_refused(value: str, what: str | None) -> None:
    result = validate(str(TINY), "--set", f"horizon_days={value}")
    assert result.exit_code == 2
    assert "give exactly one of horizon_days or end" not in result.output
    if what is not None:
        assert "YAML reads the value as empty" in result.output and what in result.output
        assert "to remove horizon_days, write --set horizon_days=null" in result.output


@pytest.mark.parametrize("null", ["null", "~", "null # gone", "--- ~", "NULL"])
def test_set_null_still_removes_the_key(null: str) -> None:
    result = validate(str(TINY), "--set", f"horizon_days={null}", "--set", "end=2024-04-09")
    assert result.exit_code == 0, result.output
