"""Series of the lots waiting to set off on named lanes (``series_lanes``), review 142.

The backlog the Lobito flood builds sits in the rail lane's loading queue, not at the
junction the lane leaves: no site series or KPI showed it, and naming the lane in
``series_sites`` was refused with a hint to that junction, whose series read 0.

In tests/data/tiny.yaml the mine ships one 100 t lot of copper a day (at t = 0, 1, 2, ...);
it reaches the border post 3 days later and clears there in 0.04 days (4 trucks at 100 a
day), so lot k reaches the lane to the market at k + 3.04."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.metrics.series import catalogue
from sim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
AT_LANE = 3.04  # days from a lot's mining to the lane's entrance


def waiting(res: sim.Results, lane: str = "border_market") -> np.ndarray:
    s = res.series
    rows = s[(s.metric == "waiting_t") & (s.key == lane) & (s.replication == 0)]
    return rows.sort_values("date")["value"].to_numpy()


def run(*overrides: str) -> sim.Results:
    sc = sim.load_scenario(TINY, ["series_period_days=1", "series_lanes=[border_market]",
                                  *overrides])
    return sim.run(sc, replications=1, seed=1, figures=False)


def test_a_slow_lane_s_loading_queue_grows_as_arrivals_outrun_loading() -> None:
    # 45 t a day of loading: a lot takes 100 / 45 days, one after another from the first
    # arrival; at each day's end the lots arrived less the lots loaded are waiting
    res = run("lanes.border_market.capacity_t_per_day=45")
    load_days = 100 / 45
    expected = []
    for day in range(100):
        t = day + 1.0
        arrived = sum(1 for k in range(100) if k + AT_LANE <= t)
        loaded = max(0, math.floor((t - AT_LANE) / load_days))
        expected.append(100.0 * (arrived - loaded))
    assert waiting(res) == pytest.approx(expected, abs=1e-6)
    # the lots at the end are those stranded_end_t counts at the lane's gate (the post
    # holds none at the day's end: each lot clears there within the day it came)
    assert waiting(res)[-1] == pytest.approx(res.kpi("stranded_end_t", "copper")[0])


def test_a_closed_lane_s_lots_wait_at_its_entrance() -> None:
    # closed from day 20 to 30: the lots reaching it meanwhile are held back, 100 t a day,
    # and set off when it opens; a lane without a capacity holds nothing otherwise
    res = run("shocks.events.shut={start: 20, end: 30, targets: {lanes: [border_market]}, "
              "effects: {capacity_factor: 0}, assumption: test input}")
    w = waiting(res)
    expected = np.zeros(100)
    for day in range(20, 30):
        expected[day] = 100.0 * sum(1 for k in range(100) if 20 <= k + AT_LANE <= day + 1)
    assert w == pytest.approx(expected, abs=1e-6)
    assert w.max() == 1000.0


def test_no_lane_series_unless_named_and_they_are_saved(tmp_path: Path) -> None:
    assert "waiting_t" not in {k[1] for k in catalogue(sim.load_scenario(TINY)).keys}
    out = tmp_path / "run"
    args = ["run", str(TINY), "-n", "1", "-w", "1", "-q", "--no-figures", "--out", str(out),
            "--set", "series_lanes=[border_market]", "--set", "series_period_days=1",
            "--set", "lanes.border_market.capacity_t_per_day=45"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    back = sim.load_results(out)
    assert waiting(back)[-1] > 5000
    assert [k for k in back.catalogue.keys if k[1] == "waiting_t"] == [
        ("copper", "waiting_t", "border_market", "t")]


def test_a_lane_named_as_a_site_and_a_site_as_a_lane_point_to_the_right_list(
        tmp_path: Path) -> None:
    path = tmp_path / "named.yaml"
    path.write_text(f"extends: {TINY}\nname: named\nseries_sites:\n  - border_market\n"
                    "series_lanes:\n  - border\n  - border_markt\n  - mine_border\n"
                    "  - mine_border\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        sim.load_scenario(path)
    text = err.value.report()
    assert "named.yaml:4" in text and "'border_market' is a lane, not a site" in text
    assert "unknown site 'border_market'" not in text  # the misdirection review 142 removed
    assert "name it in series_lanes: [border_market]" in text
    assert "named.yaml:6" in text and "'border' is a site, not a lane" in text
    assert "name it in series_sites: [border]" in text
    assert "unknown lane 'border_markt'" in text and "did you mean 'border_market'?" in text
    assert "lane 'mine_border' is named twice" in text


def test_two_lanes_keep_their_own_series_and_periods_average_the_days() -> None:
    # review 148: every lane's series read from one column, or summed over a period, went
    # unnoticed with one lane and daily periods
    shut = ("shocks.events.shut={start: 20, end: 30, targets: {lanes: [border_market]}, "
            "effects: {capacity_factor: 0}, assumption: test input}")
    both = ["series_lanes=[mine_border, border_market]", shut]
    daily = sim.run(sim.load_scenario(TINY, ["series_period_days=1", *both]),
                    replications=1, seed=1, figures=False)
    weekly = sim.run(sim.load_scenario(TINY, ["series_period_days=7", *both]),
                     replications=1, seed=1, figures=False)
    assert waiting(daily, "mine_border").max() == 0.0  # open all run
    held = waiting(daily)
    assert held.max() == 1000.0
    # weekly periods: the mean of their days' ends (the last, of 2 days, too)
    expected = [held[i:i + 7].mean() for i in range(0, 100, 7)]
    assert waiting(weekly) == pytest.approx(expected)
