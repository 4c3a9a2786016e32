"""Review 144 on the queue KPIs: a comparison against a results folder written before
them took its missing high-load days as 0 and reported "new: from 0" differences of
hundreds of days between two runs of the same model; and a day busy exactly 90% was
a high-load day or not by the rounding of t + 0.9 - t (13 of 40 identical days)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import sim
from sim.experiment.compare import compare_table, current_rows
from sim.scenario import scenario_from_dict


def _post(build, trucks_per_day: float, horizon: float = 40):
    # one 100 t lot (4 trucks) a day from t = 0 straight into the post
    data = build.scenario(
        {"mine": build.mine(), "border": build.border(trucks_per_day),
         "market": build.market()},
        [build.lane("mine", "border", 0), build.lane("border", "market", 1)],
        ["border", "market"], horizon=horizon)
    return scenario_from_dict(data)


@pytest.mark.parametrize("rows", [3, 4])  # 4: as congested_days (review 155)
def test_results_of_the_previous_row_set_do_not_count_missing_high_load_days_as_zero(build,
                                                                                  rows):
    res = sim.run(_post(build, 4.2), replications=2, seed=1)
    assert res.kpi("high_load_days", "all", "all", "border").tolist() == [40.0, 40.0]
    # the same results as version 3 wrote them: no queue rows, and its row version
    old = copy.copy(res)
    keep = [j for j, lab in enumerate(res.kpi_labels)
            if lab[3] not in ("high_load_days", "wait_p50_days", "wait_p95_days")]
    old.kpi_labels = [res.kpi_labels[j] for j in keep]
    old.kpi_values = res.kpi_values[:, keep]
    old.info = {**res.info, "kpi_rows": rows}
    assert current_rows(res) and not current_rows(old)
    table = compare_table([old, res], ["old", "new"])
    row = table[(table.scenario == "new") & (table.metric == "high_load_days")].iloc[0]
    assert row["mean"] == 40.0 and np.isnan(row["diff"])


@pytest.mark.parametrize("horizon", [40, 37])
def test_a_day_busy_exactly_ninety_percent_is_a_high_load_day_every_day(build, horizon):
    # 4 trucks at 4 / 0.9 a day: each lot takes 0.9 days (to rounding) and every day is
    # alike
    res = sim.run(_post(build, 4 / 0.9, horizon), replications=1, seed=1)
    assert res.kpi("utilisation", "all", "all", "border")[0] == pytest.approx(0.9)
    assert res.kpi("high_load_days", "all", "all", "border")[0] == horizon
