"""Short text tables for the terminal."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.stats import at_cap, cap_runs  # read from here too (review 231)
from sim.metrics.kpis import HEADLINE, PRICE_PEAK  # read from here too (review 231)
from sim.scenario.prices import price_modelled  # read from here too (review 231)
from sim.scenario.schema import Commodity
from sim.words import and_list


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


def clip_intervals(summary: pd.DataFrame,
                   caps: Mapping[str, float] | None = None) -> pd.DataFrame:
    """A copy of a KPI summary with each ``ci_low``/``ci_high`` clipped to the range its
    KPI can take (:func:`sim.metrics.kpis.kpi_bounds`): at small n a Student-t interval
    of a share near 1, or of a stock near 0, runs past what the KPI can be. With ``caps``
    (:func:`price_caps`) a price peak's interval is clipped to its commodity's
    ``price_cap_ratio`` too: the index never rises above it."""
    from sim.metrics.kpis import kpi_bounds

    out = summary.copy()
    bounds = np.array([kpi_bounds(m, u)
                       for m, u in zip(summary["metric"], summary["unit"], strict=True)],
                      dtype=float).reshape(-1, 2)
    for col in ("ci_low", "ci_high"):
        out[col] = np.clip(out[col].to_numpy(dtype=float), bounds[:, 0], bounds[:, 1])
    if caps:
        top = np.array([caps.get(c, np.inf) if m == PRICE_PEAK else np.inf
                        for c, m in zip(summary["commodity"], summary["metric"], strict=True)],
                       dtype=float)
        for col in ("ci_low", "ci_high"):
            out[col] = np.minimum(out[col].to_numpy(dtype=float), top)
    return out


AT_CAP = f"{PRICE_PEAK} (at the cap)"


DEFAULT_PRICE_CAP = float(Commodity.model_fields["price_cap_ratio"].default)
"""``price_cap_ratio`` where a scenario gives none."""


def ci_level(confidence: float) -> str:
    """A confidence level as a table heading writes it: ``95%``, ``50%``, ``99.5%``."""
    return f"{confidence * 100:g}%"


def price_caps(scenario: Any) -> dict[str, float]:
    """Each commodity's price cap (``price_cap_ratio``) in ``scenario``."""
    return {c: float(com.price_cap_ratio) for c, com in scenario.commodities.items()}


def capped_prices(summary: pd.DataFrame, caps: dict[str, float]) -> dict[str, float]:
    """The commodities whose mean price peak is at the cap (every replication's price index
    reached it), with the cap."""
    s = summary[(summary["channel"] == "all") & (summary["site"] == "all")
                & (summary["metric"] == PRICE_PEAK)]
    return {c: caps[c] for c, m in zip(s["commodity"], s["mean"], strict=True)
            if c in caps and at_cap(float(m), caps[c])}


def capped_runs(res: Any, replications: Sequence[int] | None = None) -> dict[str, float]:
    """:func:`cap_runs` as :func:`capped_prices` gives it: commodity and cap."""
    return {c: cap for c, (cap, _k, _n) in cap_runs(res, replications).items()}


def cap_count(counts: Mapping[str, tuple[float, int, int]] | None, commodity: str) -> str:
    """``" in 3 of 4"`` where ``commodity``'s price peak is at the cap in some replications
    only (:func:`cap_runs`), else ""."""
    if not counts or commodity not in counts:
        return ""
    _cap, k, n = counts[commodity]
    return f" in {k} of {n}" if k < n else ""


def both_at_cap(named: Sequence[tuple[str, Mapping[str, tuple[float, int, int]] | None]],
                commodity: str) -> str:
    """The label's note for a price peak at the cap in both scenarios of a pair, each
    ``(name, counts)`` (:func:`cap_runs`): ``"both at the cap"`` where both are in every
    replication, else with each one's count (``"both at the cap: baseline in 3 of 4,
    ban in every replication"``), which the bound's reading depends on."""
    said = [(name, cap_count(counts, commodity)) for name, counts in named]
    if not any(some for _name, some in said):
        return "both at the cap"
    return "both at the cap: " + ", ".join(
        f"{name}{some or ' in every replication'}" for name, some in said)


def cap_note(capped: dict[str, float], where: str = "",
             counts: Mapping[str, tuple[float, int, int]] | None = None,
             side: str = "") -> str:
    """A line naming the price peaks at the cap ("" if none); ``where`` names the
    scenario (in a comparison); ``counts`` (:func:`cap_runs`) says in how many
    replications where not all. ``side`` says what a difference (scenario minus
    reference) from the peaks is: ``"scenario"`` (a lower bound), ``"reference"`` (an
    upper bound: the capped reference's true peak is higher), ``"both"`` (neither), or
    several joined by ``+`` (``"reference+both"``: a reference whose note some scenarios at
    the cap share, others not); "" (one run, no difference) says nothing of one."""
    if not capped:
        return ""
    partial = {c: cap_count(counts, c) for c in capped if cap_count(counts, c)}
    # the full note says the mean is the cap, not that it is a bound: no "too" there
    too = " too" if partial else ""
    # the reference's peak held down makes a difference from it too large, not too small
    clauses = {
        "scenario": ("; a difference from a reference not at the cap is a lower bound"
                     f"{too} (at least)"),
        "reference": ("; a difference of a scenario not at the cap from it is an upper "
                      "bound (at most)"),
        "both": "; a difference between two peaks at the cap is neither an estimate nor a "
                "bound",
    }
    # "at least +900%" read as a finding about the market; the cap is the schema's guard
    # unless a scenario sets (and cites) its own (review 111)
    difference = (f". Unless the scenario sets price_cap_ratio, the cap is the model's "
                  f"default of {DEFAULT_PRICE_CAP:g}: a guard so that a total stop does not "
                  "give an infinite price, not a sourced figure"
                  + "".join(clauses.get(s, "") for s in side.split("+")))
    if not partial:
        which = ", ".join(f"{c} ({cap:g})" for c, cap in capped.items())
        return (f"note: price peak at the cap{where}: {which}. The price index reached the "
                "scenario's price_cap_ratio in every replication and never rises above it, "
                "so the peak shows the cap, not how high the price would have gone"
                f"{difference}")
    which = ", ".join(f"{c} ({cap:g}, at the cap"
                      + (f"{partial[c]} replications)" if c in partial
                         else " in every replication)")
                      for c, cap in capped.items())
    return (f"note: price peak at the cap{where}: {which}. The price index never rises above "
            "the scenario's price_cap_ratio, so the replications at it hold the mean peak "
            "down: the mean is a lower bound of how high the price would have gone, not an "
            f"estimate, and is given without an interval{difference}")


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
                   unpriced: Sequence[str] = (), replications: int | None = None,
                   counts: Mapping[str, tuple[float, int, int]] | None = None,
                   releases_into: Mapping[tuple[str, str], Sequence[str]] | None = None
                   ) -> str:
    """Means with confidence intervals of the headline KPIs, by commodity (totals only),
    and below them the notes :func:`headline_table_notes` gives (see :func:`_headline`)."""
    lines, notes = _headline(summary, confidence, caps, unpriced, replications, counts,
                             releases_into)
    return "\n".join([*lines, *notes])


