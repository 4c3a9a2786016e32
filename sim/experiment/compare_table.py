"""The paired comparison table: per KPI, each scenario's mean with its interval and, against
the reference, the mean paired difference with its Student-t interval, the relative change
and the share of pairs whose difference is above 0 (:func:`compare_table`).

Replications are paired by number (:func:`common_replications`). A tonnage, money or day
count a scenario cannot have (no shock on that site, no route over that lane) is 0 there
(:data:`ABSENT_IS_ZERO`, :func:`absent_values`), and differences alike up to rounding are
one difference (:data:`ALIKE`; :func:`alike_notes` says where every pair gave the same).
:mod:`sim.experiment.compare` runs the comparison and reads these names back from here.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.errors import ExperimentError
from sim.experiment.results import KPI_KEYS, Results, short_number
from sim.experiment.stats import column_intervals

COMPARE_COLUMNS = [*KPI_KEYS, "scenario", "n", "mean", "ci_low", "ci_high", "diff",
                   "diff_ci_low", "diff_ci_high", "diff_n", "rel_change", "share_positive"]


def signed_number(x: float) -> str:
    """A difference with its sign: +1,234, -0.5, 0."""
    return ("+" if x > 0 else "") + short_number(x)


ABSENT_IS_ZERO = frozenset({
    "armed_group_rent_usd", "throughput_t", "delivered_t", "mined_t", "refined_t",
    "released_t", "bought_back_t", "closed_days", "reduced_days", "high_load_days",
    "peak_held_t", "peak_held_trucks"})
"""Site-row metrics that are 0 where a scenario lacks the row (it has not the shock, site,
lane or route): a comparison measures their difference from 0. Means and shares (a lead
time, a wait, a utilisation) have no value there, and no difference; nor has a lane's
``throughput_trucks``, which is measured only where its capacity is in trucks (review
120)."""


def absent_values(lab: tuple[str, str, str, str, str], index: Mapping[Any, int],
                  mat: np.ndarray) -> np.ndarray:
    """Per replication (the rows of ``mat``, whose columns ``index`` maps from KPI labels),
    what the row ``lab`` that a scenario cannot have is there: 0, but a site's reduced days
    its closed days where it has those only (only a closure slows it, review 122)."""
    closed = (*lab[:3], "closed_days", lab[4])
    if lab[3] == "reduced_days" and closed in index:
        return mat[:, index[closed]]
    return np.zeros(mat.shape[0])


def current_rows(res: Results) -> bool:
    """Whether ``res`` has the KPI rows this version writes (per-shock rent, reduced days,
    every lane's throughput: :data:`sim.metrics.kpis.KPI_ROWS`), as its ``info`` records
    (a run in this process) or its manifest (a results folder), so that a row it lacks is
    one its scenario cannot have: no shock on that site, no route over that lane (then it
    is 0 there). Results that record no row version (older ones) are not."""
    from sim.metrics.kpis import KPI_ROWS

    info = getattr(res, "info", None) or {}
    rows = info.get("kpi_rows", (info.get("manifest") or {}).get("kpi_rows"))
    return rows == KPI_ROWS


def lacks_element(sc: Any, site: str) -> bool:
    """Whether scenario ``sc`` has not the element a KPI row's ``site`` names (a site,
    lane, route or taxing shock): then the row is 0 there, not missing. A row missing for
    an element ``sc`` has (results of an older version, which kept fewer rows) is not
    taken as 0."""
    if site == "all" or sc is None:
        return False
    kind, _sep, ident = site.partition(":")
    if kind == "route" and ident:
        return all(ident not in ch.routes for ch in sc.channels.values())
    if kind in ("event", "regime", "incident") and ident:
        return site not in sc.shocks.tax_sources()
    return site not in sc.sites and site not in sc.lanes


def compare_table(results: Sequence[Results], labels: Sequence[str],
                  confidence: float = 0.95,
                  replications: Sequence[int] | None = None) -> pd.DataFrame:
    """Per KPI and scenario: mean and CI, and the paired difference from the first.

    Replications are paired by number; only numbers every scenario has are used (or
    ``replications``, if given). KPIs are matched by (commodity, channel, site, metric,
    unit). NaN values (a lead time with nothing delivered) drop their pair; ``diff_n`` is
    the number of pairs the difference is measured on, so a difference that stands on
    fewer pairs than ``n`` (and is conditional on both scenarios having a value) shows.
    """
    if len(results) != len(labels) or len(results) < 2:
        raise ValueError("compare needs at least two results and one label for each")
    common = common_replications(results) if replications is None else list(replications)
    if not common:
        raise ExperimentError("the scenarios have no replication numbers in common",
                              hint="run them with the same -n (replications are paired by "
                                   "number)")
    mats = [replication_values(res, common) for res in results]
    index = [{lab: j for j, lab in enumerate(res.kpi_labels)} for res in results]
    order: list[tuple[str, str, str, str, str]] = []
    seen: set[tuple[str, str, str, str, str]] = set()
    for res in results:
        for lab in res.kpi_labels:
            if lab not in seen:
                seen.add(lab)
                order.append(lab)
    # A row of a tonnage, money or day count that a scenario lacks because it cannot have
    # it (no shock on that site, no route over that lane: it has not the element, or its
    # results are of this version, which writes every row its scenario can have) is 0
    # there: the rent of an event only one scenario scripts, or a route only one has, is a
    # difference from 0, either way round (reviews 117 and 119).
    current = [current_rows(res) for res in results]

    def zero_there(k: int, lab: tuple[str, str, str, str, str]) -> bool:
        return (lab[3] in ABSENT_IS_ZERO and lab[2] != "all"
                and (current[k] or lacks_element(getattr(results[k], "scenario", None), lab[2])))

    zeroed = [[lab for lab in order if lab not in index[k] and zero_there(k, lab)
               and any(lab in index[j] for j in ((0,) if k else range(1, len(results))))]
              for k in range(len(results))]
    # each scenario's values with a column for each row zeroed there (absent_values)
    full = [np.column_stack([mat, *(absent_values(lab, index[k], mat) for lab in zeroed[k])])
            if zeroed[k] else mat for k, mat in enumerate(mats)]
    index = [{**idx, **{lab: len(idx) + i for i, lab in enumerate(zeroed[k])}}
             for k, idx in enumerate(index)]
    ref_idx = index[0]
    ref_mean, ref_sd, ref_n, ref_half = column_intervals(full[0], confidence)
    blocks = []
    for k, (res, mat) in enumerate(zip(results, full, strict=True)):
        labs = [lab for lab in order if lab in index[k]]
        cols = [index[k][lab] for lab in labs]
        mean, _sd, n, half = column_intervals(mat[:, cols], confidence)
        block = pd.DataFrame(labs, columns=KPI_KEYS)
        block["scenario"] = labels[k]
        block["n"] = n
        block["mean"] = mean
        block["ci_low"] = mean - half
        block["ci_high"] = mean + half
        diff_mean = np.full(len(labs), np.nan)
        diff_half = np.full(len(labs), np.nan)
        diff_n = np.full(len(labs), np.nan)
        rel = np.full(len(labs), np.nan)
        share = np.full(len(labs), np.nan)
        if k > 0:
            paired = [i for i, lab in enumerate(labs) if lab in ref_idx]
            if paired:
                rcols = [ref_idx[labs[i]] for i in paired]
                this, ref = mat[:, [cols[i] for i in paired]], full[0][:, rcols]
                diff = this - ref
                # Summing the same tonnes in another order leaves about 1e-11 t: under
                # common random numbers that is "the same", not a difference of 50% sign
                # (nor, were it the same in every replication, an interval excluding 0).
                with np.errstate(invalid="ignore"):
                    same = np.abs(diff) <= 1e-12 * np.maximum(np.abs(this), np.abs(ref))
                diff = np.where(same, 0.0, diff)
                diff = snap_alike(diff, this, ref)
                dm, _dsd, dn, dh = column_intervals(diff, confidence)
                valid = ~np.isnan(diff)
                with np.errstate(invalid="ignore", divide="ignore"):
                    positive = np.where(dn > 0, ((diff > 0) & valid).sum(axis=0)
                                        / np.maximum(dn, 1), np.nan)
                    # relative to the reference over the same pairs as the difference
                    # (review 195: over all its replications, where a NaN dropped pairs,
                    # the change divided means of two sets of runs)
                    rm = np.where(dn == ref_n[rcols], ref_mean[rcols],
                                  np.where(valid, ref, 0.0).sum(axis=0) / np.maximum(dn, 1))
                    relative = np.where((rm != 0) & ~np.isnan(rm), dm / np.where(rm != 0, rm, 1),
                                        np.nan)
                diff_mean[paired] = dm
                diff_half[paired] = dh
                diff_n[paired] = dn
                rel[paired] = relative
                share[paired] = positive
        block["diff"] = diff_mean
        block["diff_ci_low"] = diff_mean - diff_half
        block["diff_ci_high"] = diff_mean + diff_half
        block["diff_n"] = diff_n
        block["rel_change"] = rel
        block["share_positive"] = share
        blocks.append(block)
    table = pd.concat(blocks, ignore_index=True)
    rank = {lab: i for i, lab in enumerate(order)}
    table["_kpi"] = [rank[tuple(row)] for row in table[KPI_KEYS].itertuples(index=False)]
    table["_arm"] = table["scenario"].map({lab: i for i, lab in enumerate(labels)})
    table = table.sort_values(["_kpi", "_arm"], kind="stable").drop(columns=["_kpi", "_arm"])
    return table.reset_index(drop=True)[COMPARE_COLUMNS]


ALIKE = 1e-12
"""Differences this share of the KPI's largest value apart are one difference: summing the
same tonnes in another order leaves about 1e-13 of them (review 195: -100 t in every pair
up to 6e-14 was given the interval "-100 to -100.00", not "(all equal)")."""


def _alike_tolerance(this: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Per column of [replication, column] values, the rounding :data:`ALIKE` allows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column of NaN only
        big = np.fmax(np.nanmax(np.abs(this), axis=0, initial=0.0),
                      np.nanmax(np.abs(ref), axis=0, initial=0.0))
    return ALIKE * big


def snap_alike(diff: np.ndarray, this: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """``diff`` [replication, column] with each column whose differences are all alike up
    to rounding (:data:`ALIKE`) set to one value, their mean: the same in every pair, as
    the tables then say, not an interval a few 1e-14 wide."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column of NaN only
        spread = np.nanmax(diff, axis=0, initial=-np.inf) - np.nanmin(
            diff, axis=0, initial=np.inf)
        mean = np.nanmean(diff, axis=0)
    alike = (spread > 0) & (spread <= _alike_tolerance(this, ref))
    if not alike.any():
        return diff
    out = diff.copy()
    out[:, alike] = np.where(np.isnan(diff[:, alike]), np.nan, mean[alike])
    return out


