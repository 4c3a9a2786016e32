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
