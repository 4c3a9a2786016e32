"""Review 230: under the "spawn" start method (macOS's and Windows' default) a process
pool's workers start with SIGINT ignored, from their first moment, not only once
``_init_worker`` has run after their imports: a Ctrl-C in the first second of a run made
each print a KeyboardInterrupt traceback, and once hung the command at exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

# The main script runs again in each spawned worker (as __mp_main__), before the worker
# imports sim or runs anything: what SIGINT does there is what it does from the start.
SCRIPT = textwrap.dedent('''
    import os
    import signal
    import sys

    if __name__ == "__mp_main__":
        where = os.path.join(os.environ["SIGINT_AT_START"], str(os.getpid()))
        with open(where, "w") as fh:
            fh.write(str(signal.getsignal(signal.SIGINT)))

    if __name__ == "__main__":
        import multiprocessing

        multiprocessing.set_start_method("spawn")
        import sim

        before = signal.getsignal(signal.SIGINT)
        res = sim.run(sim.load_scenario(sys.argv[1]), replications=4, seed=1, workers=2)
        assert res.n == 4, res.n
        assert signal.getsignal(signal.SIGINT) is before, signal.getsignal(signal.SIGINT)
        print("done")
''')


def test_spawned_pool_workers_ignore_sigint_from_the_start(tmp_path: Path) -> None:
    script = tmp_path / "spawn_run.py"
    script.write_text(SCRIPT, encoding="utf-8")
    seen = tmp_path / "seen"
    seen.mkdir()
    env = {**os.environ, "SIGINT_AT_START": str(seen), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script), str(TINY)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "done"
    found = [p.read_text() for p in seen.iterdir()]
    assert len(found) == 2, found
    assert set(found) == {str(signal.SIG_IGN)}, found


CTRL_C = textwrap.dedent('''
    import multiprocessing

    if __name__ == "__main__":
        multiprocessing.set_start_method("spawn")
        from sim.cli import main

        main()
''')


def test_ctrl_c_early_in_a_spawn_run_prints_no_worker_traceback(tmp_path: Path) -> None:
    script = tmp_path / "spawn_cli.py"
    script.write_text(CTRL_C, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(script), "run", str(TINY), "-n", "400", "-w", "2", "--out",
         str(tmp_path / "out"), "--no-figures", "-q"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    try:
        # the workers are started at the first submit, once the scenario is read; they
        # take well over a second to import what they need
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _children(proc.pid):
            time.sleep(0.02)
        assert _children(proc.pid), "no worker process started"
        time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGINT)  # as the terminal's Ctrl-C does
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "Traceback" not in err, err
    assert proc.returncode == 130, (proc.returncode, err)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    kids = [int(w) for w in text.split()]
    return [k for k in kids if b"spawn_main" in _cmdline(k)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
