"""Every notebook in notebooks/ is paired with its jupytext source and runs top to bottom.

Each ``notebooks/NN_name.py`` (jupytext ``py:percent``) must have an ``.ipynb`` with the
same cells (run ``jupytext --sync notebooks/*.py`` after editing either). The ``.ipynb``
is then executed with nbclient, with ``SIM_NOTEBOOK_FAST=1`` and ``SIM_NOTEBOOK_REPS=2`` so
that the notebooks use short runs and two replications.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
EXPECTED = {"01_quickstart", "02_compare_disruptions", "03_sensitivity"}


def cells(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_every_notebook_is_there() -> None:
    assert {p.stem for p in SOURCES} >= EXPECTED
    for src in SOURCES:
        assert src.with_suffix(".ipynb").exists(), f"{src.name} has no .ipynb"
    for nb in NOTEBOOKS.glob("*.ipynb"):
        assert nb.with_suffix(".py").exists(), f"{nb.name} has no jupytext source"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_source_and_notebook_in_sync(source: Path) -> None:
    from_py = jupytext.read(source)
    from_ipynb = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    assert cells(from_py) == cells(from_ipynb), (
        f"{source.name} and its .ipynb differ: run `jupytext --sync {source}`")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_process_pool_unless_asked(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    assert "sim.run(" in text or "sim.compare(" in text or "sim.sweep(" in text
    for call in re.findall(r"sim\.(?:run|compare|sweep)\([^)]*\)", text, flags=re.S):
        assert "workers=1" in call, f"{source.name}: {call!r} may start a process pool"


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_runs(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_NOTEBOOK_FAST", "1")
    monkeypatch.setenv("SIM_NOTEBOOK_REPS", "2")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert images, f"{source.name} showed no figure"
