"""A precision run from Python (sim.run(..., target_ci=..., out=...)) that was interrupted
recorded nothing of its target in run.json, so the hint that finishes it (sim.load_results,
sim report) gave ``sim run ... -n 3 ... --resume``, which refused the folder ("already holds
replication 4, beyond the 3 asked for"). run.json now records the target and the hint
carries it, and the hinted resume ends where the uninterrupted run ends."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pytest
from expt_helpers import RANDOM, TINY, cli

import sim
from sim.output.folder import FolderError
from sim.output.report import finish_command

OVERRIDES = [*RANDOM, "horizon_days=20"]
TARGET = {"target_ci": 0.002, "metrics": ["delivered_t:copper"], "max_replications": 8}


def interrupted(out: Path, **target: object) -> None:
    """The precision run stopped (KeyboardInterrupt) as its 5th result is handed over: its
    first batch of 3 and two replications of its second are saved."""
    calls = []

    def sink(_res: object) -> None:
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sim.run(TINY, replications=3, seed=5, overrides=OVERRIDES, out=out, figures=False,
                sink=sink, **target)
    assert not (out / "manifest.json").exists()
    assert len(list((out / "replications").glob("rep-*.npz"))) == 5


def hint_of(out: Path) -> str:
    with pytest.raises(FolderError) as err:
        sim.load_results(out)
    command = finish_command(out)
    assert command is not None and command in str(err.value.hint)
    return command


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> sim.Results:
    res = sim.run(TINY, replications=3, seed=5, overrides=OVERRIDES, **TARGET)
    assert res.n == 8 and res.info["stopping"]["reason"] == "maximum"
    return res


def test_the_hinted_command_finishes_an_interrupted_python_precision_run(
        uninterrupted: sim.Results, tmp_path: Path) -> None:
    out = tmp_path / "r"
    interrupted(out, **TARGET)
    recorded = json.loads((out / "run.json").read_text(encoding="utf-8"))
    words = shlex.split(hint_of(out))
    assert words[:2] == ["sim", "run"] and words[-1] == "--resume"
    # it was refused: "the folder already holds replication 4, beyond the 3 asked for"
    result = cli(*words[1:], "-q", "-w", 1, "--no-figures")
    assert result.exit_code == 0, result.output
    done = sim.load_results(out)
    assert done.replications == uninterrupted.replications
    np.testing.assert_array_equal(done.kpi_values, uninterrupted.kpi_values)
    assert done.info["manifest"]["stopping"]["reason"] == "maximum"
    assert words[words.index("--target-ci") + 1] == "0.002"
    assert words[words.index("--metric") + 1] == "delivered_t:copper"
    assert words[words.index("--max-replications") + 1] == "8"
    assert recorded["replications"] == 3
    assert recorded["precision"] == {**TARGET, "confidence": 0.95}


def test_a_target_at_another_confidence_gets_the_python_call_with_its_keywords(
        tmp_path: Path) -> None:
    out = tmp_path / "r"
    target = {**TARGET, "confidence": 0.9}
    interrupted(out, **target)
    hint = hint_of(out)
    assert ("resume=True, target_ci=0.002, metrics=['delivered_t:copper'], "
            "max_replications=8, confidence=0.9)") in hint
    assert "no option for" in hint and "--resume" not in hint
    # the call it gives finishes the run as the uninterrupted one ends
    done = sim.run(TINY, replications=3, seed=5, overrides=OVERRIDES, out=out, figures=False,
                   resume=True, **target)
    whole = sim.run(TINY, replications=3, seed=5, overrides=OVERRIDES, **target)
    assert done.replications == whole.replications
    np.testing.assert_array_equal(done.kpi_values, whole.kpi_values)


def test_resuming_a_python_precision_run_without_its_target_warns(tmp_path: Path) -> None:
    out = tmp_path / "r"
    interrupted(out, **TARGET)
    with pytest.warns(UserWarning, match="holds a precision run .* resumed without target_ci"):
        res = sim.run(TINY, seed=5, overrides=OVERRIDES, out=out, figures=False, resume=True)
    assert res.n == 5  # what was saved, as a --target-ci run resumed without one keeps
