"""Review 63, F3: an export control's allowance carries over up to a year's cap, also while
a ban holds the metal it was given to. What a ban longer than a year does was not
documented: once a year's allowance waits with the held metal, the control has none left
for new metal, so the share of the control's markets goes to the other markets until the
ban ends, when a year's cap leaves at once. Pinned here as documented."""

from __future__ import annotations

import pytest


def test_a_ban_longer_than_a_year_under_a_control(build, home_refiner) -> None:
    data = home_refiner({
        "export_bans": {"ban": {"commodity": "copper", "start": 0, "end": 420}},
        "export_controls": {"ec": {"country": "COD", "commodity": "copper",
                                   "markets": ["market"],
                                   "cap_t_per_year": 20 * build.DAYS_PER_YEAR,
                                   "start": 0, "end": 449}}}, 450)
    data["sites"]["ref"]["initial_feed_t"]["copper"] = 100_000.0  # feed for the whole run
    world = build.run_world(data)
    home = world.recorder.arrivals[:, 0, world.country_index["COD"]].tolist()
    abroad = world.recorder.arrivals[:, 0, world.country_index["CHN"]].tolist()
    # the control's cut (80 t/day) goes home for a year; then a year's allowance waits
    # with the held metal and the whole output goes home until the ban ends
    assert home[2:366] == pytest.approx([80.0] * 364)
    assert home[368:421] == pytest.approx([100.0] * 53)
    assert home[423:] == pytest.approx([80.0] * 27)
    # at the end of the ban a year's cap (7,305 t) leaves at once, then 20 t/day
    assert abroad[:424] == [0.0] * 424
    assert abroad[424] == pytest.approx(20 * build.DAYS_PER_YEAR)
    assert abroad[425:] == pytest.approx([20.0] * 25)
