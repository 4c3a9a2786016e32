"""The markets' daily step on its own: exact cases of consumption from stock, the price
index and its bounds, a price on supply, and other supply answering the price
(sim/world/market_step.py)."""

from __future__ import annotations

import math

import pytest

from sim.world.market_step import MarketStep


def step_of(n_markets: int = 1, *, alpha: float = 0.5, elasticity: float = -0.5,
            cap: float = 10.0, supply: bool = False, supply_eps: float = 0.0,
            supply_alpha: float = 0.25, other: float = 2.0) -> MarketStep:
    """One commodity over ``n_markets`` markets, each with ``other`` t/day of other
    supply."""
    return MarketStep(alpha=[alpha], inv_eps=[1.0 / elasticity], price_cap=[cap],
                      supply_basis=[supply], supply_eps=[supply_eps],
                      supply_alpha=[supply_alpha], other=[other] * n_markets)


def test_a_market_consumes_what_it_has_up_to_demand_and_the_price_rises() -> None:
    step = step_of(2)
    step.set_demand([10.0, 1.0], [11.0])
    stock = [5.0, 4.0]
    supplied = step.step(stock, None)
    assert supplied == [2.0, 2.0]
    assert step.consumed == [7.0, 1.0]  # 5 + 2 of 10 wanted; 1 of 6 on hand
    assert stock == [0.0, 5.0] and step.stock_after is stock
    # consumed 8 of 11: the smoothed ratio moves half way there, the price follows it to
    # the power 1 / elasticity
    state = 1.0 + 0.5 * (8.0 / 11.0 - 1.0)
    assert step.price_state == [pytest.approx(state, rel=1e-15)]
    assert step.price == [pytest.approx(state ** -2.0, rel=1e-12)]


def test_the_price_stays_within_its_cap_and_floor_after_its_factor() -> None:
    step = step_of(alpha=1.0, cap=3.0)
    step.set_demand([10.0], [10.0])
    step.step([0.0], None)  # 2 of 10: the raw price is 25
    assert step.price == [3.0]
    step.price_factor = [0.01]
    step.step([100.0], None)  # all of it: the raw price 1, times 0.01, below 1 / 3
    assert step.price == [pytest.approx(1.0 / 3.0, rel=1e-15)]


def test_no_demand_leaves_the_price_at_its_reference() -> None:
    step = step_of()
    step.set_demand([0.0], [0.0])
    stock = [4.0]
    step.step(stock, None)
    assert step.consumed == [0.0] and stock == [6.0]
    assert step.price == [1.0] and step.price_state == [1.0]


def test_a_price_on_supply_reads_arrivals_transfers_and_other_supply_once() -> None:
    step = step_of(alpha=1.0, supply=True)
    step.set_demand([10.0], [10.0])
    step.transferred[0] = 3.0
    step.step([0.0], [1.0])  # 1 arrived + 3 moved in + 2 other supply: 6 of 10
    assert step.price_state == [pytest.approx(0.6, rel=1e-15)]
    assert step.transferred == [0.0]
    step.step([0.0], [8.0])  # 8 + 2
    assert step.price_state == [1.0] and step.price == [1.0]
    # without the day's arrivals it reads consumption, as any price does
    step.step([1.0], None)
    assert step.price_state == [pytest.approx(0.3, rel=1e-15)]


def test_other_supply_follows_yesterdays_price_smoothed() -> None:
    step = step_of(alpha=1.0, supply_eps=0.5, supply_alpha=0.25)
    step.set_demand([10.0], [10.0])
    step.step([0.0], None)  # at the reference price: 2 t of other supply, 2 of 10 met
    assert step.supply_price == [1.0]
    price = step.price[0]
    assert price == 10.0  # 0.2 ** -2 = 25, at the cap of 10
    supplied = step.step([0.0], None)
    seen = 1.0 + 0.25 * (price - 1.0)
    assert step.supply_price == [pytest.approx(seen, rel=1e-15)]
    assert supplied == [pytest.approx(2.0 * math.sqrt(seen), rel=1e-15)]


def test_reset_puts_prices_back_at_the_reference() -> None:
    step = step_of(supply_eps=0.5)
    step.set_demand([10.0], [10.0])
    step.step([0.0], None)
    step.step([0.0], None)
    assert step.price != [1.0] and step.supply_price != [1.0]
    step.reset_prices()
    assert step.price == step.price_state == step.supply_price == [1.0]
