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
an event (``callbacks``, ``_ok``, ``_value``), so SimPy's ``step`` fires them too. They are
scheduled through the environment's :class:`Clock`, which holds the time, the event
numbers and the heaps as fields compiled code reads directly: the world's components read
the time there too, instead of from the environment, a Python object whose every attribute
read is a dictionary lookup.

Where they wait depends on the build (:data:`TYPED_SCHEDULE`). In plain Python they go on
SimPy's heap of ``(time, priority, number, event)`` tuples beside SimPy's own events.
Compiled, they wait in a schedule of their own (:func:`schedule`, :func:`take`): a heap
ordered by their typed fields for those due before the end of the day it has reached, and
a bucket for each later day, which joins the heap when the heap has nothing left; the loop
fires whichever of the two schedules' first events comes first. Comparing tuples item by
item through Python's generic comparison was the largest single cost of the compiled build.
Either way the same events fire in the same order with the same event numbers
(``tests/world/test_engine_loop.py`` runs both schedules against SimPy's own environment).

Both lean on three attributes of SimPy's ``Environment`` (``_now``, ``_queue``, ``_eid``),
which have not changed since SimPy 3.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from heapq import heappop, heappush
from typing import Any, Final

from simpy.core import EmptySchedule, Infinity, StopSimulation

NORMAL: Final = 1
"""SimPy's priority of an ordinary event (``simpy.events.NORMAL``)."""
URGENT: Final = 0
"""SimPy's priority of an event that fires before the normal ones at its time."""
_RESUMED: Final = -1
"""The priority SimPy reschedules an event with whose callbacks a StopSimulation cut short."""

TYPED_SCHEDULE: Final = not __file__.endswith(".py")
"""Whether wake-ups wait in a heap of their own ordered by their typed fields (the compiled
build) rather than on SimPy's heap of tuples (plain Python, where ``heapq``'s C code on
tuples is several times faster than a heap written in Python). Tests set it in plain Python
to run the compiled build's schedule."""


class EventNumbers:
    """SimPy's counter of event numbers (an environment's ``_eid``, an
    :func:`itertools.count` of SimPy's making) as a class of the compiled build, which the
    typed schedule puts in its place (:class:`Clock`): SimPy's own ``next(env._eid)`` draws
    from it as before, and a wake-up takes its number from :attr:`next` as a C field, where
    a count's ``__next__`` called from compiled code is a generic call of a method wrapper,
    some hundreds of instructions each time."""

    def __init__(self, first: int) -> None:
        self.next = first
        """The number the next event gets."""

    def __iter__(self) -> EventNumbers:
        return self

    def __next__(self) -> Any:
        # Any, not int: mypyc (1.x) gives a native int __next__ a C slot of the wrong type
        number = self.next
        self.next = number + 1
        return number


class Clock:
    """An environment's time, event numbers and heaps, as fields compiled code reads directly
    (an environment's own are Python attributes, each read a dictionary lookup): the world's
    components read the time here, and wake-ups are scheduled through it.

    :func:`run_schedule` sets :attr:`now` with the environment's own time whenever time
    moves, as the world's :class:`~sim.world.events.Environment`'s ``step`` does: that
    environment makes one and runs its schedule itself (a plain SimPy environment's time
    would leave a clock behind)."""

    def __init__(self, env: Any) -> None:
        self.env = env
        """The environment it belongs to."""
        self.now: float = env._now
        """The current time, in days (the environment's ``now``)."""
        self.queue: list[Any] = env._queue
        """SimPy's heap of ``(time, priority, number, event)``: the environment's own list."""
        self.wakeups: list[Wakeup] = []
        """The wake-ups' own heap (:func:`push`, :func:`pop`), used with
        :data:`TYPED_SCHEDULE`: those due before :attr:`heap_end`."""
        self.heap_end: float = float(int(self.now) + 1)
        """Wake-ups due before this time (a whole day) wait on the heap, later ones in
        :attr:`later`."""
        self.near: list[list[Wakeup] | None] = [None] * NEAR_DAYS
        """Wake-ups due at or after :attr:`heap_end` and before the day :attr:`near_end`,
        by the whole day they are due in, in the order they were scheduled: day ``d`` in
        ``near[d % NEAR_DAYS]`` (None if none is due that day). Each day joins the heap
        when the heap has nothing left (:func:`first`), so the heap holds about a day's
        wake-ups, not all."""
        self.near_end: float = float(int(self.now) + NEAR_DAYS)
        """The start of the first day too far ahead for :attr:`near`."""
        self.later: dict[int, list[Wakeup]] = {}
        """As :attr:`near`, for wake-ups due on :attr:`near_end` or later, by day."""
        self.later_days: list[int] = []
        """The days of :attr:`near` and :attr:`later`, a heap (:mod:`heapq`); a day may be
        in it twice (once for each)."""
        self.event_numbers = EventNumbers(0)
        """With :data:`TYPED_SCHEDULE`, the environment's counter of event numbers (its
        ``_eid``, which its own events draw from too), put in place of SimPy's here; unused
        otherwise."""
        if TYPED_SCHEDULE:
            self.event_numbers.next = next(env._eid)
            env._eid = self.event_numbers
        self.numbers: Iterator[int] = env._eid
        """SimPy's counter of event numbers, which the environment's own events draw from
        too."""


class Wakeup:
    """An event ``delay`` days from now (``delay >= 0``, not checked) that calls
    ``callback(event)``. ``value`` is the event's value (``event.value``); ``priority`` is
    SimPy's, :data:`NORMAL` or :data:`URGENT` (see :class:`Urgent`).

    Scheduled on creation; it cannot be cancelled, so an owner that reschedules keeps the
    newest and ignores the others when they fire (as :class:`~sim.world.queues.FifoServer`
    does). It is scheduled through ``clock``, the :class:`Clock` of the world's
    :class:`~sim.world.events.Environment` (``env.clock``)."""

    # Where it waits in the typed schedule, set only with TYPED_SCHEDULE (SimPy's heap keeps
    # them in its tuple): SimPy's order is by time, then priority, then event number.
    time: float = 0.0
    """When it fires, in days."""
    priority: int = NORMAL
    """SimPy's priority: :data:`URGENT` fires before :data:`NORMAL` at the same time."""
    number: int = 0
    """Its event number (SimPy's ``_eid``): the order of scheduling."""

    def __init__(self, clock: Clock, delay: float, value: Any,
                 callback: Callable[[Any], None], priority: int = NORMAL) -> None:
        self.env = clock.env
        self.callback: Callable[[Any], None] | None = callback
        """What it calls when it fires, until it fires or :attr:`callbacks` is read (which
        then holds it): one function, not SimPy's list, which all but a few never need (a
        list a wake-up, made and freed, was some 3% of a compiled replication)."""
        self._listed: list[Callable[[Any], None]] | None = None
        """:attr:`callbacks`, once it has been read or set."""
        self.fired = False
        """Whether it has fired (SimPy's ``processed``)."""
        self._value = value
        self._ok = True
        # env.schedule(self, priority, delay), without the method call
        if TYPED_SCHEDULE:
            self.time = clock.now + delay
            self.priority = priority
            numbers = clock.event_numbers
            number = numbers.next
            numbers.next = number + 1
            self.number = number
            schedule(clock, self)
        else:
            heappush(clock.queue, (clock.now + delay, priority, next(clock.numbers), self))

    @property
    def callbacks(self) -> list[Callable[[Any], None]] | None:
        """SimPy's list of what to call when it fires (its :attr:`callback` first; append to
        it as to any SimPy event's), made when first read; None once fired (SimPy's
        convention)."""
        if self.fired:
            return None
        listed = self._listed
        if listed is None:
            callback = self.callback
            listed = [callback] if callback is not None else []
            self.callback = None
            self._listed = listed
        return listed

    @callbacks.setter
    def callbacks(self, callbacks: list[Callable[[Any], None]] | None) -> None:
        # SimPy's step sets None as it fires the event; the loop sets the callbacks a
        # StopSimulation left, to run when it fires again
        self.callback = None
        self._listed = callbacks
        self.fired = callbacks is None

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
        return self.fired


class Urgent(Wakeup):
    """A :class:`Wakeup` that fires before the normal events at its time, as the first
    step of a SimPy process does (SimPy's ``Initialize``): components that run on
    callbacks start with one, so that they start where a process would; the world closes
    each day with one."""

    def __init__(self, clock: Clock, delay: float, value: Any,
                 callback: Callable[[Any], None]) -> None:
        super().__init__(clock, delay, value, callback, URGENT)


_LAST_DAY: Final = 10**15
"""The day bucket of every wake-up due at or after it (or at a time that is not a number)."""
NEAR_DAYS: Final = 1024
"""Days ahead whose wake-ups wait in a list indexed by day (:attr:`Clock.near`), a power of
2; further days' in a dictionary. Most wake-ups are due within weeks: indexing a list by the
day costs a fraction of looking a day up in a dictionary."""


def schedule(clock: Clock, wakeup: Wakeup) -> None:
    """Put ``wakeup`` where it waits in ``clock``'s typed schedule: on the heap if it is due
    before :attr:`Clock.heap_end`, else in its day's bucket (pushing a day's wake-ups one
    by one onto a heap of a few hundred cost more, and taking them off cost more per level,
    than keeping each day apart until its turn)."""
    time = wakeup.time
    if time < clock.heap_end:
        push(clock.wakeups, wakeup)
        return
    if time < clock.near_end:
        day = int(time)
        slot = day & (NEAR_DAYS - 1)
        near = clock.near[slot]
        if near is None:
            clock.near[slot] = [wakeup]
            heappush(clock.later_days, day)
        else:
            near.append(wakeup)
        return
    day = int(time) if time < _LAST_DAY else _LAST_DAY
    bucket = clock.later.get(day)
    if bucket is None:
        clock.later[day] = [wakeup]
        heappush(clock.later_days, day)
    else:
        bucket.append(wakeup)


def first(clock: Clock) -> Wakeup | None:
    """The wake-up that fires first in ``clock``'s typed schedule (left in place), or None if
    none waits. When the heap has nothing left, the next day's bucket joins it."""
    heap = clock.wakeups
    while not heap:
        if not clock.later_days:
            return None
        day = heappop(clock.later_days)
        # every wake-up due before the end of this day is in its buckets or (if scheduled
        # since the last day's turn) already on the heap, which is empty: all due later
        # than what fires before them, so the heap holds everything due before its end
        # the last day's bucket holds every far time, infinity too: once it joins, the heap
        # takes everything, or a far wake-up scheduled after it would wait behind them
        if day < _LAST_DAY:
            clock.heap_end = float(day + 1)
            clock.near_end = float(day + NEAR_DAYS)
            # the day's slot holds this day's wake-ups or none: the days in near are
            # less than NEAR_DAYS apart, and none is earlier than this one
            slot = day & (NEAR_DAYS - 1)
            near = clock.near[slot]
            if near is not None:
                clock.near[slot] = None
                for wakeup in near:
                    push(heap, wakeup)
        else:
            clock.heap_end = math.inf
            clock.near_end = math.inf
        # a day once far may have wake-ups in both (a day twice in later_days: the second
        # turn finds nothing left and takes the next day)
        far = clock.later.pop(day, None)
        if far is not None:
            for wakeup in far:
                push(heap, wakeup)
    return heap[0]


def take(clock: Clock) -> Wakeup:
    """Take the wake-up that fires first off ``clock``'s typed schedule. Raises IndexError
    if none waits."""
    if first(clock) is None:
        raise IndexError("no wake-up waits")
    return pop(clock.wakeups)


def waiting(clock: Clock) -> int:
    """How many wake-ups wait in ``clock``'s typed schedule."""
    return (len(clock.wakeups) + sum(len(bucket) for bucket in clock.later.values())
            + sum(len(bucket) for bucket in clock.near if bucket is not None))


def clear(clock: Clock) -> None:
    """Drop every wake-up waiting in ``clock``'s typed schedule."""
    clock.wakeups.clear()
    clock.near[:] = [None] * NEAR_DAYS
    clock.later.clear()
    clock.later_days.clear()


def push(heap: list[Wakeup], wakeup: Wakeup) -> None:
    """Put ``wakeup`` on ``heap``, a binary heap in SimPy's order (as
    :func:`heapq.heappush`)."""
    pos = len(heap)
    heap.append(wakeup)
    _sift_up(heap, pos, wakeup)


def pop(heap: list[Wakeup]) -> Wakeup:
    """Take the first wake-up off ``heap`` (as :func:`heapq.heappop`, whose way this is:
    the hole left at the top moves down along the earlier child to a leaf, and the last
    item sifts up from there, fewer comparisons than sifting it down). Raises IndexError
    if the heap is empty."""
    last = heap.pop()
    if not heap:
        return last
    first = heap[0]
    end = len(heap)
    pos = 0
    child = 1
    while child < end:
        right = child + 1
        if right < end:
            if _precedes(heap[right], heap[child]):
                child = right
        heap[pos] = heap[child]
        pos = child
        child = 2 * pos + 1
    _sift_up(heap, pos, last)
    return first


def _sift_up(heap: list[Wakeup], pos: int, wakeup: Wakeup) -> None:
    """Put ``wakeup`` at ``pos`` of ``heap`` or above, moving down the parents it precedes."""
    while pos:
        up = (pos - 1) >> 1
        parent = heap[up]
        if _precedes(wakeup, parent):
            heap[pos] = parent
            pos = up
        else:
            break
    heap[pos] = wakeup


def _precedes(a: Wakeup, b: Wakeup) -> bool:
    """Whether ``a`` fires before ``b``: SimPy's order (time, priority, event number)."""
    return a.time < b.time or (a.time == b.time and (
        a.priority < b.priority or (a.priority == b.priority and a.number < b.number)))


def run_schedule(clock: Clock) -> None:
    """Fire the events of ``clock``'s environment in order until none is left (raises
    :class:`~simpy.core.EmptySchedule`) or a callback raises.

    This is :meth:`simpy.Environment.step`'s body, statement for statement, in a loop: the
    same order of events and the same handling of :class:`~simpy.core.StopSimulation` raised
    by a callback (the callbacks not yet run are kept and the event is rescheduled first) and
    of failed events that nobody defused. The next event is the first of SimPy's heap or of
    the wake-ups' own (``clock.wakeups``, empty unless :data:`TYPED_SCHEDULE`), whichever
    comes first in SimPy's order. It also sets ``clock.now``."""
    env = clock.env
    queue = clock.queue
    wakeups = clock.wakeups
    while True:
        now: Any  # the time as SimPy's heap holds it (a float, or an int SimPy computed)
        event: Any
        callbacks: Any  # a list; None once processed
        head = wakeups[0] if wakeups else first(clock)
        if head is not None and (not queue or _first_is_earlier(head, queue[0])):
            wakeup = pop(wakeups)
            now = wakeup.time
            event = wakeup
        else:
            try:
                now, _, _, event = heappop(queue)
            except IndexError:
                raise EmptySchedule from None
        env._now = now
        clock.now = now
        # A wake-up's fields are read as a struct's in the compiled build, and it cannot
        # have failed.
        if isinstance(event, Wakeup):
            callback = event.callback
            if callback is not None:  # its one callback, never asked for as a list
                event.callback = None
                event.fired = True
                try:
                    callback(event)
                except StopSimulation:
                    event.callbacks = []  # none left, as below
                    env.schedule(event, _RESUMED)
                    raise
                continue
            callbacks = event._listed
            if callbacks is None:
                callbacks = []
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


def _first_is_earlier(wakeup: Wakeup, entry: Any) -> bool:
    """Whether ``wakeup`` comes before ``entry``, a ``(time, priority, number, event)``
    tuple of SimPy's heap."""
    time: float = entry[0]
    if wakeup.time != time:
        return wakeup.time < time
    priority: int = entry[1]
    return wakeup.priority < priority or (
        wakeup.priority == priority and wakeup.number < entry[2])


def _wakeup_is_next(clock: Clock) -> bool:
    """Whether the next event is the first wake-up of their own schedule (the test
    :func:`run_schedule` makes inline, once per event)."""
    head = first(clock)
    queue = clock.queue
    return head is not None and (not queue or _first_is_earlier(head, queue[0]))


def hand_over_next(clock: Clock) -> None:
    """Move the next event onto SimPy's heap if it is a wake-up of their own schedule, so
    that :meth:`simpy.Environment.step` fires it next, as :func:`run_schedule` would."""
    if _wakeup_is_next(clock):
        wakeup = pop(clock.wakeups)
        heappush(clock.queue, (wakeup.time, wakeup.priority, wakeup.number, wakeup))


def next_time(clock: Clock) -> Any:
    """The time of the next event, or SimPy's ``Infinity`` if there is none (as
    :meth:`simpy.Environment.peek`)."""
    if _wakeup_is_next(clock):
        return clock.wakeups[0].time
    queue = clock.queue
    return queue[0][0] if queue else Infinity
