"""Coarser lots: what a longer ``lot_period_days`` saves in time and changes in results.

Issue 7 suggests batching lots per lane per period to cut events, provided results change
no more than Monte Carlo noise. This measures both sides on the 10-year baseline: for each
lot period, the CPU seconds and SimPy events of one replication, and the paired difference
of every KPI from the 1-day baseline over the same replications (common random numbers:
same seed, same replication numbers), with its 95% confidence interval. A difference whose
interval excludes 0 is beyond Monte Carlo noise. Run from the repository root::

    .venv/bin/python benchmarks/bench_lot_period.py [--replications 20] [--periods 1 2 3 7]

It prints a table of time and events per period, the chosen KPIs' differences, and how many
KPIs in all moved beyond noise (at 95%, about 1 in 20 would by chance alone).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import sim
from sim.experiment.compare_table import paired_difference
from sim.experiment.replication import run_replication

import machine_info  # benchmarks/machine_info.py (the script's own folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]

SHOWN = [
    ("copper", "all", "all", "exported_t"),
    ("cobalt", "all", "all", "exported_t"),
    ("copper", "all", "all", "delivered_t"),
    ("cobalt", "all", "all", "delivered_t"),
    ("copper", "all", "all", "mean_lead_time_days"),
    ("cobalt", "all", "all", "mean_lead_time_days"),
    ("all", "all", "kasumbalesa", "mean_wait_days"),
    ("copper", "all", "kasumbalesa", "peak_held_t"),
    ("copper", "all", "durban", "peak_held_t"),
    ("all", "all", "dar_es_salaam", "mean_dwell_days"),
]
"""(commodity, channel, site, metric) of the KPIs printed one by one: tonnages, which
batching should leave alone, and the congestion it may not."""


def varies(column: np.ndarray) -> bool:
    """Whether a KPI takes more than one value over the replications, NaNs left out. Some
    KPIs are NaN in every replication by design (a time to recover when nothing ran short,
    say): they do not vary, and ``np.nanstd`` would warn on them."""
    finite = column[~np.isnan(column)]
    return finite.size > 1 and bool(np.std(finite) > 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replications", type=int, default=20,
                        help="paired replications per lot period")
    parser.add_argument("--periods", type=int, nargs="+", default=[1, 2, 3, 7],
                        help="lot periods in days; the first is the reference")
    parser.add_argument("--years", type=float, default=10.0, help="horizon in years")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.replications < 2 or args.years <= 0 or min(args.periods) < 1:
        # a paired interval needs two replications at least
        parser.error("--replications must be at least 2, --years above 0 and every period "
                     "at least 1 day")
    periods = args.periods
    print(f"machine: {machine_info.describe(('simpy', 'numpy'))}")
    print("load average before: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    horizon = round(args.years * 365.25)
    scenarios = {p: sim.load_scenario(ROOT / "scenarios" / "baseline.yaml",
                                      [f"horizon_days={horizon}", f"lot_period_days={p}"])
                 for p in periods}
    values: dict[int, list[np.ndarray]] = {p: [] for p in periods}
    cpu_s: dict[int, list[float]] = {p: [] for p in periods}
    events: dict[int, list[int]] = {p: [] for p in periods}
    labels = None
    for rep in range(args.replications):
        for p in periods:  # interleaved, so machine noise falls on every period alike
            started = time.process_time()
            res = run_replication(scenarios[p], args.seed, rep)
            cpu_s[p].append(time.process_time() - started)
            events[p].append(res.events)
            if labels is None:
                labels = res.kpi_labels
            values[p].append(res.kpi_array)
        print(f"replication {rep + 1}/{args.replications} done", file=sys.stderr, flush=True)
    assert labels is not None
    ref = periods[0]

    print("load average after: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"baseline, {args.years:g} years, {args.replications} paired replications, "
          f"seed {args.seed}\n")
    # CPU seconds and events are each replication's own; the medians are over the replications.
    print("| lot period | CPU s per replication (median) | speed-up | "
          "SimPy events per replication (median) |")
    print("|---|---|---|---|")
    ref_s = statistics.median(cpu_s[ref])
    for p in periods:
        med = statistics.median(cpu_s[p])
        print(f"| {p} day{'s' if p > 1 else ''} | {med:.3f} | {ref_s / med:.2f}x | "
              f"{statistics.median(events[p]):,.0f} |")

    index = {label[:4]: j for j, label in enumerate(labels)}
    ref_values = np.array(values[ref])
    print(f"\n| KPI | {ref}-day mean | "
          + " | ".join(f"{p} days - {ref} (95% CI)" for p in periods[1:]) + " |")
    print("|---|---|" + "---|" * (len(periods) - 1))
    for key in SHOWN:
        j = index[key]
        cells = []
        for p in periods[1:]:
            mean, low, high = paired_difference(ref_values[:, j], np.array(values[p])[:, j])
            beyond = low > 0 or high < 0
            mark = " **beyond noise**" if beyond else ""
            cells.append(f"{mean:+.4g} ({low:+.3g} to {high:+.3g}){mark}")
        print(f"| {':'.join(key)} | {np.nanmean(ref_values[:, j]):.4g} | "
              + " | ".join(cells) + " |")

    print()
    varying = [j for j in range(len(labels)) if varies(ref_values[:, j])
               or any(varies(np.array(values[p])[:, j]) for p in periods[1:])]
    for p in periods[1:]:
        moved = []
        for j in varying:
            _mean, low, high = paired_difference(ref_values[:, j], np.array(values[p])[:, j])
            if low > 0 or high < 0:
                moved.append(":".join(labels[j][:4]))
        print(f"{p}-day lots: {len(moved)} of {len(varying)} KPIs that vary moved beyond noise "
              f"(about {len(varying) / 20:.0f} would by chance): {', '.join(moved[:12])}"
              f"{' ...' if len(moved) > 12 else ''}")


if __name__ == "__main__":
    main()
