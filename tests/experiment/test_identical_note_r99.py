"""A comparison of a scenario with itself says so, instead of a silent table of zeros.

Review 99: `sim compare X.yaml X.yaml --set ...` applies --set to both, so an analyst
comparing a variant with its original got every difference 0 and no word why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from expt_helpers import TINY, TINY_30_DAYS, cli

import sim

SAME = "tiny-2 is the same scenario as the reference (tiny) with the same seed"


def test_the_python_api_warns_and_keeps_the_note() -> None:
    with pytest.warns(UserWarning, match="same scenario as the reference") as caught:
        table = sim.compare([TINY, TINY], replications=2, workers=1,
                            overrides=["horizon_days=20"])
    note = next(n for n in table.attrs["notes"] if n.startswith(SAME))
    assert "overrides change every scenario" in note and "--set" not in note
    assert any(SAME in str(w.message) for w in caught)


def test_the_command_line_prints_it(tmp_path: Path) -> None:
    out = cli("compare", TINY, TINY, "-n", "2", "-w", "1", "--set", "horizon_days=20",
              "--out", tmp_path / "cmp", "--no-figures")
    assert out.exit_code == 0, out.output
    assert f"note: {SAME}" in out.output
    assert "--set changes every scenario" in out.output
    assert SAME in (tmp_path / "cmp" / "compare.md").read_text(encoding="utf-8")


def test_a_scenario_that_differs_gets_no_such_note(tmp_path: Path) -> None:
    other = tmp_path / "tiny.yaml"  # the same name, another file: one field differs
    other.write_text(TINY.read_text(encoding="utf-8").replace(
        "clearance_trucks_per_day: {value: 100,", "clearance_trucks_per_day: {value: 90,"),
        encoding="utf-8")
    table = sim.compare([TINY, other], replications=2, workers=1,
                        overrides=["horizon_days=20"])
    assert not any("same scenario" in n for n in table.attrs["notes"])
    # a copy under another name and title is still the same scenario
    copy = tmp_path / "copy.yaml"
    copy.write_text(TINY_30_DAYS.replace("name: tiny", "name: tiny_copy"), encoding="utf-8")
    with pytest.warns(UserWarning, match="same scenario"):
        sim.compare([TINY, copy], replications=2, workers=1, overrides=["horizon_days=20"])


def test_without_overrides_the_note_gives_no_advice_about_them() -> None:
    with pytest.warns(UserWarning, match="same scenario") as caught:
        sim.compare([TINY, TINY], replications=2, workers=1)
    said = [str(w.message) for w in caught if SAME in str(w.message)]
    assert said == [f"{SAME}, so every difference is 0"]


def test_a_length_given_as_an_end_date_is_the_same_length(tmp_path: Path) -> None:
    # tiny runs 100 days from 2024-01-01: to 2024-04-09 inclusive
    by_end = tmp_path / "by_end.yaml"
    by_end.write_text(TINY.read_text(encoding="utf-8").replace(
        "horizon_days: {value: 100, assumption: test input}", "end: 2024-04-09"),
        encoding="utf-8")
    with pytest.warns(UserWarning, match="same scenario"):
        sim.compare([TINY, by_end], replications=2, workers=1)


def test_results_folders_of_one_scenario_get_no_such_note(tmp_path: Path) -> None:
    # two runs of one scenario and seed (say by two versions of sim): a regression check,
    # whose differences need not be 0
    for name in ("old", "new"):
        sim.run(TINY, replications=2, workers=1, out=tmp_path / name)
    table = sim.compare([tmp_path / "old", tmp_path / "new"])
    assert not any("same scenario" in n for n in table.attrs["notes"])
    # a results folder against the scenario run here: not both run here, no note either
    table = sim.compare([tmp_path / "old", TINY], replications=2, workers=1)
    assert not any("same scenario" in n for n in table.attrs["notes"])


def test_a_date_given_as_days_is_the_same_date(tmp_path: Path) -> None:
    # review 101: an event from day 5 to day 20, and the same event by its dates
    event = ("\nshocks:\n  events:\n    slow:\n      targets: {{sites: [border]}}\n"
             "      start: {start}\n      end: {end}\n"
             "      effects: {{added_delay_days: 1}}\n")
    paths = []
    for name, start, end in (("by_day", "5", "20"), ("by_date", "2024-01-06", "2024-01-21")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(TINY.read_text(encoding="utf-8").replace("name: tiny", f"name: {name}")
                        + event.format(start=start, end=end), encoding="utf-8")
        paths.append(path)
    with pytest.warns(UserWarning, match="by_date is the same scenario as the reference"):
        sim.compare(paths, replications=2, workers=1)
    # and a start a day later is another scenario
    paths[1].write_text(paths[1].read_text(encoding="utf-8").replace("2024-01-06",
                                                                       "2024-01-07"),
                        encoding="utf-8")
    table = sim.compare(paths, replications=2, workers=1)
    assert not any("same scenario" in n for n in table.attrs["notes"])
