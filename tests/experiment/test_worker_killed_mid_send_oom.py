"""A worker killed while it sends its result no longer leaves a run waiting for ever.

A process-pool worker killed by someone else (the out-of-memory killer) part-way through
sending a replication's result left the pool's manager thread reading the rest of that
message, which never comes; the manager never looked at its workers again, no future
failed, and ``sim run`` waited until Ctrl-C. The run now notices the dead worker within a
few seconds, gives the pool's replications up as lost (those already finished are kept),
and the pool stops promptly.

The driver runs in a subprocess (output to files, not pipes) whose replication 1 writes
half of its result message into the pool's result pipe, under the pool's result lock as a
real send does, and then kills its own worker. A driver not ended in ``HANG_S`` seconds
dumps its threads' stacks and exits with status 1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from expt_helpers import TINY, run_script

HANG_S = 30

DRIVER = """
import faulthandler, os, signal, struct, sys, time
faulthandler.dump_traceback_later({hang}, exit=True)
from multiprocessing import connection
from sim.experiment import executors
from sim.scenario.loader import load_scenario

real = executors.run_replication


def dies_mid_send(sc, seed, replication, plan, cat):
    result = real(sc, seed, replication, plan, cat)
    if replication == 1:  # in the worker: its next send is this result, cut short
        def half_then_killed(self, buf, offset=0, size=None):
            data = bytes(buf)
            os.write(self.fileno(), struct.pack("!i", len(data)) + data[:len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        connection.Connection.send_bytes = half_then_killed
    return result


executors.run_replication = dies_mid_send
job = executors.Job.of(load_scenario(sys.argv[1]), 3)
kept = []
start = time.monotonic()
try:
    with executors.open_backend(2, tasks=6) as backend:
        try:
            executors.run_tasks([job], [(0, r) for r in range(6)],
                                lambda k, res: kept.append(res.replication), backend)
        except executors.ReplicationError as exc:
            print(f"raised in {{time.monotonic() - start:.1f}} s", flush=True)
            print("worker died:", exc.worker_died, flush=True)
            print("lost:", sorted(t.replication for t in exc.tasks), flush=True)
            print("kept:", sorted(kept), flush=True)
            print(exc, flush=True)
            raise
except executors.ReplicationError:
    print(f"stopped in {{time.monotonic() - start:.1f}} s", flush=True)
    sys.exit(3)
"""


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals and fork")
def test_a_worker_killed_mid_send_ends_the_run_with_the_loss_named(tmp_path: Path) -> None:
    code, said, errors = run_script(DRIVER.format(hang=HANG_S), TINY, folder=tmp_path,
                                    timeout=HANG_S + 20)
    assert code == 3, f"the run did not end with the loss (status {code}):\n{said}\n{errors}"
    lines = dict(line.split(":", 1) for line in said.splitlines() if ":" in line)
    assert lines["worker died"].strip() == "True"
    lost = [int(r) for r in lines["lost"].strip(" []").split(",") if r.strip()]
    kept = [int(r) for r in lines["kept"].strip(" []").split(",") if r.strip()]
    assert 1 in lost, said  # the replication whose result was cut short is named
    assert not set(lost) & set(kept) and set(lost) | set(kept) <= set(range(6)), said
    assert "a worker process died" in said, said
    raised = float(said.split("raised in ")[1].split()[0])
    stopped = float(said.split("stopped in ")[1].split()[0])
    assert raised < 15, said  # noticed within a few seconds, not never
    assert stopped - raised < 5, said  # the pool stops without waiting on the dead lock
    assert "Traceback" not in errors, errors
