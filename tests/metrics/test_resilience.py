"""Resilience KPIs (time to recover, recovered by the end, time to shortfall) and lead-time
quantiles that fall in the open-ended last histogram bin.

The scenarios are deterministic: one copper mine mines a 100 t lot at every whole day
(counted from the start of the warm-up) and sends it on a one-day lane to a market that
consumes 100 t/day, so the market is exactly supplied until a shock acts. Shock times and
the day indices below count from the start of the measured period (the scenario's start
date). A lot reaching a lane while it is closed leaves when it reopens, so closing the lane
on [a, b) leaves the market without arrivals on days a + 1 ... b and delivers the held lots
on day b + 1. Q(day) = consumed / demand; a market without stock consumes what arrives.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from sim.experiment.replication import run_replication
from sim.metrics.kpis import RECOVERY_THRESHOLD, _hist_quantile, _resilience_times
from sim.scenario import scenario_from_dict
from sim.world.daybook import LEAD_BINS

DAYS = 30
MARKET = {"markets": ["market"]}
LANE = {"lanes": ["mine_market"]}
RESILIENCE = ("shortfall_t", "peak_shortfall_share", "shortfall_days", "time_to_recover_days",
              "recovered_by_end", "time_to_shortfall_days")


def demand(start: float, end: float, factor: float) -> dict[str, Any]:
    """The market's demand times ``factor`` on [start, end)."""
    return {"start": start, "end": end, "targets": MARKET,
            "effects": {"demand_factor": factor}}


def closure(start: float, end: float | None = None) -> dict[str, Any]:
    """The mine-to-market lane closed on [start, end) (to the end of the run if no end)."""
    event: dict[str, Any] = {"start": start, "targets": LANE,
                             "effects": {"capacity_factor": 0.0}}
    if end is not None:
        event["end"] = end
    return event


def copper_totals(build, events: dict[str, Any], *, horizon: float = DAYS,
                  market_stock_t: float | None = None) -> dict[str, tuple[str, float]]:
    """metric -> (unit, value) of the copper totals (channel and site ``all``) of one
    replication of the chain with a 5-day warm-up (so the pipeline is full at the start)."""
    market = build.market()
    if market_stock_t is not None:
        market["initial_stock_t"] = {"copper": market_stock_t}
    data = build.scenario({"mine": build.mine(), "market": market},
                          [build.lane("mine", "market", {"dist": "fixed", "value": 1})],
                          ["market"], horizon=horizon, warmup=5)
    if events:
        data["shocks"] = {"events": events}
    result = run_replication(scenario_from_dict(data), seed=1, replication=0)
    return {metric: (unit, value) for com, chan, site, metric, unit, value in result.kpis
            if (com, chan, site) == ("copper", "all", "all")}


def values(kpis: dict[str, tuple[str, float]]) -> dict[str, float]:
    return {metric: kpis[metric][1] for metric in RESILIENCE}


# ------------------------------------------------------------------------ from the simulator
def test_never_short_has_no_episode_and_survives_the_whole_period(build) -> None:
    kpis = copper_totals(build, {})
    got = values(kpis)
    # no episode, nothing to recover from: no value (a 0 would pull means over
    # replications down by the runs without a shock)
    assert math.isnan(got.pop("time_to_recover_days"))
    assert got == {"shortfall_t": 0.0, "peak_shortfall_share": 0.0,
                   "shortfall_days": 0.0,
                   "recovered_by_end": 1.0, "time_to_shortfall_days": float(DAYS)}
    assert kpis["time_to_recover_days"][0] == "days"
    assert kpis["recovered_by_end"][0] == "share"
    assert kpis["time_to_shortfall_days"][0] == "days"


