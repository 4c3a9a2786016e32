"""What stock_t and mean_dwell_days measure at a port with weekly sailings.

stock_t is the holding at the end of each day, taken before a ship sailing at that midnight
leaves, and its period values are means of those day-end values: not a time average. A
port closure that makes lots miss a ship is part of mean_dwell_days. The figures are
worked out by hand for deterministic arrivals, so they are exact.
"""

from __future__ import annotations

import pytest

import sim
import sim.metrics.kpis as kpis
import sim.metrics.series as series
from sim.scenario import scenario_from_dict


def port_scenario(shut: bool) -> sim.Scenario:
    """1 t a day mined at whole days reaches a port half a day later (t = k + 0.5); ships
    sail every 7 days at midnight (t = 7, 14, ...). 21 days of warm-up, so every measured
    week runs from just after one sailing to the next. With ``shut`` the port is closed on
    measured days 6-8 (t = 27-29), so the ship of t = 28 loads nothing."""
    data = {
        "name": "port_day_end", "start": "2025-01-01", "horizon_days": 70,
        "warmup_days": 21, "series_period_days": 7,
        "commodities": {"cobalt": {"forms": {"unit": {"grade": 1.0,
                                                      "payload_t_per_truck": 1}}}},
        "regions": {"home": {"country": "COD"}, "coast": {"country": "TZA"},
                    "away": {"country": "CHN"}},
        "sites": {
            "mine": {"kind": "mine", "region": "home", "location": {"lat": -10, "lon": 26},
                     "output": {"cobalt": {"form": "unit", "t_per_year": 365.25}},
                     "offtake": {"cobalt": {"formal": 1.0}}},
            "port": {"kind": "port", "region": "coast", "location": {"lat": -6, "lon": 39}},
            "market": {"kind": "market", "region": "away",
                       "location": {"lat": 30, "lon": 120},
                       "demand_t_per_year": {"cobalt": 365.25},
                       "initial_stock_t": {"cobalt": 1000000}},
        },
        "lanes": {
            "mine_port": {"from": "mine", "to": "port", "mode": "road", "transit_days": 0.5},
            "port_market": {"from": "port", "to": "market", "mode": "sea", "transit_days": 20,
                            "sailing": {"interval_days": 7, "vessel_t": 1000}},
        },
        "channels": {"formal": {"routes": {"r": {"path": ["port", "market"]}}}},
    }
    if shut:
        data["shocks"] = {"events": {"shut": {
            "start": 6, "duration_days": 2, "targets": {"sites": ["port"]},
            "effects": {"capacity_factor": 0}}}}
    return scenario_from_dict(data)


def test_stock_t_is_the_day_end_holding_before_midnight_sailings() -> None:
    res = sim.run(port_scenario(False), replications=1, seed=1, workers=1)
    s = res.series
    stock = s[(s.metric == "stock_t") & (s.key == "port")]
    # Day-end holdings over a week are 1, 2, ..., 7 t (the 7th taken before the ship of
    # that midnight sails): mean 4 t. The time-average holding is 3.5 t: a lot arriving
    # j + 0.5 days after a sailing waits 6.5 - j days, 3.5 on average, at 1 t a day.
    assert len(stock) == 10
    assert stock.value.tolist() == pytest.approx([4.0] * 10)
    assert res.kpi("mean_dwell_days", site="port")[0] == pytest.approx(3.5)


def test_a_port_closure_is_in_mean_dwell_days() -> None:
    res = sim.run(port_scenario(True), replications=1, seed=1, workers=1)
    # The 7 t due to leave at t = 28 wait 7 more days, for the ship of t = 35: 70 t left
    # in the period, (70 * 3.5 + 7 * 7) / 70 = 4.2 days.
    assert res.kpi("throughput_t", site="port", commodity="cobalt")[0] == pytest.approx(70.0)
    assert res.kpi("mean_dwell_days", site="port")[0] == pytest.approx(4.2)


def test_docs_say_what_the_levels_and_dwell_are() -> None:
    assert "averaged over its days" not in series.__doc__
    assert "end of each day" in series.__doc__
    assert "closure there is not counted" not in kpis.__doc__
    assert "closure or throttle of the port" in kpis.__doc__
