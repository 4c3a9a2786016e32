"""Helpers shared by the tests of the "drawing figures" progress (reviews 239 and 246)."""

from __future__ import annotations

from collections.abc import Callable

PARAM = "sites.border.clearance_trucks_per_day=40:60:int"
"""A sweep parameter of tests/data/tiny.yaml taking whole numbers."""

SHOCKED = """
series_sites: [border]
shocks:
  events:
    strike:
      start: 10
      end: 17
      targets: {sites: [border]}
      effects:
        capacity_factor: {value: 0.3, assumption: test input}
"""
"""Appended to tests/data/tiny.yaml: a strike at its border post and the border's holdings
drawn, so a run has a calendar and a queues figure besides the others."""


def blank_figure(caption: str) -> Callable[[], tuple[str, object]]:
    """A figure plan's drawing function giving ``caption`` and a blank 1 x 1 in figure:
    saving one takes milliseconds where a real figure takes seconds."""
    from matplotlib.figure import Figure

    return lambda: (caption, Figure(figsize=(1, 1)))


def figure_recorder() -> tuple[list[tuple[int, int]], Callable[[int, int], None]]:
    """A list and an ``on_figure`` callback that appends each ``(done, total)`` to it."""
    calls: list[tuple[int, int]] = []
    return calls, lambda done, total: calls.append((done, total))
