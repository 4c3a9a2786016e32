"""Helpers shared by the scenario-loading tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import ScenarioError


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (making its folder) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def only_issue(exc: pytest.ExceptionInfo[ScenarioError]):
    """The one issue of a refused scenario (fails, showing the report, if there are more)."""
    issues = exc.value.issues
    assert len(issues) == 1, exc.value.report()
    return issues[0]
