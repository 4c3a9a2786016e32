"""lane_index_held: a world's build computes the scenario's lane index once, for that
scenario only, and only within the block."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.experiment.replication import run_replication
from sim.scenario import checks, plan
from sim.scenario.checks import lane_index, lane_index_held
from sim.scenario.schema import Scenario
from sim.streams import Streams
from sim.world.world import World

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


def test_a_replication_builds_the_index_once_for_the_world_and_once_for_each_kpi_query(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the KPIs' fixed sets of lanes and routes (World.lane_commodities, possible_routes)
    # ask for it hundreds of times a replication too, and rebuilt it at each
    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml", ["horizon_days=20"])
    built: list[Scenario] = []

    def counting(scenario: Scenario) -> dict[tuple[str, str], str]:
        held = checks._HELD_LANE_INDEX.get()  # noqa: SLF001
        if held is None or held[0] is not scenario:
            built.append(scenario)
        return lane_index(scenario)

    monkeypatch.setattr(checks, "lane_index", counting)
    monkeypatch.setattr(plan, "lane_index", counting)
    world = World(sc, Streams(3, 0))
    assert built == [sc]  # as lane_index_held begins
    lanes = world.lane_commodities()
    routes = world.possible_routes()
    assert built == [sc] * 3
    assert lanes and routes  # queries that asked for it
