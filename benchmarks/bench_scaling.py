"""Scaling: seconds per replication of the baseline against horizon and against network size.

Issue 7, item 4: both should be close to linear. Run from the repository root::

    .venv/bin/python benchmarks/bench_scaling.py [--runs 5] [--horizons 1 5 10 20]
        [--sizes 1 2 4] [--size-years 10] [--plot results/scaling.png]

Horizon: ``scenarios/baseline.yaml`` with ``horizon_days`` set to 1, 5, 10 and 20 years
(365.25 days a year, rounded). Every run also simulates the baseline's 180-day warm-up, so
"simulated years" below include it.

Network size: k independent copies of the whole baseline network in one scenario (k = 1, 2,
4), over ``--size-years`` years. Copy c > 1 has every site and lane id suffixed ``_x<c>``
(markets, refiners and the stockpile are copied too, so each copy has its own demand),
refiners' ``sales`` point at their own copy's markets, and every route of every channel is
cloned into the same channel with its path renamed. A mine uses only routes whose path
starts at a site it has a lane to (``sim.scenario.checks.mine_routes``), so a copy's mines
use only the copy's routes, and the fixed shares, renormalised over the usable routes
(``sim.scenario.plan.route_weights``), are those of the original. Regions are shared, so
the conflict regimes (which target regions) act on every copy; the incidents target named
sites and lanes and stay on the original copy only. The tiled scenario is built from the
resolved baseline (``sim.scenario.fingerprint.scenario_json``) and validated again with
``sim.scenario.scenario_from_dict``.

Every configuration runs once per round, in a rotated order, for ``--runs`` rounds, so
machine noise falls on all of them alike; medians are reported. Each replication checks the
mass balance itself (:func:`sim.experiment.replication.run_replication` raises on a
violation); the largest ``mass_balance_error_t`` is printed as well. Wall time and this
process's CPU time are both recorded: on a machine shared with other work the wall time
includes waiting for a CPU, and the CPU time shows the scaling of the work itself. The
table goes to the terminal and the figure to ``--plot`` (PNG).
"""

from __future__ import annotations

import argparse
import copy
import gc
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

import sim
from sim.experiment.replication import run_replication
from sim.scenario.fingerprint import scenario_json
from sim.scenario import scenario_from_dict
from sim.scenario.schema import Scenario
from sim.units import DAYS_PER_YEAR

import machine_info  # benchmarks/machine_info.py (the script's own folder is on sys.path)

PACKAGES = ("simpy", "numpy", "matplotlib")
"""Packages whose versions go with the recorded figures."""

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@dataclass
class Config:
    """One thing to time: a scenario and where it sits on its axis."""

    series: str
    """``horizon`` or ``size``."""
    x: float
    """Years of horizon, or copies of the network."""
    sc: Scenario
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    """CPU time of this process: less sensitive than wall time to other work on the machine."""
    events: list[int] = field(default_factory=list)
    balance_error_t: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.x:g} y" if self.series == "horizon" else f"{self.x:g}x network"

    @property
    def simulated_years(self) -> float:
        days = (self.sc.horizon_days or 0.0) + self.sc.warmup_days
        return days / DAYS_PER_YEAR

    @property
    def mines(self) -> int:
        return sum(1 for s in self.sc.sites.values() if s.kind == "mine")

    def median_s(self) -> float:
        return statistics.median(self.seconds)

    def median_cpu_s(self) -> float:
        return statistics.median(self.cpu_seconds)

    def median_events(self) -> float:
        return statistics.median(self.events)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def years_override(years: float) -> str:
    return f"horizon_days={round(years * DAYS_PER_YEAR)}"


def tile(data: dict[str, Any], copies: int) -> dict[str, Any]:
    """``copies`` independent copies of the network in resolved scenario ``data``."""
    out = copy.deepcopy(data)
    for c in range(2, copies + 1):
        suffix = f"_x{c}"

        def rename(site_id: str, suffix: str = suffix) -> str:
            return site_id + suffix

        for sid, site in data["sites"].items():
            clone = copy.deepcopy(site)
            if clone.get("name"):
                clone["name"] = f"{clone['name']} (copy {c})"
            if clone["kind"] == "refiner":
                clone["sales"] = {com: {rename(m): share for m, share in shares.items()}
                                  for com, shares in clone["sales"].items()}
            out["sites"][rename(sid)] = clone
        for lid, lane in data["lanes"].items():
            clone = copy.deepcopy(lane)
            clone["from"], clone["to"] = rename(lane["from"]), rename(lane["to"])
            out["lanes"][lid + suffix] = clone
        for cid, channel in data["channels"].items():
            for rid, route in channel["routes"].items():
                clone = copy.deepcopy(route)
                clone["path"] = [rename(s) for s in route["path"]]
                out["channels"][cid]["routes"][rid + suffix] = clone
    return out


def tiled_scenario(years: float, copies: int) -> Scenario:
    base = sim.load_scenario(BASELINE, overrides=[years_override(years)])
    if copies == 1:
        return base
    return scenario_from_dict(tile(scenario_json(base), copies), f"baseline x{copies}")


def time_one(cfg: Config, seed: int, replication: int) -> None:
    gc.collect()  # garbage of the previous run is not billed to this one
    started, cpu_started = time.perf_counter(), time.process_time()
    res = run_replication(cfg.sc, seed, replication)
    cfg.seconds.append(time.perf_counter() - started)
    cfg.cpu_seconds.append(time.process_time() - cpu_started)
    cfg.events.append(res.events)
    errors = [row[5] for row in res.kpis if row[3] == "mass_balance_error_t"]
    cfg.balance_error_t = max([cfg.balance_error_t, *map(abs, errors)])


def table(configs: list[Config]) -> str:
    head = (f"{'configuration':<14} {'mines':>5} {'lanes':>5} {'sim. years':>10} "
            f"{'events':>10} {'seconds':>8} {'cpu s':>7} {'s/sim. y':>8} {'cpu s/sim. y':>12} "
            f"{'events/s':>9} "
            f"{'rel. time':>9} {'rel. work':>9} {'balance err t':>13}")
    lines = [head, "-" * len(head)]
    for series in ("horizon", "size"):
        group = [c for c in configs if c.series == series]
        if not group:
            continue
        first = group[0]
        for c in group:
            # Relative work: simulated days for the horizon (warm-up included), copies for size.
            work = (c.simulated_years / first.simulated_years if series == "horizon"
                    else c.x / first.x)
            lines.append(
                f"{c.label:<14} {c.mines:>5} {len(c.sc.lanes):>5} {c.simulated_years:>10.2f} "
                f"{c.median_events():>10,.0f} {c.median_s():>8.3f} {c.median_cpu_s():>7.3f} "
                f"{c.median_s() / c.simulated_years:>8.3f} "
                f"{c.median_cpu_s() / c.simulated_years:>12.3f} "
                f"{c.median_events() / c.median_s():>9,.0f} "
                f"{c.median_s() / first.median_s():>9.2f} {work:>9.2f} "
                f"{c.balance_error_t:>13.2g}")
    return "\n".join(lines)


def xs_of(group: list[Config]) -> list[float]:
    return [c.simulated_years if c.series == "horizon" else c.x for c in group]


