"""What a comparison leaves on disk and prints: tables, a Markdown summary and figures.

``write_comparison(comp, DIR)`` writes::

    DIR/
      compare.csv              every KPI x scenario: mean and CI, paired difference from the
                               reference with its CI, relative change, share positive
      compare.md               the headline KPIs as Markdown tables, with the method,
                               and who controls supply (shares delivered and exports by
                               channel, shares refined by country)
      comparison.json          scenarios (label, source, seed, whether it ran them:
                               ``ran``, and the code that ran their replications:
                               ``code``), replications, stopping, the code that compared
                               them; written last
      figures/                 PNG and SVG: forest plot of paired differences with 95% CIs,
                               and price, performance and exports over time by scenario,
                               with each one's difference from the reference below
                               (sim.output.compare_figures.compare_figures)
      <label>/                 a results folder per scenario that was run

A ``report.html`` that ``sim report DIR`` wrote from an earlier comparison in ``DIR`` is
removed (``--resume``, ``--force``): it would describe the comparison replaced.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.build import code_label
from sim.experiment.stats import cap_runs
from sim.metrics.kpis import HEADLINE, PRICE_PEAK
from sim.output.atomic import atomic_write_text
from sim.output.folder import claim_folder, clear_figures, ran_from_source
from sim.output.provenance import file_hashes, versions
from sim.output.tables import (
    CONTROL_HHI_NOTE,
    CONTROL_LEAD,
    CONTROL_TOTALS,
    POLICY_TOTALS,
    REFINED_NOTE,
    SITE_LIMIT,
    SITE_ORDER,
    KpiKey,
    both_at_cap,
    cap_bounds,
    cap_count,
    cap_note,
    change_text,
    ci_level,
    control_cells,
    control_rows,
    deal_note,
    fixed_price_note,
    fixed_prices,
    format_number,
    has_refined,
    kpi_title,
    measured_kpis,
    money_note,
    more_note,
    open_lanes,
    price_extremes,
    repeats_note,
    rising_share_note,
    site_differences,
    unpriced,
    unpriced_note,
    valued_kpis,
)
from sim.scenario.fingerprint import json_safe

if TYPE_CHECKING:
    from sim.experiment.compare import Comparison
    from sim.experiment.results import Results

# ---------------------------------------------------------------------------------------
# Text


def _share(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.0%}"


def _ci(low: float, high: float) -> str:
    if math.isnan(low):
        return "-"
    if low == high:
        # every replication gave the same difference: no spread to estimate, which is
        # not the same as certainty (see the rule of three in sim.experiment.precision)
        return "(all equal)"
    return f"[{format_number(low)}, {format_number(high)}]"


def cap_counts(comp: Comparison, label: str) -> dict[str, tuple[float, int, int]]:
    """The commodities whose price peak in scenario ``label`` is at its price cap in some
    of the paired replications: (cap, replications at it, replications)
    (:func:`sim.experiment.stats.cap_runs`)."""
    return cap_runs(comp.results[comp.labels.index(label)], comp.replications)


def capped(comp: Comparison, label: str) -> dict[str, float]:
    """The commodities whose price peak in scenario ``label`` is at its price cap in some
    paired replication, with the cap: the mean peak is then held down by the cap, a lower
    bound, whether the price reached the cap in every replication or only in some."""
    return {c: cap for c, (cap, _k, _n) in cap_counts(comp, label).items()}


def price_label(comp: Comparison, label: str, commodity: str) -> str:
    """``price_peak_ratio``, marked when the peak of either scenario is at its cap, with
    in how many replications where not all (``in 3 of 4``)."""
    which = [lab for lab in (comp.reference, label) if commodity in capped(comp, lab)]
    if not which:
        return PRICE_PEAK
    if len(which) == 2:
        named = [(lab, cap_counts(comp, lab)) for lab in which]
        return f"{PRICE_PEAK} ({both_at_cap(named, commodity)})"
    return f"{PRICE_PEAK} ({which[0]} at the cap{cap_count(cap_counts(comp, which[0]), commodity)})"


def unpriced_in(comp: Comparison, label: str) -> list[str]:
    """Commodities whose price is modelled neither in the reference nor in ``label``
    (:func:`sim.output.tables.unpriced`): their price peak rows are left out."""
    both = []
    for lab in (comp.reference, label):
        res = comp.results[comp.labels.index(lab)]
        t = comp.table
        rows = t[(t["scenario"] == lab) & (t["channel"] == "all") & (t["site"] == "all")]
        both.append(set(unpriced(res.scenario, rows)))
    return sorted(both[0] & both[1])


def runs_of(text: str, n: float, total: int) -> str:
    """``text`` (a mean or a difference) with ``(k of N)`` where it stands on ``n`` runs or
    pairs of the ``total`` the comparison paired: a lead time with nothing delivered leaves
    its run out, and a difference over 19 pairs is not the difference of the means over 19
    and 20 beside it (review 128), as sim run's table says "k of N"."""
    k = int(n) if n == n else total
    return f"{text} ({k} of {total})" if k < total and text != "-" else text


