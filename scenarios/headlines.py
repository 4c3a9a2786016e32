"""Headline results of each shipped scenario, beside its reference over the same period.

Run from the repository root::

    .venv/bin/python scenarios/headlines.py [-n 100] [--seed 2024] [--workers 2] [NAME ...]

For every scenario (or the NAMEs given) it runs the scenario and its reference (the
baseline, or the scenario it branches from: ``REFERENCES``) with the scenario's start and
end dates, paired with common random numbers, and prints a markdown table per scenario:
the reference's and the scenario's mean with 95% confidence intervals,
the paired difference with its interval, and the relative change. ``scenarios/README.md``
reproduces these tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import sim
from sim.output.tables import PRICE_PEAK, at_cap, change_text, clip_intervals, price_caps

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Row:
    """One KPI of a headline table, selected by its key in the KPI table."""

    label: str
    metric: str
    commodity: str = "all"
    channel: str = "all"
    site: str = "all"
    scale: float = 1.0
    unit: str = "t"


GOLD_EAST = [
    Row("gold exported", "exported_t", "gold"),
    Row("gold exported, informal channel", "exported_t", "gold", "informal"),
    Row("gold diverted to the informal channel", "diverted_t", "gold"),
    Row("armed groups' rent from gold", "armed_group_rent_usd", "gold", scale=1e-6,
        unit="USD m"),
    Row("royalties on gold", "royalty_usd", "gold", scale=1e-6, unit="USD m"),
]
COPPER_BELT = [
    Row("copper exported", "exported_t", "copper"),
    Row("cobalt exported", "exported_t", "cobalt"),
    Row("copper mean lead time", "mean_lead_time_days", "copper", unit="days"),
    Row("Kasumbalesa mean wait", "mean_wait_days", site="kasumbalesa", unit="days"),
]
PARTNERSHIP = [
    Row("cobalt exported, US-partnered", "exported_t", "cobalt", "us_partnered"),
    Row("copper exported, US-partnered", "exported_t", "copper", "us_partnered"),
    Row("cobalt exported, informal channel", "exported_t", "cobalt", "informal"),
    Row("cobalt refined at Kokkola", "refined_t", "cobalt", site="kokkola"),
    Row("cobalt control concentration (HHI)", "control_hhi", "cobalt", unit="index"),
    Row("Lobito railway throughput (copper)", "throughput_t", "copper",
        site="kolwezi_rail_lobito"),
    Row("armed groups' rent from gold", "armed_group_rent_usd", "gold", scale=1e-6,
        unit="USD m"),
]
COBALT_MARKET = [
    Row("cobalt consumed", "consumed_t", "cobalt"),
    Row("cobalt shortfall", "shortfall_t", "cobalt"),
    Row("days with a cobalt shortfall", "shortfall_days", "cobalt", unit="days"),
    Row("cobalt price peak (x start)", "price_peak_ratio", "cobalt", unit="ratio"),
]

HEADLINES: dict[str, list[Row]] = {
    "m23_escalation": [*GOLD_EAST[:3], Row("gold taxed by armed groups", "taxed_t", "gold"),
                       *GOLD_EAST[3:], Row("copper exported", "exported_t", "copper")],
    "m23_southern_push": COPPER_BELT + [GOLD_EAST[2]],
    "export_ban_2025": [
        Row("cobalt mined", "mined_t", "cobalt"),
        Row("cobalt exported", "exported_t", "cobalt"),
        Row("cobalt not mined (curtailed)", "curtailed_t", "cobalt"),
        Row("cobalt in stock at the end", "stock_end_t", "cobalt"),
        Row("cobalt stranded in the DRC at the end", "stranded_end_t", "cobalt"),
        *COBALT_MARKET,
        Row("peak daily cobalt shortfall (share of demand)", "peak_shortfall_share", "cobalt",
            unit="share"),
        Row("copper exported", "exported_t", "copper"),
    ],
    "us_partnership": PARTNERSHIP,
    "us_partnership_no_show": PARTNERSHIP,
    "us_partnership_m23": PARTNERSHIP + GOLD_EAST[:3],
    "corridor_shocks": [
        Row("copper delivered", "delivered_t", "copper"),
        Row("copper in transit at the end", "in_transit_end_t", "copper"),
        Row("copper mean lead time", "mean_lead_time_days", "copper", unit="days"),
        Row("cobalt mean lead time", "mean_lead_time_days", "cobalt", unit="days"),
        Row("Dar es Salaam throughput (copper)", "throughput_t", "copper", site="dar_es_salaam"),
        Row("Durban throughput (copper)", "throughput_t", "copper", site="durban"),
        Row("Kasumbalesa mean wait", "mean_wait_days", site="kasumbalesa", unit="days"),
        Row("copper queued at Kasumbalesa at worst", "peak_held_t", "copper",
            site="kasumbalesa"),
        Row("trucks queued at Kasumbalesa at worst", "peak_held_trucks", site="kasumbalesa",
            unit="trucks"),
        Row("copper held at Durban at worst", "peak_held_t", "copper", site="durban"),
        Row("cobalt shortfall", "shortfall_t", "cobalt"),
    ],
    "china_export_control": [
        Row("US cobalt consumed", "consumed_t", "cobalt", site="market_usa"),
        Row("US cobalt shortfall", "shortfall_t", "cobalt", site="market_usa"),
        Row("rest-of-world cobalt shortfall", "shortfall_t", "cobalt", site="market_row"),
        Row("cobalt price peak (x start)", "price_peak_ratio", "cobalt", unit="ratio"),
    ],
}
HEADLINES["china_export_control_allies"] = HEADLINES["china_export_control"]
HEADLINES["export_ban_2025_artisanal_digging"] = HEADLINES["export_ban_2025"]
HEADLINES["combined_2025"] = [
    Row("cobalt exported", "exported_t", "cobalt"),
    *COBALT_MARKET,
    Row("cobalt exported, US-partnered", "exported_t", "cobalt", "us_partnered"),
    Row("cobalt control concentration (HHI)", "control_hhi", "cobalt", unit="index"),
    Row("copper exported", "exported_t", "copper"),
    Row("copper exported, US-partnered", "exported_t", "copper", "us_partnered"),
    Row("copper mean lead time", "mean_lead_time_days", "copper", unit="days"),
    Row("Kasumbalesa mean wait", "mean_wait_days", site="kasumbalesa", unit="days"),
    Row("armed groups' rent from gold", "armed_group_rent_usd", "gold", scale=1e-6,
        unit="USD m"),
]
HEADLINES["baseline_leakage"] = [
    Row("copper exported, informal channel", "exported_t", "copper", "informal"),
    Row("cobalt exported, informal channel", "exported_t", "cobalt", "informal"),
    Row("cobalt exported, Chinese channel", "exported_t", "cobalt", "china"),
    Row("royalties on copper", "royalty_usd", "copper", scale=1e-6, unit="USD m"),
    Row("royalties on cobalt", "royalty_usd", "cobalt", scale=1e-6, unit="USD m"),
    Row("cobalt control concentration (HHI)", "control_hhi", "cobalt", unit="index"),
]

REFERENCES = {
    # The partnership starts from the status quo with leakage, which its oversight halves.
    "us_partnership": "baseline_leakage",
    "us_partnership_no_show": "baseline_leakage",
    "us_partnership_m23": "baseline_leakage",
    "combined_2025": "baseline_leakage",
    # The southern push is a branch of the M23 escalation: compare it with the trunk.
    "m23_southern_push": "m23_escalation",
    # Diggers who keep digging: against the ban as shipped, where they stop.
    "export_ban_2025_artisanal_digging": "export_ban_2025",
}
"""The reference each scenario is compared with (``baseline`` if not listed)."""


def _num(x: float, unit: str) -> str:
    if not math.isfinite(x):
        return "n/a"
    if unit in ("share",):
        return f"{x:.1%}"
    if unit in ("ratio", "index", "days") or abs(x) < 100:
        return f"{x:,.2f}"
    return f"{x:,.0f}"


def _ci(mean: float, low: float, high: float, unit: str) -> str:
    if not math.isfinite(low) or low == high:
        return _num(mean, unit)
    return f"{_num(mean, unit)} ({_num(low, unit)} to {_num(high, unit)})"


def _capped(row: Row, value: float, caps: dict[str, float]) -> bool:
    """Whether ``value`` of ``row`` is a price peak at its commodity's cap."""
    return (row.metric == PRICE_PEAK and row.commodity in caps
            and at_cap(value, caps[row.commodity]))


