"""Sweeps: designs from scipy.stats.qmc, one row per sample, Sobol indices with intervals,
and bad input."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from expt_helpers import TINY

import sim
from sim.cli import main
from sim.experiment.errors import ExperimentError
from sim.experiment.sweep import Param, make_design, run_sweep, sobol_table

CLEARANCE = "sites.border.clearance_trucks_per_day"
TRANSIT = "lanes.border_market.transit_days"
NOISE = ["sites.border.service_variability={dist: exponential, mean: 1}"]
"""tiny.yaml needs 4 trucks a day: clearance between 2 and 8 decides how much gets out."""


def test_param_parsing() -> None:
    assert Param.parse("a.b=1:2") == Param("a.b", 1.0, 2.0)
    assert Param.parse("a.b=0.1:10:log").scale == "log"
    p = Param.parse("a.b=2:5:int")
    assert [p.value(u) for u in (0, 0.24, 0.26, 0.99, 1)] == [2, 2, 3, 5, 5]
    assert Param("x", 1, 100, "log").value(0.5) == pytest.approx(10)
    assert Param("x", 0, 1).override(0.1) == "x=0.1"
    assert Param("x", 0, 10, "int").override(3) == "x=3"
    for bad, fragment in (("a.b", "expected key.path=low:high"),
                          ("a.b=1", "expected a range"),
                          ("a.b=x:2", "not two numbers"),
                          ("a.b=5:1", "must be below high"),
                          ("a.b=1:1", "must be below high"),
                          ("a.b=0:1:log", "low > 0"),
                          ("a.b=0.5:2:int", "whole-number")):
        with pytest.raises(ExperimentError, match=fragment):
            Param.parse(bad)
    with pytest.raises(ExperimentError) as exc:
        Param.parse("shocks.events.x.start=2024-02-01:2024-06-01")
    assert "dates are swept as days from the scenario's start" in exc.value.hint


def test_designs() -> None:
    params = [Param("a", 0, 10), Param("b", 100, 200)]
    lhs = make_design(params, "lhs", 8, seed=1)
    assert lhs.unit.shape == (8, 2) and lhs.blocks == []
    # a Latin hypercube: one point in each of the 8 strata of every parameter
    for j in range(2):
        assert sorted(np.floor(lhs.unit[:, j] * 8).astype(int)) == list(range(8))
    assert np.array_equal(make_design(params, "lhs", 8, seed=1).unit, lhs.unit)
    assert not np.array_equal(make_design(params, "lhs", 8, seed=2).unit, lhs.unit)
    assert all(0 <= a <= 10 and 100 <= b <= 200 for a, b in lhs.values)
    sobol = make_design(params, "sobol", 8, seed=1)
    assert sobol.size == 8 * 4
    a, b = sobol.unit[:8], sobol.unit[8:16]
    ab_a, ab_b = sobol.unit[16:24], sobol.unit[24:32]
    assert np.array_equal(ab_a[:, 0], b[:, 0]) and np.array_equal(ab_a[:, 1], a[:, 1])
    assert np.array_equal(ab_b[:, 1], b[:, 1]) and np.array_equal(ab_b[:, 0], a[:, 0])
    assert sobol.blocks[:9] == ["A"] * 8 + ["B"] and sobol.blocks[-1] == "AB:b"
    grid = make_design(params, "grid", 3, seed=1)
    assert grid.values == [[x, y] for x in (0, 5, 10) for y in (100, 150, 200)]
    with pytest.raises(ExperimentError, match="power of 2"):
        make_design(params, "sobol", 12, seed=1)
    with pytest.raises(ExperimentError, match="unknown design"):
        make_design(params, "halton", 8, seed=1)


def test_range_ends_are_exact() -> None:
    # low + 1 * (high - low) and exp(log(high)) can round past high (0.06:0.9 gave
    # 0.9000000000000001); the ends must be low and high exactly, in value and --set text.
    lows = [*np.round(np.arange(0.01, 1.0, 0.01), 2), 1e-6, 0.1, 1 / 3, 3.7, 12.5, 1e5]
    highs = [0.5, 0.9, 0.95, 1.0, 1.1, 2.2, 7.3, 100.0, 1e6, 1 / 7 + 1]
    pairs = [(lo, hi) for lo in lows for hi in highs if lo < hi]
    pairs += [(-hi, -lo) for lo, hi in pairs[::7]]  # negative ranges (linear only)
    us = np.linspace(0.0, 1.0, 11)
    for lo, hi in pairs:
        for scale in ("linear", "log"):
            if scale == "log" and lo <= 0:
                continue
            p = Param("x", float(lo), float(hi), scale)
            assert p.value(0.0) == lo and p.value(1.0) == hi, (lo, hi, scale)
            assert p.override(p.value(0.0)) == p.override(float(lo))
            assert p.override(p.value(1.0)) == p.override(float(hi))
            values = [p.value(u) for u in us]
            assert all(lo <= v <= hi for v in values) and values == sorted(values)
            grid = make_design([p], "grid", 5, seed=0)
            assert grid.values[0] == [lo] and grid.values[-1] == [hi], (lo, hi, scale)
    for lo, hi in ((0, 1), (2, 5), (-3, 4), (1, 1000), (7, 8)):
        p = Param("n", lo, hi, "int")
        assert p.value(0.0) == lo and p.value(1.0) == hi
        assert isinstance(p.value(1.0), int) and p.override(p.value(1.0)) == f"n={hi}"
        grid = make_design([p], "grid", 2, seed=0)
        assert grid.values == [[lo], [hi]]


def test_lhs_sweep_rows(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    result = CliRunner().invoke(main, ["sweep", str(TINY), "--param", f"{CLEARANCE}=2:8",
                                       "--design", "lhs", "-n", "8", "-r", "2", "--seed", "3",
                                       "--out", str(out), "-w", "1",
                                       "--set", NOISE[0]])
    assert result.exit_code == 0, result.output
    assert "Spearman rank correlation" in result.output
    table = pd.read_csv(out / "sweep.csv")
    assert len(table) == 8
    assert list(table.columns[:2]) == ["sample", CLEARANCE]
    assert {"delivered_t:copper", "shortfall_t:copper", "price_peak_ratio:copper"} <= \
        set(table.columns)
    # more clearance, more exported and less shortfall
    assert table[CLEARANCE].corr(table["exported_t:copper"], method="spearman") > 0.8
    assert table[CLEARANCE].corr(table["shortfall_t:copper"], method="spearman") < -0.8
    # each row holds the KPI means of its sample's replications (same root seed)
    row = table.iloc[0]
    sc = sim.load_scenario(TINY, [*NOISE, Param(CLEARANCE, 2, 8).override(row[CLEARANCE])])
    res = sim.run(sc, 2, seed=3)
    assert row["exported_t:copper"] == pytest.approx(res.kpi("exported_t", "copper").mean())
    long = pd.read_csv(out / "sweep-kpis.csv.gz")
    assert set(long.columns) >= {"sample", "commodity", "channel", "site", "metric", "mean",
                                 "sd", "n"}
    # parameter values are written as the runs were given them, not rounded, so a sample
    # can be rerun bit for bit from the table
    texts = pd.read_csv(out / "sweep.csv", dtype=str)[CLEARANCE]
    assert all(Param(CLEARANCE, 2, 8).override(float(t)) == f"{CLEARANCE}={t}" for t in texts)
    assert max(len(t.replace(".", "").lstrip("0")) for t in texts) > 10
    assert (out / "figures" / "sweep-scatter.png").is_file()
    info = json.loads((out / "sweep.json").read_text())
    assert info["design"] == "lhs" and info["points"] == 8 and info["replications"] == 2
    assert not (out / "sobol.csv").exists()


def test_sobol_indices_find_the_parameter_that_matters(tmp_path: Path) -> None:
    out = tmp_path / "sobol"
    sweep = run_sweep(TINY, [f"{CLEARANCE}=2:8", f"{TRANSIT}=5:15"], "sobol", 16,
                      replications=1, seed=0, overrides=NOISE, out=out, n_resamples=300)
    assert len(sweep.table) == 16 * 4
    assert list(sweep.table["block"][:17]) == ["A"] * 16 + ["B"]
    s = sweep.sobol.set_index(["output", "parameter"])
    # the transit time after the border cannot change what leaves the country
    exported = s.loc["exported_t:copper"]
    assert exported.loc[TRANSIT, "total_order"] == pytest.approx(0, abs=1e-9)
    assert exported.loc[CLEARANCE, "total_order"] > 0.8
    assert exported.loc[CLEARANCE, "first_order_high"] > 0.8
    for kind in ("first_order", "total_order"):
        assert (s[f"{kind}_low"] <= s[kind] + 1e-12).all()
        assert (s[kind] <= s[f"{kind}_high"] + 1e-12).all()
    for name in ("sobol.csv", "sweep.csv", "figures/sweep-sobol.png",
                 "figures/sweep-sobol.svg", "sweep.json"):
        assert (out / name).is_file(), name
    # reproducible intervals: the bootstrap's generator comes from the seed (the runs'
    # own reproducibility is tested apart, so the table is not run again)
    again = sobol_table(sweep.design, sweep.table, sweep.units, 0, n_resamples=300)
    pd.testing.assert_frame_equal(again, sweep.sobol.drop(columns="noise_share"))


def test_python_api_returns_a_dataframe() -> None:
    table = sim.sweep(TINY, {CLEARANCE: (2, 8)}, design="grid", samples=3, overrides=NOISE)
    assert isinstance(table, pd.DataFrame)
    assert table[CLEARANCE].tolist() == [2.0, 5.0, 8.0]
    assert table["exported_t:copper"].is_monotonic_increasing


@pytest.mark.parametrize(("params", "extra", "fragment"), [
    ([f"{CLEARANCE}=8:2"], [], "must be below high"),
    (["sites.border.clearance_truck_per_day=2:8"], [], "did you mean"),
    (["sites.nowhere.clearance_trucks_per_day=2:8"], [], "--param"),
    ([f"{CLEARANCE}=-5:8"], [], "the scenario refuses"),
    ([f"{CLEARANCE}=2:8"], ["--design", "sobol", "-n", "6"], "power of 2"),
])
def test_bad_sweep_input_exits_2(tmp_path: Path, params: list[str], extra: list[str],
                                  fragment: str) -> None:
    words = [w for p in params for w in ("--param", p)]
    result = CliRunner().invoke(main, ["sweep", str(TINY), *words, *extra, "-q", "-w", "1",
                                       "--out", str(tmp_path / "s")])
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "s" / "sweep.csv").exists()


def test_a_swept_bare_number_over_a_value_in_another_unit_gets_a_note(tmp_path: Path) -> None:
    # a sweep of the baseline's gold price (USD/oz) over 2000:3000 set gold to about
    # 0.07-0.09 USD/oz, with no note, where --set with the same number printed one
    price = "commodities.copper.reference_price_usd_per_t"
    priced = tmp_path / "priced.yaml"
    priced.write_text(f"extends: {TINY}\nname: priced\ncommodities:\n  copper:\n"
                      "    reference_price_usd_per_t: {value: 4, unit: usd/lb}\n")
    short = ["horizon_days=10"]
    with pytest.warns(UserWarning) as record:
        table = sim.sweep(priced, {price: (8000, 9000)}, samples=2, overrides=short,
                          workers=1)
    assert [str(w.message) for w in record] == table.attrs["notes"]
    (note,) = table.attrs["notes"]
    assert note.startswith(f"param '{price}=8000:9000': the file gave {price} as 4 usd/lb; "
                           "each sampled number is read in the field's own unit, not usd/lb")
    assert note.endswith(f"vary its value: params={{'{price}.value': (8000, 9000)}})")
    with warnings.catch_warnings():  # the advice keeps the unit, and says nothing more
        warnings.simplefilter("error")
        kept = sim.run_sweep(priced, [f"{price}.value=8000:9000"], samples=2,
                             overrides=short, workers=1)
    assert kept.notes == []
    result = CliRunner().invoke(main, ["sweep", str(priced), "--param", f"{price}=8000:9000",
                                       "-n", "2", "-w", "1", "-q", "--no-figures",
                                       "--out", str(tmp_path / "s"), "--set", short[0]])
    assert result.exit_code == 0, result.output
    assert result.output.count(f"note: --param {price}=8000:9000: the file gave") == 1
    assert f"--param '{price}.value=8000:9000')" in result.output
