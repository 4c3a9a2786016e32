"""Closed forms and interval helpers shared by the queueing checks."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in line of an M/M/c queue with ``c`` servers of rate ``mu`` each."""
    a = lam / mu
    rho = a / c
    assert rho < 1
    tail = a**c / math.factorial(c) / (1 - rho)
    p_wait = tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)
    return p_wait / (c * mu - lam)


def t_interval(values: np.ndarray, confidence: float = 0.99) -> tuple[float, float]:
    """Mean and half-width of the Student-t interval of the mean of ``values``."""
    values = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.5 + confidence / 2, len(values) - 1) * values.std(ddof=1) \
        / math.sqrt(len(values))
    return float(values.mean()), float(half)
