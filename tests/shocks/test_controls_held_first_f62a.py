"""Review 62, F2: export controls plus a ban at a refiner at home. The control granted its
allowance to new metal, the ban held it and gave the allowance back, so the carried-over
allowance grew and the control sent less and less metal home (80, 60, 40, 20, then 5 t/day);
after the ban about 1,395 t of held metal sat at the refiner until the control ended,
because the control's split of new metal took all the allowance first. Metal held for a
covered market now claims the allowance before new metal (oldest first). Failed before the
fix."""

from __future__ import annotations

import pytest


def refiner_case(home_refiner, build, horizon: int = 40) -> dict:
    """The home refiner (the ``home_refiner`` fixture); a ban for days 0-20 and a control
    capping the CHN market at 20 t/day for days 0-39."""
    return home_refiner({
        "export_bans": {"ban": {"commodity": "copper", "start": 0, "end": 20}},
        "export_controls": {"ec": {"country": "COD", "commodity": "copper",
                                   "markets": ["market"], "cap_t_per_year":
                                   20 * build.DAYS_PER_YEAR, "start": 0, "end": 39}}}, horizon)


def test_a_ban_does_not_shrink_what_a_control_sends_home(build, home_refiner) -> None:
    world = build.run_world(refiner_case(home_refiner, build))
    home = world.recorder.arrivals[:, 0, world.country_index["COD"]].tolist()
    # the control lets 20 t/day to CHN, the other 80 t go home, ban or not (before: 80,
    # 60, 40, 20, then 5 t/day during the ban)
    assert home[2:] == pytest.approx([80.0] * 38)


def test_metal_held_during_a_ban_leaves_with_the_allowance_of_its_days(
        build, home_refiner) -> None:
    world = build.run_world(refiner_case(home_refiner, build))
    abroad = world.recorder.arrivals[:, 0, world.country_index["CHN"]].tolist()
    # 20 days x 20 t held leave with the day's 20 t on day 21 (arriving day 24), then
    # 20 t/day (before: 1,395 t stayed held until the control ended)
    assert abroad[:24] == [0.0] * 24
    assert abroad[24] == pytest.approx(420.0)
    assert abroad[25:] == pytest.approx([20.0] * 15)
    # nothing waits at the refiner once the held metal has gone, the control still on
    # (before: 1,395 t on day 30)
    early = build.run_world(refiner_case(home_refiner, build, horizon=30))
    held = early.sites[early.site_index["ref"]].held_abroad[0]
    assert held == pytest.approx([0.0, 0.0], abs=1e-6)