def test_recovery_time_is_the_length_of_the_episode_around_the_worst_day(build) -> None:
    # Days 1-3: demand 102 t, Q = 100/102 = 0.98, short but not below 95%.
    # Days 4-10: demand 150 t, Q = 2/3: the first episode (7 days).
    # Days 13-15: demand 150 t, Q = 2/3; the lane closes on [15, 18), so days 16-18 get
    # nothing, Q = 0 (the worst day is 16), and the held lots arrive on day 19.
    # The worst episode runs from day 13 to day 19: 6 days, neither the first nor the
    # longest episode, nor the 3 days at Q = 0.
    kpis = copper_totals(build, {"mild": demand(1, 4, 1.02), "surge": demand(4, 11, 1.5),
                                 "ramp": demand(13, 16, 1.5), "cut": closure(15, 18)})
    assert values(kpis) == {
        "shortfall_t": 3 * 2.0 + 7 * 50.0 + 3 * 50.0 + 3 * 100.0,
        "peak_shortfall_share": 1.0,
        "shortfall_days": 3 + 7 + 3 + 3.0,     # unchanged definition: any share above 0.1%
        "time_to_recover_days": 6.0,
        "recovered_by_end": 1.0,
        "time_to_shortfall_days": 4.0,         # day 4, not day 1: Q = 0.98 is not short
    }


def test_a_day_without_demand_is_a_good_day(build) -> None:
    # The lane is closed on [15, 20): no arrivals on days 16-20, but no demand on days
    # 17-18 either, so Q = 1 there and the worst day (16) is an episode of its own.
    kpis = copper_totals(build, {"cut": closure(15, 20), "no_demand": demand(17, 19, 0.0)})
    assert values(kpis) == {"shortfall_t": 300.0, "peak_shortfall_share": 1.0,
                            "shortfall_days": 3.0, "time_to_recover_days": 1.0,
                            "recovered_by_end": 1.0, "time_to_shortfall_days": 16.0}


def test_an_episode_running_to_the_end_is_censored_and_not_recovered(build) -> None:
    # Closed from day 20 to the end: the lot mined on day 19 arrives on day 20, then
    # nothing on days 21-29.
    kpis = copper_totals(build, {"cut": closure(20)})
    assert values(kpis) == {"shortfall_t": 900.0, "peak_shortfall_share": 1.0,
                            "shortfall_days": 9.0, "time_to_recover_days": 9.0,
                            "recovered_by_end": 0.0, "time_to_shortfall_days": 21.0}


def test_time_to_shortfall_is_how_long_stock_and_pipeline_cover_demand(build) -> None:
    # Closed from the start: the 100 t lot on the lane (mined on day -1) and 500 t in the
    # market's stock cover 6 days of demand; days 6-19 get nothing.
    kpis = copper_totals(build, {"cut": closure(0)}, horizon=20, market_stock_t=500.0)
    assert values(kpis) == {"shortfall_t": 1400.0, "peak_shortfall_share": 1.0,
                            "shortfall_days": 14.0, "time_to_recover_days": 14.0,
                            "recovered_by_end": 0.0, "time_to_shortfall_days": 6.0}


