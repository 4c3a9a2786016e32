"""Tonnes booked as diverted (``diverted_t``): only what a shock moved into a channel, not
the channel's own share of output, nor a deal's, nor output left in the ground (review 57).

Each test fails on a small, plausible bug (named in its docstring) that survived the rest of
the suite. Scenarios are the one-lane chains of ``conftest.direct_scenario`` (100 t/day of
copper straight from a mine in COD to a market abroad, one lot a day), so the tonnes follow
by hand.
"""

from __future__ import annotations

import pytest

EXACT = {"rel": 1e-12, "abs": 1e-9}


def channels(*names: str) -> dict:
    return {k: {"routes": {"main": {"path": ["market"]}}} for k in names}


def capture(share: float, start: float = 10, end: float = 30) -> dict:
    """A scripted capture of the mine: ``share`` of its output diverted to informal."""
    return {"events": {"capture": {"start": start, "end": end, "targets": {"sites": ["mine"]},
                                   "effects": {"divert": {"share": share,
                                                          "to_channel": "informal"}}}}}



def test_diverted_tonnes_leave_out_the_channels_own_share(direct, ran) -> None:
    """Mutant: the free-production path books a diverted channel's whole part (its own
    scenario share too) as diverted."""
    data = direct(transit=1.0, horizon=40, extra_channels=channels("informal"),
                  shocks=capture(0.5))
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.7, "informal": 0.3}}
    world = ran(data)
    informal = world.channel_index["informal"]
    assert not world.gates  # no ban or quota: the fused free-production path
    # 20 days of capture: informal gets 30 t of its own and 35 t moved there (half of the
    # formal 70 t) a day; only the 35 t are diverted
    assert world.diverted_by_channel[0, informal] == pytest.approx(20 * 35.0, **EXACT)
    assert world.mined_by_channel[0, informal] == pytest.approx(40 * 30.0 + 20 * 35.0,
                                                                **EXACT)


def test_a_deal_share_is_not_diverted(direct, ran) -> None:
    """Mutant: the shares before diversions are the scenario's, not the scenario's moved by
    deals, so a deal's share of output counts as diverted."""
    data = direct(transit=1.0, horizon=40, extra_channels=channels("us", "informal"),
                  shocks=capture(0.5),
                  policies={"offtake_deals": {"orion": {
                      "mines": ["mine"], "commodities": ["copper"], "share": 0.4,
                      "to_channel": "us", "start": 5}}})
    world = ran(data)
    formal, us, informal = (world.channel_index[k] for k in ("formal", "us", "informal"))
    diverted = world.diverted_by_channel[0]
    # the deal moves 40 t/day to us from day 5; the capture (days 10-29) moves half of
    # formal's 60 t and of us's 40 t to informal: 50 t/day diverted, all to informal
    assert diverted[informal] == pytest.approx(20 * 50.0, **EXACT)
    assert diverted[us] == 0.0
    assert diverted[formal] == 0.0
    assert world.mined_by_channel[0, us] == pytest.approx(15 * 40.0 + 20 * 20.0, **EXACT)


def test_output_left_in_the_ground_is_not_diverted(direct, ran) -> None:
    """Mutant: the restricted path books a diverted channel's planned diversion
    (share moved x lot) as diverted even where a stock limit cut the tonnes mined."""
    data = direct(transit=1.0, horizon=40, extra_channels=channels("informal"),
                  shocks=capture(1.0, start=0, end=20),
                  policies={"export_bans": {"ban": {
                      "commodity": "copper", "start": 0, "end": 30,
                      "channels": ["informal"], "stock_limit_days": 4.5}}})
    world = ran(data)
    informal = world.channel_index["informal"]
    # all output is diverted to informal for 20 days while informal may not export: the
    # stockyard takes 4.5 days of it (450 t, the fifth day's lot cut to 50 t), the rest is
    # not mined. Diverted is what was mined for informal, not the 100 t/day planned
    assert world.mined_by_channel[0, informal] == pytest.approx(450.0, **EXACT)
    assert world.diverted_by_channel[0, informal] == pytest.approx(450.0, **EXACT)
    assert world.curtailed[0] == pytest.approx(20 * 100.0 - 450.0, **EXACT)
