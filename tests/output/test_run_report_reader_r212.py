"""Review 212, part A: the report of a single run as a policymaker reads it.

1: every KPI its tables show is defined, and the state_time_share rows of a regime that
starts after the start date say over which dates they are measured. 2: the ids of the
channels and sites in its tables are linked to the names the scenario gives them. 3:
money is rounded to three significant figures, with its price basis said once beside it;
summary.csv keeps every digit. 4: the timeline's "first: #1" is explained. 5: rows of 0
of the totals the comparison report leaves out, and channels that carried nothing, are
left out with a note saying which."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
PRICE = 9259.0


def _scenario(path: Path) -> Path:
    """tiny.yaml with a price, named channels and market, an informal channel with no
    share, a regime starting on day 40 and incidents on the road to the border."""
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = "r212"
    data["commodities"]["copper"]["reference_price_usd_per_t"] = {
        "value": PRICE, "assumption": "test input"}
    data["sites"]["market_x"]["name"] = "Market X (abroad)"
    data["channels"]["formal"].update({"name": "Formal exporters",
                                       "description": "declared exports by road"})
    data["channels"]["informal"] = {
        "formal": False, "name": "Smugglers", "description": "nothing in this test",
        "routes": {"smuggled": {"path": ["border", "market_x"]}}}
    data["shocks"] = {
        "regimes": {"unrest": {
            "name": "Border unrest", "start": 40, "initial": "calm",
            "targets": {"sites": ["border"]},
            "states": {"calm": {"name": "Quiet"},
                       "tense": {"effects": {"capacity_factor": {
                           "value": 0.5, "assumption": "test input"}}}},
            "rates_per_year": {"calm": {"tense": {"value": 6, "assumption": "test input"}},
                               "tense": {"calm": {"value": 12,
                                                  "assumption": "test input"}}}}},
        "incidents": {"hold_up": {
            "rate_per_year": {"value": 20, "assumption": "test input"},
            "duration_days": {"value": 2, "assumption": "test input"},
            "targets": {"lanes": ["mine_border"]},
            "effects": {"capacity_factor": {"value": 0.0, "assumption": "test input"}}}}}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("r212")
    path = _scenario(root / "r212.yaml")
    out = root / "run"
    runner = CliRunner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in (["run", path, "-n", 3, "--seed", 1, "-w", 1, "--out", out, "-q"],
                     ["report", out]):
            result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
            assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def page(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


def _tables(page: str) -> dict[str, list[list[str]]]:
    """Each KPI table of the page by its class: its rows as cell texts, header first."""
    out = {}
    for cls, body in re.findall(r'<table class="kpi ([\w-]+)">(.*?)</table>', page, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        out[cls] = [[html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
                    for r in rows]
    return out


def _column(rows: list[list[str]], name: str) -> list[str]:
    i = rows[0].index(name)
    return [r[i] for r in rows[1:]]


def _section(page: str, start: str, end: str) -> str:
    i = page.index(start)
    return page[i:page.index(end, i)]


# ----------------------------------------------------------------------------- finding 1
def test_every_kpi_the_tables_show_is_defined(page: str) -> None:
    defined = {name.strip() for dt in re.findall(r"<dt>(.*?)</dt>", page)
               for name in html.unescape(dt).split(",")}
    tables = _tables(page)
    shown = {m.split(" (", 1)[0] for rows in tables.values() for m in _column(rows, "metric")}
    for kpi in ("delivered_share", "state_time_share", "other_supply_t", "lost_t",
                "in_transit_start_t", "stock_start_t", "mass_balance_error_t"):
        assert kpi in shown, kpi
    assert shown - {"refined_share"} <= defined, sorted(shown - defined)
    # refined_share is said in the lead of its table
    assert "refined_share: a country's share" in page


def test_a_later_regime_s_state_rows_say_their_dates(page: str) -> None:
    # day 40 of a run from 2024-01-01 to day 99: 2024-02-10 to 2024-04-09
    label = "state_time_share (of 2024-02-10 to 2024-04-09)"
    for cls in ("site", "all"):
        rows = _tables(page)[cls]
        states = [m for s, m in zip(_column(rows, "site"), _column(rows, "metric"),
                                    strict=True) if s.startswith("unrest:")]
        assert states and all(m == label for m in states), states
    text = html.unescape(page)
    assert ("unrest runs from 2024-02-10, so its state_time_share rows are shares of "
            "2024-02-10 to 2024-04-09 (60 days), not of the whole period from 2024-01-01"
            in text)


# ----------------------------------------------------------------------------- finding 2
def test_the_tables_ids_are_linked_to_the_scenario_s_names(page: str) -> None:
    names = html.unescape(_section(page, "<h3>Names used in the tables</h3>",
                                   "<h3>Headline KPIs by commodity</h3>"))
    assert "<dt>formal</dt><dd>Formal exporters: declared exports by road</dd>" in names
    assert "<dt>market_x</dt><dd>Market X (abroad)</dd>" in names
    assert "<dt>unrest:calm</dt><dd>Border unrest, in state Quiet</dd>" in names
    # a lane without a name by its two ends and mode, its id not said twice
    lane = re.search(r"<dt>border_market</dt><dd>(.*?)</dd>", names)
    assert lane is not None and "Market X (abroad)" in lane.group(1)
    assert "border_market" not in lane.group(1) and "road lane" in lane.group(1)
    # the tables keep the ids of summary.csv
    tables = _tables(page)
    assert "formal" in _column(tables["channel"], "channel")
    assert "market_x" in _column(tables["site"], "site")


# ----------------------------------------------------------------------------- finding 3
def test_money_is_rounded_and_its_price_basis_said(folder: Path, page: str) -> None:
    from sim.output.report import usd_figure

    rows = _tables(page)["headline"]
    money = [r for r in rows[1:] if r[1] == "export_value_usd"]
    assert money, rows
    mean = money[0][2]
    assert re.fullmatch(r"\d+(\.\d+)? m", mean), mean
    summary = pd.read_csv(folder / "summary.csv")
    value = summary[(summary["metric"] == "export_value_usd") & (summary["channel"] == "all")
                    & (summary["site"] == "all")]["mean"].iloc[0]
    assert mean == usd_figure(value)
    # summary.csv keeps every digit
    assert value != round(value, -4)
    text = html.unescape(page)
    assert "rounded to three significant figures: summary.csv and kpis.csv keep every digit" \
        in text
    assert "reference_price_usd_per_t: copper 9,259 USD/t" in text
    assert "in nominal US dollars: not converted to another year's prices and not discounted" \
        in text
    # the paragraph once (the KPI definitions say the basis in their own words too)
    assert text.count("rounded to three significant figures") == 1
    for cls in ("site", "all"):
        t = _tables(page)[cls]
        for m, v in zip(_column(t, "metric"), _column(t, "mean"), strict=True):
            if m.endswith("_usd"):
                assert not re.search(r"\d,\d{3},\d{3}", v), (m, v)


def test_usd_figures() -> None:
    from sim.output.report import usd_figure

    assert usd_figure(603_582_614.0) == "604 m"
    assert usd_figure(1_028_140_056.0) == "1.03 bn"
    assert usd_figure(19_616_934_725.0) == "19.6 bn"
    assert usd_figure(122_118_670_489.0) == "122 bn"
    assert usd_figure(2_476_603.0) == "2.48 m"
    assert usd_figure(999_999_999.0) == "1.00 bn"
    assert usd_figure(234_787.0) == "235,000"
    assert usd_figure(-75_629_852.0) == "-75.6 m"
    assert usd_figure(0.0) == 0.0
    assert usd_figure(float("nan")) != usd_figure(float("nan"))  # NaN stays NaN


# ----------------------------------------------------------------------------- finding 4
def test_the_timeline_says_what_an_incident_number_is(page: str) -> None:
    timeline = html.unescape(_section(page, "What happened in the replications", "</table>"))
    assert "first: #" in timeline
    assert "An incident's detail begins with its number in its replication" in timeline
    assert "the warm-up included" in timeline


# ----------------------------------------------------------------------------- finding 5
def test_rows_of_0_are_left_out_with_a_note(page: str) -> None:
    head = _tables(page)["headline"]
    metrics = _column(head, "metric")
    for quiet in ("seized_t", "curtailed_t", "armed_group_rent_usd", "diverted_t"):
        assert quiet not in metrics
    text = html.unescape(page)
    assert re.search(r"Left out as 0 in every replication \(copper: [^)]*seized_t[^)]*\); "
                     r"summary\.csv has every row\.", text)
    # a channel that carried none of copper: no row of 0 in the table by channel
    channel = _tables(page)["channel"]
    assert "informal" not in _column(channel, "channel")
    assert ("Channels that carried none of a commodity are left out (copper: informal); "
            "summary.csv has their rows of 0." in text)
    # the full table keeps them
    assert "informal" in _column(_tables(page)["all"], "channel")


def test_a_kpi_left_out_of_the_site_table_as_0_is_still_defined(tmp_path: Path) -> None:
    # review 218: with no closure anywhere, closed_days left the table by site (rows of 0)
    # and so its definition, yet "Every KPI" showed its rows
    data = yaml.safe_load(_scenario(tmp_path / "s.yaml").read_text(encoding="utf-8"))
    del data["shocks"]["incidents"]
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "run"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in (["run", path, "-n", 2, "--seed", 1, "-w", 1, "--out", out, "-q",
                      "--no-figures"], ["report", out]):
            result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
            assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    tables = _tables(page)
    assert "closed_days" in _column(tables["all"], "metric")
    assert "closed_days" not in _column(tables["site"], "metric")
    defined = {name.strip() for dt in re.findall(r"<dt>(.*?)</dt>", page)
               for name in html.unescape(dt).split(",")}
    assert "closed_days" in defined
