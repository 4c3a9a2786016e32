"""Two more analytic checks through the whole simulator.

* A three-state conflict regime (calm, contested, occupied) spends, in the long run, the
  share of time in each state given by the stationary distribution of its continuous-time
  Markov chain (``pi Q = 0``), and a closure tied to the worst state closes the target for
  that share of the time. ``tests/shocks/test_regimes.py`` checks the two-state case
  (downtime a / (a + b)) and the sojourn times.
* The lead time of lots on a single pure-delay lane is the lane's transit distribution, so
  for every supported distribution the lots' lead times must have the distribution's
  analytic mean and variance. ``tests/test_distributions.py`` checks the samplers alone;
  here the draws pass through the lane, the lots and the arrival records.

Tolerances: the regime check uses the 99% Student-t interval over 16 replications. The
transit check uses one run of several thousand lots and allows 4.5 standard errors of the
sample mean and of the sample variance (the latter from the sample's fourth moment): a false
alarm in any one of the 14 comparisons has a probability of about 1e-5.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.distributions import DIST_NAMES
from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World

DAYS = 365.25


def ci99(values) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.995, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v))
    return float(v.mean()), float(half)


# ----------------------------------------------------------------------------- regime
RATES = {"calm": {"contested": 100.0},
         "contested": {"calm": 250.0, "occupied": 75.0},
         "occupied": {"contested": 150.0}}
STATES = ["calm", "contested", "occupied"]


def stationary(rates: dict[str, dict[str, float]], states: list[str]) -> np.ndarray:
    n = len(states)
    q = np.zeros((n, n))
    for frm, row in rates.items():
        for to, r in row.items():
            q[states.index(frm), states.index(to)] = r
    np.fill_diagonal(q, -q.sum(axis=1))
    # solve pi Q = 0 with sum(pi) = 1
    a = np.vstack([q.T, np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1.0
    return np.linalg.lstsq(a, b, rcond=None)[0]


def test_stationary_distribution_by_hand() -> None:
    # birth-death chain: pi_1 = pi_0 * 100/250, pi_2 = pi_1 * 75/150
    pi = stationary(RATES, STATES)
    w = np.array([1.0, 100 / 250, 100 / 250 * 75 / 150])
    assert pi == pytest.approx(w / w.sum())


def test_three_state_regime_matches_its_stationary_distribution(build) -> None:
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 5)], ["market"], horizon=1000)
    data["lot_period_days"] = 25.0  # few lots: the regime is what is measured here
    data["shocks"] = {"regimes": {"east": {
        "targets": {"lanes": ["mine_market"]},
        # a lane without capacity can only be closed: contested slows it instead
        "states": {"calm": {}, "contested": {"effects": {"added_delay_days": 1.0}},
                   "occupied": {"effects": {"capacity_factor": 0.0}}},
        "rates_per_year": RATES}}}
    sc = scenario_from_dict(data)
    pi = stationary(RATES, STATES)
    shares, closed = [], []
    for rep in range(16):
        world = World(sc, Streams(12, rep))
        world.run()
        run = world.shocks.regimes["east"]
        shares.append(run.time_in_state / run.time_in_state.sum())
        lane = world.lanes[world.lane_index["mine_market"]]
        closed.append(lane.closed_time(0.0, world.env.now) / world.env.now)
    shares = np.array(shares)
    for i, state in enumerate(STATES):
        mean, half = ci99(shares[:, i])
        assert half < 0.25 * pi[i], (state, half)
        assert abs(mean - pi[i]) <= half, (state, mean, half, pi[i])
    # the lane is closed exactly while the regime is occupied
    assert np.allclose(closed, shares[:, 2], atol=1e-9)


# ----------------------------------------------------------------------------- transit
TRANSIT = {
    "fixed": {"dist": "fixed", "value": 2.5},
    "uniform": {"dist": "uniform", "low": 2.0, "high": 5.0},
    "triangular": {"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 6.0},
    "truncated_normal": {"dist": "truncated_normal", "mean": 3.0, "sd": 1.5, "low": 0.5,
                         "high": 6.0},
    "lognormal": {"dist": "lognormal", "mean": 3.0, "sd": 1.2},
    "exponential": {"dist": "exponential", "mean": 2.0},
    "gamma": {"dist": "gamma", "shape": 2.5, "scale": 1.5},
    "empirical": {"dist": "empirical", "values": [1.0, 2.0, 4.0, 9.0],
                  "weights": [0.1, 0.4, 0.3, 0.2]},
}
Z = 4.5


def test_every_distribution_is_checked() -> None:
    assert set(TRANSIT) == set(DIST_NAMES)


@pytest.mark.parametrize("name", list(TRANSIT))
def test_lane_lead_times_have_the_distributions_moments(build, name: str) -> None:
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", TRANSIT[name])], ["market"],
                          horizon=500)
    data["lot_period_days"] = 0.125  # 8 lots a day: about 4,000 lots
    sc = scenario_from_dict(data)
    dist = sc.lanes["mine_market"].transit_days
    world = World(sc, Streams(21, 0))
    leads: list[float] = []
    record = world.book.record_arrival

    def spy(lot, site_index, at_market) -> None:
        leads.append(world.env.now - lot.t_mined)
        record(lot, site_index, at_market)

    world.book.record_arrival = spy  # type: ignore[method-assign]
    world.run()
    x = np.asarray(leads)
    assert len(x) > 3500
    mean, var = dist.mean(), dist.var()
    if var == 0.0:
        assert np.allclose(x, mean, rtol=0, atol=1e-9)
        return
    m = x.mean()
    d = x - m
    s2 = float((d**2).mean())
    m4 = float((d**4).mean())
    se_mean = math.sqrt(s2 / len(x))
    se_var = math.sqrt(max(m4 - s2**2, 0.0) / len(x))
    assert abs(m - mean) < Z * se_mean, (m, mean, se_mean)
    assert abs(s2 - var) < Z * se_var, (s2, var, se_var)
    assert x.min() >= dist.lower_bound() - 1e-9
