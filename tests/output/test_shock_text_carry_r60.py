"""`sim show` says what a quota does: a `carry_over_until` beside `carry_over: false` is
ignored by the engine, and the text said "carry-over no until 2025-12-31" (review 60)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.output.shock_text import describe_shocks
from sim.scenario import load_scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.mark.parametrize(("carry", "said"), [("false", "carry-over no;"),
                                             ("true", "carry-over yes to 2024-02-29 inclusive;")])
def test_a_quota_is_described_by_what_it_does(tmp_path: Path, carry: str, said: str) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(f"""extends: {TINY}
name: q
policies:
  export_quotas:
    q:
      commodity: copper
      carry_over: {carry}
      carry_over_until: 2024-02-29
      schedule: [{{start: 2024-01-01, end: 2024-01-31, tonnes: 100}}]
      assumption: test input
""", encoding="utf-8")
    text = " ".join(describe_shocks(load_scenario(path)).split())
    assert said in text


def test_a_quota_on_named_channels_caps_the_mines_only() -> None:
    # refined metal belongs to no channel: only a quota on all channels caps refiners
    root = Path(__file__).resolve().parents[2]
    text = " ".join(describe_shocks(load_scenario(root / "scenarios" /
                                                  "export_ban_2025.yaml")).split())
    assert "exports of mines in COD;" in text and "mines and refiners" not in text
