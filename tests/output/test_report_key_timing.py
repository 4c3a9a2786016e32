"""The comparison report's key list says how long and from when a commodity was short,
and names the reference's value beside a relative change of 1,000% or more (review 111's
known open items)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd

from sim.output.report import _difference_item, _difference_words, shortfall_timing


class FakeResults:
    """What shortfall_timing reads of results: kpi() and the scenario's calendar."""

    def __init__(self, kpis: dict[str, list[float]], horizon: float = 100.0) -> None:
        self._kpis = kpis
        self.scenario = SimpleNamespace(start=dt.date(2025, 1, 1), horizon=horizon)

    def kpi(self, metric: str, commodity: str = "all") -> np.ndarray:
        return np.array(self._kpis[metric])


def test_the_shortfall_says_its_days_and_its_first_day_as_a_date() -> None:
    ref = FakeResults({"shortfall_days": [0, 0, 2],
                       "time_to_shortfall_days": [100, 100, 100]})
    # two of three replications fell short, on days 40 and 50: median 45, 2025-02-15
    res = FakeResults({"shortfall_days": [30, 40, 0],
                       "time_to_shortfall_days": [40, 50, 100]})
    assert shortfall_timing(ref, res, "cobalt") == (
        "short on 23 days on average (reference 0.7); first day below 95% of demand met: "
        "2025-02-15 (median of the 2 of 3 replications with one); reference: none in its "
        "3 replications")


def test_a_first_short_day_on_the_last_part_day_is_not_taken_for_none() -> None:
    # a horizon of 99.5 days records 100 days: day 99 is in the period, 100 is "none"
    res = FakeResults({"shortfall_days": [1], "time_to_shortfall_days": [99]}, 99.5)
    assert shortfall_timing(res, res, "cobalt").endswith("met: 2025-04-10; reference: "
                                                          "2025-04-10")


def test_results_without_the_kpis_get_no_timing() -> None:
    class NoKpi(FakeResults):
        def kpi(self, metric: str, commodity: str = "all") -> np.ndarray:
            raise KeyError(metric)

    assert shortfall_timing(NoKpi({}), NoKpi({}), "cobalt") == ""


def diffs(metric: str = "shortfall_t") -> pd.DataFrame:
    return pd.DataFrame([{"scenario": "ban", "commodity": "cobalt", "metric": metric,
                          "unit": "t", "diff": 1000.0, "ci_low": 900.0, "ci_high": 1100.0,
                          "reference_mean": 0.0}])


def test_the_key_list_puts_the_timing_after_the_commodity_s_shortfall_only() -> None:
    timing = {("ban", "cobalt"): "short on 5 days on average (reference 0)"}
    html = _difference_words(diffs(), timing=timing)
    assert "95% CI 900 to 1,100; short on 5 days on average (reference 0)</li>" in html
    assert "short on" not in _difference_words(diffs("exported_t"), timing=timing)
    assert "short on" not in _difference_words(diffs(), timing={("ban", "copper"): "x"})


def test_a_change_from_almost_nothing_names_the_reference() -> None:
    # stranded_end_t +332,504 t read "(+116011.6%)": the reference's 287 t went unsaid
    item = _difference_item("ban", "cobalt", "stranded_end_t", 332_504.0, "t",
                            332_504.0 / 286.6, 331_604.0, 333_404.0)
    assert "(+116,017% on the reference's 287 t)" in item
    assert "(+900.0%)" in _difference_item("ban", "cobalt", "x", 9.0, "t", 9.0, 1.0, 2.0)
