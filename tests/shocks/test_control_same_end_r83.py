"""Two controls ending at the same time (review 83, F2).

They ended one after the other in file order, and the first took the second, still marked
in force, for the control that follows it: what it set aside went to a control about to
end, the tightest set-aside did not bind, and the results depended on the order of the
controls in the file (one order passed 210 t over the caps). They now end together: both
claim, then both hand over to the controls that stay in force or start, tightest first.
"""

from __future__ import annotations

from itertools import permutations

import pytest

from tests.shocks.test_control_overlap_end_r83 import ABROAD, sent, slow_refiner

SAME_MARKETS = {"c1": (["m1", "m2"], 20.0, 0, 30), "c2": (["m1", "m2"], 10.0, 0, 30),
                "c3": (["m1", "m2"], 20.0, 31, 54)}
SUBSET = {"c1": (["m1", "m2"], 20.0, 0, 30), "c2": (["m1"], 10.0, 0, 30),
          "c3": (["m1", "m2"], 20.0, 31, 54)}
SUBSET_BACK_TO_BACK = {**SUBSET, "c3": (["m1", "m2"], 20.0, 30, 54)}


def abroad_by_dispatch(build, lane_entries, controls: dict, order: tuple[str, ...]
                       ) -> dict[float, float]:
    """Tonnes s sends to m1 and m2 at each dispatch (times 9 to 54), with ``controls``
    listed in ``order``."""
    lane_entries.clear()
    world = build.run_world(slow_refiner(build, {cid: controls[cid] for cid in order}))
    ends = [ident for t, _kind, ident, action, _ in world.timeline.rows
            if action == "export control ends" and t == 30.0]
    assert sorted(ends) == sorted(cid for cid in controls if controls[cid][3] == 30)
    return {t: sent(lane_entries, ABROAD, t - 1, t) for t in range(9, 55, 9)}


@pytest.mark.parametrize("controls, within_27_36, bound_27_36, total", [
    # c2's 300 t on days 0-30 and c3's 460 t: the c1-first order passed 340 t / 970 t
    (SAME_MARKETS, 130.0, 30 + 5 * 20, 760.0),
    # c2 binds m1 and c1 m2; c1 first lost c1's allowance (137.5 t), c2 first gave 190 t
    (SUBSET, 152.5, 160.0, None),
    # c3 starts as they end (180 t / 183.75 t by order)
    (SUBSET_BACK_TO_BACK, 172.5, 180.0, None),
], ids=["same markets", "subset", "subset, back to back"])
def test_controls_ending_together_give_the_same_in_every_order(
        build, lane_entries, controls, within_27_36, bound_27_36, total) -> None:
    results = [abroad_by_dispatch(build, lane_entries, controls, order)
               for order in permutations(controls)]
    for other in results[1:]:
        assert other == pytest.approx(results[0])
    got = results[0]
    assert got[36] == pytest.approx(within_27_36)
    assert got[36] <= bound_27_36 + 1e-9
    if total is not None:
        assert sum(got.values()) == pytest.approx(total)


def test_the_same_markets_stay_within_the_caps(build, lane_entries) -> None:
    got = abroad_by_dispatch(build, lane_entries, SAME_MARKETS, ("c1", "c2", "c3"))
    # c2 (10 t/day) binds until day 30, then c3 (20 t/day) from day 31
    assert [got[t] for t in (9, 18, 27)] == pytest.approx([90.0] * 3)
    assert [got[t] for t in (45, 54)] == pytest.approx([180.0] * 2)
    assert sum(got.values()) <= 30 * 10.0 + 23 * 20.0 + 1e-9
