"""Review 81, F1: a results folder records its scenario's files as absolute paths
(``scenario_chain``), so once the project was moved, copied or cloned elsewhere, a
comparison of that folder with the reference's own base file by its new path said the
folder's scenario extended another base file ("its base.yaml is sc/base.yaml, not the
reference's sc_moved/base.yaml"), and lost the advice to compare it with its parent.
The record now holds each file's sha256, and a folder's file of equal contents is the
reference's; a record without contents (written before them) is matched by name."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from expt_helpers import TINY_30_DAYS, write_file

import sim
from sim.experiment.compare import extends_notes, resolve

# the scenarios' notes (a period shorter than tiny's) are not what is tested
pytestmark = pytest.mark.filterwarnings("ignore")



def _kid_run(tmp_path: Path) -> Path:
    """sc/kid.yaml extending sc/mid.yaml extending sc/base.yaml, run into a folder."""
    sc = tmp_path / "sc"
    write_file(sc / "base.yaml", TINY_30_DAYS)
    write_file(sc / "mid.yaml", "name: mid\nextends: base.yaml\n")
    kid = write_file(sc / "kid.yaml", "name: kid\nextends: mid.yaml\n")
    sim.run(kid, replications=1, workers=1, out=tmp_path / "cmp" / "kid", figures=False)
    return tmp_path / "cmp" / "kid"


def _notes(reference: Path, folder: Path) -> list[str]:
    return extends_notes(resolve([reference, folder])[0])


GOOD = "kid extends mid.yaml, which the reference (tiny) does not: "
ADVICE = "compare it with mid.yaml for kid's own effect"


def test_a_copied_project_s_base_file_is_the_reference_s(tmp_path: Path) -> None:
    folder = _kid_run(tmp_path)
    shutil.copytree(tmp_path / "sc", tmp_path / "sc_moved")
    notes = _notes(tmp_path / "sc_moved" / "base.yaml", folder)
    assert len(notes) == 1
    assert notes[0].startswith(GOOD) and notes[0].endswith(ADVICE)


def test_a_moved_project_s_base_file_is_the_reference_s(tmp_path: Path) -> None:
    folder = _kid_run(tmp_path)
    (tmp_path / "sc").rename(tmp_path / "sc_gone")  # the recorded paths lead nowhere
    notes = _notes(tmp_path / "sc_gone" / "base.yaml", folder)
    assert len(notes) == 1
    assert notes[0].startswith(GOOD) and notes[0].endswith(ADVICE)


def test_the_manifest_records_each_file_s_sha256(tmp_path: Path) -> None:
    folder = _kid_run(tmp_path)
    chain = json.loads((folder / "manifest.json").read_text())["scenario_chain"]
    assert chain["sha256"] == [hashlib.sha256(Path(f).read_bytes()).hexdigest()
                               for f in chain["files"]]
    assert [Path(f).name for f in chain["files"]] == ["kid.yaml", "mid.yaml", "base.yaml"]


def test_a_moved_base_file_of_other_contents_is_still_another_file(tmp_path: Path) -> None:
    folder = _kid_run(tmp_path)
    shutil.copytree(tmp_path / "sc", tmp_path / "sc_moved")
    edited = write_file(tmp_path / "sc_moved" / "base.yaml", TINY_30_DAYS.replace(
        "horizon_days: {value: 30,", "horizon_days: {value: 40,", 1))
    notes = _notes(edited, folder)
    assert len(notes) == 1
    assert notes[0].startswith(
        "kid extends mid.yaml and base.yaml, which the reference (tiny) does not (its "
        f"base.yaml is {Path('sc', 'base.yaml')}, not the reference's "
        f"{Path('sc_moved', 'base.yaml')}): ")


def test_a_record_without_contents_is_matched_by_name(tmp_path: Path) -> None:
    folder = _kid_run(tmp_path)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["scenario_chain"]["sha256"]  # as written before contents were recorded
    manifest_path.write_text(json.dumps(manifest))
    (tmp_path / "sc").rename(tmp_path / "sc_gone")
    notes = _notes(tmp_path / "sc_gone" / "base.yaml", folder)
    assert len(notes) == 1
    assert notes[0].startswith(GOOD) and notes[0].endswith(ADVICE)


def test_two_copies_loaded_here_are_still_two_files(tmp_path: Path) -> None:
    # loaded in this process, both paths lead to the files: a copy is edited apart
    write_file(tmp_path / "a" / "base.yaml", TINY_30_DAYS)
    kid = write_file(tmp_path / "a" / "kid.yaml", "name: kid\nextends: base.yaml\n")
    other = write_file(tmp_path / "b" / "base.yaml", TINY_30_DAYS)
    notes = extends_notes(resolve([other, kid])[0])
    assert len(notes) == 1 and "(its base.yaml is " in notes[0]
