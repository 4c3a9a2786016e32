"""The calendar's edges (review 106): dates beyond what can be written, gaps and fractions
in a quota's schedule, sweeping the run's own dates, fixed lengths written as end dates."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.describe import describe
from sim.output.shock_text import describe_shocks
from sim.scenario.loader import meta_of

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
QUOTA = "policies.export_quotas.q={country: COD, commodity: copper, schedule: [%s]}"


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize(("sets", "field", "fragment"), [
    (["start=9999-12-01"], "start", "the run ends beyond 9998-12-31"),
    (["start=0001-01-01"], "start", "the run, warm-up included, begins before 0002-01-01"),
    (["start=0002-01-10", "warmup_days=30"], "warmup_days",
     "the run, warm-up included, begins before 0002-01-01"),
])
def test_dates_the_calendar_cannot_write_are_refused(sets, field, fragment) -> None:
    # they passed sim validate, then sim show and sim run ended in "internal error:
    # OverflowError: date value out of range" (or wrote the date 0000-12-27)
    args = ["validate", str(TINY)]
    for item in sets:
        args += ["--set", item]
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert f"{field}: {fragment}" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_a_run_near_the_calendars_end_runs(tmp_path: Path) -> None:
    result = cli("run", TINY, "-n", "1", "-w", "1", "-q", "--out", tmp_path / "r",
                 "--set", "start=9998-09-20")
    assert result.exit_code == 0, result.output


def test_a_gap_between_quota_entries_is_noted() -> None:
    sc = sim.scenario.load_scenario(TINY, [QUOTA % (
        "{start: 0, end: 2024-01-30, tonnes: 1000}, {start: 2024-02-01, end: 60, "
        "tonnes: 1000}")])
    notes = [n for n in meta_of(sc).notes if "no allowance" in n]
    assert notes == ["export quota 'q' has no allowance on 2024-01-31, between schedule "
                     "entries 0 and 1: nothing leaves then unless allowance carries over; if they "
                     "should meet, end entry 0 "
                     "the day before entry 1 starts"]
    met = sim.scenario.load_scenario(TINY, [QUOTA % (
        "{start: 0, end: 2024-01-31, tonnes: 1000}, {start: 2024-02-01, end: 60, "
        "tonnes: 1000}")])
    assert not [n for n in meta_of(met).notes if "no allowance" in n]


def test_a_quota_period_ending_partway_through_a_day_says_so() -> None:
    # an end of day 30.5 lets January's allowance run to day 31.5; sim show said "to
    # 2024-01-31 inclusive" and the timeline "to day 32"
    sc = sim.scenario.load_scenario(TINY, [QUOTA % (
        "{start: 0, end: 30.5, tonnes: 1000}, {start: 31.5, end: 59, tonnes: 0}")])
    text = describe_shocks(sc)
    assert ("1,000 t 2024-01-01 to day 31.5 (partway through 2024-02-01); 0 t day 31.5 "
            "(partway through 2024-02-01) to 2024-02-29 inclusive;") in text
    from sim.experiment.replication import run_replication

    rows = [r for r in run_replication(sc, 1, 0).timeline if r[3] == "quota period"]
    assert rows[0][4] == "1,000 t to day 31.5"


@pytest.mark.parametrize("span", ["2025-03-05:2025-03-20", "31:152"])
def test_the_runs_own_dates_are_not_swept(tmp_path: Path, span: str) -> None:
    # the hint for a date range suggested days (31:152), which were refused in turn
    result = cli("sweep", TINY, "--param", f"start={span}", "-n", "2", "-w", "1", "--out",
                 tmp_path / "s")
    assert result.exit_code == 2, result.output
    assert "the scenario's start is a calendar date, which is not swept" in result.output
    assert "sweep horizon_days" in result.output


def test_a_fixed_length_is_written_as_its_last_day() -> None:
    sc = sim.scenario.load_scenario(TINY, [
        "horizon_days=400", "shocks.events.stop={start: 10, duration_days: {value: 1, "
        "unit: yr}, targets: {sites: [mine_a]}, effects: {capacity_factor: 0}}"])
    assert ("event stop from 2024-01-11 to 2025-01-10 inclusive (it stops partway through "
            "that day, at day 375.25)") in describe_shocks(sc)


def test_one_day_is_a_day() -> None:
    sc = sim.scenario.load_scenario(TINY, ["horizon_days=1", "series_period_days=1"])
    assert ("Period: 2024-01-01 to 2024-01-01 (1 day), warm-up 0 days, lots every day, "
            "series every day") in describe(sc)


def test_periods_of_one_length_on_other_dates_are_said_to_differ_by_their_dates() -> None:
    from sim.experiment.compare import period_notes, resolve

    a = sim.scenario.load_scenario(TINY)
    b = sim.scenario.load_scenario(TINY, ["start=2024-01-02", "name=shifted"])
    arms, _ = resolve([a, b])
    (note,) = period_notes(arms)
    assert "differ by the dates they cover as well" in note
    c = sim.scenario.load_scenario(TINY, ["horizon_days=50", "name=short"])
    arms, _ = resolve([a, c])
    assert "differ by the length of the period as well" in period_notes(arms)[0]


# --- review 108 ---------------------------------------------------------------------------
@pytest.mark.parametrize("sets", [
    ["start=9998-01-01", "horizon_days=null", "end=9998-12-31"],
    ["start=9998-12-31", "horizon_days=1"],
])
def test_a_run_ending_on_the_calendars_last_day_is_accepted(sets) -> None:
    # its last day was taken as the day after it: "ends beyond 9998-12-31" for a run
    # ending on 9998-12-31
    args = ["validate", str(TINY)]
    for item in sets:
        args += ["--set", item]
    assert cli(*args).exit_code == 0


@pytest.mark.parametrize(("item", "path", "hint"), [
    ("shocks.events.e={start: 10, end: 9999-12-31, targets: {sites: [mine_a]}, "
     "effects: {capacity_factor: 0.5}}", "shocks.events.e.end", "leave the end out"),
    ("policies.export_bans.b={country: COD, commodity: copper, start: 2024-02-01, "
     "end: 9999-12-31}", "policies.export_bans.b.end", "leave the end out"),
    ("policies.export_quotas.q={country: COD, commodity: copper, schedule: [{start: "
     "2024-01-01, end: 9999-12-31, tonnes: 1000, period: year}]}",
     "policies.export_quotas.q.schedule[0].end", "check the year"),
])
def test_a_shock_or_policy_date_beyond_the_calendar_is_refused(item, path, hint) -> None:
    # 9999-12-31, meant as "no end", passed sim validate (or not: the quota's ended it in
    # an internal error) and ended sim show and sim run in one
    result = cli("validate", TINY, "--set", item)
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert f"{path}: 9999-12-31 is beyond the days the simulator's calendar covers" in out
    assert hint in out and "internal error" not in out


def test_an_end_years_past_the_run_draws_and_runs(tmp_path: Path) -> None:
    item = ("shocks.events.e={start: 10, end: 9998-12-31, targets: {sites: [mine_a]}, "
            "effects: {capacity_factor: 0.5}}")
    shown = cli("show", TINY, "--figure", tmp_path / "t.png", "--set", item)
    assert shown.exit_code == 0, shown.output
    ran = cli("run", TINY, "-n", "1", "-w", "1", "-q", "--out", tmp_path / "r", "--set", item)
    assert ran.exit_code == 0, ran.output


def test_one_day_limits_and_delays_are_one_day() -> None:
    sc = sim.scenario.load_scenario(TINY, [QUOTA.replace(
        "commodity: copper,", "commodity: copper, first_export_delay_days: 1, "
        "stock_limit_days: 1,") % "{start: 0, end: 30, tonnes: 1000}"])
    text = describe_shocks(sc)
    assert "first exports 1 day after" in text and "stock up to 1 day of each channel's planned exports" in text


def test_a_gap_of_part_days_is_given_in_day_numbers() -> None:
    sc = sim.scenario.load_scenario(TINY, [QUOTA % (
        "{start: 0, end: 30.5, tonnes: 1000}, {start: 32, end: 59, tonnes: 0}")])
    (note,) = [n for n in meta_of(sc).notes if "no allowance" in n]
    assert "has no allowance from day 31.5 to day 32," in note


def test_warm_ups_of_different_lengths_are_said_to_be_one_period() -> None:
    from sim.experiment.compare import period_notes, resolve

    a = sim.scenario.load_scenario(TINY)
    b = sim.scenario.load_scenario(TINY, ["warmup_days=30", "name=warm"])
    (note,) = period_notes(resolve([a, b])[0])
    assert note.startswith("the scenarios measure one period (2024-01-01 + 100 days) after "
                           "warm-ups of different lengths (tiny 0 days, warm 30 days)")
