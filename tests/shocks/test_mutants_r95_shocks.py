"""Review 95 (mutation testing of sim/shocks): tests that kill mutants which survived the
suite, and the mass-balance check's refusal of a negative holding.

The code was correct in each case but one; these pin the behaviour each mutant broke
(the review's id is in the section heading):

- P19: a stockpile rebuilds only from what its market holds.
- F3: a regime state that keeps one field of a group (seizure without a tax) keeps it.
- E14: a ban on another country's exports stops that country's mines, not the home ones.
- P5: a quota on named channels does not cap refiners' refined exports.
- E25: an offtake deal takes only from its ``from_channels``.
- E12: overlapping incidents each keep their own closure until they end.
- P13/P14/P16: stockpile triggers are strict: above / below, not at.
- E27: phased corridor upgrades do not compound.
- F2: a stockpile is never reported closed.
- E31: the start row of an event states its end in days since the start date.
- L1: rows of one time keep their recorded order.
- P18: an export control's one-year bank counts what it set aside.
- E8: a regime starts in its ``initial`` state.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import sim
from sim.experiment.replication import run_replication
from sim.metrics import kpis
from sim.shocks.policies import DAYS_PER_YEAR, ExportControlState
from sim.shocks.timeline import Timeline
from sim.streams import Streams
from sim.world.ledger import Ledger, MassBalanceError
from tests.shocks.conftest import direct_scenario
from tests.shocks.test_ban_exports_only_f58a import QUOTA, refined_exports, refinery_chain


def kpi(data: dict[str, Any], measure: str) -> dict[tuple[str, ...], float]:
    """KPI ``measure`` of replication 0, seed 1, by its label's first four fields
    (commodity, channel, element, measure)."""
    res = run_replication(sim.scenario_from_dict(data), 1, 0)
    return {tuple(label[:4]): float(v) for label, v in zip(res.kpi_labels, res.kpi_array,
                                                           strict=True) if label[3] == measure}


def stock(world, site: str) -> float:
    return float(world.sites[world.site_index[site]].stock[0])


# ------------------------------------------ P19 and the check: no metal from an empty market
def rebuild_scenario(build, *, market_stock: float = 0.0, below: float = 1.01) -> dict:
    """A stockpile (empty) abroad rebuilding 20 t/day towards 1,000 t from a market that
    takes the mine's 100 t/day (1 day away) and holds ``market_stock``; 30 days after a
    5-day warm-up."""
    sites = {"mine": build.mine(),
             "sp": build.site("stockpile", region="away", initial_stock_t={"copper": 0.0}),
             "market": build.market(initial_stock_t={"copper": market_stock})}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"],
                          horizon=30, warmup=5)
    data["policies"] = {"stockpiles": {"r": {
        "site": "sp", "market": "market", "commodity": "copper", "release_t_per_day": 10,
        "release_price_ratio_above": 1.5, "rebuild_price_ratio_below": below,
        "rebuild_t_per_day": 20, "rebuild_target_t": 1000, "assumption": "t"}}}
    return data


def test_a_rebuild_buys_nothing_from_a_market_with_no_stock(build) -> None:
    # the market consumes all it receives (demand 100 t/day = supply), so it never holds
    # stock to sell: the price is under 1.01 but nothing is bought
    # (mutant P19: 600 t appear in the stockpile and the market holds -20 t)
    world = build.run_world(rebuild_scenario(build))
    assert stock(world, "sp") == 0.0
    assert stock(world, "market") >= 0.0


def test_the_mass_balance_check_refuses_a_negative_holding_at_a_site(build) -> None:
    world = build.run_world(rebuild_scenario(build))
    # what P19's mutant did: take 20 t from a market holding none. Every flow balances
    # (the stockpile gains what the market is booked to lose): only the sign shows it
    c = world.commodity_index["copper"]
    world.transfer(world.sites[world.site_index["market"]],
                   world.sites[world.site_index["sp"]], c, 20.0)
    with pytest.raises(MassBalanceError,
                       match=r"at 'market' for copper: it holds -20 t, a negative amount"):
        world.check_mass_balance()


def test_the_mass_balance_check_refuses_a_negative_holding_on_a_lane() -> None:
    ledger = Ledger(n_sites=1, n_lanes=2, n_commodities=2)
    ledger.open(np.zeros((1, 2)), np.zeros((2, 2)))
    # 5 t of gold leave lane b that never entered it, and are booked into lane a
    ledger.book_lane("lane_in", 0, 1, 5.0)
    ledger.book_lane("lane_out", 1, 1, 5.0)
    args = (["s"], ["a", "b"], ["copper", "gold"])
    with pytest.raises(MassBalanceError, match=r"at 'b' for gold: it holds -5 t"):
        ledger.check_mass_balance(np.zeros((1, 2)), np.array([[0.0, 5.0], [0.0, -5.0]]),
                                  *args)
    # a rounding residue within the commodity's tolerance (1e-9 x 1 t) is no violation
    fresh = Ledger(n_sites=1, n_lanes=2, n_commodities=2)
    fresh.open(np.zeros((1, 2)), np.zeros((2, 2)))
    report = fresh.check_mass_balance(np.zeros((1, 2)), np.array([[0.0, 0.0], [0.0, -1e-12]]),
                                      *args)
    assert report.violations == []


# ------------------------------------------------------ F3: seizure kept without the tax
def test_a_regime_state_keeping_seizure_but_dropping_the_tax_keeps_seizing(build) -> None:
    sites = {"mine": build.mine(), "border": build.border(1000), "market": build.market()}
    lanes = [build.lane("mine", "border", 2.0), build.lane("border", "market", 5.0)]
    data = build.scenario(sites, lanes, ["border", "market"], horizon=60)
    # starts taxed and moves to seized at once (1e5 per year), where it stays
    data["shocks"] = {"regimes": {"r": {
        "targets": {"sites": ["border"]}, "initial": "taxed",
        "states": {"taxed": {"effects": {"seize_share": 0.5, "tax_rate": 0.1}},
                   "seized": {"effects": {"seize_share": 0.5}}},
        "rates_per_year": {"taxed": {"seized": 1e5}, "seized": {"taxed": 1e-3}},
        "assumption": "t"}}}
    seized = kpi(data, "seized_t")
    # by hand: lots reach the border from day 2, 100 t/day for 58 days, half seized
    # (mutant F3: the move to {seize 0.5} switched seizure off, 0 t)
    assert seized[("copper", "all", "all", "seized_t")] == pytest.approx(58 * 50.0)


# ------------------------------------------------------ E14: a ban on another country
def test_a_ban_on_zambian_exports_stops_the_zambian_mine_only(build) -> None:
    sites = {"mine": build.mine(), "zmine": build.mine(region="zmb"), "market": build.market()}
    lanes = [build.lane("mine", "market", 2.0), build.lane("zmine", "market", 2.0)]
    data = build.scenario(sites, lanes, ["market"], horizon=25, warmup=10,
                          routes={"a": {"path": ["market"]}})
    data["regions"]["zmb"] = {"country": "ZMB"}
    data["sites"]["market"]["demand_t_per_year"]["copper"] = 200 * build.DAYS_PER_YEAR
    data["policies"] = {"export_bans": {"zban": {
        "commodity": "copper", "country": "ZMB", "start": 0, "end": 30, "assumption": "t"}}}
    world = build.run_world(data)
    # by hand: the ban covers the 25 measured days, so the Zambian mine keeps its
    # 100 t/day (2,500 t) and the COD mine ships everything, 2,500 t exported
    # (mutant E14: the ban fell on COD, the numbers swapped and nothing exported)
    zmine = world.sites[world.site_index["zmine"]]
    mine = world.sites[world.site_index["mine"]]
    assert float(zmine.stock[0]) == pytest.approx(2500.0)
    assert float(mine.stock[0]) == pytest.approx(0.0)
    assert float(world.recorder.exported.sum()) == pytest.approx(2500.0)


# ------------------------------------------------------ P5: quota on channels, refined metal
def test_quota_on_named_channels_leaves_refined_metal_alone(build) -> None:
    # the quota twin of test_ban_on_named_channels_leaves_refined_metal_alone: refined
    # metal belongs to no channel, so a quota on the mine's channel does not cap it
    # (mutant P5: the 1,000 t quota capped the refiner, which then exported nothing)
    world = build.run_world(refinery_chain(
        build, {"export_quotas": {"q": {**QUOTA, "channels": ["formal"]}}}))
    assert refined_exports(world) == [100.0] * 40


# ------------------------------------------------------ E25: a deal's from_channels
def test_a_deal_takes_only_from_its_from_channels(build) -> None:
    sites = {"mine": build.mine(), "market": build.market()}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"],
                          horizon=30, warmup=5)
    for ch in ("informal", "partner"):
        data["channels"][ch] = {"routes": {"main": {"path": ["market"]}}}
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.5, "informal": 0.5}}
    data["policies"] = {"offtake_deals": {"d": {
        "mines": ["mine"], "commodities": ["copper"], "to_channel": "partner",
        "from_channels": ["formal"], "share": 0.5, "start": 0, "assumption": "t"}}}
    delivered = kpi(data, "delivered_t")
    # by hand: informal keeps 50 t/day for the 30 days (1,500 t); the deal takes half of
    # formal's 50 t/day from day 0, delivered a day later: 29 x 25 t to the partner
    # (mutant E25: the deal took from both channels, informal 775 t, partner 1,450 t)
    assert delivered[("copper", "informal", "all", "delivered_t")] == pytest.approx(1500.0)
    assert delivered[("copper", "partner", "all", "delivered_t")] == pytest.approx(725.0)


# ------------------------------------------------------ E12: overlapping incidents
def test_overlapping_incidents_each_keep_the_site_closed_until_they_end(build,
                                                                        monkeypatch) -> None:
    sites = {"mine": build.mine(), "border": build.border(1000), "market": build.market()}
    lanes = [build.lane("mine", "border", 2.0), build.lane("border", "market", 5.0)]
    data = build.scenario(sites, lanes, ["border", "market"], horizon=60)
    data["shocks"] = {"incidents": {"raid": {
        "targets": {"sites": ["border"]}, "rate_per_year": 1.0, "duration_days": 20,
        "effects": {"capacity_factor": 0}, "assumption": "t"}}}

    class Gaps:
        """The incident's arrival stream, fixed: day 10, day 15, then none in the run."""

        def __init__(self) -> None:
            self.gaps = [10.0, 5.0, 1e9]

        def exponential(self, _mean: float) -> float:
            return self.gaps.pop(0)

    rng = Streams.rng
    monkeypatch.setattr(Streams, "rng", lambda self, key: Gaps() if key == "incident:raid"
                        else rng(self, key))
    world = build.run_world(data)
    rows = [r[:4] for r in world.timeline.ordered() if r[1] == "incident"]
    assert rows == [(10.0, "incident", "raid", "start"), (15.0, "incident", "raid", "start"),
                    (30.0, "incident", "raid", "end"), (35.0, "incident", "raid", "end")]
    # by hand: closed from day 10 (#1) until #2 ends on day 35
    # (mutant E12: both shared one key, so #1's end on day 30 reopened the border: 20 days)
    border = world.sites[world.site_index["border"]]
    assert border.closed_time(world.t0, world.env.now) == pytest.approx(25.0)


