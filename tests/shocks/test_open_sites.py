"""Markets and stockpiles take every lot: closing a region they are in leaves them open,
and the results never report them closed (naming one directly is refused)."""

from __future__ import annotations

import sim
from sim.experiment.replication import run_replication


def test_closing_a_region_does_not_report_its_market_closed(build) -> None:
    sites = {"mine": build.mine(), "border": build.border(1000), "market": build.market()}
    lanes = [build.lane("mine", "border", 2.0), build.lane("border", "market", 5.0)]
    data = build.scenario(sites, lanes, ["border", "market"], horizon=60)
    data["shocks"] = {"events": {"shut": {"start": 10, "end": 30,
                                          "targets": {"regions": ["away"]},
                                          "effects": {"capacity_factor": 0}}}}
    res = run_replication(sim.scenario_from_dict(data), 1, 0)
    closed = {label[2]: v for label, v in zip(res.kpi_labels, res.kpi_array, strict=True)
              if label[3] == "closed_days"}
    assert "market" not in closed
    assert closed["border_market"] == 20.0  # the lane into the region is closed
