"""Review 246: mutation testing of the figures' count (review 239) and its callers.

Each test kills a hand-made mutant that the existing tests let live:

* F03: a :class:`~sim.output.figures.FigureCount` left in effect once its block ended
  (its context variable not reset): a later run without ``on_figure`` reported its
  figures to the earlier run's callback (a notebook's closed progress bar).
* F06: a figure counted before its PNG and SVG were written: ``on_figure(k, n)`` is
  documented as called once the k-th is saved.
* F09: the maps planned with the commodity bound late (``lambda: ... com``): every
  commodity's map drew the last commodity's flows.
* F18: a comparison's total counting the figures of the results folders it only read
  (they are not drawn again): the bar never reached its total.
* F14: the run report's figures leaving out another figure than the calendar.
* F24: a run with ``figures=False`` and ``on_figure`` planning its figures all the
  same, which loads matplotlib: ``sim run --no-figures`` (which passes its bar's
  ``on_figure``) failed where matplotlib cannot start.
* F31: the figures bar counting in the default unit: "5/5 [00:01, 3.2rep/s]".
* F21: ``on_write`` called by a sweep that writes nothing (no ``out``).

Blank figures stand in for the real ones where the drawing is not what is tested.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from figure_helpers import PARAM, SHOCKED, figure_recorder
from matplotlib.figure import Figure

import sim
import sim.output.figures as figures
from sim.cli import main
from sim.experiment.compare import run_comparison
from sim.experiment.sweep import run_sweep
from sim.output.figures import counting_figures, write_figures

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
BASELINE = Path(__file__).parents[1] / "scenarios" / "baseline.yaml"
SHORT = ["horizon_days=5"]


def test_a_later_run_reports_nothing_to_an_earlier_runs_callback(tmp_path, blank_figure_plans):
    calls, on_figure = figure_recorder()
    sim.run(TINY, 1, seed=1, out=tmp_path / "a", overrides=SHORT, on_figure=on_figure)
    assert calls == [(0, 2), (1, 2), (2, 2)]
    sim.run(TINY, 1, seed=1, out=tmp_path / "b", overrides=SHORT)
    assert calls == [(0, 2), (1, 2), (2, 2)]
    assert len(list((tmp_path / "b" / "figures").glob("*.png"))) == 2


def test_each_figure_is_counted_once_its_files_are_written(tmp_path):
    folder = tmp_path / "f"
    seen: list[tuple[int, int]] = []

    def on_figure(done: int, total: int) -> None:
        written = folder / "figures"
        seen.append((done, len(list(written.iterdir())) if written.is_dir() else 0))

    with counting_figures(on_figure, 2):
        write_figures([(stem, "caption", Figure(figsize=(1, 1))) for stem in ("a", "b")],
                      folder)
    assert seen == [(0, 0), (1, 2), (2, 4)]  # a PNG and an SVG per figure


def test_each_commodity_map_draws_its_own_commodity(monkeypatch):
    drew: list[str] = []

    def map_figure(res, commodity):
        drew.append(commodity)
        return Figure(figsize=(1, 1))

    monkeypatch.setattr(figures, "map_figure", map_figure)
    res = sim.run(sim.load_scenario(BASELINE, SHORT), 1, seed=1)
    maps = [(stem, draw) for stem, draw in figures.run_figure_plan(res)
            if stem.startswith("map-")]
    captions = [draw()[0] for _stem, draw in maps]
    commodities = list(res.scenario.commodities)
    assert len(commodities) > 1
    assert [stem for stem, _draw in maps] == [f"map-{c}" for c in commodities]
    assert drew == commodities
    assert all(f"simulated {c} flow" in cap for c, cap in zip(commodities, captions,
                                                              strict=True))


def test_a_comparison_counts_no_figures_of_the_folders_it_reads(tmp_path, blank_figure_plans):
    sc = sim.load_scenario(TINY, SHORT)
    sim.run(sc, 1, seed=1, out=tmp_path / "tiny", figures=False)
    other = tmp_path / "tiny_b.yaml"
    other.write_text(TINY.read_text(encoding="utf-8").replace("name: tiny", "name: tiny_b",
                                                              1), encoding="utf-8")
    calls, on_figure = figure_recorder()
    run_comparison([tmp_path / "tiny", other], overrides=SHORT, out=tmp_path / "c",
                   on_figure=on_figure)
    # tiny_b's two and the comparison's one: tiny's folder is read, not written
    assert calls == [(k, 3) for k in range(4)]


def test_a_sweep_without_a_folder_says_nothing_of_writing():
    steps: list[str] = []
    run_sweep(TINY, [PARAM], "lhs", 2, 1, overrides=SHORT, for_python=False,
              on_write=lambda: steps.append("w"))
    assert steps == []


@pytest.mark.filterwarnings("ignore:event 'strike' sets capacity factor")
def test_the_run_report_shows_the_queues_and_one_calendar(tmp_path, monkeypatch):
    """F14: the plan's figures but the calendar (which the timeline section draws): one
    leaving out another figure kept the count, but lost the queues figure and drew the
    calendar twice."""
    import sim.output.style as st
    from sim.output.report import run_report_html

    monkeypatch.setattr(st, "figure_bytes", lambda fig, fmt="png", dpi=None: b"png")
    for stem in ("flows", "deliveries", "prices", "stocks", "queues", "lead", "map",
                 "flow_diagram"):
        name = f"{stem}_figure"
        if hasattr(figures, name):
            monkeypatch.setattr(figures, name, lambda *a, **k: Figure(figsize=(1, 1)))
    path = tmp_path / "shocked.yaml"
    path.write_text(TINY.read_text(encoding="utf-8") + SHOCKED, encoding="utf-8")
    res = sim.run(sim.load_scenario(path, ["horizon_days=20"]), 1, seed=1)
    page = run_report_html(res, {})
    assert page.count('id="fig-queues"') == 1
    assert page.count('id="fig-timeline"') == 0
    assert page.count("-calendar\"") == 1


def test_no_figures_loads_no_matplotlib_though_on_figure_is_given(tmp_path):
    code = ("import sys, warnings, sim\n"
            "from sim.experiment.sweep import run_sweep\n"
            "warnings.simplefilter('ignore')\n"
            "calls = []\n"
            f"sim.run({str(TINY)!r}, 1, out={str(tmp_path / 'r')!r}, figures=False,\n"
            "        on_figure=lambda d, t: calls.append(d))\n"
            f"run_sweep({str(TINY)!r}, [{PARAM!r}], 'lhs', 2, 1, out={str(tmp_path / 's')!r},\n"
            "          figures=False, on_figure=lambda d, t: calls.append(d))\n"
            "print('matplotlib' in sys.modules, calls)\n")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(root), "MPLBACKEND": "nonsense"},
                         cwd=root)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "[]"]


def test_the_figures_bar_counts_figures(tmp_path, blank_figure_plans):
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "1", "--out",
                                       str(tmp_path / "r"), "--set", SHORT[0]],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    last = [line for part in result.stderr.split("\n") for line in part.split("\r")
            if line.startswith("drawing figures")][-1]
    assert "2/2" in last and re.search(r"fig/s|s/fig", last), last
