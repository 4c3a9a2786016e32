"""Review 96, finding 3: ``sim show`` wrote an exclusive end as "to <end date>" (an
event with ``end: 2025-08-01`` as "from 2025-05-01 to 2025-08-01"), which reads as
including the end date, while quota periods in the same listing, whose ends are last
days, were written the same way. Every end is now given as the last day in force,
marked inclusive."""

from __future__ import annotations

from pathlib import Path

from sim.output.shock_text import describe_shocks
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"

ENDS = f"""extends: {TINY}
name: ends
shocks:
  events:
    closed:
      start: 2024-02-01
      end: 2024-02-10
      targets: {{sites: [border]}}
      effects: {{added_delay_days: 1}}
    part_day:
      start: 20
      end: 30.5
      targets: {{sites: [border]}}
      effects: {{added_delay_days: 1}}
  regimes:
    unrest:
      targets: {{sites: [border]}}
      states:
        calm: {{}}
        bad: {{effects: {{added_delay_days: 1}}}}
      rates_per_year:
        calm: {{bad: 2}}
        bad: {{calm: 6}}
policies:
  export_bans:
    stop:
      commodity: copper
      start: 2024-03-01
      end: 2024-03-15
    short:
      commodity: copper
      start: 2024-03-20
      duration_days: 5
  export_quotas:
    cap:
      commodity: copper
      schedule:
        - {{start: 2024-03-15, end: 2024-03-31, tonnes: 100}}
      carry_over_until: 2024-03-31
  security_support:
    help:
      start: 2024-02-01
      end: 2024-03-01
      regimes: [unrest]
      escalation_factor: 0.5
"""


def _text(tmp_path: Path) -> str:
    path = tmp_path / "ends.yaml"
    path.write_text(ENDS, encoding="utf-8")
    return describe_shocks(load_scenario(path))


def test_exclusive_ends_are_given_as_the_last_day(tmp_path: Path) -> None:
    text = _text(tmp_path)
    assert "  event closed from 2024-02-01 to 2024-02-09 inclusive: " in text
    assert "  export ban stop: copper from 2024-03-01 to 2024-03-14 inclusive; " in text
    # duration_days: 5 from 20 March covers 20 to 24 March
    assert "  export ban short: copper from 2024-03-20 to 2024-03-24 inclusive; " in text
    assert "  security support help from 2024-02-01 to 2024-02-29 inclusive: " in text
    for end in ("2024-02-10", "2024-03-15", "2024-03-25", "2024-03-01"):
        assert f"to {end}" not in text, end


def test_an_end_partway_through_a_day_says_so(tmp_path: Path) -> None:
    # day 30.5 from 2024-01-01 is partway through 2024-01-31
    assert ("  event part_day from 2024-01-21 to 2024-01-31 inclusive (it stops partway "
            "through that day, at day 30.5): ") in _text(tmp_path)


def test_quota_periods_are_marked_inclusive_the_same_way(tmp_path: Path) -> None:
    text = _text(tmp_path)
    assert "100 t 2024-03-15 to 2024-03-31 inclusive;" in text
    assert "carry-over yes to 2024-03-31 inclusive;" in text
