"""Fixtures for experiment tests: a tiny chain with a closure of the mine's lane."""

from __future__ import annotations

from pathlib import Path

import pytest
from expt_helpers import TINY


@pytest.fixture(scope="session")
def closure_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny.yaml with a ten-day closure of the lane from the mine (scenario ``closure``)."""
    path = tmp_path_factory.mktemp("scenarios") / "closure.yaml"
    path.write_text(f"""extends: {TINY}
name: closure
shocks:
  events:
    cut:
      start: 30
      duration_days: 10
      targets: {{lanes: [mine_border]}}
      effects: {{capacity_factor: 0.0}}
      assumption: test input
""")
    return path
