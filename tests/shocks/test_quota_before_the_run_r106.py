"""A quota period that began before the run grants only its days in the run (review 106:
a yearly quota from 2023-01-01 on a run whose warm-up began on 2023-12-02 granted all of
2023's 10,000 t at once; carried over, 17,000 t left in 2024 under a 10,000 t cap)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.experiment.replication import run_replication

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def exported(release: str, carry_over: bool, warmup: int = 30) -> tuple[float, list]:
    sc = sim.load_scenario(TINY, [
        "horizon_days=366", f"warmup_days={warmup}", "lanes.mine_border.transit_days=0",
        "policies.export_quotas.q={country: COD, commodity: copper, release: " + release
        + ", carry_over: " + str(carry_over).lower() + ", schedule: [{start: 2023-01-01, "
        "end: 2024-12-31, tonnes: 10000, period: year}]}"])
    res = run_replication(sc, 1, 0)
    values = dict(zip([tuple(lab[:4]) for lab in res.kpi_labels], res.kpi_array, strict=True))
    return values[("copper", "all", "all", "exported_t")], res.timeline


@pytest.mark.parametrize("release", ["period_start", "daily"])
def test_the_year_in_the_run_exports_at_most_its_allowance(release: str) -> None:
    # 100 t/day mined: the 2024 cap binds; the warm-up's 30 days of 2023 had 30/365 of
    # 2023's tonnes (822 t), all used in the warm-up, so nothing carries into 2024
    tonnes, _ = exported(release, carry_over=True)
    assert tonnes == pytest.approx(10000.0, abs=1e-6)


def test_the_timeline_says_what_part_of_a_period_the_run_has() -> None:
    _, timeline = exported("period_start", carry_over=False)
    rows = [r for r in timeline if r[3] == "quota period"]
    assert rows[0][4] == "822 t to day 0 (the part of 10,000 t for its days in the run)"
    assert rows[1][4].startswith("10,000 t to day 366")


def test_a_period_with_one_day_in_the_run_grants_one_days_part() -> None:
    # a one-day warm-up: the first period is 2023, of which only 31 December is in the run
    tonnes, timeline = exported("period_start", carry_over=True, warmup=1)
    assert tonnes == pytest.approx(10000.0, abs=1e-6)
    first = [r for r in timeline if r[3] == "quota period"][0]
    assert first[4].startswith("27 t to day 0 (the part of 10,000 t")


def test_a_daily_quota_says_what_part_of_a_period_the_run_has() -> None:
    # the daily release granted the part, but the timeline gave the whole year's tonnes
    _, timeline = exported("daily", carry_over=False)
    rows = [r for r in timeline if r[3] == "quota period"]
    assert rows[0][4] == ("822 t to day 0, released daily (the part of 10,000 t for its "
                          "days in the run)")
    assert rows[1][4] == "10,000 t to day 366, released daily"
