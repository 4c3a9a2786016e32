"""sim.run takes the precision target sim compare and ``sim run --target-ci`` take
(target_ci, metrics, max_replications, confidence), and stops where the command line does."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from expt_helpers import RANDOM, SET_RANDOM, TINY, cli, no_options

import sim

OVERRIDES = [*RANDOM, "horizon_days=30"]
TARGET = {"target_ci": 0.2, "metrics": ["delivered_t"], "max_replications": 12}


@pytest.fixture(scope="module")
def by_command(tmp_path_factory: pytest.TempPathFactory) -> sim.Results:
    out = tmp_path_factory.mktemp("cli") / "r"
    result = cli("run", TINY, "-n", 3, "--seed", 7, "--out", out, "-q", "-w", 1,
                 "--no-figures", *SET_RANDOM, "--set", "horizon_days=30", "--target-ci",
                 TARGET["target_ci"], "--metric", "delivered_t", "--max-replications", 12)
    assert result.exit_code == 0, result.output
    return sim.load_results(out)


def test_sim_run_with_a_target_stops_where_sim_run_target_ci_stops(
        by_command: sim.Results, tmp_path: Path) -> None:
    stopping = by_command.info["manifest"]["stopping"]
    assert 3 < by_command.n < 12  # batches were added, and the target was met
    assert stopping["reason"] == "target"
    for out in (None, tmp_path / "r"):
        res = sim.run(TINY, 3, seed=7, overrides=OVERRIDES, out=out, figures=False, **TARGET)
        assert res.replications == by_command.replications
        np.testing.assert_array_equal(res.kpi_values, by_command.kpi_values)
        assert res.info["stopping"]["batches"] == stopping["batches"]
        assert res.info["stopping"]["reason"] == "target"
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["stopping"]["replications"] == by_command.n


def test_sim_run_stops_at_max_replications() -> None:
    res = sim.run(TINY, 2, seed=7, overrides=OVERRIDES, target_ci=0.001,
                  metrics=["delivered_t"], max_replications=4)
    assert res.n == 4 and res.info["stopping"]["reason"] == "maximum"


@pytest.mark.parametrize(("kwargs", "what", "words"), [
    ({"metrics": ["delivered_t"]}, "metrics", "have no effect without it"),
    ({"max_replications": 5}, "max_replications", "has no effect without it"),
    ({"confidence": 0.9}, "confidence", "has no effect without it"),
    ({"target_ci": 0.05}, "target_ci", "needs at least one KPI in metrics"),
    ({"target_ci": 1.5, "metrics": ["delivered_t"]}, "target_ci", "between 0 and 1"),
    ({"target_ci": 0.05, "metrics": ["no_such_kpi"]}, "metrics", "no_such_kpi"),
    ({"target_ci": 0.05, "metrics": ["delivered_t"], "max_replications": 3},
     "max_replications", "max_replications=3 is below replications=5"),
])
def test_bad_precision_arguments_are_refused_before_anything_is_written(
        tmp_path: Path, kwargs: dict, what: str, words: str) -> None:
    out = tmp_path / "r"
    with pytest.raises(sim.ExperimentError) as caught:
        sim.run(TINY, 5, overrides=["horizon_days=30"], out=out, **kwargs)
    assert caught.value.what == what and words in str(caught.value), str(caught.value)
    no_options(str(caught.value))
    assert not out.exists()


def test_confidence_outside_0_1_is_refused() -> None:
    with pytest.raises(ValueError, match="confidence must be a fraction"):
        sim.run(TINY, 2, target_ci=0.05, metrics=["delivered_t"], confidence=95)


def test_a_resumed_run_with_a_target_replays_its_batches(
        by_command: sim.Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from expt_helpers import failing

    out = tmp_path / "r"
    with monkeypatch.context() as patch:
        failing(patch, 4)  # in the second batch
        with pytest.raises(sim.ReplicationError):
            sim.run(TINY, 3, seed=7, overrides=OVERRIDES, out=out, figures=False, **TARGET)
    # replications left out: the first batch the run was asked for (3), not the 4 saved
    res = sim.run(TINY, seed=7, overrides=OVERRIDES, out=out, figures=False, resume=True,
                  **TARGET)
    assert res.replications == by_command.replications
    np.testing.assert_array_equal(res.kpi_values, by_command.kpi_values)
