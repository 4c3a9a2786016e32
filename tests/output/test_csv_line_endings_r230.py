"""Review 230: every CSV the simulator writes ends its lines with "\\n", whatever the system's
own line ending (pandas' to_csv defaults to os.linesep, "\\r\\n" on Windows, which made the
tables' bytes and their manifest hashes differ from Linux's)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
BORDER = "sites.border.clearance_trucks_per_day"


def invoke(*args: object) -> None:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def lf_only(path: Path) -> None:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    assert data.endswith(b"\n") and b"\r" not in data, path.name


@pytest.fixture
def windows_linesep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "linesep", "\r\n")


def test_run_and_compare_tables_are_lf_terminated_under_crlf(
        tmp_path: Path, windows_linesep: None) -> None:
    run = tmp_path / "run"
    invoke("run", TINY, "-n", 2, "--seed", 1, "--out", run, "-q", "-w", 1, "--no-figures")
    tables = sorted(run.glob("*.csv")) + sorted(run.glob("*.csv.gz"))
    assert {p.name for p in tables} >= {"kpis.csv", "summary.csv", "timeline.csv",
                                         "series.csv.gz"}
    for p in tables:
        lf_only(p)
    comp = tmp_path / "comp"
    invoke("compare", TINY, TINY, "-n", 2, "--seed", 1, "--out", comp, "-q", "-w", 1,
           "--no-figures")
    lf_only(comp / "compare.csv")


def test_sweep_tables_are_lf_terminated_under_crlf(tmp_path: Path,
                                                   windows_linesep: None) -> None:
    lhs = tmp_path / "lhs"
    invoke("sweep", TINY, "--param", f"{BORDER}=40:60:int", "-n", 2, "-r", 1, "--out", lhs,
           "-q", "-w", 1, "--no-figures")
    for name in ("sweep.csv", "sweep-kpis.csv.gz", "correlations.csv"):
        lf_only(lhs / name)
    sobol = tmp_path / "sobol"
    invoke("sweep", TINY, "--param", f"{BORDER}=40:60:int", "--design", "sobol", "-n", 2,
           "-r", 1, "--out", sobol, "-q", "-w", 1, "--no-figures")
    lf_only(sobol / "sobol.csv")
