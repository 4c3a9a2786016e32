"""No module of ``sim`` imports another module's private (``_name``) helpers, and a
loaded scenario's meta is set through the loader's ``set_meta`` (review 67, F2).

A private name used from elsewhere is an interface nobody documents or keeps; two such
imports were hidden inside functions because the modules imported each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sim
from sim.scenario.loader import ScenarioMeta, has_meta, load_scenario, meta_of, set_meta

SIM = Path(sim.__file__).parent


def _private_imports() -> list[str]:
    found = []
    for path in sorted(SIM.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.startswith("sim"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(SIM.parent)}:{node.lineno} "
                                     f"{node.module}.{alias.name}")
    return found


def test_no_module_imports_another_modules_private_name():
    assert _private_imports() == []


def test_only_the_loader_writes_a_scenarios_meta():
    writers = []
    for path in sorted(SIM.rglob("*.py")):
        if path.name == "loader.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            writers += [f"{path.name}:{node.lineno}" for t in targets
                        if isinstance(t, ast.Attribute) and t.attr == "_meta"]
    assert writers == []


def test_set_meta_attaches_and_drops_the_meta():
    sc = load_scenario(SIM.parent / "scenarios" / "baseline.yaml")
    assert has_meta(sc) and meta_of(sc).files
    meta = ScenarioMeta(files=["elsewhere.yaml"])
    set_meta(sc, meta)
    assert meta_of(sc) is meta
    set_meta(sc, None)
    assert not has_meta(sc) and meta_of(sc) == ScenarioMeta()
