"""Review 243: the figures bar of review 239 in the comparison report.

The comparison report drew every one of the comparison's own figures (forest plot and
series, the slowest) before embedding the first, so ``on_figure`` stayed at ``(0, N)``
while they were drawn, then counted them in no time, and all were held at once; the run
report and every results folder draw each figure as it is saved. Blank figures and PNGs
stand in for the real ones: the order of drawing and counting is what is tested.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from matplotlib.figure import Figure

import sim
import sim.output.compare_figures as compare_figures
import sim.output.figures as figures
import sim.output.style as st
from sim.output.figures import FigureCount
from sim.output.report import compare_report_html

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def test_the_comparison_report_draws_each_of_its_figures_as_it_embeds_it(monkeypatch):
    named = [(name, sim.run(sim.load_scenario(TINY, [f"name={name}", "horizon_days=20"]),
                            1, seed=1)) for name in ("tiny", "other")]
    steps: list[str] = []

    def blank(stem: str):
        def draw() -> tuple[str, Figure]:
            steps.append(f"draw {stem}")
            return stem, Figure(figsize=(1, 1))
        return draw

    monkeypatch.setattr(compare_figures, "compare_figure_plan", lambda named, kpis=(): [
        (stem, blank(stem)) for stem in ("forest", "compare-prices", "compare-exports")])
    monkeypatch.setattr(compare_figures, "compare_figures", lambda named, kpis=(): [
        (stem, *blank(stem)()) for stem in ("forest", "compare-prices", "compare-exports")])
    monkeypatch.setattr(figures, "flows_figure", lambda res: Figure(figsize=(1, 1)))
    monkeypatch.setattr(st, "figure_bytes", lambda fig, fmt="png", dpi=None: b"png")

    with FigureCount(lambda done, total: steps.append(f"saved {done}"), 5):
        compare_report_html(named)
    assert steps[:6] == ["draw forest", "saved 1", "draw compare-prices", "saved 2",
                         "draw compare-exports", "saved 3"]
    assert steps[6:] == ["saved 4", "saved 5"]  # the scenarios' flows


def test_a_single_path_like_item_is_told_to_go_in_a_list() -> None:
    """Any os.PathLike is an item (review 241), so a single one is refused as a single
    Path is, not with "object of type ... has no len()"."""

    class Where(os.PathLike):
        def __fspath__(self) -> str:
            return "tests/data/tiny.yaml"

    with pytest.raises(TypeError, match="not a single Where: wrap it in a list"):
        sim.compare(Where(), 1)
