"""Tests for the mutations review 190 found uncaught in the latest fixes: each pins words
or output a user reads (a note said once with -q, a report note's case, the period and
stock notes' wording, what a region throttle acts on)."""

from __future__ import annotations

import warnings
from pathlib import Path

import yaml

import sim
from sim.experiment.compare import PERIOD_WORDS, initial_stock_notes, period_words, resolve
from sim.output.report import DIFFERENCE_NOTE, capitalised
from sim.output.shock_text import describe_shocks
from tests.experiment.expt_helpers import cli

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"
CAPACITY = "planned flow into border (border post) is 200%"


def copy(tmp_path: Path, name: str, **change: object) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = name
    for key, value in change.items():
        data[key] = value
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# M46: -q says a --set capacity note once per scenario, before the run
def test_quiet_compare_says_a_capacity_note_once(tmp_path: Path) -> None:
    result = cli("compare", TINY, copy(tmp_path, "other"), "-n", "2", "-w", "1", "-q",
                 "--no-figures", "--out", tmp_path / "cmp",
                 "--set", "sites.border.clearance_trucks_per_day=2")
    assert result.exit_code == 0, result.output
    assert result.stderr.count(CAPACITY) == 2  # tiny's and other's, before the run


# M16: a note beginning with a KPI keeps its case
def test_a_note_beginning_with_a_kpi_keeps_its_case() -> None:
    assert capitalised("export_value_usd, royalty_usd and stranded_end_t are 0") == (
        "export_value_usd, royalty_usd and stranded_end_t are 0")
    assert capitalised("the scenarios measure") == "The scenarios measure"


# M13: differences over another length are partly, not mostly, the period's
def test_the_length_words() -> None:
    assert PERIOD_WORDS["length"] == "partly the length of the period (totals grow with it)"
    assert period_words(["length"]) == PERIOD_WORDS["length"]


# M14: the stock note says shortfalls and prices may differ, not that they do
def test_the_stock_note_says_may(tmp_path: Path) -> None:
    from tests.output.test_report_notes_r182 import stocked

    arms, _root = resolve([TINY, stocked(tmp_path)])
    (note,) = initial_stock_notes(arms)
    assert ("(market_x initial_stock_t 5,000 t against 1,000 t): its stocks at the end "
            "differ by that as well as by what the scenario changes, and so may the "
            "shortfalls and prices those stocks buffer") in note


# M21b: the note on intervals says what they leave out
def test_the_difference_note_names_what_the_interval_leaves_out() -> None:
    assert ("it leaves out the uncertainty of the scenarios' assumed inputs"
            in DIFFERENCE_NOTE)


# M38: a region throttle acting on everything it reaches says nothing more
def test_a_region_of_capacities_only_gets_no_acts_only_on(tmp_path: Path) -> None:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["regions"]["yard"] = {"country": "COD"}
    data["sites"]["mine_a"]["region"] = "yard"  # a mine alone in its region
    # the lane out of it has a loading capacity: all the region reaches can be slowed
    data["lanes"]["mine_border"]["capacity_trucks_per_day"] = {"value": 100,
                                                               "assumption": "test"}
    data["shocks"] = {"events": {"slow": {
        "name": "slow", "start": 10, "duration_days": 10, "targets": {"regions": ["yard"]},
        "effects": {"capacity_factor": {"value": 0.5, "assumption": "test"}}}}}
    path = tmp_path / "yard.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = sim.load_scenario(path)
    text = describe_shocks(sc)
    line = next(ln for ln in text.splitlines() if "event slow" in ln)
    assert "acts only on" not in line
