"""A precision comparison from Python (sim.compare(..., target_ci=..., out=...)) that was
interrupted recorded nothing of its target or its items: each scenario's run.json held only
``comparison`` and ``label``, so sim.load_results and sim report on a scenario's folder
hinted ``sim run ... -n 3 --resume``, which sim run refuses for one scenario of a
comparison, and a resume without the target ended at what was saved without a word. Each
scenario's run.json now records the comparison's items, overrides and target, the hint is
the ``sim compare ... --resume`` command (or the ``sim.compare`` call) that finishes it as
the uninterrupted comparison ends, and a resume without the target warns. Review 53 also
found sim.run's warning for the same leaving out ``max_replications`` and ``confidence``."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pytest
from expt_helpers import RANDOM, TINY, cli

import sim
from sim.experiment.compare import run_comparison
from sim.experiment.precision import Target, parse_metrics
from sim.output.folder import FolderError
from sim.output.report import finish_command

OVERRIDES = [*RANDOM, "horizon_days=15"]
TARGET = {"target_ci": 0.001, "metrics": ["delivered_t:copper"], "max_replications": 8}


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory, build) -> Path:
    """tiny.yaml with a five-day closure of the mine's lane inside its 15 days."""
    return build.tiny_closure(tmp_path_factory.mktemp("scenarios") / "cut.yaml",
                              "{lanes: [mine_border]}", name="cut", start=5, days=5)


def uninterrupted(cut: Path, confidence: float = 0.95) -> sim.Comparison:
    target = Target(TARGET["target_ci"], tuple(parse_metrics(TARGET["metrics"])),
                    TARGET["max_replications"], confidence=confidence)
    comp = run_comparison([TINY, cut], 3, 1, overrides=OVERRIDES, target=target,
                          confidence=confidence)
    assert comp.stop is not None and comp.stop.reason == "maximum"
    return comp


@pytest.fixture(scope="module")
def whole(cut: Path) -> sim.Comparison:
    return uninterrupted(cut)


def interrupted(out: Path, cut: Path, **target: object) -> None:
    """The precision comparison stopped (KeyboardInterrupt from its progress callback) once
    8 replications finished: its first batch of 3 per scenario and two of the next."""
    done = []

    def progress(k: int) -> None:
        done.append(k)
        if sum(done) == 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sim.compare([TINY, cut], replications=3, seed=1, overrides=OVERRIDES, out=out,
                    figures=False, progress=progress, **target)
    assert not (out / "compare.csv").exists()
    assert sum(1 for _ in out.glob("*/replications/rep-*.npz")) == 8


def hint_of(arm: Path) -> str:
    """The hint sim.load_results gives for one scenario's folder (finish_command's)."""
    with pytest.raises(FolderError) as err:
        sim.load_results(arm)
    command = finish_command(arm)
    assert command is not None and command in str(err.value.hint)
    return command


def same_as(out: Path, comp: sim.Comparison) -> None:
    """Every scenario's folder in ``out`` holds the replications and KPI values ``comp``
    has."""
    for label, res in zip(comp.labels, comp.results, strict=True):
        done = sim.load_results(out / label)
        assert done.replications == res.replications
        np.testing.assert_array_equal(done.kpi_values, res.kpi_values)


