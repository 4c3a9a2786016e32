"""A comparison's summary in the terminal and in Jupyter reads as `sim compare`'s table
does (review 158): a price peak at the cap is a bound without an interval, a price not
modelled has no row, a relative change keeps its decimal, and pairs that did not differ
are not shown as a certain interval "[0, 0]"."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory, shock_yaml: Path) -> sim.Comparison:
    path = tmp_path_factory.mktemp("capped") / "capped.yaml"
    # tiny's own copper price peaks at 1.22: the shock's is held at 1.2
    path.write_text(f"extends: {shock_yaml}\nname: capped\ncommodities:\n  copper:\n"
                    "    price_cap_ratio: {value: 1.2, assumption: test input}\n")
    return sim.run_comparison([TINY, path], 2, 1)


def test_a_peak_at_the_cap_is_a_bound_without_an_interval(capped: sim.Comparison) -> None:
    line = next(x for x in repr(capped).splitlines() if "price_peak_ratio" in x)
    assert line.startswith("  capped copper price_peak_ratio (capped at the cap): \u2265 -0.0214 "
                           "ratio (at least -1.8%)"), line
    assert "[" not in line
    html = capped._repr_html_()
    assert "<td>price_peak_ratio (capped at the cap)</td>" in html
    assert "\u2265 -0.0214</td><td style='text-align:right'></td>" in html
    assert "at least -1.8%" in html


def test_pairs_that_did_not_differ_say_so(capped: sim.Comparison) -> None:
    text = repr(capped)
    assert "  capped copper shortfall_t: +1,500 t, the same in every pair (+500.0%)" in text
    assert "[+1,500, +1,500]" not in text
    assert "<td style='text-align:right'>all equal</td>" in capped._repr_html_()


def test_an_unmodelled_price_has_no_row_and_changes_keep_a_decimal() -> None:
    set_ = ["horizon_days=60", "warmup_days=30"]
    comp = sim.run_comparison([ROOT / "scenarios" / "baseline.yaml",
                               ROOT / "scenarios" / "baseline_leakage.yaml"], 2, 1,
                              overrides=set_)
    text = repr(comp)
    assert "gold price_peak_ratio" not in text and "copper price_peak_ratio" in text
    assert "gold price_peak_ratio" not in comp._repr_html_()
    rel = comp.table.set_index(["scenario", "commodity", "channel", "site", "metric"]).loc[
        ("baseline_leakage", "copper", "all", "all", "delivered_t"), "rel_change"]
    assert f"({rel:+.1%})" in text
