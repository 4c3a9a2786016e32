"""Review 72: F8, a progress bar into a file is drawn at most once per 30 s (tqdm's monitor
thread, every 10 s by default, drew a second line between the bar's own); F6, importing
sim does not read the package metadata (a Ctrl-C during that import printed a traceback),
while sim.__version__ still gives the installed version."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import tqdm
from click.testing import CliRunner
from stream_helpers import NotATerminal, Terminal

import sim
import sim.cli as cli

TINY = Path(__file__).parent / "data" / "tiny.yaml"
ROOT = Path(__file__).parents[1]


def test_a_bar_into_a_file_leaves_the_monitor_thread_nothing_to_draw(monkeypatch):
    monkeypatch.setattr(cli.sys, "stderr", NotATerminal())
    with cli._LazyBar("sweep", quiet=False) as bar:
        bar.set_total(200)
        made = bar.bar
        assert made.mininterval >= 30
        assert made.maxinterval >= made.mininterval
        # the monitor redraws only a bar whose updates are counted in batches
        assert made.miniters == 1 and not made.dynamic_miniters


def test_a_bar_on_a_terminal_keeps_tqdms_timing(monkeypatch):
    monkeypatch.setattr(cli.sys, "stderr", Terminal())
    assert cli._bar_timing() == {"mininterval": pytest.approx(0.1), "maxinterval": 10.0}


def test_sim_runs_bar_into_a_file_is_made_with_the_long_intervals(tmp_path, monkeypatch):
    made: list[dict] = []
    original = tqdm.tqdm

    def recording(*args, **kwargs):
        made.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(tqdm, "tqdm", recording)
    monkeypatch.setattr(cli, "_bar_interval", lambda: cli.BAR_INTERVAL_NOT_A_TERMINAL)
    result = CliRunner().invoke(cli.main, ["run", str(TINY), "-n", "1", "-w", "1", "--out",
                                           str(tmp_path / "r"), "--no-figures", "-q"])
    assert result.exit_code == 0, result.output
    bars = [k for k in made if k.get("unit") == "rep"]
    assert bars, made
    for kwargs in bars:
        assert kwargs["mininterval"] >= 30 and kwargs["maxinterval"] >= kwargs["mininterval"]
        assert kwargs["miniters"] == 1


def test_importing_sim_does_not_read_the_package_metadata():
    code = ("import sys, importlib.metadata as m\n"
            "calls = []\n"
            "real = m.version\n"
            "m.version = lambda *a: calls.append(a) or real(*a)\n"
            "import sim\n"
            "assert calls == [], calls\n"
            "assert sim.__version__ == real('drc-minerals-sim'), sim.__version__\n"
            "assert calls == [('drc-minerals-sim',)], calls\n"
            "assert sim.__version__ and calls == [('drc-minerals-sim',)], calls  # kept\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_importing_sim_does_not_load_importlib_metadata():
    code = "import sys, sim\nprint('importlib.metadata' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "False", proc.stderr


def test_version_is_the_installed_one():
    assert sim.__version__ == metadata.version("drc-minerals-sim")
    assert "__version__" in sim.__all__ and "__version__" in dir(sim)
    from sim import __version__

    assert __version__ == sim.__version__
