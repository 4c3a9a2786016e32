"""``series_period_days: month``: series in calendar months.

The first period runs from ``start`` to the end of its month, each next one is a whole
calendar month, and the last is cut at the horizon. Each period's flows are the sums of the
daily records over its own days and its levels their means, so a monthly run must agree with
a daily-period run of the same scenario and seed (the series period changes no draw)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.metrics.series import FLOW_METRICS, catalogue, month_periods
from sim.output import figures as F
from sim.output.describe import describe

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
JAN15 = ["start=2025-01-15", "horizon_days=75",
         # random transit times and a price that moves: values differ day by day
         "lanes.mine_border.transit_days={dist: uniform, low: 1, high: 6}"]


def _run(period: str) -> sim.Results:
    sc = sim.load_scenario(TINY, [*JAN15, f"series_period_days={period}"])
    return sim.run(sc, replications=2, seed=3, workers=1, figures=False)


@pytest.fixture(scope="module")
def monthly() -> sim.Results:
    return _run("month")


@pytest.fixture(scope="module")
def daily() -> sim.Results:
    return _run("1")


@pytest.fixture(scope="module")
def weekly() -> sim.Results:
    return _run("7")


def test_periods_are_calendar_months_from_the_start_cut_at_the_horizon() -> None:
    cat = catalogue(sim.load_scenario(TINY, [*JAN15, "series_period_days=month"]))
    assert cat.period_days == "month" and cat.monthly
    assert cat.dates == [dt.date(2025, 1, 15), dt.date(2025, 2, 1), dt.date(2025, 3, 1)]
    assert cat.days == [17, 28, 30]
    assert cat.cut_days == 30  # March has 31 days: the horizon cuts the last period
    assert cat.period_text == "calendar months"


@pytest.mark.parametrize(("start", "n_days", "dates", "days"), [
    # a horizon ending on a month's last day: no cut period
    (dt.date(2025, 1, 15), 76, ["2025-01-15", "2025-02-01", "2025-03-01"], [17, 28, 31]),
    # a leap February, and a start on the 1st: whole months
    (dt.date(2024, 2, 1), 60, ["2024-02-01", "2024-03-01"], [29, 31]),
    # over a year end
    (dt.date(2024, 12, 31), 33, ["2024-12-31", "2025-01-01", "2025-02-01"], [1, 31, 1]),
    # a horizon inside the first month
    (dt.date(2025, 6, 10), 5, ["2025-06-10"], [5]),
])
def test_month_periods(start: dt.date, n_days: int, dates: list[str], days: list[int]
                       ) -> None:
    got_dates, got_days = month_periods(start, n_days)
    assert [str(d) for d in got_dates] == dates
    assert got_days == days and sum(got_days) == n_days


def test_a_horizon_ending_at_a_month_end_cuts_no_period() -> None:
    cat = catalogue(sim.load_scenario(TINY, ["start=2025-01-15", "horizon_days=76",
                                             "series_period_days=month"]))
    assert cat.days == [17, 28, 31] and cat.cut_days == 0


def test_month_values_are_the_daily_records_over_each_months_days(
        monthly: sim.Results, daily: sim.Results) -> None:
    assert daily.catalogue.keys == monthly.catalogue.keys
    edges = np.cumsum([0, *monthly.catalogue.days])
    for row, (_com, metric, _key, _unit) in enumerate(monthly.catalogue.keys):
        per_day = daily.series_values[:, row, :].astype(np.float64)
        got = monthly.series_values[:, row, :].astype(np.float64)
        reduce = np.sum if metric in FLOW_METRICS else np.mean
        want = np.stack([reduce(per_day[:, a:b], axis=1)
                         for a, b in zip(edges[:-1], edges[1:], strict=True)], axis=1)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-3, err_msg=metric)
    # not a trivially flat run: the daily values move
    s = daily.series
    assert s[(s.metric == "price_index")]["value"].nunique() > 3
    # tiny.yaml mines 100 t a day: 17, 28 and 30 days of it
    m = monthly.series
    mined = m[(m.metric == "mined_t") & (m.replication == 0)]
    assert mined["value"].tolist() == [1700.0, 2800.0, 3000.0]
    assert mined["days"].tolist() == [17, 28, 30]
    assert [str(d)[:10] for d in mined["date"]] == ["2025-01-15", "2025-02-01", "2025-03-01"]


def test_results_folder_round_trips(tmp_path: Path) -> None:
    sc = sim.load_scenario(TINY, [*JAN15, "series_period_days=month"])
    res = sim.run(sc, replications=1, seed=3, workers=1, out=tmp_path / "m", figures=False)
    back = sim.load_results(tmp_path / "m")
    assert back.scenario.series_period_days == "month"
    assert back.catalogue == res.catalogue
    np.testing.assert_array_equal(back.series_values, res.series_values)
    assert back.series_summary()["days"].tolist() == res.series_summary()["days"].tolist()


def test_figures_draw(monthly: sim.Results) -> None:
    import matplotlib.pyplot as plt

    figs = F.run_figures(monthly)
    assert figs
    for _name, _caption, fig in figs:
        fig.canvas.draw()
        plt.close(fig)
    assert F.partial_days(monthly) == 30
    assert F.rate_series(monthly, F.series_cube(monthly, "copper", "mined_t")) == \
        pytest.approx(100.0)


def test_compare_with_weekly_treats_them_as_different_periods(
        monthly: sim.Results, weekly: sim.Results) -> None:
    import matplotlib.pyplot as plt

    # as between weekly and 30-day series: no period-by-period differences are drawn
    assert not F._same_periods(weekly, monthly)
    assert F._same_periods(monthly, monthly)
    figs = F.compare_figures([("weekly", weekly), ("monthly", monthly)])
    captions = [caption for _n, caption, _f in figs]
    assert not any("difference from" in c for c in captions)
    for _n, _c, fig in figs:
        fig.canvas.draw()
        plt.close(fig)


def test_sim_show_says_calendar_month() -> None:
    sc = sim.load_scenario(TINY, [*JAN15, "series_period_days=month"])
    assert "series by calendar month" in describe(sc)
    assert "series every 7 days" in describe(sim.load_scenario(TINY))


@pytest.mark.parametrize(("word", "instead"), [
    ("monthly", "write month for calendar months"),
    ("week", "write 7 for weeks"),
    ("months", "write month for calendar months"),
    ("fortnight", "write a number of days, or month for calendar months"),
])
def test_another_word_is_refused_with_a_hint_naming_month(word: str, instead: str) -> None:
    result = CliRunner().invoke(main, ["validate", str(TINY), "--set",
                                       f"series_period_days={word}"])
    assert result.exit_code == 2
    assert f"expected a whole number of days or month, got {word!r}: {instead}" \
        in result.output
    assert "or month for calendar months" in result.output  # the hint


@pytest.mark.parametrize("written", ["month", "Month", " month "])
def test_month_is_read_in_any_case(written: str) -> None:
    sc = sim.scenario_from_dict({**_tiny_dict(), "series_period_days": written})
    assert sc.series_period_days == "month"


def _tiny_dict() -> dict:
    import yaml

    return yaml.safe_load(TINY.read_text())
