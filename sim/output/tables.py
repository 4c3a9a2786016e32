"""Short text tables for the terminal."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

HEADLINE = ["mined_t", "exported_t", "delivered_t", "consumed_t", "shortfall_t",
            "mean_lead_time_days", "price_peak_ratio", "stock_end_t", "in_transit_end_t"]


def format_number(x: float | None) -> str:
    """A number for a table: thousands separators, three significant figures below 1,
    ``-`` for a missing value."""
    if x is None or x != x:  # NaN
        return "-"
    ax = abs(x)
    if ax >= 100:
        return f"{x:,.0f}"
    if ax >= 1:
        return f"{x:,.2f}"
    if ax == 0:
        return "0"
    return f"{x:.3g}"


def clip_intervals(summary: pd.DataFrame) -> pd.DataFrame:
    """A copy of a KPI summary with each ``ci_low``/``ci_high`` clipped to the range its
    KPI can take (:func:`sim.metrics.kpis.kpi_bounds`): at small n a Student-t interval
    of a share near 1, or of a stock near 0, runs past what the KPI can be."""
    from sim.metrics.kpis import kpi_bounds

    out = summary.copy()
    bounds = np.array([kpi_bounds(m, u)
                       for m, u in zip(summary["metric"], summary["unit"], strict=True)],
                      dtype=float).reshape(-1, 2)
    for col in ("ci_low", "ci_high"):
        out[col] = np.clip(out[col].to_numpy(dtype=float), bounds[:, 0], bounds[:, 1])
    return out


PRICE_PEAK = "price_peak_ratio"
AT_CAP = f"{PRICE_PEAK} (at the cap)"


def price_caps(scenario: Any) -> dict[str, float]:
    """Each commodity's price cap (``price_cap_ratio``) in ``scenario``."""
    return {c: float(com.price_cap_ratio) for c, com in scenario.commodities.items()}


def at_cap(value: float, cap: float) -> bool:
    """Whether a price index (or its peak) ``value`` is at the cap ``cap``: the index
    never rises above it (the figures and the report use this test too)."""
    return not math.isnan(value) and value >= cap * (1 - 1e-9)


def capped_prices(summary: pd.DataFrame, caps: dict[str, float]) -> dict[str, float]:
    """The commodities whose mean price peak is at the cap (every replication's price index
    reached it), with the cap."""
    s = summary[(summary["channel"] == "all") & (summary["site"] == "all")
                & (summary["metric"] == PRICE_PEAK)]
    return {c: caps[c] for c, m in zip(s["commodity"], s["mean"], strict=True)
            if c in caps and at_cap(float(m), caps[c])}


def cap_note(capped: dict[str, float], where: str = "") -> str:
    """A line naming the price peaks at the cap ("" if none); ``where`` names the
    scenario (in a comparison)."""
    if not capped:
        return ""
    which = ", ".join(f"{c} ({cap:g})" for c, cap in capped.items())
    return (f"note: price peak at the cap{where}: {which}. The price index reached the "
            "scenario's price_cap_ratio in every replication and never rises above it, so "
            "the peak shows the cap, not how high the price would have gone")


def price_modelled(scenario: Any, commodity: str) -> bool:
    """Whether ``commodity``'s price index can move in ``scenario``: it has a price response
    (``demand_elasticity``), or the ``price_factor`` of some event, incident or regime state
    reaches it (a shock's targets without ``commodities`` reach every commodity)."""
    com = scenario.commodities.get(commodity)
    if com is None:
        return False
    if com.demand_elasticity is not None:
        return True
    shocks = scenario.shocks
    effects = [(ev.effects, ev.targets) for ev in shocks.events.values()]
    effects += [(inc.effects, inc.targets) for inc in shocks.incidents.values()]
    effects += [(state.effects, reg.targets) for reg in shocks.regimes.values()
                for state in reg.states.values()]
    return any(eff.price_factor is not None
               and (tg.commodities is None or commodity in tg.commodities)
               for eff, tg in effects)


def unpriced(scenario: Any, summary: pd.DataFrame) -> list[str]:
    """Commodities of ``scenario`` whose price is not modelled (:func:`price_modelled`) and
    whose index indeed never rose (mean peak 1 in ``summary``). Their price KPIs are 1 by
    definition, and a row "price_peak_ratio 1.00" would read as a price that did not
    move."""
    s = summary[(summary["channel"] == "all") & (summary["site"] == "all")
                & (summary["metric"] == PRICE_PEAK)]
    peak = dict(zip(s["commodity"], s["mean"], strict=True))
    return [c for c in scenario.commodities
            if not price_modelled(scenario, c) and peak.get(c, 1.0) == 1.0]