def _headline_rows(comp: Comparison, label: str, metrics: Sequence[str] | None
                   ) -> list[tuple[str, ...]]:
    leave_out = unpriced_in(comp, label)
    head = comp.headline(metrics)
    ref = head[head["scenario"] == comp.reference].set_index(["commodity", "metric"])
    total = len(comp.replications)
    rows = []
    for r in head[head["scenario"] == label].itertuples(index=False):
        key = (r.commodity, r.metric)
        ref_mean = ref["mean"].get(key, math.nan)
        metric, ci = r.metric, _ci(r.diff_ci_low, r.diff_ci_high)
        diff, change = (runs_of(format_number(r.diff), r.diff_n, total),
                        change_text(r.rel_change, ref_mean, r.diff, r.diff_ci_low,
                                    r.diff_ci_high))
        if metric == PRICE_PEAK and r.commodity in leave_out:
            continue
        if metric == PRICE_PEAK:
            metric = price_label(comp, label, r.commodity)
            if metric != PRICE_PEAK:
                ci = "-"  # a difference from a cap, not an estimate of one in the peak
                diff, change = cap_bounds(r.diff, r.rel_change,
                                          r.commodity in capped(comp, comp.reference),
                                          r.commodity in capped(comp, label))
        rows.append((r.commodity, metric,
                     runs_of(format_number(ref_mean), ref["n"].get(key, total), total),
                     runs_of(format_number(r.mean), r.n, total),
                     diff, ci, change, _share(r.share_positive), r.unit))
    shown = set(zip(head["commodity"], head["metric"], strict=True))
    extra = [k for k in named_kpis(comp)
             if not (k[1] == k[2] == "all" and (k[0], k[3]) in shown)]
    if metrics is None:
        # what a policy stranded or curtailed, who lost metal to seizure or diversion, and
        # who earned from it: a comparison that left them out read "changes almost nothing"
        # over +USD 195 m of rent
        extra += [k for k in nonzero_totals(comp, (*POLICY_TOTALS, *CONTROL_TOTALS))
                  if (k[0], k[3]) not in shown and k not in extra]
    return rows + _kpi_rows(comp, label, extra)


def nonzero_totals(comp: Comparison, metrics: Sequence[str]) -> list[KpiKey]:
    """The totals (channel and site ``all``) of ``metrics`` whose mean is not 0 in some
    scenario of the comparison, by commodity in the table's order, then in the order of
    ``metrics``."""
    t = comp.table
    s = t[(t["channel"] == "all") & (t["site"] == "all") & t["metric"].isin(list(metrics))]
    s = s[s["mean"].notna() & (s["mean"] != 0)]
    found = set(zip(s["commodity"], s["metric"], strict=True))
    commodities = list(dict.fromkeys(t["commodity"]))
    return [(c, "all", "all", m) for c in commodities for m in metrics if (c, m) in found]


def named_kpis(comp: Comparison) -> list[KpiKey]:
    """The KPIs the comparison's precision target measured (``--metric``, ``metrics=``):
    the tables show them whatever they are, a site's or a lane's too."""
    return measured_kpis(comp.stop)


