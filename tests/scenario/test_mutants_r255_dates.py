"""Review 255: hand mutation testing of review 249's and 253's date reading. Each test
kills a mutant the existing tests let live; the mutant is named in the test's
docstring."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _validate(tmp_path: Path, body: str) -> str:
    """``sim validate``'s output for a scenario extending tiny.yaml with ``body``, which
    it must refuse (exit 2, no traceback)."""
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {TINY}\nname: s\n{body}", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result.output


def _event(start: str) -> str:
    return ("shocks:\n  events:\n    cut:\n"
            f"      start: {start}\n      duration_days: 3\n"
            "      targets: {sites: [border]}\n      effects: {capacity_factor: 0.0}\n")


def test_a_start_of_true_is_not_called_a_number(tmp_path: Path) -> None:
    """Mutant: ``number_written`` taking a bool for the number it is in Python (the start
    was "got the number True", without the hint on YAML's yes/no)."""
    out = _validate(tmp_path, "start: true\n")
    assert "start: expected a date such as 2024-01-01, got True" in out
    assert "hint: YAML reads yes/no/on/off as true/false" in out
    assert "the number" not in out


@pytest.mark.parametrize(("body", "said"), [
    ("start: 20250105.5\n", "got the number 20250105.5 (days after"),
    (_event("123456.5"), "from -100,000 to 100,000, got the number 123456.5"),
])
def test_a_number_with_a_fraction_is_shown_as_written(tmp_path: Path, body: str,
                                                      said: str) -> None:
    """Mutant: the number shown with ``:g``, six digits (``2.02501e+07``, ``123456``:
    another number than the one written)."""
    assert said in _validate(tmp_path, body)


def test_day_100000_is_in_the_range_of_days(tmp_path: Path) -> None:
    """Mutant ``>=`` for ``>``: the last day the range names was refused as out of it
    ("from -100,000 to 100,000, got the number 100000")."""
    out = _validate(tmp_path, _event("100000"))
    assert "starts at day 100000, after the run ends" in out
    assert "got the number" not in out


def test_an_impossible_day_of_december_names_december(tmp_path: Path) -> None:
    """Mutant: month 12 taken as no month (``not 1 <= month <= 11``)."""
    said = "there is no such date: December 2025 has no day 32"
    assert said in _validate(tmp_path, "start: 2025-12-32\n")
    assert said in _validate(tmp_path, "start: '2025-12-32'\n")


def test_the_one_year_hint_for_a_start_in_the_last_year(tmp_path: Path) -> None:
    """Mutant: the year 9999 guard ``>`` for ``>=`` (a year after 9999-06-01 is no date:
    an internal error where the missing horizon is said)."""
    out = _validate(tmp_path, "start: 9999-06-01\nhorizon_days: null\n")
    assert "horizon_days: give exactly one of horizon_days or end" in out
    assert "hint: for one year from start, horizon_days: 365 or 366, or an end date" in out
