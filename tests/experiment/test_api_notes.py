"""Notes reach Python users as warnings: what makes a comparison's differences other than
they seem (different periods or seeds), and an override whose bare number replaces a value
the file gives in another unit. The command line prints the same notes once, as before."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from expt_helpers import TINY, sim_process

import sim
from sim.experiment.results import Results
from sim.scenario import meta_of

PRICE = "commodities.copper.reference_price_usd_per_t=9000"
KEEP = "commodities.copper.reference_price_usd_per_t={value: 9000, unit: usd/lb}"
RANGE = {"horizon_days": (20, 30, "int")}


SLOWER = "sites:\n  border:\n    clearance_trucks_per_day: {value: 90, assumption: test input}\n"


@pytest.fixture(scope="module")
def priced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny.yaml with copper's reference price in USD/lb, and a slower border post (so that
    an override of the price leaves it another scenario than tiny)."""
    path = tmp_path_factory.mktemp("notes") / "priced.yaml"
    path.write_text(f"extends: {TINY}\nname: priced\ncommodities:\n  copper:\n"
                    "    reference_price_usd_per_t: {value: 4, unit: usd/lb}\n" + SLOWER)
    return path


@pytest.fixture(scope="module")
def longer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny.yaml over 120 days instead of 100, with a slower border post (so that one
    period makes it another scenario than tiny, not tiny itself)."""
    path = tmp_path_factory.mktemp("notes") / "longer.yaml"
    path.write_text(f"extends: {TINY}\nname: longer\nhorizon_days: 120\n" + SLOWER)
    return path


def only_warning(record: pytest.WarningsRecorder) -> warnings.WarningMessage:
    assert len(record) == 1, [str(w.message) for w in record]
    assert record[0].category is UserWarning
    assert record[0].filename == __file__  # at the caller's line (stacklevel)
    return record[0]


# --- comparisons -------------------------------------------------------------------------


def test_compare_warns_that_the_periods_differ_with_python_advice(longer: Path) -> None:
    # the table showed +20% delivered and nothing of the period
    with pytest.warns(UserWarning) as record:
        table = sim.compare([TINY, longer], 1)
    text = str(only_warning(record).message)
    assert text.startswith("the scenarios measure different periods (tiny 2024-01-01 + 100 "
                           "days, longer 2024-01-01 + 120 days)")
    assert text.endswith("give them one period, that of the scenario starting last: "
                         "overrides=['start=2024-01-01', 'end=2024-04-29', 'horizon_days=null']")
    assert table.attrs["notes"] == [text]
    # the advice works
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same = sim.compare([TINY, longer], 1, overrides=["start=2024-01-01", "end=2024-04-29",
                                                         "horizon_days=null"])
    assert same.attrs["notes"] == []


def test_run_comparison_words_its_notes_for_python_and_the_command_line(longer: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the Comparison holds the notes; nothing is warned
        comp = sim.run_comparison([TINY, longer], 1)
    assert comp.notes[0].endswith(
        "overrides=['start=2024-01-01', 'end=2024-04-29', 'horizon_days=null']")
    # the command line asks for its own wording
    assert sim.run_comparison([TINY, longer], 1, for_python=False).notes[0].endswith(
        "give them one period, that of the scenario starting last: --set start=2024-01-01 "
        "--set end=2024-04-29 "
        "--set horizon_days=null")


def test_compare_of_results_over_other_periods_says_to_run_them_again(longer: Path) -> None:
    first = sim.run(TINY, 1)
    with pytest.warns(UserWarning) as record:
        sim.compare([first, longer], 1)
    assert str(only_warning(record).message).endswith(
        "run them again over one period (sim.run(..., overrides=['start=2024-01-01', "
        "'end=2024-04-29', 'horizon_days=null'])), or compare the scenario files with those "
        "overrides")


def test_compare_warns_of_results_run_with_different_seeds() -> None:
    a, b = sim.run(TINY, 2, seed=1), sim.run(TINY, 2, seed=2)
    with pytest.warns(UserWarning) as record:
        table = sim.compare([a, b])
    text = str(only_warning(record).message)
    assert text.startswith("the scenarios were run with different seeds (tiny seed 1, "
                           "tiny-2 seed 2)")
    assert text.endswith("(run them again with seed=1)")
    assert table.attrs["notes"] == [text]


def test_compare_warns_of_an_override_over_another_unit(priced: Path) -> None:
    with pytest.warns(UserWarning) as record:
        table = sim.compare([TINY, priced], 1, overrides=[PRICE])
    text = str(only_warning(record).message)
    assert text.startswith(f"override {PRICE!r}: the file gave "
                           "commodities.copper.reference_price_usd_per_t as 4 usd/lb")
    # a note tiny does not share names the scenario it is about, at its end, so that a
    # filter on "^override" still catches it (the command line begins with "priced: ")
    assert text.endswith(f"write overrides=[{KEEP!r}]) (priced only)")
    assert table.attrs["notes"] == [text]


# --- loading, running and sweeping -------------------------------------------------------


def test_load_scenario_warns_of_an_override_over_another_unit(priced: Path) -> None:
    # sim validate --set printed a note; sim.load_scenario said nothing
    with pytest.warns(UserWarning) as record:
        sc = sim.load_scenario(priced, overrides=[PRICE])
    text = str(only_warning(record).message)
    assert text.startswith(f"override {PRICE!r}: the file gave ")
    assert "the bare number is read in the field's own unit, not usd/lb" in text
    assert text.endswith(f"write overrides=[{KEEP!r}])")
    assert sc.commodities["copper"].reference_price_usd_per_t == 9000
    # the advice works, and says nothing more
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept = sim.load_scenario(priced, overrides=[KEEP])
    assert kept.commodities["copper"].reference_price_usd_per_t == pytest.approx(
        9000 / 0.45359237e-3)


def test_scenario_from_dict_warns_as_load_scenario_does() -> None:
    data = {**sim.load_scenario(TINY).model_dump(mode="json", by_alias=True)}
    data["horizon_days"] = {"value": 2, "unit": "week"}
    with pytest.warns(UserWarning, match=r"^override 'horizon_days=20': the file gave "
                                         r"horizon_days as 2 week") as record:
        sim.scenario_from_dict(data, overrides=["horizon_days=20"])
    only_warning(record)


def test_the_scenario_packages_loaders_return_the_notes_without_warning(priced: Path) -> None:
    # the command line prints them from meta_of(sc).notes, once
    from sim.scenario import load_scenario

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sc = load_scenario(priced, [PRICE])
    assert meta_of(sc).notes[0].startswith(f"--set {PRICE}: the file gave ")


def test_run_and_sweep_warn_of_their_overrides(priced: Path) -> None:
    with pytest.warns(UserWarning) as record:
        sim.run(priced, 1, overrides=[PRICE])
    assert str(only_warning(record).message).startswith(f"override {PRICE!r}")
    with pytest.warns(UserWarning) as record:
        table = sim.sweep(priced, RANGE, samples=2, overrides=[PRICE])
    # review 214: a grid or LHS sweep's correlations get the command line's chance line
    chance = [w for w in record if "from chance" in str(w.message)]
    assert len(chance) == 1
    record.list.remove(chance[0])
    text = str(only_warning(record).message)
    assert text.startswith(f"override {PRICE!r}")
    assert table.attrs["notes"] == [text, str(chance[0].message)]
    sweep = sim.run_sweep(priced, ["horizon_days=20:30:int"], samples=2, overrides=[PRICE])
    assert sweep.notes[0].startswith(f"override {PRICE!r}: ")
    assert f"\n  note: override {PRICE!r}" in repr(sweep)


def test_a_loaded_scenarios_notes_are_not_warned_of_again(priced: Path) -> None:
    with pytest.warns(UserWarning):
        sc = sim.load_scenario(priced, [PRICE])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = sim.run(sc, 1, overrides=["horizon_days=20"])
        # review 214: the one warning is the correlations' chance line, not a note
        warnings.filterwarnings("ignore", message=".*from chance")
        table = sim.sweep(sc, RANGE, samples=2)
        sim.compare([sc, TINY], 1)
    assert isinstance(res, Results)
    assert [n for n in table.attrs["notes"] if "from chance" not in n] == []


def test_the_command_line_prints_each_note_once(priced: Path) -> None:
    proc = sim_process("validate", priced, "--set", PRICE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(f"note: --set {PRICE}: the file gave ") == 1
    assert "Warning" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_compare_and_sweep_on_the_command_line_print_what_set_did(priced: Path, tmp_path: Path,
                                                                  command: str) -> None:
    # sim run and sim validate printed the note; sim compare and sim sweep said nothing
    args = ([priced, priced, "-n", "1"] if command == "compare"
            else [priced, "--param", "horizon_days=20:30:int", "-n", "2", "-r", "1"])
    proc = sim_process(command, *args, "--set", PRICE, "--out", tmp_path / "out",
                       "--no-figures", "-q")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    assert out.count(f"note: --set {PRICE}: the file gave ") == 1
    assert "overrides=" not in out and "Warning" not in out
