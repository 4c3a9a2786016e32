"""Export controls on refined metal: one allowance shared fairly by every market and refiner
it covers, and tonnes cut sent to markets that can still take them.

Each refiner in China (capacity far above its feed) gets 100 t/day of copper from a mine of
its own, refines it at the close of the day it arrives and sells it by its sales shares.
Controls start at day 0, so every day's refined metal meets the same allowance.
"""

from __future__ import annotations

import pytest

from sim.scenario import scenario_from_dict

EXACT = {"rel": 1e-9, "abs": 1e-6}
T_PER_DAY = 10.0  # the shared cap in these tests


def refined_trade(build, sales: dict[str, dict[str, float]], controls: dict,
                  horizon: int = 60) -> dict:
    """Refiners ``sales`` = {refiner: {market: share}}, each fed 100 t/day by a mine of its
    own. Markets: those sold to; ``us`` is in the USA, ``eu`` in Finland, ``jp`` in Japan,
    others in China (an export control may name only markets abroad)."""
    demand = {"demand_t_per_year": {"copper": 100 * build.DAYS_PER_YEAR}}
    sites = {}
    for ref, shares in sales.items():
        sites[f"mine_{ref}"] = build.mine()
        sites[ref] = build.site("refiner", region="away", capacity_t_per_year={"copper": 1e6},
                                sales={"copper": shares})
    for m in sorted({m for shares in sales.values() for m in shares}):
        region = {"us": "usa", "eu": "europe", "jp": "japan"}.get(m, "away")
        sites[m] = build.site("market", region=region, **demand)
    lanes = [build.lane(f"mine_{ref}", ref, 1.0) for ref in sales]
    lanes += [build.lane(ref, m, 1.0) for ref, shares in sales.items() for m in shares]
    # each mine reaches only its own refiner, so takes that route whatever the shares
    routes = {ref: {"path": [ref], "share": 1.0 / len(sales)} for ref in sales}
    data = build.scenario(sites, lanes, [], horizon=horizon, routes=routes)
    data["regions"]["usa"] = {"country": "USA"}
    data["regions"]["europe"] = {"country": "FIN"}
    data["regions"]["japan"] = {"country": "JPN"}
    data["policies"] = {"export_controls": controls}
    return data


def cap(markets: list[str], t_per_day: float = T_PER_DAY) -> dict:
    return {"country": "CHN", "commodity": "copper", "markets": markets, "start": 0,
            "cap_t_per_year": t_per_day * 365.25}


def into(world, lane: str) -> float:
    return float(world.ledger.lane_in[world.lane_index[lane]][0])



@pytest.mark.parametrize("order", [("us", "eu"), ("eu", "us")])
def test_a_cap_on_several_markets_is_shared_in_proportion_to_sales(build, ran,
                                                                   order) -> None:
    # 20% of sales to one market, 80% to the other: whichever is listed first, the shared
    # 10 t/day goes 2 : 8 (before, the first market listed took all of it)
    shares = {order[0]: 0.2, order[1]: 0.8}
    world = ran(refined_trade(build, {"ref": shares},
                                        {"c": cap(["us", "eu"])}))
    got = {m: into(world, f"ref_{m}") for m in ("us", "eu")}
    total = got["us"] + got["eu"]
    assert total > 40 * T_PER_DAY  # the cap bound every day refined metal was shipped
    assert got[order[0]] == pytest.approx(0.2 * total, **EXACT)
    assert got[order[1]] == pytest.approx(0.8 * total, **EXACT)


@pytest.mark.parametrize("order", [("ref_a", "ref_b"), ("ref_b", "ref_a")])
def test_a_cap_is_shared_by_refiners_whatever_their_order(build, ran, order) -> None:
    # two refiners with the same feed, both selling everything to the US under one cap:
    # each gets half (before, the refiner first in the file took the whole allowance)
    world = ran(refined_trade(build, {r: {"us": 1.0} for r in order},
                                        {"c": cap(["us"])}))
    a, b = into(world, "ref_a_us"), into(world, "ref_b_us")
    assert a + b > 40 * T_PER_DAY
    assert a == pytest.approx(b, **EXACT)


def test_tonnes_cut_go_to_a_market_whose_own_control_has_room(build, ran) -> None:
    # A full stop on the US; a control on eu so loose it never binds. The US's 90% goes to
    # eu (before, it stayed at the refiner: only markets without any control took it).
    controls = {"no_us": cap(["us"], 0.0), "loose": cap(["eu"], 1e6)}
    world = ran(refined_trade(build, {"ref": {"us": 0.9, "eu": 0.1}}, controls))
    ref = world.sites[world.site_index["ref"]]
    assert into(world, "ref_us") == 0.0
    assert float(ref.output[0]) == 0.0
    assert into(world, "ref_eu") == pytest.approx(float(ref.refined[0]), **EXACT)


