"""Review 56: a precision comparison on a KPI whose reference is 0 in every replication
(``seized_t`` against a reference without seizures) could never meet its relative target:
the paired difference's half-width over a reference mean of 0 is infinite, so the batches
doubled to --max-replications and the run ended advising to raise it, which could never
help. It now stops with reason ``zero_mean`` once the reference has been 0 in ``3 /
target`` replications (the rule of three, as for a constant KPI: review 56's follow-up
found that stopping after the first batch that showed it stopped on KPIs merely uncommon
in the reference), with a message naming the KPI, in how many replications the reference
was 0 and why, and a hint to measure it where it varies; the results of the batches run
are kept and written as for any other stop, and ``sim.compare`` warns of it. A KPI that
is 0 in both scenarios (a zero-width difference) is unaffected, and so is a normal
precision comparison."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from expt_helpers import RANDOM, TINY, cli

import sim
from sim.experiment.compare import run_comparison
from sim.experiment.precision import (
    Measure,
    MetricSpec,
    StopReport,
    Target,
    run_sequential,
)

OVERRIDES = [*RANDOM, "horizon_days=40"]
SET = [w for o in OVERRIDES for w in ("--set", o)]


@pytest.fixture(scope="module")
def seize(tmp_path_factory: pytest.TempPathFactory, build) -> Path:
    """tiny.yaml with a 20% seizure at the border from day 20 (of 40)."""
    return build.tiny_closure(tmp_path_factory.mktemp("scenarios") / "seize.yaml",
                              "{sites: [border]}", name="seize", start=20, days=20,
                              effects="{seize_share: 0.2}")


def said(text: str) -> None:
    """The stop message of a zero reference (target 0.5, so 3 / 0.5 = 6 replications):
    names the KPI, in how many replications the reference was 0, why, and what to do."""
    flat = " ".join(text.split())
    assert ("stopped after 6 replications: seized_t:copper seize-tiny: the reference tiny "
            "was 0 in all 6 replications while seize differs from it") in flat, flat
    assert ("at 95% confidence fewer than 50.00% of tiny's runs would differ from 0, so "
            "the relative target 50.00% is undefined") in flat
    assert "can never be met" not in flat and "maximum came first" not in flat
    assert ("run scenario seize alone with sim run ... --target-ci 0.5 --metric "
            "seized_t:copper") in flat
    assert "measure a KPI whose reference is not 0" in flat
    assert "raise --max-replications" not in flat


def test_cli_stops_at_rule_of_three(tmp_path: Path, seize: Path) -> None:
    out = tmp_path / "cmp"
    res = cli("compare", TINY, seize, "-n", 3, *SET, "--target-ci", 0.5, "--metric",
              "seized_t:copper", "--max-replications", 40, "--out", out, "--no-figures",
              "--workers", 1)
    assert res.exit_code == 0, res.output
    said(res.output)
    stopping = json.loads((out / "comparison.json").read_text())["stopping"]
    assert stopping["reason"] == "zero_mean"
    assert stopping["replications"] == 6 and stopping["batches"] == [3, 6]
    # the batches run are kept and written as for any other stop
    assert (out / "compare.csv").exists() and (out / "compare.md").exists()
    for arm in ("tiny", "seize"):
        assert len(list((out / arm / "replications").glob("rep-*.npz"))) == 6
        assert json.loads((out / arm / "manifest.json").read_text())["replications"] == 6


def test_python_stops_at_rule_of_three(tmp_path: Path, seize: Path) -> None:
    with pytest.warns(UserWarning, match="the reference tiny was 0 in all 6 replications"):
        table = sim.compare([TINY, seize], replications=3, overrides=OVERRIDES,
                            target_ci=0.5, metrics=["seized_t:copper"], max_replications=40,
                            out=tmp_path / "cmp", figures=False, workers=1)
    assert set(table["n"]) == {6}
    assert (table.attrs["stopping"]["reason"], table.attrs["stopping"]["batches"]) == (
        "zero_mean", [3, 6])
    stopping = json.loads((tmp_path / "cmp" / "comparison.json").read_text())["stopping"]
    assert (stopping["reason"], stopping["batches"]) == ("zero_mean", [3, 6])
    comp = run_comparison([TINY, seize], 3, overrides=OVERRIDES, target=target(40, 0.5))
    assert comp.stop is not None
    assert comp.stop.reason == "zero_mean" and not comp.stop.met
    assert comp.stop.replications == 6 and comp.stop.batches == [3, 6]
    (m,) = comp.stop.measures
    assert m.unscaled and m.pair == ("seize", "tiny") and m.mean > 0
    said(comp.stop.message())


def test_zero_in_both_is_a_constant_not_a_zero_mean(seize: Path) -> None:
    """seized_t is 0 in both scenarios of tiny against itself: a zero-width difference,
    accepted from 3 / target replications as before."""
    comp = run_comparison([TINY, TINY], 3, overrides=OVERRIDES,
                          target=Target(0.5, (MetricSpec("seized_t", "copper"),), 40))
    assert comp.stop is not None and comp.stop.reason == "target"
    assert comp.stop.replications == 6


def test_normal_target_unchanged(seize: Path) -> None:
    """delivered_t has a reference mean far from 0: measured and stopped by its target."""
    comp = run_comparison([TINY, seize], 3, overrides=OVERRIDES,
                          target=Target(0.2, (MetricSpec("delivered_t", "copper"),), 40))
    assert comp.stop is not None and comp.stop.reason == "target"
    assert all(math.isfinite(m.rel_half_width) for m in comp.stop.measures)


def target(max_replications: int = 100, rel: float = 0.05) -> Target:
    return Target(rel, (MetricSpec("seized_t", "copper"),), max_replications)


def unscaled(n: int) -> Measure:
    diff = np.arange(n, dtype=float)
    return Measure.of("k:c b-a", diff, 0.0, pair=("b", "a"))


def test_sequential_zero_mean_stops_at_rule_of_three() -> None:
    """Doubling up to 3 / 0.05 = 60 replications of a reference 0 in every one, then
    stopped there."""
    ran: list[int] = []
    stop = run_sequential(3, target(), ran.append, lambda: [unscaled(ran[-1])])
    assert (stop.reason, stop.replications, stop.batches) == (
        "zero_mean", 60, [3, 6, 12, 24, 48, 60])


def test_sequential_zero_mean_keeps_a_resumes_saved_replications() -> None:
    """A resume with 70 replications saved goes on to them before it stops."""
    ran: list[int] = []
    stop = run_sequential(3, target(), ran.append, lambda: [unscaled(ran[-1])], floor=70)
    assert (stop.reason, stop.replications, stop.batches) == (
        "zero_mean", 70, [3, 6, 12, 24, 48, 60, 70])


def test_sequential_finite_measures_unchanged() -> None:
    """Finite measures double as before (0.2 / 0.05 = 4x, at most twice the count)."""
    ran: list[int] = []
    stop = run_sequential(3, target(20), ran.append,
                          lambda: [Measure("k:c", ran[-1], 1.0, 0.2)])
    assert (stop.reason, stop.batches) == ("maximum", [3, 6, 12, 20])


def test_zero_mean_message_lists_other_failing() -> None:
    stop = StopReport("zero_mean", 3, 0.05,
                      [unscaled(3), Measure("d:c b-a", 3, 1.0, 0.3, pair=("b", "a"))])
    text = stop.message()
    assert "the target was not met for d:c b-a either" in text
    assert stop.as_dict()["reason"] == "zero_mean"
