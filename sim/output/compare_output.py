"""What a comparison leaves on disk and prints: tables, a Markdown summary and figures.

``write_comparison(comp, DIR)`` writes::

    DIR/
      compare.csv              every KPI x scenario: mean and CI, paired difference from the
                               reference with its CI, relative change, share positive
      compare.md               the headline KPIs as Markdown tables, with the method
      comparison.json          scenarios, sources, seeds, replications, stopping; written last
      figures/compare-forest.png, .svg     paired differences with 95% CIs
      figures/compare-series.png, .svg     deliveries and price index over time, each
                                           scenario's mean with its 5-95% band
      <label>/                 a results folder per scenario that was run

Figures use matplotlib's object API (no pyplot state).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.output.folder import atomic_write_bytes, atomic_write_text, json_safe, sha256_of, versions
from sim.output.tables import HEADLINE, _fmt

if TYPE_CHECKING:
    from sim.experiment.compare import Comparison
    from sim.experiment.results import Results

FOREST_METRICS = ["delivered_t", "exported_t", "consumed_t", "shortfall_t", "stock_end_t",
                  "mean_lead_time_days", "price_peak_ratio"]
"""Rows of the forest plot, per commodity (totals over channels and sites)."""
COLORS = ["#222222", "#c0392b", "#2e6fb5", "#2a9d8f", "#8e44ad", "#d68910", "#7f8c8d"]
"""The reference in near-black, then one colour per compared scenario."""


# ---------------------------------------------------------------------------------------
# Text


def _pct(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:+.1%}"


def _share(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.0%}"


def _ci(low: float, high: float) -> str:
    if math.isnan(low):
        return "-"
    return f"[{_fmt(low)}, {_fmt(high)}]"


def _headline_rows(comp: Comparison, label: str, metrics: Sequence[str] | None
                   ) -> list[tuple[str, ...]]:
    head = comp.headline(metrics)
    ref = head[head["scenario"] == comp.reference].set_index(["commodity", "metric"])
    rows = []
    for r in head[head["scenario"] == label].itertuples(index=False):
        key = (r.commodity, r.metric)
        ref_mean = ref["mean"].get(key, math.nan)
        rows.append((r.commodity, r.metric, _fmt(ref_mean), _fmt(r.mean), _fmt(r.diff),
                     _ci(r.diff_ci_low, r.diff_ci_high), _pct(r.rel_change),
                     _share(r.share_positive), r.unit))
    return rows


def _columns(comp: Comparison, label: str) -> tuple[str, ...]:
    return ("commodity", "metric", comp.reference, label, "difference", "95% CI", "change",
            "P(diff>0)", "unit")


def comparison_text(comp: Comparison, metrics: Sequence[str] | None = None) -> str:
    """The headline KPIs of every scenario against the reference, as terminal tables."""
    blocks = [_method(comp)]
    for label in comp.labels[1:]:
        rows = _headline_rows(comp, label, metrics)
        head = _columns(comp, label)
        widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
        lines = ["  ".join(str(v).ljust(w) if i < 2 or i == len(head) - 1 else str(v).rjust(w)
                           for i, (v, w) in enumerate(zip(row, widths, strict=True)))
                 for row in [head, *rows]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        blocks.append(f"{label} vs {comp.reference} (reference):\n" + "\n".join(lines))
    if comp.stop is not None:
        blocks.append(comp.stop.message())
    blocks += [f"note: {n}" for n in comp.notes]
    return "\n\n".join(blocks)


def _method(comp: Comparison) -> str:
    n = len(comp.replications)
    if comp.crn:
        how = (f"common random numbers (every scenario uses root seed {comp.seeds[0]}; "
               "shared components draw the same random numbers)")
    else:
        how = "replications paired by number, but run with different seeds (no common random numbers)"
    return (f"Comparison of {len(comp.labels)} scenarios against {comp.reference}: {n} paired "
            f"replication(s), {how}. Difference = scenario - reference, mean over replications "
            "with a 95% Student-t interval; change = difference / reference mean; "
            "P(diff>0) = share of replications in which the difference is positive.")


def comparison_markdown(comp: Comparison, metrics: Sequence[str] | None = None) -> str:
    """``compare.md``: the method and one Markdown table per compared scenario."""
    parts = [f"# Comparison: {' vs '.join(comp.labels[1:])} against {comp.reference}", "",
             _method(comp), ""]
    parts += ["| scenario | source | seed |", "|---|---|---|"]
    parts += [f"| {lab} | `{src}` | {seed} |"
              for lab, src, seed in zip(comp.labels, comp.sources, comp.seeds, strict=True)]
    parts.append("")
    for label in comp.labels[1:]:
        head = _columns(comp, label)
        parts += [f"## {label} vs {comp.reference}", "",
                  "| " + " | ".join(head) + " |",
                  "|" + "|".join(["---", "---", *["---:"] * (len(head) - 3), "---"]) + "|"]
        parts += ["| " + " | ".join(row) + " |" for row in _headline_rows(comp, label, metrics)]
        parts.append("")
    if comp.stop is not None:
        parts += [comp.stop.message(), ""]
    parts += [f"Note: {n}" for n in comp.notes]
    parts += ["Every KPI (by channel and site too) is in `compare.csv`; totals over channels "
              "and sites are shown here.", ""]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------
# Figures


def forest_figure(comp: Comparison, metrics: Sequence[str] = FOREST_METRICS) -> Figure:
    """Paired differences from the reference with 95% CIs, one row per (commodity,
    metric), on a common axis of percent of the reference mean; each row is annotated with
    the absolute difference and its unit."""
    t = comp.table
    tot = t[(t["channel"] == "all") & (t["site"] == "all") & t["metric"].isin(metrics)]
    ref = tot[tot["scenario"] == comp.reference].set_index(["commodity", "metric"])
    keys = [(c, m) for c in dict.fromkeys(tot["commodity"]) for m in metrics
            if (c, m) in ref.index]
    others = comp.labels[1:]
    height = 1.2 + 0.34 * max(1, len(keys)) * max(1, len(others)) ** 0.5
    fig = Figure(figsize=(10, height), layout="constrained")
    ax = fig.add_subplot()
    offsets = np.linspace(-0.25, 0.25, len(others)) if len(others) > 1 else np.zeros(1)
    labelled: set[str] = set()
    for a, label in enumerate(others):
        rows = tot[tot["scenario"] == label].set_index(["commodity", "metric"])
        for i, key in enumerate(keys):
            if key not in rows.index:
                continue
            r = rows.loc[key]
            ref_mean = ref.loc[key, "mean"]
            y = i + offsets[a]
            unit = r["unit"]
            text = f"{_fmt(r['diff'])} {unit} {_ci(r['diff_ci_low'], r['diff_ci_high'])}"
            if ref_mean and not math.isnan(ref_mean) and not math.isnan(r["diff"]):
                x = 100 * r["diff"] / abs(ref_mean)
                lo = 100 * r["diff_ci_low"] / abs(ref_mean)
                hi = 100 * r["diff_ci_high"] / abs(ref_mean)
                err = None if math.isnan(lo) else [[x - lo], [hi - x]]
                ax.errorbar([x], [y], xerr=err, fmt="o", color=COLORS[(a + 1) % len(COLORS)],
                            ms=5, capsize=3, label=None if label in labelled else label)
                labelled.add(label)
            else:
                text += " (reference 0)"
            ax.annotate(text, xy=(1.01, y), xycoords=("axes fraction", "data"), fontsize=7,
                        va="center", color=COLORS[(a + 1) % len(COLORS)],
                        annotation_clip=False)
    ax.axvline(0, color="#888888", lw=0.8)
    ax.set_yticks(range(len(keys)), [f"{c} {m}" for c, m in keys], fontsize=8)
    ax.set_ylim(len(keys) - 0.5, -0.5)
    ax.set_xlabel(f"paired difference from {comp.reference} (% of the reference mean; "
                  "absolute difference and unit at right)")
    crn = "common random numbers" if comp.crn else "no common random numbers"
    ax.set_title(f"Scenario minus {comp.reference}: mean paired difference and 95% CI "
                 f"({len(comp.replications)} replications, {crn})", fontsize=10)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    if labelled:
        ax.legend(loc="lower left", fontsize=8)
    if not keys:
        ax.text(0.5, 0.5, "no headline KPIs in common", transform=ax.transAxes, ha="center")
    return fig


def _summed_series(res: Results, commodity: str, metric: str) -> tuple[np.ndarray, np.ndarray,
                                                                       str] | None:
    """[replication, period] of a series summed over its keys (averaged for a price
    index), with the dates and unit; None if the scenario has no such series."""
    idx = [i for i, (c, m, _k, _u) in enumerate(res.catalogue.keys)
           if c == commodity and m == metric]
    if not idx:
        return None
    cube = res.series_values[:, idx, :].astype(float)
    values = cube.mean(axis=1) if metric == "price_index" else cube.sum(axis=1)
    dates = np.asarray(res.catalogue.dates, dtype="datetime64[D]")
    return values, dates, res.catalogue.keys[idx[0]][3]


def series_figure(comp: Comparison, metrics: Sequence[str] = ("delivered_t", "price_index"),
                  band: tuple[float, float] = (0.05, 0.95)) -> Figure:
    """Each scenario's mean over replications with its 5-95% band, overlaid, per commodity
    (rows) and metric (columns), against calendar dates."""
    import matplotlib.dates as mdates

    commodities = list(dict.fromkeys(c for res in comp.results for c in res.scenario.commodities))
    fig = Figure(figsize=(5.2 * len(metrics), 2.6 * max(1, len(commodities))),
                 layout="constrained")
    axes = fig.subplots(max(1, len(commodities)), len(metrics), squeeze=False)
    for i, com in enumerate(commodities):
        for j, metric in enumerate(metrics):
            ax = axes[i][j]
            unit, period = "", None
            # the reference last, dashed and on top: with common random numbers it often
            # coincides with a scenario until the scenarios diverge
            arms = list(enumerate(zip(comp.labels, comp.results, strict=True)))
            for a, (label, res) in arms[1:] + arms[:1]:
                got = _summed_series(res, com, metric)
                if got is None:
                    continue
                values, dates, unit = got
                when = dates.astype("datetime64[D]").astype(dt.date)
                color = COLORS[a % len(COLORS)]
                ax.fill_between(when, np.quantile(values, band[0], axis=0),
                                np.quantile(values, band[1], axis=0), color=color, alpha=0.15,
                                lw=0)
                ax.plot(when, values.mean(axis=0), color=color, lw=1.4, label=label,
                        ls="--" if a == 0 else "-", zorder=3 if a == 0 else 2)
                period = res.catalogue.period_days
            if metric == "price_index":
                ylabel = "price index (1 = reference price)"
            else:
                ylabel = (f"{metric.removesuffix('_t')} ({unit} per {period} days)" if period
                          else metric)
            ax.set_ylabel(ylabel, fontsize=8)
            ax.set_title(f"{com}: {metric}", fontsize=9)
            locator = mdates.AutoDateLocator()
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _fmt(v)))
            ax.tick_params(labelsize=7)
            ax.grid(color="#eeeeee", lw=0.6)
            if i == 0 and j == 0:
                ax.legend(fontsize=7, title=f"mean, {band[0]:.0%}-{band[1]:.0%} band",
                          title_fontsize=7)
    fig.suptitle("Scenarios over time (mean across replications, shaded: "
                 f"{band[0]:.0%}-{band[1]:.0%} of replications)", fontsize=10)
    return fig


def save_figure(fig: Figure, stem: Path) -> list[Path]:
    """Save ``fig`` as ``stem.png`` and ``stem.svg`` (atomically); return the paths."""
    import io

    paths = []
    for suffix in (".png", ".svg"):
        buf = io.BytesIO()
        fig.savefig(buf, format=suffix[1:], dpi=150, metadata=_no_dates(suffix))
        path = stem.with_suffix(suffix)
        atomic_write_bytes(path, buf.getvalue())
        paths.append(path)
    return paths


def _no_dates(suffix: str) -> dict[str, Any]:
    # Leave creation dates out so the same results give byte-identical figures.
    return {"Date": None} if suffix == ".svg" else {}


# ---------------------------------------------------------------------------------------
# The folder


def write_comparison(comp: Comparison, out: Path, figures: bool = True,
                     metrics: Sequence[str] | None = None) -> dict[str, Path]:
    """Write ``compare.csv``, ``compare.md``, the figures and, last, ``comparison.json``."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    csv = comp.table.to_csv(index=False, float_format="%.10g")
    atomic_write_text(out / "compare.csv", csv)
    files["compare.csv"] = out / "compare.csv"
    atomic_write_text(out / "compare.md", comparison_markdown(comp, metrics))
    files["compare.md"] = out / "compare.md"
    if figures:
        for path in save_figure(forest_figure(comp), out / "figures" / "compare-forest"):
            files[f"figures/{path.name}"] = path
        for path in save_figure(series_figure(comp), out / "figures" / "compare-series"):
            files[f"figures/{path.name}"] = path
    info = {
        "format": "drc-minerals-sim comparison 1",
        "reference": comp.reference,
        "scenarios": [{"label": lab, "source": src, "seed": seed}
                      for lab, src, seed in zip(comp.labels, comp.sources, comp.seeds,
                                                strict=True)],
        "replication_ids": comp.replications,
        "common_random_numbers": comp.crn,
        "stopping": comp.stop.as_dict() if comp.stop is not None else None,
        "notes": comp.notes,
        "wall_s": round(comp.wall_s, 3),
        "versions": versions(),
        "files": {name: {"sha256": sha256_of(p), "bytes": p.stat().st_size}
                  for name, p in files.items()},
    }
    atomic_write_text(out / "comparison.json",
                      json.dumps(json_safe(info), indent=2, default=str, allow_nan=False))
    return files


def headline_frame(comp: Comparison) -> pd.DataFrame:
    """The headline rows of the table (for notebooks)."""
    return comp.headline(HEADLINE)
