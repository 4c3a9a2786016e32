"""Review 230: Windows' ProcessPoolExecutor refuses more than 61 workers ("internal error:
ValueError"): the default is capped there, and a larger --workers / workers= is refused as
bad input."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.experiment import executors
from sim.experiment.errors import ExperimentError
from sim.experiment.executors import WINDOWS_MAX_WORKERS, check_backend, default_workers

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.fixture
def many_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "available_cpus", lambda: 128)


def test_default_is_capped_on_windows(monkeypatch: pytest.MonkeyPatch,
                                      many_cpus: None) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert default_workers(1000) == WINDOWS_MAX_WORKERS == 61
    assert default_workers(10) == 10


def test_default_is_one_per_cpu_elsewhere(monkeypatch: pytest.MonkeyPatch,
                                          many_cpus: None) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert default_workers(1000) == 128
    check_backend(200)  # no limit


def test_more_workers_than_windows_allows_are_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    check_backend(61)
    with pytest.raises(ExperimentError, match="at most 61 worker processes, got 62") as info:
        check_backend(62)
    assert "--workers" in str(info.value)
    with pytest.raises(ExperimentError, match="at most 61"):
        sim.run(sim.load_scenario(TINY), replications=2, seed=1, workers=62)


def test_the_command_line_refuses_them_with_exit_2(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "2", "-w", "62", "--out",
                                       str(tmp_path / "r"), "--no-figures"])
    assert result.exit_code == 2, result.output
    assert "--workers" in result.output and "at most 61" in result.output
    assert "internal error" not in result.output
    assert not (tmp_path / "r").exists()
