"""The comparison report's key list says how long and from when a commodity's price was
up after its peak, and whether a shortage lasted to the period's end (the known open items
of review 182's session: a first short day alone read as a shortage that passed)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd

from sim.output.report import _difference_words, price_timing, shortfall_timing


class FakeResults:
    """What the timing texts read of results: kpi(), the series catalogue and values,
    and the scenario's calendar."""

    def __init__(self, kpis: dict[str, list[float]], prices: list[list[float]] | None = None,
                 horizon: float = 100.0) -> None:
        self._kpis = kpis
        self.scenario = SimpleNamespace(start=dt.date(2025, 1, 1), horizon=horizon)
        prices = prices or []
        n_per = len(prices[0]) if prices else 0
        self.catalogue = SimpleNamespace(
            keys=[("cobalt", "price_index", "world", "ratio")] if prices else [],
            dates=[dt.date(2025, 1, 1) + dt.timedelta(days=30 * i) for i in range(n_per)])
        self.series_values = np.asarray(prices, dtype=np.float32).reshape(
            len(prices), 1 if prices else 0, n_per)

    def kpi(self, metric: str, commodity: str = "all") -> np.ndarray:
        return np.array(self._kpis[metric])


def test_a_shortage_still_running_on_the_last_day_says_in_how_many_replications() -> None:
    ref = FakeResults({"shortfall_days": [0, 0], "time_to_shortfall_days": [100, 100],
                       "recovered_by_end": [1, 1]})
    res = FakeResults({"shortfall_days": [30, 40], "time_to_shortfall_days": [40, 50],
                       "recovered_by_end": [0, 1]})
    assert shortfall_timing(ref, res, "cobalt") == (
        "short on 35 days on average (reference 0); first day below 95% of demand met: "
        "2025-02-15 (median of the 2 of 2 replications with one), still short on the last "
        "day in 1 of 2; reference: none in its 2 replications")
    # recovered everywhere, or results without the KPI: nothing said of the end
    assert "last day" not in shortfall_timing(ref, ref, "cobalt")
    old = FakeResults({"shortfall_days": [3], "time_to_shortfall_days": [4]})
    assert "last day" not in shortfall_timing(old, old, "cobalt")


def test_the_price_timing_gives_days_above_and_the_first_period_above() -> None:
    ref = FakeResults({"days_price_above_baseline": [0, 2]},
                      [[1.0, 1.0, 1.0, 1.0], [1.0, 1.04, 1.0, 1.0]])
    # replication 1 rises in its third period, 2 in its second: the lower median is the
    # second period's date (2025-01-31), a period's first day
    res = FakeResults({"days_price_above_baseline": [60, 91]},
                      [[1.0, 1.02, 1.3, 2.0], [1.0, 1.06, 1.5, 2.0]])
    assert price_timing(ref, res, "cobalt") == (
        "price index above 1.05 on 76 days on average (reference 1); first series period "
        "with a mean above 1.05: from 2025-01-31 (median of the 2 of 2 replications with "
        "one); reference: none in its 2 replications")
    one = FakeResults({"days_price_above_baseline": [5]}, [[1.0, 1.0, 1.2]])
    assert price_timing(one, one, "cobalt").endswith("from 2025-03-02; reference: from "
                                                      "2025-03-02")
    # no price series (series turned off): the days alone, the period not measured
    bare = FakeResults({"days_price_above_baseline": [5]})
    assert "with a mean above 1.05: not measured" in price_timing(bare, bare, "cobalt")
    assert price_timing(FakeResults({}), FakeResults({}), "cobalt") == ""


def diffs(metric: str) -> pd.DataFrame:
    return pd.DataFrame([{"scenario": "ban", "commodity": "cobalt", "metric": metric,
                          "unit": "ratio", "diff": 2.0, "ci_low": 1.5, "ci_high": 2.5,
                          "reference_mean": 1.0, "reference": "base"}])


def test_the_key_list_puts_the_price_timing_after_the_price_peak_only() -> None:
    when = {("ban", "cobalt"): "price index above 1.05 on 9 days"}
    html = _difference_words(diffs("price_peak_ratio"), price_timing=when)
    assert "95% CI 1.50 to 2.50; price index above 1.05 on 9 days</li>" in html
    assert "above 1.05" not in _difference_words(diffs("shortfall_t"), price_timing=when)
    # a peak held down by the scenario's cap is a bound; the timing follows it too
    capped = _difference_words(diffs("price_peak_ratio (ban at the cap)"),
                               price_timing=when)
    assert "(a bound, no interval); price index above 1.05 on 9 days</li>" in capped
    held = diffs("price_peak_ratio (base at the cap)").assign(diff=-2.0, ci_low=-2.5,
                                                                ci_high=-1.5)
    assert "reference at the cap (a bound, no interval); price index above" in (
        _difference_words(held, price_timing=when))
