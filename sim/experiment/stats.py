"""Confidence intervals for means over replications, and counts of replications at the
price cap."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.experiment.errors import ExperimentError
from sim.metrics.kpis import PRICE_PEAK

if TYPE_CHECKING:
    import pandas as pd


def check_confidence(confidence: float, name: str = "confidence") -> None:
    """Raise :class:`~sim.experiment.errors.ExperimentError` (a ``ValueError``) unless
    ``0 < confidence < 1``: outside it every interval would be NaN, silently (a level of 95
    meant as 95% is the usual slip)."""
    if not (isinstance(confidence, numbers.Real) and 0 < confidence < 1):
        hint = (f" ({confidence:g}% is {confidence / 100:g})"
                if isinstance(confidence, numbers.Real) and 1 < confidence < 100 else "")
        raise ExperimentError(f"{name} must be a fraction between 0 and 1, e.g. 0.95 for a 95% "
                              f"interval, not {confidence!r}{hint}")


def t_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval of ``values`` (NaNs ignored).

    Returns ``(mean, low, high)``; the interval is NaN with fewer than two values, and has
    zero width when all values are equal. Raises ``ValueError`` unless
    ``0 < confidence < 1``.
    """
    check_confidence(confidence)
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(v.mean())
    if n < 2:
        return (mean, np.nan, np.nan)
    if v.min() == v.max():
        # identical values: their computed spread can be rounding (about 1e-12 of the
        # mean), which would hide that every replication agreed
        return (mean, mean, mean)
    half = float(_t_ppf(0.5 + confidence / 2, n - 1) * v.std(ddof=1) / np.sqrt(n))
    return (mean, mean - half, mean + half)


def summarise(frame: pd.DataFrame, by: list[str], confidence: float = 0.95) -> pd.DataFrame:
    """Mean, standard deviation, count and CI of ``value`` for each group of ``by``.
    Raises ``ValueError`` unless ``0 < confidence < 1``."""
    check_confidence(confidence)
    grouped = frame.groupby(by, sort=False, dropna=False, observed=True)["value"]
    out = grouped.agg(mean="mean", sd="std", n="count", low="min", high="max").reset_index()
    # identical values have no spread, whatever rounding leaves in the computed one
    out["sd"] = out["sd"].where(out["low"] != out["high"], 0.0).where(out["n"] >= 2)
    out = out.drop(columns=["low", "high"])
    q = _t_ppf(0.5 + confidence / 2, np.maximum(out["n"] - 1, 1))
    half = q * out["sd"] / np.sqrt(out["n"])
    half = half.where(out["n"] >= 2)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out


def column_intervals(values: np.ndarray, confidence: float = 0.95
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean, standard deviation, count and Student-t half-width of each column of
    ``values`` [replication, column], ignoring NaNs.

    The half-width is NaN for a column with fewer than two values, and zero when its
    values are all equal. Raises ``ValueError`` unless ``0 < confidence < 1``.
    """
    check_confidence(confidence)
    v = np.asarray(values, dtype=float)
    if v.ndim == 1:
        v = v[:, None]
    ok = ~np.isnan(v)
    n = ok.sum(axis=0)
    total = np.where(ok, v, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        dev = np.where(ok, v - mean, 0.0)
        sd = np.sqrt((dev**2).sum(axis=0) / np.maximum(n - 1, 1))
    # identical values have no spread, whatever rounding leaves in the computed one
    with np.errstate(invalid="ignore"):
        same = np.nanmin(np.where(ok, v, np.inf), axis=0) == np.nanmax(
            np.where(ok, v, -np.inf), axis=0)
    sd = np.where(same, 0.0, sd)
    sd = np.where(n >= 2, sd, np.nan)
    q = _t_ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
    half = np.where(n >= 2, q * sd / np.sqrt(np.maximum(n, 1)), np.nan)
    return mean, sd, n, half


def _t_ppf(p: float, df: object) -> object:
    """Student-t quantile (``p`` in (0, 1), ``df`` > 0, a number or an array). scipy's
    special function, imported on first use, is what ``scipy.stats.t.ppf`` computes it
    with, to the bit: scipy.stats itself is the slowest import of the package (1 s more,
    60 MB), and a ``sim run`` loaded it for this alone (review 257)."""
    from scipy import special

    return special.stdtrit(np.asarray(df), p)


def at_cap(value: float, cap: float) -> bool:
    """Whether a price index (or its peak) ``value`` is at the cap ``cap``: the index
    never rises above it (the figures and the report use this test too)."""
    return not math.isnan(value) and value >= cap * (1 - 1e-9)


def cap_runs(res: Any, replications: Sequence[int] | None = None
             ) -> dict[str, tuple[float, int, int]]:
    """The commodities of a run (:class:`~sim.experiment.results.Results`) whose price
    peak is at the cap in at least one replication (of ``replications`` if given: the
    pairs of a comparison), with (the cap, replications at it, replications with a peak).

    A peak at the cap in some replications only holds the mean down as surely as in all:
    the mean is then a lower bound of how high the price would have gone, and its
    interval can pass the cap."""
    out: dict[str, tuple[float, int, int]] = {}
    keep = (None if replications is None
            else np.isin(np.asarray(res.replications), list(replications)))
    for c, com in res.scenario.commodities.items():
        try:
            v = res.kpi(PRICE_PEAK, c)
        except KeyError:
            continue
        if keep is not None:
            v = v[keep]
        v = v[~np.isnan(v)]
        cap = float(com.price_cap_ratio)
        k = sum(at_cap(float(x), cap) for x in v)
        if k:
            out[str(c)] = (cap, int(k), int(v.size))
    return out
