"""Review 85, finding 1: stranded_end_t counted only metal held at sites in the exporting
country, so lots waiting to set off on a lane out of one of its sites (held at a closed
lane's entrance, or in a slow lane's loading queue) were booked as in transit only. Closing
the road out of the border post reported 0 t stranded where closing the post itself
reported 2,000 t. Such lots now count as stranded (and stay in in_transit_end_t, where the
ledger books them); lots that have set off, travelling or stopped part-way, do not.

tests/data/tiny.yaml: a mine at home (COD) ships 100 t of copper at every whole day; 3 days
to the border post (home, ample clearance), 10 days on to the market (CHN); 100 days.
"""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from sim.metrics.kpis import compute_kpis

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
EXACT = {"rel": 1e-12, "abs": 1e-9}


@pytest.fixture(scope="module")
def tiny() -> dict[str, Any]:
    return yaml.safe_load(TINY.read_text())


def totals(build: SimpleNamespace, data: dict[str, Any]) -> dict[str, float]:
    """The run's all-commodity, all-channel KPIs by metric (copper is the only one)."""
    world = build.run_world(data)
    return {metric: value for _com, chan, site, metric, _unit, value
            in compute_kpis(world, world.check_mass_balance())
            if chan == "all" and site == "all"}


def closed_from_80(tiny: dict[str, Any], targets: dict[str, list[str]]) -> dict[str, Any]:
    data = copy.deepcopy(tiny)
    data["shocks"] = {"events": {"cut": {"start": 80, "targets": targets,
                                         "effects": {"capacity_factor": 0.0},
                                         "assumption": "test input"}}}
    return data


def test_closing_the_lane_out_of_the_border_strands_what_closing_the_post_does(
        build: SimpleNamespace, tiny: dict[str, Any]) -> None:
    post = totals(build, closed_from_80(tiny, {"sites": ["border"]}))
    road = totals(build, closed_from_80(tiny, {"lanes": ["border_market"]}))
    # the 20 lots reaching the border from day 80 on wait there: 2,000 t either way
    assert post["stranded_end_t"] == pytest.approx(2000.0, **EXACT)
    assert road["stranded_end_t"] == pytest.approx(post["stranded_end_t"], **EXACT)
    # the ledger still has them on the lane: in transit, not in a site's stock
    assert road["in_transit_end_t"] == pytest.approx(3300.0, **EXACT)
    assert road["stock_end_t"] == pytest.approx(0.0, **EXACT)
    assert road["exported_t"] == pytest.approx(post["exported_t"], **EXACT)


def test_lots_stopped_part_way_by_a_closure_are_not_stranded(
        build: SimpleNamespace, tiny: dict[str, Any]) -> None:
    k = totals(build, closed_from_80(tiny, {"lanes": ["mine_border"]}))
    # lots 80-99 wait at the mine's gate (2,000 t); lots 78 and 79 set off and stopped
    # on the road: in transit (2,200 t in all) but not stranded
    assert k["stranded_end_t"] == pytest.approx(2000.0, **EXACT)
    assert k["in_transit_end_t"] == pytest.approx(2200.0, **EXACT)


def test_a_slow_lane_strands_its_loading_queue_without_any_shock(
        build: SimpleNamespace, tiny: dict[str, Any]) -> None:
    data = copy.deepcopy(tiny)
    data["lanes"]["mine_border"]["capacity_t_per_day"] = 50
    k = totals(build, data)
    # 10,000 t mined at 100 t a day, 4,900 t loaded at 50 t a day and gone: the rest
    # waits at the mine (the lot loading at the end included)
    assert k["stranded_end_t"] == pytest.approx(5100.0, **EXACT)
    assert k["stranded_end_t"] <= k["in_transit_end_t"]


def test_a_normal_run_strands_nothing(build: SimpleNamespace, tiny: dict[str, Any]) -> None:
    k = totals(build, copy.deepcopy(tiny))
    # lots travelling (1,300 t) are a pipeline, not stranded
    assert k["stranded_end_t"] == 0.0
    assert k["in_transit_end_t"] == pytest.approx(1300.0, **EXACT)


def test_a_lane_out_of_a_site_abroad_strands_nothing(
        build: SimpleNamespace, tiny: dict[str, Any]) -> None:
    data = closed_from_80(tiny, {"lanes": ["border_market"]})
    data["sites"]["border"]["region"] = "away"  # the post is across the border
    k = totals(build, data)
    # the same 2,000 t wait at the lane's entrance, but abroad: exported, not stranded
    assert k["stranded_end_t"] == 0.0
    assert k["in_transit_end_t"] == pytest.approx(3300.0, **EXACT)
