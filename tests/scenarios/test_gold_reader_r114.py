"""What the gold analyst of review 114 read: sim show gives small tonnages as they are,
the calibration row on eastern gold compares like with like, and the baseline names its
gold figures' other readings as variants."""

from __future__ import annotations

import re
from pathlib import Path

from scenario_scripts import load_script

import sim
from sim.output.describe import describe

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def test_show_gives_a_small_gold_output_and_its_lanes_in_significant_figures() -> None:
    # Twangiza at 0.13 t a year printed "gold 0 t/yr", and its lane "planned 0 t metal/yr"
    sc = sim.load_scenario(BASELINE, overrides=["sites.twangiza.output.gold.t_per_year=0.13"])
    text = describe(sc)
    assert "gold 0.13 t/yr (dore)" in text
    assert "twangiza_kavumu: twangiza -> kavumu" in text
    assert "planned 0.13 t metal/yr" in text
    # large tonnages as before: whole, with separators
    assert re.search(r"planned \d{1,3}(,\d{3})+ t metal/yr", text)
    assert not re.search(r"planned \d+,\d+\.\d+ t metal/yr", text)


def test_the_variants_the_gold_figures_name_run() -> None:
    # the two variants the baseline's texts give for Twangiza and for the gold price
    sc = sim.load_scenario(BASELINE, overrides=[
        "sites.twangiza.output.gold.t_per_year=0.13",
        "commodities.gold.reference_price_usd_per_t={value: 3431, unit: usd/oz}"])
    assert sc.sites["twangiza"].output["gold"].t_per_year == 0.13
    # 3,431 USD/oz in USD/t (32,150.7466 troy ounces a tonne), 44% above 2024's 2,386
    price = sc.commodities["gold"].reference_price_usd_per_t
    assert abs(price - 3431 * 32150.7466) < 1.0
    base = sim.load_scenario(BASELINE).commodities["gold"].reference_price_usd_per_t
    assert round(price / base - 1, 2) == 0.44


def test_the_informal_gold_row_is_against_s28_s_unrecorded_share() -> None:
    # its reference was 95%, The Sentry's share of the region's gold reaching the UAE,
    # not the unrecorded share of S28 (73 kg exported of 15-22 t: 99.5% or more)
    cal = load_script("calibration", "calibration_r114")
    (row,) = [c for c in cal.CHECKS if c.name.startswith("Informal share of eastern gold")]
    assert row.reference == round(1 - 0.073 / 15, 3) == 0.995
    assert "UAE" not in row.source
