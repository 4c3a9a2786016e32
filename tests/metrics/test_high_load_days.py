"""``high_load_days``: days a queue's servers were busy at least 90% of the day, counted
exactly where every lot's service time is known.

A mine ships one 100 t lot (four 25 t trucks) at the start of each day. At a post
clearing 4.2 trucks a day the lot takes 4 / 4.2 = 0.952 days: busy 95% of every day. At 5
trucks a day it takes 0.8 days: never a high-load day, however long the run.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.scenario import scenario_from_dict
from sim.world.queues import HIGH_LOAD_SHARE


def _post_scenario(build, trucks_per_day: float, *, horizon: float = 40,
                   warmup: float = 5, **top):
    data = build.scenario(
        {"mine": build.mine(), "border": build.border(trucks_per_day),
         "market": build.market()},
        [build.lane("mine", "border", 0), build.lane("border", "market", 1)],
        ["border", "market"], horizon=horizon, warmup=warmup, **top)
    return scenario_from_dict(data)


def _kpi(sc, metric: str, site: str) -> float:
    return float(sim.run(sc, replications=1, seed=0).kpi(metric, "all", "all", site)[0])


def test_a_post_busy_95_percent_of_every_day_is_a_high_load_day_every_measured_day(build):
    sc = _post_scenario(build, 4.2)
    assert _kpi(sc, "utilisation", "border") == pytest.approx(4 / 4.2)
    # the warm-up's days are not counted: 40, not 45
    assert _kpi(sc, "high_load_days", "border") == 40.0


def test_a_post_busy_80_percent_of_every_day_is_never_a_high_load_day(build):
    sc = _post_scenario(build, 5.0)
    assert _kpi(sc, "utilisation", "border") == pytest.approx(0.8)
    assert 0.8 < HIGH_LOAD_SHARE
    assert _kpi(sc, "high_load_days", "border") == 0.0


def test_closed_days_are_not_high_load_days_and_the_backlog_after_them_is(build):
    # closed from day 10.5 (absolute) to 20.5: the lot that started at day 10 finishes
    # (day 10 stays a high-load day), days 11 to 20 are idle or half busy; from day 21 the
    # backlog keeps the post busy all day. 45 days, 5 of them warm-up, 10 not high-load days.
    shut = {"events": {"shut": {"start": 10.5, "end": 20.5,
                                "targets": {"sites": ["border"]},
                                "effects": {"capacity_factor": 0.0},
                                "assumption": "test input"}}}
    sc = _post_scenario(build, 4.2, shocks=shut)
    assert _kpi(sc, "closed_days", "border") == pytest.approx(10.0)
    assert _kpi(sc, "high_load_days", "border") == 30.0


def test_a_lane_s_loader_and_a_post_with_two_lanes_count_their_own_congestion(build):
    # a rail lane loading 105 t a day takes 0.952 days a lot. A post of two clearance
    # lanes at 5 trucks a day in all clears a lot in 1.6 days on one lane: 1.6 lane-days
    # busy of the 2 each day, 80%, though one lane alone is busy more than 90% of it
    data = build.scenario(
        {"mine": build.mine(), "border": build.border(5.0, servers=2),
         "terminal": build.site("junction"), "market": build.market()},
        [build.lane("mine", "border", 0), build.lane("border", "terminal", 0),
         build.lane("terminal", "market", 1, mode="rail", capacity_t_per_day=105.0)],
        ["border", "terminal", "market"], horizon=30, warmup=5)
    sc = scenario_from_dict(data)
    res = sim.run(sc, replications=1, seed=0)
    assert res.kpi("utilisation", "all", "all", "border")[0] == pytest.approx(0.8)
    assert res.kpi("high_load_days", "all", "all", "border")[0] == 0.0
    assert res.kpi("utilisation", "all", "all", "terminal_market")[0] == pytest.approx(100 / 105)
    assert res.kpi("high_load_days", "all", "all", "terminal_market")[0] == 30.0


def test_sites_without_a_queue_have_no_high_load_days_row(build):
    res = sim.run(_post_scenario(build, 4.2, horizon=5), replications=1, seed=0)
    with pytest.raises(KeyError):
        res.kpi("high_load_days", "all", "all", "border_market")


def test_a_port_s_handling_counts_its_high_load_days(build):
    # review 148: no test put a port in the list of queues a day's end reads
    data = build.scenario(
        {"mine": build.mine(), "port": build.port(throughput_t_per_day=105.0),
         "market": build.market()},
        [build.lane("mine", "port", 0), build.lane("port", "market", 1)],
        ["port", "market"], horizon=30)
    res = sim.run(scenario_from_dict(data), replications=1, seed=0)
    assert res.kpi("utilisation", "all", "all", "port")[0] == pytest.approx(100 / 105)
    assert res.kpi("high_load_days", "all", "all", "port")[0] == 30.0


def test_a_throttled_post_busy_all_day_is_a_high_load_day(build):
    # at half speed from day 10 to 20 the backlog keeps the lanes busy: busy time counts at
    # whatever speed a throttle leaves them, so every day stays a high-load day
    slow = {"events": {"slow": {"start": 10, "end": 20, "targets": {"sites": ["border"]},
                                "effects": {"capacity_factor": 0.5},
                                "assumption": "test input"}}}
    sc = _post_scenario(build, 4.2, warmup=0, shocks=slow)
    assert _kpi(sc, "reduced_days", "border") == pytest.approx(10.0)
    assert _kpi(sc, "high_load_days", "border") == 40.0


def _growing_queue(build, horizon: float, warmup: float = 0, **top):
    # a 4-truck lot a day at 10/3 trucks a day: each takes 1.2 days, so lot k starts at
    # 1.2 k and waits 0.2 k days
    return _post_scenario(build, 10 / 3, horizon=horizon, warmup=warmup, **top)


def test_wait_quantiles_interpolate_between_lots_exactly(build):
    # 31 days: lots 0 to 25 start (1.2 x 25 = 30), waits 0, 0.2, ..., 5.0 (26 lots)
    res = sim.run(_growing_queue(build, 31), replications=1, seed=0)
    waits = np.arange(26) * 0.2
    assert res.kpi("mean_wait_days", "all", "all", "border")[0] == pytest.approx(waits.mean())
    assert res.kpi("wait_p50_days", "all", "all", "border")[0] == pytest.approx(2.5)
    # 0.95 x 25 = 23.75 lots along: 4.6 + 0.75 x 0.2
    assert res.kpi("wait_p95_days", "all", "all", "border")[0] == pytest.approx(4.75)


def test_wait_quantiles_leave_out_the_warm_up_s_lots(build):
    # closed from day 2 to 7 of a 30-day warm-up (days -28 to -23 from the start date) at
    # half load (0.5 days a lot): the backlog clears by day 12, and every lot of the
    # measured period waits nothing
    shut = {"events": {"shut": {"start": -28, "end": -23, "targets": {"sites": ["border"]},
                                "effects": {"capacity_factor": 0.0},
                                "assumption": "test input"}}}
    sc = _post_scenario(build, 8.0, horizon=20, warmup=30, shocks=shut)
    res = sim.run(sc, replications=1, seed=0)
    for metric in ("mean_wait_days", "wait_p50_days", "wait_p95_days"):
        assert res.kpi(metric, "all", "all", "border")[0] == 0.0, metric


def test_a_queue_no_lot_reached_has_no_wait_quantiles(build):
    # 2 days, and lots take 3 to reach the post: NaN, as the mean, not a wait of 0
    data = build.scenario(
        {"mine": build.mine(), "border": build.border(4.2), "market": build.market()},
        [build.lane("mine", "border", 3), build.lane("border", "market", 1)],
        ["border", "market"], horizon=2)
    res = sim.run(scenario_from_dict(data), replications=1, seed=0)
    for metric in ("mean_wait_days", "wait_p50_days", "wait_p95_days"):
        assert np.isnan(res.kpi(metric, "all", "all", "border")[0]), metric
