"""One self-contained HTML report of a results folder (``sim report DIR``).

The report holds the figures (PNG embedded as base64), KPI tables with confidence
intervals, the scenario's assumptions and sources, and the timeline of shocks and
policies. It loads nothing from the network: no scripts, fonts or style sheets from
elsewhere. All text from the scenario is escaped.

Two kinds of folder are understood:

* a run folder (``manifest.json`` from ``sim run``);
* a comparison folder: a folder whose sub-folders are run folders (the first scenario is
  the reference; see :func:`compare_members`), optionally with ``compare.csv``.

A folder that ``sim run`` left unfinished (no ``manifest.json``) is refused with the command
that finishes it. A comparison of runs over different periods says so before any
difference, and does not list the differences of runs over another period than the
reference's among those whose interval excludes zero.
"""

from __future__ import annotations

import base64
import datetime as dt
import errno
import html
import json
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.experiment.stats import cap_runs
from sim.metrics.kpis import PRICE_PEAK
from sim.output.folder import (
    FolderError,
    atomic_write_text,
    force_hint,
    load_results,
    no_replications_error,
    not_a_folder,
    resume_refusal,
    with_out,
)
from sim.output.tables import (
    CONTROL_HHI_NOTE,
    CONTROL_LEAD,
    CONTROL_TOTALS,
    MONEY_KPIS,
    NEW,
    NOT_APPLICABLE,
    POLICY_TOTALS,
    REFINED_NOTE,
    SHOCK_SITES,
    SITE_LIMIT,
    SITE_ORDER,
    both_at_cap,
    cap_bounds,
    cap_count,
    cap_note,
    capped_prices,
    capped_runs,
    change_text,
    channel_label,
    clip_intervals,
    control_cells,
    control_rows,
    deal_note,
    difference_cells,
    fixed_price_note,
    fixed_prices,
    format_number,
    has_refined,
    kpi_title,
    measured_kpis,
    money_note,
    more_note,
    open_lanes,
    price_caps,
    price_extremes,
    repeats_note,
    rising_share_note,
    share_points,
    site_differences,
    targeted_channels,
    unpriced,
    unpriced_note,
    valued_kpis,
)
from sim.scenario.fingerprint import scenario_sha256
from sim.scenario.prices import price_modelled
from sim.shell import join, quote
from sim.words import and_list

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.experiment.results import Results

HEADLINE = ["mined_t", "exported_t", "delivered_t", "consumed_t", "shortfall_t",
            "peak_shortfall_share", "shortfall_days", "time_to_recover_days",
            "recovered_by_end", "time_to_shortfall_days", "disrupted_days",
            "mean_lead_time_days",
            "price_peak_ratio",
            "days_price_above_baseline", "control_hhi", "refining_hhi", "stock_end_t",
            "in_transit_end_t",
            "curtailed_t", "stranded_end_t", "seized_t", "taxed_t", "diverted_t",
            "export_value_usd", "royalty_usd", "armed_group_rent_usd"]
"""KPIs (totals per commodity) in the headline table, in this order."""

CHANNEL_METRICS = ["mined_t", "exported_t", "delivered_t", "delivered_share",
                   "mean_lead_time_days"]
SITE_METRICS = ["throughput_t", "throughput_trucks", "peak_held_t", "peak_held_trucks",
                "mean_wait_days", "wait_p50_days", "wait_p95_days", "mean_dwell_days",
                "utilisation", "high_load_days", "refined_t",
                "refined_share", "consumed_t", "shortfall_t", "closed_days", "reduced_days",
                "released_t",
                "bought_back_t", "state_time_share", "armed_group_rent_usd"]
SITE_DEFINED = ("throughput_t", "throughput_trucks", "peak_held_t", "peak_held_trucks",
                "mean_wait_days", "wait_p50_days", "wait_p95_days", "mean_dwell_days",
                "utilisation", "high_load_days", "closed_days",
                "reduced_days", "armed_group_rent_usd")
"""The site KPIs whose definition the report gives under the table by site (where a wait
or a dwell runs, what counts as busy), from :func:`sim.metrics.kpis.kpi_definitions`."""

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 margin:0 auto;max-width:1180px;padding:0 1.2em 3em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;
 margin-top:2em}h3{margin-top:1.5em}
nav a{margin-right:1em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}
th,td{border-bottom:1px solid #e3e3e3;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums;
 white-space:nowrap}