def unpriced_note(commodities: Sequence[str]) -> str:
    """A line saying whose price rows a table leaves out ("" if none)."""
    if not commodities:
        return ""
    return (f"note: price not modelled for {', '.join(commodities)} (no demand_elasticity): "
            "its price_peak_ratio is 1 by definition and is left out here (summary.csv "
            "keeps it)")


NOT_APPLICABLE = "n/a"
"""The mean of a KPI no replication had a value of (a time to recover where supply was never
short, a lead time where nothing was delivered)."""


def replications_note(replications: int, partial: bool, none: bool) -> str:
    """A line on means over fewer than all ``replications`` ("" if there are none):
    ``partial`` if some mean covers some of them, ``none`` if some KPI had no value in
    any."""
    if not (partial or none):
        return ""
    parts = []
    if partial:
        parts.append(f"'runs' says how many of the {replications} replications a mean is "
                     "over where it is not all of them: the KPI has no value in the others "
                     "(a lead time where nothing was delivered, a time to recover where "
                     "supply never fell short)")
    if none:
        parts.append(f"{NOT_APPLICABLE}: the KPI has no value in any replication")
    return "note: " + "; ".join(parts)


def headline_table(summary: pd.DataFrame, confidence: float = 0.95,
                   caps: dict[str, float] | None = None,
                   unpriced: Sequence[str] = (), replications: int | None = None) -> str:
    """Means with confidence intervals of the headline KPIs, by commodity (totals only),
    each interval clipped to what the KPI can take. With ``caps`` (each commodity's
    ``price_cap_ratio``, :func:`price_caps`), a price peak at the cap is named
    ``price_peak_ratio (at the cap)``, without an interval, and a note below says so. The
    price peaks of the ``unpriced`` commodities (:func:`unpriced`) are left out, with a
    note.

    A KPI that is NaN in some replications (nothing to measure there) has its mean over
    the others: a ``runs`` column then says over how many of the ``replications`` (the
    largest ``n`` of ``summary`` if not given), and a mean over none reads ``n/a``."""
    s = clip_intervals(summary[(summary["channel"] == "all") & (summary["site"] == "all")
                               & summary["metric"].isin(HEADLINE)])
    total = int(replications if replications is not None
                else (summary["n"].max() if len(summary) else 0))
    capped = capped_prices(summary, caps or {})
    rows = []
    for (com, metric), g in s.groupby(["commodity", "metric"], sort=False):
        r = g.iloc[0]
        n = int(r["n"])
        runs = f"{n} of {total}" if n < total else ""
        if metric == PRICE_PEAK and com in unpriced:
            continue
        if metric == PRICE_PEAK and com in capped:
            # the cap, not an estimate of how high the price went
            rows.append((com, AT_CAP, format_number(r["mean"]), "-", r["unit"], runs))
            continue
        if n == 0:
            rows.append((com, metric, NOT_APPLICABLE, "", r["unit"], runs))
            continue
        if pd.isna(r["ci_low"]):
            ci = ""
        elif r["ci_low"] == r["ci_high"]:
            ci = "(all equal)"  # no spread across replications, not certainty
        else:
            ci = f"[{format_number(r['ci_low'])}, {format_number(r['ci_high'])}]"
        rows.append((com, metric, format_number(r["mean"]), ci, r["unit"], runs))
    order = {m: i for i, m in enumerate(HEADLINE)}
    order[AT_CAP] = order[PRICE_PEAK]
    rows.sort(key=lambda x: (x[0], order.get(x[1], 99)))
    partial = any(r[5] and r[2] != NOT_APPLICABLE for r in rows)
    none = any(r[2] == NOT_APPLICABLE for r in rows)
    head: tuple[str, ...] = ("commodity", "metric", "mean", f"{confidence:.0%} CI", "unit",
                             "runs")
    if not (partial or none):
        # every mean is over every replication: no column to say so
        head, rows = head[:5], [r[:5] for r in rows]
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(str(v).ljust(w) if i < 2 else str(v).rjust(w)
                       for i, (v, w) in enumerate(zip(row, widths, strict=True)))
             for row in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [n for n in (cap_note(capped), unpriced_note(unpriced),
                         replications_note(total, partial, none)) if n]
    return "\n".join([*lines, *notes])


def channel_table(summary: pd.DataFrame) -> str:
    """Mean share of delivered metal by channel, per commodity; a commodity of which
    nothing was delivered (every share undefined or 0: a horizon shorter than the journey)
    says so instead of listing no channel."""
    s = summary[(summary["metric"] == "delivered_share") & (summary["site"] == "all")]
    if s.empty:
        return ""
    lines = []
    for com, g in s.groupby("commodity", sort=False):
        parts = [f"{r.channel} {r.mean:.1%}" for r in g.itertuples() if r.mean and r.mean > 0]
        lines.append(f"  {com}: " + (", ".join(parts) or "none delivered"))
    return "Delivered by channel (mean share):\n" + "\n".join(lines)
