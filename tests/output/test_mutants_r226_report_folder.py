"""Review 226: ``sim report`` on a folder of runs without compare.csv (R04, R13, R33,
R35): what compare_report_html says and names there, which no test reached."""

from __future__ import annotations

import warnings

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.output.r226_short_scenarios import write_short


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("r226_folder")
    base, us = write_short(root)
    runs = root / "runs"
    runner = CliRunner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in (["run", base, "-n", 2, "--seed", 1, "-w", 1, "--no-figures", "-q",
                      "--out", runs / "baseline_leakage"],
                     ["run", us, "-n", 2, "--seed", 1, "-w", 1, "--no-figures", "-q",
                      "--out", runs / "us_partnership"],
                     ["report", runs]):
            result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
            assert result.exit_code == 0, result.output
    assert not (runs / "compare.csv").exists()
    return (runs / "report.html").read_text(encoding="utf-8")


def _names(page: str) -> str:
    start = page.index("<h3>Names used in the tables</h3>")
    return page[start:page.index("<h3>Differences from the reference with", start)]


def test_the_deal_note_points_at_the_runs_summary_csv(page: str) -> None:
    # R04 (csv=True): "(compare.csv has every KPI by channel)" in a folder without one
    assert "(each run&#x27;s summary.csv has every KPI by channel)" in page
    assert "compare.csv has every KPI" not in page


def test_the_names_lead_names_no_compare_csv(page: str) -> None:
    # R13 (csv argument dropped): "ids of compare.csv and the runs' summary.csv"
    assert ("The tables name channels and sites by the ids of the runs&#x27; summary.csv;"
            in _names(page))
    assert "ids of compare.csv" not in page


def test_the_queues_places_are_named(page: str) -> None:
    # R33 (queues' place not read as a site): kasumbalesa, in the Queues table, unnamed
    assert "<dt>kasumbalesa</dt><dd>Kasumbalesa (DRC-Zambia)</dd>" in _names(page)


def test_the_headline_tables_other_kpis_are_defined(page: str) -> None:
    # R35 (head_terms = ""): without compare.csv's section they were defined nowhere
    start = page.index("<summary>Headline KPIs of every scenario</summary>")
    head = page[start:page.index("</details>", start)]
    assert "KPIs in this table not defined above, in short:" in head
    for kpi in ("mined_t", "peak_shortfall_share"):
        assert f"<dt>{kpi}</dt>" in head, kpi
