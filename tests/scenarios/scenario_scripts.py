"""The scripts shipped beside the scenarios (headlines.py, calibration.py ...), loaded as
modules by the tests that check what they print and publish."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def load_script(name: str, module: str | None = None) -> ModuleType:
    """``scenarios/<name>.py`` as a module named ``module`` (``name`` if None)."""
    spec = importlib.util.spec_from_file_location(module or name, SCENARIOS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = loaded  # dataclasses look their module up here
    spec.loader.exec_module(loaded)
    return loaded
