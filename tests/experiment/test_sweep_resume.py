"""A sweep saves each replication as it finishes: one that fails or is interrupted loses
none of its work, and ``--resume`` finishes it with exactly the tables an uninterrupted
sweep writes. A point that repeats an earlier one is not run again."""

from __future__ import annotations

import gzip
import json
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from expt_helpers import TINY

import sim
from sim.cli import main
from sim.experiment import executors, precision
from sim.experiment.replication import ReplicationResult
from sim.experiment.sweep import run_sweep
from sim.output.folder import FolderError
from sim.output.sweep_store import STORE

PARAM = "horizon_days=30:45:int"


def sweep_args(out: Path, *extra: str, r: int = 2) -> list[str]:
    return ["sweep", str(TINY), "--param", PARAM, "-n", "3", "-r", str(r), "--seed", "5",
            "--out", str(out), "-q", "-w", "1", "--no-figures", *extra]


def fail_at_horizon(monkeypatch: pytest.MonkeyPatch, horizon_days: int,
                    error: type[BaseException] = ZeroDivisionError) -> list[int]:
    """Make every replication of the sample whose horizon is ``horizon_days`` raise
    ``error``; return the list the horizons of the replications run are added to. (The
    executors' replications: the one-day replication that finds a scenario's KPI rows
    before a sweep, ``kpi_labels_of``, is none of the sweep's.)"""
    real = executors.run_replication
    ran: list[int] = []

    def run(sc: sim.Scenario, *args: Any) -> ReplicationResult:
        ran.append(sc.horizon_days)
        if sc.horizon_days == horizon_days:
            raise error("injected")
        return real(sc, *args)

    monkeypatch.setattr(executors, "run_replication", run)
    return ran


def saved_files(out: Path) -> list[str]:
    return sorted(p.name for p in (out / STORE).glob("s*-r*.npz"))


