"""Review 93: the mass-balance check sees the leaks it can see cheaply.

Each test injects one leak the check let through before and asserts that
:meth:`World.check_mass_balance` now raises :class:`MassBalanceError` naming the commodity,
where (a site, a lane or the network as a whole) and the tolerance. F1: a move booked with
a different amount at each end (every site balanced, the network did not). F2: 20 kg of
gold gone beside 10^8 t of copper (one tolerance, from copper's scale, hid it). F3: metal
created in a mine's per-channel waiting metal, or destroyed by a refiner and booked as
lost. F4: a refiner's held-for-abroad lists emptied with their cached total left. F5:
convoys paused by a closure never resumed (stuck metal balances forever)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.lanes import Lane
from sim.world.ledger import MassBalanceError
from sim.world.world import World


def run(data: dict) -> World:
    world = World(scenario_from_dict(data), Streams(1, 0))
    world.run()
    return world


def violation(world: World) -> str:
    with pytest.raises(MassBalanceError) as exc:
        world.check_mass_balance()
    return str(exc.value)


def tolerance(msg: str, fragment: str) -> float:
    """The tolerance in tonnes the violation containing ``fragment`` states."""
    part = next(p for p in msg.split("; ") if fragment in p)
    return float(re.search(r"tolerance ([-+0-9.e]+) t", part).group(1))


# ------------------------------------------------------------ F1: the network as a whole
def stockpile_release(build: SimpleNamespace) -> dict:
    """A reserve releases copper into a market while the only mine is stopped (review 93's
    repro, after tests/shocks/test_flows.py)."""
    sites = {"mine": build.mine(), "market": build.market(initial_stock_t={"copper": 0.0}),
             "reserve": build.site("stockpile", region="away",
                                   initial_stock_t={"copper": 5000.0})}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"], horizon=80)
    data["commodities"]["copper"]["demand_elasticity"] = -0.5
    data["policies"] = {"stockpiles": {"reserve_rule": {
        "site": "reserve", "commodity": "copper", "market": "market",
        "release_price_ratio_above": 1.2, "release_t_per_day": 100.0,
        "release_cap_t": 3000.0}}}
    data["shocks"] = {"events": {"stop": {"start": 20, "end": 60, "targets": {
        "sites": ["mine"]}, "effects": {"capacity_factor": 0.0}}}}
    return data


def test_a_move_booked_unequally_at_its_two_ends_fails_the_network(build, monkeypatch
                                                                    ) -> None:
    def transfer(self, source, target, commodity, tonnes):
        # 1% more arrives than left, and the target books what arrived: each site balances
        source.stock[commodity] -= tonnes
        target.stock[commodity] += tonnes * 1.01
        self.ledger.book_site("site_out", source.index, commodity, tonnes)
        self.ledger.book_site("site_in", target.index, commodity, tonnes * 1.01)

    monkeypatch.setattr(World, "transfer", transfer)
    world = run(stockpile_release(build))
    assert world.shocks.stockpiles[0].released == pytest.approx(3000.0)
    msg = violation(world)
    assert "for copper in the network as a whole" in msg
    assert "+30 t" in msg
    report = world.check_mass_balance(raise_error=False)
    assert report.max_abs_error_t[0] < 1e-9  # every site and lane balances on its own
    assert report.network_error_t[0] == pytest.approx(30.0)
    assert tolerance(msg, "network") == pytest.approx(report.tolerance_t[0], rel=1e-2)


def test_the_unpatched_release_balances(build) -> None:
    world = run(stockpile_release(build))
    report = world.check_mass_balance()
    assert abs(report.network_error_t[0]) < 1e-9 and not report.violations


# ------------------------------------------------------------ F2: a tolerance per commodity
def copper_and_gold(build: SimpleNamespace) -> dict:
    """A copper mine feeding a market holding 10^8 t of copper and 5 t of gold."""
    market = build.market(initial_stock_t={"copper": 1e8, "gold": 5.0})
    data = build.scenario({"mine": build.mine(), "market": market},
                          [build.lane("mine", "market", 2.0)], ["market"], horizon=30)
    data["commodities"]["gold"] = {"forms": {"dore": {"grade": 0.9, "payload_t_per_truck": 5}}}
    return data


def test_twenty_kilograms_of_gold_are_not_hidden_by_copper(build) -> None:
    world = run(copper_and_gold(build))
    gold = world.commodity_index["gold"]
    world.check_mass_balance()
    market = world.sites[world.site_index["market"]]
    market.stock[gold] -= 0.02
    msg = violation(world)
    assert "at 'market' for gold" in msg and "-0.02 t" in msg
    # gold's own scale (its 5 t), not copper's 10^8 t (a tolerance of 0.1 t)
    assert tolerance(msg, "at 'market'") == pytest.approx(5e-9)
    report = world.check_mass_balance(raise_error=False)
    assert report.tolerance_t[world.commodity_index["copper"]] == pytest.approx(0.1)
    assert report.scale_t == pytest.approx(1e8)


# ------------------------------------------------------------ F3: the mine's own books
def test_metal_created_in_a_mines_waiting_metal_is_caught(build) -> None:
    world = run(build.scenario({"mine": build.mine(), "market": build.market()},
                               [build.lane("mine", "market", 2.0)], ["market"], horizon=20))
    world.check_mass_balance()
    mine = world.sites[world.site_index["mine"]]
    # waiting metal that is in no stockyard would ship as new output, never mined
    mine._pending[0][0] += 5.0
    msg = violation(world)
    assert "at 'mine' for copper" in msg and "working stock" in msg and "-5 t" in msg


# ------------------------------------------------------------ F3: losses are seizures or refining
def home_refiner(build: SimpleNamespace, ban_end: float, horizon: float = 40) -> dict:
    """A refiner in COD refining 100 t/day at 95% recovery, selling 95% to a market in CHN
    and 5% at home, under a copper export ban to ``ban_end``."""
    refiner = build.site("refiner", capacity_t_per_year={"copper": 100 * build.DAYS_PER_YEAR},
                         initial_feed_t={"copper": 30_000.0}, recovery={"copper": 0.95},
                         sales={"copper": {"market": 0.95, "local": 0.05}})
    sites = {"mine": build.mine(t_per_year=1.0), "ref": refiner, "market": build.market(),
             "local": build.site("market", demand_t_per_year={"copper": 5 * build.DAYS_PER_YEAR})}
    lanes = [build.lane("mine", "ref", 2), build.lane("ref", "market", 3),
             build.lane("ref", "local", 1)]
    ban = {"commodity": "copper", "start": 0, "end": ban_end}
    return build.scenario(sites, lanes, ["ref"], horizon=horizon,
                          policies={"export_bans": {"ban": ban}})


def test_a_refiner_losing_more_than_its_recovery_allows_is_caught(build) -> None:
    world = run(home_refiner(build, ban_end=30))
    world.check_mass_balance()
    ref = world.sites[world.site_index["ref"]]
    assert world.ledger.lost[ref.index, 0] == pytest.approx(ref.refined[0] * 0.05 / 0.95)
    # 60 t of feed destroyed and booked as lost: the refiner balances, the losses do not
    ref.stock[0] -= 60.0
    world.ledger.book_site("lost", ref.index, 0, 60.0)
    msg = violation(world)
    assert "for copper in the network as a whole: lost at sites and on lanes" in msg
    assert "seized + refining losses by +60 t" in msg
    assert world.check_mass_balance(raise_error=False).lost_error_t[0] == pytest.approx(60.0)


# ------------------------------------------------------------ F4: held metal from its lists
def test_metal_held_for_abroad_dropped_from_its_lists_is_caught(build) -> None:
    world = run(home_refiner(build, ban_end=100))
    world.check_mass_balance()
    ref = world.sites[world.site_index["ref"]]
    assert ref.held_abroad[0] == pytest.approx([40 * 95.0 * 0.95, 0.0])
    ref.held_abroad[0][:] = [0.0] * len(ref.held_abroad[0])  # the total `abroad` is kept
    msg = violation(world)
    assert "at 'ref' for copper: holdings differ from the ledger by -3610 t" in msg
    assert "the total held for markets abroad minus its per-lane lists: +3610 t" in msg


# ------------------------------------------------------------ F5: nothing stuck on a lane
def closed_lane(build: SimpleNamespace) -> dict:
    """100 t/day on a 10-day lane closed on days 20.5-25.5 of 60."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 10.0)], ["market"], horizon=60)
    data["shocks"] = {"events": {"cut": {"start": 20.5, "end": 25.5,
                                         "targets": {"lanes": ["mine_market"]},
                                         "effects": {"capacity_factor": 0.0}}}}
    return data


