"""sim report on a sweep's folder points at figures only where they were drawn (fixer 42)."""

from __future__ import annotations

import shlex
from pathlib import Path

from click.testing import CliRunner

from sim.cli import main
from sim.experiment.sweep import run_sweep


def test_report_on_a_sweep_without_figures_says_how_to_draw_them(tiny_path: Path,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "sw"
    command = ["sim", "sweep", str(tiny_path), "--param", "horizon_days=60:90:int", "-n", "2",
               "--out", str(out), "--no-figures", "--resume"]
    run_sweep(tiny_path, ["horizon_days=60:90:int"], samples=2, out=out, figures=False,
              command=command, for_python=False)
    assert not (out / "figures").exists()
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "figures are in" not in text
    assert "figures were not drawn" in text
    # the recorded command, resumed without --no-figures: it draws them, running nothing
    draw = shlex.join([w for w in command if w != "--no-figures"])
    assert draw in text
    (out / "figures").mkdir()
    result = CliRunner().invoke(main, ["report", str(out)])
    assert f"figures are in {out / 'figures'}/" in " ".join(result.output.split())