def _kpi_rows(comp: Comparison, label: str, keys: Sequence[KpiKey]
              ) -> list[tuple[str, ...]]:
    """Rows of the headline table for the KPIs ``keys`` of ``label`` (see
    :func:`_headline_rows`), named by :func:`kpi_title`."""
    t = comp.table
    where = {(k, sc): i for i, (k, sc) in enumerate(zip(
        zip(t["commodity"], t["channel"], t["site"], t["metric"], strict=True),
        t["scenario"], strict=True))}
    total = len(comp.replications)

    def of(text: str, n: float) -> str:
        return runs_of(text, n, total)

    rows = []
    for k in keys:
        if (k, label) not in where:
            continue
        r = t.iloc[where[(k, label)]]
        ref_row = (t.iloc[where[(k, comp.reference)]] if (k, comp.reference) in where
                   else None)
        ref = ref_row["mean"] if ref_row is not None else math.nan
        rows.append((k[0], kpi_title(k[3], k[1], k[2]),
                     of(format_number(ref), ref_row["n"]) if ref_row is not None
                     else format_number(ref),
                     of(format_number(r["mean"]), r["n"]),
                     of(format_number(r["diff"]), r["diff_n"]),
                     _ci(r["diff_ci_low"], r["diff_ci_high"]),
                     change_text(r["rel_change"], ref, r["diff"], r["diff_ci_low"],
                                 r["diff_ci_high"]),
                     _share(r["share_positive"]), r["unit"]))
    return rows


def _other_period(comp: Comparison, label: str) -> bool:
    """Whether ``label`` measures another period than the reference: its differences are
    then partly the length of the period, and none is listed as excluding zero."""
    from sim.experiment.compare import Arm
    from sim.experiment.compare_notes import period_notes

    arms = [Arm(lab, lab, comp.results[comp.labels.index(lab)].scenario, 0)
            for lab in (comp.reference, label)]
    return bool(period_notes(arms))


def _site_rows(comp: Comparison, label: str
               ) -> tuple[list[tuple[str, ...]], int, dict[str, int]]:
    """The site and lane rows of ``label`` whose difference's interval excludes zero
    (:func:`sim.output.tables.site_differences`), at most :data:`SITE_LIMIT`, how many
    more there are, and how many such rows were left out as repeats of others; none for a
    scenario over another period than the reference's."""
    if _other_period(comp, label):
        return [], 0, {}
    from sim.experiment.compare_notes import regimes_over_other_periods

    ref = comp.results[0].scenario
    found = site_differences(comp.table, label, named_kpis(comp),
                             open_lanes(res.scenario for res in comp.results),
                             regimes_over_other_periods(
                                 ref, comp.results[comp.labels.index(label)].scenario))
    keys = list(zip(found["commodity"], found["channel"], found["site"], found["metric"],
                    strict=True))[:SITE_LIMIT]
    return (_kpi_rows(comp, label, keys), max(len(found) - SITE_LIMIT, 0),
            dict(found.attrs.get("repeats", {})))


def site_lead(confidence: float = 0.95) -> str:
    """The heading of the site and lane rows under a comparison's table, whose intervals
    are at ``confidence``."""
    chance = ("about one in twenty" if confidence == 0.95 else
              f"about {1 - confidence:.0%} of them")
    return (f"Sites and lanes whose difference's {ci_level(confidence)} interval excludes "
            f"zero, {SITE_ORDER} (each judged on its own: among many KPIs, {chance} can "
            "exclude zero by chance)")


def _cap_notes(comp: Comparison, label: str, metrics: Sequence[str] | None) -> list[str]:
    """The notes on the price peaks at the cap in the table of ``label`` against the
    reference (none if the table shows no price peak)."""
    if PRICE_PEAK not in (list(metrics) if metrics else HEADLINE):
        return []
    ref, other = capped(comp, comp.reference), capped(comp, label)
    ref_n, other_n = cap_counts(comp, comp.reference), cap_counts(comp, label)
    if ref and ref_n == other_n:
        notes = [cap_note(ref, f" in {comp.reference} and {label}", ref_n, "both")]
    else:
        notes = [cap_note(ref, f" in {comp.reference}", ref_n, "reference"),
                 cap_note(other, f" in {label}", other_n, "scenario")]
    notes.append(unpriced_note(unpriced_in(comp, label)))
    return [n for n in notes if n]


