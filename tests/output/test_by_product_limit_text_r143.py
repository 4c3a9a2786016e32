"""Review 143: ``sim show`` said a copper limit leaves the cobalt of the ore unmined, but of
a cobalt limit only "then curtail", which reads as less ore mined; the model goes on mining
the ore for its copper and leaves the cobalt unrecovered."""

from __future__ import annotations

import copy

from sim.output.shock_text import describe_shocks
from sim.scenario import scenario_from_dict


def _coupled(build, commodity: str):
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 2.0)], ["market"], horizon=40)
    data["commodities"]["cobalt"] = copy.deepcopy(data["commodities"]["copper"])
    data["sites"]["mine"]["output"]["cobalt"] = {"form": "cathode", "ratio": 0.1,
                                                 "ratio_to": "copper"}
    data["sites"]["mine"]["offtake"]["cobalt"] = {"formal": 1.0}
    data["sites"]["market"]["demand_t_per_year"]["cobalt"] = 1000.0
    data["policies"] = {"export_bans": {"ban": {"commodity": commodity, "start": 5,
                                                "end": 25, "stock_limit_days": 3}}}
    return scenario_from_dict(data)


def _ban_line(build, commodity: str) -> str:
    text = describe_shocks(_coupled(build, commodity))
    return next(line for line in text.splitlines() if line.startswith("  export ban ban:"))


def test_a_limit_on_the_by_product_says_the_ore_is_still_mined(build) -> None:
    line = _ban_line(build, "cobalt")
    assert line.endswith("then curtail (ore still mined for its copper leaves its cobalt "
                         "unrecovered)"), line


def test_a_limit_on_the_main_product_says_its_by_product_goes_with_it(build) -> None:
    line = _ban_line(build, "copper")
    assert line.endswith("then curtail (and the cobalt of the ore left unmined)"), line
