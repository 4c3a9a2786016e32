"""Fixtures for experiment tests: a tiny chain with a closure of the mine's lane."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def closure_file(tmp_path_factory: pytest.TempPathFactory, build) -> Path:
    """tiny.yaml with a ten-day closure of the lane from the mine (scenario ``closure``)."""
    return build.tiny_closure(tmp_path_factory.mktemp("scenarios") / "closure.yaml",
                              "{lanes: [mine_border]}")
