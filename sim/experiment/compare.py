"""Paired comparison of scenarios with common random numbers.

Every scenario is run with the same root seed, so replication ``r`` of each uses the
streams ``Streams(seed, r)``: a component the scenarios share (a mine's output, a lane's
transit times, a border post's service times) draws the same random numbers in both.
The difference between scenarios in replication ``r`` is then mostly the effect of what
differs between them, not noise, and the confidence interval of the mean paired
difference is far narrower than with independent runs at the same number of replications.

For every KPI (matched by commodity, channel, site, metric and unit) the comparison reports
each scenario's mean with its interval and, against the first scenario (the reference), the
mean paired difference with its Student-t interval, the relative change (difference /
reference mean; NaN when that mean is 0) and the share of replications in which the
difference is positive. A KPI that only some scenarios have is reported for those.

Results folders written by ``sim run`` can stand in for scenario files; their replications
are paired by number with the others (common random numbers only if they were run with the
same seed, which the comparison checks and reports).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import math
import os
import re
import time
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from sim.experiment.errors import ExperimentError
from sim.experiment.executors import Backend, Job, ReplicationError, open_backend, run_tasks
from sim.experiment.precision import (
    MAX_REPLICATIONS,
    Measure,
    MetricSpec,
    StopReport,
    Target,
    check_measurable,
    check_metrics,
    kpi_name,
    parse_metrics,
    run_sequential,
)
from sim.experiment.precision import select as select_kpis
from sim.experiment.replication import ReplicationResult, kpi_labels_of
from sim.experiment.results import KPI_KEYS, Results, short_number
from sim.experiment.runner import (
    check_callbacks,
    check_count,
    check_flag,
    check_path,
    check_seed,
    check_where,
    collect,
    overrides_capacity_notes,
    placed,
    revalidated,
    where_record,
)
from sim.experiment.stats import check_confidence, column_intervals
from sim.metrics.kpis import HEADLINE
from sim.scenario.errors import check_overrides, check_strings
from sim.scenario.fingerprint import scenario_sha256
from sim.scenario.schema import MONTH, Scenario
from sim.wording import python_wording, python_words
from sim.words import and_list

COMPARE_COLUMNS = [*KPI_KEYS, "scenario", "n", "mean", "ci_low", "ci_high", "diff",
                   "diff_ci_low", "diff_ci_high", "diff_n", "rel_change", "share_positive"]
DEFAULT_REPLICATIONS = 10

Item = str | Path | Scenario | Results


@dataclass
class Arm:
    """One scenario of a comparison: run here from a scenario, or read from a folder."""

    label: str
    source: str
    scenario: Scenario
    seed: int
    fixed: Results | None = None
    """Results read from a results folder (nothing is run for this arm)."""
    done: dict[int, ReplicationResult] = field(default_factory=dict)
    sink: Callable[[ReplicationResult], None] | None = None
    folder: Any = None
    """The :class:`~sim.output.folder.ResultsFolder` the arm's replications are saved in."""
    known_notes: int = 0
    """Notes a loaded scenario held when given (warned of when it was loaded): those after
    them are the comparison's overrides' own."""
    capacity_notes: list[str] = field(default_factory=list)
    """The capacities the comparison's overrides overload in the scenario: among the
    comparison's notes and in its folder's manifest.json (review 182: ``sim compare`` said
    them before it ran, and no file or report kept them)."""
    code_note: str | None = None
    """Where a resume runs the arm by other code than saved its replications, the note
    saying so, kept in its folder's manifest.json as ``sim run`` keeps its own."""
    given: Scenario | None = None
    """The scenario object a Python caller gave, before the comparison's overrides."""
    changed: str | None = None
    """Where :attr:`given` is not what the files and overrides it records give (changed
    in Python after loading), the note saying so
    (:func:`~sim.experiment.runner.changed_after_loading`), set once the arm's folder is
    begun: its run.json and manifest.json then record ``changed_after_loading``."""

    @property
    def runs(self) -> bool:
        return self.fixed is None


@dataclass(eq=False)  # equal only to itself: its arrays and tables have no single truth value
class Comparison:
    """A finished comparison: ``table`` (one row per KPI and scenario), the ``results`` of
    every scenario (in order, the reference first), and how it stopped.

    Attributes
    ----------
    labels : list of str
        Each scenario's label (its name, made unique: ``tiny``, ``tiny-2``), the
        reference's first; the ``scenario`` column of ``table``.
    sources : list of str
        Where each scenario came from: its file or results folder as given, or
        ``<scenario NAME>`` / ``<results NAME>`` for an object given in Python.
    results : list of Results
        Each scenario's :class:`~sim.experiment.results.Results`, in the order of
        ``labels``.
    table : pandas.DataFrame
        One row per KPI and scenario: commodity, channel, site, metric, unit, scenario,
        n, mean, ci_low, ci_high (in the row's ``unit``); diff, diff_ci_low, diff_ci_high
        (the paired difference from the reference and its interval, in ``unit``), diff_n
        (the pairs it is measured on), rel_change (the difference as a fraction of the
        reference's mean over those pairs: 0.25 is +25%) and share_positive (the fraction
        of pairs whose difference is above 0); the difference columns are NaN for the
        reference.
    replications : list of int
        The replication numbers paired (those every scenario has).
    seeds : list of int
        Each scenario's root seed; all equal means common random numbers (``crn``).
    stop : StopReport or None
        Why a comparison run with ``target_ci`` stopped
        (:class:`~sim.experiment.precision.StopReport`); None without ``target_ci``.
    notes : list of str
        What may make the differences not what they seem (other periods or seeds, an
        override over a value a file gives in another unit, ...), each warned of.
    wall_s : float
        Seconds of wall-clock time the comparison took, reading folders and running
        replications included (writing its folder, with ``out``, not included).
    confidence : float
        Confidence level of the table's intervals, a fraction (0.95 for 95%).
    codes : list of (list of str or None)
        Per scenario, the code that ran its replications (``drc-minerals-sim 0.1.0 at
        <commit>``, :func:`~sim.build.code_label`), more than one where a resume mixed
        them; None for results that do not record it (built in code, or by an older
        version).
    builds : list of (list of str or None)
        Per scenario, the builds that ran its replications (``plain Python`` or
        compiled), as ``codes``; None where not recorded.
    where : dict or None
        Where the replications run now ran (executor, workers, scheduler, cluster:
        :func:`sim.experiment.runner.where_record`); None where none was run.
    overrides : list of str
        The comparison's overrides (``--set``, ``overrides=``), applied to every scenario
        file and object run here (not to results read back).
    """

    labels: list[str]
    sources: list[str]
    results: list[Results]
    table: pd.DataFrame
    replications: list[int]
    seeds: list[int]
    stop: StopReport | None = None
    notes: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    confidence: float = 0.95
    codes: list[list[str] | None] = field(default_factory=list)
    builds: list[list[str] | None] = field(default_factory=list)
    where: dict[str, Any] | None = None
    overrides: list[str] = field(default_factory=list)

    @property
    def reference(self) -> str:
        """The label of the reference scenario, the first given (``labels[0]``): every
        ``diff`` of ``table`` is a scenario's difference from it."""
        return self.labels[0]

    @property
    def crn(self) -> bool:
        """True when every scenario used the same root seed (common random numbers)."""
        return len(set(self.seeds)) == 1

    def headline(self, metrics: Sequence[str] | None = None) -> pd.DataFrame:
        """The rows of total KPIs (channel and site ``all``) for ``metrics`` (default: the
        headline KPIs of :mod:`sim.output.tables`), every commodity's, ordered by
        commodity and then as ``metrics`` are.

        ``metrics`` is a list of metric names as in the table's ``metric`` column (such as
        ``"delivered_t"``, without a commodity: filter the rows returned by their
        ``commodity`` for one). Raises ``TypeError`` for a single string (wrap it in a
        list) and :class:`~sim.experiment.errors.ExperimentError` (a ``ValueError``) for a
        name with no total row in the table, naming it, the closest name and those there
        are."""
        t = self.table
        if isinstance(metrics, str):
            # the example is the metric alone: headline refuses "delivered_t:copper"
            # (review 232: following the hint led to a second error)
            raise TypeError(f"metrics must be a list of metric names such as 'delivered_t', "
                            f"not a str: wrap it in a list, e.g. "
                            f"[{metrics.partition(':')[0]!r}]")
        check_strings(metrics, "metrics", "metric names such as 'delivered_t'")
        if metrics:
            _check_headline_metrics(list(metrics), t)
        wanted = list(metrics) if metrics else HEADLINE
        rows = t[(t["channel"] == "all") & (t["site"] == "all") & t["metric"].isin(wanted)]
        rank = rows["metric"].map({m: i for i, m in enumerate(wanted)})
        return rows.assign(_rank=rank).sort_values(["commodity", "_rank"], kind="stable") \
            .drop(columns="_rank")

    def _differences(self) -> list[ShownDifference]:
        """The rows a notebook shows: the paired difference from the reference in a few key
        KPIs (those ``Results`` shows) of each scenario over the reference's period, as
        text (:class:`ShownDifference`).

        As ``sim compare`` shows them (review 158): no price peak of a commodity whose
        price is modelled in neither scenario, and a peak at the cap in either as a bound
        (``≥ +9``, ``at least +900.0%``) without an interval, which a cap holds at zero
        width and would read as exact. A scenario over another period is left out, as
        ``sim compare`` ranks none of its differences (its summary says so)."""
        from sim.output.compare_output import capped, price_label, unpriced_in
        from sim.output.tables import cap_bounds, change_text

        rows = self.headline(list(REPR_METRICS))
        ref = rows[rows["scenario"] == self.reference].set_index(["commodity", "metric"])
        elsewhere = self._other_periods()
        out = []
        for r in rows[rows["scenario"] != self.reference].itertuples(index=False):
            if r.scenario in elsewhere:
                continue
            metric, low, high = r.metric, "", ""
            if not np.isnan(r.diff_ci_low):
                low, high = _signed(r.diff_ci_low), _signed(r.diff_ci_high)
            # no spread in the pairs' differences, not certainty (the tables' "all equal")
            same = bool(r.diff_ci_low == r.diff_ci_high)
            diff = _signed(r.diff)
            change = change_text(r.rel_change, ref["mean"].get((r.commodity, r.metric)),
                                 r.diff, r.diff_ci_low, r.diff_ci_high)
            if metric == "price_peak_ratio":
                if r.commodity in unpriced_in(self, r.scenario):
                    continue
                metric = price_label(self, r.scenario, r.commodity)
                if metric != "price_peak_ratio":
                    low = high = ""
                    same = False
                    diff, change = cap_bounds(r.diff, r.rel_change,
                                              r.commodity in capped(self, self.reference),
                                              r.commodity in capped(self, r.scenario))
            out.append(ShownDifference(r.scenario, r.commodity, metric, diff, low, high, same,
                                       "" if change == "-" else change, r.unit))
        return out

    def _seeds_text(self) -> str:
        if self.crn:
            return f"seed {self.seeds[0]} (common random numbers)"
        return f"seeds {', '.join(map(str, self.seeds))} (not common random numbers)"

    def _period(self) -> str | None:
        """The period every scenario measures (``2024-07-01 to 2027-12-31``), or None
        where they measure different ones (a note says which)."""
        periods = {(r.scenario.start, r.scenario.last_date) for r in self.results}
        if len(periods) != 1:
            return None
        ((start, last),) = periods
        return f"{start} to {last}"

    def _other_periods(self) -> list[str]:
        """The scenarios measuring another period than the reference (another start or
        length): their differences are mostly the periods'."""
        ref = self.results[0].scenario
        return [label for label, res in zip(self.labels[1:], self.results[1:], strict=True)
                if (res.scenario.start, res.scenario.horizon) != (ref.start, ref.horizon)]

    def _not_listed(self) -> str:
        """The line saying whose differences the summary leaves out, "" if none."""
        elsewhere = self._other_periods()
        if not elsewhere:
            return ""
        who = ("it measures" if len(elsewhere) == 1 else "they measure")
        return (f"differences of {', '.join(elsewhere)} not listed: {who} another period "
                "than the reference, so they are mostly the periods' (.table has them)")

    def __repr__(self) -> str:
        level = f"{self.confidence * 100:g}%"
        period = self._period()
        head = (f"<Comparison of {len(self.labels)} scenarios, reference {self.reference!r}: "
                f"{', '.join(self.labels[1:])}; {len(self.replications)} replications "
                f"paired, {self._seeds_text()}, {period or 'different periods'}, "
                f"{len(self.table)} table rows")
        # the notes say when the differences are not what they seem: before them, in full
        # (review 161: "+148,652 t (+67.7%)" of a ban read before the note that the two
        # scenarios measure periods of different lengths)
        text = head + "".join(f"\n  note: {note}" for note in self.notes)
        not_listed = self._not_listed()
        if not_listed:
            text += f"\n  {not_listed}"
        lines = [f"  {d.scenario} {d.commodity} {d.metric}: {d.diff}"
                 + (f" [{d.low}, {d.high}]" if d.low and not d.same else "") + f" {d.unit}"
                 + (", the same in every pair" if d.low and d.same else "")
                 + (f" ({d.change})" if d.change else "")
                 for d in self._differences()]
        if lines:
            text += (f"\n  difference from the reference, mean [{level} CI]:\n"
                     + "\n".join(lines))
        return text + ">"

    def _repr_html_(self) -> str:
        import html

        level = f"{self.confidence * 100:g}%"
        right = "<td style='text-align:right'>"
        cells = "".join(
            f"<tr><td>{html.escape(d.scenario)}</td><td>{html.escape(d.commodity)}</td>"
            f"<td>{html.escape(d.metric)}</td>{right}{html.escape(d.diff)}</td>{right}"
            + ("" if not d.low else "all equal" if d.same else f"{d.low} to {d.high}")
            + f"</td>{right}{html.escape(d.change)}</td><td>{html.escape(d.unit)}</td></tr>"
            for d in self._differences())
        notes = "".join(f"<p><strong>Note:</strong> {html.escape(n)}</p>" for n in self.notes)
        stop = (f"<br>{html.escape(self.stop.message())}" if self.stop is not None else "")
        period = self._period()
        not_listed = self._not_listed()
        # notes first, and no differences of a scenario over another period (as __repr__)
        shown = (f"<p>{html.escape(not_listed[:1].upper() + not_listed[1:])}.</p>"
                 if not_listed else "")
        if cells:
            shown += ("<table><thead><tr><th>scenario</th><th>commodity</th><th>KPI</th>"
                      f"<th>difference</th><th>{level} CI</th><th>relative</th>"
                      f"<th>unit</th></tr></thead><tbody>{cells}</tbody></table>")
        return (f"<div><strong>Comparison</strong> of {len(self.labels)} scenarios, reference "
                f"{html.escape(self.reference)}: {html.escape(', '.join(self.labels[1:]))}<br>"
                f"{len(self.replications)} replications paired, "
                f"{html.escape(self._seeds_text())}, {period or 'different periods'}{stop}"
                f"{notes}{shown}"
                "<small>.table for every KPI; .headline() for the key KPIs; .results for "
                "each scenario's Results</small></div>")


