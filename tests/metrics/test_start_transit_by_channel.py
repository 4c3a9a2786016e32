"""in_transit_start_t has channel rows, as in_transit_end_t has.

It was a total per commodity only, so an analyst could not tell which channel's metal was
on the lanes when the measured period started, nor close a channel's own balance of what
it had on the lanes. Now each channel has a row, and ``refined`` one where the scenario has
a refiner; the rows add up to ``all``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.metrics.series import REFINED
from sim.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]


def by_channel(kpis, metric: str, commodity: str = "copper") -> dict[str, float]:
    rows = kpis[(kpis["metric"] == metric) & (kpis["commodity"] == commodity)
                & (kpis["site"] == "all")]
    return dict(zip(rows["channel"], rows["value"], strict=True))


def test_each_channel_has_its_own_start_transit(build) -> None:
    # one mine, 75 t a day for the formal channel and 25 t for the informal one, on the
    # same 10-day lane: every convoy carries both in that ratio
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 10.0)], ["market"],
                          horizon=10, warmup=20)
    data["channels"]["informal"] = {"formal": False,
                                    "routes": {"main": {"path": ["market"]}}}
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.75, "informal": 0.25}}
    k = sim.run(scenario_from_dict(data), replications=1, seed=1).kpis
    start = by_channel(k, "in_transit_start_t")
    assert set(start) == {"all", "formal", "informal"}  # no refiner: no refined row
    # at any instant past day 10, ten days' output of 100 t is on the 10-day lane
    assert start["all"] == pytest.approx(1000.0, rel=1e-12)
    assert start["formal"] == pytest.approx(0.75 * start["all"], rel=1e-12)
    assert start["informal"] == pytest.approx(0.25 * start["all"], rel=1e-12)
    # the same channels as at the end
    assert set(by_channel(k, "in_transit_end_t")) == set(start)


def test_baseline_channel_rows_add_up_to_the_total() -> None:
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml",
                       ["horizon_days=20", "warmup_days=40"])
    k = sim.run(sc, replications=1, seed=2).kpis
    for commodity in ("copper", "cobalt"):
        start = by_channel(k, "in_transit_start_t", commodity)
        end = by_channel(k, "in_transit_end_t", commodity)
        assert set(start) == set(end)
        assert REFINED in start and len(start) > 3
        parts = sum(v for chan, v in start.items() if chan != "all")
        assert start["all"] > 1000.0
        assert parts == pytest.approx(start["all"], rel=1e-12)
        # metal set off in the warm-up is on the lanes of more than one channel
        assert sum(v > 0 for chan, v in start.items() if chan != "all") >= 2
