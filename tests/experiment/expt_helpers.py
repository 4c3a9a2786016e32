"""Shared by the experiment tests: scenario paths, --set values that make tiny.yaml random
and a subprocess runner.

``RANDOM`` makes tests/data/tiny.yaml stochastic (transit times, output, border service), so
replications differ; ``closure_file`` extends it with a ten-day closure of the mine's lane,
a scenario pair whose paired differences show common random numbers at work.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sim.world.world import World

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
BASELINE = ROOT / "scenarios" / "baseline.yaml"
TINY_30_DAYS = TINY.read_text(encoding="utf-8").replace(
    "horizon_days: {value: 100,", "horizon_days: {value: 30,", 1)
"""tiny.yaml's text with a 30-day horizon, for chains of scenario files written by tests."""

# one override a line, in a file the tests of every folder read (a list here could not be
# imported from tests/output reliably)
RANDOM = (ROOT / "tests" / "data" / "tiny_random.set").read_text(encoding="utf-8").splitlines()
"""--set values that make tiny.yaml random."""

SET_RANDOM = [w for o in RANDOM for w in ("--set", o)]


def run_script(code: str, *args: object, folder: Path, timeout: float
               ) -> tuple[int | None, str, str]:
    """Run Python ``code`` with ``args`` in a subprocess from the project's root; its exit
    status, stdout and stderr. Output goes to files in ``folder``, not pipes: a worker
    process outliving the script would hold a pipe open and keep the reader waiting. A
    script still running after ``timeout`` seconds is killed (status: the kill's)."""
    out_file, err_file = folder / "out", folder / "err"
    with out_file.open("w") as out, err_file.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT,
                                stdout=out, stderr=err)
        try:
            status = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            status = proc.wait()
    return status, out_file.read_text(), err_file.read_text()


def sim_process(*args: object, timeout: float = 180) -> subprocess.CompletedProcess:
    """``python -m sim ARGS`` in a subprocess."""
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


def failing(monkeypatch: pytest.MonkeyPatch, replication: int, scenario: str | None = None,
            exit_worker: bool = False) -> None:
    """Make ``replication`` (of the scenario named ``scenario``, or of any) raise, or end
    its worker process at once: on a process pool the workers are forked from this process
    and run the patched World.run too."""
    real = World.run

    def run(self: World) -> None:
        if self.streams.replication == replication and scenario in (None, self.sc.name):
            if exit_worker:
                os._exit(9)
            raise ZeroDivisionError("injected")
        real(self)

    monkeypatch.setattr(World, "run", run)


def cli(*args: object) -> Any:
    """``sim`` with ``args`` (any objects, as strings) in this process; exceptions escape."""
    from click.testing import CliRunner

    from sim.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def no_options(text: str) -> None:
    """A message for a Python caller names arguments, not the command line's options."""
    for option in ("--seed", "--set", "--force", "--resume", "--target-ci", "--metric",
                   "--max-replications", "--out", "-n ", "-r "):
        assert option not in text, text


def interrupted_copy(full: Path, to: Path, keep: int) -> Path:
    """A copy of the finished run folder ``full`` as an interrupt leaves it after
    replications ``0..keep-1``: run.json, replications/index.json and those replications,
    no manifest or tables."""
    import shutil

    to.mkdir(parents=True)
    shutil.copy2(full / "run.json", to / "run.json")
    (to / "replications").mkdir()
    shutil.copy2(full / "replications" / "index.json", to / "replications" / "index.json")
    for r in range(keep):
        name = f"rep-{r:06d}.npz"
        shutil.copy2(full / "replications" / name, to / "replications" / name)
    return to


def write_file(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (its folders made as needed) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