figure{margin:1.2em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#444}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.85em}
.meta td:first-child{color:#555}.muted{color:#666;font-size:.9em}
details{margin:.6em 0}summary{cursor:pointer;font-weight:600}
dl.definitions dt{font-weight:600;margin-top:.4em}dl.definitions dd{margin-left:1.2em}
.warn{border-left:4px solid #c0392b;background:#fdf1ef;padding:.6em .9em}
"""


# ============================================================================= building
def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _num(x: Any) -> str:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return _e(x)
    return format_number(value)


def table(frame: pd.DataFrame, numeric: Iterable[str] = (), cls: str = "kpi",
          max_rows: int | None = None, aligned: Iterable[str] = ()) -> str:
    """An HTML table of ``frame`` (every cell escaped; ``numeric`` columns formatted and
    right-aligned; ``aligned`` columns, already written as text, right-aligned as they
    are: re-read as numbers they would lose a difference's "+")."""
    numeric = set(numeric)
    aligned = set(aligned)
    shown = frame if max_rows is None else frame.head(max_rows)
    head = "".join(f"<th>{_e(c)}</th>" for c in shown.columns)
    rows = []
    for rec in shown.itertuples(index=False):
        cells = []
        for col, value in zip(shown.columns, rec, strict=True):
            if col in numeric and col in ("n", "pairs", "diff_n", "times", "replications") \
                    and not _isnan(value):
                cells.append(f'<td class="num">{int(value):d}</td>')
            elif col in numeric:
                cells.append(f'<td class="num">{_num(value)}</td>')
            elif col in aligned:
                cells.append(f'<td class="num">{_e("" if _isnan(value) else value)}</td>')
            else:
                cells.append(f"<td>{_e('' if _isnan(value) else value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if max_rows is not None and len(frame) > max_rows:
        more = f'<p class="muted">{len(frame) - max_rows} more rows not shown.</p>'
    return (f'<table class="{_e(cls)}"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>" + more)


def _isnan(value: Any) -> bool:
    return isinstance(value, float) and np.isnan(value)


def figure_html(fig: Figure, caption: str, stem: str) -> str:
    """A figure as an embedded PNG with a caption."""
    # imported here: style imports matplotlib, which sim compare --no-figures, reading
    # the scenarios' notes from this module, must not need (review 202)
    from sim.output import style as st

    data = base64.b64encode(st.figure_bytes(fig, "png", dpi=110)).decode("ascii")
    return (f'<figure id="fig-{_e(stem)}"><img alt="{_e(caption)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{_e(caption)}</figcaption>'
            "</figure>")


def _page(title: str, nav: Sequence[tuple[str, str]], body: str) -> str:
    links = "".join(f'<a href="#{_e(a)}">{_e(t)}</a>' for a, t in nav)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{_e(title)}</h1><nav>{links}</nav>{body}"
            f'<p class="muted">Report written by drc-minerals-sim on {stamp}.</p>'
            "</body></html>\n")


# =============================================================================== tables
def _ci_frame(summary: pd.DataFrame, columns: list[str],
              caps: dict[str, float] | None = None) -> pd.DataFrame:
    """The KPIs' means and intervals, each interval clipped to the range the KPI can take
    (a Student-t interval of a share near 1, or of a few tonnes at small n, runs past it);
    summary.csv keeps the intervals as computed."""
    out = clip_intervals(summary, caps)[columns + ["mean", "ci_low", "ci_high", "n", "unit"]]
    return out.rename(columns={"ci_low": "95% CI low", "ci_high": "95% CI high"})


def every_kpi_frame(summary: pd.DataFrame, scenario: Any,
                    counts: Mapping[str, tuple[float, int, int]] | None = None
                    ) -> pd.DataFrame:
    """Every KPI of a run's ``summary`` with its interval, clipped as :func:`_ci_frame`
    does and a price peak's to ``scenario``'s price cap (a peak at the cap in some
    replications has a Student-t interval past it). The price peaks of the commodities
    of ``counts`` (:func:`sim.experiment.stats.cap_runs`: at the cap in some replication)
    get no interval: their mean is a lower bound, as the headline table and its note
    say."""
    out = _ci_frame(summary, ["commodity", "channel", "site", "metric"],
                    price_caps(scenario))
    if counts:
        at = (out["metric"] == PRICE_PEAK) & out["commodity"].isin(list(counts))
        out.loc[at.to_numpy(), ["95% CI low", "95% CI high"]] = np.nan
    return out


CLIPPED_NOTE = ("<p>Intervals are clipped to the range a KPI can take (at least 0; shares "
                "at most 1; HHIs at most 10,000): at small n a Student-t interval can run "
                "past it. summary.csv keeps them as computed.</p>")


NUMERIC = ("mean", "95% CI low", "95% CI high", "n", "pairs", "sd", "difference",
           "reference mean")


def headline_frame(summary: pd.DataFrame, caps: dict[str, float] | None = None,
                   unpriced: Sequence[str] = (),
                   counts: dict[str, tuple[float, int, int]] | None = None) -> pd.DataFrame:
    """Totals per commodity of the headline KPIs, with confidence intervals (a price
    peak's clipped to its cap). With ``caps`` (each commodity's ``price_cap_ratio``), a
    price peak at the cap is named ``price_peak_ratio (at the cap)``, without an interval;
    with ``counts`` (:func:`sim.experiment.stats.cap_runs`) a peak at the cap in some
    replications only is too, ``(at the cap in 3 of 4)``; the price peaks of the
    ``unpriced`` commodities (:func:`sim.output.tables.unpriced`) are left out."""
    s = summary[(summary["channel"] == "all") & (summary["site"] == "all")
                & summary["metric"].isin(HEADLINE)
                & ~((summary["metric"] == "price_peak_ratio")
                    & summary["commodity"].isin(list(unpriced)))].copy()
    order = {m: i for i, m in enumerate(HEADLINE)}
    s["_o"] = s["metric"].map(order)
    s = s.sort_values(["commodity", "_o"], kind="stable")
    capped = set(counts) if counts is not None else set(capped_prices(summary, caps or {}))
    at = [m == "price_peak_ratio" and c in capped
          for m, c in zip(s["metric"], s["commodity"], strict=True)]
    s["metric"] = [f"{m} (at the cap{cap_count(counts, c)})" if a else m
                   for m, c, a in zip(s["metric"], s["commodity"], at, strict=True)]
    out = _ci_frame(s, ["commodity", "metric"], caps)
    # the cap holds the mean down: a bound, as sim run and sim compare show it
    out.loc[np.array(at, dtype=bool), ["95% CI low", "95% CI high"]] = np.nan
    return out


def _paragraph(note: str, cls: str = "") -> str:
    """A terminal ``note: ...`` line (:mod:`sim.output.tables`) as an HTML paragraph, so
    the report says what the terminal says ("" for no note)."""
    text = note.removeprefix("note: ")
    if not text:
        return ""
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{_e(_capitalised(text))}.</p>"


def _capitalised(text: str) -> str:
    """``text`` with its first letter upper-case, unless its first word is a name to keep
    as it is (a KPI such as export_value_usd; review 182: "Export_value_usd")."""
    first = text.split(" ", 1)[0]
    return text if "_" in first else text[:1].upper() + text[1:]


def _unpriced_note(commodities: Sequence[str]) -> str:
    """A paragraph saying whose price peak the headline table leaves out ("" if none)."""
    return _paragraph(unpriced_note(commodities))


def money_paragraph(summary: pd.DataFrame, res: Results, where: str = "") -> str:
    """A warning that the money KPIs of ``summary`` (of results ``res``) are valued at a
    price index at its cap, far above 1 or at its floor
    (:func:`sim.output.tables.price_extremes`), in scenario ``where`` if given ("" if no
    price went so far)."""
    high = price_extremes(summary, res)
    return _paragraph(money_note(high, f" in {where}" if where else "",
                                 valued_kpis(summary, high)), "warn")


def fixed_price_paragraph(named: Sequence[tuple[str, Results]]) -> str:
    """The note that the money KPIs of a commodity whose price is not modelled are at its
    reference price in every year (:func:`sim.output.tables.fixed_price_note`), once where
    every scenario of ``named`` (label, results) has the same, else per scenario; "" if
    none has any. Review 208: the terminal and compare.md said it, the reports did not,
    beside gold's 2024-27 rent at the 2024 price."""
    fixed = [(name, fixed_prices(res.summary(), res)) for name, res in named]
    if len(named) > 1 and all(f == fixed[0][1] for _n, f in fixed):
        notes = [fixed_price_note(fixed[0][1], " in every scenario")]
    else:
        notes = [fixed_price_note(f, f" in {name}" if len(named) > 1 else "")
                 for name, f in fixed]
    return "".join(_paragraph(n) for n in notes if n)


def deal_paragraph(res: Results, where: str = "") -> str:
    """A warning naming the offtake deals of ``res`` that failed and in how many
    replications (:func:`sim.output.tables.deal_note`; "" if none did)."""
    return _paragraph(deal_note(res, f" in {where}" if where else ""), "warn")


DEAL_LIST_NOTE = ("A change through a deal's channel depends on whether the deal closed: "
                  "where it failed in some replications, the change varies with that and "
                  "its interval can include zero; where it failed in all, nothing goes "
                  "through the deal here, and the change is what went through it in the "
                  "reference, if anything, lost. Either way it can be missing from the "
                  "list above (compare.csv has every KPI by channel)")
"""What a failed deal means for the key list, said beside it (review 203: the partnership's
US-partnered exports were left off the list, and why was said only far below it)."""


DEAL_LIST_END = ("Either way it can be missing from the list above (compare.csv has every "
                 "KPI by channel)")
"""The last words of :data:`DEAL_LIST_NOTE`, which point at the key list."""

DEAL_NO_LIST_END = ("The table below gives the totals' differences as measured "
                    "(compare.csv has every KPI by channel)")
"""What :func:`deal_list_paragraph` says instead of :data:`DEAL_LIST_END` where no list of
differences is shown."""


def deal_list_paragraph(res: Results, where: str = "", listed: bool = True,
                        csv: bool = True) -> str:
    """:func:`deal_paragraph` with :data:`DEAL_LIST_NOTE`, for beside the key list ("" if
    no deal failed). Without ``listed`` (no list of differences is shown: none excludes
    zero, or no scenario is ranked) the note does not point at "the list above" (review
    223: it did under "Key KPIs: not ranked"); without ``csv`` (a folder of runs, which
    has no compare.csv) it points at the runs' summary.csv instead (review 225)."""
    note = deal_note(res, f" in {where}" if where else "")
    if not note:
        return ""
    text = DEAL_LIST_NOTE if listed else DEAL_LIST_NOTE.replace(DEAL_LIST_END,
                                                                DEAL_NO_LIST_END)
    if not csv:
        text = text.replace("(compare.csv has every KPI by channel)",
                            "(each run's summary.csv has every KPI by channel)")
    return _paragraph(f"{note}. {text}", "warn")


def _cap_paragraph(capped: dict[str, float], where: str = "",
                   counts: dict[str, tuple[float, int, int]] | None = None,
                   side: str = "") -> str:
    """A paragraph naming the price peaks at the cap ("" if none), in scenario ``where``
    if given, with in how many replications (``counts``, :func:`cap_runs`) and what a
    difference from them is (``side``, :func:`sim.output.tables.cap_note`)."""
    return _paragraph(cap_note(capped, f" in {where}" if where else "", counts, side),
                      "warn")


def channel_frame(summary: pd.DataFrame, keep: Iterable[tuple[str, str]] = ()
                  ) -> pd.DataFrame:
    """The KPIs by channel, the channel ``refined`` spelt out
    (:data:`sim.output.tables.REFINED_LABEL`); a KPI at 0 is left out (but
    delivered_share) unless its (commodity, channel) is in ``keep``: the channels a deal or
    diversion moves output into (:func:`sim.output.tables.targeted_channels`), which
    vanished without a word when a deal failed in every replication."""
    s = summary[(summary["channel"] != "all") & (summary["site"] == "all")
                & summary["metric"].isin(CHANNEL_METRICS)]
    kept = set(keep)
    targeted = np.array([(c, ch) in kept for c, ch in zip(s["commodity"], s["channel"],
                                                           strict=True)], dtype=bool)
    s = s[~(s["mean"].isna() | ((s["mean"] == 0) & (s["metric"] != "delivered_share")
                                & ~targeted))]
    s = s.assign(channel=s["channel"].map(channel_label))
    return _ci_frame(s, ["commodity", "channel", "metric"])


def refining_frame(summary: pd.DataFrame) -> pd.DataFrame:
    """Each country's share of the metal the network's refiners refined (refined_share),
    per commodity, with its interval; countries that refined nothing left out."""
    s = summary[(summary["metric"] == "refined_share") & (summary["channel"] == "all")
                & summary["site"].astype(str).str.startswith("country:")]
    s = s[s["mean"].notna() & (s["mean"] != 0)]
    s = s.assign(country=s["site"].astype(str).str.removeprefix("country:"))
    return _ci_frame(s, ["commodity", "country", "metric"])


REFINING_LEAD = ("<p>refined_share: a country's share of the metal the network's refiners "
                 "refined in the period, i.e. who refines what leaves the mines unrefined "
                 "(metal that leaves a mine already refined, such as cathode, has no refiner "
                 "and is not in it).</p>")


def _not_applicable(frame: pd.DataFrame) -> pd.DataFrame:
    """A headline frame to show: the mean of a KPI no replication had a value of reads
    n/a, as the terminal's headline table says it (not "-", which reads as missing)."""
    out = frame.copy()
    none = (out["n"] == 0) & out["mean"].isna()
    if bool(none.any()):
        out["mean"] = out["mean"].astype(object)
        out.loc[none, "mean"] = NOT_APPLICABLE
    return out


def _note_paragraph(note: str) -> str:
    """A terminal note (:mod:`sim.output.tables`) as a paragraph, its KPI ids kept as
    written."""
    return f"<p>{_e(note.removeprefix('note: '))}.</p>"


def _unrecovered(frame: pd.DataFrame) -> str:
    """``; such runs: <commodities>`` naming the commodities of ``frame`` whose
    recovered_by_end mean is below 1 ("" if none or not shown): runs still short at the
    end, whose last episode is cut there, not always the one measured."""
    rec = frame[frame["metric"] == "recovered_by_end"]
    low = []
    for com, mean in zip(rec["commodity"], rec["mean"], strict=True):
        try:
            value = float(mean)
        except (TypeError, ValueError):
            continue
        if value < 1:
            low.append(str(com))
    return f"; such runs: {', '.join(low)}" if low else ""


def headline_notes(frame: pd.DataFrame, replications: int, scenario: str | None = None
                   ) -> str:
    """Paragraphs on the headline KPIs that a mean misreads, each only when its KPI is in
    ``frame`` (:func:`headline_frame`): over which runs time_to_recover_days is a mean (per
    commodity, ``n`` of ``replications``), that time_to_shortfall_days's mean is a lower
    bound, and what control_hhi leaves out. With ``scenario`` (a comparison's headline
    table of several), the first is said of it and the control_hhi note is left to the
    section on who controls supply."""
    metrics = set(frame["metric"])
    parts = []
    times = []
    if "time_to_recover_days" in metrics:
        rec = frame[frame["metric"] == "time_to_recover_days"]
        counts = "; ".join(f"{c}: {int(n)} of {replications}" if n
                           else f"{c}: none, so {NOT_APPLICABLE}"
                           for c, n in zip(rec["commodity"], rec["n"], strict=True))
        # censored episodes: only where some run had one (without, there is no value)
        # recovered_by_end below 1 does not make the worst episode censored: under
        # monthly quota releases it ends with the next release, and later dips follow
        # which episode was measured, and whether it touched an edge, is not recorded:
        # the proxies are named as such (review 135: a complete episode was flagged, a
        # cut one in the warm-up was not)
        censored = ("; an episode counts only to the period's edge where it was under way "
                    "on the start date (a run short from its first day: "
                    "time_to_shortfall_days 0) or still under way at the end (a run short "
                    "at the end: recovered_by_end 0" + _unrecovered(frame) + "), so the "
                    "value may then be a lower bound"
                    if any(n for n in rec["n"]) else "")
        times.append("time_to_recover_days is the mean over the runs in which supply fell "
                     f"below 95% of demand ({counts}) of one episode's length, the one "
                     "holding the run's worst day: where shortfalls come and go (monthly "
                     "quota releases, say) disrupted_days gives the span from the first "
                     f"short day to the last{censored}")
    if "time_to_shortfall_days" in metrics:
        times.append("time_to_shortfall_days counts runs never short at the period's length, "
                     "so its mean is a lower bound")
    if times:
        where = f"{scenario}: " if scenario is not None else ""
        parts.append(f"<p>{_e(where + '; '.join(times))}.</p>")
    if "control_hhi" in metrics and scenario is None:
        parts.append(_note_paragraph(CONTROL_HHI_NOTE))
    return "".join(parts)


CONTROL_DEFINED = ("delivered_share", "exported_t", "refined_share")
"""The KPIs :data:`sim.output.tables.CONTROL_LEAD` defines above the control table."""


def _control_section(named: Sequence[tuple[str, Results]], unranked: Sequence[str] = (),
                     defined: set[str] | None = None, frame: pd.DataFrame | None = None
                     ) -> str:
    """The comparison report's table of who controls supply (``frame``, else
    :func:`control_frame`), with what it shows; the scenarios in ``unranked`` measure
    another period than the reference, which the section says as the differences above
    do (their exported_t differences are mostly the length of the period). ``defined``:
    the KPIs the page has defined above; the table's others are defined in short
    (:func:`more_terms`), and join it."""
    frame = control_frame(named) if frame is None else frame
    if frame.empty:
        return ""
    periods = ""
    other = [n for n in unranked if n in set(frame["scenario"])]
    if other:
        periods = (f'<p class="warn">{_e(", ".join(other))}: '
                   f"{'measures' if len(other) == 1 else 'measure'} another period than the "
                   "reference (see the warning above), so the exported_t differences below "
                   f"are {_period_words(named, other)}, as well as the effect of what the "
                   "scenarios change; the shares are of what each period delivered or "
                   "refined. The table gives the differences as measured.</p>")
    from sim.experiment.compare import compare_table

    compared = compare_table([res for _n, res in named], [name for name, _res in named])
    # over another period, tonnes differ with the period's length (review 164)
    fell = [rising_share_note(compared, name) for name, _res in named[1:]
            if name not in unranked]
    terms = ""
    if defined is not None:
        defined.update(CONTROL_DEFINED)
        terms = more_terms(frame, defined)
    return ("<h3>Who controls supply: by channel and refiners' country</h3>"
            f"<p>{_e(CONTROL_LEAD)}. It shows metal changing hands between channels or "
            "refiners' countries, which the totals above do not.</p>" + periods
            + "".join(_note_paragraph(n) for n in fell if n)
            + table(frame, cls="kpi control",
                    aligned=("reference mean", "mean", "difference", "95% CI"))
            + terms + channel_note(frame, "channel/country")
            + _note_paragraph(CONTROL_HHI_NOTE))


QUEUE_ROWS = ("mean_wait_days", "wait_p50_days", "wait_p95_days", "high_load_days",
              "utilisation", "peak_held_trucks")
"""The KPIs of each queue (a border post, a port with a throughput, a lane with a loading
capacity) the comparison report sets side by side, in this order."""


def queue_frame(named: Sequence[tuple[str, Results]]) -> pd.DataFrame:
    """Every queue's :data:`QUEUE_ROWS` in each scenario against the first, as text cells
    (scenario, place, KPI, reference mean, mean, difference, 95% CI, unit): the queues
    busy some of the time in some scenario. Review 161: they reached the key list only
    where one stood out far enough, and there among tonnes ranked by size."""
    from sim.experiment.compare import compare_table

    labels = [name for name, _res in named]
    table_ = compare_table([res for _n, res in named], labels)
    t = table_[(table_["channel"] == "all") & table_["metric"].isin(QUEUE_ROWS)]
    # a queue idle in every scenario (a lane no route uses) says nothing
    busy = t[(t["metric"] == "utilisation") & (t["mean"] > 0)]
    places = [p for p in dict.fromkeys(t[t["metric"] == "utilisation"]["site"])
              if p in set(busy["site"])]
    ref = t[t["scenario"] == labels[0]].set_index(["site", "metric"])["mean"]
    in_reference = set(t[(t["scenario"] == labels[0]) & (t["metric"] == "utilisation")
                         & t["mean"].notna()]["site"])
    rank = {m: i for i, m in enumerate(QUEUE_ROWS)}
    rows = []
    for label in labels[1:]:
        own = t[(t["scenario"] == label) & t["site"].isin(places)]
        own = own.assign(_place=own["site"].map({p: i for i, p in enumerate(places)}),
                         _rank=own["metric"].map(rank)).sort_values(["_place", "_rank"])
        own = own.assign(reference_mean=[ref.get(k, math.nan) for k in
                                         zip(own["site"], own["metric"], strict=True)])
        # a queue the reference lacks (a port only the scenario has) has no difference: a
        # row of 0 "(all equal)" beside rows of "-" read as measured (review 165)
        absent = ~own["site"].isin(in_reference)
        own.loc[absent, ["reference_mean", "diff", "diff_ci_low", "diff_ci_high"]] = math.nan
        rows += [(label, r.site, r.metric, *difference_cells(r), r.unit)
                 for r in own.itertuples(index=False)]
    return pd.DataFrame(rows, columns=["scenario", "place", "KPI", "reference mean", "mean",
                                       "difference", "95% CI", "unit"])


def _queue_section(named: Sequence[tuple[str, Results]], unranked: Sequence[str] = (),
                   defined: set[str] | None = None, frame: pd.DataFrame | None = None
                   ) -> str:
    """The comparison report's table of queues (``frame``, else :func:`queue_frame`), ""
    if none; its KPIs not in ``defined`` defined in short (:func:`more_terms`)."""
    frame = queue_frame(named) if frame is None else frame
    if frame.empty:
        return ""
    other = [n for n in unranked if n in set(frame["scenario"])]
    periods = (f'<p class="warn">{_e(", ".join(other))}: another period than the '
               "reference's (see the warning above): the differences in high_load_days "
               f"and the worst queue are {_period_words(named, other)} too.</p>"
               if other else "")
    return ("<h3>Queues: border posts, ports and lanes with a capacity</h3>"
            "<p>Each queue's waits (mean, median and 95th percentile of each lot's wait in "
            "line), its days busy at least 90% of the day, its share of time busy and, at a "
            "border post, its worst queue in trucks. Fewer busy days can come with a longer "
            "worst queue (a closure leaves the clearance idle while the line grows): read them "
            "together.</p>" + periods
            + table(frame, cls="kpi queues",
                    aligned=("reference mean", "mean", "difference", "95% CI"))
            + (more_terms(frame.rename(columns={"KPI": "metric"}), defined)
               if defined is not None else ""))


def channel_note(frame: pd.DataFrame, column: str = "channel") -> str:
    """What the channel ``refined`` is, when ``frame`` has a row of it ("" if not)."""
    return _note_paragraph(REFINED_NOTE) if has_refined(frame, column) else ""


def control_frame(named: Sequence[tuple[str, Results]]) -> pd.DataFrame:
    """Who controls supply in each scenario against the first: delivered_share and
    exported_t by channel and refined_share by country, with the paired differences of
    sim compare (:func:`sim.output.tables.control_rows`), as text cells."""
    from sim.experiment.compare import common_replications, compare_table

    labels = [name for name, _res in named]
    results = [res for _n, res in named]
    table = compare_table(results, labels)
    arms = dict(zip(labels, results, strict=True))
    common = common_replications(results)
    cols = ["scenario", "commodity", "metric", "channel/country", "reference mean", "mean",
            "difference", "95% CI", "unit"]
    rows = []
    for label in labels[1:]:
        rows += [(label, *control_cells(r))
                 for r in control_rows(table, labels[0], label, arms,
                                       common).itertuples(index=False)]
    return pd.DataFrame(rows, columns=cols)


QUIET_ZEROS = ("armed_group_rent_usd", "closed_days", "reduced_days")
"""Site metrics whose rows of 0 the table by site leaves out (a shock that took no rent of
a commodity, a site or lane never closed or throttled), as its definitions say."""


def site_frame(summary: pd.DataFrame) -> pd.DataFrame:
    """The KPIs by site and lane; a commodity that never passed a site (no throughput_t)
    has no rows of it there, its backlog (peak_held_t) included."""
    s = summary[(summary["site"] != "all") & summary["metric"].isin(SITE_METRICS)]
    s = s[~s["mean"].isna()]
    # a shock's rent of a commodity it never taxed, and the closed days of what never
    # closed, were two rows in five of the table (review 121)
    s = s[~(s["metric"].isin(QUIET_ZEROS) & (s["mean"] == 0))]
    idle = s[(s["metric"] == "throughput_t") & (s["mean"] == 0)]
    unused = set(zip(idle["site"], idle["commodity"], strict=True))
    drop = [m in ("throughput_t", "peak_held_t") and (site, com) in unused
            for m, site, com in zip(s["metric"], s["site"], s["commodity"], strict=True)]
    s = s[~np.array(drop, dtype=bool)]
    return _ci_frame(s, ["site", "commodity", "metric"])


def metric_definitions(frame: pd.DataFrame) -> str:
    """What each KPI of ``frame`` (a table with a ``metric`` column) measures, as
    :mod:`sim.metrics.kpis` defines them, folded ("" if none): a reader who is not a
    modeller met delivered_t or stranded_end_t with no word of what it counts (review
    182)."""
    from sim.metrics.kpis import kpi_definitions

    words = kpi_definitions()
    # "price_peak_ratio (b at the cap)": the KPI is the name before the words about it
    # (review 188)
    shown = [m for m in dict.fromkeys(
        str(m).split(" (", 1)[0] for m in frame.get("metric", pd.Series(dtype=str)))
        if m in words]
    if not shown:
        return ""
    # KPIs defined together (consumed_t and shortfall_t) are named together: the words
    # begin with the first one's (review 191)
    texts = dict.fromkeys(words[m] for m in shown)
    items = "".join(
        f"<dt>{_e(', '.join(k for k, v in words.items() if v == text))}</dt>"
        f"<dd>{_e(text)}</dd>" for text in texts)
    return (f'<details><summary>What these KPIs measure</summary>'
            f'<dl class="muted definitions">{items}</dl></details>')


PLACE_WORDS = ((("route:",), "route:<id> is a route (what it delivered, and its lead times)"),
               (SHOCK_SITES, "event:<id>, regime:<id> and incident:<id> are the shocks that "
                             "took the armed groups' rent"),
               (("country:",), "country:<ISO3> is a refining country"))
"""What the site names that are no places mean, by their prefixes."""

SHORT_ASIDE = 70
"""An aside (in brackets) at least this long is left out of a KPI's short definition,
unless it begins with "or" (:func:`short_definition`)."""


def short_definition(text: str) -> str:
    """The first clause of a KPI's definition (:func:`sim.metrics.kpis.kpi_definitions`):
    up to the first colon, semicolon or full stop outside brackets, without the asides in
    brackets of :data:`SHORT_ASIDE` characters or more (mined_t's runs to 200). An aside
    that begins with "or" names what else the KPI covers and is kept however long: without
    "(or a lane's loader, ...)" utilisation read as a border post's only, beside a rail
    lane's row (review 223)."""
    out, aside, depth = [], [], 0
    for i, ch in enumerate(text):
        if depth == 0 and ch in ":;." and text[i + 1:i + 2] in (" ", ""):
            break
        if ch == "(":
            depth += 1
        if depth:
            aside.append(ch)
        else:
            out.append(ch)
        if ch == ")" and depth:
            depth -= 1
            if not depth:
                if len(aside) < SHORT_ASIDE or "".join(aside[:4]) == "(or ":
                    out += aside
                aside = []
    # an aside never closed is left out; a space before the aside left out stays behind
    return re.sub(r"\s+([,)])", r"\1", " ".join("".join(out).split()))


def terms_used(items: str) -> str:
    """The KPIs and kinds of site name that the key list's ``items`` (HTML) use, each with
    its short definition (:func:`short_definition`, from the definitions the KPI tables'
    notes quote), as a paragraph and a list; "" if none. Review 203: state_time_share and
    the "HHI" of control_hhi were defined nowhere in the report, and peak_held_t some 750
    lines below the list."""
    from sim.metrics.kpis import kpi_definitions

    words = kpi_definitions()
    text = html.unescape(re.sub(r"<[^>]+>", " ", items))
    found = {m: hit.start() for m in words
             if (hit := re.search(rf"(?<![\w:]){re.escape(m)}(?!\w)", text))}
    used = sorted(found, key=found.__getitem__)
    if not used:
        return ""
    places = [w for prefixes, w in PLACE_WORDS
              if any(re.search(rf"(?<![\w:]){re.escape(p)}", text) for p in prefixes)]
    said = f"<p class=\"muted\">{_e('; '.join(places))}.</p>" if places else ""
    return ('<p class="muted">Terms used in the list above, in short (tonnes are of '
            "contained metal):</p>"
            f'<dl class="muted definitions">{_short_items(used)}</dl>{said}')


def _short_items(used: Sequence[str]) -> str:
    """The ``<dt>``/``<dd>`` items of the KPIs ``used`` (in this order), each with its short
    definition (:func:`short_definition`); KPIs defined together (consumed_t and
    shortfall_t) are named together, as in the tables' notes: the words begin with the
    first one's."""
    from sim.metrics.kpis import kpi_definitions

    words = kpi_definitions()
    texts = dict.fromkeys(words[m] for m in used if m in words)
    rows = []
    for full in texts:
        names = [k for k, v in words.items() if v == full]
        short = short_definition(full)
        if any(n.endswith("_hhi") for n in names):
            short = short.replace("Herfindahl-Hirschman index",
                                  "Herfindahl-Hirschman index (HHI)", 1)
        rows.append(f"<dt>{_e(', '.join(names))}</dt><dd>{_e(short)}</dd>")
    return "".join(rows)


def site_definitions(frame: pd.DataFrame, quiet: bool = True,
                     already: Collection[str] = ()) -> str:
    """What the queue and handling KPIs of ``frame`` (:func:`site_frame`) measure, as
    :mod:`sim.metrics.kpis` defines them ("" if none is shown): a wait is in a line only,
    a port's dwell includes its handling, and a throttled server busy all the time is
    fully utilised, which the numbers alone do not tell. Then what the site names that are
    no places mean, and, with ``quiet`` (the table by site, not compare.csv), that its rows
    of 0 of :data:`QUIET_ZEROS` are left out. The KPIs in ``already`` (defined higher on
    the page) are not defined again (review 223)."""
    from sim.metrics.kpis import kpi_definitions

    words = kpi_definitions()
    shown = [m for m in SITE_DEFINED if m in set(frame["metric"]) and m in words]
    if not shown:
        return ""
    items = "".join(f"<dt>{_e(m)}</dt><dd>{_e(words[m])}</dd>" for m in shown
                    if m not in already)
    # what the site names that are not places are, and what the table leaves out (review
    # 121: "armed_group_rent_usd at event:goma_falls" was explained nowhere a reader looks)
    sites = set(frame["site"].astype(str)) if "site" in frame else set()
    names = [words for prefixes, words in PLACE_WORDS
             if any(s.startswith(prefixes) for s in sites)]
    said = f"<p class=\"muted\">{_e('; '.join(names))}.</p>" if names else ""
    left = (f"<p class=\"muted\">Rows of 0 of {_e(', '.join(QUIET_ZEROS))} are left out of "
            "the table by site.</p>" if quiet else "")
    listed = f'<dl class="muted definitions">{items}</dl>' if items else ""
    return f"{listed}{said}{left}"


def citations_frame(manifest: dict[str, Any], res: Results | None = None) -> pd.DataFrame:
    """Every source, assumption and note of the scenario: where, what, and file:line."""
    cites = manifest.get("citations")
    if cites is None and res is not None:
        from sim.scenario.loader import meta_of

        try:
            cites = [c.as_dict() for c in meta_of(res.scenario).provenance.citations.values()]
        except Exception:  # noqa: BLE001 - a scenario built in code may carry none
            cites = []
    rows = []
    for c in cites or []:
        kinds = [(k, c[k]) for k in ("source", "assumption", "note") if c.get(k)]
        where = c.get("file") or ""
        if c.get("line"):
            where += f":{c['line']}"
        for kind, text in kinds or [("", "")]:
            rows.append({"value": c.get("path", ""), "kind": kind, "text": text,
                         "file": where})
    return pd.DataFrame(rows, columns=["value", "kind", "text", "file"])


def measured_events(tl: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``tl`` (:attr:`Results.timeline`) split into the events of the measured period (day
    0, the start date, on) and the rest: the warm-up's events and each regime's state at the
    start (a regime's first row, when on or before the start date, is the state it begins
    in, not a change). The first row of a regime that begins later (its ``start``) is kept,
    as action ``starts``: it is no change of state either, and counted as one it added every
    replication's start to the entries of its first state (review 129: "occupied" 65 times
    in 50 replications, 15 of them entered)."""
    first = (tl["kind"] == "regime") & ~tl.duplicated(["replication", "kind", "id"])
    measured = (tl["day"] >= 0) & ~(first & (tl["day"] <= 0))
    late = first & (tl["day"] > 0)
    if late.any():
        tl = tl.assign(action=np.where(late, "starts", tl["action"]))
    return tl[measured], tl[~measured]


_DAY = re.compile(r"\b(until|from|to) day (-?\d+(?:\.\d+)?)")


def dated_detail(detail: str, start: dt.date) -> str:
    """``detail`` with "until day N", "from day N" and "to day N" (days from the start
    date, as the timeline records them) given as calendar dates, as the table's other dates
    are. "to day N" is the exclusive end of a quota period (sim/shocks/engine.py), so it
    becomes the period's last day, day N - 1; "until day N" is when an event's effects are
    lifted, the event's exclusive ``end``, so it becomes "to" its last day in force,
    "inclusive", as ``sim show`` writes every end (review 129: "until 2025-07-10" beside
    show's "to 2025-07-09 inclusive" read as one day more)."""
    def date(m: re.Match[str]) -> str:
        word, day = m.group(1), float(m.group(2))
        if word == "until":
            return f"to {start + dt.timedelta(days=math.ceil(day) - 1)} inclusive"
        last = math.ceil(day) - 1 if word == "to" else math.floor(day)
        return f"{word} {start + dt.timedelta(days=last)}"

    return _DAY.sub(date, detail)


def timeline_frame(res: Results) -> pd.DataFrame:
    """What happened in the measured period (from the start date on; see
    :func:`measured_events`), summarised over replications: kind, id, action, in how many
    replications, how often, earliest and median date, and the detail.

    A regime's changes are counted per state entered, so the detail (the state and its
    effects) holds for every one; where a row's events differ in detail (an incident's
    number and length), it is the earliest one's, marked ``first:``."""
    tl, _rest = measured_events(res.timeline)
    cols = ["kind", "id", "action", "replications", "times", "first date", "median date",
            "detail"]
    if tl.empty:
        return pd.DataFrame(columns=cols)
    tl = tl.assign(_state=np.where(tl["kind"] == "regime", tl["detail"], ""))
    rows = []
    for (kind, ident, action, _state), g in tl.groupby(["kind", "id", "action", "_state"],
                                                       sort=False):
        g = g.sort_values("day", kind="stable")
        dates = g["date"].to_numpy(dtype="datetime64[D]")
        detail = dated_detail(str(g["detail"].iloc[0]), res.scenario.start)
        if g["detail"].nunique() > 1:
            detail = f"first: {detail}"
        rows.append({"kind": kind, "id": ident, "action": action,
                     "replications": f"{g['replication'].nunique()} of {res.n}",
                     "times": len(g), "first date": str(dates[0]),
                     "median date": str(dates[len(dates) // 2]), "detail": detail})
    return pd.DataFrame(rows, columns=cols).sort_values("first date", kind="stable")


def regimes_at_start(res: Results) -> pd.DataFrame:
    """Each regime's state on the start date (the last it entered on or before it), with
    the replications it held in; a regime that begins after the start date (its ``start``)
    is not running yet, and its row says when it begins and in which state."""
    tl = res.timeline
    before = tl[(tl["kind"] == "regime") & (tl["day"] <= 0)]
    last = before.groupby(["replication", "id"], sort=False).tail(1)
    rows = [{"regime": ident, "state on the start date": detail,
             "replications": f"{g['replication'].nunique()} of {res.n}"}
            for (ident, detail), g in last.groupby(["id", "detail"], sort=False)]
    sc = res.scenario
    for rid, reg in sc.shocks.regimes.items():
        if reg.start is None or sc.day_of(reg.start) <= 0:
            continue
        begins = sc.start + dt.timedelta(days=math.floor(sc.day_of(reg.start)))
        state = reg.initial if reg.initial is not None else next(iter(reg.states))
        rows.append({"regime": rid,
                     "state on the start date": f"not running yet: it begins on {begins} "
                                                f"in state {state}",
                     "replications": f"{res.n} of {res.n}"})
    return pd.DataFrame(rows, columns=["regime", "state on the start date", "replications"])


# ============================================================================== run report
def _period(sc: Any) -> str:
    return (f"{sc.start} to {sc.last_date} ({sc.horizon:g} days after a "
            f"{sc.warmup_days:g}-day warm-up)")


def _questions(named: Sequence[tuple[str, Results]]) -> str:
    """Each compared scenario's question and description, as the run report gives them
    (review 161: a combination's own limits, a flat 2025 price, were on no page of its
    comparison); "" where none has either."""
    items = []
    for label, res in named:
        sc = res.scenario
        said = " ".join(x for x in (sc.question.strip(), sc.description.strip()) if x)
        if said:
            items.append(f"<li><strong>{_e(label)}</strong>: {_e(said)}</li>")
    return f"<ul class=\"questions\">{''.join(items)}</ul>" if items else ""


def _run_meta(res: Results, manifest: dict[str, Any]) -> str:
    sc = res.scenario
    versions = manifest.get("versions", {})
    rows = [("scenario", f"{sc.name}: {sc.title}" if sc.title else sc.name),
            ("question", sc.question or ""),
            ("period", _period(sc)),
            ("series periods", res.catalogue.period_text),
            ("replications", f"{res.n} (seed {res.seed})"),
            ("scenario files", ", ".join(manifest.get("scenario_files", []) or [])),
            ("overrides", ", ".join(manifest.get("overrides", []) or []) or "none"),
            ("simulator", versions.get("drc-minerals-sim", "")),
            ("git commit", manifest.get("git_commit") or ""),
            ("finished", manifest.get("finished_at", "")),
            ("wall time", f"{manifest['wall_s']:.1f} s" if "wall_s" in manifest else "")]
    cells = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows if v)
    desc = f"<p>{_e(sc.description)}</p>" if sc.description else ""
    return f'<table class="meta">{cells}</table>{desc}'


def scenario_notes(res: Results, manifest: dict[str, Any] | None = None) -> list[str]:
    """The notes of the scenario ``res`` ran (see
    :attr:`~sim.scenario.loader.ScenarioMeta.notes`: what its overrides did that may not
    be what was meant, a short warm-up, a policy that cannot act in its network), each
    once, as ``sim run`` and ``sim compare`` printed them before running it.

    A scenario still holding where it came from gives its own; one read from a results
    folder, those its manifest.json saved. Folders written before manifests saved notes
    have them found again: from the
    scenario file and overrides its ``manifest`` (default: the one ``res`` was read
    with) records if they still give the scenario run (same fingerprint), else from the
    scenario itself, which finds every note on the scenario but not those on how its
    files and ``--set`` values combined (the files are gone or changed)."""
    import warnings

    from sim.scenario.loader import has_meta, load_scenario, meta_of, scenario_from_dict

    if has_meta(res.scenario):
        return list(dict.fromkeys(meta_of(res.scenario).notes))
    manifest = manifest if manifest is not None else res.info.get("manifest", {})
    saved = manifest.get("notes")
    if isinstance(saved, list) and all(isinstance(n, str) for n in saved):
        return list(dict.fromkeys(saved))
    files = manifest.get("scenario_files") or []
    overrides = manifest.get("overrides") or []
    with warnings.catch_warnings():
        # notes are returned here, not warned of; a scenario that no longer validates
        # (another version wrote it) has none to give
        warnings.simplefilter("ignore", UserWarning)
        try:
            first = str(files[0]) if files else ""
            if first and not first.startswith("<") and Path(first).is_file():
                sc = load_scenario(first, [str(o) for o in overrides])
                if scenario_sha256(sc) == scenario_sha256(res.scenario):
                    return list(dict.fromkeys(meta_of(sc).notes))
        except Exception:  # noqa: BLE001 - a file that no longer loads rebuilds nothing
            pass
        try:
            data = res.scenario.model_dump(mode="json", by_alias=True)
            again = scenario_from_dict(data, f"<scenario {res.scenario.name}>")
        except Exception:  # noqa: BLE001 - nothing to say of a scenario that fails now
            return []
    return list(dict.fromkeys(meta_of(again).notes))


def _notes_html(notes: Iterable[str]) -> str:
    """Notes as the terminal and compare.md give them, each a "Note:" paragraph."""
    return "".join(f'<p class="warn"><strong>Note:</strong> {_e(n)}</p>' for n in notes)


INCIDENT_NUMBERS = (
    " An incident's detail begins with its number in its replication (#1: the first "
    "incident of its kind there, counted from when such incidents can begin, the warm-up "
    "included, so a row whose first is #2 had one in the warm-up); an end row gives the "
    "number of the incident that ended. Incidents differ in number and length, so their "
    "rows show the earliest one's (\u201cfirst: #1: ...\u201d).")
"""What an incident's ``#n`` in the timeline table means (review 212: "first: #1" was
said nowhere)."""


def incident_numbers(tl: pd.DataFrame) -> str:
    """:data:`INCIDENT_NUMBERS` where the timeline table ``tl`` (:func:`timeline_frame`)
    has an incident's row, else ""."""
    return INCIDENT_NUMBERS if bool((tl.get("kind", pd.Series(dtype=str)) == "incident")
                                    .any()) else ""


def _timeline_section(res: Results, anchor: str = "timeline", name: str | None = None) -> str:
    """The timeline of one run; with ``name``, one scenario's part of a comparison's
    timelines: headed by the name, its subsections a level lower (a screen reader's list of
    headings nests them under their scenario) and its calendar's caption naming it."""
    from sim.output.shock_text import describe_shocks, timeline_caption, timeline_figure

    sc = res.scenario
    sub = "h3" if name is None else "h4"
    heading = ("<h2>Timeline of shocks and policies</h2>" if name is None
               else f"<h3>{_e(name)}</h3>")
    parts = [f'<section id="{_e(anchor)}">{heading}']
    words = describe_shocks(sc)
    if words:
        parts.append(f"<pre>{_e(words)}</pre>")
        from sim.output import style as st

        with st.style():
            fig = timeline_figure(sc)
        if fig is not None:
            whose = "" if name is None else f"{name}: "
            parts.append(figure_html(fig, timeline_caption(sc, whose), f"{anchor}-calendar"))
    else:
        parts.append("<p>This scenario has no shocks or policies.</p>")
    tl = timeline_frame(res)
    _measured, rest = measured_events(res.timeline)
    parts.append(f"<{sub}>What happened in the replications</{sub}>")
    # the KPIs measure from the start date: events of the warm-up are counted apart
    left_out = ""
    if not rest.empty:
        left_out = (f" Left out: {len(rest)} row(s) from before the start date or giving a "
                    "regime's starting state; timeline.csv in the results folder lists every "
                    "row.")
    parts.append(f"<p>Events from the start date ({_e(sc.start)}) on, when measurement "
                 f"begins, over {res.n} replication(s). A regime's changes are counted per "
                 "state entered; where a row's events differ in detail, the earliest one's "
                 f"is shown, marked \u201cfirst:\u201d.{_e(incident_numbers(tl))}"
                 f"{_e(left_out)}</p>")
    if tl.empty:
        parts.append('<p class="muted">No shock or policy event was recorded in the '
                     "measured period.</p>")
    else:
        parts.append(table(tl, numeric=("times",), cls="timeline", max_rows=300))
    start = regimes_at_start(res)
    if not start.empty:
        parts.append(f"<{sub}>Regime states on the start date</{sub}>")
        parts.append(table(start, cls="timeline-start"))
    parts.append("</section>")
    return "".join(parts)


def _assumptions_section(res: Results, manifest: dict[str, Any],
                         anchor: str = "assumptions") -> str:
    cites = citations_frame(manifest, res)
    n_src = int((cites["kind"] == "source").sum())
    n_ass = int((cites["kind"] == "assumption").sum())
    return (f'<section id="{_e(anchor)}"><h2>Assumptions and sources</h2>'
            f"<p>{n_src} values cite a source and {n_ass} are labelled as assumptions. "
            "Each row names the scenario value, the citation, and the file and line it "
            "comes from.</p>" + table(cites, cls="citations") + "</section>")


def means_paragraph(n: int, summary: pd.DataFrame) -> str:
    """What the KPI tables of a run of ``n`` replications give: means with Student-t
    intervals; with one replication its values and no interval; and, where some KPI has
    no value in some replications (a lead time where nothing was delivered), that its mean
    is over fewer (the tables' n)."""
    if n == 1:
        text = ("Values of the one replication: there is no confidence interval with one "
                "replication (the interval columns show -).")
    else:
        text = f"Means over {n} replications with 95% confidence intervals (Student t)."
        fewer = pd.to_numeric(summary.get("n", pd.Series(dtype=float)), errors="coerce") < n
        if bool(fewer.any()):
            text += (" Some KPIs have no value in some replications (such as a lead time "
                     "where nothing was delivered): their means and intervals are over "
                     "fewer runs, the n of their row.")
    return (f"<p>{_e(text)} Tonnes are tonnes of contained metal over the measured "
            "period.</p>")


def _base_metric(label: Any) -> str:
    """The KPI id of a table's metric cell: ``price_peak_ratio (at the cap)`` and
    ``state_time_share (of 2026-01-01 to 2027-12-31)`` name the KPI before the words."""
    return str(label).split(" (", 1)[0]


def defined_with(metrics: Iterable[str]) -> set[str]:
    """``metrics`` and the KPIs defined together with them (:func:`metric_definitions`
    names consumed_t with shortfall_t): what a table's definitions define."""
    from sim.metrics.kpis import kpi_definitions

    words = kpi_definitions()
    texts = {words[m] for m in metrics if m in words}
    return set(metrics) | {k for k, v in words.items() if v in texts}


def more_terms(frame: pd.DataFrame, defined: set[str],
               lead: str = "KPIs in this table not defined above, in short") -> str:
    """Short definitions (:func:`_short_items`, the words of
    :func:`sim.metrics.kpis.kpi_definitions`) of the KPIs in ``frame``'s ``metric`` column
    that are not in ``defined``, which gains them (and those defined together with them);
    "" if none. Review 212: delivered_share, state_time_share, refined_t and the balance
    KPIs of the full table were defined nowhere in the run report."""
    from sim.metrics.kpis import kpi_definitions

    words = kpi_definitions()
    used = [m for m in dict.fromkeys(_base_metric(m) for m in
                                     frame.get("metric", pd.Series(dtype=str)))
            if m in words and m not in defined]
    if not used:
        return ""
    texts = {words[m] for m in used}
    defined.update(k for k, v in words.items() if v in texts)
    return (f'<p class="muted">{_e(lead)}:</p>'
            f'<dl class="muted definitions">{_short_items(used)}</dl>')


def regime_periods(res: Results) -> dict[str, tuple[dt.date, dt.date]]:
    """The regimes of ``res``'s scenario that start running after its start date, each
    with the first and last dates of the time its ``state_time_share`` rows are shares
    of (as :func:`sim.experiment.compare.regimes_over_other_periods` dates them): not the
    whole period, which a reader took them for (review 212: "occupied 0.89" of a regime
    running from 2026, read as 89% of 2024-2027)."""
    from sim.experiment.compare import regime_from

    sc = res.scenario
    end = sc.last_date
    out = {}
    for rid in sc.shocks.regimes:
        first = regime_from(sc, rid)
        if first > sc.start:
            out[rid] = (first, end)
    return out


def dated_regime_rows(frame: pd.DataFrame, periods: Mapping[str, tuple[dt.date, dt.date]]
                      ) -> pd.DataFrame:
    """``frame`` (a table with ``site`` and ``metric`` columns) with the
    ``state_time_share`` rows of the regimes of ``periods`` (:func:`regime_periods`)
    labelled with the dates they are measured over: ``state_time_share (of 2026-01-01 to
    2027-12-31)``. The site ids stay as summary.csv has them."""
    if not periods or frame.empty or "site" not in frame:
        return frame
    out = frame.copy()
    labels = []
    for site, metric in zip(out["site"].astype(str), out["metric"], strict=True):
        rid = site.split(":", 1)[0]
        if metric == "state_time_share" and ":" in site and rid in periods:
            first, last = periods[rid]
            metric = f"state_time_share (of {first} to {last})"
        labels.append(metric)
    out["metric"] = labels
    return out


def regime_period_paragraph(res: Results, periods: Mapping[str, tuple[dt.date, dt.date]]
                            ) -> str:
    """What the dated ``state_time_share`` rows (:func:`dated_regime_rows`) mean, "" if no
    regime starts after the start date."""
    if not periods:
        return ""
    sc = res.scenario
    spans: dict[tuple[dt.date, dt.date], list[str]] = {}
    for rid, span in periods.items():
        spans.setdefault(span, []).append(rid)
    parts = []
    for (first, last), rids in spans.items():
        one = len(rids) == 1
        parts.append(f"{' and '.join(rids)} {'runs' if one else 'run'} from {first}, so "
                     f"{'its' if one else 'their'} state_time_share rows are shares of "
                     f"{first} to {last} ({(last - first).days + 1:,} days), not of the "
                     f"whole period from {sc.start}")
    others = [rid for rid in sc.shocks.regimes if rid not in periods]
    if others:
        parts.append(f"{' and '.join(others)}: of the whole period")
    return f"<p>{_e('; '.join(parts))}.</p>"


def _channel_words(sc: Any, channel: str) -> str | None:
    """A channel's name and description as the scenario gives them, None if neither."""
    spec = getattr(sc, "channels", {}).get(channel)
    if spec is None:
        return None
    said = [str(x).strip() for x in (spec.name, spec.description) if x and str(x).strip()]
    if not said or said == [channel]:
        return None
    return ": ".join(said)


SHOCK_KINDS = {"event:": "events", "regime:": "regimes", "incident:": "incidents"}
"""The site prefixes of the shocks that took rent, and where the scenario holds them."""


def _site_words(sc: Any, site: str) -> str | None:
    """What a site id of the tables is, by the names the scenario gives (None if it gives
    none): a site's name, a lane's (or its two ends and mode, :func:`place_name`), a
    shock's name, a regime state's regime and state names."""
    said = place_name(site, [sc])
    if said != site:
        # the id is the term this list explains: not repeated after its own words
        return said.removesuffix(f" ({site})").replace(f" lane {site})", " lane)")
    shocks = sc.shocks
    for prefix, kind in SHOCK_KINDS.items():
        if site.startswith(prefix):
            spec = getattr(shocks, kind).get(site.removeprefix(prefix))
            return str(spec.name) if spec is not None and spec.name else None
    rid, _sep, state = site.partition(":")
    regime = shocks.regimes.get(rid) if state else None
    if regime is not None and state in regime.states:
        named = regime.name or rid
        state_name = regime.states[state].name or state
        if (named, state_name) != (rid, state):
            return f"{named}, in state {state_name}"
    return None


def names_used(res: Results, frames: Iterable[pd.DataFrame]) -> str:
    """The channel and site ids that the tables ``frames`` show, each with the name (and a
    channel's description) the scenario gives it, "" if none has one. Review 212: the
    tables called sites and channels by id only (gold_asm_north_kivu, informal), the maps
    by name, and nothing linked the two. The tables keep the ids of summary.csv."""
    return _names_block([res.scenario], frames,
                        "The tables name channels and sites by the ids of summary.csv and "
                        "kpis.csv; the scenario names them so (the maps use these names).")


def compared_names_used(named: Sequence[tuple[str, Results]],
                        frames: Iterable[pd.DataFrame], csv: bool = True) -> str:
    """:func:`names_used` of a comparison: the ids of ``frames`` by the names the first
    scenario of ``named`` (the reference first) that names them gives them. Review 223:
    the comparison's Queues table gave kasumbalesa and kolwezi_rail_lobito by id, with no
    names anywhere on the page."""
    return _names_block([res.scenario for _n, res in named], frames,
                        "The tables name channels and sites by the ids of "
                        + ("compare.csv and " if csv else "")
                        + "the runs' summary.csv; the scenarios name them so (the maps use "
                        "these names).")


def _first_words(scenarios: Sequence[Any], words: Any, key: str) -> str | None:
    """The words ``words(sc, key)`` of the first of ``scenarios`` that has some."""
    for sc in scenarios:
        said = words(sc, key)
        if said is not None:
            return str(said)
    return None


def _names_block(scenarios: Sequence[Any], frames: Iterable[pd.DataFrame], lead: str) -> str:
    """The "Names used in the tables" block of :func:`names_used` over ``scenarios``."""
    channels: dict[str, None] = {}
    sites: dict[str, None] = {}
    for frame in frames:
        for value in frame.get("channel", pd.Series(dtype=str)):
            channels[str(value)] = None
        for value in frame.get("site", pd.Series(dtype=str)):
            sites[str(value)] = None
    chan = [(c, w) for c in channels
            if (w := _first_words(scenarios, _channel_words, c)) is not None]
    place = [(s, w) for s in sites
             if s != "all" and (w := _first_words(scenarios, _site_words, s)) is not None]
    if not chan and not place:
        return ""
    parts = ["<h3>Names used in the tables</h3>", f"<p>{_e(lead)}</p>"]
    if chan:
        items = "".join(f"<dt>{_e(c)}</dt><dd>{_e(w)}</dd>" for c, w in chan)
        parts.append(f'<dl class="definitions channels">{items}</dl>')
    if place:
        items = "".join(f"<dt>{_e(s)}</dt><dd>{_e(w)}</dd>" for s, w in place)
        parts.append(f"<details><summary>Sites, lanes and shocks ({len(place)})</summary>"
                     f'<dl class="definitions sites">{items}</dl></details>')
    return "".join(parts)


def usd_figure(x: Any) -> Any:
    """A sum of US dollars for a run report's table, to three significant figures, in
    millions or billions from a million (``604 m``, ``1.03 bn``, ``19.6 bn``): the
    replications do not support nine digits (review 212: "603,582,614" from five
    runs). NaN stays NaN (the table writes "-")."""
    try:
        value = float(x)
    except (TypeError, ValueError):
        return x
    if not math.isfinite(value) or value == 0:
        return value
    rounded = float(f"{value:.3g}")
    for scale, unit in ((1e9, " bn"), (1e6, " m"), (1.0, "")):
        if abs(rounded) >= scale:
            v = rounded / scale
            decimals = max(0, 2 - math.floor(math.log10(abs(v))))
            return f"{v:,.{decimals}f}{unit}"
    return f"{rounded:.3g}"


MONEY_DIGITS = "three significant figures"


def rounded_money(frame: pd.DataFrame,
                  columns: Sequence[str] = ("mean", "95% CI low", "95% CI high")
                  ) -> pd.DataFrame:
    """``frame`` with the ``columns`` (means and intervals) of its money KPIs
    (:data:`MONEY_KPIS`) written by :func:`usd_figure`; summary.csv, kpis.csv and
    compare.csv keep every digit."""
    if frame.empty or "metric" not in frame:
        return frame
    money = frame["metric"].map(_base_metric).isin(MONEY_KPIS).to_numpy()
    if not money.any():
        return frame
    out = frame.copy()
    for col in columns:
        if col in out:
            out[col] = out[col].astype(object)
            out.loc[money, col] = [usd_figure(v) for v in out.loc[money, col]]
    return out


def price_basis_paragraph(res: Results, manifest: Mapping[str, Any],
                          frames: Iterable[pd.DataFrame]) -> str:
    """Once, beside the money KPIs of the tables ``frames``: that they are rounded
    (:func:`rounded_money`), and what a dollar is (review 212: no price base): each tonne
    at the scenario's reference price, which file and line give it, times the price index
    on its day; nominal, not discounted. "" if the tables show no money KPI of a priced
    commodity. Gold's fixed price in every year is :func:`fixed_price_paragraph`'s."""
    prices = _reference_prices(res, manifest, _money_commodities(frames))
    if not prices:
        return ""
    return _price_basis_text("summary.csv and kpis.csv keep every digit", "the scenario's",
                             "; ".join(f"{c} {price}{f', {at}' if at else ''}"
                                       for c, price, at in prices))


def _money_commodities(frames: Iterable[pd.DataFrame]) -> list[str]:
    """The commodities of the money KPI rows (:data:`MONEY_KPIS`) of ``frames``."""
    shown: list[str] = []
    for frame in frames:
        if frame.empty or "commodity" not in frame or "metric" not in frame:
            continue
        money = frame["metric"].map(_base_metric).isin(MONEY_KPIS)
        shown += [str(c) for c in frame.loc[money, "commodity"]]
    return list(dict.fromkeys(shown))


def _reference_prices(res: Results, manifest: Mapping[str, Any],
                      commodities: Sequence[str]) -> list[tuple[str, str, str]]:
    """Each of ``commodities`` that ``res``'s scenario prices, with its reference price
    (``9,259 USD/t``) and the file and line that give it ("" if none is known)."""
    coms = res.scenario.commodities
    priced = [c for c in commodities
              if c in coms and coms[c].reference_price_usd_per_t is not None]
    if not priced:
        return []
    cites = citations_frame(dict(manifest), res)
    prices = []
    for c in priced:
        where = cites[cites["value"] == f"commodities.{c}.reference_price_usd_per_t"]["file"]
        price = coms[c].reference_price_usd_per_t
        prices.append((c, f"{float(price or 0.0):,.0f} USD/t",
                       str(where.iloc[0]) if len(where) and where.iloc[0] else ""))
    return prices


def _price_basis_text(keep: str, whose: str, prices: str) -> str:
    """The words of :func:`price_basis_paragraph`: ``keep`` says which files keep every
    digit, ``whose`` whose reference price (``scenario's``), ``prices`` the prices."""
    return ("<p>US dollar figures (export_value_usd, royalty_usd, armed_group_rent_usd) "
            f"are rounded to {MONEY_DIGITS}: {keep}. "
            f"Each values the tonnes at {whose} reference price "
            f"(reference_price_usd_per_t: {_e(prices)}; sources under "
            "Assumptions and sources) times the commodity's price index on the day the "
            "metal was exported or taxed (1 at the reference price), in nominal US "
            "dollars: not converted to another year's prices and not discounted.</p>")


def compared_price_basis_paragraph(named: Sequence[tuple[str, Results]],
                                   frames: Iterable[pd.DataFrame], csv: bool = True) -> str:
    """:func:`price_basis_paragraph` of a comparison, once for the page: the reference
    prices of every scenario of ``named``, each once where every scenario has it (``copper
    9,259 USD/t, scenarios/baseline.yaml:12``), else by scenario (``copper 9,259 USD/t in
    base and ban (...), 12,000 USD/t in high (...)``); "" if the
    tables ``frames`` show no money KPI of a priced commodity. Review 223: the comparison
    report wrote one sum as "+48.2 m", "48,217,850" and "1,545,293,286", with no price
    basis."""
    coms = _money_commodities(frames)
    # commodity -> price -> (scenarios, files)
    said: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
    for name, res in named:
        for com, price, at in _reference_prices(res, res.info.get("manifest", {}), coms):
            names, files = said.setdefault(com, {}).setdefault(price, ([], []))
            names.append(name)
            if at and at not in files:
                files.append(at)
    if not said:
        return ""
    every = [name for name, _res in named]
    parts = []
    for com, by_price in said.items():
        if len(by_price) == 1 and next(iter(by_price.values()))[0] == every:
            # one price in every scenario: as the run report gives it
            price, (_names, files) = next(iter(by_price.items()))
            parts.append(f"{com} {price}" + (f", {and_list(files)}" if files else ""))
            continue
        # a scenario without the commodity's price: its money KPIs of it are 0 (review 225)
        priced = {n for names, _files in by_price.values() for n in names}
        unpriced = [n for n in every if n not in priced]
        parts.append(f"{com} " + ", ".join(
            [f"{price} in {and_list(names)}" + (f" ({and_list(files)})" if files else "")
             for price, (names, files) in by_price.items()]
            + ([f"none in {and_list(unpriced)}, whose money KPIs of {com} are 0"]
               if unpriced else [])))
    # a folder of runs compared by sim report has no compare.csv (review 225)
    keep = ("compare.csv and the runs' summary.csv and kpis.csv keep every digit" if csv
            else "the runs' summary.csv and kpis.csv keep every digit")
    return _price_basis_text(keep, "each scenario's", "; ".join(parts))


def quiet_totals(head: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The headline frame without the rows of 0 of the totals the comparison report and
    the terminal show only where they are not 0 (:data:`POLICY_TOTALS`,
    :data:`CONTROL_TOTALS`: metal stranded, curtailed, seized, taxed and diverted,
    royalties and rent), and a paragraph naming what it left out ("" if nothing). Review
    212: some 80 rows, many of them 0."""
    quiet = head["metric"].isin((*POLICY_TOTALS, *CONTROL_TOTALS)).to_numpy() \
        & (pd.to_numeric(head["mean"], errors="coerce") == 0).to_numpy()
    if not quiet.any():
        return head, ""
    left: dict[tuple[str, ...], list[str]] = {}
    for com, g in head[quiet].groupby("commodity", sort=False):
        left.setdefault(tuple(g["metric"]), []).append(str(com))
    said = "; ".join(f"{' and '.join(coms)}: {', '.join(metrics)}"
                     for metrics, coms in left.items())
    return head[~quiet], (f'<p class="muted">Left out as 0 in every replication ({_e(said)}); '
                          "summary.csv has every row.</p>")


def _has_state_rows(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` has a ``state_time_share`` row (labelled or not)."""
    return bool(frame["metric"].map(_base_metric).eq("state_time_share").any()) \
        if not frame.empty else False


def idle_channels(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The table by channel (:func:`channel_frame`) without the channels that carried
    none of a commodity (their one row left, delivered_share 0), and a paragraph naming
    them ("" if none): a channel the scenario gives no share of the commodity."""
    only = frame.groupby(["commodity", "channel"], sort=False)["metric"].transform(
        lambda m: bool((m == "delivered_share").all()))
    idle = (only.astype(bool) & (pd.to_numeric(frame["mean"], errors="coerce") == 0)
            ).to_numpy()
    if not idle.any():
        return frame, ""
    gone = frame[idle].groupby("commodity", sort=False)["channel"].agg(list)
    said = "; ".join(f"{c}: {', '.join(map(str, ch))}" for c, ch in gone.items())
    return frame[~idle], (f'<p class="muted">Channels that carried none of a commodity are '
                          f"left out ({_e(said)}); summary.csv has their rows of 0.</p>")


def run_report_html(res: Results, manifest: dict[str, Any] | None = None) -> str:
    """The HTML report of one run."""
    from sim.output.figures import run_figures

    manifest = manifest if manifest is not None else res.info.get("manifest", {})
    sc = res.scenario
    summary = res.summary()
    figures = run_figures(res)
    counts = cap_runs(res)
    head = headline_frame(summary, price_caps(res.scenario), unpriced(sc, summary), counts)
    # review 212: rows of 0 that the comparison report and the terminal leave out
    full_head = head
    head, quiet = quiet_totals(head)
    channels, idle = idle_channels(channel_frame(summary, targeted_channels(sc)))
    refining = refining_frame(summary)
    periods = regime_periods(res)
    sites = dated_regime_rows(site_frame(summary), periods)
    every = dated_regime_rows(every_kpi_frame(summary, sc, counts), periods)
    # the KPIs a table's notes define in full or in short, so a later table defines the
    # rest only (review 212)
    defined = {_base_metric(m) for m in full_head["metric"]} | {"refined_share"}
    channel_terms = more_terms(channels, defined)
    # those site_definitions defines: the ones the table by site shows (review 218: the
    # closed_days it left out as 0 were defined nowhere, though "Every KPI" shows them)
    defined |= set(SITE_DEFINED) & set(sites.get("metric", pd.Series(dtype=str)))
    site_terms = more_terms(sites, defined)
    every_terms = more_terms(every, defined)
    # what sim run said of the scenario before running it (a policy that cannot act)
    body = [f'<section id="run"><h2>Run</h2>{_run_meta(res, manifest)}'
            f"{_notes_html(scenario_notes(res, manifest))}</section>",
            '<section id="kpis"><h2>Key results</h2>',
            means_paragraph(res.n, summary),
            CLIPPED_NOTE if res.n > 1 else "",
            names_used(res, [channels, sites, every]),
            "<h3>Headline KPIs by commodity</h3>",
            table(rounded_money(_not_applicable(head)), NUMERIC, cls="kpi headline"),
            quiet,
            # as the comparison's report (review 191); the rows left out as 0 too, which
            # the note above names
            metric_definitions(full_head),
            _cap_paragraph(capped_runs(res), counts=counts),
            price_basis_paragraph(res, manifest, [head, sites, every]),
            money_paragraph(summary, res),
            fixed_price_paragraph([("", res)]),
            _unpriced_note(unpriced(sc, summary)),
            headline_notes(head, res.n),
            "<h3>By channel</h3>", table(channels, NUMERIC, cls="kpi channel"),
            idle, channel_terms, channel_note(channels), deal_paragraph(res),
            "<h3>Refining by country</h3>", REFINING_LEAD,
            (table(refining, NUMERIC, cls="kpi refining") if not refining.empty else
             '<p class="muted">No metal was refined by the network\'s refiners in the '
             "period.</p>"),
            "<details><summary>By site and lane</summary>",
            table(rounded_money(sites), NUMERIC, cls="kpi site"),
            regime_period_paragraph(res, periods) if _has_state_rows(sites) else "",
            site_definitions(sites), site_terms, "</details>",
            "<details><summary>Every KPI</summary>",
            table(rounded_money(every), NUMERIC, cls="kpi all"),
            regime_period_paragraph(res, periods) if _has_state_rows(every) else "",
            every_terms,
            "</details></section>",
            '<section id="figures"><h2>Figures</h2>']
    body += [figure_html(fig, caption, stem) for stem, caption, fig in figures
             if stem != "timeline"]
    body.append("</section>")
    body.append(_timeline_section(res))
    body.append(_assumptions_section(res, manifest))
    nav = [("run", "Run"), ("kpis", "Key results"), ("figures", "Figures"),
           ("timeline", "Timeline"), ("assumptions", "Assumptions and sources")]
    return _page(f"{sc.title or sc.name}: simulation report", nav, "".join(body))


# ========================================================================= compare report
@dataclass
class Members:
    """The run folders of a comparison folder, the reference first, and why it is the
    reference."""

    runs: list[tuple[str, Path]]
    reason: str
    """Why ``runs[0]`` is the reference, as a clause ("it is named baseline")."""
    unfinished: list[Path] = field(default_factory=list)
    """Sub-folders ``sim run`` began but did not finish (no ``manifest.json``)."""


def compare_members(folder: Path) -> list[tuple[str, Path]]:
    """Run folders of a comparison folder, the reference first.

    The order is taken from ``comparison.json`` (written by ``sim compare``) or another
    JSON file listing ``scenarios`` (names, or mappings with ``label`` and the sub-folder
    of that name or a ``source`` results folder) if present; otherwise a sub-folder named
    ``baseline`` (or whose scenario is named so) comes first and the rest follow in name
    order. :func:`find_members` also says why and takes another reference if asked.
    """
    return find_members(folder).runs


def find_members(folder: Path, reference: str | None = None) -> Members:
    """:func:`compare_members` with the reason for the reference, the unfinished
    sub-folders, and ``reference`` (a label) moved first if given.

    Raises :class:`FolderError` if no run folder has the label ``reference``.
    """
    members = _members(folder)
    if reference is not None and members.runs:
        labels = [name for name, _path in members.runs]
        if reference not in labels:
            raise FolderError(f"{folder} has no run folder named {reference!r} to take as the "
                              "reference", hint="--reference takes one of: " + ", ".join(labels))
        at = labels.index(reference)
        members.runs.insert(0, members.runs.pop(at))
        members.reason = "it was chosen with --reference"
    return members


def _members(folder: Path) -> Members:
    subs = sorted(p for p in folder.iterdir() if p.is_dir())
    runs = [p for p in subs if (p / "manifest.json").exists()]
    unfinished = [p for p in subs if _is_unfinished(p)]
    # a comparison.json that cannot be read is damage (it is written whole, and last),
    # not the absence of one: the order of the folders' names would silently take another
    # reference, saying no comparison.json lists the runs
    read_comparison_json(folder)
    # comparison.json's own record first: it finds the compared folders from any working
    # folder (an older one's sources may be relative to another)
    from sim.output.folder import compared_members

    compared = compared_members(folder)
    if compared and len(compared) >= 2:
        return Members(compared, "it is listed first in comparison.json", unfinished)
    listed: list[tuple[str, Path]] = []
    for name in ("comparison.json", "compare.json", "manifest.json"):
        spec = folder / name
        if not spec.exists():
            continue
        try:
            data = json.loads(spec.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        entries = data.get("scenarios") if isinstance(data, dict) else None
        for entry in entries or []:
            if isinstance(entry, str):
                label_, sub = entry, entry
            elif isinstance(entry, dict):
                label_ = str(entry.get("name") or entry.get("label") or "")
                sub = str(entry.get("folder") or entry.get("path") or entry.get("out")
                          or label_)
            else:
                continue
            candidates = [folder / sub, Path(sub)]
            if isinstance(entry, dict) and entry.get("source"):
                candidates.append(Path(str(entry["source"])))
            for path in candidates:
                if (path / "manifest.json").exists() and (path / "replications").is_dir():
                    listed.append((label_ or path.name, path))
                    break
        if listed:
            return Members(listed, f"it is listed first in {name}", unfinished)

    def scenario_name(p: Path) -> str:
        try:
            return str(json.loads((p / "manifest.json").read_text(encoding="utf-8"))
                       .get("scenario_name", p.name))
        except (OSError, ValueError):
            return p.name

    members = [(p.name, p) for p in runs]
    # a folder named baseline first, then one whose scenario is (review 185: "base", of the
    # baseline scenario, took the place of the folder "baseline" by alphabetical order)
    members.sort(key=lambda m: (m[0] != "baseline", scenario_name(m[1]) != "baseline",
                                m[0]))
    if members and members[0][0] == "baseline":
        reason = "its folder is named baseline"
    elif members and scenario_name(members[0][1]) == "baseline":
        reason = "its scenario is named baseline"
    else:
        reason = ("no comparison.json lists the runs and none is named baseline, so the "
                  "first folder in alphabetical order is taken")
    return Members(members, reason, unfinished)


def read_comparison_json(folder: Path) -> dict[str, Any] | None:
    """``folder/comparison.json`` read back, or None if there is none.

    Raises :class:`FolderError` naming it if it is there but cannot be read, is not JSON
    (cut short, say) or lists no scenarios, with the hint of the comparison's command with
    ``--resume``, which writes it again (:func:`comparison_resume_hint`)."""
    path = folder / "comparison.json"
    if not (path.exists() or path.is_symlink()):
        return None
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        why = f"cannot be read ({exc.strerror or exc})"
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        why = f"is not valid JSON ({exc}); it may have been cut short"
    else:
        if isinstance(info, dict) and isinstance(info.get("scenarios"), list):
            return info
        why = ("lists no scenarios" if isinstance(info, dict)
               else f"holds a JSON {type(info).__name__}, not an object")
    raise FolderError(f"{path} {why}, so the comparison's scenarios and reference are not "
                      "known", hint=comparison_resume_hint(folder, "comparison.json"))


def comparison_resume_hint(folder: Path, damaged: str) -> str:
    """The hint for a comparison's folder whose file ``damaged`` (``compare.csv``,
    ``comparison.json``) is damaged: the comparison's command with ``--resume``, as its
    scenarios' run.json record it (:func:`finish_command`), which writes the comparison's
    files again from the scenarios' finished runs (none is run again)."""
    from sim.output.folder import comparison_arms

    arms = comparison_arms(folder)
    # comparison.json unread, or the folder copied: the scenarios' own run.json say so
    with_record = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and p not in arms):
        try:
            info = json.loads((sub / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(info, dict) and isinstance(info.get("comparison"), str):
            with_record.append(sub)
    command = next((c for c in map(finish_command, [*arms, *with_record]) if c), None)
    how = (f"rewrite it with: {command}" if command else
           "run the sim compare command that wrote it again with --resume")
    return (f"{how} (it writes {damaged} again from the scenarios' finished runs, running "
            "none of them again)")


def _compare_csv(folder: Path, info: dict[str, Any] | None) -> pd.DataFrame | None:
    """``folder/compare.csv``, checked against the size and SHA-256 its comparison.json
    (``info``) records, or None if there is none. Raises :class:`FolderError` naming it if
    it differs (cut short or changed: the report would show part of it as the whole) or
    is not a table pandas can read."""
    import hashlib
    import io

    path = folder / "compare.csv"
    if not (path.exists() or path.is_symlink()):
        return None
    files = info.get("files") if info is not None else None
    entry = files.get("compare.csv") if isinstance(files, dict) else None
    why = None
    try:
        data = path.read_bytes()
    except OSError as exc:
        data, why = b"", f"cannot be read ({exc.strerror or exc})"
    if why is None and isinstance(entry, dict):
        if "bytes" in entry and entry["bytes"] != len(data):
            why = (f"is {len(data):,} bytes, but comparison.json records {entry['bytes']:,} "
                   "(changed or cut short since sim compare wrote it)")
        elif "sha256" in entry and entry["sha256"] != hashlib.sha256(data).hexdigest():
            why = ("has changed since sim compare wrote it (its SHA-256 differs from the "
                   "one in comparison.json)")
    if why is None:
        try:
            return pd.read_csv(io.BytesIO(data))
        except (ValueError, UnicodeDecodeError) as exc:
            # pandas' ParserError and EmptyDataError are ValueErrors
            why = f"is not a table that can be read ({type(exc).__name__}: {exc})"
    raise FolderError(f"{path} {why}", hint=comparison_resume_hint(folder, "compare.csv"))


def _is_unfinished(folder: Path) -> bool:
    """Whether ``folder`` is a run ``sim run`` began (run.json or saved replications) and
    did not finish (no manifest.json)."""
    return (not (folder / "manifest.json").exists()
            and ((folder / "run.json").exists() or (folder / "replications").is_dir()))


def finish_command(folder: Path) -> str | None:
    """The ``sim run ... --resume`` command that finishes the unfinished run in ``folder``,
    from what its ``run.json`` records; None if that cannot be read.

    A run from Python (no command recorded) gets the command only if its scenario file
    and overrides, loaded now, give the scenario it ran (the fingerprint run.json
    records): a scenario built from a mapping, or changed in Python after loading, would
    make that command refuse the folder as another run's. It then gets the ``sim.run``
    call that finishes it instead, saying why. A Python precision run (run.json's
    ``precision``) gets its target either way (``--target-ci``, ``--metric`` and
    ``--max-replications``, or the ``sim.run`` keywords): without it the resume refused
    the replications its batches had added. One at a confidence other than 95% gets the
    ``sim.run`` call, as ``sim run`` has no option for it.

    A scenario's folder of a comparison (run.json's ``comparison``) gets what finishes the
    comparison instead (see :func:`_comparison_finish_command`): ``sim run`` refuses to
    resume one scenario of it."""
    try:
        info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        if isinstance(info.get("comparison"), str):
            # sim run refuses one scenario of a comparison: the comparison is finished
            return _comparison_finish_command(folder, info)
        if info.get("resume_command"):
            # as sim run wrote it: with its --target-ci, --metric and --no-figures, but
            # --out the folder given here (the run may have named it from elsewhere, or
            # the folder may have been copied or moved since)
            return join(with_out(info["resume_command"], folder))
        replications, seed = int(info["replications"]), int(info["seed"])
        files = [str(f) for f in info.get("scenario_files") or []]
        overrides = [str(o) for o in info.get("overrides") or []]
        target = _recorded_target(info.get("precision"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    why = _not_rebuilt(files, overrides, info.get("scenario_sha256"))
    if why is None and target is not None and target["confidence"] != 0.95:
        why = (f"its target's confidence is {target['confidence']:g}, which sim run has no "
               "option for")
    if why is not None:
        keywords = "".join(f", {k}={v!r}" for k, v in (target or {}).items())
        return (f"sim.run(<the same scenario>, replications={replications}, seed={seed}, "
                f"out={str(folder)!r}, resume=True{keywords}) (sim run cannot finish it: "
                f"{why})")
    words = ["sim", "run", files[0], "-n", str(replications), "--seed", str(seed),
             "--out", str(folder)]
    words += [w for o in overrides for w in ("--set", o)]
    return join([*words, *_target_words(target), "--resume"])


def _target_words(target: dict[str, Any] | None) -> list[str]:
    """The options of a recorded precision target (:func:`_recorded_target`) on the
    command line, [] for none; its confidence has no option (the Python call gets it)."""
    if target is None:
        return []
    return ["--target-ci", repr(target["target_ci"]),
            *[w for m in target["metrics"] for w in ("--metric", m)],
            "--max-replications", str(target["max_replications"])]


def _comparison_finish_command(folder: Path, info: dict[str, Any]) -> str:
    """What finishes the comparison whose scenario ``folder`` holds (run.json ``info``,
    see :func:`sim.experiment.compare.comparison_record`): ``sim compare`` on its items
    with ``-n``, ``--seed``, ``--set``, its precision target (``--target-ci``,
    ``--metric``, ``--max-replications``) and ``--resume``, ``--out`` the folder holding
    ``folder``, as the command printed when it was interrupted (the command itself where
    ``sim compare`` recorded it: ``resume_command``, with every option); or, when those files and
    overrides do not rebuild its scenarios (scenarios built or changed in Python, files
    moved or edited) or its target's confidence is not 95%, the ``sim.compare`` call with
    ``resume=True`` and the target's keywords, saying why. A comparison run before its
    items were recorded gets the command in outline. Raises ``ValueError``, ``TypeError``
    or ``KeyError`` for a record that cannot be read."""
    out = folder.parent if folder.name not in ("", ".", "..") else folder.resolve().parent
    items = info.get("compared")
    if items is None:
        return f"sim compare <its scenarios and options> --out {quote(str(out))} --resume"
    replications, seed = int(info["replications"]), int(info["seed"])
    overrides = [str(o) for o in info.get("compare_overrides") or []]
    target = _recorded_target(info.get("precision"))
    sources = [str(item["source"]) for item in items]
    why = None
    for item, source in zip(items, sources, strict=True):
        why = _item_not_rebuilt(source, item.get("scenario_sha256"), overrides)
        if why is not None:
            break
    if why is None and target is not None and target["confidence"] != 0.95:
        why = (f"its target's confidence is {target['confidence']:g}, which sim compare has "
               "no option for")
    if why is not None:
        # a file not found is no item to pass (review 194: the call failed with "no such
        # scenario file"), as sim.run's hint then gives <the same scenario>
        listed = ", ".join(s if s.startswith("<") else repr(s) if Path(s).exists()
                           else "<the same scenario>" for s in sources)
        keywords = f", overrides={overrides!r}" if overrides else ""
        keywords += f", out={str(out)!r}, resume=True"
        keywords += "".join(f", {k}={v!r}" for k, v in (target or {}).items())
        return (f"sim.compare([{listed}], replications={replications}, seed={seed}"
                f"{keywords}) (sim compare cannot finish it: {why})")
    if info.get("resume_command"):
        # as sim compare wrote it, with every option given (--workers, --no-figures), but
        # --out the folder holding ``folder`` now (as for a run's recorded command); only
        # once its files are known to rebuild the scenarios, as the command would refuse
        return join(with_out(info["resume_command"], out))
    words = ["sim", "compare", *sources, "--out", str(out), "-n", str(replications),
             "--seed", str(seed)]
    words += [w for o in overrides for w in ("--set", o)]
    return join([*words, *_target_words(target), "--resume"])


def _rebuilds(path: Path, overrides: Sequence[str], sha256: Any) -> bool:
    """Whether scenario file ``path`` with ``overrides`` gives, now, the scenario whose
    fingerprint is ``sha256`` (a file that no longer loads gives none)."""
    from sim.scenario.loader import load_scenario

    try:
        return scenario_sha256(load_scenario(path, overrides)) == sha256
    except Exception:  # noqa: BLE001 - a file that no longer loads rebuilds nothing
        return False


def _item_not_rebuilt(source: str, sha256: Any, overrides: Sequence[str]) -> str | None:
    """Why ``sim compare`` given ``source`` (an item of a comparison, as
    :func:`sim.experiment.compare.comparison_record` records it; ``sha256`` the scenario
    it ran, or None for a results folder compared) with ``--set`` ``overrides`` would not
    rebuild that item (None if it would)."""

    if source.startswith("<"):
        return f"{source} was given as a Python object, not a file or folder"
    path = Path(source)
    if sha256 is None:
        return None if path.is_dir() else f"the results folder {source} is not found from here"
    if not path.is_file():
        return f"the scenario file {source} is not found from here"
    if _rebuilds(path, overrides, sha256):
        return None
    return (f"the scenario it ran from {source} is not what that file gives now with the "
            "comparison's overrides, so it was changed in Python after loading or the file "
            "was edited since")


def _recorded_target(record: Any) -> dict[str, Any] | None:
    """The precision target run.json records for a Python run (see
    :func:`sim.experiment.runner.precision_record`) as ``sim.run`` keywords, or None for
    a run without one. Raises ``ValueError``/``TypeError``/``KeyError`` for a record that
    cannot be read (the hint is then left out, not given without its target)."""
    if record is None:
        return None
    metrics = record["metrics"]
    if not isinstance(metrics, list) or not metrics:
        raise ValueError("no metrics recorded")
    return {"target_ci": float(record["target_ci"]), "metrics": [str(m) for m in metrics],
            "max_replications": int(record["max_replications"]),
            "confidence": float(record.get("confidence", 0.95))}


def _not_rebuilt(files: Sequence[str], overrides: Sequence[str], sha256: Any) -> str | None:
    """Why ``sim run`` on the first of ``files`` with ``overrides`` would not rebuild the
    scenario whose fingerprint is ``sha256`` (None if it would): no file (built in
    Python), a file not found from here, or a file and overrides that give another
    scenario now (changed in Python after loading, or the file edited since)."""

    # scenario_from_dict and scenario_from_yaml record their name ("<dict>") as the file
    if not files or (files[0].startswith("<") and files[0].endswith(">")):
        return "the scenario was built in Python, not loaded from a file"
    path = Path(files[0])
    if not path.is_file():
        return (f"{files[0]} is not a scenario file found from here, so the scenario was "
                "built in Python or its file was moved")
    if _rebuilds(path, overrides, sha256):
        return None
    said = f"{files[0]}" + (f" with overrides {', '.join(overrides)}" if overrides else "")
    return (f"the scenario it ran is not what {said} gives now, so it was changed in "
            "Python after loading or the file was edited since")


def _finish_hint(folder: Path) -> str:
    why = resume_refusal(folder)
    command = finish_command(folder)
    if why is not None:
        return force_hint(folder, why, command)
    if command is None:
        return "run the sim run command that wrote it again with --resume"
    return f"finish it with: {command}"


def unfinished_run_error(folder: Path) -> FolderError:
    """The error for ``sim report`` on a run folder ``sim run`` did not finish."""
    saved = len(list((folder / "replications").glob("rep-*.npz")))
    return FolderError(
        f"{folder} is an unfinished run: it holds {saved} saved replication(s) but no "
        "manifest.json (sim run was interrupted or is still running), so there is nothing "
        "to report yet", hint=_finish_hint(folder) + "; then run sim report again")


def _period_words(named: Sequence[tuple[str, Results]], other: Sequence[str]) -> str:
    """What the differences of the runs ``other`` are besides the scenarios' effect, as
    their periods differ from the reference's (:func:`sim.experiment.compare.period_words`:
    the length, the dates, or the warm-ups)."""
    from sim.experiment.compare import period_kind, period_words

    by_name = dict(named)
    ref = getattr(named[0][1], "scenario", None)
    return period_words([period_kind(ref, by_name[n].scenario) if ref is not None else None
                         for n in other if n in by_name])


def _period_heading(named: Sequence[tuple[str, Results]], other: Sequence[str]) -> str:
    """"different periods", or, where every run in ``other`` measures the reference's
    period after another warm-up, "one period after different warm-ups" (review 176)."""
    from sim.experiment.compare import period_kind

    by_name = dict(named)
    kinds = {period_kind(named[0][1].scenario, by_name[n].scenario) for n in other
             if n in by_name}
    return ("one period after different warm-ups" if kinds == {"warm-up"}
            else "different periods")


def period_check(named: Sequence[tuple[str, Results]]) -> tuple[str | None, list[str]]:
    """Whether the runs measure different periods: the note of ``sim compare`` (None if
    they all measure one period), and the labels of the runs whose period differs from
    the reference's (their differences are partly the period's, so they are
    not ranked)."""
    # sim compare's own rule and wording, so the report and the comparison agree
    from sim.experiment.compare import Arm, period_notes

    arms = [Arm(name, name, res.scenario, res.seed, fixed=res) for name, res in named]
    notes = period_notes(arms)
    if not notes:
        return None, []
    return notes[0], [a.label for a in arms[1:] if period_notes([arms[0], a])]


def series_notes(named: Sequence[tuple[str, Results]]) -> list[str]:
    """sim compare's note when the runs' time series have different periods (weeks and
    calendar months): the comparison figures then draw no time-series difference for the
    runs whose periods differ from the reference's, which the report must say as the
    terminal, compare.md and comparison.json do."""
    from sim.experiment.compare import Arm, series_period_notes

    return series_period_notes([Arm(name, name, res.scenario, res.seed, fixed=res)
                                for name, res in named])


def pairing_notes(named: Sequence[tuple[str, Results]]) -> list[str]:
    """What sim compare notes of runs read from folders: different seeds (its own note,
    so the report and the comparison agree), differences the same in every pair by chance
    (:func:`sim.experiment.compare.alike_notes`), and, where the runs differ in their
    replication numbers, which numbers the differences pair."""
    from sim.experiment.compare import Arm, alike_notes, seed_notes

    arms = [Arm(name, name, res.scenario, res.seed, fixed=res) for name, res in named]
    # the seed sim compare on these folders would take: the first folder's
    notes = seed_notes(arms, named[0][1].seed)
    notes += alike_notes([res for _n, res in named], [name for name, _res in named])
    common = sorted(set.intersection(*(set(res.replications) for _n, res in named)))
    if any(set(res.replications) != set(common) for _n, res in named):
        counts = ", ".join(f"{name} {res.n}" for name, res in named)
        more = [name for name, res in named if set(res.replications) != set(common)]
        notes.append(
            f"the runs have different replications ({counts}): the differences pair "
            f"only the replication numbers every run has ({_numbers(common)}), so the "
            f"means of {', '.join(more)} in the differences table are over those "
            f"{len(common)} and can differ from {'its' if len(more) == 1 else 'their'} "
            "headline KPIs, which are over all of "
            f"{'its' if len(more) == 1 else 'their'} replications")
    return notes


def _numbers(reps: Sequence[int]) -> str:
    """Replication numbers in short: "0 to 4", or listed if not consecutive."""
    if not reps:
        return "none"
    if len(reps) > 2 and list(reps) == list(range(reps[0], reps[-1] + 1)):
        return f"{reps[0]} to {reps[-1]}"
    return ", ".join(str(r) for r in reps)


DIFFERENCE_NOTE = (
    "<p>Difference = scenario - reference: the mean over paired replications of the "
    "scenario's value minus the reference's, with a 95% Student-t interval (95% CI low, "
    "95% CI high); change = difference / reference mean; share diff&gt;0 = the share of paired "
    "replications in which the difference is positive (a tie, frequent under common random "
    "numbers, is not: 0% may be every pair equal); pairs = the pairs with a value in both "
    "runs. The interval says how precisely these runs pin down the mean difference: it is "
    "not the range of outcomes one run of the period could show, and it leaves out the "
    "uncertainty of "
    "the scenarios' assumed inputs (their variants in scenarios/README.md).</p>")
"""Which way the differences table's differences are taken, as the terminal says."""


def ran_labels(info: Mapping[str, Any] | None) -> set[str]:
    """The labels of the scenarios that the comparison of ``info`` (comparison.json, as
    :func:`read_comparison_json` reads it) ran from their files, rather than read from results
    folders: ``sim compare`` can run those again with other ``--set`` values."""
    entries = (info or {}).get("scenarios") or []
    return {str(e["label"]) for e in entries
            if isinstance(e, Mapping) and e.get("ran") is True and e.get("label")}


def extends_report_notes(named: Sequence[tuple[str, Results]],
                         ran: Collection[str] = ()) -> list[str]:
    """sim compare's notes that depend on this report's reference (which --reference may
    have changed): for each run whose scenario extends files the reference's does not (its
    differences hold those files' changes), from the files each run's manifest records,
    and for each regime measured from another date than in the reference (its
    state_time_share differences compare periods too; review 133: left out of the report,
    where six such differences excluded zero), and for each run that starts with other
    stocks than the reference (review 182: the export ban's 80,100 t buffer, which sim
    compare notes, was not in its report). Where every scenario is among ``ran``
    (:func:`ran_labels`), the note on stocks ends with the ``--set`` that starts them all
    with the same stocks, as sim compare's does (review 203)."""
    from sim.experiment.compare import (
        Arm,
        extends_notes,
        initial_stock_notes,
        regime_window_notes,
    )

    arms = [Arm(name, name, res.scenario, res.seed, fixed=res) for name, res in named]
    # a scenario the comparison ran from its file runs again with a --set; one read from a
    # results folder does not, and the note then gives no --set
    rerun = [Arm(a.label, a.source, a.scenario, a.seed, fixed=None if a.label in ran else
                 a.fixed) for a in arms]
    return extends_notes(arms) + initial_stock_notes(rerun) + regime_window_notes(arms)


def compared_scenario_notes(named: Sequence[tuple[str, Results]]) -> list[str]:
    """The notes of every run's scenario (:func:`scenario_notes`), each once however
    many runs share it, as sim compare gives them: a note that not every run holds begins
    with the names of those that do ("b2: --set ..."); a results folder compared has its
    own, in both."""
    from sim.experiment.compare import labelled_notes

    return labelled_notes([name for name, _res in named],
                          [scenario_notes(res) for _name, res in named])


def paired_cap_runs(named: Sequence[tuple[str, Any]]
                    ) -> dict[str, dict[str, tuple[float, int, int]]]:
    """:func:`sim.experiment.stats.cap_runs` of each scenario of ``named`` over the
    replications every one of them has: the pairs the differences stand on, as sim
    compare counts them (:func:`sim.output.compare_output.cap_counts`). A peak at the cap
    in an unpaired replication holds no difference's mean down."""
    from sim.experiment.compare import common_replications

    pairs = common_replications([res for _n, res in named]) if named else []
    return {name: cap_runs(res, pairs) for name, res in named}


def compare_report_html(named: Sequence[tuple[str, Results]],
                        extra: pd.DataFrame | None = None,
                        reference_note: str | None = None,
                        notes: Sequence[str] = (),
                        kpis: Sequence[tuple[str, str, str, str]] = (),
                        ran: Collection[str] = ()) -> str:
    """The HTML report of a comparison; ``named[0]`` is the reference. ``reference_note``
    says why it is (default: it was given first); ``notes`` are shown before the
    comparison. ``kpis`` (commodity, channel, site, metric) are the KPIs the comparison's
    ``--metric`` named (:func:`sim.output.tables.measured_kpis`): the differences, the
    key KPIs and the forest plot show them besides the headline ones. Among the key KPIs
    are also the site and lane rows whose difference excludes zero (at most
    :data:`sim.output.tables.SITE_LIMIT` per scenario, in the order
    :data:`sim.output.tables.SITE_ORDER` says). ``ran``: the labels of the scenarios the
    comparison ran from their files (:func:`ran_labels`)."""
    from sim.output.figures import (
        COMPARE_METRICS,
        compare_figures,
        flows_figure,
        paired_differences,
        queue_panels,
        queues_caption,
        queues_figure,
    )

    ref_name = named[0][0]
    # compare.csv's differences are from the reference of the sim compare that wrote it,
    # the first scenario of its table; --reference may have taken another
    csv_ref = (str(extra["scenario"].iloc[0])
               if extra is not None and not extra.empty and "scenario" in extra else None)
    period_note, unranked = period_check(named)
    side, no_price = [], {}
    # each scenario's own headline row counts all its replications, its differences only
    # the pairs
    counts = paired_cap_runs(named)
    capped = {name: {c: cap for c, (cap, _k, _n) in runs.items()}
              for name, runs in counts.items()}
    for name, res in named:
        summary = res.summary()
        no_price[name] = unpriced(res.scenario, summary)
        h = headline_frame(summary, price_caps(res.scenario), no_price[name], cap_runs(res))
        h.insert(0, "scenario", name)
        side.append(h)
    heads = pd.concat(side, ignore_index=True)
    # what policies stranded or curtailed, the metal seized, taxed and diverted, royalties
    # and rent, where some scenario has them: left out, an armed group's +USD 195 m read as
    # a scenario that changes almost nothing
    extras = (*POLICY_TOTALS, *CONTROL_TOTALS)
    totals = heads[(heads["metric"].isin(extras)) & (heads["mean"] != 0)
                   & heads["mean"].notna()]
    shown_metrics = (*COMPARE_METRICS, *[m for m in extras if m in set(totals["metric"])])
    diffs = _price_peak_differences(paired_differences(named, shown_metrics, kpis=kpis),
                                    ref_name, capped, no_price, counts)
    sites = _site_items(named, unranked, kpis)
    dtab = diffs.rename(columns={"diff": "difference", "ci_low": "95% CI low",
                                 "ci_high": "95% CI high",
                                 "reference_mean": "reference mean", "diff_n": "pairs"})
    # the interval of a difference stands on the pairs with a value in both scenarios
    dtab = _as_percent(dtab.rename(columns={"rel_change": "change",
                                            "share_positive": "share diff>0"}),
                       {"share diff>0": ".0%"})
    # a change from a reference of 0 reads "new" (if its interval excludes 0), as sim
    # compare writes it
    dtab["change"] = [change_text(rel, ref, d, lo, hi) for rel, ref, d, lo, hi in zip(
        diffs["rel_change"], diffs["reference_mean"], diffs["diff"], diffs["ci_low"],
        diffs["ci_high"], strict=True)]
    dtab["paired"] = ["yes" if p else "no" for p in dtab["paired"]]
    dtab = _cap_bound_cells(dtab, diffs, ref_name, capped)
    dtab = dtab[["scenario", "commodity", "metric", "reference mean", "mean", "difference",
                 "95% CI low", "95% CI high", "change", "share diff>0", "pairs", "paired",
                 "unit"]]
    # review 223: every table defines its KPIs once over the page, as the run report's do
    # (the differences table's in full), writes dollars as it does, and names its ids
    defined = defined_with({_base_metric(m) for m in dtab["metric"]})
    controls, queues = control_frame(named), queue_frame(named)
    control_html = _control_section(named, unranked, defined, controls)
    queue_html = _queue_section(named, unranked, defined, queues)
    head_terms = more_terms(heads, defined)
    key_words = _difference_words(diffs, unranked, compare_csv=extra is not None,
                                  csv_reference=csv_ref, sites=sites, named=bool(kpis),
                                  money=_money_priced(named), timing=_timings(named),
                                  price_timing=_timings(named, prices=True))
    has_csv = extra is not None and not extra.empty
    named_frames = [controls.assign(channel=controls["channel/country"])
                    if not controls.empty else controls,
                    queues.rename(columns={"place": "site"})]
    if has_csv:
        named_frames.append(extra)
    rows = "".join(
        f"<tr><td>{_e(n)}</td><td>{_e(r.scenario.name)}</td><td>{_e(r.scenario.title)}</td>"
        f"<td>{_e(_period(r.scenario))}</td><td>{_e(r.catalogue.period_text)}</td>"
        f'<td class="num">{r.n}</td><td class="num">{r.seed}</td>'
        f"<td>{_e(_overrides(r))}</td></tr>" for n, r in named)
    body = []
    if period_note:
        body.append(
            '<div class="warn" id="periods"><p><strong>These runs measure '
            f"{_period_heading(named, unranked)}, so their differences are not the effect of "
            "what the scenarios change alone."
            f"</strong> {_e(period_note[0].upper() + period_note[1:])}.</p><p>Not listed "
            "below among the differences whose interval excludes zero: "
            f"{_e(', '.join(unranked))}.</p></div>")
    body += [f'<p class="warn">{_e(note)}</p>' for note in notes]
    body += [f'<p class="warn">{_e(_capitalised(note))}.</p>'
             for note in [*series_notes(named), *pairing_notes(named)]]
    # what sim compare said of the scenarios it ran, as it wrote them in compare.md
    body.append(_notes_html(compared_scenario_notes(named)))
    # these begin with a scenario's label, which an upper-cased first letter would change
    body += [f'<p class="warn">{_e(note)}.</p>'
             for note in extends_report_notes(named, ran)]
    why = reference_note or "it was given first"
    body += ['<section id="run"><h2>Scenarios</h2>'
             f"<p>Each scenario is compared with <strong>{_e(ref_name)}</strong>, the "
             f"reference: {_e(why)}. Where two runs share seed and replication numbers, "
             "differences are paired replication by replication (common random "
             "numbers).</p>"
             "<table class=\"meta\"><thead><tr><th>label</th><th>scenario</th><th>title</th>"
             "<th>period</th><th>series periods</th><th>replications</th><th>seed</th>"
             "<th>overrides</th></tr>"
             "</thead>"
             f"<tbody>{rows}</tbody></table>{_questions(named)}</section>",
             '<section id="kpis"><h2>Differences from the reference</h2>',
             # review 203: this heading stood over the full table too, whose intervals
             # include zero, and over "not ranked" alone where no scenario was ranked
             "<h3>Key KPIs whose difference's 95% interval excludes zero</h3>"
             if any(name not in unranked for name, _res in named[1:])
             else "<h3>Key KPIs: not ranked</h3>",
             key_words,
             # review 203: read after the table, a failed deal did not explain the list
             *[deal_list_paragraph(res, name, listed="<ul>" in key_words, csv=has_csv)
               for name, res in named],
             compared_names_used(named, named_frames, has_csv),
             "<h3>Differences from the reference with 95% confidence intervals</h3>",
             DIFFERENCE_NOTE,
             table(rounded_money(dtab, MONEY_COLUMNS), NUMERIC, cls="kpi differences"),
             metric_definitions(dtab),
             *_price_notes(capped, no_price, counts),
             compared_price_basis_paragraph(named, [dtab, heads,
                                                    extra if has_csv else pd.DataFrame()],
                                            has_csv),
             *[money_paragraph(res.summary(), res, name) for name, res in named],
             fixed_price_paragraph(named),
             control_html,
             queue_html,
             "<details><summary>Headline KPIs of every scenario</summary>",
             table(rounded_money(_not_applicable(heads)), NUMERIC, cls="kpi headline"),
             head_terms,
             *_headline_cap_notes(named, counts), CLIPPED_NOTE,
             "".join(headline_notes(heads[heads["scenario"] == name], res.n, name)
                     for name, res in named), "</details>"]
    if extra is not None and not extra.empty:
        against = (f" (differences from {csv_ref}, the reference of the sim compare that "
                   f"wrote it, not from {ref_name})"
                   if csv_ref is not None and csv_ref != ref_name else "")
        # each scenario's interval clipped to what its KPI can take, as the tables above
        # (a queue of -1,818 trucks read as data); the differences' intervals are not
        shown = _as_percent(_clip_by_scenario(extra, named, counts)
                            if {"metric", "unit", "ci_low", "ci_high"} <= set(extra.columns)
                            else extra,
                            {"share_positive": ".0%"})
        if "rel_change" in shown:
            # as the differences table and sim compare write it (no decimals from 1,000%)
            shown["rel_change"] = [change_text(float(v), None, None) for v in
                                   shown["rel_change"]]
        numeric = [c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])]
        csv_terms = csv_sites = ""
        if "metric" in extra.columns:
            # site_definitions defines in full those the tables above did not
            csv_sites = site_definitions(extra, quiet=False, already=set(defined))
            defined |= set(SITE_DEFINED) & set(extra["metric"].astype(str))
            csv_terms = more_terms(extra, defined)
        body += [f"<details><summary>compare.csv{_e(against)}</summary>",
                 table(rounded_money(shown, CSV_MONEY_COLUMNS), numeric,
                       cls="kpi compare-csv", max_rows=500),
                 _compare_csv_caption(counts, money=bool(_money_commodities([extra]))),
                 csv_sites, csv_terms, "</details>"]
    body.append("</section>")
    body.append('<section id="figures"><h2>Figures</h2>')
    drawn = compare_figures(named, kpis) if kpis else compare_figures(named)
    body += [figure_html(fig, cap, stem) for stem, cap, fig in drawn]
    for i, (name, res) in enumerate(named):
        body.append(figure_html(flows_figure(res), f"{name}: flows by channel.",
                                f"flows-{i}"))
    for i, (name, res) in enumerate(named):
        # review 149: the queues of the sites and lanes a scenario names, as its own report
        # shows them
        if queue_panels(res):
            body.append(figure_html(queues_figure(res), f"{name}: {queues_caption(res)}",
                                    f"queues-{i}"))
    body.append("</section>")
    body.append('<section id="timeline"><h2>Timelines</h2>')
    for i, (name, res) in enumerate(named):
        body.append(_timeline_section(res, f"timeline-{i}", name))
    body.append("</section>")
    body.append('<section id="assumptions"><h2>Assumptions and sources</h2>')
    for i, (name, res) in enumerate(named):
        manifest = res.info.get("manifest", {})
        body.append(f"<details{' open' if i == 0 else ''}><summary>{_e(name)}</summary>")
        body.append(_assumptions_section(res, manifest, f"assumptions-{i}").replace(
            "<h2>Assumptions and sources</h2>", ""))
        body.append("</details>")
    body.append("</section>")
    nav = [("run", "Scenarios"), ("kpis", "Differences"), ("figures", "Figures"),
           ("timeline", "Timelines"), ("assumptions", "Assumptions and sources")]
    names = ", ".join(n for n, _r in named[1:])
    return _page(f"{names} compared with {ref_name}", nav, "".join(body))


MONEY_COLUMNS = ("reference mean", "mean", "difference", "95% CI low", "95% CI high")
"""The columns of the comparison report's differences table that :func:`rounded_money`
writes for money KPIs."""

CSV_MONEY_COLUMNS = ("mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high")
"""Those of its compare.csv section (compare.csv itself keeps every digit)."""


def _compare_csv_caption(counts: Mapping[str, Mapping[str, tuple[float, int, int]]],
                         money: bool = False) -> str:
    """The caption of the report's compare.csv section; what it says of price peaks only
    where some scenario's peak is at the cap in a paired replication (``counts``,
    :func:`paired_cap_runs`), so a comparison with no cap reads as it always has; with
    ``money`` (the section shows money KPIs), that they are rounded here."""
    caps = (", a price peak's to its scenario's price cap, and a peak at the cap in some "
            "replication, and a difference of or from one, is given none"
            if any(counts.values()) else "")
    return ('<p class="muted">rel_change: the difference as a share of the reference '
            "mean; share_positive: the share of paired replications in which the "
            "difference is positive; compare.csv keeps them as fractions, and its "
            "intervals as computed (here each scenario's is clipped to the range its "
            f"KPI can take{caps})"
            + (f", and its US dollars to every digit (here to {MONEY_DIGITS})" if money
               else "") + ".</p>")


def _headline_cap_notes(named: Sequence[tuple[str, Any]],
                        paired: dict[str, dict[str, tuple[float, int, int]]]) -> list[str]:
    """Paragraphs on the price peaks at the cap in the headline table of every scenario
    of ``named``, whose rows count all of a scenario's replications
    (:func:`sim.experiment.stats.cap_runs`), for the scenarios where that count differs from
    the pairs' (``paired``, :func:`paired_cap_runs`) that the differences' notes give: a
    cap hit in an unpaired replication marks the row "at the cap" with no note else."""
    notes = []
    for name, res in named:
        every = cap_runs(res)
        if every != paired.get(name, {}):
            notes.append(_cap_paragraph({c: cap for c, (cap, _k, _n) in every.items()},
                                        name, every))
    return [n for n in notes if n]


def _clip_by_scenario(extra: pd.DataFrame, named: Sequence[tuple[str, Results]],
                      counts: Mapping[str, Mapping[str, tuple[float, int, int]]] | None
                      = None) -> pd.DataFrame:
    """compare.csv's rows (``extra``) with each scenario's interval clipped to the range
    its KPI can take, and a price peak's to the price cap of the scenario of its row
    (:func:`sim.output.tables.price_caps`; by label, from ``named``): a peak at the cap in
    some replications has an interval that runs past it. With ``counts``
    (:func:`paired_cap_runs`, by label) a price peak at the cap in some replication gets
    no interval, nor does its difference, or a difference from compare.csv's reference
    (its first scenario) at the cap: a bound, as the differences table gives it."""
    caps = {name: price_caps(res.scenario) for name, res in named}
    if "scenario" not in extra.columns:
        return clip_intervals(extra)
    parts = [clip_intervals(g, caps.get(str(sc))) for sc, g in
             extra.groupby("scenario", sort=False, dropna=False)]
    out = pd.concat(parts).loc[extra.index] if parts else clip_intervals(extra)
    if counts and not out.empty and {"commodity", "metric"} <= set(out.columns):
        ref = counts.get(str(out["scenario"].iloc[0]), {})
        peak = (out["metric"] == PRICE_PEAK).to_numpy()
        own = np.array([c in counts.get(str(sc), {}) for c, sc in
                        zip(out["commodity"], out["scenario"], strict=True)], dtype=bool)
        from_ref = out["commodity"].isin(list(ref)).to_numpy()
        out.loc[peak & own, ["ci_low", "ci_high"]] = np.nan
        diff_ci = [c for c in ("diff_ci_low", "diff_ci_high") if c in out.columns]
        if diff_ci:
            out.loc[peak & (own | from_ref), diff_ci] = np.nan
    return out


def _as_percent(frame: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """A copy of ``frame`` with the fractions in the columns of ``formats`` written as
    percentages in that format ("-" where missing), as sim compare prints them."""
    out = frame.copy()
    for col, fmt in formats.items():
        if col in out:
            out[col] = ["-" if v is None or _isnan(float(v)) else format(float(v), fmt)
                        for v in out[col]]
    return out


def _overrides(res: Results) -> str:
    """The --set overrides a run was made with, as its manifest records them: two runs of
    one scenario file may differ only in these."""
    said = res.info.get("manifest", {}).get("overrides") or []
    return ", ".join(str(o) for o in said) or "none"


def _price_peak_differences(diffs: pd.DataFrame, ref_name: str,
                            capped: dict[str, dict[str, float]],
                            no_price: dict[str, list[str]],
                            counts: dict[str, dict[str, tuple[float, int, int]]] | None = None
                            ) -> pd.DataFrame:
    """``diffs`` without the price peaks of a commodity whose price neither the reference
    nor the scenario models, and with a peak at the cap in either named so (with in how
    many replications where not all, ``counts``: :func:`cap_runs` by scenario) and given
    no interval: a difference from a cap is not an estimate of one in the peak."""
    out = diffs.copy()
    peak = out["metric"] == "price_peak_ratio"
    drop = [bool(p) and c in no_price[ref_name] and c in no_price.get(sc, [])
            for p, c, sc in zip(peak, out["commodity"], out["scenario"], strict=True)]
    out = out[~np.array(drop, dtype=bool)].copy()
    for i in out.index[out["metric"] == "price_peak_ratio"]:
        com, sc = out.at[i, "commodity"], out.at[i, "scenario"]
        which = [n for n in (ref_name, sc) if com in capped.get(n, {})]
        if which:
            if len(which) == 2:
                named = [(n, (counts or {}).get(n)) for n in which]
                out.at[i, "metric"] = f"price_peak_ratio ({both_at_cap(named, com)})"
            else:
                some = cap_count((counts or {}).get(which[0]), com)
                out.at[i, "metric"] = f"price_peak_ratio ({which[0]} at the cap{some})"
            out.loc[i, ["ci_low", "ci_high"]] = np.nan
    return out


def _cap_bound_cells(dtab: pd.DataFrame, diffs: pd.DataFrame, ref_name: str,
                     capped: dict[str, dict[str, float]]) -> pd.DataFrame:
    """``dtab`` (the differences table, rows as ``diffs``'s) with the difference and change
    of a price peak at the cap written as bounds (:func:`sim.output.tables.cap_bounds`),
    as sim compare and the forest plot write them: "≥ +8.00", "at least +800.0%"."""
    at = [i for i, m in enumerate(diffs["metric"]) if str(m).startswith("price_peak_ratio (")]
    if not at:
        return dtab
    out = dtab.copy()
    out["difference"] = out["difference"].astype(object)
    for i in at:
        com, sc = diffs["commodity"].iloc[i], diffs["scenario"].iloc[i]
        ref_mean = float(diffs["reference_mean"].iloc[i])
        diff = float(diffs["diff"].iloc[i])
        rel = diff / ref_mean if ref_mean and not _isnan(ref_mean) else math.nan
        cells = cap_bounds(diff, rel, com in capped.get(ref_name, {}),
                           com in capped.get(sc, {}))
        out.iloc[i, out.columns.get_loc("difference")] = cells[0]
        out.iloc[i, out.columns.get_loc("change")] = cells[1]
    return out


def _price_notes(capped: dict[str, dict[str, float]], no_price: dict[str, list[str]],
                 counts: dict[str, dict[str, tuple[float, int, int]]] | None = None
                 ) -> list[str]:
    """Paragraphs on the price peaks at a cap and the prices no scenario models; the
    first scenario of ``capped`` is the reference, from which a difference is an upper
    bound where its peak is at the cap. Scenarios at the cap as the reference is (the same
    commodities in as many replications, ``counts``) share its note, as sim compare's
    notes do: their differences from it are between two capped peaks, neither an
    estimate nor a bound."""
    names = list(capped)

    def runs(name: str) -> Any:
        return (counts or {}).get(name) if counts is not None else capped[name]

    ref = names[0] if names else None
    same = ([n for n in names[1:] if runs(n) == runs(ref)]
            if ref is not None and capped[ref] else [])
    notes = []
    if same:
        joint = [ref, *same]
        where = f"{', '.join(joint[:-1])} and {joint[-1]}"
        # the scenarios not at the cap still differ from a capped reference: at most
        side = "both" if len(joint) == len(names) else "reference+both"
        notes.append(_cap_paragraph(capped[ref], where, (counts or {}).get(ref), side))
    elif ref is not None:
        notes.append(_cap_paragraph(capped[ref], ref, (counts or {}).get(ref), "reference"))
    notes += [_cap_paragraph(capped[n], n, (counts or {}).get(n), "scenario")
              for n in names[1:] if n not in same]
    everywhere = [c for c in next(iter(no_price.values()), [])
                  if all(c in v for v in no_price.values())]
    notes.append(_unpriced_note(everywhere))
    return [n for n in notes if n]


def _site_items(named: Sequence[tuple[str, Results]], unranked: Sequence[str],
                kpis: Sequence[tuple[str, str, str, str]]) -> list[tuple[str, str]]:
    """The site and lane rows of each scenario (but those of ``unranked``) whose paired
    difference's interval excludes zero (:func:`sim.output.tables.site_differences`, the
    ``kpis`` named with --metric left out: they are among the key KPIs already), at most
    :data:`SITE_LIMIT` per scenario, as list items, with a last item per scenario saying
    how many more compare.csv holds: (scenario, HTML)."""
    from sim.experiment.compare import compare_table, regimes_over_other_periods

    labels = [name for name, _res in named]
    if all(lab in unranked for lab in labels[1:]):
        return []
    table = compare_table([res for _n, res in named], labels)
    out = []
    for label in labels[1:]:
        if label in unranked:
            continue
        found = site_differences(table, label, kpis,
                                 open_lanes(res.scenario for _n, res in named),
                                 regimes_over_other_periods(
                                     named[0][1].scenario, named[labels.index(label)][1].scenario))

        scenarios = [named[labels.index(label)][1].scenario, named[0][1].scenario]
        for r in found.head(SITE_LIMIT).itertuples():
            title = kpi_title(r.metric, r.channel,
                              route_name(str(r.site), str(r.channel), scenarios)
                              or place_name(str(r.site), scenarios))
            out.append((label, _difference_item(label, r.commodity, title, r.diff, r.unit,
                                                r.rel_change, r.diff_ci_low, r.diff_ci_high,
                                                new=bool(r.new))))
        more = more_note(len(found) - SITE_LIMIT, "compare.csv (sim compare writes it)")
        if more:
            out.append((label, f"<li>{_e(label)}: {_e(more.removeprefix('note: '))}</li>"))
        left = repeats_note(found.attrs.get("repeats", {}))
        if left:
            out.append((label, f"<li>{_e(label)}: {_e(left)}</li>"))
    return out


def place_name(site: str, scenarios: Sequence[Any]) -> str:
    """``site`` by the name the first of ``scenarios`` that has it gives it, else its id
    (routes and regime states have none): the key list's shortfall by market named
    markets so, and its site rows by id (review 203: "Rest of world (EU, India, ...)" and
    "market_row" in one list). A lane without a name of its own is said by its two ends
    and mode, its id kept for compare.csv (review 208: ``kolwezi_rail_lobito`` alone was
    explained nowhere in the report)."""
    for sc in scenarios:
        found = getattr(sc, "sites", {}).get(site)
        if found is not None and getattr(found, "name", None):
            return str(found.name)
    for sc in scenarios:
        lane = getattr(sc, "lanes", {}).get(site)
        if lane is not None and site not in getattr(sc, "sites", {}):
            if lane.name:
                return f"{lane.name} ({site})"
            ends = " → ".join(place_name(end, [sc]) for end in (lane.from_, lane.to))
            return f"{ends} ({lane.mode} lane {site})"
    return site


def route_name(site: str, channel: str, scenarios: Sequence[Any]) -> str | None:
    """A ``route:<id>`` site of the key list by its path, the sites after the mine by the
    names the scenario gives them (:func:`place_name`): ``route cathode_dar (Kasumbalesa →
    Dar es Salaam)``, from the first of ``scenarios`` whose channel ``channel`` (else any
    channel) has the route; None for another site or a route none has. Review 223:
    "route:cathode_dar" was explained only as "route:<id> is a route"; compare.csv keeps
    the id."""
    if not site.startswith("route:"):
        return None
    rid = site.removeprefix("route:")
    for sc in scenarios:
        chans = getattr(sc, "channels", {})
        for cid in dict.fromkeys([channel, *chans]):
            spec = chans.get(cid)
            route = spec.routes.get(rid) if spec is not None else None
            if route is not None:
                path = " → ".join(place_name(str(p), [sc]) for p in route.path)
                return f"route {rid} ({path})"
    return None


FROM_LITTLE = 10.0
"""A relative change at least this large (1,000%) in the key list names the reference's
value beside it: so large a change is mostly of a reference near nothing."""


def _usd(x: float) -> str:
    """US dollars as the run report's tables write them (:func:`usd_figure`: ``681 m``,
    ``1.27 bn``): a key line's "+681,200,748 USD" was read digit by digit (review 161),
    and the two reports wrote one sum two ways (review 218)."""
    out = usd_figure(x)
    return out if isinstance(out, str) else _num(x)


def _difference_item(scenario: str, commodity: str, metric: str, diff: float, unit: str,
                     rel: float, low: float, high: float, new: bool = False) -> str:
    """One difference whose interval excludes zero as a list item; ``rel``: the relative
    change (a fraction, NaN for none); ``new``: the reference mean is 0 (a change from
    nothing, marked as such rather than with no change at all). US dollars are given in
    millions or billions."""
    if unit == "share":
        return _share_item(scenario, commodity, metric, diff, rel, low, high, new)
    num = _usd if unit == "USD" else _num
    change = (f" ({rel:+.1%})" if not _isnan(rel)
              else f" ({NEW}: from 0)" if new else "")
    if not _isnan(rel) and abs(rel) >= FROM_LITTLE:
        # +116011.6% alone hid that the reference held a few hundred tonnes
        change = f" ({rel:+,.0%} on the reference's {num(diff / rel)} {_e(unit)})"
    # every pair gave the same difference: no spread to estimate, as sim compare says
    ci = "(all equal)" if low == high else f"{num(low)} to {num(high)}"
    return (f"<li><strong>{_e(scenario)}</strong>: {_e(commodity)} {_e(metric)} "
            f"{'+' if diff > 0 else ''}{num(diff)} {_e(unit)}{change}, 95% CI {ci}</li>")


def _share_item(scenario: str, commodity: str, metric: str, diff: float, rel: float,
                low: float, high: float, new: bool = False) -> str:
    """:func:`_difference_item` of a share (utilisation, state_time_share): in percentage
    points, as the comparison's tables write it (:func:`sim.output.tables.share_points`),
    with the reference's share and the scenario's in % rather than a relative change
    (review 223: "+0.56 share" beside the Queues table's "+55.97 pt", and "+0.133 share
    (+46.6%)" read as 46.6 points)."""
    ref = 0.0 if new else diff / rel if not _isnan(rel) and rel != 0 else math.nan
    # levels to the difference's precision: "from 40.0% to 40.0%" beside +0.04 pt told
    # nothing (review 225)
    digits = 1 if abs(diff) >= 0.001 or diff == 0 else -math.floor(math.log10(abs(diff) * 100))
    levels = (f" ({NEW}: from 0% to {diff:.{digits}%})" if new
              else f" (from {ref:.{digits}%} to {ref + diff:.{digits}%})"
              if not _isnan(ref) else "")
    ci = ("(all equal)" if low == high
          else f"{share_points(low).removesuffix(' pt')} to {share_points(high)}")
    return (f"<li><strong>{_e(scenario)}</strong>: {_e(commodity)} {_e(metric)} "
            f"{_e(share_points(diff))}{_e(levels)}, 95% CI {_e(ci)}</li>")


def _money_priced(named: Sequence[tuple[str, Results]]) -> dict[str, set[str]]:
    """For each scenario of ``named`` (the reference first), the commodities whose money
    KPIs the report's price note covers (:func:`sim.output.tables.price_extremes`) in it or
    in the reference: their differences measure the price response, not revenue."""
    high = {name: set(price_extremes(res.summary(), res)) for name, res in named}
    ref = high[named[0][0]] if named else set()
    return {name: ref | h for name, h in high.items()}


def _first_short(res: Results, commodity: str) -> tuple[list[float], int] | None:
    """The days from the start date to ``commodity``'s first day below the recovery
    threshold in each replication that had one, and the number of replications; None if
    the results have no such KPI (a run of no days)."""
    try:
        days = res.kpi("time_to_shortfall_days", commodity)
    except KeyError:
        return None
    # a replication without such a day records the period's length (censored)
    return [float(d) for d in days if d < math.ceil(res.scenario.horizon)], len(days)


def _first_short_words(res: Results, commodity: str) -> str:
    """``commodity``'s first day below the threshold in ``res`` as a date: the median over
    the replications that had one (``2025-03-04 (median of the 8 of 8 replications with
    one)``), or ``none in its 8 replications``."""
    first = _first_short(res, commodity)
    if first is None:
        return "not measured"
    days, n = first
    if not days:
        return f"none in its {n} replication{'s' if n != 1 else ''}"
    date = res.scenario.start + dt.timedelta(days=math.floor(float(np.median(days))))
    if len(days) == 1 and n == 1:
        return str(date)
    return f"{date} (median of the {len(days)} of {n} replications with one)"


def shortfall_timing(ref: Results, res: Results, commodity: str) -> str:
    """How long and from when ``commodity`` was short in ``res``, beside the reference
    ``ref``: the mean of ``shortfall_days`` and the first day below
    :data:`sim.metrics.kpis.RECOVERY_THRESHOLD` of demand met (``time_to_shortfall_days``
    as a date). A shortfall's tonnes alone say neither how long a market went short nor
    when it began. "" where the results lack the KPIs."""
    from sim.metrics.kpis import RECOVERY_THRESHOLD

    try:
        days, ref_days = (r.kpi("shortfall_days", commodity) for r in (res, ref))
    except KeyError:
        return ""
    return (f"short on {_days(np.mean(days))} days on average (reference "
            f"{_days(np.mean(ref_days))}); first day below {RECOVERY_THRESHOLD:.0%} of demand "
            f"met: {_first_short_words(res, commodity)}{_short_at_end(res, commodity)}; "
            f"reference: {_first_short_words(ref, commodity)}"
            f"{_short_at_end(ref, commodity)}" + _by_market(ref, res, commodity))


def _short_at_end(res: Results, commodity: str) -> str:
    """How many replications of ``res`` were still below the recovery threshold on the
    period's last day (``recovered_by_end`` of 0): ``, still short on the last day in 8
    of 8``; "" where none was or the results lack the KPI. A first day alone read as a
    shortage that passed, where under a lasting ban it runs to the period's end."""
    try:
        recovered = res.kpi("recovered_by_end", commodity)
    except KeyError:
        return ""
    short = int(np.sum(np.asarray(recovered) == 0))
    return f", still short on the last day in {short} of {len(recovered)}" if short else ""


def price_timing(ref: Results, res: Results, commodity: str) -> str:
    """How long and from when ``commodity``'s price index was above
    :data:`sim.metrics.kpis.PRICE_ABOVE_BASELINE` in ``res``, beside the reference
    ``ref``: the mean of ``days_price_above_baseline``, and the first series period whose
    mean index is above it (the median over the replications with one, as the period's
    first date). A peak alone says neither how long prices stayed up nor when they began
    to rise. "" where the results lack the KPI."""
    from sim.metrics.kpis import PRICE_ABOVE_BASELINE as PRICE_ABOVE

    try:
        days, ref_days = (r.kpi("days_price_above_baseline", commodity) for r in (res, ref))
    except KeyError:
        return ""
    return (f"price index above {PRICE_ABOVE:g} on {_days(np.mean(days))} days on average "
            f"(reference {_days(np.mean(ref_days))}); first series period with a mean above "
            f"{PRICE_ABOVE:g}: {_first_high_words(res, commodity)}; reference: "
            f"{_first_high_words(ref, commodity)}")


def _first_high_words(res: Results, commodity: str) -> str:
    """The first date of the first series period whose mean price index of ``commodity``
    is above :data:`sim.metrics.kpis.PRICE_ABOVE_BASELINE`: the median over the
    replications with one (``from 2025-03-01 (median of the 8 of 8 replications with
    one)``), or ``none in its 8 replications``; ``not measured`` without such a series."""
    from sim.metrics.kpis import PRICE_ABOVE_BASELINE as PRICE_ABOVE

    rows = [i for i, (com, metric, _key, _unit) in enumerate(res.catalogue.keys)
            if com == commodity and metric == "price_index"]
    if not rows or not res.catalogue.dates:
        return "not measured"
    high = np.asarray(res.series_values[:, rows[0], :], dtype=float) > PRICE_ABOVE
    n = high.shape[0]
    firsts = [int(np.argmax(rep)) for rep in high if rep.any()]
    if not firsts:
        return f"none in its {n} replication{'s' if n != 1 else ''}"
    # the lower median: a period's date, never a day between two periods
    date = res.catalogue.dates[sorted(firsts)[(len(firsts) - 1) // 2]]
    if len(firsts) == 1 and n == 1:
        return f"from {date}"
    return f"from {date} (median of the {len(firsts)} of {n} replications with one)"


def _by_market(ref: Results, res: Results, commodity: str) -> str:
    """Where ``commodity`` went short in ``res``, where it has two markets or more: each
    market's mean shortfall, the reference's beside it (``; by market: China 52,493 t
    (reference 0), ...``); "" otherwise (review 161: who lost was in the tables far
    below the key list)."""
    markets = [site for com, chan, site, metric, _unit in getattr(res, "kpi_labels", ())
               if com == commodity and chan == "all" and metric == "shortfall_t"
               and site != "all"]
    if len(markets) < 2:
        return ""
    parts = []
    for sid in markets:
        mean = float(np.mean(res.kpi("shortfall_t", commodity, site=sid)))
        try:
            before = _num(float(np.mean(ref.kpi("shortfall_t", commodity, site=sid))))
        except KeyError:
            before = "-"
        site = res.scenario.sites.get(sid)
        name = getattr(site, "name", None) or sid
        parts.append(f"{name} {_num(mean)} t (reference {before})")
    return "; by market: " + ", ".join(parts)


def _days(mean: float) -> str:
    """A mean number of days, whole, as the tables give a mean of 100 days or more
    (review 203: "478.6 days" over 5 replications whose interval spans 33); half a day
    rounds up (18.5 was rounded half to even, to 18). Below 1 day, to a tenth: "0" read
    as never short."""
    mean = float(mean)
    if 0 < abs(mean) < 0.95:
        return f"{mean:.1f}"
    return f"{math.floor(mean + 0.5):,d}"


def _timings(named: Sequence[tuple[str, Results]], prices: bool = False
             ) -> dict[tuple[str, str], str]:
    """:func:`shortfall_timing` (or, with ``prices``, :func:`price_timing`, of the
    commodities whose price the model sets) of every scenario of ``named`` but the
    reference (the first) and commodity, keyed (scenario, commodity)."""
    if not named:
        return {}
    ref = named[0][1]
    words = price_timing if prices else shortfall_timing
    return {(name, com): words(ref, res, com)
            for name, res in named[1:] for com in res.scenario.commodities
            if not prices or price_modelled(res.scenario, com)}


MONEY_CAVEAT = ("valued at the price index, which rose far or reached its cap: the price "
                "response, not revenue (see the note below; not for headlines)")
"""What a money KPI's difference in the key list says when the price note applies."""


def _cap_item(scenario: str, commodity: str, diff: float, unit: str, rel: float,
              reference: bool = False) -> str:
    """A price peak difference at the cap as a list item: a lower bound where the
    scenario's peak is at the cap, as sim compare writes it (``≥ +9.00 ratio (at least
    +900.0%), at the cap``), an upper bound where the reference's is (``reference``:
    ``≤ -1.98 ratio (at most -61.8%), reference at the cap``)."""
    bound, change = cap_bounds(diff, rel, reference, not reference)
    change = "" if change == "n/a" else f" ({change})"
    where = "reference at the cap" if reference else "at the cap"
    return (f"<li><strong>{_e(scenario)}</strong>: {_e(commodity)} price_peak_ratio "
            f"{_e(bound)} {_e(unit)}{_e(change)}, {where} (a bound, no interval)</li>")


def _difference_words(diffs: pd.DataFrame, unranked: Sequence[str] = (),
                      compare_csv: bool = False, csv_reference: str | None = None,
                      sites: Sequence[tuple[str, str]] = (), named: bool = False,
                      money: dict[str, set[str]] | None = None,
                      timing: Mapping[tuple[str, str], str] | None = None,
                      price_timing: Mapping[tuple[str, str], str] | None = None) -> str:
    """The differences whose 95% interval excludes zero, as sentences; none of the
    scenarios in ``unranked`` (measured over another period than the reference). Only the
    KPIs of ``diffs`` (the headline ones, and those named with --metric: ``named``) and
    the site and lane rows of ``sites`` (:func:`_site_items`, listed after each scenario's
    totals) are judged: the lead-in says so and where every KPI's difference is
    (``compare_csv``: the folder has compare.csv, its differences from ``csv_reference``
    if given). ``money`` (:func:`_money_priced`) marks money KPIs valued at a price far
    up; ``timing`` (:func:`_timings`) says, after a commodity's shortfall, how long and
    from when it was short, and ``price_timing`` (:func:`_timings` of prices), after its
    price peak, how long and from when its price was up."""

    def timed(item: str, words: Mapping[tuple[str, str], str] | None, r: Any) -> str:
        when = (words or {}).get((r.scenario, r.commodity), "")
        return item.removesuffix("</li>") + f"; {_e(when)}</li>" if when else item

    items = []
    for r in diffs.itertuples():
        rel = (r.diff / r.reference_mean
               if r.reference_mean and not np.isnan(r.reference_mean) else math.nan)
        if (r.scenario not in unranked and r.diff > 0
                and str(r.metric).startswith(f"price_peak_ratio ({r.scenario} at the cap")):
            # the scenario's peak is held down by its cap: at least this difference (it
            # has no interval, and left out it read as no price response at all)
            items.append((r.scenario, timed(_cap_item(r.scenario, r.commodity, r.diff,
                                                      r.unit, rel), price_timing, r)))
            continue
        row_ref = getattr(r, "reference", None)
        if (r.scenario not in unranked and r.diff < 0 and row_ref is not None
                and str(r.metric).startswith(f"price_peak_ratio ({row_ref} at the cap")):
            # the reference's peak is held down: the fall is at most this (excludes zero)
            items.append((r.scenario, timed(_cap_item(r.scenario, r.commodity, r.diff,
                                                      r.unit, rel, reference=True),
                                            price_timing, r)))
            continue
        if (r.scenario in unranked or np.isnan(r.ci_low) or r.ci_low <= 0 <= r.ci_high
                or r.diff == 0):
            continue
        item = _difference_item(r.scenario, r.commodity, r.metric, r.diff, r.unit, rel,
                                r.ci_low, r.ci_high, new=r.reference_mean == 0)
        if r.metric in MONEY_KPIS and r.commodity in (money or {}).get(r.scenario, set()):
            item = item.removesuffix("</li>") + f"; {_e(MONEY_CAVEAT)}</li>"
        if r.metric == "shortfall_t":
            item = timed(item, timing, r)
        elif r.metric == PRICE_PEAK:
            item = timed(item, price_timing, r)
        items.append((r.scenario, item))
    # each scenario's totals, then its sites and lanes
    order = {s: i for i, s in enumerate(dict.fromkeys(
        [*diffs["scenario"], *(s for s, _i in sites)]))}
    items = [html_item for _s, html_item in sorted(
        [*items, *sites], key=lambda x: order.get(x[0], len(order)))]
    # the KPI ids, without the "(both at the cap)" a row's label may carry
    metrics = list(dict.fromkeys(str(m).split(" (")[0] for m in diffs["metric"]))
    where = ("every KPI's difference, by channel and site too, is in this folder's "
             "compare.csv" if compare_csv else
             "sim compare on these run folders writes every KPI's difference, by channel "
             "and site too, to compare.csv")
    ref = str(diffs["reference"].iloc[0]) if "reference" in diffs and len(diffs) else None
    if compare_csv and csv_reference is not None and ref is not None and csv_reference != ref:
        # the other reference's differences: the opposite sign for it and this one
        where = (f"this folder's compare.csv gives every KPI's difference, by channel and "
                 f"site too, but from {csv_reference}, the reference of the sim compare "
                 f"that wrote it, not from {ref}; sim compare on these run folders with "
                 f"{ref} first gives them from {ref}")
    kinds = ("totals per commodity and the KPIs named with --metric" if named
             else "totals per commodity")
    scope = (f"<p>Key KPIs: {_e(', '.join(metrics))}, {kinds} (sim compare prints a few "
             f"more); {_e(where)}.</p>" if metrics else "")
    if sites:
        scope += ("<p>Listed after each scenario's totals: the sites and lanes whose "
                  f"difference excludes zero (at most {SITE_LIMIT} per scenario, "
                  f"{SITE_ORDER}).</p>")
    skipped = ""
    if unranked:
        skipped = (f"<p>{_e(', '.join(unranked))}: not ranked, because "
                   f"{'it measures' if len(unranked) == 1 else 'they measure'} another "
                   "period than the reference (see the warning above); the table below "
                   "gives the differences as measured.</p>")
    if not items:
        if unranked and set(unranked) >= set(diffs["scenario"]):
            return scope + skipped
        return (scope + skipped + "<p>No key KPI differs from the reference with 95% "
                "confidence (more replications may tell).</p>")
    # review 161: the page warned of changes that are chance, never of the reverse: the
    # armed groups' rent, +USD 195 m with an interval from -138 m, was left off the list
    return (scope + skipped + "<p>Differences whose 95% interval excludes zero, each judged "
            "on its own: among many KPIs, about one in twenty can exclude zero by chance. "
            "The reverse holds too: a KPI left off this list may still have changed, with an "
            "interval too wide to tell at this many replications (the table below gives "
            "them all; more replications narrow them).</p>"
            "<ul>" + "".join(items) + "</ul>" + terms_used("".join(items)))


# ================================================================================ entry
@dataclass
class Report:
    """A report written: where, and what the reader should know before opening it
    (plain sentences, for the terminal)."""

    path: Path
    notes: list[str] = field(default_factory=list)


def write_report(folder: str | Path, out: str | Path | None = None,
                 reference: str | None = None, *,
                 on_read: Callable[[int], None] | None = None,
                 on_draw: Callable[[], None] | None = None) -> Report:
    """Write the report of a run or comparison folder to ``out`` (default
    ``folder/report.html``); ``reference`` (a run folder's name) is the reference of a
    comparison instead of the one :func:`compare_members` takes.

    For a progress display (the command line's, review 229: 10-19 s silent on big
    folders): ``on_read`` is called with the count of results folders before they are
    read, ``on_draw`` before the figures and the page are made.

    Raises :class:`~sim.output.errors.FolderError` if ``folder`` holds neither, or holds
    a run ``sim run`` did not finish (the message gives the command that finishes it).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise _no_folder_error(folder)
    target = Path(out) if out is not None else folder / "report.html"
    notes: list[str] = []
    if (folder / "manifest.json").exists() and (folder / "replications").is_dir():
        if reference is not None:
            raise FolderError(f"{folder} is one run, so there is no reference to choose",
                              hint="--reference is for a folder of run folders to compare")
        if on_read is not None:
            on_read(1)
        res = load_results(folder)
        if on_draw is not None:
            on_draw()
        text = run_report_html(res, res.info.get("manifest", {}))
        notes += [f"note: {note}" for note in scenario_notes(res)]
        notes += _damaged_tables_notes([folder], [res])
    elif _is_unfinished(folder):
        raise unfinished_run_error(folder)
    elif (folder / "manifest.json").exists() and not (folder / "comparison.json").exists():
        # a finished run copied without replications/: load_results says what is missing
        # and what its tables still give, where this said "no manifest.json" (review 207)
        raise no_replications_error(folder)
    else:
        members = find_members(folder, reference)
        if len(members.runs) < 2:
            raise _too_few_runs(folder, members)
        # checked before the runs are loaded: damaged, it stops the report
        info = read_comparison_json(folder)
        extra = _compare_csv(folder, info)
        if on_read is not None:
            on_read(len(members.runs))
        named = [(name, load_results(path)) for name, path in members.runs]
        notes += _damaged_tables_notes([path for _name, path in members.runs],
                                       [res for _name, res in named])
        ref = named[0][0]
        others = [name for name, _path in members.runs[1:]]
        # the folder as a path that works from anywhere, not as typed
        choose = (f"; to take another, run sim report {quote(str(folder.resolve()))} "
                  f"--reference NAME (one of: {', '.join(others)})")
        reference_note = members.reason + choose
        page_notes = [f"Left out: {p.name} is an unfinished run (no manifest.json); "
                      f"{_finish_hint(p)}, then run sim report again."
                      for p in members.unfinished]
        period_note, unranked = period_check(named)
        if period_note:
            notes.append(f"warning: {period_note}; the report does not list the "
                         f"differences of {', '.join(unranked)} among those whose interval "
                         "excludes zero")
        notes += [f"note: {note}" for note in [*series_notes(named), *pairing_notes(named),
                                               *compared_scenario_notes(named),
                                               *extends_report_notes(named,
                                                                     ran_labels(info))]]
        notes.append(f"reference: {ref}, because {reference_note}")
        notes += page_notes
        if on_draw is not None:
            on_draw()
        text = compare_report_html(named, extra, f"{members.reason}{choose}", page_notes,
                                   kpis=_named_kpis(folder), ran=ran_labels(info))
    try:
        atomic_write_text(target, text)
    except OSError as exc:
        # "File exists" for --out afile/r.html would not say that afile is the trouble
        blocked = not_a_folder(target)
        code = errno.errorcode.get(exc.errno or 0)
        why = blocked or ((exc.strerror or str(exc)) + (f" ({code})" if code else ""))
        raise FolderError(f"cannot write {target}: {why}",
                          hint=(f"--out names the HTML file to write; give one in a folder, "
                                f"or leave out --out to write {folder / 'report.html'}"
                                if blocked else _write_hint(exc, out is None))) from None
    return Report(target, notes)


def _write_hint(exc: OSError, default_out: bool) -> str | None:
    """What to do about the report that could not be written (``exc``), by its errno:
    a read-only folder, a full disk, a file size limit, a name too long; None for another
    error (its message is all there is to say). ``default_out``: it was the folder's own
    report.html (no --out), so --out is the way round a folder that cannot be written."""
    elsewhere = "give --out a file in another folder" if default_out else "give another --out"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"the folder cannot be written (read-only?): make it writable, or {elsewhere}"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"the disk is full (or a quota reached): free some space, or {elsewhere}"
    if exc.errno == errno.EFBIG:
        return ("the report is larger than the file size limit this command runs under: "
                "raise it (ulimit -f shows it; ulimit -f unlimited lifts it)")
    if exc.errno == errno.ENAMETOOLONG:
        return ("a name in the path is longer than the file system allows (255 bytes for one "
                "name, 4096 for the whole path on most): give a shorter --out")
    return None


def _damaged_tables_notes(folders: Sequence[Path], loaded: Sequence[Results]) -> list[str]:
    """A note for each results folder whose tables differ from what its manifest.json
    records (:func:`sim.experiment.results.damaged_tables_note`): the report does not read
    them, so it is right, but the tables are not."""
    from sim.experiment.results import damaged_tables_note

    found = (damaged_tables_note(path, res.info.get("manifest", {}),
                                 "the report was rebuilt from its saved replications, which "
                                 "are intact")
             for path, res in zip(folders, loaded, strict=True))
    return [f"note: {note}" for note in found if note is not None]


def _named_kpis(folder: Path) -> list[tuple[str, str, str, str]]:
    """The KPIs the comparison in ``folder`` named with --metric, as its comparison.json
    records them (its precision target's measures); none without one or a target."""
    try:
        info = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return measured_kpis(info.get("stopping") if isinstance(info, dict) else None)


def _results_folders_in(where: Path, limit: int = 5) -> list[str]:
    """Up to ``limit`` folders in ``where`` that sim run or sim compare wrote, by name."""
    try:
        subs = sorted(p for p in where.iterdir() if p.is_dir())
    except OSError:
        return []
    found = [p.name for p in subs
             if (p / "manifest.json").is_file() or (p / "comparison.json").is_file()]
    return found[:limit]


def _no_folder_error(folder: Path) -> FolderError:
    """The error for ``sim report FOLDER`` when FOLDER is missing or not a folder, with a
    hint naming the results folders beside where it was looked for."""
    missing = not (folder.exists() or folder.is_symlink())
    what = "does not exist" if missing else "is not a folder"
    hint = ("give the folder sim run or sim compare wrote (the one holding manifest.json or "
            "comparison.json)")
    where = folder.parent
    found = _results_folders_in(where) if where.is_dir() else []
    if found:
        place = "here" if where == Path(".") else f"in {where}"
        hint += f"; results folders {place}: " + ", ".join(
            str(where / name) if where != Path(".") else name for name in found)
    return FolderError(f"{folder} {what}", hint=hint)


def _sweep_figures_hint(folder: Path) -> str:
    """Where the sweep in ``folder`` has its figures, or, for one run with --no-figures
    (no figures/ folder), that they were not drawn and the command that draws them: its
    own recorded --resume command without --no-figures, which runs nothing again."""
    from sim.output.sweep_store import SweepStore

    if (folder / "figures").is_dir():
        return f" and its figures are in {folder / 'figures'}/"
    try:
        plan = SweepStore(folder).plan()
    except FolderError as exc:
        # --resume refuses it too: saying it "runs nothing again" sent the user there
        return (f"; its figures were not drawn (--no-figures), and the sweep cannot be "
                f"resumed to draw them: {exc.message}; {exc.hint}")
    words = [str(w) for w in (plan or {}).get("resume_command") or [] if w != "--no-figures"]
    if words:
        how = "draw them with: " + join(with_out(words, folder))
    else:
        how = ("to draw them, run the sim sweep command that wrote it again with --resume "
               "and without --no-figures")
    return f"; its figures were not drawn (--no-figures): {how} (nothing is run again)"


def _missing_compared(folder: Path) -> FolderError | None:
    """The error for a comparison's folder (comparison.json) some of whose scenarios'
    results folders are gone, naming them: it was called "not a results folder ... fewer
    than two run folders". A scenario the comparison ran is run again by its command with
    --resume (the others are kept); a results folder it was given must be found again.
    None if comparison.json cannot be read or lists no missing folder."""
    try:
        info = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
        entries = [(str(e["label"]), str(e["source"]), bool(e.get("ran", True)))
                   for e in info["scenarios"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    ran_gone = [label for label, _source, ran in entries
                if ran and not (folder / label / "manifest.json").is_file()
                and not (folder / label / "run.json").is_file()]
    given_gone = [source for _label, source, ran in entries
                  if not ran and not source.startswith("<")
                  and not (Path(source) / "manifest.json").is_file()]
    if not ran_gone and not given_gone:
        return None
    gone = [str(folder / label) for label in ran_gone] + given_gone
    hints = []
    if ran_gone:
        kept = [folder / label for label, _source, ran in entries
                if ran and label not in ran_gone and (folder / label / "run.json").is_file()]
        command = next((c for c in map(finish_command, kept) if c), None)
        how = (f"finish it with: {command}" if command else
               "run the sim compare command that wrote it again with --resume")
        hints.append(f"{how} (the missing scenarios are run again, the others kept)")
    if given_gone:
        hints.append("give sim compare the results folders it compared from where they are "
                     "now (moved?), or the scenario files")
    return FolderError(
        f"{folder} is a comparison's folder, but the results folder(s) of "
        f"{len(gone)} of the scenarios its comparison.json lists are missing: "
        f"{', '.join(gone)}", hint="; or ".join(hints))


def _too_few_runs(folder: Path, members: Members) -> FolderError:
    from sim.experiment.results import unfinished_sweep

    # sweep.json, written last, says the sweep finished (not sweep.csv, written before the
    # figures); the message names the file that is missing
    sweep = unfinished_sweep(folder)
    if sweep is not None:
        return FolderError(*sweep)
    if (folder / "sweep.json").is_file() or (folder / "sweep.csv").is_file():
        # as sim.load_results says it
        return FolderError(
            f"{folder} is a sweep's folder, not a results folder: a sweep keeps each "
            "replication's KPI values, not its series or timeline, and sim report reads the "
            "folder of sim run or sim compare",
            hint=f"the sweep's table is {folder / 'sweep.csv'} (sweep-kpis.csv.gz has every "
                 f"KPI's mean, sd and n per sample){_sweep_figures_hint(folder)}")
    missing = _missing_compared(folder)
    if missing is not None:
        return missing
    if not members.unfinished:
        return FolderError(
            f"{folder} is not a results folder: it has no manifest.json from `sim run` "
            "and fewer than two run folders to compare")
    names = ", ".join(p.name for p in members.unfinished)
    from sim.output.folder import comparison_arms

    arms = set(comparison_arms(folder))
    command = (next((c for c in map(finish_command, members.unfinished) if c), None)
               if all(p in arms for p in members.unfinished) else None)
    if command is not None:
        # one comparison's scenarios: its one command, not the same one per scenario; a
        # scenario whose folder --resume refuses (its replications/index.json lost) made
        # that command refuse the comparison: without the folder it runs that one again
        refused = [p for p in members.unfinished if resume_refusal(p) is not None]
        one = len(refused) == 1
        hint = (f"delete {' and '.join(map(str, refused))}, then run: {command} (only "
                f"{'this scenario is' if one else 'these scenarios are'} run again)"
                if refused else f"finish it with: {command}")
        return FolderError(
            f"{folder} holds an unfinished comparison ({names}: no manifest.json), so there "
            "is nothing to compare yet", hint=hint)
    hints = [f"{p.name}: {_finish_hint(p)}" for p in members.unfinished]
    return FolderError(
        f"{folder} holds {len(members.runs)} finished run folder(s) and "
        f"{len(members.unfinished)} unfinished one(s) ({names}: no manifest.json), so there "
        "is nothing to compare yet",
        hint="if sim compare wrote them, run the same sim compare command with --resume; "
             "otherwise " + "; ".join(hints))
