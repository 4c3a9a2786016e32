"""Paired comparison: the numbers, the files, results folders in place of scenario files,
and common random numbers narrowing the interval of a difference."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from expt_helpers import BASELINE, RANDOM, SET_RANDOM, TINY
from scipy import stats

import sim
from sim.cli import main
from sim.experiment.compare import compare_table, run_comparison
from sim.experiment.results import Results
from sim.experiment.stats import t_interval
from sim.metrics.series import catalogue


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def fake_results(labels: list[tuple], values: list[list[float]], reps: list[int] | None = None
                 ) -> Results:
    """Results of tiny.yaml with the given KPI labels and values [replication, kpi]."""
    sc = sim.load_scenario(TINY)
    cat = catalogue(sc)
    vals = np.array(values, dtype=float)
    reps = reps if reps is not None else list(range(len(vals)))
    return Results(sc, 0, reps, labels, vals, cat,
                   np.zeros((len(reps), len(cat.keys), cat.n_periods), dtype=np.float32))


A = ("copper", "all", "all", "delivered_t", "t")
B = ("copper", "all", "all", "shortfall_t", "t")
C = ("copper", "all", "all", "lead_days", "days")
ONLY_B = ("copper", "formal", "all", "seized_t", "t")


def test_compare_table_by_hand() -> None:
    ref = fake_results([A, B, C], [[10, 0, 5], [12, 0, np.nan], [14, 0, 7], [16, 0, 9]])
    alt = fake_results([A, B, ONLY_B, C], [[11, 1, 3, 6], [12, 2, 3, 8], [17, 0, 3, 8],
                                           [15, 5, 3, 9]])
    t = compare_table([ref, alt], ["ref", "alt"])
    row = t[(t.metric == "delivered_t") & (t.scenario == "alt")].iloc[0]
    diff = np.array([1, 0, 3, -1], dtype=float)
    half = stats.t.ppf(0.975, 3) * diff.std(ddof=1) / 2
    assert row["n"] == 4
    assert row["mean"] == pytest.approx(13.75)
    assert row["diff"] == pytest.approx(0.75)
    assert row["diff_ci_low"] == pytest.approx(0.75 - half)
    assert row["diff_ci_high"] == pytest.approx(0.75 + half)
    assert row["rel_change"] == pytest.approx(0.75 / 13.0)
    assert row["share_positive"] == pytest.approx(0.5)   # 1 and 3 of four pairs
    ref_row = t[(t.metric == "delivered_t") & (t.scenario == "ref")].iloc[0]
    assert ref_row["mean"] == pytest.approx(13.0)
    assert np.isnan(ref_row["diff"]) and np.isnan(ref_row["rel_change"])
    lo, hi = t_interval(np.array([10, 12, 14, 16.0]))[1:]
    assert (ref_row["ci_low"], ref_row["ci_high"]) == pytest.approx((lo, hi))
    # reference mean 0: relative change is NaN, the difference is still there
    short = t[(t.metric == "shortfall_t") & (t.scenario == "alt")].iloc[0]
    assert short["diff"] == pytest.approx(2.0) and np.isnan(short["rel_change"])
    assert short["share_positive"] == pytest.approx(0.75)
    # a NaN drops its pair: lead days pairs (5, 6), (7, 8), (9, 9)
    lead = t[(t.metric == "lead_days") & (t.scenario == "alt")].iloc[0]
    assert lead["diff"] == pytest.approx(np.mean([1, 1, 0]))
    assert lead["share_positive"] == pytest.approx(2 / 3)
    # a KPI only the second scenario has: its mean, no difference
    only = t[t.metric == "seized_t"]
    assert only["scenario"].tolist() == ["alt"]
    assert only.iloc[0]["mean"] == 3.0 and np.isnan(only.iloc[0]["diff"])
    # one row per KPI and scenario, KPIs in the reference's order
    assert t["metric"].tolist()[:4] == ["delivered_t", "delivered_t", "shortfall_t",
                                        "shortfall_t"]


def test_compare_pairs_only_common_replication_numbers() -> None:
    ref = fake_results([A], [[1], [2], [3]], reps=[0, 1, 2])
    alt = fake_results([A], [[5], [9]], reps=[1, 2])
    t = compare_table([ref, alt], ["ref", "alt"])
    row = t[t.scenario == "alt"].iloc[0]
    assert row["n"] == 2 and row["diff"] == pytest.approx(np.mean([5 - 2, 9 - 3]))
    assert t[t.scenario == "ref"].iloc[0]["mean"] == pytest.approx(2.5)


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory, closure_file: Path):
    out = tmp_path_factory.mktemp("cmp") / "cmp"
    # The comparison's own figures are checked here, each scenario folder's run figures in
    # test_compare_arm_figures_r61.py: drawing those too was most of this fixture's time.
    # (A renamed function fails here, loudly, rather than drawing them again unseen.)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sim.output.figures.write_run_figures", lambda results, folder: [])
        result = invoke("compare", TINY, closure_file, "-n", 6, "--seed", 4, "--out", out,
                        "--workers", 1, *SET_RANDOM)
    return out, result


def test_compare_cli_prints_and_writes(compared) -> None:
    out, result = compared
    assert result.exit_code == 0, result.output
    text = result.output
    assert "closure vs tiny (reference):" in text
    assert "common random numbers" in text
    for column in ("difference", "95% CI", "change", "share diff>0"):
        assert column in text
    for name in ("compare.csv", "compare.md", "comparison.json",
                 "figures/forest.png", "figures/forest.svg",
                 "figures/compare-prices.png", "figures/compare-exports.svg",
                 "tiny/manifest.json", "closure/manifest.json", "closure/kpis.csv"):
        assert (out / name).is_file(), name
    assert (out / "figures" / "forest.png").read_bytes()[:4] == b"\x89PNG"
    md = (out / "compare.md").read_text()
    assert "## closure vs tiny" in md and "| copper | delivered_t |" in md
    info = json.loads((out / "comparison.json").read_text())
    assert info["reference"] == "tiny" and info["common_random_numbers"] is True
    assert info["replication_ids"] == list(range(6))
    assert [s["label"] for s in info["scenarios"]] == ["tiny", "closure"]


def test_compare_csv_matches_separate_runs(compared, closure_file: Path) -> None:
    out, _ = compared
    table = pd.read_csv(out / "compare.csv")
    a = sim.run(sim.load_scenario(TINY, RANDOM), 6, seed=4)
    b = sim.run(sim.load_scenario(closure_file, RANDOM), 6, seed=4)
    for metric in ("delivered_t", "shortfall_t", "mean_lead_time_days"):
        x, y = a.kpi(metric, "copper"), b.kpi(metric, "copper")
        row = table[(table.metric == metric) & (table.channel == "all")
                    & (table.scenario == "closure")].iloc[0]
        mean, lo, hi = t_interval(y - x)
        assert row["diff"] == pytest.approx(mean, rel=1e-9)
        assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((lo, hi), rel=1e-9)
        assert row["share_positive"] == pytest.approx(np.mean(y - x > 0))
        assert row["rel_change"] == pytest.approx(mean / x.mean(), rel=1e-9)
    # the closure holds the mine's lane: less reaches the market, more is short
    short = table[(table.metric == "shortfall_t") & (table.channel == "all")
                  & (table.scenario == "closure")].iloc[0]
    assert short["diff_ci_low"] > 0


def test_results_folders_stand_in_for_scenario_files(compared, closure_file: Path,
                                                     tmp_path: Path) -> None:
    out, _ = compared
    # the comparison's own scenario folders are ordinary results folders
    again = invoke("compare", out / "tiny", out / "closure", "--out", tmp_path / "again",
                   "--no-figures", "-q")
    assert again.exit_code == 0, again.output
    first = pd.read_csv(out / "compare.csv")
    second = pd.read_csv(tmp_path / "again" / "compare.csv")
    pd.testing.assert_frame_equal(first, second)
    info = json.loads((tmp_path / "again" / "comparison.json").read_text())
    assert info["scenarios"][0]["seed"] == 4  # taken from the folders
    # a folder mixed with a scenario file: the file runs with the folder's seed and count
    mixed = run_comparison([out / "tiny", closure_file], overrides=RANDOM)
    assert mixed.replications == list(range(6)) and mixed.crn
    pd.testing.assert_frame_equal(mixed.table, first, check_dtype=False)


def test_folders_with_other_seeds_are_flagged(tmp_path: Path, closure_file: Path) -> None:
    for name, seed, path in (("a", 1, TINY), ("b", 2, closure_file)):
        # figures are not what this test is about, and drawing them took most of a run's time
        assert invoke("run", path, "-n", 3, "--seed", seed, "--out", tmp_path / name, "-q",
                      "-w", 1, "--no-figures", *SET_RANDOM).exit_code == 0
    comp = run_comparison([tmp_path / "a", tmp_path / "b"])
    assert not comp.crn
    assert any("different seeds" in n for n in comp.notes)


def test_scenarios_over_different_periods_are_flagged() -> None:
    same = run_comparison([TINY, TINY], replications=2, seed=1)
    assert not any("different periods" in n for n in same.notes)
    sc = sim.load_scenario(TINY)
    longer = sim.load_scenario(TINY, [f"horizon_days={int(sc.horizon) + 10}"])
    comp = run_comparison([sc, longer], replications=2, seed=1, for_python=False)
    note = next(n for n in comp.notes if "different periods" in n)
    assert "--set horizon_days=null" in note


def test_the_period_hint_covers_different_starts_and_finished_folders(tmp_path: Path) -> None:
    sc = sim.load_scenario(TINY)  # 2024-01-01 + 100 days: to 2024-04-09
    later = sim.load_scenario(TINY, ["start=2024-02-01"])  # to 2024-05-10
    note = next(n for n in run_comparison([sc, later], replications=1, seed=1,
                                          for_python=False).notes
                if "different periods" in n)
    # the same --set options on both give them one period, the later scenario's (its
    # stocks and dated shocks are set for its start; applying the end alone would leave
    # the starts apart)
    assert note.endswith("give them one period, that of the scenario starting last: "
                         "--set start=2024-02-01 --set end=2024-05-10 --set horizon_days=null")
    fixed = ["start=2024-02-01", "end=2024-05-10", "horizon_days=null"]
    assert not any("different periods" in n for n in run_comparison(
        [sim.load_scenario(TINY, fixed), sim.load_scenario(TINY, ["start=2024-02-01", *fixed])],
        replications=1, seed=1).notes)
    for name, extra in (("a", []), ("b", ["--set", "start=2024-02-01"])):
        assert invoke("run", TINY, "-n", 1, "--out", tmp_path / name, "-q", "-w", 1,
                      "--no-figures", *extra).exit_code == 0
    note = next(n for n in run_comparison([tmp_path / "a", tmp_path / "b"],
                                          for_python=False).notes
                if "different periods" in n)
    assert "run them again over one period" in note  # --set cannot reach a finished run


def test_python_api_returns_a_dataframe(closure_file: Path) -> None:
    table = sim.compare([TINY, closure_file], replications=3, seed=2, overrides=RANDOM)
    assert isinstance(table, pd.DataFrame)
    assert {"scenario", "mean", "diff", "diff_ci_low", "diff_ci_high", "rel_change",
            "share_positive"} <= set(table.columns)
    assert set(table["scenario"]) == {"tiny", "closure"}
    comp = sim.run_comparison([TINY, closure_file], 3, 2, overrides=RANDOM)
    assert [r.n for r in comp.results] == [3, 3]
    assert comp.headline().shape[0] > 0


@pytest.mark.parametrize(("args", "fragment"), [
    (["{missing}", "{tiny}"], "no such scenario file or results folder"),
    (["{tiny}"], "a comparison needs at least two"),
    (["{tiny}", "{missing}"], "no such scenario file"),
])
def test_compare_bad_input_exits_2(tmp_path: Path, args: list[str], fragment: str) -> None:
    words = [a.format(tiny=TINY, missing=tmp_path / "nope.yaml") for a in args]
    result = CliRunner().invoke(main, ["compare", *words, "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_compare_refuses_an_incomplete_folder(tmp_path: Path) -> None:
    (tmp_path / "half" / "replications").mkdir(parents=True)
    result = CliRunner().invoke(main, ["compare", str(TINY), str(tmp_path / "half"), "-q",
                                       "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no manifest.json" in result.output and "--resume" in result.output


# ----------------------------------------------------------------------------- CRN
def test_common_random_numbers_narrow_the_interval_of_a_difference() -> None:
    """Baseline against a 20-day throttling of Kasumbalesa, 60 days, 8 replications: the
    same seed for both (CRN) against different seeds (independent)."""
    shock = ("shocks.events.kclose={start: 5, duration_days: 20, targets: {sites: "
             "[kasumbalesa]}, effects: {capacity_factor: 0.3}}")
    base = sim.load_scenario(BASELINE, ["horizon_days=60"])
    cut = sim.load_scenario(BASELINE, ["horizon_days=60", shock])
    a = sim.run(base, 8, seed=1, workers=2)
    b_crn = sim.run(cut, 8, seed=1, workers=2)
    b_ind = sim.run(cut, 8, seed=101, workers=2)
    for metric, commodity, factor in (("delivered_t", "copper", 2.0),
                                      ("delivered_t", "cobalt", 2.0),
                                      ("mean_lead_time_days", "copper", 2.0),
                                      ("exported_t", "copper", 1.0)):
        x = a.kpi(metric, commodity)
        crn = t_interval(b_crn.kpi(metric, commodity) - x)
        ind = t_interval(b_ind.kpi(metric, commodity) - x)
        crn_half, ind_half = (crn[2] - crn[1]) / 2, (ind[2] - ind[1]) / 2
        assert crn_half * factor < ind_half, (metric, commodity, crn_half, ind_half)
        # both estimate the same effect: the intervals overlap
        assert crn[1] <= ind[2] and ind[1] <= crn[2]
    # the same pair through compare_table: paired by replication number
    table = compare_table([a, b_crn], ["base", "cut"])
    row = table[(table.metric == "delivered_t") & (table.commodity == "copper")
                & (table.channel == "all") & (table.scenario == "cut")].iloc[0]
    assert row["diff_ci_high"] < 0 and row["share_positive"] == 0


def test_compare_resumes_an_interrupted_comparison(tmp_path: Path, closure_file: Path) -> None:
    out = tmp_path / "cmp"
    args = ["compare", TINY, closure_file, "-n", 3, "--seed", 2, "--out", out, "-q", "-w", 1,
            "--no-figures", *SET_RANDOM]
    assert invoke(*args).exit_code == 0
    whole = (out / "compare.csv").read_bytes()
    # as if interrupted: one scenario's last replication and the finished files are gone
    (out / "closure" / "replications" / "rep-000002.npz").unlink()
    (out / "closure" / "manifest.json").unlink()
    refused = CliRunner().invoke(main, [str(a) for a in args])
    assert refused.exit_code == 2 and "--resume" in refused.output
    assert invoke(*args, "--resume").exit_code == 0
    assert (out / "compare.csv").read_bytes() == whole
    assert sim.load_results(out / "closure").replications == [0, 1, 2]


def test_a_refused_resume_of_a_comparison_leaves_every_scenario_finished(
        tmp_path: Path, closure_file: Path) -> None:
    # The second scenario's file changed since: the resume is refused, and the first
    # scenario's folder, checked before it, keeps its manifest (it lost it, so the
    # comparison could no longer be read or reported).
    changed = tmp_path / "closure.yaml"
    changed.write_text(closure_file.read_text())
    out = tmp_path / "cmp"
    args = ["compare", TINY, changed, "-n", 2, "--seed", 2, "--out", out, "-q", "-w", 1,
            "--no-figures", *SET_RANDOM]
    assert invoke(*args).exit_code == 0
    manifests = {arm: (out / arm / "manifest.json").read_bytes() for arm in ("tiny", "closure")}
    changed.write_text(closure_file.read_text().replace("duration_days: 10", "duration_days: 11"))
    refused = CliRunner().invoke(main, [str(a) for a in [*args, "--resume"]])
    assert refused.exit_code == 2 and "a different resolved scenario" in refused.output
    for arm, manifest in manifests.items():
        assert (out / arm / "manifest.json").read_bytes() == manifest, arm
