"""Review 212, part B: the terminal of sim run, sim compare and sim sweep as a policymaker
reads it.

1. The totals are given with the period they measure ("cobalt mined_t 880,520 t" of four
   years read as a year's output). 2. sim run ends with the command that
   builds the report. 3. A failed offtake deal's note reads plainly."""

from __future__ import annotations

import shlex
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from click.testing import CliRunner

from sim.cli import main
from sim.output.tables import deal_note

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"
PERIOD = "Period measured: 2024-01-01 to 2024-04-09 (100 days); tonnes are totals over"


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout  # the progress bars go to stderr


def _first(text: str, start: str) -> str:
    """The first line of ``text`` starting with ``start``, which must come before the
    comparison's tables."""
    lines = text.splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith(start)]
    assert all(not line.startswith("Comparison of") for line in lines[:at])
    return lines[at]


def test_sim_run_says_the_period_above_its_table_and_how_to_build_the_report(
        tmp_path: Path) -> None:
    out = tmp_path / "a folder"
    text = _invoke("run", TINY, "-n", "2", "-w", "1", "--no-figures", "--out", out)
    lines = text.splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith(PERIOD)]
    assert "not per year" in lines[at]
    # right above the table of totals
    assert lines[at + 1].startswith("commodity") and "mined_t" in text
    # the next step, quoted as the resume commands are (the folder's name has a space)
    assert lines[-1] == f"report: sim report {shlex.quote(str(out))}"
    assert shlex.split(lines[-1].removeprefix("report: ")) == ["sim", "report", str(out)]


def test_sim_run_quiet_prints_no_report_line(tmp_path: Path) -> None:
    text = _invoke("run", TINY, "-n", "2", "-w", "1", "--no-figures", "-q",
                   "--out", tmp_path / "q")
    assert "report:" not in text and "Period measured" not in text


def test_sim_compare_says_the_period_every_scenario_measures(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    text = _invoke("compare", TINY, TINY.parent / "two_routes.yaml", "-n", "2", "-w", "1",
                   "--no-figures", "--out", out)
    assert _first(text, "Period").startswith(
        "Period measured by every scenario: 2024-01-01 to 2024-04-09 (100 days)")


def test_sim_compare_says_each_period_where_they_differ(tmp_path: Path) -> None:
    _invoke("run", TINY, "-n", "2", "-w", "1", "--no-figures", "-q", "--out", tmp_path / "a")
    _invoke("run", TINY, "-n", "2", "-w", "1", "--no-figures", "-q", "--set",
            "horizon_days=80", "--out", tmp_path / "b")
    text = _invoke("compare", tmp_path / "a", tmp_path / "b", "--no-figures",
                   "--out", tmp_path / "c")
    assert _first(text, "Period").startswith(
        "Periods measured: a 2024-01-01 to 2024-04-09 (100 days), b 2024-01-01 to "
        "2024-03-20 (80 days)")


def test_sim_sweep_says_the_period_or_that_it_varies(tmp_path: Path) -> None:
    text = _invoke("sweep", TINY, "--param", "sites.border.clearance_trucks_per_day=50:150",
                   "-n", "3", "-w", "1", "--no-figures", "--out", tmp_path / "s")
    assert ("  period measured: 2024-01-01 to 2024-04-09 (100 days); tonnes are totals"
            in text)
    text = _invoke("sweep", TINY, "--param", "horizon_days=50:150:int", "-n", "3", "-w", "1",
                   "--no-figures", "--out", tmp_path / "h")
    assert "  period measured: varies with horizon_days" in text
    # the path of a cited value too (review 220: it printed the file's fixed 100 days)
    text = _invoke("sweep", TINY, "--param", "horizon_days.value=50:100:int", "-n", "2",
                   "-w", "1", "--no-figures", "--out", tmp_path / "v")
    assert "  period measured: varies with horizon_days.value" in text


def _deal_run(failed: int, n: int) -> SimpleNamespace:
    deal = SimpleNamespace(to_channel="us_partnered")
    scenario = SimpleNamespace(policies=SimpleNamespace(offtake_deals={"orion": deal}))
    timeline = pd.DataFrame({"kind": "deal", "action": "deal fails", "id": "orion",
                             "replication": range(failed)})
    return SimpleNamespace(scenario=scenario, timeline=timeline, n=n)


def test_a_failed_deal_s_note_reads_plainly() -> None:
    # review 212: "(its channel us_partnered gets none in those of the output it would
    # move)"
    some = deal_note(_deal_run(2, 5))
    assert "none in those of" not in some
    assert ("deal orion failed in 2 of 5 replications (in those 2 it never closed: the "
            "output it would have moved to channel us_partnered stayed with the channels "
            "that would have given it up)") in some
    every = deal_note(_deal_run(3, 3))
    assert "failed in 3 of 3 replications (in every one it never closed: the output" in every
