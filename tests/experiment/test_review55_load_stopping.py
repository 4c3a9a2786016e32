"""Review 55: ``sim.load_results`` of a precision run's folder left ``info["stopping"]``
None (the report was only under ``info["manifest"]["stopping"]``), though the README says
``results.info["stopping"]`` holds why the run stopped, as ``sim.run`` sets it in the
process."""

from __future__ import annotations

from pathlib import Path

from expt_helpers import RANDOM, TINY

import sim


def test_loaded_precision_run_has_its_stopping_report(tmp_path: Path) -> None:
    out = tmp_path / "run"
    ran = sim.run(TINY, 3, seed=1, overrides=[*RANDOM, "horizon_days=15"], out=out,
                  figures=False, target_ci=0.001, metrics=["delivered_t:copper"],
                  max_replications=4)
    assert ran.info["stopping"]["reason"] == "maximum"
    loaded = sim.load_results(out)
    assert loaded.info.get("stopping") == ran.info["stopping"]
    assert loaded.info["manifest"]["stopping"] == ran.info["stopping"]


def test_loaded_fixed_run_has_no_stopping_report(tmp_path: Path) -> None:
    out = tmp_path / "run"
    sim.run(TINY, 2, seed=1, overrides=["horizon_days=15"], out=out, figures=False)
    assert "stopping" not in sim.load_results(out).info
