"""Review 62, F1: on a channel with routes both ways, metal a ban held for export rode with
the day's new metal on the one route the router picked for the new metal, uncharged, so a
backlog released after a ban landed on one export route in one lot and the fixed shares
never recovered. Held metal now leaves as lots of its own, each leaving route taking what
it was charged for when the metal was held. Failed before the fix."""

from __future__ import annotations

import pytest


def three_routes(build, horizon: int, shares: tuple[float, float, float] = (0.5, 0.25, 0.25),
                 ban_end: int = 29) -> dict:
    """One channel of a mine (100 t/day) with three routes, 1 day each, by ``shares``: to a
    stockpile at home (route ``home``) and to two markets abroad (``a1`` to ``market``,
    ``a2`` to ``m2``; by default half home, a quarter each abroad); a ban for days 0 to
    ``ban_end``."""
    sites = {"mine": build.mine(), "reserve": build.site("stockpile", region="home"),
             "market": build.market(), "m2": build.market()}
    lanes = [build.lane("mine", "reserve", 1), build.lane("mine", "market", 1),
             build.lane("mine", "m2", 1)]
    routes = {rid: {"path": [to], "share": share} for rid, to, share in
              zip(("home", "a1", "a2"), ("reserve", "market", "m2"), shares, strict=True)}
    return build.scenario(sites, lanes, [], routes=routes, horizon=horizon, policies={
        "export_bans": {"ban": {"commodity": "copper", "start": 0, "end": ban_end}}})


def lane_totals(world) -> dict[str, float]:
    return {ln.id: float(world.ledger.lane_in[world.lane_index[ln.id]].sum())
            for ln in world.lanes}


@pytest.mark.parametrize("horizon", [60, 300])
def test_a_backlog_released_after_a_ban_keeps_the_routes_shares(build, horizon: int) -> None:
    world = build.run_world(three_routes(build, horizon))
    # before: 60 days {home 3,000, market 2,200, m2 800}; 300 days 15,000 / 8,200 / 6,800
    assert lane_totals(world) == {"mine_reserve": 50.0 * horizon,
                                  "mine_market": 25.0 * horizon, "mine_m2": 25.0 * horizon}


def test_the_backlog_leaves_split_over_the_leaving_routes(build) -> None:
    world = build.run_world(three_routes(build, 30))
    day = world.recorder.exported[:, 0, :].sum(axis=1).tolist()
    # the 14 lots of 100 t the router sent abroad during the ban (7 to each market) leave
    # on day 29 with the day's new lot, which the router sends to the first market
    # (before: all 1,500 t in one lot to that market)
    assert day == [0.0] * 29 + [1500.0]
    assert lane_totals(world) == {"mine_reserve": 1500.0, "mine_market": 800.0,
                                  "mine_m2": 700.0}
