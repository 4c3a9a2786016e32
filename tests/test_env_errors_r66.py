"""Review 66, F1: a failing environment (a full disk, a read-only folder, output to
/dev/full) is reported as such, with the file and the system's reason, not as an internal
error to report; a run, comparison or sweep stopped by it says how many replications are
saved and gives the command that finishes it; --resume refuses a folder it cannot write
before running anything."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.output import folder as folder_mod
from sim.output import sweep_store

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def _full_after(monkeypatch: pytest.MonkeyPatch, owner: type, name: str, keep: int) -> None:
    """Make ``owner.name`` (a replication writer) save ``keep`` replications, then fail as
    on a full disk."""
    original = getattr(owner, name)
    calls = {"n": 0}

    def writer(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > keep:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path / "r.npz"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, writer)


def _invoke(args: list[str]):
    return CliRunner().invoke(main, [str(a) for a in args])


def _assert_environment_error(result, saved: int | None) -> None:
    text = result.output
    assert result.exit_code == 2, text
    assert "No space left on device" in text and "r.npz" in text, text
    assert "internal error" not in text and "please report" not in text, text
    if saved is None:
        assert "--resume" not in text, text
    else:
        assert f"{saved} finished replication(s) are saved" in text, text
        assert "--resume" in text.splitlines()[-1], text


def test_run_disk_full_mid_run_says_saved_and_resume(tmp_path, monkeypatch):
    _full_after(monkeypatch, folder_mod.ResultsFolder, "write_replication", 2)
    out = tmp_path / "r"
    result = _invoke(["run", TINY, "-n", 4, "-w", 1, "--out", out, "--no-figures", "-q"])
    _assert_environment_error(result, saved=2)
    assert f"--out {out}" in result.output


def test_run_disk_full_before_any_saved_is_plain(tmp_path, monkeypatch):
    _full_after(monkeypatch, folder_mod.ResultsFolder, "write_replication", 0)
    result = _invoke(["run", TINY, "-n", 2, "-w", 1, "--out", tmp_path / "r", "--no-figures",
                      "-q"])
    _assert_environment_error(result, saved=None)


def test_compare_disk_full_mid_run_says_saved_and_resume(tmp_path, monkeypatch):
    _full_after(monkeypatch, folder_mod.ResultsFolder, "write_replication", 3)
    result = _invoke(["compare", TINY, TINY, "-n", 2, "-w", 1, "--out", tmp_path / "c",
                      "--no-figures", "-q"])
    _assert_environment_error(result, saved=3)


def test_sweep_disk_full_mid_run_says_saved_and_resume(tmp_path, monkeypatch):
    _full_after(monkeypatch, sweep_store.SweepStore, "save", 2)
    result = _invoke(["sweep", TINY, "--param", "lot_period_days=5:10", "-n", 3, "-w", 1,
                      "--out", tmp_path / "s", "--no-figures", "-q"])
    _assert_environment_error(result, saved=2)


def test_atomic_write_names_the_file_when_the_write_fails(tmp_path, monkeypatch):
    def fsync(_fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as the system: no file

    monkeypatch.setattr(folder_mod.os, "fsync", fsync)
    target = tmp_path / "a.json"
    with pytest.raises(OSError) as info:
        folder_mod.atomic_write_text(target, "{}")
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(target)
    assert list(tmp_path.iterdir()) == []  # no temporary file left


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_validate_to_dev_full_is_an_environment_error():
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "sim", "validate", str(TINY)],
                              stdout=full, stderr=subprocess.PIPE, text=True, env=env,
                              timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "cannot write the output: No space left on device" in proc.stderr
    assert "please report" not in proc.stderr and "Traceback" not in proc.stderr


def test_resume_of_read_only_folder_is_refused_before_running(tmp_path, monkeypatch):
    out = tmp_path / "r"
    args = ["run", TINY, "-n", 2, "-w", 1, "--out", out, "--no-figures", "-q"]
    assert _invoke(args).exit_code == 0
    manifest = (out / "manifest.json").read_text()

    def read_only(*_args, **_kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    ran = []
    import sim.experiment.runner as runner

    original = runner.run_replications
    monkeypatch.setattr(runner, "run_replications",
                        lambda *a, **k: ran.append(1) or original(*a, **k))
    result = _invoke([*args, "--resume"])
    assert result.exit_code == 2, result.output
    assert f"cannot write to {out}: Read-only file system" in result.output
    assert "please report" not in result.output
    assert ran == []
    assert (out / "manifest.json").read_text() == manifest  # still a finished folder
    assert json.loads(manifest)["replications"] == 2
