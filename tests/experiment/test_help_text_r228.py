"""Review 228: ``help()`` of the public Python API shows each attribute with its unit or
type (per-field string literals after a dataclass field are not shown), every public
property and ``report`` has a docstring, and the loaders open with a one-line summary."""

from __future__ import annotations

import pydoc
import re
import warnings
from pathlib import Path

import pytest

import sim

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def shown(obj: object) -> str:
    """What ``help(obj)`` prints, in one line of single spaces (without the bars that
    indent a class's members)."""
    text = pydoc.render_doc(obj, renderer=pydoc.plaintext)
    return " ".join(re.sub(r"^\s*\|", "", text, flags=re.MULTILINE).split())


@pytest.mark.parametrize(("cls", "attributes"), [
    ("Results", ["scenario", "seed", "replications", "kpi_labels", "kpi_values",
                 "catalogue", "series_values", "wall_s", "events", "info",
                 "timeline_rows"]),
    ("Comparison", ["labels", "sources", "results", "table", "replications", "seeds", "stop",
                    "notes", "wall_s", "confidence", "codes", "builds", "where",
                    "overrides"]),
    ("Sweep", ["scenario", "design", "seed", "replications", "table", "kpis", "sobol",
               "units", "wall_s", "resumed_with", "repeated_points", "notes", "cautions",
               "noise_share", "at_cap", "where", "steady", "param_units", "prices"]),
])
def test_help_lists_every_field(cls: str, attributes: list[str]) -> None:
    klass = getattr(sim, cls)
    doc = klass.__doc__ or ""
    listed = re.findall(r"^    (\w+) : ", doc, flags=re.MULTILINE)
    assert listed == attributes
    assert set(listed) == set(klass.__dataclass_fields__)
    assert re.search(r"wall_s : float\s+Seconds of wall-clock time", doc)
    assert "Seconds of wall-clock time" in shown(klass)


def test_units_and_types_are_shown() -> None:
    sweep = shown(sim.Sweep)
    assert "noise_share : dict of str to float" in sweep
    assert "a fraction, 0 to 1" in sweep
    assert "at_cap : dict of str to (int, int, float)" in sweep
    assert "units : dict of str to str" in sweep
    # sim.sweep returns the table alone: the units are said to be here only
    assert 'attrs`` hold ``notes`` alone' in sweep
    comparison = shown(sim.Comparison)
    assert "confidence : float Confidence level of the table's intervals, a fraction" \
        in comparison
    assert "codes : list of (list of str or None)" in comparison


@pytest.mark.parametrize("member", [
    "Comparison.reference", "Sweep.kpi_columns", "ExperimentError.report",
    "ScenarioError.report", "Results.plot", "Results.n"])
def test_every_public_member_has_a_docstring(member: str) -> None:
    cls, name = member.split(".")
    doc = getattr(getattr(sim, cls), name).__doc__
    assert doc and len(doc.split()) >= 3


def test_info_keys_are_those_documented(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = sim.load_scenario(TINY)
        kept = sim.run(sc, replications=1, seed=1)
        saved = sim.run(sc, replications=1, seed=1, out=tmp_path / "r", figures=False)
        loaded = sim.load_results(tmp_path / "r")
    assert set(kept.info) == {"kpi_rows", "code"}
    assert set(saved.info) == {"kpi_rows"}
    assert set(loaded.info) == {"manifest"}
    doc = " ".join((sim.Results.__doc__ or "").split())
    for key in ("``kpi_rows``", "``code``", "``manifest``", "``stopping``"):
        assert key in doc
    assert loaded.wall_s == loaded.info["manifest"]["wall_s"]
    assert loaded.events == kept.events > 0


@pytest.mark.parametrize("name", ["load_scenario", "scenario_from_dict", "load_results"])
def test_loaders_open_with_a_one_line_summary(name: str) -> None:
    doc = getattr(sim, name).__doc__ or ""
    first, blank = doc.split("\n")[:2]
    assert first.strip().endswith(".") and first[0].isupper()
    assert blank.strip() == ""