def _check_headline_metrics(wanted: list[str], table: pd.DataFrame) -> None:
    """Refuse, naming them, the names of ``wanted`` that are not metrics of the total rows
    of ``table`` (review 228: an empty table came back without a word)."""
    import difflib

    there = sorted(set(table.loc[(table["channel"] == "all") & (table["site"] == "all"),
                                 "metric"]))
    unknown = [m for m in wanted if not isinstance(m, str) or m not in there]
    if not unknown:
        return
    first = unknown[0]
    name, _, commodity = str(first).partition(":")
    if commodity and name in there:
        hint = (f"give the metric alone, {name!r}: headline returns every commodity's row "
                f"(select {commodity!r} by the commodity column)")
    else:
        close = difflib.get_close_matches(str(first), there, n=1)
        hint = (f"did you mean {close[0]!r}? " if close else "") + \
            f"the metrics with total rows are {', '.join(there)}"
    raise ExperimentError(f"{and_list([repr(m) for m in unknown])} "
                          f"{'is not a metric' if len(unknown) == 1 else 'are not metrics'} "
                          "of the table's total rows", what="metrics", hint=hint)


class ShownDifference(NamedTuple):
    """One row of a :class:`Comparison`'s summary, as text (see
    :meth:`Comparison._differences`)."""

    scenario: str
    commodity: str
    metric: str
    diff: str
    low: str
    """The interval's ends, "" where there is none (one pair, a bound at the cap)."""
    high: str
    same: bool
    """Every pair gave the same difference: an interval of no width."""
    change: str
    """The relative change, "" where there is none."""
    unit: str


REPR_METRICS = ("delivered_t", "shortfall_t", "price_peak_ratio")
"""The KPIs a comparison shows in a notebook, as :class:`Results` does."""


def _signed(x: float) -> str:
    """A difference with its sign: +1,234, -0.5, 0."""
    return ("+" if x > 0 else "") + short_number(x)


# ---------------------------------------------------------------------------------------
# The statistics


ABSENT_IS_ZERO = frozenset({
    "armed_group_rent_usd", "throughput_t", "delivered_t", "mined_t", "refined_t",
    "released_t", "bought_back_t", "closed_days", "reduced_days", "high_load_days",
    "peak_held_t", "peak_held_trucks"})
"""Site-row metrics that are 0 where a scenario lacks the row (it has not the shock, site,
lane or route): a comparison measures their difference from 0. Means and shares (a lead
time, a wait, a utilisation) have no value there, and no difference; nor has a lane's
``throughput_trucks``, which is measured only where its capacity is in trucks (review
120)."""


def _only_elsewhere(exc: ExperimentError, specs: Sequence[Any], arms: Sequence[Arm]) -> None:
    """Raise, instead of ``exc`` (a --metric the reference refuses), why a row only
    another compared scenario has cannot be targeted: the comparison counts it from 0 in
    the reference (:data:`ABSENT_IS_ZERO`), or it has no value there, and a half-width
    relative to the reference's mean means nothing. Review 121: a new shock's rent was "no
    site" in the reference, with its sites listed; review 122 left open a row at a site
    both have (closed days where only the other scenario's shock closes it), refused as
    "no KPI named" after the replications had run."""
    for spec in specs:
        if _has_row(arms[0].scenario, spec):
            continue
        others = [arm.label for arm in arms[1:] if _has_row(arm.scenario, spec)]
        if not others:
            continue
        site = getattr(spec, "site", "all")
        metric = getattr(spec, "metric", None)
        value = ("its value is 0" if metric in ABSENT_IS_ZERO else "it has no value")
        if metric == "reduced_days" and _has_row(arms[0].scenario,
                                                  replace(spec, metric="closed_days")):
            # the tables read it as the reference's closed days (absent_values): the
            # reference has a mean, but the target measures the reference's own rows
            # (review 130: "its value is 0" beside a table showing 10)
            raise ExperimentError(
                f"{spec}: only {', '.join(others)} {'has' if len(others) == 1 else 'have'} "
                f"this row, not the reference {arms[0].label}, where only a closure slows "
                f"{site} and the tables read its reduced days as its closed days: a "
                "target measures the reference's own rows", what=exc.what,
                hint=f"target closed_days:all:all:{site}, which both have, or measure "
                     f"{others[0]} alone (sim run --target-ci)") from None
        where = (f"{site} is in {', '.join(others)} but not in the reference "
                 f"{arms[0].label}" if _lacks(arms[0].scenario, site) else
                 f"only {', '.join(others)} {'has' if len(others) == 1 else 'have'} this "
                 f"row, not the reference {arms[0].label}")
        raise ExperimentError(
            f"{spec}: {where}, where {value}: a target relative to the reference's mean "
            "cannot be measured there", what=exc.what,
            hint="target a KPI the reference has (the scenario's total, say), or compare "
                 "with a reference that has it") from None


def _has_row(sc: Any, spec: Any) -> bool:
    """Whether scenario ``sc`` (None for a results folder: unknown, taken as no) writes a
    row ``spec`` names."""
    if sc is None:
        return False
    try:
        select_kpis(kpi_labels_of(sc), [spec])
    except ExperimentError:
        return False
    return True


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


def _lacks(sc: Any, site: str) -> bool:
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
                and (current[k] or _lacks(getattr(results[k], "scenario", None), lab[2])))

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
                diff = _snap_alike(diff, this, ref)
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


def _snap_alike(diff: np.ndarray, this: np.ndarray, ref: np.ndarray) -> np.ndarray:
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
                found.append(f"{lab[0]} {lab[3]} ({_signed(float(d.mean()))} {lab[4]})")
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


# ---------------------------------------------------------------------------------------
# Running a comparison


def _safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label).strip("._") or "scenario"


def finished_only_error(replications: int, for_python: bool = False) -> ExperimentError:
    """The error for a count of ``replications`` given to a comparison of finished results
    only: they are compared with the replications they hold, so it would be ignored. Its
    hint is written for the command line, or (``for_python``) for the Python API."""
    if for_python:
        # a Results object has no folder or command: it is run again with sim.run
        return ExperimentError(
            f"-n {replications} does not apply to finished results: every item here is a "
            "results folder or Results object, compared with the replications it holds",
            what="-n/--replications",
            hint="leave out replications; for more, run the scenarios again with more "
                 "replications (sim.run), or compare the scenario files")
    return ExperimentError(
        f"-n {replications} does not apply to finished results folders: every item here is "
        "one, and they are compared with the replications they hold",
        what="-n/--replications",
        hint="drop -n; for more replications, run the folders' sim run commands again with a "
             "larger -n and --resume, or compare the scenario files")


@contextlib.contextmanager
def _naming_scenario(name: str, overrides: Sequence[str], items: Sequence[Item],
                     item: Item, for_python: bool) -> Iterator[None]:
    """For a caller of the Python API (``for_python``; ``sim compare`` says it its own
    way), name the scenario (``name``: its file) an override failed on where another of
    the ``items`` compared takes it: it changes every scenario, and one may lack what
    another has (an event of the variant's own), so "unknown event" alone did not say
    which."""
    from sim.scenario.errors import ScenarioError

    try:
        yield
    except ScenarioError as exc:
        said = [i for i in exc.issues if i.file is not None and i.file.startswith("--set ")]
        if (not for_python or not overrides or not said
                or not _taken_elsewhere(overrides, items, item)):
            raise
        for issue in said:
            issue.message = f"{issue.message} in {name}"
        said[0].hint = (f"{said[0].hint}; " if said[0].hint else "") + (
            "a value given with --set changes every scenario compared; to change one "
            "alone, write a scenario file that extends it and sets the value")
        raise ScenarioError(exc.issues) from None


def _taken_elsewhere(overrides: Sequence[str], items: Sequence[Item], item: Item) -> bool:
    """Whether a scenario file or Scenario of ``items`` other than ``item`` takes every
    one of ``overrides`` (its own notes unsaid: only the failure of ``item`` is)."""
    from sim.scenario import load_scenario
    from sim.scenario.errors import ScenarioError

    for other in items:
        if other is item or isinstance(other, Results):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if isinstance(other, Scenario):
                    revalidated(other, overrides)
                elif Path(other).is_file():
                    load_scenario(Path(other), overrides)
                else:
                    continue
        except (ScenarioError, OSError):
            continue
        return True
    return False


def resolve(items: Sequence[Item], overrides: Sequence[str] = (),
            seed: int | None = None, replications: int | None = None, *,
            for_python: bool = True) -> tuple[list[Arm], int]:
    """Turn scenario files, results folders, scenarios and results into arms with unique
    labels; return them and the root seed (``seed``, or the first folder's, or 0). A
    ``seed`` or ``replications`` given when every item is a finished result is refused
    (it would be ignored); ``for_python`` words that refusal's advice for the Python API."""
    from sim.output.errors import FolderError
    from sim.output.folder import load_results
    from sim.scenario import load_scenario
    from sim.scenario.loader import meta_of

    if isinstance(items, str | Path | Scenario | Results):
        raise TypeError(f"items must be a list of scenario files, results folders, Scenario "
                        f"or Results objects, not a single {type(items).__name__}: wrap it "
                        "in a list with the others, reference first")
    check_overrides(overrides)
    if len(items) < 2:
        # a Python caller gave items=[...], not the command's words (review 228)
        raise ExperimentError(f"got {len(items)} scenario(s); a comparison needs at least two",
                              what="items" if for_python else "compare",
                              hint="give the reference first: sim.compare(['A.yaml', "
                                   "'B.yaml'])" if for_python else
                                   "give the reference first: sim compare A.yaml B.yaml")
    for k, item in enumerate(items):
        # before any is read: a dict or a number said only "expected str, bytes or
        # os.PathLike object, not dict" (review 228)
        if not isinstance(item, Results | Scenario | str | os.PathLike):
            also = (": for a mapping of fields use sim.scenario_from_dict(data)"
                    if isinstance(item, Mapping) else "")
            raise TypeError(f"items[{k}] must be a scenario file or results folder (str or "
                            f"Path), a Scenario or a Results, not {type(item).__name__}"
                            f"{also}")
    arms: list[Arm] = []
    for item in items:
        if isinstance(item, Results):
            arms.append(Arm(item.scenario.name, f"<results {item.scenario.name}>",
                            item.scenario, item.seed, fixed=item))
        elif isinstance(item, Scenario):
            with _naming_scenario(f"scenario {item.name!r}", overrides, items, item,
                                  for_python):
                sc = revalidated(item, overrides)
            arms.append(Arm(sc.name, f"<scenario {sc.name}>", sc, -1,
                            known_notes=len(meta_of(item).notes), given=item))
            arms[-1].capacity_notes = overrides_capacity_notes(item, sc, overrides,
                                                               for_python)
        else:
            path = Path(item)
            if path.is_dir():
                try:
                    res = load_results(path)
                except FolderError as exc:
                    # "t1: t1 is damaged" named the folder twice (review 194)
                    said = (f"the folder {exc.message.removeprefix(f'{path} ')}"
                            if exc.message.startswith(f"{path} ") else exc.message)
                    finish = ("sim.run(..., out=..., resume=True)" if for_python
                              else "sim run ... --resume")
                    raise ExperimentError(
                        said, what=str(path),
                        hint=exc.hint or "give a scenario file or a finished results folder; "
                                         f"finish an interrupted run with {finish}") from None
                arms.append(Arm(res.scenario.name, str(path), res.scenario, res.seed,
                                fixed=res))
            elif path.is_file():
                with _naming_scenario(str(path), overrides, items, item, for_python):
                    sc = load_scenario(path, overrides)
                arms.append(Arm(sc.name, str(path), sc, -1))
                arms[-1].capacity_notes = overrides_capacity_notes(path, sc, overrides,
                                                                   for_python)
            else:
                if for_python and path.suffix.lower() in (".yaml", ".yml"):
                    # a missing scenario file: the ScenarioError ("file not found") that
                    # sim.run and sim.load_scenario raise for it (review 228)
                    load_scenario(path, overrides)
                raise ExperimentError("no such scenario file or results folder", what=str(path),
                                      hint="check the path; folders must be written by "
                                           + ("sim.run(..., out=...) or sim run" if for_python
                                              else "sim run"))
    if overrides and not any(a.runs for a in arms):
        raise ExperimentError(
            "--set changes the scenario files compared, and every item here is a finished "
            "result, which is compared as it was run", what="--set",
            hint="drop --set, or give the scenario files to run them with it")
    folder_seeds = [a.seed for a in arms if not a.runs]
    root = seed if seed is not None else (folder_seeds[0] if folder_seeds else 0)
    for arm in arms:
        if arm.runs:
            arm.seed = root
    _unique_labels(arms)
    if replications is not None and not any(a.runs for a in arms):
        # as seed: silently ignored, a comparison of two Results of 3 replications each
        # given replications=5 said only "3 replication number(s) are common"
        raise finished_only_error(replications, for_python)
    if seed is not None and not any(a.runs for a in arms):
        # as --set: it was ignored without a word (the results keep the seeds they were run with)
        seeds = ", ".join(f"{a.label} seed {a.seed}" for a in arms)
        raise ExperimentError(
            f"--seed {seed} sets the seed of the scenario files run, and every item here is a "
            f"finished result, compared as it was run ({seeds})", what="--seed",
            hint="drop --seed; for another seed, run the scenarios again with it, or compare "
                 "the scenario files")
    return arms, root


