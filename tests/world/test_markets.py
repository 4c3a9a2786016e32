"""Markets: other supply that answers the price index through a supply elasticity."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import sim
from sim.experiment.replication import run_replication
from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world import world as world_module

DAYS = 200
OTHER_T_PER_DAY = 100.0


def market_data(build, *, elasticity: float | None, response_days: float = 1e-6,
                price_factor: float = 2.0) -> dict:
    """A mine sending 100 t/day to a market that also gets 100 t/day from elsewhere and
    consumes 200 t/day; an exogenous price shock multiplies the price index from day 0."""
    market = build.market(demand_t_per_year=200 * build.DAYS_PER_YEAR,
                          other_supply_t_per_year={"copper": OTHER_T_PER_DAY
                                                   * build.DAYS_PER_YEAR})
    data = build.scenario({"mine": build.mine(), "market": market},
                          [build.lane("mine", "market", {"dist": "fixed", "value": 1})],
                          ["market"], horizon=DAYS)
    # No demand elasticity: the price index is exactly the shock's factor.
    com = data["commodities"]["copper"]
    if elasticity is not None:
        com["supply_elasticity"] = elasticity
        com["supply_response_days"] = response_days
    data["shocks"] = {"events": {"price_spike": {
        "start": 0, "targets": {"markets": ["market"]},
        "effects": {"price_factor": price_factor}}}}
    return data


def other_supply(data: dict) -> float:
    result = run_replication(scenario_from_dict(data), seed=1, replication=0)
    rows = [r for r in result.kpis if r[3] == "other_supply_t" and r[0] == "copper"]
    assert len(rows) == 1
    return rows[0][5]


def test_other_supply_is_fixed_without_an_elasticity(build) -> None:
    assert other_supply(market_data(build, elasticity=None)) == pytest.approx(
        OTHER_T_PER_DAY * DAYS)


def test_other_supply_scales_with_price_to_the_supply_elasticity(build) -> None:
    # Responding at once: every day after the first sees the doubled price of the day
    # before, so other supply is 100 x 2 ** 0.5 t/day.
    got = other_supply(market_data(build, elasticity=0.5))
    expected = OTHER_T_PER_DAY * (1 + (DAYS - 1) * math.sqrt(2.0))
    assert got == pytest.approx(expected, rel=1e-9)


def test_other_supply_follows_the_price_over_its_response_time(build) -> None:
    # Exponential smoothing over 30 days: the price other supply sees on day n is
    # 2 - (1 - a) ** n with a = 1 - exp(-1/30).
    a = 1.0 - math.exp(-1.0 / 30.0)
    expected = OTHER_T_PER_DAY * sum((2.0 - (1.0 - a) ** n) ** 0.5 for n in range(DAYS))
    got = other_supply(market_data(build, elasticity=0.5, response_days=30.0))
    assert got == pytest.approx(expected, rel=1e-9)
    instant = other_supply(market_data(build, elasticity=0.5))
    assert OTHER_T_PER_DAY * DAYS < got < instant


def test_supply_elasticity_must_not_be_negative(build) -> None:
    from sim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="supply_elasticity"):
        scenario_from_dict(market_data(build, elasticity=-0.3))


def test_markets_between_other_sites_step_as_markets_side_by_side(build) -> None:
    """The daily market step works on the markets' ledger rows as one block when the
    markets are listed next to each other, and row by row when other sites sit between
    them: the results are the same either way."""
    def data(order: list[str]) -> dict:
        sites = {"mine": build.mine(200 * build.DAYS_PER_YEAR),
                 "hub": build.site("trading_hub"),
                 "near": build.market(150 * build.DAYS_PER_YEAR),
                 "far": build.market(80 * build.DAYS_PER_YEAR)}
        lanes = [build.lane("mine", "hub", {"dist": "fixed", "value": 1}),
                 build.lane("hub", "near", {"dist": "fixed", "value": 2}),
                 build.lane("hub", "far", {"dist": "fixed", "value": 5})]
        routes = {"to_near": {"path": ["hub", "near"], "share": 0.5},
                  "to_far": {"path": ["hub", "far"], "share": 0.5}}
        return build.scenario({k: sites[k] for k in order}, lanes, ["hub", "near"],
                              horizon=DAYS, routes=routes)

    side_by_side = run_replication(scenario_from_dict(data(["mine", "hub", "near", "far"])),
                                   seed=1, replication=0)
    apart = run_replication(scenario_from_dict(data(["near", "mine", "hub", "far"])),
                            seed=1, replication=0)
    a = {row[:4]: row[5] for row in side_by_side.kpis if row[3] != "mass_balance_error_t"}
    b = {row[:4]: row[5] for row in apart.kpis if row[3] != "mass_balance_error_t"}
    assert a.keys() == b.keys()
    for key, value in a.items():
        assert b[key] == pytest.approx(value, rel=1e-12, abs=1e-9, nan_ok=True), key
    # Daily 200 t lots alternate between the routes (the first to "near"), so each market
    # gets 100 t/day. The near one (demand 150) falls short every day; the far one (demand
    # 80) only until its first lot arrives: sent on day 1, 1 + 5 days on the way.
    near, far = (a[("copper", "all", m, "shortfall_t")] for m in ("near", "far"))
    assert far == pytest.approx(7 * 80.0)
    assert near > 10 * far


@pytest.mark.parametrize("window", [30.0, 7.0])
def test_the_price_index_smooths_the_ratio_with_an_exponential_time_constant(
        build, window: float) -> None:
    # Nothing reaches the market (its only lane is closed from the start) and it holds no
    # stock: the day's ratio of consumption to demand is 0, so the smoothed ratio decays
    # from 1 by exp(-1/w) a day and the index is its power 1/e: exp(2 (k + 1) / w) on day k
    # for e = -0.5 (a moving window of w days, or a step of 1/w, would differ).
    from sim.streams import Streams
    from sim.world.world import World

    market = build.market(initial_stock_t={"copper": 0.0})
    data = build.scenario({"mine": build.mine(), "market": market},
                          [build.lane("mine", "market", 1.0)], ["market"], horizon=40)
    data["commodities"]["copper"].update(demand_elasticity=-0.5, price_window_days=window,
                                         price_cap_ratio=1000.0)
    data["shocks"] = {"events": {"cut": {"start": 0, "targets": {"lanes": ["mine_market"]},
                                         "effects": {"capacity_factor": 0}}}}
    world = World(scenario_from_dict(data), Streams(1, 0))
    world.run()
    expected = [min(math.exp(2 * (k + 1) / window), 1000.0) for k in range(40)]  # capped
    assert world.recorder.price[:, 0].tolist() == pytest.approx(expected, rel=1e-12)


def test_markets_updated_one_by_one_or_by_numpy_calls_end_the_same_to_the_last_bit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the daily step sets the markets' stocks through their memory on few slots, by a numpy
    # assignment on many (sim.world.world.MARKET_SLOTS_ONE_BY_ONE)
    sc = sim.load_scenario(Path(__file__).parents[2] / "scenarios" / "baseline.yaml",
                           overrides=["horizon_days=40", "warmup_days=20"])
    runs = []
    for slots in (world_module.MARKET_SLOTS_ONE_BY_ONE, 0):
        monkeypatch.setattr(world_module, "MARKET_SLOTS_ONE_BY_ONE", slots)
        world = world_module.World(sc, Streams(3, 0))
        assert (world._mk_stock_cells is not None) == (slots > 0)  # noqa: SLF001
        world.run()
        runs.append([world.ledger.supplied.copy(), world.ledger.consumed.copy(),
                     world._mk_stock.copy(), world.recorder.consumed,  # noqa: SLF001
                     world.recorder.price, world.recorder.stock])
    for one_by_one, by_numpy in zip(*runs, strict=True):
        assert one_by_one.tobytes() == by_numpy.tobytes()
    assert runs[0][1].sum() > 0.0  # markets consumed: the comparison compares something
