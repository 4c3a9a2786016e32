"""Review 255: hand mutation testing of review 247's tables counted in blocks and a
comparison writing every scenario's tables before any figure. Each test kills a mutant
the existing tests let live; the mutant is named in the test's docstring."""

from __future__ import annotations

from pathlib import Path

import pytest
from figure_helpers import PARAM, figure_recorder

import sim.output.folder as folder
from sim.experiment.compare import run_comparison
from sim.experiment.sweep import run_sweep
from sim.output.folder_lock import LOCK_NAME

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def _second(tmp_path: Path) -> Path:
    path = tmp_path / "tiny_b.yaml"
    path.write_text(TINY.read_text(encoding="utf-8").replace("name: tiny", "name: tiny_b", 1),
                    encoding="utf-8")
    return path


def test_a_comparison_writes_each_scenarios_tables_once(tmp_path, monkeypatch):
    """Mutant: ``ResultsFolder.finish`` writing the tables again after the comparison
    wrote them (twice the time, some 25 s a scenario at 8,000 replications, uncounted)."""
    real = folder.ResultsFolder._write_kpis
    written: list[str] = []

    def counted(self, results):
        written.append(self.path.name)
        return real(self, results)

    monkeypatch.setattr(folder.ResultsFolder, "_write_kpis", counted)
    run_comparison([TINY, _second(tmp_path)], 1, out=tmp_path / "c", figures=False)
    assert sorted(written) == ["tiny", "tiny_b"]


def _locks_left(out: Path) -> list[Path]:
    """The lock files left in ``out`` and its scenarios' folders."""
    return sorted(out.glob(f"**/{LOCK_NAME}"))


def test_a_comparison_stopped_in_its_tables_leaves_no_folder_locked(tmp_path, monkeypatch):
    """The scenario folders opened for their tables are released when a later one fails:
    a notebook's kernel would keep the first scenario's folder locked against ``sim
    compare --resume`` in a terminal (a lock is shared within a process, so the resume of
    tests/test_log_progress_r247.py in this process cannot tell). Their own release in
    ``_run_comparison`` and the ``writing`` scope around it each do it (the mutant
    dropping the former lives: equivalent)."""
    real = folder.ResultsFolder.write_tables

    def failing(self, results):
        if self.path.name == "tiny_b":
            raise OSError(28, "No space left on device", str(self.path / "kpis.csv"))
        real(self, results)

    monkeypatch.setattr(folder.ResultsFolder, "write_tables", failing)
    out = tmp_path / "c"
    with pytest.raises(OSError, match="No space"):
        run_comparison([TINY, _second(tmp_path)], 1, out=out, figures=False)
    assert (out / "tiny" / "kpis.csv").is_file()  # its tables were written
    assert _locks_left(out) == []


def test_a_sweep_without_a_folder_counts_no_tables():
    """Mutant: ``on_table`` given to a sweep without ``out``: it was called with ``(0,
    4)`` and ``(1, 4)`` as the sweep was tabled and never again (no files to write), a
    progress display left at a quarter."""
    calls, on_table = figure_recorder()
    run_sweep(TINY, [PARAM], "lhs", 2, 1, for_python=False, on_table=on_table)
    assert calls == []
