"""Findings of the review of the command line's --resume and option handling (fix17i).

1. ``sim sweep --resume`` with a smaller -r (or none: 1) rebuilt a finished sweep's tables
   from fewer replications; the refusal of an existing sweep said "pass --resume to add to
   it" without the -r to repeat.
2. ``sim compare --resume`` with a smaller -n, or none (10), shrank a comparison.
5. ``sim compare`` of finished folders ignored --seed, and said it wrote "a results folder
   for each scenario run" when none was run.
6. --max-replications without --target-ci was ignored; below the default -n it was
   accepted by sim compare.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from expt_helpers import TINY, cli, no_options

import sim
from sim.experiment.errors import ExperimentError

SHORT = ("--set", "horizon_days=20")
QUIET = ("-q", "-w", "1", "--no-figures")
PARAM = "horizon_days=20:30:int"


def sweep_args(out: Path, *extra: object) -> list[object]:
    return ["sweep", TINY, "--param", PARAM, "-n", 2, "--out", out, *QUIET, *extra]


def replication_ids(out: Path) -> list[int]:
    return json.loads((out / "comparison.json").read_text(encoding="utf-8"))["replication_ids"]


# ============================== finding 1: a sweep resumed with a smaller -r
@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished sweep of 2 samples x 3 replications."""
    out = tmp_path_factory.mktemp("sweep") / "s"
    assert cli(*sweep_args(out, "-r", 3)).exit_code == 0
    return out


# without -r a resumed sweep keeps its own count (test_resume_target_review.py), so only a -r given counts
@pytest.mark.parametrize("r", [2])
def test_a_sweep_resumed_with_fewer_replications_is_refused(swept: Path, r: int) -> None:
    before = {p.name: p.read_bytes() for p in swept.iterdir() if p.is_file()}
    plan = (swept / "sweep-replications" / "plan.json").read_bytes()
    result = cli(*sweep_args(swept, "--resume", "-r", r))
    assert result.exit_code == 2, result.output
    assert (f"-r: the sweep in {swept} holds 3 saved replications per sample, more than the "
            f"-r {r} asked for") in result.output
    assert "hint: resume with -r 3" in result.output
    # nothing changed: not the tables, nor the plan's count (which the next hint names)
    assert {p.name: p.read_bytes() for p in swept.iterdir() if p.is_file()} == before
    assert (swept / "sweep-replications" / "plan.json").read_bytes() == plan


