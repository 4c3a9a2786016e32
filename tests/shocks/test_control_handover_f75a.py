"""Export controls back to back (F75a): what one control set aside for a waiting refiner
when it ended was lost, though another control on the same market followed.

Refiners ``ref`` (daily) and ``slow`` (every 9 days: days 9, 18, ..., 54) each refine
100 t/day and sell 95 t of it to ``market`` (CHN), capped at 20 t/day, so each may send
10 t/day there. When control A ended on day 30 with ``slow`` waiting since day 27, the
30 t A had set aside for its metal of days 27-29 vanished, and that metal asked control B
again on B's first day, taking 16 t of B's 20 from ``ref``: ``slow`` sent 66 t instead of
90 t on day 36, ``ref`` 4 t instead of 10 t on day 31. The set-aside tonnes now pass to B
(not drawn from B's allowance) and the metal does not ask B again."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sim.world.export_controls import hand_over
from tests.shocks.test_controls_held_waiting_refiner import lane_in, two_refiners


def back_to_back(build, spans: list[tuple[int, int]]) -> dict:
    """:func:`two_refiners` without a ban, its control split into one per (start, end)
    span, each with the same 20 t/day cap on ``market``."""
    data = two_refiners(build, ban=False)
    controls = data["policies"]["export_controls"]
    one = controls.pop("ec")
    for k, (start, end) in enumerate(spans):
        controls[f"ec{k}"] = {**one, "start": start, "end": end}
    return data



def to_market(log, lane_id: str) -> dict[float, float]:
    return {t: tonnes for lane, t, tonnes in log if lane == lane_id}


def test_controls_back_to_back_split_the_allowance_as_one_control(build, lane_entries) -> None:
    world = build.run_world(back_to_back(build, [(0, 30), (30, 59)]))  # mass balance checked
    slow = to_market(lane_entries, "slow_market")
    daily = to_market(lane_entries, "ref_market")
    # day 36: A's 30 t set aside for days 27-29 and B's 10 t/day of days 30-35 (before:
    # 66 t, as those days' metal asked B again and took 16 t of its first day's 20)
    assert slow[36.0] == pytest.approx(30.0 + 6 * 10.0)
    assert daily[31.0] == pytest.approx(10.0)  # before: 4 t
    # as one control over days 0-58: 10 t/day each (ref's last day uncut, see two_refiners)
    assert lane_in(world, "slow_market") == pytest.approx(6 * 90.0)
    assert lane_in(world, "ref_market") == pytest.approx(10.0 * 59 + 95.0)


@pytest.mark.parametrize("spans", [[(0, 35), (35, 59)], [(0, 30), (30, 35), (35, 59)]])
def test_a_control_ending_the_day_before_the_refiner_ships_hands_over_too(
        build, lane_entries, spans) -> None:
    # the slow refiner's own dispatch (time 36) is the first after A ends: its dispatch
    # already counts as its last when the handover runs (review 80: 18 t, not 90 t)
    world = build.run_world(back_to_back(build, spans))
    assert to_market(lane_entries, "slow_market")[36.0] == pytest.approx(90.0)
    assert to_market(lane_entries, "ref_market")[36.0] == pytest.approx(10.0)
    assert lane_in(world, "slow_market") == pytest.approx(6 * 90.0)


def test_each_control_grants_no_more_than_its_allowance(build, lane_entries) -> None:
    build.run_world(back_to_back(build, [(0, 30), (30, 59)]))
    shipped = [(t, tonnes) for lane, t, tonnes in lane_entries
               if lane in ("ref_market", "slow_market")]
    # lane_entries at the close of days 0-29 (times 1-30) are A's, plus the 30 t it set
    # aside for slow and handed to B; B's days 30-58 (times 31-59) less those 30 t and
    # the 50 t B holds for slow's days 54-58 when it ends
    under_a = sum(x for t, x in shipped if t <= 30.0) + 30.0
    under_b = sum(x for t, x in shipped if 30.0 < t <= 59.0) - 30.0 + 50.0
    assert under_a == pytest.approx(30 * 20.0)
    assert under_b == pytest.approx(29 * 20.0)


def test_a_day_without_control_between_them_hands_over_too(build, lane_entries) -> None:
    world = build.run_world(back_to_back(build, [(0, 30), (31, 59)]))
    slow = to_market(lane_entries, "slow_market")
    # day 30 is free (ref sends its 95 t); on B's first day slow's metal of days 30-31
    # (190 t) and ref's 95 t share B's 20 t: 13.33 t for slow, then 10 t/day for days
    # 32-35, on top of A's 30 t (before: 56.67 t, within a day's 10 t of one control's 90)
    assert slow[36.0] == pytest.approx(30.0 + 190.0 * 20.0 / 285.0 + 4 * 10.0)
    assert to_market(lane_entries, "ref_market")[32.0] == pytest.approx(95.0 * 20.0 / 285.0)
    assert lane_in(world, "slow_market") == pytest.approx(5 * 90.0 + slow[36.0])


def test_nothing_is_handed_over_once_the_refiner_shipped_free(build, lane_entries) -> None:
    # A ends on day 35, slow ships uncut at the close of day 35 (time 36), B starts day 37
    world = build.run_world(back_to_back(build, [(0, 35), (37, 59)]))
    slow = to_market(lane_entries, "slow_market")
    assert slow[36.0] == pytest.approx(9 * 95.0)
    # day 45: slow's metal of days 36-44 asks B from its first day (day 37), as when no
    # control came before: days 36-37 (190 t) with ref's 95 t share B's first 20 t
    assert slow[45.0] == pytest.approx(190.0 * 20.0 / 285.0 + 7 * 10.0)
    assert lane_in(world, "slow_market") == pytest.approx(4 * 90.0 + 855.0 + slow[45.0])


def test_overlapping_controls_hand_over_nothing_both_cut(build, lane_entries) -> None:
    build.run_world(back_to_back(build, [(0, 40), (30, 59)]))
    slow = to_market(lane_entries, "slow_market")
    # B started while slow waited: its metal of days 27-30 (380 t) asked B with ref's
    # 95 t on B's first day, for 16 t of B's 20 t, then 10 t/day for days 31-35; B's cut
    # binds on day 36 as the tighter (A would allow 90 t)
    assert slow[36.0] == pytest.approx(380.0 * 20.0 / 475.0 + 5 * 10.0)
    # A ends on day 40: slow's metal since day 36 asked both, so B keeps only its own part
    assert slow[45.0] == pytest.approx(90.0)


def control(markets: set[int], **state) -> SimpleNamespace:
    return SimpleNamespace(country="COD", commodity=0, markets=frozenset(markets),
                           active=state.pop("active", True), allowance=state.pop("allowance", 0.0),
                           last_t=state.pop("last_t", 30.0), reserved=state.pop("reserved", {}),
                           asked=state.pop("asked", {}))


def refiner(shares: dict[int, float], last_dispatch: float = 27.0) -> SimpleNamespace:
    sales = [[(SimpleNamespace(to=SimpleNamespace(index=m)), s) for m, s in shares.items()]]
    return SimpleNamespace(index=7, sales=sales, last_dispatch_t=last_dispatch)


def test_a_follower_on_part_of_the_markets_takes_their_part() -> None:
    ended = control({1, 2}, active=False, reserved={7: 30.0}, asked={7: 200.0})
    follower = control({1, 3}, allowance=5.0)
    hand_over([ended], [follower], [refiner({1: 0.25, 2: 0.25, 3: 0.5})])
    # market 1 is half of what A covered: half of what A set aside and of what asked it
    assert follower.reserved == {7: pytest.approx(15.0)}
    assert follower.asked == {7: pytest.approx(100.0)}
    assert follower.allowance == 5.0
    assert ended.reserved == {} and ended.asked == {}


def test_a_follower_already_asked_takes_only_the_rest() -> None:
    ended = control({1}, active=False, reserved={7: 30.0}, asked={7: 200.0})
    follower = control({1}, reserved={7: 4.0}, asked={7: 150.0})
    hand_over([ended], [follower], [refiner({1: 1.0})])
    # 50 t of the 200 t had not asked the follower: a quarter of the 30 t set aside
    assert follower.reserved == {7: pytest.approx(4.0 + 7.5)}
    assert follower.asked == {7: pytest.approx(200.0)}


def test_no_follower_keeps_and_a_dispatch_drops_what_was_set_aside() -> None:
    ended = control({1}, active=False, reserved={7: 30.0}, asked={7: 200.0})
    other_country = control({1})
    other_country.country = "ZMB"
    hand_over([ended], [other_country], [refiner({1: 1.0})])
    assert ended.reserved == {7: 30.0} and other_country.reserved == {}
    hand_over([ended], [control({1})], [refiner({1: 1.0}, last_dispatch=31.0)])
    assert ended.reserved == {} and ended.asked == {}
