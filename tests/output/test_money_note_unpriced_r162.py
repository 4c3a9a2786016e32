"""The caution that money KPIs measure the price response is given only for commodities
that have a reference price (review 162: tiny's copper, without one, has money KPIs of 0,
yet the note said they "move with the index however exported_t moves")."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.output.tables import price_extremes

CAP = "commodities.copper.price_cap_ratio=1.01"
PRICED = "commodities.copper.reference_price_usd_per_t=9000"


def test_no_caution_without_a_reference_price(shock_yaml: Path) -> None:
    res = sim.run(sim.load_scenario(shock_yaml, [CAP]), replications=1, seed=1)
    assert res.kpi("export_value_usd", "copper")[0] == 0
    assert price_extremes(res.summary(), res) == {}


def test_the_caution_stays_for_a_priced_commodity(shock_yaml: Path) -> None:
    res = sim.run(sim.load_scenario(shock_yaml, [CAP, PRICED]), replications=1, seed=1)
    assert res.kpi("export_value_usd", "copper")[0] > 0
    assert price_extremes(res.summary(), res) == {"copper": "reached its cap (1.01)"}
