"""What happened when in one replication: events, regime changes, policy steps, deals."""

from __future__ import annotations

TimelineRow = tuple[float, str, str, str, str]
"""(time in days since the start date, kind, id, action, detail)."""


class Timeline:
    """An append-only list of what happened, in the order it was recorded.

    *t0* is the simulation time of the start date, so rows carry days since the start date
    (negative during the warm-up). A step taken at a day's end is stamped with the day it
    closes, and so recorded after rows of later times (an event half a day on): read the
    rows in time order with :meth:`ordered`.
    """

    __slots__ = ("rows", "t0")

    def __init__(self, t0: float) -> None:
        self.t0 = t0
        self.rows: list[TimelineRow] = []

    def add(self, now: float, kind: str, ident: str, action: str, detail: str = "") -> None:
        self.rows.append((round(now - self.t0, 6), kind, ident, action, detail))

    def ordered(self) -> list[TimelineRow]:
        """The rows in time order; rows of one time in the order they were recorded."""
        return sorted(self.rows, key=lambda row: row[0])
