"""A `sim run` interrupted before any replication finished leaves no folder behind: a
run.json alone made the same command refuse the folder ("holds results") until --resume
or --force was given."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sim.experiment.runner as runner
from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def test_an_interrupt_before_the_first_replication_keeps_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "run"
    args = ["run", str(TINY), "-n", "2", "--out", str(out), "-q", "--no-figures",
            "--workers", "1"]

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(runner, "run_replications", interrupted)
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 130, result.output
    assert "nothing was kept" in result.output
    assert not out.exists()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output


def test_an_interrupted_resume_keeps_the_folder(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "run"
    args = ["run", str(TINY), "-n", "2", "--out", str(out), "-q", "--no-figures",
            "--workers", "1"]
    assert CliRunner().invoke(main, args).exit_code == 0

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(runner, "run_replications", interrupted)
        result = CliRunner().invoke(main, [*args[:3], "3", *args[4:], "--resume"])
    assert result.exit_code == 130, result.output
    assert (out / "run.json").is_file()
    assert len(list((out / "replications").glob("rep-*.npz"))) == 2
