"""Review 66, F4: a Ctrl-C in the first half second of any command (while sim.cli, click,
the loader and numpy load) printed a KeyboardInterrupt traceback. The entry point (the
``sim`` script and ``python -m sim``) ends it quietly with status 130."""

from __future__ import annotations

import builtins
import runpy
import signal
import sys

import pytest

import sim.entry


@pytest.fixture
def import_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import sim.cli`` raise KeyboardInterrupt, as a Ctrl-C during it does."""
    real = builtins.__import__

    def interrupted(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "sim.cli":
            raise KeyboardInterrupt
        return real(name, globals, locals, fromlist, level)

    monkeypatch.delitem(sys.modules, "sim.cli", raising=False)
    monkeypatch.setattr(builtins, "__import__", interrupted)


def test_console_script_interrupted_while_loading(import_interrupted, capsys):
    with pytest.raises(SystemExit) as info:
        sim.entry.main()
    assert info.value.code == 130
    err = capsys.readouterr().err
    assert err.strip() == "interrupted" and "Traceback" not in err
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # a second one is ignored


def test_python_m_sim_interrupted_while_loading(import_interrupted, capsys):
    with pytest.raises(SystemExit) as info:
        runpy.run_module("sim.__main__", run_name="__main__")
    assert info.value.code == 130
    assert capsys.readouterr().err.strip() == "interrupted"


def test_console_script_points_at_the_entry():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["sim"] == "sim.entry:main"
