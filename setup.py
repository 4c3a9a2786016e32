"""Build script. The project's metadata is in pyproject.toml; this file only adds the
optional compiled build: with ``SIM_COMPILE=1`` in the environment (``make compiled``),
mypyc compiles the simulation's hot path (the modules in :data:`COMPILED`) to C extension
modules from the same typed source. Without it the package is plain Python, as ``make
setup`` installs it; the two give bit-identical results (benchmarks/bench_compiled.py)."""

import os

from setuptools import setup

COMPILED = [
    "sim/streams.py",
    "sim/world/element.py",
    "sim/world/export_controls.py",
    "sim/world/lanes.py",
    "sim/world/lots.py",
    "sim/world/mines.py",
    "sim/world/queues.py",
    "sim/world/recorder.py",
    "sim/world/routing.py",
    "sim/world/sites.py",
]
"""Modules mypyc compiles. Not compiled: sim/world/events.py (its classes extend SimPy's;
compiled it ran slower), sim/world/ledger.py (its ``__getattr__`` reads the instance
``__dict__``, which compiled classes have not), the scenario schema (pydantic) and
everything that runs once per replication or less."""

ext_modules = []
if os.environ.get("SIM_COMPILE") == "1":
    from mypyc.build import mypycify

    # imported modules are read for their types; only COMPILED must type-check
    ext_modules = mypycify(["--follow-imports=silent", *COMPILED], opt_level="3",
                           debug_level="0")

setup(ext_modules=ext_modules)
