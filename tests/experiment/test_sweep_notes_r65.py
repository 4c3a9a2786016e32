"""Review 65: a sweep's notes are those of the points it runs (not of the unswept
scenario); a --set of a mapping may hold a --param; a sampled value a scenario refuses is
named as the --param it came from; a sweep stopped while writing its tables is offered
--resume; and the wording of the Sobol cautions."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from click.testing import CliRunner
from expt_helpers import TINY

import sim
from sim.cli import main
from sim.output.sweep_output import sobol_note, undefined_note

FACTOR = "shocks.events.strike.effects.capacity_factor"
STRIKE = ("{start: 5, duration_days: 10, targets: {sites: [border]}, "
          "effects: {capacity_factor: %s}}")


def strike_file(tmp_path: Path, factor: float) -> Path:
    path = tmp_path / f"strike_{factor}.yaml"
    path.write_text(f"extends: {TINY}\nname: tiny_strike\nhorizon_days: 20\n"
                    f"shocks:\n  events:\n    strike: {STRIKE % factor}\n")
    return path


def swept_notes(path: Path, low: float, high: float) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = sim.sweep(path, {FACTOR: (low, high)}, design="grid", samples=3, workers=1)
    said = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert said == table.attrs["notes"]
    return table.attrs["notes"]


def test_a_setting_that_does_nothing_at_some_points_is_noted_with_those_points(
        tmp_path: Path) -> None:
    # the file's factor 0.02 holds lots; 0.455 and 0.9 (samples 1 and 2) change nothing
    notes = swept_notes(strike_file(tmp_path, 0.02), 0.01, 0.9)
    factor = [n for n in notes if "sets capacity factor" in n]
    assert len(factor) == 1, notes
    assert "capacity factor 0.455" in factor[0] and "changes nothing" in factor[0]
    assert "at 2 of 3 points: samples 1, 2" in factor[0]


def test_the_files_own_value_is_not_noted_when_no_point_uses_it(tmp_path: Path) -> None:
    notes = swept_notes(strike_file(tmp_path, 0.9), 0.01, 0.03)
    assert not [n for n in notes if "capacity factor" in n], notes


def test_the_command_line_prints_the_points_notes(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "sweep", str(strike_file(tmp_path, 0.02)), "--param", f"{FACTOR}=0.01:0.9",
        "--design", "grid", "-n", "3", "-w", "1", "-q", "--no-figures",
        "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "note: event 'strike' sets capacity factor 0.455" in result.output
    assert "at 2 of 3 points: samples 1, 2" in result.output


def test_point_notes_counts_each_distinct_note_once() -> None:
    from sim.experiment.sweep import point_notes

    notes = point_notes([["same", "factor 0.5 does nothing"], ["same"],
                         ["same", "factor 0.9 does nothing", "other"]])
    assert notes == ["same",
                     "factor 0.5 to 0.9 does nothing (at 2 of 3 points: samples 0, 2; a "
                     "number or date that differs between these points is shown as its range "
                     "over them)",
                     "other (at 1 of 3 points: sample 2)"]
    many = point_notes([["x"]] * 12 + [[]])
    assert many == ["x (at 12 of 13 points: samples 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ... "
                    "(2 more))"]


def test_a_set_of_a_mapping_may_hold_a_param(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match=r"capacity factor 0\.9 .*\(at 1 of 2 points: "
                                         r"sample 1\)"):
        table = sim.sweep(TINY, {FACTOR: (0.01, 0.9)}, design="grid", samples=2, workers=1,
                          overrides=["horizon_days=20", f"shocks.events.strike={STRIKE % 0.02}"])
    assert list(table[FACTOR]) == [0.01, 0.9]
    # a --set of the parameter itself, or of a value inside it, is still refused
    for fixed in (f"{FACTOR}=0.5", f"{FACTOR}.value=0.5"):
        with pytest.raises(ValueError, match="both set"):
            sim.sweep(TINY, {FACTOR: (0.01, 0.9)}, design="grid", samples=2, workers=1,
                      overrides=[f"shocks.events.strike={STRIKE % 0.02}", fixed])


def test_a_refused_sample_names_the_param(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "sweep", str(strike_file(tmp_path, 0.02)), "--param",
        "shocks.events.strike.duration_days=0:4", "--design", "grid", "-n", "2", "-w", "1",
        "-q", "--no-figures", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "--param shocks.events.strike.duration_days=0" in result.output
    assert "--set shocks.events.strike.duration_days" not in result.output


def test_a_refused_range_end_located_in_the_file_names_the_param(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "sweep", str(TINY), "--param", "sites.mine_a.offtake.copper.formal=0.1:0.3",
        "--design", "grid", "-n", "2", "-w", "1", "-q", "--no-figures",
        "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "(after --param sites.mine_a.offtake.copper.formal=0.1)" in result.output
    assert "after --set" not in result.output


def sweep_args(out: Path, *extra: str) -> list[str]:
    return ["sweep", str(TINY), "--param", "horizon_days=20:30:int", "-n", "2", "--design",
            "grid", "-w", "1", "-q", "--no-figures", "--out", str(out), *extra]


def test_a_sweep_stopped_while_writing_its_tables_is_offered_resume(tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert CliRunner().invoke(main, sweep_args(out)).exit_code == 0
    whole = pd.read_csv(out / "sweep.csv")
    (out / "sweep.json").unlink()  # written last: a stop before it leaves sweep.csv
    again = CliRunner().invoke(main, sweep_args(out))
    assert again.exit_code == 2, again.output
    assert "already holds a sweep" not in again.output
    assert "unfinished sweep" in again.output and "--resume" in again.output
    resumed = CliRunner().invoke(main, sweep_args(out, "--resume"))
    assert resumed.exit_code == 0, resumed.output
    assert (out / "sweep.json").is_file()
    pd.testing.assert_frame_equal(pd.read_csv(out / "sweep.csv"), whole)


def test_tables_without_saved_replications_or_sweep_json_are_offered_force(
        tmp_path: Path) -> None:
    out = tmp_path / "s"
    out.mkdir()
    (out / "sweep.csv").write_text("sample\n0\n")
    refused = CliRunner().invoke(main, sweep_args(out))
    assert refused.exit_code == 2, refused.output
    # review 194: without sweep.json or saved replications, nothing marks sweep.csv as a
    # sweep's: it is kept, --force included, and another folder is offered
    assert "not results this tool wrote" in refused.output
    assert "choose another --out folder" in refused.output
    forced = CliRunner().invoke(main, [*sweep_args(out), "--force"])
    assert forced.exit_code == 2, forced.output
    assert (out / "sweep.csv").read_text() == "sample\n0\n"


def test_sobol_caution_reads_as_sentences() -> None:
    sobol = pd.DataFrame({"first_order": [1.5], "total_order": [0.5]})
    text = sobol_note(sobol, 4)
    assert ("which a share of the variance cannot be; and 4 base samples are few for Sobol "
            "indices") in text


def test_undefined_note_for_a_kpi_with_a_value_at_no_point() -> None:
    def fake(counts: dict[str, int]) -> SimpleNamespace:
        sobol = pd.DataFrame()
        sobol.attrs.update(undefined_outputs=list(counts), points_with_value=counts)
        return SimpleNamespace(sobol=sobol, design=SimpleNamespace(size=8))

    never = undefined_note(fake({"time_to_recover_days:copper": 0}),
                           ["time_to_recover_days:copper"])
    assert "without a value at any design point" in never
    assert "a value at 0 of 8 points" in never
    some = undefined_note(fake({"time_to_recover_days:copper": 3}),
                          ["time_to_recover_days:copper"])
    assert "without a value at some design point" in some


def test_a_refused_sample_names_the_param_for_python() -> None:
    with pytest.raises(ValueError) as info:
        sim.sweep(TINY, {"sites.mine_a.offtake.copper.formal": (0.1, 0.3)}, design="grid",
                  samples=2, workers=1)
    text = str(info.value)
    assert "(after param 'sites.mine_a.offtake.copper.formal=0.1')" in text
    assert "override" not in text.split("hint: check")[0]