# ------------------------------------------------------------------------- on daily shares
def test_resilience_times_on_hand_made_shares() -> None:
    """Columns are commodities; a share of demand short s gives Q = 1 - s."""
    share = np.array([
        # a: episode 1-3 around the worst day 2, a dip on day 5 after recovery on day 4
        # b: exactly at the threshold (Q = 0.95) is not short; short on the last day only
        # c: never short
        [0.00, 0.05, 0.0],
        [0.10, 0.05, 0.0],
        [0.50, 0.00, 0.0],
        [0.20, 0.05, 0.0],
        [0.03, 0.00, 0.0],
        [0.30, 0.00, 0.0],
        [0.00, 0.40, 0.0],
    ])
    recover, recovered, survive, disrupted = _resilience_times(share)
    np.testing.assert_array_equal(recover, [3.0, 1.0, np.nan])
    np.testing.assert_array_equal(recovered, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(survive, [1.0, 6.0, 7.0])
    # a: short on days 1, 2, 3 and 5, so disrupted from day 1 to day 5 (day 4 included)
    np.testing.assert_array_equal(disrupted, [5.0, 1.0, 0.0])
    assert RECOVERY_THRESHOLD == 0.95


def test_resilience_times_of_equal_peaks_use_the_first_and_an_empty_period() -> None:
    # Two episodes with the same depth: the first worst day (day 1) picks the episode 0-2.
    share = np.array([[0.5], [1.0], [0.5], [0.0], [1.0], [0.0]])
    recover, recovered, survive, disrupted = _resilience_times(share)
    assert (recover[0], recovered[0], survive[0], disrupted[0]) == (3.0, 1.0, 0.0, 5.0)
    recover, recovered, survive, disrupted = _resilience_times(np.zeros((0, 2)))
    np.testing.assert_array_equal(recover, [np.nan, np.nan])
    np.testing.assert_array_equal(recovered, [1.0, 1.0])
    np.testing.assert_array_equal(survive, [0.0, 0.0])
    np.testing.assert_array_equal(disrupted, [0.0, 0.0])


# ------------------------------------------------------------------- lead-time quantiles
def route_hist(tonnes_by_bin: dict[int, float]) -> tuple[np.ndarray, np.ndarray, float]:
    """``(cum, hist, total)`` of a route's lead-time histogram as ``World`` keeps it:
    LEAD_BINS one-day bins and a last bin for every lead of LEAD_BINS days or more."""
    hist = np.zeros(LEAD_BINS + 1)
    for i, tonnes in tonnes_by_bin.items():
        hist[i] = tonnes
    total = float(hist.sum())
    return np.cumsum(hist) / total, hist, total


def test_a_quantile_in_the_overflow_bin_is_nan() -> None:
    # 90 t with leads in [10, 11) days, 10 t with leads of LEAD_BINS days or more.
    cum, hist, total = route_hist({10: 90.0, LEAD_BINS: 10.0})
    assert _hist_quantile(cum, hist, total, 0.05) == pytest.approx(10 + 0.05 / 0.9, abs=1e-12)
    assert _hist_quantile(cum, hist, total, 0.5) == pytest.approx(10 + 0.5 / 0.9, abs=1e-12)
    assert _hist_quantile(cum, hist, total, 0.9) == pytest.approx(11.0, abs=1e-12)
    assert math.isnan(_hist_quantile(cum, hist, total, 0.95))


def test_a_quantile_just_below_the_overflow_bin_is_reported() -> None:
    cum, hist, total = route_hist({LEAD_BINS - 1: 50.0, LEAD_BINS: 50.0})
    assert _hist_quantile(cum, hist, total, 0.05) == pytest.approx(LEAD_BINS - 0.9,
                                                                  abs=1e-12)
    # Half the tonnes took less than LEAD_BINS days: the median is exactly LEAD_BINS, the
    # upper edge of the last one-day bin, and is known.
    assert _hist_quantile(cum, hist, total, 0.5) == pytest.approx(LEAD_BINS, abs=1e-12)
    assert math.isnan(_hist_quantile(cum, hist, total, 0.95))


def test_route_lead_time_quantiles_beyond_the_bins_are_nan(build) -> None:
    # Every lot spends 450 days on the lane: the mean is exact, the quantiles unknown.
    transit = LEAD_BINS + 50
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", {"dist": "fixed", "value": transit})],
                          ["market"], horizon=transit + 10)
    result = run_replication(scenario_from_dict(data), seed=1, replication=0)
    route = {metric: value for com, chan, site, metric, _u, value in result.kpis
             if (com, chan, site) == ("copper", "formal", "route:main")}
    assert route["delivered_t"] == pytest.approx(10 * 100.0)
    assert route["mean_lead_time_days"] == pytest.approx(transit, abs=1e-9)
    for metric in ("lead_time_p05_days", "lead_time_p50_days", "lead_time_p95_days"):
        assert math.isnan(route[metric]), metric
