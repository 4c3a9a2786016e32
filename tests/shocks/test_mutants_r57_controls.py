"""Export controls on refined metal: the tightest of several binds, a control acts only on
its country's refiners, and its allowance accrues from its start (review 57).

Each test fails on a small, plausible bug (named in its docstring) that survived the rest of
the suite. A refiner abroad gets 100 t/day of copper from a mine of its own, refines it at
the close of the day it arrives and sells all of it to the market ``us`` (USA): its refined metal
ships at the close of days 1 to 59 of a 60-day run (times 2 to 60).
"""

from __future__ import annotations

import pytest

EXACT = {"rel": 1e-9, "abs": 1e-6}


def refiners(build, where: dict[str, str], controls: dict, horizon: int = 60) -> dict:
    """Refiners ``where`` = {refiner: region} (``away``: CHN, ``fin``: FIN), each fed
    100 t/day by a mine of its own and selling everything to ``us``."""
    demand = {"demand_t_per_year": {"copper": 1000 * build.DAYS_PER_YEAR}}
    sites = {"us": build.site("market", region="usa", **demand)}
    for ref, region in where.items():
        sites[f"mine_{ref}"] = build.mine()
        sites[ref] = build.site("refiner", region=region,
                                capacity_t_per_year={"copper": 1e6},
                                sales={"copper": {"us": 1.0}})
    lanes = [build.lane(f"mine_{ref}", ref, 1.0) for ref in where]
    lanes += [build.lane(ref, "us", 1.0) for ref in where]
    # each mine reaches only its own refiner, so takes that route whatever the shares
    routes = {ref: {"path": [ref], "share": 1.0 / len(where)} for ref in where}
    data = build.scenario(sites, lanes, [], horizon=horizon, routes=routes)
    data["regions"]["usa"] = {"country": "USA"}
    data["regions"]["fin"] = {"country": "FIN"}
    if controls:
        data["policies"] = {"export_controls": controls}
    return data


def control(country: str, t_per_day: float, start: float = 0) -> dict:
    return {"country": country, "commodity": "copper", "markets": ["us"], "start": start,
            "cap_t_per_year": t_per_day * 365.25}


def into(world, lane: str) -> float:
    return float(world.ledger.lane_in[world.lane_index[lane]][0])



def test_the_tightest_of_several_controls_on_a_market_binds(build, ran) -> None:
    """Mutant: where several controls cover a market, settle takes the loosest cut."""
    both = ran(refiners(build, {"ref": "away"},
                                  {"loose": control("CHN", 30.0), "tight": control("CHN", 10.0)}))
    tight = ran(refiners(build, {"ref": "away"}, {"tight": control("CHN", 10.0)}))
    shipped = into(both, "ref_us")
    # the loose cap takes nothing off what the tight one allows, and the tight one binds
    # every time refined metal ships: its whole allowance of 60 days of 10 t is used
    assert shipped == pytest.approx(into(tight, "ref_us"), **EXACT)
    assert shipped == pytest.approx(10.0 * 60, **EXACT)


def test_a_control_leaves_another_countrys_refiners_alone(build, ran) -> None:
    """Mutant: a control acts on every refiner selling to its markets, whatever its
    country (China's cap would cut a Finnish refiner's sales to the US)."""
    # FIN's own control is loose but puts the Finnish refiner among those settled (a
    # refiner of a country without a control is never settled at all); China's is tight
    controls = {"chn": control("CHN", 10.0), "fin": control("FIN", 1e5)}
    world = ran(refiners(build, {"ref_cn": "away", "ref_fi": "fin"}, controls))
    free = ran(refiners(build, {"ref_cn": "away", "ref_fi": "fin"}, {}))
    assert into(world, "ref_fi_us") == pytest.approx(into(free, "ref_fi_us"), **EXACT)
    assert into(world, "ref_fi_us") == pytest.approx(59 * 100.0, **EXACT)
    assert into(world, "ref_cn_us") == pytest.approx(10.0 * 60, **EXACT)


def test_a_control_earns_no_allowance_before_its_start(build, ran) -> None:
    """Mutant: a control's allowance clock is not reset when it starts, so one starting on
    day 30 is granted the 30 days before as well."""
    world = ran(refiners(build, {"ref": "away"},
                                   {"late": control("CHN", 10.0, start=30)}))
    # free until the close of day 29 (29 x 100 t), then 10 t a day for the 30 days from
    # the start (with the 30 days before the start granted as well, 300 t more would ship)
    assert into(world, "ref_us") == pytest.approx(29 * 100.0 + 30 * 10.0, **EXACT)