# ------------------------------------------------------ P13/P14/P16: strict triggers
def stockpile_at_par(build, **rule: Any) -> dict:
    """A stockpile abroad holding 1,000 t by a market whose demand the mine meets exactly
    (price index 1.0, no shortfall), under a release rule with ``rule``'s trigger."""
    sites = {"mine": build.mine(),
             "sp": build.site("stockpile", region="away", initial_stock_t={"copper": 1000.0}),
             "market": build.market()}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"],
                          horizon=30, warmup=5)
    data["policies"] = {"stockpiles": {"r": {
        "site": "sp", "market": "market", "commodity": "copper", "release_t_per_day": 10,
        "assumption": "t", **rule}}}
    return data


@pytest.mark.parametrize("rule", [{"release_price_ratio_above": 1.0},
                                  {"release_shortfall_share_above": 0.0}])
def test_a_release_waits_for_a_price_or_shortfall_above_its_trigger(build, rule) -> None:
    # at a price index of exactly 1.0 and a shortfall of exactly 0 the trigger ("above")
    # is not met (mutants P13/P14: >=, 300 t released and a "release starts" row)
    world = build.run_world(stockpile_at_par(build, **rule))
    assert float(world.price[0]) == 1.0
    assert stock(world, "sp") == 1000.0
    assert [r for r in world.timeline.ordered() if r[1] == "policy"] == []