def _money_notes(comp: Comparison, label: str) -> list[str]:
    """The notes that the money KPIs (:data:`sim.output.tables.MONEY_KPIS`) of the
    reference or of ``label`` are valued at a price index at its cap, far above 1 or at
    its floor (:func:`sim.output.tables.price_extremes`), in this table or in compare.csv."""
    notes, fixed = [], []
    for lab in (comp.reference, label):
        res = comp.results[comp.labels.index(lab)]
        t = comp.table
        rows = t[(t["scenario"] == lab) & (t["channel"] == "all") & (t["site"] == "all")]
        high = price_extremes(rows, res)
        # the KPIs not 0 alone: a rent of 0 named beside the royalties read as one
        # (review 208)
        notes.append(money_note(high, f" in {lab} (here and in compare.csv)",
                                valued_kpis(rows, high)))
        fixed.append(fixed_prices(rows, res))
    # named where they are: a money KPI may be in compare.csv alone (review 205)
    if fixed[0] == fixed[1]:
        notes.append(fixed_price_note(fixed[0], f" in {comp.reference} and {label} (here or "
                                                "in compare.csv)"))
    else:
        notes += [fixed_price_note(fixed[0], f" in {comp.reference} (here or in compare.csv)"),
                  fixed_price_note(fixed[1], f" in {label} (here or in compare.csv)")]
    return [n for n in notes if n]


def _deal_notes(comp: Comparison, label: str) -> list[str]:
    """The notes on the offtake deals of the reference or of ``label`` that failed in
    some replication (:func:`sim.output.tables.deal_note`)."""
    notes = [deal_note(comp.results[comp.labels.index(lab)], f" in {lab}")
             for lab in dict.fromkeys((comp.reference, label))]
    return [n for n in notes if n]


def _columns(comp: Comparison, label: str) -> tuple[str, ...]:
    return ("commodity", "metric", comp.reference, label, "difference",
            f"{ci_level(comp.confidence)} CI", "change", "share diff>0", "unit")


def _text_table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]], left: int
                ) -> list[str]:
    """Aligned lines: the first ``left`` columns and the last to the left, numbers to the
    right, a rule under the header."""
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(str(v).ljust(w) if i < left or i == len(head) - 1 else str(v).rjust(w)
                       for i, (v, w) in enumerate(zip(row, widths, strict=True)))
             for row in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _control_columns(comp: Comparison, label: str) -> tuple[str, ...]:
    return ("commodity", "metric", "channel/country", comp.reference, label, "difference",
            f"{ci_level(comp.confidence)} CI", "unit")


def _control(comp: Comparison, label: str) -> pd.DataFrame:
    """:func:`control_rows` of ``label``, a channel or country only one arm has measured
    against 0 in the other, paired over the comparison's replications."""
    return control_rows(comp.table, comp.reference, label,
                        dict(zip(comp.labels, comp.results, strict=True)),
                        comp.replications, comp.confidence)


def _control_text(comp: Comparison, label: str) -> str:
    """Who controls supply in ``label`` against the reference: shares delivered and exports
    by channel, shares refined by country, with paired differences ("" if no row has a
    nonzero mean): metal changing hands between channels or refiners' countries, which
    the totals do not show."""
    rows = _control(comp, label)
    if rows.empty:
        return ""
    cells = [control_cells(r) for r in rows.itertuples(index=False)]
    lines = _text_table(_control_columns(comp, label), cells, 3)
    lines.append(f"note: {CONTROL_LEAD}")
    # over another period, tonnes differ with the period's length (review 164)
    fell = "" if _other_period(comp, label) else rising_share_note(comp.table, label)
    lines += [fell] if fell else []
    if has_refined(rows):
        lines.append(REFINED_NOTE)
    if (rows["metric"] == "control_hhi").any():
        lines.append(CONTROL_HHI_NOTE)  # review 169: only the report said it
    return (f"Who controls supply, {label} vs {comp.reference} (by channel and refiners' "
            "country):\n" + "\n".join(lines))


