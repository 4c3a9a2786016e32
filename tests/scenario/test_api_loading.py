"""Loading scenarios from Python: what the loaders are given by mistake (a path to the
dict loader, ``extends`` in a mapping) is told what to call instead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import sim
from sim.scenario import ScenarioError, scenario_from_dict, scenario_from_yaml

ROOT = Path(__file__).resolve().parents[2]
BASELINE = "scenarios/baseline.yaml"


# --- a path or text given to the dict loader ---------------------------------------------


@pytest.mark.parametrize("path", [BASELINE, Path(BASELINE)])
def test_a_path_given_to_the_dict_loader_is_told_to_use_load_scenario(path: Any) -> None:
    # "dictionary update sequence element #0 has length 1; 2 is required"
    with pytest.raises(TypeError, match=r"^scenario_from_dict takes a mapping of fields \(as "
                                        r"read from YAML\), not a path: load a scenario file "
                                        r"with sim.load_scenario\('scenarios/baseline.yaml'\)$"):
        sim.scenario_from_dict(path)


def test_yaml_text_given_to_the_dict_loader_is_told_to_use_the_yaml_loader() -> None:
    with pytest.raises(TypeError, match="not text: for YAML text use "
                                        r"sim.scenario.scenario_from_yaml\(text\)"):
        scenario_from_dict("name: x\nstart: 2024-01-01\n")


@pytest.mark.parametrize("data", [[("name", "x")], None, 42])
def test_anything_else_but_a_mapping_is_refused(data: Any) -> None:
    with pytest.raises(TypeError, match="takes a mapping of fields .*, not "
                                        f"{type(data).__name__}$"):
        scenario_from_dict(data)


# --- extends outside a file --------------------------------------------------------------


def test_extends_in_a_mapping_is_one_error_with_the_call_to_make(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the path is as the user gave it: relative to where they are
    # eight errors, one for each required field the extended file would have given
    with pytest.raises(ScenarioError) as info:
        sim.scenario_from_dict({"extends": BASELINE, "horizon_days": 200})
    (issue,) = info.value.issues
    assert issue.message == ("extends works only in scenario files read by load_scenario, "
                             "where its path is relative to the file")
    assert issue.path == ("extends",) and issue.file == "<dict>"
    call = f"sim.load_scenario({BASELINE!r}, overrides=['horizon_days=200'])"
    assert call in (issue.hint or "")
    # the call the hint gives works
    assert eval(call, {"sim": sim}).horizon_days == 200


def test_the_hint_writes_nested_and_quoted_values_as_overrides() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"extends": BASELINE, "start": dt.date(2024, 2, 1),
                            "title": "Kolwezi: a test", "horizon_days": None,
                            "sites": {"kasumbalesa": {"clearance_trucks_per_day": 250}}})
    assert ("overrides=['start=2024-02-01', 'title=\"Kolwezi: a test\"', "
            "'horizon_days=null', 'sites.kasumbalesa.clearance_trucks_per_day=250']"
            in (info.value.issues[0].hint or ""))


def test_extends_that_is_not_one_path_gets_the_file_hint_alone() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"extends": [BASELINE], "lanes": {"x": [1, 2]}})
    assert info.value.issues[0].hint == ("save the mapping as a YAML file and load that with "
                                         "sim.load_scenario(path)")


def test_extends_in_yaml_text_is_the_same_error_at_its_line() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_yaml(f"name: other\nextends: {BASELINE}\n")
    (issue,) = info.value.issues
    assert issue.message.startswith("extends works only in scenario files")
    assert (issue.file, issue.line) == ("<string>", 2)
