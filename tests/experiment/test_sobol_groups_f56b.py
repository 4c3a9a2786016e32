"""Sobol intervals from independently scrambled groups (review 56, finding 2), and what
replication noise does to Sobol indices under common random numbers (finding 3).

A percentile bootstrap over the base points of one scrambled Sobol sequence treated them as
independent draws: on y = 2 x0 + x1 + x2 its 95% intervals were 2.8-6.5 times the spread
of the estimates over design seeds and held the truth every time. The groups' spread is the
error of the points themselves."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import sobol_indices

from sim.experiment.sweep import Param, make_design, run_sweep, sobol_groups, sobol_table
from sim.output.folder import FolderError
from sim.output.sweep_store import SweepStore, sweep_plan

ROOT = Path(__file__).resolve().parents[2]
LINEAR = [Param("x0", 0.0, 2.0), Param("x1", 0.0, 1.0), Param("x2", 0.0, 1.0)]
LINEAR_TRUTH = np.array([4.0, 1.0, 1.0]) / 6  # first-order and total alike


def _linear(n: int, seed: int) -> pd.DataFrame:
    des = make_design(LINEAR, "sobol", n, seed)
    y = np.array(des.values, dtype=float).sum(axis=1)
    return sobol_table(des, pd.DataFrame({"y": y}), {"y": "u"})


def test_a_sobol_design_is_drawn_in_independently_scrambled_groups() -> None:
    assert [sobol_groups(n) for n in (2, 4, 8, 16, 32, 64, 1024)] == [2, 2, 2, 4, 8, 8, 8]
    des = make_design(LINEAR, "sobol", 64, seed=3)
    assert des.groups == 8 and des.size == 64 * 5
    a, b = des.unit[:64], des.unit[64:128]
    for g in range(8):
        rows = slice(8 * g, 8 * g + 8)
        # each group is a scrambled Sobol sequence of its own: balanced on its own
        for block in (a, b):
            assert np.all((block[rows] < 0.5).sum(axis=0) == 4)
            assert np.all((block[rows] < 0.25).sum(axis=0) == 2)
        assert {des.group_of(k) for k in range(8 * g, 8 * g + 8)} == {g}
        assert des.group_of(64 * 3 + 8 * g) == g  # the same rows of every block
    # ... and not parts of one sequence: 64 points of one scrambled sequence put exactly
    # one in each 64th of every column, 8 scramblings of 8 points do not
    assert not all(sorted(np.floor(a[:, j] * 64).astype(int)) == list(range(64))
                   for j in range(3))


def test_the_pooled_indices_are_scipys_on_all_the_points() -> None:
    des = make_design(LINEAR, "sobol", 64, seed=1)
    x = np.array(des.values, dtype=float)
    y = np.vstack([x.sum(axis=1), x[:, 0] * x[:, 1] + x[:, 2] ** 2])
    s = sobol_table(des, pd.DataFrame({"y": y[0], "z": y[1]}), {"y": "u", "z": "u"})
    ref = sobol_indices(func={"f_A": y[:, :64], "f_B": y[:, 64:128],
                              "f_AB": np.stack([y[:, (2 + i) * 64:(3 + i) * 64]
                                                for i in range(3)])}, n=64)
    assert s["first_order"].to_numpy() == pytest.approx(np.ravel(ref.first_order))
    assert s["total_order"].to_numpy() == pytest.approx(np.ravel(ref.total_order))
    assert (s["groups"] == 8).all() and (s["base_samples"] == 64).all()


def test_the_interval_is_as_wide_as_the_estimates_spread_over_design_seeds() -> None:
    # 256 base samples in 8 groups of 32; the reviewer's bootstrap gave half-widths
    # 2.8-6.5 times 1.96 sd of the estimates (sd over seeds 0.01-0.03)
    runs = [_linear(256, seed) for seed in range(12)]
    est = np.array([r[["first_order", "total_order"]].to_numpy().ravel() for r in runs])
    half = np.array([((r[["first_order_high", "total_order_high"]].to_numpy()
                       - r[["first_order_low", "total_order_low"]].to_numpy()) / 2).ravel()
                     for r in runs])
    truth = np.repeat(LINEAR_TRUTH, 2)
    assert est.mean(axis=0) == pytest.approx(truth, abs=0.01)
    assert np.abs(est - truth).max() < 0.05
    ratio = half.mean(axis=0) / (1.96 * est.std(axis=0, ddof=1))
    assert np.all((ratio > 0.5) & (ratio < 2.0)), ratio
    covered = (np.abs(est - truth) <= half).mean()
    assert 0.8 <= covered < 1.0  # about 95%: not every interval holds the truth


def test_a_sobol_sweep_saved_before_the_groups_is_not_resumed(tmp_path: Path) -> None:
    params = [{"path": "horizon_days", "low": 20.0, "high": 30.0, "scale": "int"}]

    def plan(design: str, groups: int | None) -> dict:
        return sweep_plan("tiny", "abc", "tiny.yaml", [], design, 8, params, 0, 1,
                          sobol_groups=groups)

    for design, groups in (("sobol", None), ("lhs", None)):
        folder = tmp_path / design
        store = SweepStore(folder)
        store.begin(plan(design, groups), resume=False)  # as an earlier version wrote it
        old = json.loads((store.path / "plan.json").read_text())
        assert "sobol_groups" not in old
        now = plan(design, sobol_groups(8) if design == "sobol" else None)
        if design == "lhs":  # the same points as before: resumed
            assert SweepStore(folder).begin(now, resume=True) == {}
            continue
        with pytest.raises(FolderError) as caught:
            SweepStore(folder).begin(now, resume=True)
        text = caught.value.report() if hasattr(caught.value, "report") else str(caught.value)
        assert "one scrambled Sobol sequence" in text and "2 independently scrambled" in text
        assert "--force" in text


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
