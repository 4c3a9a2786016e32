"""Notes on markets whose planned supply misses their demand in the status quo (review
159): `balance` cannot go below 0, so a network that alone brings more than the demand
leaves the market unbalanced (its stock piling up, a supply-based price at its floor);
and supply short of demand from the start is a shortfall no shock caused."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.scenario import load_scenario
from sim.scenario.loader import meta_of
from sim.scenario.plan import MARKET_IMBALANCE_SHARE

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
DEMAND = "sites.market_x.demand_t_per_year.copper"
OTHER = "sites.market_x.other_supply_t_per_year.copper"


def notes(*overrides: str) -> list[str]:
    return [n for n in meta_of(load_scenario(TINY, list(overrides))).notes
            if n.startswith("market 'market_x'")]


def test_a_balanced_market_gets_no_note() -> None:
    assert notes() == []  # 36,525 t/yr planned against a demand of 36,525
    assert notes(f"{DEMAND}=50000", f"{OTHER}=balance") == []
    # within the tolerance either way
    assert notes(f"{DEMAND}={36525 * (1 + 0.9 * MARKET_IMBALANCE_SHARE)}") == []
    assert notes(f"{DEMAND}={36525 / (1 + 0.9 * MARKET_IMBALANCE_SHARE)}") == []


def test_balance_at_zero_is_said_to_leave_the_market_unbalanced() -> None:
    assert notes(f"{DEMAND}=10000", f"{OTHER}=balance",
                 "commodities.copper.price_basis=supply") == [
        "market 'market_x': the network alone plans 36,525 t/yr of copper into it, above "
        "its demand of 10,000 t/yr, so other_supply_t_per_year: balance is 0 and the market "
        "is not balanced: its stock grows by about 26,525 t/yr while nothing stops that "
        "flow, and its price, which follows supply, falls"]


def test_a_glut_and_a_shortfall_from_the_start_are_said() -> None:
    assert notes(f"{DEMAND}=10000", f"{OTHER}=5000") == [
        "market 'market_x': the network plans 36,525 t/yr of copper into it and other "
        "supply gives 5,000, above its demand of 10,000 t/yr: its stock grows by about "
        "31,525 t/yr while nothing stops that flow"]
    assert notes(f"{DEMAND}=100000", f"{OTHER}=3475") == [
        "market 'market_x' demands 100,000 t/yr of copper, but the network plans 36,525 "
        "and other supply 3,475: short by about 60,000 t/yr (60%) from the start, before "
        "any shock (other_supply_t_per_year: balance closes the gap)"]


@pytest.mark.parametrize("demand, grows", [(10000, True), (100000, False)])
def test_the_notes_say_what_a_run_does(demand: int, grows: bool) -> None:
    sc = load_scenario(TINY, [f"{DEMAND}={demand}", "horizon_days=60"])
    res = sim.run(sc, replications=1, seed=1)
    stock = res.kpi("stock_end_t", "copper")[0]  # the market holds tiny's only stock
    shortfall = res.kpi("shortfall_t", "copper")[0]
    assert bool(stock > 1000) is grows
    assert bool(shortfall > 0) is not grows
