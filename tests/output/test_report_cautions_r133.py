"""Review 133: the comparison report gives the cautions sim compare gives.

report.html defined "share diff>0" without the word on ties that sim compare's method text
now has, and left out the note that a regime measured from another date than in the
reference compares periods too (six state_time_share differences excluded zero there)."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.output.report import DIFFERENCE_NOTE, extends_report_notes

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
REGIME = ("shocks:\n  regimes:\n    unrest:\n      start: {start}\n      targets: "
          "{{sites: [border]}}\n      states:\n        calm: {{}}\n        hot:\n"
          "          effects: {{capacity_factor: 0.5}}\n      rates_per_year:\n"
          "        calm: {{hot: 4}}\n        hot: {{calm: 12}}\n")


def run(tmp_path: Path, name: str, start: int) -> sim.Results:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: {TINY}\nname: {name}\n" + REGIME.format(start=start),
                    encoding="utf-8")
    return sim.run(sim.load_scenario(path), replications=1, seed=1, figures=False)


def test_a_regime_measured_from_another_date_is_noted(tmp_path: Path) -> None:
    early, late = run(tmp_path, "early", 0), run(tmp_path, "late", 30)
    notes = extends_report_notes([("early", early), ("late", late)])
    assert any(n.startswith("regime unrest is measured over different periods")
               for n in notes)
    assert extends_report_notes([("early", early), ("again", early)]) == []


def test_the_report_says_a_tie_is_not_a_positive_difference() -> None:
    assert "a tie, frequent under common random numbers, is not" in DIFFERENCE_NOTE
