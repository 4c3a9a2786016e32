"""A series_period_days that is not a whole number of days (a month written with a unit,
7.5) is refused with the whole numbers either side and the word for calendar months."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.scenario import ScenarioError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.mark.parametrize(("value", "hint"), [
    ("{value: 1, unit: month}", "1 month = 30.4375 days here: give 30 or 31, or month for "
     "calendar months"),
    ("7.5", "give 7 or 8, or month for calendar months"),
])
def test_a_fractional_series_period_suggests_month(value: str, hint: str) -> None:
    with pytest.raises(ScenarioError) as err:
        sim.load_scenario(TINY, [f"series_period_days={value}"])
    assert f"hint: {hint}" in str(err.value)


def test_other_whole_fields_do_not_suggest_month() -> None:
    with pytest.raises(ScenarioError) as err:
        sim.load_scenario(TINY, ["warmup_days=7.5"])
    assert "give 7 or 8" in str(err.value)
    assert "calendar months" not in str(err.value)
