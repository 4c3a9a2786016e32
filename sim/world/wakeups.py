"""The events the world schedules itself, and the loop that fires a SimPy schedule.

Lots move, and mines produce, by callbacks, not processes: a :class:`Wakeup` fires
``delay`` days from now and calls one function with itself, its ``value`` the one it was
given. It does what ``env.timeout(delay, value).callbacks.append(fn)`` does, without the
checks a general timeout needs; an :class:`Urgent` one fires before the normal events at its
time, as a process's first step does, and closes each day (the day's accounts close before
anything of the next day happens, whatever order other events were scheduled in).

A replication schedules a few hundred thousand of these, so they are not SimPy events but a
class of their own, which the compiled build (``make compiled``) turns into a C struct:
:func:`run_schedule`, the loop of the world's :class:`~sim.world.events.Environment`, reads
their fields directly. They carry what SimPy's own :meth:`~simpy.Environment.step` reads of
an event (``callbacks``, ``_ok``, ``_value``), so a plain SimPy environment runs them too
(``tests/world/test_engine_loop.py`` runs both side by side).

Both lean on three attributes of SimPy's ``Environment`` (``_now``, ``_queue``, ``_eid``),
which have not changed since SimPy 3.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any, Final

from simpy.core import EmptySchedule, StopSimulation

NORMAL: Final = 1
"""SimPy's priority of an ordinary event (``simpy.events.NORMAL``)."""
URGENT: Final = 0
"""SimPy's priority of an event that fires before the normal ones at its time."""
_RESUMED: Final = -1
"""The priority SimPy reschedules an event with whose callbacks a StopSimulation cut short."""


class Wakeup:
    """An event ``delay`` days from now (``delay >= 0``, not checked) that calls
    ``callback(event)``. ``value`` is the event's value (``event.value``); ``priority`` is
    SimPy's, :data:`NORMAL` or :data:`URGENT` (see :class:`Urgent`).

    Scheduled on creation; it cannot be cancelled, so an owner that reschedules keeps the
    newest and ignores the others when they fire (as :class:`~sim.world.queues.FifoServer`
    does)."""

    def __init__(self, env: Any, delay: float, value: Any,
                 callback: Callable[[Any], None], priority: int = NORMAL) -> None:
        self.env = env
        self.callbacks: list[Callable[[Any], None]] | None = [callback]
        """What to call when it fires; None once fired (SimPy's convention)."""
        self._value = value
        self._ok = True
        # env.schedule(self, priority, delay), without the method call
        heappush(env._queue, (env._now + delay, priority, next(env._eid), self))

    @property
    def value(self) -> Any:
        """The value it was created with."""
        return self._value

    @property
    def ok(self) -> bool:
        """Always True: a wake-up cannot fail."""
        return self._ok

    @property
    def processed(self) -> bool:
        """Whether it has fired."""
        return self.callbacks is None


class Urgent(Wakeup):
    """A :class:`Wakeup` that fires before the normal events at its time, as the first
    step of a SimPy process does (SimPy's ``Initialize``): components that run on
    callbacks start with one, so that they start where a process would; the world closes
    each day with one."""

    def __init__(self, env: Any, delay: float, value: Any,
                 callback: Callable[[Any], None]) -> None:
        super().__init__(env, delay, value, callback, URGENT)


def run_schedule(env: Any) -> None:
    """Fire the events of ``env``'s schedule in order until it is empty (raises
    :class:`~simpy.core.EmptySchedule`) or a callback raises.

    This is :meth:`simpy.Environment.step`'s body, statement for statement, in a loop: the
    same order of events and the same handling of :class:`~simpy.core.StopSimulation` raised
    by a callback (the callbacks not yet run are kept and the event is rescheduled first) and
    of failed events that nobody defused. It also sets ``env.now``, which the world's
    environment keeps as a plain attribute."""
    queue: list[Any] = env._queue
    while True:
        try:
            env._now, _, _, event = heappop(queue)
        except IndexError:
            raise EmptySchedule from None
        env.now = env._now
        # A wake-up's fields are read as a struct's in the compiled build (the two
        # branches are the same statements), and it cannot have failed.
        callbacks: Any  # a list; None once processed
        if isinstance(event, Wakeup):
            callbacks = event.callbacks
            event.callbacks = None
            may_fail = False
        else:
            callbacks = event.callbacks
            event.callbacks = None
            may_fail = True
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation:
            # keep the callbacks not yet run, to run when the simulation resumes
            event.callbacks = callbacks[callbacks.index(callback) + 1:]
            env.schedule(event, _RESUMED)
            raise
        if may_fail and not event._ok and not hasattr(event, "_defused"):
            # a failed event nobody handled crashes the run, as in SimPy
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc
