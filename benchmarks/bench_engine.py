"""Engine speed: one 10-year replication of the baseline against a bare SimPy loop.

Both are timed in the same run, alternating, so machine noise affects them alike. The bare
loop is 100 processes each doing ``yield env.timeout(1)``; its events per second are the
ceiling a SimPy model can approach. Run from the repository root::

    .venv/bin/python benchmarks/bench_engine.py [--runs 5] [--years 10]

It prints the machine (CPU model and count, Python, simpy and numpy) and the load average
before and after, median seconds and SimPy events per second for both, and the ratio; and,
as the floor, the time the world's event loop alone takes for as many events as the
replication had, each a wake-up whose callback does nothing but schedule the next.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import simpy

import sim
from sim.experiment.replication import run_replication
from sim.units import DAYS_PER_YEAR
from sim.world.events import Environment
from sim.world.wakeups import Wakeup

import machine_info  # benchmarks/machine_info.py (the script's own folder is on sys.path)

PACKAGES = ("simpy", "numpy")
"""Packages whose versions go with the recorded figures."""

ROOT = Path(__file__).resolve().parents[1]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def bare_loop(processes: int = 100, until: int = 10_000,
              clock: Callable[[], float] = time.perf_counter) -> tuple[float, int]:
    """Seconds and events for ``processes`` processes ticking once per time unit; ``clock``
    is wall time by default (``time.process_time`` for this process's CPU time)."""
    env = simpy.Environment()

    def tick(env: simpy.Environment):  # type: ignore[no-untyped-def]
        while True:
            yield env.timeout(1)

    for _ in range(processes):
        env.process(tick(env))
    started = clock()
    env.run(until=until)
    elapsed = clock() - started
    return elapsed, int(next(env._eid))  # noqa: SLF001 - SimPy's own event counter


def bare_wakeups(events: int, chains: int = 100) -> tuple[float, int]:
    """Seconds for ``events`` events of the kind the model schedules (a :class:`Wakeup`
    calling back after a delay, no process), each callback doing nothing but schedule the
    next one in its chain, in the world's environment: what the event loop itself costs for
    the model's event count, the floor no amount of work on the model can go below."""
    env = Environment()
    left = [events - chains]

    def again(ev: object) -> None:
        if left[0] > 0:
            left[0] -= 1
            Wakeup(env.clock, 1.0, None, again)

    for i in range(chains):
        Wakeup(env.clock, i / chains, None, again)
    started = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - started
    return elapsed, int(next(env._eid))  # noqa: SLF001 - SimPy's own event counter


def baseline_replication(years: float, seed: int, rep: int) -> tuple[float, int]:
    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml",
                           [f"horizon_days={round(years * DAYS_PER_YEAR)}"])
    started = time.perf_counter()
    res = run_replication(sc, seed, rep)
    return time.perf_counter() - started, res.events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions (median reported)")
    parser.add_argument("--years", type=float, default=10.0, help="baseline horizon in years")
    args = parser.parse_args()
    if args.runs < 1 or args.years <= 0:
        parser.error("--runs must be at least 1 and --years above 0")

    print(f"machine: {machine_info.describe(PACKAGES)}")
    print(f"before: {load()}")
    bare_s, bare_ev, base_s, base_ev, floor_s = [], [], [], [], []
    for i in range(args.runs):
        s, e = bare_loop()
        bare_s.append(s)
        bare_ev.append(e)
        s, e = baseline_replication(args.years, seed=1, rep=i)
        base_s.append(s)
        base_ev.append(e)
        floor_s.append(bare_wakeups(e)[0])
        print(f"run {i + 1}/{args.runs}: bare {bare_s[-1]:.3f} s, baseline {base_s[-1]:.3f} s, "
              f"same number of empty wake-ups {floor_s[-1]:.3f} s", flush=True)

    bare_rate = statistics.median(e / s for e, s in zip(bare_ev, bare_s, strict=True))
    base_rate = statistics.median(e / s for e, s in zip(base_ev, base_s, strict=True))
    print(f"after: {load()}")
    print()
    print(f"bare SimPy loop:        median {statistics.median(bare_s):.3f} s, "
          f"{statistics.median(bare_ev):,.0f} events, {bare_rate:,.0f} events/s")
    print(f"baseline {args.years:g}-year rep: median {statistics.median(base_s):.3f} s, "
          f"{statistics.median(base_ev):,.0f} events, {base_rate:,.0f} events/s")
    print(f"baseline events/s as a share of the bare loop: {base_rate / bare_rate:.0%}")
    print(f"The event loop alone for the baseline's events (empty wake-ups): median "
          f"{statistics.median(floor_s):.3f} s, "
          f"{statistics.median(floor_s) / statistics.median(base_s):.0%} of the replication")


if __name__ == "__main__":
    main()