def test_a_sweep_resumed_with_as_many_or_more_replications_still_runs(
        swept: Path, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "s"
    shutil.copytree(swept, out)
    assert cli(*sweep_args(out, "--resume", "-r", 3, "--metric", "delivered_t")).exit_code == 0
    kpis = pd.read_csv(out / "sweep-kpis.csv.gz")
    assert set(kpis["n"][kpis["sd"].notna()]) == {3}


def test_the_refusal_of_an_existing_sweep_names_the_r_to_repeat(swept: Path) -> None:
    result = cli(*sweep_args(swept))
    assert result.exit_code == 2, result.output
    assert "already holds a sweep (sweep.csv)" in result.output
    assert "pass --resume -r 3 to add to it" in result.output


def test_a_python_sweep_resumed_with_fewer_replications_names_its_arguments(
        swept: Path) -> None:
    with pytest.raises(ExperimentError) as info:
        sim.sweep(TINY, [PARAM], samples=2, replications=1, out=swept, resume=True)
    assert info.value.what == "replications"
    assert "more than the replications=1 asked for" in info.value.message
    assert info.value.hint.startswith("resume with replications=3 (or more")
    assert "force=True" in info.value.hint
    no_options(str(info.value))


# ============================== finding 2: a comparison resumed with a smaller -n
@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished comparison of 12 replications (more than the default 10)."""
    out = tmp_path_factory.mktemp("compare") / "c"
    assert cli("compare", TINY, TINY, *SHORT, "-n", 12, "--out", out, *QUIET).exit_code == 0
    assert replication_ids(out) == list(range(12))
    return out


def test_a_comparison_resumed_with_fewer_replications_is_refused(compared: Path) -> None:
    before = (compared / "comparison.json").read_bytes()
    result = cli("compare", TINY, TINY, *SHORT, "-n", 3, "--out", compared, "--resume",
                 *QUIET)
    assert result.exit_code == 2, result.output
    assert (f"-n/--replications: the comparison in {compared} holds 12 replications per "
            "scenario, more than the -n 3 asked for") in result.output
    assert "hint: resume with -n 12 or more (or leave out -n to keep 12)" in result.output
    assert (compared / "comparison.json").read_bytes() == before


def test_a_comparison_resumed_without_n_keeps_its_replications(compared: Path,
                                                               tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "c"
    shutil.copytree(compared, out)
    result = cli("compare", TINY, TINY, *SHORT, "--out", out, "--resume", *QUIET)
    assert result.exit_code == 0, result.output
    assert replication_ids(out) == list(range(12))  # was 10: the default


def test_an_interrupted_comparison_resumed_without_n_runs_what_it_was_asked(
        tmp_path: Path) -> None:
    out = tmp_path / "c"  # made here: its run.json files name this folder
    assert cli("compare", TINY, TINY, *SHORT, "-n", 12, "--out", out, *QUIET).exit_code == 0
    # as interrupted after 4 replications of each: no tables, no manifest
    for name in ("comparison.json", "compare.csv", "compare.md"):
        (out / name).unlink()
    for arm in ("tiny", "tiny-2"):
        (out / arm / "manifest.json").unlink()
        for rep in (out / arm / "replications").glob("rep-*.npz"):
            if int(rep.stem.removeprefix("rep-")) >= 4:
                rep.unlink()
    result = cli("compare", TINY, TINY, *SHORT, "--out", out, "--resume", *QUIET)
    assert result.exit_code == 0, result.output
    assert replication_ids(out) == list(range(12))  # run.json's 12, not the default 10


def test_a_python_comparison_resumed_with_fewer_replications_names_its_arguments(
        compared: Path) -> None:
    with pytest.raises(ExperimentError) as info:
        sim.compare([TINY, TINY], 3, overrides=["horizon_days=20"], out=compared,
                    resume=True)
    assert info.value.what == "replications"
    assert info.value.hint.startswith("resume with replications=12 or more (or leave out "
                                      "replications to keep 12)")
    no_options(str(info.value))


def test_compare_help_says_what_n_defaults_to_on_resuming() -> None:
    text = " ".join(cli("compare", "--help").output.split())
    assert "with --resume as many as the comparison in --out holds" in text


# ============================== finding 5: a comparison of finished folders
@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("runs")
    a, b = base / "a", base / "b"
    for out in (a, b):
        assert cli("run", TINY, *SHORT, "-n", 2, "--out", out, *QUIET).exit_code == 0
    return a, b


def test_seed_on_a_comparison_of_finished_folders_is_refused(runs: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    result = cli("compare", *runs, "--seed", 7, "--out", tmp_path / "c", "--no-figures")
    assert result.exit_code == 2, result.output
    assert "--seed: --seed 7 sets the seed of the scenario files run" in result.output
    assert "compared as it was run (a seed 0, b seed 0)" in result.output
    assert "hint: drop --seed" in result.output
    assert not (tmp_path / "c").exists()
    with pytest.raises(ExperimentError) as info:
        sim.compare(list(runs), seed=7)
    assert info.value.what == "seed"
    assert info.value.message.startswith("seed=7 sets the seed")
    no_options(str(info.value))


def test_seed_with_a_scenario_file_to_run_is_still_taken(runs: tuple[Path, Path],
                                                         tmp_path: Path) -> None:
    result = cli("compare", runs[0], TINY, *SHORT, "--seed", 0, "--out", tmp_path / "c",
                 "-w", 1, "--no-figures")
    assert result.exit_code == 0, result.output
    assert "and the results folder of the scenario run: tiny/" in result.output


def test_a_comparison_of_finished_folders_names_no_results_folder_written(
        runs: tuple[Path, Path], tmp_path: Path) -> None:
    result = cli("compare", *runs, "--out", tmp_path / "c", "--no-figures")
    assert result.exit_code == 0, result.output
    written = result.output.strip().splitlines()[-1]
    assert written == f"Written to {tmp_path / 'c'}: compare.csv, compare.md, comparison.json"


# ============================== finding 6: --max-replications
@pytest.mark.parametrize("command", ["run", "compare"])
def test_max_replications_without_a_target_is_refused(command: str, tmp_path: Path) -> None:
    items = [TINY] if command == "run" else [TINY, TINY]
    result = cli(command, *items, *SHORT, "--max-replications", 5, "--out", tmp_path / "o",
                 *QUIET)
    assert result.exit_code == 2, result.output
    assert "--max-replications: --max-replications only has an effect with --target-ci" in (
        result.output)
    assert "leave out --max-replications" in result.output
    assert not (tmp_path / "o").exists()


def test_python_max_replications_without_a_target_is_refused() -> None:
    with pytest.raises(ExperimentError) as info:
        sim.compare([TINY, TINY], 2, max_replications=5)
    assert info.value.what == "max_replications"
    no_options(str(info.value))


def test_compare_checks_max_replications_against_the_default_n(tmp_path: Path) -> None:
    target = ("--target-ci", 0.1, "--metric", "delivered_t")
    result = cli("compare", TINY, TINY, *SHORT, *target, "--max-replications", 5, "--out",
                 tmp_path / "c", *QUIET)
    assert result.exit_code == 2, result.output
    assert "--max-replications 5 is below -n 10 (the default)" in result.output
    assert "give --max-replications 10 or more, or a smaller -n" in result.output
    assert not (tmp_path / "c").exists()
    with pytest.raises(ExperimentError) as info:
        sim.compare([TINY, TINY], target_ci=0.1, metrics=["delivered_t"], max_replications=5)
    assert info.value.what == "max_replications"
    assert info.value.message == "max_replications=5 is below replications=10 (the default)"
    no_options(str(info.value))


def test_compare_with_max_replications_at_least_n_and_the_default_maximum_run(
        tmp_path: Path) -> None:
    target = ("--target-ci", 0.5, "--metric", "delivered_t")
    for extra in (("--max-replications", 4), ()):
        out = tmp_path / f"c{len(extra)}"
        result = cli("compare", TINY, TINY, *SHORT, *target, "-n", 3, *extra, "--out", out,
                     *QUIET)
        assert result.exit_code == 0, result.output
        assert "stopped:" in result.output
