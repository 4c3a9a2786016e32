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
