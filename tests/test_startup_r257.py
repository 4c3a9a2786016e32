"""Review 257: a command loads only what it uses.

``sim --help`` took some 3 s on a 2-core machine, as ``sim.cli`` imported the scenario
capacity notes at module level, and with them the whole scenario schema (every pydantic
model built), numpy and pydantic. ``sim validate`` imported the runner, the executors, the
world and SimPy with :mod:`sim.experiment.errors` (the package's ``__init__`` loaded them),
and ``sim run`` scipy.stats for one Student-t quantile. Each test runs a command in a fresh
interpreter and checks which modules it left in ``sys.modules``: nothing is timed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny.yaml"

HEAVY = ("sim.scenario.schema", "pydantic", "numpy", "pandas", "scipy", "matplotlib", "simpy",
         "yaml", "sim.experiment.runner")
"""What neither ``--help`` nor ``--version`` needs (``yaml`` reads scenario files)."""


def loaded_after(args: list[str]) -> dict[str, object]:
    """Run ``sim.cli.main(args)`` in a fresh interpreter from the source tree; its exit
    code and the names of the modules loaded then."""
    script = textwrap.dedent(f"""
        import contextlib, io, json, sys
        from sim.cli import main
        code = None
        with contextlib.redirect_stdout(io.StringIO()), \\
                contextlib.redirect_stderr(io.StringIO()):
            try:
                main({args!r})
            except SystemExit as exc:
                code = exc.code
        print(json.dumps({{"code": code, "modules": sorted(sys.modules)}}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def present(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """Those of ``names`` loaded, a package counted with any of its submodules."""
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in modules)]


@pytest.mark.parametrize("args", [
    ["--help"], ["--version"], ["run", "--help"], ["validate", "--help"], ["show", "--help"],
    ["compare", "--help"], ["sweep", "--help"], ["report", "--help"],
], ids=" ".join)
def test_help_and_version_load_no_scenario_schema_nor_numerical_library(args):
    out = loaded_after(args)
    assert out["code"] == 0
    assert present(out["modules"], HEAVY) == []


def test_validate_loads_the_schema_but_not_the_world_the_runner_nor_figures():
    out = loaded_after(["validate", str(TINY)])
    assert out["code"] == 0
    assert present(out["modules"], ("sim.scenario.schema",)) == ["sim.scenario.schema"]
    assert present(out["modules"], ("matplotlib", "pandas", "scipy", "simpy", "sim.world.world",
                                    "sim.experiment.runner", "sim.experiment.executors")) == []


def test_validate_of_a_bad_file_still_reports_it_with_status_2(tmp_path):
    # the error classes the guard catches are imported without the runner now
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY.read_text(encoding="utf-8").replace("horizon_days: {value: 100",
                                                            "horizon_days: {value: -5"),
                   encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(bad)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert f"FAIL {bad}" in done.stderr and "horizon_days" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_without_figures_loads_neither_matplotlib_nor_scipy_stats(tmp_path):
    out = loaded_after(["run", str(TINY), "-n", "2", "-w", "1", "--no-figures", "-q",
                        "--out", str(tmp_path / "r")])
    assert out["code"] == 0
    assert (tmp_path / "r" / "kpis.csv").exists()
    assert present(out["modules"], ("matplotlib", "scipy.stats")) == []


def test_the_t_quantile_is_scipy_stats_to_the_bit():
    import numpy as np
    import pandas as pd
    from scipy import stats as scipy_stats

    from sim.experiment.stats import _t_ppf

    df = np.concatenate([np.arange(1, 400), [1000, 10**5]])
    for confidence in (0.5, 0.9, 0.95, 0.99, 0.999):
        p = 0.5 + confidence / 2
        assert np.array_equal(_t_ppf(p, df), scipy_stats.t.ppf(p, df))
        assert _t_ppf(p, 4) == scipy_stats.t.ppf(p, 4)
    # summarise passes a Series with its own index: an array comes back, as from scipy.stats
    got = _t_ppf(0.975, pd.Series([1, 2, 3], index=[7, 8, 9]))
    assert isinstance(got, np.ndarray)
    assert np.array_equal(got, scipy_stats.t.ppf(0.975, [1, 2, 3]))


def test_the_experiment_package_still_gives_its_public_names():
    script = textwrap.dedent("""
        import sys
        import sim.experiment as e
        print("sim.experiment.runner" in sys.modules)
        names = [(n, getattr(e, n).__name__) for n in e.__all__]
        print(all(a == b for a, b in names), sorted(set(e.__all__) - set(dir(e))))
        from sim.experiment import run_replication, executors
        print(run_replication.__module__, executors.__name__)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == [
        "False", "True []", "sim.experiment.replication sim.experiment.executors"]
