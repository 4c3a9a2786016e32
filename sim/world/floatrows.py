"""Rows of floats that the hot path adds to in place: the ledger's accounts and running
totals, a mine's stockyard and the like.

A :data:`FloatRow` is a list of floats in plain Python. In the compiled build it is mypyc's
unboxed vector, ``librt.vecs.vec[float]``: compiled code reads and writes its items as C
doubles, where ``row[c] = row[c] + t`` on a list takes a Python float out, makes a new one
and frees the old, some 150 machine instructions each time and the largest single share of
a compiled replication's. Interpreted code indexes either kind the same way (``row[c] +=
t``, ``list(row)``, ``len(row)``); a vector has a fixed length (nothing appends to a row)
and exposes its memory (:func:`row_view`).

Rows are made here (:func:`float_row`), never with a literal, so that each build gets its
kind. This module is interpreted in both builds: it runs when a world is built, not per
event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

import numpy as np

from sim.build import COMPILED, build_kind

if TYPE_CHECKING:
    from typing import TypeAlias

    from librt.vecs import vec

    FloatRow: TypeAlias = vec[float]

UNBOXED: bool = build_kind() == COMPILED
"""Whether rows are unboxed vectors (the compiled build, whose compiled code is typed to
take them and refuses a list); tests set it in plain Python, where ``librt`` is installed
with mypy, to run the plain code on vectors."""


def float_row(values: Iterable[float]) -> FloatRow:
    """A row holding ``values`` (floats), of the kind the running build's hot path takes."""
    if UNBOXED:
        from librt.vecs import vec
        return vec[float]([float(v) for v in values])
    return cast("FloatRow", [float(v) for v in values])


def zero_row(n: int) -> FloatRow:
    """A row of ``n`` zeros."""
    return float_row([0.0] * n)


def grown_row(row: FloatRow) -> FloatRow:
    """A row twice as long as ``row`` (at least 1), with ``row``'s values first and zeros
    after: room for a row that keeps values as they come."""
    room = [0.0] * max(len(row), 1)
    if isinstance(row, list):
        return cast("FloatRow", row + room)
    from librt.vecs import extend
    return extend(row, room)


def row_view(row: FloatRow) -> np.ndarray | None:
    """A float64 array sharing ``row``'s memory (what the hot path adds to the row shows in
    it), or None if ``row`` is a list, whose floats are separate objects."""
    if isinstance(row, list):
        return None
    return np.frombuffer(cast("memoryview", row), dtype=np.float64)
