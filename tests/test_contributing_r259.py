"""CONTRIBUTING.md (review 259) names only what exists: every repository path, `make`
target, `python -m` module and script, and test helper it names; README links to it; and
every shared test helper module is named there, so a new one gets said."""

from __future__ import annotations

import importlib.util
import re

from test_docs import ROOT, code_spans, missing_paths, named_paths

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_every_path_it_names_exists() -> None:
    named = named_paths(GUIDE)
    # the reader finds these to start from: a guard on named_paths itself
    assert {"sim/metrics/kpis.py", "sim/scenario/shock_schema.py", "setup.py",
            "docs/reliability.md", "tests/conftest.py"} <= set(named)
    assert missing_paths(named) == []
    # modules named alone, beside their folder (`compose.py`, `policies.py`)
    alone = {w for span in code_spans(GUIDE) for w in span.split()
             if re.fullmatch(r"[a-z_]+\.py", w)}
    assert {"compose.py", "policies.py"} <= alone
    files = {p.name for p in ROOT.rglob("*.py")}
    assert alone <= files, alone - files


def test_every_make_target_it_names_is_in_the_makefile() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.MULTILINE))
    named = set(re.findall(r"\bmake ([a-z][\w-]*)", GUIDE))
    assert {"setup", "test", "compiled"} <= named
    assert named <= targets, named - targets


def test_every_module_and_script_it_runs_exists() -> None:
    commands = [span for span in code_spans(GUIDE) if "python" in span]
    modules = {m for c in commands for m in re.findall(r"python -m ([\w.]+)", c)}
    scripts = {s for c in commands for s in re.findall(r"python ([\w/.-]+\.py)\b", c)}
    assert {"sim", "pytest", "sim.scenario.docs"} <= modules
    assert {"scenarios/sources.py", "benchmarks/bench_compiled.py"} <= scripts
    assert [m for m in modules if importlib.util.find_spec(m) is None] == []
    assert [s for s in scripts if not (ROOT / s).is_file()] == []


def test_every_shared_test_helper_is_named_and_exists() -> None:
    helpers = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("*helpers.py")
               if not p.name.startswith("test_")}
    named = {p for p in named_paths(GUIDE) if p.startswith("tests/")
             and (p.endswith("helpers.py") or p.endswith("conftest.py"))}
    assert {"tests/stream_helpers.py", "tests/figure_helpers.py",
            "tests/scenario_file_helpers.py", "tests/conftest.py"} <= named
    assert helpers <= named, helpers - named
    assert missing_paths(sorted(named)) == []


def test_readme_links_to_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(CONTRIBUTING.md)" in readme
