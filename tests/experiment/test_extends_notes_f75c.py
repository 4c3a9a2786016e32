"""Review 75, F1, F2, F4 and the symbolic-link remark: the extends notes of a comparison
(sim compare, and sim report of its folder).

* F1: a results folder of a scenario built from a mapping (manifest ``scenario_files``
  ``["<dict>"]``) made a one-file chain, so a reference read from it got the false note
  "c1 extends p1.yaml and base.yaml, which the reference does not"; also in ``sim report``
  of a comparison whose reference was built so.
* F2: sim report read the recorded (relative) file paths against the working folder, so
  its advice depended on where it was run. The manifest now records the files as
  absolute paths and the scenario's own parents (``scenario_chain``), read at run time;
  an older folder's relative paths are matched by name and never read from here.
* F4: a file of the reference's name in another folder was named by its bare name only,
  reading as a contradiction; it is now shown with the folders that tell them apart.
* A parent that is the reference's own file by another path (a link) is named by path."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from expt_helpers import TINY, TINY_30_DAYS, write_file

import sim
from sim.experiment.compare import Arm, extends_notes, resolve
from sim.output.folder import load_results
from sim.output.report import extends_report_notes
from sim.scenario.loader import set_meta
from sim.scenario.yamlio import read_yaml

# the scenarios' notes (a period shorter than tiny's) are not what is tested
pytestmark = pytest.mark.filterwarnings("ignore")



def _chain_of_three(folder: Path) -> Path:
    """folder/base.yaml (a copy of tiny, 30 days), p1.yaml extending it, c1 extending p1."""
    write_file(folder / "base.yaml", TINY_30_DAYS)
    write_file(folder / "p1.yaml", "name: p1\nextends: base.yaml\n")
    return write_file(folder / "c1.yaml", "name: c1\nextends: p1.yaml\n")


def test_a_folder_of_a_mapping_s_scenario_as_reference_gets_no_note(tmp_path: Path) -> None:
    c1 = _chain_of_three(tmp_path / "a")
    data, _lines = read_yaml(tmp_path / "a" / "base.yaml")
    sim.run(sim.scenario_from_dict(data), replications=1, workers=1,
            out=tmp_path / "f_dict", figures=False)
    arms, _root = resolve([tmp_path / "f_dict", c1])
    assert extends_notes(arms) == []


def test_an_older_folder_recording_a_mapping_s_name_gets_no_note(tmp_path: Path) -> None:
    c1 = _chain_of_three(tmp_path / "a")
    sc = sim.scenario_from_dict(read_yaml(tmp_path / "a" / "base.yaml")[0])
    fixed = SimpleNamespace(info={"manifest": {"scenario_files": ["<dict>"]}})
    arms = [Arm("tiny", "f_dict", sc, 1, fixed=fixed), resolve([TINY, c1])[0][1]]
    assert extends_notes(arms) == []


def test_the_report_of_a_comparison_with_a_mapping_s_reference_has_no_note(
        tmp_path: Path) -> None:
    c1 = _chain_of_three(tmp_path / "a")
    data, _lines = read_yaml(tmp_path / "a" / "base.yaml")
    out = tmp_path / "cmp2"
    sim.compare([sim.scenario_from_dict(data), c1], replications=1, workers=1,
                out=out, figures=False)
    # as sim report of the comparison gives them: from the scenarios' manifests
    assert extends_report_notes([("tiny", load_results(out / "tiny")),
                                 ("c1", load_results(out / "c1"))]) == []


def test_the_report_s_advice_does_not_depend_on_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _chain_of_three(tmp_path / "r")
    monkeypatch.chdir(tmp_path)
    sim.compare(["r/base.yaml", "r/c1.yaml"], replications=1, workers=1, out="cr",
                figures=False)

    def report_notes() -> list[str]:  # as sim report of the comparison gives them
        cr = tmp_path / "cr"
        return extends_report_notes([("tiny", load_results(cr / "tiny")),
                                     ("c1", load_results(cr / "c1"))])

    here = report_notes()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert report_notes() == here
    assert len(here) == 1 and here[0].endswith("compare it with p1.yaml for c1's own effect")
    # the files as typed, and as absolute paths with the scenario's own parent
    manifest = json.loads((tmp_path / "cr" / "c1" / "manifest.json").read_text())
    assert manifest["scenario_files"] == ["r/c1.yaml", "r/p1.yaml", "r/base.yaml"]
    assert manifest["scenario_chain"]["parents"] == [str(tmp_path / "r" / "p1.yaml")]


def test_an_older_folder_s_relative_paths_are_not_read_from_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # another c1.yaml at the recorded relative path, naming two parents, must not be read
    write_file(tmp_path / "r" / "c1.yaml", "name: c1\nextends: [p1.yaml, base.yaml]\n")
    sc = sim.load_scenario(TINY)
    set_meta(sc, None)  # as results read from a folder: no files of their own

    def arm(label: str, files: list[str]) -> Arm:
        fixed = SimpleNamespace(info={"manifest": {"scenario_files": files}})
        return Arm(label, f"runs/{label}", sc, 1, fixed=fixed)

    arms = [arm("tiny", ["q/tiny.yaml"]),
            arm("c1", ["r/c1.yaml", "r/p1.yaml", "r/base.yaml"])]
    monkeypatch.chdir(tmp_path)
    here = extends_notes(arms)
    monkeypatch.chdir(tmp_path / "r")
    assert extends_notes(arms) == here
    assert len(here) == 1 and here[0].startswith("c1 extends p1.yaml and base.yaml, which")
    assert "combines" not in here[0] and "compare it with" not in here[0]


def test_a_file_of_a_reference_s_name_in_another_folder_is_shown_by_its_folder(
        tmp_path: Path) -> None:
    c1 = _chain_of_three(tmp_path / "a")
    other = write_file(tmp_path / "b" / "base.yaml", TINY_30_DAYS)
    notes = extends_notes(resolve([other, c1])[0])
    assert len(notes) == 1
    assert notes[0].startswith(
        "c1 extends p1.yaml and base.yaml, which the reference (tiny) does not (its "
        f"base.yaml is {Path('a', 'base.yaml')}, not the reference's "
        f"{Path('b', 'base.yaml')}): ")
    assert notes[0].endswith("compare it with p1.yaml for c1's own effect")


def test_a_folder_read_back_is_matched_by_path(tmp_path: Path) -> None:
    c1 = _chain_of_three(tmp_path / "a")
    # edited: a folder's file of equal contents is the same file (review 81, F1)
    other = write_file(tmp_path / "b" / "base.yaml", TINY_30_DAYS.replace(
        "horizon_days: {value: 30,", "horizon_days: {value: 40,", 1))
    sim.run(other, replications=1, workers=1, out=tmp_path / "fb", figures=False)
    notes = extends_notes(resolve([tmp_path / "fb", c1])[0])
    own = extends_notes(resolve([tmp_path / "fb",
                                 write_file(tmp_path / "b" / "own.yaml",
                                        "name: own\nextends: base.yaml\n")])[0])
    assert len(notes) == 1 and f"(its base.yaml is {Path('a', 'base.yaml')}" in notes[0]
    assert own == []  # the reference's own file, recorded absolute, is still matched


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_parent_that_is_the_reference_s_file_by_a_link_is_named_by_path(
        tmp_path: Path) -> None:
    c1 = _chain_of_three(tmp_path / "a")
    write_file(tmp_path / "b" / "base.yaml", TINY_30_DAYS)
    link = tmp_path / "b" / "link_p1.yaml"
    try:
        link.symlink_to(tmp_path / "a" / "p1.yaml")
    except OSError:
        pytest.skip("symbolic links not permitted")
    notes = extends_notes(resolve([link, c1])[0])
    assert len(notes) == 1
    assert notes[0].startswith("c1 extends base.yaml, which the reference (p1) does not")
    assert notes[0].endswith(f"compare it with {Path('a', 'p1.yaml')} for c1's own effect")
