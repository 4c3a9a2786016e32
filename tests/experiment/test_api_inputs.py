"""The Python API's arguments: paths or loaded scenarios, seeds, confidence levels, lists
given as a single string, quantile names, KPI look-ups, and the package docstring's
examples. Bad input is refused up front, with a message naming the argument."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from expt_helpers import BASELINE, RANDOM, ROOT, TINY

import sim
from sim.experiment.compare import compare_table
from sim.experiment.errors import ExperimentError
from sim.experiment.results import Results
from sim.experiment.stats import t_interval
from sim.experiment.sweep import run_sweep
from sim.metrics.series import catalogue

HORIZON = ["horizon_days=20:30:int"]


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    return sim.load_scenario(TINY, RANDOM)


@pytest.fixture(scope="module")
def res(tiny: sim.Scenario) -> Results:
    return sim.run(tiny, 3, seed=1)


# --- paths and loaded scenarios ----------------------------------------------------------


def test_run_and_sweep_take_a_path_or_a_scenario(tmp_path: Path) -> None:
    sc = sim.load_scenario(TINY)
    by_path = sim.run(str(TINY), 2, seed=3)
    assert np.array_equal(by_path.kpi_values, sim.run(sc, 2, seed=3).kpi_values)
    assert np.array_equal(sim.run(TINY, 2, seed=3).kpi_values, by_path.kpi_values)
    # a loaded scenario sweeps as its file does, --set overrides included
    table = sim.sweep(sc, HORIZON, samples=3, seed=2, overrides=["warmup_days=1"])
    from_file = sim.sweep(TINY, HORIZON, samples=3, seed=2, overrides=["warmup_days=1"])
    pd.testing.assert_frame_equal(table, from_file)
    assert table["horizon_days"].between(20, 30).all()
    sim.sweep(sc, HORIZON, samples=2, out=tmp_path / "s", figures=False)
    info = json.loads((tmp_path / "s" / "sweep.json").read_text())
    assert info["scenario_file"] == "<scenario tiny>"


@pytest.mark.parametrize("call", [
    lambda: sim.run(42),
    lambda: sim.run({"name": "tiny"}),
    lambda: sim.sweep(42, HORIZON),
])
def test_a_scenario_of_another_type_is_refused(call: Any) -> None:
    with pytest.raises(TypeError, match="must be a Scenario or the path of a scenario file"):
        call()


@pytest.mark.parametrize(("call", "name", "example"), [
    (lambda: sim.compare(str(TINY)), "items", None),
    (lambda: sim.compare(TINY), "items", None),
    (lambda: sim.compare([TINY, TINY], 1, overrides="horizon_days=5"), "overrides",
     "['horizon_days=5']"),
    (lambda: sim.load_scenario(TINY, overrides="horizon_days=5"), "overrides",
     "['horizon_days=5']"),
    (lambda: sim.scenario_from_dict({}, overrides="horizon_days=5"), "overrides", None),
    (lambda: sim.sweep(TINY, "horizon_days=20:30:int"), "params",
     "['horizon_days=20:30:int']"),
    (lambda: sim.sweep(TINY, HORIZON, overrides="warmup_days=1"), "overrides", None),
    (lambda: sim.sweep(TINY, HORIZON, metrics="delivered_t"), "metrics", None),
    (lambda: run_sweep(TINY, "horizon_days=20:30:int"), "params", None),
    (lambda: sim.compare([TINY, TINY], 2, target_ci=0.1, metrics="delivered_t"), "metrics",
     "['delivered_t']"),
])
def test_a_single_string_for_a_list_is_refused(call: Any, name: str,
                                               example: str | None) -> None:
    # iterating it would take each character for an item ("h: no such scenario file")
    with pytest.raises(TypeError, match=f"^{name} must be a list of .*not a (single )?"
                                        "(str|PosixPath|WindowsPath)") as info:
        call()
    assert "wrap it in a list" in str(info.value)
    if example is not None:
        assert f"e.g. {example}" in str(info.value)


# --- seeds -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1.5, 2.0, True, None, "1"])
def test_run_refuses_a_seed_that_is_not_a_non_negative_integer(tiny: sim.Scenario,
                                                                seed: Any) -> None:
    # 1.5 was run as seed 1 and reported as 1.5; None failed with a bare TypeError
    with pytest.raises(ValueError, match=r"^seed: expected a non-negative integer, got "):
        sim.run(tiny, 1, seed=seed)


@pytest.mark.parametrize(("argument", "value"), [
    ("replications", 2.0), ("replications", True), ("replications", "2"), ("replications", 0),
    ("workers", 1.5), ("workers", 0), ("workers", "2")])
def test_run_refuses_counts_that_are_not_whole_numbers(tiny: sim.Scenario, argument: str,
                                                       value: Any) -> None:
    # 2.0 failed deep inside ("'float' object cannot be interpreted as an integer") and
    # workers=1.5 was taken without a word
    kwargs = {"replications": 1, "seed": 0, "workers": 1, argument: value}
    with pytest.raises(ValueError, match=rf"^{argument}: expected an integer of at least 1"):
        sim.run(tiny, **kwargs)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "1"])
def test_compare_refuses_a_bad_seed_before_writing(tiny: sim.Scenario, tmp_path: Path,
                                                   seed: Any) -> None:
    out = tmp_path / "c"
    with pytest.raises(ExperimentError, match="expected a non-negative integer") as info:
        sim.compare([tiny, tiny], 2, seed=seed, out=out)
    assert info.value.what == "seed"  # the argument, not --seed
    assert not out.exists()  # a corrected rerun is not told the folder holds results


@pytest.mark.parametrize("seed", [1.5, True, None])
def test_sweep_refuses_a_bad_seed(seed: Any) -> None:
    with pytest.raises(ExperimentError, match="expected a non-negative integer") as info:
        sim.sweep(TINY, HORIZON, samples=2, seed=seed)
    assert info.value.what == "seed"  # the argument, not --seed


def test_a_numpy_integer_seed_is_a_plain_int(tiny: sim.Scenario) -> None:
    res = sim.run(tiny, 1, seed=np.int64(3))
    assert type(res.seed) is int and res.seed == 3
    assert np.array_equal(res.kpi_values, sim.run(tiny, 1, seed=3).kpi_values)
    comp = sim.run_comparison([tiny, tiny], 1, seed=np.int64(3))
    assert all(type(s) is int for s in comp.seeds)


# --- confidence levels -------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [95, 1.5, 1.0, 0, -0.5, float("nan")])
def test_a_confidence_level_outside_0_1_is_refused(res: Results, confidence: float) -> None:
    # every interval was NaN, silently
    with pytest.raises(ValueError, match="confidence must be a fraction between 0 and 1"):
        res.summary(confidence=confidence)
    with pytest.raises(ValueError, match="confidence must be a fraction between 0 and 1"):
        compare_table([res, res], ["a", "b"], confidence=confidence)
    with pytest.raises(ValueError, match="confidence must be a fraction between 0 and 1"):
        t_interval(np.array([1.0, 2.0, 3.0]), confidence)


def test_a_confidence_level_in_percent_gets_a_hint(res: Results, tiny: sim.Scenario,
                                                   tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"not 95 \(95% is 0.95\)"):
        res.summary(confidence=95)
    with pytest.raises(ValueError, match=r"95% is 0.95"):
        sim.compare([tiny, tiny], 2, confidence=95, out=tmp_path / "c")
    assert not (tmp_path / "c").exists()  # refused before anything ran
    with pytest.raises(ValueError, match=r"95% is 0.95"):
        sim.sweep(TINY, HORIZON, samples=2, confidence=95)
    summary = res.summary(confidence=0.9)  # a fraction is fine
    assert summary["ci_low"].notna().any()


# --- compare's metrics -------------------------------------------------------------------


def test_compare_metrics_without_target_ci_are_refused(tiny: sim.Scenario) -> None:
    # they only choose what target_ci watches; ignored, they looked watched
    with pytest.raises(ExperimentError, match="only choose the KPIs target_ci watches") as info:
        sim.compare([tiny, tiny], 2, metrics=["delivered_t"])
    assert info.value.what == "metrics" and "target_ci=0.02" in (info.value.hint or "")


# --- series quantiles --------------------------------------------------------------------


def fake_series(n: int = 8) -> Results:
    """Results of tiny.yaml whose every series holds 0, 1, ..., n - 1 over replications."""
    sc = sim.load_scenario(TINY)
    cat = catalogue(sc)
    series = np.broadcast_to(np.arange(n, dtype=np.float32)[:, None, None],
                             (n, len(cat.keys), cat.n_periods)).copy()
    return Results(sc, 0, list(range(n)), [], np.zeros((n, 0)), cat, series)


def test_quantile_names_are_distinct_and_exact() -> None:
    res = fake_series()
    quantiles = (0.025, 0.975, 0.1, 0.104, 0.05, 0.5, 0.95)
    table = res.series_summary(quantiles)
    names = list(table["statistic"].unique())
    # whole percents keep their names (series.csv.gz, figures and notebooks use p05/p95)
    assert names == ["mean", "sd", "p2.5", "p97.5", "p10", "p10.4", "p05", "p50", "p95"]
    values = np.arange(8, dtype=float)
    for name, q in zip(names[2:], quantiles, strict=True):
        got = table.loc[table["statistic"] == name, "value"].unique()
        assert got == pytest.approx([np.quantile(values, q)])
    assert list(res.series_summary()["statistic"].unique()) == ["mean", "sd", "p05", "p50",
                                                                 "p95"]


def test_a_quantile_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="quantiles must be distinct: p10 "):
        fake_series().series_summary((0.1, 0.5, 0.1))


# --- KPI look-up -------------------------------------------------------------------------


def test_kpi_names_the_commodities_a_metric_has(res: Results) -> None:
    # given, commodity "all" is taken as it is: only site-level metrics have it
    with pytest.raises(KeyError, match="delivered_t has no commodity 'all'; name one of: "
                                       "copper "):
        res.kpi("delivered_t", "all")
    assert res.kpi("delivered_t", "copper").shape == (3,)
    # left out, it is the one commodity the metric has (review 202)
    assert (res.kpi("delivered_t") == res.kpi("delivered_t", "copper")).all()


def test_kpi_names_the_sites_a_metric_has(res: Results) -> None:
    with pytest.raises(KeyError, match="mean_wait_days has no site 'all' for commodity 'all', "
                                       "channel 'all'; name one of: border "):
        res.kpi("mean_wait_days", "all", "all", "all")
    assert (res.kpi("mean_wait_days") == res.kpi("mean_wait_days", site="border")).all()
    with pytest.raises(KeyError, match="delivered_t has no site 'border' for commodity "
                                       "'copper', channel 'formal'; name one of: all, "
                                       "route:direct "):
        res.kpi("delivered_t", "copper", "formal", "border")


# --- the package docstring ---------------------------------------------------------------


class _Small:
    """``sim`` for the docstring's examples, made cheap: 20-day scenarios, 2 replications,
    2 sweep samples. The sweep's ranges are passed on as written."""

    def __init__(self, other: Path) -> None:
        self.other = other
        self.called: set[str] = set()
        self.folders = other.parent  # results folders the examples write go here

    def _folder(self, path: Any) -> Path:
        return self.folders / Path(path).name

    def _path(self, path: Any) -> Path:
        p = ROOT / path
        return p if p.exists() else self.other  # "other.yaml" stands for any scenario

    def load_scenario(self, path: Any) -> sim.Scenario:
        self.called.add("load_scenario")
        return sim.load_scenario(self._path(path), ["horizon_days=20"])

    def run(self, sc: Any, replications: int = 1, seed: int = 0, **kwargs: Any) -> Results:
        self.called.add("run")
        if "out" in kwargs:
            kwargs["out"] = self._folder(kwargs["out"])
        return sim.run(sc, min(replications, 2), seed=seed, **kwargs)

    def load_results(self, path: Any) -> Results:
        self.called.add("load_results")
        return sim.load_results(self._folder(path))

    def compare(self, items: Any, replications: int = 2, **kwargs: Any) -> pd.DataFrame:
        self.called.add("compare")
        loaded = [sim.load_scenario(self._path(i), ["horizon_days=20"]) for i in items]
        return sim.compare(loaded, min(replications, 2), **kwargs)

    def sweep(self, scenario: Any, params: Any, **kwargs: Any) -> pd.DataFrame:
        self.called.add("sweep")
        return sim.sweep(self._path(scenario), params, samples=2, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(sim, name)


def test_the_package_docstring_examples_run(tmp_path: Path) -> None:
    doc = sim.__doc__ or ""
    code = [line[4:] for line in doc.split("::", 1)[1].splitlines()
            if line.startswith("    ") and line.strip() != "import sim"]
    assert any("sim.sweep(" in line for line in code)
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {BASELINE}\nname: other\n")
    small = _Small(other)
    namespace: dict[str, Any] = {"sim": small}
    exec("\n".join(code), namespace)  # noqa: S102 - the package's own docstring
    assert small.called == {"load_scenario", "run", "compare", "sweep", "load_results"}
    assert (tmp_path / "baseline" / "kpis.csv").is_file()
    assert isinstance(namespace["res"], Results)
