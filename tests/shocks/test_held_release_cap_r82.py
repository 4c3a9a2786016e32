"""Metal a ban held, released under an export control, passes no more than the control's
allowance however many of its markets the refiner sells to (review 82): each sales lane
asked for the whole allowance left, so a control on two markets passed twice its cap."""

from __future__ import annotations

import pytest

from tests.conftest import BUILD as build

DAYS = build.DAYS_PER_YEAR



def ban_then_control(markets: list[str]) -> dict:
    """A refiner of 100 t/day selling half to each of markets a and b abroad; a ban on
    days 0-4, then a control of 10 t/day on ``markets`` on days 5-9."""
    sites = {"mine": build.mine(t_per_year=1.0),
             "ref": build.site("refiner", capacity_t_per_year={"copper": 100 * DAYS},
                               initial_feed_t={"copper": 5000.0},
                               sales={"copper": {"a": 0.5, "b": 0.5}}),
             "a": build.market(), "b": build.market()}
    lanes = [build.lane("mine", "ref", 2), build.lane("ref", "a", 3),
             build.lane("ref", "b", 3)]
    policies = {"export_controls": {"ec": {"country": "COD", "commodity": "copper",
                                           "markets": markets, "cap_t_per_year": 10 * DAYS,
                                           "start": 5, "end": 10}},
                "export_bans": {"ban": {"commodity": "copper", "country": "COD",
                                        "start": 0, "end": 5}}}
    return build.scenario(sites, lanes, ["ref"], horizon=20, policies=policies)


def under_control(log, lanes: tuple[str, ...]) -> float:
    # the control's days 5-9 are the dispatches at the close of each, times 6-10
    return sum(x for lane, t, x in log if lane in lanes and 5.0 < t <= 10.0)


def test_held_metal_on_two_covered_markets_passes_the_cap_once(lane_entries) -> None:
    build.run_world(ban_then_control(["a", "b"]))  # mass balance checked
    assert under_control(lane_entries, ("ref_a", "ref_b")) == pytest.approx(5 * 10.0)  # was 100
    # shared in proportion to what waits for each: 5 t/day each
    assert under_control(lane_entries, ("ref_a",)) == pytest.approx(25.0)


def test_a_control_on_one_market_leaves_the_other_free(lane_entries) -> None:
    build.run_world(ban_then_control(["a"]))
    assert under_control(lane_entries, ("ref_a",)) == pytest.approx(5 * 10.0)
    # b is under no control: its held 250 t leave at once with its new 50 t/day, and a's
    # new 50 t/day too, as a's held metal claims a's allowance first and what the control
    # cuts goes to the refiner's other markets
    assert under_control(lane_entries, ("ref_b",)) == pytest.approx(250.0 + 5 * (50.0 + 50.0))
