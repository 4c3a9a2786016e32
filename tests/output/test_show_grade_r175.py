"""Review 175: `sim show` printed a form's grade as a whole percent, a spodumene of 2.79%
as "3% metal" and a grade below 0.5% as "0% metal"."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.output.describe import describe

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.mark.parametrize(("grade", "shown"), [(0.0279, "2.79% metal"), (0.004, "0.4% metal"),
                                              (1.0, "100% metal"), (0.3, "30% metal")])
def test_the_grade_keeps_three_figures(grade: float, shown: str) -> None:
    sc = sim.load_scenario(TINY, [f"commodities.copper.forms.cathode.grade={grade}"])
    line = next(ln for ln in describe(sc).splitlines() if "forms cathode" in ln)
    assert f"cathode ({shown}, " in line
