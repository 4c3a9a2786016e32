"""Fix 247: progress into a log file line by line, and a bar while large tables are written.

1. Into a stream that is not a terminal (a log file, ``2> run.log``) tqdm parted a bar's
   redraws with carriage returns alone: ``less``, ``grep`` and ``tail -f`` showed one line
   full of ``\\r``. Each redraw is now a line of its own (``sim.cli._LogLines``); a terminal
   keeps the bar redrawn in place.
2. A large run's tables (some 25 s at 8,000 replications) were written under one "writing
   tables ..." line. They are counted in blocks (kpis.csv's of ``KPI_BLOCK`` replications,
   one per other table) to ``on_table(done, total)``, and the command line draws a
   "writing tables" bar once they have taken ``TABLE_BAR_AFTER`` seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from figure_helpers import PARAM, figure_recorder
from stream_helpers import NotATerminal, Terminal

import sim
import sim.cli as cli
import sim.output.folder as folder
from sim.experiment.compare import run_comparison
from sim.experiment.runner import FolderRun
from sim.experiment.sweep import run_sweep
from sim.output.sweep_output import SWEEP_TABLE_BLOCKS
from sim.scenario import load_scenario

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def _invoke(*args: object):
    return CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


def _second(tmp_path: Path) -> Path:
    text = TINY.read_text(encoding="utf-8").replace("name: tiny", "name: tiny_b", 1)
    path = tmp_path / "tiny_b.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _check_log_lines(err: str) -> list[str]:
    """``err`` as a log file holds it: no carriage return, every line ended and not
    empty, none the same as the one before; returns its lines."""
    assert "\r" not in err, repr(err)
    assert err.endswith("\n"), repr(err)
    lines = err.split("\n")[:-1]
    assert all(line.strip() for line in lines), repr(err)
    assert all(a != b for a, b in zip(lines, lines[1:], strict=False)), repr(err)
    return lines


# --- 1. a line per redraw into a log file ----------------------------------------------


def test_into_a_file_each_redraw_is_a_line_and_a_note_keeps_its_own(monkeypatch):
    from tqdm import tqdm

    stream = NotATerminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    monkeypatch.setattr(cli, "_bar_interval", lambda: 0.0)  # every update redraws
    with cli._LazyBar("run", quiet=False, total=5) as bar:
        bar.update(1)
        bar.update(1)
        tqdm.write("note: a cluster note", file=cli.sys.stderr)
        bar.update(3)
    lines = _check_log_lines(stream.getvalue())
    assert "note: a cluster note" in lines
    counts = [line for line in lines if line.startswith("run:")]
    # the first at once, one per update, the last (at close, the same as the update's
    # redraw unless the clock ticked between them) once or twice, never repeated as is
    assert "0/5" in counts[0] and "1/5" in counts[1] and "2/5" in counts[2]
    assert "5/5" in counts[-1] and 4 <= len(counts) <= 5, lines
    assert lines.index("note: a cluster note") == 3  # between the 2/5 and 5/5 lines


def test_the_redraws_are_lines_at_the_long_interval_too(monkeypatch):
    """As sim run draws into a log: the first line at once and the last, none between
    within 30 s."""
    stream = NotATerminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    with cli._LazyBar("run", quiet=False, total=3) as bar:
        for _ in range(3):
            bar.update(1)
    lines = _check_log_lines(stream.getvalue())
    assert len(lines) == 2 and "0/3" in lines[0] and "3/3" in lines[1], lines


def test_a_terminal_keeps_the_bar_redrawn_in_place(monkeypatch):
    stream = Terminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    monkeypatch.setattr(cli, "_bar_interval", lambda: 0.0)
    with cli._LazyBar("run", quiet=False, total=3) as bar:
        for _ in range(3):
            bar.update(1)
    out = stream.getvalue()
    assert out.count("\r") >= 4 and out.count("\n") == 1 and out.endswith("\n"), repr(out)
    assert "3/3" in out.split("\r")[-1]


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "report"])
def test_every_commands_progress_into_a_file_is_lines(tmp_path, blank_figure_plans, command):
    out = tmp_path / "x"
    if command == "run":
        args: list[object] = ["run", TINY, "-n", "2", "-w", "2", "--out", out]
    elif command == "compare":
        args = ["compare", TINY, _second(tmp_path), "-n", "2", "-w", "2", "--out", out]
    elif command == "sweep":
        args = ["sweep", TINY, "--param", PARAM, "-n", "2", "-w", "2", "--out", out]
    else:
        assert _invoke("run", TINY, "-n", "1", "--out", out, "--no-figures",
                       "-q").exit_code == 0
        args = ["report", out]
    result = _invoke(*args)
    assert result.exit_code == 0, result.output
    lines = _check_log_lines(result.stderr)
    bars = [line for line in lines if "%|" in line]
    # each bar's first line and its last, at 100%
    assert any("100%|" in line for line in bars), lines
    assert any(line.startswith("drawing figures:") and "100%|" in line for line in bars)
    if command != "report":
        assert "writing tables ..." in lines


# --- 2. the tables counted -------------------------------------------------------------


def test_a_runs_tables_are_counted_in_blocks_before_its_figures(tmp_path, monkeypatch,
                                                                blank_figure_plans):
    monkeypatch.setattr(folder, "KPI_BLOCK", 2)
    steps: list[tuple[str, int, int]] = []
    run = FolderRun(tmp_path / "r")
    run.run(load_scenario(TINY), 0, 5, workers=1)
    run.finish(on_figure=lambda d, t: steps.append(("fig", d, t)),
               on_table=lambda d, t: steps.append(("table", d, t)))
    total = folder.run_table_blocks(5)
    assert total == 3 + 3  # kpis.csv in 3 blocks of 2, 2 and 1; 3 more tables
    tables = [(d, t) for kind, d, t in steps if kind == "table"]
    assert tables == [(k, total) for k in range(total + 1)]
    assert steps.index(("table", total, total)) < steps.index(("fig", 0, 2))
    kpis = (tmp_path / "r" / "kpis.csv").read_text(encoding="utf-8").splitlines()
    assert sorted({line.split(",")[0] for line in kpis[1:]}) == ["0", "1", "2", "3", "4"]


def test_python_run_takes_on_table_and_refuses_a_wrong_one(tmp_path):
    calls, on_table = figure_recorder()
    sim.run(TINY, 1, out=tmp_path / "r", figures=False, on_table=on_table)
    assert calls == [(k, 4) for k in range(5)]
    calls.clear()
    sim.run(TINY, 1, figures=False, on_table=on_table)  # no folder: nothing written
    assert calls == []
    with pytest.raises(TypeError, match=r"on_table must be a function, called with the "):
        sim.run(TINY, 1, out=tmp_path / "q", on_table=3)
    assert not (tmp_path / "q").exists()


def test_a_comparison_writes_every_scenarios_tables_before_any_figure(tmp_path,
                                                                      blank_figure_plans):
    steps: list[tuple[str, int, int]] = []
    run_comparison([TINY, _second(tmp_path)], 2, out=tmp_path / "c",
                   on_figure=lambda d, t: steps.append(("fig", d, t)),
                   on_table=lambda d, t: steps.append(("table", d, t)))
    total = 2 * folder.run_table_blocks(2)
    tables = [(d, t) for kind, d, t in steps if kind == "table"]
    assert tables == [(k, total) for k in range(total + 1)]
    assert steps.index(("table", total, total)) < steps.index(("fig", 0, 5))
    for label in ("tiny", "tiny_b"):
        assert (tmp_path / "c" / label / "manifest.json").is_file()
        assert (tmp_path / "c" / label / "figures" / "flows.png").is_file()
    with pytest.raises(TypeError, match=r"on_table must be a function"):
        sim.compare([TINY, TINY], 1, out=tmp_path / "x", on_table="no")


def test_a_comparison_stopped_in_its_tables_releases_every_folder(tmp_path, monkeypatch):
    """Every scenario's folder is opened (locked) before any figure: one failing leaves
    none locked, and the comparison is resumed."""
    real = folder.ResultsFolder.write_tables
    written: list[Path] = []

    def failing(self, results):
        written.append(self.path)
        if len(written) == 2:
            raise OSError(28, "No space left on device", str(self.path / "kpis.csv"))
        real(self, results)

    monkeypatch.setattr(folder.ResultsFolder, "write_tables", failing)
    out = tmp_path / "c"
    with pytest.raises(OSError, match="No space"):
        run_comparison([TINY, _second(tmp_path)], 1, out=out, figures=False)
    monkeypatch.setattr(folder.ResultsFolder, "write_tables", real)
    run_comparison([TINY, _second(tmp_path)], 1, out=out, figures=False, resume=True)
    assert (out / "comparison.json").is_file()


def test_a_sweep_counts_its_tables_before_its_figure(tmp_path):
    steps: list[tuple[str, int, int]] = []
    run_sweep(TINY, [PARAM], "lhs", 2, 1, out=tmp_path / "s", for_python=False,
              on_figure=lambda d, t: steps.append(("fig", d, t)),
              on_table=lambda d, t: steps.append(("table", d, t)))
    total = SWEEP_TABLE_BLOCKS
    assert [(d, t) for kind, d, t in steps if kind == "table"] == [
        (k, total) for k in range(total + 1)]
    assert steps.index(("table", total, total)) < steps.index(("fig", 0, 1))
    calls, on_table = figure_recorder()
    with pytest.warns(UserWarning, match="told from chance"):
        sim.sweep(TINY, [PARAM], "lhs", 2, 1, out=tmp_path / "s2", figures=False,
                  on_table=on_table)
    assert calls == [(k, total) for k in range(total + 1)]


def _table_bar(err: str) -> list[str]:
    return [line for line in err.split("\n") if line.startswith("writing tables:")]


def test_sim_run_draws_a_tables_bar_only_once_they_take_long(tmp_path, monkeypatch):
    monkeypatch.setattr(folder, "KPI_BLOCK", 1)
    small = _invoke("run", TINY, "-n", "3", "--out", tmp_path / "a", "--no-figures")
    assert small.exit_code == 0, small.output
    # written in well under TABLE_BAR_AFTER: the line alone, no bar flashing by
    assert "writing tables ..." in small.stderr and _table_bar(small.stderr) == []
    monkeypatch.setattr(cli, "TABLE_BAR_AFTER", 0.0)  # as if every block took long
    large = _invoke("run", TINY, "-n", "3", "--out", tmp_path / "b", "--no-figures")
    assert large.exit_code == 0, large.output
    lines = _table_bar(large.stderr)
    assert len(lines) == 2 and "0/6" in lines[0] and "6/6" in lines[1], large.stderr
    assert "block" in lines[1] and "100%|" in lines[1]
    assert large.stderr.index("writing tables ...") < large.stderr.index(lines[0])
    quiet = _invoke("run", TINY, "-n", "3", "--out", tmp_path / "q", "--no-figures", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_sim_compare_and_sweep_draw_the_tables_bar_before_the_figures(tmp_path, monkeypatch,
                                                                      blank_figure_plans):
    monkeypatch.setattr(cli, "TABLE_BAR_AFTER", 0.0)
    comp = _invoke("compare", TINY, _second(tmp_path), "-n", "2", "--out", tmp_path / "c")
    assert comp.exit_code == 0, comp.output
    lines = _table_bar(comp.stderr)
    total = 2 * folder.run_table_blocks(2)
    assert len(lines) == 2 and f"0/{total}" in lines[0] and f"{total}/{total}" in lines[1]
    assert comp.stderr.index(lines[1]) < comp.stderr.index("drawing figures")
    sweep = _invoke("sweep", TINY, "--param", PARAM, "-n", "2", "--out", tmp_path / "s")
    assert sweep.exit_code == 0, sweep.output
    lines = _table_bar(sweep.stderr)
    n = SWEEP_TABLE_BLOCKS
    assert len(lines) == 2 and f"0/{n}" in lines[0] and f"{n}/{n}" in lines[1], sweep.stderr
    assert sweep.stderr.index(lines[1]) < sweep.stderr.index("drawing figures")


def test_the_tables_bar_waits_then_starts_at_the_blocks_done(monkeypatch):
    clock = iter([0.0, 1.0, 2.5, 2.6, 2.7])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    stream = NotATerminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    with cli._TablesBar(quiet=False) as bar:
        bar.reach(0, 4)
        bar.reach(1, 4)
        assert bar.lazy.bar is None and stream.getvalue() == ""
        bar.reach(2, 4)  # 2.5 s on
        assert bar.lazy.bar is not None and bar.lazy.bar.initial == 2
        bar.reach(3, 4)
        bar.reach(4, 4)
    lines = _check_log_lines(stream.getvalue())
    assert "2/4" in lines[0] and "4/4" in lines[-1], lines
