"""A resumed folder whose replications have the same metrics as fresh ones but other rows
(this version added a channel 'refined' row) is refused naming the rows that differ, not
with an empty list."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment import run_replication
from sim.experiment.collector import Collector
from sim.experiment.errors import ExperimentError

TINY = Path(__file__).resolve().parents[2] / "tests" / "data" / "tiny.yaml"


def test_other_rows_of_the_same_metrics_are_named() -> None:
    sc = sim.load_scenario(TINY)
    fresh = run_replication(sc, 1, 1)
    old_run = run_replication(sc, 1, 0)
    added = ("copper", "refined", "all", "seized_t", "t")
    old = dataclasses.replace(old_run, kpi_labels=[*old_run.kpi_labels, added],
                              kpi_array=np.append(old_run.kpi_array, 0.0))
    collector = Collector(sc, 1, 2)
    collector.add(old)
    with pytest.raises(ExperimentError, match=r"\(copper:refined:all:seized_t\)"):
        collector.add(fresh)
