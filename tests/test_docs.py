"""The scenario-format reference is generated from the schema and must be up to date; the
helpers below read the repository paths a Markdown page names (README.md, CONTRIBUTING.md)."""

import re
import subprocess
from pathlib import Path

from sim.scenario.docs import MODELS, field_docstrings, generate

ROOT = Path(__file__).resolve().parents[1]

FENCE = re.compile(r"^[ \t]*```[a-z]*\n(.*?)^[ \t]*```", re.MULTILINE | re.DOTALL)
SPAN = re.compile(r"`([^`\n]+)`")
PATH = re.compile(r"^(?:\.\./)?[\w.-]+(?:/[\w.*-]+)*/?$")


def code_spans(text: str) -> list[str]:
    """The inline code of a Markdown page and each line of its fenced blocks."""
    lines = [line.strip() for block in FENCE.findall(text) for line in block.splitlines()]
    return SPAN.findall(FENCE.sub("", text)) + [line for line in lines if line]


def top_level() -> set[str]:
    """The names at the repository's top that git tracks (``sim``, ``Makefile``, ...)."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    return {name.split("/")[0] for name in listed}


def named_paths(text: str) -> list[str]:
    """The repository paths a page names in its code: words of its code spans and blocks
    that start with a tracked top-level name (``sim/world/lanes.py``, ``Makefile``,
    ``scenarios/*.yaml``), or with ``../`` for a folder kept beside the repository;
    placeholders (``<id>``) are left out."""
    tops = top_level()
    words = {w.rstrip(".,;:)").lstrip("(") for span in code_spans(text) for w in span.split()}
    return sorted(w for w in words if "<" not in w and PATH.match(w)
                  and (w.startswith("../") or w.split("/")[0] in tops))


def missing_paths(paths: list[str]) -> list[str]:
    """Those of ``paths`` that match nothing in the repository (a glob matches a file);
    a ``../`` path only where the folder beside the repository is there to look in."""
    missing = []
    for path in paths:
        if path.startswith("../") and not (ROOT.parent / path.split("/")[1]).is_dir():
            continue
        if not (any(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()):
            missing.append(path)
    return missing


def test_committed_format_reference_matches_the_schema():
    committed = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert committed == generate(), (
        "docs/scenario-format.md is stale: run "
        "'.venv/bin/python -m sim.scenario.docs > docs/scenario-format.md'")


def test_every_schema_field_is_documented():
    missing = [f"{m.__name__}.{name}" for m in MODELS for name in m.model_fields
               if name not in field_docstrings(m) and name != "kind"]
    assert missing == []


def _sources_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("sources", ROOT / "scenarios" / "sources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_cited_id_is_resolved_in_docs_sources():
    # Works without the reference sheets: a reader of the repository can follow every id.
    sources = _sources_script()
    sheet, timeline = sources.cited_ids(ROOT)
    assert "S79" in sheet and "C11" in timeline  # the pattern finds the files' ids
    rows = {line.split(" | ")[0].lstrip("| ") for line in
            (ROOT / "docs" / "sources.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith("| id ")}
    missing = sorted(set(sheet) - rows) + sorted(f"[{t}]" for t in timeline
                                                  if f"[{t}]" not in rows)
    assert missing == [], f"run scenarios/sources.py: {missing} not in docs/sources.md"


def test_docs_sources_matches_the_reference_sheets():
    import subprocess
    import sys

    import pytest

    reference = ROOT.parent / "shared" / "reference"
    if not (reference / "domain_params.yaml").is_file():
        pytest.skip("the reference sheets are not beside this repository")
    done = subprocess.run([sys.executable, str(ROOT / "scenarios" / "sources.py"), "--check",
                           "--reference", str(reference)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_repository_path_readme_names_exists():
    named = named_paths((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "sim/metrics/kpis.py" in named and "scenarios/*.yaml" in named
    assert missing_paths(named) == []
