"""Review 96, findings 1 and 2: every refused input gets a hint, and the hint leads to
input that is accepted.

1. Removing a key that is not there (``--set sites.market_x.foo=null``, or ``foo: null`` in
   a file that extends another) had no hint unless a present key had a similar name.
2. A number written with its unit in one piece (``20 kt``) got the hint to write
   ``{value: 20, unit: kt}``, repeating the unit without checking it fits the field: for a
   field in t/yr that is refused next (different dimensions), and ``1 yr`` for a whole
   number of days is 365.25 days, refused next too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_helpers import only_issue, write

from sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
OUTPUT = "sites.mine_a.output.copper.t_per_year"


def _issue(overrides: list[str], path: Path = TINY):
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, overrides)
    return only_issue(exc)


# finding 1


def test_removing_a_missing_key_names_the_keys_there() -> None:
    issue = _issue(["sites.market_x.foo=null"])
    assert issue.message == "there is no sites.market_x.foo to remove"
    assert issue.hint == ("sites.market_x holds kind, region, location, demand_t_per_year, "
                          "initial_stock_t: name one of those, or leave out this removal")


def test_removing_a_missing_id_in_a_file_names_the_ids_there(tmp_path: Path) -> None:
    child = write(tmp_path / "child.yaml",
                  f"extends: {TINY}\nname: child\nsites:\n  nosuch: null\n")
    issue = _issue([], child)
    assert (issue.file, issue.line) == (str(child), 4)
    assert issue.hint == ("sites holds mine_a, border, market_x: name one of those, or "
                          "leave out this removal")


def test_removing_at_the_top_level_says_so() -> None:
    issue = _issue(["nosuch=null"])
    assert issue.hint is not None
    assert issue.hint.startswith("the top level holds name, title, start, ")


def test_removing_from_what_holds_nothing_says_so() -> None:
    issue = _issue(["shocks.events.x=null"])
    assert issue.hint == "shocks.events holds no keys to remove: leave out this removal"


def test_a_close_name_still_gets_did_you_mean() -> None:
    assert _issue(["sites.market_x.regoin=null"]).hint == "did you mean 'region'?"


def test_a_long_mapping_is_cut_short() -> None:
    from sim.scenario.loader import _removable_hint

    hint = _removable_hint(("a", "zz"), [f"c{i}" for i in range(15)])
    assert hint == ("a holds c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11 and 3 more: "
                    "name one of those, or leave out this removal")


# finding 2


def _accepted(override: str) -> None:
    load_scenario(TINY, [override])


@pytest.mark.parametrize(("field", "given", "unit", "fitting"), [
    (OUTPUT, "20 kt", "t/yr", "kt/yr"),
    ("sites.market_x.demand_t_per_year.copper", "20 kt", "t/yr", "kt/yr"),
    ("sites.border.clearance_trucks_per_day", "20 trucks", "truck/day", "trucks/day"),
])
def test_a_unit_of_another_dimension_gets_one_that_fits(field: str, given: str, unit: str,
                                                        fitting: str) -> None:
    issue = _issue([f"{field}={given}"])
    assert issue.message == f"expected a number, got '{given}'"
    assert issue.hint == (f"this field is in {unit}: give the unit apart from the number, "
                          f"e.g. {{value: 20, unit: {fitting}}}")
    _accepted(f"{field}={{value: 20, unit: {fitting}}}")  # following the hint


def test_a_unit_that_fits_is_suggested_as_written() -> None:
    issue = _issue([f"{OUTPUT}=20 kt/month"])
    assert issue.hint == "give the unit apart from the number: {value: 20, unit: kt/month}"
    _accepted(f"{OUTPUT}={{value: 20, unit: kt/month}}")


@pytest.mark.parametrize(("given", "hint"), [
    ("1 yr", "1 yr = 365.25 days here: give 365 or 366, or an `end` date"),
    ("2.5 yr", "2.5 yr = 913.125 days here: give 913 or 914, or an `end` date"),
])
def test_a_whole_number_of_days_gets_the_days_it_must_be(given: str, hint: str) -> None:
    issue = _issue([f"horizon_days={given}"])
    assert issue.hint == hint
    assert "{value:" not in issue.hint  # {value: 1, unit: yr} is refused as not whole


def test_a_whole_unit_for_days_is_suggested_as_written() -> None:
    issue = _issue(["horizon_days=10 weeks"])
    assert issue.hint == "give the unit apart from the number: {value: 10, unit: weeks}"
    _accepted("horizon_days={value: 10, unit: weeks}")


def test_a_unit_no_fitting_one_is_made_from_names_the_fields_unit() -> None:
    issue = _issue(["horizon_days=2 kt"])
    assert issue.hint == ("this field is in day: give the number in day, or with a unit of "
                          "the same kind (week, month, yr)")


def test_a_unit_refused_otherwise_says_why() -> None:
    issue = _issue([f"{OUTPUT}=20 tons"])
    assert issue.hint is not None
    assert issue.hint.startswith("{value: 20, unit: tons} is refused too: unknown unit "
                                 "'tons'"), issue.hint


def test_an_out_of_range_value_says_so() -> None:
    issue = _issue(["horizon_days=3000 yr"])
    assert issue.hint is not None
    assert issue.hint.startswith("{value: 3000, unit: yr} is refused too: must be less "
                                 "than"), issue.hint


def test_a_file_gets_the_same_hint(tmp_path: Path) -> None:
    child = write(tmp_path / "child.yaml",
                  f"extends: {TINY}\nname: child\nsites:\n  mine_a:\n    output:\n"
                  "      copper: {form: cathode, t_per_year: 20 kt}\n")
    issue = _issue([], child)
    assert issue.hint == ("this field is in t/yr: give the unit apart from the number, "
                          "e.g. {value: 20, unit: kt/yr}")


def test_a_start_of_days_or_a_date_checks_the_unit_too(tmp_path: Path) -> None:
    base = (f"extends: {TINY}\nname: child\nshocks:\n  events:\n    e:\n"
            "      targets: {sites: [border]}\n      effects: {capacity_factor: 0.5}\n")
    bad = write(tmp_path / "bad.yaml", base + "      start: 2 kt\n")
    hint = _issue([], bad).hint
    assert hint == ("this field is in day: give the number in day, or with a unit of the "
                    "same kind (week, month, yr); or write a number of days after the "
                    "scenario's start, or a date such as 2025-01-27")
    good = write(tmp_path / "good.yaml", base + "      start: 2 weeks\n")
    assert _issue([], good).hint.startswith(
        "give the unit apart from the number: {value: 2, unit: weeks}; or write")
