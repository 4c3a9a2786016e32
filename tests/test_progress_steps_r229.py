"""Review 229: every long step of sim run / compare / sweep / report shows progress.

1. The steps that were silent say so on stderr (quiet with -q): sim sweep builds its
   design points under a bar, a resume says it reads the saved replications, sim run
   --no-figures says it writes the tables, sim compare says it writes and draws once its
   bar is done, sim report says it reads and draws. The work takes callbacks and prints
   nothing; the command line prints.
2. A resumed bar starts at the saved count (tqdm's ``initial``): it keeps redrawing as
   replications finish, and its rate is of the new ones (``update(saved)`` made tqdm's
   dynamic ``miniters`` the saved count, and the bar froze).
3. Into a log file sim run's bar draws its first line at once, as sim compare's and sim
   sweep's do (its ``delay=0.1`` drew none for its first 30 s).
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from stream_helpers import NotATerminal, Terminal

import sim.cli as cli
from sim.cli import main
from sim.experiment.compare import run_comparison
from sim.experiment.runner import FolderRun
from sim.experiment.sweep import run_sweep
from sim.output.report import write_report
from sim.scenario import load_scenario

TINY = Path(__file__).parent / "data" / "tiny.yaml"
ROOT = Path(__file__).parents[1]
PARAM = "sites.border.clearance_trucks_per_day=40:60:int"


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _second(tmp_path: Path) -> Path:
    text = TINY.read_text(encoding="utf-8").replace("name: tiny", "name: tiny_b", 1)
    path = tmp_path / "tiny_b.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- 2. a resumed bar ------------------------------------------------------------------


def _drawn(stream: io.StringIO) -> int:
    return stream.getvalue().count("\r")


def test_a_resumed_bar_starts_at_the_saved_count_and_keeps_redrawing(monkeypatch):
    stream = Terminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    monkeypatch.setattr(cli, "_bar_interval", lambda: 0.0)  # every update may redraw
    with cli._LazyBar("run", quiet=False, total=190) as bar:
        bar.start_at(150)
        made = bar.bar
        assert made.n == 150 and made.initial == 150
        assert "150/190" in stream.getvalue()
        for k in range(1, 4):
            before = _drawn(stream)
            bar.update(1)
            # redrawn at each replication: update(150) made miniters 150 and froze it
            assert _drawn(stream) > before, stream.getvalue()
            assert f"{150 + k}/190" in stream.getvalue()
        assert made.miniters < 150
        # the rate is of the new replications alone (each update counts 1)
        assert made._ema_dn() == pytest.approx(1.0)
        assert made.format_dict["initial"] == 150


def test_the_old_update_of_the_saved_count_froze_the_bar():
    """What the fix avoids, kept as the reason: tqdm's dynamic miniters."""
    from tqdm import tqdm

    stream = Terminal()
    bar = tqdm(total=190, file=stream, mininterval=0.0, maxinterval=10.0)
    bar.update(150)
    assert bar.miniters > 100  # about 150: redrawn only after that many more
    bar.close()


def test_a_bar_started_before_its_total_is_made_with_it(monkeypatch):
    # sim compare counts the saved replications before it reports the total
    stream = NotATerminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    with cli._LazyBar("compare", quiet=False) as bar:
        bar.start_at(6)
        assert bar.bar is None and stream.getvalue() == ""
        bar.set_total(10)
        assert bar.bar.n == 6 and bar.bar.initial == 6 and bar.bar.total == 10
        assert "6/10" in stream.getvalue()
        assert "6rep" not in stream.getvalue()


def test_a_quiet_resumed_bar_draws_nothing(monkeypatch):
    stream = Terminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    with cli._LazyBar("run", quiet=True, total=10) as bar:
        bar.start_at(4)
        bar.update(1)
    assert stream.getvalue() == ""


def test_a_bar_reaching_its_total_is_closed(monkeypatch):
    stream = NotATerminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    bar = cli._LazyBar("building points", quiet=False, unit="point")
    bar.reach(0, 3)
    assert "0/3" in stream.getvalue()
    bar.reach(2, 3)
    bar.reach(3, 3)
    assert "3/3" in stream.getvalue() and bar.bar.disable  # closed
    bar.close()  # again: nothing


# --- 1. the callbacks ------------------------------------------------------------------


