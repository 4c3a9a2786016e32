"""Build script. The project's metadata is in pyproject.toml; this file only adds the
optional compiled build: with ``SIM_COMPILE=1`` in the environment (``make compiled``),
mypyc compiles the simulation's hot path (the modules in :data:`COMPILED`) to C extension
modules from the same typed source. Without it the package is plain Python, as ``make
setup`` installs it; the two give bit-identical results (benchmarks/bench_compiled.py). The
compiled modules import ``librt`` (mypyc's run-time library, installed with mypy) for the
unboxed rows of ``sim/world/floatrows.py``."""

import os
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SOURCE_COMMIT = "_source_commit.txt"
"""Written into a built package (not the source tree): the git commit of the source it was
built from, ``-dirty`` if ``sim/`` had changes, for ``sim.build.git_commit`` to
record in a results folder's manifest where the installed package has no ``.git`` beside it
(the compiled build is such a copy, and can lag behind the source)."""


def source_commit() -> str | None:
    """The commit of the git checkout this file is the top of, or None if it is not one
    (an sdist unpacked inside another checkout is not that checkout's commit)."""
    here = Path(__file__).resolve().parent
    try:
        top = subprocess.run(["git", "-C", str(here), "rev-parse", "--show-toplevel"],
                             check=True, capture_output=True, text=True,
                             timeout=10).stdout.strip()
        if not top or Path(top).resolve() != here:
            return None
        head = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--", "sim"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("-dirty" if dirty else "") if head else None


class BuildWithCommit(build_py):
    """The package's modules, and :data:`SOURCE_COMMIT` beside them."""

    def run(self) -> None:
        super().run()
        package = Path(self.build_lib) / "sim"
        # an editable install builds no copy (the checkout's own .git names the commit)
        if getattr(self, "editable_mode", False) or not package.is_dir():
            return
        commit = source_commit()
        if commit is not None:
            (package / SOURCE_COMMIT).write_text(commit + "\n", encoding="utf-8")

COMPILED = [
    "sim/streams.py",
    "sim/world/daybook.py",
    "sim/world/element.py",
    "sim/world/export_controls.py",
    "sim/world/lanes.py",
    "sim/world/lots.py",
    "sim/world/market_step.py",
    "sim/world/mines.py",
    "sim/world/queues.py",
    "sim/world/recorder.py",
    "sim/world/routing.py",
    "sim/world/rowbuffer.py",
    "sim/world/sites.py",
    "sim/world/wakeups.py",
    "sim/world/world.py",
]
"""Modules mypyc compiles. Not compiled: sim/world/events.py (its Environment extends SimPy's;
compiled it ran slower), sim/world/ledger.py (its ``__getattr__`` reads the instance
``__dict__``, which compiled classes have not), the shocks, the scenario schema (pydantic)
and everything that runs once per replication or less. A compiled class takes no
attributes it does not declare, no weak references and no subclasses written in Python."""

ext_modules = []
if os.environ.get("SIM_COMPILE") == "1":
    from mypyc.build import mypycify

    # imported modules are read for their types; only COMPILED must type-check
    ext_modules = mypycify(["--follow-imports=silent", *COMPILED], opt_level="3",
                           debug_level="0")

setup(ext_modules=ext_modules, cmdclass={"build_py": BuildWithCommit})
