"""The ``sim`` command end to end: validate, show, run, the results folder and exit codes."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.scenario import load_scenario

REQUIRED_METRICS = {"mined_t", "exported_t", "delivered_t", "consumed_t", "shortfall_t",
                    "lost_t", "in_transit_end_t", "stock_end_t", "mass_balance_error_t",
                    "mean_lead_time_days", "price_peak_ratio"}
KPI_COLUMNS = ["replication", "commodity", "channel", "site", "metric", "value", "unit"]


def sim_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def bad_file(tmp_path: Path, tiny_text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(tiny_text.replace("{formal: 1.0,", "{formal: 0.9,"))
    return path


# ----------------------------------------------------------------------------- help
def test_python_m_sim_help() -> None:
    proc = sim_process("--help")
    assert proc.returncode == 0, proc.stderr
    for command in ("validate", "show", "run"):
        assert command in proc.stdout


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert sim.__version__ in result.output


# ----------------------------------------------------------------------------- validate
def test_validate_ok(tiny_path: Path) -> None:
    result = invoke("validate", tiny_path)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"ok   {tiny_path}: 3 sites, 2 lanes, 1 channels"


def test_validate_bad_file_exits_2_without_traceback(tiny_path: Path, bad_file: Path) -> None:
    proc = sim_process("validate", tiny_path, bad_file)
    assert proc.returncode == 2
    assert f"ok   {tiny_path}" in proc.stdout
    assert f"FAIL {bad_file}" in proc.stderr
    assert "sites.mine_a.offtake.copper: offtake shares sum to 0.9, not 1" in proc.stderr
    assert f"{bad_file}:24:" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("content", [b"", b"name: [unclosed\n", b"title: \xff\xfe\n"])
def test_validate_unreadable_files_exit_2(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert "FAIL" in result.output and "Traceback" not in result.output


def test_validate_missing_file_exits_2(tmp_path: Path) -> None:
    result = invoke("validate", tmp_path / "missing.yaml")
    assert result.exit_code == 2
    assert "file not found" in result.output


def test_validate_require_citations(tmp_path: Path, tiny_text: str) -> None:
    path = tmp_path / "uncited.yaml"
    path.write_text(tiny_text.replace("clearance_trucks_per_day: {value: 100, assumption: "
                                      "test input}", "clearance_trucks_per_day: 100"))
    relaxed = invoke("validate", path)
    assert relaxed.exit_code == 0
    assert "1 value(s) without source:/assumption:" in relaxed.output
    strict = invoke("validate", "--require-citations", path)
    assert strict.exit_code == 2
    assert "sites.border.clearance_trucks_per_day = 100" in strict.output


# ----------------------------------------------------------------------------- show
def test_show_writes_a_png_and_prints_capacities(tiny_path: Path, tmp_path: Path) -> None:
    figure = tmp_path / "figs" / "x.png"
    result = invoke("show", tiny_path, "--figure", figure)
    assert result.exit_code == 0, result.output
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert figure.stat().st_size > 5000
    out = result.output
    assert "Scenario tiny: Tiny deterministic chain" in out
    assert "Capacity against planned flow" in out
    # 100 trucks/day x 365.25 = 36,525 trucks/yr; 36,525 t/yr in 25 t trucks = 1,461
    assert "border (border post): capacity 36,525 trucks/yr, planned 1,461 (4%)" in out
    assert "exceeds capacity" not in out
    assert f"Network map written to {figure}" in out


def test_show_flags_capacity_below_plan(tiny_path: Path, tmp_path: Path) -> None:
    result = invoke("show", tiny_path, "--no-figure",
                    "--set", "sites.border.clearance_trucks_per_day=2")
    assert result.exit_code == 0, result.output
    assert "capacity 730 trucks/yr, planned 1,461 (200%)  !! planned flow exceeds capacity" \
        in result.output
    assert "1 capacity is below planned flow: border" in result.output
    assert not list(tmp_path.iterdir())


def test_validate_notes_a_capacity_below_plan(tiny_path: Path) -> None:
    # valid input, so exit 0, but a queue that can only grow is worth a note
    result = invoke("validate", tiny_path, "--set", "sites.border.clearance_trucks_per_day=2")
    assert result.exit_code == 0, result.output
    assert ("note: planned flow into border (border post) is 200% of its capacity (1,461 "
            "against 730 trucks/yr): its queue will grow for as long as that lasts") \
        in result.output
    assert "note:" not in invoke("validate", tiny_path).output


def test_sweep_and_compare_report_bad_input_without_a_stray_progress_bar(
        tiny_path: Path) -> None:
    for args in (("compare", tiny_path), ("sweep", tiny_path, "--param", "a.b=x:1")):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert result.output.startswith("error:"), result.output


def test_show_bad_scenario_exits_2(bad_file: Path) -> None:
    result = invoke("show", bad_file, "--no-figure")
    assert result.exit_code == 2
    assert "offtake shares sum to 0.9" in result.output


# ----------------------------------------------------------------------------- run
@pytest.fixture(scope="module")
def results_dir(tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("cli") / "results"
    tiny = Path(__file__).parent / "data" / "tiny.yaml"
    proc = sim_process("run", tiny, "-n", 3, "--seed", 1, "--out", out, "-q")
    return out, proc


def test_run_writes_the_results_folder(results_dir) -> None:
    out, proc = results_dir
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # -q
    assert "Traceback" not in proc.stderr
    for name in ("manifest.json", "kpis.csv", "summary.csv", "series.csv.gz",
                 "replications/index.json", "replications/rep-000000.npz",
                 "replications/rep-000001.npz", "replications/rep-000002.npz"):
        assert (out / name).is_file(), name
    assert not list(out.rglob("*.tmp"))


def test_kpis_csv_has_columns_metrics_and_totals(results_dir) -> None:
    out, _ = results_dir
    kpis = pd.read_csv(out / "kpis.csv")
    assert list(kpis.columns) == KPI_COLUMNS
    assert REQUIRED_METRICS <= set(kpis["metric"])
    assert sorted(kpis["replication"].unique()) == [0, 1, 2]
    totals = kpis[(kpis.channel == "all") & (kpis.site == "all")]
    assert REQUIRED_METRICS <= set(totals["metric"])
    assert set(kpis["channel"]) == {"all", "formal"}
    mined = totals[totals.metric == "mined_t"]["value"]
    assert np.allclose(mined, 10_000.0)  # 100 lots of 100 t in 100 days
    summary = pd.read_csv(out / "summary.csv")
    assert {"commodity", "channel", "site", "metric", "unit", "mean", "sd", "n", "ci_low",
            "ci_high"} <= set(summary.columns)
    series = pd.read_csv(io.BytesIO(gzip.decompress((out / "series.csv.gz").read_bytes())))
    assert {"date", "commodity", "metric", "key", "unit", "statistic", "value"} <= \
        set(series.columns)


def test_manifest(results_dir, tiny_path: Path) -> None:
    out, _ = results_dir
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 1
    assert manifest["replications"] == 3
    assert manifest["replication_ids"] == [0, 1, 2]
    assert manifest["scenario_name"] == "tiny"
    assert manifest["scenario_files"] == [str(tiny_path)]
    assert manifest["overrides"] == []
    # default workers: one per CPU, at most one per replication (1 = in-process)
    from sim.experiment.executors import default_workers

    assert manifest["workers"] == default_workers(3)
    versions = manifest["versions"]
    for package in ("python", "drc-minerals-sim", "simpy", "numpy", "pandas", "pydantic"):
        assert versions[package] and versions[package] != "not installed"
    assert versions["drc-minerals-sim"] == sim.__version__
    scenario = manifest["scenario"]
    assert scenario["name"] == "tiny"
    assert scenario["lanes"]["mine_border"]["from"] == "mine_a"
    assert manifest["citations"]
    tables = {"kpis.csv", "summary.csv", "series.csv.gz", "timeline.csv"}
    figures = {name for name in manifest["files"] if name.startswith("figures/")}
    saved = {"run.json", "replications/index.json",
             *(f"replications/rep-{r:06d}.npz" for r in range(3))}
    assert set(manifest["files"]) == tables | figures | saved
    # sim run draws the run's figures, as PNG and SVG, and lists them in the manifest
    assert {"figures/flows.png", "figures/flows.svg", "figures/lead-times.png",
            "figures/map-copper.svg"} <= figures
    for name, info in manifest["files"].items():
        assert info["sha256"] == sha256(out / name), name
        assert info["bytes"] == (out / name).stat().st_size


def test_load_results_round_trips(results_dir, tiny_path: Path) -> None:
    out, _ = results_dir
    loaded = sim.load_results(out)
    fresh = sim.run(load_scenario(tiny_path), replications=3, seed=1)
    assert loaded.seed == 1
    assert loaded.replications == [0, 1, 2]
    assert loaded.kpi_labels == fresh.kpi_labels
    assert np.array_equal(loaded.kpi_values, fresh.kpi_values, equal_nan=True)
    assert np.array_equal(loaded.series_values, fresh.series_values)
    assert loaded.scenario.model_dump() == fresh.scenario.model_dump()
    csv = pd.read_csv(out / "kpis.csv")
    assert np.allclose(csv["value"].to_numpy(), loaded.kpis["value"].to_numpy(), rtol=1e-9,
                       equal_nan=True)
    assert loaded.kpi("mined_t", commodity="copper").tolist() == [10_000.0] * 3


def test_existing_results_are_refused_without_force(results_dir, tiny_path: Path) -> None:
    out, _ = results_dir
    before = sha256(out / "manifest.json")
    result = invoke("run", tiny_path, "-n", 1, "--seed", 2, "--out", out, "-q")
    assert result.exit_code == 2
    assert "already holds results" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    assert sha256(out / "manifest.json") == before


def test_force_replaces_results(tiny_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "res"
    # figures are not what this test is about, and drawing them took most of a run's time
    assert invoke("run", tiny_path, "-n", 3, "--out", out, "-q", "--no-figures").exit_code == 0
    (out / "notes.txt").write_text("mine")
    result = invoke("run", tiny_path, "-n", 1, "--seed", 5, "--out", out, "-q", "--force",
                    "--no-figures")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["seed"], manifest["replication_ids"]) == (5, [0])
    assert sorted(p.name for p in (out / "replications").iterdir()) == [
        "index.json", "rep-000000.npz"]
    assert (out / "notes.txt").read_text() == "mine"  # only results are removed


def test_run_set_override_is_recorded(tiny_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "res"
    result = invoke("run", tiny_path, "-n", 1, "--out", out, "-q", "--no-figures", "--set",
                    "horizon_days=20")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["overrides"] == ["horizon_days=20"]
    assert manifest["scenario"]["horizon_days"] == 20
    assert sim.load_results(out).kpi("mined_t", commodity="copper").tolist() == [2000.0]


def test_run_set_bad_key_exits_2_with_did_you_mean(tiny_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "res"
    result = invoke("run", tiny_path, "--out", out, "-q", "--set", "horizon_dayz=20")
    assert result.exit_code == 2
    assert "unknown field 'horizon_dayz'" in result.output
    assert "did you mean 'horizon_days'?" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_run_prints_summary_unless_quiet(tiny_path: Path, tmp_path: Path) -> None:
    result = invoke("run", tiny_path, "-n", 2, "--seed", 3, "--out", tmp_path / "r",
                    "--no-figures")
    assert result.exit_code == 0, result.output
    assert "tiny: 2 replication(s), seed 3" in result.output
    assert "mined_t" in result.output and "95% CI" in result.output
    assert "formal 100.0%" in result.output


def test_run_with_two_workers_writes_the_same_tables(tiny_path: Path, tmp_path: Path) -> None:
    noisy = ["--set", "lanes.mine_border.transit_days={dist: triangular, low: 2, mode: 3, "
             "high: 6}", "--set", "sites.border.service_variability={dist: exponential, "
             "mean: 1}"]
    one, two = tmp_path / "one", tmp_path / "two"
    assert invoke("run", tiny_path, "-n", 4, "--seed", 9, "--out", one, "-q", "--no-figures",
                  *noisy).exit_code == 0
    assert invoke("run", tiny_path, "-n", 4, "--seed", 9, "--out", two, "-q", "-w", 2,
                  "--no-figures", *noisy).exit_code == 0
    assert (one / "kpis.csv").read_bytes() == (two / "kpis.csv").read_bytes()
    assert (one / "series.csv.gz").read_bytes() == (two / "series.csv.gz").read_bytes()


@pytest.mark.parametrize("args", [
    ["-n", "0"],
    ["--seed", "-1"],
    ["--workers", "0"],
    ["-n", "many"],
])
def test_run_bad_options_exit_2(tiny_path: Path, tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["run", str(tiny_path), "--out", str(tmp_path / "r"),
                                       "-q", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not (tmp_path / "r").exists()


def test_out_is_a_file_exits_2(tiny_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = invoke("run", tiny_path, "-n", 1, "--out", target, "-q")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_mass_balance_violation_is_an_internal_error(tiny_path: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.world.ledger import MassBalanceError
    from sim.world.world import World

    def broken(self, *args, **kwargs):
        raise MassBalanceError("mass balance violated at 'border' for copper")

    monkeypatch.setattr(World, "check_mass_balance", broken)
    result = invoke("run", tiny_path, "-n", 1, "--out", tmp_path / "r", "-q")
    assert result.exit_code == 1
    assert "internal error: mass balance violated at 'border' for copper" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r" / "manifest.json").exists()


def test_load_results_refuses_an_incomplete_folder(tmp_path: Path) -> None:
    from sim.output.folder import FolderError

    (tmp_path / "replications").mkdir()
    with pytest.raises(FolderError, match="no manifest.json"):
        sim.load_results(tmp_path)


def test_manifest_is_standard_json(tiny_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = invoke("run", tiny_path, "-n", 1, "--out", out, "-q", "--no-figures", "--set",
                    "lanes.mine_border.transit_days={dist: truncated_normal, mean: 3, sd: 1}")
    assert result.exit_code == 0, result.output

    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")

    json.loads((out / "manifest.json").read_text(), parse_constant=refuse)


@pytest.mark.parametrize("figure", ["x.xyz", "/proc/no/such/dir/x.png"])
def test_show_bad_figure_path_is_bad_input(tiny_path: Path, tmp_path: Path,
                                           figure: str) -> None:
    target = figure if figure.startswith("/") else str(tmp_path / figure)
    result = invoke("show", tiny_path, "--figure", target)
    assert result.exit_code == 2
    assert "internal error" not in result.output
    if not figure.startswith("/"):  # a wrong format is refused before the description
        assert result.output.startswith("error: cannot write a figure as 'x.xyz'")


# ----------------------------------------------------------------------------- --metric early
@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if any replication is run (in this process: the tests pass -w 1)."""
    import sim.experiment.executors as executors

    def refuse(*args, **kwargs):
        raise AssertionError("a replication was run")

    monkeypatch.setattr(executors, "run_task", refuse)


