"""The world's SimPy environment (``sim.world.events.Environment``: ``step`` written into
a loop of its own, ``sim.world.wakeups.run_schedule``, and ``now`` a plain attribute)
behaves exactly as SimPy's own: the same events in the same order at the same times with
the same event numbers, the same handling of ``until``, of StopSimulation raised by a
callback and of failed events, and a replication gives bit-identical results with either.
The world's wake-ups, which are not SimPy events, run in both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import simpy

import sim
import sim.world.world as world_module
from sim.experiment.replication import run_replication
from sim.world.events import Environment
from sim.world.wakeups import Urgent, Wakeup

ROOT = Path(__file__).resolve().parents[2]
ENVS = [simpy.Environment, Environment]


def _model(env: simpy.Environment, log: list[Any]) -> None:
    """Processes, plain timeouts with callbacks, Wakeups and simultaneous events."""

    def clock(name: str, period: float) -> Any:
        while True:
            yield env.timeout(period)
            log.append((env.now, name))

    def note(ev: Any) -> None:
        log.append((env.now, "wakeup", ev.value))
        if ev.value < 20:
            Wakeup(env, 0.75, ev.value + 1, note)

    env.process(clock("a", 1.0))
    env.process(clock("b", 0.5))
    env.timeout(2.0, "t").callbacks.append(lambda ev: log.append((env.now, ev.value)))
    Wakeup(env, 0.0, 0, note)


@pytest.mark.parametrize("until", [7.5, 7, None])
def test_same_events_in_the_same_order(until: Any) -> None:
    logs, eids, nows = [], [], []
    for cls in ENVS:
        env = cls()
        log: list[Any] = []
        _model(env, log)
        if until is None:
            stop = env.timeout(9.25)  # an event as the criterion
            assert env.run(until=stop) is None
        else:
            env.run(until=until)
        env.run(until=env.now + 3)  # and resume
        logs.append(log)
        eids.append(next(env._eid))  # SimPy's event counter
        nows.append(env.now)
    assert logs[0] == logs[1]
    assert eids[0] == eids[1]
    assert nows[0] == nows[1]


def test_until_errors_and_empty_schedule() -> None:
    for cls in ENVS:
        env = cls()
        env.run(until=2)
        with pytest.raises(ValueError, match="must be greater"):
            env.run(until=1)
        never = env.event()
        with pytest.raises(RuntimeError, match="No scheduled events left"):
            env.run(until=never)
        assert env.run() is None  # nothing left: returns at once
        done = env.timeout(1, value="v")
        assert env.run(until=done) == "v"
        assert env.run(until=done) == "v"  # already processed


def _stop_and_resume(cls: type[simpy.Environment]) -> tuple[list[Any], int]:
    env = cls()
    log: list[Any] = []
    ev = env.timeout(1)
    ev.callbacks.append(lambda _e: log.append("first"))
    ev.callbacks.append(simpy.core.StopSimulation.callback)
    ev.callbacks.append(lambda _e: log.append(("after stop", env.now)))
    env.timeout(2).callbacks.append(lambda _e: log.append(("later", env.now)))
    env.run()  # stops at t = 1 with the third callback still to run
    log.append(("stopped", env.now))
    env.run()
    return log, next(env._eid)


def test_stop_simulation_from_a_callback_keeps_the_remaining_callbacks() -> None:
    results = [_stop_and_resume(cls) for cls in ENVS]
    assert results[0] == results[1]
    assert results[0][0] == ["first", ("stopped", 1), ("after stop", 1), ("later", 2)]


def test_failed_events_crash_unless_defused() -> None:
    for cls in ENVS:
        env = cls()
        env.event().fail(KeyError("lost"))
        with pytest.raises(KeyError, match="lost") as err:
            env.run()
        assert isinstance(err.value.__cause__, KeyError)
        quiet = env.event()
        quiet.fail(KeyError("handled"))
        quiet.defused = True
        assert env.run() is None


def test_step_keeps_now_up_to_date() -> None:
    env = Environment(initial_time=5)
    assert env.now == 5
    seen = []
    env.timeout(3).callbacks.append(lambda _e: seen.append(env.now))
    env.step()
    assert seen == [8] and env.now == 8 == env._now
    with pytest.raises(simpy.core.EmptySchedule):
        env.step()


def test_a_replication_is_identical_with_simpys_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # shocks of every kind: closures, seizures, taxes, diversions
    sc = sim.load_scenario(ROOT / "scenarios" / "m23_escalation.yaml")
    lean = run_replication(sc, 5, 0)
    monkeypatch.setattr(world_module, "Environment", simpy.Environment)
    plain = run_replication(sc, 5, 0)
    assert lean.events == plain.events
    assert lean.kpi_labels == plain.kpi_labels
    assert np.array_equal(lean.kpi_values(), plain.kpi_values(), equal_nan=True)
    assert np.array_equal(lean.series, plain.series)


@pytest.mark.parametrize("env_class", ENVS)
def test_a_chain_of_callbacks_keeps_a_process_order_and_event_numbers(env_class) -> None:
    # Mines produce on an Urgent start and a Wakeup per period instead of a process with
    # a timeout per period: against the same other events (one scheduled before, at the
    # same instant), each step runs when the process's would, and the schedule takes the
    # same event numbers.
    def run(chain: bool) -> tuple[list[tuple[float, str]], int]:
        env = env_class()
        log: list[tuple[float, str]] = []
        env.timeout(0.0).callbacks.append(lambda _ev: log.append((env.now, "other at 0")))
        env.timeout(2.0).callbacks.append(lambda _ev: log.append((env.now, "other at 2")))
        if chain:
            def produce(_ev: Any) -> None:
                log.append((env.now, "produce"))
                Wakeup(env, 1.0, None, produce)

            Urgent(env, 0.0, None, produce)
        else:
            def process() -> Any:
                while True:
                    log.append((env.now, "produce"))
                    yield env.timeout(1.0)

            env.process(process())
        env.run(until=4.5)
        return log, next(env._eid)  # noqa: SLF001 - the next event number

    chained, processed = run(True), run(False)
    assert chained == processed
    log = chained[0]
    assert log[:2] == [(0.0, "produce"), (0.0, "other at 0")]  # urgent, as a process starts
    assert log.count((2.0, "other at 2")) == 1
    assert log.index((2.0, "other at 2")) < log.index((2.0, "produce"))  # scheduled first


@pytest.mark.parametrize("env_class", ENVS)
def test_a_wakeup_fires_as_a_timeout_with_a_callback_does(env_class) -> None:
    env = env_class()
    seen: list[Any] = []
    early = Wakeup(env, 2.5, "w", lambda ev: seen.append((env.now, ev.value, ev.processed)))
    env.timeout(2.5, "t").callbacks.append(lambda ev: seen.append((env.now, ev.value)))
    first = Urgent(env, 2.5, "u", lambda ev: seen.append((env.now, ev.value)))
    assert early.ok and not early.processed and early.value == "w"
    env.run()
    # at the same time the urgent one first, then the others in the order scheduled; a
    # wake-up is processed (no callbacks left) while its callbacks run, as SimPy's events are
    assert seen == [(2.5, "u"), (2.5, "w", True), (2.5, "t")]
    assert early.processed and first.processed and env.now == 2.5
    assert next(env._eid) == 3  # one event number each, as SimPy's schedule gives
