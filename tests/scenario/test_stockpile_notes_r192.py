"""Review 192, finding 1: a stockpile rule buying back below a price index above 1 passed
`sim validate` without a word, though such a buy-back buys while markets are short (under
``price_basis: consumption`` an index above 1 means they have been) and then takes the
market's stock until none is left: after an export control, one below 1.1 left the rest of
the world 6,150 t short in the following year. Only thresholds at or below 1 were noted."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.scenario.loader import meta_of

REBUILD = """    refill:
      site: reserve
      commodity: copper
      market: market_x
      release_price_ratio_above: 2
      release_t_per_day: 50
      rebuild_price_ratio_below: {below}
      rebuild_t_per_day: 20
      rebuild_target_t: 700
"""


def _notes(build, tmp_path: Path, below: float, *sets: str) -> list[str]:
    path = build.tiny_reserve(tmp_path / "reserve.yaml", REBUILD.format(below=below))
    with pytest.warns(UserWarning):
        return meta_of(sim.load_scenario(path, list(sets))).notes


def _buy_back(notes: list[str]) -> list[str]:
    return [n for n in notes if "buys back copper from 'market_x' below" in n]


def test_a_buy_back_above_1_on_the_consumption_basis_is_noted(build, tmp_path: Path) -> None:
    [note] = _buy_back(_notes(build, tmp_path, 1.1))
    assert note.startswith("stockpile rule 'refill' buys back copper from 'market_x' below a "
                           "price index of 1.1, above 1: with price_basis: consumption an "
                           "index above 1 means markets have been short, unless a shock's "
                           "price_factor raises it")
    assert "smoothed over price_window_days 30" in note
    assert "it buys the market's stock, which the index does not see" in note
    assert ("the buy-back can itself make the market short and hold the price up after the "
            "crisis (compare a run with the rebuild_* fields set to null)") in note
    # the way out on that basis says what exists: no rebuild-only date in the schema
    assert note.endswith("a threshold at or below 1 needs price_basis: supply, where "
                         "plentiful arrivals lower the index")


def test_on_the_supply_basis_the_note_says_what_the_index_means_there(build,
                                                                      tmp_path: Path) -> None:
    [note] = _buy_back(_notes(build, tmp_path, 1.05,
                              "commodities.copper.price_basis=supply"))
    assert "with price_basis: supply an index above 1 means arrivals at markets ran below " \
           "demand" in note
    assert "drains its market's stock further" in note
    assert note.endswith("give a threshold at or below 1, where arrivals exceed demand")


def test_without_a_price_the_rule_is_said_to_buy_every_day(build, tmp_path: Path) -> None:
    [note] = _buy_back(_notes(build, tmp_path, 1.1,
                              "commodities.copper.demand_elasticity=null"))
    assert "copper's price is not modelled (no demand_elasticity), so the index stays at " \
           "1 and the rule buys every day its stock is below rebuild_target_t" in note


def test_a_threshold_at_or_below_1_keeps_its_own_note_only(build, tmp_path: Path) -> None:
    notes = _notes(build, tmp_path, 1.0)
    assert _buy_back(notes) == []
    assert any("reaches only under a price shock" in n for n in notes)
    # on the supply basis a threshold of 1 or below is the advice: no note at all
    path = build.tiny_reserve(tmp_path / "supply.yaml", REBUILD.format(below=0.95))
    sc = sim.load_scenario(path, ["commodities.copper.price_basis=supply"])
    assert not [n for n in meta_of(sc).notes if "refill" in n]
