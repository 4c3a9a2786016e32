"""A commodity whose price is not modelled (no ``demand_elasticity``, no shock moving it)
has a price peak of 1 by definition: the human-readable tables leave that row out and say
so, rather than print "gold price_peak_ratio 1.00" as if gold's price had held."""

from __future__ import annotations

from sim.experiment.compare import run_comparison
from sim.output.compare_output import comparison_text
from sim.output.report import headline_frame, run_report_html
from sim.output.tables import headline_table, price_caps, unpriced


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
