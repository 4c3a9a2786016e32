"""Review 203: what the notebooks tell a learner to try happens when followed, their text
says what the runs show, and their .py files run as scripts from any folder."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def _prose(path: Path) -> str:
    """The file's text without comment markers, whitespace collapsed (a phrase wrapped
    over two lines still matches)."""
    text = re.sub(r"^\s*# ?", "", path.read_text(encoding="utf-8"), flags=re.M)
    return " ".join(text.split())


def test_01_the_override_to_try_gives_the_warning_it_promises() -> None:
    """The override went to sim.load_scenario in the notebook, where sim.run checks no
    capacity, so the promised warning never came: the text now gives the sim.run call."""
    import sim

    text = _prose(NOTEBOOKS / "01_quickstart.py")
    calls = re.findall(r"`(res = sim\.run\(sc,[^`]*overrides=[^`]*\))`", text)
    assert calls, "notebook 01 gives no sim.run call with the override to try"
    assert "168% of its capacity" in text
    # one short replication: the warning comes from the plan, before anything runs
    code = calls[0].replace("replications=10", "replications=1")
    sc = sim.load_scenario(REPO / "scenarios" / "baseline.yaml",
                           overrides=["horizon_days=5"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(code, {"sim": sim, "sc": sc})
    said = " ".join(str(w.message) for w in caught)
    assert "kasumbalesa" in said and "168% of its capacity" in said


def test_02_supply_price_reaches_the_cap_but_does_not_sit_there() -> None:
    text = _prose(NOTEBOOKS / "02_compare_disruptions.py")
    assert "sits at its cap from" not in text
    assert "first reaches the cap between mid-January and February 2026" in text
    assert "at the cap in about one week in ten" in text


def _root_code(source: Path) -> ast.Module:
    """The notebook's imports of Path and the statements that set ROOT."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    keep = [n for n in tree.body
            if (isinstance(n, ast.ImportFrom) and n.module == "pathlib")
            or any(isinstance(t, ast.Name) and t.id == "ROOT" and isinstance(t.ctx, ast.Store)
                   for t in ast.walk(n))]
    return ast.Module(body=keep, type_ignores=[])


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_root_found_from_the_file_when_run_elsewhere(source: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`python /path/to/notebooks/01_quickstart.py` from /tmp searched up from /tmp and
    took / as the repository."""
    code = compile(_root_code(source), str(source), "exec")
    monkeypatch.chdir(tmp_path)
    namespace = {"__file__": str(source), "__name__": "__main__"}
    exec(code, namespace)
    assert namespace["ROOT"] == REPO
    # in Jupyter there is no __file__: the search from the notebook's folder still works
    monkeypatch.chdir(NOTEBOOKS)
    namespace = {"__name__": "__main__"}
    exec(code, namespace)
    assert namespace["ROOT"] == REPO


def test_03_tornado_marks_the_bars_whose_shortfall_is_cut_off() -> None:
    """Only the text under the table said which runs were still short on 31 December: the
    figure drew their bars like the rest."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    import pandas as pd
    from matplotlib.patches import Patch

    from sim.output.style import new_figure

    text = (NOTEBOOKS / "03_sensitivity.py").read_text(encoding="utf-8")
    cell = next(c for c in text.split("\n# %%") if "fig = new_figure(" in c)
    table = pd.DataFrame([
        {"parameter": "p", "level": "low", "value": 1.0, "shortfall change (t)": -500.0,
         "ci_low": -600.0, "ci_high": -400.0, "recovered": 1.0, "swing (t)": 1500.0},
        {"parameter": "p", "level": "high", "value": 3.0, "shortfall change (t)": 1000.0,
         "ci_low": 900.0, "ci_high": 1100.0, "recovered": 0.5, "swing (t)": 1500.0}])
    namespace = {"table": table, "PARAMETERS": {"p": (None, 1.0, 3.0)},
                 "BASE_VALUES": {"p": 2.0}, "mean": 5000.0, "REPS": 2, "np": np, "pd": pd,
                 "Patch": Patch, "new_figure": new_figure}
    exec(cell, namespace)
    fig = namespace["fig"]
    ax = fig.axes[0]
    hatched = [p.get_width() for p in ax.patches if p.get_hatch()]
    assert hatched == [1000.0]  # the high value's bar, whose runs were cut off
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert any("still short on the last day" in label for label in labels)
