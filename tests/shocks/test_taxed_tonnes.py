"""taxed_t: the metal armed groups taxed, each tonne counted once.

Review 99 asked who controls supply when rebels advance: the tool gave the armed groups'
rent in dollars but no tonnage under their control. Here a mine ships 100 t a day to a
market abroad; an armed group taxes the mine's lots for five days, and another the lane
for the whole run.
"""

from __future__ import annotations

from typing import Any

from tests.shocks.conftest import direct_scenario
from tests.shocks.test_mutants_r95_shocks import kpi


def tax(targets: dict[str, Any], rate: float, start: float = 0,
        end: float | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"targets": targets, "start": start,
                             "effects": {"tax_rate": rate}}
    if end is not None:
        event["end"] = end
    return event


def test_tonnes_taxed_for_five_days(build) -> None:
    mine_only = {"events": {"pit": tax({"sites": ["mine"]}, 0.3, 5, 10)}}
    taxed = kpi(direct_scenario(build, shocks=mine_only), "taxed_t")
    # the lots of days 5 to 9, 100 t each, by channel and in all
    assert taxed[("copper", "all", "all", "taxed_t")] == 500.0
    assert taxed[("copper", "formal", "all", "taxed_t")] == 500.0


def test_a_tonne_taxed_twice_is_counted_once(build) -> None:
    both = {"events": {"pit": tax({"sites": ["mine"]}, 0.3, 5, 10),
                       "road": tax({"lanes": ["mine_market"]}, 0.2)}}
    taxed = kpi(direct_scenario(build, shocks=both), "taxed_t")
    # every lot of the 100 days once, though days 5 to 9 paid at the pit and on the road
    assert taxed[("copper", "all", "all", "taxed_t")] == 10_000.0


def test_nothing_taxed_without_a_tax(build) -> None:
    seizing = {"events": {"raid": {"targets": {"sites": ["mine"]}, "start": 0,
                                   "effects": {"seize_share": 0.5}}}}
    taxed = kpi(direct_scenario(build, shocks=seizing), "taxed_t")
    assert taxed[("copper", "all", "all", "taxed_t")] == 0.0


def test_ore_taxed_before_a_refiner_is_not_counted_again_as_refined_metal(build) -> None:
    from tests.metrics.test_kpi_review_nov29 import home_refinery

    data = home_refinery(build)  # 100 t/day mined for 40 days, refined at home, sold abroad
    data["shocks"] = {"events": {"pit": tax({"sites": ["mine"]}, 0.1),
                                 "road": tax({"lanes": ["smelter_market"]}, 0.1)}}
    taxed = kpi(data, "taxed_t")
    # review 100: a refiner's output is new lots, so the refined metal counted again
    # (formal 4,000 t + refined 3,900 t = 7,900 t of 4,000 t mined)
    assert taxed == {("copper", "formal", "all", "taxed_t"): 4000.0,
                     ("copper", "all", "all", "taxed_t"): 4000.0}
    # the rent still counts the tax on the refined metal
    rent = kpi(data, "armed_group_rent_usd")[("copper", "all", "all", "armed_group_rent_usd")]
    assert rent > 0.1 * 4000.0 * 9000.0


def test_metal_taxed_in_the_warm_up_is_not_counted(build) -> None:
    taxed = kpi(direct_scenario(build, warmup=5, shocks={"events": {
        "pit": tax({"sites": ["mine"]}, 0.3, start=-5)}}), "taxed_t")
    # the measured 100 days' lots only, not the warm-up's 500 t
    assert taxed[("copper", "all", "all", "taxed_t")] == 10_000.0


def test_a_split_lot_keeps_its_taxed_mark() -> None:
    from sim.world.lots import Lot

    lot = Lot(0, 0, 10.0, 1.0, 0.04, (), 0, 0, 0.0)
    lot.taxed = True
    part = lot.split(4.0)
    assert part.taxed and lot.taxed and (part.tonnes, lot.tonnes) == (4.0, 6.0)
