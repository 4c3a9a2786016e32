"""The compiled build against the plain-Python one: identical results, and how much faster.

``make compiled`` installs the package into ``.venv-compiled`` with the modules listed in
``setup.py`` (COMPILED) compiled by mypyc from the same source. This script, run from the
repository root with the reference environment::

    make compiled
    .venv/bin/python benchmarks/bench_compiled.py [--runs 5] [--years 10] [--seed 7]

first runs one replication of every shipped scenario (``scenarios/*.yaml`` and
``benchmarks/networks/*.yaml``, at their own horizons) in both environments and checks that
the SimPy event counts, every KPI value, the weekly series and the timeline are identical,
bit for bit; then times one ``--years`` baseline replication in each, alternating fresh
processes (``--runs`` of each, 3 replications per process, CPU time), and prints the
medians, their ratio and each process's bare SimPy loop (for machine noise). Exit status 1
if any result differs, 2 if an environment is missing.

Each side runs in its own interpreter started with ``-P``, so ``import sim`` finds the
package its environment installed, never the source tree the script sits in (``-P`` does
not undo ``PYTHONPATH``: a compiled side that imports the plain source is refused, exit
status 2); the worker prints which file ``sim.world.lanes`` came from and the commit each
side is built from, and a compiled build of another commit than the source is noted
(``make compiled`` rebuilds it).
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLAIN = ROOT / ".venv" / "bin" / "python"
COMPILED = ROOT / ".venv-compiled" / "bin" / "python"


# ------------------------------------------------------------------------- worker side
def _worker(mode: str, out: str, years: float, seed: int) -> None:
    """Run in the environment under test; pickles its results to ``out``."""
    import time
    import warnings

    import numpy as np
    import simpy

    import sim
    import sim.world.lanes
    from sim.build import git_commit
    from sim.experiment.replication import run_replication

    built = "compiled" if sim.world.lanes.__file__.endswith(".so") else "plain"
    results: dict[str, object] = {"built": built, "lanes_file": sim.world.lanes.__file__,
                                  "commit": git_commit() or "unknown"}
    if mode == "which":
        pass  # only which build this is, before anything is run
    elif mode == "check":
        paths = sorted((ROOT / "scenarios").glob("*.yaml"))
        paths += sorted((ROOT / "benchmarks" / "networks").glob("*.yaml"))
        for path in paths:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the scenarios' own notes, printed by sim
                sc = sim.load_scenario(path)
            started = time.process_time()
            res = run_replication(sc, seed, 0)
            results[path.name] = (res.events, res.kpi_array, res.series, res.timeline,
                                  time.process_time() - started)
    else:
        sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml",
                               [f"horizon_days={round(years * 365.25)}"])
        env = simpy.Environment()

        def tick(env: simpy.Environment):  # type: ignore[no-untyped-def]
            while True:
                yield env.timeout(1)

        for _ in range(100):
            env.process(tick(env))
        started = time.process_time()
        env.run(until=10_000)
        results["bare_s"] = time.process_time() - started
        times = []
        for rep in range(3):
            started = time.process_time()
            res = run_replication(sc, seed, rep)
            times.append(time.process_time() - started)
            results["events"] = res.events
        results["rep_s"] = times
        results["kpis"] = np.asarray(res.kpi_array)
    with open(out, "wb") as fh:
        pickle.dump(results, fh)


# ------------------------------------------------------------------------- driver side
def _run(python: Path, mode: str, years: float, seed: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.pkl")
        done = subprocess.run([str(python), "-P", __file__, "--worker", mode, "--out", out,
                               "--years", str(years), "--seed", str(seed)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{python} failed:\n{done.stderr[-3000:]}")
        with open(out, "rb") as fh:
            return pickle.load(fh)


def _same(a: object, b: object) -> bool:
    import numpy as np

    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype \
            and a.tobytes() == b.tobytes()
    return a == b


def builds() -> None:
    """Print which build each environment imports and from which commit; exit with status
    2 if the compiled one imports the plain source."""
    plain = _run(PLAIN, "which", 0.0, 0)
    compiled = _run(COMPILED, "which", 0.0, 0)
    commits = {"plain": plain["commit"], "compiled": compiled["commit"]}
    print(f"plain:    {plain['built']} build of {commits['plain']} ({plain['lanes_file']})")
    built = compiled["built"]
    print(f"compiled: {built} build of {commits['compiled']} ({compiled['lanes_file']})")
    if built != "compiled":
        # PYTHONPATH, say, put the source tree before the compiled package: the two sides
        # would be the same code, and "identical" and their ratio would mean nothing
        print(f"\n{COMPILED.relative_to(ROOT)} imports the plain source, not its compiled "
              "package (is PYTHONPATH set?): nothing to compare; unset PYTHONPATH, or run "
              "`make compiled` again", file=sys.stderr)
        sys.exit(2)
    if commits["plain"] != commits["compiled"]:
        print(f"\nnote: the compiled build is of {commits['compiled']}, the source of "
              f"{commits['plain']}: results may differ for that alone; run `make compiled` "
              "to rebuild it from this source", file=sys.stderr)


def check(seed: int) -> bool:
    plain = _run(PLAIN, "check", 0.0, seed)
    compiled = _run(COMPILED, "check", 0.0, seed)
    for res in (plain, compiled):
        for key in ("built", "lanes_file", "commit"):
            res.pop(key)
    ok = True
    print(f"\n{'scenario':44} {'events':>9} {'plain s':>8} {'compiled s':>10}  identical")
    for name, (events, kpis, series, timeline, secs) in plain.items():
        c_events, c_kpis, c_series, c_timeline, c_secs = compiled[name]
        same = (events == c_events and _same(kpis, c_kpis) and _same(series, c_series)
                and timeline == c_timeline)
        ok &= same
        print(f"{name:44} {events:>9,} {secs:>8.3f} {c_secs:>10.3f}  {'yes' if same else 'NO'}")
    return ok


def timing(runs: int, years: float, seed: int) -> None:
    plain_s: list[float] = []
    compiled_s: list[float] = []
    bare: dict[str, list[float]] = {"plain": [], "compiled": []}
    for i in range(runs):
        # alternate which goes first, so a trend in the machine's speed hits both alike
        order = [("plain", PLAIN), ("compiled", COMPILED)]
        for side, python in (order if i % 2 == 0 else order[::-1]):
            res = _run(python, "time", years, seed)
            (plain_s if side == "plain" else compiled_s).extend(res["rep_s"])
            bare[side].append(res["bare_s"])
            print(f"run {i + 1}/{runs} {side:8}: " + " ".join(f"{s:.3f}" for s in res["rep_s"])
                  + f" s per replication ({res['events']:,} events in the last); bare loop "
                  f"{res['bare_s']:.3f} s", flush=True)
    p, c = statistics.median(plain_s), statistics.median(compiled_s)
    print(f"\n{years:g}-year baseline replication, CPU s, median of {len(plain_s)}: "
          f"plain {p:.3f} ({min(plain_s):.3f}-{max(plain_s):.3f}), compiled {c:.3f} "
          f"({min(compiled_s):.3f}-{max(compiled_s):.3f}); compiled / plain {c / p:.2f} "
          f"({p / c:.2f} times as fast)")
    print(f"bare SimPy loop, median: plain side {statistics.median(bare['plain']):.3f} s, "
          f"compiled side {statistics.median(bare['compiled']):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="processes per side (3 reps each)")
    parser.add_argument("--years", type=float, default=10.0, help="baseline horizon in years")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", choices=("which", "check", "time"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker, args.out, args.years, args.seed)
        return
    if args.runs < 1 or args.years <= 0:
        parser.error("--runs must be at least 1 and --years above 0")
    for python, how in ((PLAIN, "make setup"), (COMPILED, "make compiled")):
        if not python.exists():
            print(f"{python.relative_to(ROOT)} is missing: run `{how}` first", file=sys.stderr)
            sys.exit(2)
    import machine_info  # benchmarks/machine_info.py (the script's folder is on sys.path)

    print(machine_info.describe(("simpy", "numpy", "mypy")))
    print(f"load average {os.getloadavg()[0]:.2f} before")
    builds()
    ok = check(args.seed)
    print()
    timing(args.runs, args.years, args.seed)
    print(f"load average {os.getloadavg()[0]:.2f} after")
    if not ok:
        print("\nRESULTS DIFFER between the builds", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
