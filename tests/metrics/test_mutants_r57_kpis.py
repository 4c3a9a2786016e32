"""KPIs that survived the mutation review 57: each test here fails on a small, plausible
bug (named in its docstring) that the rest of the suite let through.

Chains are deterministic: one copper mine at home (COD) ships a 100 t lot at every whole day
and every transit and clearance time is fixed, so every figure follows by hand. Copper
cathode of grade 1, 25 t per truck (the ``build`` chains); markets are abroad (CHN).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from sim.metrics.kpis import compute_kpis

EXACT = {"rel": 1e-12, "abs": 1e-9}
PRICE = 1000.0
"""Reference price of copper in these chains, USD/t."""


def kpis(world: Any) -> dict[tuple[str, str, str], float]:
    """The world's KPIs by (channel, site, metric), copper being the only commodity."""
    return {(chan, site, metric): value for _com, chan, site, metric, _unit, value
            in compute_kpis(world, world.check_mass_balance())}


# ----------------------------------------------------------------------------- stranded
def test_stranded_metal_counts_sites_in_the_exporting_country_only(build) -> None:
    """Mutant: _stranded counts every site's holdings, abroad too (3,500 t: the port and
    market abroad as well as the border post at home)."""
    sites = {"mine": build.mine(), "border": build.border(8.0),
             "port": build.port(region="away"), "market": build.market()}
    lanes = [build.lane("mine", "border", 0.1), build.lane("border", "port", 0.25),
             build.lane("port", "market", 5, mode="sea",
                        sailing={"interval_days": 30, "vessel_t": 1e6})]
    data = build.scenario(sites, lanes, ["border", "port", "market"], horizon=100)
    data["shocks"] = {"events": {"shut": {
        "start": 99, "targets": {"sites": ["border"]},
        "effects": {"capacity_factor": 0.0}, "assumption": "test"}}}
    world = build.run_world(data)
    # lot i reaches the border at i + 0.1, is cleared by i + 0.6 (4 trucks at 8 a day) and
    # reaches the port abroad at i + 0.85; ships leave on days 30, 60 and 90 (lots 0-29,
    # 30-59, 60-89) and land 5 days later, the market consuming 100 t/day from day 35
    held = {site.id: float(site.held()[0]) for site in world.sites}
    assert held == pytest.approx({"mine": 0.0, "border": 100.0, "port": 900.0,
                                  "market": 3 * 3000.0 - 65 * 100.0}, **EXACT)
    k = kpis(world)
    # only lot 99, held at the closed border post, is stranded at home; lots 90-98 wait
    # for a ship abroad
    assert k[("all", "all", "stranded_end_t")] == pytest.approx(100.0, **EXACT)
    assert k[("all", "all", "stock_end_t")] == pytest.approx(100.0 + 900.0 + 2500.0,
                                                             **EXACT)


# ----------------------------------------------------------------------------- refined
def refinery_chain(build: SimpleNamespace) -> dict:
    """A mine at home (100 t/day) -> 1.5 days -> a refiner at home (3,000 t of feed,
    refining 100 t/day, shipping at every day's end) -> 2.5 days -> a market in CHN; a
    quarter of what enters the refiner's lane seized; royalty 10%; 40 days."""
    refiner = build.site("refiner", capacity_t_per_year={"copper": 100 * build.DAYS_PER_YEAR},
                         initial_feed_t={"copper": 3000.0}, sales={"copper": {"market": 1.0}})
    data = build.scenario({"mine": build.mine(), "ref": refiner, "market": build.market()},
                          [build.lane("mine", "ref", 1.5), build.lane("ref", "market", 2.5)],
                          ["ref"], horizon=40)
    data["commodities"]["copper"].update(reference_price_usd_per_t=PRICE, royalty_rate=0.1)
    data["shocks"] = {"events": {"grab": {
        "start": 0, "targets": {"lanes": ["ref_market"]},
        "effects": {"seize_share": 0.25}, "assumption": "test"}}}
    return data


def test_refined_metal_in_transit_is_booked_in_the_refined_row(build) -> None:
    """Mutant: in_transit_end_t books lots of refined metal (channel -1) under the first
    channel (formal 325 t, refined 0)."""
    k = kpis(build.run_world(refinery_chain(build)))
    # the refiner's 75 t shipped at the ends of days 37, 38 and 39 (t = 38, 39, 40) are on
    # their 2.5 days' way; of the mine's lots, only day 39's (1.5 days) is
    assert k[("refined", "all", "in_transit_end_t")] == pytest.approx(3 * 75.0, **EXACT)
    assert k[("formal", "all", "in_transit_end_t")] == pytest.approx(100.0, **EXACT)
    assert k[("all", "all", "in_transit_end_t")] == pytest.approx(325.0, **EXACT)


def test_seized_refined_metal_is_booked_in_the_refined_row(build) -> None:
    """Mutant: World.intercept books metal seized from refined lots under the first
    channel (formal 1,000 t, refined 0)."""
    k = kpis(build.run_world(refinery_chain(build)))
    # a quarter of each of the 40 daily 100 t shipments
    assert k[("refined", "all", "seized_t")] == pytest.approx(40 * 25.0, **EXACT)
    assert k[("formal", "all", "seized_t")] == 0.0
    assert k[("all", "all", "seized_t")] == pytest.approx(40 * 25.0, **EXACT)


def test_royalty_is_due_on_refined_exports_from_a_refiner_at_home(build) -> None:
    """Mutant: World.formal_channel's refined column is False, so refined exports pay no
    royalty (royalty_usd 0)."""
    k = kpis(build.run_world(refinery_chain(build)))
    # the mine's metal stays at home; the refiner exports 40 x 75 t at the reference price
    assert k[("refined", "all", "exported_t")] == pytest.approx(40 * 75.0, **EXACT)
    assert k[("all", "all", "export_value_usd")] == pytest.approx(40 * 75.0 * PRICE, **EXACT)
    assert k[("all", "all", "royalty_usd")] == pytest.approx(0.1 * 40 * 75.0 * PRICE, **EXACT)
