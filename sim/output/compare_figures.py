"""Figures of a comparison: a forest plot of the paired differences from the reference
(:func:`paired_differences`, :func:`forest_figure`) and the scenarios' time series side by
side with their bands (:func:`compare_series_figure`); :func:`compare_figures` lists them
and :func:`write_compare_figures` saves them as PNG and SVG into ``figures/`` of a
comparison's folder.

Split from :mod:`sim.output.figures` (review 231), which draws one run's figures and keeps
the helpers both use (bands, short periods, caps, legends, styles); every name here can still
be imported from there. They are drawn in the style of :mod:`sim.output.style`, as the run
figures are.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim.experiment.stats import cap_runs
from sim.output import style as st
from sim.output.figures import (
    FLOW_UNIT,
    LIMIT_BAND,
    PRICE_AXIS,
    Q_AXIS,
    cap_line,
    checked_names,
    demanded_series,
    draw_band,
    drawn,
    empty_figure,
    figure_legend,
    floor_line,
    flow_name,
    kpi_mean,
    lone_span,
    mid_dates,
    partial_days,
    partial_first_days,
    peak_above,
    performance,
    price_shown,
    rate_series,
    reached_cap,
    reached_floor,
    series_cube,
    short_ends,
    short_handle,
    short_text,
    whole_periods,
    write_figures,
)
from sim.output.tables import capped_runs, format_number, unpriced
from sim.shocks.engine import n_days

if TYPE_CHECKING:
    from sim.experiment.results import Results


NamedResults = Sequence[tuple[str, "Results"]]
"""``[(name, results), ...]``; the first is the reference (baseline) of a comparison."""


def _kpi_metrics(metrics: object) -> list[str]:
    """``metrics`` of the comparison figures, checked: each a KPI metric. Raises
    ``TypeError`` as :func:`checked_names`, and ``ValueError`` for an unknown metric, with the
    closest one."""
    from sim.metrics.kpis import KPI_METRICS
    from sim.scenario.errors import did_you_mean

    names = checked_names(metrics, "metrics", "KPI metrics such as 'delivered_t'")
    for metric in names:
        if metric not in KPI_METRICS:
            guess = did_you_mean(metric, KPI_METRICS)
            raise ValueError(f"metrics: {metric!r} is not a KPI metric"
                             + (f"; did you mean {guess!r}?" if guess else "")
                             + " (summary() of a Results lists every KPI)")
    return names


COMPARE_METRICS = ("delivered_t", "shortfall_t", "price_peak_ratio", "mean_lead_time_days",
                   "exported_t")
"""Headline KPIs of a comparison (totals per commodity)."""


def paired_differences(named: NamedResults, metrics: Sequence[str] = COMPARE_METRICS,
                       confidence: float = 0.95,
                       kpis: Sequence[tuple[str, str, str, str]] = ()) -> pd.DataFrame:
    """Differences of headline KPI means between each scenario and the first, per
    commodity, with confidence intervals.

    The statistics are :func:`sim.experiment.compare_table.compare_table`'s: replications are
    paired by number, and the interval is the Student-t interval of the mean paired
    difference. ``paired`` says whether the pairs share random numbers (the same root seed:
    common random numbers); with different seeds the pairs are independent and the
    interval is wider. Columns: scenario, reference, commodity, metric, unit,
    reference_mean, mean, diff, ci_low, ci_high, n (the scenario's replications), diff_n
    (the pairs the difference stands on: a replication without a value, such as a lead time
    with nothing delivered, drops its pair), paired, rel_change (the difference over the
    reference mean) and share_positive (the share of pairs with a positive difference), as
    sim compare gives them.

    ``kpis`` adds the KPIs of those (commodity, channel, site, metric) keys not among
    them (the KPIs a comparison's ``--metric`` named, a site's or lane's too), after them,
    their ``metric`` written as :func:`sim.output.tables.kpi_title` names it
    (``peak_held_trucks at kasumbalesa``).
    """
    from sim.experiment.compare_table import compare_table
    from sim.output.tables import kpi_title

    metrics = base = _kpi_metrics(metrics)
    labels = [name for name, _res in named]
    results = [res for _name, res in named]
    table = compare_table(results, labels, confidence)
    totals = table[(table["channel"] == "all") & (table["site"] == "all")
                   & table["metric"].isin(list(metrics))]
    extra = [k for k in dict.fromkeys(tuple(k) for k in kpis)
             if not (k[1] == k[2] == "all" and k[3] in metrics)]
    if extra:
        keys = list(zip(table["commodity"], table["channel"], table["site"], table["metric"],
                        strict=True))
        named_rows = table[[k in set(extra) for k in keys]].copy()
        named_rows["metric"] = [kpi_title(m, c, s) for m, c, s in zip(
            named_rows["metric"], named_rows["channel"], named_rows["site"], strict=True)]
        totals = pd.concat([totals, named_rows])
        metrics = [*metrics, *dict.fromkeys(kpi_title(k[3], k[1], k[2]) for k in extra)]
    keys = ["commodity", "metric", "unit"]
    ref = totals[totals["scenario"] == labels[0]][[*keys, "mean"]].rename(
        columns={"mean": "reference_mean"})
    out = totals[totals["scenario"] != labels[0]].drop(columns=["ci_low", "ci_high"])
    out = out.merge(ref, on=keys, how="left")
    out = out.rename(columns={"diff_ci_low": "ci_low", "diff_ci_high": "ci_high"})
    out["reference"] = labels[0]
    seeds = {name: res.seed for name, res in named}
    out["paired"] = out["scenario"].map(lambda s: seeds[s] == seeds[labels[0]])
    order = {m: i for i, m in enumerate(metrics)}
    scen = {s: i for i, s in enumerate(labels)}
    if "price_peak_ratio" in metrics:
        # a price neither the reference nor the scenario models (nor moved) peaks at 1 by
        # definition: "1.00 -> 1.00" would read as a price that held
        no_price = {name: set(unpriced(res.scenario, res.summary())) for name, res in named}
        out = out[[not (m == "price_peak_ratio" and c in no_price[labels[0]]
                        and c in no_price[sc])
                   for m, c, sc in zip(out["metric"], out["commodity"], out["scenario"],
                                       strict=True)]]
    # the named KPIs after the headline ones, whatever their commodity
    out = out.assign(_s=out["scenario"].map(scen), _m=out["metric"].map(order),
                     _x=~out["metric"].isin(list(base))).sort_values(
        ["_s", "_x", "commodity", "_m"], kind="stable")
    cols = ["scenario", "reference", "commodity", "metric", "unit", "reference_mean", "mean",
            "diff", "ci_low", "ci_high", "n", "diff_n", "paired", "rel_change",
            "share_positive"]
    return out[cols].reset_index(drop=True)


def short_name(name: str, width: int = 20, lines: int = 2) -> str:
    """``name`` wrapped onto at most ``lines`` lines of ``width`` characters, the last
    shortened with an ellipsis if it does not fit (for tick labels and axis labels), its
    ``$`` escaped (:func:`~sim.output.style.plain`). An id too long for its lines (no
    spaces) keeps its end, where variants differ (``china_expo…ntrol_allies``): cut at its
    end, it read as the scenario it extends (review 152; review 155: on two lines too)."""
    if " " not in name and len(name) > width * lines and width >= 9:
        if lines == 1:
            head = (width - 1) // 2
            return st.plain(name[:head] + "…" + name[-(width - 1 - head):])
        first = [name[i * width:(i + 1) * width] for i in range(lines - 1)]
        return st.plain("\n".join([*first, "…" + name[-(width - 1):]]))
    wrapped = textwrap.wrap(name, width) or [name]
    if len(wrapped) > lines:
        rest = " ".join(wrapped[lines - 1:])
        wrapped = [*wrapped[:lines - 1], textwrap.shorten(rest, width, placeholder="…")
                   if " " in rest[:width] else rest[:width - 1] + "…"]
    return st.plain("\n".join(wrapped))


def _other_period(named: NamedResults) -> set[str]:
    """The scenarios of ``named`` (after the first, the reference) measured over another
    period than the reference: another start, horizon or warm-up (the rule of
    :func:`sim.experiment.compare_notes.period_notes`)."""
    def period(res: Results | None) -> tuple | None:
        sc = res.scenario if res is not None else None
        return None if sc is None else (sc.start, sc.horizon, sc.warmup_days)

    ref = period(named[0][1]) if named else None
    if ref is None:
        return set()
    return {name for name, res in named[1:] if period(res) not in (None, ref)}


def _capped_peaks(named: NamedResults) -> dict[str, set[str]]:
    """For each scenario of ``named``, the commodities whose price peak is at the cap in
    some paired replication (:func:`sim.output.tables.capped_runs`, the tables' test: the
    mean is then held down by the cap, a bound; the differences stand on the replications
    every scenario has, so one at the cap outside them bounds nothing); none for a
    scenario given without its results."""
    from sim.experiment.compare_table import common_replications

    given = [res for _name, res in named if res is not None]
    pairs = common_replications(given) if given else []
    return {name: set(capped_runs(res, pairs)) if res is not None else set()
            for name, res in named}


def _cap_label(diff: float, ref_capped: bool, capped: bool) -> str:
    """What a price peak difference with a side at the cap says: a bound, not an
    estimate. The capped side's peak is at least the cap, so a capped scenario's difference
    is at least the one measured, and a capped reference's at most."""
    if ref_capped and capped:
        return "both at the cap"
    number = format_number(diff)
    signed = number if number.startswith("-") or diff == 0 else f"+{number}"
    if capped:
        return f"\u2265 {signed} (at the cap)"
    return f"\u2264 {signed} (reference at the cap)"


@st.styled
def forest_figure(named: NamedResults, metrics: Sequence[str] = COMPARE_METRICS,
                  differences: pd.DataFrame | None = None,
                  kpis: Sequence[tuple[str, str, str, str]] = ()) -> Figure:
    """Forest plot: each scenario's difference from the first (reference) in the headline
    KPIs, with 95% confidence intervals.

    One panel per KPI (rows, titled with the KPI) and commodity (columns), one line per
    scenario, each panel on its own scale: a commodity's changes are read on the scale of
    that commodity, not beside another's thousandfold larger ones. Intervals that exclude
    0 are drawn solid with a black-edged point, except for scenarios measured over another
    period than the reference (start, horizon or warm-up): their differences are mostly the
    length of the period, so none is marked, and the title says so (as the report does not
    rank them). ``differences`` (default :func:`paired_differences` of ``named``) may be
    given in other units, such as percent of the reference mean; its ``unit`` column labels
    the axes.

    A ``price_peak_ratio`` difference where a scenario's price peak is at its cap in some
    replication (as the tables decide, :func:`sim.output.tables.capped_runs`) is a bound,
    not an estimate: the cap holds the mean peak down. It is
    drawn as a hollow point with no interval and no marking, labelled "≥ +9 (at the cap)"
    (or "≤ ... (reference at the cap)"), and "both at the cap" with no point where both
    are. Scenarios given without results (``None``) are taken as not capped.

    ``kpis`` (keys as :func:`paired_differences` takes them: the KPIs a comparison's
    ``--metric`` named) adds a row of panels for each such KPI, after the others, in its
    commodity's column (the first, its commodity in the title, for one the other rows
    lack, such as ``all``)."""
    metrics = _kpi_metrics(metrics)
    diffs = (differences if differences is not None
             else paired_differences(named, metrics, kpis=kpis))
    # the named KPIs' rows, by their title: their commodities make no column of their own
    extra = {m for m in dict.fromkeys(diffs["metric"]) if m not in metrics
             and not str(m).startswith("price_peak_ratio (")} if kpis else set()
    metrics = [*metrics, *[m for m in dict.fromkeys(diffs["metric"]) if m in extra]]
    other_period = _other_period(named)
    at_caps = _capped_peaks(named) if "price_peak_ratio" in metrics else {}
    drew_cap = False
    shown = [m for m in metrics if m in set(diffs["metric"])] or list(metrics[:1])
    coms = list(dict.fromkeys(diffs["commodity"][~diffs["metric"].isin(extra)])) or \
        list(dict.fromkeys(diffs["commodity"])) or ["all"]
    names = [n for n, _r in named[1:]]
    ref = named[0][0]
    ref_short = short_name(ref, 22, 1)
    lacking = {com: {n for n, res in named if _lacks(res, com)} for com in coms}
    if coms and set(coms) & set(_scenario_commodities(named[0][1])):
        # a commodity only the reference has gives no difference rows: without a column
        # of its own it vanished from the figure (review 175)
        for com in _scenario_commodities(named[0][1]):
            missing = {n for n, res in named[1:] if _lacks(res, com)}
            if com not in coms and missing:
                coms.append(com)
                lacking[com] = missing
    fig = st.new_figure(st.WIDTH, len(shown) * (0.3 * max(len(names), 1) + 0.95) + 0.9)
    axes = fig.subplots(len(shown), len(coms), squeeze=False, sharey=True)
    ys = {name: len(names) - 1 - i for i, name in enumerate(names)}
    for i, metric in enumerate(shown):
        own = list(dict.fromkeys(diffs["commodity"][diffs["metric"] == metric]))
        for j, com in enumerate(coms):
            ax = axes[i, j]
            title = metric
            if metric in extra and com not in own:
                # in its commodity's column, or the first with its commodity in the title
                if j == 0 and own and not set(own) & set(coms):
                    com = own[0]
                    title = f"{metric} ({'all commodities' if com == 'all' else com})"
                else:
                    ax.set_axis_off()
                    continue
            part = diffs[(diffs["metric"] == metric) & (diffs["commodity"] == com)]
            if i == 0:
                # the column's commodity, above its first panel, in the text's colour: gold's
                # and copper's own are below the contrast text needs on white (2.4:1, 4.3:1)
                ax.annotate(com, (0.5, 1.0), xycoords="axes fraction", xytext=(0, 14),
                            textcoords="offset points", ha="center", va="bottom",
                            fontsize=10, fontweight="bold", color="#222222")
            absent = lacking.get(com, set())
            if part.empty:
                ax.set_title(title)
                # paired_differences leaves out the price peaks of a price not modelled
                empty_figure(ax, "not in " + ", ".join(short_name(n, 22, 1) for n in names)
                             if names and absent >= set(names)
                             else f"price not modelled for {com}" if metric == "price_peak_ratio"
                             else f"no {metric} for {com}")
                ax.set_axis_off()
                continue
            cap_labels: list[tuple[float, float, str]] = []
            estimates = []  # rows with their intervals, as opposed to bounds at a cap
            # rows with no difference to draw, and why (review 175: a commodity the
            # reference lacks went through nan_to_num and was labelled "no difference")
            blanks = [(ys[n], "not in this scenario") for n in names
                      if n in absent and n not in set(part["scenario"])]
            for k, row in enumerate(part.itertuples()):
                if row.scenario not in ys:
                    continue
                y = ys[row.scenario]
                if math.isnan(row.diff):
                    blanks.append((y, f"not in {ref_short}" if ref in absent
                                   else _no_value_text(row, ref_short)))
                    continue
                color = st.scenario_color(names.index(row.scenario) + 1)
                ref_capped = com in at_caps.get(ref, set())
                capped = com in at_caps.get(row.scenario, set())
                if metric == "price_peak_ratio" and (ref_capped or capped):
                    # a bound, not an estimate: no interval, nothing marked significant
                    label = _cap_label(row.diff, ref_capped, capped)
                    if not (ref_capped and capped):
                        ax.scatter([row.diff], [y], facecolors="none", edgecolors=color,
                                   s=24, zorder=3, linewidths=1.2)
                        drew_cap = True
                    cap_labels.append((row.diff if not (ref_capped and capped) else math.nan,
                                       y, label))
                    continue
                estimates.append(k)
                excludes = not (math.isnan(row.ci_low) or row.ci_low <= 0 <= row.ci_high)
                if row.scenario in other_period:
                    excludes = True  # drawn plain: solid, with no black edge
                    edge = "none"
                else:
                    edge = "black" if excludes else "none"
                if not math.isnan(row.ci_low):
                    ax.plot([row.ci_low, row.ci_high], [y, y], color=color, lw=2.0,
                            alpha=1.0 if excludes else 0.45, solid_capstyle="butt")
                ax.scatter([row.diff], [y], color=color, s=24, zorder=3, edgecolors=edge)
            values = np.concatenate([
                part[["diff", "ci_low", "ci_high"]].iloc[estimates].to_numpy(dtype=float).ravel(),
                np.array([x for x, _y, _t in cap_labels], dtype=float)])
            flat = bool(np.all(np.nan_to_num(values) == 0))
            drawn = bool(estimates or cap_labels)
            if flat:
                ax.set_xlim(-1, 1)
                # no zero tick and line where nothing is drawn: they read as a difference of 0
                ax.set_xticks([0] if drawn else [])
                if estimates or any(not math.isnan(x) for x, _y, _t in cap_labels):
                    ax.text(0.98, 0.5, "no difference", transform=ax.transAxes, ha="right",
                            va="center", fontsize=7, color=st.NEUTRAL)
            if drawn:
                ax.axvline(0.0, color="black", lw=0.8)
            for y, text in blanks:
                ax.annotate(text, (0.5, y), xycoords=("axes fraction", "data"), ha="center",
                            va="center", fontsize=7, color=st.NEUTRAL,
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
            unit = part["unit"].iloc[0]
            ax.set_xlabel(f"difference from {ref_short} ({unit})", fontsize=8)
            ax.set_title(title)
            ax.xaxis.set_major_formatter(st.TonnesFormatter())
            if not flat:
                # a third of the figure wide: more ticks than this run into each other
                ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
            ax.grid(True, axis="x")
            ax.grid(False, axis="y")
            ax.set_ylim(-0.6, len(names) - 0.4)
            lo, hi = ax.get_xlim()
            for x, y, label in cap_labels:
                # beside the point, on the side with room; mid-panel without one
                where = 0.5 if math.isnan(x) else (x - lo) / (hi - lo)
                ax.annotate(label, (where, y), xycoords=("axes fraction", "data"),
                            xytext=(0, 5), textcoords="offset points", va="bottom",
                            ha="left" if where < 0.35 else "right" if where > 0.65
                            else "center", fontsize=7, color=st.NEUTRAL)
    axes[0, 0].set_yticks(list(ys.values()), [short_name(n) for n in ys])
    for ax in axes[:, 1:].ravel():
        ax.tick_params(axis="y", labelleft=False)
    # the tick labels may be shortened: the legend gives every name in full
    handles = [Line2D([], [], color=st.scenario_color(i + 1), marker="o", lw=2,
                      label=short_name(n, 48, 3)) for i, n in enumerate(names)]
    if set(names) - other_period:
        handles += [Line2D([], [], color=st.NEUTRAL, marker="o", mec="black", lw=2,
                           label="95% interval excludes 0 (each judged on its own: about "
                                 "one in twenty can by chance)"),
                    Line2D([], [], color=st.NEUTRAL, marker="o", alpha=0.45, lw=2,
                           label="95% interval includes 0")]
    if drew_cap:
        handles.append(Line2D([], [], color=st.NEUTRAL, marker="o", mfc="none", lw=0,
                              label="price peak at the cap: a bound, no interval"))
    # fewer columns where four would run past the figure's edges (review 161: "price
    # peak at the cap: a bound, no inte")
    figure_legend(fig, handles, 4)
    paired = bool(diffs["paired"].all()) if len(diffs) else True
    how = ("paired by replication (common random numbers)" if paired
           else "paired by replication number (different seeds: no common random numbers)")
    if other_period:
        from sim.experiment.compare_notes import period_kind, period_words

        which = ("all scenarios" if other_period >= set(names)
                 else ", ".join(short_name(n, 40, 1) for n in names if n in other_period))
        by_name = dict(named)
        kinds = [period_kind(named[0][1].scenario, by_name[n].scenario) for n in other_period]
        warm_ups = set(kinds) == {"warm-up"}
        how = ((f"runs after different warm-ups: {which} start the reference's period from "
                "another warm-up" if warm_ups else
                f"runs over different periods: {which} measure another period than the "
                "reference") + f", so differences are\n{period_words(kinds)}, and no "
               "interval is marked as excluding 0")
    fig.suptitle(f"Differences from {short_name(ref, 60, 1)} with 95% confidence intervals, "
                 f"each panel on its own scale\n{how}")
    return fig


def _scenario_commodities(res: Results | None) -> list[str]:
    """The commodities of a run's scenario (none for a scenario given without results)."""
    return [] if res is None else list(res.scenario.commodities)


def _lacks(res: Results | None, commodity: str) -> bool:
    """Whether a run's scenario has no ``commodity`` (not known without its results)."""
    return res is not None and commodity not in res.scenario.commodities


def _no_value_text(row: object, ref_short: str) -> str:
    """Why a forest plot row has no difference, where both scenarios have the commodity:
    a KPI with no value (a lead time with nothing delivered) on one side, or no pairs."""
    if math.isnan(getattr(row, "reference_mean", math.nan)):
        return f"no value in {ref_short}"
    if math.isnan(getattr(row, "mean", math.nan)):
        return "no value in this scenario"
    return "no pairs of replications"


def _compare_partial_handle(named: NamedResults) -> Line2D | None:
    """Legend entry for the short first and last periods of the scenarios of a comparison:
    the run figures' text when every scenario has the same, or each length with the
    scenarios it belongs to."""
    # a one-period run is told apart (its single period is both ends), no other length
    ends = {name: (partial_first_days(res), partial_days(res),
                   1 if res.catalogue.n_periods == 1 else 2) for name, res in named}
    if not any(f or last for f, last, _n in ends.values()):
        return None
    if len(set(ends.values())) == 1:
        return short_handle(f"{short_text(*next(iter(ends.values())))}, no band")

    def which(end: int) -> str:
        short = {name: e[end] for name, e in ends.items() if e[end]}
        lengths = sorted(set(short.values()))
        return "; ".join(f"{n_days(d)} in " + ", ".join(short_name(n, 24, 1)
                                                       for n, dn in short.items() if dn == d)
                         for d in lengths)

    firsts, lasts = which(0), which(1)
    if firsts and lasts:
        text = f"short first period ({firsts}) and last period ({lasts}), no band"
    elif firsts:
        text = f"short first period ({firsts}), no band"
    else:
        text = f"short last period ({lasts}), no band"
    return short_handle(textwrap.fill(text, 60))


def _series_title(metric: str) -> str:
    """What :func:`compare_series_figure` draws, in words and with its unit."""
    if metric in ("price_index", "performance"):
        return {"price_index": "Price index", "performance": "Performance Q(t)"}[metric]
    return f"Metal {flow_name(metric)} ({FLOW_UNIT})"


def _same_periods(a: Results, b: Results) -> bool:
    """Whether two runs measured the same periods (so their series can be subtracted)."""
    return (list(a.catalogue.dates) == list(b.catalogue.dates)
            and list(a.catalogue.days) == list(b.catalogue.days))


@st.styled
def compare_series_figure(named: NamedResults, metric: str = "price_index") -> Figure:
    """One series per scenario, one column per commodity: ``price_index``, ``performance``
    (consumption / demand), or a flow metric summed over its keys (``exported_t``,
    ``delivered_t``, ``mined_t``, ``shortfall_t``, in t/day).

    Top row: each scenario's mean, in its colour and line style (the first, the reference,
    solid, with its 5-95% band), so that scenarios with the same values do not hide each
    other. Bottom row: each other scenario's difference from the reference, replications
    paired by number (sharing random numbers when the seeds are the same): mean and 5-95%
    of the paired differences. A scenario measured over other periods than the reference
    (another start or horizon, or another series period: weekly against monthly) gets no
    difference, and its band in the top row instead. A price index that no
    scenario models or moves gets no panel (:func:`price_shown`). The columns are the
    commodities of every scenario, the reference's first; a scenario without a commodity
    draws no line in its column (and no difference), which the column's title names, and
    a column the reference lacks draws no difference at all, saying so. Raises
    ``TypeError`` unless ``metric`` is a str, ``ValueError`` for another name."""
    from sim.metrics.series import FLOW_METRICS
    from sim.scenario.errors import did_you_mean

    drawn = ("price_index", "performance", *FLOW_METRICS)
    if not isinstance(metric, str):
        raise TypeError(f"metric must be one series name (a str), such as 'price_index', not "
                        f"{type(metric).__name__} {metric!r}")
    if metric not in drawn:
        guess = did_you_mean(metric, drawn)
        raise ValueError(f"metric {metric!r} is not a series this figure draws ("
                         f"{', '.join(drawn)})" + (f"; did you mean {guess!r}?" if guess else ""))
    ref_name, ref = named[0]
    # every scenario's commodities: with the reference's alone, one a variant adds (review
    # 175: lithium) was drawn nowhere
    coms = list(dict.fromkeys(c for _n, res in named for c in res.scenario.commodities))
    if metric == "performance":
        coms = [c for c in coms if any(c in demanded_series(res) for _n, res in named)]
    elif metric == "price_index":
        coms = [c for c in coms if any(price_shown(res, c) for _n, res in named)]
    title = _series_title(metric)
    diffs = [i for i, (_n, res) in enumerate(named) if i and _same_periods(ref, res)]
    fig = st.new_figure(st.WIDTH, 6.0 if diffs else 3.6)
    if not coms:
        empty_figure(fig.add_subplot(), "price not modelled for these commodities "
                     "(no demand_elasticity) and moved by no shock" if metric == "price_index"
                     else "no market demands these commodities")
        fig.suptitle(f"{title} by scenario")
        return fig

    def values(res: Results, com: str) -> np.ndarray:
        if metric == "performance":
            return performance(res, com)
        if metric == "price_index":
            return series_cube(res, com, metric)
        return rate_series(res, series_cube(res, com, metric))

    unit = {"price_index": "index", "performance": "ratio"}.get(metric, FLOW_UNIT)
    axes = fig.subplots(2 if diffs else 1, len(coms), squeeze=False, sharex="col",
                        height_ratios=[3, 2] if diffs else None)
    caps: set[float] = set()
    floors: set[float] = set()
    span = lone_span(*(res for _n, res in named))
    for j, com in enumerate(coms):
        ax = axes[0, j]
        above = []  # (scenario, daily price peak) where it is above all that is drawn
        # a scenario without the commodity has no series: its zeros would be drawn as a
        # price of 0, or exports of 0
        lacking = [n for n, res in named if com not in res.scenario.commodities]
        for i, (name, res) in enumerate(named):
            if name in lacking:
                continue
            first, last = short_ends(res)
            vals = values(res, com)
            banded = i == 0 or i not in diffs or ref_name in lacking
            draw_band(ax, mid_dates(res), vals, st.scenario_color(i), name,
                      lw=1.6 if i == 0 else 1.3, ls=st.scenario_linestyle(i),
                      band=banded, partial=last, partial_first=first)
            if metric == "price_index" and com in res.scenario.commodities:
                whole = whole_periods(vals.shape[1], first, last)
                top = float(np.nanmax(np.nanmean(vals, axis=0), initial=-np.inf))
                if banded and res.n > 1 and whole.stop > whole.start:
                    top = max(top, float(np.nanmax(np.nanquantile(vals[:, whole], 0.95,
                                                                  axis=0))))
                peak = kpi_mean(res, "price_peak_ratio", com)
                if peak_above(peak, top):
                    # at the cap in some replication the mean is a lower bound, as the
                    # tables write it (review 191)
                    above.append((name, peak, com in cap_runs(res)))
        missing = ("\nnot in " + ", ".join(short_name(n, 20, 1) for n in lacking)
                   if lacking else "")
        if above:
            # the daily peak of the report's tables, where no line reaches it
            peaks = ", ".join(f"{short_name(n, 20, 1)} {'≥ ' if capped else ''}{p:.3g}"
                              for n, p, capped in above)
            ax.set_title(f"{com}: lines are means over each period;\ndaily peak {peaks}"
                         f"{missing}")
        else:
            ax.set_title(f"{com}{missing}")
        if metric == "performance":
            ax.set_ylabel(Q_AXIS)
            ax.axhline(1.0, color="black", lw=0.7)
        elif metric == "price_index":
            ax.set_ylabel(PRICE_AXIS)
            ax.axhline(1.0, color="black", lw=0.7)
            # as the run's prices figure: where a scenario's index reached its cap, the
            # peak is the cap, so the cap is drawn
            for cap in sorted({c for _n, res in named if com in res.scenario.commodities
                               and (c := reached_cap(res, com)) is not None}):
                cap_line(ax, cap, band=True)
                caps.add(cap)
            for floor in sorted({f for _n, res in named if com in res.scenario.commodities
                                 and (f := reached_floor(res, com)) is not None}):
                floor_line(ax, floor, band=True)
                floors.add(floor)
        else:
            st.tonnes_axis(ax, f"{com} {flow_name(metric)} ({FLOW_UNIT})")
        st.date_axis(ax, span)
        if not diffs:
            continue
        ax.set_xlabel("")
        low = axes[1, j]
        base = values(ref, com)
        compared = [i for i in diffs if named[i][0] not in lacking]
        for i in compared if ref_name not in lacking else []:
            res = named[i][1]
            m = min(ref.n, res.n)
            first, last = short_ends(ref)
            draw_band(low, mid_dates(ref), values(res, com)[:m] - base[:m], st.scenario_color(i),
                      lw=1.3, ls=st.scenario_linestyle(i), partial=last, partial_first=first)
        if ref_name in lacking or not compared:
            # no zero line: it would read as no difference
            gone = ([ref_name] if ref_name in lacking
                    else [named[i][0] for i in diffs])
            size = float(mpl.rcParams["font.size"])
            width_pt = 0.9 * low.get_position().width * fig.get_figwidth() * 72
            low.text(0.5, 0.5, st.fit_lines("not in " + ", ".join(short_name(n, 20, 1)
                                                                  for n in gone),
                                            width_pt, size),
                     transform=low.transAxes, ha="center", va="center", color=st.NEUTRAL,
                     fontsize=size)
            low.set_yticks([])  # not empty_figure: its x ticks are the column's (sharex)
        else:
            low.axhline(0.0, color="black", lw=0.7)
        low.set_ylabel(f"difference from\n{short_name(ref_name, 20, 1)} ({unit})")
        if metric not in ("price_index", "performance"):
            low.yaxis.set_major_formatter(st.TonnesFormatter())
        st.date_axis(low, span)
    handles: list[Line2D | Patch] = [
        Line2D([], [], color=st.scenario_color(i), lw=2, ls=st.scenario_linestyle(i),
               label=short_name(n, 40, 1) + (" (reference)" if i == 0 and diffs else ""))
        for i, (n, _r) in enumerate(named)]
    # each band is in its line's colour (the differences' in their scenario's): a grey key
    # alone read as the baseline's band only (review 191)
    handles.append(Patch(color=st.NEUTRAL, alpha=st.BAND_ALPHA * 1.5,
                         label="5-95% of replications, in its line's colour"))
    if caps:
        handles.append(Line2D([], [], **LIMIT_BAND,
                              label="price cap (" + ", ".join(f"{c:g}" for c in sorted(caps))
                              + "): the daily index reached it"))
    if floors:
        handles.append(Line2D([], [], **LIMIT_BAND,
                              label="price floor (" + ", ".join(f"{f:.3g}" for f in
                                                                sorted(floors))
                              + "): the index sat there a whole period"))
    note = _compare_partial_handle(named)
    if note is not None:
        handles.append(note)
    figure_legend(fig, handles, 5)
    if not diffs:
        fig.suptitle(f"{title} by scenario (mean and 5-95% of replications)")
        return fig
    fig.align_ylabels(axes[:, 0])
    ref_short = short_name(ref_name, 30, 1)
    paired = ("paired by replication (common random numbers)"
              if all(named[i][1].seed == ref.seed for i in diffs)
              else "paired by replication number (different seeds)")
    how = (f"{title} by scenario: mean of replications, with the 5-95% band of {ref_short}\n"
           f"below: difference from {ref_short}, {paired}: mean and 5-95%")
    other = [n for i, (n, _r) in enumerate(named) if i and i not in diffs]
    if other:
        how += ("\nno difference for " + ", ".join(short_name(n, 30, 1) for n in other)
                + ", measured over other periods (dates or series periods): its 5-95% band"
                " is drawn above")
    fig.suptitle(how)
    return fig


def compare_figure_plan(named: NamedResults, kpis: Sequence[tuple[str, str, str, str]] = ()
                        ) -> list[tuple[str, Callable[[], tuple[str, Figure]]]]:
    """Every figure of a comparison as (file stem, function drawing it: (caption,
    figure)), none drawn yet (see :func:`sim.output.figures.run_figure_plan`); ``kpis``:
    the KPIs its ``--metric`` named, which the forest plot draws too
    (:func:`forest_figure`)."""
    ref = named[0][0]
    # the series figures draw the differences only of runs over the reference's periods
    below = (f", and each scenario's difference from {ref} (over the same periods)"
             if any(_same_periods(named[0][1], res) for _n, res in named[1:]) else "")
    named_too = " and the KPIs named with --metric" if kpis else ""
    out: list[tuple[str, Callable[[], tuple[str, Figure]]]] = [
        ("forest", lambda: (f"Differences from {ref} in headline KPIs{named_too} with 95% "
                            "confidence intervals.", forest_figure(named, kpis=kpis))),
        ("compare-prices", lambda: (f"Price index by scenario{below}.",
                                    compare_series_figure(named, "price_index"))),
        ("compare-exports", lambda: (f"Exports from {named[0][1].scenario.exporting_country} "
                                     f"by scenario (t/day){below}.",
                                     compare_series_figure(named, "exported_t")))]
    if any(demanded_series(res) for _n, res in named):
        out.insert(1, ("compare-performance", lambda: (
            f"Performance Q(t) = consumption / demand by scenario{below}.",
            compare_series_figure(named, "performance"))))
    return out


def compare_figures(named: NamedResults, kpis: Sequence[tuple[str, str, str, str]] = ()
                    ) -> list[tuple[str, str, Figure]]:
    """Every figure of a comparison as (file stem, caption, figure); ``kpis``: the KPIs
    its ``--metric`` named, which the forest plot draws too (:func:`forest_figure`)."""
    return list(drawn(compare_figure_plan(named, kpis)))


def write_compare_figures(named_results: NamedResults, folder_path: str | Path,
                          kpis: Sequence[tuple[str, str, str, str]] = ()) -> list[Path]:
    """Write the comparison figures (forest plot of paired differences, with the KPIs
    ``kpis`` a comparison's --metric named too, price, performance and export series by
    scenario) as PNG and SVG into ``folder_path/figures/``, each drawn as it is saved
    (counted by a :class:`~sim.output.figures.FigureCount` in effect)."""
    return write_figures(drawn(compare_figure_plan(named_results, kpis)), Path(folder_path))
