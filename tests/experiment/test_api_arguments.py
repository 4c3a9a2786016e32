"""sim.run, sim.compare and sim.sweep check their counts, seeds and ranges the same way:
one :class:`~sim.experiment.errors.ExperimentError` (a ``ValueError``) with the same
wording, raised before anything is run, never a TypeError from deep inside."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from expt_helpers import TINY

import sim
from sim.experiment.errors import ExperimentError
from sim.experiment.sweep import Param

RANGE = {"horizon_days": (20, 30, "int")}


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    return sim.load_scenario(TINY)


def test_the_errors_are_importable_from_the_package() -> None:
    from sim.output.folder import FolderError

    assert sim.ExperimentError is ExperimentError
    assert sim.FolderError is FolderError
    assert {"ExperimentError", "FolderError"} <= set(sim.__all__) & set(dir(sim))
    # replications=0 raised ValueError from run and ExperimentError from compare
    assert issubclass(sim.ExperimentError, ValueError)


@pytest.mark.parametrize(("argument", "value"), [
    ("replications", "2"), ("replications", 2.0), ("replications", 0), ("replications", True),
    ("workers", 1.5), ("workers", "2"), ("workers", 0)])
def test_run_compare_and_sweep_refuse_a_bad_count_alike(tiny: sim.Scenario, argument: str,
                                                        value: Any) -> None:
    calls = {"run": lambda kw: sim.run(tiny, **kw),
             "compare": lambda kw: sim.compare([tiny, tiny], **kw),
             "sweep": lambda kw: sim.sweep(TINY, RANGE, samples=2, **kw)}
    messages = set()
    for name, call in calls.items():
        with pytest.raises(ExperimentError) as info:
            call({argument: value})
        assert info.value.what == argument, name
        messages.add(str(info.value))
    # one wording: "replications: expected an integer of at least 1, got '2' (str)"
    assert messages == {f"{argument}: expected an integer of at least 1, got {value!r} "
                        f"({type(value).__name__})"}


@pytest.mark.parametrize("samples", ["4", 4.0, 0, None])
def test_sweep_refuses_samples_that_are_not_a_whole_number(samples: Any) -> None:
    # "4" failed with "'<' not supported between instances of 'str' and 'int'"
    with pytest.raises(ExperimentError, match=r"^samples: expected an integer of at least 1"):
        sim.sweep(TINY, RANGE, samples=samples)


def test_a_numpy_integer_count_is_accepted(tiny: sim.Scenario) -> None:
    comp = sim.run_comparison([tiny, tiny], np.int64(2), workers=np.int64(1))
    assert comp.replications == [0, 1]
    table = sim.sweep(TINY, RANGE, samples=np.int64(2), replications=np.int64(1))
    assert len(table) == 2
    with pytest.raises(ExperimentError, match="needs a power of 2 base samples, at least 2, got 6"):
        sim.sweep(TINY, RANGE, "sobol", samples=np.int64(6))


def test_run_refuses_a_bad_seed_as_compare_and_sweep_do(tiny: sim.Scenario) -> None:
    # the same type and message (compare and sweep name the option, as before)
    errors = []
    for call in (lambda: sim.run(tiny, seed=-1), lambda: sim.compare([tiny, tiny], seed=-1),
                 lambda: sim.sweep(TINY, RANGE, samples=2, seed=-1)):
        with pytest.raises(ExperimentError) as info:
            call()
        errors.append(info.value)
    assert {e.message for e in errors} == {"expected a non-negative integer, got -1"}
    assert all((e.hint or "").startswith("give seed=0, 1, 2, ...") for e in errors)


@pytest.mark.parametrize(("rng", "message"), [
    ((30,), r"expected \(low, high\) or \(low, high, 'log'\|'int'\), got \(30,\)"),
    (30, r"expected \(low, high\) or \(low, high, 'log'\|'int'\), got 30"),
    ((20, 30, 40, 50), "expected \\(low, high\\)"),
    ("20:30", "expected \\(low, high\\)"),
])
def test_a_sweep_range_of_the_wrong_shape_is_refused(rng: Any, message: str) -> None:
    # (30,) failed with "not enough values to unpack", 30 with "cannot unpack non-iterable"
    with pytest.raises(ExperimentError, match=message) as info:
        sim.sweep(TINY, {"horizon_days": rng}, samples=2)
    assert info.value.what == "params['horizon_days']"
    assert "{'horizon_days': (30, 40)}" in (info.value.hint or "")


@pytest.mark.parametrize(("scale", "guess"), [("integer", "int"), ("logarithmic", "log"),
                                              ("lin", "linear"), ("Int", "int")])
def test_an_unknown_scale_is_named(scale: str, guess: str) -> None:
    # "integer" was "expected a range low:high, got '30:40:integer'" (the string form) and
    # the same from the dict form: the scale was the mistake
    with pytest.raises(ExperimentError, match=f"unknown scale '{scale}'; expected log or int") \
            as info:
        sim.sweep(TINY, {"horizon_days": (30, 40, scale)}, samples=2)
    assert info.value.hint == f"did you mean {guess!r}?"
    with pytest.raises(ExperimentError, match=f"unknown scale '{scale}'"):
        Param.parse(f"horizon_days=30:40:{scale}")
    # a third number is still a range of the wrong shape, not a scale
    with pytest.raises(ExperimentError, match="expected a range low:high"):
        Param.parse("horizon_days=30:40:50")


def test_a_sweep_range_in_either_form_is_the_same_parameter() -> None:
    assert Param.of_range("a.b", (1, 2)) == Param.parse("a.b=1:2")
    assert Param.of_range("a.b", [1, 100, "log"]) == Param("a.b", 1.0, 100.0, "log")
    assert Param.of_range("a.b", (2, 5, "int")) == Param.parse("a.b=2:5:int")