def comparison_text(comp: Comparison, metrics: Sequence[str] | None = None) -> str:
    """The headline KPIs of every scenario against the reference, as terminal tables,
    each followed by who controls supply (shares and exports by channel, shares refined by
    country: :func:`sim.output.tables.control_rows`), which totals alone do not show.

    Notes (different periods, different seeds) come before the tables: they change how
    every number below them reads."""
    blocks = [_method(comp)]
    blocks += [f"note: {n}" for n in comp.notes]
    for label in comp.labels[1:]:
        rows = _headline_rows(comp, label, metrics)
        lines = _text_table(_columns(comp, label), rows, 2)
        lines += _cap_notes(comp, label, metrics)
        lines += _money_notes(comp, label) + _deal_notes(comp, label)
        blocks.append(f"{label} vs {comp.reference} (reference):\n" + "\n".join(lines))
        sites, more, repeats = _site_rows(comp, label)
        left = repeats_note(repeats)
        if sites or left:
            # a list of repeats alone said nothing had changed at any site (review 122)
            lines = _text_table(_columns(comp, label), sites, 2) if sites else []
            lines += [n for n in (more_note(more),) if n]
            lines += [f"note: {left}"] if left else []
            blocks.append(f"{site_lead(comp.confidence)}, {label} vs {comp.reference}:\n"
                          + "\n".join(lines))
        control = _control_text(comp, label)
        if control:
            blocks.append(control)
    if comp.stop is not None:
        blocks.append(comp.stop.message())
    return "\n\n".join(blocks)


def _method(comp: Comparison) -> str:
    n = len(comp.replications)
    if comp.crn:
        how = (f"common random numbers (every scenario uses root seed {comp.seeds[0]}; "
               "shared components draw the same random numbers, given to the same lots "
               "until the scenarios' flows through a component first differ)")
    else:
        how = ("replications paired by number, but run with different seeds (no common "
               "random numbers)")
    # "2 scenarios against baseline" read as two besides the reference (review 156)
    others = comp.labels[1:]
    what = others[0] if len(others) == 1 else f"{len(others)} scenarios ({', '.join(others)})"
    return (f"Comparison of {what} against {comp.reference}: {n} paired "
            f"replication(s), {how}. Difference = scenario - reference, mean over replications "
            f"with a {ci_level(comp.confidence)} Student-t interval; change = difference / "
            "reference mean; "
            "share diff>0 = share of paired replications in which the difference is "
            "positive (a tie, frequent under common random numbers, is not: 20% may be 4 "
            "positive and 16 equal).")


def period_record(res: Results) -> dict[str, Any]:
    """The period ``res`` measured, as comparison.json records it: ``start``, ``end`` (the
    last day measured, inclusive, as a scenario's ``end``), ``horizon_days`` (days
    measured) and ``warmup_days`` (days run before ``start``, not measured)."""
    sc = res.scenario
    return {"start": sc.start.isoformat(), "end": sc.last_date.isoformat(),
            "horizon_days": sc.horizon, "warmup_days": sc.warmup_days}


def _period_text(res: Results) -> str:
    """The period ``res`` measured, as compare.md gives it: first to last day, and days."""
    period = period_record(res)
    return f"{period['start']} to {period['end']} ({period['horizon_days']:,g} days)"


