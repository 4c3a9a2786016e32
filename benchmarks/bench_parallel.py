"""Parallel replications: N replications of the 10-year baseline on 1 worker and on 2 workers.

Issue 7, item 3 (second half): 1,000 replications with 2 workers in at most 3 minutes wall,
peak memory at most 400 MB, and parallel efficiency t1 / (2 * t2) of at least 85%. Run from
the repository root::

    .venv/bin/python benchmarks/bench_parallel.py [-n 1000] [--runs 5] [--workers 2]
    .venv/bin/python benchmarks/bench_parallel.py -n 50 --runs 1      # a quick check
    .venv/bin/python benchmarks/bench_parallel.py -n 1000 --serial-n 100   # 1 worker: 100,
                                                                # extrapolated to 1,000

Each run goes through the public API, ``sim.run(sc, replications=n, seed=..., workers=w)``
(``workers=1`` runs in process; more uses a local process pool), and keeps every result in
memory as a user's script would. The 1-worker and the W-worker runs alternate, ``--runs``
times each, and each run is a fresh Python process started by this script, so neither
inherits the other's memory or warm caches. The wall time is measured inside that process
around ``sim.run`` alone (pool start-up and collecting the results included; starting
Python and loading the scenario not).

Memory, for the whole process tree (the driver process and its pool workers):

* with psutil (installed here as a dependency of other packages; not required): the peak,
  over samples taken every 0.2 s, of the summed PSS (proportional set size: pages shared
  by forked workers are split between them rather than counted once per process), and of
  the summed RSS. Sampling can miss a spike shorter than 0.2 s;
* always: ``resource.getrusage`` peaks: the driver's own ``ru_maxrss`` (RUSAGE_SELF) and the
  largest worker's (RUSAGE_CHILDREN gives the largest finished child, not a sum), with
  driver + W x largest worker as an upper bound (it counts shared pages once per process
  and adds peaks that may not coincide).

``--serial-n M`` times the 1-worker run on M replications only and scales its time by N / M;
every figure that depends on it is labelled "extrapolated".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import machine_info  # benchmarks/machine_info.py (the script's own folder is on sys.path)

PACKAGES = ("simpy", "numpy", "pandas", "psutil")
"""Packages whose versions go with the recorded figures."""

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SAMPLE_S = 0.2
MB = 1024 * 1024


@dataclass
class Run:
    """What one child process reports."""

    workers: int
    replications: int
    wall_s: float
    events: int
    pss_peak_mb: float | None
    rss_peak_mb: float | None
    self_maxrss_mb: float
    children_maxrss_mb: float

    @property
    def bound_mb(self) -> float:
        """Driver peak + workers x largest worker peak (an upper bound)."""
        extra = self.workers * self.children_maxrss_mb if self.workers > 1 else 0.0
        return self.self_maxrss_mb + extra


class TreeSampler:
    """Samples the summed PSS and RSS of this process and its descendants in a thread."""

    def __init__(self) -> None:
        import psutil  # optional; callers check it imports

        self._psutil = psutil
        self._me = psutil.Process()
        self._stop = threading.Event()
        self.pss_peak = 0
        self.rss_peak = 0
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()  # one last sample after the run

    def _loop(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            self._sample()

    def _sample(self) -> None:
        pss = rss = 0
        procs = [self._me]
        with contextlib.suppress(self._psutil.Error):
            procs += self._me.children(recursive=True)
        for proc in procs:
            try:
                info = proc.memory_full_info()
            except self._psutil.Error:
                continue  # a worker that exited between listing and reading
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        self.pss_peak = max(self.pss_peak, pss)
        self.rss_peak = max(self.rss_peak, rss)


def maxrss_mb(who: int) -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(who).ru_maxrss / 1024


def child(years: float, replications: int, workers: int, seed: int) -> None:
    """One timed run in this (fresh) process; prints one JSON line."""
    import sim
    from sim.units import DAYS_PER_YEAR

    sc = sim.load_scenario(BASELINE, [f"horizon_days={round(years * DAYS_PER_YEAR)}"])
    sampler: TreeSampler | None
    try:
        sampler = TreeSampler()
    except ImportError:
        sampler = None
    started = time.perf_counter()
    if sampler is not None:
        with sampler:
            res = sim.run(sc, replications=replications, seed=seed, workers=workers)
    else:
        res = sim.run(sc, replications=replications, seed=seed, workers=workers)
    wall = time.perf_counter() - started
    if len(res.replications) != replications:
        raise SystemExit(f"expected {replications} replications, got {len(res.replications)}")
    print(json.dumps({
        "workers": workers, "replications": replications, "wall_s": wall, "events": res.events,
        "pss_peak_mb": sampler.pss_peak / MB if sampler else None,
        "rss_peak_mb": sampler.rss_peak / MB if sampler else None,
        "self_maxrss_mb": maxrss_mb(resource.RUSAGE_SELF),
        "children_maxrss_mb": maxrss_mb(resource.RUSAGE_CHILDREN)}))


def spawn(years: float, replications: int, workers: int, seed: int) -> Run:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--years", str(years),
           "-n", str(replications), "--workers", str(workers), "--seed", str(seed)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"the timed run ({workers} worker(s), {replications} replications) "
                         f"failed with exit status {out.returncode}")
    return Run(**json.loads(out.stdout.strip().splitlines()[-1]))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def memory_line(name: str, runs: list[Run]) -> str:
    # Peaks: the largest over the runs (the figure a memory limit has to allow for).
    worst = max(runs, key=lambda r: r.bound_mb)
    tree = ""
    if all(r.pss_peak_mb is not None for r in runs):
        tree = (f"tree PSS peak {max(r.pss_peak_mb or 0 for r in runs):,.0f} MB "
                f"(RSS {max(r.rss_peak_mb or 0 for r in runs):,.0f} MB, psutil); ")
    else:
        tree = "no PSS/RSS of the process tree (psutil is not installed); "
    workers = (f" + {worst.workers} x largest worker {worst.children_maxrss_mb:,.0f} MB"
               if worst.workers > 1 else "")
    return (f"{name}: {tree}getrusage: driver {worst.self_maxrss_mb:,.0f} MB{workers} "
            f"= at most {worst.bound_mb:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--replications", type=int, default=1000,
                        help="replications per run (default 1000)")
    parser.add_argument("--runs", type=int, default=5,
                        help="timed runs of each side, alternating (median reported; the "
                             "issue asks for at least 5)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel side")
    parser.add_argument("--years", type=float, default=10.0, help="baseline horizon in years")
    parser.add_argument("--seed", type=int, default=1, help="root seed")
    parser.add_argument("--serial-n", type=int, default=None, metavar="M",
                        help="run the 1-worker side on M replications and extrapolate its "
                             "time to N (labelled as such)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replications < 1:
        parser.error("-n must be at least 1")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.workers < 2 and not args.child:
        parser.error("--workers must be at least 2 (it is compared with 1 worker)")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.years <= 0:
        parser.error("--years must be positive")
    if args.seed < 0:
        parser.error("--seed must be a non-negative integer")
    if args.serial_n is not None and not 1 <= args.serial_n <= args.replications:
        parser.error("--serial-n must be between 1 and -n")
    if args.child:
        child(args.years, args.replications, args.workers, args.seed)
        return

    n = args.replications
    serial_n = args.serial_n or n
    extrapolated = serial_n != n
    print(f"machine: {machine_info.describe(PACKAGES)}")
    print(f"{n} replications of the {args.years:g}-year baseline: 1 worker"
          f"{f' (on {serial_n}, extrapolated)' if extrapolated else ''} against "
          f"{args.workers} workers, {args.runs} run(s) each, alternating")
    if args.runs < 5:
        print(f"note: {args.runs} run(s) only; issue 7 asks for medians of at least 5")
    print(f"before: {load()}")
    serial: list[Run] = []
    parallel: list[Run] = []
    for i in range(args.runs):
        # Alternate which side goes first, so neither always meets a warmer or cooler machine.
        order = [(1, serial_n, serial), (args.workers, n, parallel)]
        for workers, reps, runs in (order if i % 2 == 0 else order[::-1]):
            runs.append(spawn(args.years, reps, workers, args.seed))
        print(f"run {i + 1}/{args.runs}: 1 worker {serial[-1].wall_s:.1f} s"
              f"{f' ({serial_n} reps)' if extrapolated else ''}, {args.workers} workers "
              f"{parallel[-1].wall_s:.1f} s; {load()}", flush=True)
    print(f"after: {load()}")

    t1 = statistics.median(r.wall_s for r in serial) * n / serial_n
    t2 = statistics.median(r.wall_s for r in parallel)
    label = f" (extrapolated from {serial_n} replications)" if extrapolated else ""
    events = statistics.median(r.events for r in parallel)
    print()
    print(f"1 worker:  median {t1:,.1f} s for {n} replications{label}, "
          f"{t1 / n:.3f} s per replication")
    print(f"{args.workers} workers: median {t2:,.1f} s for {n} replications, "
          f"{t2 / n:.3f} s per replication, {events / t2:,.0f} events/s in all")
    print(f"parallel efficiency t1 / ({args.workers} x t{args.workers}): "
          f"{t1 / (args.workers * t2):.0%}{label}")
    print("peak memory of the process tree, largest over the runs:")
    print("  " + memory_line(f"1 worker ({serial_n} replications)", serial))
    print("  " + memory_line(f"{args.workers} workers ({n} replications)", parallel))
    if n != 1000:
        scale = 1000 / n
        print(f"for 1,000 replications at this rate, {args.workers} workers would take about "
              f"{t2 * scale / 60:.1f} min (extrapolated; memory grows with the results kept)")


def _main_guarded() -> None:
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    _main_guarded()
