"""The calendar audited (review 249): numbers written where a date goes (quoted, or beyond
the range of days) were read by pydantic as seconds since 1970; an impossible date in a
file named no month; the one-year hint's "366 in a leap year"; ``day_of`` of a datetime."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.scenario.errors import ScenarioError

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {TINY}\nname: s\n{body}", encoding="utf-8")
    return path


def event(start: str) -> str:
    return ("shocks:\n  events:\n    cut:\n"
            f"      start: {start}\n      duration_days: 3\n"
            "      targets: {sites: [border]}\n      effects: {capacity_factor: 0.0}\n")


def refusal(path: Path) -> str:
    """``sim validate``'s output for a file it must refuse (exit 2, no traceback)."""
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result.output


@pytest.mark.parametrize(("written", "shown", "hint"), [
    ("'0'", "0", None),
    ("' 86400 '", "86400", None),
    ("'2025'", "2025", "a year alone is not a date: write 2025-01-01"),
    ('"20250105"', "20250105", "write the date with dashes: 2025-01-05"),
])
def test_a_quoted_number_is_not_a_start_date(tmp_path: Path, written, shown, hint) -> None:
    # start: '0' validated and ran from 1970-01-01 (seconds since 1970), where start: 0 is
    # refused; '2025' got pydantic's "Datetimes provided to dates should have zero time"
    out = refusal(write(tmp_path, f"start: {written}\n"))
    assert f"s.yaml:3:1: start: must be a calendar date such as 2024-07-01, got the number " \
           f"{shown} (days after the start are for shocks and policies)" in out
    assert "Datetimes provided" not in out
    if hint:
        assert f"hint: {hint}" in out


def test_a_quoted_number_of_days_is_days_in_a_shock(tmp_path: Path) -> None:
    # '0' was read as 1970-01-01 (and refused as ending before the run) where '30' was day
    # 30: both are days after the start, as day_of("0") says
    for written, day in (("'0'", 0.0), ("'30'", 30.0)):
        sc = sim.load_scenario(write(tmp_path, event(written)))
        assert sc.shocks.events["cut"].start == day
        assert sc.day_of(sc.shocks.events["cut"].start) == sc.day_of(written.strip("'"))


@pytest.mark.parametrize(("written", "shown", "hint"), [
    ("172800", "172800", None),        # was 1970-01-03, refused as before the run
    ("'172800'", "172800", None),
    ("-172800", "-172800", None),
    ("20250105", "20250105", "write the date with dashes: 2025-01-05"),
    ("{value: 20250105, source: a slip}", "20250105",
     "write the date with dashes: 2025-01-05"),
    ("{value: 1000, unit: yr}", "365250", None),
    (".nan", "nan", None),             # was two problems, one from each of the union's
    ("'NaN'", "NaN", None),            # branches: not a date, not a finite number
])
def test_a_number_of_days_beyond_the_range_is_one_clear_refusal(tmp_path: Path, written,
                                                                 shown, hint) -> None:
    out = refusal(write(tmp_path, event(written)))
    assert "1 problem in scenario input" in out
    assert ("shocks.events.cut.start: expected a date such as 2025-01-27 or a number of days "
            f"from -100,000 to 100,000, got the number {shown}") in out
    assert "1970" not in out and "Datetimes provided" not in out
    if hint:
        assert f"hint: {hint}" in out


@pytest.mark.parametrize(("written", "problem"), [
    ("2025-02-29", "there is no such date: February 2025 has no day 29"),
    ("2024-04-31", "there is no such date: April 2024 has no day 31"),
    ("2025-13-01", "there is no month 13"),
    ("2025-02-29T00:00:00", "there is no such date: February 2025 has no day 29"),
])
def test_an_impossible_date_names_its_month(tmp_path: Path, written, problem) -> None:
    # unquoted, it got Python's "day is out of range for month", where the same date quoted
    # was told which month has no such day
    out = refusal(write(tmp_path, event(written)))
    assert f"shocks.events.cut.start: cannot read value: {problem}" in out
    result = CliRunner().invoke(main, ["validate", str(TINY), "--set", f"start={written}"])
    assert result.exit_code == 2 and problem in result.output, result.output


@pytest.mark.parametrize(("start", "days", "last"), [
    ("2024-03-01", 365, "2025-02-28"),   # 2024 is a leap year, but not this year's
    ("2023-03-01", 366, "2024-02-29"),
    ("2024-02-29", 366, "2025-02-28"),
    ("2025-01-01", 365, "2025-12-31"),
])
def test_the_one_year_hint_counts_the_days_from_start(tmp_path: Path, start, days,
                                                      last) -> None:
    # "horizon_days: 365 (or 366 in a leap year)" sent a run from 2024-03-01 a day past
    # its year
    out = refusal(write(tmp_path, f"start: {start}\nhorizon_days: null\n"))
    assert (f"hint: for one year from {start}, horizon_days: {days} (to {last} inclusive), "
            f"or end: {last}") in out
    assert (dt.date.fromisoformat(last) - dt.date.fromisoformat(start)).days + 1 == days


def test_day_of_takes_a_datetime_and_the_timelines_timestamps() -> None:
    # datetime - date raised a bare TypeError, so the dates of Results.timeline (pandas
    # Timestamps) could not be turned back into days
    sc = sim.load_scenario(TINY)
    assert sc.day_of(dt.datetime(2024, 3, 1)) == 60.0
    assert sc.day_of(dt.datetime(2024, 3, 1, 6)) == 60.25
    assert sc.day_of(dt.datetime(2023, 12, 31, 18)) == -0.25
    assert sc.day_of(pd.Timestamp("2024-03-01")) == 60.0
    assert sc.day_of(pd.Timestamp("2024-03-01", tz="Pacific/Kiritimati")) == 60.0
    assert sc.day_of(dt.date(2024, 3, 1)) == 60.0


def test_a_quoted_number_through_the_python_api(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="got the number 0"):
        sim.load_scenario(TINY, overrides=["start='0'"])
