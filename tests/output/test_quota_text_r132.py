"""Review 132: how a quota is described. ``sim show`` left out who gets a quota and when its
first exports may leave, an open-ended ban had no end wording, the calendar drew a quota
carried over to March only to its last period's end, and a quota the state keeps whole
passed without a word."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

import sim
from sim.output.shock_text import bars, describe_shocks
from sim.scenario.shock_checks import idle_policies

ROOT = Path(__file__).resolve().parents[2]
BAN = ROOT / "scenarios" / "export_ban_2025.yaml"
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def line_of(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


def test_the_quota_text_gives_its_allocation_and_first_exports() -> None:
    sc = sim.load_scenario(BAN)
    text = describe_shocks(sc)
    q4 = line_of(text, "  export quota quota_q4_2025:")
    assert "first exports 77 days after the quota starts (from 2026-01-01)" in q4
    assert ("shared among kfm 23.45%, tfm 12.41%, kcc 14.8%, mutanda 6.85%, metalkol "
            "11.72%, rest_cathode 30.77%") in q4
    assert line_of(text, "  export ban artisanal_outside_quota:").startswith(
        "  export ban artisanal_outside_quota: cobalt from 2025-02-22 to the end of the run")
    bar = next(b for b in bars(sc) if b[1] == "quota q4 2025")  # its id as words
    # in force to its carry-over's 31 March 2026 (the bar's end is the day after)
    assert bar[2:4] == (dt.date(2025, 10, 16), dt.date(2026, 4, 1))
    assert bar[4].endswith("quota, first exports 2026-01-01")


def test_a_quota_without_allocation_says_how_it_is_shared() -> None:
    sc = sim.load_scenario(TINY, ["policies.export_quotas.q={commodity: copper, "
                                  "schedule: [{start: 0, end: 49, tonnes: 100}]}"])
    q = line_of(describe_shocks(sc), "  export quota q:")
    assert "shared by the mines' planned output on its channels" in q
    assert "first exports" in q and "(from " not in q
    bar = next(b for b in bars(sc) if b[1] == "q")
    assert bar[3] == dt.date(2024, 2, 20)  # the day after its last day, 2024-02-19


@pytest.mark.parametrize("share, noted", [(1.0, True), (0.99, False)])
def test_a_quota_the_state_keeps_whole_is_noted(share: float, noted: bool) -> None:
    quota = ("policies.export_quotas.q={commodity: copper, schedule: [{start: 0, end: 49, "
             f"tonnes: 100}}], strategic_share: {share}}}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sc = sim.load_scenario(TINY, [quota])
    assert any("keeps every tonne" in str(w.message) for w in caught) is noted
    assert any("keeps every tonne" in n for n in idle_policies(sc)) is noted


def test_the_first_exports_day_counts_a_part_day_start() -> None:
    # review 134: a start at day 10.5 and a delay of 0.6 allow exports from day 11.1
    sc = sim.load_scenario(TINY, ["policies.export_quotas.q={commodity: copper, schedule: "
                                  "[{start: 10.5, end: 40, tonnes: 1000}], "
                                  "first_export_delay_days: 0.6}"])
    q = line_of(describe_shocks(sc), "  export quota q:")
    assert "(from 2024-01-12)" in q
