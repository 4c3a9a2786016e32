"""The mass-balance check holds each mine's by-products to their ratio.

Cobalt comes out of copper ore: whatever shocks and policies do to a mine's output, the
cobalt mined (plus what a stock limit on cobalt alone curtailed) equals its ratio times the
copper mined. The ledger alone could not see a break of that coupling: cobalt mined
at the wrong rate is booked, shipped and delivered consistently. These mutants each broke
it with every holding balanced, and the run passed; the mine's own books
(:meth:`Mine.invariants`) now name it.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest

from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.ledger import MassBalanceError
from sim.world.mines import Mine
from sim.world.world import World

RATIO = 0.1


def coupled_chain(build: SimpleNamespace, policies: dict | None = None,
                  shocks: dict | None = None) -> dict[str, Any]:
    """A mine of 100 t copper a day with cobalt at 0.1 t per t of copper, 2 days to a
    market abroad; 40 days."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 2.0)], ["market"], horizon=40)
    data["commodities"]["cobalt"] = copy.deepcopy(data["commodities"]["copper"])
    data["sites"]["mine"]["output"]["cobalt"] = {"form": "cathode", "ratio": RATIO,
                                                 "ratio_to": "copper"}
    data["sites"]["mine"]["offtake"]["cobalt"] = {"formal": 1.0}
    data["sites"]["market"]["demand_t_per_year"]["cobalt"] = 1000.0
    if policies:
        data["policies"] = policies
    if shocks:
        data["shocks"] = {"events": shocks}
    return data


HALVED = {"halve": {"start": 10, "end": 20, "targets": {"sites": ["mine"]},
                    "effects": {"capacity_factor": 0.5}, "assumption": "test input"}}
COPPER_BAN = {"export_bans": {"ban": {"commodity": "copper", "start": 5, "end": 25,
                                      "stock_limit_days": 3}}}


def coupling_error(world: World) -> float:
    mine = world.sites[world.site_index["mine"]]
    [row] = [r for r in mine.invariants() if r[2].startswith("by-product")]
    return row[3]


def test_curtailing_copper_curtails_its_cobalt_and_the_books_hold(build) -> None:
    world = build.run_world(coupled_chain(build, policies=COPPER_BAN))
    mine = world.sites[world.site_index["mine"]]
    copper, cobalt = 0, 1
    # 3 days of copper wait, the rest of the 20-day ban is curtailed, with its cobalt
    assert world.curtailed[copper] == pytest.approx(17 * 100.0)
    assert world.curtailed[cobalt] == pytest.approx(17 * 100.0 * RATIO)
    assert mine.curtailed_own_t == [pytest.approx(17 * 100.0), 0.0]
    assert abs(coupling_error(world)) < 1e-9


def test_a_limit_on_the_by_product_alone_counts_as_its_own(build) -> None:
    ban = {"export_bans": {"ban": {**COPPER_BAN["export_bans"]["ban"], "commodity": "cobalt"}}}
    world = build.run_world(coupled_chain(build, policies=ban))
    mine = world.sites[world.site_index["mine"]]
    # cobalt of the copper ore mined is left unmined: 17 days of 10 t
    assert mine.curtailed_own_t == [0.0, pytest.approx(17 * 100.0 * RATIO)]
    assert world.curtailed.tolist() == [0.0, pytest.approx(170.0)]
    assert abs(coupling_error(world)) < 1e-9


def test_a_by_product_at_planned_output_under_a_capacity_shock_is_caught(
        build, monkeypatch) -> None:
    """Mutant: Mine._amounts gives a by-product its ratio of the main product's planned
    lot, not of what was mined (the capacity factor left out)."""
    build.run_world(coupled_chain(build, shocks=HALVED))

    def amounts(self: Mine, f: float) -> list[float]:
        out = [0.0] * self.n_com
        for c, t in self.main:
            out[c] = t * f
        for c, parent, ratio in self.coupled:
            out[c] = ratio * dict(self.main)[parent]
        return out

    monkeypatch.setattr(Mine, "_amounts", amounts)
    with pytest.raises(MassBalanceError, match="at 'mine' for cobalt: by-product mined "
                                               r"\(or curtailed by a limit on it\)"):
        build.run_world(coupled_chain(build, shocks=HALVED))


def test_by_products_produced_before_their_main_product_are_caught(build) -> None:
    """Mutant: a mine produces its by-products before their main product, so copper
    curtailed by a ban leaves its cobalt mined in full."""
    world = World(scenario_from_dict(coupled_chain(build, policies=COPPER_BAN)), Streams(1, 0))
    mine = world.sites[world.site_index["mine"]]
    mine._production_order.reverse()  # noqa: SLF001 - the mutant
    world.run()
    # 10 t of cobalt a day mined through the ban that curtailed its copper
    assert coupling_error(world) == pytest.approx(17 * 100.0 * RATIO)
    with pytest.raises(MassBalanceError, match="minus its ratio times the main product mined"):
        world.check_mass_balance()


def test_shares_summing_to_one_within_the_checks_tolerance_keep_the_ratio(build) -> None:
    """Review 97: offtake shares the checks accept as summing to 1 (within 1e-6) were taken
    as written, so a mine mined 0.9999995 of its cobalt and the coupling check failed a
    valid scenario (-0.0015 t at KCC for 0.6666666 and 0.3333333). Such rows are now
    scaled to sum to 1 exactly."""
    data = coupled_chain(build)
    data["channels"]["informal"] = {"formal": False, "routes": {"main": {"path": ["market"]}}}
    data["sites"]["mine"]["offtake"]["cobalt"] = {"formal": 0.6666666, "informal": 0.3333333}
    world = build.run_world(data)  # the check passes
    mined = world.ledger.rows("mined")[world.site_index["mine"]]
    assert mined[1] == pytest.approx(RATIO * mined[0], rel=1e-12)
    # two thirds and one third of the cobalt, as meant
    by_channel = world.mined_by_channel[1]
    assert by_channel[0] == pytest.approx(2 * by_channel[1], rel=1e-6)
