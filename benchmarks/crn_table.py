"""How much common random numbers narrow the interval of a difference: the README's table.

The baseline against a 20-day throttling of Kasumbalesa to 30% from day 5 (60-day horizon),
each run with ``-n`` replications: the shocked scenario with the baseline's seed (common
random numbers, paired by replication) and with another seed (independent). Prints, for a
few KPIs, the mean difference with its 95% half-width both ways and how many times narrower
the paired interval is. Run from the repository root::

    .venv/bin/python benchmarks/crn_table.py [-n 20] [--seed 1] [--other-seed 101] [-w 2]

``tests/experiment/test_compare.py`` checks the same effect on 8 replications.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sim
from sim.experiment.stats import t_interval

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
SHOCK = ("shocks.events.kclose={start: 5, duration_days: 20, targets: {sites: "
         "[kasumbalesa]}, effects: {capacity_factor: 0.3}}")
ROWS = (("delivered_t", "copper", "t"), ("delivered_t", "cobalt", "t"),
        ("exported_t", "copper", "t"), ("mean_lead_time_days", "copper", "days"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--replications", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--other-seed", type=int, default=101)
    ap.add_argument("-w", "--workers", type=int, default=2)
    args = ap.parse_args()
    base = sim.load_scenario(BASELINE, ["horizon_days=60"])
    cut = sim.load_scenario(BASELINE, ["horizon_days=60", SHOCK])
    n, w = args.replications, args.workers
    a = sim.run(base, n, seed=args.seed, workers=w)
    paired = sim.run(cut, n, seed=args.seed, workers=w)
    independent = sim.run(cut, n, seed=args.other_seed, workers=w)
    print(f"{n} replications each, seed {args.seed}; independent: seed {args.other_seed}\n")
    print("| KPI | difference, CRN (95% CI half-width) | independent seeds "
          "| interval narrower by |")
    print("|---|---:|---:|---:|")
    for metric, commodity, unit in ROWS:
        x = a.kpi(metric, commodity)
        crn = t_interval(paired.kpi(metric, commodity) - x)
        ind = t_interval(independent.kpi(metric, commodity) - x)
        half_crn, half_ind = (crn[2] - crn[1]) / 2, (ind[2] - ind[1]) / 2
        fmt = (lambda v: f"{v:+,.0f}") if unit == "t" else (lambda v: f"{v:+.3f}")
        hw = (lambda v: f"{v:,.0f}") if unit == "t" else (lambda v: f"{v:.3f}")
        print(f"| {commodity} {metric} | {fmt(crn[0])} {unit} (± {hw(half_crn)}) "
              f"| {fmt(ind[0])} {unit} (± {hw(half_ind)}) | {half_ind / half_crn:.1f}x |")


if __name__ == "__main__":
    main()
