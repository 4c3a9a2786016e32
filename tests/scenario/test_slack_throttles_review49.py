"""A capacity factor that leaves a site's or lane's capacity well above its planned load
changes nothing while the timeline reports it: it is noted (review 49: the baseline's
Durban disruptions halved ships that carried ten times the load). Chains are the
``build`` ones: a mine sending 100 t (4 trucks of 25 t) a day."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario import scenario_from_dict
from sim.scenario.loader import load_scenario, meta_of

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def port_chain(build, vessel_t: float, factor: float) -> dict:
    # ships every 4 days: 365.25 / 4 x vessel_t a year against 36,525 t planned
    data = build.scenario(
        {"mine": build.mine(), "port": build.port(), "market": build.market()},
        [build.lane("mine", "port", 0.5),
         build.lane("port", "market", 10, mode="sea",
                    sailing={"interval_days": 4, "vessel_t": vessel_t})],
        ["port", "market"], horizon=30)
    data["shocks"] = {"events": {"slow": {"start": 5, "duration_days": 10,
                                          "targets": {"sites": ["port"]},
                                          "effects": {"capacity_factor": factor}}}}
    return data


def slack_notes(data: dict) -> list[str]:
    return [n for n in meta_of(scenario_from_dict(data)).notes if "capacity factor" in n]


@pytest.mark.parametrize(("factor", "noted"), [
    (0.9, True),    # 82,181 t/yr of ships against 36,525 t: 2.25 times the plan
    (0.5, False),   # 45,656 t/yr: 1.25 times, queues and variation may meet it
    (0.0, False),   # a closure always acts
])
def test_a_port_throttle_far_above_the_plan_is_noted(build, factor, noted) -> None:
    found = slack_notes(port_chain(build, 1000.0, factor))
    assert bool(found) is noted
    if noted:
        (note,) = found
        assert "event 'slow' sets capacity factor 0.9 on port 'port'" in note
        assert "ships on port_market at 82,181 t of product/yr" in note
        assert "36,525 t of product/yr planned, 2.2 times the plan" in note
        assert "use added_delay_days" in note


@pytest.mark.parametrize(("trucks_per_day", "noted"), [(20, True), (8, False)])
def test_a_border_throttle_is_judged_in_trucks(build, trucks_per_day, noted) -> None:
    data = build.scenario(
        {"mine": build.mine(), "post": build.border(trucks_per_day),
         "market": build.market()},
        [build.lane("mine", "post", 1), build.lane("post", "market", 1)],
        ["post", "market"], horizon=30)
    data["shocks"] = {"events": {"strike": {"start": 5, "duration_days": 10,
                                            "targets": {"sites": ["post"]},
                                            "effects": {"capacity_factor": 0.5}}}}
    found = slack_notes(data)
    assert bool(found) is noted
    if noted:
        assert "clearance at 3,652 trucks/yr against 1,461 trucks/yr planned" in found[0]


def test_sim_validate_prints_the_note(build, tmp_path) -> None:
    path = tmp_path / "slow.yaml"
    path.write_text(build.to_yaml(port_chain(build, 1000.0, 0.9)), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "note: event 'slow' sets capacity factor 0.9 on port 'port'" in result.output


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_shipped_throttle_is_idle(path) -> None:
    notes = [n for n in meta_of(load_scenario(path)).notes if "sets capacity factor" in n]
    assert notes == []
