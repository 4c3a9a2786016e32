"""Review 86, finding 1: two commands writing one results folder at once mixed their
replications silently (both exited 0; manifest.json said seed 1, run.json seed 2).

``sim run``, ``sim compare`` and ``sim sweep`` (and ``sim.run``/``sim.compare``/``sim.sweep``
with ``out``) now hold an exclusive lock on ``DIR/.sim-lock`` while they write; another
command there is refused before it changes anything (``--force`` and ``--resume``
included), with exit code 2 and a message naming the folder and the process. The lock is
released when the command ends (and by the system when its process is killed)."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output import folder_lock
from sim.output.folder import LOCK_NAME, FolderError, ResultsFolder, lock_folder, others_entries

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
SHORT = ["--set", "horizon_days=60", "--set", "warmup_days=0"]
FORK = multiprocessing.get_context("fork")

pytestmark = pytest.mark.skipif(folder_lock.fcntl is None, reason="no fcntl: no locks")


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _hold(folder: Path, ready, stop) -> None:
    handle = lock_folder(folder, "sim run")
    assert handle is not None
    ready.set()
    stop.wait(60)
    handle.release()


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """``tmp_path/out``, locked by another process (its pid) until the test ends."""
    out = tmp_path / "out"
    ready, stop = FORK.Event(), FORK.Event()
    holder = FORK.Process(target=_hold, args=(out, ready, stop), daemon=True)
    holder.start()
    assert ready.wait(30)
    yield out, holder.pid
    stop.set()
    holder.join(30)


def _try_lock(folder: Path, answer) -> None:
    try:
        handle = lock_folder(folder, "sim run")
    except FolderError as exc:
        answer.put(str(exc))
        return
    answer.put("locked" if handle is not None else "no lock")
    if handle is not None:
        handle.release()


def lock_from_another_process(folder: Path) -> str:
    """What another process gets when it tries to lock ``folder``: "locked", or the error."""
    answer = FORK.Queue()
    proc = FORK.Process(target=_try_lock, args=(folder, answer))
    proc.start()
    proc.join(30)
    return answer.get(timeout=5)


def test_command_line_refuses_a_folder_another_command_writes(held):
    out, pid = held
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "run", str(TINY), "-n", "1", "-w", "1", "-q",
         "--no-figures", "--out", str(out), "--force", *SHORT],
        capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert f"{out} is being written by another sim command (pid {pid})" in proc.stderr
    assert "wait for it to end, or give another --out" in proc.stderr
    assert "internal error" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # nothing written


@pytest.mark.parametrize("flag", [[], ["--force"], ["--resume"]])
def test_run_refused_with_any_flag_and_changes_nothing(held, flag):
    out, pid = held
    (out / "replications").mkdir()
    (out / "run.json").write_text("{}", encoding="utf-8")
    before = sorted(p.name for p in out.iterdir())
    result = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", out,
                    *SHORT, *flag)
    assert result.exit_code == 2, result.output
    assert f"being written by another sim command (pid {pid})" in result.output
    assert sorted(p.name for p in out.iterdir()) == before
    assert (out / "run.json").read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize("flag", [[], ["--force"], ["--resume"]])
def test_compare_and_sweep_refused(held, flag):
    out, pid = held
    result = invoke("compare", TINY, TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out",
                    out, *SHORT, *flag)
    assert result.exit_code == 2, result.output
    assert f"being written by another sim command (pid {pid})" in result.output
    result = invoke("sweep", TINY, "--param", "horizon_days=60:90:int", "-n", 2, "-w", 1,
                    "-q", "--no-figures", "--out", out, *flag)
    assert result.exit_code == 2, result.output
    assert f"being written by another sim command (pid {pid})" in result.output
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]


def test_python_api_refused_in_its_words(held):
    out, pid = held
    with pytest.raises(FolderError, match=rf"pid {pid}\)[\s\S]*another out folder"):
        sim.run(sim.load_scenario(TINY), replications=1, out=out, force=True, figures=False)
    with pytest.raises(FolderError, match=f"pid {pid}"):
        sim.compare([TINY, TINY], replications=1, out=out, figures=False)
    with pytest.raises(FolderError, match=f"pid {pid}"):
        sim.sweep(TINY, ["horizon_days=60:90:int"], samples=2, out=out, figures=False)


def test_lock_released_when_the_command_ends(tmp_path):
    out = tmp_path / "run"
    for flag in ([], ["--force"]):
        result = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", out,
                        *SHORT, *flag)
        assert result.exit_code == 0, result.output
        assert not (out / LOCK_NAME).exists()
        # released, not only shared within this process
        assert lock_from_another_process(out) == "locked"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert LOCK_NAME not in manifest["files"]


def test_python_api_releases_on_finish_and_on_exceptions(tmp_path):
    sc = sim.load_scenario(TINY, overrides=SHORT[1::2])
    out = tmp_path / "py"
    sim.run(sc, replications=1, out=out, figures=False)
    sim.run(sc, replications=1, out=out, figures=False, force=True)  # released on finish
    assert lock_from_another_process(out) == "locked"

    def stop(_res):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sim.run(sc, replications=2, out=out, figures=False, force=True, sink=stop)
    assert lock_from_another_process(out) == "locked"

    def fail(_res):
        raise RuntimeError("sink failed")

    with pytest.raises(RuntimeError):
        sim.run(sc, replications=2, out=out, figures=False, force=True, sink=fail)
    assert lock_from_another_process(out) == "locked"
    comp, sweep = tmp_path / "cmp", tmp_path / "sweep"
    sim.compare([TINY, TINY], replications=1, out=comp, figures=False, overrides=SHORT[1::2])
    sim.sweep(TINY, ["horizon_days=60:90:int"], samples=2, out=sweep, figures=False)
    for folder in (comp, comp / "tiny", comp / "tiny-2", sweep):
        assert not (folder / LOCK_NAME).exists()
        assert lock_from_another_process(folder) == "locked"


def test_killed_holder_leaves_a_folder_resume_takes(tmp_path):
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "run", str(TINY), "-n", "400", "-w", "1", "-q",
         "--no-figures", "--out", str(out), *SHORT], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob("replications/rep-*.npz")):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        assert "pid" in lock_from_another_process(out)  # held while it runs
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert (out / LOCK_NAME).exists()  # left behind, but no longer locked
    n = max(int(p.stem.removeprefix("rep-")) for p in out.glob("replications/rep-*.npz")) + 1
    result = invoke("run", TINY, "-n", n, "-w", 1, "-q", "--no-figures", "--out", out,
                    *SHORT, "--resume")
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").is_file() and not (out / LOCK_NAME).exists()


def test_left_lock_file_is_no_other_entry_and_survives_force(tmp_path, recwarn):
    out = tmp_path / "stale"
    sc = sim.load_scenario(TINY, overrides=SHORT[1::2])
    sim.run(sc, replications=1, out=out, figures=False)
    (out / LOCK_NAME).write_text('{"pid": 1}', encoding="utf-8")  # a killed command's
    assert others_entries(out) == []
    sim.run(sc, replications=1, out=out, figures=False, force=True)
    assert not [w for w in recwarn if "other file" in str(w.message)]
    assert sim.load_results(out).n == 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert LOCK_NAME not in manifest["files"]


def test_reading_a_locked_folder_takes_no_lock(tmp_path):
    out = tmp_path / "read"
    sim.run(sim.load_scenario(TINY, overrides=SHORT[1::2]), replications=1, out=out,
            figures=False)
    ready, stop = FORK.Event(), FORK.Event()
    holder = FORK.Process(target=_hold, args=(out, ready, stop), daemon=True)
    holder.start()
    try:
        assert ready.wait(30)
        assert sim.load_results(out).n == 1
    finally:
        stop.set()
        holder.join(30)


def test_finish_refuses_a_run_json_another_command_replaced(tmp_path):
    sc = sim.load_scenario(TINY, overrides=SHORT[1::2])
    res = sim.run(sc, replications=1)
    folder = ResultsFolder(tmp_path / "mixed")
    folder.begin(sc, 0, 1)
    info = json.loads((folder.path / "run.json").read_text(encoding="utf-8"))
    (folder.path / "run.json").write_text(json.dumps({**info, "seed": 2}), encoding="utf-8")
    with pytest.raises(FolderError, match="run.json is no longer the one this run wrote"):
        folder.finish(res)
    assert not (folder.path / "manifest.json").exists()
    assert lock_from_another_process(folder.path) == "locked"  # released all the same


def test_without_fcntl_nothing_is_locked(tmp_path, monkeypatch):
    monkeypatch.setattr(folder_lock, "fcntl", None)
    assert lock_folder(tmp_path / "x", "sim run") is None
    assert not (tmp_path / "x").exists()
