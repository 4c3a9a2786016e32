"""The second review of the shocks text (sim show, the report): when a regime starts and in
which state, and the fields it left out (incidents' window, the end of security support
and of export controls, a quota's channels, a stockpile rule's start, cap and rebuild)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import sim
from sim.output.shock_text import describe_shocks
from sim.scenario import ScenarioError, scenario_from_dict
from sim.scenario.errors import format_path
from sim.streams import Streams
from sim.world.world import World

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def line_of(text: str, head: str) -> str:
    (line,) = [x for x in text.splitlines() if x.startswith(head)]
    return line


def direct(build, warmup: float = 0, **top: Any) -> dict[str, Any]:
    """100 t/day of copper from ``mine`` (COD) straight to ``market`` (CHN), from
    2024-01-01 for 60 days."""
    return build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 5.0)], ["market"], horizon=60,
                          warmup=warmup, **top)


def regime(**fields: Any) -> dict[str, Any]:
    return {"targets": {"sites": ["mine"]},
            "states": {"calm": {}, "hot": {"effects": {"capacity_factor": 0.5}}},
            "rates_per_year": {"calm": {"hot": 2.0}, "hot": {"calm": 2.0}}, **fields}


# ======================================= 1: when a regime starts, and in which state
def test_a_regime_without_start_starts_at_the_warm_ups_start_and_says_so() -> None:
    # the baseline's 180-day warm-up starts on 2023-07-05: North Kivu is contested then,
    # and on 2024-01-01 in whatever state the chain has reached
    text = describe_shocks(sim.load_scenario(SCENARIOS / "baseline.yaml"))
    line = line_of(text, "  regime north_kivu_conflict ")
    assert line.startswith("  regime north_kivu_conflict on regions north_kivu ")
    assert (": starting contested at the start of the warm-up (2023-07-05), and may have "
            "moved to another state by the start date (2024-01-01); states ") in line


def _regime_line(build, warmup: float, **fields: Any) -> str:
    sc = scenario_from_dict(direct(build, warmup=warmup,
                                   shocks={"regimes": {"r": regime(**fields)}}))
    return line_of(describe_shocks(sc), "  regime r ")


def test_a_regime_starts_where_the_engine_starts_it(build) -> None:
    # no warm-up: it starts on the start date, in its first state unless given
    assert ": starting calm on the start date (2024-01-01); states " in _regime_line(build, 0)
    # a start inside the warm-up: from then, and random by the start date
    line = _regime_line(build, 60, start=-30, initial="hot")
    assert line.startswith("  regime r from 2023-12-02 on sites mine: starting hot, and may "
                           "have moved to another state by the start date (2024-01-01); ")
    # a start before the run: the engine starts it with the run, in its initial state
    line = _regime_line(build, 60, start=-100, initial="hot")
    assert line.startswith("  regime r on sites mine: starting hot at the start of the "
                           "warm-up (2023-11-02) (its start, 2023-09-23, is before the run "
                           "begins), and may have moved")


@pytest.mark.parametrize(("start", "first_day"), [(None, -60.0), (-30, -30.0), (-100, -60.0),
                                                   (10, 10.0)])
def test_the_engine_starts_a_regime_when_the_text_says(build, start, first_day) -> None:
    fields = {"initial": "hot"} | ({"start": start} if start is not None else {})
    sc = scenario_from_dict(direct(build, warmup=60,
                                   shocks={"regimes": {"r": regime(**fields)}}))
    world = World(sc, Streams(1, 0))
    world.run()
    rows = [r for r in world.timeline.rows if r[1] == "regime"]
    assert rows[0][0] == first_day
    assert rows[0][4].startswith("hot:")


# =============================================================== 2: what was left out
def test_incidents_say_when_they_can_start() -> None:
    text = describe_shocks(sim.load_scenario(SCENARIOS / "m23_southern_push.yaml"))
    assert line_of(text, "  incidents southern_push:").startswith(
        "  incidents southern_push: 0.15 per year, starting from 2026-01-01, lasting 90 days")
    text = describe_shocks(sim.load_scenario(SCENARIOS / "baseline.yaml"))
    assert line_of(text, "  incidents dar_closure:").startswith(
        "  incidents dar_closure: 0.2 per year, lasting 13 days")


def test_incidents_with_an_end_say_none_starts_from_then(build) -> None:
    def line(**window: Any) -> str:
        inc = {"rate_per_year": 2.0, "duration_days": 3.0, "targets": {"sites": ["mine"]},
               "effects": {"capacity_factor": 0.0}, **window}
        sc = scenario_from_dict(direct(build, shocks={"incidents": {"i": inc}}))
        return line_of(describe_shocks(sc), "  incidents i:")

    assert line(start=10, end="2024-02-01").startswith(
        "  incidents i: 2 per year, starting from 2024-01-11 and before 2024-02-01, lasting 3 ")
    assert line(end=20).startswith("  incidents i: 2 per year, starting before 2024-01-21, ")
    # a start before the run's first day is that day: said as no start at all
    assert line(start=-30, end=20).startswith(
        "  incidents i: 2 per year, starting before 2024-01-21, ")


def test_security_support_and_export_controls_say_when_they_end() -> None:
    sc = sim.load_scenario(SCENARIOS / "us_partnership.yaml", overrides=[
        "policies.security_support.us_security_support.end=2027-01-01"])
    assert line_of(describe_shocks(sc), "  security support").startswith(
        "  security support us_security_support from 2026-01-01 to 2026-12-31 inclusive: "
        "regimes ")
    sc = sim.load_scenario(SCENARIOS / "china_export_control.yaml", overrides=[
        "policies.export_controls.china_cobalt_to_us.end=2025-01-01"])
    assert line_of(describe_shocks(sc), "  export control").startswith(
        "  export control china_cobalt_to_us from 2024-07-01 to 2024-12-31 inclusive: CHN "
        "refiners' ")
    sc = sim.load_scenario(SCENARIOS / "china_export_control.yaml")
    assert line_of(describe_shocks(sc), "  export control").startswith(
        "  export control china_cobalt_to_us from 2024-07-01: CHN refiners' ")


def test_a_quota_names_its_channels() -> None:
    # the 2025 quotas leave the informal channel out, banned on its own
    text = describe_shocks(sim.load_scenario(SCENARIOS / "export_ban_2025.yaml"))
    assert line_of(text, "  export quota quota_2026:").startswith(
        "  export quota quota_2026: cobalt on channels china, western, us_partnered: 8,050 t ")


def test_an_empty_channel_list_is_refused_not_read_as_no_channel(build) -> None:
    # the engine applied a ban or quota with channels: [] to no channel, which the text
    # then said; an empty list is refused since review 60 (leave channels out for all)
    for policies, where in (
            ({"export_bans": {"b": {"commodity": "copper", "start": 10, "channels": []}}},
             "policies.export_bans.b.channels"),
            ({"export_quotas": {"q": {"commodity": "copper", "channels": [], "schedule": [
                {"start": 0, "end": 59, "tonnes": 1000.0}]}}},
             "policies.export_quotas.q.channels")):
        with pytest.raises(ScenarioError) as exc:
            scenario_from_dict(direct(build, policies=policies))
        (issue,) = exc.value.issues
        assert format_path(issue.path) == where
        assert issue.message == "must not be empty"
        assert "leave it out for all" in issue.hint


def stockpile_scenario(build, **rule: Any):
    data = build.scenario(
        {"mine": build.mine(), "market": build.market(initial_stock_t={"copper": 0.0}),
         "reserve": build.site("stockpile", region="away", initial_stock_t={"copper": 5000.0})},
        [build.lane("mine", "market", 1.0)], ["market"], horizon=80)
    data["policies"] = {"stockpiles": {"s": {
        "site": "reserve", "commodity": "copper", "market": "market",
        "release_price_ratio_above": 1.2, "release_t_per_day": 100.0, **rule}}}
    return scenario_from_dict(data)


def test_a_stockpile_rule_says_its_start_cap_and_rebuild(build) -> None:
    sc = stockpile_scenario(build, start=20, release_cap_t=3000.0,
                            rebuild_price_ratio_below=0.9, rebuild_t_per_day=50.0,
                            rebuild_target_t=4000.0)
    assert line_of(describe_shocks(sc), "  stockpile s") == (
        "  stockpile s from 2024-01-21: reserve releases copper to market at up to 100 t/day "
        "(at most 3,000 t in all) when price index above 1.2; otherwise buys back from market "
        "up to 50 t/day while the price index is below 0.9, to a stock of 4,000 t")
    assert line_of(describe_shocks(stockpile_scenario(build)), "  stockpile s") == (
        "  stockpile s: reserve releases copper to market at up to 100 t/day when price "
        "index above 1.2")
