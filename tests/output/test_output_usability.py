"""What a new user meets on the output side: a report of runs over different periods
says so before any difference and names its reference and why; a report of an unfinished
run says how to finish it; the run summary names the real figures folder; a one-file
compare fails without a progress bar; a sweep's rank correlations say when there are too
few samples for them to mean anything."""

from __future__ import annotations

import shlex
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def run_folder(out: Path, *sets: str, n: int = 2) -> Path:
    words = [w for s in sets for w in ("--set", s)]
    result = invoke("run", TINY, "-n", n, "--seed", 1, "--out", out, "-q", "-w", 1,
                    "--no-figures", *words)
    assert result.exit_code == 0, result.output
    return out


def page_text(path: Path) -> str:
    import html
    import re

    text = html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
    return re.sub(r"\s+", " ", text)


# ------------------------------------------------------------- 1. periods and reference
@pytest.fixture(scope="module")
def two_periods(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two unrelated runs: ``a`` over tiny.yaml's 100 days, ``b`` over 60."""
    root = tmp_path_factory.mktemp("periods")
    run_folder(root / "a")
    run_folder(root / "b", "horizon_days=60")
    return root


def test_report_warns_of_different_periods_before_any_difference(two_periods: Path) -> None:
    result = invoke("report", two_periods)
    assert result.exit_code == 0, result.output
    text = page_text(two_periods / "report.html")
    warning = text.find("These runs measure different periods")
    assert warning != -1
    # review 203: no scenario ranked, the list's heading says so
    assert warning < text.find("Key KPIs: not ranked")
    assert "Key KPIs whose difference's 95% interval excludes zero" not in text
    assert "a 2024-01-01 + 100 days, b 2024-01-01 + 60 days" in text
    # the differences are the length of the period: shown in the table, never ranked
    assert "each judged on its own" not in text  # the ranked list's lead-in
    assert "b: not ranked" in text
    assert "warning: the scenarios measure different periods" in result.output


def test_report_says_which_reference_and_why(two_periods: Path) -> None:
    result = invoke("report", two_periods)
    assert result.exit_code == 0, result.output
    text = page_text(two_periods / "report.html")
    assert "compared with a , the reference:" in text
    assert "first folder in alphabetical order" in text
    assert f"sim report {two_periods} --reference NAME" in text
    assert "reference: a, because" in result.output


def test_report_reference_option(two_periods: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = invoke("report", two_periods, "--reference", "b", "--out", out)
    assert result.exit_code == 0, result.output
    text = page_text(out)
    assert "a compared with b" in text and "chosen with --reference" in text
    bad = invoke("report", two_periods, "--reference", "nope")
    assert bad.exit_code == 2
    assert "no run folder named 'nope'" in bad.output and "a, b" in bad.output
    assert "Traceback" not in bad.output


def test_report_same_period_named_baseline(tmp_path: Path) -> None:
    run_folder(tmp_path / "x", "sites.border.clearance_trucks_per_day=50")
    run_folder(tmp_path / "baseline")
    result = invoke("report", tmp_path)
    assert result.exit_code == 0, result.output
    text = page_text(tmp_path / "report.html")
    assert "different periods" not in text and "different periods" not in result.output
    assert "its folder is named baseline" in text


# ------------------------------------------------------------------ 2. unfinished runs
def test_report_of_unfinished_run_says_how_to_finish_it(tmp_path: Path) -> None:
    folder = run_folder(tmp_path / "cut", "horizon_days=30")
    (folder / "manifest.json").unlink()  # as a run killed before it finished
    result = invoke("report", folder)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "unfinished run" in result.output and "2 saved replication(s)" in result.output
    command = result.output.split("finish it with: ", 1)[1].split("; then", 1)[0]
    words = shlex.split(command)
    assert words[:2] == ["sim", "run"] and words[-1] == "--resume"
    assert "--set" in words and "horizon_days=30" in words
    # the command given finishes the run, and the report then works
    assert invoke(*words[1:], "-q", "--no-figures").exit_code == 0
    assert invoke("report", folder).exit_code == 0


def test_the_finish_command_of_a_precision_run_keeps_its_stopping_options(
        tmp_path: Path, tiny_path: Path) -> None:
    # a --target-ci run goes beyond -n: resumed with -n alone it would be refused
    folder = tmp_path / "prec"
    assert invoke("run", tiny_path, "-n", 3, "--target-ci", 0.0005, "--metric",
                  "delivered_t:copper", "--max-replications", 12, "--out", folder,
                  "--no-figures", "-q").exit_code == 0
    (folder / "manifest.json").unlink()
    result = invoke("report", folder)
    words = shlex.split(result.output.split("finish it with: ", 1)[1].split("; then", 1)[0])
    assert "--target-ci" in words and "--max-replications" in words and "--resume" in words
    assert invoke(*words[1:], "-q").exit_code == 0
    assert (folder / "manifest.json").exists()


def test_report_of_comparison_with_unfinished_runs(tmp_path: Path) -> None:
    for name in ("a", "b"):
        run_folder(tmp_path / name)
        (tmp_path / name / "manifest.json").unlink()
    result = invoke("report", tmp_path)
    assert result.exit_code == 2
    assert "2 unfinished one(s) (a, b: no manifest.json)" in result.output
    assert "--resume" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ 3. run summary line
def test_run_summary_names_the_figures_folder(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.output.figures

    # the summary line is under test, not the drawing (seconds per run)
    monkeypatch.setattr(sim.output.figures, "write_run_figures", lambda res, folder: [])
    out = tmp_path / "x"
    result = invoke("run", TINY, "-n", 1, "--out", out, "-w", 1, "--set", "horizon_days=20")
    assert result.exit_code == 0, result.output
    assert f"results in {out}, figures in {out / 'figures'}/" in result.output
    assert "figures in figures/" not in result.output


# ------------------------------------------------------------ 4. compare argument checks
@pytest.mark.parametrize("extra", [[], ["missing.yaml"]])
def test_compare_bad_arguments_print_no_progress_bar(tmp_path: Path, extra: list[str]) -> None:
    result = invoke("compare", TINY, *extra, "--out", tmp_path / "c")
    assert result.exit_code == 2
    assert result.output.startswith("error:"), result.output
    assert "rep" not in result.output.replace("report", "")
    assert "Traceback" not in result.output


# --------------------------------------------------------- 5. sweep rank correlations
def test_spearman_critical_values() -> None:
    from sim.output.sweep_output import spearman_chance

    # two-sided 5% critical values of Spearman's rho (Zar, Biostatistical Analysis, B.20)
    table = {5: 1.0, 6: 0.886, 7: 0.786, 8: 0.738, 9: 0.700, 10: 0.648, 20: 0.447}
    for n, expected in table.items():
        assert spearman_chance(n)[0] == pytest.approx(expected, abs=0.02 if n >= 10 else 1e-3)
    for n in (2, 3, 4):
        assert spearman_chance(n)[0] == float("inf")
    assert spearman_chance(4)[1] == pytest.approx(2 / 24)


def test_spearman_critical_value_by_brute_force() -> None:
    import itertools

    import numpy as np
    from scipy import stats

    from sim.output.sweep_output import spearman_chance

    n = 6
    rho = np.array([stats.spearmanr(np.arange(n), p)[0]
                    for p in itertools.permutations(range(n))])
    critical = spearman_chance(n)[0]
    assert np.mean(np.abs(rho) >= critical - 1e-9) <= 0.05
    below = np.max(np.abs(rho)[np.abs(rho) < critical - 1e-9])
    assert np.mean(np.abs(rho) >= below - 1e-9) > 0.05


def test_sweep_with_few_samples_warns_beside_correlations() -> None:
    from sim.output.sweep_output import sweep_text

    result = sim.run_sweep(TINY, ["horizon_days=60:120:int"], "lhs", 4, 1, 0,
                           figures=False)
    text = sweep_text(result)
    assert "+1.00" in text
    lines = text.splitlines()
    table_end = max(i for i, line in enumerate(lines) if ":copper" in line)
    assert lines[table_end + 1].startswith("warning: with 4 sample(s) no rank correlation "
                                           "can be told from chance")
    assert "8%" in lines[table_end + 1]


def test_correlation_note_gives_critical_value() -> None:
    from sim.output.sweep_output import correlation_note

    assert correlation_note(16).startswith("With 16 samples, |rho| below 0.50 could be "
                                           "chance")


# ---------------------------------------------------------------- identical replications
def test_a_zero_width_interval_is_shown_as_all_equal_not_as_certain() -> None:
    # every replication gave the same value: the interval has no width because there was
    # no spread to estimate, which the tables must not print as "[0, 0]"
    from sim.output.compare_output import _ci
    from sim.output.tables import headline_table

    assert _ci(0.0, 0.0) == "(all equal)"
    assert _ci(-1.0, 2.0) == "[-1.00, 2.00]"
    summary = pd.DataFrame([
        {"commodity": "copper", "channel": "all", "site": "all", "metric": "shortfall_t",
         "unit": "t", "mean": 0.0, "sd": 0.0, "n": 5, "ci_low": 0.0, "ci_high": 0.0},
        {"commodity": "copper", "channel": "all", "site": "all", "metric": "delivered_t",
         "unit": "t", "mean": 10.0, "sd": 1.0, "n": 5, "ci_low": 9.0, "ci_high": 11.0}])
    text = headline_table(summary)
    assert "(all equal)" in text and "[0, 0]" not in text and "[9.00, 11.00]" in text


def test_compare_prints_its_notes_before_the_tables(tiny_path: Path) -> None:
    from sim.experiment.compare import run_comparison
    from sim.output.compare_output import comparison_text

    longer = sim.load_scenario(tiny_path, ["horizon_days=110"])
    text = comparison_text(run_comparison([sim.load_scenario(tiny_path), longer],
                                          replications=1, seed=1))
    note = text.find("note: the scenarios measure different periods")
    assert 0 < note < text.find("(reference):")


def test_the_deliveries_figure_says_all_equal_for_a_zero_width_shortfall(tiny_path: Path
                                                                        ) -> None:
    from sim.output.figures import deliveries_figure

    res = sim.run(sim.load_scenario(tiny_path), replications=2, seed=1, workers=1)
    titles = [ax.get_title() for ax in deliveries_figure(res).axes]
    # tiny is deterministic: both replications give the same shortfall (300 t)
    assert any("shortfall 300 t (all equal)" in t for t in titles), titles
    assert not any("[300, 300]" in t for t in titles)
