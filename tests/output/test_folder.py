"""Reading a results folder back: a damaged folder (a file missing, cut short, changed, or
not what ``sim run`` writes) is a :class:`FolderError` naming the folder and what is wrong,
never a traceback; and a run stopped on bad input leaves nothing that refuses a rerun."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment.errors import ExperimentError
from sim.experiment.runner import run_many
from sim.output.folder import FolderError, ResultsFolder, load_results

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results folder of tiny.yaml, 3 replications, written as ``sim run`` writes it."""
    sc = sim.load_scenario(TINY)
    out = tmp_path_factory.mktemp("folder") / "run"
    folder = ResultsFolder(out)
    folder.begin(sc, 1, 3)
    results = sim.run(sc, replications=3, seed=1, sink=folder.write_replication)
    folder.finish(results)
    return out


@pytest.fixture
def copy(finished: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(finished, target)
    return target


def damaged(folder: Path, fragment: str) -> None:
    with pytest.raises(FolderError) as info:
        load_results(folder)
    text = str(info.value)
    assert text.startswith(f"{folder} is damaged or not written by sim run: "), text
    assert fragment in text, text
    assert "--resume" in (info.value.hint or "")


def test_an_intact_folder_loads(finished: Path) -> None:
    res = load_results(finished)
    assert res.replications == [0, 1, 2] and res.seed == 1
    assert res.kpi_values.shape == (3, len(res.kpi_labels))


@pytest.mark.parametrize(("text", "fragment"), [
    ('{"format": "drc-minerals-sim results 1", "scen', "manifest.json is not valid JSON"),
    ("", "manifest.json is not valid JSON"),
    ("{}", "manifest.json has no 'scenario', 'seed', 'replication_ids'"),
    ("null", "manifest.json holds a JSON NoneType, not an object"),
    ("\xff\xfe", "manifest.json is not UTF-8 text"),
])
def test_unreadable_manifest(copy: Path, text: str, fragment: str) -> None:
    (copy / "manifest.json").write_bytes(text.encode("latin-1"))
    damaged(copy, fragment)


@pytest.mark.parametrize(("key", "value", "fragment"), [
    ("scenario", {"name": "x"}, "the scenario in manifest.json is not valid"),
    ("seed", "one", "seed 'one', not a non-negative integer"),
    ("replication_ids", [], "not a list of distinct replication numbers"),
    ("replication_ids", [0, 0], "not a list of distinct replication numbers"),
    ("replication_ids", [0, 1, 7], "replications/rep-000007.npz is missing"),
])
def test_manifest_with_wrong_content(copy: Path, key: str, value: object,
                                     fragment: str) -> None:
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest[key] = value
    (copy / "manifest.json").write_text(json.dumps(manifest))
    damaged(copy, fragment)


def test_missing_files(copy: Path) -> None:
    (copy / "replications" / "rep-000001.npz").unlink()
    damaged(copy, "replications/rep-000001.npz is missing")
    (copy / "replications" / "index.json").unlink()
    damaged(copy, "replications/index.json is missing")


def test_replication_cut_short(copy: Path) -> None:
    path = copy / "replications" / "rep-000002.npz"
    path.write_bytes(path.read_bytes()[:100])
    damaged(copy, "replications/rep-000002.npz is 100 bytes, but manifest.json records")


def test_changed_files_are_caught_by_the_manifest_hashes(copy: Path) -> None:
    path = copy / "replications" / "rep-000000.npz"
    data = bytearray(path.read_bytes())
    data[-30] ^= 0xFF  # same size, other bytes
    path.write_bytes(bytes(data))
    damaged(copy, "replications/rep-000000.npz has changed since sim run wrote it")


def test_without_hashes_broken_files_are_still_named(copy: Path) -> None:
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["files"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    (copy / "replications" / "index.json").write_text('{"kpi_labels": 3}')
    damaged(copy, "replications/index.json has no list of kpi_labels")
    (copy / "replications" / "index.json").write_text('{"kpi_labels": [["a", "b"]]}')
    damaged(copy, "replications/index.json has a KPI label that is not (commodity")
    (copy / "replications" / "index.json").write_text(
        '{"kpi_labels": [["copper", "all", "all", "mined_t", "t"]]}')
    damaged(copy, "replications/rep-000000.npz holds")


def test_a_replication_that_is_not_npz(copy: Path) -> None:
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["files"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    (copy / "replications" / "rep-000001.npz").write_bytes(b"not a zip file")
    damaged(copy, "replications/rep-000001.npz cannot be read")


def test_compare_names_the_damaged_folder(copy: Path) -> None:
    (copy / "replications" / "index.json").unlink()
    with pytest.raises(ExperimentError, match=r"index\.json is missing") as info:
        sim.run_comparison([copy, TINY], 1, workers=1)
    assert "--resume" in str(info.value)


# ----------------------------------------------------------------------------- abandon
def test_abandon_removes_a_new_run_that_saved_nothing(tmp_path: Path) -> None:
    out = tmp_path / "new"
    folder = ResultsFolder(out)
    folder.begin(sim.load_scenario(TINY), 0, 2)
    assert (out / "run.json").is_file()
    assert folder.abandon()
    assert not out.exists()
    ResultsFolder(out)  # not refused


def test_abandon_keeps_the_users_folder_and_files(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    folder = ResultsFolder(out)
    folder.begin(sim.load_scenario(TINY), 0, 2)
    assert folder.abandon()
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_abandon_keeps_saved_replications(tmp_path: Path) -> None:
    sc = sim.load_scenario(TINY)
    out = tmp_path / "saved"
    folder = ResultsFolder(out)
    folder.begin(sc, 0, 2)
    [res] = run_many(sc, [0], seed=0)
    folder.write_replication(res)
    assert not folder.abandon()
    assert folder.saved_count() == 1 and (out / "run.json").is_file()
    resumed = ResultsFolder(out, resume=True)
    saved = resumed.begin(sc, 0, 2)
    assert list(saved) == [0]
    assert np.array_equal(saved[0].kpi_values(), res.kpi_values(), equal_nan=True)
    assert not resumed.abandon()  # a resumed folder is never removed
