"""Review 69, F1: a refiner ships at the close of day d (time d + 1) and books that
dispatch to day d, but a quota judged it at time d + 1: its first-export delay ended a day
early for refiners, and without carry-over a refiner exported nothing on the last day of
every period (that period's allowance had expired at the instant closing it), then twice
the next day, however much allowance was left. Bans already judged the day closed. Failed
before the fix."""

from __future__ import annotations

import pytest


def exported_abroad(build, home_refiner, policies: dict, days: slice) -> list[float]:
    """Copper the home refiner (95 t/day abroad) exported on each of ``days``."""
    world = build.run_world(home_refiner(policies, 40))
    return world.recorder.exported[days, 0, :].sum(axis=1).tolist()


def test_the_first_export_delay_holds_a_refiners_exports_as_a_ban_does(
        build, home_refiner) -> None:
    delayed = {"export_quotas": {"q": {"commodity": "copper", "first_export_delay_days": 5,
                                       "schedule": [{"start": 10, "end": 39,
                                                     "tonnes": 100_000}]}}}
    banned = {"export_bans": {"b": {"commodity": "copper", "start": 10, "end": 15}}}
    # nothing leaves on days 10-14; the backlog leaves on day 15 (before: on day 14 under
    # the quota's delay)
    expected = [95.0, 95.0] + [0.0] * 5 + [6 * 95.0, 95.0, 95.0]
    assert exported_abroad(build, home_refiner, delayed, slice(8, 18)) == \
        pytest.approx(expected)
    assert exported_abroad(build, home_refiner, banned, slice(8, 18)) == \
        pytest.approx(expected)


def test_a_quota_that_never_binds_leaves_a_refiners_exports_alone(build, home_refiner) -> None:
    periods = [{"start": 10, "end": 19, "tonnes": 100_000},
               {"start": 20, "end": 29, "tonnes": 100_000}]
    quota = {"export_quotas": {"q": {"commodity": "copper", "carry_over": False,
                                     "schedule": periods}}}
    # before: 0 on the last day of each period (19, 29) and 190 t the day after
    assert exported_abroad(build, home_refiner, quota, slice(2, 32)) == \
        pytest.approx([95.0] * 30)
