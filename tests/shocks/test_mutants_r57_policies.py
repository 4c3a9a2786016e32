"""Deals, quota periods and rules for mines of another country (review 57).

Each test fails on a small, plausible bug (named in its docstring) that survived the rest of
the suite. Scenarios are the one-lane chains of ``conftest.direct_scenario`` (a mine in COD
sending copper straight to a market abroad, one lot a day at the day's start, exported the
moment it leaves the mine), so the tonnes follow by hand. 2024-01-01 is day 0, so
February is days 31 to 59.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from types import SimpleNamespace

import pytest

from sim.shocks.policies import quota_periods

EXACT = {"rel": 1e-12, "abs": 1e-9}
TEN_A_DAY = 10 * 365.25  # t/yr



def february(world, channel: int = 0) -> float:
    return float(world.recorder.exported[31:60, 0, channel].sum())


def quota(schedule: list[dict], **fields) -> dict:
    return {"export_quotas": {"q": {"commodity": "copper", "schedule": schedule, **fields}}}


def month(name: str, tonnes: float) -> dict:
    first, last = {"jan": ("2024-01-01", "2024-01-31"),
                   "feb": ("2024-02-01", "2024-02-29")}[name]
    return {"start": first, "end": last, "tonnes": tonnes}


# ----------------------------------------------------------------------------- deals
def test_adding_a_deal_leaves_whether_another_fails(direct, world_of) -> None:
    """Mutant: a deal's failure is drawn from a stream keyed by its position in the file,
    so a deal added before it changes whether it fails (no common random numbers)."""
    later = {"mines": ["mine"], "commodities": ["copper"], "share": 0.5, "to_channel": "us",
             "start": 5, "probability_fails": 0.5}
    earlier = {**later, "start": 2, "share": 0.1}
    channels = {"us": {"routes": {"main": {"path": ["market"]}}}}

    def fails(deals: dict, seed: int) -> bool:
        data = direct(horizon=10, extra_channels=channels,
                      policies={"offtake_deals": deals})
        world = world_of(data, seed)
        return {state.ident: state.failed for state, _m in world.shocks.deals}["later"]

    alone = [fails({"later": later}, seed) for seed in range(1, 17)]
    behind = [fails({"earlier": earlier, "later": later}, seed) for seed in range(1, 17)]
    assert behind == alone
    assert any(alone) and not all(alone)  # the draw matters in these seeds


# ----------------------------------------------------------------------------- quota periods
@pytest.mark.parametrize("carry", [False, True])
def test_a_periods_allowance_is_gone_on_the_next_periods_first_day(direct, ran,
                                                                   carry: bool) -> None:
    """Mutants: a period's allowance expires a day after its end, or is still usable at
    the instant it expires, so January's unused tonnes ship on 1 February."""
    # 10 t/day: January leaves 190 t of its 500 t unused; February's 100 t bind. Carried
    # over to a day before January's end, January's allowance still lasts to its end
    fields = {"carry_over": False} if not carry else {"carry_over_until": "2024-01-15"}
    data = direct(transit=1.0, horizon=60, t_per_year=TEN_A_DAY,
                  policies=quota([month("jan", 500), month("feb", 100)], **fields))
    world = ran(data)
    assert float(world.recorder.exported[:31, 0, 0].sum()) == pytest.approx(310.0, **EXACT)
    assert february(world) == pytest.approx(100.0, **EXACT)


def test_carried_over_allowance_lasts_through_its_last_day(direct, ran) -> None:
    """Mutant: carry_over_until is taken as the instant the carried allowance expires, so
    it is lost a day early."""
    data = direct(transit=1.0, horizon=60, t_per_year=TEN_A_DAY,
                  policies=quota([month("jan", 500), month("feb", 50)],
                                 carry_over_until="2024-02-10"))
    world = ran(data)
    # January's 190 t left carry the lots of 1-10 February (100 t, expiring first), then
    # February's own 50 t
    assert february(world) == pytest.approx(100.0 + 50.0, **EXACT)


