"""A sweep whose workers cannot be started (a cluster not reached) reports no total to
its progress bar first: the command line drew an empty 'sweep: 0/3' bar above the error."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim.experiment.sweep as sweep_module
from sim.experiment.errors import ExperimentError
from sim.experiment.sweep import run_sweep

TINY = Path(__file__).resolve().parents[2] / "tests" / "data" / "tiny.yaml"


def test_no_total_is_reported_before_the_workers_are_there(
        monkeypatch: pytest.MonkeyPatch) -> None:
    totals: list[int] = []

    def unreachable(*_args, **_kwargs):
        raise ExperimentError("cannot reach the scheduler at tcp://127.0.0.1:1")

    monkeypatch.setattr(sweep_module, "open_backend", unreachable)
    with pytest.raises(ExperimentError, match="cannot reach"):
        run_sweep(TINY, ["horizon_days=20:40:int"], "grid", 3, on_total=totals.append,
                  scheduler="tcp://127.0.0.1:1")
    assert totals == []


def test_the_total_is_reported_once_the_sweep_runs() -> None:
    totals: list[int] = []
    run_sweep(TINY, ["horizon_days=20:40:int"], "grid", 3, on_total=totals.append)
    assert totals == [3]
