"""Tests for the visible survivors of review 209's mutation testing (92 mutations of this
session's changes): each fails with the mutation it names and passes on the code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import sim
from sim.experiment.errors import ExperimentError
from sim.experiment.executors import Backend
from sim.experiment.precision import MetricSpec, check_measurable
from sim.experiment.replication import run_replication
from sim.metrics.series import catalogue
from sim.output.shock_text import bars
from sim.scenario import scenario_from_dict
from sim.scenario.capacity import capacity_notes, override_capacity_notes, unit_slip_notes
from sim.scenario.wiring import unused_wiring

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def _lane(direct, capacity: float, upgrades: dict):
    data = direct(transit=1.0, horizon=400, policies={"corridor_upgrades": {
        uid: {"lane": "mine_market", **up} for uid, up in upgrades.items()}})
    data["lanes"]["mine_market"]["capacity_t_per_day"] = capacity
    return scenario_from_dict(data)


def test_a_cut_is_the_file_s_note_not_repeated_with_overrides(direct) -> None:
    # mutants 14 and 15: the cut note came with every --set run
    sc = _lane(direct, 150, {"cut": {"start": "2024-03-01", "capacity_t_per_day": 50}})
    assert [n for n in capacity_notes(sc) if "cuts it to 50" in n]
    assert override_capacity_notes(sc, sc) == []


def test_an_upgrade_to_exactly_the_load_relieves_it(direct) -> None:
    # mutant 2: "still 100% of it"
    sc = _lane(direct, 20, {"rail": {"start": "2024-03-01", "capacity_t_per_day": 100}})
    (note,) = capacity_notes(sc)
    assert "until the upgrade rail raises it to 100 t product/day" in note
    assert "which carries the planned flow (100%)" in note


def test_the_unit_slip_note_quotes_a_ramping_upgrade_s_field(direct) -> None:
    # mutant 12: it quoted the capacity partway up the ramp (28,352)
    sc = _lane(direct, 200, {"big": {"start": "2023-12-01", "ramp_days": 40,
                                     "capacity_t_per_day": 36525}})
    (note,) = unit_slip_notes(sc)
    assert "the capacity_t_per_day of its upgrade big (policies.corridor_upgrades.big) of " \
           "36,525 is over 200 times" in note


def test_a_sales_lane_of_share_0_is_noted(build) -> None:
    # mutant 17: a refiner's lane it sells nothing on (share 0) went unnoted
    from tests.shocks.conftest import home_refiner_scenario

    data = home_refiner_scenario(build, {}, 30)
    data["sites"]["ref"]["sales"]["copper"] = {"market": 1.0, "local": 0.0}
    # the local market then lives on supply from outside the network
    data["sites"]["local"]["other_supply_t_per_year"] = {"copper": 5 * build.DAYS_PER_YEAR}
    notes = unused_wiring(scenario_from_dict(data))
    assert any(n.startswith("lane 'ref_local' (from ref to local) carries nothing") and
               "'ref' sells nothing to 'local'" in n for n in notes), notes


def test_a_target_at_a_stockpile_is_measured() -> None:
    # mutant 21: every site no lane touches was idle, a stockpile's releases too
    sc = sim.load_scenario(ROOT / "scenarios" / "us_partnership.yaml")
    check_measurable([MetricSpec.parse("released_t:cobalt:all:china_state_reserve")], [sc])


def test_refined_t_s_first_day_is_that_day_s_refining(build) -> None:
    # mutant 40: the first measured day's refining went to the second (0, 200, 100, ...)
    from tests.shocks.conftest import home_refiner_scenario

    data = home_refiner_scenario(build, {}, 10)
    data["series_period_days"] = 1
    sc = scenario_from_dict(data)
    res = run_replication(sc, 1, 0)
    row = catalogue(sc).keys.index(("copper", "refined_t", "COD", "t"))
    assert res.series[row][:3].tolist() == pytest.approx([100.0, 100.0, 100.0])


def test_a_regime_dated_inside_the_warm_up_is_drawn_at_its_date() -> None:
    # mutant 65: dated after the warm-up began it was drawn "with the run"
    sc = sim.load_scenario(ROOT / "scenarios" / "m23_escalation.yaml",
                           ["shocks.regimes.north_kivu_conflict.start=2023-10-01"])
    (bar,) = [b for b in bars(sc) if b[1] == "North Kivu conflict"]
    assert bar[2:] == (dt.date(2023, 10, 1), None, "starts occupied, then random")


def test_an_idle_lane_in_the_second_scenario_is_refused_too() -> None:
    # mutant 83: only the first scenario was checked
    hub = ("sites.hub={kind: junction, region: home, location: {lat: -11, lon: 27, "
           "assumption: x}}")
    spare = ("lanes.spare={from: border, to: hub, mode: road, transit_days: {value: 1, "
             "assumption: x}, capacity_t_per_day: {value: 50, assumption: x}}")
    routed = sim.load_scenario(TINY, [hub, spare, "name=routed",
                                      "lanes.hub_market={from: hub, to: market_x, mode: road, "
                                      "transit_days: {value: 1, assumption: x}}",
                                      "channels.formal.routes.direct.path=[border, hub, "
                                      "market_x]"])
    idle = sim.load_scenario(TINY, [hub, spare, "name=idle"])
    with pytest.raises(ExperimentError, match="in scenario 'idle' "):
        sim.compare([routed, idle], 2, target_ci=0.1,
                    metrics=["throughput_t:copper:all:spare"])


def test_backend_descriptions() -> None:
    # mutants 71 and 86: a --dask-local cluster read like a scheduler's; "1 workers"
    assert Backend(None, 1, "dask").description == "local dask cluster of 1 worker"
    assert Backend(None, 2, "dask", address="tcp://h:8786", live=lambda: 2).description == \
        "dask of 2 workers at tcp://h:8786"
    assert Backend(None, 3, "process pool").description == "process pool of 3 workers"
