"""Review 239: the figures drawn after the replications have a bar of their own.

A comparison's figures took 30 to 60 s, a run's 10 to 20 s and a report's 10 to 20 s
under one "drawing figures ..." line; a sweep's tables and figures some 10 s under its
replications' bar frozen at 100%. The work calls ``on_figure(done, total)`` (``(0,
total)`` before the first figure, then once per figure saved) and the command line draws
a "drawing figures" bar from it, after a "writing tables ..." line; ``-q`` silences both.
Most tests draw blank figures in place of the real ones (``blank_figure_plans``): what is
counted and shown is the same, in a fraction of the time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from figure_helpers import PARAM, SHOCKED, figure_recorder

import sim
import sim.output.figures as figures
from sim.cli import main
from sim.experiment.compare import run_comparison
from sim.experiment.runner import FolderRun
from sim.experiment.sweep import run_sweep
from sim.output.report import write_report
from sim.scenario import load_scenario

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _second(tmp_path: Path, extra: str = "") -> Path:
    text = TINY.read_text(encoding="utf-8").replace("name: tiny", "name: tiny_b", 1)
    path = tmp_path / "tiny_b.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


# --- the callback ----------------------------------------------------------------------


def test_a_run_reports_each_of_its_real_figures_once(tmp_path):
    calls, on_figure = figure_recorder()
    run = FolderRun(tmp_path / "r")
    res = run.run(load_scenario(TINY), 0, 1, workers=1)
    planned = [stem for stem, _draw in figures.run_figure_plan(res)]
    run.finish(on_figure=on_figure)
    n = len(planned)
    assert n == 7  # flows, deliveries, prices, stocks, lead times, map, flow diagram
    assert calls == [(k, n) for k in range(n + 1)]
    saved = sorted(p.name for p in (tmp_path / "r" / "figures").iterdir())
    assert saved == sorted(f"{s}.{f}" for s in planned for f in ("png", "svg"))


def test_the_plan_draws_what_run_figures_drew(tmp_path):
    """The timeline is planned only where timeline_figure draws one."""
    res = sim.run(load_scenario(_second(tmp_path, SHOCKED)), 1, figures=False)
    stems = [stem for stem, _draw in figures.run_figure_plan(res)]
    assert "timeline" in stems and "queues" in stems
    plain = sim.run(load_scenario(TINY), 1, figures=False)
    assert "timeline" not in [stem for stem, _draw in figures.run_figure_plan(plain)]


def test_a_comparison_counts_its_scenarios_figures_and_its_own_together(tmp_path,
                                                                        blank_figure_plans):
    calls, on_figure = figure_recorder()
    written: list[str] = []
    run_comparison([TINY, _second(tmp_path)], 1, out=tmp_path / "c",
                   on_write=lambda: written.append("w"), on_figure=on_figure)
    assert written == ["w"]
    assert calls == [(k, 5) for k in range(6)]  # 2 + 2 + 1
    assert sorted(p.name for p in (tmp_path / "c" / "figures").iterdir()) == [
        "forest.png", "forest.svg"]


def test_no_figures_no_calls(tmp_path):
    calls, on_figure = figure_recorder()
    run_comparison([TINY, _second(tmp_path)], 1, out=tmp_path / "c", figures=False,
                   on_figure=on_figure)
    sim.run(TINY, 1, out=tmp_path / "r", figures=False, on_figure=on_figure)
    assert calls == []


def test_python_run_and_compare_take_on_figure(tmp_path, blank_figure_plans):
    calls, on_figure = figure_recorder()
    sim.run(TINY, 1, out=tmp_path / "r", on_figure=on_figure)
    assert calls == [(0, 2), (1, 2), (2, 2)]
    calls.clear()
    with pytest.warns(UserWarning, match="same scenario"):
        sim.compare([TINY, _second(tmp_path)], 1, out=tmp_path / "c", on_figure=on_figure)
    assert calls == [(k, 5) for k in range(6)]


def test_a_sweep_says_when_it_writes_and_counts_its_figure(tmp_path):
    calls, on_figure = figure_recorder()
    steps: list[str] = []
    run_sweep(TINY, [PARAM], "lhs", 2, 1, out=tmp_path / "s", for_python=False,
              progress=lambda n: steps.append("rep"), on_write=lambda: steps.append("w"),
              on_figure=on_figure)
    assert steps == ["rep", "rep", "w"]
    assert calls == [(0, 1), (1, 1)]  # the scatter plots
    calls.clear()
    with pytest.warns(UserWarning, match="told from chance"):
        sim.sweep(TINY, [PARAM], "lhs", 2, 1, out=tmp_path / "s2", on_figure=on_figure)
    assert calls == [(0, 1), (1, 1)]  # sim.sweep takes it as sim.compare does


@pytest.mark.parametrize("call", [
    lambda out: sim.run(TINY, 1, out=out, on_figure=3),
    lambda out: sim.compare([TINY, TINY], 1, out=out, on_figure="no"),
    lambda out: run_comparison([TINY, TINY], 1, out=out, on_figure=3),
    lambda out: run_sweep(TINY, [PARAM], "lhs", 2, 1, out=out, on_figure=3),
    lambda out: run_sweep(TINY, [PARAM], "lhs", 2, 1, out=out, on_write=3),
    lambda out: sim.sweep(TINY, [PARAM], "lhs", 2, 1, out=out, on_figure=3),
])
def test_a_wrong_callback_is_refused_before_anything_runs(tmp_path, call):
    out = tmp_path / "x"
    with pytest.raises(TypeError, match=r"on_(figure|write) must be a function, called "):
        call(out)
    assert not out.exists()


def test_the_report_counts_every_figure_it_embeds(tmp_path, monkeypatch):
    """Real plans (a calendar and queues in one scenario), blank PNGs: the count given
    first is the count embedded."""
    import sim.output.style as st

    monkeypatch.setattr(st, "figure_bytes", lambda fig, fmt="png", dpi=None: b"png")
    runs = tmp_path / "runs"
    for path in (TINY, _second(tmp_path, SHOCKED)):
        assert _invoke("run", path, "-n", "1", "--out", runs / load_scenario(path).name,
                       "--no-figures", "-q").exit_code == 0
    for folder in (runs, runs / "tiny_b"):
        calls, on_figure = figure_recorder()
        write_report(folder, on_figure=on_figure)
        total = calls[0][1]
        assert calls == [(k, total) for k in range(total + 1)]
        # the calendar and queues figures of tiny_b among them
        assert total == (4 + 2 + 2 if folder == runs else 9)


# --- the command line ------------------------------------------------------------------


def _bar_lines(err: str) -> list[str]:
    """The "drawing figures" bar's lines into a non-terminal: its first (0/n) and its last
    (n/n), and, on a machine slow enough for tqdm's monitor to redraw it, more between
    (once seen under a load of 8 on 2 cores, review 246)."""
    return [line for part in err.split("\n") for line in part.split("\r")
            if line.startswith("drawing figures")]


def test_sim_compare_draws_a_bar_of_its_figures(tmp_path, blank_figure_plans):
    out = tmp_path / "c"
    result = _invoke("compare", TINY, _second(tmp_path), "-n", "1", "--out", out)
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "writing tables ..." in err and "drawing figures ..." not in err
    assert err.rindex("2/2") < err.index("writing tables ...") < err.index("drawing figures")
    lines = _bar_lines(err)
    # into a file (not a terminal): its first line at once and its last, no more
    assert len(lines) >= 2 and "0/5" in lines[0] and "5/5" in lines[-1], err
    assert "fig" in lines[1]
    quiet = _invoke("compare", TINY, _second(tmp_path), "-n", "1", "--out", out, "--force",
                    "-q")
    assert quiet.exit_code == 0
    assert "drawing" not in quiet.stderr and "writing" not in quiet.stderr


def test_sim_run_draws_a_bar_of_its_figures(tmp_path, blank_figure_plans):
    result = _invoke("run", TINY, "-n", "1", "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert err.index("writing tables ...") < err.index("drawing figures")
    lines = _bar_lines(err)
    assert len(lines) >= 2 and "0/2" in lines[0] and "2/2" in lines[-1], err
    quiet = _invoke("run", TINY, "-n", "1", "--out", tmp_path / "q", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_sim_sweep_writes_after_closing_its_bar(tmp_path):
    result = _invoke("sweep", TINY, "--param", PARAM, "-n", "2", "--out", tmp_path / "s")
    assert result.exit_code == 0, result.output
    err = result.stderr
    # the replications' bar is closed first (it sat at 100% while the sweep was written)
    assert err.rindex("2/2 [") < err.index("writing tables ...") < err.index("drawing")
    lines = _bar_lines(err)
    assert len(lines) >= 2 and "0/1" in lines[0] and "1/1" in lines[-1], err
    quiet = _invoke("sweep", TINY, "--param", PARAM, "-n", "2", "--out", tmp_path / "q",
                    "-q")
    assert quiet.exit_code == 0
    assert "drawing" not in quiet.stderr and "writing" not in quiet.stderr


def test_sim_report_draws_a_bar_of_its_figures(tmp_path, blank_figure_plans):
    out = tmp_path / "r"
    assert _invoke("run", TINY, "-n", "1", "--out", out, "--no-figures", "-q").exit_code == 0
    result = _invoke("report", out)
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert err.index(f"reading {out} ...") < err.index("drawing figures")
    lines = _bar_lines(err)
    assert len(lines) >= 2 and "0/2" in lines[0] and "2/2" in lines[-1], err