def _unique_labels(arms: list[Arm]) -> None:
    """Make the arms' labels usable as folder names and unique, ignoring case: each
    names a folder, and ``Base`` and ``base`` shared one on a file system that ignores case
    (macOS's and Windows' by default; review 230). A repeated label becomes ``tiny-2``."""
    for arm in arms:
        arm.label = _safe(arm.label)
    counts: dict[str, int] = {}
    for arm in arms:
        key = arm.label.casefold()
        counts[key] = counts.get(key, 0) + 1
    for arm in arms:
        if counts[arm.label.casefold()] > 1 and not arm.source.startswith("<"):
            arm.label = _safe(Path(arm.source).stem if Path(arm.source).suffix
                              else Path(arm.source).name)
    seen: dict[str, int] = {}
    for arm in arms:
        key = arm.label.casefold()
        if key in seen:
            seen[key] += 1
            arm.label = f"{arm.label}-{seen[key]}"
        else:
            seen[key] = 1


def run_comparison(items: Sequence[Item], replications: int | None = None,
                   seed: int | None = None, *, overrides: Sequence[str] = (),
                   workers: int | None = 1, backend: Backend | None = None,
                   scheduler: str | None = None, dask_local: bool = False,
                   executor: Executor | None = None,
                   target: Target | None = None, confidence: float = 0.95,
                   out: str | os.PathLike[str] | None = None, force: bool = False,
                   resume: bool = False,
                   progress: Callable[[int], None] | None = None,
                   on_batch: Callable[[int], None] | None = None,
                   figures: bool = True, for_python: bool = True,
                   command: Sequence[str] | None = None, target_ci: float | None = None,
                   metrics: Sequence[str] = (),
                   max_replications: int | None = None,
                   on_read: Callable[[int, str], None] | None = None,
                   on_saved: Callable[[int], None] | None = None,
                   on_write: Callable[[], None] | None = None) -> Comparison:
    """Compare scenarios with common random numbers; return a :class:`Comparison`.

    Every scenario is run (or, a results folder or ``Results``, read) and compared with
    the first, as by :func:`compare`, which takes the same arguments with the same
    meanings and defaults: ``items``, ``replications``, ``seed``, ``overrides``,
    ``workers``, ``scheduler``, ``dask_local``, ``executor``, ``backend``, ``target_ci``,
    ``metrics``, ``max_replications``, ``confidence``, ``out``, ``force``, ``resume``,
    ``figures``, ``progress`` and ``on_batch`` (``items``, ``replications`` and ``seed``
    may be given by position: ``sim.run_comparison([a, b], 20, 1)``). For a precision
    target give ``target_ci`` and ``metrics`` (and ``max_replications``) as to
    :func:`compare`, e.g. ``run_comparison([a, b], 5, target_ci=0.02,
    metrics=["delivered_t:cobalt"])``; the :class:`Comparison`'s ``stop`` is then its
    :class:`~sim.experiment.precision.StopReport`. Three more, which :func:`compare` has
    not: ``target``, a :class:`~sim.experiment.precision.Target` built already (instead of
    ``target_ci``, ``metrics`` and ``max_replications``: not with them); ``for_python``
    and ``command`` (below), which the command line sets.

    Its ``notes`` say what makes the differences other than they seem (scenarios run with
    different seeds or over different periods), and what the scenario files compared
    hold that may not be what was meant (an override over a value a file gives in another
    unit, a policy that cannot act in its network), as :func:`sim.load_scenario` warns;
    its ``table.attrs`` keeps them (``"notes"``) and, with a target, ``"stopping"``, as
    :func:`compare`'s table does. Their advice, and the messages of the errors raised, are
    written for the Python API
    (``overrides=["start=..."]``, ``force=True``), or with ``for_python=False`` for the
    command line, which calls this (``--set start=...``, ``--force``).

    With ``out``, each scenario that runs is written as a results folder ``out/<label>/``
    (replications saved as they finish, so ``resume=True`` finishes an interrupted
    comparison), and ``compare.csv``, ``compare.md``, ``comparison.json`` and figures are
    written to ``out``. ``command``, the words of the ``sim compare ... --resume`` command
    that finishes it (the command line's, with all its options), is recorded in each
    scenario's run.json for the hint ``sim report`` gives on an unfinished comparison.

    For a progress display (the command line's, review 229): ``on_read`` is called with
    the count of replication files a resumed scenario's folder holds before they are read
    back, and the scenario's label (once per scenario holding any); ``on_saved``, if given,
    with the count of those read back, instead of ``progress``; ``on_write`` (with
    ``out``) once the replications are done, before the results are tabled and the results
    folders, tables and figures written.

    ``out`` and the scenarios' folders in it are locked while the comparison writes them
    (:func:`sim.output.folder.lock_folder`): another ``sim`` command writing there is
    refused, and this one is refused if another is, with ``force`` or ``resume`` too.
    """
    from sim.output.folder import writing

    with python_wording("compare", for_python):  # before out is touched
        if target is None:
            target = precision_target(target_ci, metrics, max_replications, confidence)
        elif target_ci is not None or metrics or max_replications is not None:
            raise ExperimentError("give target, or target_ci and metrics, not both",
                                  what="target",
                                  hint="leave out target (target_ci, metrics and "
                                       "max_replications build it)")
    with python_wording("compare", for_python), writing(out, "sim compare"):
        comp = _run_comparison(
            items, replications, seed, overrides=overrides, workers=workers, backend=backend,
            scheduler=scheduler, dask_local=dask_local, executor=executor, target=target,
            confidence=confidence,
            out=out, force=force, resume=resume, progress=progress, on_batch=on_batch,
            figures=figures, for_python=for_python, command=command, on_read=on_read,
            on_saved=on_saved, on_write=on_write)
    # as sim.compare's table keeps them (review 202: this one's attrs were empty)
    comp.table.attrs["notes"] = list(comp.notes)
    if comp.stop is not None:
        comp.table.attrs["stopping"] = comp.stop.as_dict()
    return comp