def headline_table_notes(summary: pd.DataFrame, confidence: float = 0.95,
                         caps: dict[str, float] | None = None,
                         unpriced: Sequence[str] = (), replications: int | None = None,
                         counts: Mapping[str, tuple[float, int, int]] | None = None,
                         releases_into: Mapping[tuple[str, str], Sequence[str]] | None = None
                         ) -> list[str]:
    """The notes (each beginning ``note: ``) :func:`headline_table` prints below its
    table, given the same arguments: a price peak at the cap, prices not modelled, means
    over some replications only, the stockpile rules."""
    return _headline(summary, confidence, caps, unpriced, replications, counts,
                     releases_into)[1]


def _headline(summary: pd.DataFrame, confidence: float = 0.95,
              caps: dict[str, float] | None = None,
              unpriced: Sequence[str] = (), replications: int | None = None,
              counts: Mapping[str, tuple[float, int, int]] | None = None,
              releases_into: Mapping[tuple[str, str], Sequence[str]] | None = None
              ) -> tuple[list[str], list[str]]:
    """The lines of :func:`headline_table`'s table and the notes below it. Means with
    confidence intervals of the headline KPIs, by commodity (totals only),
    each interval clipped to what the KPI can take. With ``caps`` (each commodity's
    ``price_cap_ratio``, :func:`price_caps`), a price peak at the cap is named
    ``price_peak_ratio (at the cap)``, without an interval, and a note below says so; with
    ``counts`` (:func:`cap_runs` of the run) a peak at the cap in some replications only is
    too, ``price_peak_ratio (at the cap in 3 of 4)``: its mean is a lower bound. The
    price peaks of the ``unpriced`` commodities (:func:`unpriced`) are left out, with a
    note.

    A KPI that is NaN in some replications (nothing to measure there) has its mean over
    the others: a ``runs`` column then says over how many of the ``replications`` (the
    largest ``n`` of ``summary`` if not given), and a mean over none reads ``n/a``. The
    note on stockpile rules below it (:func:`stockpile_note`) names the markets they
    release into with ``releases_into`` (:func:`stockpile_markets` of the scenario)."""
    shown = summary["metric"].isin(HEADLINE) | (summary["metric"].isin(POLICY_TOTALS)
                                                 & summary["mean"].fillna(0).ne(0))
    s = clip_intervals(summary[(summary["channel"] == "all") & (summary["site"] == "all")
                               & shown], caps)
    total = int(replications if replications is not None
                else (summary["n"].max() if len(summary) else 0))
    capped = capped_prices(summary, caps or {})
    if counts:
        capped = {**capped, **{c: cap for c, (cap, _k, _n) in counts.items()}}
    rows = []
    for (com, metric), g in s.groupby(["commodity", "metric"], sort=False):
        r = g.iloc[0]
        n = int(r["n"])
        runs = f"{n} of {total}" if n < total else ""
        if metric == PRICE_PEAK and com in unpriced:
            continue
        if metric == PRICE_PEAK and com in capped:
            # the cap, not an estimate of how high the price went
            rows.append((com, f"{PRICE_PEAK} (at the cap{cap_count(counts, com)})",
                         format_number(r["mean"]), "-", r["unit"], runs))
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
    order = {m: i for i, m in enumerate((*HEADLINE, *POLICY_TOTALS))}
    rows.sort(key=lambda x: (x[0], order.get(x[1].split(" (")[0], 99)))
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
    notes = [n for n in (cap_note(capped, "", counts), unpriced_note(unpriced),
                         replications_note(total, partial, none),
                         stockpile_note(summary, releases_into)) if n]
    return lines, notes


def stockpile_markets(scenario: Any) -> dict[tuple[str, str], list[str]]:
    """The markets the stockpile rules of ``scenario`` release into, by (commodity,
    stockpile site), in file order: what :func:`stockpile_note` reads ``released_t``
    against."""
    out: dict[tuple[str, str], list[str]] = {}
    for rule in scenario.policies.stockpiles.values():
        markets = out.setdefault((rule.commodity, rule.site), [])
        if rule.market not in markets:
            markets.append(rule.market)
    return out


def stockpile_note(summary: pd.DataFrame,
                   releases_into: Mapping[tuple[str, str], Sequence[str]] | None = None
                   ) -> str:
    """What each stockpile's rules moved (means of ``released_t`` and ``bought_back_t``
    over the replications), or that they released nothing: a rule whose triggers were
    never met ran without a word in the run's table (review 152). "" without rules.

    With ``releases_into`` (:func:`stockpile_markets`) it names the markets a stockpile
    released into, and says which of them were never short in the period (``shortfall_t``
    of the market 0 in every replication): a release helps only the market it goes into,
    so there it eased no shortage (review 192)."""
    rows = summary[summary["metric"].isin(("released_t", "bought_back_t"))
                   & (summary["site"] != "all")]
    parts = []
    for (com, site), g in rows.groupby(["commodity", "site"], sort=False):
        means = dict(zip(g["metric"], g["mean"], strict=True))
        released, bought = means.get("released_t", 0.0), means.get("bought_back_t", 0.0)
        markets = list((releases_into or {}).get((com, site), ()))
        into = f" into {and_list(markets)}" if released and markets else ""
        parts.append(f"{site} released {format_number(released)} t of {com}{into}"
                     + (f" and bought back {format_number(bought)} t" if bought else "")
                     + (" (its rules' triggers were never met, or it held nothing)"
                        if not released and not bought else
                        " (it released nothing: its release triggers were never met)"
                        if not released else _never_short(summary, com, markets)))
    return ("note: stockpile rules, means over the replications: " + "; ".join(parts)
            if parts else "")




