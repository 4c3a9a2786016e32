"""The HTML report of a comparison folder (``sim report DIR`` on a folder of run folders):
:func:`compare_report_html` and the prose only it writes (the key differences with their
timing, the price, control and queue sections, the notes on caps and periods).

Split from :mod:`sim.output.report` (review 231), which finds a comparison's members, reads
its ``comparison.json`` and ``compare.csv``, writes the page (:func:`write_report`) and keeps
the helpers the run report and this one share (page, tables, notes); every name here can
still be imported from there.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.experiment.stats import cap_runs
from sim.metrics.kpis import PRICE_PEAK
from sim.output.report import (
    CLIPPED_NOTE,
    MONEY_DIGITS,
    NUMERIC,
    PLACE_WORDS,
    SITE_DEFINED,
    assumptions_section,
    base_metric,
    cap_paragraph,
    capitalised,
    channel_note,
    compared_scenario_notes,
    esc,
    extends_report_notes,
    figure_html,
    fixed_price_paragraph,
    headline_frame,
    headline_notes,
    html_page,
    is_nan,
    metric_definitions,
    money_commodities,
    money_paragraph,
    more_terms,
    names_block,
    not_applicable,
    note_paragraph,
    notes_html,
    num_cell,
    pairing_notes,
    paragraph_html,
    period_check,
    place_name,
    price_basis_text,
    reference_prices,
    rounded_money,
    scenario_period,
    series_notes,
    short_items,
    site_definitions,
    table,
    timeline_section,
    unpriced_paragraph,
    usd_figure,
)
from sim.output.tables import (
    CONTROL_HHI_NOTE,
    CONTROL_LEAD,
    CONTROL_TOTALS,
    MONEY_KPIS,
    NEW,
    POLICY_TOTALS,
    SITE_LIMIT,
    SITE_ORDER,
    both_at_cap,
    cap_bounds,
    cap_count,
    change_text,
    clip_intervals,
    control_cells,
    control_rows,
    deal_note,
    difference_cells,
    kpi_title,
    more_note,
    open_lanes,
    price_caps,
    price_extremes,
    repeats_note,
    rising_share_note,
    share_points,
    site_differences,
    unpriced,
)
from sim.scenario.prices import price_modelled
from sim.words import and_list

if TYPE_CHECKING:
    from sim.experiment.results import Results


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
    return paragraph_html(f"{note}. {text}", "warn")


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
        periods = (f'<p class="warn">{esc(", ".join(other))}: '
                   f"{'measures' if len(other) == 1 else 'measure'} another period than the "
                   "reference (see the warning above), so the exported_t differences below "
                   f"are {_period_words(named, other)}, as well as the effect of what the "
                   "scenarios change; the shares are of what each period delivered or "
                   "refined. The table gives the differences as measured.</p>")
    from sim.experiment.compare_table import compare_table

    compared = compare_table([res for _n, res in named], [name for name, _res in named])
    # over another period, tonnes differ with the period's length (review 164)
    fell = [rising_share_note(compared, name) for name, _res in named[1:]
            if name not in unranked]
    terms = ""
    if defined is not None:
        defined.update(CONTROL_DEFINED)
        terms = more_terms(frame, defined)
    return ("<h3>Who controls supply: by channel and refiners' country</h3>"
            f"<p>{esc(CONTROL_LEAD)}. It shows metal changing hands between channels or "
            "refiners' countries, which the totals above do not.</p>" + periods
            + "".join(note_paragraph(n) for n in fell if n)
            + table(frame, cls="kpi control",
                    aligned=("reference mean", "mean", "difference", "95% CI"))
            + terms + channel_note(frame, "channel/country")
            + note_paragraph(CONTROL_HHI_NOTE))


QUEUE_ROWS = ("mean_wait_days", "wait_p50_days", "wait_p95_days", "high_load_days",
              "utilisation", "peak_held_trucks")
"""The KPIs of each queue (a border post, a port with a throughput, a lane with a loading
capacity) the comparison report sets side by side, in this order."""


def queue_frame(named: Sequence[tuple[str, Results]]) -> pd.DataFrame:
    """Every queue's :data:`QUEUE_ROWS` in each scenario against the first, as text cells
    (scenario, place, KPI, reference mean, mean, difference, 95% CI, unit): the queues
    busy some of the time in some scenario. Review 161: they reached the key list only
    where one stood out far enough, and there among tonnes ranked by size."""
    from sim.experiment.compare_table import compare_table

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
    periods = (f'<p class="warn">{esc(", ".join(other))}: another period than the '
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


def control_frame(named: Sequence[tuple[str, Results]]) -> pd.DataFrame:
    """Who controls supply in each scenario against the first: delivered_share, exported_t
    and taxed_t by channel and refined_share by country, with the paired differences of
    sim compare (:func:`sim.output.tables.control_rows`), as text cells."""
    from sim.experiment.compare_table import common_replications, compare_table

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
    said = f"<p class=\"muted\">{esc('; '.join(places))}.</p>" if places else ""
    return ('<p class="muted">Terms used in the list above, in short (tonnes are of '
            "contained metal):</p>"
            f'<dl class="muted definitions">{short_items(used)}</dl>{said}')


def _questions(named: Sequence[tuple[str, Results]]) -> str:
    """Each compared scenario's question and description, as the run report gives them
    (review 161: a combination's own limits, a flat 2025 price, were on no page of its
    comparison); "" where none has either."""
    items = []
    for label, res in named:
        sc = res.scenario
        said = " ".join(x for x in (sc.question.strip(), sc.description.strip()) if x)
        if said:
            items.append(f"<li><strong>{esc(label)}</strong>: {esc(said)}</li>")
    return f"<ul class=\"questions\">{''.join(items)}</ul>" if items else ""


def defined_with(metrics: Iterable[str]) -> set[str]:
    """``metrics`` and the KPIs defined together with them (:func:`metric_definitions`
    names consumed_t with shortfall_t): what a table's definitions define."""
    from sim.metrics.kpis import kpi_definitions

    words = kpi_definitions()
    texts = {words[m] for m in metrics if m in words}
    return set(metrics) | {k for k, v in words.items() if v in texts}


