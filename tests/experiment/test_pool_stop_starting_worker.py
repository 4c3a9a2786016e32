"""Stopping a pool while a worker is still starting prints nothing.

The pool's workers are forked with the driver's signal handlers (the command line turns
SIGTERM into KeyboardInterrupt) and only then reset them (SIGINT ignored, SIGTERM the
default). Stopping the pool sent each worker SIGTERM, so a worker that had not reached
that reset yet raised KeyboardInterrupt and printed a traceback: the intermittent failure
of test_executor_workers.py's quiet-stop test on CI. Workers are now killed outright (the
default SIGTERM did no more: a worker's results are thrown away either way).

The command line resets SIGTERM in forked children with an at-fork hook, but hooks run in
the order they were registered, and Python's own (``threading._after_fork``, registered when
threading is imported) run first: CI's failure was a SIGTERM arriving there. Here a hook
registered before the command line's sleeps, so the pool is stopped while its workers are
all in that window.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from expt_helpers import run_script

DRIVER = """
import faulthandler, os, time
faulthandler.dump_traceback_later(40, exit=True)
from sim.cli import _terminate_as_interrupt
from sim.experiment.executors import open_backend
# registered first, so it runs before the command line's hook resets SIGTERM in the child
# (as Python's own threading._after_fork does: the window the CI failure fell in)
os.register_at_fork(after_in_child=lambda: time.sleep(2))
_terminate_as_interrupt()
try:
    with open_backend(2, tasks=4) as backend:
        backend.executor.submit(os.getpid)
        print(*backend.executor._processes, flush=True)
        time.sleep(0.5)  # the workers are forked and asleep in the hook
        raise RuntimeError("stop the pool")
except RuntimeError:
    print("stopped", flush=True)
"""


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals and fork")
def test_a_pool_stopped_while_its_workers_start_prints_no_traceback(tmp_path: Path) -> None:
    code, said, errors = run_script(DRIVER, folder=tmp_path, timeout=60)
    assert code == 0, errors
    assert said.splitlines()[-1] == "stopped"
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors, errors


# Each kill is followed by a pause, as a loaded machine may make one: the pool's manager
# thread, seeing the first worker die, sent SIGTERM to the others it knew of before they
# were killed, and one still in the at-fork window took it as Ctrl-C (seen once in a full
# run of the suite beside other work)
SLOW_KILLS = DRIVER.replace("_terminate_as_interrupt()\n", """_terminate_as_interrupt()
import multiprocessing.process
_kill = multiprocessing.process.BaseProcess.kill
def _slow_kill(self):
    _kill(self)
    time.sleep(0.5)
multiprocessing.process.BaseProcess.kill = _slow_kill
""")


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals and fork")
def test_a_worker_dying_first_does_not_get_the_others_a_sigterm(tmp_path: Path) -> None:
    assert SLOW_KILLS != DRIVER
    code, said, errors = run_script(SLOW_KILLS, folder=tmp_path, timeout=60)
    assert code == 0, errors
    assert said.splitlines()[-1] == "stopped"
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors, errors