def _never_short(summary: pd.DataFrame, com: str, markets: Sequence[str]) -> str:
    """The clause of :func:`stockpile_note` on the ``markets`` a stockpile released ``com``
    into that were never short in the period ("" if each of them was, or none is known)."""
    short = summary[(summary["metric"] == "shortfall_t") & (summary["commodity"] == com)
                    & (summary["channel"] == "all")].set_index("site")["mean"]
    # a shortfall is demand less consumption, exactly 0 on a day the market is supplied:
    # a mean of 0 is 0 in every replication
    never = [m for m in markets if m in short.index and short[m] <= 1e-9]
    if not never:
        return ""
    # what the market had anyway is consumed first, so a release into a market never
    # short stayed in its stock, unless it was what kept the market supplied: only a run
    # without the rule tells the two apart
    one = len(never) == 1
    return (f" ({and_list(never)} {'was' if one else 'were'} never short in the period: a "
            "release helps only the market it goes into, so what went there eased no "
            f"shortage and stayed in {'its stock' if one else 'their stocks'}, unless it was "
            f"what kept {'the market' if one else 'them'} supplied, which a run without the "
            "rule tells)")


def channel_table(summary: pd.DataFrame, keep: set[tuple[str, str]] | None = None) -> str:
    """Mean share of delivered metal by channel, per commodity; a commodity of which
    nothing was delivered (every share undefined or 0: a horizon shorter than the journey)
    says so instead of listing no channel. The (commodity, channel) pairs in ``keep`` (see
    :func:`targeted_channels`) are listed even at 0."""
    s = summary[(summary["metric"] == "delivered_share") & (summary["site"] == "all")]
    if s.empty:
        return ""
    keep = keep or set()
    lines = []
    for com, g in s.groupby("commodity", sort=False):
        parts = [f"{r.channel} {(r.mean if r.mean == r.mean else 0.0):.1%}"
                 for r in g.itertuples()
                 if (r.mean and r.mean > 0) or (com, r.channel) in keep]
        lines.append(f"  {com}: " + (", ".join(parts) or "none delivered"))
    return "Delivered by channel (mean share):\n" + "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Who controls supply

REFINED_LABEL = "refined (exporting country's refiners)"
"""How the tables name the KPI channel ``refined`` (:data:`sim.metrics.series.REFINED`)."""

REFINED_NOTE = (
    f"note: {REFINED_LABEL}: metal refined in the exporting country and shipped out by its "
    "refiners, which no channel carries; the channel rows plus this one add up to the "
    "totals. It has no delivered_share: that metal was delivered to its refiner under the "
    "channel that brought it there")
"""The line under a table with a ``refined`` channel row."""

CONTROL_HHI_NOTE = (
    "note: control_hhi counts the informal channel as one controller, however many armed "
    "groups and traders it stands for: output diverted into it from the leading channel "
    "lowers the index ('less concentrated'), and a scenario can raise it by hundreds while "
    "the leading channel's share rises only a few points, or even falls (as a small "
    "channel shrinks and another grows). Read who controls supply from the shares by "
    "channel (delivered_share), not from control_hhi")
"""What control_hhi does not say (under a table that shows it)."""

CONTROL_METRICS = ("control_hhi", "delivered_share", "exported_t", "taxed_t",
                   "refining_hhi", "refined_share")
"""Who controls supply: the concentration of control over channels, each channel's share
of the metal delivered, its exports and the output armed groups taxed from it (channel
rows), the concentration of refining by country and each country's share of the metal
refined (site ``country:<ISO3>``). The indices sit beside their shares (review 166: the
report's caveat on control_hhi came with no row of it); armed groups' hold, which no
channel share shows, beside the channels (review 235: under M23's advance gold's
informal share fell while the tonnes armed groups taxed rose)."""

CONTROL_COLUMNS = ["commodity", "metric", "by", "reference_mean", "mean", "diff",
                   "diff_ci_low", "diff_ci_high", "diff_n", "unit"]


def channel_label(channel: str) -> str:
    """A channel as the tables name it: ``refined`` spelt out (:data:`REFINED_LABEL`)."""
    from sim.metrics.series import REFINED

    return REFINED_LABEL if channel == REFINED else channel


def _control_kpis(table: pd.DataFrame) -> pd.Series:
    by_channel = (table["metric"].isin(["delivered_share", "exported_t", "taxed_t"])
                  & (table["channel"] != "all") & (table["site"] == "all"))
    by_country = ((table["metric"] == "refined_share") & (table["channel"] == "all")
                  & table["site"].astype(str).str.startswith("country:"))
    indices = (table["metric"].isin(["control_hhi", "refining_hhi"])
               & (table["channel"] == "all") & (table["site"] == "all"))
    return by_channel | by_country | indices


