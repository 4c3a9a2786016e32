"""Review 187 (the conflict analyst): `sim show` listed Goma, Butembo and the Kivu roads
under "capacity x0.8 on regions north_kivu", though junctions and lanes without a capacity
only close: the factor cut the digging alone, and the text read as Goma's trade cut."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.output.shock_text import describe_shocks

M23 = Path(__file__).resolve().parents[2] / "scenarios" / "m23_escalation.yaml"


@pytest.mark.filterwarnings("ignore")
def test_a_region_throttle_names_what_it_acts_on() -> None:
    text = describe_shocks(sim.load_scenario(M23))
    line = next(ln for ln in text.splitlines() if "event south_kivu_fighting" in ln)
    assert ("a capacity factor other than 0 acts only on gold_asm_south_kivu and twangiza "
            "(the rest has no capacity to scale: a factor of 0 closes it, any other changes nothing there)") in line
    # a closure acts on everything: no such words (the Goma event closes, taxes)
    goma = next(ln for ln in text.splitlines() if "event goma_falls" in ln)
    assert "acts only on" not in goma
