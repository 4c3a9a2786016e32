"""Distributions: analytic mean and variance against large samples, samplers, scaling."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from sim.distributions import (
    DIST_NAMES,
    ConstantSampler,
    Distribution,
    Fixed,
    Sampler,
    coerce_distribution,
    make_sampler,
)
from sim.streams import Streams, stable_hash

DIST = TypeAdapter(Distribution)
N = 200_000
Z = 5.0  # standard errors allowed: a false alarm is about 1 in 1.7 million per check

SPECS = {
    "fixed": {"dist": "fixed", "value": 2.5},
    "uniform": {"dist": "uniform", "low": 2.0, "high": 5.0},
    "triangular": {"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 6.0},
    "truncated_normal": {"dist": "truncated_normal", "mean": 1.0, "sd": 1.5, "low": 0.0,
                         "high": 4.0},
    "lognormal": {"dist": "lognormal", "mean": 3.0, "sd": 1.2},
    "exponential": {"dist": "exponential", "mean": 0.7},
    "gamma": {"dist": "gamma", "shape": 2.5, "scale": 1.5},
    "empirical": {"dist": "empirical", "values": [1.0, 2.0, 4.0, 9.0],
                  "weights": [0.1, 0.4, 0.3, 0.2]},
}

# Means and variances worked out by hand, independently of the implementation.
KNOWN = {
    "fixed": (2.5, 0.0),
    "uniform": (3.5, 9 / 12),
    "triangular": (3.0, (1 + 36 + 4 - 6 - 2 - 12) / 18),
    "lognormal": (3.0, 1.44),
    "exponential": (0.7, 0.49),
    "gamma": (3.75, 5.625),
    "empirical": (0.1 + 0.8 + 1.2 + 1.8, None),
}


def make(name: str):
    return DIST.validate_python(SPECS[name])


def test_every_distribution_is_covered() -> None:
    assert set(SPECS) == set(DIST_NAMES)


@pytest.mark.parametrize("name", list(SPECS))
def test_sample_mean_and_variance_match_analytic(name: str) -> None:
    dist = make(name)
    x = dist.sample(np.random.default_rng(20240101), N)
    assert x.shape == (N,)
    mean, var = dist.mean(), dist.var()
    if var == 0.0:
        assert np.all(x == mean)
        return
    m = x.mean()
    d = x - m
    s2 = (d**2).mean()
    m4 = (d**4).mean()
    se_mean = math.sqrt(var / N)
    se_var = math.sqrt(max(m4 - s2**2, 0.0) / N)
    assert abs(m - mean) < Z * se_mean, (m, mean, se_mean)
    assert abs(s2 - var) < Z * se_var, (s2, var, se_var)
    assert x.min() >= dist.lower_bound()


@pytest.mark.parametrize("name", list(KNOWN))
def test_analytic_moments_by_hand(name: str) -> None:
    dist = make(name)
    mean, var = KNOWN[name]
    assert dist.mean() == pytest.approx(mean)
    if var is not None:
        assert dist.var() == pytest.approx(var)


def test_truncated_normal_moments_against_scipy_formula() -> None:
    # mean = mu + sd * (phi(a) - phi(b)) / (Phi(b) - Phi(a)), with a, b standardised cut-offs
    mu, sd, lo, hi = 1.0, 1.5, 0.0, 4.0
    a, b = (lo - mu) / sd, (hi - mu) / sd
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    zmass = cdf(b) - cdf(a)
    mean = mu + sd * (phi(a) - phi(b)) / zmass
    var = sd**2 * (1 + (a * phi(a) - b * phi(b)) / zmass - ((phi(a) - phi(b)) / zmass) ** 2)
    dist = make("truncated_normal")
    assert dist.mean() == pytest.approx(mean, rel=1e-9)
    assert dist.var() == pytest.approx(var, rel=1e-9)
    x = dist.sample(np.random.default_rng(3), 10_000)
    assert x.min() >= lo and x.max() <= hi


def test_empirical_without_weights_is_uniform_over_values() -> None:
    dist = DIST.validate_python({"dist": "empirical", "values": [1, 2, 3, 10]})
    assert dist.mean() == 4.0
    assert dist.var() == pytest.approx(np.var([1, 2, 3, 10]))
    assert set(np.unique(dist.sample(np.random.default_rng(0), 1000))) == {1, 2, 3, 10}


@pytest.mark.parametrize("name", list(SPECS))
def test_scaled_scales_mean_and_variance(name: str) -> None:
    dist = make(name)
    scaled = dist.scaled(2.5)
    assert type(scaled) is type(dist)
    assert scaled.mean() == pytest.approx(2.5 * dist.mean(), rel=1e-12)
    assert scaled.var() == pytest.approx(2.5**2 * dist.var(), rel=1e-12, abs=1e-15)
    assert dist.mean() == make(name).mean()  # the original is unchanged


@pytest.mark.parametrize("spec", [
    {"dist": "uniform", "low": 3, "high": 3},
    {"dist": "triangular", "low": 1, "mode": 5, "high": 3},
    {"dist": "truncated_normal", "mean": 1, "sd": 0},
    {"dist": "truncated_normal", "mean": 1, "sd": 1, "low": 2, "high": 2},
    {"dist": "lognormal", "mean": -1, "sd": 1},
    {"dist": "exponential", "mean": 0},
    {"dist": "gamma", "shape": 0, "scale": 1},
    {"dist": "empirical", "values": []},
    {"dist": "empirical", "values": [1, 2], "weights": [1]},
    {"dist": "empirical", "values": [1, 2], "weights": [0, 0]},
    {"dist": "exponential", "mean": 1, "rate": 2},
    {"dist": "poisson", "mean": 1},
])
def test_invalid_parameters_are_rejected(spec: dict) -> None:
    with pytest.raises(ValidationError):
        DIST.validate_python(spec)


def test_coerce_shorthands_and_units() -> None:
    assert DIST.validate_python(coerce_distribution(4, "day")) == Fixed(value=4)
    assert DIST.validate_python(coerce_distribution({"value": 2}, "day")) == Fixed(value=2)
    assert DIST.validate_python(coerce_distribution({"value": 2, "unit": "weeks"}, "day")) \
        == Fixed(value=14)
    tn = DIST.validate_python(coerce_distribution(
        {"dist": "truncated_normal", "mean": 2, "sd": 1, "unit": "h"}, "day"))
    assert (tn.mean_, tn.sd) == pytest.approx((2 / 24, 1 / 24))
    emp = DIST.validate_python(coerce_distribution(
        {"dist": "empirical", "values": [1, 2], "unit": "weeks"}, "day"))
    assert emp.values == [7, 14]


# ----------------------------------------------------------------------------- samplers
@pytest.mark.parametrize("name", [n for n in SPECS if n != "fixed"])
def test_sampler_same_seed_same_sequence(name: str) -> None:
    dist = make(name)
    a = Sampler(dist, np.random.default_rng(7))
    b = Sampler(dist, np.random.default_rng(7))
    c = Sampler(dist, np.random.default_rng(8))
    xa = [a() for _ in range(1000)]  # crosses several 256-draw blocks
    xb = [b() for _ in range(1000)]
    xc = [c() for _ in range(1000)]
    assert xa == xb
    assert xa != xc


def test_sampler_serves_the_generator_blocks_in_order() -> None:
    dist = make("gamma")
    s = Sampler(dist, np.random.default_rng(11), block=100)
    rng = np.random.default_rng(11)
    expected = np.concatenate([dist.sample(rng, 100) for _ in range(3)])
    assert [s() for _ in range(300)] == expected.tolist()


def test_sampler_draw_and_call_share_one_sequence() -> None:
    # the world's components hold .draw (a C-level callable); both serve the same blocks
    dist = make("gamma")
    s = Sampler(dist, np.random.default_rng(11), block=100)
    rng = np.random.default_rng(11)
    expected = np.concatenate([dist.sample(rng, 100) for _ in range(3)]).tolist()
    got = [s.draw() if i % 3 else s() for i in range(300)]
    assert got == expected
    c = make_sampler(Fixed(value=2.5), lambda: None)
    assert [c.draw(), c(), c.draw()] == [2.5, 2.5, 2.5]


def test_sampler_mean_matches() -> None:
    dist = make("exponential")
    s = Sampler(dist, np.random.default_rng(5))
    x = np.array([s() for _ in range(50_000)])
    assert abs(x.mean() - 0.7) < Z * 0.7 / math.sqrt(50_000)


def test_make_sampler_fixed_uses_no_random_numbers() -> None:
    def factory():  # pragma: no cover - must not be called
        raise AssertionError("a fixed value needs no random stream")

    s = make_sampler(Fixed(value=3.0), factory)
    assert isinstance(s, ConstantSampler)
    assert [s() for _ in range(3)] == [3.0, 3.0, 3.0]
    assert isinstance(make_sampler(make("uniform"), lambda: np.random.default_rng(1)), Sampler)


def test_streams_are_keyed_and_reproducible() -> None:
    def draws(seed: int, rep: int, key: str) -> list[float]:
        return Streams(seed, rep).rng(key).random(5).tolist()

    assert draws(1, 0, "lane:a:transit") == draws(1, 0, "lane:a:transit")
    assert draws(1, 0, "lane:a:transit") != draws(1, 0, "lane:b:transit")
    assert draws(1, 0, "lane:a:transit") != draws(1, 1, "lane:a:transit")
    assert draws(1, 0, "lane:a:transit") != draws(2, 0, "lane:a:transit")
    assert stable_hash("x") == stable_hash("x") != stable_hash("y")
    assert 0 <= stable_hash("lane:a:transit") < 2**64
    with pytest.raises(ValueError):
        Streams(-1, 0)