def control_rows(table: pd.DataFrame, reference: str, label: str,
                 results: Mapping[str, Any] | None = None,
                 replications: Sequence[int] | None = None,
                 confidence: float = 0.95) -> pd.DataFrame:
    """Who controls supply in scenario ``label`` against ``reference``, from a comparison
    table (:func:`sim.experiment.compare_table.compare_table`): control_hhi, delivered_share,
    exported_t and taxed_t (armed groups' hold) by channel, refining_hhi and refined_share
    by country (``by``: the channel, :func:`channel_label`, the ISO3 code, or ``all`` for
    an index), with the paired difference and its interval (``diff_ci_low``,
    ``diff_ci_high``; NaN without pairs). Shares are fractions, exports and taxes tonnes.

    Only rows whose mean is nonzero in either scenario (a channel idle in both says
    nothing), and, given ``results``, the rows of the channels an offtake deal or a
    diversion of either scenario moves output into (:func:`targeted_channels`), even at 0.
    A row only one scenario has (a channel the other does not define, a country
    refining in one) is 0 in the other: a channel it lacks exported 0 t and delivered a
    share 0 of its metal, a country that refined nothing there a share 0. Given
    ``results`` (label -> :class:`~sim.experiment.results.Results`, both arms), its
    difference is paired replication by replication over ``replications`` (default: the
    numbers both arms have) with a Student-t interval at ``confidence``, as compare_table
    pairs the others; a share stays undefined (NaN) in a replication in which the arm has
    no share of that metric and commodity at all (nothing delivered or refined). Without
    ``results`` such a row keeps NaN for the other arm and the difference.
    Columns: :data:`CONTROL_COLUMNS`."""
    t = table[_control_kpis(table)]
    keys = ["commodity", "channel", "site", "metric", "unit"]
    ref = t[t["scenario"] == reference][[*keys, "mean"]].rename(
        columns={"mean": "reference_mean"})
    other = t[t["scenario"] == label][[*keys, "mean", "diff", "diff_ci_low", "diff_ci_high",
                                       "diff_n"]]
    rows = other.merge(ref, on=keys, how="outer", sort=False)
    if results is not None and reference in results and label in results:
        rows = _fill_one_sided(rows, results[reference], results[label], replications,
                               confidence)
    # a channel a deal or diversion moves output into stays, even at 0 in both (a deal
    # that failed in every replication): its row vanishing hid what the scenario aimed at
    kept: set[tuple[str, str]] = set()
    for lab in (reference, label):
        sc = getattr(results.get(lab), "scenario", None) if results is not None else None
        if sc is not None:  # results read without their scenario keep no row at 0
            kept |= targeted_channels(sc)
    shown = [(pd.notna(a) and a != 0) or (pd.notna(b) and b != 0)
             or (m != "refined_share" and (c, ch) in kept)
             for a, b, c, ch, m in zip(rows["reference_mean"], rows["mean"], rows["commodity"],
                                       rows["channel"], rows["metric"], strict=True)]
    rows = rows[np.array(shown, dtype=bool)].copy()
    rows["by"] = [str(s).removeprefix("country:") if m == "refined_share" else channel_label(c)
                  for m, c, s in zip(rows["metric"], rows["channel"], rows["site"],
                                     strict=True)]
    rank = {m: i for i, m in enumerate(CONTROL_METRICS)}
    rows = rows.assign(_m=rows["metric"].map(rank)).sort_values(["commodity", "_m"],
                                                                kind="stable")
    return rows.reset_index(drop=True)[CONTROL_COLUMNS]


def _arm_values(res: Any, reps: Sequence[int], kpi: tuple[str, ...]) -> np.ndarray:
    """One arm's per-replication values of control KPI ``kpi`` over ``reps``, with a KPI
    the arm does not have taken as 0 (see :func:`control_rows`)."""
    from sim.experiment.compare_table import replication_values

    commodity, _channel, _site, metric, _unit = kpi
    labels = list(res.kpi_labels)
    mat = replication_values(res, reps)
    if kpi in labels:
        return np.asarray(mat[:, labels.index(kpi)], dtype=float)
    zeros = np.zeros(len(reps))
    if metric == "exported_t":
        return zeros
    # a share of nothing is undefined, not 0: only where the arm has some share of the
    # metric (another channel's, another country's) is this one's 0
    cols = [j for j, lab in enumerate(labels)
            if lab[0] == commodity and lab[3] == metric and lab[4] == "share"]
    if not cols:
        return np.full(len(reps), np.nan)
    some = ~np.isnan(np.asarray(mat[:, cols], dtype=float)).all(axis=1)
    return np.where(some, zeros, np.nan)


def _fill_one_sided(rows: pd.DataFrame, ref_res: Any, res: Any,
                    replications: Sequence[int] | None, confidence: float) -> pd.DataFrame:
    """``rows`` with each row one arm lacks measured with that arm at 0, paired."""
    from sim.experiment.compare_table import common_replications, paired_difference

    one_sided = rows["reference_mean"].isna() | rows["mean"].isna()
    if not one_sided.any():
        return rows
    reps = (list(replications) if replications is not None
            else common_replications([ref_res, res]))
    if not reps:
        return rows
    rows = rows.copy()
    for i in rows.index[one_sided]:
        kpi = tuple(rows.loc[i, ["commodity", "channel", "site", "metric", "unit"]])
        if not all(_has_commodity(r, kpi[0]) for r in (ref_res, res)):
            # a commodity one arm does not model has no 0 there, as its total has none
            # (review 175: lithium's channel rows read "baseline 0, +4,120" beside its
            # total's "-", and compare.csv had neither)
            continue
        a, b = _arm_values(ref_res, reps, kpi), _arm_values(res, reps, kpi)
        pairs = ~(np.isnan(a) | np.isnan(b))
        with np.errstate(invalid="ignore"):
            rows.loc[i, "reference_mean"] = float(np.nanmean(a)) if (~np.isnan(a)).any() \
                else np.nan
            rows.loc[i, "mean"] = float(np.nanmean(b)) if (~np.isnan(b)).any() else np.nan
        rows.loc[i, "diff_n"] = int(pairs.sum())
        if pairs.any():
            mean, low, high = paired_difference(a[pairs], b[pairs], confidence)
            rows.loc[i, ["diff", "diff_ci_low", "diff_ci_high"]] = [mean, low, high]
        else:
            rows.loc[i, ["diff", "diff_ci_low", "diff_ci_high"]] = [np.nan] * 3
    return rows


def _has_commodity(res: Any, commodity: str) -> bool:
    """Whether the results' scenario models ``commodity`` (True where it is not known)."""
    sc = getattr(res, "scenario", None)
    return sc is None or commodity in sc.commodities


def _signed(x: float) -> str:
    return ("+" if x > 0 else "") + format_number(x)


def control_cells(row: Any) -> tuple[str, ...]:
    """A :func:`control_rows` row as text: commodity, metric, by, then
    :func:`difference_cells`, then the unit."""
    return (row.commodity, row.metric, row.by, *difference_cells(row), row.unit)


def share_points(x: float) -> str:
    """A difference of two shares in percentage points, signed, to two decimals
    (``+55.97 pt``; ``0 pt``), as the comparison's tables and key list write it."""
    return "0 pt" if x == 0 else f"{x * 100:+.2f} pt"


def difference_cells(row: Any) -> tuple[str, str, str, str]:
    """The reference mean, mean, paired difference and its interval of a comparison
    table's row (``reference_mean``, ``mean``, ``diff``, ``diff_ci_low``,
    ``diff_ci_high``, ``unit``) as text: shares in % and their differences in percentage
    points (pt), other values as :func:`format_number` gives them, differences signed;
    ``-`` where there is no value, ``(all equal)`` for an interval without spread."""
    share = row.unit == "share"

    def level(x: float) -> str:
        if pd.isna(x):
            return "-"
        return f"{x:.1%}" if share else format_number(x)

    def diff(x: float) -> str:
        if pd.isna(x):
            return "-"
        if share:
            return share_points(x)
        return _signed(x)

    lo, hi = row.diff_ci_low, row.diff_ci_high
    if pd.isna(lo):
        ci = "-"
    elif lo == hi:
        ci = "(all equal)"  # every pair gave the same difference: no spread, not certainty
    elif share:
        ci = f"[{lo * 100:+.2f}, {hi * 100:+.2f}] pt"
    else:
        ci = f"[{_signed(lo)}, {_signed(hi)}]"
    return level(row.reference_mean), level(row.mean), diff(row.diff), ci


