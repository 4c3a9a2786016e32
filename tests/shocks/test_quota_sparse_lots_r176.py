"""Review 176: with carry_over: false and lots less often than daily, a quota's allowance
released after a period's last lot (or a whole period's, with none in it) expired unused,
without a word: a monthly 1,000 t quota released daily let 5,276 t of 6,000 leave over six
months of weekly lots. A mine ships only as it mines a lot; the scenario now says so."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import sim
from sim.scenario import meta_of

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
QUOTA = ["policies.export_quotas.q={commodity: copper, carry_over: false, schedule: "
         "[{start: 2024-01-01, end: 2024-04-30, tonnes: 1000, period: month}]}",
         "horizon_days=null", "end=2024-04-09"]


def notes(*extra: str) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = sim.load_scenario(TINY, [*QUOTA, *extra])
    return [n for n in meta_of(sc).notes if "less often than daily" in n]


@pytest.mark.parametrize(("release", "lost"), [
    ("daily", "each day's release after a period's last lot expires unused"),
    ("period_start", "the allowance of a period with no lot expires unused")])
def test_weekly_lots_without_carry_over_are_noted(release: str, lost: str) -> None:
    (note,) = notes("lot_period_days=7", f"policies.export_quotas.q.release={release}")
    assert note.startswith("export quota 'q' has carry_over: false and mine_a mines a lot "
                           "less often than daily")
    assert lost in note


def test_daily_lots_or_carry_over_say_nothing() -> None:
    assert notes() == []
    assert notes("lot_period_days=7", "policies.export_quotas.q.carry_over=true") == []