def line(a: float, b: float, unit: str) -> str:
    """``a + b x`` in words with signed numbers: ``0.51 s - 0.680 s per simulated year``."""
    fixed = f"{a:.2f}"
    if float(fixed) == 0:
        fixed = "0.00"  # not "-0.00" for a small negative intercept
    return f"{fixed} s {'-' if b < 0 else '+'} {abs(b):.3f} s {unit}"


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Intercept and slope of the least-squares line (a fixed cost plus a cost per unit)."""
    fit = statistics.linear_regression(xs, ys)
    return fit.intercept, fit.slope


def fits(configs: list[Config]) -> str:
    """The least-squares lines of each group in words, with the largest relative misfit."""
    out = []
    for series, unit in (("horizon", "simulated year"), ("size", "copy of the network")):
        group = [c for c in configs if c.series == series]
        if len(group) < 2:
            continue
        for what, ys in (("wall", [c.median_s() for c in group]),
                         ("CPU", [c.median_cpu_s() for c in group])):
            xs = xs_of(group)
            a, b = linear_fit(xs, ys)
            misfit, at = max((abs(y - (a + b * x)) / y, c.label)
                             for c, x, y in zip(group, xs, ys, strict=True))
            out.append(f"{series}, {what} time: {line(a, b, f'per {unit}')} (least "
                       f"squares through the medians; largest departure {misfit:.0%} of a "
                       f"median, at {at})")
    return "\n".join(out)


def plot(configs: list[Config], path: Path, subtitle: str, size_years: float) -> None:
    """The figure; ``size_years`` is the horizon asked for the network-size runs."""
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    axes = fig.subplots(1, 2)
    panels = (("horizon", "simulated years (horizon + 180-day warm-up)", axes[0]),
              ("size", "copies of the baseline network", axes[1]))
    for series, xlabel, ax in panels:
        group = [c for c in configs if c.series == series]
        if not group:
            ax.set_visible(False)
            continue
        xs = xs_of(group)
        ys = [c.median_s() for c in group]
        lows = [min(c.seconds) for c in group]
        highs = [max(c.seconds) for c in group]
        ax.vlines(xs, lows, highs, color="0.6", linewidth=1, label="min to max of the runs")
        ax.plot(xs, ys, "o", color="C0", label="median wall time")
        cpus = [c.median_cpu_s() for c in group]
        ax.plot(xs, cpus, "s", color="C2", markersize=4, label="median CPU time")
        if len(group) >= 2:
            for values, colour, what in ((ys, "C0", "wall"), (cpus, "C2", "CPU")):
                a, b = linear_fit(xs, values)
                ax.plot([0, max(xs)], [a, a + b * max(xs)], "--", color=colour, linewidth=0.8,
                        label=f"least squares ({what}): {line(a, b, 'x')}")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("seconds per replication")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.grid(True, linewidth=0.3)
        ax.legend(fontsize=8, loc="upper left")
    axes[0].set_title("Against horizon (baseline network)", fontsize=10)
    if any(c.series == "size" for c in configs):
        axes[1].set_title(f"Against network size ({size_years:g}-year horizon)", fontsize=10)
    fig.suptitle(f"Time per replication of scenarios/baseline.yaml\n{subtitle}", fontsize=9)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)


def positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5,
                        help="rounds; each configuration runs once per round (at least 5)")
    parser.add_argument("--horizons", type=positive, nargs="*", default=[1, 5, 10, 20],
                        help="horizons in years (none to skip)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 2, 4],
                        help="copies of the network (none to skip)")
    parser.add_argument("--size-years", type=positive, default=10.0,
                        help="horizon in years of the network-size runs")
    parser.add_argument("--seed", type=int, default=1, help="root seed")
    # not the recorded benchmarks/scaling.png: a rerun should not replace the README's plot
    # unless asked to
    parser.add_argument("--plot", type=Path, default=ROOT / "results" / "scaling.png",
                        help="where to write the PNG figure")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5 (medians over at least 5 runs)")
    if any(k < 1 for k in args.sizes):
        parser.error("--sizes must be whole numbers of at least 1")
    if args.seed < 0:
        parser.error("--seed must be a non-negative integer")
    if not args.horizons and not args.sizes:
        parser.error("nothing to time: give --horizons or --sizes")

    configs = [Config("horizon", y, sim.load_scenario(BASELINE, [years_override(y)]))
               for y in sorted(set(args.horizons))]
    configs += [Config("size", k, tiled_scenario(args.size_years, k))
                for k in sorted(set(args.sizes))]
    print(f"machine: {machine_info.describe(PACKAGES)}")
    print(f"before: {load()}")
    for r in range(args.runs):
        # Rotate the order each round so no configuration always runs first or last.
        shift = r % len(configs)
        for cfg in configs[shift:] + configs[:shift]:
            time_one(cfg, args.seed, r)
        print(f"round {r + 1}/{args.runs}: " + ", ".join(
            f"{c.label} {c.seconds[-1]:.2f} s" for c in configs), flush=True)
    after = load()
    print(f"after: {after}")
    print()
    print(f"medians of {args.runs} runs per configuration (sim. years include the warm-up; "
          "rel. = against the first row of each group):")
    print(table(configs))
    print(fits(configs))
    plot(configs, args.plot,
         f"{machine_info.describe(PACKAGES)}; {args.runs} runs each, {after}", args.size_years)
    print(f"\nfigure: {args.plot}")


if __name__ == "__main__":
    main()
