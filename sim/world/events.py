"""The SimPy environment the world runs in, and the kinds of event it schedules itself.

Lots move, and mines produce, by callbacks, not processes: a :class:`Wakeup` is a SimPy
event that fires ``delay`` days from now and calls one function with its value. It does
what ``env.timeout(delay, value).callbacks.append(fn)`` does, without the checks and the
list append a general timeout needs, which matters at a few hundred thousand events per
replication; an :class:`Urgent` one fires before the normal events at its time, as a
process's first step does. :class:`DayEnd` closes each day before anything else happens at
that time.
:class:`Environment` is SimPy's environment with the stepping of :meth:`~Environment.run`
written into its loop.

Both lean on three attributes of SimPy's ``Environment`` (``_now``, ``_queue``, ``_eid``),
which have not changed since SimPy 3; ``tests/world/test_engine_loop.py`` runs this
environment side by side with SimPy's own.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.core import NORMAL, URGENT, BoundClass, EmptySchedule, StopSimulation
from simpy.events import Event, EventPriority


class Environment(simpy.Environment):
    """:class:`simpy.Environment` whose :meth:`run` does the work of :meth:`step` in its own
    loop.

    A replication processes about 170,000 events, most of them with one short callback;
    SimPy's ``run`` calls ``step`` for each, and that call, with the lookups it repeats,
    is a sizeable share of SimPy's own time. The loop below is ``step``'s body, statement
    for statement: the same order of events, the same event numbers (``_eid``), the same
    handling of ``until``, of :class:`~simpy.core.StopSimulation` raised by a callback (the
    callbacks not yet run are kept and the event is rescheduled first) and of failed
    events that nobody defused.

    ``now`` is a plain attribute here, set with SimPy's ``_now`` whenever time moves,
    rather than SimPy's read-only property: the model reads the clock about three times
    per event, and a property costs a Python call each time.
    """

    # A slot named ``now`` shadows SimPy's property of that name: reading it is as cheap
    # as reading any attribute (set in __init__, step and run's loop).
    __slots__ = ("now",)

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        self.now = self._now
        # SimPy binds env.timeout, env.process and the like to the environment once, but
        # only those in the instance's own class's __dict__: a subclass's are bound anew
        # at every call unless bound here.
        for name, obj in vars(simpy.Environment).items():
            if type(obj) is BoundClass:
                setattr(self, name, obj.__get__(self))

    def step(self) -> None:
        """As :meth:`simpy.Environment.step`, keeping ``now`` up to date."""
        if self._queue:
            self.now = self._queue[0][0]  # the time of the event SimPy's step pops next
        super().step()

    def run(self, until: Any = None) -> Any:
        """As :meth:`simpy.Environment.run` (SimPy 4.1)."""
        if until is not None:
            if not isinstance(until, Event):
                at = until if isinstance(until, int) else float(until)
                if at <= self.now:
                    raise ValueError(
                        f"until ({at}) must be greater than the current simulation time")
                until = Event(self)
                until._ok = True
                until._value = None
                self.schedule(until, URGENT, at - self.now)
            elif until.callbacks is None:
                return until.value  # already processed
            until.callbacks.append(StopSimulation.callback)
        try:
            self._loop()
        except StopSimulation as exc:
            return exc.args[0]  # the until event's value
        except EmptySchedule:
            if until is not None:
                assert not until.triggered
                raise RuntimeError(f'No scheduled events left but "until" event was not '
                                   f"triggered: {until}") from None
        return None

    def _loop(self) -> None:
        """Process events until the schedule is empty (raises EmptySchedule) or a callback
        raises; :meth:`simpy.Environment.step` inlined."""
        queue = self._queue
        while True:
            try:
                self._now, _, _, event = heappop(queue)
            except IndexError:
                raise EmptySchedule from None
            self.now = self._now
            callbacks, event.callbacks = event.callbacks, None
            try:
                for callback in callbacks:
                    callback(event)
            except StopSimulation:
                # keep the callbacks not yet run, to run when the simulation resumes
                event.callbacks = callbacks[callbacks.index(callback) + 1:]
                self.schedule(event, EventPriority(-1))
                raise
            if not event._ok and not hasattr(event, "_defused"):
                # a failed event nobody handled crashes the run, as in SimPy
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc


class Wakeup(simpy.events.Event):
    """An event ``delay`` days from now (``delay >= 0``, not checked) that calls
    ``callback(event)``; the event's ``value`` is ``value``. ``priority`` is SimPy's:
    NORMAL, or URGENT to fire before the normal events at its time (see :class:`Urgent`)."""

    def __init__(self, env: simpy.Environment, delay: float, value: Any,
                 callback: Callable[[Any], None], priority: int = NORMAL) -> None:
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        # env.schedule(self, priority, delay), without the method call
        heappush(env._queue, (env._now + delay, priority, next(env._eid), self))


class Urgent(Wakeup):
    """A :class:`Wakeup` that fires before the normal events at its time, as the first
    step of a SimPy process does (SimPy's ``Initialize``): components that run on
    callbacks start with one, so that they start where a process would."""

    def __init__(self, env: simpy.Environment, delay: float, value: Any,
                 callback: Callable[[Any], None]) -> None:
        super().__init__(env, delay, value, callback, URGENT)


class DayEnd(simpy.events.Event):
    """An event ``delay`` days from now that fires before every other event at that time.

    The day's accounts (refining, consumption, prices, snapshots) therefore close before
    anything of the next day happens, whatever order other events were scheduled in.
    """

    def __init__(self, env: simpy.Environment, delay: float) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, URGENT, delay)
