"""A price peak at the cap in both scenarios of a pair is labelled with each one's count
where not every replication reached it: the label said only "both at the cap in some
replications", so which scenario's peak was the partial one (and the reading of the
bound) had to be looked up in the notes. Built from small synthetic data."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd

from sim.output import compare_output as C
from sim.output import report as R
from sim.output import tables as T


def fake_results(peaks: list[float], cap: float = 10.0) -> SimpleNamespace:
    values = {"cobalt": np.array(peaks)}
    return SimpleNamespace(
        replications=list(range(len(peaks))),
        scenario=SimpleNamespace(commodities={"cobalt": SimpleNamespace(price_cap_ratio=cap)}),
        kpi=lambda metric, commodity: values[commodity].copy())


PARTIAL = T.cap_runs(fake_results([10.0, 10.0, 10.0, 9.87]))  # 3 of 4
EVERY = T.cap_runs(fake_results([10.0, 10.0, 10.0, 10.0]))


def test_the_label_gives_each_scenarios_count() -> None:
    assert T.both_at_cap([("base", EVERY), ("ban", EVERY)], "cobalt") == "both at the cap"
    assert (T.both_at_cap([("base", EVERY), ("ban", PARTIAL)], "cobalt")
            == "both at the cap: base in every replication, ban in 3 of 4")
    assert (T.both_at_cap([("base", PARTIAL), ("ban", PARTIAL)], "cobalt")
            == "both at the cap: base in 3 of 4, ban in 3 of 4")


def test_the_reports_differences_table_gives_both_counts() -> None:
    d = pd.DataFrame({
        "scenario": ["ban"], "reference": ["base"], "commodity": ["cobalt"],
        "metric": ["price_peak_ratio"], "unit": ["ratio"], "reference_mean": [10.0],
        "mean": [9.97], "diff": [-0.03], "ci_low": [-0.1], "ci_high": [0.04]})
    capped = {"base": {"cobalt": 10.0}, "ban": {"cobalt": 10.0}}
    out = R._price_peak_differences(d, "base", capped, {"base": [], "ban": []},
                                    {"base": EVERY, "ban": PARTIAL})
    assert (out["metric"].iloc[0]
            == "price_peak_ratio (both at the cap: base in every replication, ban in 3 of 4)")
    assert math.isnan(out["ci_low"].iloc[0]) and math.isnan(out["ci_high"].iloc[0])
    # the KPI id is still what comes before the note
    assert out["metric"].iloc[0].split(" (")[0] == "price_peak_ratio"


def test_sim_compares_table_gives_both_counts() -> None:
    runs = {"base": fake_results([10.0, 10.0, 10.0, 10.0]),
            "ban": fake_results([10.0, 10.0, 10.0, 9.87])}
    comp = SimpleNamespace(labels=["base", "ban"], reference="base", replications=[0, 1, 2, 3],
                           results=[runs["base"], runs["ban"]])
    assert (C.price_label(comp, "ban", "cobalt")
            == "price_peak_ratio (both at the cap: base in every replication, ban in 3 of 4)")
