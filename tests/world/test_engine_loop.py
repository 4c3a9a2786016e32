"""The world's SimPy environment (``sim.world.events.Environment``: ``step`` written into
a loop of its own, ``sim.world.wakeups.run_schedule``, and a clock the world reads the time from)
behaves exactly as SimPy's own: the same events in the same order at the same times with
the same event numbers, the same handling of ``until``, of StopSimulation raised by a
callback and of failed events.

The world's wake-ups are not SimPy events and are scheduled through the world's
environment's clock; beside them SimPy's own environment runs the SimPy event a wake-up
stands for (one scheduled with the same priority and delay that calls back). Each test
that schedules them runs twice (the ``typed`` fixture): with them on SimPy's heap of
tuples, as plain Python keeps them, and on their own typed heap, as the compiled build
keeps them (``sim.world.wakeups.TYPED_SCHEDULE``); a replication gives bit-identical
results with either."""

from __future__ import annotations

import heapq
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import simpy

import sim
import sim.world.wakeups as wakeups
import sim.world.world as world_module
from sim.experiment.replication import run_replication
from sim.world.events import Environment
from sim.world.wakeups import NORMAL, URGENT, Urgent, Wakeup

ROOT = Path(__file__).resolve().parents[2]
ENVS = [simpy.Environment, Environment]


