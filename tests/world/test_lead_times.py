"""Lead-time quantiles keep the spread of lots merged into one cargo at a port."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.scenario import scenario_from_dict
from sim.world.lots import Lot


def test_a_weekly_sailing_spreads_lead_times_over_its_week(build) -> None:
    # 100 t a day wait up to a week for the ship, then sail 10 days: lead times run over
    # about six days. Merged into one cargo at the mean time mined, they were all
    # reported within a day of the mean (p05 15.05, p95 15.95).
    sites = {"mine": build.mine(), "port": build.port(), "market": build.market()}
    lanes = [build.lane("mine", "port", 1.0),
             build.lane("port", "market", 10.0, mode="sea",
                        sailing={"interval_days": 7, "vessel_t": 1e6})]
    data = build.scenario(sites, lanes, ["port", "market"], horizon=365, warmup=30)
    res = sim.run(scenario_from_dict(data), replications=1, seed=1, workers=1)

    def kpi(metric: str) -> float:
        return float(res.kpi(metric, "copper", channel="formal", site="route:main")[0])

    assert kpi("mean_lead_time_days") == pytest.approx(15.0, abs=0.05)
    assert kpi("lead_time_p95_days") - kpi("lead_time_p05_days") > 5.0
    assert kpi("lead_time_p05_days") < 13.0 < 17.0 < kpi("lead_time_p95_days")


def test_merged_and_split_cargo_keeps_each_lots_tonnes_and_time_mined() -> None:
    def lot(t: float, tonnes: float) -> Lot:
        return Lot(0, 0, tonnes, 1.0, 0.04, (), 0, 0, t)

    cargo = lot(0.0, 100.0)
    cargo.absorb(lot(6.0, 50.0))
    other = lot(3.0, 50.0)
    other.absorb(lot(9.0, 50.0))
    cargo.absorb(other)
    assert cargo.tonnes == 250.0 and cargo.t_mined == pytest.approx(3.6)
    assert [p[0] for p in cargo.parts] == [0.0, 6.0, 3.0, 9.0]
    part = cargo.split(100.0)
    for piece, tonnes in ((part, 100.0), (cargo, 150.0)):
        assert piece.tonnes == pytest.approx(tonnes)
        assert sum(w for _t, w in piece.parts) == pytest.approx(tonnes)
        assert np.average([t for t, _w in piece.parts],
                          weights=[w for _t, w in piece.parts]) == pytest.approx(3.6)