CONTROL_LEAD = ("delivered_share: a channel's share of the metal delivered; exported_t by "
                "channel; refined_share: a country's share of the metal the network's "
                "refiners refined (metal that leaves a mine already refined, such as "
                "cathode, has no refiner and is not in it: a country at 100% refines all of "
                "the rest, not all of the metal). Shares in %, their differences in "
                "percentage points (pt); only rows with a nonzero mean in either scenario, and "
                "those of a channel an offtake deal or diversion moves output into")
"""What a who-controls-supply table shows (the terminal's and the reports' lead line)."""


def has_refined(rows: pd.DataFrame, column: str = "by") -> bool:
    """Whether a table's ``column`` holds the ``refined`` channel (as labelled)."""
    return bool((rows[column] == REFINED_LABEL).any()) if len(rows) else False


# ---------------------------------------------------------------------------------------
# KPIs a comparison names, and those by site and lane whose difference excludes zero

KpiKey = tuple[str, str, str, str]
"""(commodity, channel, site, metric) of a KPI."""

SITE_LIMIT = 10
"""The most site and lane rows a comparison lists among the differences that exclude zero:
the rest are in compare.csv."""


def kpi_key(name: str) -> KpiKey:
    """The key of a KPI named as a precision target's measure names it
    (``metric:commodity[:channel:site]``, :func:`sim.experiment.precision.kpi_name`,
    optionally followed by a space and the scenarios it compares)."""
    parts = str(name).split(" ", 1)[0].split(":")
    metric, commodity = parts[0], parts[1] if len(parts) > 1 else "all"
    channel = parts[2] if len(parts) > 2 else "all"
    site = ":".join(parts[3:]) if len(parts) > 3 else "all"  # route:<id>, country:<ISO3>
    return commodity, channel, site, metric


def measured_kpis(stopping: Any) -> list[KpiKey]:
    """The KPIs a comparison's precision target measured (the ``--metric`` and
    ``metrics=`` it was given, resolved to KPIs), from its
    :class:`~sim.experiment.precision.StopReport` or that report as comparison.json keeps
    it (``stopping``); none without a target."""
    if stopping is None:
        return []
    if isinstance(stopping, Mapping):
        names = [m.get("kpi", "") for m in stopping.get("measures") or []
                 if isinstance(m, Mapping)]
    else:
        names = [m.name for m in getattr(stopping, "measures", [])]
    return list(dict.fromkeys(kpi_key(n) for n in names if n))


def kpi_title(metric: str, channel: str = "all", site: str = "all") -> str:
    """A KPI as the comparison tables name it: the metric, with its channel and site when
    it is not a total (``peak_held_trucks at kasumbalesa``, ``delivered_t, formal at
    route:direct``)."""
    text = metric if channel == "all" else f"{metric}, {channel}"
    return text if site == "all" else f"{text} at {site}"


def _excludes_zero(diff: Any, low: Any, high: Any) -> bool:
    if pd.isna(low) or pd.isna(high) or pd.isna(diff) or diff == 0:
        return False
    return not low <= 0 <= high


SITE_ORDER = ("first those changed from a reference mean of 0 (change: new), by the size "
              "of the difference, then the largest relative change first")
"""How :func:`site_differences` orders its rows, as the headings under a comparison say."""

NEW = "new"
"""The relative change of a KPI whose reference mean is 0 but whose scenario's is not: a
change from nothing, which no percentage measures."""


WHOLE_PERCENT = 10.0
"""A relative change (a fraction) at least this large (1,000%) is written without
decimals."""


def change_text(rel: float | None, ref_mean: float | None, diff: float | None,
                low: float | None = None, high: float | None = None) -> str:
    """A relative change (a fraction) as text (``+12.5%``): :data:`NEW` where there is
    none because the reference mean is 0 and the difference is not, ``-`` where there is
    none otherwise (nothing to compare, or a reference mean that is unknown). ``low`` and
    ``high`` bound the difference's 95% interval (in its unit): given, "new" needs an
    interval that excludes 0 (one that includes it, or NaN bounds, read ``-``), since a
    flow that may well be 0 in the scenario too is no change from nothing."""
    if rel is not None and rel == rel:
        # "+130948.6%" over a few replications claimed a precision they do not give
        # (review 203): from 1,000% on, whole percentages, as the report's key list has them
        # decided on the figure as printed: 9.9996 reads +1000.0% to one decimal (review 207)
        return f"{rel:+,.0%}" if abs(round(rel, 3)) >= WHOLE_PERCENT else f"{rel:+.1%}"
    if (ref_mean is not None and ref_mean == 0 and diff is not None and diff == diff
            and diff != 0
            and (low is None and high is None or _excludes_zero(diff, low, high))):
        return NEW
    return "-"


SHOCK_SITES = ("event:", "regime:", "incident:")
"""Prefixes of the sites that name a shock (the armed groups' rent each took)."""

REPEATS = {
    "rent": "the armed groups' rent by shock (sites event:<id>, regime:<id>, incident:<id>; "
            "it adds up to the commodity's total rent, and a gain at one shock can stand "
            "for a loss at another)",
    "lanes": "the throughput of lanes without a capacity (the flow of the routes over "
             "them)",
    "twins": "reduced_days equal to closed_days (the same days)"}
"""What :func:`site_differences` leaves out as repeats of other rows, by kind."""


def repeats_note(left: Mapping[str, int]) -> str:
    """The line under a list of changed sites naming what :func:`site_differences` left
    out as repeats (``left``: rows whose interval excludes zero, by kind of
    :data:`REPEATS`), and where they are; "" if nothing was."""
    kinds = [REPEATS[k] for k, n in left.items() if n]
    if not kinds:
        return ""
    total = sum(left.values())
    rows = "1 row" if total == 1 else f"{total:,} rows"
    return (f"{rows} whose difference excludes zero left out of this list, as they repeat "
            f"other rows: {'; '.join(kinds)}; compare.csv has them")


