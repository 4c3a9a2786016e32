"""Review 217 (a new user's first hour): the repository's root holds no stray outputs, and
the help's examples can be pasted as printed at 80 columns."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
ROOT_FILES = {".gitignore", "CONTRIBUTING.md", "Makefile", "README.md", "pyproject.toml",
              "setup.py"}


def test_the_repository_root_tracks_no_stray_outputs() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    # a `sim show` figure pair and an error text were committed there by mistake
    assert {f for f in listed if "/" not in f} == ROOT_FILES
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "/*-network.png" in ignored and "/*-timeline.png" in ignored


@pytest.mark.parametrize(("command", "example"), [
    ("sweep", "sites.kasumbalesa.servers=1:3:int"),
])
def test_help_examples_are_not_split_at_80_columns(command: str, example: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"], terminal_width=80)
    assert result.exit_code == 0
    assert example in result.output


def test_show_help_names_the_calendar_figure() -> None:
    result = CliRunner().invoke(main, ["show", "--help"], terminal_width=80)
    assert "-timeline" in " ".join(result.output.split())