def test_a_rebuild_waits_for_a_price_below_its_trigger(build) -> None:
    # the market holds 5,000 t to sell, but its price index is exactly 1.0, not below
    # (mutant P16: <=, 600 t bought over the 30 days)
    world = build.run_world(rebuild_scenario(build, market_stock=5000.0, below=1.0))
    assert float(world.price[0]) == 1.0
    assert stock(world, "sp") == 0.0
    assert stock(world, "market") == pytest.approx(5000.0)


# ------------------------------------------------------ E27: phased upgrades
def test_phased_corridor_upgrades_replace_rather_than_compound(build) -> None:
    sites = {"mine": build.mine(), "market": build.market()}
    data = build.scenario(sites, [build.lane("mine", "market", 10.0)], ["market"], horizon=40)
    data["policies"] = {"corridor_upgrades": {
        "p1": {"lane": "mine_market", "start": 0, "ramp_days": 0, "transit_factor": 0.8,
               "assumption": "t"},
        "p2": {"lane": "mine_market", "start": 10, "ramp_days": 0, "transit_factor": 0.9,
               "assumption": "t"}}}
    world = build.run_world(data)
    # the second phase's factor is of the original transit time (mutant E27: 0.8 x 0.9)
    assert world.lanes[0].transit_factor == pytest.approx(0.9)


