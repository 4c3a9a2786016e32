"""Review 178: sweep.json said "constant_outputs": [] for a grid sweep in which 67 of 93
KPI columns were constant (only a Sobol design measures it), and did not record the KPIs
named with --metric, which a Sweep read back with resume=True writes its table for; the
hint of load_results on a sweep's folder said to run it again, which ran everything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sim
from sim.output.folder import FolderError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
PARAM = "sites.border.clearance_trucks_per_day=5:10"
METRIC = "throughput_trucks:all:all:border"


def test_sweep_json_records_metrics_and_no_false_constants(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    sim.run_sweep(TINY, [PARAM], "grid", 2, metrics=[METRIC], out=out)
    info = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert info["metrics"] == [METRIC]
    assert info["constant_outputs"] is None and info["undefined_outputs"] is None


def test_the_hint_reads_a_sweep_back_without_running_it(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    sim.run_sweep(TINY, [PARAM], "grid", 2, out=out)
    with pytest.raises(FolderError) as caught:
        sim.load_results(out)
    assert f"out={str(out)!r}, resume=True" in caught.value.hint
    assert "runs none again" in caught.value.hint
    back = sim.run_sweep(TINY, [PARAM], "grid", 2, out=out, resume=True)
    assert back.resumed_with == 2


def test_a_rho_at_the_line_in_floating_point_prints_as_the_line() -> None:
    # review 178: a 5-level grid's -0.9999999999999999 printed "-1.000000", and the note
    # "|rho| below 1.000000 could be chance"
    from sim.output.sweep_output import rho_digits, rho_text

    rho = -0.9999999999999999
    assert rho_digits([rho, 0.3], 1.0) == 2
    assert rho_text(rho, 1.0, 2) == "-1.00"
    # a rho short of the line by more than rounding still gets its decimals
    assert rho_digits([0.996], 1.0) == 3 and rho_text(0.996, 1.0, 3) == "+0.996"
