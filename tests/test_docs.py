"""The scenario-format reference is generated from the schema and must be up to date."""

from pathlib import Path

from sim.scenario.docs import MODELS, field_docstrings, generate

ROOT = Path(__file__).resolve().parents[1]


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