def test_convoys_never_resumed_after_a_closure_are_caught(build, monkeypatch) -> None:
    run(closed_lane(build)).check_mass_balance()

    def forget_paused(self) -> None:
        # the lane opens, but its paused convoys are dropped from `paused` and never resume
        if self.capacity_factor > 0.0:
            for lot in self.held_back:
                self._depart(lot)
            self.held_back.clear()
            self.paused = []

    monkeypatch.setattr(Lane, "_capacity_changed", forget_paused)
    world = run(closed_lane(build))
    report = world.check_mass_balance(raise_error=False)
    assert report.max_abs_error_t[0] < 1e-9  # the stuck lots balance as in transit
    msg = violation(world)
    # the lots that reached the lane's end while it was closed (mined on days 11-15)
    assert "at 'mine_market' for copper: metal due to arrive by day 21 " in msg
    assert "still on the lane at day 60: +500 t" in msg


def test_convoys_paused_on_an_open_lane_are_caught(build) -> None:
    world = run(closed_lane(build))
    lane = world.lanes[world.lane_index["mine_market"]]
    convoy = next(iter(lane.travelling.values()))
    lane.paused.append((convoy, 1.0))
    msg = violation(world)
    assert "at 'mine_market' for copper" in msg
    assert "metal paused or held back on the lane, which is open" in msg
