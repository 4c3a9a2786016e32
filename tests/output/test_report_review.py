"""The report review's findings: the timeline's day numbers as dates, when a regime
begins, the comparison's captions, notes, scenarios and differences tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sim
from sim.output.report import dated_detail
from sim.output.shock_text import describe_shocks

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


# ================================================ 2: the timeline's day numbers as dates
def test_the_timeline_gives_a_quotas_days_as_dates() -> None:
    # export_ban_2025 starts on 2024-07-01: day 549 is 2026-01-01; a quota period "to day
    # 488" ends before day 488 (2025-11-01), so its last day is 2025-10-31
    start = dt.date(2024, 7, 1)
    assert (dated_detail("first exports from day 549", start)
            == "first exports from 2026-01-01")
    assert dated_detail("3,625 t to day 488", start) == "3,625 t to 2025-10-31"
    assert (dated_detail("21% armed-group tax until day 730.0", start)
            == "21% armed-group tax until 2026-07-01")
    assert dated_detail("diverted to informal", start) == "diverted to informal"


def test_sim_show_counts_a_quotas_first_exports_from_the_quota() -> None:
    text = describe_shocks(sim.load_scenario(SCENARIOS / "export_ban_2025.yaml"))
    assert "first exports 77 days after the quota starts" in text
    assert "days after the start" not in text
