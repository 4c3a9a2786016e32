"""Review 182 (a policymaker reading a comparison's report): two notes `sim compare`
printed never reached report.html: a scenario starting with other stocks than the
reference (the export ban's 80,100 t buffer), and the capacities its `--set` overloads,
which no file of the comparison kept either."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from sim.output.report import write_report
from tests.experiment.expt_helpers import cli

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
CUT = "sites.border.clearance_trucks_per_day=2"
CAPACITY = "planned flow into border (border post) is 200% of its capacity"


def stocked(tmp_path: Path) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = "stocked"
    data["sites"]["market_x"]["initial_stock_t"]["copper"] = 5000
    path = tmp_path / "stocked.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_the_report_gives_the_stock_note(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    assert cli("compare", TINY, stocked(tmp_path), "-n", "2", "-w", "1", "--out", out,
               "--no-figures").exit_code == 0
    report = write_report(out)
    said = "stocked starts with 4,000 t more copper in stock than tiny"
    assert said in report.path.read_text(encoding="utf-8")
    assert any(said in n for n in report.notes)  # sim report's terminal too


def test_capacity_notes_are_kept_and_said_once(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = cli("compare", TINY, stocked(tmp_path), "-n", "2", "-w", "1", "--out", out,
                 "--no-figures", "--set", CUT)
    assert result.exit_code == 0, result.output
    # before the run, for each scenario; not again in the summary after it
    assert result.stderr.count(CAPACITY) == 2 and CAPACITY not in result.stdout
    assert CAPACITY in (out / "compare.md").read_text(encoding="utf-8")
    assert any(CAPACITY in n for n in json.loads(
        (out / "comparison.json").read_text(encoding="utf-8"))["notes"])
    for label in ("tiny", "stocked"):
        manifest = json.loads((out / label / "manifest.json").read_text(encoding="utf-8"))
        assert any(n.startswith(f"with --set, {CAPACITY}") for n in manifest["notes"])
    assert CAPACITY in write_report(out).path.read_text(encoding="utf-8")


def test_the_differences_table_says_what_its_kpis_and_intervals_mean(tmp_path: Path) -> None:
    # review 182: raw KPI names with no glossary, and an interval read as a range of
    # outcomes
    out = tmp_path / "cmp"
    assert cli("compare", TINY, stocked(tmp_path), "-n", "2", "-w", "1", "--out", out,
               "--no-figures").exit_code == 0
    html = write_report(out).path.read_text(encoding="utf-8")
    assert "<summary>What these KPIs measure</summary>" in html
    from sim.metrics.kpis import kpi_definitions
    from sim.output.report import esc

    words = kpi_definitions()
    assert f"<dt>delivered_t</dt><dd>{esc(words['delivered_t'])}</dd>" in html
    assert "not the range of outcomes one run of the period could show" in html


def test_a_run_report_says_what_its_kpis_measure() -> None:
    # review 191: only the comparison's report had the definitions
    import sim
    from sim.metrics.kpis import kpi_definitions
    from sim.output.report import esc, run_report_html

    html = run_report_html(sim.run(TINY, 2, 1))
    words = kpi_definitions()
    assert "<summary>What these KPIs measure</summary>" in html
    assert f"<dt>stranded_end_t</dt><dd>{esc(words['stranded_end_t'])}</dd>" in html


def test_kpis_defined_together_are_named_together() -> None:
    # review 191: "shortfall_t: consumed by markets, and demand not met" read as
    # shortfall_t's own first words
    import pandas as pd

    from sim.output.report import metric_definitions

    html = metric_definitions(pd.DataFrame({"metric": ["shortfall_t", "delivered_t"]}))
    assert "<dt>consumed_t, shortfall_t</dt>" in html and "<dt>delivered_t</dt>" in html
