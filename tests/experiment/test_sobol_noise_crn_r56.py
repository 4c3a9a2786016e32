"""Sobol indices of a sweep, as the docs describe them (review 56).

1. Every sample runs the same replication streams, so noise shared by every point cancels:
   README once said replication noise lowers every first-order index, as independent noise
   would (test_sensitivity_theory.py checks the estimator on that case).
2. The bootstrap intervals treat the scrambled Sobol points as independent draws, so they
   are conservative: wider than the indices' spread over design seeds, as README says.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiment.sweep import Param, make_design, run_sweep, sobol_table

TWO_NOISY_MINES = """\
name: two_noisy_mines
start: 2024-01-01
horizon_days: {value: 10, assumption: test input}
warmup_days: {value: 0, assumption: test input}
commodities:
  copper:
    forms:
      cathode: {grade: 1.0, payload_t_per_truck: 25, assumption: test input}
    demand_elasticity: {value: -0.5, assumption: test input}
regions:
  home: {country: COD}
  away: {country: CHN}
sites:
%s  border:
    kind: border_post
    region: home
    location: {lat: -12.0, lon: 28.0, assumption: test input}
    clearance_trucks_per_day: {value: 100, assumption: test input}
  market_x:
    kind: market
    region: away
    location: {lat: 30.0, lon: 120.0, assumption: test input}
    demand_t_per_year: {copper: 36525, assumption: test input}
    initial_stock_t: {copper: 1000, assumption: test input}
lanes:
  a_border: {from: mine_a, to: border, mode: road, transit_days: {value: 3, assumption: t}}
  b_border: {from: mine_b, to: border, mode: road, transit_days: {value: 3, assumption: t}}
  border_market: {from: border, to: market_x, mode: road,
                  transit_days: {value: 10, assumption: test input}}
channels:
  formal:
    routes:
      direct: {path: [border, market_x]}
"""
MINE = """\
  mine_%s:
    kind: mine
    region: home
    location: {lat: -10.0, lon: 26.0, assumption: test input}
    output:
      copper: {form: cathode, t_per_year: 20000, assumption: test input}
    offtake:
      copper: {formal: 1.0, assumption: test input}
    variability: {dist: lognormal, mean: 1.0, sd: 1.0, assumption: test input}
"""


def test_replication_noise_shared_by_every_point_leaves_first_order_indices_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sample runs the same replication streams, so each mine's lot-by-lot noise is
    the same at every point and mined_t is, for the seed, a linear function of the two
    rates: the first-order indices sum to about one at -r 1 though the noise between
    replications is far larger than the design's spread. (Independent noise of that size
    would leave them about 1/20 of the variance, as the docs once said.)"""
    import sim
    import sim.experiment.executors as executors

    # a worker's garbage collection after every replication costs 50 ms in a test
    # process holding many objects, and nothing here needs it
    monkeypatch.setattr(executors.gc, "collect", lambda *args: 0)
    path = tmp_path / "two.yaml"
    path.write_text(TWO_NOISY_MINES % (MINE % "a" + MINE % "b"), encoding="utf-8")
    sweep = run_sweep(path, ["sites.mine_a.output.copper.t_per_year=18000:22000",
                             "sites.mine_b.output.copper.t_per_year=14000:16000"],
                      "sobol", 64, replications=1, seed=0, metrics=["mined_t"])
    s = sweep.sobol[sweep.sobol["output"] == "mined_t:copper"]
    design_sd = sweep.table["mined_t:copper"].std()
    kpis = sim.run(path, 8, seed=0).kpis
    mined = kpis[(kpis.metric == "mined_t") & (kpis.channel == "all") & (kpis.site == "all")]
    noise_sd = mined["value"].std()
    assert noise_sd > 3 * design_sd  # noise variance over 9 times the parameters'
    assert 0.85 < s["first_order"].sum() < 1.15
    assert 0.75 < s["total_order"].sum() < 1.25  # no share left over for noise
    assert math.isfinite(s["first_order_low"].sum())


def test_the_bootstrap_intervals_are_conservative_on_a_smooth_output() -> None:
    """y = x0 + x1 + x2, x0 on [0, 2] (first-order and total indices 2/3, 1/6, 1/6): over
    design seeds every interval holds the truth and is wider than 1.96 times the spread of
    the estimates, the price of an interval that ignores the design's evenness."""
    params = [Param("x0", 0.0, 2.0), Param("x1", 0.0, 1.0), Param("x2", 0.0, 1.0)]
    truth = np.r_[[4 / 6, 1 / 6, 1 / 6], [4 / 6, 1 / 6, 1 / 6]]
    estimates, half_widths = [], []
    for seed in range(12):
        des = make_design(params, "sobol", 64, seed)
        y = np.array(des.values, dtype=float).sum(axis=1)
        s = sobol_table(des, pd.DataFrame({"y": y}), {"y": "u"}, seed, n_resamples=199)
        low = np.r_[s["first_order_low"], s["total_order_low"]]
        high = np.r_[s["first_order_high"], s["total_order_high"]]
        estimates.append(np.r_[s["first_order"], s["total_order"]])
        half_widths.append((high - low) / 2)
        assert np.all((low <= truth) & (truth <= high))
    spread = np.std(estimates, axis=0)
    assert np.all(np.mean(half_widths, axis=0) > 1.96 * spread)
    # the estimates themselves are precise: one sequence's evenness is kept
    assert np.abs(np.mean(estimates, axis=0) - truth).max() < 0.02
    assert spread.max() < 0.04
