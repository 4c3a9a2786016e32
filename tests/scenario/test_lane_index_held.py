"""lane_index_held: a world's build computes the scenario's lane index once, for that
scenario only, and only within the block."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.experiment.replication import run_replication
from sim.scenario.checks import lane_index, lane_index_held

ROOT = Path(__file__).resolve().parents[2]


def test_the_index_is_held_for_its_scenario_within_the_block_only() -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    other = sim.load_scenario(ROOT / "scenarios" / "us_partnership.yaml")
    fresh = lane_index(sc)
    assert fresh == {(lane.from_, lane.to): lid for lid, lane in reversed(sc.lanes.items())}
    assert lane_index(sc) is not fresh  # computed afresh at each call outside
    with lane_index_held(sc):
        held = lane_index(sc)
        assert held == fresh and lane_index(sc) is held
        assert lane_index(other) is not lane_index(other)  # another scenario: not held
        assert lane_index(other) == {(lane.from_, lane.to): lid
                                     for lid, lane in reversed(other.lanes.items())}
    assert lane_index(sc) is not held


def test_a_world_built_twice_from_one_scenario_is_the_same() -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml", ["horizon_days=20"])
    first = run_replication(sc, 3, 0)
    second = run_replication(sc, 3, 0)
    assert first.kpi_array.tobytes() == second.kpi_array.tobytes()
    assert lane_index(sc) is not lane_index(sc)  # nothing is left held after a build
