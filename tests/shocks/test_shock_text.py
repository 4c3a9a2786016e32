"""The shocks-and-policies description (sim show) and timeline bars of export bans."""

from __future__ import annotations

import datetime as dt

from sim.output.shock_text import bars, describe_shocks
from sim.scenario import scenario_from_dict


def banned(direct, **ban: object):
    data = direct(transit=1.0, horizon=120, policies={"export_bans": {"ban": {
        "commodity": "copper", "start": 10, **ban}}})
    return scenario_from_dict(data)


def test_a_ban_given_by_duration_ends_there_in_the_timeline_and_the_text(direct) -> None:
    sc = banned(direct, duration_days=30)
    (bar,) = [b for b in bars(sc) if b[0] == "export ban"]
    assert bar[2] == sc.start + dt.timedelta(days=10)
    assert bar[3] == sc.start + dt.timedelta(days=40)  # it ran to the end of the run
    # in words, the last day it is in force (review 96: "to <end>" read as including it)
    assert f"to {sc.start + dt.timedelta(days=39)} inclusive" in describe_shocks(sc)


def test_a_ban_on_some_channels_says_which(direct) -> None:
    (bar,) = [b for b in bars(banned(direct, channels=["formal"])) if b[0] == "export ban"]
    assert bar[4] == "COD copper exports stopped (formal)"
    (bar,) = [b for b in bars(banned(direct)) if b[0] == "export ban"]
    assert bar[4] == "COD copper exports stopped"
