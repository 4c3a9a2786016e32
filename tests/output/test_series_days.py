"""Days in each series period: a last period cut short by the horizon is summed over fewer
days, and every series table says how many (catalogue ``days``, the ``days`` column of
``res.series``, ``res.series_summary()`` and ``series.csv.gz``), so a flow over ``days``
is tonnes per day, comparable across periods. The values themselves are unchanged."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.metrics.series import catalogue
from sim.output import figures as F

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
OLD_SERIES_FILE = ["date", "commodity", "metric", "key", "unit", "statistic", "value"]
"""Columns of series.csv.gz before ``days`` was added, in order."""


@pytest.mark.parametrize(("overrides", "days"), [
    ([], [7] * 14 + [2]),                                   # tiny.yaml: 100 days in weeks
    (["horizon_days=70"], [7] * 10),                        # whole weeks: no short period
    (["horizon_days=60"], [7] * 8 + [4]),
    (["horizon_days=100", "series_period_days=30"], [30, 30, 30, 10]),
    (["horizon_days=1", "series_period_days=30"], [1]),
    (["horizon_days=5", "series_period_days=1"], [1] * 5),
])
def test_catalogue_days(overrides: list[str], days: list[int]) -> None:
    sc = sim.load_scenario(TINY, overrides)
    cat = catalogue(sc)
    assert cat.days == days
    assert len(cat.days) == cat.n_periods == len(cat.dates)
    assert sum(cat.days) == sc.horizon


def test_series_tables_carry_days(tiny_results: sim.Results) -> None:
    res = tiny_results
    by_date = dict(zip(np.asarray(res.catalogue.dates, dtype="datetime64[D]"),
                       res.catalogue.days, strict=True))
    for table in (res.series, res.series_summary()):
        assert table.columns[-1] == "days"
        expected = [by_date[d] for d in table["date"].to_numpy(dtype="datetime64[D]")]
        assert table["days"].tolist() == expected
    # tiny.yaml mines 100 t a day: the 2-day last period holds 200 t, not a 700 t week,
    # and only per day does it match the others
    s = res.series
    mined = s[(s["metric"] == "mined_t") & (s["replication"] == 0)]
    assert mined["value"].tolist() == [700.0] * 14 + [200.0]
    assert (mined["value"] / mined["days"]).tolist() == [100.0] * 15


def test_series_file_adds_days_and_keeps_its_columns(shock_folder: Path) -> None:
    frame = pd.read_csv(io.BytesIO(gzip.decompress(
        (shock_folder / "series.csv.gz").read_bytes())))
    # added at the end: readers of the older file, by name or by position, still work
    assert list(frame.columns) == [*OLD_SERIES_FILE, "days"]
    res = sim.load_results(shock_folder)
    by_date = {str(d): n for d, n in zip(res.catalogue.dates, res.catalogue.days,
                                         strict=True)}
    assert frame["days"].tolist() == [by_date[d] for d in frame["date"]]
    assert res.catalogue.days[-1] == 2  # 100 days in weeks
    assert res.series["days"].tolist()[-1] == 2


def test_figures_use_the_catalogue_days(tiny_results: sim.Results,
                                        baseline_short: sim.Results) -> None:
    for res in (tiny_results, baseline_short):
        assert F._days_per_period(res).tolist() == [float(d) for d in res.catalogue.days]
    rate = F.rate_series(tiny_results, F.series_cube(tiny_results, "copper", "mined_t"))
    assert np.allclose(rate, 100.0)  # t/day, the short last period included
