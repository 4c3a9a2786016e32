"""Review 255: hand mutation testing of review 251's and 253's Dask and worker-code
changes. Each test kills a mutant the existing tests let live; the mutant is named in
the test's docstring."""

from __future__ import annotations

import pytest

from sim.cli import _failure_text
from sim.experiment import executors
from sim.experiment.executors import Task, other_code_hint


def test_a_failure_raised_outside_run_task_is_still_a_bug() -> None:
    """Mutant: ``other_code_hint`` without its check that the exception carries a code
    label. An exception raised before ``run_task`` ran (the task not unpickled on the
    worker, a result not unpickled on the driver) has none, and was told "it ran on a
    worker running None" instead of being reported as a bug."""
    plain = AttributeError("Can't get attribute 'Job' on <module 'sim.experiment'>")
    assert other_code_hint(plain) is None
    error = executors._failure([(Task(0, 3, "tiny", 1), plain)])
    assert error.hint is None
    text = _failure_text(error)
    assert "None" not in text and "please report" in text, text


@pytest.mark.parametrize("port", [0, 65536])
def test_the_ports_just_outside_the_range_are_refused(port: int) -> None:
    """Mutants ``0 <= port`` and ``port <= 65536``: ports 0 and 65536 were tried."""
    distributed = pytest.importorskip("distributed")
    said = executors._bad_address(distributed, f"tcp://127.0.0.1:{port}")
    assert said == f"port {port} is not a port number (1 to 65535)"


@pytest.mark.parametrize("port", [1, 65535])
def test_the_ports_at_the_ends_of_the_range_are_taken(port: int) -> None:
    distributed = pytest.importorskip("distributed")
    assert executors._bad_address(distributed, f"tcp://127.0.0.1:{port}") is None
