"""Review 65: a bare number over a value given in the field's own unit (``{value: 36525,
unit: t/yr}`` for a ``t_per_year``) drops nothing, so no unit note is printed for it, by
--set, --param or a file that extends another; a value given in another unit (kt/yr)
keeps its note."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from scenario_helpers import write

from sim.cli import main
from sim.scenario.loader import load_scenario, meta_of

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
RATE = "sites.mine_a.output.copper.t_per_year"


def in_kt(tmp_path: Path) -> Path:
    text = TINY.read_text().replace("{value: 36525, unit: t/yr}", "{value: 36.525, unit: kt/yr}")
    assert "kt/yr" in text
    return write(tmp_path / "kt.yaml", text)


def unit_notes(path: Path, overrides: list[str]) -> list[str]:
    return [n for n in meta_of(load_scenario(path, overrides)).notes
            if "the field's own unit" in n]


def test_a_set_over_the_fields_own_unit_is_not_noted() -> None:
    assert unit_notes(TINY, [f"{RATE}=15000"]) == []


def test_a_set_over_another_unit_is_noted(tmp_path: Path) -> None:
    (note,) = unit_notes(in_kt(tmp_path), [f"{RATE}=15000"])
    assert "36.525 kt/yr" in note and "not kt/yr" in note


@pytest.mark.parametrize(("unit", "noted"), [("t/yr", False), ("kt/yr", True)])
def test_a_child_file_over_its_parents_unit(tmp_path: Path, unit: str, noted: bool) -> None:
    parent = TINY if unit == "t/yr" else in_kt(tmp_path)
    child = write(tmp_path / "child.yaml",
                  f"extends: {parent}\nname: child\nsites:\n  mine_a:\n    output:\n"
                  "      copper: {t_per_year: 15000}\n")
    assert bool(unit_notes(child, [])) is noted


@pytest.mark.parametrize(("kt", "noted"), [(False, False), (True, True)])
def test_a_param_over_the_fields_own_unit_is_not_noted(tmp_path: Path, kt: bool,
                                                       noted: bool) -> None:
    path = in_kt(tmp_path) if kt else TINY
    result = CliRunner().invoke(main, [
        "sweep", str(path), "--set", "horizon_days=10", "--param", f"{RATE}=10000:20000",
        "--design", "grid", "-n", "2", "-w", "1", "-q", "--no-figures",
        "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert ("each sampled number is read in the field's own unit" in result.output) is noted
