"""World behaviours that survived the mutation review 57: each test here fails on a small,
plausible bug (named in its docstring) that the rest of the suite let through.

Chains are deterministic: the mine ships a lot at every whole day (counted from the start of
the warm-up) and every transit, handling and clearance time is fixed, so the expected
figures follow by hand. Copper cathode of grade 1, 25 t per truck (the ``build`` chains).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from sim.metrics.kpis import compute_kpis

EXACT = {"rel": 1e-12, "abs": 1e-9}


def kpis(world: Any) -> dict[tuple[str, str, str], float]:
    """The world's KPIs by (channel, site, metric), copper being the only commodity."""
    return {(chan, site, metric): value for _com, chan, site, metric, _unit, value
            in compute_kpis(world, world.check_mass_balance())}


def port_chain(build: SimpleNamespace, throughput: float | None, *, sea: bool = False,
               vessel_t: float = 1e6, shocks: dict | None = None) -> dict:
    """Mine (a 1 t lot at every whole day) -> 0.25 days -> port at home (optionally
    handling ``throughput`` t/day) -> market abroad, by land (no transit) or by sea (10
    days, a ship of ``vessel_t`` t every 7 days); 100 days."""
    port = build.port(**({} if throughput is None else {"throughput_t_per_day": throughput}))
    onward = (build.lane("port", "market", 10, mode="sea",
                         sailing={"interval_days": 7, "vessel_t": vessel_t}) if sea
              else build.lane("port", "market", 0))
    data = build.scenario({"mine": build.mine(build.DAYS_PER_YEAR), "port": port,
                           "market": build.market(build.DAYS_PER_YEAR)},
                          [build.lane("mine", "port", 0.25), onward], ["port", "market"],
                          horizon=100)
    if shocks:
        data["shocks"] = {"events": shocks}
    return data


# ----------------------------------------------------------------------------- sea lanes
def test_a_throttled_sea_lane_loads_ships_at_its_capacity_factor(build) -> None:
    """Mutant: Sailings.load fills a ship to ``vessel_t * port.capacity_factor``, ignoring
    the sea lane's own capacity factor (84 t delivered, 2 t left at the port)."""
    world = build.run_world(port_chain(build, None, sea=True, vessel_t=8, shocks={"slow": {
        "start": 0, "duration_days": 100, "targets": {"lanes": ["port_market"]},
        "effects": {"capacity_factor": 0.25}, "assumption": "test"}}))
    sailing = world.sites[world.site_index["port"]].sailings[0]
    # ships leave at days 7, 14, ..., 98, each with room for 8 x 0.25 = 2 t: two 1 t lots
    assert sailing.departures == 14
    assert sailing.loaded_product_t == pytest.approx(28.0, **EXACT)
    k = kpis(world)
    # the 12 ships leaving by day 84 arrive by day 94; those of days 91 and 98 are at sea
    assert k[("all", "all", "delivered_t")] == pytest.approx(24.0, **EXACT)
    assert k[("all", "all", "in_transit_end_t")] == pytest.approx(4.0, **EXACT)
    # the other 72 of the 100 lots wait at the port at home
    assert k[("all", "all", "stranded_end_t")] == pytest.approx(72.0, **EXACT)
    # ship k (day 7k) takes the lots that reached the port at 2k - 1.75 and 2k - 0.75: they
    # waited 10k + 2.5 days together, 1,085 t-days over k = 1..14, for 28 t
    assert k[("all", "port", "mean_dwell_days")] == pytest.approx(1085.0 / 28.0, **EXACT)


# ----------------------------------------------------------------------------- ports
CLOSED_MID_HANDLING = {"shut": {"start": 10.5, "duration_days": 5, "targets": {"sites": ["port"]},
                                "effects": {"capacity_factor": 0.0}, "assumption": "test"}}
"""The port closed on days [10.5, 15.5): lot 10 (at the port from 10.25, handled at 2 t/day
in half a day) is mid-handling when it closes, and finishes at 10.75 with the port shut."""


def test_a_lot_handled_while_the_port_is_closed_leaves_when_it_reopens(build) -> None:
    """Mutant: Port._capacity_changed never releases ``handled_closed`` on reopening (lot
    10 stays at the port: 99 t delivered, 1 t stranded, a peak of 6 t)."""
    world = build.run_world(port_chain(build, 2.0, shocks=CLOSED_MID_HANDLING))
    port = world.sites[world.site_index["port"]]
    assert port.handled_closed == []
    k = kpis(world)
    # every lot reaches the market (lot 99: handled by 99.75, no transit on)
    assert k[("all", "all", "delivered_t")] == pytest.approx(100.0, **EXACT)
    assert k[("all", "all", "stranded_end_t")] == pytest.approx(0.0, **EXACT)
    # at the end of day 14: lot 10, handled and waiting, and lots 11-14 in line
    assert k[("all", "port", "peak_held_t")] == pytest.approx(5.0, **EXACT)


