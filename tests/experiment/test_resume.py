"""Nothing lost: a run killed midway (SIGKILL) or interrupted (Ctrl-C) resumes with
--resume and ends with exactly the replications of one uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from expt_helpers import BASELINE, ROOT, SET_RANDOM, TINY

import sim
from sim.cli import main

N = 12
# figures are not what these tests are about, and drawing them took most of a run's time
ARGS = [str(BASELINE), "-n", str(N), "--seed", "5", "--set", "horizon_days=30", "--set",
        "warmup_days=30", "--no-figures"]


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _default_sigint() -> None:
    # A process started in the background by a non-interactive shell ignores SIGINT, and
    # so would the run started here (an ignored signal is inherited, and Python then
    # leaves it ignored): give the run the default, as in a terminal.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", "run", *ARGS, "--out", str(out),
                             "--workers", "1", "-q"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint if os.name == "posix" else None)


def wait_for_reps(proc: subprocess.Popen, out: Path, count: int, limit_s: float = 120) -> int:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        n = len(list((out / "replications").glob("rep-*.npz"))) if out.exists() else 0
        if n >= count:
            return n
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("no replications were written in time")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One uninterrupted run (two worker processes: the executor does not matter)."""
    out = tmp_path_factory.mktemp("clean") / "run"
    result = invoke("run", *ARGS, "--out", out, "-q", "--workers", 2)
    assert result.exit_code == 0, result.output
    return out


def assert_same_run(resumed: Path, clean: Path) -> None:
    manifest = json.loads((resumed / "manifest.json").read_text())
    assert manifest["replication_ids"] == list(range(N))
    files = sorted(p.name for p in (resumed / "replications").iterdir())
    assert files == ["index.json", *[f"rep-{r:06d}.npz" for r in range(N)]]  # none extra
    a, b = sim.load_results(resumed), sim.load_results(clean)
    assert a.replications == b.replications == list(range(N))
    assert a.kpi_labels == b.kpi_labels
    assert np.array_equal(a.kpi_values, b.kpi_values, equal_nan=True)
    assert np.array_equal(a.series_values, b.series_values)
    for name in ("kpis.csv", "summary.csv", "series.csv.gz", "timeline.csv"):
        assert (resumed / name).read_bytes() == (clean / name).read_bytes(), name