def _run_comparison(items: Sequence[Item], replications: int | None, seed: int | None, *,
                    overrides: Sequence[str], workers: int | None, backend: Backend | None,
                    scheduler: str | None, dask_local: bool, executor: Executor | None,
                    target: Target | None,
                    confidence: float, out: str | os.PathLike[str] | None, force: bool,
                    resume: bool,
                    progress: Callable[[int], None] | None,
                    on_batch: Callable[[int], None] | None, figures: bool,
                    for_python: bool, command: Sequence[str] | None = None,
                    on_read: Callable[[int, str], None] | None = None,
                    on_saved: Callable[[int], None] | None = None,
                    on_write: Callable[[], None] | None = None) -> Comparison:
    """:func:`run_comparison`, its errors worded for the command line."""
    started = time.perf_counter()
    # before anything runs: a bad one failed after the first replication (review 228)
    check_callbacks(progress=progress, on_batch=on_batch, on_read=on_read, on_saved=on_saved,
                    on_write=on_write)
    check_flag(figures, "figures")
    if out is not None:
        check_path(out, "out", "the folder to write the comparison to")
    # before any scenario is read or folder written: a bad seed or confidence otherwise
    # fails only once replications run, leaving folders a rerun refuses
    # in the command line's words, as every error here: run_comparison rewords them for
    # a Python caller (with "seed=", the command line's wording went to neither)
    if seed is not None:
        check_seed(seed, "--seed", "give --seed 0, 1, 2, ... (or leave it out: 0, or the "
                   "first results folder's)")
    # as sim.run checks them ("2" and 2.0 failed deep inside with a bare TypeError)
    if replications is not None:
        check_count(replications, "-n/--replications")
        replications = int(replications)
    if workers is not None and backend is None:
        check_count(workers, "--workers")
    check_where(executor, backend, scheduler, dask_local)
    check_confidence(confidence)
    if resume and out is None:
        # as sim.run and sim.sweep: without the folder there is nothing to finish, and
        # the whole comparison ran again without a word
        raise ExperimentError("resume needs the folder of the comparison to finish",
                              what="resume",
                              hint="give out=, the folder the interrupted comparison was "
                                   "writing")
    arms, root = resolve(items, overrides, None if seed is None else int(seed), replications,
                         for_python=for_python)
    out_path = Path(out) if out is not None else None
    if resume and out_path is not None and seed is None:
        # as its -n: the comparison resumed keeps its seed (the default 0 refused one of
        # seed 3, "seed 3 there, 0 here", though no seed was given)
        kept = _recorded_seed(out_path, [a.label for a in arms if a.runs])
        if kept is not None and kept != root:
            arms, root = resolve(items, overrides, kept, replications, for_python=for_python)
    fixed = [a for a in arms if not a.runs]
    asked, held, recorded = (_saved_counts(out_path, arms) if resume and out_path is not None
                             else (0, 0, 0))
    if resume and out_path is not None and target is None and for_python:
        _warn_target_left_out(out_path, arms)
    given = replications is not None
    if replications is None and target is not None and recorded:
        # a target's batches are replayed from the -n the comparison resumed was run with
        # (the count saved is only where it was interrupted); ``held`` stays the floor
        replications = recorded
    elif replications is None and asked:
        # the comparison resumed keeps its size: the default 10 shrank one of 20 to 10
        replications = asked
    elif replications is None:
        replications = (len(common_replications([a.fixed for a in fixed]))  # type: ignore[misc]
                        if fixed else DEFAULT_REPLICATIONS)
    if replications < 1:
        raise ExperimentError("expected at least 1", what="-n/--replications")
    _check_held(out_path, held, asked, replications, target)
    if target is not None and fixed:
        raise ExperimentError(
            f"--target-ci needs every scenario as a scenario file; {fixed[0].source} is a "
            "results folder with a fixed number of replications", what="--target-ci",
            hint="give the scenario file instead, or leave out --target-ci")
    if target is not None and target.max_replications < replications:
        # -n is the first batch, as sim run checks it; the default -n counts too (a maximum
        # of 5 ran 5 replications while each scenario's run.json recorded 10)
        whose = ("" if given else " (the comparison's in --out, resumed)" if asked
                 else " (the default)")
        raise ExperimentError(
            f"--max-replications {target.max_replications} is below -n {replications}"
            f"{whose}", what="--max-replications",
            hint=f"-n is the first batch; the maximum must be at least that: give "
                 f"--max-replications {replications} or more, or a smaller -n")
    if target is not None:
        # before anything is run or written; the reference's KPIs are the ones measured
        try:
            check_metrics(target.specs, arms[0].scenario)
        except ExperimentError as exc:
            _only_elsewhere(exc, target.specs, arms)
            raise
        check_measurable(target.specs, [arm.scenario for arm in arms])
    if any(a.runs for a in arms):
        # before anything is run or written: every scenario's replications are held until
        # the comparison is tabled (review 210: a MemoryError was an "internal error")
        from sim.experiment.collector import check_room

        most = target.max_replications if target is not None else replications
        check_room([a.scenario for a in arms if a.runs], max(most, replications, held),
                   "--max-replications" if most > replications else "-n/--replications")
    notes = (identical_notes(arms, overrides, for_python) + seed_notes(arms, root, for_python)
             + period_notes(arms, for_python) + initial_stock_notes(arms, for_python)
             + series_period_notes(arms, for_python) + regime_window_notes(arms)
             + _override_notes(arms, for_python) + extends_notes(arms)
             + labelled_notes([a.label for a in arms], [a.capacity_notes for a in arms],
                              at_end=for_python))
    runnable = [a for a in arms if a.runs]
    jobs = [Job.of(a.scenario, a.seed) for a in runnable]
    chosen: list[int] = []  # reference KPI columns a target measures
    from sim.build import CodeTally

    # the code each scenario's replications run now were run by (a cluster's worker may
    # run other code than this process: review 196)
    tallies = {a.label: CodeTally() for a in runnable}

    def finished(k: int, res: ReplicationResult) -> None:
        arm = runnable[k]
        tallies[arm.label].add(res)
        arm.done[res.replication] = res
        if arm.sink is not None:
            arm.sink(res)
        if progress is not None:
            progress(1)

    current = [replications]

    def run_up_to(n: int, own: Backend | None) -> None:
        current[0] = n
        tasks = [(k, r) for r in range(n) for k, arm in enumerate(runnable)
                 if r not in arm.done]
        if tasks:
            run_tasks(jobs, tasks, finished, own)

    def execute(own: Backend | None) -> StopReport | None:
        if target is None:
            if on_batch is not None:
                on_batch(replications * len(runnable))
            run_up_to(replications, own)
            return None

        def measure() -> list[Measure]:
            return _measure(arms, target, chosen, current[0])

        def batch(n: int) -> None:
            # the replications that will then exist: saved ones beyond n count as done
            if on_batch is not None:
                on_batch(sum(n + sum(r >= n for r in arm.done) for arm in runnable))

        # The batches of the comparison resumed are replayed from its own -n (a first batch
        # of every replication saved stopped elsewhere: 4 saved of one stopping at 12 after
        # [3, 6, 12] ended at 15 after [4, 8, 15]); ``floor`` keeps a target met below the
        # count saved from leaving saved replications out of the comparison.
        return run_sequential(replications, target, lambda n: run_up_to(n, own),
                              measure, batch, floor=floors[0])

    floors = [held]  # what the arm folders hold, once they are opened
    resumed_with: dict[str, int] = {}

    def prepare() -> None:
        from sim.output.folder import nothing_saved

        if out_path is not None and resume and for_python and nothing_saved(out_path):
            # review 194: a resume of the wrong folder ran a new comparison without a word
            warnings.warn(f"nothing saved in {out_path.absolute()}: resume=True starts a new "
                          "comparison there", UserWarning, stacklevel=2)
        if out_path is not None:
            mixed = _prepare_out(out_path, arms, root, replications, force, resume,
                                 comparison_record(arms, overrides, target, command),
                                 on_read=on_read)
            # a comparison resumed by other code than ran its saved replications
            notes.extend(n.replace("--force", "force=True") if for_python else n
                         for n in mixed)
            # counted again from what the folders opened hold: one whose run.json is not
            # recognised as this comparison's (unreadable, say) still may not be cut short
            floors[0] = max([held, *(max(a.done) + 1 for a in runnable if a.done)])
            _check_held(out_path, floors[0], max(asked, floors[0]), replications, target)
            if resume:
                resumed_with.update({a.label: len(a.done) for a in runnable})
        counted = on_saved if on_saved is not None else progress
        if counted is not None and any(a.done for a in runnable):
            counted(sum(len(a.done) for a in runnable))

    from sim.output.errors import FolderError

    stop: StopReport | None = None
    fresh_out = out_path is not None and not out_path.exists()
    where: dict[str, Any] | None = None
    try:
        if not runnable:
            prepare()
        else:
            # the executor first: a cluster that cannot be reached leaves no folder behind
            most = target.max_replications if target is not None else replications
            with placed(workers, tasks=most * len(runnable), scheduler=scheduler,
                        dask_local=dask_local, executor=executor, backend=backend,
                        opener=open_backend) as own:
                where = where_record(own)
                prepare()
                stop = execute(own)
    except (ExperimentError, FolderError) as exc:
        raise _stopped(exc, runnable, out_path if fresh_out else None) from None
    except Exception as exc:
        # stopped before any replication was saved (an executor that failed the first, say):
        # folders holding a run.json alone made the same call refuse them as results. The
        # command line keeps those of a failed replication, whose message gives the command
        # that finishes the comparison.
        saved = any(a.folder.saved_count() for a in runnable if a.folder is not None)
        if not saved and (for_python or not isinstance(exc, ReplicationError)):
            _stopped(exc, runnable, out_path if fresh_out else None)
        raise
    if out_path is not None and on_write is not None:
        on_write()  # the tables, results folders and figures are next
    final = stop.replications if stop is not None else replications
    try:
        results: list[Results] = []
        for arm in arms:
            if arm.fixed is not None:
                results.append(arm.fixed)
            else:
                ran = [arm.done.pop(r) for r in range(final)]
                # the scenario's own time, its replications' summed (those read back from a
                # resumed folder with the time they took): the comparison's whole time, which
                # its manifest.json gave, read as this scenario's (review 202)
                results.append(collect(arm.scenario, arm.seed, ran,
                                       wall_s=sum(r.wall_s for r in ran), consume=True))
        reps = common_replications(results)
        if fixed and len(reps) < replications:
            notes.append(f"only {len(reps)} replication number(s) are common to every scenario; "
                         "those are paired")
        else:
            # results folders alone are compared over the replications they share: one holding
            # more has the others left out, and its means here differ from its own summary's
            unpaired = [f"{arm.label} has {len(res.replications)}"
                        for arm, res in zip(arms, results, strict=True)
                        if len(res.replications) > len(reps)]
            if unpaired:
                one = len(unpaired) == 1
                notes.append(f"only the {len(reps)} replication number(s) common to every "
                             f"scenario are paired: {', '.join(unpaired)}, and "
                             f"{'its' if one else 'their'} means here are over the paired "
                             f"{len(reps)}, not those of {'its' if one else 'their'} own summary")
        table = compare_table(results, [a.label for a in arms], confidence, reps)
        notes += alike_notes(results, [a.label for a in arms], reps)
        from sim.build import code_label, worker_code_note

        own = code_label()
        worker = worker_code_note(
            [(f"scenario {label!r}", t.ran) for label, t in tallies.items()], own,
            out_path if out_path is not None else "the comparison",
            "comparison.json's and each scenario's manifest.json's code" if out_path is not None
            else "the comparison's codes", pairs=True)
        if worker:
            notes.append(worker)
        comp = Comparison([a.label for a in arms], [a.source for a in arms], results, table, reps,
                          [a.seed for a in arms], stop, notes, time.perf_counter() - started,
                          confidence, [_arm_code(a, tallies.get(a.label)) for a in arms],
                          [_arm_builds(a, tallies.get(a.label)) for a in arms], where,
                          [str(o) for o in overrides])
        if out_path is not None:
            from sim.output.compare_output import write_comparison
            from sim.output.folder import ResultsFolder
            from sim.output.tables import run_table_notes
            from sim.scenario.loader import has_meta, meta_of

            for arm, res in zip(arms, results, strict=True):
                if arm.runs:
                    folder = ResultsFolder(out_path / arm.label, resume=True,
                                           command="sim compare")
                    extra: dict[str, Any] = {"comparison": str(out_path), "label": arm.label,
                                             **(where or {})}  # as sim run's manifest has it
                    if arm.label in resumed_with:
                        extra["resumed_with"] = resumed_with[arm.label]  # as sim run records it
                    if arm.changed:
                        extra["changed_after_loading"] = True
                    # as sim run's manifest.json keeps them (see FolderRun.finish)
                    extra["table_notes"] = run_table_notes(res)
                    said = [*arm.capacity_notes, *([arm.code_note] if arm.code_note else []),
                            *([arm.changed] if arm.changed else [])]
                    ran_by = worker_code_note([("", tallies[arm.label].ran)], own,
                                              out_path / arm.label,
                                              "run.json's and manifest.json's code")
                    if ran_by:
                        said.append(ran_by)
                    if said:
                        # the folder read alone (sim report, load_results) says them too, not
                        # only the comparison's files (as sim run's manifest does)
                        own = list(meta_of(arm.scenario).notes) if has_meta(arm.scenario) else []
                        said = [n.replace("--force", "force=True") if for_python else n
                                for n in said]
                        extra["notes"] = [*own, *(n for n in said if n not in own)]
                    # a results folder as sim run writes it, figures included (they were
                    # left out, so each scenario's folder lacked the layout it promises)
                    folder.finish(res, extra, figures=figures)
            written = comp
            if confidence != 0.95:
                # the folder is read by sim report and its figures, which give 95% intervals
                # as sim compare does (it has no option for another level): its tables are at
                # 95% too, and say so, so that no file labels an interval of another level
                # "95%" (review 128: a 50% interval was headed "95% CI" beside the forest
                # plot's 95% one)
                written = replace(
                    comp, confidence=0.95,
                    table=compare_table(results, [a.label for a in arms], 0.95, reps))
                comp.notes.append(
                    f"the files in {out_path} give 95% intervals, as sim compare and sim "
                    f"report do; the table returned gives the {confidence * 100:g}% intervals "
                    f"asked for (confidence={confidence:g})")
                written.notes = comp.notes
            write_comparison(written, out_path, figures=figures)
    except MemoryError:
        # review 229/232: an "internal error" asking for a report, with every
        # replication saved and no word of it
        from sim.experiment.collector import no_room_for_tables

        raise no_room_for_tables(final, out_path, figures, " of each scenario") from None
    return comp