def alike_notes(results: Sequence[Results], labels: Sequence[str],
                replications: Sequence[int] | None = None) -> list[str]:
    """A note for each scenario (but the reference, ``results[0]``) whose difference in a
    commodity's total is the same in every pair though the KPI varies from replication to
    replication: common random numbers left the pairs alike, but more pairs may not be,
    and "(all equal)" is then no interval (review 195: the extra 100 t of a starting stock
    was -100 t of shortfall in every pair of 2, and in 83% of pairs over 500; at 10 pairs,
    28% of comparisons were all alike, and the intervals held the true difference, about
    -95.6 t, in 64% of them). A KPI the same in every replication of both scenarios (a
    starting stock) is alike by construction, and not noted."""
    reps = common_replications(results) if replications is None else list(replications)
    if len(reps) < 2:
        return []
    ref = results[0]
    ref_vals = replication_values(ref, reps)
    ref_col = {lab: j for j, lab in enumerate(ref.kpi_labels)}
    notes = []
    for res, label in zip(results[1:], labels[1:], strict=True):
        vals = replication_values(res, reps)
        found = []
        for j, lab in enumerate(res.kpi_labels):
            if lab[1:3] != ("all", "all") or lab not in ref_col:
                continue
            this, before = vals[:, j:j + 1], ref_vals[:, ref_col[lab]:ref_col[lab] + 1]
            diff = this - before
            ok = ~np.isnan(diff[:, 0])
            if ok.sum() < 2:
                continue
            tol = float(_alike_tolerance(this, before)[0])
            d = diff[ok, 0]
            varies = (np.ptp(this[ok, 0]) > tol) or (np.ptp(before[ok, 0]) > tol)
            if np.ptp(d) <= tol and abs(float(d.mean())) > tol and varies:
                found.append(f"{lab[0]} {lab[3]} ({signed_number(float(d.mean()))} {lab[4]})")
        if found:
            n = len(reps)
            bound = (f"with {n} pairs, pairs unlike them could be up to {min(1, 3 / n):.0%} "
                     "of all (the rule of three)" if n >= 4 else
                     f"{n} pairs say little of how many would differ")
            notes.append(
                f"{label}'s difference from {labels[0]} is the same in every pair in "
                f"{', '.join(found)}, though the KPI varies from one replication to the "
                "next: common random numbers left these pairs alike, more pairs may not be "
                f"({bound}), so \"(all equal)\" is not an interval there; run more "
                "replications to measure it")
    return notes


def common_replications(results: Sequence[Results]) -> list[int]:
    """The replication numbers every one of ``results`` has, ascending (the pairs a
    paired comparison may use)."""
    common = set(results[0].replications)
    for res in results[1:]:
        common &= set(res.replications)
    return sorted(common)


def replication_values(res: Results, reps: Sequence[int]) -> np.ndarray:
    """``res``'s KPI values, one row per replication of ``reps`` in that order, one column
    per :data:`KPI_KEYS` entry. Raises KeyError for a replication ``res`` lacks."""
    row = {r: i for i, r in enumerate(res.replications)}
    return res.kpi_values[[row[r] for r in reps], :]


def paired_difference(a: np.ndarray, b: np.ndarray, confidence: float = 0.95
                      ) -> tuple[float, float, float]:
    """Mean of ``b - a`` over pairs and its Student-t interval ``(mean, low, high)``."""
    mean, _sd, _n, half = column_intervals(np.asarray(b, float) - np.asarray(a, float),
                                           confidence)
    return float(mean[0]), float(mean[0] - half[0]), float(mean[0] + half[0])
