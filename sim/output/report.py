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
import contextlib
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
from sim.lazy import lazy_exports
from sim.metrics.kpis import PRICE_PEAK
from sim.output.atomic import atomic_write_text, not_a_folder
from sim.output.errors import FolderError
from sim.output.folder_read import (
    force_hint,
    load_results,
    no_replications_error,
    resume_refusal,
)
from sim.output.provenance import with_out
from sim.output.tables import (
    CONTROL_HHI_NOTE,
    CONTROL_TOTALS,
    MONEY_KPIS,
    NOT_APPLICABLE,
    POLICY_TOTALS,
    REFINED_NOTE,
    SHOCK_SITES,
    cap_count,
    cap_note,
    capped_prices,
    capped_runs,
    channel_label,
    clip_intervals,
    deal_note,
    fixed_price_note,
    fixed_prices,
    format_number,
    has_refined,
    measured_kpis,
    money_note,
    price_caps,
    price_extremes,
    targeted_channels,
    unpriced,
    unpriced_note,
    valued_kpis,
)
from sim.scenario.fingerprint import scenario_sha256
from sim.shell import join, quote

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.experiment.results import Results
    from sim.output.compare_report import CONTROL_DEFINED as CONTROL_DEFINED
    from sim.output.compare_report import CSV_MONEY_COLUMNS as CSV_MONEY_COLUMNS
    from sim.output.compare_report import DEAL_LIST_END as DEAL_LIST_END
    from sim.output.compare_report import DEAL_LIST_NOTE as DEAL_LIST_NOTE
    from sim.output.compare_report import DEAL_NO_LIST_END as DEAL_NO_LIST_END
    from sim.output.compare_report import DIFFERENCE_NOTE as DIFFERENCE_NOTE
    from sim.output.compare_report import FROM_LITTLE as FROM_LITTLE
    from sim.output.compare_report import MONEY_CAVEAT as MONEY_CAVEAT
    from sim.output.compare_report import MONEY_COLUMNS as MONEY_COLUMNS
    from sim.output.compare_report import QUEUE_ROWS as QUEUE_ROWS
    from sim.output.compare_report import compare_report_html as compare_report_html
    from sim.output.compare_report import compared_names_used as compared_names_used
    from sim.output.compare_report import (
        compared_price_basis_paragraph as compared_price_basis_paragraph,
    )
    from sim.output.compare_report import control_frame as control_frame
    from sim.output.compare_report import deal_list_paragraph as deal_list_paragraph
    from sim.output.compare_report import defined_with as defined_with
    from sim.output.compare_report import paired_cap_runs as paired_cap_runs
    from sim.output.compare_report import price_timing as price_timing
    from sim.output.compare_report import queue_frame as queue_frame
    from sim.output.compare_report import route_name as route_name
    from sim.output.compare_report import shortfall_timing as shortfall_timing
    from sim.output.compare_report import terms_used as terms_used

# The comparison report's HTML and prose live in sim.output.compare_report (review 231),
# which imports the helpers below it shares with the run report from here; its names are
# read from here too, imported on first use (importing them here at the top would be a
# cycle); type checkers see the public ones through the imports above.
_MOVED = dict.fromkeys((
    "DEAL_LIST_NOTE", "DEAL_LIST_END", "DEAL_NO_LIST_END", "deal_list_paragraph",
    "CONTROL_DEFINED", "_control_section", "QUEUE_ROWS", "queue_frame", "_queue_section",
    "control_frame", "terms_used", "_questions", "defined_with", "compared_names_used",
    "compared_price_basis_paragraph", "_period_words", "_period_heading", "DIFFERENCE_NOTE",
    "paired_cap_runs", "compare_report_html", "MONEY_COLUMNS", "CSV_MONEY_COLUMNS",
    "_compare_csv_caption", "_headline_cap_notes", "_clip_by_scenario", "_as_percent",
    "_overrides", "_price_peak_differences", "_cap_bound_cells", "_price_notes", "_site_items",
    "route_name", "FROM_LITTLE", "_usd", "_difference_item", "_share_item", "_money_priced",
    "_first_short", "_first_short_words", "shortfall_timing", "_short_at_end", "price_timing",
    "_first_high_words", "_by_market", "_days", "_timings", "MONEY_CAVEAT", "_cap_item",
    "_difference_words",
), "sim.output.compare_report")