def test_killed_run_resumes_to_exactly_the_uninterrupted_run(tmp_path: Path,
                                                            clean: Path) -> None:
    out = tmp_path / "run"
    proc = start(out)
    wait_for_reps(proc, out, 3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    saved = sorted(p.name for p in (out / "replications").glob("rep-*.npz"))
    assert 3 <= len(saved) < N, "the run finished before it could be killed"
    assert not (out / "manifest.json").exists()
    assert (out / "run.json").exists()
    # without --resume the folder is refused, with a hint
    refused = invoke("run", *ARGS, "--out", out, "-q")
    assert refused.exit_code == 2 and "--resume" in refused.output
    resumed = invoke("run", *ARGS, "--out", out, "--resume", "--workers", 2)
    assert resumed.exit_code == 0, resumed.output
    assert f"{len(saved)} replication(s) already saved" in resumed.output
    assert_same_run(out, clean)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumed_with"] == len(saved)


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_ctrl_c_exits_130_and_leaves_a_resumable_folder(tmp_path: Path, clean: Path) -> None:
    out = tmp_path / "run"
    proc = start(out)
    wait_for_reps(proc, out, 2)
    proc.send_signal(signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted" in stderr and "--resume" in stderr
    assert "sim run" in stderr and f"--out {out}" in stderr
    assert not (out / "manifest.json").exists()
    assert invoke("run", *ARGS, "--out", out, "--resume", "-q").exit_code == 0
    assert_same_run(out, clean)


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_two_quick_ctrl_c_stop_a_process_pool_run_without_hanging(tmp_path: Path) -> None:
    # Ctrl-C reaches the whole process group, workers included, and a second one (or
    # `timeout -s INT`, which signals the group too) came while the interpreter waited
    # for the workers to finish: it hung for good.
    out = tmp_path / "run"
    # Four replications of 1000 days (about a second each): when the first is saved both
    # workers are mid-replication, which is all the hang needs; six of 2000 days made the
    # resume below most of this test's time.
    args = [str(BASELINE), "-n", "4", "--seed", "5", "--set", "horizon_days=1000",
            "--set", "warmup_days=30", "--no-figures"]
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", *args, "--out", str(out),
                             "--workers", "2", "-q"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_default_sigint)
    wait_for_reps(proc, out, 1)
    for _ in range(2):
        os.killpg(proc.pid, signal.SIGINT)
        time.sleep(0.1)
    try:
        _stdout, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("the run hung after two Ctrl-C") from None
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "--resume" in stderr
    assert invoke("run", *args, "--out", out, "--resume", "-q").exit_code == 0
    assert sim.load_results(out).replications == list(range(4))


@pytest.mark.skipif(os.name != "posix", reason="sends SIGTERM")
def test_sigterm_stops_a_process_pool_run_like_ctrl_c_and_leaves_no_worker(
        tmp_path: Path) -> None:
    # `kill` (or a batch system's time limit) ended the driver at once: its workers ran
    # on, orphaned, and the finished replications went unreported
    out = tmp_path / "run"
    args = [str(BASELINE), "-n", "6", "--seed", "5", "--set", "horizon_days=2000",
            "--set", "warmup_days=30", "--no-figures"]
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", *args, "--out", str(out),
                             "--workers", "2", "-q"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    wait_for_reps(proc, out, 1)
    proc.send_signal(signal.SIGTERM)  # the driver only
    try:
        _stdout, stderr = proc.communicate(timeout=60)
    finally:
        time.sleep(0.5)
        left = subprocess.run(["ps", "-o", "pid=", "-g", str(proc.pid)], capture_output=True,
                              text=True).stdout.split()
        if left:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "--resume" in stderr and "Traceback" not in stderr
    assert left == [], "worker processes outlived the run"


def test_resume_refuses_another_seed_or_scenario(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke("run", TINY, "-n", 2, "--seed", 1, "--out", out, "-q", "-w", 1,
                  "--no-figures", *SET_RANDOM).exit_code == 0
    before = (out / "manifest.json").read_bytes()
    other_seed = CliRunner().invoke(main, ["run", str(TINY), "-n", "2", "--seed", "2", "--out",
                                           str(out), "--resume", "-q", *SET_RANDOM])
    assert other_seed.exit_code == 2
    assert "seed 1 there, 2 here" in other_seed.output
    assert "Traceback" not in other_seed.output
    other_set = CliRunner().invoke(main, ["run", str(TINY), "-n", "2", "--seed", "1", "--out",
                                          str(out), "--resume", "-q"])
    assert other_set.exit_code == 2
    assert "a different resolved scenario" in other_set.output
    assert (out / "manifest.json").read_bytes() == before  # untouched
    run_json = (out / "run.json").read_bytes()
    fewer = CliRunner().invoke(main, ["run", str(TINY), "-n", "1", "--seed", "1", "--out",
                                      str(out), "--resume", "-q", *SET_RANDOM])
    assert fewer.exit_code == 2 and "-n 2 or more" in fewer.output
    # refused after the folder's checks passed: the finished run must stay finished (its
    # manifest was removed and run.json rewritten before the count was checked)
    assert (out / "manifest.json").read_bytes() == before
    assert (out / "run.json").read_bytes() == run_json
    assert sim.load_results(out).replications == [0, 1]


def test_a_resumed_run_drops_its_out_of_date_report(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke("run", TINY, "-n", 2, "--seed", 1, "--out", out, "-q", "-w", 1,
                  "--no-figures", *SET_RANDOM).exit_code == 0
    assert invoke("report", out).exit_code == 0 and (out / "report.html").is_file()
    # no figures: the resume drops the report when it reopens the folder, before any are
    # drawn (drawing them was most of this test's time)
    assert invoke("run", TINY, "-n", 3, "--seed", 1, "--out", out, "-q", "-w", 1, "--resume",
                  "--no-figures", *SET_RANDOM).exit_code == 0
    assert not (out / "report.html").exists()
    assert "report.html" not in json.loads((out / "manifest.json").read_text())["files"]


def test_resume_adds_replications_to_a_finished_run(tmp_path: Path) -> None:
    out, whole = tmp_path / "grown", tmp_path / "whole"
    assert invoke("run", TINY, "-n", 2, "--seed", 3, "--out", out, "-q", "-w", 1,
                  "--no-figures", *SET_RANDOM).exit_code == 0
    # kpis.csv is compared, not figures (drawing them twice was most of this test's time)
    assert invoke("run", TINY, "-n", 4, "--seed", 3, "--out", out, "-q", "--resume",
                  "--no-figures", *SET_RANDOM).exit_code == 0
    assert invoke("run", TINY, "-n", 4, "--seed", 3, "--out", whole, "-q", "--no-figures",
                  *SET_RANDOM).exit_code == 0
    assert (out / "kpis.csv").read_bytes() == (whole / "kpis.csv").read_bytes()


def test_resume_refuses_a_folder_without_run_json(tmp_path: Path) -> None:
    (tmp_path / "old" / "replications").mkdir(parents=True)
    (tmp_path / "old" / "replications" / "rep-000000.npz").write_bytes(b"x")
    result = CliRunner().invoke(main, ["run", str(TINY), "--out", str(tmp_path / "old"),
                                       "--resume", "-q"])
    assert result.exit_code == 2 and "no run.json" in result.output


def test_resume_and_force_together_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(TINY), "--out", str(tmp_path / "x"),
                                       "--resume", "--force", "-q"])
    assert result.exit_code == 2 and "not both" in result.output


def test_unreadable_replication_files_are_run_again(tmp_path: Path) -> None:
    out, whole = tmp_path / "r", tmp_path / "whole"
    assert invoke("run", TINY, "-n", 3, "--seed", 8, "--out", whole, "-q", "-w", 1,
                  "--no-figures", *SET_RANDOM).exit_code == 0
    assert invoke("run", TINY, "-n", 3, "--seed", 8, "--out", out, "-q", "-w", 1,
                  "--no-figures", *SET_RANDOM).exit_code == 0
    (out / "manifest.json").unlink()
    (out / "replications" / "rep-000001.npz").write_bytes(b"truncated")
    (out / "replications" / ".rep-000002.npz.abc.tmp").write_bytes(b"half")
    result = invoke("run", TINY, "-n", 3, "--seed", 8, "--out", out, "--resume", "--no-figures",
                    *SET_RANDOM)
    assert result.exit_code == 0, result.output
    assert "1 unreadable, run again" in result.output
    assert not list((out / "replications").glob("*.tmp"))
    assert (out / "kpis.csv").read_bytes() == (whole / "kpis.csv").read_bytes()


def test_replications_saved_by_another_version_are_refused_clearly(tiny_path: Path) -> None:
    """A folder resumed after an upgrade that added a KPI: its saved replications have
    other labels than fresh ones, which must be an input error with a way out, not an
    internal error."""
    import dataclasses

    from sim.experiment import run_replication
    from sim.experiment.collector import Collector
    from sim.experiment.errors import ExperimentError

    sc = sim.load_scenario(tiny_path)
    fresh = run_replication(sc, 1, 1)
    labels = [lab for lab in fresh.kpi_labels if lab[3] != "disrupted_days"]
    keep = [i for i, lab in enumerate(fresh.kpi_labels) if lab[3] != "disrupted_days"]
    old = dataclasses.replace(run_replication(sc, 1, 0), kpi_labels=labels,
                              kpi_array=run_replication(sc, 1, 0).kpi_array[keep])
    collector = Collector(sc, 1, 2)
    collector.add(old)
    with pytest.raises(ExperimentError, match=r"other KPIs than the replications collected "
                                              r"before it \(disrupted_days\)") as exc:
        collector.add(fresh)
    assert "--force" in exc.value.hint
