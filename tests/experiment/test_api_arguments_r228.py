"""The Python API's arguments, checked and described as its docstrings say (review 228):
run_comparison takes compare's precision arguments, run_sweep a mapping of ranges;
Comparison.headline refuses a string or an unknown metric; Python callers get Python
advice; wrong types, callables and flags are refused before anything runs, naming the
argument; n_resamples and confidence are checked before anything runs and refused where
they have no effect; an override with spaces is quoted whole; a missing scenario file is
the same ScenarioError from sim.compare as from sim.run; the docstrings open with one-line
summaries and say what the first batch of a precision run is."""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from expt_helpers import TINY

import sim
from sim.cli import main
from sim.experiment.errors import ExperimentError

DATA = Path(__file__).resolve().parent.parent / "data"
RANDOM = ["horizon_days=30", *(DATA / "tiny_random.set").read_text().splitlines()]
RANDOM = [line for line in RANDOM if line.strip()]
# random, over 60 days (the closure starts at day 30), the border's capacity free to vary
RANDOM_60 = ["horizon_days=60", *(o for o in RANDOM[1:]
                                  if not o.startswith("sites.border.clearance"))]


class Calls:
    """A progress callback that counts its calls: zero means nothing ran."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, k: int) -> None:
        self.n += k


@pytest.fixture(scope="module")
def comparison() -> sim.Comparison:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sim.run_comparison([TINY, TINY], 2, 1, overrides=["horizon_days=20"])


# --- 1: run_comparison's precision arguments, run_sweep's mapping -----------------------

def test_run_comparison_takes_compares_precision_arguments(closure_file: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comp = sim.run_comparison([TINY, closure_file], 3, 1, overrides=RANDOM_60,
                                  target_ci=0.5, metrics=["delivered_t:copper"],
                                  max_replications=6)
        table = sim.compare([TINY, closure_file], 3, 1, overrides=RANDOM_60, target_ci=0.5,
                            metrics=["delivered_t:copper"], max_replications=6)
    assert comp.stop is not None
    assert comp.stop.as_dict() == table.attrs["stopping"]  # the same target as compare's
    assert comp.table.equals(table)


def test_run_comparison_refuses_what_compare_refuses() -> None:
    from sim.experiment.precision import Target, parse_metrics

    with pytest.raises(ExperimentError, match=r"^metrics: metrics only choose"):
        sim.run_comparison([TINY, TINY], 2, metrics=["delivered_t:copper"])
    with pytest.raises(ExperimentError, match=r"^max_replications: "):
        sim.run_comparison([TINY, TINY], 2, max_replications=5)
    target = Target(0.1, tuple(parse_metrics(["delivered_t:copper"])), 10)
    with pytest.raises(ExperimentError, match=r"^target: give target, or target_ci"):
        sim.run_comparison([TINY, TINY], 2, target=target, target_ci=0.1)


def test_run_comparison_docstring_names_its_arguments() -> None:
    doc = inspect.getdoc(sim.run_comparison) or ""
    assert "See :func:`compare` for the arguments" not in doc
    for name in inspect.signature(sim.run_comparison).parameters:
        assert f"``{name}``" in doc, name


def test_run_sweep_takes_a_mapping_as_sweep_does() -> None:
    params = {"sites.border.clearance_trucks_per_day": (50, 150)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        swept = sim.run_sweep(TINY, params, samples=2, overrides=["horizon_days=20"])
        table = sim.sweep(TINY, params, samples=2, overrides=["horizon_days=20"])
    assert swept.table.equals(table)


# --- 2: Comparison.headline ---------------------------------------------------------------

def test_headline_refuses_a_string(comparison: sim.Comparison) -> None:
    with pytest.raises(TypeError, match=r"^metrics must be a list of metric names.*"
                                        r"\['delivered_t'\]"):
        comparison.headline("delivered_t")  # type: ignore[arg-type]


def test_headline_names_unknown_metrics(comparison: sim.Comparison) -> None:
    with pytest.raises(ExperimentError) as info:
        comparison.headline(["delivered_tt"])
    assert info.value.what == "metrics"
    assert "'delivered_tt' is not a metric" in info.value.message
    assert "did you mean 'delivered_t'?" in (info.value.hint or "")
    assert "delivered_t, " in (info.value.hint or "")  # the metrics there are
    with pytest.raises(ExperimentError) as info:
        comparison.headline(["delivered_t:copper"])
    assert "give the metric alone, 'delivered_t'" in (info.value.hint or "")
    rows = comparison.headline(["delivered_t"])  # the advice, followed, works
    assert not rows.empty and set(rows["metric"]) == {"delivered_t"}


# --- 3: Python advice for Python callers ---------------------------------------------------

def test_python_callers_get_python_advice(tmp_path: Path) -> None:
    with pytest.raises(ExperimentError) as info:
        sim.compare([TINY], 2)
    assert info.value.what == "items"
    assert info.value.hint == "give the reference first: sim.compare(['A.yaml', 'B.yaml'])"
    (tmp_path / "empty").mkdir()  # not a results folder, nor an unfinished run
    with pytest.raises(ExperimentError) as info:
        sim.compare([TINY, tmp_path / "empty"], 2)
    assert "sim run" not in (info.value.hint or "")
    assert "sim.run(..., out=..., resume=True)" in (info.value.hint or "")
    with pytest.raises(ExperimentError) as info:
        sim.compare([TINY, tmp_path / "nothing_there"], 2)
    assert "sim.run(..., out=...)" in (info.value.hint or "")


def test_the_command_line_keeps_its_advice(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["compare", str(TINY), str(tmp_path / "empty"), "-q"])
    assert result.exit_code == 2
    assert "sim run ... --resume" in result.output
    result = CliRunner().invoke(main, ["compare", str(TINY), "-q"])
    assert result.exit_code == 2
    assert "give the reference first: sim compare A.yaml B.yaml" in result.output
    result = CliRunner().invoke(main, ["compare", str(TINY), str(tmp_path / "nope.yaml"),
                                       "-q"])
    assert result.exit_code == 2
    assert "no such scenario file or results folder" in result.output


# --- 4 and 9: types, callables and flags, refused before anything runs ----------------

@pytest.mark.parametrize(("call", "start"), [
    (lambda: sim.compare([{"a": 1}, TINY], 2),
     "items[0] must be a scenario file or results folder (str or Path), a Scenario or a "
     "Results, not dict: for a mapping of fields use sim.scenario_from_dict(data)"),
    (lambda: sim.compare([TINY, 3], 2), "items[1] must be a scenario file or results folder"),
    (lambda: sim.load_results(3), "path must be the path of a results folder (str or Path), "
                                  "not int"),
    (lambda: sim.run(TINY, 1, out=3), "out must be the path of the results folder to write "
                                      "(str or Path), not int"),
    (lambda: sim.compare([TINY, TINY], 1, out=3), "out must be the path of"),
    (lambda: sim.sweep(TINY, {"horizon_days": (5, 10, "int")}, samples=2, out=3),
     "out must be the path of"),
    (lambda: sim.scenario_from_dict({"name": "x"}, name=3), "name must be a str"),
])
def test_a_wrong_type_is_named(call: Any, start: str) -> None:
    with pytest.raises(TypeError) as info:
        call()
    assert str(info.value).startswith(start)


def test_callables_and_flags_are_checked_before_anything_runs(tmp_path: Path) -> None:
    calls = Calls()
    checks = [
        (lambda: sim.run(TINY, 2, sink=3, progress=calls), "sink must be a function"),
        (lambda: sim.run(TINY, 2, progress=3), "progress must be a function"),
        (lambda: sim.run(TINY, 2, progress=calls, out=tmp_path / "r", figures="no"),
         "figures must be True or False, not 'no' (str)"),
        (lambda: sim.compare([TINY, TINY], 2, progress=3), "progress must be a function"),
        (lambda: sim.compare([TINY, TINY], 2, on_batch=3, progress=calls),
         "on_batch must be a function"),
        (lambda: sim.compare([TINY, TINY], 2, progress=calls, out=tmp_path / "c",
                             figures="no"), "figures must be True or False"),
        (lambda: sim.sweep(TINY, {"horizon_days": (5, 10, "int")}, samples=2, progress=3),
         "progress must be a function"),
        (lambda: sim.sweep(TINY, {"horizon_days": (5, 10, "int")}, samples=2, on_total=3,
                           progress=calls), "on_total must be a function"),
        (lambda: sim.sweep(TINY, {"horizon_days": (5, 10, "int")}, samples=2,
                           progress=calls, figures="no"), "figures must be True or False"),
    ]
    for call, start in checks:
        with pytest.raises(TypeError) as info:
            call()
        assert str(info.value).startswith(start)
    assert calls.n == 0  # nothing ran
    assert not any(tmp_path.iterdir())  # nothing written


def test_the_docstrings_say_which_types_are_refused() -> None:
    run_doc = " ".join((inspect.getdoc(sim.run) or "").split())
    assert "``out`` is not a path" in run_doc
    assert ("``sink``, ``progress``, ``on_figure`` or ``on_table`` is neither a function nor "
            "None") in run_doc
    compare_doc = " ".join((inspect.getdoc(sim.compare) or "").split())
    assert "an item that is neither a path" in compare_doc
    sweep_doc = " ".join((inspect.getdoc(sim.sweep) or "").split())
    assert "``progress``, ``on_total``, ``on_figure`` or ``on_table`` that is neither a" in (
        sweep_doc)


# --- 5 and 6: n_resamples and confidence ----------------------------------------------------

@pytest.mark.parametrize("design", ["sobol", "lhs"])
@pytest.mark.parametrize("n_resamples", [0, -5, 1.5])
def test_n_resamples_is_checked_before_anything_runs(design: str, n_resamples: Any) -> None:
    calls = Calls()
    with pytest.raises(ExperimentError) as info:
        sim.run_sweep(TINY, {"horizon_days": (5, 10, "int")}, design, 2,
                      n_resamples=n_resamples, progress=calls)
    assert info.value.what == "n_resamples"
    assert "expected an integer of at least 1" in info.value.message
    assert calls.n == 0


@pytest.mark.parametrize(("given", "name"), [({"confidence": 0.9}, "confidence"),
                                             ({"n_resamples": 500}, "n_resamples")])
@pytest.mark.parametrize("design", ["lhs", "grid"])
def test_sobol_settings_are_refused_where_they_do_nothing(given: dict[str, Any], name: str,
                                                         design: str) -> None:
    calls = Calls()
    with pytest.raises(ExperimentError) as info:
        sim.sweep(TINY, {"horizon_days": (5, 10, "int")}, design, 2, progress=calls, **given)
    assert info.value.what == name
    assert f"it has no effect on a {design} design" in info.value.message
    assert info.value.hint == f"leave out {name}, or give design='sobol'"
    assert calls.n == 0


def test_confidence_sets_the_sobol_intervals() -> None:
    params = {"sites.border.clearance_trucks_per_day": (50, 150)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wide = sim.run_sweep(TINY, params, "sobol", 4, 2, overrides=RANDOM_60,
                             n_resamples=200, confidence=0.99)
        narrow = sim.run_sweep(TINY, params, "sobol", 4, 2, overrides=RANDOM_60,
                               n_resamples=200, confidence=0.5)
    width = {name: (s["total_order_high"] - s["total_order_low"]).fillna(0).sum()
             for name, s in (("wide", wide.sobol), ("narrow", narrow.sobol))}
    assert width["wide"] > width["narrow"]


def test_the_docstrings_tell_what_confidence_does() -> None:
    run_doc = " ".join((inspect.getdoc(sim.run) or "").split())
    assert "``confidence`` (default 0.95)" not in run_doc  # the signature's default is None
    assert "0.95 if not given; it is refused without ``target_ci``" in run_doc
    compare_doc = " ".join((inspect.getdoc(sim.compare) or "").split())
    assert "level of the table's intervals (``ci_low``/``ci_high``" in compare_doc
    sweep_doc = " ".join((inspect.getdoc(sim.sweep) or "").split())
    assert "a value other than the default is refused" in sweep_doc
    assert "``n_resamples`` that is not an integer of at least 1" in sweep_doc


# --- 7: an override with spaces, whole ---------------------------------------------------

VARIED = ["sites.border.clearance_trucks_per_day=50:150", "lanes.mine_border.transit_days=2:6"]
SPACED = next(o for o in RANDOM if o.startswith("lanes.mine_border.transit_days="))


def test_an_override_with_spaces_is_quoted_whole_in_python() -> None:
    with pytest.raises(ExperimentError) as info:
        sim.run_sweep(TINY, VARIED, overrides=RANDOM)
    assert f"both set (overrides=[{SPACED!r}]) and varied" in info.value.message


def test_an_override_with_spaces_is_quoted_whole_on_the_command_line(tmp_path: Path) -> None:
    words = [w for o in RANDOM for w in ("--set", o)]
    words += [w for p in VARIED for w in ("--param", p)]
    result = CliRunner().invoke(main, ["sweep", str(TINY), *words, "-q"])
    assert result.exit_code == 2
    assert f"both set (--set '{SPACED}') and varied" in result.output


# --- 8 and 10: the docstrings ------------------------------------------------------------

@pytest.mark.parametrize("name", ["run", "sweep", "run_sweep", "run_comparison", "compare"])
def test_each_docstring_opens_with_a_one_line_summary(name: str) -> None:
    doc = getattr(sim, name).__doc__ or ""
    lines = doc.splitlines()
    assert lines[0].endswith("."), lines[0]
    assert lines[1].strip() == "", lines[:3]


def test_run_says_the_first_batch_is_at_least_3() -> None:
    from sim.experiment.precision import FIRST_BATCH_MIN

    doc = " ".join((inspect.getdoc(sim.run) or "").split())
    assert f"``replications`` is the first batch (at least {FIRST_BATCH_MIN}" in doc


# --- 11: a missing scenario file -----------------------------------------------------------

def test_a_missing_scenario_file_is_the_same_error_as_from_run(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(sim.ScenarioError) as from_run:
        sim.run(missing)
    with pytest.raises(sim.ScenarioError) as from_compare:
        sim.compare([TINY, missing])
    assert str(from_compare.value) == str(from_run.value)
    # a path that is no scenario file is told so as before
    with pytest.raises(ExperimentError, match="no such scenario file or results folder"):
        sim.compare([TINY, tmp_path / "nope"])
