"""sim compare of runs whose time series have different periods (series_period_days 7
against 30 or ``month``) says so in its notes, and that the figures draw no time-series
difference for them: the difference panel is indeed left out."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from click.testing import CliRunner
from expt_helpers import TINY

import sim
from sim.cli import main
from sim.experiment.compare import run_comparison

matplotlib.use("Agg")


def _series_note(notes: list[str]) -> str | None:
    return next((n for n in notes if "time series have different periods" in n), None)


@pytest.mark.parametrize(("period", "text"), [("30", "tiny-2 30-day periods"),
                                              ("month", "tiny-2 calendar months")])
def test_different_series_periods_are_noted(period: str, text: str) -> None:
    weekly = sim.load_scenario(TINY)
    other = sim.load_scenario(TINY, [f"series_period_days={period}"])
    comp = run_comparison([weekly, other], replications=1, seed=1, for_python=False)
    note = _series_note(comp.notes)
    assert note is not None, comp.notes
    assert "tiny 7-day periods" in note and text in note
    assert "the comparison figures draw no time-series difference from tiny for tiny-2" in note
    assert note.endswith("give them the reference's: --set series_period_days=7")
    # the KPIs cover one measured period: no note on that
    assert not any("different periods (" in n for n in comp.notes if n != note)
    py = run_comparison([other, weekly], replications=1, seed=1)
    assert _series_note(py.notes).endswith(
        f"give them the reference's: overrides=['series_period_days={period}']")


def test_one_series_period_has_no_note() -> None:
    sc = sim.load_scenario(TINY, ["series_period_days=month"])
    comp = run_comparison([sc, sc], replications=1, seed=1)
    assert _series_note(comp.notes) is None


def test_the_figures_leave_the_difference_out_as_the_note_says() -> None:
    from sim.output.figures import compare_series_figure

    weekly = sim.run(sim.load_scenario(TINY), replications=1, seed=1)
    monthly = sim.run(sim.load_scenario(TINY, ["series_period_days=month"]), replications=1,
                      seed=1)
    same = compare_series_figure([("a", weekly), ("b", weekly)], "exported_t")
    other = compare_series_figure([("a", weekly), ("b", monthly)], "exported_t")
    assert len(same.axes) == 2 * len(other.axes)


def test_the_command_line_prints_the_note(tmp_path: Path) -> None:
    monthly = tmp_path / "monthly.yaml"
    monthly.write_text(TINY.read_text(encoding="utf-8")
                       + "\nseries_period_days: month\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(TINY), str(monthly), "-n", "1",
                                       "-w", "1", "--no-figures", "--out",
                                       str(tmp_path / "cmp")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "time series have different periods (tiny 7-day periods, " in result.output
    assert "--set series_period_days=7" in result.output