def _metric_command(command: str, tiny: Path, metric: str) -> list[object]:
    if command == "run":
        return ["run", tiny, "-n", 2, "--target-ci", 0.05, "--metric", metric]
    if command == "compare":
        return ["compare", tiny, tiny, "-n", 2, "--target-ci", 0.05, "--metric", metric]
    return ["sweep", tiny, "--param", "sites.border.clearance_trucks_per_day=40:60:int",
            "-n", 40, "--metric", metric]


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
@pytest.mark.parametrize(("metric", "fragment"), [
    ("delivered_tt", "no KPI named 'delivered_tt'\n    hint: did you mean 'delivered_t'?"),
    ("delivered_t:coper", "no commodity 'coper' in scenario 'tiny'"),
    ("delivered_t:copper:formal:bordr", "did you mean 'border'?"),
])
def test_bad_metric_is_refused_before_anything_runs_or_is_written(
        tiny_path: Path, tmp_path: Path, no_simulation: None, command: str, metric: str,
        fragment: str) -> None:
    out = tmp_path / "out"
    result = invoke(*_metric_command(command, tiny_path, metric), "--out", out, "-q",
                    "-w", 1, "--no-figures")
    assert result.exit_code == 2, result.output
    assert "error: --metric: " in result.output and fragment in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert not out.exists()