def headline_table(table: pd.DataFrame, rows: list[Row], name: str, reference: str,
                   caps: dict[str, float] | None = None) -> str:
    """A markdown table of ``rows`` from a two-scenario comparison table.

    ``caps`` maps a commodity to its ``price_cap_ratio`` (``price_caps(scenario)``). A price
    peak whose mean sits at the cap (every replication reached it) is marked as the CLI
    marks it: the label says which scenario is "at the cap", the value is shown without an
    interval, and the change is a lower bound ("at least"), since the index cannot rise
    above the cap and the peak shows the cap, not how high the price would have gone.
    Raises KeyError if a row's KPI is not in ``table``.
    """
    caps = caps or {}
    # each scenario's interval within what its KPI can take, as sim compare's tables
    # (review 185: "160 (-1,054 to 1,375)" t stranded at -n 2); a difference may be < 0
    table = clip_intervals(table, caps)
    lines = [f"| result | unit | {reference}, same period | {name} | difference (95% CI) "
             "| change |", "|---|---|---|---|---|---|"]
    for row in rows:
        sel = table[(table.metric == row.metric) & (table.commodity == row.commodity)
                    & (table.channel == row.channel) & (table.site == row.site)]
        if sel.empty:
            raise KeyError(f"{name}: no KPI {row.metric}/{row.commodity}/{row.channel}/"
                           f"{row.site} in the comparison")
        base = sel[sel.scenario == reference].iloc[0]
        scen = sel[sel.scenario == name].iloc[0]
        s = row.scale
        rel = scen.rel_change
        base_cell = _ci(base['mean'] * s, base.ci_low * s, base.ci_high * s, row.unit)
        scen_cell = _ci(scen['mean'] * s, scen.ci_low * s, scen.ci_high * s, row.unit)
        diff_cell = _ci(scen['diff'] * s, scen.diff_ci_low * s, scen.diff_ci_high * s,
                        row.unit)
        # as the tables of sim compare write it: whole percentages from 1,000% on
        change = 'n/a' if not math.isfinite(rel) else change_text(rel, None, None)
        label = row.label
        at = [lab for lab, r in ((reference, base), (name, scen))
              if _capped(row, float(r['mean']), caps)]
        if at:
            label += f" ({'both' if len(at) == 2 else at[0]} at the cap)"
            if reference in at:
                base_cell = _num(base['mean'] * s, row.unit)
                change = "n/a"  # a change between two caps says nothing
            if name in at:
                scen_cell = _num(scen['mean'] * s, row.unit)
                diff_cell = _num(scen['diff'] * s, row.unit)
                if reference not in at and math.isfinite(rel):
                    change = f"at least {change_text(rel, None, None)}"
        lines.append(f"| {label} | {row.unit} | {base_cell} | {scen_cell} | {diff_cell} "
                     f"| {change} |")
    return "\n".join(lines)