def comparison_markdown(comp: Comparison, metrics: Sequence[str] | None = None) -> str:
    """``compare.md``: the method and one Markdown table per compared scenario."""
    parts = [f"# Comparison: {' vs '.join(comp.labels[1:])} against {comp.reference}", "",
             _method(comp), ""]
    # the period and overrides too: compare.md read alone is the comparison's record, and
    # one measured over 2024-2025 by --set read as its files' own 2024 (review 202)
    parts += ["| scenario | source | seed | period measured | warm-up |",
              "|---|---|---|---|---|"]
    parts += [f"| {lab} | `{src}` | {seed} | {_period_text(res)} | "
              f"{res.scenario.warmup_days:g} days |"
              for lab, src, seed, res in zip(comp.labels, comp.sources, comp.seeds,
                                             comp.results, strict=True)]
    parts.append("")
    given = ", ".join(f"`{o}`" for o in comp.overrides)
    parts += [f"Overrides (`--set`) applied to every scenario run here: {given or 'none'}.",
              ""]
    parts += [f"**Note:** {n}\n" for n in comp.notes]
    for label in comp.labels[1:]:
        head = _columns(comp, label)
        parts += [f"## {label} vs {comp.reference}", "",
                  "| " + " | ".join(head) + " |",
                  "|" + "|".join(["---", "---", *["---:"] * (len(head) - 3), "---"]) + "|"]
        parts += ["| " + " | ".join(row) + " |" for row in _headline_rows(comp, label, metrics)]
        parts.append("")
        parts += [f"**Note:** {n.removeprefix('note: ')}\n"
                  for n in [*_cap_notes(comp, label, metrics), *_money_notes(comp, label),
                            *_deal_notes(comp, label)]]
        sites, more, repeats = _site_rows(comp, label)
        left = repeats_note(repeats)
        if sites or left:
            parts += [f"### Sites and lanes, {label} vs {comp.reference}", "",
                      site_lead(comp.confidence) + ".", ""]
            if sites:
                parts += ["| " + " | ".join(head) + " |",
                          "|" + "|".join(["---", "---", *["---:"] * (len(head) - 3), "---"])
                          + "|"]
                parts += ["| " + " | ".join(row) + " |" for row in sites]
                parts.append("")
            if more:
                parts += [f"**Note:** {more_note(more).removeprefix('note: ')}.", ""]
            if left:
                parts += [f"**Note:** {left}.", ""]
        control = _control(comp, label)
        if not control.empty:
            head = _control_columns(comp, label)
            parts += [f"### Who controls supply, {label} vs {comp.reference}", "",
                      CONTROL_LEAD + ".", "",
                      "| " + " | ".join(head) + " |",
                      "|" + "|".join(["---"] * 3 + ["---:"] * (len(head) - 4) + ["---"]) + "|"]
            parts += ["| " + " | ".join(control_cells(r)) + " |"
                      for r in control.itertuples(index=False)]
            parts.append("")
            if has_refined(control):
                parts += [f"**Note:** {REFINED_NOTE.removeprefix('note: ')}", ""]
            # as the terminal and the report say them (review 169: compare.md, the saved
            # text, had neither beside the rows they are about)
            notes = [CONTROL_HHI_NOTE] if (control["metric"] == "control_hhi").any() else []
            rose = "" if _other_period(comp, label) else rising_share_note(comp.table, label)
            notes += [rose] if rose else []
            parts += [line for n in notes for line in (
                f"**Note:** {n.removeprefix('note: ')}", "")]
    if comp.stop is not None:
        parts += [comp.stop.message(), ""]
    parts += ["Every KPI (by channel and site too) is in `compare.csv`; here are the totals, "
              "the KPIs named with --metric, the sites and lanes whose difference excludes "
              "zero and, by channel and refiners' country, who controls supply.", ""]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------
# The folder


