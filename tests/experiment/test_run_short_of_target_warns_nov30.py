"""`sim.run` with a precision target warns when it stops short of it, as `sim.compare`
does (review 59): at the maximum its results read as if the target had been met, the
reason only in ``info["stopping"]``."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from expt_helpers import RANDOM, TINY

import sim

OVERRIDES = ["horizon_days=30", *RANDOM]


def test_a_run_stopped_at_its_maximum_warns(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="reached the maximum of 4 replications") as caught:
        res = sim.run(TINY, 3, seed=5, overrides=OVERRIDES, target_ci=0.0001,
                      metrics=["delivered_t"], max_replications=4)
    assert res.info["stopping"]["reason"] == "maximum" and res.n == 4
    said = " ".join(str(w.message) for w in caught)
    assert "max_replications" in said and "--max-replications" not in said
    assert caught[0].filename == __file__  # pointed at the caller's line
    # and the same from a results folder
    with pytest.warns(UserWarning, match="reached the maximum of 4 replications") as caught:
        sim.run(TINY, 3, seed=5, overrides=OVERRIDES, target_ci=0.0001,
                metrics=["delivered_t"], max_replications=4, out=tmp_path / "r",
                figures=False)
    assert caught[0].filename == __file__


def test_a_run_that_meets_its_target_is_silent() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = sim.run(TINY, 3, seed=5, overrides=OVERRIDES, target_ci=0.5,
                      metrics=["delivered_t"], max_replications=40)
    assert res.info["stopping"]["reason"] == "target"
