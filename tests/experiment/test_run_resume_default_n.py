"""`sim run --resume` without -n finishes the run as it was asked for (its run.json's -n),
not the default 10: a 12-replication run interrupted at 5 became a 10-replication one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def _interrupted(tmp_path: Path, n: int, keep: int) -> Path:
    """A folder as an interrupt leaves it: run.json, the first ``keep`` replications saved
    and no manifest."""
    out = tmp_path / "run"
    args = ["run", str(TINY), "-n", str(n), "--seed", "3", "--out", str(out), "-q",
            "--no-figures", "--workers", "1"]
    assert CliRunner().invoke(main, args).exit_code == 0
    for path in (out / "replications").glob("rep-*.npz"):
        if int(path.stem.removeprefix("rep-")) >= keep:
            path.unlink()
    (out / "manifest.json").unlink()
    for extra in ("kpis.csv", "summary.csv", "series.csv.gz", "timeline.csv"):
        (out / extra).unlink(missing_ok=True)
    shutil.rmtree(out / "figures", ignore_errors=True)
    return out


def test_a_resume_without_n_finishes_the_run_it_was(tmp_path: Path) -> None:
    out = _interrupted(tmp_path, n=12, keep=5)
    result = CliRunner().invoke(main, ["run", str(TINY), "--seed", "3", "--out", str(out),
                                       "--resume", "-q", "--no-figures", "--workers", "1"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["replications"] == 12


def test_a_resume_with_n_still_takes_the_n_given(tmp_path: Path) -> None:
    out = _interrupted(tmp_path, n=6, keep=2)
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "8", "--seed", "3", "--out",
                                       str(out), "--resume", "-q", "--no-figures",
                                       "--workers", "1"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["replications"] == 8


def test_a_target_run_resumed_without_n_or_target_keeps_what_its_batches_ran(
        tmp_path: Path) -> None:
    # a --target-ci run records its first batch as -n; its later batches saved more
    out = _interrupted(tmp_path, n=7, keep=5)
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    info["replications"] = 3
    (out / "run.json").write_text(json.dumps(info), encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(TINY), "--seed", "3", "--out", str(out),
                                       "--resume", "-q", "--no-figures", "--workers", "1"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["replications"] == 5


def test_sim_run_refuses_to_resume_one_scenario_of_a_comparison(tmp_path: Path) -> None:
    cmp = tmp_path / "cmp"
    args = ["compare", str(TINY), str(TINY), "--set", "name=tiny", "-n", "2", "--out",
            str(cmp), "-q", "--no-figures", "--workers", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    arm = next(p for p in cmp.iterdir() if (p / "run.json").is_file())
    result = CliRunner().invoke(main, ["run", str(TINY), "--out", str(arm), "--resume",
                                       "-q", "--no-figures", "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert "of the comparison in" in result.output and "sim compare" in result.output
