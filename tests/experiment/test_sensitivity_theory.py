"""Sweep designs and Sobol indices checked against functions whose indices are known
(Ishigami, a linear model) and against the definitions of the designs: fast, fixed
seeds, no simulation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.experiment.sweep import Param, make_design, sobol_table

A, B = 7.0, 0.1
_V = A**2 / 8 + B * math.pi**4 / 5 + B**2 * math.pi**8 / 18 + 0.5
_V1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
_V13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
ISHIGAMI_S1 = np.array([_V1, A**2 / 8, 0.0]) / _V
ISHIGAMI_ST = np.array([_V1 + _V13, A**2 / 8, _V13]) / _V


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def _indices(params: list[Param], f: object, n: int, seed: int) -> pd.DataFrame:
    des = make_design(params, "sobol", n, seed)
    y = f(np.array(des.values, dtype=float))  # type: ignore[operator]
    return sobol_table(des, pd.DataFrame({"y": y}), {"y": "u"}, seed, n_resamples=299)


def test_ishigami_indices() -> None:
    assert np.allclose(ISHIGAMI_S1, [0.3139, 0.4424, 0.0], atol=1e-4)
    assert np.allclose(ISHIGAMI_ST, [0.5576, 0.4424, 0.2437], atol=1e-4)
    params = [Param(f"x{i}", -math.pi, math.pi) for i in range(3)]
    s = _indices(params, ishigami, 2048, seed=5)
    assert s["parameter"].tolist() == ["x0", "x1", "x2"]
    assert s["first_order"].to_numpy() == pytest.approx(ISHIGAMI_S1, abs=0.03)
    assert s["total_order"].to_numpy() == pytest.approx(ISHIGAMI_ST, abs=0.03)
    # the bootstrap intervals hold the true values and are not degenerate
    for kind, truth in (("first_order", ISHIGAMI_S1), ("total_order", ISHIGAMI_ST)):
        low, high = s[f"{kind}_low"].to_numpy(), s[f"{kind}_high"].to_numpy()
        assert np.all(low <= truth) and np.all(truth <= high), (kind, low, high)
        assert np.all(high - low > 0.005) and np.all(high - low < 0.15)


def test_linear_model_indices_are_each_terms_share_of_the_variance() -> None:
    # Y = sum a_i X_i, X_i uniform on different ranges: S1_i = ST_i = a_i^2 Var X_i / Var Y
    a = np.array([1.0, 2.0, 3.0])
    params = [Param("x0", 0.0, 1.0), Param("x1", 0.0, 2.0), Param("x2", -1.0, 1.0)]
    var = a**2 * np.array([(p.high - p.low) ** 2 / 12 for p in params])
    s = _indices(params, lambda x: x @ a, 1024, seed=2)
    assert s["first_order"].to_numpy() == pytest.approx(var / var.sum(), abs=0.01)
    assert s["total_order"].to_numpy() == pytest.approx(var / var.sum(), abs=0.01)


def test_one_parameter_and_one_output() -> None:
    # Y = X: all the variance is X's. scipy's sobol_indices fails on one output and one
    # parameter, which a sweep of one parameter with one --metric asks for; the indices
    # must be those the output gets beside another.
    des = make_design([Param("x", 0.0, 1.0)], "sobol", 64, seed=4)
    x = np.array(des.values, dtype=float)[:, 0]
    alone = sobol_table(des, pd.DataFrame({"y": x}), {"y": "u"}, 4, n_resamples=99)
    beside = sobol_table(des, pd.DataFrame({"y": x, "z": x**2}), {"y": "u", "z": "u"}, 4,
                         n_resamples=99)
    assert alone["first_order"].tolist() == pytest.approx([1.0], abs=0.05)
    assert alone["total_order"].tolist() == pytest.approx([1.0], abs=0.05)
    columns = ["first_order", "first_order_low", "first_order_high", "total_order",
               "total_order_low", "total_order_high"]
    assert alone[columns].to_numpy() == pytest.approx(
        beside[beside.output == "y"][columns].to_numpy())


def test_an_output_with_noise_between_samples_gets_inflated_totals() -> None:
    """Noise independent from sample to sample counts in every parameter's total index and
    dilutes the first-order ones. A sweep's samples share common random numbers, so its
    noise is not of this kind (see test_sobol_noise_crn_r56.py): this checks the
    estimator on the case the common random numbers avoid."""
    rng = np.random.default_rng(1)
    a = np.array([1.0, 1.0])
    params = [Param("x0", 0.0, 1.0), Param("x1", 0.0, 1.0)]
    s = _indices(params, lambda x: x @ a + rng.normal(0, 0.4, len(x)), 1024, seed=3)
    var_x, noise = 1 / 12, 0.4**2   # each term's variance, the noise's
    total = 2 * var_x + noise
    assert s["first_order"].to_numpy() == pytest.approx(var_x / total, abs=0.04)  # not 0.5
    assert s["total_order"].to_numpy() == pytest.approx((var_x + noise) / total, abs=0.05)


def test_saltelli_design_blocks() -> None:
    params = [Param("p", 0.0, 1.0), Param("q", 10.0, 20.0), Param("r", 1.0, 100.0, "log")]
    des = make_design(params, "sobol", 16, seed=7)
    n, d = 16, 3
    assert des.size == n * (d + 2)
    u = des.unit
    a, b = u[:n], u[n:2 * n]
    for i in range(d):
        ab = u[(2 + i) * n:(3 + i) * n]
        assert np.array_equal(np.delete(ab, i, axis=1), np.delete(a, i, axis=1))
        assert np.array_equal(ab[:, i], b[:, i])
        assert set(des.blocks[(2 + i) * n:(3 + i) * n]) == {f"AB:{params[i].path}"}
    assert not np.allclose(a, b)
    # a scrambled Sobol base: each half of [0, 1) holds half the points in every column
    assert np.all(((a < 0.5).sum(axis=0)) == n // 2)


def test_latin_hypercube_is_stratified_and_scaled_to_the_ranges() -> None:
    n = 40
    params = [Param("lin", 150.0, 400.0), Param("log", 0.01, 10.0, "log"),
              Param("whole", 8.0, 11.0, "int")]
    des = make_design(params, "lhs", n, seed=3)
    u = des.unit
    # one point in each of the n strata of every column
    for j in range(3):
        assert sorted(np.floor(u[:, j] * n).astype(int)) == list(range(n))
    v = np.array(des.values, dtype=float)
    assert v[:, 0] == pytest.approx(150.0 + u[:, 0] * 250.0)
    assert np.log(v[:, 1]) == pytest.approx(np.log(0.01) + u[:, 1] * np.log(1000.0))
    # log scale: one point per stratum of log10 between -2 and 1
    assert sorted(np.floor((np.log10(v[:, 1]) + 2) / 3 * n).astype(int)) == list(range(n))
    # whole numbers 8..11 inclusive, each 1/4 of the points (n/4 strata each)
    whole = [row[2] for row in des.values]
    assert all(isinstance(w, int) for w in whole)
    assert {w: whole.count(w) for w in set(whole)} == {8: 10, 9: 10, 10: 10, 11: 10}


def test_grid_levels_include_the_ends() -> None:
    params = [Param("x", 0.06, 0.9), Param("k", 1.0, 5.0, "int")]
    des = make_design(params, "grid", 5, seed=0)
    xs = sorted({row[0] for row in des.values})
    ks = sorted({row[1] for row in des.values})
    assert xs[0] == 0.06 and xs[-1] == 0.9 and len(xs) == 5
    assert ks == [1, 2, 3, 4, 5]