def compared_names_used(named: Sequence[tuple[str, Results]],
                        frames: Iterable[pd.DataFrame], csv: bool = True) -> str:
    """:func:`names_used` of a comparison: the ids of ``frames`` by the names the first
    scenario of ``named`` (the reference first) that names them gives them. Review 223:
    the comparison's Queues table gave kasumbalesa and kolwezi_rail_lobito by id, with no
    names anywhere on the page."""
    return names_block([res.scenario for _n, res in named], frames,
                       "The tables name channels and sites by the ids of "
                       + ("compare.csv and " if csv else "")
                       + "the runs' summary.csv; the scenarios name them so (the maps use "
                       "these names).")


def compared_price_basis_paragraph(named: Sequence[tuple[str, Results]],
                                   frames: Iterable[pd.DataFrame], csv: bool = True) -> str:
    """:func:`price_basis_paragraph` of a comparison, once for the page: the reference
    prices of every scenario of ``named``, each once where every scenario has it (``copper
    9,259 USD/t, scenarios/baseline.yaml:12``), else by scenario (``copper 9,259 USD/t in
    base and ban (...), 12,000 USD/t in high (...)``); "" if the
    tables ``frames`` show no money KPI of a priced commodity. Review 223: the comparison
    report wrote one sum as "+48.2 m", "48,217,850" and "1,545,293,286", with no price
    basis."""
    coms = money_commodities(frames)
    # commodity -> price -> (scenarios, files)
    said: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
    for name, res in named:
        for com, price, at in reference_prices(res, res.info.get("manifest", {}), coms):
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
    return price_basis_text(keep, "each scenario's", "; ".join(parts))


