"""Findings of the diff review of the resume and Python-wording fixes (fix18k).

1. A resume with --target-ci rebuilt results from fewer replications than were saved
   (sim run and sim compare): --max-replications below the saved count was accepted, and a
   loose target stopped below it.
4. ``sim.compare`` of finished results ignored ``replications``.
5. ``sim.compare`` dropped the notes its own overrides caused on loaded scenarios.
6. ``sim.load_scenario(path, overrides=[...])`` worded its errors for the command line.
7. ``sim sweep --resume`` without -r was refused ("more than the -r 1 asked for"); the
   Python hint read "a larger replications adds"; ``sim run`` said "below -n 10" of a
   default -n with no fix.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from expt_helpers import SET_RANDOM, TINY, cli, no_options

import sim
from sim.experiment.errors import ExperimentError
from sim.output.folder import FolderError
from sim.scenario import ScenarioError

SHORT = ("--set", "horizon_days=20")
LONGER = ("--set", "horizon_days=50")  # past the closure's start (day 30)
QUIET = ("-q", "-w", "1", "--no-figures")
# loose enough that 3 replications meet it: the run would stop there unless told not to
LOOSE = ("--target-ci", 0.9, "--metric", "delivered_t")


# ============================== finding 1: a resume with a target keeps every saved one
@pytest.fixture()
def run_of_4(tmp_path: Path) -> Path:
    out = tmp_path / "r"
    result = cli("run", TINY, "-n", 4, *SHORT, *SET_RANDOM, "--out", out, *QUIET)
    assert result.exit_code == 0, result.output
    return out


def test_run_resume_refuses_a_maximum_below_the_saved_count(run_of_4: Path) -> None:
    result = cli("run", TINY, "-n", 3, *SHORT, *SET_RANDOM, "--out", run_of_4, *QUIET,
                 "--resume", *LOOSE, "--max-replications", 3)
    assert result.exit_code == 2, result.output
    assert "--max-replications 3" in result.output
    assert "resume with --max-replications 4 or more" in result.output
    assert sim.load_results(run_of_4).n == 4  # the finished folder is as it was


def test_run_resume_with_a_loose_target_uses_every_saved_replication(run_of_4: Path) -> None:
    result = cli("run", TINY, "-n", 3, *SHORT, *SET_RANDOM, "--out", run_of_4, *QUIET,
                 "--resume", *LOOSE)
    assert result.exit_code == 0, result.output
    assert "target met after 4 replications" in result.output
    assert sim.load_results(run_of_4).n == 4


@pytest.fixture()
def comparison_of_4(tmp_path: Path, closure_file: Path) -> Path:
    out = tmp_path / "c"
    result = cli("compare", TINY, closure_file, "-n", 4, *LONGER, *SET_RANDOM, "--out", out,
                 *QUIET)
    assert result.exit_code == 0, result.output
    return out


def test_compare_resume_refuses_a_maximum_below_the_saved_count(comparison_of_4: Path,
                                                               closure_file: Path) -> None:
    result = cli("compare", TINY, closure_file, "-n", 3, *LONGER, *SET_RANDOM, "--out",
                 comparison_of_4, *QUIET, "--resume", *LOOSE, "--max-replications", 3)
    assert result.exit_code == 2, result.output
    assert "holds 4 replications per scenario, more than the --max-replications 3" \
        in result.output
    assert "resume with --max-replications 4 or more" in result.output


def test_compare_resume_with_a_loose_target_uses_every_saved_replication(
        comparison_of_4: Path, closure_file: Path) -> None:
    result = cli("compare", TINY, closure_file, "-n", 3, *LONGER, *SET_RANDOM, "--out",
                 comparison_of_4, *QUIET, "--resume", *LOOSE)
    assert result.exit_code == 0, result.output
    ids = json.loads((comparison_of_4 / "comparison.json").read_text(encoding="utf-8"))
    assert ids["replication_ids"] == [0, 1, 2, 3]


# ============================== finding 4: replications with finished results only
def test_python_compare_of_results_refuses_replications() -> None:
    a = sim.run(TINY, 2, overrides=["horizon_days=20"])
    b = sim.run(TINY, 2, overrides=["horizon_days=20", "sites.border.clearance_trucks_per_day=5"])
    with pytest.raises(ExperimentError) as info:
        sim.compare([a, b], replications=3)
    assert info.value.what == "replications"
    assert "replications=3 does not apply to finished results" in str(info.value)
    no_options(str(info.value))
    sim.compare([a, b])  # without it, compared as they were run


# ============================== finding 5: the notes of a comparison's own overrides
def test_compare_keeps_the_notes_its_overrides_cause_on_a_loaded_scenario() -> None:
    # a 40-day route with a 40-day warm-up (no note), which overrides take to 0
    sc = sim.load_scenario(TINY, ["lanes.border_market.transit_days=37", "warmup_days=40",
                                  "horizon_days=50"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.run(sc, 1, overrides=["warmup_days=0"])
    said = [str(w.message) for w in caught if str(w.message).startswith("warmup_days is 0")]
    assert said  # sim.run gives it
    comp = sim.run_comparison([sc, sc], 2, overrides=["warmup_days=0"])
    # after the note that sc is compared with itself (every difference 0)
    assert comp.notes[0].startswith("tiny-2 is the same scenario as the reference")
    assert comp.notes[1:] == said
    # the loaded scenario's own notes (warned of when loaded) are not repeated
    assert sim.run_comparison([sc, sc], 2).notes[1:] == []


# ============================== finding 6: load_scenario in Python's words
def test_load_scenario_errors_name_overrides() -> None:
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(TINY, ["end=2024-03-01"])
    text = str(info.value)
    assert "add 'horizon_days=null' to overrides" in text, text
    no_options(text)
    data = sim.load_scenario(TINY).model_dump(mode="json", by_alias=True)
    with pytest.raises(ScenarioError) as info:
        sim.scenario_from_dict(data, overrides=["nonexistent.key=1"])
    assert "override 'nonexistent.key=1'" in str(info.value)
    no_options(str(info.value))


# ============================== finding 7: -r and -n that were not given
def test_sweep_resume_without_r_keeps_the_sweeps_replications(tmp_path: Path) -> None:
    out = tmp_path / "s"
    args = ["sweep", TINY, "--param", "horizon_days=20:30:int", "-n", 2, "--out", out, *QUIET]
    assert cli(*args, "-r", 3).exit_code == 0
    result = cli(*args, "--resume")
    assert result.exit_code == 0, result.output
    assert "-r 1" not in result.output
    # Python: the hint to add to the finished sweep is worded for an argument
    with pytest.raises(FolderError) as info:
        sim.sweep(TINY, ["horizon_days=20:30:int"], samples=2, replications=3, out=out,
                  workers=1, figures=False)
    assert "a larger replications value adds replications per sample" in str(info.value)
    assert "a larger replications adds" not in str(info.value)


def test_run_checks_max_replications_against_the_default_n(tmp_path: Path) -> None:
    result = cli("run", TINY, *SHORT, "--target-ci", 0.1, "--metric", "delivered_t",
                 "--max-replications", 5, "--out", tmp_path / "r", *QUIET)
    assert result.exit_code == 2, result.output
    assert "--max-replications 5 is below -n 10 (the default)" in result.output
    assert "give --max-replications 10 or more, or a smaller -n" in result.output
    given = cli("run", TINY, *SHORT, "-n", 8, "--target-ci", 0.1, "--metric", "delivered_t",
                "--max-replications", 5, "--out", tmp_path / "r", *QUIET)
    assert "is below -n 8:" in given.output or "is below -n 8\n" in given.output
    assert "(the default)" not in given.output
    assert not (tmp_path / "r").exists()

