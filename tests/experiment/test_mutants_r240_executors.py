"""Review 240: mutation testing of the process pool's unguarded-main hint and the Windows
worker limit (review 230/233). Each test kills a mutant that survived the existing tests
and that a user would see: a hint missing or given where it misleads, or valid --workers
refused."""

from __future__ import annotations

import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

import pytest
from expt_helpers import TINY, failing

import sim
from sim.experiment import executors
from sim.experiment.executors import ReplicationError, Task, check_backend
from sim.world.world import World

UNGUARDED = textwrap.dedent("""
    import sim
    sim.run("tiny.yaml", replications=4, workers=2)
""")


def test_a_forkserver_pool_gets_the_hint_too(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # forkserver (Python 3.14's default on Linux) runs the main script again as spawn does;
    # only fork does not (a mutant gave the hint for spawn alone)
    main = sys.modules["__main__"]
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED, encoding="utf-8")
    monkeypatch.setattr(main, "__file__", str(script), raising=False)
    monkeypatch.setattr(main, "__spec__", None, raising=False)
    with ProcessPoolExecutor(1, mp_context=get_context("forkserver")) as pool:
        hint = executors._pool_rerun_hint(pool) or ""
    assert "'forkserver' start method" in hint and "if __name__" in hint


def test_a_replication_that_raised_gets_no_hint_about_the_main_script() -> None:
    task = Task(0, 0, "tiny", 1)
    failed = executors._failure([(task, RuntimeError("x"))], "HINT")
    assert isinstance(failed, ReplicationError) and failed.hint is None
    assert "HINT" not in str(failed)
    died = executors._failure([(task, BrokenProcessPool("gone"))], "HINT")
    assert isinstance(died, ReplicationError) and died.hint == "HINT"


def test_windows_takes_more_than_61_workers_on_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    # the limit is the process pool's: a Dask cluster's workers are not in it
    pytest.importorskip("distributed")
    monkeypatch.setattr(sys, "platform", "win32")
    check_backend(62, dask_local=True)
    check_backend(62, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(sim.ExperimentError, match="at most 61"):
        check_backend(62)


def _hint_always(monkeypatch: pytest.MonkeyPatch) -> None:
    # as an unguarded script under spawn would get it; the pool itself forks (fast)
    monkeypatch.setattr(executors, "_pool_rerun_hint", lambda _pool: "HINT")


def test_no_hint_once_a_replication_came_back(monkeypatch: pytest.MonkeyPatch) -> None:
    # a worker dying after others delivered is not the unguarded script (which kills every
    # worker at start-up): the hint would send the user after the wrong cause
    _hint_always(monkeypatch)
    real = World.run

    def run(self: World) -> None:
        if self.streams.replication == 3:
            time.sleep(1.5)  # replications 0 to 2 are delivered first
            import os

            os._exit(9)
        real(self)

    monkeypatch.setattr(World, "run", run)
    delivered: list[int] = []
    with pytest.raises(ReplicationError) as info:
        sim.run(TINY, replications=4, seed=1, workers=2,
                sink=lambda res: delivered.append(res.replication))
    assert info.value.worker_died and delivered
    assert info.value.hint is None and "HINT" not in str(info.value)


def test_the_hint_when_every_worker_dies_before_any_came_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _hint_always(monkeypatch)
    failing(monkeypatch, 0, exit_worker=True)
    failing_too = World.run

    def run(self: World) -> None:
        if self.streams.replication == 1:
            import os

            os._exit(9)
        failing_too(self)

    monkeypatch.setattr(World, "run", run)
    with pytest.raises(ReplicationError) as info:
        sim.run(TINY, replications=2, seed=1, workers=2)
    assert info.value.worker_died
    assert info.value.hint == "HINT" and str(info.value).endswith("hint: HINT")
