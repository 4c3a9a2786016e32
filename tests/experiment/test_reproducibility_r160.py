"""Review 160 (reproducibility): a copy listing its lanes in another order is not the
same run (its random numbers and table rows follow the order): a comparison does not call
it "the same scenario", and a resume with it is refused up front; and a resume by another
version of the simulator is recorded and said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import sim
from sim.output import folder as F
from sim.output import provenance as P
from sim.output.folder import FolderError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def copy(tmp_path: Path, name: str, reverse_lanes: bool) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = name
    if reverse_lanes:
        data["lanes"] = dict(reversed(list(data["lanes"].items())))
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


SAME = "is the same scenario as the reference"


def test_a_reordered_copy_is_not_called_the_same_scenario(tmp_path: Path) -> None:
    reordered = sim.run_comparison([TINY, copy(tmp_path, "reordered", True)], 1, 1)
    assert not any(SAME in n for n in reordered.notes)
    renamed = sim.run_comparison([TINY, copy(tmp_path, "renamed", False)], 1, 1)
    assert any(SAME in n for n in renamed.notes)


def test_a_resume_with_a_reordered_copy_is_refused_before_it_runs(tmp_path: Path) -> None:
    out = tmp_path / "run"
    sim.run(TINY, replications=2, seed=3, out=out, figures=False)
    before = (out / "run.json").read_text(encoding="utf-8")
    with pytest.raises(FolderError, match="listed in another order"):
        sim.run(copy(tmp_path, "tiny", True), replications=3, seed=3, out=out, resume=True,
                figures=False)
    assert (out / "run.json").read_text(encoding="utf-8") == before
    # the same file in the same order resumes
    sim.run(copy(tmp_path, "tiny", False), replications=3, seed=3, out=out, resume=True,
            figures=False)


def test_a_resume_by_other_code_is_said_and_recorded(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "run"
    sim.run(TINY, replications=2, seed=3, out=out, figures=False)
    first = json.loads((out / "run.json").read_text(encoding="utf-8"))["code"]
    assert first == [F.code_label()] and first[0].startswith("drc-minerals-sim ")
    for module in (F, P):  # read by the writer (F), run.json and the code note (P)
        monkeypatch.setattr(module, "code_label", lambda: "drc-minerals-sim 9.9.9 at 0123456789ab")
    # the replications run here carry their code too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: ("drc-minerals-sim 9.9.9 at 0123456789ab", F.build_kind()))
    with pytest.warns(UserWarning, match="before this resume were run by drc-minerals-sim .*, "
                                         "the others by drc-minerals-sim 9.9.9 at 0123456789ab"):
        sim.run(TINY, replications=3, seed=3, out=out, resume=True, figures=False)
    both = [*first, "drc-minerals-sim 9.9.9 at 0123456789ab"]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["code"] == both
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["code"] == both
    # and the note, for sim report and a reader of the folder (review 167)
    assert [n for n in manifest["notes"] if "were run by" in n and "force=True" in n]


def test_the_same_code_resumes_without_a_word(tmp_path: Path) -> None:
    import warnings

    out = tmp_path / "run"
    sim.run(TINY, replications=2, seed=3, out=out, figures=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim.run(TINY, replications=3, seed=3, out=out, resume=True, figures=False)


def test_sim_run_says_it_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "run"
    args = ["run", str(TINY), "-n", "2", "--seed", "3", "--out", str(out), "--no-figures",
            "-q", "-w", "1"]
    assert CliRunner().invoke(main, args).exit_code == 0
    for module in (F, P):  # read by the writer (F), run.json and the code note (P)
        monkeypatch.setattr(module, "code_label", lambda: "drc-minerals-sim 9.9.9 at 0123456789ab")
    # the replications run here carry their code too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: ("drc-minerals-sim 9.9.9 at 0123456789ab", F.build_kind()))
    result = CliRunner().invoke(main, [*args[:3], "3", *args[4:], "--resume"])
    assert result.exit_code == 0, result.output
    assert "note: the replications saved in" in result.stderr
    assert "--force runs them all again with one" in result.stderr


def test_a_comparison_resumed_by_other_code_notes_it(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # review 164: only sim run said so
    out = tmp_path / "cmp"
    other = copy(tmp_path, "other", False)
    sim.run_comparison([TINY, other], 2, 3, out=out, figures=False)
    for module in (F, P):  # read by the writer (F), run.json and the code note (P)
        monkeypatch.setattr(module, "code_label", lambda: "drc-minerals-sim 9.9.9 at 0123456789ab")
    # the replications run here carry their code too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: ("drc-minerals-sim 9.9.9 at 0123456789ab", F.build_kind()))
    comp = sim.run_comparison([TINY, other], 3, 3, out=out, resume=True, figures=False)
    said = [n for n in comp.notes if "were run by" in n]
    # one note for both, as the same code saved both (review 165)
    assert len(said) == 1 and f"saved in {out}/{{tiny,other}} before this resume" in said[0]
    assert "(their run.json's code lists each)" in said[0]
    assert all(n.endswith("force=True runs them all again with one") for n in said)


def test_a_sweep_resumed_with_a_reordered_copy_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    params = ["horizon_days=30:40:int"]
    sim.run_sweep(TINY, params, "lhs", 2, 1, 0, out=out, figures=False)
    (saved,) = sorted((out / "sweep-replications").glob("s000001-*.npz"))
    saved.unlink()
    with pytest.raises(FolderError, match="listed in another order"):
        sim.run_sweep(copy(tmp_path, "tiny", True), params, "lhs", 2, 1, 0, out=out,
                      resume=True, figures=False)
    sim.run_sweep(copy(tmp_path, "tiny", False), params, "lhs", 2, 1, 0, out=out,
                  resume=True, figures=False)


def test_a_sweep_resumed_by_other_code_notes_it(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sweep"
    params = ["horizon_days=30:40:int"]
    sim.run_sweep(TINY, params, "lhs", 2, 1, 0, out=out, figures=False)
    first = json.loads((out / "sweep-replications" / "plan.json").read_text())["code"]
    assert first == [F.code_label()]
    for module in (F, P):  # read by the writer (F), run.json and the code note (P)
        monkeypatch.setattr(module, "code_label", lambda: "drc-minerals-sim 9.9.9 at 0123456789ab")
    # the replications run here carry their code too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: ("drc-minerals-sim 9.9.9 at 0123456789ab", F.build_kind()))
    import sim.output.sweep_store as S

    monkeypatch.setattr(S, "code_label", F.code_label)
    result = sim.run_sweep(TINY, params, "lhs", 2, 2, 0, out=out, resume=True, figures=False)
    said = [n for n in result.notes if "were run by" in n]
    assert len(said) == 1 and said[0].endswith("force=True runs them all again with one")
    plan = json.loads((out / "sweep-replications" / "plan.json").read_text())
    assert plan["code"] == [*first, "drc-minerals-sim 9.9.9 at 0123456789ab"]


def test_sweep_json_names_the_code(tmp_path: Path) -> None:
    # review 167: the commit behind a sweep was only in sweep-replications/plan.json
    out = tmp_path / "sweep"
    sim.run_sweep(TINY, ["horizon_days=30:40:int"], "lhs", 2, 1, 0, out=out, figures=False)
    info = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    plan = json.loads((out / "sweep-replications" / "plan.json").read_text(encoding="utf-8"))
    assert info["code"] == plan["code"] == [F.code_label()]
    assert info["git_commit"] == F.git_commit()


def test_a_sweep_with_nothing_saved_gets_no_code_note(tmp_path: Path) -> None:
    # review 165: "the replications saved in ... were run by" of none
    out = tmp_path / "sweep"
    params = ["horizon_days=30:40:int"]
    sim.run_sweep(TINY, params, "lhs", 2, 1, 0, out=out, figures=False)
    store = out / "sweep-replications"
    plan = json.loads((store / "plan.json").read_text())
    plan["code"] = ["drc-minerals-sim 9.9.9 at 0123456789ab"]
    (store / "plan.json").write_text(json.dumps(plan))
    for saved in store.glob("*.npz"):
        saved.unlink()
    result = sim.run_sweep(TINY, params, "lhs", 2, 1, 0, out=out, resume=True, figures=False)
    assert not [n for n in result.notes if "were run by" in n]



def _with(tmp_path: Path, name: str, reverse: str) -> Path:
    """tiny.yaml with its ``reverse`` mapping (regions, sites) listed in reverse order."""
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data[reverse] = dict(reversed(list(data[reverse].items())))
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_regions_in_another_order_resume_and_sites_are_refused_for_their_rows(
        tmp_path: Path) -> None:
    # review 213: a copy listing its regions in another order gives byte-identical results,
    # yet its resume was refused as drawing "other random numbers"
    out = tmp_path / "run"
    sim.run(TINY, replications=2, seed=3, out=out, figures=False)
    sim.run(_with(tmp_path, "tiny", "regions"), replications=3, seed=3, out=out, resume=True,
            figures=False)
    with pytest.raises(FolderError, match="its sites, regimes or incidents, which orders the "
                                          "tables' rows otherwise"):
        sim.run(_with(tmp_path, "tiny", "sites"), replications=4, seed=3, out=out,
                resume=True, figures=False)


def test_a_folder_of_an_earlier_version_resumes_with_regions_as_listed(tmp_path: Path) -> None:
    # run.json written before review 213 holds the fingerprint of the regions as listed
    out = tmp_path / "run"
    sim.run(TINY, replications=2, seed=3, out=out, figures=False)
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    sc = sim.load_scenario(TINY)
    assert F.scenario_order_sha256(sc) != F.listed_order_sha256(sc)  # home, away: unsorted
    info["order_sha256"] = F.listed_order_sha256(sc)
    (out / "run.json").write_text(json.dumps(info), encoding="utf-8")
    sim.run(TINY, replications=3, seed=3, out=out, resume=True, figures=False)
    # and a sweep's plan likewise
    sweep_out = tmp_path / "sweep"
    grid = ["sites.border.clearance_trucks_per_day=90:110"]
    sim.run_sweep(TINY, grid, "grid", 2, replications=1, seed=1, out=sweep_out, workers=1)
    plan_path = next(p for p in sweep_out.rglob("*.json") if "order_sha256" in p.read_text())
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    plan["order_sha256"] = F.listed_order_sha256(sc)
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    sim.run_sweep(TINY, grid, "grid", 2, replications=2, seed=1, out=sweep_out, workers=1,
                  resume=True)
    plan["order_sha256"] = "0" * 64
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    with pytest.raises(FolderError, match="listed in another order"):
        sim.run_sweep(TINY, grid, "grid", 2, replications=3, seed=1, out=sweep_out,
                      workers=1, resume=True)
