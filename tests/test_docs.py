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
