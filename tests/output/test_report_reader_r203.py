"""Review 203: the comparison report as a policymaker reads it.

3: the heading "Key KPIs whose difference's 95% interval excludes zero" stands over that
list only, not over the full table. 4: the KPIs the list uses are explained beside it,
and its sites are named as its shortfall by market names them. 5: a failed deal is said
beside the list. 6: the note on other starting stocks gives the --set that sim compare
gives. 7: days and percentages of 1,000% or more without more precision than the runs
support."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main
from sim.output.report import _days
from sim.output.tables import change_text

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
MARKET = "Market X (abroad)"


def _scenario(path: Path, name: str, changed: bool) -> Path:
    """tiny.yaml with a named market and an informal channel; ``changed``: a closure that
    runs the market short, a deal that always fails, and a larger starting stock."""
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = name
    data["sites"]["market_x"]["name"] = MARKET
    data["channels"]["informal"] = {"formal": False,
                                    "routes": {"smuggled": {"path": ["border", "market_x"]}}}
    if changed:
        data["sites"]["market_x"]["initial_stock_t"]["copper"] = 2000
        data["shocks"] = {"events": {"cut": {
            "start": 20, "duration_days": 60, "targets": {"lanes": ["mine_border"]},
            "effects": {"capacity_factor": 0.0}, "assumption": "test input"}}}
        data["policies"] = {"offtake_deals": {"deal_x": {
            "mines": ["mine_a"], "commodities": ["copper"], "share": 0.3,
            "to_channel": "informal", "start": 5, "probability_fails": 1.0,
            "assumption": "test input"}}}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("r203")
    base = _scenario(root / "base.yaml", "base", False)
    ban = _scenario(root / "closed.yaml", "closed", True)
    out = root / "cmp"
    runner = CliRunner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in (["compare", base, ban, "-n", 3, "--seed", 1, "-w", 1, "--out", out,
                      "--no-figures", "-q"], ["report", out]):
            result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
            assert result.exit_code == 0, result.output
    return (out / "report.html").read_text(encoding="utf-8")


def _key_part(page: str) -> str:
    """The report from the key list's heading to the full table's."""
    start = page.index("<h3>Key KPIs whose difference's 95% interval excludes zero</h3>")
    return page[start:page.index("<h3>Differences from the reference with 95% confidence")]


def test_the_key_list_heading_is_over_the_list_alone(page: str) -> None:
    assert "<h2>Differences from the reference</h2>" in page
    assert "excludes zero</h2>" not in page
    key = _key_part(page)
    assert "<ul>" in key and "<table" not in key


def test_the_list_names_its_sites_and_explains_its_terms(page: str) -> None:
    key = _key_part(page)
    items = key[key.index("<ul>"):key.index("</ul>")]
    assert " at market_x" not in items and f" at {MARKET}" in items
    terms = key[key.index("Terms used in the list above"):]
    defined = re.findall(r"<dt>([^<]*)</dt>", terms)
    named = {m for d in defined for m in d.split(", ")}
    from sim.metrics.kpis import kpi_definitions

    used = {m for m in kpi_definitions()
            if re.search(rf"(?<![\w:]){m}(?!\w)", re.sub(r"<[^>]+>", " ", items))}
    assert used and used <= named
    # only the terms the list uses (and those defined together with them)
    assert "refining_hhi" not in named


def test_a_failed_deal_is_said_beside_the_list(page: str) -> None:
    key = _key_part(page)
    assert "deal deal_x failed in 3 of 3 replications" in key
    assert "can be missing from the list above" in key


def test_the_stock_note_gives_the_set_that_starts_them_alike(page: str) -> None:
    assert "--set sites.market_x.initial_stock_t.copper=2000" in page


def test_terms_spell_out_hhi_and_say_what_a_regime_state_share_is() -> None:
    from sim.output.report import short_definition, terms_used

    items = ("<li><strong>b</strong>: all state_time_share at kivu:calm +0.1 share</li>"
             "<li><strong>b</strong>: cobalt control_hhi +129 index</li>"
             "<li><strong>b</strong>: cobalt delivered_t, informal at route:r -5 t</li>")
    text = terms_used(items)
    assert "<dt>state_time_share</dt><dd>share of the time a regime ran" in text
    assert "<dt>control_hhi</dt><dd>Herfindahl-Hirschman index (HHI) of delivered_t" in text
    assert "<dt>delivered_t</dt>" in text and "route:&lt;id&gt; is a route" in text
    assert "mined_t" not in text
    assert terms_used("<li>nothing here</li>") == ""
    # a long aside is left out, a short one kept, and the first clause only
    assert short_definition("made by mines (by channel: a long aside " + "x" * 80
                            + ") in tonnes: more") == "made by mines in tonnes"
    assert short_definition("index (0-10,000; NaN if none); more") == (
        "index (0-10,000; NaN if none)")


def test_days_whole_and_large_changes_without_decimals() -> None:
    assert _days(478.6) == "479" and _days(18.5) == "19" and _days(0.0) == "0"
    assert _days(0.7) == "0.7" and _days(1200.0) == "1,200"
    assert change_text(1309.486, 254.0, 332756.0) == "+130,949%"
    assert change_text(-0.256, 1.0, -0.256) == "-25.6%"
    assert change_text(9.994, 1.0, 9.994) == "+999.4%"


def test_a_change_that_prints_as_1000_percent_is_whole_and_the_deal_note_is_true() -> None:
    from sim.output.report import DEAL_LIST_NOTE
    from sim.output.tables import change_text

    # review 207: 9.9996 printed "+1000.0%", 10.0 "+1,000%"
    assert change_text(9.9996, 1, 1) == change_text(10.0, 1, 1) == "+1,000%"
    assert change_text(9.9994, 1, 1) == "+999.9%"
    # a deal failing in every replication of the scenario is a loss where the reference's
    # closed, not "no change" (review 207)
    assert "there is none" not in DEAL_LIST_NOTE
    assert "what went through it in the reference" in DEAL_LIST_NOTE


def test_the_key_list_is_ranked_where_only_some_scenarios_measure_another_period(
        tmp_path: Path) -> None:
    # review 209, mutant 62: the heading read "not ranked" when any scenario was, not all
    import sim
    from sim.output.report import write_report

    tiny = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
    ref = sim.load_scenario(tiny, ["name=ref"])
    slow = sim.load_scenario(tiny, ["name=slow", "lanes.mine_border.transit_days=8"])
    short = sim.load_scenario(tiny, ["name=short", "horizon_days=80"])
    sim.run_comparison([ref, slow, short], replications=3, seed=1, out=tmp_path / "c",
                       figures=False)
    page = write_report(tmp_path / "c").path.read_text(encoding="utf-8")
    assert re.findall(r"<h3>Key KPIs[^<]*</h3>", page) == [
        "<h3>Key KPIs whose difference's 95% interval excludes zero</h3>"]


def test_a_lane_in_the_key_list_is_said_by_its_ends_and_mode(page: str) -> None:
    # review 208: "closed_days at kolwezi_rail_lobito" was explained nowhere in the report
    items = _key_part(page)
    assert "closed_days at mine_a → border (road lane mine_border)" in items
    assert " at mine_border" not in items


def test_place_name_of_a_site_a_named_lane_and_an_unknown_id() -> None:
    import sim
    from sim.output.report import place_name

    sc = sim.load_scenario(TINY, ["sites.market_x.name=Market X",
                                  "lanes.border_market.name=The long road"])
    assert place_name("market_x", [sc]) == "Market X"
    assert place_name("border_market", [sc]) == "The long road (border_market)"
    assert place_name("mine_border", [sc]) == "mine_a → border (road lane mine_border)"
    assert place_name("route:smuggled", [sc]) == "route:smuggled"
