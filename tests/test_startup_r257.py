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
