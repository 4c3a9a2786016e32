"""Review 223: the comparison report made as plain as the run report (review 212).

1: US dollars in every table as the run report writes them (three significant figures),
with its price-basis paragraph once; compare.csv keeps every digit. 2: every KPI each
table shows is defined, once. 3: shares in the key list in % and percentage points, as
the tables give them; utilisation's short definition covers lanes. 4: a names block over
every scenario; a route in the key list by its path. 5: the deal note points at "the list
above" only where a list is shown."""

from __future__ import annotations

import html
import re
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main
from sim.output.report import CONTROL_DEFINED, usd_figure

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
PRICE = 9259.0


def _scenario(path: Path, name: str, changed: bool, price: float = PRICE,
              days: int = 100) -> Path:
    """tiny.yaml priced, with a royalty, named sites and channel, an informal channel and
    a loading capacity on the road to the border; ``changed``: a closure of the road to
    the market, a tighter loader, and a deal that always fails."""
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = name
    data["horizon_days"]["value"] = days
    copper = data["commodities"]["copper"]
    copper["reference_price_usd_per_t"] = {"value": price, "assumption": "test input"}
    copper["royalty_rate"] = {"value": 0.035, "assumption": "test input"}
    data["sites"]["market_x"]["name"] = "Market X (abroad)"
    data["sites"]["border"]["name"] = "Border Post"
    data["channels"]["formal"].update({"name": "Formal exporters",
                                       "description": "declared exports by road"})
    data["channels"]["informal"] = {"formal": False,
                                    "routes": {"smuggled": {"path": ["border", "market_x"]}}}
    data["lanes"]["mine_border"]["capacity_t_per_day"] = {
        "value": 120 if changed else 300, "assumption": "test input"}
    if changed:
        data["shocks"] = {"events": {"cut": {
            "start": 20, "duration_days": 60, "targets": {"lanes": ["border_market"]},
            "effects": {"capacity_factor": 0.0}, "assumption": "test input"}}}
        data["policies"] = {"offtake_deals": {"deal_x": {
            "mines": ["mine_a"], "commodities": ["copper"], "share": 0.3,
            "to_channel": "informal", "start": 5, "probability_fails": 1.0,
            "assumption": "test input"}}}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _compare(root: Path, base: Path, other: Path) -> Path:
    out = root / "cmp"
    runner = CliRunner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in (["compare", base, other, "-n", 2, "--seed", 1, "-w", 1, "--out", out,
                      "--no-figures", "-q"], ["report", out]):
            result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
            assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("r223")
    return _compare(root, _scenario(root / "base.yaml", "base", False),
                    _scenario(root / "closed.yaml", "closed", True))


@pytest.fixture(scope="module")
def page(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def other_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Another price and another period: not ranked, the prices by scenario."""
    root = tmp_path_factory.mktemp("r223b")
    out = _compare(root, _scenario(root / "base.yaml", "base", False),
                   _scenario(root / "dear.yaml", "dear", True, price=12000.0, days=90))
    return (out / "report.html").read_text(encoding="utf-8")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _tables(page: str) -> dict[str, list[dict[str, str]]]:
    """The comparison page's KPI tables by class, each as rows of cells by header."""
    out = {}
    for cls, body in re.findall(r'<table class="kpi ([\w-]+)">(.*?)</table>', page, re.S):
        heads = [_text(h) for h in re.findall(r"<th>(.*?)</th>", body, re.S)]
        rows = [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
                for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]]
        out[cls] = [dict(zip(heads, r, strict=True)) for r in rows]
    return out


def _key_part(page: str) -> str:
    start = page.index('<section id="kpis">')
    return page[start:page.index("<h3>Differences from the reference with 95% confidence")]


MONEY = ("export_value_usd", "royalty_usd", "armed_group_rent_usd")


def test_money_is_written_as_the_run_report_writes_it(folder: Path, page: str) -> None:
    tables = _tables(page)
    csv = pd.read_csv(folder / "compare.csv")
    seen = 0
    for cls, cols in (("differences", ("reference mean", "mean", "difference")),
                      ("headline", ("mean", "95% CI low", "95% CI high")),
                      ("compare-csv", ("mean", "diff"))):
        rows = [r for r in tables[cls] if r["metric"].split(" (")[0] in MONEY]
        assert rows, cls
        for r in rows:
            for col in cols:
                cell = r[col]
                seen += cell.endswith(" m")
                # no nine-digit sums: "95,513,434" beside the key list's "95.5 m"
                assert not re.fullmatch(r"-?\d{1,3}(,\d{3}){2,}", cell), (cls, col, cell)
    assert seen
    value = float(csv[(csv["metric"] == "export_value_usd") & (csv["scenario"] == "closed")
                      & (csv["site"] == "all") & (csv["channel"] == "all")]["mean"].iloc[0])
    # the headline row shows usd_figure of compare.csv's unrounded value
    head = next(r for r in tables["headline"] if r["scenario"] == "closed"
                and r["metric"] == "export_value_usd")
    assert head["mean"] == usd_figure(value)
    assert value != round(value, -5)  # compare.csv keeps every digit


