"""Mutation review 153 of the KPI rows and stockpile rules: a rebuild stopped by the price
rising above its threshold says so, and its start gives the price index alone; a lane's
high-load days only one compared scenario has count from 0 in the other; a --metric of
high_load_days in a scenario without a queue says what writes the row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment.errors import ExperimentError
from sim.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def test_a_rebuild_stops_once_the_price_rises_above_its_threshold(build,
                                                                   tmp_path: Path) -> None:
    # from day 2, buying 200 t a day from the market's 1,000 t (whose metal takes 13 days
    # to come) leaves it short: the price index rises above 1.05 and the buying stops
    path = build.tiny_reserve(tmp_path / "reserve.yaml", """    refill:
      site: reserve
      commodity: copper
      market: market_x
      start: 2
      release_price_ratio_above: 9
      release_t_per_day: 1
      rebuild_price_ratio_below: 1.05
      rebuild_t_per_day: 200
      rebuild_target_t: 5000
""")
    res = sim.run(sim.load_scenario(path), replications=1, seed=1, figures=False)
    rows = res.timeline[res.timeline.id == "refill"]
    assert rows[["day", "action", "detail"]].to_dict("records") == [
        {"day": 2.0, "action": "rebuild starts", "detail": "price index 1.000 (below 1.05)"},
        {"day": 5.0, "action": "rebuild stops",
         "detail": "price index 1.069 (not below 1.05), no longer below the rebuild threshold"}]


def test_a_lane_s_high_load_days_only_one_scenario_has_count_from_0(tmp_path: Path) -> None:
    from sim.experiment.compare import compare_table

    # a loader of 105 t a day takes 0.95 days over each day's 100 t lot: from the lots'
    # first arrival (day 3) every day is a high-load day
    path = tmp_path / "loaded.yaml"
    path.write_text(f"extends: {TINY}\nname: loaded\nhorizon_days: 20\nlanes:\n"
                    "  border_market:\n    capacity_t_per_day: 105\n", encoding="utf-8")
    plain = sim.run(sim.load_scenario(TINY, ["horizon_days=20"]), replications=2, seed=1,
                    figures=False)
    loaded = sim.run(sim.load_scenario(path), replications=2, seed=1, figures=False)
    table = compare_table([plain, loaded], ["tiny", "loaded"])
    rows = table[(table.metric == "high_load_days") & (table.site == "border_market")]
    # the reference, without the loader, gets a row of 0 too
    assert list(rows.scenario) == ["tiny", "loaded"]
    ref, row = rows.iloc[0], rows.iloc[1]
    assert ref["mean"] == 0.0
    assert row["mean"] == pytest.approx(17.0)
    assert row["diff"] == pytest.approx(row["mean"])
    assert np.isnan(row["rel_change"])  # from 0: new


def test_a_high_load_days_metric_without_a_queue_says_what_writes_its_row(build) -> None:
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 2.0)], ["market"], horizon=10)
    with pytest.raises(ExperimentError) as err:
        sim.run(scenario_from_dict(data), 2, target_ci=0.1,
                metrics=["high_load_days:all:all:market"])
    assert ("no KPI high_load_days:all:all:market: the scenario has no row of high_load_days, "
            "which is written only where there is a border post, a port with handling, or a "
            "lane with a loading capacity") in str(err.value)
