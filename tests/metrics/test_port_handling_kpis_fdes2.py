"""A port with ``throughput_t_per_day`` reports its handling line's ``mean_wait_days`` and
``utilisation`` (as border posts and capacitated lanes report theirs), against figures
worked by hand; a port without one has no such rows."""

from __future__ import annotations

import pytest

import sim
from sim.scenario import scenario_from_dict


def chain(build, throughput: float | None, horizon: int = 100) -> dict:
    """A mine sending a 1 t lot of copper cathode each day from day 0, 0.25 days to a port
    and on by land (no transit) to a market."""
    mine = build.mine(1.0 * build.DAYS_PER_YEAR)
    port = build.port(**({} if throughput is None else {"throughput_t_per_day": throughput}))
    return build.scenario(
        {"mine": mine, "port": port, "market": build.market(build.DAYS_PER_YEAR)},
        [build.lane("mine", "port", 0.25), build.lane("port", "market", 0)],
        ["port", "market"], horizon=horizon)


def port_kpi(res, metric: str) -> float:
    return float(res.kpi(metric, site="port")[0])


def test_an_overloaded_port_waits_and_is_busy_from_the_first_arrival(build) -> None:
    # 1 t a day into 0.5 t/day: 2 days each. Lot n arrives at n + 0.25 and starts at
    # 0.25 + 2n, so it waits n days; lots 0..49 start before day 100 (mean wait 24.5) and
    # the handling is busy from 0.25 to 100: 99.75 / 100
    res = sim.run(scenario_from_dict(chain(build, 0.5)), replications=1, seed=1)
    assert port_kpi(res, "mean_wait_days") == pytest.approx(24.5)
    assert port_kpi(res, "utilisation") == pytest.approx(0.9975)


def test_a_port_below_its_throughput_never_waits(build) -> None:
    # 1 t a day at 2 t/day: 0.5 days each, never a wait; 100 lots, the last done at 99.75,
    # busy 50 of the 100 days
    res = sim.run(scenario_from_dict(chain(build, 2.0)), replications=1, seed=1)
    assert port_kpi(res, "mean_wait_days") == 0.0
    assert port_kpi(res, "utilisation") == pytest.approx(0.5)
    # the handling time is in the port's dwell
    assert port_kpi(res, "mean_dwell_days") == pytest.approx(0.5)


def test_a_port_without_throughput_has_no_wait_or_utilisation_rows(build) -> None:
    res = sim.run(scenario_from_dict(chain(build, None)), replications=1, seed=1)
    port_rows = res.kpis[res.kpis["site"] == "port"]
    assert set(port_rows["metric"]) == {"throughput_t", "peak_held_t", "mean_dwell_days"}