def test_the_price_basis_is_said_once(page: str, other_page: str) -> None:
    text = _text(page)
    assert text.count("are rounded to three significant figures") == 1
    assert "compare.csv and the runs' summary.csv and kpis.csv keep every digit" in text
    assert "reference_price_usd_per_t: copper 9,259 USD/t, " in text
    assert "and not discounted" in text
    # here in US dollars to every digit, in compare.csv
    assert "its US dollars to every digit (here to three significant figures)" in text
    other = _text(other_page)
    assert other.count("are rounded to three significant figures") == 1
    assert "copper 9,259 USD/t in base (" in other
    assert "12,000 USD/t in dear (" in other


def _defined(page: str) -> Counter[str]:
    """How often each KPI is defined on the page below the key list's own terms."""
    rest = page[page.index("<h3>Differences from the reference with 95% confidence"):]
    rest = rest[:rest.index('<section id="figures">')]
    names: Counter[str] = Counter()
    for dt in re.findall(r"<dt>(.*?)</dt>", rest, re.S):
        names.update(n.strip() for n in _text(dt).split(","))
    return names


def test_every_kpi_of_every_table_is_defined_once(page: str) -> None:
    from sim.metrics.kpis import kpi_definitions

    words = kpi_definitions()
    defined = _defined(page)
    tables = _tables(page)
    shown = set()
    for rows in tables.values():
        for r in rows:
            metric = r.get("metric", r.get("KPI", ""))
            shown.add(metric.split(" (")[0])
    shown &= set(words)
    missing = shown - set(defined) - set(CONTROL_DEFINED)
    assert not missing, missing
    # among them those of the review's list
    for kpi in ("export_value_usd", "stock_end_t", "in_transit_end_t", "stock_start_t",
                "peak_shortfall_share", "recovered_by_end", "days_price_above_baseline",
                "mass_balance_error_t", "shortfall_days", "time_to_shortfall_days",
                "disrupted_days", "lost_t", "other_supply_t", "utilisation"):
        assert kpi in shown and kpi in defined, kpi
    twice = {k: n for k, n in defined.items() if n > 1}
    assert not twice, twice


def test_the_key_list_gives_shares_as_the_tables_do(page: str) -> None:
    key = _text(_key_part(page))
    item = re.search(r"closed : all utilisation at [^;]*?lane mine_border\) ([^,]+), 95% CI "
                     r"([^.]*?pt|\(all equal\))", key)
    assert item, key
    assert " share" not in item.group(0)
    queue = next(r for r in _tables(page)["queues"]
                 if r["place"] == "mine_border" and r["KPI"] == "utilisation")
    # the Queues table's difference, and both levels in %
    assert item.group(1).startswith(queue["difference"])
    assert f"from {queue['reference mean']} to {queue['mean']}" in item.group(1)


def test_a_share_item_in_points_without_a_relative_change() -> None:
    from sim.output.report import _difference_item

    item = _text(_difference_item("b", "all", "state_time_share at unrest:tense", 0.133,
                                  "share", 0.466, 0.1, 0.16))
    assert "+13.30 pt (from 28.5% to 41.8%), 95% CI +10.00 to +16.00 pt" in item
    assert "46.6" not in item and "0.133" not in item
    new = _text(_difference_item("b", "all", "utilisation at x", 0.5597, "share",
                                 float("nan"), 0.5519, 0.5675, new=True))
    assert "+55.97 pt (new: from 0% to 56.0%), 95% CI +55.19 to +56.75 pt" in new


def test_utilisation_short_definition_covers_lanes(page: str) -> None:
    from sim.metrics.kpis import kpi_definitions
    from sim.output.report import short_definition

    short = short_definition(kpi_definitions()["utilisation"])
    assert "(or a lane's loader, or the handling of a port" in short
    assert "(or a lane's loader" in _text(page[page.index("Queues: border posts"):])
    # a long aside that does not widen what the KPI covers is still left out
    assert short_definition("made by mines (by channel: a long aside " + "x" * 80
                            + ") in tonnes") == "made by mines in tonnes"


def test_the_names_block_covers_the_tables_and_routes_go_by_path(page: str) -> None:
    assert page.count("<h3>Names used in the tables</h3>") == 1
    names = page[page.index("<h3>Names used in the tables</h3>") + 4:]
    names = _text(names[:names.index("<h3>")])
    assert "formal Formal exporters: declared exports by road" in names
    assert "border Border Post" in names  # a place of the Queues table
    assert "mine_border mine_a → Border Post (road lane)" in names
    key = _text(_key_part(page))
    assert "route direct (Border Post → Market X (abroad))" in key
    assert "route:direct" not in key.split("Terms used")[0]
    assert "route:<id> is a route" not in key
    # compare.csv keeps the ids
    assert "route:direct" in page[page.index("<summary>compare.csv"):]


def test_the_deal_note_points_at_a_list_only_where_there_is_one(page: str,
                                                                other_page: str) -> None:
    assert "can be missing from the list above" in _text(_key_part(page))
    other = _text(_key_part(other_page))
    assert "Key KPIs: not ranked" in other
    assert "deal_x failed" in other
    assert "list above" not in other
    assert "The table below gives the totals' differences as measured" in other
