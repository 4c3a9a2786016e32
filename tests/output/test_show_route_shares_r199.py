"""`sim show` gives the share of a mine's flow each route takes where a channel splits it by
fixed shares (review 199): a route added at `share: 0.05` beside routes adding to 100% was
listed as 5%, but takes 0.05 / 1.05 = 4.8%."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.output.describe import describe

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
TWO = ["channels.formal.routes.direct.share=1.0",
       "channels.formal.routes.other={path: [border, market_x], share: 0.05}"]


def _times(sc) -> str:
    lines = describe(sc).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Expected route times"))
    return lines[at + 1]


def test_the_shares_applied_are_given_beside_the_route_times() -> None:
    sc = sim.load_scenario(TINY, TWO)
    assert _times(sc) == ("  mine_a: copper/formal/direct 13.0 (95.2%), "
                          "copper/formal/other 13.0 (4.8%)")
    assert "other share 5%" in describe(sc)  # the channel's list keeps the share given


def test_one_route_or_a_channel_not_split_by_shares_gives_none() -> None:
    assert _times(sim.load_scenario(TINY)) == "  mine_a: copper/formal/direct 13.0"
    fastest = sim.load_scenario(TINY, [*TWO, "channels.formal.routing=fastest"])
    assert _times(fastest) == ("  mine_a: copper/formal/direct 13.0, copper/formal/other 13.0")
