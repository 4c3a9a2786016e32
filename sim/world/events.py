"""The two kinds of SimPy event the world schedules itself.

Lots move by callbacks, not processes: a :class:`Wakeup` is a SimPy event that fires
``delay`` days from now and calls one function with its value. It does what
``env.timeout(delay, value).callbacks.append(fn)`` does, without the checks and the list
append a general timeout needs, which matters at a few hundred thousand events per
replication. :class:`DayEnd` closes each day before anything else happens at that time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.core import NORMAL, URGENT


class Wakeup(simpy.events.Event):
    """An event ``delay`` days from now (``delay >= 0``, not checked) that calls
    ``callback(event)``; the event's ``value`` is ``value``."""

    def __init__(self, env: simpy.Environment, delay: float, value: Any,
                 callback: Callable[[Any], None]) -> None:
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        env.schedule(self, NORMAL, delay)


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
