"""A confidence level outside (0, 1) raises sim.ExperimentError from every entry point.

The README says bad arguments raise ``sim.ExperimentError`` from ``sim.run``,
``sim.compare`` and ``sim.sweep``; an out-of-range ``confidence`` raised a plain
``ValueError`` instead (review 98), so ``except sim.ExperimentError`` missed it. Each call
is refused before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from expt_helpers import TINY

import sim
from sim.experiment.stats import t_interval

CALLS: dict[str, Callable[[Any, Path], object]] = {
    "run with target_ci": lambda c, out: sim.run(
        TINY, replications=2, target_ci=0.5, metrics=["delivered_t"], confidence=c,
        workers=1),
    "compare": lambda c, out: sim.compare([TINY, TINY], replications=2, confidence=c,
                                          workers=1),
    "sweep": lambda c, out: sim.sweep(TINY, {"horizon_days": (30, 60)}, samples=2,
                                      confidence=c, workers=1, out=out / "sweep"),
    "t_interval": lambda c, out: t_interval(np.array([1.0, 2.0]), c),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("confidence", [1.5, 95, 0])
def test_an_out_of_range_confidence_is_an_experiment_error(
        call: Callable[[Any, Path], object], confidence: float, tmp_path: Path) -> None:
    with pytest.raises(sim.ExperimentError, match="confidence must be a fraction"):
        call(confidence, tmp_path)
    assert not (tmp_path / "sweep").exists()


def test_a_results_summary_raises_it_too() -> None:
    res = sim.run(TINY, replications=2, workers=1)
    with pytest.raises(sim.ExperimentError, match=r"95% is 0\.95"):
        res.summary(confidence=95)
