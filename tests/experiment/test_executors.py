"""The same seed gives identical results in-process, on a process pool and on Dask, and
executor problems are bad input (exit 2) with a clear message."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from expt_helpers import RANDOM, SET_RANDOM, TINY

import sim
from sim.cli import main
from sim.experiment.errors import DaskMissingError, ExperimentError
from sim.experiment.executors import IN_PROCESS, default_workers, open_backend

N = 4


def same(a: sim.Results, b: sim.Results) -> bool:
    return (a.replications == b.replications and a.kpi_labels == b.kpi_labels
            and np.array_equal(a.kpi_values, b.kpi_values, equal_nan=True)
            and np.array_equal(a.series_values, b.series_values))


@pytest.fixture(scope="module")
def scenario() -> sim.Scenario:
    return sim.load_scenario(TINY, RANDOM)


@pytest.fixture(scope="module")
def reference(scenario: sim.Scenario) -> sim.Results:
    with open_backend(1) as backend:
        assert backend is IN_PROCESS
        return sim.run(scenario, N, seed=11, backend=backend)


def test_process_pool_gives_identical_results(scenario, reference) -> None:
    with open_backend(2, tasks=N) as backend:
        assert backend.kind == "process pool" and backend.workers == 2
        pooled = sim.run(scenario, N, seed=11, backend=backend)
    assert same(pooled, reference)
    assert not same(sim.run(scenario, N, seed=12), reference)  # the seed matters


def test_any_concurrent_futures_executor(scenario, reference) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        assert same(sim.run(scenario, N, seed=11, executor=pool), reference)


def test_default_workers() -> None:
    assert default_workers(1) == 1
    assert 1 <= default_workers(100) <= 100
    with open_backend(None, tasks=1) as backend:
        assert backend is IN_PROCESS  # one task runs in this process


def test_dask_local_cluster_and_scheduler_address(scenario, reference, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="dask[distributed] (the dask extra) is not "
                                              "installed")
    with open_backend(2, dask_local=True) as backend:
        assert backend.kind == "dask" and backend.workers == 2
        assert same(sim.run(scenario, N, seed=11, backend=backend), reference)
        # the command line on the same cluster, by its address, writes the same tables
        # (figures are not what this test is about, and drawing them took most of a run's time)
        out_dask, out_local = tmp_path / "dask", tmp_path / "local"
        result = CliRunner().invoke(main, ["run", str(TINY), "-n", str(N), "--seed", "11",
                                           "--out", str(out_dask), "-q", "--no-figures",
                                           "--scheduler", backend.address, *SET_RANDOM])
        assert result.exit_code == 0, result.output
    assert CliRunner().invoke(main, ["run", str(TINY), "-n", str(N), "--seed", "11", "--out",
                                     str(out_local), "-q", "-w", "1", "--no-figures",
                                     *SET_RANDOM]
                              ).exit_code == 0
    for name in ("kpis.csv", "series.csv.gz"):
        assert (out_dask / name).read_bytes() == (out_local / name).read_bytes()
    manifest = json.loads((out_dask / "manifest.json").read_text())
    assert manifest["executor"] == "dask" and manifest["scheduler"].startswith("tcp://")


@pytest.fixture
def no_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def refuse(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse)


@pytest.mark.parametrize("option", [["--dask-local"], ["--scheduler", "tcp://127.0.0.1:8786"]])
def test_missing_dask_is_bad_input(no_dask, tmp_path: Path, option: list[str]) -> None:
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "2", "--out",
                                       str(tmp_path / "r"), "-q", *option])
    assert result.exit_code == 2, result.output
    assert "pip install 'drc-minerals-sim[dask]'" in result.output
    assert option[0] in result.output
    assert "Traceback" not in result.output
    with pytest.raises(DaskMissingError), open_backend(dask_local=True):
        pass


def test_sim_run_takes_the_dask_options_as_compare_and_sweep_do(no_dask) -> None:
    # sim.run had no scheduler= or dask_local= (sim.compare and sim.sweep had)
    with pytest.raises(DaskMissingError):
        sim.run(TINY, 2, seed=11, dask_local=True)
    with pytest.raises(DaskMissingError):
        sim.run(TINY, 2, seed=11, scheduler="tcp://127.0.0.1:8786")


def test_sim_run_on_a_local_dask_cluster_gives_identical_results(scenario, reference) -> None:
    pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    assert same(sim.run(scenario, N, seed=11, workers=2, dask_local=True), reference)


@pytest.mark.parametrize("command", ["sweep", "compare"])
def test_missing_dask_is_said_before_any_progress_bar(no_dask, tmp_path: Path,
                                                      command: str) -> None:
    # sim sweep --dask-local drew two empty "sweep: 0%" bars before the error
    args = (["sweep", str(TINY), "--param", "horizon_days=30:60:int", "-n", "2"]
            if command == "sweep" else ["compare", str(TINY), str(TINY), "-n", "2"])
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "o"), "--dask-local"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: --dask-local: the Dask executor needs"), (
        result.output)
    assert "0%" not in result.output and not (tmp_path / "o").exists()


def test_both_dask_options_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(TINY), "--out", str(tmp_path / "r"), "-q",
                                       "--dask-local", "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "not both" in result.output
    with pytest.raises(ExperimentError, match="not both"), \
            open_backend(scheduler="tcp://x:1", dask_local=True):
        pass


def test_a_bad_scheduler_address_is_bad_input(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    result = CliRunner().invoke(main, ["run", str(TINY), "--out", str(tmp_path / "r"), "-q",
                                       "--scheduler", "not-an-address:://"])
    assert result.exit_code == 2, result.output
    assert "--scheduler" in result.output and "Traceback" not in result.output