def test_a_lot_handled_while_the_port_is_closed_stays_until_it_reopens(build) -> None:
    """Mutant: Port._handled sends a lot bound for a land lane on while the port is closed
    (lot 10 leaves at 10.75 instead of 15.5, so the mean dwell is 0.7025 days)."""
    world = build.run_world(port_chain(build, 2.0, shocks=CLOSED_MID_HANDLING))
    # 90 lots pass in their half-day handling (45 t-days). Lot 10 leaves at the reopening,
    # 5.25 days after it came; lots 11-15 (in line from 11.25, ..., 15.25) and 16-19 (at
    # 16.25, ..., 19.25) are handled one after the other from 15.5: lot n leaves at
    # 16 + (n - 11) / 2 after n + 0.25, 4.75, 4.25, ..., 0.75 days: 27.5 t-days, 75 in all
    k = kpis(world)
    assert k[("all", "port", "mean_dwell_days")] == pytest.approx(75.0 / 100.0, **EXACT)
    assert k[("all", "all", "mean_lead_time_days")] == pytest.approx(
        0.25 + 75.0 / 100.0, **EXACT)


# ----------------------------------------------------------------------------- warm-up
def test_prices_start_the_measured_period_from_their_reference_level(build) -> None:
    """Mutant: World._set_start_stocks resets the price index but not its smoothed
    supply-demand ratio, so the empty pipeline of the warm-up (nothing consumed on its
    first 9 days: a ratio of 0, an index of about 1.8) carries into the measured period."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 9.5)], ["market"],
                          horizon=20, warmup=10)
    data["commodities"]["copper"].update(demand_elasticity=-0.5,
                                         reference_price_usd_per_t=1000.0)
    world = build.run_world(data)
    # from warm-up day 9 on the market gets its 100 t/day demand each day (the lot mined
    # 9.5 days before), so from the start date the ratio is 1 and so is the index
    assert world.recorder.price[:, 0].tolist() == [1.0] * 20
    k = kpis(world)
    assert k[("all", "all", "price_peak_ratio")] == 1.0
    assert k[("all", "all", "days_price_above_baseline")] == 0.0
    assert k[("all", "all", "export_value_usd")] == pytest.approx(20 * 100.0 * 1000.0,
                                                                  **EXACT)


def test_peak_trucks_at_a_border_post_count_the_measured_period_only(build) -> None:
    """Pins World._mark_start's ``peak_held_trucks[:] = 0``. Review 57's mutant (the reset
    left out) is equivalent and cannot fail this test: ``peak_held_trucks`` is only raised
    by ``_snapshot``, which runs for measured days alone, all after ``_mark_start``. The test
    shows a change that snapshots warm-up days, or marks the start late."""
    data = build.scenario({"mine": build.mine(), "border": build.border(8.0),
                           "market": build.market()},
                          [build.lane("mine", "border", 0.25),
                           build.lane("border", "market", 1.5)],
                          ["border", "market"], horizon=20, warmup=30)
    data["shocks"] = {"events": {"shut": {
        "start": -25, "duration_days": 10, "targets": {"sites": ["border"]},
        "effects": {"capacity_factor": 0.0}, "assumption": "test"}}}
    world = build.run_world(data)
    # closed on warm-up days 5-15: a queue of 10 lots (40 trucks) that clears at a net lot
    # a day by warm-up day 25. From then on each 100 t lot (4 trucks) comes at a quarter past
    # a whole day and is cleared half a day later: nothing is there at any day's end
    k = kpis(world)
    assert k[("all", "border", "peak_held_trucks")] == 0.0
    assert k[("all", "border", "peak_held_t")] == 0.0


# ----------------------------------------------------------------------------- lead times
def test_a_fractional_lead_time_falls_in_the_bin_of_its_whole_days(build) -> None:
    """Mutant: the route lead-time histogram bins a lead by ``round(lead_days)``, so 2.6
    days lands in bin 3 (and the median is 3.5 days)."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 2.6)], ["market"], horizon=20)
    world = build.run_world(data)
    # lots mined on days 0-17 arrive by day 19.6: 1,800 t, every one 2.6 days on the way
    hist = world.lead_hist[(0, 0)]
    assert hist[2] == pytest.approx(1800.0, **EXACT)
    assert sum(hist) == pytest.approx(1800.0, **EXACT)
    k = kpis(world)
    # quantiles interpolate within bin [2, 3)
    assert k[("formal", "route:main", "lead_time_p05_days")] == pytest.approx(2.05, **EXACT)
    assert k[("formal", "route:main", "lead_time_p50_days")] == pytest.approx(2.5, **EXACT)
    assert k[("formal", "route:main", "lead_time_p95_days")] == pytest.approx(2.95, **EXACT)
    assert k[("formal", "route:main", "mean_lead_time_days")] == pytest.approx(2.6, **EXACT)
