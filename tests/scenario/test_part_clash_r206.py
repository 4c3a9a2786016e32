"""Two files a combination extends that set one field differently are noted (review 206):
`extends: [corridor_shocks, export_ban_2025]` took the ban's period without a word, the
later listed winning as the format says."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario.loader import load_scenario, meta_of

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.fixture
def parts(tmp_path: Path) -> Path:
    for name, days in (("a", 60), ("b", 90)):
        (tmp_path / f"{name}.yaml").write_text(
            f"extends: {TINY}\nname: {name}\nhorizon_days: {{value: {days}, assumption: x}}\n",
            encoding="utf-8")
    return tmp_path


def _clashes(path: Path) -> list[str]:
    return [n for n in meta_of(load_scenario(path)).notes if "which it does not extend" in n]


def test_two_parts_setting_one_field_are_noted(parts: Path) -> None:
    (parts / "ab.yaml").write_text("extends: [a.yaml, b.yaml]\nname: ab\n", encoding="utf-8")
    assert _clashes(parts / "ab.yaml") == [
        "b.yaml sets horizon_days to 90, where a.yaml, which it does not extend, sets 60: "
        "b.yaml's holds, as the later of the files ab.yaml extends; set horizon_days in "
        "ab.yaml to choose"]
    assert load_scenario(parts / "ab.yaml").horizon_days == 90


def test_no_note_where_the_combination_settles_it_or_one_part_extends_the_other(
        parts: Path) -> None:
    (parts / "own.yaml").write_text(
        "extends: [a.yaml, b.yaml]\nname: own\nhorizon_days: {value: 30, assumption: x}\n",
        encoding="utf-8")
    assert _clashes(parts / "own.yaml") == []
    (parts / "c.yaml").write_text(
        "extends: a.yaml\nname: c\nhorizon_days: {value: 45, assumption: x}\n",
        encoding="utf-8")
    (parts / "ac.yaml").write_text("extends: [a.yaml, c.yaml]\nname: ac\n", encoding="utf-8")
    assert _clashes(parts / "ac.yaml") == []  # c extends a: its own change, not a clash
    # two parts agreeing is no clash either
    (parts / "a2.yaml").write_text(
        f"extends: {TINY}\nname: a2\nhorizon_days: {{value: 60, assumption: y}}\n",
        encoding="utf-8")
    (parts / "aa.yaml").write_text("extends: [a.yaml, a2.yaml]\nname: aa\n", encoding="utf-8")
    assert _clashes(parts / "aa.yaml") == []


def test_no_shipped_scenario_has_a_clash() -> None:
    root = Path(__file__).resolve().parents[2] / "scenarios"
    for path in sorted(root.glob("*.yaml")):
        assert _clashes(path) == [], path.name


def _part(folder: Path, name: str, body: str) -> None:
    (folder / f"{name}.yaml").write_text(f"extends: {TINY}\nname: {name}\n{body}",
                                         encoding="utf-8")


def test_quantities_are_compared_and_shown_with_their_units(tmp_path: Path) -> None:
    # review 207: 36.525 kt/yr against 36,525 t/yr was called a clash, and 36.525 kt/yr
    # against 36.525 t/yr was shown as "36.525, where ... sets 36.525"
    field = "sites:\n  mine_a:\n    output:\n      copper:\n        t_per_year: "
    _part(tmp_path, "kt", field + "{value: 36.525, unit: kt/yr}\n")
    _part(tmp_path, "t", field + "{value: 36525, unit: t/yr}\n")
    _part(tmp_path, "small", field + "{value: 36.525, unit: t/yr}\n")
    _part(tmp_path, "bare", field + "36525\n")
    for other in ("t", "bare"):
        (tmp_path / f"c_{other}.yaml").write_text(f"extends: [kt.yaml, {other}.yaml]\n"
                                                  f"name: c_{other}\n", encoding="utf-8")
        assert _clashes(tmp_path / f"c_{other}.yaml") == [], other
    (tmp_path / "c_small.yaml").write_text("extends: [kt.yaml, small.yaml]\nname: c_small\n",
                                           encoding="utf-8")
    (note,) = _clashes(tmp_path / "c_small.yaml")
    assert note.startswith("small.yaml sets sites.mine_a.output.copper.t_per_year to 36.525 "
                           "t/yr, where kt.yaml, which it does not extend, sets 36.525 kt/yr")


def test_a_value_written_bare_or_as_a_mapping_is_the_same(tmp_path: Path) -> None:
    _part(tmp_path, "d", "horizon_days: {value: 50, assumption: x}\n")
    _part(tmp_path, "e", "horizon_days: 50\n")
    (tmp_path / "de.yaml").write_text("extends: [d.yaml, e.yaml]\nname: de\n",
                                      encoding="utf-8")
    assert _clashes(tmp_path / "de.yaml") == []
