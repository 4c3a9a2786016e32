"""Review 255: hand mutation testing of review 252's run facts table and print style
sheet. Each test kills a mutant the existing tests let live; the mutant is named in the
test's docstring."""

from __future__ import annotations

import re
from pathlib import Path

import sim
from sim.output import report

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _rules(css: str, selector: str) -> str:
    """The declarations of every rule in ``css`` whose selectors include ``selector``
    (whitespace removed)."""
    css = css.replace("@media print{", "", 1)
    said = [decls for selectors, decls in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
            if selector in (" ".join(s.split()) for s in selectors.split(","))]
    assert said, f"no rule for {selector}"
    return re.sub(r"\s+", "", ";".join(said))


def test_a_fact_the_run_has_not_is_left_out() -> None:
    """Mutant: rows kept with an empty value (a "git commit" label with nothing beside
    it, outside a git checkout or for results never written to a folder)."""
    res = sim.run(sim.load_scenario(TINY, ["horizon_days=10"]), 1, 1)
    meta = report._run_meta(res, {"overrides": []})
    for label in ("git commit", "finished", "wall time", "scenario files", "simulator",
                  "question"):
        assert f'<th scope="row">{label}</th>' not in meta, meta
    assert '<th scope="row">overrides</th><td>none</td>' in meta


def test_the_facts_row_headers_look_as_the_labels_did() -> None:
    """Mutant: the rule resetting the facts' row headers dropped (review 252 made them
    header cells "looking as before": they turned bold on the grey of column headers)."""
    screen = report.CSS[:report.CSS.find("@media print")]
    rule = _rules(screen, ".meta th[scope=row]")
    assert "background:none" in rule and "font-weight:normal" in rule


def test_print_keeps_figures_and_rows_whole_and_drops_the_fold_markers() -> None:
    """Mutants: the print rules' ``summary{list-style:none}`` (a disclosure triangle
    printed before every opened summary) and ``break-inside:avoid`` (a figure or a
    table's row cut across two pages) dropped."""
    css = report.CSS[report.CSS.find("@media print"):]
    assert "list-style:none" in _rules(css, "summary")
    assert "break-inside:avoid" in _rules(css, "figure")
    assert "break-inside:avoid" in _rules(css, "tr")
