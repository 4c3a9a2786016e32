"""``high_load_days``: days a queue's servers were busy at least 90% of the day, counted
exactly where every lot's service time is known.

A mine ships one 100 t lot (four 25 t trucks) at the start of each day. At a post
clearing 4.2 trucks a day the lot takes 4 / 4.2 = 0.952 days: busy 95% of every day. At 5
trucks a day it takes 0.8 days: never a high-load day, however long the run.
"""

from __future__ import annotations

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
