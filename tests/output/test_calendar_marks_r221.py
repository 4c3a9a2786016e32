"""Review 221, items 1-4: the calendar as a reader sees it.

1. The ▶ is explained in the figure's key and its caption; the lighter part of a ramp ending
   weeks before the run's end is outlined and carried by the words ("then kept ▶").
2. Every bar that goes on past the run's end (no end, an end after it, or a ramp's kept
   result) gets a ▶, and only those: export_ban_2025's "artisanal outside quota" ban, which
   has no end, looked like the 2027 quota that really ends with the run.
3. An offtake deal's bar gives its ramp and its chance of failing, and draws its ramp as an
   upgrade's; a corridor upgrade's gives its target.
4. The calendar's caption says what its lines, lighter part, ▶ and hatching mean."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.colors as mcolors
import pytest

import sim
from sim.output.shock_text import bars, timeline_caption, timeline_figure

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, sets: list[str] | None = None) -> sim.Scenario:
    return sim.load_scenario(ROOT / "scenarios" / f"{name}.yaml", sets or [])


def _rows_with_arrow(sc: sim.Scenario) -> set[str]:
    fig = timeline_figure(sc)
    assert fig is not None
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    rows = {int(round(ln.get_ydata()[0])) for ln in ax.lines if ln.get_label() == "_goes on"}
    assert all(ln.get_marker() == ">" for ln in ax.lines if ln.get_label() == "_goes on")
    return {labels[r] for r in rows}


def test_a_bar_with_no_end_gets_the_arrow_and_one_ending_with_the_run_does_not() -> None:
    sc = _load("export_ban_2025")
    assert _rows_with_arrow(sc) == {"export ban: artisanal outside quota"}


def test_every_bar_going_on_past_the_run_s_end_gets_the_arrow() -> None:
    sc = _load("us_partnership")
    assert _rows_with_arrow(sc) == {
        "event: Leakage of copper to informal channels with oversight",
        "event: Leakage of cobalt to informal channels with oversight",
        "offtake deal: orion glencore", "corridor upgrade: lobito atlantic railway",
        "security support: us security support"}


def test_an_end_after_the_run_s_end_gets_the_arrow_and_the_bar_stops_at_the_run_s_end(
        ) -> None:
    sc = _load("us_partnership",
               ["policies.security_support.us_security_support.end=2030-01-01"])
    assert "security support: us security support" in _rows_with_arrow(sc)
    fig = timeline_figure(sc)
    ax = fig.axes[0]
    import matplotlib.dates as mdates

    end_of_run = sc.start + dt.timedelta(days=int(sc.horizon))
    assert max(mdates.num2date(p.get_x() + p.get_width()).date()
               for p in ax.patches) == end_of_run
    ended = _load("us_partnership",
                  ["policies.security_support.us_security_support.end=2027-06-01"])
    assert "security support: us security support" not in _rows_with_arrow(ended)


def test_the_arrow_is_keyed_in_the_title_only_where_drawn() -> None:
    title = " ".join(timeline_figure(_load("export_ban_2025")).axes[0].get_title().split())
    assert "\u25b6: goes on past the run's end" in title
    assert "lighter" not in title  # no ramp there
    sc = _load("export_ban_2025", ["policies.export_bans.artisanal_outside_quota.end=2026-01-01"])
    assert not _rows_with_arrow(sc)
    title = " ".join(timeline_figure(sc).axes[0].get_title().split())
    assert "\u25b6" not in title


def test_an_offtake_deal_gives_its_ramp_and_chance_of_failing() -> None:
    sc = _load("us_partnership")
    [deal] = [b for b in bars(sc) if b[0] == "offtake deal"]
    assert deal[3] == dt.date(2026, 12, 28)  # 180 days after 2026-07-01: its ramp
    assert " ".join(deal[4].split()) == ("40% to us_partnered, ramp to 2026-12-28, then kept "
                                         "\u25b6; fails in 30% of replications")
    ax = timeline_figure(sc).axes[0]
    row = [t.get_text() for t in ax.get_yticklabels()].index("offtake deal: orion glencore")
    blue = [p for p in ax.patches if abs(p.get_y() + p.get_height() / 2 - row) < 1e-9]
    ramp, kept = sorted(blue, key=lambda p: p.get_x())
    assert mcolors.to_rgba(kept.get_facecolor())[3] < mcolors.to_rgba(ramp.get_facecolor())[3]


def test_a_deal_without_a_ramp_or_risk_is_a_plain_bar_to_the_run_s_end() -> None:
    sc = _load("us_partnership", ["policies.offtake_deals.orion_glencore.ramp_days=0",
                                  "policies.offtake_deals.orion_glencore.probability_fails=0"])
    [deal] = [b for b in bars(sc) if b[0] == "offtake deal"]
    assert deal[3:] == (None, "40% to us_partnered")
    assert "offtake deal: orion glencore" in _rows_with_arrow(sc)


def test_a_corridor_upgrade_gives_its_target() -> None:
    [up] = [b for b in bars(_load("us_partnership")) if b[0] == "corridor upgrade"]
    assert " ".join(up[4].split()) == (
        "Kolwezi rail terminal (Lobito Atlantic Railway) → Lobito rail: to 4,107 t/day, "
        "transit x0.74; ramp to 2027-12-17, then kept \u25b6")


def test_the_lighter_sliver_is_outlined() -> None:
    ax = timeline_figure(_load("us_partnership")).axes[0]
    kept = [p for p in ax.patches if mcolors.to_rgba(p.get_facecolor())[3] < 0.5]
    assert len(kept) == 2  # the deal's and the upgrade's
    assert all(p.get_linewidth() > 0 for p in kept)
    # review 226 (K25): outlined in the bar's own colour, not a transparent edge of 1 pt
    for p in kept:
        edge, face = mcolors.to_rgba(p.get_edgecolor()), mcolors.to_rgba(p.get_facecolor())
        assert edge[3] > 0 and edge[:3] == face[:3], (edge, face)


@pytest.mark.parametrize(("name", "said", "unsaid"), [
    ("us_partnership", ["solid vertical line", "dashed one the end of the run",
                        "lighter part", "\u25b6 at the end of the run"], ["hatched"]),
    ("export_ban_2025", ["\u25b6 at the end of the run"], ["lighter", "hatched"]),
    ("m23_escalation", ["hatched bar is a conflict regime"], []),
])
def test_the_calendar_caption_says_what_its_marks_mean(name: str, said: list[str],
                                                       unsaid: list[str]) -> None:
    caption = timeline_caption(_load(name))
    assert caption.startswith("Shocks and policies on the calendar (as scripted")
    for words in said:
        assert words in caption
    for words in unsaid:
        assert words not in caption
