"""Review 240: mutation testing of the memory check and the resume checks (review 229-236's
merges). Each test kills a mutant that survived the existing tests and that a user would
see: a wrong figure or hint in the message that refuses a run, or a valid resume refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from expt_helpers import RANDOM, TINY

import sim
from sim.experiment.collector import no_room, no_room_for_tables


def test_the_figure_said_counts_the_samples_own_scenarios() -> None:
    # 2 replications of each of 4 samples at 300 bytes, and 10,000 bytes for each sample's
    # scenario: 2,400 + 40,000 bytes (a mutant said 2.3 KiB, what the check did not refuse)
    exc = no_room(2, 300, 30_000, "-r", 4, "KPI values", per_scenario=10_000)
    assert exc.message.startswith("2 replications of each of 4 samples need about 41.4 KiB "
                                  "of memory for their results (KPI values) and the "
                                  "samples' own scenarios (about 9.8 KiB each)"), exc.message


def test_the_hint_names_how_many_would_fill_the_memory_only_above_one() -> None:
    # "the results of 1 would fill all of it" says nothing a user can act on
    one = no_room(5, 1000, 1500)
    assert one.hint == ("use far fewer replications, or --target-ci with --metric to run as "
                        "many as a precision needs")
    two = no_room(5, 1000, 2500)
    assert "(the results of 2 would fill all of it)" in (two.hint or "")


def test_tables_that_did_not_fit_unsaved_say_to_run_fewer() -> None:
    exc = no_room_for_tables(3, None, False)
    assert exc.message == ("the tables of 3 replications needed more memory than could be "
                           "allocated")
    assert exc.hint == "run again with far fewer replications"
    assert no_room_for_tables(3, None, True).message.startswith(
        "the tables and figures of 3 replications")


def test_a_precision_run_holding_its_maximum_resumes(tmp_path: Path) -> None:
    # the folder holds replications 0..4 and the maximum is 5: not beyond it (a mutant of
    # check_saved, `max_replications <= held`, refused the resume as bad input)
    out = tmp_path / "r"
    target = {"target_ci": 0.0001, "metrics": ["delivered_t:copper"], "max_replications": 5}
    overrides = [*RANDOM, "horizon_days=20"]
    calls: list[int] = []

    def sink(_res: object) -> None:
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sim.run(TINY, replications=3, seed=5, overrides=overrides, out=out, figures=False,
                sink=sink, **target)
    assert len(list((out / "replications").glob("rep-*.npz"))) == 5
    assert not (out / "manifest.json").exists()
    with pytest.warns(UserWarning, match="reached the maximum of 5 replications"):
        res = sim.run(TINY, replications=3, seed=5, overrides=overrides, out=out,
                      figures=False, resume=True, **target)
    assert res.n == 5 and res.info["stopping"]["reason"] == "maximum"
    assert (out / "manifest.json").exists()
