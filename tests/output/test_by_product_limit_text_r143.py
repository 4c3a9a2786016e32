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
    assert line.endswith("then curtail (where cobalt comes with copper, the ore still "
                         "mined for its copper leaves its cobalt unrecovered)"), line


def test_a_limit_on_the_main_product_says_its_by_product_goes_with_it(build) -> None:
    line = _ban_line(build, "copper")
    assert line.endswith("then curtail (and the cobalt of the ore left unmined)"), line


def test_only_the_mines_a_ban_reaches_are_described() -> None:
    # review 147: export_ban_2025's ban on the informal channel reaches only the artisanal
    # diggers, whose cobalt is no by-product, yet was said to leave cobalt unrecovered
    from pathlib import Path

    import sim

    ban = Path(__file__).resolve().parents[2] / "scenarios" / "export_ban_2025.yaml"
    text = describe_shocks(sim.load_scenario(ban))
    line = next(ln for ln in text.splitlines()
                if ln.startswith("  export ban artisanal_outside_quota:"))
    assert line.endswith("stock up to 30 days of each channel's planned exports, then curtail"), line



def test_mines_a_diversion_brings_onto_the_ban_s_channel_count() -> None:
    # combined_2025: the leaked industrial cobalt reaches the informal channel by a
    # shock's diversion, and its ore goes on being mined for copper
    from pathlib import Path

    import sim

    combined = Path(__file__).resolve().parents[2] / "scenarios" / "combined_2025.yaml"
    text = describe_shocks(sim.load_scenario(combined))
    line = next(ln for ln in text.splitlines()
                if ln.startswith("  export ban artisanal_outside_quota:"))
    assert line.endswith("(where cobalt comes with copper, the ore still mined for its "
                         "copper leaves its cobalt unrecovered)"), line
