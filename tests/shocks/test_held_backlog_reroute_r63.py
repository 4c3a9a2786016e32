"""Review 63, F1: under ``on_closure: reroute``, a backlog a ban held for export was
released by the split of the last day the channel had new metal. With no new metal on the
day the ban ended (the mine closed), the split still counted a closed export route as open,
so most of the backlog went onto the closed lane to wait out its closure instead of taking
the open export route. Failed before the fix."""

from __future__ import annotations

from tests.shocks.test_held_backlog_shares_f62a import lane_totals, three_routes


def rerouting_case(build) -> dict:
    """A mine (100 t/day) whose channel sends 60% to a stockpile at home and 30% and 10% to
    two markets abroad (1 day each), rerouting on closure; a ban for days 0-99, the mine
    closed for days 90-119 and the lane to the first market for days 95-129."""
    data = three_routes(build, 140, shares=(0.6, 0.3, 0.1), ban_end=100)
    closed = {"capacity_factor": 0.0}
    data["shocks"] = {"events": {
        "mine_shut": {"start": 90, "duration_days": 30, "targets": {"sites": ["mine"]},
                      "effects": closed},
        "lane_shut": {"start": 95, "duration_days": 35,
                      "targets": {"lanes": ["mine_market"]}, "effects": closed}}}
    data["channels"]["formal"]["on_closure"] = "reroute"
    return data


def test_a_backlog_released_with_no_new_metal_takes_the_open_export_route(build) -> None:
    world = build.run_world(rerouting_case(build))
    totals = lane_totals(world)
    # the lane to the first market carries only its 30 t/day of days 130-139, after it
    # reopens (before: 3,000 t, the backlog's 2,700 t sent onto it while it was closed)
    assert totals["mine_market"] == 300.0
    # all of the 3,600 t held (40 t/day for days 0-89) went to the second market
    assert totals["mine_m2"] >= 3600.0
