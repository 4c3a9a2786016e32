"""The note on two parts of a combination setting one field shows the values as YAML, and
a bare number with its field's unit beside one given in another unit (review 210): it
printed "to None, where a_upg.yaml ... sets {'lane': 'railhead_dar', 'start':
datetime.date(2025, 3, ..." and "9 truck/week, where a.yaml ... sets 150"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim.scenario.compose import _brief
from sim.scenario.docs import EXAMPLE
from sim.scenario.loader import load_scenario, meta_of

NINE_A_WEEK = ("sites:\n  border:\n"
               "    clearance_trucks_per_day: {value: 9, unit: truck/week, assumption: b}\n")


@pytest.fixture
def w(tmp_path: Path) -> Path:
    (tmp_path / "base.yaml").write_text(EXAMPLE, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        "extends: base.yaml\nname: a\nsites:\n  border:\n"
        "    clearance_trucks_per_day: {value: 150, assumption: a}\n", encoding="utf-8")
    return tmp_path


def _clashes(path: Path) -> list[str]:
    return [n for n in meta_of(load_scenario(path)).notes if "which it does not extend" in n]


def test_a_bare_number_is_shown_in_its_fields_unit_beside_another_unit(w: Path) -> None:
    (w / "b.yaml").write_text(f"extends: base.yaml\nname: b\n{NINE_A_WEEK}", encoding="utf-8")
    (w / "ab.yaml").write_text("extends: [a.yaml, b.yaml]\nname: ab\n", encoding="utf-8")
    assert _clashes(w / "ab.yaml") == [
        "b.yaml sets sites.border.clearance_trucks_per_day to 9 truck/week, where a.yaml, "
        "which it does not extend, sets 150 truck/day: b.yaml's holds, as the later of the "
        "files ab.yaml extends; set sites.border.clearance_trucks_per_day in ab.yaml to "
        "choose"]
    # the other way round too
    (w / "ba.yaml").write_text("extends: [b.yaml, a.yaml]\nname: ba\n", encoding="utf-8")
    assert "sets sites.border.clearance_trucks_per_day to 150 truck/day, where b.yaml, " \
           "which it does not extend, sets 9 truck/week:" in _clashes(w / "ba.yaml")[0]


def test_a_removal_and_a_mapping_are_said_in_yaml(w: Path) -> None:
    (w / "a_upg.yaml").write_text(
        "extends: a.yaml\nname: a_upg\npolicies:\n  corridor_upgrades:\n"
        "    u: {lane: railhead_dar, start: 2025-03-01, capacity_t_per_day: 200, "
        "assumption: x}\n", encoding="utf-8")
    (w / "b2.yaml").write_text(
        "extends: base.yaml\nname: b2\npolicies:\n  corridor_upgrades:\n    u: null\n",
        encoding="utf-8")
    (w / "upg_b2.yaml").write_text("extends: [a_upg.yaml, b2.yaml]\nname: upg_b2\n",
                                   encoding="utf-8")
    assert _clashes(w / "upg_b2.yaml") == [
        "b2.yaml removes policies.corridor_upgrades.u, where a_upg.yaml, which it does not "
        "extend, sets it to {lane: railhead_dar, start: 2025-03-01, ...}: b2.yaml's removal "
        "holds, as the later of the files upg_b2.yaml extends; set "
        "policies.corridor_upgrades.u in upg_b2.yaml to choose"]


def test_brief_values_are_yaml_and_cut_at_an_item() -> None:
    upgrade = {"lane": "railhead_dar", "start": dt.date(2025, 3, 1),
               "capacity_t_per_day": 200, "source": "a report"}
    assert _brief(upgrade, most=100) == \
        "{lane: railhead_dar, start: 2025-03-01, capacity_t_per_day: 200}"
    assert _brief(upgrade) == "{lane: railhead_dar, start: 2025-03-01, ...}"
    assert _brief([1.5, True, None, "a: b"]) == "[1.5, true, null, 'a: b']"
    assert _brief(dt.date(2025, 1, 2)) == "2025-01-02"
    assert _brief({"value": 5, "assumption": "x"}, unit="day") == "5 day"
    assert _brief(5) == "5"
    long = _brief("word " * 30)
    assert len(long) <= 60 and long.endswith("word...")


def test_a_bare_number_in_a_per_commodity_field_is_shown_in_its_unit(w: Path) -> None:
    # review 218: the commodity id was taken for the field's name, so "to 36000, where
    # a.yaml ... sets 100 t/day" gave the bare number no unit
    (w / "a.yaml").write_text(
        "extends: base.yaml\nname: a\nsites:\n  market:\n"
        "    demand_t_per_year: {cobalt: {value: 100, unit: t/day}, assumption: a}\n",
        encoding="utf-8")
    (w / "b.yaml").write_text(
        "extends: base.yaml\nname: b\nsites:\n  market:\n"
        "    demand_t_per_year: {cobalt: 36000, assumption: b}\n", encoding="utf-8")
    (w / "ab.yaml").write_text("extends: [a.yaml, b.yaml]\nname: ab\n", encoding="utf-8")
    (note,) = _clashes(w / "ab.yaml")
    assert note.startswith("b.yaml sets sites.market.demand_t_per_year.cobalt to 36000 t/yr, "
                           "where a.yaml, which it does not extend, sets 100 t/day"), note
