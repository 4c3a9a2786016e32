"""Review 186 (gold and smuggling): `sim show` listed the trading hubs by name alone,
though their dwell (8 days on average at Kigali, Kampala and Bujumbura) is most of an
informal route's time."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.output.describe import describe

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"


@pytest.mark.filterwarnings("ignore")
def test_show_gives_each_hubs_dwell() -> None:
    text = describe(sim.load_scenario(BASELINE))
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("kampala "))
    assert line.endswith("lots stay 8 (mean, uniform) days")
