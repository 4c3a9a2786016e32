"""``sim --help`` and each command's ``--help`` read the same under ``python -OO``,
which strips docstrings, as without it (review 67, F5): click took the command
descriptions from the docstrings, so the list of commands had blank descriptions and
``sim run --help`` no description line."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

HELP_TEXTS = """
import json
from click.testing import CliRunner
from sim.cli import main
runner = CliRunner()
out = {"": runner.invoke(main, ["--help"]).output}
for name in sorted(main.commands):
    out[name] = runner.invoke(main, [name, "--help"]).output
print(json.dumps(out))
"""


def _in_process() -> dict[str, str]:
    from sim.cli import main

    runner = CliRunner()
    out = {"": runner.invoke(main, ["--help"]).output}
    for name in sorted(main.commands):
        out[name] = runner.invoke(main, [name, "--help"]).output
    return out


def test_help_is_the_same_with_docstrings_stripped():
    done = subprocess.run([sys.executable, "-OO", "-c", HELP_TEXTS], capture_output=True,
                          text=True, check=True, timeout=60)
    stripped, plain = json.loads(done.stdout), _in_process()
    assert set(stripped) == set(plain) and len(plain) > 1
    for name, text in plain.items():
        assert stripped[name] == text, f"sim {name} --help differs under python -OO"
    assert "Run SCENARIO for N replications and write a results folder." in stripped["run"]
    for name in plain:
        if name:
            line = next(ln for ln in stripped[""].splitlines()
                        if ln.strip().startswith(name + " "))
            assert len(line.split()) > 2, f"{name} has no description in sim --help"
