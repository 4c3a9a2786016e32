"""Review 215, finding 3: copper concentrate set no payable_share, so the default of 1
valued its copper at the full metal price without a word, where hydroxide's share is
cited. The baseline now gives the 1.0 itself, as an assumption that says why (no payable
for concentrate in the reference sheets) and that it is an upper bound."""

from __future__ import annotations

from pathlib import Path

import yaml

import sim

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def test_concentrate_payable_is_given_as_an_upper_bound() -> None:
    forms = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))["commodities"]["copper"][
        "forms"]
    given = forms["concentrate"]["payable_share"]
    assert given["value"] == 1.0
    assert "upper bound" in given["assumption"]
    assert "reference sheets" in given["assumption"]
    # the default it spells out: the loaded value is the same
    sc = sim.load_scenario(BASELINE)
    assert sc.commodities["copper"].forms["concentrate"].payable_share == 1.0
