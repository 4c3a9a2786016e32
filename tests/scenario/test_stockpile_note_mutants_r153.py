"""Mutation review 153 of the scenario checks: the note on two stockpile rules releasing and
buying back by turns is for one stockpile's one commodity and a rebuild threshold above the
release trigger only, and suggests that trigger; a lane loading in trucks named in
series_lanes has a loading capacity, so no note."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import sim
from sim.scenario.loader import meta_of

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def _notes(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {TINY}\nname: s\n{text}", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the notes, also given as warnings
        return meta_of(sim.load_scenario(path)).notes


# tiny with gold beside copper (from outside the network) and two reserves holding both
RESERVES = """commodities:
  gold:
    forms:
      dore: {grade: 1.0, payload_t_per_truck: 1}
sites:
  market_x:
    demand_t_per_year: {copper: 36525, gold: 365.25}
    initial_stock_t: {copper: 1000, gold: 100}
    other_supply_t_per_year: {gold: 365.25}
  reserve:
    kind: stockpile
    region: away
    location: {lat: 30.0, lon: 121.0}
    initial_stock_t: {copper: 500, gold: 50}
  reserve_b:
    kind: stockpile
    region: away
    location: {lat: 30.0, lon: 122.0}
    initial_stock_t: {copper: 500, gold: 50}
policies:
  stockpiles:
"""


def _rules(sell_site: str = "reserve", sell_com: str = "copper",
           refill_site: str = "reserve", refill_com: str = "copper",
           below: float = 3) -> str:
    return RESERVES + f"""    sell:
      site: {sell_site}
      commodity: {sell_com}
      market: market_x
      release_price_ratio_above: 2
      release_t_per_day: 50
    refill:
      site: {refill_site}
      commodity: {refill_com}
      market: market_x
      release_shortfall_share_above: 0.999
      release_t_per_day: 1
      rebuild_price_ratio_below: {below:g}
      rebuild_t_per_day: 100
      rebuild_target_t: 700
"""


def _turns(notes: list[str]) -> list[str]:
    return [n for n in notes if "by turns" in n]


def test_two_rules_on_one_stockpile_s_metal_get_the_note_with_the_release_trigger(
        tmp_path: Path) -> None:
    [note] = _turns(_notes(tmp_path, _rules()))
    assert note == ("stockpile rules 'sell' and 'refill' on 'reserve''s copper: 'refill' buys "
                    "back below a price index of 3, above 'sell''s release trigger of 2, so at "
                    "an index between the two one buys back what the other releases, by turns; "
                    "give 'refill' a rebuild_price_ratio_below below 2")


@pytest.mark.parametrize("edit", [
    {"refill_site": "reserve_b"},  # two stockpiles
    {"refill_com": "gold"},  # two commodities
    {"below": 2},  # rebuilding below the release trigger itself
], ids=["two stockpiles", "two commodities", "equal thresholds"])
def test_rules_that_cannot_take_turns_get_no_note(tmp_path: Path, edit: dict) -> None:
    assert _turns(_notes(tmp_path, _rules(**edit))) == []


def _series_lane_notes(tmp_path: Path, capacity: str) -> list[str]:
    notes = _notes(tmp_path, "series_lanes: [border_market]\nlanes:\n  border_market:\n"
                   f"    {capacity}\n")
    return [n for n in notes if n.startswith("series_lanes")]


def test_a_lane_loading_in_trucks_in_series_lanes_gets_no_note(tmp_path: Path) -> None:
    assert _series_lane_notes(tmp_path, "capacity_trucks_per_day: 1000") == []
    assert _series_lane_notes(tmp_path, "capacity_t_per_day: 100000") == []
    # without a capacity, the note
    [note] = _series_lane_notes(tmp_path, "transit_days: 10")
    assert note.startswith("series_lanes: lane 'border_market' has no loading capacity")
