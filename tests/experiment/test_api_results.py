"""Results, comparisons and sweeps as Python objects: their arguments, equality, how they
show in a notebook, and reading folders back."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from expt_helpers import TINY

import sim
from sim.experiment.results import Results
from sim.metrics.series import catalogue


def fake_series(n: int = 4) -> Results:
    """Results of tiny.yaml whose every series holds 0, 1, ..., n - 1 over replications."""
    sc = sim.load_scenario(TINY)
    cat = catalogue(sc)
    series = np.broadcast_to(np.arange(n, dtype=np.float32)[:, None, None],
                             (n, len(cat.keys), cat.n_periods)).copy()
    return Results(sc, 0, list(range(n)), [], np.zeros((n, 0)), cat, series)


# --- series quantiles --------------------------------------------------------------------


def test_quantiles_in_percent_are_told_the_fractions_meant() -> None:
    # numpy said "Quantiles must be in the range [0, 1]" from deep inside
    with pytest.raises(ValueError, match=r"quantiles must be fractions between 0 and 1, .* "
                                         r"not \[5, 50, 95\] \(percents; as fractions: "
                                         r"\[0.05, 0.5, 0.95\]\)"):
        fake_series().series_summary([5, 50, 95])


@pytest.mark.parametrize("quantiles", [[0.5, 2], [-0.1], [float("nan")]])
def test_a_quantile_outside_0_1_is_refused(quantiles: list[float]) -> None:
    with pytest.raises(ValueError, match=r"quantiles must be fractions between 0 and 1") as info:
        fake_series().series_summary(quantiles)
    assert "percents" not in str(info.value)  # 0.5 is a fraction: 2 is not 2%


@pytest.mark.parametrize(("quantiles", "message"), [
    (0.5, r"not a single float: wrap it in a list, e\.g\. \[0\.5\]"),
    ("0.5", "not a str: wrap it in a list"),
    (["0.5"], r"numbers between 0 and 1, got '0.5' \(str\)"),
    ([True], r"got True \(bool\)"),
    (None, "not NoneType"),
])
def test_quantiles_that_are_not_a_list_of_numbers_are_refused(quantiles: Any,
                                                               message: str) -> None:
    with pytest.raises(TypeError, match=message):
        fake_series().series_summary(quantiles)


def test_quantiles_as_an_array_or_tuple_are_fine() -> None:
    res = fake_series()
    table = res.series_summary(np.array([0.25, 0.75]))
    assert list(table["statistic"].unique()) == ["mean", "sd", "p25", "p75"]
    assert list(res.series_summary((0.5,))["statistic"].unique()) == ["mean", "sd", "p50"]


# --- equality and how they show in a notebook --------------------------------------------


@pytest.fixture(scope="module")
def comparison(closure_file: Any) -> sim.Comparison:
    return sim.run_comparison([TINY, closure_file], 2, seed=1)


@pytest.fixture(scope="module")
def sweep() -> sim.Sweep:
    return sim.run_sweep(TINY, ["horizon_days=20:30:int", "warmup_days=0:5:int"], "sobol", 4)


def test_results_comparisons_and_sweeps_are_equal_only_to_themselves(
        comparison: sim.Comparison, sweep: sim.Sweep) -> None:
    # == compared their arrays field by field: "The truth value of an array with more than
    # one element is ambiguous"
    res = comparison.results[0]
    again = Results(res.scenario, res.seed, res.replications, res.kpi_labels, res.kpi_values,
                    res.catalogue, res.series_values)
    # x == x never reaches a field-by-field comparison (tuples compare identical items by
    # identity), so each object is compared with an equal copy: made field by field, or
    # with dataclasses.replace. A list search compares with == each item before the one
    # that is the object itself, so it raises too if == compares the arrays.
    assert res != again and not res == again
    assert [again, res].index(res) == 1
    # finished results are compared as they were run (a seed for them is refused)
    rerun = sim.run_comparison(comparison.results)
    assert comparison != rerun and [rerun, comparison].index(comparison) == 1
    for obj in (comparison, sweep, sweep.design):
        copy = dataclasses.replace(obj)
        assert obj != copy and not obj == copy, type(obj).__name__
        assert [copy, obj].index(obj) == 1
    assert len({res, again, comparison, sweep}) == 4  # and hashable, by identity


def test_a_comparison_shows_its_differences_and_notes_briefly(
        comparison: sim.Comparison) -> None:
    text = repr(comparison)
    # the dataclass repr printed every field: 4-6 kB of tables and arrays
    assert len(text) < 1500
    assert text.startswith("<Comparison of 2 scenarios, reference 'tiny': closure; "
                           "2 replications paired, seed 1 (common random numbers), ")
    assert "difference from the reference, mean [95% CI]:\n  closure copper delivered_t: " \
        in text
    html = comparison._repr_html_()
    assert "<td>closure</td><td>copper</td><td>delivered_t</td>" in html
    assert len(html) < 4000


def test_a_comparisons_notes_and_confidence_show(tmp_path: Any, closure_file: Any) -> None:
    longer = tmp_path / "longer.yaml"
    longer.write_text(f"extends: {TINY}\nname: longer\nhorizon_days: 60\n")
    comp = sim.run_comparison([TINY, longer], 2, confidence=0.9)
    assert comp.confidence == 0.9
    text = repr(comp)
    # the notes first, and over periods of different lengths no differences (review 161)
    assert ", different periods, " in text.splitlines()[0]
    assert "\n  note: the scenarios measure different periods" in text
    assert text.endswith("\n  differences of longer not listed: it measures another period "
                         "than the reference, so they are mostly the periods' (.table has "
                         "them)>")
    assert "difference from the reference" not in text
    html = comp._repr_html_()
    assert "<strong>Note:</strong> the scenarios measure different periods" in html
    assert "Differences of longer not listed" in html and "<table>" not in html
    # review 164: a scenario over the reference's period keeps its differences beside one
    # that is not
    three = sim.run_comparison([TINY, closure_file, longer], 2, seed=1)
    text = repr(three)
    assert "differences of longer not listed: it measures" in text
    assert "\n  closure copper delivered_t: " in text and "\n  longer copper" not in text
    same = sim.run_comparison([TINY, closure_file], 2, seed=1, confidence=0.9)
    text = repr(same)
    assert ", 2024-01-01 to 2024-04-09, " in text.splitlines()[0]
    assert "\n  difference from the reference, mean [90% CI]:\n  closure copper" in text
    assert "<th>90% CI</th>" in same._repr_html_()


def test_a_sweep_shows_its_design_briefly(sweep: sim.Sweep) -> None:
    text = repr(sweep)
    assert text.startswith(
        "<Sweep of 'tiny': sobol design, 4 base samples, 16 points x 1 replication, seed 0 "
        # the 4 base points' warmup_days are equal in A and B: each AB block repeats one
        "(8 points repeat earlier ones and were not run again); "
        "parameters: horizon_days 20 to 30 (int); warmup_days 0 to 5 (int); "
        f"{len(sweep.kpi_columns)} KPI columns (.table); Sobol indices of "
        f"{sweep.sobol['output'].nunique()} KPIs (.sobol)\n")  # type: ignore[index]
    # the cautions the command line prints beside the indices, in the API's words
    assert "\n  note: " in text and "4 base samples are few for Sobol indices" in text
    assert "(samples=256 or more" in text and "-n" not in text and text.endswith(">")
    html = sweep._repr_html_()
    assert "<tr><td>warmup_days</td><td>0</td><td>5</td><td>int</td></tr>" in html
    assert len(html) < 2000


# --- reading folders back ----------------------------------------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, closure_file: Any) -> Path:
    """A comparison's folder (tiny and closure) and a sweep's folder, side by side."""
    root = tmp_path_factory.mktemp("written")
    sim.compare([TINY, closure_file], 2, out=root / "cmp", figures=False)
    sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=2, out=root / "sw",
              figures=False)
    return root


def test_loading_a_comparisons_folder_says_what_to_load(written: Path) -> None:
    # "not a finished results folder (no manifest.json)", with no hint
    cmp = written / "cmp"
    with pytest.raises(sim.FolderError, match="is a comparison's folder, not a results "
                                              "folder") as info:
        sim.load_results(cmp)
    hint = info.value.hint or ""
    assert f"sim.load_results({str(cmp / 'tiny')!r}) (folders: tiny, closure)" in hint
    runs = [str(cmp / "tiny"), str(cmp / "closure")]
    assert f"sim.run_comparison({runs!r})" in hint
    # both work as said: the folder of one scenario, and the comparison read back
    assert sim.load_results(runs[0]).n == 2
    comp = sim.run_comparison(runs)
    assert comp.labels == ["tiny", "closure"] and comp.replications == [0, 1]


def test_loading_a_sweeps_folder_says_what_to_read(written: Path) -> None:
    with pytest.raises(sim.FolderError, match="is a sweep's folder, not a results folder: a "
                                              "sweep keeps each replication's KPI values") as info:
        sim.load_results(written / "sw")
    assert f"pandas.read_csv({str(written / 'sw' / 'sweep.csv')!r})" in (info.value.hint or "")


def test_loading_a_folder_of_results_folders_names_them(written: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(written / "cmp" / "tiny", tmp_path / "runs" / "base")
    with pytest.raises(sim.FolderError, match="holds results folders and is not one itself") \
            as info:
        sim.load_results(tmp_path / "runs")
    assert f"sim.load_results({str(tmp_path / 'runs' / 'base')!r})" in (info.value.hint or "")


def test_loading_an_unfinished_run_says_how_to_finish_it(written: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(written / "cmp" / "tiny", tmp_path / "run")
    (tmp_path / "run" / "manifest.json").unlink()
    with pytest.raises(sim.FolderError, match="is an unfinished run") as info:
        sim.load_results(tmp_path / "run")
    assert "--resume" in (info.value.hint or "")


def test_an_empty_or_missing_folder_is_refused_as_before(tmp_path: Path) -> None:
    with pytest.raises(sim.FolderError, match=r"is not a finished results folder \(no "
                                              r"manifest.json\)$") as info:
        sim.load_results(tmp_path)
    assert info.value.hint is None
    # review 158: a folder that does not exist is said not to, not to be unfinished
    with pytest.raises(sim.FolderError, match=r"nothing does not exist$") as info:
        sim.load_results(tmp_path / "nothing")
    assert info.value.hint is None