def open_lanes(scenarios: Iterable[Any]) -> set[str]:
    """The lanes without a capacity (no loading queue) in every one of ``scenarios`` that
    has them: their ``throughput_t`` is the flow of the routes over them. A lane with a
    capacity in any scenario is a bottleneck there, and its throughput is its own (review
    122: a lane capacitated in the compared scenario only was left out)."""
    capped: set[str] = set()
    open_: set[str] = set()
    for sc in scenarios:
        for lid, lane in sc.lanes.items():
            if lane.capacity_t_per_day is None and lane.capacity_trucks_per_day is None:
                open_.add(lid)
            else:
                capped.add(lid)
    return open_ - capped


def site_differences(table: pd.DataFrame, label: str, leave_out: Sequence[KpiKey] = (),
                     repeats: Collection[str] = (),
                     other_periods: Collection[str] = ()) -> pd.DataFrame:
    """The site and lane rows (site not ``all``: sites, lanes, routes, regime states) of
    scenario ``label`` in a comparison table (:func:`sim.experiment.compare_table.compare_table`)
    whose paired difference's interval excludes zero, in the order :data:`SITE_ORDER`
    says: first those with no relative change (a reference mean of 0: a flow a reroute
    opened, the change from nothing being the largest there is), by the size of the
    difference, then the largest relative change first. Refined shares by country are
    left out (the who-controls-supply table has them), and so are the KPIs of
    ``leave_out`` (shown elsewhere), and the rows that repeat others (:data:`REPEATS`;
    ``attrs["repeats"]`` counts, by kind, those whose interval excludes zero). Adds ``title``
    (:func:`kpi_title`) and ``new`` (True for a row from a reference of 0). The
    ``state_time_share`` rows of the regimes in ``other_periods`` are left out too: shares
    of different spans of time in the two scenarios, which a note says (review 156)."""
    t = table[(table["scenario"] == label) & (table["site"] != "all")
              & ~table["site"].astype(str).str.startswith("country:")]
    if other_periods:
        prefixes = tuple(f"{rid}:" for rid in other_periods)
        t = t[~((t["metric"] == "state_time_share")
                & t["site"].astype(str).str.startswith(prefixes))]
    # repeats of other rows (REPEATS) took the list's slots from what answers the
    # question: six rent rows, a Lobito flow five times (review 121)
    site = t["site"].astype(str)
    closed = {(c, ch, st): d for c, ch, st, m, d in zip(
        t["commodity"], t["channel"], t["site"], t["metric"], t["diff"], strict=True)
        if m == "closed_days"}
    twin = [m == "reduced_days" and (c, ch, st) in closed
            and abs(d - closed[(c, ch, st)]) <= 1e-9 * max(1.0, abs(d))
            for c, ch, st, m, d in zip(t["commodity"], t["channel"], t["site"], t["metric"],
                                        t["diff"], strict=True)]
    kinds = {
        "rent": ((t["metric"] == "armed_group_rent_usd")
                 & site.str.startswith(SHOCK_SITES)).to_numpy(),
        "lanes": ((t["metric"] == "throughput_t") & site.isin(set(repeats))).to_numpy(),
        "twins": np.array(twin, dtype=bool)}
    repeat = kinds["rent"] | kinds["lanes"] | kinds["twins"]
    keep = np.array([_excludes_zero(d, lo, hi) and (c, ch, s, m) not in set(leave_out)
                     for d, lo, hi, c, ch, s, m in zip(
                         t["diff"], t["diff_ci_low"], t["diff_ci_high"], t["commodity"],
                         t["channel"], t["site"], t["metric"], strict=True)], dtype=bool)
    left = {k: int((keep & mask).sum()) for k, mask in kinds.items()}
    t = t[keep & ~repeat].copy()
    rel = t["rel_change"].abs()
    # A kept row has a difference that is not 0, so no relative change means a reference
    # mean of 0 (compare_table leaves it out only then): it used to go last, which hid a
    # reroute's main effect (the new route's tonnes) under every few-percent change.
    t = t.assign(new=rel.isna(), _rel=-rel.fillna(0), _diff=-t["diff"].abs())
    t = t.sort_values(["new", "_rel", "_diff"], ascending=[False, True, True],
                      kind="stable").drop(columns=["_rel", "_diff"])
    t["title"] = [kpi_title(m, c, s) for m, c, s in zip(t["metric"], t["channel"], t["site"],
                                                        strict=True)]
    t = t.reset_index(drop=True)
    t.attrs["repeats"] = left
    return t


def more_note(more: int, where: str = "compare.csv") -> str:
    """The line under a list of :data:`SITE_LIMIT` site rows saying how many more there are
    ("" if none): those after them in :data:`SITE_ORDER`."""
    if more <= 0:
        return ""
    return (f"note: {more} more site and lane row{'s' if more > 1 else ''} whose difference "
            f"excludes zero, after these in that order, {'are' if more > 1 else 'is'} in "
            f"{where}")


def cap_bounds(diff: float, rel: float, ref_capped: bool, capped: bool) -> tuple[str, str]:
    """A price peak difference and relative change (a fraction) where the peak of the
    reference (``ref_capped``) or of the scenario (``capped``) is at its cap, as text: a
    bound, not an estimate, since the capped side's peak is at least the cap. A capped
    scenario's difference is at least the one measured (``≥ +8.00``, ``at least +800.0%``),
    a capped reference's at most (``≤``, ``at most``); between two caps neither says
    anything (``-``, ``n/a``). The forest plot marks them so too."""
    if ref_capped and capped:
        return "-", "n/a"
    number = format_number(diff)
    signed = number if number.startswith("-") or diff == 0 or number == "-" else f"+{number}"
    change = "n/a" if rel is None or rel != rel else f"{rel:+.1%}"
    if capped:
        return f"\u2265 {signed}", change if change == "n/a" else f"at least {change}"
    return f"\u2264 {signed}", change if change == "n/a" else f"at most {change}"


# ---------------------------------------------------------------------------------------
# Money valued at the price index; offtake deals that failed; channels a shock targets

MONEY_KPIS = ("export_value_usd", "royalty_usd", "armed_group_rent_usd")
"""KPIs in US dollars valued at reference price x the model's price index when the metal
moved (:meth:`sim.world.world.World.value_per_t`)."""

