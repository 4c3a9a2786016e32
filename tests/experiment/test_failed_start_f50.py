"""A run or comparison that fails before any replication is saved leaves no folder
behind, so the same call runs once the cause is fixed (it was refused: "already holds
results ... pass resume=True or force=True"), and an executor that cannot take the work is
named as what to fix, not a replication."""

from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from expt_helpers import TINY, failing

import sim

SHORT = ["horizon_days=30"]


class Refusing(Executor):
    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        raise RuntimeError("no room")


def closed() -> ThreadPoolExecutor:
    pool = ThreadPoolExecutor(1)
    pool.shutdown()
    return pool


@pytest.mark.parametrize("make", [Refusing, closed], ids=["refusing", "shut down"])
def test_an_executor_that_refuses_the_work_is_named_and_leaves_no_folder(
        tmp_path: Path, make) -> None:
    out = tmp_path / "r"
    with pytest.raises(sim.ExperimentError, match=r"^executor: the executor refused the "
                       r"work: RuntimeError: ") as caught:
        sim.run(TINY, replications=2, seed=1, executor=make(), out=out, figures=False,
                overrides=SHORT)
    assert "replication" not in str(caught.value)  # none had a part in it
    assert not out.exists()
    sim.run(TINY, replications=2, seed=1, out=out, figures=False, overrides=SHORT)
    assert (out / "manifest.json").is_file()  # the same call, with a working executor


def test_a_comparison_on_a_refusing_executor_leaves_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "c"
    with pytest.raises(sim.ExperimentError, match="the executor refused the work"):
        sim.compare([TINY, TINY], replications=2, seed=1, executor=closed(), out=out,
                    figures=False, overrides=SHORT)
    assert not out.exists()


def test_a_pool_broken_before_the_run_is_not_blamed_on_replication_0(tmp_path: Path) -> None:
    pool = ProcessPoolExecutor(1)
    try:
        with pytest.raises(Exception):  # noqa: B017 - the worker's death, whatever its kind
            pool.submit(os._exit, 1).result()
        out = tmp_path / "r"
        with pytest.raises(sim.ExperimentError,
                           match="executor: the executor's pool is already broken"):
            sim.run(TINY, replications=2, seed=1, executor=pool, out=out, figures=False,
                    overrides=SHORT)
        assert not out.exists()
    finally:
        pool.shutdown()


def test_a_run_whose_first_replication_fails_leaves_no_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "r"
    with monkeypatch.context() as patch:
        failing(patch, 0)
        with pytest.raises(sim.ReplicationError, match="replication 0 of scenario 'tiny'"):
            sim.run(TINY, replications=1, seed=1, out=out, figures=False, overrides=SHORT)
    assert not out.exists()
    # fixed, the same call runs (it was refused: the folder "already holds results")
    res = sim.run(TINY, replications=1, seed=1, out=out, figures=False, overrides=SHORT)
    assert res.n == 1 and (out / "manifest.json").is_file()


def test_a_comparison_whose_first_replication_fails_leaves_no_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "c"
    with monkeypatch.context() as patch:
        failing(patch, 0)
        with pytest.raises(sim.ReplicationError):
            sim.compare([TINY, TINY], replications=1, seed=1, out=out, figures=False,
                        overrides=SHORT)
    assert not out.exists()
    table = sim.compare([TINY, TINY], replications=1, seed=1, out=out, figures=False,
                        overrides=SHORT)
    assert len(table) and (out / "compare.csv").is_file()


def test_a_failed_replication_keeps_what_was_saved(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "r"
    with monkeypatch.context() as patch:
        failing(patch, 1)
        with pytest.raises(sim.ReplicationError):
            sim.run(TINY, replications=2, seed=1, out=out, figures=False, overrides=SHORT)
    assert [p.name for p in (out / "replications").glob("rep-*.npz")] == ["rep-000000.npz"]
    assert sim.run(TINY, seed=1, out=out, figures=False, overrides=SHORT, resume=True).n == 2


def test_the_command_line_keeps_the_folder_of_a_failed_first_replication(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # its message gives the command that finishes the run, which needs the folder
    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "r"
    failing(monkeypatch, 0)
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "1", "--out", str(out), "-q",
                                       "-w", "1", "--no-figures", "--set", SHORT[0]])
    assert result.exit_code == 1, result.output
    assert "0 finished replication(s) are saved in" in result.output
    assert result.output.rstrip().endswith("--resume") and (out / "run.json").is_file()