def kpi_table(out: Path) -> pd.DataFrame:
    return pd.read_csv(gzip.open(out / "sweep-kpis.csv.gz"))


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sweep run without interruption, three replications per sample."""
    out = tmp_path_factory.mktemp("whole") / "s"
    result = CliRunner().invoke(main, sweep_args(out, r=3))
    assert result.exit_code == 0, result.output
    return out


def horizons(out: Path) -> list[int]:
    return pd.read_csv(out / "sweep.csv")["horizon_days"].tolist()


def test_a_failed_sweep_keeps_its_replications_and_the_printed_command_finishes_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, whole: Path) -> None:
    out = tmp_path / "s"
    third = horizons(whole)[2]
    fail_at_horizon(monkeypatch, third)
    result = CliRunner().invoke(main, sweep_args(out, r=3))
    assert result.exit_code == 1, result.output
    assert f"  in replication 0 of sample 2 at horizon_days={third} (seed 5)" in result.output
    # samples 0 and 1 ran before sample 2 failed (one worker, in order)
    assert saved_files(out) == [f"s{k:06d}-r{r:04d}.npz" for k in (0, 1) for r in range(3)]
    assert f"6 finished replication(s) are saved in {out / STORE}" in result.output
    assert not (out / "sweep.json").exists() and not (out / "sweep.csv").exists()
    command = result.output.splitlines()[-1].strip()
    assert command.startswith("sim sweep ") and command.endswith(" --workers 1 --resume")

    monkeypatch.undo()  # fixed: the printed command runs only sample 2
    ran = fail_at_horizon(monkeypatch, -1)
    again = CliRunner().invoke(main, shlex.split(command)[1:])
    assert again.exit_code == 0, again.output
    assert ran == [third] * 3
    assert (out / "sweep.csv").read_bytes() == (whole / "sweep.csv").read_bytes()
    pd.testing.assert_frame_equal(kpi_table(out), kpi_table(whole))
    info = json.loads((out / "sweep.json").read_text())
    assert info["resumed_with"] == 6 and info["replications_saved_in"] == f"{STORE}/"


def test_an_interrupted_sweep_says_what_is_saved_and_how_to_finish(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, whole: Path) -> None:
    out = tmp_path / "s"
    fail_at_horizon(monkeypatch, horizons(whole)[1], KeyboardInterrupt)
    result = CliRunner().invoke(main, sweep_args(out, r=3))
    assert result.exit_code == 130, result.output
    assert f"interrupted: 3 finished replication(s) are saved in {out / STORE}" in (
        result.output)
    assert result.output.rstrip().endswith(" --resume")
    # the others name the unfinished sweep and the command that finishes it
    for args in (["report", str(out)], ["compare", str(out), str(TINY)]):
        refused = CliRunner().invoke(main, args)
        assert refused.exit_code == 2, refused.output
        assert "is an unfinished sweep's folder" in refused.output
        assert "finish it with: sim sweep " in refused.output and "--resume" in refused.output
    with pytest.raises(FolderError, match="unfinished sweep's folder"):
        sim.load_results(out)


def test_more_replications_for_a_finished_sweep_run_only_the_new_ones(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, whole: Path) -> None:
    out = tmp_path / "s"
    assert CliRunner().invoke(main, sweep_args(out, r=2)).exit_code == 0
    refused = CliRunner().invoke(main, sweep_args(out, r=3))  # without --resume
    assert refused.exit_code == 2 and "already holds a sweep" in refused.output
    assert "pass --resume -r 2 to add to it" in refused.output
    ran = fail_at_horizon(monkeypatch, -1)
    result = CliRunner().invoke(main, sweep_args(out, "--resume", r=3))
    assert result.exit_code == 0, result.output
    assert len(ran) == 3  # replication 2 of each sample
    pd.testing.assert_frame_equal(kpi_table(out), kpi_table(whole))


@pytest.mark.parametrize(("change", "said"), [
    (["--seed", "6"], "--seed 5 there, 6 here"),
    (["--param", "horizon_days=30:50:int"], "--param horizon_days=30:45:int there"),
    (["--set", "start=2024-02-01"], "a different resolved scenario there"),
])
def test_resuming_another_sweep_is_refused_and_changes_nothing(
        tmp_path: Path, change: list[str], said: str) -> None:
    out = tmp_path / "s"
    assert CliRunner().invoke(main, sweep_args(out, r=1)).exit_code == 0
    before = {p.name: p.read_bytes() for p in [*out.iterdir(), *(out / STORE).iterdir()]
              if p.is_file()}
    args = sweep_args(out, "--resume", r=1)
    if change[0] == "--param":
        args[args.index(PARAM)] = change[1]
    elif change[0] == "--seed":
        args[args.index("--seed") + 1] = change[1]
    else:
        args += change
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "cannot resume the sweep" in result.output and said in result.output
    assert "Traceback" not in result.output
    after = {p.name: p.read_bytes() for p in [*out.iterdir(), *(out / STORE).iterdir()]
             if p.is_file()}
    assert after == before


def test_an_unfinished_sweep_is_not_overwritten_without_resume_or_force(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, whole: Path) -> None:
    out = tmp_path / "s"
    fail_at_horizon(monkeypatch, horizons(whole)[1])
    assert CliRunner().invoke(main, sweep_args(out, r=3)).exit_code == 1
    monkeypatch.undo()
    refused = CliRunner().invoke(main, sweep_args(out, r=3))
    assert refused.exit_code == 2, refused.output
    assert "holds an unfinished sweep (3 replication(s) saved" in refused.output
    assert len(saved_files(out)) == 3
    both = CliRunner().invoke(main, sweep_args(out, "--resume", "--force", r=3))
    assert both.exit_code == 2 and "not both" in both.output
    # --force starts again: another seed's sweep, and nothing of the first left
    forced = sweep_args(out, "--force", r=1)
    forced[forced.index("--seed") + 1] = "6"
    assert CliRunner().invoke(main, forced).exit_code == 0
    assert saved_files(out) == [f"s{k:06d}-r0000.npz" for k in range(3)]
    assert json.loads((out / STORE / "plan.json").read_text())["seed"] == 6


def test_a_finished_sweep_of_an_older_version_cannot_be_resumed(tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert CliRunner().invoke(main, sweep_args(out, r=1)).exit_code == 0
    import shutil

    shutil.rmtree(out / STORE)  # as versions that kept no replications left it
    result = CliRunner().invoke(main, sweep_args(out, "--resume", r=2))
    assert result.exit_code == 2, result.output
    assert "without its saved replications" in result.output and "--force" in result.output


def test_a_damaged_replication_file_is_run_again(tmp_path: Path, whole: Path) -> None:
    out = tmp_path / "s"
    assert CliRunner().invoke(main, sweep_args(out, r=3)).exit_code == 0
    (out / STORE / "s000001-r0002.npz").write_bytes(b"not a zip file")
    result = run_sweep(TINY, [PARAM], "lhs", 3, 3, 5, out=out, resume=True, figures=False)
    assert result.resumed_with == 8
    pd.testing.assert_frame_equal(kpi_table(out), kpi_table(whole))


def test_resume_in_python_needs_a_folder() -> None:
    with pytest.raises(sim.ExperimentError, match="resume needs the folder"):
        run_sweep(TINY, [PARAM], "lhs", 3, 1, 5, resume=True)


def test_a_one_parameter_sobol_design_runs_its_repeated_block_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # with one parameter, AB_1 (A with its column from B) is B: a third of the points
    ran = fail_at_horizon(monkeypatch, -1)
    result = run_sweep(TINY, [PARAM], "sobol", 2, 2, 5)
    assert result.design.size == 6 and result.repeated_points == 2
    assert len(ran) == 4 * 2
    table = result.table
    b = table[table["block"] == "B"].drop(columns=["sample", "block"])
    ab = table[table["block"] == f"AB:{PARAM.split('=')[0]}"].drop(columns=["sample", "block"])
    np.testing.assert_array_equal(b.to_numpy(), ab.to_numpy())
    assert "2 points repeat earlier ones and were not run again" in repr(result)


def test_the_command_lists_every_file_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "s"
    args = sweep_args(out, r=1)
    args.remove("-q")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    listed = result.output.split(f"Written to {out}: ")[1]
    written = [p.name for p in out.iterdir()]
    assert sorted(written) == sorted(["sweep.csv", "sweep-kpis.csv.gz", "correlations.csv",
                                      "sweep.json", STORE])
    for name in written:
        assert name in listed


def test_the_finish_hint_names_the_folder_given_from_anywhere(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, whole: Path) -> None:
    # a hint with --out as typed (relative) started a whole new sweep elsewhere, since a
    # --resume of a folder that does not exist runs everything
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    fail_at_horizon(monkeypatch, horizons(whole)[1])
    args = sweep_args(Path("s"), r=1)
    args[args.index(str(TINY))] = str(TINY)
    assert CliRunner().invoke(main, args).exit_code == 1
    monkeypatch.undo()
    moved = tmp_path / "moved"
    (tmp_path / "here" / "s").rename(moved)
    result = CliRunner().invoke(main, ["report", str(moved)])
    assert result.exit_code == 2, result.output
    command = result.output.split("finish it with: ")[1].strip()
    assert f"--out {moved} " in command
    assert CliRunner().invoke(main, shlex.split(command)[1:]).exit_code == 0
    assert (moved / "sweep.json").is_file()


def test_a_sweep_interrupted_before_anything_finished_leaves_no_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, whole: Path) -> None:
    out = tmp_path / "s"
    fail_at_horizon(monkeypatch, horizons(whole)[0], KeyboardInterrupt)
    result = CliRunner().invoke(main, sweep_args(out, r=1))
    assert result.exit_code == 130
    assert "no sweep was written" in result.output
    assert not out.exists()  # as the message says: other commands may use the folder


def test_saved_replications_without_their_plan_are_not_deleted_by_resume(
        tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert CliRunner().invoke(main, sweep_args(out, r=1)).exit_code == 0
    (out / STORE / "plan.json").unlink()
    files = saved_files(out)
    result = CliRunner().invoke(main, sweep_args(out, "--resume", r=2))
    assert result.exit_code == 2, result.output
    assert "no plan.json" in result.output and "--force" in result.output
    assert saved_files(out) == files


def test_an_interrupted_resume_of_a_finished_sweep_says_its_tables_are_kept(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, whole: Path) -> None:
    out = tmp_path / "s"
    assert CliRunner().invoke(main, sweep_args(out, r=1)).exit_code == 0
    table = (out / "sweep.csv").read_bytes()
    fail_at_horizon(monkeypatch, horizons(whole)[1], KeyboardInterrupt)
    result = CliRunner().invoke(main, sweep_args(out, "--resume", r=2))
    assert result.exit_code == 130, result.output
    # sample 0's second replication ran before sample 1's was interrupted
    assert "interrupted: 1 new replication(s) are saved" in result.output
    assert "the finished sweep's tables (sweep.csv, sweep.json) are as they were" in (
        result.output)
    assert (out / "sweep.csv").read_bytes() == table and (out / "sweep.json").is_file()


def test_a_metric_found_missing_after_the_runs_is_added_by_resume_without_running_again(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # a row the base scenario has but some points may lack (a refiner's refined_t where a
    # point sets its capacity to 0) is found missing only after the runs; the check of the
    # base scenario's rows before them is left out to stand for such a row
    monkeypatch.setattr(precision, "check_rows", lambda *args: None)
    out = tmp_path / "s"
    wrong = sweep_args(out, "--metric", "mean_wait_days:copper:all:border", r=1)
    result = CliRunner().invoke(main, wrong)
    assert result.exit_code == 2, result.output
    assert "run the command again with --resume (the saved replications are read back" in (
        result.output)
    ran = fail_at_horizon(monkeypatch, -1)
    right = sweep_args(out, "--metric", "mean_wait_days:all:all:border", "--resume", r=1)
    assert CliRunner().invoke(main, right).exit_code == 0
    assert ran == []


def test_an_unreadable_saved_file_is_noted(tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert CliRunner().invoke(main, sweep_args(out, r=1)).exit_code == 0
    (out / STORE / "s000001-r0000.npz").write_bytes(b"garbage")
    result = run_sweep(TINY, [PARAM], "lhs", 3, 1, 5, out=out, resume=True, figures=False)
    assert any("1 saved replication file(s) could not be read and were run again: "
               "s000001-r0000.npz" in note for note in result.notes)


def test_a_python_sweep_interrupted_before_anything_finished_leaves_no_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "s"
    fail_at_horizon(monkeypatch, 30, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(TINY, ["horizon_days=30:31:int"], "grid", 2, 1, 5, out=out)
    assert not out.exists()


def test_a_python_resume_without_replications_keeps_the_sweeps_count(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, whole: Path) -> None:
    # replications defaulted to 1 and was refused as fewer than the 3 saved per sample
    out = tmp_path / "s"
    assert CliRunner().invoke(main, sweep_args(out, r=3)).exit_code == 0
    ran = fail_at_horizon(monkeypatch, -1)
    result = run_sweep(TINY, [PARAM], "lhs", 3, seed=5, out=out, resume=True, figures=False)
    assert result.replications == 3 and ran == []
    pd.testing.assert_frame_equal(kpi_table(out), kpi_table(whole))
    fresh = run_sweep(TINY, [PARAM], "lhs", 3, seed=5)  # no folder: one replication each
    assert fresh.replications == 1