def test_folder_run_reads_and_counts_the_saved_through_its_callbacks(tmp_path):
    sc = load_scenario(TINY)
    out = tmp_path / "r"
    first = FolderRun(out)
    first.run(sc, 0, 2, workers=1)
    first.finish(figures=False)
    calls: dict[str, list[int]] = {"read": [], "saved": [], "progress": []}
    again = FolderRun(out, resume=True)
    again.run(sc, 0, 3, workers=1, on_read=calls["read"].append,
              on_saved=calls["saved"].append, progress=calls["progress"].append)
    again.finish(figures=False)
    assert calls == {"read": [2], "saved": [2], "progress": [1]}


def test_without_on_saved_progress_still_gets_the_saved_count(tmp_path):
    sc = load_scenario(TINY)
    out = tmp_path / "r"
    first = FolderRun(out)
    first.run(sc, 0, 2, workers=1)
    first.finish(figures=False)
    counted: list[int] = []
    again = FolderRun(out, resume=True)
    again.run(sc, 0, 3, workers=1, progress=counted.append)
    again.finish(figures=False)
    assert counted == [2, 1]


def test_a_new_run_reads_nothing(tmp_path):
    read: list[int] = []
    FolderRun(tmp_path / "r").run(load_scenario(TINY), 0, 1, workers=1, on_read=read.append)
    assert read == []


def test_run_sweep_reports_building_its_points_and_reading_a_resume(tmp_path):
    built: list[tuple[int, int]] = []
    run_sweep(TINY, [PARAM], "lhs", 3, 1, out=tmp_path / "s", figures=False,
              on_build=lambda k, n: built.append((k, n)), for_python=False)
    assert built == [(0, 3), (1, 3), (2, 3), (3, 3)]
    read: list[int] = []
    saved: list[int] = []
    progress: list[int] = []
    run_sweep(TINY, [PARAM], "lhs", 3, 2, out=tmp_path / "s", figures=False, resume=True,
              on_read=read.append, on_saved=saved.append, progress=progress.append,
              for_python=False)
    assert read == [3] and saved == [3] and progress == [1, 1, 1]


def test_run_comparison_reports_reading_counting_and_writing(tmp_path):
    other = _second(tmp_path)
    out = tmp_path / "c"
    written: list[str] = []
    run_comparison([TINY, other], 2, out=out, figures=False,
                   on_write=lambda: written.append("w"))
    assert written == ["w"]
    # resumed: each scenario's folder read, the saved counted once, the new ones each
    read: list[tuple[int, str]] = []
    saved: list[int] = []
    progress: list[int] = []
    run_comparison([TINY, other], 3, out=out, figures=False, resume=True,
                   on_read=lambda n, label: read.append((n, label)), on_saved=saved.append,
                   progress=progress.append, on_write=lambda: written.append("w"))
    # each scenario's folder named (review 236: two bare "reading 2 ..." lines)
    assert read == [(2, "tiny"), (2, "tiny_b")] and saved == [4]
    assert progress == [1, 1]
    assert written == ["w", "w"]


def test_run_comparison_without_out_writes_nothing_to_report(tmp_path):
    written: list[str] = []
    run_comparison([TINY, _second(tmp_path)], 1, on_write=lambda: written.append("w"))
    assert written == []


def test_write_report_reports_reading_and_drawing(tmp_path):
    out = tmp_path / "r"
    run = FolderRun(out)
    run.run(load_scenario(TINY), 0, 1, workers=1)
    run.finish(figures=False)
    steps: list[object] = []
    write_report(out, on_read=steps.append, on_draw=lambda: steps.append("draw"))
    assert steps == [1, "draw"]


# --- 1. the command line ---------------------------------------------------------------


def test_sim_run_says_it_reads_a_resumed_folder_and_writes_the_tables(tmp_path):
    out = tmp_path / "r"
    first = _invoke("run", TINY, "-n", "2", "--out", out, "--no-figures")
    assert first.exit_code == 0
    assert "writing tables ..." in first.stderr
    assert "drawing figures" not in first.stderr
    again = _invoke("run", TINY, "-n", "3", "--out", out, "--no-figures", "--resume")
    assert again.exit_code == 0, again.output
    err = again.stderr
    assert "reading 2 saved replication(s) ..." in err
    assert err.index("reading 2 saved") < err.index("resuming")
    # the bar starts at the saved count
    assert "2/3" in err and "0/3" not in err


