"""Findings of the third resume review (29 November).

1. A ``--target-ci`` run or comparison interrupted mid-batch and resumed stopped at
   another count than the same command run uninterrupted: the saved replications were
   made the first batch, so the batches (and the results) differed.
2. A comparison folder moved while interrupted (no comparison.json yet) lost its resume
   safeguards: an -n below the replications saved was accepted (the comparison rebuilt
   from fewer) and without -n the default 10 was run instead of its own count.
3. A comparison arm's manifest did not record ``resumed_with``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from expt_helpers import SET_RANDOM, TINY, cli
from expt_helpers import interrupted_copy as interrupted

QUIET = ("-q", "-w", "1", "--no-figures")
# tiny.yaml made random stops at 12 replications after the batches [3, 6, 12]
TARGET = ("--target-ci", 0.1, "--metric", "delivered_t", "--max-replications", 40)
RUN = ("-n", 3, "--seed", 5, "--set", "horizon_days=30", *SET_RANDOM, *QUIET, *TARGET)
# a comparison with closure.yaml runs past its closure (days 30-39); the paired difference
# is known better: it stops at 9 after [3, 6, 9]
COMPARE = ("-n", 3, "--seed", 5, "--set", "horizon_days=40", *SET_RANDOM, *QUIET,
           "--target-ci", 0.03, "--metric", "delivered_t", "--max-replications", 40)


def interrupted_comparison(full: Path, to: Path, keep: int, moved: bool = False) -> Path:
    """A copy of the finished comparison ``full`` as an interrupt before its
    comparison.json leaves it: each arm's folder holding replications ``0..keep-1``, its
    run.json naming ``to`` as its comparison's folder (``full`` if ``moved``: the
    comparison was moved to ``to`` after the interrupt)."""
    to.mkdir(parents=True)
    for arm in full.iterdir():
        if (arm / "run.json").is_file():
            interrupted(arm, to / arm.name, keep)
            info = json.loads((to / arm.name / "run.json").read_text(encoding="utf-8"))
            assert Path(info["comparison"]) == full.resolve()
            if not moved:
                info["comparison"] = str(to.resolve())
                (to / arm.name / "run.json").write_text(json.dumps(info), encoding="utf-8")
    return to


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def stopping(folder: Path, name: str = "manifest.json") -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))["stopping"]


# ============================== finding 1: a resumed target run replays the batches
@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("full") / "r"
    result = cli("run", TINY, *RUN, "--out", out)
    assert result.exit_code == 0, result.output
    assert stopping(out)["batches"] == [3, 6, 12]
    return out


@pytest.mark.parametrize("keep", [4, 7])
def test_a_resumed_target_run_stops_where_the_uninterrupted_one_did(
        full_run: Path, tmp_path: Path, keep: int) -> None:
    out = interrupted(full_run, tmp_path / "r", keep)
    result = cli("run", TINY, *RUN, "--out", out, "--resume")
    assert result.exit_code == 0, result.output
    assert stopping(out) == stopping(full_run)  # batches [3, 6, 12], n, measures
    assert (out / "kpis.csv").read_bytes() == (full_run / "kpis.csv").read_bytes()
    assert manifest(out)["resumed_with"] == keep


def test_a_resume_whose_target_is_met_below_the_saved_count_keeps_them(
        full_run: Path, tmp_path: Path) -> None:
    # a looser target is met after the replayed first batch of 3: the 7 saved still count
    out = interrupted(full_run, tmp_path / "r", 7)
    loose = [w if w != 0.1 else 0.9 for w in RUN]
    result = cli("run", TINY, *loose, "--out", out, "--resume")
    assert result.exit_code == 0, result.output
    assert "target met after 7 replications" in result.output
    assert stopping(out)["batches"] == [3, 7]
    assert manifest(out)["replications"] == 7


@pytest.fixture(scope="module")
def full_comparison(tmp_path_factory: pytest.TempPathFactory,
                    closure_file: Path) -> Path:
    out = tmp_path_factory.mktemp("fullc") / "c"
    result = cli("compare", TINY, closure_file, *COMPARE, "--out", out)
    assert result.exit_code == 0, result.output
    assert stopping(out, "comparison.json")["batches"] == [3, 6, 9]
    return out


def test_a_resumed_target_comparison_stops_where_the_uninterrupted_one_did(
        full_comparison: Path, closure_file: Path, tmp_path: Path) -> None:
    full = stopping(full_comparison, "comparison.json")
    keep = 4  # inside the second batch
    out = interrupted_comparison(full_comparison, tmp_path / "c", keep)
    result = cli("compare", TINY, closure_file, *COMPARE, "--out", out, "--resume")
    assert result.exit_code == 0, result.output
    assert stopping(out, "comparison.json") == full
    assert (out / "compare.csv").read_bytes() == (full_comparison / "compare.csv").read_bytes()
    # finding 3: each arm's manifest says how many replications were read back
    assert manifest(out / "tiny")["resumed_with"] == keep
    assert manifest(out / "closure")["resumed_with"] == keep
    assert "resumed_with" not in manifest(full_comparison / "tiny")


def test_a_comparison_resumed_without_n_replays_from_its_own_n(
        full_comparison: Path, closure_file: Path, tmp_path: Path) -> None:
    # the -n recorded (3) is the first batch, not the count saved
    full = stopping(full_comparison, "comparison.json")
    out = interrupted_comparison(full_comparison, tmp_path / "c", 4)
    without_n = COMPARE[2:]
    result = cli("compare", TINY, closure_file, *without_n, "--out", out, "--resume")
    assert result.exit_code == 0, result.output
    assert stopping(out, "comparison.json")["batches"] == full["batches"]


# ============================== finding 2: a comparison moved while interrupted
PLAIN = ("--seed", 2, "--set", "horizon_days=40", *SET_RANDOM, *QUIET)


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory, closure_file: Path) -> Path:
    """A comparison of 6 replications per scenario, interrupted with 5 saved of each and
    moved to another folder."""
    base = tmp_path_factory.mktemp("moved")
    result = cli("compare", TINY, closure_file, "-n", 6, *PLAIN, "--out", base / "c")
    assert result.exit_code == 0, result.output
    return interrupted_comparison(base / "c", base / "elsewhere" / "c", 5, moved=True)


def test_a_moved_comparison_refuses_an_n_below_its_saved_count(
        moved: Path, closure_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "c"
    shutil.copytree(moved, out)
    result = cli("compare", TINY, closure_file, "-n", 3, *PLAIN, "--out", out, "--resume")
    assert result.exit_code == 2, result.output
    assert "holds 5 replications per scenario, more than the -n 3 asked for" in result.output
    assert "resume with -n 5 or more (or leave out -n to keep 6)" in result.output
    assert not (out / "compare.csv").exists()


def test_a_moved_comparison_resumed_without_n_keeps_its_own_count(
        moved: Path, closure_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "c"
    shutil.copytree(moved, out)
    result = cli("compare", TINY, closure_file, *PLAIN, "--out", out, "--resume")
    assert result.exit_code == 0, result.output
    ids = json.loads((out / "comparison.json").read_text(encoding="utf-8"))["replication_ids"]
    assert ids == list(range(6))  # not the default 10
    assert manifest(out / "tiny")["resumed_with"] == 5


def test_saved_replications_found_on_opening_the_arms_are_not_cut_short(
        moved: Path, closure_file: Path, tmp_path: Path) -> None:
    # run.json not saying whose arm it is (as an older comparison's did): the replications
    # the arm folders turn out to hold are checked once the folders are opened
    out = tmp_path / "c"
    shutil.copytree(moved, out)
    for arm in ("tiny", "closure"):
        info = json.loads((out / arm / "run.json").read_text(encoding="utf-8"))
        del info["comparison"], info["label"]
        (out / arm / "run.json").write_text(json.dumps(info), encoding="utf-8")
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    result = cli("compare", TINY, closure_file, "-n", 3, *PLAIN, "--out", out, "--resume")
    assert result.exit_code == 2, result.output
    assert "holds 5 replications per scenario, more than the -n 3 asked for" in result.output
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
