"""A price peak difference with a side at its cap reads as a bound in the comparison's
tables, as the forest plot and scenarios/headlines.py mark it (review 55): the terminal,
compare.md and the comparison report printed "price_peak_ratio (X at the cap) ... 9.00 ...
+900.0%" as a plain estimate, though the capped peak shows the cap, not how high the price
would have gone."""

from __future__ import annotations

import html
import re

import pytest

import sim
from sim.experiment.compare import run_comparison
from sim.output.compare_output import comparison_markdown, comparison_text
from sim.output.tables import cap_bounds

CAP = "commodities.copper.price_cap_ratio=1.01"
TINY = "tests/data/tiny.yaml"


@pytest.fixture(scope="module")
def comp(shock_yaml):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    # the closure empties the market: with a cap just above 1 every replication's price
    # index reaches it, while tiny.yaml's stays lower
    return run_comparison([sim.load_scenario(root / TINY),
                           sim.load_scenario(shock_yaml, overrides=[CAP])], 2, 1)


def _price_row(text: str) -> str:
    return next(line for line in text.splitlines() if "price_peak_ratio (" in line)


def test_the_terminal_marks_a_difference_from_a_cap_as_a_bound(comp) -> None:
    row = _price_row(comparison_text(comp))
    assert "tiny_shock at the cap" in row
    assert re.search(r"\u2265 [-+][\d.]+", row), row
    assert re.search(r"at least [-+][\d.]+%", row), row


def test_compare_md_marks_it_too(comp) -> None:
    row = _price_row(comparison_markdown(comp))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[4].startswith("\u2265 ") and cells[6].startswith("at least "), cells


def test_the_report_marks_it_too(comp, monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.output import figures
    from sim.output.report import compare_report_html

    monkeypatch.setattr("sim.output.compare_figures.compare_figure_plan", lambda *a, **k: [])
    monkeypatch.setattr(figures, "flows_figure", lambda res: None)
    monkeypatch.setattr("sim.output.compare_report.figure_html", lambda fig, caption, stem: "")
    page = html.unescape(compare_report_html(list(zip(comp.labels, comp.results,
                                                      strict=True))))
    table = page[page.index("<h3>Differences from the reference"):]
    table = table[:table.index("</table>")]
    row = next(r for r in table.split("<tr>") if "price_peak_ratio (" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert any(c.startswith("\u2265 ") for c in cells), cells
    assert any(c.startswith("at least ") for c in cells), cells


def test_the_bounds_by_side() -> None:
    assert cap_bounds(8.0, 8.0, False, True) == ("\u2265 +8.00", "at least +800.0%")
    assert cap_bounds(-8.0, -0.5, True, False) == ("\u2264 -8.00", "at most -50.0%")
    assert cap_bounds(0.0, 0.0, True, True) == ("-", "n/a")
