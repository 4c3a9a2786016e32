"""Review 72, F7: a headline row whose reference mean is 0 read "new" (a change from
nothing) even when the difference's 95% interval includes 0 (``shortfall_t 0 120 120
[-16.02, 256] new 80%``): the scenario's flow may well be 0 too. "new" now needs an
interval that excludes 0, in sim compare's text and compare.md and in the comparison
report; such a row reads "-" as one with no relative change does."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pytest

from sim.experiment.compare import run_comparison
from sim.output.tables import NEW, change_text

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
SLOW = ("clearance_trucks_per_day: {value: 100", "clearance_trucks_per_day: {value: 2")


def test_change_text_needs_an_interval_excluding_zero() -> None:
    assert change_text(math.nan, 0.0, 120.0, 16.0, 256.0) == NEW
    assert change_text(math.nan, 0.0, -120.0, -256.0, -16.0) == NEW
    assert change_text(math.nan, 0.0, 120.0, -16.02, 256.0) == "-"
    assert change_text(math.nan, 0.0, 120.0, 0.0, 256.0) == "-"
    assert change_text(math.nan, 0.0, 120.0, math.nan, math.nan) == "-"
    # every pair gave the same difference: no spread, and 0 is not in it
    assert change_text(math.nan, 0.0, 120.0, 120.0, 120.0) == NEW
    # a relative change reads as before, whatever its interval
    assert change_text(0.125, 8.0, 1.0, -1.0, 3.0) == "+12.5%"


@pytest.fixture(scope="module")
def comp(tmp_path_factory: pytest.TempPathFactory):
    d = tmp_path_factory.mktemp("r72new")
    text = TINY.read_text(encoding="utf-8")
    assert text.count(SLOW[0]) == 1
    (d / "a.yaml").write_text(text.replace("name: tiny", "name: base", 1))
    (d / "b.yaml").write_text(text.replace("name: tiny", "name: slow", 1)
                              .replace(*SLOW))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_comparison([d / "a.yaml", d / "b.yaml"], replications=2, seed=1,
                              workers=1, overrides=["horizon_days=30"])


def _stock_row(text: str) -> str:
    return next(line for line in text.splitlines()
                if "stock_end_t" in line and "copper" in line)


def test_headline_new_only_when_the_interval_excludes_zero(comp) -> None:
    from sim.output.compare_output import comparison_markdown, comparison_text

    t = comp.table
    row = ((t["scenario"] == "slow") & (t["metric"] == "stock_end_t")
           & (t["channel"] == "all") & (t["site"] == "all") & (t["commodity"] == "copper"))
    assert row.sum() == 1
    # the border held copper at the end in the slow scenario only: a change from nothing
    assert float(t.loc[row, "diff"].iloc[0]) > 0
    assert " new " in _stock_row(comparison_text(comp))
    assert "| new |" in _stock_row(comparison_markdown(comp))
    # the same difference with an interval that includes 0
    t.loc[row, "diff_ci_low"] = -float(t.loc[row, "diff"].iloc[0])
    shown = _stock_row(comparison_text(comp))
    assert " new " not in shown and " - " in shown, shown
    md = _stock_row(comparison_markdown(comp))
    assert "| new |" not in md and "| - |" in md, md


def _stock_cells(html: str) -> list[str]:
    import re

    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    # the differences table's row: scenario, commodity, metric, reference mean 0, ...
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows]
    return [c for c in cells if c[:4] == ["slow", "copper", "stock_end_t", "0"]]


def test_report_new_only_when_the_interval_excludes_zero(comp, monkeypatch) -> None:
    import sim.output.compare_figures as compare_figures
    import sim.output.compare_report as compare_report
    import sim.output.figures as figures
    import sim.output.report as report

    monkeypatch.setattr("sim.output.compare_figures.compare_figure_plan", lambda *a, **k: [])
    monkeypatch.setattr(figures, "flows_figure", lambda *a, **k: None)
    monkeypatch.setattr(compare_report, "figure_html", lambda *a, **k: "")
    named = list(zip(comp.labels, comp.results, strict=True))
    # as --metric stock_end_t names it: the differences table shows it
    kpis = (("copper", "all", "all", "stock_end_t"),)
    before = _stock_cells(report.compare_report_html(named, kpis=kpis))
    assert before and all(NEW in cells for cells in before), before

    paired = compare_figures.paired_differences

    def widened(*args, **kwargs):
        # the same differences, that of the stock from 0 with an interval including 0
        d = paired(*args, **kwargs)
        at = (d["scenario"] == "slow") & (d["metric"] == "stock_end_t")
        d.loc[at, "ci_low"] = -d.loc[at, "diff"]
        return d

    monkeypatch.setattr(compare_figures, "paired_differences", widened)
    after = _stock_cells(report.compare_report_html(named, kpis=kpis))
    assert after and all(NEW not in cells and "-" in cells for cells in after), after
