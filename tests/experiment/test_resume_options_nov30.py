"""Resuming from the command line keeps what the interrupted command was given.

1. ``sim report``'s hint for an unfinished comparison rebuilt the command from what
   run.json recorded of the comparison and dropped ``--workers`` and ``--no-figures``, so
   the command it gave drew figures the comparison had been told not to draw.
2. ``sim run --resume`` and ``sim compare --resume`` without ``--target-ci`` on a folder
   run to a precision target ended with the replications saved, silently, as if the target
   had been met (``sim.run`` and ``sim.compare`` warned).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from expt_helpers import SET_RANDOM, TINY, cli, interrupted_copy

import sim
from sim.output.report import finish_command

QUIET = ("-q", "-w", "1", "--no-figures")
# a target no run here meets, so the folder is a precision run; the maximum is kept small
# as the note, not how far the run went, is tested (40 took most of this file's time)
TARGET = ("--target-ci", 0.03, "--metric", "delivered_t", "--max-replications", 6)


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory, build) -> Path:
    """tiny.yaml with a ten-day closure of the mine's lane inside its 40 days."""
    return build.tiny_closure(tmp_path_factory.mktemp("scenarios") / "cut.yaml",
                              "{lanes: [mine_border]}", name="cut", start=30, days=10)


def cut_short(full: Path, to: Path, keep: int) -> Path:
    """:func:`interrupted_copy`, its run.json naming its comparison's folder ``to``'s
    parent if it belongs to one (the comparison was interrupted where it is now)."""
    interrupted_copy(full, to, keep)
    info = json.loads((to / "run.json").read_text(encoding="utf-8"))
    if "comparison" in info:
        info["comparison"] = str(to.parent.resolve())
        (to / "run.json").write_text(json.dumps(info), encoding="utf-8")
    return to


def interrupted_comparison(full: Path, to: Path, keep: int) -> Path:
    for arm in full.iterdir():
        if (arm / "run.json").is_file():
            cut_short(arm, to / arm.name, keep)
    return to


# ============================== 1. the hint keeps --workers and --no-figures
def test_the_report_hint_for_a_comparison_keeps_every_option(cut: Path,
                                                             tmp_path: Path) -> None:
    full = tmp_path / "full"
    done = cli("compare", TINY, cut, "-n", 3, "--seed", 5, "--set", "horizon_days=40",
               *SET_RANDOM, *QUIET, "--out", full)
    assert done.exit_code == 0, done.output
    out = interrupted_comparison(full, tmp_path / "moved" / "c", keep=1)
    hint = finish_command(out / "tiny")
    assert hint is not None
    words = shlex.split(hint)
    assert words[:2] == ["sim", "compare"] and words[-1] == "--resume"
    assert "--no-figures" in words and words[words.index("--workers") + 1] == "1"
    assert words[words.index("--out") + 1] == str(out)  # where it is now, not where it ran
    assert words[2:4] == [str(TINY), str(cut.absolute())]
    # the command it gives finishes the comparison as the uninterrupted one, no figures
    finished = cli(*words[1:])
    assert finished.exit_code == 0, finished.output
    assert not (out / "figures").exists() and not (out / "tiny" / "figures").exists()
    assert ((out / "compare.csv").read_text(encoding="utf-8")
            == (full / "compare.csv").read_text(encoding="utf-8"))


def test_a_comparison_from_python_records_no_command(cut: Path, tmp_path: Path) -> None:
    # sim.compare has no command line to replay: the hint is rebuilt from the record
    out = tmp_path / "py"
    sim.compare([TINY, cut], replications=2, seed=5, overrides=["horizon_days=40"],
                out=out, figures=False)
    info = json.loads((out / "cut" / "run.json").read_text(encoding="utf-8"))
    assert "resume_command" not in info and info["compared"]


# ============================== 2. resumed without the target: said, not silent
def test_sim_run_resumed_without_its_target_says_so(tmp_path: Path) -> None:
    full = tmp_path / "full"
    run = ("-n", 3, "--seed", 5, "--set", "horizon_days=30", *SET_RANDOM, *QUIET)
    done = cli("run", TINY, *run, *TARGET, "--out", full)
    assert done.exit_code == 0, done.output
    out = cut_short(full, tmp_path / "r", keep=2)
    resumed = cli("run", TINY, *run, "--out", out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert (f"note: {out} holds a precision run (--target-ci 0.03 --metric delivered_t "
            "--max-replications 6) resumed without --target-ci") in resumed.output
    # and with its target given, nothing is said
    again = cut_short(full, tmp_path / "r2", keep=2)
    with_target = cli("run", TINY, *run, *TARGET, "--out", again, "--resume")
    assert with_target.exit_code == 0 and "note:" not in with_target.output


def test_a_python_precision_run_resumed_from_the_command_line_says_so(
        tmp_path: Path) -> None:
    full = tmp_path / "full"
    overrides = ["horizon_days=30", *[o for o in SET_RANDOM if o != "--set"]]
    sim.run(TINY, replications=3, seed=5, overrides=overrides, out=full, figures=False,
            target_ci=0.03, metrics=["delivered_t"], max_replications=6, confidence=0.9)
    out = cut_short(full, tmp_path / "r", keep=2)
    resumed = cli("run", TINY, "--seed", 5, "--set", "horizon_days=30", *SET_RANDOM, *QUIET,
                  "--out", out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    said = " ".join(resumed.output.split())
    assert ("holds a precision run (--target-ci 0.03 --metric delivered_t "
            "--max-replications 6) resumed without --target-ci") in said
    assert "its confidence, 0.9, has no option here" in said


def test_sim_compare_resumed_without_its_target_says_so(cut: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    args = ("-n", 3, "--seed", 5, "--set", "horizon_days=40", *SET_RANDOM, *QUIET)
    done = cli("compare", TINY, cut, *args, *TARGET, "--out", full)
    assert done.exit_code == 0, done.output
    out = interrupted_comparison(full, tmp_path / "c", keep=2)
    resumed = cli("compare", TINY, cut, *args, "--out", out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    said = " ".join(resumed.output.split())
    assert (f"note: {out} holds a precision comparison (--target-ci 0.03 --metric "
            "delivered_t --max-replications 6) resumed without --target-ci") in said


def test_the_recorded_command_is_not_given_once_a_file_was_edited(cut: Path,
                                                                  tmp_path: Path) -> None:
    # the command would refuse the folder as another run's: the hint says why instead
    mine = tmp_path / "cut.yaml"
    mine.write_text(cut.read_text(encoding="utf-8"), encoding="utf-8")
    full = tmp_path / "full"
    done = cli("compare", TINY, mine, "-n", 2, "--seed", 5, "--set", "horizon_days=40",
               *QUIET, "--out", full)
    assert done.exit_code == 0, done.output
    out = interrupted_comparison(full, tmp_path / "c", keep=1)
    mine.write_text(mine.read_text(encoding="utf-8").replace("start: 30", "start: 31"),
                    encoding="utf-8")
    hint = finish_command(out / "tiny")
    assert hint is not None and hint.startswith("sim.compare([")
    assert "was edited since" in hint and "--no-figures" not in hint