@pytest.fixture
def rows_found_late(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave out the check of a metric against the scenario's rows before the run, to stand
    for a row found missing only in the finished replications (a sweep's point that sets a
    refiner's capacity to 0 has no refined_t row there): what is kept then."""
    from sim.experiment import precision

    monkeypatch.setattr(precision, "check_rows", lambda *args: None)


def test_run_metric_found_missing_after_a_replication_says_how_to_keep_it(
        tiny_path: Path, tmp_path: Path, rows_found_late: None) -> None:
    # mean_wait_days is a site figure of commodity 'all': the replication's labels show that
    # copper has none. The saved replication is kept, and --resume reuses it.
    out = tmp_path / "r"
    # tiny is deterministic: identical replications meet a 5% target only after 60 (the
    # rule of three), so the run is capped at the 2 this test is about
    common = ["run", tiny_path, "-n", 2, "--out", out, "-q", "-w", 1, "--no-figures",
              "--target-ci", 0.05, "--max-replications", 2]
    result = invoke(*common, "--metric", "mean_wait_days:copper:all:border")
    assert result.exit_code == 2, result.output
    assert "no KPI mean_wait_days:copper:all:border" in result.output
    assert "e.g. mean_wait_days:all:all:border" in result.output
    assert f"1 finished replication(s) are saved in {out}" in result.output
    assert "correct --metric and run again with --resume" in result.output
    rerun = invoke(*common, "--metric", "mean_wait_days:all:all:border", "--resume")
    assert rerun.exit_code == 0, rerun.output
    assert json.loads((out / "manifest.json").read_text())["replication_ids"] == [0, 1]


def test_run_bad_input_before_any_replication_leaves_no_folder(
        tiny_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.experiment.runner as runner
    from sim.experiment.errors import ExperimentError

    def refuse(*args, **kwargs):
        raise ExperimentError("refused for the test", what="--metric")

    out = tmp_path / "r"
    with monkeypatch.context() as patch:
        patch.setattr(runner, "run_replications", refuse)
        result = invoke("run", tiny_path, "-n", 1, "--out", out, "-q", "--no-figures")
    assert result.exit_code == 2, result.output
    assert "--metric: refused for the test" in result.output
    assert not out.exists()  # nothing blocks the corrected command
    assert invoke("run", tiny_path, "-n", 1, "--out", out, "-q", "--no-figures"
                  ).exit_code == 0


def test_compare_metric_found_missing_after_a_batch_says_how_to_keep_it(
        tiny_path: Path, tmp_path: Path, rows_found_late: None) -> None:
    out = tmp_path / "c"
    # the maximum keeps the resumed run short: the point is what is kept, not the target
    common = ["compare", tiny_path, tiny_path, "-n", 2, "--out", out, "-q", "-w", 1,
              "--no-figures", "--target-ci", 0.05, "--max-replications", 6]
    result = invoke(*common, "--metric", "mean_wait_days:copper:all:border")
    assert result.exit_code == 2, result.output
    assert "finished replication(s) are saved in" in result.output and "--resume" in \
        result.output
    rerun = invoke(*common, "--metric", "mean_wait_days:all:all:border", "--resume")
    assert rerun.exit_code == 0, rerun.output
    assert (out / "compare.csv").is_file()


def test_sweep_metric_found_missing_after_running_keeps_the_sweep(
        tiny_path: Path, tmp_path: Path, rows_found_late: None) -> None:
    out = tmp_path / "s"
    result = invoke("sweep", tiny_path, "--param",
                    "sites.border.clearance_trucks_per_day=40:60:int", "-n", 3, "--out", out,
                    "-q", "-w", 1, "--no-figures", "--metric",
                    "mean_wait_days:copper:all:border")
    assert result.exit_code == 2, result.output
    assert f"the sweep is written to {out} without it" in result.output
    assert "again with --resume (the saved replications are read back" in result.output
    assert len(pd.read_csv(out / "sweep.csv")) == 3
    assert (out / "sweep-kpis.csv.gz").is_file()


def test_sweep_metric_with_a_commodity_shows_that_commodity_only(tmp_path: Path,
                                                                  monkeypatch) -> None:
    # --metric delivered_t:cobalt listed copper's and gold's deliveries too: the commodity
    # was cut off before the table and the figures were made
    from sim.output import sweep_output

    seen: list[list[str]] = []
    real = sweep_output.write_sweep
    monkeypatch.setattr(sweep_output, "write_sweep",
                        lambda *a, **kw: (seen.append(list(kw["metrics"])), real(*a, **kw))[1])
    baseline = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
    out = tmp_path / "s"
    result = invoke("sweep", baseline, "--param", "horizon_days=20:40:int", "-n", 3,
                    "--out", out, "-w", 1, "--no-figures", "--metric", "delivered_t:cobalt")
    assert result.exit_code == 0, result.output
    assert "delivered_t:cobalt" in result.output
    assert "delivered_t:copper" not in result.output
    assert "delivered_t:gold" not in result.output
    assert seen == [["delivered_t:cobalt"]]  # what the figures are drawn for


def test_sweep_of_a_whole_number_field_without_int_says_to_add_it(
        tiny_path: Path, tmp_path: Path) -> None:
    result = invoke("sweep", tiny_path, "--param", "horizon_days=20:40", "-n", 2,
                    "--out", tmp_path / "s", "-q", "-w", 1, "--no-figures")
    assert result.exit_code == 2, result.output
    assert "whole number" in result.output and "LOW:HIGH:int" in result.output
    assert "Traceback" not in result.output


def listed_figures(record: Path) -> list[str]:
    return [name for name in json.loads(record.read_text())["files"]
            if name.startswith("figures/") and name.endswith((".png", ".svg"))]


def test_a_rewritten_folder_keeps_no_figures_of_the_run_before(
        tiny_path: Path, tmp_path: Path) -> None:
    # Figures are drawn anew or not at all: the earlier run's, left beside newer tables
    # and listed (hashed) in the new manifest, would pass for this run's.
    out = tmp_path / "res"
    assert invoke("run", tiny_path, "-n", 2, "--out", out, "-q", "-w", 1).exit_code == 0
    assert listed_figures(out / "manifest.json")
    (out / "figures" / "mine.txt").write_text("kept")  # not a figure: left alone
    result = invoke("run", tiny_path, "-n", 3, "--out", out, "-q", "-w", 1, "--resume",
                    "--no-figures")
    assert result.exit_code == 0, result.output
    assert listed_figures(out / "manifest.json") == []
    assert [p.name for p in (out / "figures").iterdir()] == ["mine.txt"]


def test_a_replaced_comparison_or_sweep_keeps_no_figures_or_tables_of_the_one_before(
        tiny_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "c"
    common = ["compare", tiny_path, tiny_path, "-n", 2, "--out", out, "-q", "-w", 1]
    # the comparison's own figures are what is replaced; its scenarios' run figures, most
    # of this test's time to draw, are not looked at (a renamed function fails loudly)
    with monkeypatch.context() as patch:
        patch.setattr("sim.output.figures.write_run_figures", lambda *a, **k: [])
        assert invoke(*common).exit_code == 0
    assert listed_figures(out / "comparison.json")
    result = invoke(*common, "--force", "--no-figures")
    assert result.exit_code == 0, result.output
    assert listed_figures(out / "comparison.json") == [] and not (out / "figures").exists()

    out = tmp_path / "s"
    common = ["sweep", tiny_path, "--param", "sites.border.clearance_trucks_per_day=40:60:int",
              "--out", out, "-q", "-w", 1, "--no-figures"]
    assert invoke(*common, "--design", "sobol", "-n", 4).exit_code == 0
    assert (out / "sobol.csv").is_file()
    result = invoke(*common, "--design", "lhs", "-n", 3, "--force")
    assert result.exit_code == 0, result.output
    assert not (out / "sobol.csv").exists()  # an earlier Sobol sweep's indices


# ----------------------------------------------------------------------------- damaged folders
def _damage(folder: Path, how: str) -> str:
    """Damage a copy of a results folder; return a fragment of the expected message."""
    reps = folder / "replications"
    if how == "truncated manifest":
        text = (folder / "manifest.json").read_text()
        (folder / "manifest.json").write_text(text[: len(text) // 2])
        return "manifest.json is not valid JSON"
    if how == "empty manifest":
        (folder / "manifest.json").write_text("{}")
        return "manifest.json has no 'scenario'"
    if how == "manifest not an object":
        (folder / "manifest.json").write_text("[1, 2]")
        return "manifest.json holds a JSON list, not an object"
    if how == "missing replication":
        (reps / "rep-000001.npz").unlink()
        return "replications/rep-000001.npz is missing"
    if how == "missing index":
        (reps / "index.json").unlink()
        return "replications/index.json is missing"
    if how == "truncated replication":
        data = (reps / "rep-000001.npz").read_bytes()
        (reps / "rep-000001.npz").write_bytes(data[: len(data) // 2])
        return "replications/rep-000001.npz is"
    if how == "changed replication":  # same size, other bytes: only the hash tells
        data = bytearray((reps / "rep-000002.npz").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (reps / "rep-000002.npz").write_bytes(bytes(data))
        return "replications/rep-000002.npz has changed since sim run wrote it"
    raise AssertionError(how)


DAMAGES = ["truncated manifest", "empty manifest", "manifest not an object",
           "missing replication", "missing index", "truncated replication",
           "changed replication"]


@pytest.mark.parametrize("how", DAMAGES)
def test_report_on_a_damaged_folder_is_bad_input(results_dir, tmp_path: Path,
                                                 how: str) -> None:
    import shutil

    source, proc = results_dir
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "damaged"
    shutil.copytree(source, folder)
    fragment = _damage(folder, how)
    result = invoke("report", folder, "--out", tmp_path / "report.html")
    assert result.exit_code == 2, result.output
    assert f"error: {folder} is damaged or not written by sim run: " in result.output
    assert fragment in result.output
    assert "--resume" in result.output  # how to repair it
    assert "internal error" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("how", ["truncated manifest", "empty manifest", "missing index"])
def test_compare_with_a_damaged_folder_is_bad_input(results_dir, tiny_path: Path,
                                                    tmp_path: Path, how: str) -> None:
    import shutil

    source, _ = results_dir
    folder = tmp_path / "damaged"
    shutil.copytree(source, folder)
    fragment = _damage(folder, how)
    result = invoke("compare", folder, tiny_path, "--out", tmp_path / "c", "-q", "-w", 1,
                    "--no-figures")
    assert result.exit_code == 2, result.output
    assert "is damaged or not written by sim run" in result.output and fragment in \
        result.output
    assert "internal error" not in result.output
    assert not (tmp_path / "c").exists()


def test_a_precision_target_sizes_the_pool_for_its_maximum(
        tiny_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Sized by the first batch (-n 1), the pool was one worker, in process, for every
    # replication up to the maximum.
    import sim.experiment.compare as compare
    import sim.experiment.executors as executors

    asked: list[int | None] = []
    real = executors.open_backend

    def record(workers=None, *, tasks=None, **kwargs):
        asked.append(tasks)
        return real(1, tasks=tasks, **kwargs)  # run in process all the same

    monkeypatch.setattr(executors, "open_backend", record)
    monkeypatch.setattr(compare, "open_backend", record)
    common = ["-n", 1, "--target-ci", 0.5, "--metric", "delivered_t", "--max-replications", 6,
              "-q", "--no-figures"]
    assert invoke("run", tiny_path, "--out", tmp_path / "r", *common).exit_code == 0
    assert invoke("compare", tiny_path, tiny_path, "--out", tmp_path / "c",
                  *common).exit_code == 0
    assert asked == [6, 12]


def test_set_on_a_comparison_of_finished_results_is_refused(
        results_dir, tmp_path: Path) -> None:
    # it was ignored without a word: the results are compared as they were run
    out, _ = results_dir
    result = invoke("compare", out, out, "--set", "horizon_days=30", "--out", tmp_path / "c",
                    "-q")
    assert result.exit_code == 2, result.output
    assert "--set" in result.output and "finished result" in result.output
    assert "Traceback" not in result.output


def test_quiet_compare_still_says_why_a_precision_target_stopped(
        tiny_path: Path, tmp_path: Path) -> None:
    common = ["-n", 2, "--target-ci", 0.5, "--metric", "delivered_t", "--max-replications", 4,
              "-q", "--no-figures", "-w", 1]
    run = invoke("run", tiny_path, "--out", tmp_path / "r", *common)
    compare = invoke("compare", tiny_path, tiny_path, "--out", tmp_path / "c", *common)
    assert run.exit_code == compare.exit_code == 0
    assert "stopped:" in run.output and "stopped:" in compare.output


def test_output_cut_short_by_a_closed_pipe_stops_quietly() -> None:
    # `sim validate scenarios/*.yaml | head -1` printed "internal error: BrokenPipeError"
    root = Path(__file__).resolve().parents[1]
    files = sorted(str(p) for p in (root / "scenarios").glob("*.yaml"))
    proc = subprocess.Popen([sys.executable, "-m", "sim", "validate", *files], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith("ok ")
    proc.stdout.close()  # the reader goes away, as head does
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert "internal error" not in err and "Traceback" not in err


def test_ctrl_c_while_the_command_starts_is_an_interrupt(monkeypatch, tiny_path) -> None:
    # it was click's "Aborted!" with status 1: the wrapper's imports ran outside its guard
    import sim.cli as cli

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_terminate_as_interrupt", interrupted)
    monkeypatch.setattr(cli.signal, "signal", lambda *_a: None)  # keep this process's SIGINT
    result = CliRunner().invoke(main, ["validate", str(tiny_path)])
    assert result.exit_code == 130
    assert "interrupted" in result.output and "Aborted" not in result.output


@pytest.mark.parametrize("where", ["file", "folder"])
def test_show_refuses_a_figure_it_cannot_write_before_the_description(
        tiny_path: Path, tmp_path: Path, where: str) -> None:
    # the whole description was printed before the write failed
    (tmp_path / "afile").write_text("x")
    figure = tmp_path / "afile" / "m.png" if where == "file" else tmp_path
    if where == "folder":
        figure = tmp_path / "m.png"
        figure.mkdir()
    result = invoke("show", tiny_path, "--figure", figure)
    assert result.exit_code == 2, result.output
    assert "Scenario tiny" not in result.output  # nothing described first
    assert ("is a file, not a folder" if where == "file" else "is a directory") in result.output


def test_compare_of_the_current_folder_names_its_results_after_it(
        tiny_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ra", "rb"):
        assert invoke("run", tiny_path, "-n", 1, "--out", tmp_path / name, "-q", "-w", 1,
                      "--no-figures").exit_code == 0
    monkeypatch.chdir(tmp_path / "ra")
    result = invoke("compare", ".", "../rb", "-q", "--no-figures")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ra" / "results" / "compare-ra-rb").is_dir()
