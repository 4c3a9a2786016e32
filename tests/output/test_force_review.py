"""Findings of the review of the results-folder claim (``claim_folder``): what ``--force``
deletes, and when.

--force deleted another command's results before the input was checked (a mistyped --param,
--metric, --set or scenario path emptied the folder and then exited 2), and over a
comparison's folder it deleted every run folder in it, the user's own among them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.experiment.errors import ExperimentError

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
PARAM = "sites.border.clearance_trucks_per_day=40:60:int"


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("force") / "run"
    result = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def run_copy(run_folder: Path, tmp_path: Path) -> Path:
    out = tmp_path / "run"
    shutil.copytree(run_folder, out)
    return out


# ===================================================== finding 1: --force after the checks
BAD_SWEEPS = {
    "metric": ["--param", PARAM, "--metric", "nosuch"],
    "param path": ["--param", "nosuch.path=0:1"],
    "set": ["--param", PARAM, "--set", "nosuch=1"],
    "scenario": ["--param", PARAM],
}


@pytest.mark.parametrize("bad", list(BAD_SWEEPS))
def test_sweep_force_with_bad_input_leaves_the_folder_as_it_was(run_copy: Path,
                                                                bad: str) -> None:
    before = snapshot(run_copy)
    scenario = ROOT / "tests" / "data" / "no-such.yaml" if bad == "scenario" else TINY
    result = invoke("sweep", scenario, *BAD_SWEEPS[bad], "-n", 2, "-w", 1, "-q",
                    "--out", run_copy, "--force")
    assert result.exit_code == 2, result.output
    assert snapshot(run_copy) == before


BAD_COMPARES = {
    "scenario": [TINY, ROOT / "tests" / "data" / "no-such.yaml"],
    "set": [TINY, TINY, "--set", "nosuch=1"],
    "metric": [TINY, TINY, "--target-ci", "0.1", "--metric", "nosuch"],
}


@pytest.mark.parametrize("bad", list(BAD_COMPARES))
def test_compare_force_with_bad_input_leaves_the_folder_as_it_was(run_copy: Path,
                                                                  bad: str) -> None:
    before = snapshot(run_copy)
    result = invoke("compare", *BAD_COMPARES[bad], "-n", 2, "-w", 1, "-q",
                    "--out", run_copy, "--force")
    assert result.exit_code == 2, result.output
    assert snapshot(run_copy) == before


def test_python_sweep_force_with_a_bad_param_leaves_the_folder(run_copy: Path) -> None:
    before = snapshot(run_copy)
    with pytest.raises(ExperimentError):
        sim.run_sweep(TINY, ["nosuch.path=0:1"], "lhs", 2, out=run_copy, force=True,
                      figures=False)
    with pytest.raises(ExperimentError):
        sim.run_sweep(TINY, [PARAM], "lhs", 2, metrics=["nosuch"], out=run_copy,
                      force=True, figures=False)
    assert snapshot(run_copy) == before


def test_sweep_and_compare_force_still_replace_a_run_once_the_input_is_valid(
        run_copy: Path) -> None:
    result = invoke("sweep", TINY, "--param", PARAM, "-n", 2, "-w", 1, "-q", "--no-figures",
                    "--out", run_copy, "--force")
    assert result.exit_code == 0, result.output
    assert (run_copy / "sweep.json").is_file() and not (run_copy / "manifest.json").exists()
    result = invoke("compare", TINY, TINY, "-n", 1, "-w", 1, "-q", "--no-figures",
                    "--out", run_copy, "--force")
    assert result.exit_code == 0, result.output
    assert (run_copy / "comparison.json").is_file() and not (run_copy / "sweep.json").exists()


def test_without_force_the_folder_is_refused_before_the_input_is_read(run_copy: Path) -> None:
    missing = ROOT / "tests" / "data" / "no-such.yaml"
    for args in (["sweep", missing, "--param", PARAM], ["compare", TINY, missing]):
        result = invoke(*args, "-w", 1, "-q", "--out", run_copy)
        assert result.exit_code == 2, result.output
        assert "holds the results of a run" in result.output, result.output