def compare_with_reference(name: str, replications: int, seed: int, workers: int | None
                           ) -> tuple[sim.Scenario, str, pd.DataFrame]:
    """Run scenario ``name`` and its reference over the scenario's period, paired."""
    scenario = sim.load_scenario(HERE / f"{name}.yaml")
    period = [f"start={scenario.start.isoformat()}", f"horizon_days={int(scenario.horizon)}",
              "end=null"]
    reference = REFERENCES.get(name, "baseline")
    ref = sim.load_scenario(HERE / f"{reference}.yaml", overrides=period)
    table = sim.compare([ref, scenario], replications=replications, seed=seed,
                        workers=workers)
    return scenario, reference, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--replications", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: one per CPU)")
    parser.add_argument("names", nargs="*", help="scenarios (default: all with headlines)")
    args = parser.parse_args()
    for name in args.names or list(HEADLINES):
        scenario, reference, table = compare_with_reference(name, args.replications,
                                                            args.seed, args.workers)
        end = scenario.start + dt.timedelta(days=int(scenario.horizon) - 1)
        print(f"### {name}: {scenario.start} to {end}, {args.replications} replications "
              f"(seed {args.seed})\n")
        print(headline_table(table, HEADLINES[name], name, reference,
                             price_caps(scenario)))
        print(flush=True)


if __name__ == "__main__":
    main()