def _period_words(named: Sequence[tuple[str, Results]], other: Sequence[str]) -> str:
    """What the differences of the runs ``other`` are besides the scenarios' effect, as
    their periods differ from the reference's (:func:`sim.experiment.compare_notes.period_words`:
    the length, the dates, or the warm-ups)."""
    from sim.experiment.compare_notes import period_kind, period_words

    by_name = dict(named)
    ref = getattr(named[0][1], "scenario", None)
    return period_words([period_kind(ref, by_name[n].scenario) if ref is not None else None
                         for n in other if n in by_name])


def _period_heading(named: Sequence[tuple[str, Results]], other: Sequence[str]) -> str:
    """"different periods", or, where every run in ``other`` measures the reference's
    period after another warm-up, "one period after different warm-ups" (review 176)."""
    from sim.experiment.compare_notes import period_kind

    by_name = dict(named)
    kinds = {period_kind(named[0][1].scenario, by_name[n].scenario) for n in other
             if n in by_name}
    return ("one period after different warm-ups" if kinds == {"warm-up"}
            else "different periods")


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


def paired_cap_runs(named: Sequence[tuple[str, Any]]
                    ) -> dict[str, dict[str, tuple[float, int, int]]]:
    """:func:`sim.experiment.stats.cap_runs` of each scenario of ``named`` over the
    replications every one of them has: the pairs the differences stand on, as sim
    compare counts them (:func:`sim.output.compare_output.cap_counts`). A peak at the cap
    in an unpaired replication holds no difference's mean down."""
    from sim.experiment.compare_table import common_replications

    pairs = common_replications([res for _n, res in named]) if named else []
    return {name: cap_runs(res, pairs) for name, res in named}


