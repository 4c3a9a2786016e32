"""What a sweep leaves on disk and prints.

``write_sweep(sweep, DIR)`` writes::

    DIR/
      sweep.csv               one row per sample: sample, block (Sobol), parameters, then the
                              mean over replications of every total KPI (metric:commodity)
      sweep-kpis.csv.gz       every KPI per sample: mean, sd, n (long form)
      sobol.csv               Sobol design: first-order and total indices with bootstrap CIs
      correlations.csv        grid and LHS designs: Spearman's rho of each KPI with each
                              parameter, the distinct points behind it and the |rho| below
                              which it could be chance
      sweep.json              scenario, parameters (a date swept as days with its unit),
                              design, seed, replications, the notes printed below the
                              summary's table (table_notes), the code that ran them
                              (version and commit); written last
      sweep-replications/     each replication's KPIs (.npz) as it finishes, and plan.json:
                              what the sweep is, read by --resume
      figures/sweep-sobol.png, .svg     Sobol design: indices per parameter with CIs
      figures/sweep-scatter.png, .svg   headline KPIs against each parameter

Figures use matplotlib's object API (no pyplot state).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import math
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from sim.build import build_kind, code_label, git_commit
from sim.output.atomic import atomic_write_bytes, atomic_write_text
from sim.output.errors import FolderError
from sim.output.folder import claim_folder, clear_figures
from sim.output.progress_count import TABLES
from sim.output.provenance import file_hashes, versions
from sim.output.sweep_store import STORE, SweepStore
from sim.scenario.fingerprint import json_safe

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.experiment.sweep import Sweep

P = ParamSpec("P")
R = TypeVar("R")

HEADLINE_OUTPUTS = ("delivered_t", "shortfall_t", "price_peak_ratio", "mean_lead_time_days",
                    "exported_t")
"""Metrics shown first in printed tables and figures (for every commodity)."""
MAX_PANELS = 6
MAX_NAMED_PANELS = 9
"""Panels of the Sobol figure: the headline KPIs' first six, or up to nine named with
``--metric`` (three rows of three)."""
EXACT_SPEARMAN_UP_TO = 9
"""Sample counts up to which the null distribution of Spearman's rho is enumerated (9! =
362,880 orderings take a fraction of a second); above, scipy's t approximation is close
(critical value 0.632 against the exact 0.648 at 10 samples, closer beyond)."""


def headline_outputs(sweep: Sweep, metrics: Sequence[str] = (), varying: bool = True
                     ) -> list[str]:
    """KPI columns to show: those ``metrics`` name if given, else the headline metrics'
    columns; only columns that vary across samples when ``varying``.

    A metric is ``METRIC[:COMMODITY[:CHANNEL[:SITE]]]`` as ``--metric`` takes it (commodity
    ``*`` or left out: every commodity; channel and site left out: the totals); a bare
    METRIC names every column of that metric in the table."""
    wanted = list(metrics) or list(HEADLINE_OUTPUTS)
    cols = [c for m in wanted for c in sweep.kpi_columns if _names(m, c)]
    cols = list(dict.fromkeys(cols))  # a column two metrics name is shown once
    if varying:
        from sim.experiment.sweep import varies

        cols = [c for c in cols if varies(sweep.table[c], c)]
    return cols


def _names(metric: str, column: str) -> bool:
    """Whether ``metric`` (a ``--metric`` text) names the KPI column ``column``."""
    from sim.experiment.precision import MetricSpec

    if ":" not in metric:
        return column.split(":")[0] == metric
    want, col = MetricSpec.parse(metric), MetricSpec.parse(column)  # metric:com[:chan:site]
    return (want.metric == col.metric and want.commodity in (None, "*", col.commodity)
            and (want.channel, want.site) == (col.channel, col.site))


def constant_note(sweep: Sweep, metrics: Sequence[str]) -> str | None:
    """A line naming each KPI column ``metrics`` asks for that is the same in every sample
    (so no table or figure shows it), with its value; None if there is none."""
    if not metrics:
        return None
    from sim.experiment.sweep import CHECKS, varies
    from sim.output.tables import format_number

    parts = []
    checks = []
    for col in headline_outputs(sweep, metrics, varying=False):
        values = sweep.table[col].dropna()
        if col.split(":")[0] in CHECKS:
            # review 155: called "the same in every sample" at 1.31e-07 and 2.36e-07 t
            top = float(values.abs().max()) if not values.empty else math.nan
            checks.append(f"{col} (at most {format_number(top)} "
                          f"{sweep.units.get(col, '')})".replace(" )", ")"))
            continue
        if varies(values, col):
            continue
        if values.empty:
            parts.append(f"{col} (no value in any sample)")
            continue
        value = f"{format_number(float(values.iloc[0]))} {sweep.units.get(col, '')}".strip()
        some = " where it has one" if len(values) < len(sweep.table) else ""
        every, _some, cap = sweep.at_cap.get(col, (0, 0, math.nan))
        if every == len(sweep.table):
            # "the same in every sample" read as: no input drives the price (review 113)
            some += (f", the price cap {cap:g}: the price would have gone higher at every "
                     "sample, so no input can be ranked by it")
        parts.append(f"{col} ({value}{some})")
    lines = []
    if parts:
        verb = "is" if len(parts) == 1 else "are"
        lines.append(f"note: {', '.join(parts)} {verb} the same in every sample, so not "
                     "shown in the table")
    if checks:
        what = "is a check" if len(checks) == 1 else "are checks"
        lines.append(f"note: {', '.join(checks)} {what} of the run, 0 up to rounding, so not "
                     "ranked against the parameters")
    return "\n".join(lines) or None


@functools.lru_cache(maxsize=32)
def spearman_chance(n: int, alpha: float = 0.05) -> tuple[float, float]:
    """``(critical, p_one)`` for rank correlations over ``n`` samples of independent
    values: the smallest |rho| reached by chance with two-sided probability at most
    ``alpha`` (inf if no rho is that rare, as for n <= 4), and the two-sided probability
    of |rho| = 1 by chance.

    Exact (every ordering of n ranks) for n <= :data:`EXACT_SPEARMAN_UP_TO`; above, the
    inverse of the t approximation ``scipy.stats.spearmanr`` uses for its p-value. Ties
    (a grid design's repeated levels) are ignored, so for a grid it is approximate.
    """
    if n < 2:
        return math.inf, 1.0
    if n <= EXACT_SPEARMAN_UP_TO:
        ranks = np.array(list(itertools.permutations(range(n))), dtype=np.int16)
        d2 = ((ranks - np.arange(n)) ** 2).sum(axis=1)
        rho = np.abs(1 - 6 * d2 / (n ** 3 - n))
        values, counts = np.unique(np.round(rho, 12), return_counts=True)
        tail = np.cumsum(counts[::-1])[::-1] / len(rho)  # P(|rho| >= value)
        p_one = float(tail[-1])
        rare = values[tail <= alpha]
        return (float(rare[0]) if rare.size else math.inf), p_one
    from scipy import stats

    t = float(stats.t.ppf(1 - alpha / 2, n - 2))
    return t / math.sqrt(n - 2 + t * t), 2 / math.factorial(n)


def rho_digits(values: Sequence[float], critical: float) -> int:
    """Decimals (2 or more) at which no ``values`` that differs from ``critical`` prints
    as it does: a rho of 0.496 and a line at 0.503 both read 0.50 at two, and which side
    of the line it is on is what the reader wants from them (review 154)."""
    digits = 2
    # a rho of -0.9999999999999999 is -1 in floating point: the line itself, which more
    # decimals cannot tell apart (review 178: every rho printed as -1.000000)
    close = [abs(v) for v in values
             if math.isfinite(v) and not math.isclose(abs(v), critical, rel_tol=1e-9)]
    while digits < 6 and any(round(v, digits) == round(critical, digits) for v in close):
        digits += 1
    return digits


def rho_text(rho: float, critical: float, digits: int) -> str:
    """``rho`` signed, at two decimals unless it prints as the ``critical`` value does
    there; then at ``digits`` (:func:`rho_digits`), as the footnote gives the value."""
    if math.isnan(rho):
        return "-"
    near = (round(abs(rho), 2) == round(critical, 2)
            and not math.isclose(abs(rho), critical, rel_tol=1e-9))
    return f"{rho:+.{digits if near else 2}f}"


def correlation_note(n: int, digits: int = 2, rows: int | None = None,
                     possible: float = math.inf) -> str:
    """What rank correlations over ``n`` distinct design points can tell, for the line
    beside them; the critical value at ``digits`` decimals. ``rows``: the samples they
    are correlated over where some repeat an earlier point (an ``:int`` parameter's LHS
    design: review 214), which tell no more than the ``n`` distinct ones; ``possible``:
    how many distinct points the parameters can take at all (inf but for ``:int`` ones)."""
    # A rank correlation over few samples is ±1 by chance alone far too often to mean
    # anything (over 4 samples in 1 of 12 random orderings), and the sweep prints it
    # with nothing to say so; the two-sided 5% critical value of rho is the usual line.
    critical, p_one = spearman_chance(n)
    repeat = rows is not None and rows > n
    if repeat:
        what = (f"{n} distinct point{'s' if n != 1 else ''} (the other {rows - n} of the "
                f"{rows} samples repeat them)")
    if math.isinf(critical):
        advice = ("run at least 5 samples (-n), better 10 or more" if possible >= 5 else
                  f"the parameters take at most {possible:g} distinct values together "
                  "(:int ranges), so no number of samples can tell one: widen the ranges or "
                  "compare the values with sim compare")
        return (f"warning: with {what if repeat else f'{n} sample(s)'} no rank correlation "
                f"can be told from chance: even ±1.00 arises by chance {p_one:.0%} of the "
                f"time (two-sided); {advice}")
    how = ("" if n <= EXACT_SPEARMAN_UP_TO else
           ", from the t approximation scipy's spearmanr uses: exact tables give a little more "
           "for small n, 0.648 against 0.63 at 10")
    return (f"With {what if repeat else f'{n} samples'}, |rho| below {critical:.{digits}f} "
            f"could be chance (the two-sided 5% critical value of Spearman's rho for "
            f"independent values{how}). Each "
            "correlation is judged on its own: among many KPIs and parameters, about one in "
            "twenty can pass that line by chance.")


def distinct_points(sweep: Sweep, column: str | None = None) -> int:
    """How many distinct parameter points the samples of ``sweep`` hold (where ``column``
    has a value, if given): an ``:int`` parameter's Latin hypercube repeats points, which
    are run once and tell a correlation no more than once (review 214)."""
    params = [p.path for p in sweep.design.params]
    frame = sweep.table[params]
    if column is not None:
        frame = frame[sweep.table[column].notna()]
    return len(frame.drop_duplicates())


def _possible_points(sweep: Sweep) -> float:
    """How many distinct points the parameters can take together (inf unless every one
    is ``:int``)."""
    count = 1.0
    for p in sweep.design.params:
        if p.scale != "int":
            return math.inf
        count *= p.high - p.low + 1
    return count


def correlation_notes(sweep: Sweep, cols: Sequence[str], digits: int = 2) -> list[str]:
    """The lines beside the rank correlations of ``cols`` (grid and LHS designs): what
    they can tell over the distinct points (:func:`correlation_note`), and, for a KPI
    without a value at some points, what they can tell over those it has one at. The
    command line prints them, :attr:`Sweep.cautions` holds them and sweep.json keeps
    them (review 214: a Python sweep gave none of them)."""
    rows = len(sweep.table)
    n = distinct_points(sweep)
    lines = [correlation_note(n, digits, rows if rows > n else None, _possible_points(sweep))]
    # a KPI without a value in some samples (a lead time where nothing arrived) is
    # correlated over fewer samples, where chance reaches further
    for col in cols:
        if col not in sweep.table or not sweep.table[col].notna().sum() < rows:
            continue
        from sim.experiment.sweep import varies

        if not varies(sweep.table[col], col):
            continue
        have = distinct_points(sweep, col)
        critical, _p = spearman_chance(have)
        reach = ("any |rho|" if math.isinf(critical)
                 else f"|rho| below {min(critical, 1.0):.2f}")
        if rows > n:
            lines.append(f"note: {col} has a value at {have} of the {n} distinct points: over "
                         f"those, {reach} could be chance")
        else:
            lines.append(f"note: {col} has a value in {have} of {rows} samples: over "
                         f"those, {reach} could be chance")
    return lines


def money_notes(sweep: Sweep, cols: Sequence[str]) -> list[str]:
    """The notes ``sim report`` and ``sim compare`` give on money KPIs, for those of
    ``cols``: valued at a price index that reached its cap or rose to
    :data:`~sim.output.tables.PRICE_HIGH` times the reference at some sample
    (:func:`~sim.output.tables.money_note`), so that what ranks their inputs is the price
    response; or at a fixed reference price, the price not being modelled
    (:func:`~sim.output.tables.fixed_price_note`). Review 214: export_value_usd ranked
    -1.00 against a refiner's feed, all of it the price index's, with no word."""
    from sim.experiment.precision import MetricSpec
    from sim.output.tables import (
        MONEY_KPIS,
        PRICE_HIGH,
        PRICE_PEAK,
        fixed_price_note,
        money_note,
    )

    money: dict[str, list[str]] = {}  # commodity: its money KPIs shown, not 0 somewhere
    for col in cols:
        spec = MetricSpec.parse(col)
        if spec.metric not in MONEY_KPIS or spec.commodity in (None, "*", "all"):
            continue
        values = sweep.table[col].dropna() if col in sweep.table else pd.Series(dtype=float)
        if values.empty or not (values != 0).any():
            continue
        ref, _modelled = sweep.prices.get(spec.commodity, (None, True))
        if ref is None:
            continue
        money.setdefault(spec.commodity, [])
        if spec.metric not in money[spec.commodity]:
            money[spec.commodity].append(spec.metric)
    high: dict[str, str] = {}
    fixed: dict[str, tuple[float, tuple[str, ...]]] = {}
    total = len(sweep.table)
    for com, kpis in money.items():
        ref, modelled = sweep.prices[com]
        if not modelled:
            fixed[com] = (float(ref), tuple(m for m in MONEY_KPIS if m in kpis))  # type: ignore[arg-type]
            continue
        peak = f"{PRICE_PEAK}:{com}"
        every, some, cap = sweep.at_cap.get(peak, (0, 0, math.nan))
        top = (float(sweep.table[peak].max()) if peak in sweep.table
               and sweep.table[peak].notna().any() else math.nan)
        if every or some:
            where = ("every sample" if every + some == total
                     else f"{every + some} of {total} samples")
            high[com] = f"reached its cap ({cap:g}) at {where}"
        elif top >= PRICE_HIGH:
            high[com] = f"peaked at up to {top:.1f} times the reference"
    notes = []
    if high:
        kpis = [m for m in MONEY_KPIS if any(m in money[c] for c in high)]
        notes.append(money_note(high, "", kpis))
    if fixed:
        notes.append(fixed_price_note(fixed, ""))
    return [n for n in notes if n]


def undefined_note(sweep: Sweep, cols: Sequence[str]) -> str | None:
    """A line naming the KPI columns ``cols`` left out of the Sobol indices for lacking a
    value at some design point, with at how many points each has one and why it is NaN,
    and counting the other columns left out so (``undefined_outputs`` in sweep.json);
    None if there are none."""
    from sim.experiment.precision import nan_where

    if sweep.sobol is None:
        return None
    missing = list(sweep.sobol.attrs.get("undefined_outputs", []))
    if not missing:
        return None
    counts = sweep.sobol.attrs.get("points_with_value", {})
    named = [c for c in cols if c in missing]
    points = sweep.design.size
    parts = []
    for col in named:
        where = nan_where(col)
        why = (f"; NaN at a point where, in every replication, {where}" if where else "")
        parts.append(f"{col} (a value at {counts.get(col, '?')} of {points} points{why})")
    rest = [c for c in missing if c not in named]
    more = (f"{'; and ' if parts else ''}{len(rest)} {'other ' if parts else ''}KPI column"
            f"{'s' if len(rest) != 1 else ''} ({', '.join(rest[:3])}"
            f"{', ...' if len(rest) > 3 else ''})" if rest else "")
    # a KPI without a value anywhere (no replication disrupted at any point) is not one
    # missing "at some" point
    none = all(counts.get(c, 1) == 0 for c in missing)
    return (f"note: no Sobol indices for {'; '.join(parts)}{more}: without a value at "
            f"{'any' if none else 'some'} design point (Sobol indices need one at every "
            "point; sweep.csv has its mean where it has one; undefined_outputs in sweep.json "
            "lists them all)")


NOISE_NOTE_SHARE = 0.05
"""Share of the variance of a KPI's sample means from replication noise above which the
noise note names the KPI."""


def cap_note(sweep: Sweep, cols: Sequence[str]) -> str | None:
    """A line naming each price peak of ``cols`` that reached its cap at some samples but
    not all (:attr:`~sim.experiment.sweep.Sweep.at_cap`; one at the cap at every sample is
    in :func:`constant_note`): there it shows the cap, so what ranks its inputs ranks what
    reaches the cap, not the price's response. None if there is none."""
    parts = []
    for col in cols:
        every, some, cap = sweep.at_cap.get(col, (0, 0, math.nan))
        if not (every or some) or every == len(sweep.table):
            continue
        total = len(sweep.table)
        where = [f"every replication at {every} of {total} samples"] if every else []
        where += [f"some replications at {some} of {total} samples"] if some else []
        parts.append(f"{col} reached its cap ({cap:g}) in {' and '.join(where)}")
    if not parts:
        return None
    # review 224: "indices (correlations)" whatever the design, which has one or the other
    ranks = "indices" if sweep.sobol is not None else "rank correlations"
    return (f"note: {'; '.join(parts)}: there the peak shows the cap, not how high the price "
            f"would have gone, so the {ranks} rank what reaches the cap rather than the "
            "price's response; a higher price_cap_ratio (--set) shows more")


def noise_note(sweep: Sweep, cols: Sequence[str]) -> str | None:
    """A line on replication noise in ``cols``: the KPIs whose noise share
    (:attr:`~sim.experiment.sweep.Sweep.noise_share`) is above :data:`NOISE_NOTE_SHARE`,
    or, with one replication per sample and Sobol indices, that it is not measured. None
    otherwise."""
    if sweep.replications < 2:
        if sweep.sobol is None:
            return None
        return ("note: with 1 replication per sample, replication noise cannot be told from "
                "the parameters' effects: it adds to the total indices as if they had caused "
                "it; run -r 2 or more to measure it (noise_share in sobol.csv)")
    noisy = [(c, sweep.noise_share.get(c, math.nan)) for c in cols]
    noisy = [(c, v) for c, v in noisy if v > NOISE_NOTE_SHARE]
    if not noisy:
        return None
    steady = set(sweep.steady) if sweep.sobol is None else set()
    rest = [(c, v) for c, v in noisy if c not in steady]
    alike = [(c, v) for c, v in noisy if c in steady]
    parts = []
    reps = f"(from the spread of their {sweep.replications} replications per sample)"
    if rest:
        shown = ", ".join(f"{c} {min(v, 1.0):.0%}" for c, v in rest)
        parts.append(
            f"replication noise is part of the variance of the sample means of {shown} {reps}"
            ": the "
            + ("indices count it as the parameters' doing (in total indices above all)"
               if sweep.sobol is not None else
               # review 146: grid and LHS designs have no total indices to speak of
               "correlations weaken with it (toward 0), and a parameter may get one of "
               "chance size"))
    if alike:
        # review 214: "100% noise ... correlations weaken" beside a rho of -1.00 that
        # every replication showed: the noise there is in the size of the effect alone
        shown = ", ".join(f"{c} {min(v, 1.0):.0%}" for c, v in alike)
        parts.append(
            f"{'and' if rest else 'replication noise is part of'} the variance of the sample "
            f"means of {shown} {reps}, but every replication in which it varies (two or "
            "more) ranks the samples in the same order: the effect's size varies between "
            "replications, its direction does not, so the rank correlations are not "
            "weakened by it")
    return (f"note: {'; '.join(parts)}; more replications per sample (-r) shrink the noise "
            "in proportion")


def cautions(sweep: Sweep, metrics: Sequence[str] = ()) -> list[str]:
    """The warnings and notes :func:`sweep_text` prints beside the headline KPIs' indices
    or correlations: too few base samples or indices outside 0-1
    (:func:`sobol_note`), or what correlations over so many distinct points can tell
    (:func:`correlation_notes`), replication noise (:func:`noise_note`), price peaks at
    their cap (:func:`cap_note`) and money KPIs valued at a price index or a fixed price
    (:func:`money_notes`). :attr:`Sweep.cautions` holds them in the Python API's words;
    :func:`table_notes` adds the rest of what the summary prints below its table."""
    cols = headline_outputs(sweep, metrics)
    found: list[str | None] = []
    if sweep.sobol is not None and not sweep.sobol.empty:
        shown = sweep.sobol[sweep.sobol["output"].isin(cols)]
        if not shown.empty:
            found.append(sobol_note(shown, sweep.design.base))
    elif cols:
        corr = sweep.correlations(cols)
        found += correlation_notes(sweep, list(corr.index), _digits(sweep, corr))
    found += [noise_note(sweep, cols), cap_note(sweep, cols), *money_notes(sweep, cols)]
    return [c for c in found if c]


def _digits(sweep: Sweep, corr: pd.DataFrame) -> int:
    """Decimals of the correlations ``corr`` and of their chance line (:func:`rho_digits`)
    over the sweep's distinct points."""
    critical, _p = spearman_chance(distinct_points(sweep))
    return rho_digits(corr.to_numpy().ravel().tolist(), critical)


def table_notes(sweep: Sweep, metrics: Sequence[str] = ()) -> list[str]:
    """Every line :func:`sweep_text` prints below its table of indices or correlations
    (:func:`cautions`, then the KPIs the same at every sample and those without Sobol
    indices); sweep.json keeps them as ``table_notes``, as manifest.json keeps a run's
    (review 214: a sweep's folder could not show what its summary warned)."""
    cols = headline_outputs(sweep, metrics)
    note = constant_note(sweep, metrics)
    if not cols:  # the summary says no KPI varies, and this note alone
        return [note] if note else []
    lines = cautions(sweep, metrics)
    lines += [note] if note else []
    if cols and sweep.sobol is not None and not sweep.sobol.empty:
        s = sweep.sobol[sweep.sobol["output"].isin(cols)]
        # sobol_table leaves out a KPI that varies only outside the A and B samples, or
        # lacks a value at some point: it varies, so it is not in the note above
        missing = sweep.sobol.attrs.get("undefined_outputs", [])
        flat = [c for c in cols if c not in set(s["output"]) and c not in missing]
        if flat:
            lines.append(f"note: no Sobol indices for {', '.join(flat)}: the same in every A "
                         "and B sample")
        undefined = undefined_note(sweep, cols)
        lines += [undefined] if undefined else []
    return lines


def param_header(sweep: Sweep, param: Any) -> str:
    """A parameter as the summary's header lists it: its range, and what its numbers are
    where they are not the file's (a date swept as days, with the dates: review 214)."""
    from sim.experiment.sweep import param_dates

    unit = sweep.param_units.get(param.path)
    if not unit:
        return str(param)
    dates = param_dates(sweep, param, [param.low, param.high])
    return f"{param}, {unit}: {' to '.join(dates)}" if dates else f"{param}, {unit}"


def sweep_text(sweep: Sweep, metrics: Sequence[str] = ()) -> str:
    """A summary for the terminal: design, parameters, and the Sobol indices (Sobol
    design) or rank correlations (other designs) of the headline KPIs, the latter with
    the size a correlation needs not to be chance (:func:`correlation_note`)."""
    des = sweep.design
    lines = [f"{sweep.scenario}: {sweep.design_text()}, {sweep.wall_s:.1f} s"]
    if sweep.resumed_with:
        lines.append(f"  resumed: {sweep.resumed_with} replication(s) read back from the "
                     "folder, the rest run")
    lines += [f"  {param_header(sweep, p)}" for p in des.params]
    cols = headline_outputs(sweep, metrics)
    if not cols:
        lines.append(f"No {'requested' if metrics else 'headline'} KPI varies across the "
                     "samples.")
        lines += table_notes(sweep, metrics)
        return "\n".join(lines)
    if sweep.sobol is not None and not sweep.sobol.empty:
        s = sweep.sobol[sweep.sobol["output"].isin(cols)]
        head = ("KPI", "parameter", "first order [95% CI]", "total [95% CI]")
        rows = [(r.output, r.parameter,
                 f"{r.first_order:.2f} [{r.first_order_low:.2f}, {r.first_order_high:.2f}]",
                 f"{r.total_order:.2f} [{r.total_order_low:.2f}, {r.total_order_high:.2f}]")
                for r in s.itertuples(index=False)]
        lines += ["", f"Sobol indices ({des.base} base samples; share of the variance of the "
                  "KPI mean):", *_table(head, rows)]
    else:
        corr = sweep.correlations(cols)
        head = ("KPI", *[p.path for p in des.params])
        critical, _p = spearman_chance(distinct_points(sweep))
        digits = _digits(sweep, corr)
        rows = [(name, *[rho_text(v, critical, digits) for v in row])
                for name, row in zip(corr.index, corr.to_numpy(), strict=True)]
        lines += ["", "Spearman rank correlation of each KPI with each parameter:",
                  *_table(head, rows)]
    # one source for the summary, Sweep.cautions and sweep.json (review 214)
    lines += table_notes(sweep, metrics)
    return "\n".join(lines)


SOBOL_FEW_BASE = 64
"""Base samples below which Sobol indices are too rough to read without a caution: their
estimators' sampling error at a few dozen base samples is of the order of the indices."""
SOBOL_SLACK = 0.05
"""How far outside 0-1 an index may be before it is called out (rounding of small noise)."""


def sobol_note(sobol: pd.DataFrame, base: int) -> str | None:
    """A caution for Sobol indices that cannot be read as shares of the variance: any
    index (first order or total) outside 0-1, or fewer than :data:`SOBOL_FEW_BASE` base
    samples; None if neither."""
    values = sobol[["first_order", "total_order"]].to_numpy(dtype=float)
    outside = bool(((values < -SOBOL_SLACK) | (values > 1 + SOBOL_SLACK)).any())
    few = base < SOBOL_FEW_BASE
    if not (outside or few):
        return None
    why = []
    if outside:
        why.append("some indices lie outside 0-1, which a share of the variance cannot be")
    if few:
        why.append(f"{base} base samples are few for Sobol indices")
    return (f"warning: {'; and '.join(why)}: the indices may be mostly sampling noise, and "
            "their intervals can miss the true value, narrow ones too; rank nothing by them, "
            f"run more base samples first (-n {max(SOBOL_FEW_BASE * 4, base * 4)} or more, a "
            "power of 2)")


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    out = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
           for row in [head, *rows]]
    out.insert(1, "  ".join("-" * w for w in widths))
    return out


