"""Which build of the package is running: plain Python, or with the simulation's hot path
compiled by mypyc (``make compiled``). Both give identical results; ``sim --version`` says
which runs, and ``run.json`` records the builds that made a results folder."""

from __future__ import annotations

import importlib.util

PLAIN = "plain Python"
COMPILED = "compiled"


def build_kind() -> str:
    """:data:`COMPILED` where ``sim.world.lanes`` (one of the compiled modules) is an
    extension module, else :data:`PLAIN`. Found without importing the simulation, so it
    costs a file-system look-up, not numpy's import."""
    spec = importlib.util.find_spec("sim.world.lanes")
    origin = spec.origin if spec is not None and spec.origin else ""
    return COMPILED if origin.endswith((".so", ".pyd")) else PLAIN
