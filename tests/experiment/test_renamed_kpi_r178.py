"""Review 178: `--metric congested_days` (renamed high_load_days by review 149) was told
"did you mean 'closed_days'?", another KPI."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.experiment.errors import ExperimentError
from sim.experiment.precision import RENAMED, check_metrics, parse_metrics
from sim.metrics.kpis import KPI_METRICS

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_a_renamed_kpi_points_to_its_new_name() -> None:
    with pytest.raises(ExperimentError) as caught:
        check_metrics(parse_metrics(["congested_days:all:all:border"]),
                      sim.load_scenario(TINY))
    assert caught.value.hint == "congested_days was renamed high_load_days"


def test_every_new_name_is_a_kpi_and_no_old_one_is() -> None:
    assert set(RENAMED.values()) <= set(KPI_METRICS)
    assert not set(RENAMED) & set(KPI_METRICS)
