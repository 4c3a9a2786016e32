"""What the sensitivity analyst of review 113 needed a sweep to say: a KPI that varies
by rounding alone is constant, replication noise is measured and named, price peaks at
their cap are named and drawn, a distribution swept as a number is noted, designs too
large to hold are refused, and the Python API warns of all of it."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiment.errors import ExperimentError
from sim.experiment.sweep import (
    MAX_POINTS,
    Param,
    PointScenarios,
    Sweep,
    _capped,
    make_design,
    noise_shares,
    run_sweep,
    varies,
)
from sim.output.sweep_output import (
    NOISE_NOTE_SHARE,
    cap_note,
    constant_note,
    noise_note,
    scatter_figure,
    sweep_text,
)

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
CLEARANCE = Param("sites.border.clearance_trucks_per_day", 50, 150)


def made(columns: dict[str, np.ndarray], design: str = "lhs", samples: int = 8,
         replications: int = 2, **extra) -> Sweep:
    des = make_design([CLEARANCE], design, samples, seed=0)
    table = pd.DataFrame({"sample": np.arange(des.size),
                          CLEARANCE.path: [row[0] for row in des.values]})
    for col, values in columns.items():
        table[col] = values
    units = {c: "t" if not c.startswith("price") else "ratio" for c in columns}
    return Sweep("tiny", des, 0, replications, table, pd.DataFrame(), None, units, **extra)


def test_a_column_that_varies_by_rounding_alone_is_constant() -> None:
    # 6,599,630.296 t in every sample, off by 1e-15 of itself: ranked at rho = -0.63
    flat = 6_599_630.296 + np.array([0, 7.5e-9, -3e-9, 1e-9, 0, 2e-9, -1e-9, 4e-9])
    sw = made({"exported_t:copper": flat, "delivered_t:copper": np.arange(8.0)})
    assert not varies(flat) and varies(np.arange(8.0)) and not varies([1.0, math.nan])
    assert list(sw.correlations().index) == ["delivered_t:copper"]
    note = constant_note(sw, ["exported_t:copper"])
    assert note is not None and "exported_t:copper (6,599,630 t) is the same" in note


def test_noise_share_counts_only_the_noise_common_random_numbers_leave() -> None:
    # KPI at 3 points x 2 replications: replication 1 is 10 higher at every point (a
    # closure drawn long), which moves every sample mean alike and cancels
    label = [("cobalt", "all", "all", "shortfall_t", "t")]
    labels = {k: label for k in range(3)}
    grid = [[0.0, 10.0], [4.0, 14.0], [8.0, 18.0]]
    values = {(k, r): np.array([grid[k][r]]) for k in range(3) for r in range(2)}
    units = {"shortfall_t:cobalt": "t"}
    assert noise_shares(values, labels, units, [0, 1, 2], 2)["shortfall_t:cobalt"] == 0.0
    # now noise the replications do not share: residuals +-1 around the additive fit
    grid = [[1.0, 9.0], [4.0, 14.0], [7.0, 19.0]]
    values = {(k, r): np.array([grid[k][r]]) for k in range(3) for r in range(2)}
    # means 5, 9, 13 (variance 16); residuals +1, -1 / 0, 0 / -1, +1: s2 = 4 / 2 = 2
    share = noise_shares(values, labels, units, [0, 1, 2], 2)["shortfall_t:cobalt"]
    assert share == pytest.approx(2 / 2 / 16)
    assert math.isnan(noise_shares(values, labels, units, [0, 1, 2], 1)["shortfall_t:cobalt"])


def test_the_noise_note_names_noisy_kpis_and_says_when_noise_is_not_measured() -> None:
    cols = {"shortfall_t:cobalt": np.arange(8.0), "delivered_t:cobalt": np.arange(8.0)}
    sw = made(cols, noise_share={"shortfall_t:cobalt": 0.75, "delivered_t:cobalt": 0.01})
    note = noise_note(sw, list(cols))
    assert note is not None and "shortfall_t:cobalt 75%" in note
    assert "delivered_t:cobalt" not in note and "(-r)" in note
    # review 146: a grid or LHS design has no total indices to count it in
    assert "total indices" not in note and "correlations weaken with it" in note
    sw.sobol = pd.DataFrame({"output": []})
    assert "in total indices above all" in noise_note(sw, list(cols))
    one = made(cols, replications=1)
    assert noise_note(one, list(cols)) is None  # correlations: chance is said apart
    one.sobol = pd.DataFrame({"output": []})
    assert "cannot be told from the parameters' effects" in noise_note(one, list(cols))


def test_peaks_at_the_cap_are_counted_named_and_drawn() -> None:
    # replications' price peaks at 3 samples of a cap of 10: all, some, none at the cap
    labels = {k: [("cobalt", "all", "all", "price_peak_ratio", "ratio")] for k in range(3)}
    values = {(0, 0): np.array([10.0]), (0, 1): np.array([10.0]),
              (1, 0): np.array([10.0]), (1, 1): np.array([4.0]),
              (2, 0): np.array([3.0]), (2, 1): np.array([2.0])}
    caps = [{"cobalt": 10.0}] * 3
    assert _capped(values, labels, 2, caps) == {"price_peak_ratio:cobalt": (1, 1, 10.0)}
    peaks = np.array([10.0, 7.0, 2.5, 3, 4, 5, 6, 10.0])
    sw = made({"price_peak_ratio:cobalt": peaks},
              at_cap={"price_peak_ratio:cobalt": (2, 1, 10.0)})
    note = cap_note(sw, ["price_peak_ratio:cobalt"])
    assert note is not None
    assert "reached its cap (10) in every replication at 2 of 8 samples" in note
    assert "some replications at 1 of 8 samples" in note and "not how high the price" in note
    assert "price_peak_ratio:cobalt" in sweep_text(sw, ["price_peak_ratio:cobalt"])
    fig = scatter_figure(sw, ["price_peak_ratio:cobalt"])
    ax = fig.axes[0]
    assert any(list(line.get_ydata()) == [10.0, 10.0] for line in ax.get_lines())
    assert "price cap" in [t.get_text() for t in ax.texts]
    # at the cap everywhere: not "the same in every sample" as if nothing drove it
    every = made({"price_peak_ratio:cobalt": np.full(8, 10.0)},
                 at_cap={"price_peak_ratio:cobalt": (8, 0, 10.0)})
    note = constant_note(every, ["price_peak_ratio:cobalt"])
    assert note is not None and "the price cap 10" in note and "no input can be ranked" in note


def test_a_distribution_swept_as_a_number_is_noted(tmp_path) -> None:
    path = tmp_path / "spread.yaml"
    path.write_text(f"extends: {TINY}\nname: spread\nlanes:\n  border_market:\n"
                    "    transit_days: {dist: uniform, low: 9, high: 11, assumption: test}\n",
                    encoding="utf-8")
    points = PointScenarios(path)
    (note,) = points.check([Param.parse("lanes.border_market.transit_days=8:12")])
    assert "the file gives a distribution there ({dist: uniform, low: 9, high: 11})" in note
    assert "--param 'lanes.border_market.transit_days.high=...'" in note
    assert points.check([Param.parse("lanes.border_market.transit_days.high=10:12")]) == []


def test_designs_too_large_to_hold_are_refused() -> None:
    with pytest.raises(ExperimentError, match="at most 100,000"):
        make_design([CLEARANCE], "lhs", MAX_POINTS + 1, 0)
    with pytest.raises(ExperimentError, match="327,680 sobol design points"):
        make_design([CLEARANCE, Param("horizon_days", 20, 30), Param("warmup_days", 0, 5)],
                    "sobol", 65536, 0)
    with pytest.raises(ExperimentError, match="power of 2 base samples, at least 2, got 1"):
        make_design([CLEARANCE], "sobol", 1, 0)


def test_the_python_api_warns_of_the_cautions_at_the_callers_line() -> None:
    # a Sobol sweep of 2 base samples gave an index of -0.39 with no word in a notebook
    with pytest.warns(UserWarning, match="2 base samples are few for Sobol") as record:
        result = run_sweep(TINY, ["horizon_days=20:30:int"], "sobol", 2, 1, 0)
    few = [w for w in record if "few for Sobol" in str(w.message)]
    assert few[0].filename == __file__
    assert "samples=256" in str(few[0].message) and "-n" not in str(few[0].message)
    assert result.cautions and "noise_share" in result.sobol.columns


def test_a_sweep_saved_by_an_older_version_is_not_mixed_with_new_runs(tmp_path) -> None:
    # review 119: resumed with new samples to run, an older version's saved replications
    # (other KPI rows) were mixed into sweep.csv without a word
    import json

    out = tmp_path / "sw"
    run_sweep(TINY, ["horizon_days=20:30:int"], "lhs", 3, 1, 0, out=out, figures=False)
    plan_path = out / "sweep-replications" / "plan.json"
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    from sim.metrics.kpis import KPI_ROWS

    assert plan["kpi_rows"] == KPI_ROWS
    del plan["kpi_rows"]  # as an older version wrote it
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    for _again in range(2):  # a refused resume left the new version in the plan
        with pytest.raises(ExperimentError, match="saved by an older version of sim"):
            run_sweep(TINY, ["horizon_days=20:30:int"], "lhs", 3, 2, 0, out=out,
                      resume=True, figures=False)
    # nothing left to run: the saved sweep is read back as it is
    result = run_sweep(TINY, ["horizon_days=20:30:int"], "lhs", 3, 1, 0, out=out,
                       resume=True, figures=False)
    assert result.resumed_with == 3


def test_the_python_api_s_cautions_are_on_the_kpis_asked_for() -> None:
    # review 146: run_sweep(metrics=[...]) judged its noise note on the headline KPIs, where
    # `sim sweep --metric` names the KPI asked for. The border post's waits with a random
    # clearance time hardly depend on the horizon: much of it noise
    overrides = ["sites.border.clearance_trucks_per_day=4.4",
                 "sites.border.service_variability={dist: exponential, mean: 1}"]
    wanted = "mean_wait_days:all:all:border"
    with pytest.warns(UserWarning) as record:
        result = run_sweep(TINY, ["horizon_days=60:61:int"], "grid", 2, 3, 0,
                           overrides=overrides, metrics=[wanted])
    noisy = [str(w.message) for w in record if "replication noise" in str(w.message)]
    assert noisy and wanted in noisy[0], [str(w.message) for w in record]
    assert result.noise_share[wanted] > NOISE_NOTE_SHARE


def test_a_check_kpi_s_rounding_gets_no_indices_nor_correlations() -> None:
    # review 154: copper's mass-balance error, 4e-8 to 1e-7 t of rounding, got first-order
    # 0.93: beyond the relative guard for values below 1 t
    from sim.experiment.sweep import CHECKS, varies

    assert "mass_balance_error_t" in CHECKS
    rounding = np.array([4e-8, 1e-7, 6e-8, 9e-8])
    assert varies(rounding)  # as a plain column it passes the guard
    assert not varies(rounding, "mass_balance_error_t:copper")
    cols = {"mass_balance_error_t:copper": np.linspace(4e-8, 1e-7, 8),
            "delivered_t:cobalt": np.arange(8.0)}
    sw = made(cols)
    assert list(sw.correlations().index) == ["delivered_t:cobalt"]
    # review 155: not "the same in every sample", which its values are not
    note = constant_note(sw, ["mass_balance_error_t"])
    assert note == ("note: mass_balance_error_t:copper (at most 1e-07 t) is a check of the run, "
                    "0 up to rounding, so not ranked against the parameters")


def test_noise_is_measured_wherever_the_means_vary_past_rounding() -> None:
    # review 167: other_supply_t:copper's means, about 5.94 Mt, varied by 114 t (2e-5 of
    # themselves): indices were given, its noise share (6%) left blank
    label = [("copper", "all", "all", "other_supply_t", "t")]
    labels = {k: label for k in range(3)}
    base = 5_938_400.0
    grid = [[base + 1, base + 9], [base + 44, base + 54], [base + 87, base + 99]]
    values = {(k, r): np.array([grid[k][r]]) for k in range(3) for r in range(2)}
    means = np.array([np.mean(row) for row in grid])
    assert varies(means)
    share = noise_shares(values, labels, {"other_supply_t:copper": "t"}, [0, 1, 2], 2)
    assert 0 < share["other_supply_t:copper"] < 0.1
    # rounding alone is still not measured: it is no spread
    flat = {(k, r): np.array([base * (1 + 1e-12 * k)]) for k in range(3) for r in range(2)}
    assert math.isnan(noise_shares(flat, labels, {"other_supply_t:copper": "t"}, [0, 1, 2],
                                   2)["other_supply_t:copper"])
