"""Two short children of the US-partnership comparison for review 226's report tests:
baseline_leakage and us_partnership over December 2025-January 2026 (62 days, no warm-up),
the partnership's offtake deal moved into them, so the comparison has refiners, a deal
channel (us_partnered), queues at kasumbalesa and sites only us_partnership names
(baltimore_us_nds)."""

from __future__ import annotations

from pathlib import Path

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHORT = "start: 2025-12-01\nend: 2026-01-31\nhorizon_days: null\nwarmup_days: 0\n"


def write_short(folder: Path) -> tuple[Path, Path]:
    """(baseline_leakage, us_partnership) shortened, written into ``folder``."""
    base = folder / "base_short.yaml"
    base.write_text(f"extends: {SCENARIOS / 'baseline_leakage.yaml'}\n"
                    f"name: baseline_leakage\n{SHORT}", encoding="utf-8")
    us = folder / "us_short.yaml"
    us.write_text(f"extends: {SCENARIOS / 'us_partnership.yaml'}\nname: us_partnership\n"
                  f"{SHORT}policies:\n  offtake_deals:\n    orion_glencore:\n"
                  "      start: 2025-12-10\n      ramp_days: 20\n", encoding="utf-8")
    return base, us
