"""Port throughput and lanes limited in trucks per day, against figures worked by hand.

A port with ``throughput_t_per_day`` hands each arriving lot through a first-come-first-
served handling of ``product tonnes / throughput`` days (one lot at a time) before the lot
joins its ship's line or goes on by land; a lane with ``capacity_trucks_per_day`` loads a
lot in ``trucks / capacity`` days, each lot's trucks from its product form. The chains are
the ``build`` ones: copper cathode of grade 1 (1 t product per t), 25 t per truck."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from queue_theory import t_interval

import sim
from sim.cli import main
from sim.output.describe import describe
from sim.scenario import scenario_from_dict
from sim.scenario.capacity import capacity_checks
from sim.scenario.plan import make_plan

T_PER_DAY = 1.0  # what the mine sends: 1 t a day


def port_chain(build, throughput: float | None, *, horizon: int = 100, warmup: int = 0,
               interval: dict | None = None, sea: bool = False, **top):
    """Mine -> port (0.25 days) -> market, by land, or by sea with ships every 7 days."""
    mine = build.mine(T_PER_DAY * build.DAYS_PER_YEAR,
                      **({"lot_interval_days": interval} if interval else {}))
    port = build.port(**({} if throughput is None else {"throughput_t_per_day": throughput}))
    onward = (build.lane("port", "market", 10, mode="sea",
                         sailing={"interval_days": 7, "vessel_t": 1e6}) if sea
              else build.lane("port", "market", 0))
    return build.scenario({"mine": mine, "port": port,
                           "market": build.market(T_PER_DAY * build.DAYS_PER_YEAR)},
                          [build.lane("mine", "port", 0.25), onward], ["port", "market"],
                          horizon=horizon, warmup=warmup, **top)


def test_dd1_below_capacity_each_lot_spends_its_handling_time(build) -> None:
    # 1 t lots arriving a day apart, handled at 2 t/day: 0.5 days each, nobody waits
    world = build.run_world(port_chain(build, 2.0))
    port = world.sites[world.site_index["port"]]
    occ = port.occupancy
    assert occ.dwell_tonne_days / occ.through_t == pytest.approx(0.5)
    assert port.server.stats.wait_lot_days == 0.0
    assert world.check_mass_balance().max_abs_error_t.max() < 1e-9


def test_dd1_over_capacity_clears_at_the_handling_rate(build) -> None:
    # 1 t a day into 0.5 t/day: lot n (arriving at n + 0.25) is handled from 0.25 + 2n to
    # 2.25 + 2n, so by day 100 lots 0..48 have gone on (49 t) and 51 t are at the port
    res = sim.run(scenario_from_dict(port_chain(build, 0.5)), replications=1, seed=1)
    assert res.kpi("throughput_t", commodity="copper", site="port")[0] == pytest.approx(49.0)
    assert res.kpi("peak_held_t", commodity="copper", site="port")[0] == pytest.approx(51.0,
                                                                                     abs=1.0)
    assert res.kpi("mass_balance_error_t", commodity="copper")[0] < 1e-6


def test_without_throughput_handling_takes_no_time(build) -> None:
    res = sim.run(scenario_from_dict(port_chain(build, None)), replications=1, seed=1)
    assert res.kpi("throughput_t", commodity="copper", site="port")[0] == pytest.approx(100.0)


def test_md1_wait_matches_pollaczek_khinchine(build) -> None:
    # Poisson arrivals of 1 t lots (rate 1/day), fixed handling of 0.5 days: M/D/1 with
    # rho = 0.5, Wq = rho / (2 mu (1 - rho)) = 0.25 days; the time at the port (the KPI
    # mean_dwell_days, here for lots going on by land) is Wq + 0.5 = 0.75 days
    data = port_chain(build, 2.0, horizon=1500, warmup=50,
                      interval={"dist": "exponential", "mean": 1.0})
    res = sim.run(scenario_from_dict(data), replications=12, seed=5)
    mean, half = t_interval(res.kpi("mean_dwell_days", site="port"))
    assert half < 0.03, "interval too wide for the check to mean anything"
    assert abs(mean - 0.75) <= half, f"W {mean:.4f} +- {half:.4f}, theory 0.75"
    waits = []
    for seed in range(4):
        port = build.run_world(data, seed).sites[1]
        waits.append(port.server.stats.wait_lot_days / port.server.stats.n_started)
    assert np.mean(waits) == pytest.approx(0.25, abs=0.03)


def test_sea_bound_lots_are_handled_then_wait_for_their_ship(build) -> None:
    # handled at 0.5 t/day, 1 t a day arrives: ships leave every 7 days with what the
    # handling passed (3.5 t a week), the rest queues at the port
    world = build.run_world(port_chain(build, 0.5, sea=True))
    port = world.sites[world.site_index["port"]]
    sailing = port.sailings[0]
    assert sailing.loaded_product_t == pytest.approx(49.0, abs=3.5)
    assert world.check_mass_balance().max_abs_error_t.max() < 1e-9
    # the time at the port runs from arrival, handling and the wait for a ship included
    occ = port.occupancy
    assert occ.dwell_tonne_days / occ.through_t > 7.0


# ---------------------------------------------------------------------- trucks per day

def truck_lane_chain(build, form: str, trucks_per_day: float) -> dict:
    """100 t of metal a day from a mine straight to a market over one road limited to
    ``trucks_per_day``; ``form`` is ``cathode`` (grade 1, 25 t/truck: 0.04 trucks per t)
    or ``hydroxide`` (grade 0.3, 30 t/truck: 1/9 trucks per t of cobalt)."""
    data = build.scenario(
        {"mine": build.mine(), "market": build.market()},
        [build.lane("mine", "market", 0, capacity_trucks_per_day=trucks_per_day)],
        ["market"], horizon=101)  # a lot done at day 100 exactly would be a tie
    data["commodities"]["copper"]["forms"]["hydroxide"] = {"grade": 0.3,
                                                          "payload_t_per_truck": 30}
    data["sites"]["mine"]["output"]["copper"]["form"] = form
    return data


@pytest.mark.parametrize(("form", "lots"), [
    # hydroxide: a 100 t lot is 333.3 t of product, 11.11 trucks, 5.556 days at 2 trucks
    # a day: lots leave at 5.556, 11.11, ... so 18 of them by day 101
    ("hydroxide", 18),
    # cathode: 4 trucks, 2 days: 50 lots by day 101
    ("cathode", 50),
])
def test_a_truck_limited_lane_clears_at_the_truck_rate(build, form: str, lots: int) -> None:
    res = sim.run(scenario_from_dict(truck_lane_chain(build, form, 2.0)), replications=1,
                  seed=1)
    assert res.kpi("throughput_t", commodity="copper", site="mine_market")[0] == \
        pytest.approx(100.0 * lots)
    assert res.kpi("utilisation", site="mine_market")[0] == pytest.approx(1.0)


def test_show_and_capacity_checks_count_trucks_and_port_throughput(build) -> None:
    sc = scenario_from_dict(truck_lane_chain(build, "hydroxide", 2.0))
    check = next(c for c in capacity_checks(sc, make_plan(sc)) if c.at == "mine_market")
    # 100 t a day of hydroxide metal: 100 / (0.3 x 30) = 11.1 trucks a day planned
    assert check.unit == "trucks/yr"
    assert check.capacity == pytest.approx(2.0 * 365.25)
    assert check.planned == pytest.approx(100 / 9 * 365.25)
    assert "capacity 2 trucks/day" in describe(sc)
    sc = scenario_from_dict(port_chain(build, 2.0))
    check = next(c for c in capacity_checks(sc, make_plan(sc)) if c.at == "port")
    assert (check.capacity, check.planned) == pytest.approx((2.0 * 365.25, 365.25))
    assert "throughput 2 t/day" in describe(sc)


@pytest.mark.parametrize(("sets", "message"), [
    (["lanes.mine_border.capacity_t_per_day=50", "lanes.mine_border.capacity_trucks_per_day=2"],
     "give capacity_t_per_day or capacity_trucks_per_day, not both"),
    (["lanes.mine_border.capacity_trucks_per_day=-2"], "must be greater than 0, got -2"),
    (["lanes.mine_border.capacity_trucks_per_day=0"], "must be greater than 0, got 0"),
])
def test_bad_lane_capacities_are_refused(tiny_path, sets: list[str], message: str) -> None:
    args = ["validate", str(tiny_path)]
    for s in sets:
        args += ["--set", s]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output


def test_bad_port_throughput_is_refused(build, tmp_path) -> None:
    data = port_chain(build, -1.0)
    path = tmp_path / "p.yaml"
    path.write_text(build.to_yaml(data))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "throughput_t_per_day: must be greater than 0, got -1" in result.output


def test_a_truck_limit_on_a_refiners_lane_is_refused(build, tmp_path) -> None:
    data = build.scenario(
        {"mine": build.mine(), "ref": build.site(
            "refiner", capacity_t_per_year={"copper": 36525},
            sales={"copper": {"market": 1.0}}), "market": build.market()},
        [build.lane("mine", "ref", 1),
         build.lane("ref", "market", 1, capacity_trucks_per_day=3)], ["ref"])
    path = tmp_path / "r.yaml"
    path.write_text(build.to_yaml(data))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "refined metal leaving refiner 'ref' has no truck payload" in result.output
    assert "give the lane capacity_t_per_day" in result.output


# ------------------------------------------------- throttles and upgrades (shock checks)

def test_a_port_closure_stops_handling_and_throttling_scales_it(build) -> None:
    shut = port_chain(build, 2.0, shocks={"events": {"shut": {
        "start": 10, "duration_days": 5, "targets": {"sites": ["port"]},
        "effects": {"capacity_factor": 0}}}})
    world = build.run_world(shut)
    port = world.sites[world.site_index["port"]]
    assert world.check_mass_balance().max_abs_error_t.max() < 1e-9
    # every lot still gets through: the 5 held days are caught up at 2 t/day
    assert port.occupancy.through_t == pytest.approx(100.0)
    slow = port_chain(build, 2.0, shocks={"events": {"slow": {
        "start": 0, "duration_days": 100, "targets": {"sites": ["port"]},
        "effects": {"capacity_factor": 0.25}}}})
    port = build.run_world(slow).sites[1]
    # a quarter of 2 t/day is 0.5 t/day: as the over-capacity case, 49 t through
    assert port.occupancy.through_t == pytest.approx(49.0)


def test_capacity_shocks_scale_a_truck_limited_lane(build) -> None:
    data = truck_lane_chain(build, "cathode", 4.0)
    data["shocks"] = {"events": {"half": {"start": 0, "duration_days": 100,
                                          "targets": {"lanes": ["mine_market"]},
                                          "effects": {"capacity_factor": 0.5}}}}
    res = sim.run(scenario_from_dict(data), replications=1, seed=1)
    # 4 trucks a day at half: 2 a day, as above 50 lots
    assert res.kpi("throughput_t", commodity="copper", site="mine_market")[0] == \
        pytest.approx(5000.0)


def test_throttling_a_port_without_throughput_or_sailings_is_refused(build, tmp_path) -> None:
    data = port_chain(build, None, shocks={"events": {"slow": {
        "start": 0, "duration_days": 10, "targets": {"sites": ["port"]},
        "effects": {"capacity_factor": 0.5}}}})
    path = tmp_path / "p.yaml"
    path.write_text(build.to_yaml(data))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "a port without sailings or throughput_t_per_day" in result.output
    assert "the port throughput_t_per_day" in result.output


def test_a_tonnes_upgrade_of_a_truck_limited_lane_is_refused(build, tmp_path) -> None:
    data = truck_lane_chain(build, "cathode", 2.0)
    data["policies"] = {"corridor_upgrades": {"wider": {
        "lane": "mine_market", "start": 10, "capacity_t_per_day": 500}}}
    path = tmp_path / "u.yaml"
    path.write_text(build.to_yaml(data))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "counts its capacity in trucks (capacity_trucks_per_day)" in result.output
