"""The Python API refuses another command's results folder before running anything (the CLI
does too), and bad sweep arguments name what is wrong with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from expt_helpers import TINY

import sim
from sim.cli import main
from sim.experiment.errors import ExperimentError
from sim.experiment.sweep import Param, make_design
from sim.output.folder import FolderError


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api") / "run"
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "1", "-w", "1", "-q",
                                       "--no-figures", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_a_sweep_into_a_run_folder_is_refused_before_it_runs(run_folder: Path,
                                                              monkeypatch) -> None:
    import sim.experiment.sweep as sweep_module

    def never(*_a, **_k):
        raise AssertionError("the sweep ran before its folder was checked")

    monkeypatch.setattr(sweep_module, "open_backend", never)
    with pytest.raises(FolderError, match=r"force=True"):  # the argument, not --force
        sim.sweep(TINY, {"horizon_days": (20, 30)}, samples=2, out=run_folder)
    assert (run_folder / "manifest.json").exists()


def test_a_comparison_into_a_run_folder_is_refused_before_it_runs(run_folder: Path,
                                                                   monkeypatch) -> None:
    import sim.experiment.compare as compare_module

    def never(*_a, **_k):
        raise AssertionError("the comparison ran before its folder was checked")

    monkeypatch.setattr(compare_module, "run_tasks", never)
    with pytest.raises(FolderError, match=r"force=True"):  # the argument, not --force
        sim.compare([TINY, TINY], replications=1, seed=1, out=run_folder)
    assert (run_folder / "manifest.json").exists()
    assert not (run_folder / "compare.csv").exists()


def test_a_parameter_given_twice_is_named() -> None:
    params = [Param.parse("horizon_days=20:30"), Param.parse("horizon_days=40:50")]
    with pytest.raises(ExperimentError, match="horizon_days is given twice") as err:
        make_design(params, "lhs", 4, 0)
    assert err.value.hint


@pytest.mark.parametrize("text", ["horizon_days=0:10:log", "horizon_days=1.5:10:int"])
def test_a_bad_range_scale_gets_a_hint(text: str) -> None:
    with pytest.raises(ExperimentError) as err:
        Param.parse(text)
    assert err.value.hint


def test_a_grid_of_one_level_gets_a_hint() -> None:
    with pytest.raises(ExperimentError) as err:
        make_design([Param.parse("horizon_days=20:30")], "grid", 1, 0)
    assert "--design lhs" in err.value.hint


def test_a_set_with_an_empty_key_gets_a_hint(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(TINY), "--set", "=5"])
    assert result.exit_code == 2
    assert "hint: write --set KEY.PATH=VALUE" in result.output
