"""A replication that fails, or whose worker dies, stops the run without losing the
replications that finished: every result already in is handed over, those still running
finish, and the error names the replication, its scenario and seed."""

from __future__ import annotations

import re
import shlex
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from expt_helpers import TINY, failing

import sim
import sim.experiment.executors as executors
from sim.cli import main
from sim.experiment.executors import Backend, Job, ReplicationError, Task, run_tasks
from sim.world.world import World


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    return sim.load_scenario(TINY, ["horizon_days=40"])


class Immediate(Executor):
    """Runs each task as it is submitted: every future is done before the driver waits, so
    one ``wait`` returns them all together."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001
            fut.set_exception(exc)
        return fut


def fake_task(fail_seed: int, slow_s: float = 0.0):
    """A stand-in for run_task: raises for jobs of seed ``fail_seed``, otherwise returns a
    result after ``slow_s`` seconds."""

    def run(job: Job, r: int) -> SimpleNamespace:
        if job.seed == fail_seed:
            raise ZeroDivisionError(f"replication {r} broke")
        time.sleep(slow_s)
        return SimpleNamespace(kpi_labels=[], replication=r)

    return run


def test_a_failure_hands_over_every_result_that_came_in_with_it(
        tiny: sim.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    # The failing task sorts first among the futures one wait() returned: the results
    # after it were dropped, though they had finished.
    monkeypatch.setattr(executors, "run_task", fake_task(fail_seed=1))
    jobs = [Job.of(tiny, 1), Job.of(tiny, 2)]
    got: list[tuple[int, int]] = []
    with pytest.raises(ReplicationError) as info:
        run_tasks(jobs, [(0, 0), (1, 0), (1, 1), (1, 2)],
                  lambda k, res: got.append((k, res.replication)),
                  Backend(Immediate(), 2, "executor"), window=4)
    assert got == [(1, 0), (1, 1), (1, 2)]
    error = info.value
    assert error.tasks == (Task(0, 0, "tiny", 1),) and error.reason == "failed"
    assert isinstance(error.__cause__, ZeroDivisionError)
    assert str(error) == ("replication 0 of scenario 'tiny' (seed 1) failed: "
                          "ZeroDivisionError: replication 0 broke")


def test_replications_running_when_one_fails_finish_and_are_handed_over(
        tiny: sim.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "run_task", fake_task(fail_seed=1, slow_s=0.5))
    jobs = [Job.of(tiny, 1), Job.of(tiny, 2)]
    got: list[int] = []
    with ThreadPoolExecutor(2) as pool, pytest.raises(ReplicationError, match="seed 1"):
        # the slow one starts first, the failure comes back while it runs
        run_tasks(jobs, [(1, 7), (0, 3)], lambda k, res: got.append(res.replication),
                  Backend(pool, 2, "executor"))
    assert got == [7]


def test_a_caller_that_keeps_nothing_does_not_wait_for_running_replications(
        tiny: sim.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    # a sweep writes nothing when one fails: waiting for the others only delayed the error
    monkeypatch.setattr(executors, "run_task", fake_task(fail_seed=1, slow_s=2.0))
    jobs = [Job.of(tiny, 1), Job.of(tiny, 2)]
    got: list[int] = []
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        with pytest.raises(ReplicationError, match="seed 1"):
            run_tasks(jobs, [(1, 7), (0, 3)], lambda k, res: got.append(res.replication),
                      Backend(pool, 2, "executor"), drain_s=0.0)
        raised_after = time.monotonic() - started
    assert got == [] and raised_after < 1.5


def test_in_process_failures_name_the_replication(
        tiny: sim.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    failing(monkeypatch, 1)
    saved: list[int] = []
    with pytest.raises(ReplicationError) as info:
        sim.run(tiny, 3, seed=5, sink=lambda res: saved.append(res.replication))
    assert saved == [0]
    assert info.value.tasks == (Task(0, 1, "tiny", 5),)
    assert "replication 1 of scenario 'tiny' (seed 5) failed: ZeroDivisionError" in str(
        info.value)


def test_a_process_pool_run_keeps_every_replication_that_finished(
        tiny: sim.Scenario, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Workers are forked from this process, so they run the patched World.run: each
    # replication leaves a mark when it has run, and replication 2 fails. Saving
    # replication 0 is slow (a busy disk), so 2 fails and 3 finishes meanwhile: 3 was lost.
    real = World.run

    def run(self: World) -> None:
        r = self.streams.replication
        time.sleep(0.1)
        if r == 2:
            raise ZeroDivisionError("injected")
        real(self)
        (tmp_path / f"ran-{r}").touch()

    def sink(res) -> None:
        if res.replication == 0:
            time.sleep(1.0)
        saved.append(res.replication)

    monkeypatch.setattr(World, "run", run)
    saved: list[int] = []
    with pytest.raises(ReplicationError) as info:
        sim.run(tiny, 8, seed=3, workers=2, sink=sink)
    assert [t.replication for t in info.value.tasks] == [2]
    ran = sorted(int(p.name.removeprefix("ran-")) for p in tmp_path.glob("ran-*"))
    assert sorted(saved) == ran and 3 in ran and 2 not in ran


# ------------------------------------------------------------------ what the command says
def test_sim_run_names_the_failed_replication_and_says_how_to_finish(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    failing(monkeypatch, 2)
    out = tmp_path / "r"
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "5", "--seed", "4", "--out",
                                       str(out), "-q", "-w", "2", "--no-figures",
                                       "--set", "horizon_days=40"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "internal error: ZeroDivisionError: injected" in lines
    assert "  in replication 2 of scenario 'tiny' (seed 4)" in lines
    saved = len(list((out / "replications").glob("rep-*.npz")))
    assert saved >= 2 and f"{saved} finished replication(s) are saved in" in result.output
    command = lines[-1].strip()
    assert command.startswith("sim run ") and command.endswith(
        " --no-figures --workers 2 --resume")  # as it was run
    assert "Traceback" not in result.output
    monkeypatch.undo()  # fixed: the printed command finishes the run
    again = CliRunner().invoke(main, shlex.split(command)[1:] + ["-q"])
    assert again.exit_code == 0, again.output
    assert (out / "manifest.json").exists()


def test_a_worker_that_died_is_not_reported_as_a_bug(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    failing(monkeypatch, 1, exit_worker=True)
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "4", "--seed", "4", "--out",
                                       str(tmp_path / "r"), "-q", "-w", "2",
                                       "--set", "horizon_days=40"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: a worker process died (out of memory, or "
                                    "killed?)"), result.output
    lost = re.search(r"replications? ([\d, and]+) of scenario 'tiny' \(seed 4\)",
                     result.output)
    assert lost and "1" in re.split(r", | and ", lost.group(1)), result.output
    assert "internal error" not in result.output and "BrokenProcessPool" not in result.output
    assert "finished replication(s) are saved in" in result.output
    assert result.output.rstrip().endswith("--resume")


def test_sim_compare_names_the_scenario_of_the_failed_replication(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, closure_file: Path) -> None:
    failing(monkeypatch, 1, scenario="closure")
    out = tmp_path / "c"
    result = CliRunner().invoke(main, ["compare", str(TINY), str(closure_file), "-n", "3",
                                       "--out", str(out), "-q", "-w", "1", "--no-figures",
                                       "--set", "horizon_days=40"])
    assert result.exit_code == 1, result.output
    assert "  in replication 1 of scenario 'closure' (seed 0)" in result.output
    saved = len(list(out.glob("*/replications/rep-*.npz")))
    assert saved >= 2 and f"{saved} finished replication(s) are saved in {out}" in (
        result.output)
    assert result.output.rstrip().endswith(" --no-figures --workers 1 --resume")


def test_sim_sweep_names_the_sample_of_the_failed_replication(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    failing(monkeypatch, 0)
    out = tmp_path / "s"
    result = CliRunner().invoke(main, ["sweep", str(TINY), "--param",
                                       "horizon_days=30:40:int", "-n", "2", "--out", str(out),
                                       "-q", "-w", "1"])
    assert result.exit_code == 1, result.output
    assert re.search(r"  in replication 0 of sample 0 at horizon_days=\d+ \(seed 0\)",
                     result.output), result.output
    # sample 0 failed first: nothing finished, and the command that finishes it is given
    assert f"0 finished replication(s) are saved in {out}" in result.output
    assert result.output.rstrip().endswith(" --resume")


def test_a_replication_error_survives_pickling_and_copying() -> None:
    # sim.run inside the caller's own process pool or Dask task sends it back pickled
    import copy
    import pickle

    error = ReplicationError(ValueError("boom"), [Task(0, 3, "base", 1)], "failed")
    for back in (pickle.loads(pickle.dumps(error)), copy.copy(error)):
        assert str(back) == str(error)
        assert back.tasks == error.tasks and back.reason == "failed"
        assert isinstance(back.cause, ValueError)
