"""Review 185: scenarios/headlines.py printed "160 (-1,054 to 1,375)" t of cobalt stranded
at -n 2, where sim compare's tables clip each scenario's interval to what its KPI can take
(a difference may still be below 0)."""

from __future__ import annotations

import pandas as pd
from scenario_scripts import load_script


def test_a_scenarios_interval_is_clipped_and_a_difference_is_not() -> None:
    headlines = load_script("headlines")
    key = {"commodity": "cobalt", "channel": "all", "site": "all", "metric": "stranded_end_t",
           "unit": "t"}
    table = pd.DataFrame([
        {**key, "scenario": "base", "mean": 100.0, "ci_low": -50.0, "ci_high": 250.0,
         "diff": float("nan"), "diff_ci_low": float("nan"), "diff_ci_high": float("nan"),
         "rel_change": float("nan")},
        {**key, "scenario": "ban", "mean": 160.0, "ci_low": -1054.0, "ci_high": 1375.0,
         "diff": 60.0, "diff_ci_low": -900.0, "diff_ci_high": 1000.0, "rel_change": 0.6}])
    row = headlines.Row("cobalt stranded", "stranded_end_t", "cobalt")
    text = headlines.headline_table(table, [row], "ban", "base")
    line = text.splitlines()[-1]
    assert "| 100 (0.00 to 250) | 160 (0.00 to 1,375) | 60.00 (-900 to 1,000) |" in line