def _recorded_seed(out: Path, labels: Sequence[str]) -> int | None:
    """The root seed the scenarios ``labels`` of the comparison in ``out`` were run with
    (their run.json), if they agree on one; else None."""
    import json

    seeds = set()
    for label in labels:
        try:
            info = json.loads((out / label / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        value = info.get("seed") if isinstance(info, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            seeds.add(value)
    return seeds.pop() if len(seeds) == 1 else None


def _saved_counts(out: Path, arms: Sequence[Arm]) -> tuple[int, int, int]:
    """For a comparison resumed in ``out``: the replications per scenario its results
    folders were last asked for (their run.json) or hold, whichever is more; the
    replications per scenario they hold (the highest number saved plus one); and the count
    their run.json records alone (the -n they were last run with); 0, 0 and 0 if none is
    found. Only the folders of the scenarios this comparison runs that a comparison ran
    and that share its seed are read: those a comparison in ``out`` ran, and those whose
    run.json names the same label though another comparison folder (one moved while
    interrupted, before comparison.json said whose arms they are). Another folder is
    refused when the comparison begins, with the reason."""
    import json

    from sim.output.folder import comparison_arms

    ours = set(comparison_arms(out)) if out.is_dir() else set()
    asked = held = recorded = 0
    for arm in arms:
        path = out / arm.label
        if not arm.runs or not (path / "run.json").is_file():
            continue
        try:
            info = json.loads((path / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(info, dict) or info.get("seed") != arm.seed:
            continue
        moved = (info.get("label") == arm.label
                 and isinstance(info.get("comparison"), str))
        if path not in ours and not moved:
            continue
        numbers = [int(p.stem.removeprefix("rep-")) for p in
                   (path / "replications").glob("rep-*.npz")
                   if p.stem.removeprefix("rep-").isdigit()]
        most = max(numbers, default=-1) + 1
        held = max(held, most)
        count = info.get("replications")
        count = count if isinstance(count, int) and not isinstance(count, bool) else 0
        recorded = max(recorded, count)
        asked = max(asked, most, count)
    return asked, held, recorded


def _check_held(out: Path | None, held: int, asked: int, replications: int,
                target: Target | None) -> None:
    """Raise :class:`ExperimentError` if resuming the comparison in ``out``, whose results
    folders hold ``held`` replications per scenario (``asked`` the count it was run with
    or holds), would rebuild it from fewer: an -n below ``held`` without a target (as sim
    run --resume refuses it), or a ``target`` whose maximum is below it (with a target the
    run goes on to ``held`` at least, so a smaller -n is no loss)."""
    if target is None and replications < held:
        # the others would stay saved in its results folders, unused
        raise ExperimentError(
            f"the comparison in {out} holds {held} replications per scenario, more than "
            f"the -n {replications} asked for", what="-n/--replications",
            hint=f"resume with -n {held} or more (or leave out -n to keep {asked}), or pass "
                 "--force to start again with fewer, or choose another --out folder")
    if target is not None and target.max_replications < held:
        # a target stops at its maximum: below the count saved, the comparison was rebuilt
        # from fewer replications than its folders hold (the rest kept on disk, unused)
        raise ExperimentError(
            f"the comparison in {out} holds {held} replications per scenario, more than "
            f"the --max-replications {target.max_replications} allows",
            what="--max-replications",
            hint=f"resume with --max-replications {held} or more, or pass --force to start "
                 "again with fewer, or choose another --out folder")


def _stopped(exc: Exception, runnable: Sequence[Arm], created: Path | None) -> Exception:
    """``exc``, raised on bad input after the arms' results folders were begun, made safe
    to rerun: new folders with no replication saved are removed again (and ``created``, the
    comparison folder this run made, if that leaves it empty), and saved replications are
    named with how to keep them."""
    folders = [a.folder for a in runnable if a.folder is not None]
    removed = [f.abandon() for f in folders]
    if created is not None and all(removed):
        with contextlib.suppress(OSError):
            created.rmdir()  # only if empty
    saved = sum(f.saved_count() for f in folders)
    if not saved or any(f.resume for f in folders) or not isinstance(exc, ExperimentError):
        return exc
    what = exc.what if exc.what and exc.what.startswith("-") else "the command"
    where = folders[0].path.parent
    note = (f"{saved} finished replication(s) are saved in {where}: correct {what} and run "
            "again with --resume to keep them, or with --force to start again")
    return ExperimentError(exc.message, what=exc.what,
                           hint=f"{exc.hint}; {note}" if exc.hint else note)


def seed_notes(arms: Sequence[Arm], root: int, for_python: bool = False) -> list[str]:
    """The note that ``arms`` were run with different seeds (none if they share one): their
    pairs share no random numbers, so intervals are wider. ``root`` is the seed a fresh
    run would use; ``for_python`` words the advice for the Python API."""
    seeds = {a.seed for a in arms}
    if len(seeds) == 1:
        return []
    parts = ", ".join(f"{a.label} seed {a.seed}" for a in arms)
    fix = f"run them again with seed={root}" if for_python else \
        f"rerun the folders with --seed {root}"
    return [f"the scenarios were run with different seeds ({parts}): replications are paired "
            "by number but do not share random numbers, so intervals are wider than with "
            f"common random numbers ({fix})"]


_NOT_RUN = {"name", "title", "question", "description", "horizon_days", "end"}
"""Scenario fields that change nothing in a run as such: what describes it, and the two
ways of giving its length (compared as :attr:`~sim.scenario.schema.Scenario.horizon`)."""


def _run_as(sc: Scenario) -> tuple[dt.date, float, Any]:
    """What a run of ``sc`` is made of: its start date, its length, and every other field
    with each date in it as days from the start (an event's ``start: 5`` and ``start:
    2024-01-06`` are one start). Mappings keep their order: the order of channels, lanes,
    routes and commodities draws the random numbers otherwise, so a copy listing them in
    another order is not the same run (review 160: "every difference is 0" above
    differences of 2,886 t)."""

    def days(x: Any) -> Any:
        if isinstance(x, dt.date):
            return sc.day_of(x)
        if isinstance(x, dict):
            return [(k, days(v)) for k, v in x.items()]
        if isinstance(x, list | tuple):
            return [days(v) for v in x]
        return x

    return sc.start, sc.horizon, days(sc.model_dump(exclude=_NOT_RUN | {"start"}))


def identical_notes(arms: Sequence[Arm], overrides: Sequence[str] = (),
                    for_python: bool = False) -> list[str]:
    """A note naming the scenarios run here that are the reference itself (the same fields
    once overrides are applied, names and descriptions aside, and the same length however
    given) with its seed: every difference from it is 0 by construction, which a file
    compared with itself under ``--set`` gives, as ``--set`` changes every scenario it runs.
    Results folders are left out: two of one scenario and seed may come from different
    versions of the simulator, a regression check whose differences are not 0."""
    ref = arms[0]
    if not ref.runs:
        return []
    body = _run_as(ref.scenario)
    same = [a.label for a in arms[1:]
            if a.runs and a.seed == ref.seed and _run_as(a.scenario) == body]
    if not same:
        return []
    note = (f"{and_list(same)} {'is' if len(same) == 1 else 'are'} the same scenario as the "
            f"reference ({ref.label}) with the same seed, so every difference is 0")
    if not overrides:
        return [note]
    fix = ("sim.run the variant and the original each with its own overrides and out, then "
           "sim.compare the two results folders" if for_python else
           "run the variant and the original apart (sim run ... --set ... --out A, sim run "
           "... --out B), then compare the two results folders (sim compare A B)")
    return [f"{note}; {'overrides change' if for_python else '--set changes'} every "
            f"scenario a comparison runs: to compare a variant with its original, {fix}"]


def regime_from(sc: Scenario, rid: str) -> dt.date:
    """The first measured date of regime ``rid`` in ``sc``: its start, or the scenario's
    start date if it runs from before (``state_time_share`` counts from there)."""
    spec = sc.shocks.regimes[rid]
    days = max(0.0, sc.day_of(spec.start)) if spec.start is not None else 0.0
    return sc.start + dt.timedelta(days=math.ceil(days))


def regimes_over_other_periods(reference: Scenario, scenario: Scenario) -> list[str]:
    """The regimes of both scenarios whose measured time starts on another date in
    ``scenario`` than in ``reference`` (:func:`regime_window_notes`): their
    ``state_time_share`` differences compare periods, and are not ranked with the others."""
    return [rid for rid in reference.shocks.regimes if rid in scenario.shocks.regimes
            and regime_from(reference, rid) != regime_from(scenario, rid)]


def regime_window_notes(arms: Sequence[Arm]) -> list[str]:
    """A note for each regime whose measured time starts on another date in a compared
    scenario than in the reference (one that hands over from a scripted history, say):
    its ``state_time_share`` rows are shares of different periods, so their difference is
    not the scenario's effect on the regime alone."""
    ref = arms[0]
    notes = []
    for rid in ref.scenario.shocks.regimes:
        ours = regime_from(ref.scenario, rid)
        other = [(a.label, regime_from(a.scenario, rid)) for a in arms[1:]
                 if rid in a.scenario.shocks.regimes]
        if any(d != ours for _label, d in other):
            parts = ", ".join(f"{label} from {d}" for label, d in [(ref.label, ours), *other])
            notes.append(f"regime {rid} is measured over different periods ({parts}): its "
                         "state_time_share rows are shares of different spans of time, so "
                         "their differences compare the periods as well as the scenarios "
                         "(and are not listed among the differences that stand out)")
    return notes


def _left_outside(arms: Sequence[Arm], period: Sequence[str]
                  ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """By scenario label, the events, regimes and policies (``policies.export_quotas.q``)
    that ``period`` (overrides giving the scenarios one period) would leave outside the
    run, which the loader refuses (review 176: the period suggested for corridor_shocks
    and export_ban_2025 was refused for the ban's 2027 quota); and those it would end
    inside the warm-up, before the start date, which the loader only notes
    (:func:`sim.scenario.shock_checks.warmup_only`): measured from a later start, a shock
    of the period becomes one the results barely see."""
    from sim.scenario.errors import ScenarioError
    from sim.scenario.shock_checks import warmup_only

    def warm(sc: Scenario) -> list[str]:
        # each note begins with the shock's key ("shocks.events.x ends by ...")
        return [note.split(" ", 1)[0] for note in warmup_only(sc)]

    outside: dict[str, list[str]] = {}
    warmed: dict[str, list[str]] = {}
    for arm in arms:
        dropped: list[str] = []
        for _attempt in range(20):  # each pass drops what the last refusal named
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    moved = revalidated(arm.scenario,
                                        [*period, *(f"{d}=null" for d in dropped)])
            except ScenarioError as exc:
                new = [k for k in dict.fromkeys(
                    ".".join(map(str, i.path[:3])) for i in exc.issues
                    if len(i.path) >= 3 and i.path[0] in ("shocks", "policies"))
                    if k not in dropped]
                if new:
                    dropped += new
                    continue
            else:
                before = set(warm(arm.scenario))
                if pushed := [k for k in warm(moved) if k not in before]:
                    warmed[arm.label] = pushed
            break
        if dropped:
            outside[arm.label] = dropped
    return outside, warmed


def _outside_words(found: tuple[dict[str, list[str]], dict[str, list[str]]],
                   for_python: bool) -> str:
    """What :func:`_left_outside` found, in words. The period is that of the scenario
    starting last, which holds all its own, so another lacks each one found: an override
    removing it would be refused there."""
    outside, warmed = found
    said = [
        f"{label}'s {', '.join(keys)} would fall outside that period, and "
        f"{'an override' if for_python else 'a --set'} cannot drop "
        f"{'it' if len(keys) == 1 else 'them'} from one scenario alone: compare a copy of "
        "its file without " + ("it" if len(keys) == 1 else "them")
        for label, keys in outside.items()]
    said += [
        f"{label}'s {', '.join(keys)} would end inside the warm-up, before that period "
        "starts, and act on its results only through what "
        f"{'it leaves' if len(keys) == 1 else 'they leave'} on lanes, in queues and at "
        "mines" for label, keys in warmed.items()]
    return f" ({'; '.join(said)})" if said else ""


def period_kind(reference: Scenario, scenario: Scenario) -> str | None:
    """How ``scenario`` measures another period than ``reference``: ``"length"`` (a horizon
    more than :data:`SAME_LENGTH` apart), ``"dates"`` (about the same length, on other
    dates), ``"warm-up"`` (the same period after another warm-up), or None (the same). The
    rule of :func:`period_notes`."""
    longer = max(scenario.horizon, reference.horizon)
    if abs(scenario.horizon - reference.horizon) > SAME_LENGTH * longer:
        return "length"
    if scenario.start != reference.start or scenario.horizon != reference.horizon:
        return "dates"
    if scenario.warmup_days != reference.warmup_days:
        return "warm-up"
    return None


SAME_LENGTH = 0.01
"""Horizons this share apart or closer are about one length (review 180: 731 and 730 days
a year apart were said to differ "mostly by the length of the period")."""

PERIOD_WORDS = {
    "length": "partly the length of the period (totals grow with it)",
    "dates": "partly those of the dates the periods cover",
    "warm-up": "partly those of the stocks and states their warm-ups leave",
}
"""What differences over another period (:func:`period_kind`) are, besides the
scenarios' effect ("differences are ..."; review 176: one period after other warm-ups was
said to differ "mostly by the length of the period")."""


def period_words(kinds: Collection[str | None]) -> str:
    """:data:`PERIOD_WORDS` of ``kinds`` (one kind each), or a word for them all."""
    known = {k for k in kinds if k is not None}
    if len(known) == 1:
        return PERIOD_WORDS[known.pop()]
    return "partly those of the periods they measure"


def period_notes(arms: Sequence[Arm], for_python: bool = False) -> list[str]:
    """A note when the scenarios do not measure the same period: their totals then differ
    by the length of the period, not by what the scenarios change. Its advice is written
    for the command line (``--set start=...``), or with ``for_python`` for the Python API
    (``overrides=["start=..."]``)."""
    periods = {(a.scenario.start, a.scenario.horizon, a.scenario.warmup_days) for a in arms}
    if len(periods) == 1:
        return []
    parts = ", ".join(f"{a.label} {a.scenario.start} + {a.scenario.horizon:g} days"
                      for a in arms)
    # the period of the scenario starting last (the longest of those): its stocks and
    # dated shocks are set for its start, which an earlier one would move them away from
    # (an export ban's buffer is the stock at its own start); a status quo measures as
    # well over any period
    last = max(arms, key=lambda a: (a.scenario.start, a.scenario.horizon)).scenario
    start = last.start
    end = last.last_date
    warmups = {a.scenario.warmup_days for a in arms}
    one_period = len({(a.scenario.start, a.scenario.horizon) for a in arms}) == 1
    # only what differs: one period after other warm-ups is given one warm-up (review 176)
    one = [] if one_period else [f"start={start}", f"end={end}", "horizon_days=null"]
    if len(warmups) > 1:
        one.append(f"warmup_days={max(warmups):g}")
    options = f"overrides={one!r}" if for_python else " ".join(f"--set {o}" for o in one)
    if all(a.runs for a in arms):
        options += _outside_words(_left_outside(arms, one), for_python)
    over = "after one warm-up" if one_period else "over one period"
    if all(a.runs for a in arms) and one_period:
        fix = "give them one warm-up: " + options
    elif all(a.runs for a in arms):
        fix = "give them one period, that of the scenario starting last: " + options
    elif for_python:
        # overrides do not reach finished results: their runs must be made again
        fix = (f"run them again {over} (sim.run(..., {options})), or compare the "
               "scenario files with those overrides")
    else:
        # --set does not reach a finished results folder: its runs must be made again
        fix = (f"run them again {over} (sim run ... {options}), or compare the "
               "scenario files with those options")
    if one_period:
        # one period after warm-ups of different lengths: the periods are the same, what
        # they start from is not
        warm = ", ".join(f"{a.label} {a.scenario.warmup_days:g} days" for a in arms)
        return [f"the scenarios measure one period ({arms[0].scenario.start} + "
                f"{arms[0].scenario.horizon:g} days) after warm-ups of different lengths "
                f"({warm}), so the stocks and regime states they start from differ as well "
                f"as what the scenarios change; {fix}"]
    # the same length on other dates: what differs is the calendar (dated shocks, prices
    # and stocks of other days), not the length
    why = ("the length of the period"
           if any(period_kind(arms[0].scenario, a.scenario) == "length" for a in arms[1:])
           else "the dates they cover")
    return [f"the scenarios measure different periods ({parts}), so their totals differ by "
            f"{why} as well as by what the scenarios change; {fix}"]


STOCK_FIELDS = ("initial_stock_t", "initial_feed_t", "initial_output_t")
"""The sites' fields of metal held on the start date (mines, refiners, markets,
stockpiles)."""


def _initial_stocks(sc: Scenario) -> dict[tuple[str, str, str], float]:
    """Tonnes held on the start date by (commodity, site, field), where not 0."""
    return {(com, sid, name): float(t) for sid, site in sc.sites.items()
            for name in STOCK_FIELDS for com, t in (getattr(site, name, None) or {}).items()
            if t}


def initial_stock_notes(arms: Sequence[Arm], for_python: bool = False) -> list[str]:
    """A note for each scenario that starts with another stock of a commodity than the
    reference (review 173: export_ban_2025 starts with an 80,100 t buffer at the refiners
    the baseline lacks, so its "stock at the end" row against the baseline was +73% where
    the ban's own effect was +30%). Its advice, where every scenario is run here and holds
    the sites, is the ``--set`` (or, ``for_python``, ``overrides=``) that gives the
    reference's sites the scenario's stocks."""
    ref = arms[0]
    ours = _initial_stocks(ref.scenario)
    notes = []
    for arm in arms[1:]:
        theirs = _initial_stocks(arm.scenario)
        for com in dict.fromkeys(c for c, _s, _f in [*ours, *theirs]):
            if any(com not in a.scenario.commodities for a in (ref, arm)):
                # the tables give no difference of a commodity one scenario lacks, and a
                # --set of its stock there is refused (review 180)
                continue
            keys = [k for k in dict.fromkeys([*ours, *theirs])
                    if k[0] == com and ours.get(k, 0.0) != theirs.get(k, 0.0)]
            more = sum(theirs.get(k, 0.0) - ours.get(k, 0.0) for k in keys)
            if not keys or abs(more) < 0.5:
                continue
            where = "; ".join(
                f"{sid} {name} {_tonnes(theirs.get((com, sid, name), 0.0))} against "
                f"{_tonnes(ours.get((com, sid, name), 0.0))}" for _c, sid, name in keys)
            # a mine's working stock stays at the mine: it buffers no market (review 180)
            buffers = any(arm.scenario.sites.get(sid, ref.scenario.sites.get(sid)).kind
                          != "mine" for _c, sid, _n in keys)
            # "may": where neither scenario goes short, a buffer changes no shortfall
            # (review 182: the note made the reader doubt a shortfall it did not touch)
            what = ("its stocks at the end differ by that as well as by what the scenario "
                    "changes, and so may the shortfalls and prices those stocks buffer"
                    if buffers else "its stocks at the end (a mine's working stock, which "
                    "stays there) differ by that as well as by what the scenario changes")
            note = (f"{arm.label} starts with {_tonnes(abs(more))} "
                    f"{'more' if more > 0 else 'less'} {com} in stock than {ref.label} "
                    f"({where}): {what}")
            settable = all(a.runs for a in arms) and all(
                sid in a.scenario.sites for a in arms for _c, sid, _n in keys)
            if settable:
                sets = [f"sites.{sid}.{name}.{com}={theirs.get((com, sid, name), 0.0):g}"
                        for _c, sid, name in keys]
                given = (f"overrides={sets!r}" if for_python
                         else " ".join(f"--set {s}" for s in sets))
                note += f"; to compare like with like, start them all with its stocks: {given}"
            notes.append(note)
    return notes


def _tonnes(t: float) -> str:
    return f"{t:,.0f} t" if t else "none"


def _series_period_text(period: int | str) -> str:
    return "calendar months" if period == MONTH else f"{int(period)}-day periods"


def series_period_notes(arms: Sequence[Arm], for_python: bool = False) -> list[str]:
    """A note when the scenarios' time series have different periods
    (``series_period_days``: 7 and 30, or weeks and calendar months): their series are
    sums and means over different stretches of days, so they cannot be subtracted period
    by period, and the comparison figures draw no time-series difference from the
    reference for the scenarios whose periods differ from its own (only each scenario's
    own series). The KPIs are not affected. Its advice is written for the command line
    (``--set``), or with ``for_python`` for the Python API (``overrides=``)."""
    periods = [a.scenario.series_period_days for a in arms]
    if len(set(periods)) == 1:
        return []
    parts = ", ".join(f"{a.label} {_series_period_text(p)}"
                      for a, p in zip(arms, periods, strict=True))
    ref = periods[0]
    other = [a.label for a, p in zip(arms, periods, strict=True) if p != ref]
    word = ref if ref == MONTH else f"{int(ref)}"
    option = f"series_period_days={word}"
    if all(a.runs for a in arms):
        fix = (f"give them the reference's: overrides={[option]!r}" if for_python
               else f"give them the reference's: --set {option}")
    elif for_python:
        # overrides do not reach finished results: their runs must be made again
        fix = (f"run them again with one (sim.run(..., overrides={[option]!r})), or compare "
               "the scenario files with that override")
    else:
        fix = (f"run them again with one (sim run ... --set {option}), or compare the "
               "scenario files with that option")
    return [f"the scenarios' time series have different periods ({parts}): their series "
            "are summed or averaged over different days and cannot be subtracted period by "
            f"period, so the comparison figures draw no time-series difference from "
            f"{arms[0].label} for {', '.join(other)} (each scenario's own series only; the "
            f"KPIs are not affected); {fix}"]


@dataclass
class _Chain:
    """The files a compared scenario was loaded from (see :func:`_chain`)."""

    files: list[Path]
    """Itself first, then every file it extends, directly or not."""
    parents: list[Path] | None
    """The files its own ``extends`` names (None when that cannot be told)."""
    here: bool
    """The paths lead to the files themselves (loaded in this process, or recorded
    absolute), so two files of one name in different folders are told apart."""
    sha256: list[str | None] | None = None
    """The sha256 of each file's bytes (as ``files``; None for one that could not be
    read), or None when not known (a folder whose manifest records none)."""
    recorded: bool = False
    """Read from a results folder's manifest: its paths are where the files were at run
    time, which lead to other files, or none, once the project is moved or copied."""

    def digest(self, f: Path) -> str | None:
        """The sha256 of file ``f`` of :attr:`files`, None if not known."""
        if self.sha256 is None:
            return None
        for g, h in zip(self.files, self.sha256, strict=True):
            if g == f:
                return h
        return None


def _sha256(path: Path) -> str | None:
    """The sha256 (hex) of the bytes of ``path``, None if it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _same_file(a: Path, ha: str | None, b: Path, hb: str | None, here: bool,
               recorded: bool) -> bool:
    """Whether files ``a`` and ``b`` (with their sha256 ``ha``, ``hb``, None if not
    known) are one scenario file. The same file by its path (``here``: both paths lead to
    the files, symbolic links followed) is. Of two files loaded in this process, no
    other is: a copy in another folder is another file, to be edited apart. When either
    path was ``recorded`` by a results folder, it may lead elsewhere (the project moved,
    copied or mounted in another place), so files with contents both known are one when
    their bytes are, and with a content not known (a folder recorded before contents
    were, or a file not readable) they are matched by name, as an older folder's are."""
    if here and a.resolve() == b.resolve():
        return True
    if not recorded:
        return False
    if ha is not None and hb is not None:
        return ha == hb
    return a.name == b.name


def _own_extends(files: list[Path], here: bool) -> list[Path] | None:
    """The files ``files[0]``'s own ``extends`` names, as paths like those of ``files``;
    None when it cannot be read or does not match ``files`` (a folder's file moved or
    edited since its run). The loader keeps only the flattened list."""
    if len(files) == 2:
        return [files[1]]  # one file besides itself: its only parent
    from sim.scenario.yamlio import read_yaml

    try:
        data, _lines = read_yaml(files[0])
    except Exception:  # noqa: BLE001 - not readable: unknown, and the note says less
        return None
    named = data.get("extends") if isinstance(data, dict) else None
    named = [named] if isinstance(named, str) else named
    if not isinstance(named, list) or not all(isinstance(p, str) for p in named):
        return None
    parents = [files[0].parent / p for p in named]
    if here:
        known = {str(f.resolve()): f for f in files[1:]}
        found = [known.get(str(p.resolve())) for p in parents]
    else:
        names = {f.name: f for f in files[1:]}
        found = [names.get(p.name) for p in parents]
    return None if any(f is None for f in found) else [f for f in found if f is not None]


def chain_record(sc: Scenario) -> dict[str, Any] | None:
    """What a results folder's manifest records (``scenario_chain``) of the files
    ``sc`` was loaded from, for the extends notes of a later comparison or report:
    ``files`` (itself first, then every file it extends) and ``parents`` (those its own
    ``extends`` names, or None if that cannot be told), each an absolute path as the file
    was named (symbolic links kept), and ``sha256``, the hex sha256 of each file's bytes
    (as ``files``, None for one not readable), read now, while the paths still lead to the
    files from this working folder: a comparison made after the project moved matches
    its files by content. None for a scenario built from a mapping or YAML text, whose
    ``scenario_files`` holds only a name."""
    from sim.scenario.loader import meta_of

    meta = meta_of(sc)
    if not (meta.from_file and meta.files):
        return None
    files = [Path(f) for f in meta.files]
    parents = _own_extends(files, True) if len(files) > 1 else []
    return {"files": [os.path.abspath(f) for f in files],
            "parents": None if parents is None else [os.path.abspath(p) for p in parents],
            "sha256": [_sha256(f) for f in files]}


def _recorded_chain(manifest: dict[str, Any]) -> _Chain | None:
    """The chain a results folder's manifest records: ``scenario_chain``
    (:func:`chain_record`) where written, None there for a scenario not loaded from files;
    one written before the files' ``sha256`` were has none (its files matched by name).
    An older folder has only ``scenario_files``, as typed, relative to wherever that run
    was started: names ``<...>`` (``<dict>``) are not files; relative paths are matched by
    name, and the file's own ``extends`` is read only from an absolute path (one relative
    to this working folder could be another file, or none)."""
    if "scenario_chain" in manifest:
        rec = manifest["scenario_chain"]
        if not isinstance(rec, dict) or not rec.get("files"):
            return None
        files = [Path(str(f)) for f in rec["files"]]
        parents = rec.get("parents")
        sums = rec.get("sha256")
        # a record written before contents were (or edited by hand): files matched by name
        if not (isinstance(sums, list) and len(sums) == len(files)
                and all(h is None or isinstance(h, str) for h in sums)):
            sums = None
        return _Chain(files, [Path(str(p)) for p in parents]
                      if isinstance(parents, list) else None, True, sums, True)
    recorded = manifest.get("scenario_files") or []
    if not isinstance(recorded, list) or not recorded:
        return None
    first = str(recorded[0])
    if first.startswith("<") and first.endswith(">"):
        return None  # scenario_from_dict's or scenario_from_yaml's name, not a file
    files = [Path(str(f)) for f in recorded]
    here = all(f.is_absolute() for f in files)
    if len(files) == 1:
        return _Chain(files, [], here, None, True)
    return _Chain(files, _own_extends(files, here) if here or len(files) == 2 else None,
                  here, None, True)


def _chain(arm: Arm) -> _Chain | None:
    """The files the scenario of ``arm`` was loaded from: those :func:`load_scenario` read
    in this process, or for results read from a folder those its manifest records (see
    :func:`_recorded_chain`); None for a scenario built from a mapping or YAML text, or
    results that record no files."""
    from sim.scenario.loader import meta_of

    meta = meta_of(arm.scenario)
    if meta.from_file and meta.files:
        files = [Path(f) for f in meta.files]
        return _Chain(files, _own_extends(files, True) if len(files) > 1 else [], True,
                      [_sha256(f) for f in files])
    if arm.fixed is None:
        return None
    try:
        manifest = arm.fixed.info.get("manifest", {})
    except Exception:  # noqa: BLE001 - results built in code record no manifest
        return None
    return _recorded_chain(manifest) if isinstance(manifest, dict) else None




def _told_apart(a: Path, b: Path) -> tuple[str, str]:
    """Two paths of files of one name, each shortened to the last parts that tell them
    apart (``a/base.yaml`` and ``b/base.yaml``), the whole absolute path if none do."""
    pa = Path(os.path.abspath(a)).parts
    pb = Path(os.path.abspath(b)).parts
    for n in range(2, max(len(pa), len(pb)) + 1):
        if pa[-n:] != pb[-n:]:
            return str(Path(*pa[-n:])), str(Path(*pb[-n:]))
    return str(Path(*pa)), str(Path(*pb))


def extends_notes(arms: Sequence[Arm]) -> list[str]:
    """A note for each compared scenario whose ``extends`` chain has files the reference's
    chain lacks (the reference not being one of them): its differences from the reference
    are those files' changes as well as its own, so they are not its own effect (a
    partnership over a leaky baseline, compared with the clean baseline, shows the leakage
    as the partnership's). A scenario whose own ``extends`` names one file is told to be
    compared with it; one that names several combines them, and its difference from any
    one of them still holds the others' changes, so it gets no such advice. A file of the
    name of one of the reference's, in another folder, is said to be another file, each
    shown with the folders that tell them apart.

    Files are one when their paths lead to one file (as the loader reads each file once)
    where both scenarios were loaded from files in this process or read from results
    folders that record absolute paths. When either is read from a results folder, whose
    recorded paths lead to other files, or none, once the project is moved or copied,
    files of equal contents (sha256, recorded at run time or read here) are one too, and
    they are matched by name when a content is not known (an older results folder, whose
    manifest records the paths as typed or no contents, or a file not readable).
    Scenarios built from a mapping or YAML text, or read from results folders that do not
    record their files, get none."""
    if len(arms) < 2:
        return []
    ref = arms[0]
    ref_chain = _chain(ref)
    if ref_chain is None:
        return []
    notes: list[str] = []
    for arm in arms[1:]:
        chain = _chain(arm)
        if chain is None:
            continue
        here = chain.here and ref_chain.here
        recorded = chain.recorded or ref_chain.recorded

        def in_ref(f: Path, chain: _Chain = chain, here: bool = here,
                   recorded: bool = recorded) -> bool:
            return any(_same_file(f, chain.digest(f), g, ref_chain.digest(g), here,
                                  recorded) for g in ref_chain.files)

        extra = [f for f in chain.files[1:] if not in_ref(f)]
        if not extra:
            continue
        ref_named = {f.name: f for f in reversed(ref_chain.files)}  # the nearest first
        shown: dict[Path, str] = {}
        others = []
        for f in extra:
            if f.name in ref_named:
                mine, theirs = _told_apart(f, ref_named[f.name])
                shown[f] = mine
                others.append(f"its {f.name} is {mine}, not the reference's {theirs}")
        for p in chain.parents or []:
            # the reference's own file by another path (a symbolic link, whose extends
            # the loader looks up in the link's folder): the advice names which one
            same = [f for f in ref_chain.files if here and f.resolve() == p.resolve()]
            if same and os.path.abspath(same[0]) != os.path.abspath(p):
                shown.setdefault(p, _told_apart(p, same[0])[0])
        names = [f.name for f in extra]
        whose = ", ".join(f"{f.stem}'s" for f in extra)
        apart = f" ({'; '.join(others)})" if others else ""
        note = (f"{arm.label} extends {and_list(names)}, which the reference ({ref.label}) "
                f"does not{apart}: its differences from {ref.label} include {whose} "
                "changes as well as its own")
        parents = chain.parents
        if parents is not None and len(parents) == 1:
            note += (f"; compare it with {shown.get(parents[0], parents[0].name)} for "
                     f"{arm.label}'s own effect")
        elif parents:
            note += (f"; it combines {and_list([shown.get(p, p.name) for p in parents])}, "
                     "so its difference from any one of them still holds the others' "
                     "changes")
            shared = _shared_base(parents, extra)
            if shared is not None:
                # the status quo they all build on: against the reference alone, its
                # changes (leakage, say) read as the combination's, some with the
                # opposite sign (review 111)
                base, on_it = shared
                name = shown.get(base, base.name)
                rest = len(parents) - len(on_it)
                whose = ("they all build on it" if not rest else
                         f"{and_list([shown.get(p, p.name) for p in on_it])} "
                         f"build{'s' if len(on_it) == 1 else ''} on it, and the "
                         f"other{'s' if rest > 1 else ''} only on what it builds on")
                # the combination named: "compare it" read as the status quo itself
                note += (f"; {name} is the status quo all its parts build on ({whose}): "
                         f"compare {arm.label} with {name} for the combination's effect "
                         f"without {base.stem}'s own changes (their interactions with the "
                         "other parts stay in it)")
        notes.append(note)
    return notes


def _shared_base(parents: Sequence[Path], extra: Sequence[Path]
                 ) -> tuple[Path, list[Path]] | None:
    """The nearest of ``extra`` (files a compared scenario extends and the reference does
    not) that holds all that ``parents`` build on: each parent extends it, directly or
    not, or builds only on files it extends itself; with the parents that extend it.
    None if there is none, or a file's chain cannot be read.

    combined_2025 merges us_partnership (on baseline_leakage, on baseline) with three
    files on baseline: baseline_leakage holds all four's bases, and compared with it the
    combination shows its parts' effects without the leakage (review 111)."""
    from sim.scenario.compose import load_raw
    from sim.scenario.errors import ScenarioError

    def ancestors(f: Path) -> set[Path]:
        return {Path(g).resolve() for g in load_raw(f).files[1:]}

    try:
        chains = [ancestors(parent) for parent in parents]
        for f in extra:
            if f in parents:
                continue
            own = ancestors(f)
            on_it = [p for p, chain in zip(parents, chains, strict=True)
                     if f.resolve() in chain]
            if on_it and all(f.resolve() in chain or chain <= own for chain in chains):
                return f, on_it
    except (ScenarioError, OSError):
        return None
    return None


def _override_notes(arms: Sequence[Arm], for_python: bool = False) -> list[str]:
    """The notes of the scenarios compared (see
    :attr:`~sim.scenario.loader.ScenarioMeta.notes`: what the overrides did that may not
    be what was meant, a policy that cannot act in the network), each once, in ``--set``
    or (``for_python``) ``overrides=`` wording; a note that not every scenario holds
    names those that do (see :func:`labelled_notes`): on the command line it begins with
    their labels, in Python it ends with them (``"... (b2 only)"``), so that a warnings
    filter on ``"^override '...'"`` catches it as it catches sim.load_scenario's and
    sim.run's.

    A results folder's are those its manifest.json saved (``sim run`` printed them, maybe
    long before; the report of the comparison gives them too). Of a loaded scenario, only
    the notes the comparison's overrides added, and none of results :func:`sim.run`
    returned in this session: sim.load_scenario and sim.run warned of those."""
    from sim.output.report import scenario_notes
    from sim.scenario.loader import has_meta, meta_of, python_note

    held: list[list[str]] = []
    said: list[list[str]] = []
    for arm in arms:
        if arm.runs:
            # a loaded scenario with overrides=["warmup_days=0"] dropped the short warm-up
            # note that sim.run and sim.sweep give for it
            every = list(meta_of(arm.scenario).notes)
            own = every[arm.known_notes:]
        else:
            every = scenario_notes(arm.fixed)
            own = [] if has_meta(arm.fixed.scenario) else every
        held.append([python_note(n) if for_python else n for n in every])
        said.append([python_note(n) if for_python else n for n in own])
    return labelled_notes([arm.label for arm in arms], held, said, at_end=for_python)


def labelled_notes(labels: Sequence[str], held: Sequence[Sequence[str]],
                   said: Sequence[Sequence[str]] | None = None,
                   at_end: bool = False) -> list[str]:
    """Each note of ``said`` (default: ``held``), once, where ``held[k]`` are all the
    notes of the scenario labelled ``labels[k]`` and ``said[k]`` those to give of it: a
    note every scenario holds is given as it is, any other begins with the labels of the
    scenarios holding it (``"b2: --set ..."``; ``at_end``: ends with them, ``"override
    ... (b2 only)"``), as a note on one scenario alone, such as "stockpile rule 'x'
    never releases", does not say which scenario it is about."""
    out: list[str] = []
    for notes in (held if said is None else said):
        for note in notes:
            whose = [label for label, own in zip(labels, held, strict=True) if note in own]
            if not whose or len(whose) == len(labels):
                text = note
            elif at_end:
                text = f"{note} ({', '.join(whose)} only)"
            else:
                text = f"{', '.join(whose)}: {note}"
            if text not in out:
                out.append(text)
    return out


def comparison_record(arms: Sequence[Arm], overrides: Sequence[str],
                      target: Target | None,
                      command: Sequence[str] | None = None) -> dict[str, Any]:
    """What each scenario's run.json records of the comparison it belongs to, so that the
    hint that finishes an interrupted comparison (:func:`sim.load_results` or ``sim
    report`` on one scenario's folder, see :func:`sim.output.report.finish_command`)
    rebuilds it: ``compared``, every item in order (the reference first), each with its
    ``source`` (an absolute path, or ``<scenario name>``/``<results name>`` for an object)
    and, for a scenario run, the ``scenario_sha256`` it ran; ``compare_overrides``, the
    comparison's own overrides (``--set``); and with a ``target``, ``precision`` as
    :func:`~sim.experiment.runner.precision_record` records it for ``sim.run``
    (``target_ci``, ``metrics``, ``max_replications``, ``confidence``). Without the
    target a resume refused the replications its batches had added, or ended at them.
    With ``command`` (the command line's), ``resume_command``: its words, as ``sim run``
    records its own, so that the hint keeps every option given (``--workers``,
    ``--no-figures``), which the record alone does not hold."""
    from sim.experiment.runner import precision_record

    items: list[dict[str, Any]] = []
    for arm in arms:
        # absolute, as sim run's recorded command: the hint is replayed from anywhere
        entry: dict[str, Any] = {"source": arm.source if arm.source.startswith("<")
                                 else str(Path(arm.source).absolute())}
        if arm.runs:
            entry["scenario_sha256"] = scenario_sha256(arm.scenario)
        items.append(entry)
    record: dict[str, Any] = {"compared": items,
                              "compare_overrides": [str(o) for o in overrides]}
    if target is not None:
        record.update(precision_record(target, [metric_text(s) for s in target.specs]))
    if command is not None:
        record["resume_command"] = [str(w) for w in command]
    return record


def metric_text(spec: MetricSpec) -> str:
    """``spec`` as ``--metric`` and ``metrics=`` take it (``metric[:commodity[:channel
    [:site]]]``, the parts left at their defaults left out), which parses back to it."""
    parts = [spec.metric]
    if spec.commodity is not None:
        parts.append(spec.commodity)
    if spec.channel != "all" or spec.site != "all":
        parts.append(spec.channel)
    if spec.site != "all":
        parts.append(spec.site)
    return ":".join(parts)


def recorded_comparison_target(out: Path, labels: Sequence[str] | None = None
                               ) -> dict[str, Any] | None:
    """The precision target (``target_ci``, ``metrics``, ``max_replications``,
    ``confidence``) the comparison in ``out`` was run with, as its scenarios' run.json
    record it (see :func:`comparison_record`); None for a comparison run without one, or
    none to read. ``labels`` names the scenarios' folders (every sub-folder if None)."""
    import json

    runs = ([out / label / "run.json" for label in labels] if labels is not None
            else sorted(out.glob("*/run.json")))
    for path in runs:
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        recorded = info.get("precision") if isinstance(info, dict) else None
        if isinstance(info, dict) and isinstance(info.get("comparison"), str) \
                and isinstance(recorded, dict):
            return recorded
    return None


def _warn_target_left_out(out: Path, arms: Sequence[Arm]) -> None:
    """Warn when the comparison in ``out``, resumed without ``target_ci``, was run with one:
    it then ends with the replications saved, which looked like the precision comparison
    finished. (``sim compare --resume`` says so in its own words.)"""
    recorded = recorded_comparison_target(out, [arm.label for arm in arms])
    if recorded is not None:
        said = ", ".join(f"{k}={recorded.get(k)!r}" for k in
                         ("target_ci", "metrics", "max_replications", "confidence"))
        warnings.warn(
            f"{out} holds a precision comparison ({said}) resumed without target_ci: it "
            "ends with the replications saved, the target unmeasured; pass the same "
            "target_ci, metrics, max_replications and confidence to finish it as it was "
            "run", UserWarning, stacklevel=4)


def _prepare_out(out: Path, arms: Sequence[Arm], seed: int, replications: int, force: bool,
                 resume: bool, record: dict[str, Any] | None = None,
                 on_read: Callable[[int, str], None] | None = None) -> list[str]:
    """Claim ``out`` and begin a results folder there for every scenario that runs;
    ``record`` (see :func:`comparison_record`) goes into each one's run.json; ``on_read``
    as :meth:`~sim.output.folder.ResultsFolder.begin` takes it. Returns the
    notes on resumed scenarios whose saved replications other code ran
    (:func:`sim.output.folder.mixed_code_note`), each beginning with its label."""
    import shutil

    from sim.experiment.runner import CHANGED_KEY, changed_after_loading, recorded_run
    from sim.output.folder import (
        FolderError,
        ResultsFolder,
        claim_folder,
        code_note,
        comparison_arms,
        mixed_code_note,
        refuse_unmarked,
    )

    if out.exists() and not out.is_dir():
        raise FolderError(f"{out} exists and is not a folder")
    if force and resume:
        raise ExperimentError("give --resume or --force, not both", what="--resume")
    _refuse_others_runs(out, arms, resume)  # first: --force would not do there
    if resume:
        _refuse_other_comparison(out, arms)
    claim_folder(out, "comparison", force=force)  # before anything runs, not on writing
    for arm in arms:
        if arm.runs:  # before any scenario's folder is begun (review 194)
            refuse_unmarked(out / arm.label, hint=(
                f"move them out of {out / arm.label}, where the comparison writes the results "
                f"of scenario {arm.label!r}, or choose another --out folder"))
    if (out / "compare.csv").exists() and not (force or resume):
        raise FolderError(f"{out} already holds a comparison (compare.csv); choose another "
                          "--out folder, pass --resume to finish it, or --force to replace it")
    if force:
        # the comparison replaced ran scenarios this one does not: their folders go with it
        # (those of the same label are replaced below; a folder given here is kept)
        running = {a.label for a in arms if a.runs}
        given = {Path(a.source).resolve() for a in arms
                 if not a.runs and not a.source.startswith("<")}
        try:
            for old in comparison_arms(out):
                if old.name not in running and old.resolve() not in given:
                    shutil.rmtree(old)
        except OSError as exc:
            raise FolderError(f"cannot replace the comparison in {out}: "
                              f"{exc.strerror or exc}") from None
    mixed_arms: list[tuple[str, Any]] = []
    for arm in arms:
        if not arm.runs:
            continue
        before = recorded_run(out / arm.label) if resume else {}
        # a scenario with nothing saved mixes nothing (review 168)
        mixed = mixed_code_note(before, out / arm.label, arm.scenario) if resume else None
        folder = ResultsFolder(out / arm.label, force=force, resume=resume,
                               command="sim compare")
        arm.folder = folder
        # recorded in run.json, so --force over an interrupted comparison (no
        # comparison.json yet) knows the folder is a comparison's (folder.comparison_arms)
        if arm.given is not None:
            arm.changed = changed_after_loading(arm.given, arm.scenario)
        arm.done = folder.begin(arm.scenario, seed, replications,
                                extra={"comparison": str(out.resolve()), "label": arm.label,
                                       **(record or {}),
                                       **({CHANGED_KEY: True} if arm.changed else {})},
                                on_read=None if on_read is None else
                                functools.partial(on_read, label=arm.label))
        arm.sink = folder.write_replication
        if mixed:  # said once its folder is known to be this scenario's (begin checks)
            mixed_arms.append((arm.label, before["code"]))
            arm.code_note = mixed
    if not mixed_arms:
        return []
    # one note where every scenario's saved replications were run by the same code
    # (review 165: three notes alike but for the folder)
    if all(saved == mixed_arms[0][1] for _label, saved in mixed_arms):
        labels = [label for label, _saved in mixed_arms]
        note = code_note(mixed_arms[0][1], f"{out}/{{{','.join(labels)}}}", "their run.json")
        return [note] if note else []
    return [n for label, saved in mixed_arms
            if (n := code_note(saved, out / label, "run.json")) is not None]


def _arm_code(arm: Arm, tally: Any = None) -> list[str] | None:
    """The code that ran ``arm``'s replications (:attr:`Comparison.codes`); ``tally``:
    the :class:`~sim.build.CodeTally` of those it ran, for an arm saved nowhere."""
    return _arm_record(arm, "code", tally)


def _arm_builds(arm: Arm, tally: Any = None) -> list[str] | None:
    """The builds that ran ``arm``'s replications (:attr:`Comparison.builds`), as
    :func:`_arm_code` gives their code."""
    return _arm_record(arm, "builds", tally)


def _arm_record(arm: Arm, key: str, tally: Any = None) -> list[str] | None:
    """``arm``'s ``code`` or ``builds``: its folder's, its tally's (an arm saved nowhere),
    or the manifest's of results read from a folder (None where it has none)."""
    from sim.build import build_kind, code_label

    if arm.runs:
        if arm.folder is not None:
            return arm.folder.code if key == "code" else arm.folder.builds
        seen = (tally.ran if key == "code" else tally.builds) if tally is not None else None
        return list(seen) if seen else [code_label() if key == "code" else build_kind()]
    manifest = arm.fixed.info.get("manifest") if arm.fixed is not None else None
    values = manifest.get(key) if isinstance(manifest, dict) else None
    return [str(v) for v in values] if isinstance(values, list) and values else None


def _source_key(source: str) -> str:
    """A comparison's item source as recorded: a path resolved, ``<name>`` as it is."""
    return source if source.startswith("<") else str(Path(source).resolve())


def _recorded_items(out: Path) -> list[tuple[str | None, str, str | None]] | None:
    """What the comparison in ``out`` compares, in order, as ``(label, source,
    scenario_sha256)`` (a part not recorded is None): from comparison.json once it is
    finished, else from its scenarios' run.json (:func:`comparison_record`). None if
    neither can be read (nothing to check against)."""
    import json

    try:
        info = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
        return [(str(e["label"]), _source_key(str(e["source"])), None)
                for e in info["scenarios"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    for path in sorted(out.glob("*/run.json")):
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(info.get("comparison"), str):
                continue
            return [(None, _source_key(str(e["source"])), e.get("scenario_sha256"))
                    for e in info["compared"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    return None


def _refuse_other_comparison(out: Path, arms: Sequence[Arm]) -> None:
    """Refuse to resume the comparison in ``out`` with other items (other scenarios, or
    the same in another order) than it compares: it went on, ran the new ones and
    overwrote compare.csv, compare.md and comparison.json with another comparison,
    leaving the old scenario's folder there unlisted. A scenario run here is told by its
    label (and its fingerprint, where recorded; its own folder checks it too), a results
    folder given by its path."""
    from sim.output.errors import FolderError

    recorded = _recorded_items(out)
    if recorded is None:
        return
    now = [(a.label, _source_key(a.source),
            scenario_sha256(a.scenario) if a.runs else None) for a in arms]

    def same(old: tuple[str | None, str, str | None], new: tuple[str, str, str | None]
             ) -> bool:
        if old[0] is not None and old[0] != new[0]:
            return False
        if old[2] is not None and new[2] is not None:
            return old[2] == new[2]
        if new[2] is not None and old[0] is not None:
            return True  # a scenario run here, of the same label: its folder checks it
        return old[1] == new[1]

    if len(recorded) == len(now) and all(map(same, recorded, now)):
        return

    if len(recorded) == len(now) and all(
            (old[0] is None or old[0] == new[0]) and old[1] == new[1]
            for old, new in zip(recorded, now)):
        # the same items in the same order, but one resolves to another scenario: naming
        # the items again would read "compares a.yaml, not a.yaml"
        changed = [new[0] for old, new in zip(recorded, now) if not same(old, new)]
        one = len(changed) == 1
        raise FolderError(
            f"cannot resume the comparison in {out}: {', '.join(changed)} "
            f"{'resolves' if one else 'resolve'} to another scenario than the one run there "
            "(another --set, or the file was edited)",
            hint="resume with the same files and --set values, or pass --force to start "
                 "again")

    by_label = all(label is not None for label, _, _ in recorded)

    def names(items: Sequence[tuple[str | None, str, str | None]]) -> str:
        # by label as comparison.json names them, else by file (as run.json records them)
        return ", ".join((label if by_label else None) or Path(source).name
                         for label, source, _ in items)

    if by_label and len(recorded) == len(now) and all(
            old[1] == new[1] for old, new in zip(recorded, now)):
        # the same items in the same order, labelled otherwise: a folder written before
        # labels differing only in case were told apart (review 233: the hint below said
        # to give the items it compares, which the user had)
        raise FolderError(
            f"cannot resume the comparison in {out}: its scenarios' folders are "
            f"{names(recorded)}, where this version names them "
            f"{', '.join(label for label, _, _ in now)} (labels that differ only in case are "
            "told apart, as a file system that ignores case would mix their folders)",
            hint="pass --force to run the comparison again, or choose another --out folder")
    raise FolderError(
        f"cannot resume the comparison in {out}: it compares {names(recorded)}, not "
        f"{names(now)} (the scenarios given, in that order)",
        hint="resume it with the items it compares, in the same order; or pass --force to "
             "replace it with this comparison, or choose another --out folder")


def _refuse_others_runs(out: Path, arms: Sequence[Arm], resume: bool) -> None:
    """Refuse, with or without --force, to run a scenario into ``out/<label>`` when that
    folder holds results no comparison in ``out`` ran (a user's own run named like the
    scenario, or a folder the comparison there compared), or a folder this comparison is
    given to compare: --force replaced them, though they are kept."""
    from sim.output.errors import FolderError
    from sim.output.folder import others_runs

    running = [a.label for a in arms if a.runs]
    found = others_runs(out, running, resume)
    given = {Path(a.source).resolve() for a in arms
             if not a.runs and not a.source.startswith("<")}
    found += [(out / label, "a results folder this comparison is given to compare")
              for label in running
              if (out / label).resolve() in given and out / label not in dict(found)]
    if not found:
        return
    what = "; ".join(f"{path} is {kind}" for path, kind in found)
    one = len(found) == 1
    raise FolderError(
        f"sim compare would write the run of {'scenario' if one else 'scenarios'} "
        f"{', '.join(p.name for p, _ in found)} into {'a folder' if one else 'folders'} "
        f"holding results it did not run ({what})",
        hint=f"choose another --out folder than {out}, or move "
             f"{'that folder' if one else 'those folders'} elsewhere first; --force and "
             "--resume do not replace results that no comparison there ran")


def _measure(arms: Sequence[Arm], target: Target, chosen: list[int],
             n: int) -> list[Measure]:
    """Relative half-width of each named KPI's paired difference from the reference."""
    ref = arms[0]
    reps = list(range(n))
    ref_labels = list(ref.done[0].kpi_labels)
    if not chosen:
        chosen.extend(select_kpis(ref_labels, target.specs))
    ref_vals = np.vstack([ref.done[r].kpi_values() for r in reps])
    out: list[Measure] = []
    for arm in arms[1:]:
        labels = list(arm.done[0].kpi_labels)
        col = {lab: j for j, lab in enumerate(labels)}
        vals = np.vstack([arm.done[r].kpi_values() for r in reps])
        for j in chosen:
            lab = ref_labels[j]
            if lab in col:
                # alike up to rounding is alike: the rule of three, not a half-width of
                # 1e-14, decides when such a difference is measured
                diff = _snap_alike((vals[:, col[lab]] - ref_vals[:, j])[:, None],
                                   vals[:, col[lab]][:, None], ref_vals[:, j][:, None])[:, 0]
            elif lab[3] in ABSENT_IS_ZERO and lab[2] != "all":
                # a row this scenario (run now, so of this version) cannot have, valued as
                # compare_table values it: the target was never measured and the
                # replications ran to the maximum (review 120)
                diff = absent_values(lab, col, vals) - ref_vals[:, j]
            else:
                continue
            # the reference over the pairs the difference stands on (review 195: over
            # every replication, the scale mixed two sets of runs)
            ref_have = ref_vals[:, j][~np.isnan(diff)]
            scale = float(ref_have.mean()) if ref_have.size else math.nan
            # n counts the pairs with a difference, not the replications
            out.append(Measure.of(f"{kpi_name(lab)} {arm.label}-{ref.label}", diff, scale,
                                  target.confidence, (arm.label, ref.label)))
    return out


def compare(items: Sequence[Item], replications: int | None = None, seed: int | None = None,
            *, overrides: Sequence[str] = (), workers: int | None = 1,
            scheduler: str | None = None, dask_local: bool = False,
            executor: Executor | None = None,
            target_ci: float | None = None, metrics: Sequence[str] = (),
            max_replications: int | None = None, confidence: float = 0.95,
            out: str | os.PathLike[str] | None = None, force: bool = False,
            resume: bool = False, figures: bool = True, backend: Backend | None = None,
            progress: Callable[[int], None] | None = None,
            on_batch: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Compare scenarios with common random numbers; return the comparison table.

    ``items`` are scenario files, results folders, :class:`~sim.scenario.schema.Scenario`
    or :class:`~sim.experiment.results.Results` objects; the first is the reference.
    Every scenario runs ``replications`` replications (default 10, or as many as the
    results folders given have, or with ``resume=True`` as many as the comparison in
    ``out`` holds; fewer than it holds are refused; with ``target_ci`` a resume replays
    the batches from the count the comparison was run with, and stops at the count it
    holds at least) from the same root ``seed`` (default
    0, or the first folder's; refused when every item is a finished results folder), with
    ``overrides`` (``"key.path=value"``) applied to each scenario file. ``workers``
    processes (1: in this process; ``None``: one per CPU), or a Dask ``scheduler``
    address, or ``dask_local=True``, or ``executor`` (any
    :class:`concurrent.futures.Executor`, e.g. ``ThreadPoolExecutor(4)`` or
    ``distributed.Client.get_executor()``; it is left running) choose where they run (at
    most one of the last three); the results are the same wherever they run. With
    ``target_ci`` and
    ``metrics``, replications are added in batches until each named KPI's paired
    difference has a CI half-width within ``target_ci`` of the reference mean, or
    ``max_replications`` (default 1000; at least ``replications``, the first batch, which
    is at least 3; refused without ``target_ci``). ``confidence`` (default 0.95) is the
    level of the table's intervals (``ci_low``/``ci_high`` and
    ``diff_ci_low``/``diff_ci_high``) and, with ``target_ci``, of those it bounds. With
    ``out``, results folders, tables and figures are
    written there, each replication as it finishes: ``resume=True`` finishes an
    interrupted comparison, ``force=True`` replaces one, ``figures=False`` skips the
    figures. ``progress`` is called with 1 as each replication finishes, ``on_batch``
    before each batch with the replications there will then be (over all scenarios;
    one batch without ``target_ci``), and ``backend`` (see
    :func:`sim.experiment.executors.open_backend`) is one more place to run them. Each
    scenario's run.json there records the comparison's items, overrides and target, so
    the hint that finishes an interrupted comparison (:func:`sim.load_results` or ``sim
    report`` on a scenario's folder) is the ``sim compare ... --resume`` command or
    ``sim.compare`` call with them; ``resume=True`` without the ``target_ci`` it was run
    with warns (it then ends with the replications saved).

    The table has one row per KPI and scenario: commodity, channel, site, metric, unit,
    scenario, n, mean, ci_low, ci_high, diff, diff_ci_low, diff_ci_high, diff_n (pairs
    the difference is measured on), rel_change, share_positive (the difference columns are
    NaN for the reference). Each note of the comparison (scenarios run over different
    periods or with different seeds, an override over a value a file gives in another
    unit) is warned of with a ``UserWarning`` and kept in ``table.attrs["notes"]``. With
    ``target_ci``, the stopping report (why it stopped, after how many replications, each
    named KPI's precision; as :func:`sim.run`'s ``info["stopping"]``) is in
    ``table.attrs["stopping"]``, and a stop short of the target (reason ``maximum``,
    ``undefined`` or ``zero_mean``) is warned of with its message. For the scenario
    results and the :class:`~sim.experiment.precision.StopReport`, use
    :func:`run_comparison`.

    Raises :class:`ExperimentError` (a ``ValueError``) for bad input (``replications``
    or ``workers`` that is not an integer of at least 1, a negative or non-integer
    ``seed``, ``metrics`` without ``target_ci``, more than one of ``executor``,
    ``scheduler`` and ``dask_local``, a ``confidence`` outside (0, 1), ...), and
    ``TypeError`` naming the argument for a single string where a list is expected, an
    item that is neither a path (str or Path) nor a ``Scenario`` or ``Results``, an
    ``out`` that is not a path, a ``progress`` or ``on_batch`` that is neither a function
    nor None, or a ``figures`` that is not True or False (all checked before anything
    runs); :class:`~sim.output.errors.FolderError` for an ``out`` folder it may not
    write, and :class:`~sim.scenario.errors.ScenarioError` for a scenario with problems
    (a missing ``.yaml``/``.yml`` scenario file too, as :func:`sim.run`; any other path
    that is neither a file nor a results folder is an :class:`ExperimentError`).
    Their messages name these arguments (``seed``, ``force=True``, ``overrides=[...]``),
    not the command line's options.
    A replication that fails or whose worker dies raises
    :class:`~sim.experiment.executors.ReplicationError` (its ``__cause__`` is the
    replication's own exception).
    """
    with python_wording("compare"):
        comp = _compare(items, replications, seed, overrides=overrides, workers=workers,
                        scheduler=scheduler, dask_local=dask_local, executor=executor,
                        target_ci=target_ci,
                        metrics=metrics, max_replications=max_replications,
                        confidence=confidence, out=out, force=force, resume=resume,
                        figures=figures, backend=backend, progress=progress,
                        on_batch=on_batch)
    # A table alone dropped them: +303% delivered, from a period four times as long, said
    # nothing of the period.
    for note in comp.notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    comp.table.attrs["notes"] = list(comp.notes)
    if comp.stop is not None:
        # as sim.run's info["stopping"]; a stop short of the target is also warned of, as
        # the table alone read as if the target had been met (review 56, F5)
        comp.table.attrs["stopping"] = comp.stop.as_dict()
        if not comp.stop.met:
            warnings.warn(python_words(comp.stop.message(), "compare") or "", UserWarning,
                          stacklevel=2)
    return comp.table


def _compare(items: Sequence[Item], replications: int | None, seed: int | None, *,
             overrides: Sequence[str], workers: int | None, scheduler: str | None,
             dask_local: bool, target_ci: float | None, metrics: Sequence[str],
             max_replications: int | None, confidence: float,
             out: str | os.PathLike[str] | None, force: bool, executor: Executor | None,
             resume: bool, figures: bool, backend: Backend | None,
             progress: Callable[[int], None] | None,
             on_batch: Callable[[int], None] | None) -> Comparison:
    """:func:`compare`'s comparison, before its notes are warned of."""
    target = precision_target(target_ci, metrics, max_replications, confidence)
    return run_comparison(items, replications, seed, overrides=overrides, workers=workers,
                          scheduler=scheduler, dask_local=dask_local, target=target,
                          confidence=confidence, out=out, force=force, for_python=True,
                          executor=executor, resume=resume, figures=figures, backend=backend,
                          progress=progress, on_batch=on_batch)


def precision_target(target_ci: float | None, metrics: Sequence[str],
                     max_replications: int | None, confidence: float) -> Target | None:
    """The :class:`Target` of :func:`compare`'s (and :func:`run_comparison`'s)
    ``target_ci``, ``metrics`` and ``max_replications`` (default 1000), whose intervals
    are of the table's ``confidence`` level; None without ``target_ci``. Refuses
    ``metrics`` or ``max_replications`` without ``target_ci`` (they would look in
    effect)."""
    check_strings(metrics, "metrics", "KPI names such as 'delivered_t:cobalt'")
    if target_ci is None and metrics:
        # as the command line's --metric: silently ignored, they would look watched
        raise ExperimentError("metrics only choose the KPIs target_ci watches, and have no "
                              "effect without it", what="metrics",
                              hint="add target_ci=0.02, for example, or leave out metrics")
    if target_ci is None and max_replications is not None:
        # as metrics: silently ignored, the maximum would look like a bound on the run
        raise ExperimentError("max_replications only bounds the batches target_ci adds, and "
                              "has no effect without it", what="max_replications",
                              hint="add target_ci=0.02 and metrics, for example, or leave out "
                                   "max_replications (replications= sets the count)")
    if max_replications is None:
        max_replications = MAX_REPLICATIONS
    # the stopping rule measures intervals of the table's confidence level
    return (Target(target_ci, tuple(parse_metrics(metrics)), max_replications,
                   confidence=confidence) if target_ci is not None else None)

