"""Review 202, finding 6: ``sim compare --no-figures`` (and ``sim.run_comparison(...,
figures=False, out=...)``) needs no working matplotlib, as ``sim run --no-figures`` does
not: the scenarios' notes it reads from sim.output.report no longer import the figures'
style (and with it matplotlib) on the way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, cwd=ROOT)


def test_a_comparison_without_figures_imports_no_matplotlib(tmp_path: Path) -> None:
    code = ("import sys, warnings, sim\n"
            "warnings.simplefilter('ignore')\n"
            f"sim.run_comparison([{str(TINY)!r}, {str(TINY)!r}], replications=1, seed=1,\n"
            f"                   out={str(tmp_path / 'cmp')!r}, figures=False)\n"
            "print('matplotlib' in sys.modules)\n")
    out = _python(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False"]


def test_sim_compare_no_figures_runs_where_matplotlib_cannot_start(tmp_path: Path) -> None:
    code = ("import sys\n"
            "from sim.cli import main\n"
            f"sys.argv = ['sim', 'compare', {str(TINY)!r}, {str(TINY)!r}, '-n', '1', '-w', '1',\n"
            f"            '-q', '--no-figures', '--out', {str(tmp_path / 'cmp')!r}]\n"
            "main()\n")
    out = _python(code, MPLBACKEND="bogus")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "cmp" / "comparison.json").is_file()


def test_sim_sweep_no_figures_runs_where_matplotlib_cannot_start(tmp_path: Path) -> None:
    # the sweep's tables imported matplotlib with its figures' module (review 202's leftover)
    code = ("import sys\n"
            "from sim.cli import main\n"
            f"sys.argv = ['sim', 'sweep', {str(TINY)!r}, '--param',\n"
            "            'sites.border.clearance_trucks_per_day=20:100', '--design', 'lhs',\n"
            "            '-n', '3', '-r', '1', '-w', '1', '-q', '--no-figures',\n"
            f"            '--out', {str(tmp_path / 'sw')!r}]\n"
            "main()\n")
    out = _python(code, MPLBACKEND="bogus")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "sw" / "sweep.csv").is_file()
