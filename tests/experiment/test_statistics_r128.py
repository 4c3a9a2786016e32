"""Review 128, the statistician's findings.

1. ``sim.compare(confidence=0.5, out=...)`` wrote 50% intervals headed "95% CI" beside the
   forest plot's and the report's 95% ones: the folder is now all at 95%, and says so, while
   the table returned keeps the level asked for and labels it.
2. A rare-event KPI 0 in every replication stopped with "target met ... within 5% of its
   mean": the message now says the mean is not measured.
3. A difference over fewer pairs than the means beside it was unmarked: "k of N" now.
4. The stop message of a run spoke of a reference; the sweep's critical value of rho is
   said to be an approximation beyond the exact tables, and one test among many can pass
   it by chance."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from expt_helpers import RANDOM, TINY

import sim
from sim.experiment.compare import run_comparison
from sim.experiment.precision import Measure, StopReport
from sim.output.compare_output import comparison_text, runs_of
from sim.output.sweep_output import correlation_note

OTHER = ["sites.border.clearance_trucks_per_day=8"]


def test_a_comparison_at_another_level_labels_it_and_writes_its_folder_at_95(
        tmp_path: Path) -> None:
    out = tmp_path / "c"
    comp = run_comparison([TINY, TINY], replications=4, seed=1, confidence=0.5, out=out,
                          overrides=[*RANDOM, "horizon_days=30"], figures=False)
    assert "50% CI" in comparison_text(comp) and "95% CI" not in comparison_text(comp)
    assert any("the files in" in n and "give 95% intervals" in n for n in comp.notes)
    md = (out / "compare.md").read_text(encoding="utf-8")
    assert "95% CI" in md and "50% CI" not in md
    assert json.loads((out / "comparison.json").read_text(encoding="utf-8"))["confidence"] == 0.95
    written = pd.read_csv(out / "compare.csv")
    at95 = run_comparison([TINY, TINY], replications=4, seed=1,
                          overrides=[*RANDOM, "horizon_days=30"]).table
    for col in ("ci_high", "diff_ci_high"):  # compare.csv keeps 10 significant digits
        close = (written[col] - at95[col]).abs() <= 1e-6 * at95[col].abs() + 1e-9
        assert (close | (written[col].isna() & at95[col].isna())).all()
    assert (comp.table["ci_high"] - comp.table["ci_low"]).sum() < \
        (at95["ci_high"] - at95["ci_low"]).sum()


def measure(name: str, values: list[float], pair: tuple[str, str] | None = None) -> Measure:
    import numpy as np

    return Measure.of(name, np.array(values), pair=pair)


def test_a_kpi_the_same_in_every_replication_is_not_said_to_be_measured() -> None:
    zeros = measure("closed_days:all:all:border", [0.0] * 60)
    alone = StopReport("target", 60, 0.05, [zeros]).message()
    assert alone.startswith("stopped: after 60 replications; every replication gave")
    assert "target met" not in alone and "within" not in alone
    assert "not how far its mean is from this value" in alone
    varied = measure("mined_t:copper", [100.0 + (i % 3) for i in range(60)])
    both = StopReport("target", 60, 0.05, [varied, zeros]).message()
    assert both.startswith("stopped: target met after 60 replications: every other named "
                           "KPI's 95% CI half-width is within 5.00% of its mean")
    assert "reference" not in both
    paired = measure("mined_t:copper b-a", [1.0, 1.1, 0.9], pair=("b", "a"))
    assert "of the reference's mean (for a paired difference)" in StopReport(
        "target", 3, 0.5, [paired]).message()


def test_a_difference_over_fewer_pairs_says_so() -> None:
    assert runs_of("-0.442", 19, 20) == "-0.442 (19 of 20)"
    assert runs_of("12.04", 20, 20) == "12.04"
    assert runs_of("-", 0, 20) == "-"
    assert runs_of("1.5", float("nan"), 20) == "1.5"


@pytest.mark.parametrize("n, exact", [(8, True), (9, True), (10, False), (12, False)])
def test_the_correlation_note_says_how_its_line_is_drawn(n: int, exact: bool) -> None:
    note = correlation_note(n)
    assert ("t approximation" in note) is not exact
    assert "about one in twenty can pass that line by chance" in note


def test_a_comparison_at_50_percent_says_50_everywhere_and_marks_fewer_pairs() -> None:
    # a 16-day horizon: one run of the reference delivers nothing, so its lead time is a
    # mean over 19 runs and the difference over 19 pairs; the scenarios differ, so the
    # sites' list is printed under the table too
    a = sim.load_scenario(TINY, [*RANDOM, "horizon_days=16"])
    b = sim.load_scenario(TINY, [*RANDOM, "horizon_days=16",
                                 "sites.border.clearance_trucks_per_day=8", "name=tinyb"])
    comp = run_comparison([a, b], replications=20, seed=1, workers=1, confidence=0.5)
    text = comparison_text(comp)
    assert "95%" not in text and "one in twenty" not in text
    assert "with a 50% Student-t interval" in text and "50% CI" in text
    assert "Sites and lanes whose difference's 50% interval excludes zero" in text
    assert "about 50% of them can exclude zero by chance" in text
    lead = next(line for line in text.splitlines()
                if line.startswith("copper     mean_lead_time_days "))
    # the reference's mean over 19 runs, the scenario's over 20, the difference over 19
    assert lead.split()[2:6] == ["12.39", "(19", "of", "20)"]
    assert "-0.442 (19 of 20)" in lead and "12.04 (" not in lead


@pytest.mark.parametrize("level, text", [(0.95, "95%"), (0.5, "50%"), (0.995, "99.5%")])
def test_a_level_is_written_as_a_percent(level: float, text: str) -> None:
    from sim.output.tables import ci_level

    assert ci_level(level) == text
