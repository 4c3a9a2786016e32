"""`sim show` of a combination names the files it is built on and gives its description
(review 206: sim report named them, sim show did not)."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.output.describe import describe

ROOT = Path(__file__).resolve().parents[2]


def test_a_combination_names_its_files_and_description() -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "combined_2025.yaml")
    lines = describe(sc).splitlines()
    (files,) = [line for line in lines if line.startswith("Files: ")]
    assert files.startswith("Files: combined_2025.yaml, built on ")
    for part in ("export_ban_2025.yaml", "m23_escalation.yaml", "corridor_shocks.yaml",
                 "us_partnership.yaml", "baseline_leakage.yaml", "baseline.yaml"):
        assert part in files
    (desc,) = [line for line in lines if line.startswith("Description: ")]
    assert desc.startswith("Description: Merges us_partnership, corridor_shocks")


def test_a_file_extending_nothing_has_no_files_line() -> None:
    text = describe(sim.load_scenario(ROOT / "tests" / "data" / "tiny.yaml"))
    assert "\nFiles: " not in text