CONTROL_TOTALS = ("seized_t", "taxed_t", "diverted_t", "royalty_usd", "armed_group_rent_usd")
"""Totals the comparison tables add whenever some scenario's mean of them is not 0: the
metal seized, taxed by armed groups and diverted, the royalties and the armed groups'
rent."""

POLICY_TOTALS = ("stranded_end_t", "curtailed_t")
"""Totals every table of headline KPIs adds whenever some scenario's mean of them is not 0:
the metal held in the exporting country at the end (a ban's or quota's at the mines, and
border queues, so a run without policies has some too: read it against the reference),
and the output a stock limit curtailed.
``stock_end_t`` nets the first against stocks drawn down abroad (review 99: under the 2025
cobalt ban +332,000 t stranded at the mines showed only as +152,000 t of stock)."""

PRICE_HIGH = 2.0
"""A mean price peak (price_peak_ratio) from which the money KPIs are mostly the price
index: the value of a halved volume at a price many times the reference rises."""


def high_prices(summary: pd.DataFrame, caps: Mapping[str, float]) -> dict[str, str]:
    """The commodities whose mean price peak in ``summary`` is at its cap (``caps``,
    :func:`price_caps`) or at least :data:`PRICE_HIGH` times the reference price, with how
    (``"reached its cap (10)"``, ``"peaked at 3.2 times the reference"``)."""
    s = summary[(summary["channel"] == "all") & (summary["site"] == "all")
                & (summary["metric"] == PRICE_PEAK)]
    out = {}
    for c, m in zip(s["commodity"], s["mean"], strict=True):
        peak = float(m)
        if c in caps and at_cap(peak, caps[c]):
            out[str(c)] = f"reached its cap ({caps[c]:g})"
        elif not math.isnan(peak) and peak >= PRICE_HIGH:
            out[str(c)] = f"peaked at {peak:.1f} times the reference"
    return out


def floored_prices(res: Any) -> dict[str, str]:
    """The commodities of results ``res`` whose price index sat at its floor (one over its
    ``price_cap_ratio``) through a whole series period of some replication, with how
    (``"fell to its floor (0.1)"``): their money KPIs follow a bounded index down as
    :func:`high_prices`' do up (review 126: royalties -61% under a price crash, no note)."""
    out: dict[str, str] = {}
    values = res.series_values
    for i, (com, metric, _key, _unit) in enumerate(res.catalogue.keys):
        if metric != "price_index" or com not in res.scenario.commodities or not values.size:
            continue
        floor = 1.0 / float(res.scenario.commodities[com].price_cap_ratio)
        # float32 series: a tenth is stored a few parts in 1e9 off
        if float(np.nanmin(values[:, i, :])) <= floor * (1 + 1e-6):
            out[str(com)] = f"fell to its floor ({floor:.3g})"
    return out


def price_extremes(summary: pd.DataFrame, res: Any) -> dict[str, str]:
    """:func:`high_prices` of ``summary`` and :func:`floored_prices` of ``res``, joined:
    the commodities whose money KPIs measure the price response, with how."""
    high = high_prices(summary, price_caps(res.scenario))
    for com, how in floored_prices(res).items():
        high[com] = f"{high[com]} and {how}" if com in high else how
    # without a reference price the money KPIs are 0 whatever the index does: nothing to
    # caution against (review 162)
    coms = res.scenario.commodities
    return {c: how for c, how in high.items()
            if c in coms and coms[c].reference_price_usd_per_t is not None}


def valued_kpis(summary: pd.DataFrame, commodities: Collection[str]) -> list[str]:
    """The money KPIs (:data:`MONEY_KPIS`) not 0 in ``summary`` for some of
    ``commodities``, in their order; all of them where none is (a note on them then says
    what they would measure)."""
    rows = summary[(summary["channel"] == "all") & (summary["site"] == "all")
                   & summary["commodity"].isin(list(commodities))
                   & summary["metric"].isin(MONEY_KPIS) & (summary["mean"].fillna(0.0) != 0.0)]
    found = set(rows["metric"])
    return [m for m in MONEY_KPIS if m in found] or list(MONEY_KPIS)


def money_note(high: Mapping[str, str], where: str = "",
               kpis: Sequence[str] = MONEY_KPIS) -> str:
    """A line saying that the money KPIs ``kpis`` (:func:`valued_kpis`) of the commodities
    in ``high`` (:func:`high_prices`) measure the price response, not revenue ("" if
    none); ``where`` names the scenario (in a comparison)."""
    if not high:
        return ""
    which = "; ".join(f"{c}: the index {how}" for c, how in high.items())
    # only those commodities' values: the note read as if gold's rent and copper's
    # royalties, at prices that never moved, were to be kept out of headlines too
    coms = " and ".join(high)
    return (f"note: {', '.join(kpis)}{where} of {coms} are valued at the model's "
            f"price index ({which}): they measure the price response, not revenue, and "
            "move with the index however exported_t moves; read volumes from exported_t "
            "and keep these values out of headlines (the other commodities' are not "
            "affected)")


def fixed_prices(summary: pd.DataFrame, res: Any) -> dict[str, tuple[float, tuple[str, ...]]]:
    """The commodities of ``res`` whose price is not modelled (:func:`price_modelled`) and
    whose money KPIs (:data:`MONEY_KPIS`) in ``summary`` are not all 0, with their reference
    price (USD a tonne) and those KPIs: every value of theirs is at that one price, whatever
    year it is for (review 201: gold's rent over 2024-27 at the 2024 price, with no word
    beside it)."""
    rows = summary[(summary["channel"] == "all") & (summary["site"] == "all")
                   & summary["metric"].isin(MONEY_KPIS) & (summary["mean"].fillna(0.0) != 0.0)]
    coms = res.scenario.commodities
    out = {}
    for c in coms:
        valued = tuple(m for m in MONEY_KPIS if ((rows["commodity"] == c)
                                                  & (rows["metric"] == m)).any())
        if valued and coms[c].reference_price_usd_per_t is not None \
                and not price_modelled(res.scenario, c):
            out[c] = (float(coms[c].reference_price_usd_per_t), valued)
    return out


