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

This module runs a comparison. Its table (:mod:`sim.experiment.compare_table`), its notes on
how the scenarios differ (:mod:`sim.experiment.compare_notes`) and its results folder
(:mod:`sim.experiment.compare_folder`) are modules of their own (review 237); their public
names are imported here too (``name as name``), so the import paths from here keep working.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from sim.experiment.compare_folder import (
    check_held,
    comparison_record,
    prepare_out,
    recorded_seed,
    saved_counts,
    stopped_error,
    warn_target_left_out,
)
from sim.experiment.compare_folder import metric_text as metric_text
from sim.experiment.compare_folder import recorded_comparison_target as recorded_comparison_target
from sim.experiment.compare_notes import PERIOD_WORDS as PERIOD_WORDS
from sim.experiment.compare_notes import SAME_LENGTH as SAME_LENGTH
from sim.experiment.compare_notes import STOCK_FIELDS as STOCK_FIELDS
from sim.experiment.compare_notes import chain_record as chain_record
from sim.experiment.compare_notes import (
    extends_notes,
    identical_notes,
    initial_stock_notes,
    labelled_notes,
    override_notes,
    period_notes,
    regime_window_notes,
    seed_notes,
    series_period_notes,
)
from sim.experiment.compare_notes import period_kind as period_kind
from sim.experiment.compare_notes import period_words as period_words
from sim.experiment.compare_notes import regime_from as regime_from
from sim.experiment.compare_notes import regimes_over_other_periods as regimes_over_other_periods
from sim.experiment.compare_table import (
    ABSENT_IS_ZERO,
    absent_values,
    alike_notes,
    common_replications,
    compare_table,
    lacks_element,
    signed_number,
    snap_alike,
)
from sim.experiment.compare_table import ALIKE as ALIKE
from sim.experiment.compare_table import COMPARE_COLUMNS as COMPARE_COLUMNS
from sim.experiment.compare_table import current_rows as current_rows
from sim.experiment.compare_table import paired_difference as paired_difference
from sim.experiment.compare_table import replication_values as replication_values
from sim.experiment.errors import ExperimentError
from sim.experiment.executors import Backend, Job, ReplicationError, open_backend, run_tasks
from sim.experiment.precision import (
    MAX_REPLICATIONS,
    Measure,
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
from sim.experiment.results import Results
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
from sim.experiment.stats import check_confidence
from sim.metrics.kpis import HEADLINE
from sim.scenario.errors import check_overrides, check_strings
from sim.scenario.schema import Scenario
from sim.wording import python_wording, python_words
from sim.words import and_list

DEFAULT_REPLICATIONS = 10


Item = str | os.PathLike[str] | Scenario | Results
"""What :func:`compare` takes for each scenario: a scenario file or results folder (any
path), a scenario or results."""


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
    sink: Callable[[ReplicationResult], object] | None = None
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
                low, high = signed_number(r.diff_ci_low), signed_number(r.diff_ci_high)
            # no spread in the pairs' differences, not certainty (the tables' "all equal")
            same = bool(r.diff_ci_low == r.diff_ci_high)
            diff = signed_number(r.diff)
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
                 f"{arms[0].label}" if lacks_element(arms[0].scenario, site) else
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
    from sim.output.folder_read import load_results
    from sim.scenario import load_scenario
    from sim.scenario.loader import meta_of

    if isinstance(items, str | os.PathLike | Scenario | Results):
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
                   progress: Callable[[int], object] | None = None,
                   on_batch: Callable[[int], object] | None = None,
                   figures: bool = True, for_python: bool = True,
                   command: Sequence[str] | None = None, target_ci: float | None = None,
                   metrics: Sequence[str] = (),
                   max_replications: int | None = None,
                   on_read: Callable[[int, str], object] | None = None,
                   on_saved: Callable[[int], object] | None = None,
                   on_write: Callable[[], object] | None = None,
                   on_figure: Callable[[int, int], object] | None = None,
                   on_table: Callable[[int, int], object] | None = None) -> Comparison:
    """Compare scenarios with common random numbers; return a :class:`Comparison`.

    Every scenario is run (or, a results folder or ``Results``, read) and compared with
    the first, as by :func:`compare`, which takes the same arguments with the same
    meanings and defaults: ``items``, ``replications``, ``seed``, ``overrides``,
    ``workers``, ``scheduler``, ``dask_local``, ``executor``, ``backend``, ``target_ci``,
    ``metrics``, ``max_replications``, ``confidence``, ``out``, ``force``, ``resume``,
    ``figures``, ``progress``, ``on_batch``, ``on_figure`` and ``on_table`` (``items``,
    ``replications`` and ``seed`` may be given by position:
    ``sim.run_comparison([a, b], 20, 1)``). For a precision target give ``target_ci`` and
    ``metrics`` (and ``max_replications``) as to :func:`compare`, e.g.
    ``run_comparison([a, b], 5, target_ci=0.02,
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
    folders, tables and figures written; ``on_figure`` (with ``out``, see :func:`compare`)
    as the figures of the scenarios' folders and the comparison's own are drawn, counted
    together; ``on_table`` likewise as the tables of the scenarios' folders are written,
    every scenario's before any figure.

    ``out`` and the scenarios' folders in it are locked while the comparison writes them
    (:func:`sim.output.folder_lock.lock_folder`): another ``sim`` command writing there is
    refused, and this one is refused if another is, with ``force`` or ``resume`` too.
    """
    from sim.output.folder_lock import writing

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
            on_saved=on_saved, on_write=on_write, on_figure=on_figure, on_table=on_table)
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
                    progress: Callable[[int], object] | None,
                    on_batch: Callable[[int], object] | None, figures: bool,
                    for_python: bool, command: Sequence[str] | None = None,
                    on_read: Callable[[int, str], object] | None = None,
                    on_saved: Callable[[int], object] | None = None,
                    on_write: Callable[[], object] | None = None,
                    on_figure: Callable[[int, int], object] | None = None,
                    on_table: Callable[[int, int], object] | None = None) -> Comparison:
    """:func:`run_comparison`, its errors worded for the command line."""
    started = time.perf_counter()
    # before anything runs: a bad one failed after the first replication (review 228)
    check_callbacks(progress=progress, on_batch=on_batch, on_read=on_read, on_saved=on_saved,
                    on_write=on_write, on_figure=on_figure, on_table=on_table)
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
        kept = recorded_seed(out_path, [a.label for a in arms if a.runs])
        if kept is not None and kept != root:
            arms, root = resolve(items, overrides, kept, replications, for_python=for_python)
    fixed = [a for a in arms if not a.runs]
    asked, held, recorded = (saved_counts(out_path, arms) if resume and out_path is not None
                             else (0, 0, 0))
    if resume and out_path is not None and target is None and for_python:
        warn_target_left_out(out_path, arms)
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
    check_held(out_path, held, asked, replications, target)
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
             + override_notes(arms, for_python) + extends_notes(arms)
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
            mixed = prepare_out(out_path, arms, root, replications, force, resume,
                                 comparison_record(arms, overrides, target, command),
                                 on_read=on_read)
            # a comparison resumed by other code than ran its saved replications
            notes.extend(n.replace("--force", "force=True") if for_python else n
                         for n in mixed)
            # counted again from what the folders opened hold: one whose run.json is not
            # recognised as this comparison's (unreadable, say) still may not be cut short
            floors[0] = max([held, *(max(a.done) + 1 for a in runnable if a.done)])
            check_held(out_path, floors[0], max(asked, floors[0]), replications, target)
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
        raise stopped_error(exc, runnable, out_path if fresh_out else None) from None
    except Exception as exc:
        # stopped before any replication was saved (an executor that failed the first, say):
        # folders holding a run.json alone made the same call refuse them as results. The
        # command line keeps those of a failed replication, whose message gives the command
        # that finishes the comparison.
        saved = any(a.folder.saved_count() for a in runnable if a.folder is not None)
        if not saved and (for_python or not isinstance(exc, ReplicationError)):
            stopped_error(exc, runnable, out_path if fresh_out else None)
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
            from sim.output.compare_output import counted_figures, write_comparison
            from sim.output.folder import ResultsFolder, run_table_blocks
            from sim.output.progress_count import TABLES
            from sim.output.tables import run_table_notes
            from sim.scenario.loader import has_meta, meta_of

            running = [(arm, res) for arm, res in zip(arms, results, strict=True)
                       if arm.runs]
            counted = counted_figures(comp, [res for _arm, res in running], figures, on_figure)
            # every scenario's tables before any figure: its tables and its figures are
            # each counted in one go (two bars took turns), as sim run's are
            opened: list[ResultsFolder] = []
            try:
                with TABLES.counting(on_table, sum(run_table_blocks(res.n)
                                                   for _arm, res in running)):
                    for arm, res in running:
                        opened.append(ResultsFolder(out_path / arm.label, resume=True,
                                                    command="sim compare"))
                        opened[-1].write_tables(res)
            except BaseException:
                for folder in opened:
                    folder.release()
                raise
            for k, ((arm, res), folder) in enumerate(zip(running, opened, strict=True)):
                try:
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
                        # not ``own``, the code label the next scenario's code is told from
                        # (its manifest said "run by ..., not by [...]", review 247)
                        its = (list(meta_of(arm.scenario).notes) if has_meta(arm.scenario)
                               else [])
                        said = [n.replace("--force", "force=True") if for_python else n
                                for n in said]
                        extra["notes"] = [*its, *(n for n in said if n not in its)]
                    # a results folder as sim run writes it, figures included (they were
                    # left out, so each scenario's folder lacked the layout it promises)
                    with counted:  # counted with the comparison's own
                        folder.finish(res, extra, figures=figures)
                except BaseException:
                    for later in opened[k:]:  # finish releases its own, also on failing
                        later.release()
                    raise
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
            with counted:
                write_comparison(written, out_path, figures=figures)
    except MemoryError:
        # review 229/232: an "internal error" asking for a report, with every
        # replication saved and no word of it
        from sim.experiment.collector import no_room_for_tables

        raise no_room_for_tables(final, out_path, figures, " of each scenario") from None
    return comp


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
                diff = snap_alike((vals[:, col[lab]] - ref_vals[:, j])[:, None],
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
            progress: Callable[[int], object] | None = None,
            on_batch: Callable[[int], object] | None = None,
            on_figure: Callable[[int, int], object] | None = None,
            on_table: Callable[[int, int], object] | None = None) -> pd.DataFrame:
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
    one batch without ``target_ci``), ``on_figure`` (with ``out`` and figures) with
    ``(0, figures)`` before the first figure is drawn and ``(k, figures)`` once the k-th
    is saved (the scenarios' folders' figures and the comparison's, counted together:
    they take 30 to 60 seconds), ``on_table`` (with ``out``) likewise with the blocks of
    the scenarios' folders' tables written and their count, ``(0, blocks)`` first (one
    per 500 replications of a folder's ``kpis.csv`` and one for each of its other tables:
    some 25 seconds a scenario at 8,000 replications of a year of the baseline), and
    ``backend`` (see :func:`sim.experiment.executors.open_backend`) is one more place to
    run them. Each
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
    ``TypeError`` naming the argument for a single path (a string or ``os.PathLike``),
    scenario or results where a list is expected, an item that is neither a path (a str
    or any ``os.PathLike``) nor a ``Scenario`` or ``Results``, an ``out`` that is not a
    path, a ``progress``, ``on_batch``, ``on_figure`` or ``on_table`` that is neither a
    function nor None, or a ``figures`` that is not True or False (all checked before
    anything runs);
    :class:`~sim.output.errors.FolderError` for an ``out`` folder it may not write, and
    :class:`~sim.scenario.errors.ScenarioError` for a scenario with problems (a missing
    ``.yaml``/``.yml`` scenario file too, as :func:`sim.run`; any other path that is
    neither a file nor a results folder is an :class:`ExperimentError`). Their messages
    name these arguments (``seed``, ``force=True``, ``overrides=[...]``), not the command
    line's options.
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
                        on_batch=on_batch, on_figure=on_figure, on_table=on_table)
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
             progress: Callable[[int], object] | None,
             on_batch: Callable[[int], object] | None,
             on_figure: Callable[[int, int], object] | None = None,
             on_table: Callable[[int, int], object] | None = None) -> Comparison:
    """:func:`compare`'s comparison, before its notes are warned of."""
    target = precision_target(target_ci, metrics, max_replications, confidence)
    return run_comparison(items, replications, seed, overrides=overrides, workers=workers,
                          scheduler=scheduler, dask_local=dask_local, target=target,
                          confidence=confidence, out=out, force=force, for_python=True,
                          executor=executor, resume=resume, figures=figures, backend=backend,
                          progress=progress, on_batch=on_batch, on_figure=on_figure,
                          on_table=on_table)


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
