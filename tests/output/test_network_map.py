"""The network map marks every element whose capacity is below its planned flow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.colors import to_rgba

from sim.output.network_map import network_figure
from sim.scenario import load_scenario
from sim.scenario.capacity import capacity_checks
from sim.scenario.plan import make_plan

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"
RED = to_rgba("#d62728")


def test_sites_over_capacity_are_edged_red_and_the_others_not() -> None:
    # Chinese cobalt refiners are planned above their capacity in the baseline (sim show
    # flags them); the refiner row names the commodity, the map must still find the site.
    sc = load_scenario(BASELINE)
    plan = make_plan(sc)
    over = {c.at for c in capacity_checks(sc, plan) if c.over}
    assert "china_cobalt_refiners" in over
    fig = network_figure(sc, plan)
    edges = {}
    for points in fig.axes[0].collections:
        (lon, lat), = points.get_offsets()
        edges[(float(lon), float(lat))] = tuple(points.get_edgecolor()[0])
    for sid, site in sc.sites.items():
        red = np.allclose(edges[(site.location.lon, site.location.lat)], RED)
        assert red == (sid in over), sid