def compare_report_figure_count(named: Sequence[tuple[str, Results]],
                                kpis: Sequence[tuple[str, str, str, str]] = ()) -> int:
    """The figures :func:`compare_report_html` draws (for a progress display): the
    comparison's, each scenario's flows, its queues if it names sites or lanes, and its
    calendar if it has shocks or policies."""
    from sim.output.compare_figures import compare_figure_plan
    from sim.output.figures import queue_panels
    from sim.output.report import calendar_drawn

    return (len(compare_figure_plan(named, kpis)) + len(named)
            + sum(bool(queue_panels(res)) + calendar_drawn(res.scenario)
                  for _name, res in named))


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
    from sim.output.compare_figures import (
        COMPARE_METRICS,
        compare_figure_plan,
        paired_differences,
    )
    from sim.output.figures import (
        drawn,
        flows_figure,
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
    defined = defined_with({base_metric(m) for m in dtab["metric"]})
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
        f"<tr><td>{esc(n)}</td><td>{esc(r.scenario.name)}</td><td>{esc(r.scenario.title)}</td>"
        f"<td>{esc(scenario_period(r.scenario))}</td><td>{esc(r.catalogue.period_text)}</td>"
        f'<td class="num">{r.n}</td><td class="num">{r.seed}</td>'
        f"<td>{esc(_overrides(r))}</td></tr>" for n, r in named)
    body = []
    if period_note:
        body.append(
            '<div class="warn" id="periods"><p><strong>These runs measure '
            f"{_period_heading(named, unranked)}, so their differences are not the effect of "
            "what the scenarios change alone."
            f"</strong> {esc(period_note[0].upper() + period_note[1:])}.</p><p>Not listed "
            "below among the differences whose interval excludes zero: "
            f"{esc(', '.join(unranked))}.</p></div>")
    body += [f'<p class="warn">{esc(note)}</p>' for note in notes]
    body += [f'<p class="warn">{esc(capitalised(note))}.</p>'
             for note in [*series_notes(named), *pairing_notes(named)]]
    # what sim compare said of the scenarios it ran, as it wrote them in compare.md
    body.append(notes_html(compared_scenario_notes(named)))
    # these begin with a scenario's label, which an upper-cased first letter would change
    body += [f'<p class="warn">{esc(note)}.</p>'
             for note in extends_report_notes(named, ran)]
    why = reference_note or "it was given first"
    body += ['<section id="run"><h2>Scenarios</h2>'
             f"<p>Each scenario is compared with <strong>{esc(ref_name)}</strong>, the "
             f"reference: {esc(why)}. Where two runs share seed and replication numbers, "
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
             table(rounded_money(not_applicable(heads)), NUMERIC, cls="kpi headline"),
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
        body += [f"<details><summary>compare.csv{esc(against)}</summary>",
                 table(rounded_money(shown, CSV_MONEY_COLUMNS), numeric,
                       cls="kpi compare-csv", max_rows=500),
                 _compare_csv_caption(counts, money=bool(money_commodities([extra]))),
                 csv_sites, csv_terms, "</details>"]
    body.append("</section>")
    body.append('<section id="figures"><h2>Figures</h2>')
    # each drawn as it is embedded, as the run report's: drawn all first, they were held
    # at once and on_figure stayed at 0 while they were drawn (review 243)
    body += [figure_html(fig, cap, stem)
             for stem, cap, fig in drawn(compare_figure_plan(named, kpis))]
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
        body.append(timeline_section(res, f"timeline-{i}", name))
    body.append("</section>")
    body.append('<section id="assumptions"><h2>Assumptions and sources</h2>')
    for i, (name, res) in enumerate(named):
        manifest = res.info.get("manifest", {})
        body.append(f"<details{' open' if i == 0 else ''}><summary>{esc(name)}</summary>")
        body.append(assumptions_section(res, manifest, f"assumptions-{i}").replace(
            "<h2>Assumptions and sources</h2>", ""))
        body.append("</details>")
    body.append("</section>")
    nav = [("run", "Scenarios"), ("kpis", "Differences"), ("figures", "Figures"),
           ("timeline", "Timelines"), ("assumptions", "Assumptions and sources")]
    names = ", ".join(n for n, _r in named[1:])
    return html_page(f"{names} compared with {ref_name}", nav, "".join(body))


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
            notes.append(cap_paragraph({c: cap for c, (cap, _k, _n) in every.items()},
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
            out[col] = ["-" if v is None or is_nan(float(v)) else format(float(v), fmt)
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
        rel = diff / ref_mean if ref_mean and not is_nan(ref_mean) else math.nan
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
        notes.append(cap_paragraph(capped[ref], where, (counts or {}).get(ref), side))
    elif ref is not None:
        notes.append(cap_paragraph(capped[ref], ref, (counts or {}).get(ref), "reference"))
    notes += [cap_paragraph(capped[n], n, (counts or {}).get(n), "scenario")
              for n in names[1:] if n not in same]
    everywhere = [c for c in next(iter(no_price.values()), [])
                  if all(c in v for v in no_price.values())]
    notes.append(unpriced_paragraph(everywhere))
    return [n for n in notes if n]


def _site_items(named: Sequence[tuple[str, Results]], unranked: Sequence[str],
                kpis: Sequence[tuple[str, str, str, str]]) -> list[tuple[str, str]]:
    """The site and lane rows of each scenario (but those of ``unranked``) whose paired
    difference's interval excludes zero (:func:`sim.output.tables.site_differences`, the
    ``kpis`` named with --metric left out: they are among the key KPIs already), at most
    :data:`SITE_LIMIT` per scenario, as list items, with a last item per scenario saying
    how many more compare.csv holds: (scenario, HTML)."""
    from sim.experiment.compare_notes import regimes_over_other_periods
    from sim.experiment.compare_table import compare_table

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
            out.append((label, f"<li>{esc(label)}: {esc(more.removeprefix('note: '))}</li>"))
        left = repeats_note(found.attrs.get("repeats", {}))
        if left:
            out.append((label, f"<li>{esc(label)}: {esc(left)}</li>"))
    return out


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
    return out if isinstance(out, str) else num_cell(x)


def _difference_item(scenario: str, commodity: str, metric: str, diff: float, unit: str,
                     rel: float, low: float, high: float, new: bool = False) -> str:
    """One difference whose interval excludes zero as a list item; ``rel``: the relative
    change (a fraction, NaN for none); ``new``: the reference mean is 0 (a change from
    nothing, marked as such rather than with no change at all). US dollars are given in
    millions or billions."""
    if unit == "share":
        return _share_item(scenario, commodity, metric, diff, rel, low, high, new)
    num = _usd if unit == "USD" else num_cell
    change = (f" ({rel:+.1%})" if not is_nan(rel)
              else f" ({NEW}: from 0)" if new else "")
    if not is_nan(rel) and abs(rel) >= FROM_LITTLE:
        # +116011.6% alone hid that the reference held a few hundred tonnes
        change = f" ({rel:+,.0%} on the reference's {num(diff / rel)} {esc(unit)})"
    # every pair gave the same difference: no spread to estimate, as sim compare says
    ci = "(all equal)" if low == high else f"{num(low)} to {num(high)}"
    return (f"<li><strong>{esc(scenario)}</strong>: {esc(commodity)} {esc(metric)} "
            f"{'+' if diff > 0 else ''}{num(diff)} {esc(unit)}{change}, 95% CI {ci}</li>")


def _share_item(scenario: str, commodity: str, metric: str, diff: float, rel: float,
                low: float, high: float, new: bool = False) -> str:
    """:func:`_difference_item` of a share (utilisation, state_time_share): in percentage
    points, as the comparison's tables write it (:func:`sim.output.tables.share_points`),
    with the reference's share and the scenario's in % rather than a relative change
    (review 223: "+0.56 share" beside the Queues table's "+55.97 pt", and "+0.133 share
    (+46.6%)" read as 46.6 points)."""
    ref = 0.0 if new else diff / rel if not is_nan(rel) and rel != 0 else math.nan
    # levels to the difference's precision: "from 40.0% to 40.0%" beside +0.04 pt told
    # nothing (review 225)
    digits = 1 if abs(diff) >= 0.001 or diff == 0 else -math.floor(math.log10(abs(diff) * 100))
    levels = (f" ({NEW}: from 0% to {diff:.{digits}%})" if new
              else f" (from {ref:.{digits}%} to {ref + diff:.{digits}%})"
              if not is_nan(ref) else "")
    ci = ("(all equal)" if low == high
          else f"{share_points(low).removesuffix(' pt')} to {share_points(high)}")
    return (f"<li><strong>{esc(scenario)}</strong>: {esc(commodity)} {esc(metric)} "
            f"{esc(share_points(diff))}{esc(levels)}, 95% CI {esc(ci)}</li>")


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
            before = num_cell(float(np.mean(ref.kpi("shortfall_t", commodity, site=sid))))
        except KeyError:
            before = "-"
        site = res.scenario.sites.get(sid)
        name = getattr(site, "name", None) or sid
        parts.append(f"{name} {num_cell(mean)} t (reference {before})")
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
    return (f"<li><strong>{esc(scenario)}</strong>: {esc(commodity)} price_peak_ratio "
            f"{esc(bound)} {esc(unit)}{esc(change)}, {where} (a bound, no interval)</li>")


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
        return item.removesuffix("</li>") + f"; {esc(when)}</li>" if when else item

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
            item = item.removesuffix("</li>") + f"; {esc(MONEY_CAVEAT)}</li>"
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
    scope = (f"<p>Key KPIs: {esc(', '.join(metrics))}, {kinds} (sim compare prints a few "
             f"more); {esc(where)}.</p>" if metrics else "")
    if sites:
        scope += ("<p>Listed after each scenario's totals: the sites and lanes whose "
                  f"difference excludes zero (at most {SITE_LIMIT} per scenario, "
                  f"{SITE_ORDER}).</p>")
    skipped = ""
    if unranked:
        skipped = (f"<p>{esc(', '.join(unranked))}: not ranked, because "
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