def test_sim_run_quiet_says_none_of_it(tmp_path):
    out = tmp_path / "r"
    _invoke("run", TINY, "-n", "1", "--out", out, "--no-figures", "-q")
    again = _invoke("run", TINY, "-n", "2", "--out", out, "--no-figures", "--resume", "-q")
    assert again.exit_code == 0
    assert again.stderr == ""


def test_sim_compare_says_it_writes_after_its_bar(tmp_path):
    other = _second(tmp_path)
    out = tmp_path / "c"
    result = _invoke("compare", TINY, other, "-n", "1", "--out", out, "--no-figures")
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "writing tables ..." in err
    assert err.rindex("2/2") < err.index("writing tables ...")
    again = _invoke("compare", TINY, other, "-n", "2", "--out", out, "--resume")
    assert again.exit_code == 0, again.output
    assert "reading 1 saved replication(s) of tiny ..." in again.stderr
    assert "reading 1 saved replication(s) of tiny_b ..." in again.stderr
    # the figures have a bar of their own (review 239: tests/test_figure_progress_r239.py)
    assert "writing tables ..." in again.stderr and "drawing figures: " in again.stderr
    assert "2/4" in again.stderr and "compare: 2rep" not in again.stderr
    quiet = _invoke("compare", TINY, other, "-n", "3", "--out", out, "--resume", "-q",
                    "--no-figures")
    assert quiet.exit_code == 0
    assert "reading" not in quiet.stderr and "writing" not in quiet.stderr


def test_sim_sweep_shows_a_bar_while_it_builds_its_points(tmp_path):
    out = tmp_path / "s"
    result = _invoke("sweep", TINY, "--param", PARAM, "-n", "3", "--out", out, "--no-figures")
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "building points" in err and "3/3" in err
    # the points are built before the replications' bar is made
    assert err.index("building points") < err.index("sweep:")
    again = _invoke("sweep", TINY, "--param", PARAM, "-n", "3", "-r", "2", "--out", out,
                    "--no-figures", "--resume")
    assert again.exit_code == 0, again.output
    assert "reading 3 saved replication(s) ..." in again.stderr
    assert "3/6" in again.stderr
    quiet = _invoke("sweep", TINY, "--param", PARAM, "-n", "3", "-r", "3", "--out", out,
                    "--no-figures", "--resume", "-q")
    assert quiet.exit_code == 0
    assert "building" not in quiet.stderr and "reading" not in quiet.stderr


def test_sim_report_says_it_reads_and_draws(tmp_path):
    out = tmp_path / "r"
    _invoke("run", TINY, "-n", "1", "--out", out, "--no-figures", "-q")
    result = _invoke("report", out)
    assert result.exit_code == 0, result.output
    assert f"reading {out} ..." in result.stderr
    assert "drawing figures: " in result.stderr  # a bar since review 239
    assert result.stderr.index("reading") < result.stderr.index("drawing")


# --- 3. a log file ---------------------------------------------------------------------


def test_sim_runs_bar_draws_a_first_line_at_once_into_a_log_file(tmp_path):
    log = tmp_path / "log.txt"
    with log.open("w") as err:
        proc = subprocess.run(
            [sys.executable, "-m", "sim", "run", str(TINY), "-n", "2", "--out",
             str(tmp_path / "r"), "--no-figures"], cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=err, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
            timeout=300)
    assert proc.returncode == 0
    text = log.read_text(encoding="utf-8")
    # the 0% line drawn when the bar is made (delay=0.1 held it back: none for 30 s)
    assert "0/2" in text, text
    assert text.index("0/2") < text.index("2/2")


def test_the_three_bars_are_made_alike(tmp_path, monkeypatch):
    """No delay for any: each draws its first line when made."""
    import tqdm

    made: list[dict] = []
    original = tqdm.tqdm

    def recording(*args, **kwargs):
        made.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(tqdm, "tqdm", recording)
    assert _invoke("run", TINY, "-n", "1", "--out", tmp_path / "r", "--no-figures",
                   "-q").exit_code == 0
    assert _invoke("sweep", TINY, "--param", PARAM, "-n", "2", "--out", tmp_path / "s",
                   "--no-figures", "-q").exit_code == 0
    bars = [k for k in made if k.get("unit") == "rep"]
    assert len(bars) == 2
    assert all(not k.get("delay") for k in bars)
