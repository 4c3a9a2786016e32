"""The timeline stamps a stockpile rule's starts and stops with the day the daily series
books the change to (review 85, finding 3: they were stamped a day later, the time of the
day's end that closes the day)."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

import sim

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _results(rule: dict) -> sim.Results:
    """The tiny chain, one replication, daily series: a 1,000 t stockpile in the market's
    country, the border post closed on days 20-40, and stockpile rule ``rule``."""
    data = yaml.safe_load(TINY.read_text())
    data["series_period_days"] = 1
    data["sites"]["res"] = {
        "kind": "stockpile", "region": "away",
        "location": {"lat": 30.0, "lon": 119.0, "assumption": "test input"},
        "initial_stock_t": {"copper": 1000.0, "assumption": "test input"}}
    data["shocks"] = {"events": {"closed": {
        "start": 20, "end": 40, "targets": {"sites": ["border"]},
        "effects": {"capacity_factor": 0.0}}}}
    data["policies"] = {"stockpiles": {"sp": {
        "site": "res", "commodity": "copper", "market": "market_x", **copy.deepcopy(rule)}}}
    with warnings.catch_warnings():
        # the tiny chain's warm-up is shorter than its routes (a known, stated warning)
        warnings.simplefilter("ignore")
        return sim.run(sim.scenario_from_dict(data), replications=1, seed=1, workers=1)


def _stockpile_stock(res: sim.Results) -> tuple[np.ndarray, np.ndarray]:
    """(day, tonnes held at stockpiles at that day's end) from the daily series."""
    s = res.series
    s = s[(s.metric == "stock_t") & (s.key == "stockpile")].sort_values("date")
    start = np.datetime64(res.scenario.start, "D")
    days = (s["date"].to_numpy(dtype="datetime64[D]") - start).astype(int)
    return days, s["value"].to_numpy(float)


def _rows(res: sim.Results, action: str) -> list[tuple[float, np.datetime64]]:
    tl = res.timeline
    tl = tl[(tl["id"] == "sp") & (tl["action"] == action)]
    return list(zip(tl["day"], tl["date"].to_numpy(dtype="datetime64[D]"), strict=True))


def test_release_start_and_stop_are_on_the_days_the_series_shows_them() -> None:
    res = _results({"release_shortfall_share_above": 0.05, "release_t_per_day": 50.0})
    days, held = _stockpile_stock(res)
    falling = days[np.diff(held, prepend=1000.0) < -1e-9]
    assert falling.size > 0, "the rule should release during the closure"
    starts = _rows(res, "release starts")
    stops = _rows(res, "release stops")
    assert starts and stops
    (start_day, start_date) = starts[0]
    # the first day whose end-of-day stock is lower is the day of the first release
    assert start_day == falling[0]
    assert start_date == np.datetime64(res.scenario.start, "D") + int(falling[0])
    # a stop is logged on the first day without a release after the run of releases
    run_end = falling[0]
    while run_end + 1 in set(falling.tolist()):
        run_end += 1
    assert stops[0][0] == run_end + 1


def test_rebuild_start_is_on_the_day_the_series_shows_it() -> None:
    # the price index starts at 1, below the rebuild trigger: the rule buys back at once
    res = _results({"release_price_ratio_above": 5.0, "release_t_per_day": 50.0,
                    "rebuild_price_ratio_below": 1.5, "rebuild_t_per_day": 20.0,
                    "rebuild_target_t": 2000.0})
    days, held = _stockpile_stock(res)
    rising = days[np.diff(held, prepend=1000.0) > 1e-9]
    assert rising.size > 0, "the rule should buy back while the price is low"
    starts = _rows(res, "rebuild starts")
    assert starts
    assert starts[0][0] == pytest.approx(float(rising[0]))


def test_the_timeline_stays_in_time_order_around_a_stockpile_row() -> None:
    # review 89: the release row, stamped for the day it closes (10), was recorded after an
    # event at 10.5, so res.timeline and timeline.csv read 10.5 before 10.0
    data = yaml.safe_load(TINY.read_text())
    data["sites"]["res"] = {
        "kind": "stockpile", "region": "away",
        "location": {"lat": 30.0, "lon": 119.0, "assumption": "test input"},
        "initial_stock_t": {"copper": 1000.0, "assumption": "test input"}}
    data["shocks"] = {"events": {
        "closed": {"start": 0, "end": 40, "targets": {"sites": ["border"]},
                   "effects": {"capacity_factor": 0.0}},
        "blip": {"start": 10.5, "end": 11.5, "targets": {"sites": ["border"]},
                 "effects": {"capacity_factor": 0.9}}}}
    data["policies"] = {"stockpiles": {"sp": {
        "site": "res", "commodity": "copper", "market": "market_x",
        "release_shortfall_share_above": 0.05, "release_t_per_day": 50.0}}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sim.run(sim.scenario_from_dict(data), replications=1, seed=1, workers=1)
    days = res.timeline["day"].tolist()
    assert days == sorted(days)
    starts = res.timeline[res.timeline["action"] == "release starts"]["day"].tolist()
    assert starts and starts[0] <= 10.5  # the release started before the blip