def test_what_no_market_can_take_waits_at_the_refiner(build, ran) -> None:
    # no_us stops the US; tight caps eu and jp together at 10 t/day. What is cut stays at
    # the refiner: markets take only their allowance, 10 t/day in all.
    controls = {"no_us": cap(["us"], 0.0), "tight": cap(["eu", "jp"])}
    world = ran(refined_trade(build, {"ref": {"us": 0.5, "eu": 0.25, "jp": 0.25}},
                                        controls))
    ref = world.sites[world.site_index["ref"]]
    eu, jp = into(world, "ref_eu"), into(world, "ref_jp")
    assert into(world, "ref_us") == 0.0
    assert eu == pytest.approx(jp, **EXACT)
    shipped = eu + jp
    # the allowance accrues from day 0; refined metal is shipped at every day's close
    assert shipped == pytest.approx(T_PER_DAY * world.env.now, rel=0.05)
    assert float(ref.output[0]) == pytest.approx(float(ref.refined[0]) - shipped, **EXACT)


def test_cap_takes_any_unit_of_tonnes_per_year(build) -> None:
    data = refined_trade(build, {"ref": {"us": 1.0}}, {"c": cap(["us"])})
    data["policies"]["export_controls"]["c"]["cap_t_per_year"] = {"value": 3.65,
                                                                   "unit": "kt/yr"}
    sc = scenario_from_dict(data)
    assert sc.policies.export_controls["c"].cap_t_per_year == pytest.approx(3650.0)


def test_a_control_no_sale_crosses_gets_a_note(build, tmp_path) -> None:
    from click.testing import CliRunner

    from sim.cli import main
    from sim.scenario.shock_checks import idle_export_controls

    busy = refined_trade(build, {"ref": {"eu": 1.0}}, {"c": cap(["eu"])})
    assert idle_export_controls(scenario_from_dict(busy)) == []
    idle = refined_trade(build, {"ref": {"eu": 1.0}}, {"c": {**cap(["eu"]), "country": "USA"}})
    path = tmp_path / "idle.yaml"
    path.write_text(build.to_yaml(idle), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert ("note: export control 'c' changes nothing in this network: no refiner in USA "
            "sells copper to eu") in result.output


@pytest.mark.parametrize("order", [("ref_a", "ref_b"), ("ref_b", "ref_a")])
def test_a_refiner_shipping_less_often_gets_the_same_share_of_a_cap(build, ran,
                                                                    order) -> None:
    # ref_a ships daily, ref_b every 10 days, both fed 100 t/day and selling it all to the
    # US under one 10 t/day cap. ref_b's refined metal claims its part on every day ref_a
    # ships, so by each of ref_b's dispatches both have shipped the same (before, ref_a drew
    # the whole allowance day by day and ref_b got almost nothing).
    data = refined_trade(build, {r: {"us": 1.0} for r in order}, {"c": cap(["us"])},
                         horizon=60)
    data["sites"]["ref_b"]["dispatch_period_days"] = 10
    world = ran(data)
    a, b = into(world, "ref_a_us"), into(world, "ref_b_us")
    assert a + b > 40 * T_PER_DAY
    assert a == pytest.approx(b, **EXACT)
    ref_b = world.sites[world.site_index["ref_b"]]
    assert float(ref_b.output[0]) == pytest.approx(float(ref_b.refined[0]) - b, **EXACT)


def test_allowance_set_aside_for_a_refiner_is_never_lost(build, ran) -> None:
    # ref_b ships every 10 days, half to the US under the cap and half to eu: what is set
    # aside for it and what it does not use stay in the allowance, so the US gets the whole
    # cap over the run (shipped + still allowed + still set aside = accrued)
    data = refined_trade(build, {"ref_a": {"us": 1.0}, "ref_b": {"us": 0.5, "eu": 0.5}},
                         {"c": cap(["us"])}, horizon=65)
    data["sites"]["ref_b"]["dispatch_period_days"] = 10
    world = ran(data)
    (ctl,) = world.export_controls
    us = into(world, "ref_a_us") + into(world, "ref_b_us")
    assert into(world, "ref_b_us") > 0.0
    assert ctl.reserved  # ref_b's part since its last dispatch
    accrued = T_PER_DAY * ctl.last_t
    assert us + ctl.allowance + sum(ctl.reserved.values()) == pytest.approx(accrued, **EXACT)
