"""Each replication carries the code that ran it, and the driver records and compares it
(review 196, finding 1: a cluster's workers ran other code than the command, and run.json,
manifest.json and comparison.json recorded only the command's commit, without a word).

Every test here fails on the code before the fix: ReplicationResult had no ``code`` or
``build``, the replication files held neither, the records listed the launching process's
label alone and no note was given."""

from __future__ import annotations

import io
import itertools
import json
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
import sim.build as B
import sim.output.folder as F
from sim.experiment.executors import ClusterWarning
from sim.experiment.replication import ReplicationResult, run_replication

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
OTHER = "drc-minerals-sim 0.1.0 at 0123456789ab"
HERE = F.code_label()


def other_on_odd_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 2nd, 4th, ... replication run in this process reports OTHER as its code (an
    in-process run runs them in order: replications 1, 3, ...)."""
    calls = itertools.count()
    lock = threading.Lock()

    def label() -> tuple[str, str]:
        with lock:
            odd = next(calls) % 2 == 1
        return (OTHER if odd else HERE), B.build_kind()

    monkeypatch.setattr("sim.experiment.replication.running_code", label)


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_replication_carries_its_code_and_build_found_once() -> None:
    sc = sim.load_scenario(TINY, ["horizon_days=5"])
    res = run_replication(sc, 1, 0)
    assert (res.code, res.build) == (HERE, B.build_kind())
    # cached: git runs once per process, not once per replication
    assert B.running_code() is B.running_code()
    # the old way of building one still works, its code unknown
    old = ReplicationResult(0, [], np.zeros(0), np.zeros((0, 0)), 0, 0.0)
    assert old.code is None and old.build is None
    # and code_label is still read from sim.output.folder
    assert F.code_label is B.code_label and F.git_commit is B.git_commit


def test_a_run_records_each_workers_code_and_says_which_ran_what(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other_on_odd_calls(monkeypatch)
    out = tmp_path / "mixed"
    with pytest.warns(ClusterWarning) as said:
        sim.run(TINY, 4, seed=1, out=out, figures=False)
    note = str(said[0].message)
    assert "replications 1 and 3 were run by " + OTHER in note
    assert "replications 0 and 2 were run by " + HERE in note
    assert "mixes their results" in note and "restart a Dask cluster's workers" in note
    assert "leave the checkout as it is while a run goes on" in note
    assert read(out / "run.json")["code"] == [HERE, OTHER]
    manifest = read(out / "manifest.json")
    assert manifest["code"] == [HERE, OTHER]
    assert manifest["builds"] == [B.build_kind()]
    assert note in manifest["notes"]
    # each replication's file says which code ran it, read back with it
    folder = F.ResultsFolder(out, resume=True)
    saved = folder.saved_replications()
    folder.release()
    assert [saved[r].code for r in range(4)] == [HERE, OTHER, HERE, OTHER]
    assert {saved[r].build for r in range(4)} == {B.build_kind()}


def test_workers_all_on_other_code_are_what_is_recorded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: (OTHER, "compiled"))
    out = tmp_path / "other"
    with ThreadPoolExecutor(2) as pool, pytest.warns(ClusterWarning) as said:
        sim.run(TINY, 3, seed=1, out=out, figures=False, executor=pool)
    assert str(said[0].message).startswith(f"every replication was run by {OTHER}, not by "
                                           f"{HERE}, which started the run")
    info, manifest = read(out / "run.json"), read(out / "manifest.json")
    assert info["code"] == manifest["code"] == [OTHER]
    assert info["builds"] == manifest["builds"] == ["compiled"]


def test_a_run_on_the_commands_own_code_gives_no_note(tmp_path: Path) -> None:
    out = tmp_path / "same"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClusterWarning)
        sim.run(TINY, 2, seed=1, out=out, figures=False)
    manifest = read(out / "manifest.json")
    assert manifest["code"] == [HERE] and manifest["builds"] == [B.build_kind()]
    assert not any("started the run" in n for n in manifest.get("notes", []))


def test_sim_run_says_it_on_the_terminal(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.cli import main

    other_on_odd_calls(monkeypatch)
    out = tmp_path / "cli"
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "2", "--seed", "1", "-q",
                                       "-w", "1", "--out", str(out), "--no-figures"])
    assert result.exit_code == 0, result.output
    assert (f"note: replication 0 was run by {HERE}, replication 1 was run by {OTHER}, "
            f"not by {HERE}, which started the run") in result.stderr


def test_a_run_kept_in_memory_records_its_code_and_says_which_ran_what(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the note reached a run saved in a folder only, and results in memory named no code
    other_on_odd_calls(monkeypatch)
    with pytest.warns(ClusterWarning) as said:
        res = sim.run(TINY, 3, seed=1)
    (note,) = [str(w.message) for w in said if w.category is ClusterWarning]
    assert note.startswith(f"replications 0 and 2 were run by {HERE}, replication 1 was run "
                           f"by {OTHER}, not by {HERE}, which started the run")
    assert 'the returned Results mixes their results (its info["code"] lists each)' in note
    assert res.info["code"] == [HERE, OTHER]
    # with a precision target too
    with pytest.warns(ClusterWarning):
        res = sim.run(TINY, 2, seed=1, target_ci=0.5, metrics=["delivered_t:copper"])
    assert set(res.info["code"]) == {HERE, OTHER}


def test_a_run_kept_in_memory_on_its_own_code_gives_no_note() -> None:
    seen = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClusterWarning)
        res = sim.run(TINY, 2, seed=1, sink=seen.append)
    assert res.info["code"] == [HERE]
    assert [r.replication for r in seen] == [0, 1]  # the caller's sink still gets each


def test_an_old_replication_file_without_code_still_resumes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "old"
    sim.run(TINY, 2, seed=1, out=out, figures=False)
    # as an older version saved it: no code, no build
    path = out / "replications" / "rep-000000.npz"
    with np.load(path) as data:
        kept = {k: data[k] for k in data.files if k not in ("code", "build")}
    buf = io.BytesIO()
    np.savez_compressed(buf, **kept)
    path.write_bytes(buf.getvalue())
    res = F.read_replication(path, 0, [tuple(r) for r in
                                       read(out / "replications" / "index.json")["kpi_labels"]])
    assert res.code is None and res.build is None
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClusterWarning)
        again = sim.run(TINY, 3, seed=1, out=out, figures=False, resume=True)
    assert again.replications == [0, 1, 2]
    assert read(out / "manifest.json")["code"] == [HERE]


def test_a_comparison_says_its_pairs_may_not_share_one_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other_on_odd_calls(monkeypatch)
    out = tmp_path / "cmp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # that the two scenarios are the same
        comp = sim.run_comparison([TINY, sim.load_scenario(TINY, ["name=b"])],
                                  replications=2, seed=1, out=out, figures=False, workers=1)
    note = next(n for n in comp.notes if "started the run" in n)
    # run in order a0, b0, a1, b1: the odd calls are all of b
    assert note.startswith(f"in scenario 'b', every replication was run by {OTHER}, not by "
                           f"{HERE}, which started the run")
    assert "mixes their results" in note and "may not share one model" in note
    info = read(out / "comparison.json")
    assert note in info["notes"]
    assert [(e["code"], e["builds"]) for e in info["scenarios"]] == [
        ([HERE], [B.build_kind()]), ([OTHER], [B.build_kind()])]
    assert comp.codes == [[HERE], [OTHER]]
    assert read(out / "b" / "manifest.json")["code"] == [OTHER]
    assert any(n.startswith("every replication was run by") and "holds that code's" in n
               for n in read(out / "b" / "manifest.json")["notes"])
    assert not any("started the run" in n
                   for n in read(out / "tiny" / "manifest.json").get("notes", []))


def test_a_sweep_records_and_notes_other_code(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    other_on_odd_calls(monkeypatch)
    out = tmp_path / "sweep"
    params = ["horizon_days=10:20:int"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sim.run_sweep(TINY, params, "lhs", 2, 2, 0, out=out, figures=False)
    note = next(n for n in result.notes if "started the" in n)
    assert f"2 by {OTHER}" in note and f"2 by {HERE}" in note
    plan = read(out / "sweep-replications" / "plan.json")
    info = read(out / "sweep.json")
    assert set(plan["code"]) == set(info["code"]) == {HERE, OTHER}
    assert plan["builds"] == info["builds"] == [B.build_kind()]
    codes = set()
    for path in (out / "sweep-replications").glob("s*.npz"):
        with np.load(path) as data:
            codes.add(str(data["code"]))
    assert codes == {HERE, OTHER}


def test_a_dask_local_worker_sends_its_code(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    sim.run(TINY, 2, seed=1, out=out, figures=False, dask_local=True, workers=1)
    for path in (out / "replications").glob("rep-*.npz"):
        with np.load(path) as data:
            assert str(data["code"]) == HERE
    assert read(out / "manifest.json")["code"] == [HERE]


def test_a_build_that_differs_alone_is_recorded(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # review 209, mutant 54: the same code under another build was not added to the record
    builds = iter(["plain", "compiled"])
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: (HERE, next(builds)))
    out = tmp_path / "builds"
    sim.run(TINY, 2, seed=1, out=out, figures=False)
    assert read(out / "run.json")["builds"] == ["plain", "compiled"]
    assert read(out / "manifest.json")["builds"] == ["plain", "compiled"]
