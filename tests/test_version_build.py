"""``sim --version`` says which build is running: plain Python or compiled (``make
compiled``), as both install the same command and give the same results, only at
different speeds. tests/test_compiled_build.py checks the compiled side."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

from click.testing import CliRunner

from sim import build, cli


def test_the_plain_build_says_so() -> None:
    result = CliRunner().invoke(cli.main, ["--version"])
    assert result.exit_code == 0
    assert result.output == "sim, version 0.1.0 (plain Python build)\n"


def test_a_compiled_lanes_module_makes_it_the_compiled_build(monkeypatch) -> None:
    found = importlib.util.find_spec

    def compiled_spec(name: str, *args):
        spec = found(name, *args)
        if name == "sim.world.lanes":
            return SimpleNamespace(origin=spec.origin[:-3] + ".cpython-311-x86_64-linux-gnu.so")
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", compiled_spec)
    assert build.build_kind() == "compiled"
