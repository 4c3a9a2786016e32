"""A commodity whose price is not modelled (no ``demand_elasticity``, no shock moving it)
has a price peak of 1 by definition: the human-readable tables leave that row out and say
so, rather than print "gold price_peak_ratio 1.00" as if gold's price had held."""

from __future__ import annotations

import re
from pathlib import Path

import sim
from sim.experiment.compare import run_comparison
from sim.output.compare_output import comparison_text
from sim.output.report import compare_report_html, headline_frame, run_report_html
from sim.output.tables import headline_table, price_caps, unpriced

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
TINY = ROOT / "tests" / "data" / "tiny.yaml"
CAP = "commodities.copper.price_cap_ratio=1.01"


def price_rows(text: str, commodity: str) -> list[str]:
    return [line for line in text.splitlines()
            if line.startswith(commodity) and "price_peak_ratio" in line]


def test_gold_is_unpriced_and_copper_and_cobalt_are_not(baseline_short) -> None:
    assert unpriced(baseline_short.scenario, baseline_short.summary()) == ["gold"]


def test_the_terminal_summary_leaves_out_an_unmodelled_price(baseline_short) -> None:
    summary = baseline_short.summary()
    text = headline_table(summary, caps=price_caps(baseline_short.scenario),
                          unpriced=unpriced(baseline_short.scenario, summary))
    assert not price_rows(text, "gold") and price_rows(text, "copper")
    assert "price not modelled for gold" in text


def test_the_report_leaves_out_an_unmodelled_price(baseline_short) -> None:
    summary = baseline_short.summary()
    frame = headline_frame(summary, price_caps(baseline_short.scenario),
                           unpriced(baseline_short.scenario, summary))
    peaks = frame[frame["metric"].str.startswith("price_peak_ratio")]
    assert set(peaks["commodity"]) == {"cobalt", "copper"}
    assert "Price not modelled for gold" in run_report_html(baseline_short)


def test_a_comparison_leaves_out_a_price_modelled_in_neither(baseline_short) -> None:
    comp = run_comparison([baseline_short, baseline_short])
    text = comparison_text(comp)
    assert not price_rows(text, "gold") and price_rows(text, "cobalt")
    assert "price not modelled for gold" in text


# ======================================================= a price moved down, capped peaks
def test_a_price_a_shock_moves_down_is_modelled(baseline_short) -> None:
    from sim.output.tables import price_modelled

    sc = baseline_short.scenario
    assert not price_modelled(sc, "gold")
    lower = sim.load_scenario(BASELINE, overrides=[
        "horizon_days=60", "warmup_days=30",
        "shocks.events.gold_falls={start: 10, end: 40, targets: {commodities: [gold]}, "
        "effects: {price_factor: 0.7}}"])
    assert price_modelled(lower, "gold")
    assert unpriced(lower, baseline_short.summary()) == []


def test_the_results_repr_says_what_the_summary_says(baseline_short, shock_yaml) -> None:
    text = repr(baseline_short)
    assert "gold price_peak_ratio" not in text and "copper price_peak_ratio" in text
    capped = sim.run(sim.load_scenario(shock_yaml, overrides=[CAP]), replications=2, seed=1)
    assert "copper price_peak_ratio (at the cap): 1.01 ratio" in repr(capped)
    assert "at the cap" in capped._repr_html_()


def test_the_comparison_report_names_capped_and_unmodelled_prices(shock_yaml) -> None:
    ref = sim.run(sim.load_scenario(TINY), replications=2, seed=1)
    capped = sim.run(sim.load_scenario(shock_yaml, overrides=[CAP]), replications=2, seed=1)
    html = compare_report_html([("tiny", ref), ("tiny_shock", capped)])
    assert "Price peak at the cap in tiny_shock: copper (1.01)" in html
    assert "price_peak_ratio (tiny_shock at the cap)" in html
    # the cap is not a finding with an interval
    assert not re.search(r"copper price_peak_ratio[^<]*\(all equal\)", html)
