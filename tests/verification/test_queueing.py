"""Queueing theory checks: border posts against M/M/1 and M/M/c, and Little's law.

A mine with exponential lot intervals sends Poisson arrivals of equal 25 t lots (one truck
each, grade 1 and 25 t per truck) to a border post whose service variability is
exponential with mean 1, so each of its ``c`` lanes serves at rate
``clearance_trucks_per_day / c``: an M/M/c queue. Lanes to and from the post take no time.
Every run uses fixed seeds; the tolerances are the replications' own 99% confidence
intervals, and each test also checks that its interval is narrow enough to mean something.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from queue_theory import erlang_c_wait, t_interval

import sim
from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World

LAMBDA = 6.0       # lots (= trucks) per day
MU_TOTAL = 10.0    # trucks per day the post clears with all lanes working
HORIZON = 500
WARMUP = 50
REPS = 20
SEED = 11


def mmc_scenario(build, servers: int, *, lam: float = LAMBDA, mu_total: float = MU_TOTAL,
                 horizon: int = HORIZON, warmup: int = WARMUP):
    mean_interval = 1.0 / lam
    rate = build.PAYLOAD_T * build.DAYS_PER_YEAR / mean_interval  # 25 t lots on average
    mine = build.mine(rate, lot_interval_days={"dist": "exponential", "mean": mean_interval})
    post = build.border(mu_total, servers=servers,
                        service_variability={"dist": "exponential", "mean": 1.0})
    data = build.scenario(
        {"mine": mine, "border": post, "market": build.market(rate)},
        [build.lane("mine", "border", 0), build.lane("border", "market", 0)],
        ["border", "market"], horizon=horizon, warmup=warmup)
    return scenario_from_dict(data)


@pytest.fixture(scope="module")
def mm1(build) -> sim.Results:
    return sim.run(mmc_scenario(build, 1), replications=REPS, seed=SEED)


@pytest.fixture(scope="module")
def mm2(build) -> sim.Results:
    return sim.run(mmc_scenario(build, 2), replications=REPS, seed=SEED)


def test_erlang_c_reduces_to_mm1() -> None:
    lam, mu = LAMBDA, MU_TOTAL
    assert erlang_c_wait(lam, mu, 1) == pytest.approx((lam / mu) / (mu - lam))


def test_lots_are_one_truck_each(mm1: sim.Results) -> None:
    trucks = mm1.kpi("throughput_trucks", site="border")
    tonnes = mm1.kpi("throughput_t", commodity="copper", site="border")
    assert np.allclose(tonnes, 25.0 * trucks)
    # Poisson arrivals: lambda x horizon lots per replication on average
    mean, half = t_interval(trucks)
    assert half < 0.02 * LAMBDA * HORIZON
    assert abs(mean - LAMBDA * HORIZON) <= half


def test_mm1_mean_wait_matches_theory(mm1: sim.Results) -> None:
    rho = LAMBDA / MU_TOTAL
    wq = rho / (MU_TOTAL - LAMBDA)  # 0.15 days
    mean, half = t_interval(mm1.kpi("mean_wait_days", site="border"))
    assert half < 0.12 * wq, "interval too wide for the check to mean anything"
    assert abs(mean - wq) <= half, f"Wq {mean:.4f} +- {half:.4f}, theory {wq:.4f}"


def test_mm1_utilisation_matches_rho(mm1: sim.Results) -> None:
    mean, half = t_interval(mm1.kpi("utilisation", site="border"))
    assert half < 0.02
    assert abs(mean - LAMBDA / MU_TOTAL) <= half


def test_mm1_wait_quantiles_match_theory(mm1: sim.Results) -> None:
    # P(Wq > t) = rho exp(-(mu - lambda) t): a share 1 - rho waits nothing, and the
    # q-quantile for q > 1 - rho is ln(rho / (1 - q)) / (mu - lambda)
    rho = LAMBDA / MU_TOTAL
    for metric, q in (("wait_p50_days", 0.5), ("wait_p95_days", 0.95)):
        theory = math.log(rho / (1 - q)) / (MU_TOTAL - LAMBDA)  # 0.046 and 0.621 days
        mean, half = t_interval(mm1.kpi(metric, site="border"))
        assert half < 0.25 * theory, f"{metric}: interval too wide to mean anything"
        assert abs(mean - theory) <= half, f"{metric} {mean:.4f} +- {half:.4f}, theory {theory:.4f}"


def test_mm2_wait_p95_matches_erlang_c(mm2: sim.Results) -> None:
    # P(Wq > t) = C exp(-(c mu - lambda) t), C the probability of waiting (Erlang C),
    # which is Wq (c mu - lambda)
    spare = MU_TOTAL - LAMBDA
    waiting = erlang_c_wait(LAMBDA, MU_TOTAL / 2, 2) * spare  # 0.45
    theory = math.log(waiting / 0.05) / spare  # 0.549 days
    mean, half = t_interval(mm2.kpi("wait_p95_days", site="border"))
    assert half < 0.1 * theory
    assert abs(mean - theory) <= half, f"p95 {mean:.4f} +- {half:.4f}, theory {theory:.4f}"


def test_mm2_mean_wait_matches_erlang_c(mm2: sim.Results) -> None:
    wq = erlang_c_wait(LAMBDA, MU_TOTAL / 2, 2)  # 0.1125 days
    mean, half = t_interval(mm2.kpi("mean_wait_days", site="border"))
    assert half < 0.12 * wq
    assert abs(mean - wq) <= half, f"Wq {mean:.4f} +- {half:.4f}, theory {wq:.4f}"
    # pooling two half-speed lanes waits less than one full-speed lane at the same load
    assert wq < (LAMBDA / MU_TOTAL) / (MU_TOTAL - LAMBDA)


def test_mm2_utilisation_is_per_lane(mm2: sim.Results) -> None:
    mean, half = t_interval(mm2.kpi("utilisation", site="border"))
    assert half < 0.02  # about 0.008 with these seeds
    assert abs(mean - LAMBDA / MU_TOTAL) <= half


# ----------------------------------------------------------------------------- Little
def test_littles_law_at_a_border_post(build) -> None:
    sc = mmc_scenario(build, 1, lam=6.0, mu_total=7.5, horizon=3000, warmup=100)  # rho = 0.8
    world = World(sc, Streams(5, 0))
    world.run()
    st = world.sites[world.site_index["border"]].server.stats
    elapsed = st.last_t - st.start_t
    assert (st.start_t, st.last_t) == (100.0, 3100.0)
    assert st.n_done > 15_000
    L = st.area_lots / elapsed
    lam = st.n_done / elapsed
    W = st.sojourn_lot_days / st.n_done
    assert L == pytest.approx(lam * W, rel=0.02)
    # the same for the line alone: lots waiting = lots in system - lots in service
    Lq = (st.area_lots - st.busy_time) / elapsed
    Wq = st.wait_lot_days / st.n_started
    assert Lq == pytest.approx(st.n_started / elapsed * Wq, rel=0.03)
    # and both agree with M/M/1 (L = rho / (1 - rho) = 4) within sampling error
    assert L == pytest.approx(4.0, rel=0.15)


def port_scenario(build, interval_mean: float = 2.0, horizon: int = 2000, warmup: int = 50):
    sailing = {"interval_days": {"dist": "exponential", "mean": interval_mean},
               "vessel_t": 1e6}
    data = build.scenario(
        {"mine": build.mine(), "port": build.port(), "market": build.market()},
        [build.lane("mine", "port", 1.5),
         build.lane("port", "market", 10, mode="sea", sailing=sailing)],
        ["port", "market"], horizon=horizon, warmup=warmup)
    return scenario_from_dict(data)


def test_littles_law_at_a_port_with_random_sailings(build) -> None:
    world = World(port_scenario(build), Streams(9, 0))
    world.run()
    occ = world.sites[world.site_index["port"]].occupancy
    elapsed = occ.last_t - occ.start_t
    assert elapsed == 2000.0
    L = occ.area_tonne_days / elapsed          # time-average tonnes at the port
    rate = occ.through_t / elapsed              # tonnes shipped per day
    W = occ.dwell_tonne_days / occ.through_t    # mean dwell per tonne
    assert rate == pytest.approx(100.0, rel=0.02)
    assert L == pytest.approx(rate * W, rel=0.02)


def test_port_dwell_with_poisson_sailings_is_the_mean_interval(build) -> None:
    # lots arrive on a fixed schedule, ships leave as a Poisson process: by memorylessness
    # each lot waits an exponential time with the mean sailing interval (2 days)
    res = sim.run(port_scenario(build, horizon=1500), replications=12, seed=4)
    mean, half = t_interval(res.kpi("mean_dwell_days", site="port"))
    assert half < 0.12
    assert abs(mean - 2.0) <= half