def test_the_hinted_command_finishes_an_interrupted_python_precision_comparison(
        whole: sim.Comparison, cut: Path, tmp_path: Path) -> None:
    out = tmp_path / "pc"
    interrupted(out, cut, **TARGET)
    for label in ("tiny", "cut"):
        recorded = json.loads((out / label / "run.json").read_text(encoding="utf-8"))
        assert recorded["precision"] == {**TARGET, "confidence": 0.95}
    command = hint_of(out / "tiny")
    assert hint_of(out / "cut") == command
    # the comparison's own folder gives it too (it said only "no manifest.json")
    with pytest.raises(FolderError) as err:
        sim.load_results(out)
    assert "unfinished comparison" in str(err.value) and command in str(err.value.hint)
    whole_report = cli("report", out)
    assert whole_report.exit_code == 2 and whole_report.output.count(command) == 1, \
        whole_report.output
    words = shlex.split(command)
    # it was "sim run .../tiny.yaml -n 3 --seed 1 --out pc/tiny ... --resume", refused
    assert words[:4] == ["sim", "compare", str(TINY), str(cut)]
    assert words[words.index("--out") + 1] == str(out) and words[-1] == "--resume"
    assert words[words.index("--target-ci") + 1] == "0.001"
    assert words[words.index("--metric") + 1] == "delivered_t:copper"
    assert words[words.index("--max-replications") + 1] == "8"
    # sim report and sim run on a scenario's folder give the same command
    report = cli("report", out / "tiny")
    assert report.exit_code == 2 and "sim compare" in report.output
    refused = cli("run", TINY, "--out", out / "tiny", "--resume")
    assert refused.exit_code == 2
    assert "<its scenarios and options>" not in refused.output, refused.output
    result = cli(*words[1:], "-q", "-w", 1, "--no-figures")
    assert result.exit_code == 0, result.output
    same_as(out, whole)
    assert len(whole.replications) == 8


def test_a_comparison_at_another_confidence_gets_the_python_call_that_finishes_it(
        cut: Path, tmp_path: Path) -> None:
    out = tmp_path / "pc"
    target = {**TARGET, "confidence": 0.9}
    interrupted(out, cut, **target)
    hint = hint_of(out / "tiny")
    assert hint.startswith(f"sim.compare([{str(TINY)!r}, {str(cut)!r}], replications=3, "
                           "seed=1, overrides=")
    assert (f"out={str(out)!r}, resume=True, target_ci=0.001, "
            "metrics=['delivered_t:copper'], max_replications=8, confidence=0.9)") in hint
    assert "no option for" in hint and "--resume" not in hint
    # the call it gives finishes the comparison as the uninterrupted one ends
    sim.compare([TINY, cut], replications=3, seed=1, overrides=OVERRIDES, out=out,
                figures=False, resume=True, **target)
    same_as(out, uninterrupted(cut, confidence=0.9))


def test_resuming_a_precision_comparison_without_its_target_warns(
        cut: Path, tmp_path: Path) -> None:
    out = tmp_path / "pc"
    interrupted(out, cut, **TARGET, confidence=0.9)
    with pytest.warns(UserWarning, match=r"holds a precision comparison \(target_ci=0\.001, "
                      r"metrics=\['delivered_t:copper'\], max_replications=8, "
                      r"confidence=0\.9\) resumed without target_ci"):
        sim.compare([TINY, cut], seed=1, overrides=OVERRIDES, out=out, figures=False,
                    resume=True)


def test_the_warning_of_a_run_resumed_without_its_target_gives_every_keyword(
        tmp_path: Path) -> None:
    """A run at confidence=0.9 resumed as sim.run's warning said (target_ci and metrics)
    would measure at 0.95: it names max_replications and confidence too."""
    out = tmp_path / "r"
    done = []

    def sink(_res: object) -> None:
        done.append(1)
        if len(done) == 4:
            raise KeyboardInterrupt

    target = {**TARGET, "confidence": 0.9}
    with pytest.raises(KeyboardInterrupt):
        sim.run(TINY, replications=3, seed=5, overrides=OVERRIDES, out=out, figures=False,
                sink=sink, **target)
    with pytest.warns(UserWarning) as caught:
        sim.run(TINY, seed=5, overrides=OVERRIDES, out=out, figures=False, resume=True)
    said = " ".join(str(w.message) for w in caught)
    assert ("(target_ci=0.001, metrics=['delivered_t:copper'], max_replications=8, "
            "confidence=0.9) resumed without target_ci") in said
    assert "metrics, max_replications and confidence" in said