if not TYPE_CHECKING:  # else type checkers read every attribute, misspelt ones too, as Any
    __getattr__ = lazy_exports(__name__, _MOVED)


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
.meta td:first-child,.meta th[scope=row]{color:#555}.meta th[scope=row]{background:none;
 font-weight:normal}.muted{color:#666;font-size:.9em}
details{margin:.6em 0}summary{cursor:pointer;font-weight:600}
dl.definitions dt{font-weight:600;margin-top:.4em}dl.definitions dd{margin-left:1.2em}
.warn{border-left:4px solid #c0392b;background:#fdf1ef;padding:.6em .9em}
@media print{body{max-width:none;padding:0}
 details::details-content{content-visibility:visible;display:block;height:auto}
 summary{list-style:none}
 pre{white-space:pre-wrap;overflow-wrap:anywhere;overflow:visible}
 figure,tr{break-inside:avoid}h2,h3,h4,summary{break-after:avoid}}
"""
"""The reports' style sheet. Its print rules keep on paper what the screen folds or scrolls
(review 252): a closed ``<details>`` (every KPI, the definitions, a comparison's other
scenarios' sources) printed as its summary line alone, and the timeline's lines, up to 800
characters in the baseline, were cut at the page's edge."""


# ============================================================================= building
def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def num_cell(x: Any) -> str:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return esc(x)
    return format_number(value)


def table(frame: pd.DataFrame, numeric: Iterable[str] = (), cls: str = "kpi",
          max_rows: int | None = None, aligned: Iterable[str] = ()) -> str:
    """An HTML table of ``frame`` (every cell escaped; ``numeric`` columns formatted and
    right-aligned; ``aligned`` columns, already written as text, right-aligned as they
    are: re-read as numbers they would lose a difference's "+")."""
    numeric = set(numeric)
    aligned = set(aligned)
    shown = frame if max_rows is None else frame.head(max_rows)
    head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    rows = []
    for rec in shown.itertuples(index=False):
        cells = []
        for col, value in zip(shown.columns, rec, strict=True):
            if col in numeric and col in ("n", "pairs", "diff_n", "times", "replications") \
                    and not is_nan(value):
                cells.append(f'<td class="num">{int(value):d}</td>')
            elif col in numeric:
                cells.append(f'<td class="num">{num_cell(value)}</td>')
            elif col in aligned:
                cells.append(f'<td class="num">{esc("" if is_nan(value) else value)}</td>')
            else:
                cells.append(f"<td>{esc('' if is_nan(value) else value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if max_rows is not None and len(frame) > max_rows:
        more = f'<p class="muted">{len(frame) - max_rows} more rows not shown.</p>'
    return (f'<table class="{esc(cls)}"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>" + more)


def is_nan(value: Any) -> bool:
    return isinstance(value, float) and np.isnan(value)


def figure_html(fig: Figure, caption: str, stem: str) -> str:
    """A figure as an embedded PNG with a caption."""
    # imported here: style imports matplotlib, which sim compare --no-figures, reading
    # the scenarios' notes from this module, must not need (review 202)
    from sim.output import style as st
    from sim.output.figures import figure_saved

    data = base64.b64encode(st.figure_bytes(fig, "png", dpi=110)).decode("ascii")
    figure_saved()  # for write_report's on_figure
    return (f'<figure id="fig-{esc(stem)}"><img alt="{esc(caption)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{esc(caption)}</figcaption>'
            "</figure>")


def html_page(title: str, nav: Sequence[tuple[str, str]], body: str) -> str:
    links = "".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t in nav)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{esc(title)}</h1><nav>{links}</nav>{body}"
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


def paragraph_html(note: str, cls: str = "") -> str:
    """A terminal ``note: ...`` line (:mod:`sim.output.tables`) as an HTML paragraph, so
    the report says what the terminal says ("" for no note)."""
    text = note.removeprefix("note: ")
    if not text:
        return ""
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{esc(capitalised(text))}.</p>"


def capitalised(text: str) -> str:
    """``text`` with its first letter upper-case, unless its first word is a name to keep
    as it is (a KPI such as export_value_usd; review 182: "Export_value_usd")."""
    first = text.split(" ", 1)[0]
    return text if "_" in first else text[:1].upper() + text[1:]


def unpriced_paragraph(commodities: Sequence[str]) -> str:
    """A paragraph saying whose price peak the headline table leaves out ("" if none)."""
    return paragraph_html(unpriced_note(commodities))


def money_paragraph(summary: pd.DataFrame, res: Results, where: str = "") -> str:
    """A warning that the money KPIs of ``summary`` (of results ``res``) are valued at a
    price index at its cap, far above 1 or at its floor
    (:func:`sim.output.tables.price_extremes`), in scenario ``where`` if given ("" if no
    price went so far)."""
    high = price_extremes(summary, res)
    return paragraph_html(money_note(high, f" in {where}" if where else "",
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
    return "".join(paragraph_html(n) for n in notes if n)


def deal_paragraph(res: Results, where: str = "") -> str:
    """A warning naming the offtake deals of ``res`` that failed and in how many
    replications (:func:`sim.output.tables.deal_note`; "" if none did)."""
    return paragraph_html(deal_note(res, f" in {where}" if where else ""), "warn")


def cap_paragraph(capped: dict[str, float], where: str = "",
                  counts: dict[str, tuple[float, int, int]] | None = None,
                  side: str = "") -> str:
    """A paragraph naming the price peaks at the cap ("" if none), in scenario ``where``
    if given, with in how many replications (``counts``, :func:`cap_runs`) and what a
    difference from them is (``side``, :func:`sim.output.tables.cap_note`)."""
    return paragraph_html(cap_note(capped, f" in {where}" if where else "", counts, side),
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


def not_applicable(frame: pd.DataFrame) -> pd.DataFrame:
    """A headline frame to show: the mean of a KPI no replication had a value of reads
    n/a, as the terminal's headline table says it (not "-", which reads as missing)."""
    out = frame.copy()
    none = (out["n"] == 0) & out["mean"].isna()
    if bool(none.any()):
        out["mean"] = out["mean"].astype(object)
        out.loc[none, "mean"] = NOT_APPLICABLE
    return out


def note_paragraph(note: str) -> str:
    """A terminal note (:mod:`sim.output.tables`) as a paragraph, its KPI ids kept as
    written."""
    return f"<p>{esc(note.removeprefix('note: '))}.</p>"


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
        parts.append(f"<p>{esc(where + '; '.join(times))}.</p>")
    if "control_hhi" in metrics and scenario is None:
        parts.append(note_paragraph(CONTROL_HHI_NOTE))
    return "".join(parts)


def channel_note(frame: pd.DataFrame, column: str = "channel") -> str:
    """What the channel ``refined`` is, when ``frame`` has a row of it ("" if not)."""
    return note_paragraph(REFINED_NOTE) if has_refined(frame, column) else ""


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
        f"<dt>{esc(', '.join(k for k, v in words.items() if v == text))}</dt>"
        f"<dd>{esc(text)}</dd>" for text in texts)
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


def short_items(used: Sequence[str]) -> str:
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
        rows.append(f"<dt>{esc(', '.join(names))}</dt><dd>{esc(short)}</dd>")
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
    items = "".join(f"<dt>{esc(m)}</dt><dd>{esc(words[m])}</dd>" for m in shown
                    if m not in already)
    # what the site names that are not places are, and what the table leaves out (review
    # 121: "armed_group_rent_usd at event:goma_falls" was explained nowhere a reader looks)
    sites = set(frame["site"].astype(str)) if "site" in frame else set()
    names = [words for prefixes, words in PLACE_WORDS
             if any(s.startswith(prefixes) for s in sites)]
    said = f"<p class=\"muted\">{esc('; '.join(names))}.</p>" if names else ""
    left = (f"<p class=\"muted\">Rows of 0 of {esc(', '.join(QUIET_ZEROS))} are left out of "
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
def scenario_period(sc: Any) -> str:
    return (f"{sc.start} to {sc.last_date} ({sc.horizon:g} days after a "
            f"{sc.warmup_days:g}-day warm-up)")


def _run_meta(res: Results, manifest: dict[str, Any]) -> str:
    sc = res.scenario
    versions = manifest.get("versions", {})
    rows = [("scenario", f"{sc.name}: {sc.title}" if sc.title else sc.name),
            ("question", sc.question or ""),
            ("period", scenario_period(sc)),
            ("series periods", res.catalogue.period_text),
            ("replications", f"{res.n} (seed {res.seed})"),
            ("scenario files", ", ".join(manifest.get("scenario_files", []) or [])),
            ("overrides", ", ".join(manifest.get("overrides", []) or []) or "none"),
            ("simulator", versions.get("drc-minerals-sim", "")),
            ("git commit", manifest.get("git_commit") or ""),
            ("finished", manifest.get("finished_at", "")),
            ("wall time", f"{manifest['wall_s']:.1f} s" if "wall_s" in manifest else "")]
    # each label a row header: a screen reader names the value it reads ("period, 2024-...")
    cells = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>'
                    for k, v in rows if v)
    desc = f"<p>{esc(sc.description)}</p>" if sc.description else ""
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


def notes_html(notes: Iterable[str]) -> str:
    """Notes as the terminal and compare.md give them, each a "Note:" paragraph."""
    return "".join(f'<p class="warn"><strong>Note:</strong> {esc(n)}</p>' for n in notes)


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


def timeline_section(res: Results, anchor: str = "timeline", name: str | None = None) -> str:
    """The timeline of one run; with ``name``, one scenario's part of a comparison's
    timelines: headed by the name, its subsections a level lower (a screen reader's list of
    headings nests them under their scenario) and its calendar's caption naming it."""
    from sim.output.shock_text import describe_shocks, timeline_caption, timeline_figure

    sc = res.scenario
    sub = "h3" if name is None else "h4"
    heading = ("<h2>Timeline of shocks and policies</h2>" if name is None
               else f"<h3>{esc(name)}</h3>")
    parts = [f'<section id="{esc(anchor)}">{heading}']
    words = describe_shocks(sc)
    if words:
        parts.append(f"<pre>{esc(words)}</pre>")
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
    parts.append(f"<p>Events from the start date ({esc(sc.start)}) on, when measurement "
                 f"begins, over {res.n} replication(s). A regime's changes are counted per "
                 "state entered; where a row's events differ in detail, the earliest one's "
                 f"is shown, marked \u201cfirst:\u201d.{esc(incident_numbers(tl))}"
                 f"{esc(left_out)}</p>")
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


def assumptions_section(res: Results, manifest: dict[str, Any],
                        anchor: str = "assumptions") -> str:
    cites = citations_frame(manifest, res)
    n_src = int((cites["kind"] == "source").sum())
    n_ass = int((cites["kind"] == "assumption").sum())
    return (f'<section id="{esc(anchor)}"><h2>Assumptions and sources</h2>'
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
    return (f"<p>{esc(text)} Tonnes are tonnes of contained metal over the measured "
            "period.</p>")


def base_metric(label: Any) -> str:
    """The KPI id of a table's metric cell: ``price_peak_ratio (at the cap)`` and
    ``state_time_share (of 2026-01-01 to 2027-12-31)`` name the KPI before the words."""
    return str(label).split(" (", 1)[0]


def more_terms(frame: pd.DataFrame, defined: set[str],
               lead: str = "KPIs in this table not defined above, in short") -> str:
    """Short definitions (:func:`short_items`, the words of
    :func:`sim.metrics.kpis.kpi_definitions`) of the KPIs in ``frame``'s ``metric`` column
    that are not in ``defined``, which gains them (and those defined together with them);
    "" if none. Review 212: delivered_share, state_time_share, refined_t and the balance
    KPIs of the full table were defined nowhere in the run report."""
    from sim.metrics.kpis import kpi_definitions

    words = kpi_definitions()
    used = [m for m in dict.fromkeys(base_metric(m) for m in
                                     frame.get("metric", pd.Series(dtype=str)))
            if m in words and m not in defined]
    if not used:
        return ""
    texts = {words[m] for m in used}
    defined.update(k for k, v in words.items() if v in texts)
    return (f'<p class="muted">{esc(lead)}:</p>'
            f'<dl class="muted definitions">{short_items(used)}</dl>')


def regime_periods(res: Results) -> dict[str, tuple[dt.date, dt.date]]:
    """The regimes of ``res``'s scenario that start running after its start date, each
    with the first and last dates of the time its ``state_time_share`` rows are shares
    of (as :func:`sim.experiment.compare_notes.regimes_over_other_periods` dates them): not the
    whole period, which a reader took them for (review 212: "occupied 0.89" of a regime
    running from 2026, read as 89% of 2024-2027)."""
    from sim.experiment.compare_notes import regime_from

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
    return f"<p>{esc('; '.join(parts))}.</p>"


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
    return names_block([res.scenario], frames,
                       "The tables name channels and sites by the ids of summary.csv and "
                       "kpis.csv; the scenario names them so (the maps use these names).")


def _first_words(scenarios: Sequence[Any], words: Any, key: str) -> str | None:
    """The words ``words(sc, key)`` of the first of ``scenarios`` that has some."""
    for sc in scenarios:
        said = words(sc, key)
        if said is not None:
            return str(said)
    return None


def names_block(scenarios: Sequence[Any], frames: Iterable[pd.DataFrame], lead: str) -> str:
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
    parts = ["<h3>Names used in the tables</h3>", f"<p>{esc(lead)}</p>"]
    if chan:
        items = "".join(f"<dt>{esc(c)}</dt><dd>{esc(w)}</dd>" for c, w in chan)
        parts.append(f'<dl class="definitions channels">{items}</dl>')
    if place:
        items = "".join(f"<dt>{esc(s)}</dt><dd>{esc(w)}</dd>" for s, w in place)
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
    money = frame["metric"].map(base_metric).isin(MONEY_KPIS).to_numpy()
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
    prices = reference_prices(res, manifest, money_commodities(frames))
    if not prices:
        return ""
    return price_basis_text("summary.csv and kpis.csv keep every digit", "the scenario's",
                            "; ".join(f"{c} {price}{f', {at}' if at else ''}"
                                      for c, price, at in prices))


def money_commodities(frames: Iterable[pd.DataFrame]) -> list[str]:
    """The commodities of the money KPI rows (:data:`MONEY_KPIS`) of ``frames``."""
    shown: list[str] = []
    for frame in frames:
        if frame.empty or "commodity" not in frame or "metric" not in frame:
            continue
        money = frame["metric"].map(base_metric).isin(MONEY_KPIS)
        shown += [str(c) for c in frame.loc[money, "commodity"]]
    return list(dict.fromkeys(shown))


def reference_prices(res: Results, manifest: Mapping[str, Any],
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


def price_basis_text(keep: str, whose: str, prices: str) -> str:
    """The words of :func:`price_basis_paragraph`: ``keep`` says which files keep every
    digit, ``whose`` whose reference price (``scenario's``), ``prices`` the prices."""
    return ("<p>US dollar figures (export_value_usd, royalty_usd, armed_group_rent_usd) "
            f"are rounded to {MONEY_DIGITS}: {keep}. "
            f"Each values the tonnes at {whose} reference price "
            f"(reference_price_usd_per_t: {esc(prices)}; sources under "
            "Assumptions and sources) times the commodity's price index on the day the "
            "metal was exported or taxed (1 at the reference price), in nominal US "
            "dollars: not converted to another year's prices and not discounted.</p>")


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
    return head[~quiet], (f'<p class="muted">Left out as 0 in every replication ({esc(said)}); '
                          "summary.csv has every row.</p>")


def _has_state_rows(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` has a ``state_time_share`` row (labelled or not)."""
    return bool(frame["metric"].map(base_metric).eq("state_time_share").any()) \
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
                          f"left out ({esc(said)}); summary.csv has their rows of 0.</p>")


def run_report_figure_plan(res: Results) -> list[tuple[str, Any]]:
    """The figures of a run that the run report's figures section shows
    (:func:`sim.output.figures.run_figure_plan` but the calendar, which
    :func:`timeline_section` draws)."""
    from sim.output.figures import run_figure_plan

    return [(stem, draw) for stem, draw in run_figure_plan(res) if stem != "timeline"]


def calendar_drawn(sc: Any) -> bool:
    """Whether :func:`timeline_section` draws a calendar of ``sc``'s shocks and policies."""
    from sim.output.shock_text import bars, describe_shocks

    return bool(describe_shocks(sc)) and bool(bars(sc))


def run_report_html(res: Results, manifest: dict[str, Any] | None = None) -> str:
    """The HTML report of one run."""
    from sim.output.figures import drawn

    manifest = manifest if manifest is not None else res.info.get("manifest", {})
    sc = res.scenario
    summary = res.summary()
    # drawn as they are embedded, below; the calendar is the timeline section's
    figures = drawn(run_report_figure_plan(res))
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
    defined = {base_metric(m) for m in full_head["metric"]} | {"refined_share"}
    channel_terms = more_terms(channels, defined)
    # those site_definitions defines: the ones the table by site shows (review 218: the
    # closed_days it left out as 0 were defined nowhere, though "Every KPI" shows them)
    defined |= set(SITE_DEFINED) & set(sites.get("metric", pd.Series(dtype=str)))
    site_terms = more_terms(sites, defined)
    every_terms = more_terms(every, defined)
    # what sim run said of the scenario before running it (a policy that cannot act)
    body = [f'<section id="run"><h2>Run</h2>{_run_meta(res, manifest)}'
            f"{notes_html(scenario_notes(res, manifest))}</section>",
            '<section id="kpis"><h2>Key results</h2>',
            means_paragraph(res.n, summary),
            CLIPPED_NOTE if res.n > 1 else "",
            names_used(res, [channels, sites, every]),
            "<h3>Headline KPIs by commodity</h3>",
            table(rounded_money(not_applicable(head)), NUMERIC, cls="kpi headline"),
            quiet,
            # as the comparison's report (review 191); the rows left out as 0 too, which
            # the note above names
            metric_definitions(full_head),
            cap_paragraph(capped_runs(res), counts=counts),
            price_basis_paragraph(res, manifest, [head, sites, every]),
            money_paragraph(summary, res),
            fixed_price_paragraph([("", res)]),
            unpriced_paragraph(unpriced(sc, summary)),
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
    body += [figure_html(fig, caption, stem) for stem, caption, fig in figures]
    body.append("</section>")
    body.append(timeline_section(res))
    body.append(assumptions_section(res, manifest))
    nav = [("run", "Run"), ("kpis", "Key results"), ("figures", "Figures"),
           ("timeline", "Timeline"), ("assumptions", "Assumptions and sources")]
    return html_page(f"{sc.title or sc.name}: simulation report", nav, "".join(body))


# ===================================================================== comparison folders
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
    see :func:`sim.experiment.compare_folder.comparison_record`): ``sim compare`` on its items
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
    :func:`sim.experiment.compare_folder.comparison_record` records it; ``sha256`` the scenario
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


def period_check(named: Sequence[tuple[str, Results]]) -> tuple[str | None, list[str]]:
    """Whether the runs measure different periods: the note of ``sim compare`` (None if
    they all measure one period), and the labels of the runs whose period differs from
    the reference's (their differences are partly the period's, so they are
    not ranked)."""
    # sim compare's own rule and wording, so the report and the comparison agree
    from sim.experiment.compare import Arm
    from sim.experiment.compare_notes import period_notes

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
    from sim.experiment.compare import Arm
    from sim.experiment.compare_notes import series_period_notes

    return series_period_notes([Arm(name, name, res.scenario, res.seed, fixed=res)
                                for name, res in named])


def pairing_notes(named: Sequence[tuple[str, Results]]) -> list[str]:
    """What sim compare notes of runs read from folders: different seeds (its own note,
    so the report and the comparison agree), differences the same in every pair by chance
    (:func:`sim.experiment.compare_table.alike_notes`), and, where the runs differ in their
    replication numbers, which numbers the differences pair."""
    from sim.experiment.compare import Arm
    from sim.experiment.compare_notes import seed_notes
    from sim.experiment.compare_table import alike_notes

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
    from sim.experiment.compare import Arm
    from sim.experiment.compare_notes import (
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
    from sim.experiment.compare_notes import labelled_notes

    return labelled_notes([name for name, _res in named],
                          [scenario_notes(res) for _name, res in named])


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


# ================================================================================ entry
@dataclass
class Report:
    """A report written: where, and what the reader should know before opening it
    (plain sentences, for the terminal)."""

    path: Path
    notes: list[str] = field(default_factory=list)


def write_report(folder: str | Path, out: str | Path | None = None,
                 reference: str | None = None, *,
                 on_read: Callable[[int], object] | None = None,
                 on_draw: Callable[[], object] | None = None,
                 on_figure: Callable[[int, int], object] | None = None) -> Report:
    """Write the report of a run or comparison folder to ``out`` (default
    ``folder/report.html``); ``reference`` (a run folder's name) is the reference of a
    comparison instead of the one :func:`compare_members` takes.

    For a progress display (the command line's, review 229: 10-19 s silent on big
    folders): ``on_read`` is called with the count of results folders before they are
    read, ``on_draw`` before the figures and the page are made, ``on_figure`` with
    ``(0, figures)`` then and ``(k, figures)`` once the k-th figure is drawn (review 239:
    the figures are most of the 10 to 20 s).

    Raises :class:`~sim.output.errors.FolderError` if ``folder`` holds neither, or holds
    a run ``sim run`` did not finish (the message gives the command that finishes it).
    """
    # here, not at the top: compare_report imports this module's helpers
    from sim.output.compare_report import compare_report_figure_count, compare_report_html

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
        with _counting(on_figure, lambda: len(run_report_figure_plan(res))
                       + calendar_drawn(res.scenario)):
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
        kpis = _named_kpis(folder)
        with _counting(on_figure, lambda: compare_report_figure_count(named, kpis)):
            text = compare_report_html(named, extra, f"{members.reason}{choose}",
                                       page_notes, kpis=kpis, ran=ran_labels(info))
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


def _counting(on_figure: Callable[[int, int], object] | None, total: Callable[[], int]
              ) -> contextlib.AbstractContextManager[object]:
    """The count of the report's figures (``total()`` of them, asked only if counted)
    reported to ``on_figure`` from ``(0, total)`` on (:func:`figure_html` counts them)."""
    if on_figure is None:
        return contextlib.nullcontext()
    from sim.output.figures import FigureCount

    count = FigureCount(on_figure, total())
    count.begin()
    return count


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