# ------------------------------------------------------ F2: a stockpile is never closed
def test_closing_a_region_does_not_report_its_stockpile_closed(build) -> None:
    sites = {"mine": build.mine(), "sp": build.site("stockpile", initial_stock_t={"copper": 0.0}),
             "market": build.market(other_supply_t_per_year={"copper": 36525.0})}
    lanes = [build.lane("mine", "sp", 2), build.lane("mine", "market", 2)]
    data = build.scenario(sites, lanes, ["sp"], horizon=40, shocks={"events": {"cut": {
        "start": 10, "end": 20, "targets": {"regions": ["home"]},
        "effects": {"capacity_factor": 0.0}, "assumption": "t"}}})
    closed = {label[2]: v for label, v in kpi(data, "closed_days").items()}
    # the stockpile in the closed region has no capacity to close: no closed_days row
    # (mutant F2: 'sp' reported closed for 10 days)
    assert closed == {"mine": 10.0, "mine_sp": 10.0, "mine_market": 10.0}
    world = build.run_world(data)
    assert "sp" not in [ident for ident, _ in kpis.closable_elements(world)]


# ------------------------------------------------------ E31: the start row's end day
def test_an_events_start_row_gives_its_end_in_days_since_the_start_date(build) -> None:
    sites = {"mine": build.mine(), "market": build.market()}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"],
                          horizon=30, warmup=10)
    data["shocks"] = {"events": {"e": {"start": 5, "end": 20, "targets": {"sites": ["mine"]},
                                       "effects": {"capacity_factor": 0},
                                       "assumption": "t"}}}
    world = build.run_world(data)
    # rows count days from the start date, not from the warm-up's start
    # (mutant E31: "closed until day 30.0", the simulation time)
    assert [r for r in world.timeline.ordered() if r[1] == "event"] == [
        (5.0, "event", "e", "start", "closed until day 20.0"), (20.0, "event", "e", "end", "")]


# ------------------------------------------------------ L1: same-time rows in recorded order
def test_timeline_rows_of_one_time_keep_their_recorded_order() -> None:
    timeline = Timeline(t0=10.0)
    timeline.add(15.0, "regime", "r", "state", "hot")
    timeline.add(12.0, "policy", "p", "release starts")
    timeline.add(15.0, "event", "e", "start")
    timeline.add(15.0, "deal", "d", "deal failed")
    # by time, then as recorded (mutant L1: by kind too, deal < event < regime)
    assert [r[1] for r in timeline.ordered()] == ["policy", "regime", "event", "deal"]
    assert [r[0] for r in timeline.ordered()] == [2.0, 5.0, 5.0, 5.0]


# ------------------------------------------------------ P18: the bank counts reservations
def test_an_export_controls_bank_counts_what_it_set_aside() -> None:
    control = ExportControlState("c", "COD", 0, frozenset({1}), cap_per_day=10.0, active=True,
                                 reserved={3: 3000.0})
    control.accrue(400.0)
    # by hand: 400 days earn 4,000 t, but a year's cap (3,652.5 t) less the 3,000 t set
    # aside leaves room for 652.5 t (mutant P18: the whole year's cap, 3,652.5 t)
    assert control.allowance == pytest.approx(10.0 * DAYS_PER_YEAR - 3000.0)
    assert control.allowance == pytest.approx(652.5)
    # set aside more than a year's cap: no free allowance at all
    control.reserved[3] = 4000.0
    control.accrue(800.0)
    assert control.allowance == 0.0


# ------------------------------------------------------ E8: a regime's initial state
def test_a_regime_starts_in_its_initial_state(build) -> None:
    regime = {"targets": {"sites": ["mine"]}, "initial": "hot",
              "states": {"calm": {}, "hot": {"effects": {"capacity_factor": 0.5}}},
              "rates_per_year": {"calm": {"hot": 1e-9}, "hot": {"calm": 1e-9}},
              "assumption": "t"}
    world = build.run_world(direct_scenario(build, horizon=20,
                                            shocks={"regimes": {"r": regime}}))
    rows = [r for r in world.timeline.ordered() if r[1] == "regime"]
    # (mutant E8: starts "calm", the first state, and the mine works at full rate)
    assert len(rows) == 1
    assert rows[0][0] == 0.0
    assert rows[0][4].startswith("hot:")
    # hot halves the mine's 100 t/day: 50 t/day leave it, from the lot of time 0 on
    # (tests/shocks/test_regime_first_instant.py)
    assert world.recorder.exported[:, 0].sum(axis=-1).tolist() == [50.0] * 20
