"""A precision target on a KPI of a lane nothing can travel is refused before anything runs
(review 149's known open item): a comparison ran 30 replications a scenario before saying
the lane's wait had no value in the reference. Lanes nothing can use are known from the
scenario alone since review 199 (sim.scenario.wiring)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.experiment.errors import ExperimentError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
HUB = "sites.hub={kind: junction, region: home, location: {lat: -11, lon: 27, assumption: x}}"
SPARE = ("lanes.spare={from: border, to: hub, mode: road, transit_days: {value: 1, "
         "assumption: x}, capacity_t_per_day: {value: 50, assumption: x}}")
# the lane on a route: the market reached through the hub
ROUTED = ["lanes.hub_market={from: hub, to: market_x, mode: road, transit_days: {value: 1, "
          "assumption: x}}", "channels.formal.routes.direct.path=[border, hub, market_x]"]


def test_a_run_s_target_on_a_lane_nothing_travels_is_refused_first() -> None:
    sc = sim.load_scenario(TINY, [HUB, SPARE])
    with pytest.raises(ExperimentError, match="lane 'spare' can carry nothing in scenario "
                                              "'tiny'") as exc:
        sim.run(sc, 2, target_ci=0.1, metrics=["mean_wait_days:*:all:spare"])
    assert "sim validate names the lanes nothing can use" in exc.value.hint


def test_a_comparison_s_target_is_refused_where_one_scenario_cannot_use_the_lane() -> None:
    idle = sim.load_scenario(TINY, [HUB, SPARE, "name=idle"])
    routed = sim.load_scenario(TINY, [HUB, SPARE, *ROUTED, "name=routed"])
    with pytest.raises(ExperimentError, match="in scenario 'idle' "):
        sim.compare([idle, routed], 2, target_ci=0.1, metrics=["throughput_t:copper:all:spare"])


def test_a_lane_a_route_passes_is_measured() -> None:
    sc = sim.load_scenario(TINY, [HUB, SPARE, *ROUTED, "horizon_days=30"])
    res = sim.run(sc, 2, target_ci=0.5, metrics=["throughput_t:copper:all:spare"],
                  max_replications=4)
    assert res.info["stopping"]["replications"] >= 2


def test_a_transit_site_nothing_passes_is_refused_too() -> None:
    # review 205: border3 is only on a share-0 route of a channel that waits out closures;
    # a target on its throughput ran to the maximum, every replication alike
    sc = sim.load_scenario(TINY.with_name("two_routes.yaml"))
    with pytest.raises(ExperimentError, match="site 'border3' can carry nothing"):
        sim.run(sc, 2, target_ci=0.1, metrics=["throughput_trucks:all:all:border3"])
