"""Review 158's Python API findings: a misspelt key of ``model_copy(update=...)`` is refused
as a file's unknown field is, an unknown attribute set on a scenario gets the closest field
and the override to give, ``sim.run`` documents ``progress`` and ``sink``, errors reaching
Python name its calls, and scenarios of the same content compare equal whatever the
loader's metadata."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from expt_helpers import ROOT, TINY

import sim
from sim.experiment.errors import python_words
from sim.experiment.runner import revalidated
from sim.output.folder import FolderError, claim_folder
from sim.scenario import ScenarioError

RANGE = {"horizon_days": (20, 30, "int")}
CALLS: dict[str, Callable[[sim.Scenario], Any]] = {
    "run": lambda sc: sim.run(sc),
    "compare": lambda sc: sim.compare([sc, sc], 1),
    "sweep": lambda sc: sim.sweep(sc, RANGE, samples=2),
}


def tiny(*overrides: str) -> sim.Scenario:
    return sim.load_scenario(TINY, list(overrides))


# --- 1. a stray key of model_copy(update=...) ----------------------------------------------

@pytest.mark.parametrize("call", CALLS.values(), ids=list(CALLS))
def test_a_misspelt_key_of_a_copy_is_refused(call: Callable[[sim.Scenario], Any]) -> None:
    # sim.run(sc.model_copy(update={"horizon_dayz": 60})) ran the scenario's 30 days
    sc = tiny("horizon_days=30").model_copy(update={"horizon_dayz": 60})
    with pytest.raises(ScenarioError, match=r"<scenario tiny>: horizon_dayz: unknown field "
                                            r"'horizon_dayz'\n\s+hint: did you mean "
                                            r"'horizon_days'\?"):
        call(sc)


def test_a_misspelt_key_of_a_copied_site_is_refused_at_its_path() -> None:
    sc = tiny()
    sc.sites["border"] = sc.sites["border"].model_copy(update={"clearance_truck_per_day": 5})
    with pytest.raises(ScenarioError) as err:
        sim.run(sc)
    issue, = err.value.issues
    assert issue.path == ("sites", "border", "clearance_truck_per_day")
    assert issue.message == "unknown field 'clearance_truck_per_day'"
    assert issue.hint is not None and \
        issue.hint.startswith("did you mean 'clearance_trucks_per_day'?")


def test_a_lane_copied_with_its_file_key_is_told_the_attribute() -> None:
    # model_copy takes `from_`: `from`, the file's key, was kept unused too
    sc = tiny()
    sc.lanes["mine_border"] = sc.lanes["mine_border"].model_copy(update={"from": "market_x"})
    with pytest.raises(ScenarioError, match=r"lanes\.mine_border\.from: unknown field 'from'"
                                            r"\n\s+hint: did you mean 'from_'\?"):
        revalidated(sc)


def test_a_stray_key_is_reported_with_the_scenarios_other_problems() -> None:
    sc = tiny().model_copy(update={"horizon_dayz": 60, "horizon_days": -5})
    with pytest.raises(ScenarioError) as err:
        revalidated(sc)
    assert [i.path for i in err.value.issues] == [("horizon_dayz",), ("horizon_days",)]


def test_a_copy_of_known_fields_still_runs() -> None:
    assert sim.run(tiny().model_copy(update={"horizon_days": 20})).scenario.horizon_days == 20


# --- 2. an unknown attribute set ----------------------------------------------------------

def test_setting_a_misspelt_field_names_the_field_and_the_override() -> None:
    # pydantic's "1 validation error for Scenario ... Instance is frozen"
    sc = tiny()
    with pytest.raises(AttributeError) as err:
        sc.horizon_dayz = 5  # type: ignore[attr-defined]
    text = str(err.value)
    assert text.startswith("a Scenario is not changed in place (sc.horizon_dayz = 5), and "
                           "has no field 'horizon_dayz': did you mean 'horizon_days'?")
    assert "sim.run(sc, overrides=['horizon_days=5'])" in text
    with pytest.raises(AttributeError, match=r"has no field 'zzz' \(sc\.model_dump\(\) shows "
                                             r"every field\)"):
        sc.zzz = 1  # type: ignore[attr-defined]


def test_setting_a_misspelt_field_of_a_site_names_the_field() -> None:
    site = tiny().sites["border"]
    with pytest.raises(AttributeError) as err:
        site.clearance_truck_per_day = 5  # type: ignore[union-attr]
    text = str(err.value)
    assert text.startswith("a scenario is not changed in place (.clearance_truck_per_day = "
                           "...), and a BorderPost has no field 'clearance_truck_per_day': "
                           "did you mean 'clearance_trucks_per_day'?")
    assert "overrides=[" in text
    lane = tiny().lanes["mine_border"]
    with pytest.raises(AttributeError, match=r"did you mean 'from_'\? .* ending in from,"):
        lane.fromm = "x"  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match=r"no field 'qqq' \(its fields: name, "):
        site.qqq = 1  # type: ignore[union-attr]


def test_private_attributes_are_still_set() -> None:
    sc = tiny()
    sc._meta = sc._meta
    site = sc.sites["border"]
    site.__pydantic_fields_set__ = set(site.__pydantic_fields_set__)


# --- 3. sim.run documents progress and sink ---------------------------------------------

def test_run_documents_progress_and_sink() -> None:
    doc = sim.run.__doc__ or ""
    assert "``sink`` and ``progress`` are called" in doc
    assert "progress=tqdm(total=replications).update" in doc
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "progress=tqdm(total=20).update" in readme


def test_progress_and_sink_are_called_as_documented(tmp_path: Path) -> None:
    calls: list[Any] = []
    sim.run(tiny("horizon_days=20"), 2, out=tmp_path / "r", figures=False,
            sink=lambda r: calls.append(("sink", r.replication)),
            progress=lambda n: calls.append(("progress", n)))
    assert sorted(calls) == [("progress", 1), ("progress", 1), ("sink", 0), ("sink", 1)]
    assert calls[0][0] == "sink"  # before its progress


# --- 4. errors reaching Python name its calls --------------------------------------------

def test_queues_without_series_sites_gives_the_python_override() -> None:
    res = sim.run(tiny("horizon_days=20"))
    with pytest.raises(ValueError) as err:
        res.plot.queues()
    assert "e.g. sim.run(sc, overrides=['series_sites=[border]'])" in str(err.value)


def test_run_into_a_comparisons_folder_names_the_call(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    with pytest.warns(UserWarning, match="the same scenario as the reference"):
        sim.compare([TINY, TINY], 1, out=out, figures=False)
    with pytest.raises(FolderError, match=r"not of a run: sim\.run\(out=\.\.\.\) would mix "
                                          r"its files with them"):
        sim.run(TINY, out=out)
    # the command line keeps its own words
    with pytest.raises(FolderError, match=r"not of a run: sim run would mix"):
        claim_folder(out, "run")


def test_python_words_names_the_call_not_a_command_to_type() -> None:
    assert python_words("x: sim sweep would mix its files with them", "sweep") == \
        "x: sim.sweep(out=...) would mix its files with them"
    # a command to type is left as it is
    assert python_words("run: sim run a.yaml --resume") == "run: sim run a.yaml --resume"


def test_loading_a_folder_that_does_not_exist_says_so(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    with pytest.raises(FolderError, match=r"resultz does not exist\n\s+hint: did you mean "
                                          r"'.*results'\?"):
        sim.load_results(tmp_path / "resultz")
    with pytest.raises(FolderError) as err:
        sim.load_results(tmp_path / "no" / "such" / "dir")
    assert str(err.value).endswith("dir does not exist")


# --- 5. equality of scenarios ------------------------------------------------------------

def test_a_run_and_its_folder_read_back_hold_equal_scenarios(tmp_path: Path) -> None:
    res = sim.run(tiny("horizon_days=20"), out=tmp_path / "r", figures=False)
    back = sim.load_results(tmp_path / "r")
    assert res.scenario == back.scenario
    assert res.scenario != back.scenario.model_copy(update={"warmup_days": 1})
    assert res.scenario != tiny()  # 100 days
    assert res.scenario != res.scenario.model_dump()
    # a stray key is not content: revalidation refuses it instead
    assert tiny().model_copy(update={"horizon_dayz": 1}) == tiny()
