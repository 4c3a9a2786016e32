"""Review 226: survivors of the mutation review of the comparison report
(:mod:`sim.output.report`): R06, R07, R14, R24, R34, R41, R43, R47, and K18 as the report
shows it. The comparison: two short children of baseline_leakage and us_partnership
(:mod:`tests.output.r226_short_scenarios`), with refiners and a deal channel."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.metrics.kpis import kpi_definitions
from sim.output.report import SHORT_ASIDE, route_name, short_definition
from tests.output.r226_short_scenarios import write_short

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("r226_cmp")
    base, us = write_short(root)
    out = root / "cmp"
    runner = CliRunner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in (["compare", base, us, "-n", 2, "--seed", 1, "-w", 1, "--out", out,
                      "--no-figures", "-q"], ["report", out]):
            result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
            assert result.exit_code == 0, result.output
    assert (out / "compare.csv").exists()
    return (out / "report.html").read_text(encoding="utf-8")


def _between(page: str, start: str, end: str) -> str:
    i = page.index(start)
    return page[i:page.index(end, i + len(start))]


def _names(page: str) -> str:
    return _between(page, "<h3>Names used in the tables</h3>",
                    "<h3>Differences from the reference with")


def test_the_control_section_defines_no_kpi_twice(page: str) -> None:
    # R06 (refined_share not in CONTROL_DEFINED) and R07 (CONTROL_DEFINED not added):
    # its lead defines delivered_share, exported_t and refined_share; its list of terms
    # "not defined above" repeated them
    section = _between(page, "<h3>Who controls supply", "<h3>")
    assert "refined_share: a country&#x27;s share" in section
    assert "us_partnered" in section
    terms = section[section.index("KPIs in this table not defined above"):]
    for kpi in ("delivered_share", "exported_t", "refined_share"):
        assert f"<dt>{kpi}</dt>" not in terms, kpi


def test_a_site_only_the_second_scenario_names_is_named(page: str) -> None:
    # R14 (_first_words reads the first scenario only): baltimore_us_nds, a lane of
    # us_partnership alone, went unnamed
    assert ("<dt>baltimore_us_nds</dt><dd>US East Coast ports (Baltimore) \u2192 US National "
            "Defense Stockpile (road lane)</dd>") in _names(page)


def test_compare_csvs_sites_are_named(page: str) -> None:
    # R34 (compare.csv not among the named frames): 114 site entries became 1
    names = _names(page)
    count = int(re.search(r"Sites, lanes and shocks \((\d+)\)", names).group(1))  # type: ignore[union-attr]
    assert count == _between(names, '<dl class="definitions sites">', "</dl>").count("<dt>")
    assert count > 50
    for site in ("tfm", "kcc", "mutanda", "lobito_shanghai"):
        assert f"<dt>{site}</dt>" in names, site


def test_a_price_line_both_scenarios_cite_is_cited_once(page: str) -> None:
    # R43 (a file already listed listed again): "baseline.yaml:38 and baseline.yaml:38"
    basis = _between(page, "Each values the tonnes at", "</p>")
    cited = re.findall(r"cobalt 37,480 USD/t, ([^;]*);", basis)
    assert cited and cited[0].endswith("scenarios/baseline.yaml:38"), basis
    assert " and " not in cited[0]


def test_the_price_basis_says_each_scenarios_price(page: str) -> None:
    # R41 ("each scenario's" -> "the scenario's")
    assert "Each values the tonnes at each scenario's reference price" in page
    assert "the scenario's reference price" not in page


def test_each_calendar_is_captioned_with_its_scenario(page: str) -> None:
    # K18 (the ``whose`` prefix dropped) as the comparison report shows it
    for name in ("baseline_leakage", "us_partnership"):
        assert f"<figcaption>{name}: Shocks and policies on the calendar" in page, name


def test_a_route_is_named_by_its_rows_channels_path() -> None:
    # R24 (the row's channel ignored): route concentrate_lobito is the id of a route of
    # both the china and the us_partnered channel, on different paths
    sc = sim.load_scenario(SCENARIOS / "corridor_shocks.yaml")
    named = route_name("route:concentrate_lobito", "us_partnered", [sc])
    assert named is not None
    assert "\u2192 Lobito \u2192 European ports (Rotterdam, Antwerp) \u2192" in named, named
    assert "Chinese" not in named, named


def test_an_aside_of_exactly_short_aside_characters_is_left_out() -> None:
    # R47 (< SHORT_ASIDE -> <=): in_transit_end_t's aside is exactly 70 characters
    text = kpi_definitions()["in_transit_end_t"]
    aside = re.search(r"\([^()]*\)", text)
    assert aside is not None and len(aside.group(0)) == SHORT_ASIDE
    assert short_definition(text) == "on lanes at the end"
