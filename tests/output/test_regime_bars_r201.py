"""The calendar draws a conflict regime that has a start of its own, from that start, in its
first state (review 201): m23_escalation's Kivu regimes, starting occupied on 1 January
2026, were not drawn, so every bar stopped there, which read as M23 withdrawing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.dates as mdates

import sim
from sim.output.shock_text import bars, timeline_figure

ROOT = Path(__file__).resolve().parents[2]


def test_a_regime_with_its_own_start_is_a_bar_from_it_in_its_first_state() -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "m23_escalation.yaml")
    regimes = [b for b in bars(sc) if b[0] == "conflict regime"]
    assert regimes == [
        ("conflict regime", "North Kivu conflict", dt.date(2026, 1, 1), None,
         "starts occupied, then random"),
        ("conflict regime", "South Kivu conflict", dt.date(2026, 1, 1), None,
         "starts occupied, then random")]
    fig = timeline_figure(sc)
    assert fig is not None
    ax = fig.axes[0]
    assert "a regime with a start of its own is hatched from it" in ax.get_title()
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 2
    # drawn to the end of the run: what follows the first state is random
    end = mdates.date2num(dt.date(2028, 1, 1))  # the day after 2027-12-31
    assert all(abs(p.get_x() + p.get_width() - end) < 1 for p in hatched)


def test_a_regime_running_from_the_warm_up_is_not_drawn() -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert not [b for b in bars(sc) if b[0] == "conflict regime"]
    fig = timeline_figure(sc)
    assert fig is None or "random regimes and incidents not shown" in fig.axes[0].get_title()


def test_a_regime_dated_before_the_run_is_drawn_from_the_run_s_start() -> None:
    # review 205: dated 2019, it was drawn from 2019 (the axis's left edge) as "starts
    # occupied", where the chain starts occupied with the warm-up, 2023-07-05
    sc = sim.load_scenario(ROOT / "scenarios" / "m23_escalation.yaml",
                           ["shocks.regimes.north_kivu_conflict.start=2019-01-01"])
    (bar,) = [b for b in bars(sc) if b[1] == "North Kivu conflict"]
    assert bar[2:] == (dt.date(2023, 7, 5), None, "starts occupied with the run, then random")