def fixed_price_note(prices: Mapping[str, tuple[float, Sequence[str]]], where: str = "") -> str:
    """A line saying that the money KPIs of the commodities in ``prices``
    (:func:`fixed_prices`) are at their reference price in every year ("" if none);
    ``where`` names the scenarios and the files (in a comparison)."""
    if not prices:
        return ""
    kpis = [m for m in MONEY_KPIS if any(m in valued for _p, valued in prices.values())]
    which = ", ".join(f"{c} at {p:,.0f} USD/t" for c, (p, _v) in prices.items())
    return (f"note: {', '.join(kpis)}{where} of {' and '.join(prices)} are valued at the "
            f"reference price in every year ({which}; the scenario's "
            "reference_price_usd_per_t), as the price is not modelled: they follow tonnes "
            "only, and scale with the price (at another price, multiply by its ratio to "
            "this one)")


def rising_share_note(table: pd.DataFrame, label: str) -> str:
    """A line for the table of who controls supply in scenario ``label`` of a comparison
    table (:func:`sim.experiment.compare_table.compare_table`) naming each channel whose
    ``delivered_share`` rose while its ``delivered_t`` fell (both intervals clear of 0;
    nothing where there are none, as with one pair): such a share says who lost
    least, not who gained (review 161: western cobalt +6.4 pt on 42% fewer tonnes). Of
    delivered metal, what the shares are of (review 166: a test of total exports missed a
    closed port's fall in deliveries and called a deal channel's gain a loss); "" if
    none."""
    t = table[(table["scenario"] == label) & (table["site"] == "all")
              & (table["channel"] != "all")]
    tonnes = t[t["metric"] == "delivered_t"].set_index(["commodity", "channel"])
    found = []
    for r in t[t["metric"] == "delivered_share"].itertuples(index=False):
        if (r.commodity, r.channel) not in tonnes.index:
            continue
        d = tonnes.loc[(r.commodity, r.channel)]
        # with no interval (one pair) no rise can be told from noise: nothing is said
        # (review 168: "+0.01 pt on 0% fewer tonnes")
        if r.diff_ci_low > 0 and d.diff_ci_high < 0:
            less = (f"{-d.rel_change:.0%} fewer tonnes delivered"
                    if d.rel_change == d.rel_change
                    else f"{format_number(-d['diff'])} t fewer delivered")
            found.append(f"{channel_label(r.channel)}'s {r.commodity} {r.diff * 100:+.2f} pt "
                         f"on {less}")
    if not found:
        return ""
    return (f"note: in {label}, a channel's share of the metal delivered rose while its "
            f"tonnes fell ({'; '.join(found)}): such a share says who lost least, not who "
            "gained")


def money_shown(metrics: Sequence[str]) -> bool:
    """Whether a table of ``metrics`` shows a money KPI (:data:`MONEY_KPIS`)."""
    return any(m in MONEY_KPIS for m in metrics)


def targeted_channels(scenario: Any) -> set[tuple[str, str]]:
    """The (commodity, channel) pairs an offtake deal or a shock's diversion moves output
    into in ``scenario``: their rows are kept in the tables of who controls supply even at
    0 (a deal that failed in every replication, a diversion that never struck), so that a
    channel does not vanish without a word."""
    out: set[tuple[str, str]] = set()
    for deal in scenario.policies.offtake_deals.values():
        out |= {(c, deal.to_channel) for c in deal.commodities}
    shocks = scenario.shocks
    effects = [(ev.effects, ev.targets) for ev in shocks.events.values()]
    effects += [(inc.effects, inc.targets) for inc in shocks.incidents.values()]
    effects += [(state.effects, reg.targets) for reg in shocks.regimes.values()
                for state in reg.states.values()]
    for eff, tg in effects:
        if eff.divert is not None:
            # a diversion moves mines' output: only what the targeted mines produce (review
            # 175: lithium and copper got "informal 0.0%" rows from a Kivu diversion of
            # gold and cobalt mines)
            mined = {com for sid, site in scenario.sites.items() if site.kind == "mine"
                     and (sid in tg.sites or site.region in tg.regions)
                     for com in site.output}
            coms = mined if tg.commodities is None else mined & set(tg.commodities)
            out |= {(c, eff.divert.to_channel) for c in coms}
    return out


def failed_deals(res: Any) -> list[tuple[str, str, int, int]]:
    """The offtake deals of a run (:class:`~sim.experiment.results.Results`) that failed in
    some replication: (deal id, the channel it moves output to, replications in which it
    failed, replications), as the timeline's "deal fails" rows count them."""
    sc = getattr(res, "scenario", None)
    deals = sc.policies.offtake_deals if sc is not None else {}
    if not deals:
        return []
    tl = res.timeline
    fails = tl[(tl["kind"] == "deal") & (tl["action"] == "deal fails")]
    out = []
    for did, spec in deals.items():
        k = int(fails.loc[fails["id"] == did, "replication"].nunique())
        if k:
            out.append((str(did), str(spec.to_channel), k, int(res.n)))
    return out


def deal_note(res: Any, where: str = "") -> str:
    """A line naming the offtake deals of ``res`` that failed and in how many
    replications ("" if none failed); ``where`` names the scenario (in a comparison)."""
    failed = failed_deals(res)
    if not failed:
        return ""
    # review 212: "(its channel us_partnered gets none in those of the output it would
    # move)" read garbled; a deal that fails never closes, so none of the output it would
    # have moved goes to its channel
    which = "; ".join(f"deal {d} failed in {k} of {n} replications ("
                      f"{'in every one' if k == n else f'in those {k}'} it never closed: "
                      f"the output it would have moved to channel {ch} stayed with the "
                      "channels that would have given it up)"
                      for d, ch, k, n in failed)
    return (f"note: offtake deal{'s' if len(failed) > 1 else ''}{where}: {which}; each deal "
            "fails with its probability_fails, drawn once per replication")


def run_table_notes(results: Any) -> list[str]:
    """The notes ``sim run`` prints below its tables for ``results`` (a
    :class:`~sim.experiment.results.Results`), without their ``note:``: a price peak at
    the cap (a bound, not an estimate), prices not modelled, means over some replications
    only, the stockpile rules (:func:`headline_table_notes`) and the offtake deals that
    failed (:func:`deal_note`). manifest.json keeps them in ``table_notes``, as
    comparison.json's ``table_notes`` keeps a comparison's."""
    sc = results.scenario
    summary = results.summary()
    notes = headline_table_notes(summary, caps=price_caps(sc), unpriced=unpriced(sc, summary),
                                 counts=cap_runs(results),
                                 releases_into=stockpile_markets(sc))
    notes.append(deal_note(results))
    return [n.removeprefix("note: ") for n in notes if n]