def write_comparison(comp: Comparison, out: Path, figures: bool = True,
                     metrics: Sequence[str] | None = None) -> dict[str, Path]:
    """Write ``compare.csv``, ``compare.md``, the figures and, last, ``comparison.json``."""
    # before anything is removed: a run's or sweep's results in ``out`` are not this
    # comparison's to replace (``sim compare --force`` replaced them before running)
    claim_folder(out, "comparison")
    out.mkdir(parents=True, exist_ok=True)
    (out / "comparison.json").unlink(missing_ok=True)  # written last: incomplete until then
    # `sim report DIR` wrote report.html from the comparison this one replaces (another
    # number of replications, other scenarios): out of date, so it goes
    (out / "report.html").unlink(missing_ok=True)
    files: dict[str, Path] = {}
    csv = comp.table.to_csv(index=False, float_format="%.10g", lineterminator="\n")
    atomic_write_text(out / "compare.csv", csv)
    files["compare.csv"] = out / "compare.csv"
    atomic_write_text(out / "compare.md", comparison_markdown(comp, metrics))
    files["compare.md"] = out / "compare.md"
    clear_figures(out)
    if figures:
        from sim.output.compare_figures import write_compare_figures

        named = list(zip(comp.labels, comp.results, strict=True))
        kpis = named_kpis(comp)
        # the forest plot draws the KPIs named with --metric too
        drawn = (write_compare_figures(named, out, kpis=kpis) if kpis
                 else write_compare_figures(named, out))
        for path in drawn:
            files[f"figures/{path.name}"] = path
    info = {
        "format": "drc-minerals-sim comparison 1",
        "reference": comp.reference,
        # ran: run here into <label>/, not read from a results folder (or a Results) given
        # to compare, which --force over this folder must not delete (sim.output.folder)
        # source: absolute, so the folders given are found from any working folder
        # code: what ran each scenario's replications (its folder's run.json says so too,
        # but a comparison of results folders is read without them); None: not recorded
        # builds: as code, plain Python or compiled (review 196)
        # period: what each measured (start, end, horizon_days, warmup_days; review 202)
        "scenarios": [{"label": lab, "source": _absolute(src), "seed": seed,
                       "ran": ran_from_source(src) is not False, "code": code,
                       "builds": builds, "period": period_record(res)}
                      for lab, src, seed, code, builds, res in zip(
                          comp.labels, comp.sources, comp.seeds,
                          comp.codes or [None] * len(comp.labels),
                          comp.builds or [None] * len(comp.labels), comp.results,
                          strict=True)],
        # the --set values (overrides=) applied to every scenario run here
        "overrides": list(comp.overrides),
        "code": code_label(),  # what computed these tables
        # where the replications run now ran, as a run's manifest.json records it (review
        # 196): executor, workers, scheduler and cluster; absent where none was run
        **(comp.where or {}),
        "replication_ids": comp.replications,
        "confidence": comp.confidence,
        "common_random_numbers": comp.crn,
        "stopping": comp.stop.as_dict() if comp.stop is not None else None,
        "notes": comp.notes,
        # the price-cap and money-value notes the tables print: compare.csv gives a peak
        # at the cap a zero-width interval, which read alone looks exact (review 111)
        "table_notes": list(dict.fromkeys(
            note for label in comp.labels[1:]
            for note in (*_cap_notes(comp, label, None), *_money_notes(comp, label)))),
        "wall_s": round(comp.wall_s, 3),
        "versions": versions(),
        "files": file_hashes(files),
    }
    atomic_write_text(out / "comparison.json",
                      json.dumps(json_safe(info), indent=2, default=str, allow_nan=False))
    return files


def counted_figures(comp: Comparison, ran: Sequence[Results], figures: bool,
                    on_figure: Callable[[int, int], object] | None
                    ) -> contextlib.AbstractContextManager[object]:
    """The count (:func:`sim.output.figures.counting_figures`) of the figures a comparison
    written to a folder draws, reported to ``on_figure``: those of the results folders of
    the scenarios it ran (``ran``) and its own, together (review 239: 30 to 60 s under one
    line). Enter it around each scenario folder's finish and :func:`write_comparison`."""
    if not figures or on_figure is None:
        return contextlib.nullcontext()
    from sim.output.compare_figures import compare_figure_plan
    from sim.output.figures import counting_figures, run_figure_plan

    named = list(zip(comp.labels, comp.results, strict=True))
    total = (sum(len(run_figure_plan(res)) for res in ran)
             + len(compare_figure_plan(named, named_kpis(comp))))
    return counting_figures(on_figure, total)


def _absolute(source: str) -> str:
    """A comparison's ``source`` as comparison.json records it: a scenario file or results
    folder by its absolute path (as typed, it named nothing from another working folder),
    ``<scenario name>`` and ``<results name>`` as they are."""
    return source if source.startswith("<") else str(Path(source).resolve())


def headline_frame(comp: Comparison) -> pd.DataFrame:
    """The headline rows of the table (for notebooks)."""
    return comp.headline(HEADLINE)
