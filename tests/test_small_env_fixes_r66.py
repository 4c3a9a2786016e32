"""Review 66, F5: progress bars in log files, a sweep's cut-short plan.json, a comparison
folder with a scenario's folder deleted, SIM_DEBUG=0, and extends: through a symbolic
link."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from stream_helpers import NotATerminal, Terminal

import sim.cli as cli
from sim.cli import main
from sim.scenario import ScenarioError, load_scenario

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def _sim(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


# (a) a progress bar into a file updates rarely
def test_progress_bar_into_a_file_updates_rarely(monkeypatch):
    monkeypatch.setattr(cli.sys, "stderr", NotATerminal())
    assert cli._bar_interval() >= 30
    bar = cli._LazyBar("run", quiet=False)
    with bar:
        bar.set_total(200)
        assert bar.bar.mininterval >= 30
    monkeypatch.setattr(cli.sys, "stderr", Terminal())
    assert cli._bar_interval() == pytest.approx(0.1)


# (b) a sweep's plan.json cut short
def test_cut_short_plan_hint_says_force(tmp_path):
    out = tmp_path / "s"
    args = ["sweep", TINY, "--param", "lot_period_days=5:10", "-n", 2, "-w", 1, "--out",
            out, "--no-figures", "-q", "--set", "horizon_days=30"]
    assert _sim(*args).exit_code == 0
    plan = out / "sweep-replications" / "plan.json"
    plan.write_text(plan.read_text()[:60])
    result = _sim(*args, "--resume")
    assert result.exit_code == 2
    assert "cannot be read" in result.output
    assert "--force instead of --resume" in result.output
    assert "2 saved replication(s) are deleted and run again" in result.output
    report = _sim("report", out)
    assert "cannot be resumed to draw them" in report.output
    assert "nothing is run again" not in report.output
    assert _sim(*args, "--force").exit_code == 0


# (c) a comparison folder with one scenario's folder deleted
def test_report_names_missing_scenario_folder_and_resume_rebuilds_it(tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(TINY.read_text().replace("name: tiny", "name: other", 1))
    out = tmp_path / "cx"
    args = ["compare", TINY, other, "-n", 2, "-w", 1, "--out", out, "-q", "--no-figures",
            "--set", "horizon_days=30"]
    assert _sim(*args).exit_code == 0
    shutil.rmtree(out / "other")
    result = _sim("report", out)
    assert result.exit_code == 2
    assert f"are missing: {out / 'other'}" in result.output, result.output
    assert "fewer than two run folders" not in result.output
    assert "--resume" in result.output
    assert _sim(*args, "--resume").exit_code == 0
    assert _sim("report", out).exit_code == 0


# (d) SIM_DEBUG=0 is off
@pytest.mark.parametrize("value,on", [("", False), ("0", False), ("false", False),
                                      ("No", False), ("1", True), ("yes", True)])
def test_sim_debug_values(monkeypatch, value, on):
    monkeypatch.setenv("SIM_DEBUG", value)
    assert cli._debugging() is on


def test_sim_debug_0_prints_no_traceback(monkeypatch):
    monkeypatch.setenv("SIM_DEBUG", "0")

    @cli._guarded
    def broken() -> None:
        raise RuntimeError("a bug")

    result = CliRunner().invoke(click.command("broken")(broken), [])
    assert result.exit_code == 1
    assert "internal error: RuntimeError: a bug" in result.output
    assert "Traceback" not in result.output


# (e) extends: through a symbolic link
@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_extends_through_a_link_hint_says_where_it_looked(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "parent.yaml").write_text(TINY.read_text())
    child = tmp_path / "sub" / "child.yaml"
    child.write_text("extends: ../parent.yaml\nname: child\n")
    assert load_scenario(child).name == "child"  # relative to its own folder
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "elsewhere" / "link" / "c.yaml"
    link.parent.mkdir()
    link.symlink_to(child)
    with pytest.raises(ScenarioError) as info:
        load_scenario(link)
    text = info.value.report()
    assert "not found" in text
    assert "a symbolic link's own folder" in text
    assert f"looked up in {link.parent}" in text
    assert json.dumps(str(child.resolve()))[1:-1] in text
