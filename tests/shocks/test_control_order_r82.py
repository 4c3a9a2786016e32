"""Export controls whatever the order of sites or controls in the file, and controls split
into back-to-back pieces (review 82, F2-F4): held metal's claim went to the first refiner
listed; allowance earned after the last dispatch before a piece ended was lost; the order
controls were listed in changed what a waiting refiner asked and what was handed over."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sim.shocks.policies import ExportControlState
from sim.world import export_controls as ec
from tests.conftest import BUILD as build

DAYS = build.DAYS_PER_YEAR



def sent(log, lane: str, after: float = -1.0, upto: float = 1e9) -> float:
    return sum(x for ln, t, x in log if ln == lane and after < t <= upto)


# ----------------------------------------------------------------------------- F2
def two_holders(order: list[str], b_t_per_day: float) -> dict:
    """Refiners a (100 t/day) and b, each selling all to one market; a ban on days 0-4
    holds what they make, then a control of 20 t/day on days 5-9 (dispatches 6-10)."""
    caps = {"a": 100.0, "b": b_t_per_day}
    sites = {"mine": build.mine(t_per_year=1.0),
             **{k: build.site("refiner", capacity_t_per_year={"copper": caps[k] * DAYS},
                              initial_feed_t={"copper": 5000.0},
                              sales={"copper": {"market": 1.0}}) for k in order},
             "market": build.market()}
    lanes = [build.lane("mine", "a", 2), build.lane("mine", "b", 2),
             build.lane("a", "market", 3), build.lane("b", "market", 3)]
    policies = {"export_controls": {"ec": {"country": "COD", "commodity": "copper",
                                           "markets": ["market"],
                                           "cap_t_per_year": 20 * DAYS,
                                           "start": 5, "end": 10}},
                "export_bans": {"ban": {"commodity": "copper", "country": "COD",
                                        "start": 0, "end": 5}}}
    routes = {"ra": {"path": ["a"], "share": 0.5}, "rb": {"path": ["b"], "share": 0.5}}
    return build.scenario(sites, lanes, [], horizon=12, routes=routes, policies=policies)


@pytest.mark.parametrize("order", [["a", "b"], ["b", "a"]])
def test_equal_holders_share_the_held_claim_whatever_the_site_order(lane_entries, order) -> None:
    build.run_world(two_holders(order, 100.0))  # mass balance checked
    # each holds 500 t at time 5; 20 t/day goes to held metal, 10 t to each
    for t in (6.0, 7.0, 8.0, 9.0, 10.0):
        assert sent(lane_entries, "a_market", t - 1, t) == pytest.approx(10.0)
        assert sent(lane_entries, "b_market", t - 1, t) == pytest.approx(10.0)  # was 0 or 20


@pytest.mark.parametrize("order", [["a", "b"], ["b", "a"]])
def test_the_held_claim_follows_the_tonnes_held(lane_entries, order) -> None:
    build.run_world(two_holders(order, 50.0))
    # 500 t and 250 t held: 2:1, and each releases in that ratio so it stays 2:1
    assert sent(lane_entries, "a_market", 5.0, 10.0) == pytest.approx(5 * 20.0 * 2 / 3)
    assert sent(lane_entries, "b_market", 5.0, 10.0) == pytest.approx(5 * 20.0 / 3)


@pytest.mark.parametrize("order", [["a", "b"], ["b", "a"]])
def test_holders_with_no_new_metal_share_the_held_claim(lane_entries, order) -> None:
    # each refines its 500 t of feed during the ban and has no new metal after: the
    # refiners shipping release only held metal (no split of new metal is settled)
    sites = {"mine": build.mine(t_per_year=1.0),
             **{k: build.site("refiner", capacity_t_per_year={"copper": 100 * DAYS},
                              initial_feed_t={"copper": 500.0},
                              sales={"copper": {"market": 1.0}}) for k in order},
             "market": build.market()}
    lanes = [build.lane("mine", "market", 2), build.lane("a", "market", 3),
             build.lane("b", "market", 3)]
    policies = {"export_controls": {"ec": {"country": "COD", "commodity": "copper",
                                           "markets": ["market"],
                                           "cap_t_per_year": 20 * DAYS,
                                           "start": 5, "end": 10}},
                "export_bans": {"ban": {"commodity": "copper", "country": "COD",
                                        "start": 0, "end": 5}}}
    routes = {"rm": {"path": ["market"], "share": 1.0}}
    build.run_world(build.scenario(sites, lanes, [], horizon=12, routes=routes,
                                   policies=policies))
    for t in (6.0, 7.0, 8.0, 9.0, 10.0):  # was 20 t for the first listed, 0 for the other
        assert sent(lane_entries, "a_market", t - 1, t) == pytest.approx(10.0)
        assert sent(lane_entries, "b_market", t - 1, t) == pytest.approx(10.0)
    # the control over, the 450 t left at each leaves at once
    assert sent(lane_entries, "a_market", 10.0, 11.0) == pytest.approx(450.0)


# ----------------------------------------------------------------------------- F3(a)
def slow_refiner(spans: list[tuple[int, int]]) -> dict:
    """A refiner of 100 t/day shipping every 9 days, 95% to a covered market and 5% to a
    local one; controls of 20 t/day over ``spans``."""
    sites = {"mine": build.mine(t_per_year=1.0),
             "slow": build.site("refiner", capacity_t_per_year={"copper": 100 * DAYS},
                                initial_feed_t={"copper": 30000.0}, dispatch_period_days=9,
                                sales={"copper": {"market": 0.95, "local": 0.05}}),
             "market": build.market(),
             "local": build.site("market", demand_t_per_year={"copper": 5 * DAYS})}
    lanes = [build.lane("mine", "slow", 2), build.lane("slow", "market", 3),
             build.lane("slow", "local", 1)]
    controls = {f"ec{k}": {"country": "COD", "commodity": "copper", "markets": ["market"],
                           "cap_t_per_year": 20 * DAYS, "start": s, "end": e}
                for k, (s, e) in enumerate(spans)}
    return build.scenario(sites, lanes, ["slow"], horizon=60,
                          policies={"export_controls": controls})


@pytest.mark.parametrize("spans", [[(0, 54)], [(0, 30), (30, 54)], [(0, 30), (31, 54)],
                                   [(0, 30), (30, 32), (32, 34), (34, 54)]],
                         ids=["one", "back-to-back", "a-day-apart", "pieces-between-dispatches"])
def test_back_to_back_pieces_lose_no_allowance(lane_entries, spans) -> None:
    build.run_world(slow_refiner(spans))
    # dispatches at 9, 18, ..., 54: nine days of 20 t each; the dispatch at 36 draws
    # days 27-29 of the first piece (set aside as it ends) and 30-35 of the second
    # (with a day's gap, day 30 is under no control and earns nothing: 160 t); pieces
    # ending between two dispatches add up what each set aside
    at_36 = 160.0 if spans[-1][0] == 31 else 180.0
    for t in (9.0, 18.0, 27.0, 36.0, 45.0, 54.0):
        assert sent(lane_entries, "slow_market", t - 1, t) == pytest.approx(
            at_36 if t == 36.0 else 180.0)  # was 120 at 36 when split


# ----------------------------------------------------------------------------- F4
def fake_refiner(index: int, sales: list[tuple[int, float]], output: float):
    return SimpleNamespace(index=index, country="COD", output=[output],
                           sales=[[(SimpleNamespace(to=SimpleNamespace(index=m)), s)
                                   for m, s in sales]],
                           held_abroad=[[0.0] * len(sales)], last_dispatch_t=0.0,
                           dispatch_period=1.0)


def control(ident: str, markets: set[int], allowance: float) -> ExportControlState:
    return ExportControlState(ident, "COD", 0, frozenset(markets), 10.0, active=True,
                              allowance=allowance)


@pytest.mark.parametrize("reverse", [False, True])
def test_a_waiting_refiners_claim_reads_allowances_before_the_round(reverse) -> None:
    # refiner W waits with 100 t: 50 t for m0 (control A, 60 t left) and 50 t for m1 (A
    # and B, 40 t left). A: asked 100, scale 0.6, sets aside 60; B: asked 50, sets aside
    # 40, and its 10 t cut could go to m0, where A had 60 t before this round: all 50 t
    # have asked B (was 40 with A listed first, as A's own set-aside had used its room)
    w = fake_refiner(1, [(10, 0.5), (11, 0.5)], 100.0)
    a, b = control("A", {10, 11}, 60.0), control("B", {11}, 40.0)
    ec._first_cut([], [], [w], [b, a] if reverse else [a, b], 0)
    assert (a.reserved, a.allowance, a.asked) == ({1: pytest.approx(60.0)}, 0.0,
                                                   {1: pytest.approx(60.0)})
    assert (b.reserved, b.allowance) == ({1: pytest.approx(40.0)}, 0.0)
    assert b.asked == {1: pytest.approx(50.0)}


@pytest.mark.parametrize("reverse", [False, True])
def test_the_tighter_of_two_ended_controls_hands_over(reverse) -> None:
    # two ended controls bound the same 50 t of W's metal, one setting aside 10 t, the
    # other 20 t: the tighter cut bound it, so the follower gets 10 t (was the first
    # listed's: 10 or 20)
    w = fake_refiner(1, [(10, 1.0)], 0.0)
    old1, old2 = control("o1", {10}, 0.0), control("o2", {10}, 0.0)
    for old, res in ((old1, 10.0), (old2, 20.0)):
        old.active, old.last_t, old.reserved, old.asked = False, 5.0, {1: res}, {1: 50.0}
    new = control("n", {10}, 0.0)
    ec.hand_over([old2, old1] if reverse else [old1, old2], [new], [w])
    assert new.asked == {1: pytest.approx(50.0)}
    assert new.reserved == {1: pytest.approx(10.0)}
    assert old1.reserved == old2.reserved == old1.asked == old2.asked == {}


def two_markets_two_controls(order: list[str]) -> dict:
    """min4 of review 82: a daily refiner selling all to m1, one shipping every 4 days
    selling half to m0 and half to m1; control ca on m0 and m1 at 60 t/day, cb on m1 at
    40 t/day."""
    def ref(period: int, sales: dict) -> dict:
        return build.site("refiner", capacity_t_per_year={"copper": 100 * DAYS},
                          initial_feed_t={"copper": 5000.0}, dispatch_period_days=period,
                          sales={"copper": sales})
    sites = {"mine": build.mine(t_per_year=1.0), "daily": ref(1, {"m1": 1.0}),
             "slow": ref(4, {"m0": 0.5, "m1": 0.5}), "m0": build.market(), "m1": build.market()}
    lanes = [build.lane("mine", "daily", 2), build.lane("mine", "slow", 2),
             build.lane("daily", "m1", 3), build.lane("slow", "m0", 3),
             build.lane("slow", "m1", 3)]
    c = {"ca": {"country": "COD", "commodity": "copper", "markets": ["m0", "m1"],
                "cap_t_per_year": 60 * DAYS, "start": 0},
         "cb": {"country": "COD", "commodity": "copper", "markets": ["m1"],
                "cap_t_per_year": 40 * DAYS, "start": 0}}
    routes = {"ra": {"path": ["daily"], "share": 0.5}, "rb": {"path": ["slow"], "share": 0.5}}
    return build.scenario(sites, lanes, [], horizon=20, routes=routes,
                          policies={"export_controls": {k: c[k] for k in order}})


def test_whole_run_does_not_depend_on_the_order_of_controls(lane_entries) -> None:
    got = []
    for order in (["ca", "cb"], ["cb", "ca"]):
        lane_entries.clear()
        build.run_world(two_markets_two_controls(order))
        got.append({ln: sent(lane_entries, ln) for ln in ("daily_m1", "slow_m0", "slow_m1")})
    assert got[0] == pytest.approx(got[1], abs=1e-6)  # differed by 17 t
    # the cap binds: ca passes at most 60 t/day, cb 40 t/day over 20 days
    assert sum(got[0].values()) <= 20 * 60.0 + 1e-6
    assert got[0]["daily_m1"] + got[0]["slow_m1"] <= 20 * 40.0 + 1e-6


# ----------------------------------------------------------------------------- small
def test_nothing_covered_leaves_no_asked_entry() -> None:
    # W sells only to m0; the control covers m1: nothing asks it, and no {W: 0.0} entry
    # stays to make the control look as if it had something to hand over
    w = fake_refiner(1, [(10, 1.0)], 100.0)
    ctl = control("c", {11}, 30.0)
    ec._first_cut([], [], [w], [ctl], 0)
    assert (ctl.asked, ctl.reserved, ctl.allowance) == ({}, {}, 30.0)


@pytest.mark.parametrize("reverse", [False, True])
def test_held_metal_under_two_controls_does_not_depend_on_their_order(lane_entries, reverse):
    # 100 t/day, half to m0 and half to m1; a ban on days 0-4 holds 250 t for each; on
    # days 5-9 control ca (m0, m1) allows 20 t/day and cb (m1) nothing. Held metal for m1
    # may not leave, so ca's 20 t/day all go to m0 (was 10 t/day with ca listed first, as
    # ca cut both lanes before cb closed m1; 20 with cb first)
    sites = {"mine": build.mine(t_per_year=1.0),
             "ref": build.site("refiner", capacity_t_per_year={"copper": 100 * DAYS},
                               initial_feed_t={"copper": 5000.0},
                               sales={"copper": {"m0": 0.5, "m1": 0.5}}),
             "m0": build.market(), "m1": build.market()}
    lanes = [build.lane("mine", "ref", 2), build.lane("ref", "m0", 3),
             build.lane("ref", "m1", 3)]
    controls = {"ca": {"country": "COD", "commodity": "copper", "markets": ["m0", "m1"],
                      "cap_t_per_year": 20 * DAYS, "start": 5, "end": 10},
                "cb": {"country": "COD", "commodity": "copper", "markets": ["m1"],
                      "cap_t_per_year": 0.0, "start": 5, "end": 10}}
    if reverse:
        controls = dict(reversed(list(controls.items())))
    policies = {"export_controls": controls,
                "export_bans": {"ban": {"commodity": "copper", "country": "COD",
                                        "start": 0, "end": 5}}}
    build.run_world(build.scenario(sites, lanes, ["ref"], horizon=12, policies=policies))
    for t in (6.0, 7.0, 8.0, 9.0, 10.0):
        assert sent(lane_entries, "ref_m0", t - 1, t) == pytest.approx(20.0)
        assert sent(lane_entries, "ref_m1", t - 1, t) == 0.0
