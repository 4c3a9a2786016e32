"""Mass balance: every tonne is accounted for, and a break is caught and located."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

from sim.experiment import run_replication
from sim.scenario import load_scenario, scenario_from_dict
from sim.streams import Streams
from sim.world.ledger import MassBalanceError
from sim.world.lots import Lot
from sim.world.world import World


def two_commodity_chain(build: SimpleNamespace, vessel_t: float = 60.0) -> dict:
    """mine -> border -> port -(sailings)-> market, copper with cobalt as a by-product.

    The ships are too small for the flow, so lots are split and some wait at the port at
    the end; the mine, border and lanes are random so nothing lines up by accident."""
    mine = build.mine(variability={"dist": "lognormal", "mean": 1.0, "sd": 0.3})
    mine["output"]["cobalt"] = {"form": "hydroxide", "ratio": 0.1, "ratio_to": "copper"}
    mine["offtake"]["cobalt"] = {"formal": 1.0}
    market = build.market(initial_stock_t={"copper": 500.0, "cobalt": 20.0})
    market["demand_t_per_year"]["cobalt"] = 3000.0
    data = build.scenario(
        {"mine": mine,
         "border": build.border(12.0, service_variability={"dist": "exponential", "mean": 1}),
         "port": build.port(), "market": market},
        [build.lane("mine", "border", {"dist": "triangular", "low": 1, "mode": 2, "high": 4}),
         build.lane("border", "port", 3),
         build.lane("port", "market", 12, mode="sea",
                    sailing={"interval_days": {"dist": "exponential", "mean": 1.5},
                             "vessel_t": vessel_t})],
        ["border", "port", "market"], horizon=60, warmup=10)
    data["commodities"]["cobalt"] = {
        "forms": {"hydroxide": {"grade": 0.3, "payload_t_per_truck": 30}}}
    return data


@pytest.fixture
def world(build: SimpleNamespace) -> World:
    w = World(scenario_from_dict(two_commodity_chain(build)), Streams(7, 0))
    w.run()
    return w


def site(world: World, site_id: str):
    return world.sites[world.site_index[site_id]]


def c(world: World, commodity: str) -> int:
    return world.commodity_index[commodity]


def violation(world: World) -> str:
    with pytest.raises(MassBalanceError) as exc:
        world.check_mass_balance()
    return str(exc.value)


# ----------------------------------------------------------------------------- passes
def test_normal_run_balances(world: World) -> None:
    report = world.check_mass_balance()
    assert np.all(report.max_abs_error_t <= 1e-9 * report.scale_t)
    assert report.scale_t > 1000.0
    # the run is non-trivial: metal waits at the port, is at sea, and both commodities move
    port = site(world, "port")
    assert port.held().min() > 0.0
    assert world.physical_lane_held().sum(axis=0).min() > 0.0
    assert world.ledger.mined[:, c(world, "cobalt")].sum() == pytest.approx(
        0.1 * world.ledger.mined[:, c(world, "copper")].sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_replications_report_zero_error(build: SimpleNamespace, seed: int) -> None:
    sc = scenario_from_dict(two_commodity_chain(build))
    res = run_replication(sc, seed, seed)
    errors = {row[0]: row[5] for row in res.kpis if row[3] == "mass_balance_error_t"}
    assert set(errors) == {"copper", "cobalt"}
    assert all(e < 1e-6 for e in errors.values())


def test_tiny_balances(tiny_path) -> None:
    w = World(load_scenario(tiny_path), Streams(0, 0))
    w.run()
    report = w.check_mass_balance()
    assert report.worst is None or abs(report.worst[2]) < 1e-9


def test_holdings_add_up_to_the_ledger_totals(world: World) -> None:
    led = world.ledger
    held = world.physical_site_held().sum(axis=0) + world.physical_lane_held().sum(axis=0)
    expected = (led.opening_site.sum(axis=0) + led.opening_lane.sum(axis=0)
                + led.mined.sum(axis=0) + led.supplied.sum(axis=0)
                + led.adjusted.sum(axis=0) - led.consumed.sum(axis=0) - led.lost.sum(axis=0))
    assert held == pytest.approx(expected, rel=1e-12)


# ----------------------------------------------------------------------------- breaks
def test_tonnes_removed_from_a_waiting_lot_are_found_at_the_port(world: World) -> None:
    queue = site(world, "port").sailings[0].queue
    lot = next(lot for lot in queue if lot.commodity == c(world, "copper"))
    lot.tonnes -= 7.5
    msg = violation(world)
    assert "'port'" in msg and "for copper" in msg
    assert "-7.5 t" in msg


def test_metal_added_to_a_market_stock(world: World) -> None:
    site(world, "market").stock[c(world, "cobalt")] += 3.0
    msg = violation(world)
    assert "'market'" in msg and "for cobalt" in msg and "+3 t" in msg


def test_altered_ledger_inflow(world: World) -> None:
    world.ledger.book_site("site_in", world.site_index["border"], c(world, "copper"), 11.0)
    msg = violation(world)
    assert "'border'" in msg and "for copper" in msg and "-11 t" in msg


def test_a_flow_booked_in_an_account_alone_is_caught_by_the_running_net(world: World
                                                                         ) -> None:
    # the site's accounts and its holdings agree (the stock moved with the account), but the
    # running net flows a day's end reads were not told: the recorded stocks would be wrong
    copper = c(world, "copper")
    site(world, "market").stock[copper] += 4.0
    world.ledger.rows("supplied")[world.site_index["market"]][copper] += 4.0
    msg = violation(world)
    assert "'market'" in msg and "for copper" in msg and "running net flows" in msg
    assert "-4 t" in msg
    report = world.check_mass_balance(raise_error=False)
    assert report.running_error_t[copper] == pytest.approx(4.0)
    assert report.max_abs_error_t[copper] == pytest.approx(0.0, abs=1e-6)


def test_a_lane_flow_booked_in_its_account_alone_is_caught_in_transit(world: World) -> None:
    cobalt = c(world, "cobalt")
    world.ledger.rows("lane_lost")[world.lane_index["mine_border"]][cobalt] += 0.5
    msg = violation(world)
    assert "for cobalt on the lanes as a whole" in msg and "running tonnes in transit" in msg
    assert "+0.5 t" in msg


def test_the_running_totals_are_what_a_day_end_records(world: World) -> None:
    # the last measured day's records are the running totals at its end (the run ends there)
    n = world.recorder.n_days
    held = world.physical_site_held()
    assert held.shape == (len(world.sites), world.n_commodities)
    stock = world.recorder.stock_by_kind[n - 1].sum(axis=0)
    assert stock == pytest.approx(held.sum(axis=0), rel=1e-12, abs=1e-9)
    assert world.recorder.in_transit[n - 1] == pytest.approx(
        world.physical_lane_held().sum(axis=0), rel=1e-12, abs=1e-9)


def test_the_ledger_accounts_read_as_arrays_cannot_be_written(world: World) -> None:
    # a write to an array made from the rows would be lost: it raises instead
    with pytest.raises(ValueError, match="read-only"):
        world.ledger.site_in[0, 0] += 1.0
    rows = world.ledger.rows("site_in")
    assert world.ledger.site_in.tolist() == rows


def test_lot_lost_from_a_lane(world: World) -> None:
    lane = world.lanes[world.lane_index["port_market"]]
    lot = max(lane.lots(), key=lambda x: x.tonnes)
    for convoy in lane.travelling.values():
        if lot in convoy:
            convoy.remove(lot)
    msg = violation(world)
    assert "'port_market'" in msg
    assert f"for {world.commodity_ids[lot.commodity]}" in msg
    err = float(re.search(r"by ([-+0-9.e]+) t", msg).group(1))
    assert err == pytest.approx(-lot.tonnes, rel=1e-5)


def test_lane_ledger_break_names_the_lane(world: World) -> None:
    world.ledger.book_lane("lane_out", world.lane_index["mine_border"], c(world, "cobalt"),
                            -0.25)
    msg = violation(world)
    assert "'mine_border'" in msg and "for cobalt" in msg


def test_worst_break_is_named(world: World) -> None:
    site(world, "market").stock[c(world, "copper")] += 2.0
    site(world, "port").sailings[0].queue[0].tonnes += 5.0
    msg = violation(world)
    assert "'port'" in msg
    report = world.check_mass_balance(raise_error=False)
    assert report.worst[:2] == ("port", world.commodity_ids[
        site(world, "port").sailings[0].queue[0].commodity])
    assert report.worst[2] == pytest.approx(5.0)


def test_a_nan_holding_is_a_break_and_hides_no_other(world: World) -> None:
    site(world, "port").sailings[0].queue[0].tonnes += 5.0
    site(world, "market").stock[c(world, "copper")] = float("nan")
    msg = violation(world)
    assert "'market'" in msg and "for copper" in msg and "nan" in msg


def test_breaks_below_the_tolerance_pass(world: World) -> None:
    site(world, "market").stock[0] += 1e-12
    world.check_mass_balance()
    with pytest.raises(MassBalanceError):
        world.check_mass_balance(rel_tol=1e-18)


def test_a_leaking_component_is_caught_by_the_replication(build: SimpleNamespace,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    # a faulty split that loses 1% of what stays behind at the port
    original = Lot.split

    def leaky_split(self: Lot, tonnes: float) -> Lot:
        part = original(self, tonnes)
        self.tonnes *= 0.99
        return part

    monkeypatch.setattr(Lot, "split", leaky_split)
    sc = scenario_from_dict(two_commodity_chain(build))
    with pytest.raises(MassBalanceError, match="'port'"):
        run_replication(sc, 7, 0)