@pytest.fixture(params=[False, True], ids=["tuple-heap", "typed-heap"])
def typed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Wake-ups on SimPy's heap (plain Python's schedule) or on their own typed heap (the
    compiled build's), both run here in plain Python."""
    monkeypatch.setattr(wakeups, "TYPED_SCHEDULE", request.param)
    return bool(request.param)


def wakeup(env: simpy.Environment, delay: float, value: Any, callback: Any,
           priority: int = NORMAL) -> Any:
    """A wake-up in the world's environment; in SimPy's own, the SimPy event it stands
    for: one scheduled with the same priority and delay that calls back."""
    if isinstance(env, Environment):
        return Wakeup(env.clock, delay, value, callback, priority)
    event = simpy.Event(env)
    event._ok, event._value = True, value  # noqa: SLF001 - as SimPy's Timeout sets them
    event.callbacks.append(callback)
    env.schedule(event, priority, delay)
    return event


def _model(env: simpy.Environment, log: list[Any]) -> None:
    """Processes, plain timeouts with callbacks, Wakeups and simultaneous events."""

    def clock(name: str, period: float) -> Any:
        while True:
            yield env.timeout(period)
            log.append((env.now, name))

    def note(ev: Any) -> None:
        log.append((env.now, "wakeup", ev.value))
        if ev.value < 20:
            wakeup(env, 0.75, ev.value + 1, note)

    env.process(clock("a", 1.0))
    env.process(clock("b", 0.5))
    env.timeout(2.0, "t").callbacks.append(lambda ev: log.append((env.now, ev.value)))
    wakeup(env, 0.0, 0, note)
    wakeup(env, 1.5, 100, note, URGENT)  # before clock a's and b's steps at 1.5


@pytest.mark.parametrize("until", [7.5, 7, None])
def test_same_events_in_the_same_order(until: Any, typed: bool) -> None:
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


def _stop_and_resume(cls: type[simpy.Environment], woken: bool) -> tuple[list[Any], int]:
    env = cls()
    log: list[Any] = []
    ev = wakeup(env, 1, None, lambda _e: log.append("first")) if woken else env.timeout(1)
    if not woken:
        ev.callbacks.append(lambda _e: log.append("first"))
    ev.callbacks.append(simpy.core.StopSimulation.callback)
    ev.callbacks.append(lambda _e: log.append(("after stop", env.now)))
    env.timeout(2).callbacks.append(lambda _e: log.append(("later", env.now)))
    wakeup(env, 1, None, lambda _e: log.append(("woken", env.now)))
    env.run()  # stops at t = 1 with the third callback still to run
    log.append(("stopped", env.now))
    env.run()
    return log, next(env._eid)


@pytest.mark.parametrize("woken", [False, True], ids=["timeout", "wakeup"])
def test_stop_simulation_from_a_callback_keeps_the_remaining_callbacks(
        woken: bool, typed: bool) -> None:
    # the stopped event is rescheduled first, before the wake-up due at the same time
    results = [_stop_and_resume(cls, woken) for cls in ENVS]
    assert results[0] == results[1]
    assert results[0][0] == ["first", ("stopped", 1), ("after stop", 1), ("woken", 1),
                             ("later", 2)]


@pytest.mark.parametrize("env_class", ENVS)
def test_a_wakeup_whose_one_callback_stops_the_run_resumes_with_none_left(
        env_class, typed: bool) -> None:
    # the wake-up's one callback runs without a list made for it; a StopSimulation there
    # reschedules it first with no callbacks left, as SimPy's step does for any event
    env = env_class()
    log: list[Any] = []
    stopper = wakeup(env, 1, None, simpy.core.StopSimulation.callback)
    wakeup(env, 1, None, lambda _e: log.append(("woken", env.now)))
    env.timeout(2).callbacks.append(lambda _e: log.append(("later", env.now)))
    env.run()
    log.append(("stopped", env.now, stopper.callbacks, stopper.processed))
    env.run()
    log.append((stopper.callbacks, stopper.processed, next(env._eid)))
    assert log == [("stopped", 1, [], False), ("woken", 1), ("later", 2), (None, True, 4)]


def test_a_wakeups_callbacks_are_a_list_once_read_and_none_once_fired(typed: bool) -> None:
    env = Environment()
    seen: list[str] = []

    def first(_ev: Any) -> None:
        seen.append("first")

    woken = Wakeup(env.clock, 1.0, None, first)
    assert woken.callback is first and woken.callbacks == [first]  # made when read
    assert woken.callback is None and woken.callbacks is woken.callbacks
    woken.callbacks.append(lambda _ev: seen.append("appended"))
    untouched = Wakeup(env.clock, 1.0, None, lambda _ev: seen.append("untouched"))
    env.run()
    assert seen == ["first", "appended", "untouched"]
    for event in (woken, untouched):
        assert event.processed and event.callbacks is None and event.callback is None


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


def test_step_and_peek_take_the_next_event_of_either_heap(typed: bool) -> None:
    runs = []
    for cls in ENVS:
        env = cls()
        seen: list[Any] = []
        env.timeout(2, "timeout at 2").callbacks.append(lambda ev: seen.append(ev.value))
        wakeup(env, 2, "wakeup at 2", lambda ev: seen.append(ev.value))
        wakeup(env, 2, "urgent at 2", lambda ev: seen.append(ev.value), URGENT)
        wakeup(env, 1, "wakeup at 1", lambda ev: seen.append(ev.value))
        steps = []
        while env.peek() != simpy.core.Infinity:
            at = env.peek()
            env.step()
            steps.append((at, env.now, seen[-1]))
        with pytest.raises(simpy.core.EmptySchedule):
            env.step()
        runs.append(steps)
    assert runs[0] == runs[1] == [(1, 1, "wakeup at 1"), (2, 2, "urgent at 2"),
                                  (2, 2, "timeout at 2"), (2, 2, "wakeup at 2")]
    if typed:
        env = Environment()
        Wakeup(env.clock, 1.0, None, print)
        assert env._queue == [] and wakeups.waiting(env.clock) == 1  # noqa: SLF001 - its own


@pytest.mark.parametrize(("far", "beyond_near"), [(False, False), (True, False), (False, True)],
                         ids=["near", "with-far", "beyond-near-days"])
def test_the_typed_schedule_fires_in_simpys_order(monkeypatch: pytest.MonkeyPatch,
                                                  far: bool, beyond_near: bool) -> None:
    # many wake-ups at few distinct times, both priorities, scheduled and taken in turns,
    # against heapq on SimPy's (time, priority, number) tuples: due the same day (on the
    # heap) and on later days (in their buckets, which join the heap in turn), some in a
    # day whose bucket exists, some in a day that has none yet; with far ones too, past the
    # last bucket's day and at infinity; or about NEAR_DAYS ahead, each day once beyond the
    # list of near days (in the dictionary) and then within it, so in both
    monkeypatch.setattr(wakeups, "TYPED_SCHEDULE", True)
    rng = np.random.default_rng(3)
    env = Environment()
    reference: list[tuple[float, int, int]] = []
    popped, expected = [], []
    far_days: set[int] = set()
    near_days: set[int] = set()
    for _round in range(60):
        for _ in range(int(rng.integers(0, 12))):
            delay = float(rng.integers(0, 5)) * 0.5
            if far and rng.random() < 0.05:
                delay = float(rng.choice([3e15, 1e16, np.inf]))
            if beyond_near and rng.random() < 0.3:
                delay += wakeups.NEAR_DAYS - 2.0
            priority = int(rng.choice([URGENT, NORMAL]))
            w = Wakeup(env.clock, delay, None, print, priority)
            assert (w.time, w.priority) == (env.clock.now + delay, priority)
            heapq.heappush(reference, (w.time, w.priority, w.number))
            far_days.update(env.clock.later)
            near_days.update(int(w.time) for bucket in env.clock.near if bucket for w in bucket)
        for _ in range(int(rng.integers(0, 10))):
            assert wakeups.waiting(env.clock) == len(reference)
            if not reference:
                with pytest.raises(IndexError):
                    wakeups.take(env.clock)
                break
            w = wakeups.take(env.clock)
            popped.append((w.time, w.priority, w.number))
            expected.append(heapq.heappop(reference))
            if w.time < 1e15:
                env.clock.now = w.time  # time moves on, as the loop moves it
    while reference:  # and what is left, the far ones among it
        w = wakeups.take(env.clock)
        popped.append((w.time, w.priority, w.number))
        expected.append(heapq.heappop(reference))
    assert len(popped) > 200 and popped == expected
    assert wakeups.waiting(env.clock) == 0
    if beyond_near:  # days that waited in the dictionary, and some of them in both
        assert len(far_days) > 5 and far_days & near_days
    else:
        assert len({t for t, _p, _n in popped}) < len(popped) / 4  # ties decided by the rest
    assert (popped[-1][0] == np.inf) is far
    assert len({int(t) for t, _p, _n in popped if t < 1e15}) > 8  # many days' buckets


def test_a_day_scheduled_when_far_and_again_when_near_fires_in_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a day NEAR_DAYS ahead waits in the dictionary; once the clock is a day on, more wake-ups
    # due that day wait in the list of near days: the day takes both, in SimPy's order
    monkeypatch.setattr(wakeups, "TYPED_SCHEDULE", True)
    env = Environment()
    n = wakeups.NEAR_DAYS
    far = Wakeup(env.clock, n + 0.5, None, print)
    Wakeup(env.clock, 1.0, None, print)
    assert env.clock.later == {n: [far]} and env.clock.near[1] is not None  # day n: far
    assert wakeups.take(env.clock).time == 1.0
    env.clock.now = 1.0
    near_first = Wakeup(env.clock, n - 0.75, None, print, URGENT)  # the same day, earlier
    near_tie = Wakeup(env.clock, n - 0.5, None, print)  # the same time, a later number
    assert env.clock.near[n & (n - 1)] is not None and wakeups.waiting(env.clock) == 3
    assert [wakeups.take(env.clock) for _ in range(3)] == [near_first, far, near_tie]
    assert wakeups.first(env.clock) is None and wakeups.waiting(env.clock) == 0


def test_a_far_wake_up_scheduled_once_the_far_bucket_joined_the_heap_keeps_its_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # far times and infinity share the last day's bucket; one scheduled after that bucket
    # joined the heap must still fire before infinity
    monkeypatch.setattr(wakeups, "TYPED_SCHEDULE", True)
    env = Environment()
    for delay in (np.inf, 2e15):
        Wakeup(env.clock, delay, None, print)
    assert wakeups.take(env.clock).time == 2e15
    Wakeup(env.clock, 3e15, None, print)
    assert [wakeups.take(env.clock).time for _ in range(2)] == [3e15, np.inf]
    assert wakeups.first(env.clock) is None


def test_a_replication_is_identical_with_simpys_own_stepping(
        monkeypatch: pytest.MonkeyPatch, typed: bool) -> None:
    # SimPy's own run, calling step for each event (SimPy's step, once the wake-up due next
    # is on SimPy's heap), instead of the world's loop; shocks of every kind: closures,
    # seizures, taxes, diversions
    sc = sim.load_scenario(ROOT / "scenarios" / "m23_escalation.yaml")
    lean = run_replication(sc, 5, 0)

    class SimPyStepping(Environment):
        __slots__ = ()

        def run(self, until: Any = None) -> Any:
            return simpy.Environment.run(self, until)

    monkeypatch.setattr(world_module, "Environment", SimPyStepping)
    stepped = run_replication(sc, 5, 0)
    assert lean.events == stepped.events
    assert lean.kpi_labels == stepped.kpi_labels
    assert np.array_equal(lean.kpi_values(), stepped.kpi_values(), equal_nan=True)
    assert np.array_equal(lean.series, stepped.series)
    assert lean.timeline == stepped.timeline


def test_a_replication_is_identical_with_the_typed_schedule(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the compiled build's schedule, run in plain Python: the wake-ups on a heap of their own
    sc = sim.load_scenario(ROOT / "scenarios" / "m23_escalation.yaml")
    on_tuples = run_replication(sc, 5, 0)
    monkeypatch.setattr(wakeups, "TYPED_SCHEDULE", True)
    scheduled: list[int] = []
    monkeypatch.setattr(wakeups, "schedule", lambda clock, w, schedule=wakeups.schedule: (
        scheduled.append(1), schedule(clock, w))[-1])
    typed = run_replication(sc, 5, 0)
    assert len(scheduled) > typed.events / 2  # most events were wake-ups on their own
    assert typed.events == on_tuples.events
    assert np.array_equal(typed.kpi_values(), on_tuples.kpi_values(), equal_nan=True)
    assert np.array_equal(typed.series, on_tuples.series)
    assert typed.timeline == on_tuples.timeline


@pytest.mark.parametrize("env_class", ENVS)
def test_a_chain_of_callbacks_keeps_a_process_order_and_event_numbers(
        env_class, typed: bool) -> None:
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
                wakeup(env, 1.0, None, produce)

            wakeup(env, 0.0, None, produce, URGENT)
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
def test_a_wakeup_fires_as_a_timeout_with_a_callback_does(env_class, typed: bool) -> None:
    env = env_class()
    seen: list[Any] = []
    early = wakeup(env, 2.5, "w", lambda ev: seen.append((env.now, ev.value, ev.processed)))
    env.timeout(2.5, "t").callbacks.append(lambda ev: seen.append((env.now, ev.value)))
    if env_class is Environment:
        first = Urgent(env.clock, 2.5, "u", lambda ev: seen.append((env.now, ev.value)))
    else:
        first = wakeup(env, 2.5, "u", lambda ev: seen.append((env.now, ev.value)), URGENT)
    assert early.ok and not early.processed and early.value == "w"
    env.run()
    # at the same time the urgent one first, then the others in the order scheduled; a
    # wake-up is processed (no callbacks left) while its callbacks run, as SimPy's events are
    assert seen == [(2.5, "u"), (2.5, "w", True), (2.5, "t")]
    assert early.processed and first.processed and env.now == 2.5
    assert next(env._eid) == 3  # one event number each, as SimPy's schedule gives
