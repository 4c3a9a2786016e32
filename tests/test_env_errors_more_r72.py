"""Review 72, F2: only an OSError of the environment (a full disk, a read-only folder, too
many open files, a failed write of the output) is said not to be a bug; a missing file
(perhaps one the simulator asked for under a wrong name) asks for a report instead, and
SIM_DEBUG=1 prints the traceback of any OSError."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import cli
from sim.cli import main
from sim.output import folder as folder_mod

TINY = Path(__file__).parent / "data" / "tiny.yaml"
NOT_A_BUG = "this is the environment, not a bug in the simulator"


def _failing_writer(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def writer(self, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(self.path / "templates" / "wrong.json"))

    monkeypatch.setattr(folder_mod.ResultsFolder, "write_replication", writer)


def _run(tmp_path: Path):
    return CliRunner().invoke(main, ["run", str(TINY), "-n", "2", "-w", "1", "--out",
                                     str(tmp_path / "r"), "--no-figures", "-q"])


def test_a_missing_file_is_not_called_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("SIM_DEBUG", raising=False)
    _failing_writer(monkeypatch, errno.ENOENT)
    result = _run(tmp_path)
    assert result.exit_code == 2, result.output
    assert "wrong.json: No such file or directory (ENOENT)" in result.output
    assert NOT_A_BUG not in result.output
    assert ("hint: if this file should exist, set SIM_DEBUG=1 to see where it was asked "
            "for, and please report it") in result.output
    assert "Traceback" not in result.output


def test_sim_debug_prints_the_traceback_of_an_os_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_DEBUG", "1")
    _failing_writer(monkeypatch, errno.ENOENT)
    result = _run(tmp_path)
    assert result.exit_code == 2, result.output
    assert "Traceback (most recent call last)" in result.output
    assert "in writer" in result.output  # where the file was asked for
    assert "the traceback above shows where it was asked for" in result.output


def test_sim_debug_prints_the_traceback_of_an_environment_error_too(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_DEBUG", "1")
    _failing_writer(monkeypatch, errno.ENOSPC)
    result = _run(tmp_path)
    assert result.exit_code == 2, result.output
    assert "Traceback (most recent call last)" in result.output
    assert NOT_A_BUG in result.output


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EIO,
                                  errno.EMFILE])
def test_environment_errnos_are_still_the_environment(code, monkeypatch):
    monkeypatch.delenv("SIM_DEBUG", raising=False)
    text = cli._environment_text(OSError(code, os.strerror(code), "/x/y.npz"))
    assert text.startswith(f"error: /x/y.npz: {os.strerror(code)}"), text
    assert NOT_A_BUG in text and "report" not in text


@pytest.mark.parametrize("code", [errno.ENOENT, errno.EISDIR, errno.ENOTDIR])
def test_other_errnos_ask_for_a_report(code, monkeypatch):
    monkeypatch.delenv("SIM_DEBUG", raising=False)
    text = cli._environment_text(OSError(code, os.strerror(code), "/x/y.npz"))
    assert NOT_A_BUG not in text and "please report it" in text, text


def test_an_os_error_without_errno_or_file_asks_for_a_report(monkeypatch):
    monkeypatch.delenv("SIM_DEBUG", raising=False)
    text = cli._environment_text(OSError("something odd"))
    assert text == ("error: input/output failed: something odd\n"
                    "    hint: set SIM_DEBUG=1 to see where it failed, and please report it")
