"""More queueing theory: M/M/c with three and five clearance lanes, M/D/1 at a rail line,
M/G/1 at a border post with gamma-distributed clearance times.

``test_queueing.py`` covers M/M/1 and M/M/2. The same set-up is used here: a mine with
exponential lot intervals sends Poisson arrivals of equal 25 t lots (one truck, one 25 t
product load each) over zero-time lanes to the queue under test, so the queue sees exactly
the arrival and service processes of the formula.

Tolerance. Each check runs ``REPS`` seeded replications and computes the 99% Student-t
confidence interval of the KPI's mean over them; the theoretical value must lie inside it.
Each test also requires the half-width to be below a stated share of the theoretical value,
so a check cannot pass by being too noisy to mean anything.
"""

from __future__ import annotations


import pytest
from queue_theory import erlang_c_wait, t_interval

import sim
from sim.scenario import scenario_from_dict

LAMBDA = 6.0        # lots per day (Poisson)
HORIZON = 500
WARMUP = 50
REPS = 20


def pollaczek_khinchine_wait(lam: float, mean_s: float, second_moment_s: float) -> float:
    """Mean wait in line of an M/G/1 queue: lambda E[S^2] / (2 (1 - rho))."""
    rho = lam * mean_s
    assert rho < 1
    return lam * second_moment_s / (2 * (1 - rho))


def poisson_mine(build, lam: float = LAMBDA) -> dict:
    mean_interval = 1.0 / lam
    rate = build.PAYLOAD_T * build.DAYS_PER_YEAR / mean_interval  # 25 t lots on average
    return build.mine(rate, lot_interval_days={"dist": "exponential", "mean": mean_interval})


def border_scenario(build, trucks_per_day: float, servers: int, variability: dict):
    post = build.border(trucks_per_day, servers=servers, service_variability=variability)
    data = build.scenario(
        {"mine": poisson_mine(build), "border": post, "market": build.market()},
        [build.lane("mine", "border", 0), build.lane("border", "market", 0)],
        ["border", "market"], horizon=HORIZON, warmup=WARMUP)
    return scenario_from_dict(data)


def rail_scenario(build, capacity_t_per_day: float):
    data = build.scenario(
        {"mine": poisson_mine(build), "terminal": build.site("junction"),
         "market": build.market()},
        [build.lane("mine", "terminal", 0),
         build.lane("terminal", "market", 0, mode="rail", capacity_t_per_day=capacity_t_per_day)],
        ["terminal", "market"], horizon=HORIZON, warmup=WARMUP)
    return scenario_from_dict(data)


# ----------------------------------------------------------------------------- M/M/c
@pytest.mark.parametrize(("servers", "mu_total"), [(3, 9.0), (5, 10.0)])
def test_mmc_mean_wait_matches_erlang_c(build, servers: int, mu_total: float) -> None:
    # servers lanes of mu_total / servers trucks a day each; rho = 6/9 and 6/10
    sc = border_scenario(build, mu_total, servers, {"dist": "exponential", "mean": 1.0})
    res = sim.run(sc, replications=REPS, seed=31)
    wq = erlang_c_wait(LAMBDA, mu_total / servers, servers)
    mean, half = t_interval(res.kpi("mean_wait_days", site="border"))
    assert half < 0.15 * wq, f"interval +-{half:.4f} too wide against Wq {wq:.4f}"
    assert abs(mean - wq) <= half, f"Wq {mean:.4f} +- {half:.4f}, Erlang C {wq:.4f}"
    util, uhalf = t_interval(res.kpi("utilisation", site="border"))
    assert uhalf < 0.02
    assert abs(util - LAMBDA / mu_total) <= uhalf


def test_erlang_c_formula_against_known_values() -> None:
    # textbook values: c = 3, a = 2 (rho = 2/3): P(wait) = 4/9, Wq = P(wait) / (c mu - lam)
    assert erlang_c_wait(2.0, 1.0, 3) == pytest.approx((4 / 9) / 1.0)
    # more servers at the same load per server wait less
    assert erlang_c_wait(6.0, 2.0, 5) < erlang_c_wait(6.0, 3.0, 3) < erlang_c_wait(6.0, 9.0, 1)


# ----------------------------------------------------------------------------- M/D/1
def test_rail_lane_is_an_md1_queue(build) -> None:
    # 25 t product per lot at 250 t/day: every lot needs exactly 0.1 days of the line
    sc = rail_scenario(build, 250.0)
    res = sim.run(sc, replications=REPS, seed=32)
    mu = 10.0
    wq = pollaczek_khinchine_wait(LAMBDA, 1 / mu, 1 / mu**2)  # = rho / (2 mu (1 - rho))
    assert wq == pytest.approx(0.075)
    mean, half = t_interval(res.kpi("mean_wait_days", site="terminal_market"))
    assert half < 0.12 * wq
    assert abs(mean - wq) <= half, f"Wq {mean:.4f} +- {half:.4f}, M/D/1 {wq:.4f}"
    util, uhalf = t_interval(res.kpi("utilisation", site="terminal_market"))
    assert abs(util - LAMBDA / mu) <= uhalf
    # deterministic service waits half as long as exponential service at the same load
    assert wq == pytest.approx(0.5 * erlang_c_wait(LAMBDA, mu, 1))


# ----------------------------------------------------------------------------- M/G/1
def test_border_post_with_gamma_clearance_is_mg1(build) -> None:
    # gamma variability with shape 2 (mean 1, variance 1/2): E[S^2] = 1.5 / mu^2
    shape, mu = 2.0, 10.0
    sc = border_scenario(build, mu, 1, {"dist": "gamma", "shape": shape, "scale": 1 / shape})
    res = sim.run(sc, replications=REPS, seed=33)
    wq = pollaczek_khinchine_wait(LAMBDA, 1 / mu, (1 + 1 / shape) / mu**2)
    assert wq == pytest.approx(0.1125)
    mean, half = t_interval(res.kpi("mean_wait_days", site="border"))
    assert half < 0.12 * wq
    assert abs(mean - wq) <= half, f"Wq {mean:.4f} +- {half:.4f}, M/G/1 {wq:.4f}"
