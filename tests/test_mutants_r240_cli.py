"""Review 240: mutation testing of the command line's progress (review 229-236's merges).
Kills a mutant that survived the existing tests: sim compare counting a resume's saved
replications to its bar by ``update`` instead of ``start_at``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sim.cli as cli
from sim.cli import main

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def test_a_resumed_comparison_starts_its_bar_at_the_saved_count(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # update(saved) made tqdm's dynamic miniters the saved count: the bar froze until as
    # many more replications finished, and its rate counted the saved as done at once
    other = tmp_path / "tiny_b.yaml"
    other.write_text(TINY.read_text(encoding="utf-8").replace("name: tiny", "name: tiny_b", 1),
                     encoding="utf-8")
    out = tmp_path / "c"
    first = CliRunner().invoke(main, ["compare", str(TINY), str(other), "-n", "2", "--out",
                                      str(out), "--no-figures", "-q"])
    assert first.exit_code == 0, first.output
    started: list[int] = []
    updates: list[int] = []
    start_at, update = cli._LazyBar.start_at, cli._LazyBar.update

    def recording_start(bar: cli._LazyBar, n: int) -> None:
        started.append(n)
        start_at(bar, n)

    def recording_update(bar: cli._LazyBar, n: int = 1) -> None:
        updates.append(n)
        update(bar, n)

    monkeypatch.setattr(cli._LazyBar, "start_at", recording_start)
    monkeypatch.setattr(cli._LazyBar, "update", recording_update)
    again = CliRunner().invoke(main, ["compare", str(TINY), str(other), "-n", "3", "--out",
                                      str(out), "--no-figures", "--resume"])
    assert again.exit_code == 0, again.output
    assert started == [4]
    assert updates == [1, 1]
    assert "4/6" in again.stderr


PARAM = "sites.border.clearance_trucks_per_day=40:60:int"


def test_a_resumed_sweeps_bar_never_shows_zero_done(tmp_path: Path) -> None:
    # review 236: the saved count is reported before the total, so that the bar is made
    # at it; reported after, a log file got "0/6" first (a mutant passed every test)
    out = tmp_path / "s"
    first = CliRunner().invoke(main, ["sweep", str(TINY), "--param", PARAM, "-n", "3",
                                      "--out", str(out), "--no-figures", "-q"])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, ["sweep", str(TINY), "--param", PARAM, "-n", "3", "-r",
                                      "2", "--out", str(out), "--no-figures", "--resume"])
    assert again.exit_code == 0, again.output
    assert "3/6" in again.stderr and "0/6" not in again.stderr, again.stderr


def test_a_resumed_sweep_holding_nothing_reads_nothing(tmp_path: Path) -> None:
    # "reading 0 saved replication(s) ..." is no news
    from sim.experiment.sweep import run_sweep

    read: list[int] = []
    with pytest.warns(UserWarning):
        run_sweep(TINY, [PARAM], "lhs", 2, 1, out=tmp_path / "s", figures=False, resume=True,
                  on_read=read.append)
    assert read == []
