"""Review 230: a script without ``if __name__ == "__main__":`` (or code piped on stdin) run
under the "spawn" start method lost every process-pool worker (each ran the script again and
failed to start a pool while starting up) and said only "a worker process died (out of
memory, or killed?)": it now says why, as the Dask path does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from sim.experiment import executors
from sim.experiment.executors import ReplicationError, Task, _pool_rerun_hint

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"

UNGUARDED = textwrap.dedent(f'''
    import multiprocessing
    import sim

    multiprocessing.set_start_method("spawn", force=True)
    sim.run(sim.load_scenario({str(TINY)!r}), replications=4, seed=1, workers=2)
''')


def run_python(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], input=stdin, env=env, text=True,
                          capture_output=True, timeout=120)


def last_lines(err: str) -> str:
    # multiprocessing's resource tracker, a process of its own, may warn of the dead
    # workers' semaphores after the traceback, at a moment that varies with the load (it
    # did once in CI): its two lines are not the program's last words
    lines = [line for line in err.strip().splitlines() if "resource_tracker" not in line]
    return "\n".join(lines[-3:])


def test_unguarded_script_under_spawn_is_told_to_guard_its_calls(tmp_path: Path) -> None:
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED, encoding="utf-8")
    done = run_python([str(script)])
    assert done.returncode != 0
    tail = last_lines(done.stderr)
    assert "ReplicationError" in tail, tail
    assert 'if __name__ == "__main__":' in tail and "workers=1" in tail, tail
    assert "macOS and Windows" in tail, tail


def test_code_on_stdin_under_spawn_is_told_to_save_it_as_a_script() -> None:
    done = run_python(["-"], stdin=UNGUARDED)
    assert done.returncode != 0
    tail = last_lines(done.stderr)
    assert "save the code as a script" in tail and "workers=1" in tail, tail


def test_no_hint_for_a_fork_pool_an_interactive_session_or_a_guarded_script(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    main = sys.modules["__main__"]
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED, encoding="utf-8")
    monkeypatch.setattr(main, "__file__", str(script), raising=False)
    monkeypatch.setattr(main, "__spec__", None, raising=False)  # a script, not `-m`
    with ProcessPoolExecutor(1, mp_context=get_context("fork")) as fork_pool:
        assert _pool_rerun_hint(fork_pool) is None
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as spawn_pool:
        assert "if __name__" in (_pool_rerun_hint(spawn_pool) or "")
        script.write_text('if __name__ == "__main__":\n    pass\n', encoding="utf-8")
        assert _pool_rerun_hint(spawn_pool) is None
        monkeypatch.delattr(main, "__file__", raising=False)
        assert _pool_rerun_hint(spawn_pool) is None


def test_no_hint_for_a_packages_main_run_with_dash_m(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # review 233: multiprocessing never runs a package's __main__ again, guard or not
    import types

    main = sys.modules["__main__"]
    script = tmp_path / "__main__.py"
    script.write_text(UNGUARDED, encoding="utf-8")
    monkeypatch.setattr(main, "__file__", str(script), raising=False)
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as spawn_pool:
        monkeypatch.setattr(main, "__spec__", types.SimpleNamespace(name="tool.__main__"),
                            raising=False)
        assert _pool_rerun_hint(spawn_pool) is None
        # a plain module run with -m is imported again by its name: the guard counts
        monkeypatch.setattr(main, "__spec__", types.SimpleNamespace(name="tool"),
                            raising=False)
        hint = _pool_rerun_hint(spawn_pool) or ""
        assert "if __name__" in hint and "(workers=1, --workers 1)" in hint


def test_the_hint_survives_pickling_and_reaches_the_message() -> None:
    import pickle

    err = ReplicationError(RuntimeError("x"), [Task(0, 0, "tiny", 1)], "worker died",
                           hint="put it under the guard")
    assert str(err).endswith("hint: put it under the guard")
    back = pickle.loads(pickle.dumps(err))
    assert back.hint == "put it under the guard" and str(back) == str(err)
    assert executors.ReplicationError(RuntimeError("x"), [], "failed").hint is None