def _defaulted(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` run under matplotlib's defaults (:func:`sim.output.style.defaults`), not
    the user's matplotlibrc; style, which loads matplotlib, imported only when it draws."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from sim.output import style as st

        with st.defaults():
            return func(*args, **kwargs)

    return wrapper


@_defaulted
def sobol_figure(sweep: Sweep, metrics: Sequence[str] = ()) -> Figure:
    """First-order and total Sobol index of each parameter with 95% CIs, one panel per
    headline KPI (at most six) or per KPI ``metrics`` names (at most nine)."""
    # matplotlib is loaded only to draw: a sweep's tables (--no-figures) must be written
    # where it cannot start (review 202's leftover, as sim run and sim compare)
    from matplotlib.figure import Figure
    s = sweep.sobol if sweep.sobol is not None else pd.DataFrame()
    available = [c for c in headline_outputs(sweep, metrics)
                 if not s.empty and c in set(s["output"])]
    if not available and not s.empty:
        available = list(dict.fromkeys(s["output"]))
    # review 178: eight KPIs named with --metric showed six, "(--metric chooses)", as the
    # scatter figure did before review 146
    cols = available[:min(max(MAX_PANELS, len(metrics)), MAX_NAMED_PANELS)]
    params = [p.path for p in sweep.design.params]
    ncols = min(3, max(1, len(cols)))
    nrows = max(1, math.ceil(len(cols) / ncols))
    # Two slanted parameter names fit under a panel; more would run into each other, so
    # they stand upright on two lines (the object, then its value), on taller panels.
    upright = len(params) > 2
    names = [n.replace(".", ".\n", 1) if upright else n for n in param_labels(params)]
    # at least two panels wide, so that one panel still holds the title
    width = max(6.8, 4.2 * ncols)
    fig = Figure(figsize=(width, 0.8 + (3.8 if upright else 2.8) * nrows),
                 layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    x = np.arange(len(params))
    for ax, col in zip(axes, cols, strict=False):
        part = s[s["output"] == col].set_index("parameter").reindex(params)
        for shift, kind, color in ((-0.18, "first_order", "#2e6fb5"),
                                   (0.18, "total_order", "#c0392b")):
            val = part[kind].to_numpy(float)
            err = np.vstack([val - part[f"{kind}_low"].to_numpy(float),
                             part[f"{kind}_high"].to_numpy(float) - val])
            err = np.where(np.isfinite(err), np.clip(err, 0, None), 0)
            # hatched totals: the two colours are one grey in print (review 189)
            ax.bar(x + shift, val, width=0.36, color=color, yerr=err, capsize=3,
                   hatch=None if kind == "first_order" else "//", edgecolor="white",
                   label="first order (left)" if kind == "first_order" else "total (right)")
        ax.set_xticks(x, names, rotation=90 if upright else 20,
                      ha="center" if upright else "right", fontsize=7)
        ax.set_ylabel("Sobol index (share of variance)", fontsize=8)
        ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
        ax.axhline(0, color="#888888", lw=0.6)
        title = f"{col} ({sweep.units.get(col, '')})"
        # a KPI of a route or regime state is long: its unit goes on a line of its own
        ax.set_title(title if len(title) <= 40 else title.replace(" (", "\n("), fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes[len(cols):]:
        ax.set_visible(False)
    if cols:
        axes[0].legend(fontsize=7)
    else:
        axes[0].set_visible(True)
        axes[0].text(0.5, 0.5, "no KPI varies across the samples", ha="center",
                     transform=axes[0].transAxes)
    title = f"{sweep.scenario}: Sobol indices with 95% bootstrap CIs"
    # about 6.3 points a character at 10 points: a long scenario name wraps within the width
    title = "\n".join(textwrap.wrap(title, int(width * 72 / 6.3)))
    notes = []
    shown = s[s["output"].isin(cols)] if cols else s.iloc[0:0]
    bounds = shown[[f"{k}_{e}" for k in ("first_order", "total_order") for e in ("low", "high")]]
    if ((bounds < -0.05) | (bounds > 1.05)).to_numpy().any():
        # an index is a share of variance: an interval far outside 0-1 is sampling noise
        notes.append("intervals reaching beyond 0-1: too few samples for these indices "
                     "(raise -n)")
    if len(available) > len(cols):
        notes.append(f"{len(cols)} of {len(available)} KPIs shown "
                     + ("(the first named with --metric)" if metrics else "(--metric chooses)"))
    missing = set(s.attrs.get("undefined_outputs", []))
    left = [c for c in headline_outputs(sweep, metrics) if c in missing]
    if left:
        # a KPI the reader asked for must not vanish from the figure without a word
        notes.append(f"not shown, without a value at some point: {', '.join(left[:3])}"
                     f"{', ...' if len(left) > 3 else ''} (see sweep.json)")
    fig.suptitle(f"{title}\n({sweep.design.base} base samples x {len(params) + 2}, "
                 f"{sweep.replications} replication(s) each)"
                 + "".join(f"\n{n}" for n in notes), fontsize=10)
    return fig


SCATTER_ROWS = 4
"""KPI rows of the scatter figure unless ``--metric`` names more (up to
:data:`SCATTER_ROWS_MAX`)."""
SCATTER_ROWS_MAX = 8


@_defaulted
def scatter_figure(sweep: Sweep, metrics: Sequence[str] = ()) -> Figure:
    """Each headline KPI, or each KPI ``metrics`` names, that varies (rows: at most four
    headline KPIs, at most eight named ones) against each parameter (columns)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import LogFormatter, MaxNLocator, StrMethodFormatter

    from sim.output import style as st
    varying = headline_outputs(sweep, metrics)
    # review 146: five KPIs named with --metric showed four, "--metric chooses"
    cols = varying[:min(max(SCATTER_ROWS, len(metrics)), SCATTER_ROWS_MAX)]
    params = sweep.design.params
    # at least two panels wide, so that one parameter's column still holds the title
    width = max(6.8, 3.4 * len(params))
    fig = Figure(figsize=(width, 0.8 + 2.5 * max(1, len(cols))), layout="constrained")
    # inches of axis a panel keeps beside its y tick labels (review 214: 12,000,000,000
    # there left the x labels of 20,000 to 140,000 run together)
    panel = width / max(1, len(params)) - 0.45 - max(
        [_label_inches(sweep.table[c].to_numpy(float)) for c in cols], default=0.4)
    axes = fig.subplots(max(1, len(cols)), len(params), squeeze=False)
    names = param_labels([p.path for p in params])
    for i, col in enumerate(cols):
        for j, p in enumerate(params):
            ax = axes[i][j]
            ax.scatter(sweep.table[p.path], sweep.table[col], s=10, color="#2e6fb5", alpha=0.7)
            if p.scale == "log":
                ax.set_xscale("log")
                # plain numbers on every labelled tick: within one decade a log axis has
                # at most one major tick and labels minor ones as "9x10^0"
                ax.xaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
                ax.xaxis.set_minor_formatter(
                    LogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))
            if i == len(cols) - 1:
                # a date swept as days says so (review 214: 120..240 bare)
                unit = sweep.param_units.get(p.path)
                ax.set_xlabel(f"{names[j]}\n({unit})" if unit else names[j], fontsize=8)
            if j == 0:
                ax.set_ylabel(f"{col} ({sweep.units.get(col, '')})", fontsize=8)
            if col in sweep.at_cap:
                # the peak at the cap is the cap, not a finding: say where it is
                ax.axhline(sweep.at_cap[col][2], color=st.CLOSED_COLOR, lw=0.8, ls="--")
                ax.annotate("price cap", (0.98, sweep.at_cap[col][2]),
                            xycoords=("axes fraction", "data"), ha="right", va="bottom",
                            fontsize=7, color=st.CLOSED_COLOR)
            x = sweep.table[p.path].to_numpy(float)
            if p.scale != "log":
                wide = np.nanmax(np.abs(x)) >= 1e4
                if wide:
                    # 12,000 rather than 12000 run into its neighbour (review 146)
                    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
                # as many ticks as labels of that width fit side by side in the panel
                # (review 214: "20,00040,00060,000" in two columns of panels)
                ax.xaxis.set_major_locator(MaxNLocator(
                    nbins=_tick_bins(panel, max(abs(p.low), abs(p.high)), wide),
                    integer=p.scale == "int"))
            y = sweep.table[col].to_numpy(float)
            if np.nanmax(np.abs(y)) >= 1e4 and np.ptp(y) >= 10:
                # 950,000 rather than 0.95 and an offset "1e6" above the axis
                ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
            ax.tick_params(which="both", labelsize=7)
            ax.grid(color="#eeeeee", lw=0.6)
            ax.set_axisbelow(True)
    if not cols:
        axes[0][0].text(0.5, 0.5, "no headline KPI varies across the samples", ha="center",
                        transform=axes[0][0].transAxes)
    more = (f"; {len(cols)} of {len(varying)} KPIs shown "
            + ("(the first named with --metric)" if metrics else "(--metric chooses)")
            if len(varying) > len(cols) else "")
    fig.suptitle(f"{sweep.scenario}: KPI means per sample\n({sweep.design.name} design, "
                 f"{sweep.replications} replication(s) each{more})", fontsize=10)
    return fig


def _label_inches(y: np.ndarray) -> float:
    """About how wide the widest y tick label of values ``y`` is, in inches, at 7 points
    (thousands separators where :func:`scatter_figure` puts them)."""
    y = y[np.isfinite(y)]
    if not y.size:
        return 0.4
    top = float(np.abs(y).max())
    chars = (len(f"{top:,.0f}") + 1 if top >= 1e4 and np.ptp(y) >= 10 else 7)
    return chars * 7 * 0.6 / 72


def _tick_bins(panel: float, top: float, thousands: bool) -> int:
    """How many intervals an x axis of ``panel`` inches can have between ticks whose
    labels, up to ``top`` (with thousands separators if ``thousands``), stand apart at the
    figure's 7-point tick labels (about 0.6 of the size a character) with gaps of at
    least half a label between them."""
    digits = len(f"{top:,.0f}" if thousands else f"{top:g}") + 1  # a sign or a decimal
    label = digits * 7 * 0.6 / 72  # inches
    return max(2, min(9, int(panel / (1.6 * label))))


def _id_position(parts: Sequence[str | int]) -> int | None:
    """The place in ``parts`` of the last id (``quota_2026`` in
    ``policies.export_quotas.quota_2026.schedule.0.tonnes``: a key of a mapping of ids such
    as ``sites`` or ``export_quotas``), or None."""
    from sim.scenario.schema_paths import is_id_mapping, type_at

    found = None
    for i in range(1, len(parts)):
        try:
            if is_id_mapping(type_at(tuple(parts[:i]), {})):
                found = i
        except Exception:  # noqa: BLE001 - a label is no place to fail a sweep's output
            return found
    return found


def param_labels(paths: Sequence[str]) -> list[str]:
    """Short labels of the sweep's parameter ``paths`` for figures, unique among them.

    Each is the shortest ending of its path (two parts at least) that no other path ends
    with and that reaches back to the path's id: ``kasumbalesa.clearance_trucks_per_day``.
    An ending of four parts or more is written id, ellipsis, field
    (``quota_2026…tonnes``) where that is still unique, else whole
    (``quota_2026.schedule.1.tonnes``). The last two parts alone named two quotas'
    ``schedule.0.tonnes`` both ``0.tonnes``."""
    from sim.experiment.sweep import canonical_path

    split = [[str(x) for x in canonical_path(p)] for p in paths]
    endings: list[list[str]] = []
    for i, parts in enumerate(split):
        at = _id_position(canonical_path(paths[i]))
        k = min(len(parts), max(2, len(parts) - at if at is not None else 2))
        while k < len(parts) and any(j != i and other[-k:] == parts[-k:]
                                     for j, other in enumerate(split)):
            k += 1
        endings.append(parts[-k:])
    labels = [".".join(e) for e in endings]
    # only an ending of four parts or more: a field between id and value
    # (a.transit_days.value) says what the value is
    short = [f"{e[0]}…{e[-1]}" if len(e) > 3 and _id_position(
                 canonical_path(paths[i])) == len(split[i]) - len(e) else labels[i]
             for i, e in enumerate(endings)]
    return [sh if short.count(sh) == 1 and sh not in labels[:i] + labels[i + 1:] else full
            for i, (sh, full) in enumerate(zip(short, labels, strict=True))]


def correlation_table(sweep: Sweep) -> pd.DataFrame:
    """correlations.csv (grid and LHS designs), long form as sobol.csv: for each KPI
    that varies and each parameter, Spearman's ``rho`` over the samples where the KPI has
    a value, the ``points`` (distinct design points) among them and ``chance_below``,
    the |rho| below which a correlation over that many points could be chance at 5%
    (two-sided; blank where any could: :func:`spearman_chance`)."""
    corr = sweep.correlations()
    rows = []
    for col, values in zip(corr.index, corr.to_numpy(), strict=True):
        points = distinct_points(sweep, col)
        critical, _p = spearman_chance(points)
        for param, rho in zip(corr.columns, values, strict=True):
            rows.append((col, param, rho, points,
                         math.nan if math.isinf(critical) else min(critical, 1.0)))
    return pd.DataFrame(rows, columns=["output", "parameter", "rho", "points",
                                       "chance_below"])


def _exact_params(sweep: Sweep, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each parameter column as the exact text its runs were given (the
    ``--set`` value), so a sample can be rerun bit for bit from the table; the KPI columns
    keep ten significant digits."""
    frame = frame.copy()
    for param in sweep.design.params:
        if param.path in frame:
            frame[param.path] = [param.override(v).split("=", 1)[1]
                                 for v in frame[param.path]]
    return frame


def _sweep_code(out: Path) -> list[str]:
    """The code that ran the replications saved in ``out`` (plan.json's ``code``), or this
    code's label where none are saved there (a sweep written in Python without ``out``)."""
    try:
        plan = SweepStore(out).plan() or {}
    except FolderError:
        plan = {}
    code = plan.get("code")
    return [str(c) for c in code] if isinstance(code, list) and code else [code_label()]


def _sweep_builds(out: Path) -> list[str]:
    """The builds that ran the replications saved in ``out`` (plan.json's ``builds``), or
    this build where it lists none."""
    try:
        plan = SweepStore(out).plan() or {}
    except FolderError:
        plan = {}
    builds = plan.get("builds")
    return ([str(b) for b in builds] if isinstance(builds, list) and builds
            else [build_kind()])


def _param_dates(sweep: Sweep, param: Any, values: Sequence[float]) -> list[str]:
    from sim.experiment.sweep import param_dates

    return param_dates(sweep, param, values)


def sweep_figure_plan(sweep: Sweep, metrics: Sequence[str] = ()
                      ) -> list[tuple[str, Callable[[], tuple[str, Figure]]]]:
    """The figures of a sweep as (file stem, function drawing (caption, figure)), none
    drawn yet (see :func:`sim.output.figures.run_figure_plan`): the Sobol indices' (Sobol
    design) and the scatter plots."""
    plan: list[tuple[str, Callable[[], tuple[str, Figure]]]] = []
    if sweep.sobol is not None:
        plan.append(("sweep-sobol", lambda: ("Sobol indices.", sobol_figure(sweep, metrics))))
    plan.append(("sweep-scatter", lambda: ("KPIs against each parameter.",
                                           scatter_figure(sweep, metrics))))
    return plan


def counted_figures(sweep: Sweep, metrics: Sequence[str], figures: bool,
                    on_figure: Callable[[int, int], object] | None
                    ) -> contextlib.AbstractContextManager[object]:
    """The count (:func:`sim.output.figures.counting_figures`) of the figures
    :func:`write_sweep` draws inside it, reported to ``on_figure``."""
    if not figures or on_figure is None:
        return contextlib.nullcontext()  # matplotlib not loaded for nothing
    from sim.output.figures import counting_figures

    return counting_figures(on_figure, len(sweep_figure_plan(sweep, metrics)))


SWEEP_TABLE_BLOCKS = 4
"""The blocks a sweep's tables are counted in (:data:`sim.output.progress_count.TABLES`): its tables
made (the means per sample, the noise shares and any Sobol indices), then sweep.csv,
sweep-kpis.csv.gz, and sobol.csv or correlations.csv written, one each."""


def write_sweep(sweep: Sweep, out: Path, figures: bool = True, metrics: Sequence[str] = (),
                source: str = "", overrides: Sequence[str] = ()) -> dict[str, Path]:
    """Write the sweep's tables, figures and, last, ``sweep.json``."""
    # before anything is removed: a run's or comparison's results in ``out`` are not this
    # sweep's to replace (``sim sweep --force`` replaced them before running)
    claim_folder(out, "sweep")
    out.mkdir(parents=True, exist_ok=True)
    (out / "sweep.json").unlink(missing_ok=True)  # written last: incomplete until then
    files: dict[str, Path] = {}
    atomic_write_text(out / "sweep.csv", _exact_params(sweep, sweep.table).to_csv(
        index=False, float_format="%.10g", lineterminator="\n"))
    files["sweep.csv"] = out / "sweep.csv"
    TABLES.one_done()  # for a progress display in effect, if any (SWEEP_TABLE_BLOCKS)
    import gzip

    long = _exact_params(sweep, sweep.kpis).to_csv(index=False, float_format="%.10g",
                                                   lineterminator="\n")
    long = long.encode("utf-8")
    atomic_write_bytes(out / "sweep-kpis.csv.gz", gzip.compress(long, mtime=0))
    files["sweep-kpis.csv.gz"] = out / "sweep-kpis.csv.gz"
    TABLES.one_done()
    if sweep.sobol is not None:
        atomic_write_text(out / "sobol.csv", sweep.sobol.to_csv(
            index=False, float_format="%.10g", lineterminator="\n"))
        files["sobol.csv"] = out / "sobol.csv"
    else:
        (out / "sobol.csv").unlink(missing_ok=True)  # from an earlier Sobol sweep
    if sweep.sobol is None:
        atomic_write_text(out / "correlations.csv", correlation_table(sweep).to_csv(
            index=False, float_format="%.10g", lineterminator="\n"))
        files["correlations.csv"] = out / "correlations.csv"
    else:
        (out / "correlations.csv").unlink(missing_ok=True)  # from an earlier sweep
    TABLES.one_done()
    clear_figures(out)
    if figures:
        from sim.output.figures import drawn, write_figures

        # each drawn as it is saved, counted by the figure count in effect (review 239)
        for path in write_figures(drawn(sweep_figure_plan(sweep, metrics)), out):
            files[f"figures/{path.name}"] = path
    des = sweep.design
    info: dict[str, Any] = {
        "format": "drc-minerals-sim sweep 1",
        "scenario_name": sweep.scenario,
        "scenario_file": source,
        "overrides": list(overrides),
        "design": des.name,
        "samples": des.base,
        "points": des.size,
        # a date swept as days says so, with the dates of its ends (review 214)
        "parameters": [{"path": p.path, "low": p.low, "high": p.high, "scale": p.scale,
                        **({"unit": sweep.param_units[p.path]}
                           if p.path in sweep.param_units else {}),
                        **(dict(zip(("low_date", "high_date"), dates, strict=True))
                           if (dates := _param_dates(sweep, p, [p.low, p.high])) else {})}
                       for p in des.params],
        "seed": sweep.seed,
        "replications": sweep.replications,
        # the KPIs sweep.csv and the figures show: a Sweep read back with run_sweep(...,
        # resume=True) writes them again for the metrics it is given (review 178)
        "metrics": list(metrics),
        # what the command printed of the sweep (review 184: kept nowhere), as manifest.json
        # and comparison.json keep theirs
        "notes": list(sweep.notes),
        # what it printed below its table of indices or correlations (review 214: kept
        # nowhere), as manifest.json keeps a run's table_notes
        "table_notes": table_notes(sweep, metrics),
        # the KPIs the Sobol indices leave out; null for other designs, which leave out
        # none ([] read as "nothing constant" where 67 of 93 were; review 178)
        "constant_outputs": (sweep.sobol.attrs.get("constant_outputs", [])
                             if sweep.sobol is not None else None),
        # left out of the Sobol indices for lacking a value at some point, not constant
        "undefined_outputs": (sweep.sobol.attrs.get("undefined_outputs", [])
                              if sweep.sobol is not None else None),
        # the share of each KPI's variance across samples that is replication noise, and
        # the price peaks at their cap (samples with every / some replication there, cap)
        "noise_share": {c: (None if math.isnan(v) else v)  # null: not measured
                        for c, v in sweep.noise_share.items()},
        "price_peaks_at_cap": {col: {"samples_all_at_cap": a, "samples_some_at_cap": b,
                                     "cap": cap} for col, (a, b, cap) in sweep.at_cap.items()},
        "repeated_points": sweep.repeated_points,
        "resumed_with": sweep.resumed_with,
        "replications_saved_in": f"{STORE}/",
        # where the replications run now ran and the command, as a run's manifest.json
        # records them (review 196): executor, workers, scheduler and cluster (absent where
        # none was run)
        **(sweep.where or {}),
        "command": sys.argv,
        "wall_s": round(sweep.wall_s, 3),
        "versions": versions(),
        # the code that ran its replications, as plan.json lists it (review 167: the
        # commit behind a sweep was only in sweep-replications/plan.json)
        "git_commit": git_commit(),
        "code": _sweep_code(out),
        "builds": _sweep_builds(out),
        "files": file_hashes(files),
    }
    atomic_write_text(out / "sweep.json",
                      json.dumps(json_safe(info), indent=2, default=str, allow_nan=False))
    return files

