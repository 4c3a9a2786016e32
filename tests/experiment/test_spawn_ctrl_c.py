"""A Ctrl-C while a "spawn" pool's workers start (README's known open item until now): each
new Python took a second or so to import the package before its initializer ignored SIGINT,
and the terminal's SIGINT, sent to the whole process group, printed a KeyboardInterrupt
traceback per worker (or killed it before Python was up, breaking the pool). The workers
are now started with SIGINT blocked, as the local Dask cluster's are."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import multiprocessing, os, signal, sys
    from sim.experiment.executors import open_backend

    if __name__ == "__main__":
        multiprocessing.set_start_method(sys.argv[1], force=True)
        with open_backend(2, tasks=4) as backend:
            pool = backend.executor
            first = pool.submit(abs, -4)  # the pool has started its workers by now
            workers = list(pool._processes.values())
            for process in workers:
                # at once: the worker is still starting, long before its initializer
                os.kill(process.pid, signal.SIGINT)
            rest = [pool.submit(abs, -k) for k in range(4)]
            print(first.result(timeout=60), [f.result(timeout=60) for f in rest])
            blocked = []
            for process in workers:
                with open(f"/proc/{process.pid}/status") as fh:
                    mask = next(line for line in fh if line.startswith("SigBlk:"))
                blocked.append(bool(int(mask.split()[1], 16) & (1 << (signal.SIGINT - 1))))
            print(blocked)
""")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_ctrl_c_while_workers_start_is_not_theirs(tmp_path: Path, method: str) -> None:
    script = tmp_path / "pool.py"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), method], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert "KeyboardInterrupt" not in done.stderr and "Traceback" not in done.stderr, \
        done.stderr
    assert done.stdout.splitlines() == ["4 [0, 1, 2, 3]", "[True, True]"], done.stdout