@pytest.mark.parametrize("first_month", range(1, 13))
def test_a_quarterly_split_keeps_its_first_part_quarter(first_month: int) -> None:
    """Mutant: quota_periods finds the first quarter from the wrong month, so an entry
    starting inside a quarter (in March, June, September or December, say) loses the
    part quarter it starts in.

    Scenario checks refuse a split entry that starts or ends inside a quarter, so this pins
    quota_periods itself: a part quarter at either end is kept, cut to the entry's days."""
    start = dt.date(2024, 1, 1)
    first = dt.date(2024, first_month, 10)
    end = dt.date(2025, 2, 20)
    entry = SimpleNamespace(start=first, end=end, tonnes=90.0, period="quarter")
    periods = quota_periods(entry, lambda d: float((d - start).days), start)
    edges = [dt.date(2024, 4, 1), dt.date(2024, 7, 1), dt.date(2024, 10, 1),
             dt.date(2025, 1, 1)]
    days = [float((d - start).days) for d in [first, *(e for e in edges if e > first)]]
    days.append(float((end - start).days) + 1.0)
    assert periods == [(a, b, 90.0) for a, b in pairwise(days)]


def test_of_quotas_expiring_together_the_narrower_is_drawn_first(direct, ran) -> None:
    """Mutant: quotas whose allowance expires at the same time are drawn on in file order
    (or the wider first), so a channel with a quota of its own also uses up the quota it
    shares, and the channel with only the shared quota runs out."""
    # 50 t/day on each of formal and partner for 20 days; 'both' covers both channels,
    # 'own' only partner, 1,000 t each over the whole run: partner draws on 'own' first,
    # formal on 'both', and every tonne leaves
    whole = [{"start": "2024-01-01", "end": "2024-01-20", "tonnes": 1000}]
    data = direct(transit=1.0, horizon=20,
                  extra_channels={"partner": {"routes": {"main": {"path": ["market"]}}}},
                  policies={"export_quotas": {
                      "both": {"commodity": "copper", "schedule": whole,
                               "channels": ["formal", "partner"]},
                      "own": {"commodity": "copper", "schedule": whole,
                              "channels": ["partner"]}}})
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.5, "partner": 0.5}}
    world = ran(data)
    formal, partner = world.channel_index["formal"], world.channel_index["partner"]
    assert world.exported_by_channel[0, formal] == pytest.approx(20 * 50.0, **EXACT)
    assert world.exported_by_channel[0, partner] == pytest.approx(20 * 50.0, **EXACT)


# ----------------------------------------------------------------------------- another country
def two_countries(build, direct, policies: dict) -> dict:
    """The direct chain plus a mine in Zambia (ZMB) with its own lane to the market."""
    data = direct(transit=1.0, horizon=30, policies=policies)
    data["regions"]["zam"] = {"country": "ZMB"}
    data["sites"]["zmine"] = build.mine(region="zam")
    data["lanes"].update(dict([build.lane("zmine", "market", 1.0)]))
    return data


def test_a_quota_is_shared_by_its_own_countrys_mines_only(build, direct, ran) -> None:
    """Mutant: the default allocation counts every mine's planned exports, so a Zambian
    mine takes half of a Congolese quota (and cannot use it)."""
    whole = [{"start": "2024-01-01", "end": "2024-01-30", "tonnes": 600}]
    data = two_countries(build, direct, {"export_quotas": {"q": {
        "commodity": "copper", "country": "COD", "schedule": whole}}})
    world = ran(data)
    # the Congolese mine's 3,000 t would all leave; the quota lets 600 t of them go
    assert into(world, "mine_market") == pytest.approx(600.0, **EXACT)
    assert into(world, "zmine_market") == pytest.approx(30 * 100.0, **EXACT)


def test_a_ban_leaves_another_countrys_mines_alone(build, direct, ran) -> None:
    """Mutant: a mine asks every ban in force, whatever its country, once a restriction of
    its own country applies (a Congolese ban stops a Zambian mine under a Zambian quota)."""
    whole = [{"start": "2024-01-01", "end": "2024-01-30", "tonnes": 1e6}]
    data = two_countries(build, direct, {
        "export_bans": {"ban": {"commodity": "copper", "country": "COD", "start": 0}},
        "export_quotas": {"q": {"commodity": "copper", "country": "ZMB", "schedule": whole}}})
    world = ran(data)
    assert into(world, "mine_market") == 0.0
    assert into(world, "zmine_market") == pytest.approx(30 * 100.0, **EXACT)


def into(world, lane: str) -> float:
    return float(world.ledger.lane_in[world.lane_index[lane]][0])
