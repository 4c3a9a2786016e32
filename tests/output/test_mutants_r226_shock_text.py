"""Review 226: survivors of the mutation review of :mod:`sim.output.shock_text` (K11, K14,
K18); K25 is checked in tests/output/test_calendar_marks_r221.py
(test_the_lighter_sliver_is_outlined: the outline's colour is not transparent)."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.output.shock_text import bars, calendar_marks, timeline_caption

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def _ramped(ramp_days: int) -> sim.Scenario:
    """tiny.yaml (100 days from 2024-01-01) with mine_a ramping up from day 10."""
    return sim.load_scenario(TINY, [f"sites.mine_a.ramp_up={{start: 10, ramp_days: "
                                    f"{ramp_days}, initial_factor: 0.5}}"])


def test_a_mine_ramp_ups_bar_says_what_it_ramps_to_is_kept() -> None:
    # K11 (kept(full) -> ", then kept"): the ▶ the key explains was dropped
    [ramp] = [b for b in bars(_ramped(30)) if b[0] == "mine ramp-up"]
    assert ramp[4] == "from 50% to full output on 2024-02-10, then kept \u25b6", ramp


def test_a_ramp_ending_with_the_run_has_no_lighter_part() -> None:
    # K14 (end < end_of_run -> <=): a ramp ending on the run's last day (2024-04-10) draws
    # no lighter part, so the caption says nothing of one
    sc = _ramped(90)
    [ramp] = [b for b in bars(sc) if b[0] == "mine ramp-up"]
    assert "2024-04-10" in ramp[4]
    assert calendar_marks(sc)["kept"] is False
    assert "lighter part" not in timeline_caption(sc)
    # a day earlier it is drawn and said
    assert "The lighter part of a ramp's bar" in timeline_caption(_ramped(89))


def test_the_calendar_caption_names_whose_calendar_it_is() -> None:
    # K18 (the ``whose`` prefix dropped): a comparison report's calendars were unnamed
    caption = timeline_caption(_ramped(30), "baseline_leakage: ")
    assert caption.startswith("baseline_leakage: Shocks and policies on the calendar"), caption
