"""What scenarios/README.md and export_ban_2025.yaml say about the published runs (review 52).

The review found: the combined scenario's rent put down to the partnership's security support
starting in 2026 (both files start it in 2026; the gap is the period); Kasumbalesa's queue
turned into trucks at the cathode payload, though concentrate and hydroxide trucks queue
too; the `price_basis: supply` variant described one way in the README and another in the
yaml; the validation's price row silent on the price level; and the combined scenario's
3-replication shares not saying that the Orion deal failed in all three runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from scenario_scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
README = SCENARIOS / "README.md"


def _prose(text: str) -> str:
    """Whitespace collapsed, so a phrase wrapped over two lines still matches."""
    return " ".join(text.split())


def _section(heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]


def _table(section: str) -> dict[str, list[str]]:
    """The first table of a section: label -> cells (unit, reference, scenario, diff, change)."""
    rows = {}
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("| result"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.setdefault(cells[0], cells[1:])
        elif rows:
            break
    return rows


def _mean(cell: str) -> float:
    return float(cell.split("(")[0].replace(",", ""))


def _headlines():
    return load_script("headlines", "headlines_r52")


def test_combined_rent_is_explained_by_the_period_not_the_support_start():
    combined = _prose(_section("combined_2025.yaml"))
    assert "security support starts only in 2026" not in combined
    assert "The gap is the period, not the partnership" in combined
    assert "only from 30 April 2024" in combined
    assert "20 replications (seed 2024, paired)" in combined
    m23 = _prose(_section("m23_escalation.yaml"))
    assert "nets a smaller rent than the baseline's in the first half of 2024" in m23


def test_kasumbalesa_trucks_come_from_the_trucks_row_not_the_cathode_payload():
    section = _section("corridor_shocks.yaml")
    rows = _table(section)
    labels = [row.label for row in _headlines().HEADLINES["corridor_shocks"]]
    assert list(rows) == labels  # the README's table is the one headlines.py prints
    trucks = rows["trucks queued at Kasumbalesa at worst"]
    base, shocked = round(_mean(trucks[1])), round(_mean(trucks[2]))
    text = _prose(section)
    assert "3,300 trucks" not in text
    assert f"{shocked:,}" in text and f"{base:,}" in text
    assert "[L9] reported" in text and "overstates what it had queued on the report date" in text
    bullet = _prose(README.read_text(encoding="utf-8"))
    assert "64,500 t of copper (about 2,000 trucks)" not in bullet
    assert f"({base:,}," in bullet


def test_supply_price_variant_is_told_the_same_way_in_readme_and_yaml():
    readme = _prose(README.read_text(encoding="utf-8"))
    ban_text = (SCENARIOS / "export_ban_2025.yaml").read_text(encoding="utf-8")
    header = _prose(" ".join(line.lstrip("# ") for line in ban_text.splitlines()
                             if line.startswith("#")))
    description = _prose(yaml.safe_load(ban_text)["description"])
    for text in (readme, header, description):
        assert not re.search(r"rises from (June|August) 2025", text)
        assert "second half of January 2026" in text
    for text in (readme, header):
        # like with like (review 54): averaged peaks against averaged, the highest single
        # replication against the highest
        assert "up to 2.21 in single replications" in text and "1.84" in text
    # the first week at the cap under the shipped price basis: one window in both
    assert "between August 2026 and August 2027" in readme
    assert "between August 2026 and August 2027" in header
    assert "January 2027" not in header


def test_validation_price_row_says_the_level_does_not_match_and_names_the_lme_variant():
    rows = [line for line in _section("Validation against 2025").splitlines()
            if line.startswith("| Cobalt price")]
    assert len(rows) == 1
    assert "USD 37,480/t" in rows[0] and "about 70% above" in rows[0]
    lme = "--set commodities.cobalt.reference_price_usd_per_t=26455"
    assert lme in rows[0]
    variants = [line for line in README.read_text(encoding="utf-8").splitlines()
                if line.startswith("| Cobalt reference price")]
    assert len(variants) == 1 and lme in variants[0]


def test_combined_three_replication_figures_say_the_deal_failed():
    combined = _prose(_section("combined_2025.yaml"))
    assert "the Orion deal fails in all three, so these runs have no US-partnered flow" in combined
