"""The SimPy environment the world runs in.

:class:`Environment` is SimPy's environment with the stepping of :meth:`~Environment.run`
written into a loop of its own (:func:`sim.world.wakeups.run_schedule`, compiled in the
compiled build), and a :class:`~sim.world.wakeups.Clock` the world reads the time from. The
events the world schedules itself are in :mod:`sim.world.wakeups`.

It leans on three attributes of SimPy's ``Environment`` (``_now``, ``_queue``, ``_eid``),
which have not changed since SimPy 3, and adds a :class:`~sim.world.wakeups.Clock`;
``tests/world/test_engine_loop.py`` runs this environment side by side with SimPy's own.
"""

from __future__ import annotations

from typing import Any

import simpy
from simpy.core import URGENT, BoundClass, EmptySchedule, StopSimulation
from simpy.events import Event

from sim.world.wakeups import Clock, hand_over_next, next_time, run_schedule


class Environment(simpy.Environment):
    """:class:`simpy.Environment` whose :meth:`run` does the work of :meth:`step` in its own
    loop.

    A 10-year replication processes about 220,000 events, most of them with one short
    callback; SimPy's ``run`` calls ``step`` for each, and that call, with the lookups it
    repeats, is a sizeable share of SimPy's own time. Its loop
    (:func:`~sim.world.wakeups.run_schedule`) is ``step``'s body, statement for statement,
    and :meth:`run` is SimPy's: the same order of events, the same event numbers
    (``_eid``), the same handling of ``until``, of :class:`~simpy.core.StopSimulation`
    raised by a callback (the callbacks not yet run are kept and the event is rescheduled
    first) and of failed events that nobody defused.

    The world's components read the time from :attr:`clock` (a
    :class:`~sim.world.wakeups.Clock`, which the compiled build reads as a C struct), about
    three times per event, and schedule their wake-ups through it; ``now``, SimPy's
    property, is read a few times a day.
    """

    __slots__ = ("clock",)

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        self.clock = Clock(self)
        """The time, event numbers and heaps as compiled code reads them, and what the
        world's wake-ups are scheduled through (see :mod:`sim.world.wakeups`)."""
        # SimPy binds env.timeout, env.process and the like to the environment once, but
        # only those in the instance's own class's __dict__: a subclass's are bound anew
        # at every call unless bound here.
        for name, obj in vars(simpy.Environment).items():
            if type(obj) is BoundClass:
                setattr(self, name, obj.__get__(self))

    def peek(self) -> Any:
        """As :meth:`simpy.Environment.peek`: the time of the next event, or
        :data:`~simpy.core.Infinity` if there is none."""
        return next_time(self.clock)

    def step(self) -> None:
        """As :meth:`simpy.Environment.step`, keeping the clock's time up to date."""
        hand_over_next(self.clock)
        if self._queue:
            self.clock.now = self._queue[0][0]  # the time of the event SimPy's step pops
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
            run_schedule(self.clock)
        except StopSimulation as exc:
            return exc.args[0]  # the until event's value
        except EmptySchedule:
            if until is not None:
                assert not until.triggered
                raise RuntimeError(f'No scheduled events left but "until" event was not '
                                   f"triggered: {until}") from None
        return None
