"""Review 64, F2: notebook 02's table of key results wrote a price peak at its cap as a
precise difference with a zero-width interval (cobalt ``9.00 [9.00, 9.00]`` under the
export ban); ``sim compare`` writes it as a bound (``≥ +9.00``) with no interval, and the
notebook now does too, with the library's own helpers (sim.output.tables)."""

from __future__ import annotations

import ast
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
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


def _result(*peaks: float) -> SimpleNamespace:
    """A stand-in for sim.Results: cobalt's price peak in each replication, a cap of 10."""
    summary = pd.DataFrame({"commodity": ["cobalt"], "channel": ["all"], "site": ["all"],
                            "metric": ["price_peak_ratio"], "mean": [sum(peaks) / len(peaks)]})
    scenario = SimpleNamespace(commodities={"cobalt": SimpleNamespace(price_cap_ratio=10.0)})

    def kpi(metric: str, commodity: str) -> np.ndarray:
        assert (metric, commodity) == ("price_peak_ratio", "cobalt")
        return np.array(peaks, dtype=float)

    return SimpleNamespace(summary=lambda: summary, scenario=scenario, kpi=kpi,
                           replications=list(range(len(peaks))))


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


def test_a_peak_at_the_cap_in_some_replications_only_is_a_bound_too() -> None:
    # review 90 (the library counts a peak at the cap in any replication as a bound): the
    # all-combined run has 99 of 100 replications at the cap, and its row was an estimate
    ns = _functions("capped", "as_bounds")
    ns["results"] = {"baseline": _result(1.0, 1.0), "combined": _result(10.0, 9.6)}
    key = pd.DataFrame({
        "scenario": ["combined"], "reference": ["baseline"], "commodity": ["cobalt"],
        "channel": ["all"], "site": ["all"], "metric": ["price_peak_ratio"],
        "diff": [8.8], "diff_ci_low": [6.3], "diff_ci_high": [11.3], "rel_change": [8.8]})
    shown = ns["as_bounds"](key).iloc[0]
    assert shown["diff"] == "\u2265 +8.80"
    assert math.isnan(shown["diff_ci_low"]) and math.isnan(shown["diff_ci_high"])
    assert shown["metric"] == "price_peak_ratio (combined at the cap)"


NB01 = NB02.with_name("01_quickstart.py")


def test_notebook_01_names_a_peak_at_the_cap_in_some_replications() -> None:
    tree = ast.parse(NB01.read_text(encoding="utf-8"))
    body = [n for n in tree.body if isinstance(n, ast.FunctionDef)
            and n.name in ("total", "price_text")]
    ns: dict = {"NO_PRICE": [], "CAPPED": {"cobalt": (10.0, 3, 4)},
                "summary": pd.DataFrame({
                    "commodity": ["cobalt", "copper"], "channel": ["all"] * 2,
                    "site": ["all"] * 2, "metric": ["price_peak_ratio"] * 2,
                    "mean": [9.9, 1.4]})}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(NB01), "exec"), ns)
    assert ns["price_text"]("cobalt") == ("price peak at least 9.90 x reference (at the cap "
                                          "of 10 x in 3 of 4 replications)")
    assert ns["price_text"]("copper") == "price peak 1.40 x reference"
    # and the headline marks it from the library's count over the replications
    assert "CAPPED = cap_runs(res)" in NB01.read_text(encoding="utf-8")
