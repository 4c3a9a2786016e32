"""Review 64, F2: notebook 02's table of key results wrote a price peak at its cap as a
precise difference with a zero-width interval (cobalt ``9.00 [9.00, 9.00]`` under the
export ban); ``sim compare`` writes it as a bound (``≥ +9.00``) with no interval, and the
notebook now does too, with the library's own helpers (sim.output.tables)."""

from __future__ import annotations

import ast
import math
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

NB02 = Path(__file__).resolve().parents[2] / "notebooks" / "02_compare_disruptions.py"


def _functions(*names: str) -> dict:
    """The notebook's functions ``names`` and its imports, run in a namespace of their own
    (the notebook itself runs six scenarios)."""
    tree = ast.parse(NB02.read_text(encoding="utf-8"))
    body = [n for n in tree.body
            if isinstance(n, ast.ImportFrom | ast.Import)
            or (isinstance(n, ast.FunctionDef) and n.name in names)]
    assert {n.name for n in body if isinstance(n, ast.FunctionDef)} == set(names), (
        f"notebook 02 lacks one of {names}")
    namespace: dict = {}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(NB02), "exec"), namespace)
    return namespace


def _result(peak: float) -> SimpleNamespace:
    """A stand-in for sim.Results: a summary with cobalt's price peak, a cap of 10."""
    summary = pd.DataFrame({"commodity": ["cobalt"], "channel": ["all"], "site": ["all"],
                            "metric": ["price_peak_ratio"], "mean": [peak]})
    scenario = SimpleNamespace(commodities={"cobalt": SimpleNamespace(price_cap_ratio=10.0)})
    return SimpleNamespace(summary=lambda: summary, scenario=scenario)


def test_a_peak_at_the_cap_is_shown_as_a_bound_without_an_interval() -> None:
    ns = _functions("capped", "as_bounds")
    ns["results"] = {"baseline": _result(1.0), "export ban": _result(10.0),
                     "M23 escalation": _result(1.2)}
    key = pd.DataFrame({
        "scenario": ["export ban", "export ban", "M23 escalation"],
        "reference": ["baseline"] * 3, "commodity": ["cobalt"] * 3,
        "channel": ["all"] * 3, "site": ["all"] * 3,
        "metric": ["price_peak_ratio", "exported_t", "price_peak_ratio"],
        "diff": [9.0, -1000.0, 0.2], "diff_ci_low": [9.0, -1200.0, 0.1],
        "diff_ci_high": [9.0, -800.0, 0.3], "rel_change": [9.0, -0.1, 0.2]})
    shown = ns["as_bounds"](key)
    capped = shown.iloc[0]
    assert capped["diff"] == "\u2265 +9.00"
    assert math.isnan(capped["diff_ci_low"]) and math.isnan(capped["diff_ci_high"])
    assert capped["metric"] == "price_peak_ratio (export ban at the cap)"
    # the others keep their estimate and interval
    assert shown.iloc[1]["diff"] == -1000.0 and shown.iloc[1]["diff_ci_low"] == -1200.0
    assert shown.iloc[2]["diff"] == 0.2 and shown.iloc[2]["metric"] == "price_peak_ratio"
    # the numbers the sentences read are left as they were
    assert key.iloc[0]["diff_ci_low"] == 9.0


def test_the_table_cell_shows_the_bounds() -> None:
    text = NB02.read_text(encoding="utf-8")
    assert "as_bounds(key_results)[" in text
