"""Review 178: a sweep whose parameter puts a capacity below the flow planned through it
(Kasumbalesa's clearance over 150-400 trucks a day) ran without a word, where the same
value given with --set is noted. Each point's overload is now among the sweep's notes,
with the points it holds at."""

from __future__ import annotations

from pathlib import Path

import sim

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
PARAM = "sites.border.clearance_trucks_per_day"


def test_points_below_the_planned_flow_are_noted() -> None:
    # tiny plans 4 trucks a day through its border post: 2 and 3 are below it
    result = sim.run_sweep(TINY, [f"{PARAM}=2:5"], "grid", 4)
    (note,) = [n for n in result.notes if "planned flow into border" in n]
    assert note.startswith("planned flow into border (border post) is 133 to 200% of its "
                           "capacity (1,461 against 730 to 1,096 trucks/yr)")
    assert "(at 2 of 4 points: samples 0, 1;" in note


def test_points_that_hold_say_nothing() -> None:
    result = sim.run_sweep(TINY, [f"{PARAM}=5:50"], "grid", 3)
    assert not [n for n in result.notes if "planned flow into" in n]


def test_a_set_overload_is_not_repeated_at_every_point() -> None:
    # the --set's own note is said once, before the run (it is not the parameter's)
    result = sim.run_sweep(TINY, ["sites.mine_a.output.copper.t_per_year=30000:36525"],
                           "grid", 2, overrides=[f"{PARAM}=2"])
    assert len([n for n in result.notes if "planned flow into border" in n]) == 1
