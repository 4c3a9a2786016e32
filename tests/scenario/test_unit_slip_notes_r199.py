"""A daily capacity far above the flow planned through it is noted (review 199): a rail line
given its yearly 350,000 t as `capacity_t_per_day` passed `sim validate` silently and `sim
show` listed it at 0% without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.describe import describe
from sim.scenario.capacity import capacity_checks, unit_slip_notes
from sim.scenario.plan import make_plan

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
# tiny.yaml plans 100 t/day of cathode (4 trucks a day) over mine_border to the border post


def _checks(sc):
    return {c.element: c for c in capacity_checks(sc, make_plan(sc))}


@pytest.mark.parametrize("setting, element, words", [
    ("lanes.mine_border.capacity_t_per_day=36525", "mine_border",
     "its capacity_t_per_day of 36,525 is over 200 times the 100 t product/day planned"),
    ("lanes.mine_border.capacity_trucks_per_day=1461", "mine_border",
     "its capacity_trucks_per_day of 1,461 is over 200 times the 4 trucks/day planned"),
    ("sites.border.clearance_trucks_per_day=1461", "border",
     "its clearance_trucks_per_day of 1,461 is over 200 times the 4 trucks/day planned")])
def test_a_yearly_figure_given_as_a_daily_capacity_is_noted(setting: str, element: str,
                                                            words: str) -> None:
    sc = sim.load_scenario(TINY, [setting])
    assert _checks(sc)[element].far_below
    (note,) = unit_slip_notes(sc)
    assert note.startswith(f"planned flow into {element} (")
    assert "is 0.27% of its capacity" in note and words in note
    assert "as a yearly figure given as a daily one would be" in note
    assert "?? over 200 times the planned flow: a yearly figure given as a daily one?" in (
        describe(sc))
    result = CliRunner().invoke(main, ["validate", str(TINY), "--set", setting])
    assert result.exit_code == 0, result.output
    assert f"note: planned flow into {element}" in result.output


def test_a_capacity_just_under_200_times_its_flow_is_not() -> None:
    # 199 and 201 times 100 t/day
    sc = sim.load_scenario(TINY, ["lanes.mine_border.capacity_t_per_day=19900"])
    assert not _checks(sc)["mine_border"].far_below
    assert unit_slip_notes(sc) == []
    sc = sim.load_scenario(TINY, ["lanes.mine_border.capacity_t_per_day=20100"])
    assert _checks(sc)["mine_border"].far_below
    assert not unit_slip_notes(sim.load_scenario(TINY))


def test_no_shipped_scenario_has_such_a_capacity() -> None:
    root = Path(__file__).resolve().parents[2]
    for path in [*sorted((root / "scenarios").glob("*.yaml")),
                 *sorted((root / "benchmarks" / "networks").glob("*.yaml"))]:
        assert unit_slip_notes(sim.load_scenario(path)) == [], path.name


def test_a_capacity_an_upgrade_set_is_named_as_the_upgrade_s() -> None:
    # review 205: the note sent the user to the lane's own capacity_t_per_day (200), where
    # the 36,525 came from an upgrade in force on the start date
    sc = sim.load_scenario(TINY, [
        "lanes.mine_border.capacity_t_per_day=200",
        "policies.corridor_upgrades.u0={lane: mine_border, start: 2023-06-01, "
        "capacity_t_per_day: 36525}"])
    (note,) = unit_slip_notes(sc)
    assert ("the capacity_t_per_day of its upgrade u0 (policies.corridor_upgrades.u0) of "
            "36,525 is over 200 times") in note
    assert "its capacity_t_per_day of" not in note
