"""Review 198 (mutation testing): the resume command sim run and sim compare print when
interrupted names the scenarios and --out by absolute paths, so that it works pasted in
any working folder (review 194), when they were given relative."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim.output.folder as folder
from sim.cli import main

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"


def _interrupt_after_first_save(monkeypatch: pytest.MonkeyPatch) -> None:
    real = folder.ResultsFolder.write_replication

    def write(self, res):  # noqa: ANN001, ANN202
        real(self, res)
        raise KeyboardInterrupt

    monkeypatch.setattr(folder.ResultsFolder, "write_replication", write)


def _command(output: str) -> str:
    lines = output.splitlines()
    return next(lines[i + 1].strip() for i, line in enumerate(lines)
                if line.rstrip().endswith("run:"))


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("command", ["run", "compare"])
def test_the_printed_resume_command_has_absolute_paths(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(TINY, tmp_path / "tiny.yaml")
    monkeypatch.chdir(tmp_path)
    _interrupt_after_first_save(monkeypatch)
    items = ["tiny.yaml"] if command == "run" else ["tiny.yaml", "tiny.yaml"]
    result = CliRunner().invoke(main, [command, *items, "-n", "2", "--out", "out",
                                       "--no-figures", "-q"])
    assert result.exit_code == 130, result.output
    words = _command(result.output).split()
    assert words[:2] == ["sim", command]
    assert words[2] == str(tmp_path / "tiny.yaml")
    assert words[words.index("--out") + 1] == str(tmp_path / "out")
    if command == "compare":
        assert words[3] == str(tmp_path / "tiny.yaml")
    assert words[-1] == "--resume"
