"""ISO 8601's week and day-of-year forms, which YAML and pydantic do not read as dates, get
the same date as YYYY-MM-DD in their hint (they had the generic "expected a date")."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.mark.parametrize(("written", "hint"), [
    ("2025-W05-1", "write 2025-01-27 (YYYY-MM-DD), the Monday of ISO week 5 of 2025"),
    ("2025-W05", "write 2025-01-27 (YYYY-MM-DD), the Monday of ISO week 5 of 2025"),
    ("2025W053", "write 2025-01-29 (YYYY-MM-DD), the Wednesday of ISO week 5 of 2025"),
    # ISO week 1 of 2025 begins in 2024
    ("2025-W01-1", "write 2024-12-30 (YYYY-MM-DD), the Monday of ISO week 1 of 2025"),
    ("2025-W54", "write dates as YYYY-MM-DD"),
    ("2025-032", "write 2025-02-01 (YYYY-MM-DD), day 32 of 2025"),
    ("2024-366", "write 2024-12-31 (YYYY-MM-DD), day 366 of 2024"),
    ("2025-366", "2025 has days 1 to 365; write dates as YYYY-MM-DD"),
    ("2025-000", "2025 has days 1 to 365; write dates as YYYY-MM-DD"),
])
def test_a_week_or_day_of_the_year_gets_its_date(tmp_path: Path, written, hint) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {TINY}\nname: s\nshocks:\n  events:\n    cut:\n"
                    f"      start: {written}\n      duration_days: 3\n"
                    "      targets: {sites: [border]}\n      effects: {capacity_factor: 0.0}\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "s.yaml:6:7: shocks.events.cut.start: expected a date" in result.output
    assert f"hint: {hint}\n" in result.output
    # the run's own start date too, given on the command line
    result = CliRunner().invoke(main, ["validate", str(TINY), "--set", f"start={written}"])
    assert result.exit_code == 2 and f"hint: {hint}\n" in result.output, result.output
