"""A comparison says when a regime is measured over different periods in its scenarios.

Review 99: m23_escalation hands North Kivu's regime over from a scripted history on
2026-01-01, so its state_time_share covers 2026-27 while the baseline's covers 2024-27; the
comparison set "occupied 0.579 -> 0.928 (+60%)" side by side as if comparable.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from expt_helpers import TINY

import sim

REGIME = """
shocks:
  regimes:
    unrest:
      {start}targets: {{sites: [border]}}
      states:
        calm: {{}}
        bad: {{effects: {{added_delay_days: 1}}}}
      rates_per_year:
        calm: {{bad: 2}}
        bad: {{calm: 6}}
"""


def scenario(tmp_path: Path, name: str, start: str = "") -> Path:
    path = tmp_path / f"{name}.yaml"
    text = TINY.read_text(encoding="utf-8").replace("name: tiny", f"name: {name}")
    path.write_text(text + REGIME.format(start=start), encoding="utf-8")
    return path


def test_a_regime_starting_later_in_one_scenario_is_noted(tmp_path: Path) -> None:
    ref = scenario(tmp_path, "ref")
    later = scenario(tmp_path, "later", "start: 2024-02-01\n      ")
    with pytest.warns(UserWarning, match="regime unrest is measured over different periods"):
        table = sim.compare([ref, later], replications=2, workers=1)
    assert table.attrs["notes"] == [
        "regime unrest is measured over different periods (ref from 2024-01-01, later from "
        "2024-02-01): its state_time_share rows are shares of different spans of time, so "
        "their differences compare the periods as well as the scenarios"]


def test_the_same_window_gets_no_note(tmp_path: Path) -> None:
    # a start before the run's is measured from the run's start, as in the reference
    ref = scenario(tmp_path, "ref")
    early = scenario(tmp_path, "early", "start: -10\n      ")
    table = sim.compare([ref, early], replications=2, workers=1)
    assert not any("measured over different periods" in n for n in table.attrs["notes"])
