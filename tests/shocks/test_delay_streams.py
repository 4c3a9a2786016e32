"""Added delays draw on one random stream per target: a lot's delay does not depend on the
traffic at the shock's other targets, nor on the order of the scenario file (common random
numbers, the design's 'one stream per stochastic component')."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

import sim
from sim.experiment.replication import run_replication

ROOT = Path(__file__).resolve().parents[2]


def two_mines(build, a_lot_interval_days: float) -> dict:
    """Mines ``a`` (a lot every ``a_lot_interval_days``) and ``b`` (a lot a day), each on
    its own lane to the market, both lanes delayed by one random added delay for the whole
    run."""
    sites = {"a": build.mine(lot_interval_days=a_lot_interval_days),
             "b": build.mine(), "market": build.market(200 * build.DAYS_PER_YEAR)}
    data = build.scenario(sites, [build.lane("a", "market", 5.0), build.lane("b", "market", 5.0)],
                          [], horizon=120,
                          routes={"via_a": {"path": ["a", "market"], "share": 1.0},
                                  "via_b": {"path": ["b", "market"], "share": 1.0}})
    data["shocks"] = {"events": {"slow": {
        "start": 0, "targets": {"lanes": ["a_market", "b_market"]},
        "effects": {"added_delay_days": {"dist": "exponential", "mean": 3.0}}}}}
    return data


def route_kpis(data: dict, route: str) -> dict:
    res = run_replication(sim.scenario_from_dict(data), 1, 0)
    return {label: v for label, v in zip(res.kpi_labels, res.kpi_array, strict=True)
            if f"route:{route}" in label}


def test_a_lanes_delays_do_not_depend_on_traffic_on_the_shocks_other_lanes(build) -> None:
    quiet, busy = (route_kpis(two_mines(build, days), "via_b") for days in (4.0, 0.25))
    assert quiet and quiet.keys() == busy.keys()
    for label, value in quiet.items():
        assert value == busy[label] or (np.isnan(value) and np.isnan(busy[label])), label


def test_the_order_of_sites_in_the_file_does_not_change_results() -> None:
    raw = yaml.safe_load((ROOT / "scenarios" / "baseline.yaml").read_text())
    raw["horizon_days"] = 120
    reordered = dict(raw, sites=dict(reversed(list(raw["sites"].items()))))
    a, b = (run_replication(sim.scenario_from_dict(d), 1, 0) for d in (raw, reordered))
    first, second = (dict(zip(r.kpi_labels, r.kpi_array, strict=True)) for r in (a, b))
    assert first.keys() == second.keys()
    labels = sorted(first)
    # sums of flows taken in another order differ in the last bits, nothing more
    np.testing.assert_allclose([second[k] for k in labels], [first[k] for k in labels],
                               rtol=1e-9, atol=1e-6)
