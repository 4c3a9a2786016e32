"""sim.run(out=...) writes the results folder sim run --out writes (one code path), saving
replications as they finish so an interrupted run resumes; and any
concurrent.futures.Executor runs sim.run, sim.compare and sim.sweep, with the results
they give in process.

Before: sim.run refused out=, force=, resume= and figures= (TypeError), and sim.compare,
sim.run_comparison, sim.sweep and sim.run_sweep refused executor= (TypeError), while
sim.run silently ignored scheduler= beside an executor.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from expt_helpers import RANDOM, SET_RANDOM, TINY, cli, failing, no_options

import sim

SHORT = [*RANDOM, "horizon_days=40"]
"""tiny.yaml made random and short: replications differ and take little time."""

TABLES = ["kpis.csv", "summary.csv", "series.csv.gz", "timeline.csv"]


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _run_folder(out: Path, n: int = 2, **kwargs: object) -> sim.Results:
    return sim.run(TINY, replications=n, seed=3, overrides=SHORT, out=out, figures=False,
                   **kwargs)


def test_run_out_writes_the_folder_sim_run_writes(tmp_path: Path) -> None:
    res = _run_folder(tmp_path / "py")
    result = cli("run", TINY, "-n", 2, "--seed", 3, "--out", tmp_path / "cli", "--no-figures",
                 "-q", "--workers", 1, *SET_RANDOM, "--set", "horizon_days=40")
    assert result.exit_code == 0, result.output
    py, sh = tmp_path / "py", tmp_path / "cli"
    assert _files(py) == _files(sh)
    assert {"run.json", "manifest.json", *TABLES, "replications/index.json",
            "replications/rep-000000.npz", "replications/rep-000001.npz"} <= _files(py)
    for name in ["kpis.csv", "summary.csv", "timeline.csv"]:
        assert (py / name).read_bytes() == (sh / name).read_bytes(), name
    loaded = sim.load_results(py)
    pd.testing.assert_frame_equal(loaded.kpis, res.kpis)
    manifest = json.loads((py / "manifest.json").read_text())
    assert manifest["replications"] == 2 and manifest["seed"] == 3
    assert manifest["executor"] == "in-process"


def test_run_out_draws_figures_unless_told_not_to(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.output.figures as figures

    drawn: list[Path] = []

    def fake(results: sim.Results, folder: Path) -> list[Path]:
        # the real figures take some seconds: that they are asked for is what is tested
        (folder / "figures").mkdir(exist_ok=True)
        path = folder / "figures" / "deliveries.png"
        path.write_bytes(b"png")
        drawn.append(folder)
        return [path]

    monkeypatch.setattr(figures, "write_run_figures", fake)
    sim.run(TINY, replications=1, seed=3, overrides=SHORT, out=tmp_path / "a")
    assert drawn == [tmp_path / "a"]
    assert "figures/deliveries.png" in json.loads(
        (tmp_path / "a" / "manifest.json").read_text())["files"]
    sim.run(TINY, replications=1, seed=3, overrides=SHORT, out=tmp_path / "b", figures=False)
    assert drawn == [tmp_path / "a"] and not (tmp_path / "b" / "figures").exists()


def test_run_out_refuses_results_without_force_or_resume(tmp_path: Path) -> None:
    _run_folder(tmp_path / "r", n=1)
    with pytest.raises(sim.FolderError, match="already holds results") as info:
        _run_folder(tmp_path / "r", n=1)
    assert "force=True" in str(info.value) and "resume=True" in str(info.value)
    no_options(str(info.value))
    with pytest.raises(sim.ExperimentError, match="not both"):
        _run_folder(tmp_path / "r", n=1, force=True, resume=True)
    with pytest.raises(sim.ExperimentError, match="give out="):
        sim.run(TINY, replications=1, overrides=SHORT, resume=True)
    # force replaces the results
    res = _run_folder(tmp_path / "r", n=2, force=True)
    assert sim.load_results(tmp_path / "r").n == res.n == 2


def test_run_out_interrupted_keeps_finished_and_resume_completes(tmp_path: Path) -> None:
    whole = _run_folder(tmp_path / "whole", n=3)
    seen: list[int] = []

    def stop_after_one(res: object) -> None:
        seen.append(res.replication)  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    out = tmp_path / "cut"
    with pytest.raises(KeyboardInterrupt):
        _run_folder(out, n=3, sink=stop_after_one)
    assert seen == [0]
    assert sorted(p.name for p in (out / "replications").glob("rep-*.npz")) == \
        ["rep-000000.npz"]
    assert not (out / "manifest.json").exists()
    counted: list[int] = []
    # replications left out: the resume keeps the 3 the run was asked for
    res = sim.run(TINY, seed=3, overrides=SHORT, out=out, resume=True, figures=False,
                  progress=counted.append)
    assert res.n == 3 and sum(counted) == 3
    assert json.loads((out / "manifest.json").read_text())["resumed_with"] == 1
    assert (out / "kpis.csv").read_bytes() == (tmp_path / "whole" / "kpis.csv").read_bytes()
    pd.testing.assert_frame_equal(res.kpis, whole.kpis)


def test_run_out_failed_replication_keeps_the_others(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "failed"
    with monkeypatch.context() as patch:
        failing(patch, 1)
        with pytest.raises(sim.ReplicationError):
            _run_folder(out, n=3)
    assert (out / "replications" / "rep-000000.npz").is_file()
    assert not (out / "manifest.json").exists()
    res = _run_folder(out, n=3, resume=True)
    assert res.replications == [0, 1, 2]
    assert sim.load_results(out).n == 3


def test_interrupt_before_any_saved_leaves_no_folder(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.world.world import World

    def interrupted(self: World) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(World, "run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _run_folder(tmp_path / "none", n=2)
    assert not (tmp_path / "none").exists()


def test_run_executor_with_out_and_resume(tmp_path: Path) -> None:
    alone = _run_folder(tmp_path / "alone", n=3)
    with ThreadPoolExecutor(2) as pool:
        res = _run_folder(tmp_path / "pool", n=2, executor=pool)
        res = _run_folder(tmp_path / "pool", n=3, executor=pool, resume=True)
    pd.testing.assert_frame_equal(res.kpis, alone.kpis)
    assert (tmp_path / "pool" / "kpis.csv").read_bytes() == \
        (tmp_path / "alone" / "kpis.csv").read_bytes()
    assert json.loads((tmp_path / "pool" / "manifest.json").read_text())["executor"] == \
        "executor"


def test_compare_takes_an_executor(tmp_path: Path, closure_file: Path) -> None:
    items = [TINY, closure_file]
    alone = sim.compare(items, replications=2, seed=5, overrides=SHORT, workers=1)
    with ThreadPoolExecutor(2) as pool:
        table = sim.compare(items, replications=2, seed=5, overrides=SHORT, executor=pool)
        # out= and resume with an executor: an interrupted comparison is finished
        out = tmp_path / "cmp"
        with pytest.raises(KeyboardInterrupt):
            sim.run_comparison(items, 2, 5, overrides=SHORT, executor=pool, out=out,
                               figures=False, progress=_interrupt)
        assert list(out.glob("*/replications/rep-*.npz"))
        resumed = sim.run_comparison(items, 2, 5, overrides=SHORT, executor=pool, out=out,
                                     figures=False, resume=True)
    pd.testing.assert_frame_equal(table, alone)
    pd.testing.assert_frame_equal(resumed.table, alone)
    assert (out / "compare.csv").is_file()


def _interrupt(_n: int) -> None:
    raise KeyboardInterrupt


def test_sweep_takes_an_executor(tmp_path: Path) -> None:
    params = {"horizon_days": (30, 50, "int")}
    alone = sim.sweep(TINY, params, samples=2, replications=2, seed=2, overrides=RANDOM)
    with ThreadPoolExecutor(2) as pool:
        table = sim.sweep(TINY, params, samples=2, replications=2, seed=2, overrides=RANDOM,
                          executor=pool)
        out = tmp_path / "sw"
        first = sim.run_sweep(TINY, ["horizon_days=30:50:int"], samples=2, replications=1,
                              seed=2, overrides=RANDOM, executor=pool, out=out,
                              figures=False)
        assert first.replications == 1
        # resumed with more replications: only those not saved run, on the executor
        more = sim.run_sweep(TINY, ["horizon_days=30:50:int"], samples=2, replications=2,
                             seed=2, overrides=RANDOM, executor=pool, out=out,
                             figures=False, resume=True)
    pd.testing.assert_frame_equal(table, alone)
    assert more.resumed_with == 2
    pd.testing.assert_frame_equal(more.table, alone)


@pytest.mark.parametrize("other", [{"scheduler": "tcp://127.0.0.1:1"}, {"dask_local": True}])
def test_an_executor_beside_another_place_is_refused(tmp_path: Path,
                                                     other: dict[str, object]) -> None:
    with ThreadPoolExecutor(1) as pool:
        calls = [
            lambda: sim.run(TINY, overrides=SHORT, executor=pool, **other),
            lambda: sim.compare([TINY, TINY], replications=1, overrides=SHORT,
                                executor=pool, **other),
            lambda: sim.sweep(TINY, {"horizon_days": (30, 50, "int")}, samples=2,
                              executor=pool, **other),
            lambda: sim.run(TINY, overrides=SHORT, executor=pool, out=tmp_path / "x", **other),
        ]
        for call in calls:
            with pytest.raises(sim.ExperimentError, match="not both") as info:
                call()
            assert info.value.what == "executor"
    assert not (tmp_path / "x").exists()


def test_an_executor_must_be_one() -> None:
    with pytest.raises(TypeError, match="concurrent.futures.Executor"):
        sim.run(TINY, overrides=SHORT, executor=4)  # type: ignore[arg-type]


def test_run_docstring_gives_the_default_count() -> None:
    doc = " ".join((sim.run.__doc__ or "").split())
    assert "``replications`` defaults to 1" in doc
    assert "-n`` defaults to 10" in doc


def test_the_cli_runs_through_the_shared_folder_run(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.experiment.runner import FolderRun

    made: list[Path] = []
    real = FolderRun.__init__

    def spy(self: object, out: Path, **kwargs: bool) -> None:
        made.append(Path(out))
        real(self, out, **kwargs)

    monkeypatch.setattr(FolderRun, "__init__", spy)
    result = cli("run", TINY, "-n", 1, "--out", tmp_path / "c", "--no-figures", "-q",
                 "--workers", 1, "--set", "horizon_days=40")
    assert result.exit_code == 0, result.output
    assert made == [tmp_path / "c"]
