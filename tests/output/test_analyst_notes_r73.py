"""Review 73: what an analyst sees in a comparison and in the reports.

F1: money KPIs valued at a price index at its cap (or far above 1) carry a note that they
measure the price response, not revenue. F3: seized_t, diverted_t, royalty_usd and
armed_group_rent_usd join the headline rows when some scenario has them. F4: an offtake deal
that failed is named with its count of replications, and the channel it targets keeps its
rows at 0 in who controls supply."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from sim.experiment.compare import run_comparison
from sim.output.compare_output import comparison_markdown, comparison_text
from sim.output.report import compare_report_html, run_report_html
from sim.output.tables import deal_note, high_prices, money_note, price_caps

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"

PRICED = ("    demand_elasticity: {value: -0.5, assumption: test input}\n",
          "    demand_elasticity: {value: -0.5, assumption: test input}\n"
          "    reference_price_usd_per_t: {value: 9000, assumption: test input}\n"
          "    royalty_rate: {value: 0.1, assumption: test input}\n")
INFORMAL = ("      direct: {path: [border, market_x]}",
            "      direct: {path: [border, market_x]}\n"
            "  informal:\n    formal: false\n    routes:\n"
            "      smuggled: {path: [border, market_x]}")


def _write(path: Path, name: str, extra: str = "", cap: float | None = None) -> Path:
    """tiny.yaml priced, with an informal channel, as scenario ``name`` with ``extra``
    YAML and copper's price_cap_ratio ``cap`` (default: the schema's, 10)."""
    text = TINY.read_text(encoding="utf-8")
    priced = (PRICED[0], PRICED[1] + (f"    price_cap_ratio: {cap:g}\n" if cap else ""))
    for old, new in (priced, INFORMAL):
        assert text.count(old) == 1
        text = text.replace(old, new)
    path.write_text(text.replace("name: tiny", f"name: {name}", 1) + extra, encoding="utf-8")
    return path


CLOSURE = """shocks:
  events:
    cut:
      start: 20
      duration_days: 60
      targets: {lanes: [mine_border]}
      effects: {capacity_factor: 0.0}
      assumption: test input
"""

SEIZURE = CLOSURE.replace("{capacity_factor: 0.0}", "{seize_share: 0.2}")

DEAL = """policies:
  offtake_deals:
    deal_x: {mines: [mine_a], commodities: [copper], share: 0.3, to_channel: informal,
             start: 5, probability_fails: 1.0, assumption: test input}
"""


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("r73")
    return {"base": _write(d / "base.yaml", "base"),
            "cut": _write(d / "cut.yaml", "cut", CLOSURE, cap=1.2),
            "seize": _write(d / "seize.yaml", "seize", SEIZURE),
            "deal": _write(d / "deal.yaml", "deal", DEAL)}


def _compare(*items: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_comparison(list(items), replications=2, seed=1, workers=1)


@pytest.fixture(scope="module")
def cut(scenarios):
    return _compare(scenarios["base"], scenarios["cut"])


@pytest.fixture(scope="module")
def seize(scenarios):
    return _compare(scenarios["base"], scenarios["seize"])


@pytest.fixture(scope="module")
def deal(scenarios):
    return _compare(scenarios["base"], scenarios["deal"])


@pytest.fixture(autouse=True)
def no_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reports without their figures, which take seconds and are not tested here."""
    import sim.output.compare_report as compare_report
    import sim.output.figures as figures
    import sim.output.report as report
    import sim.output.shock_text as shock_text

    monkeypatch.setattr(figures, "run_figure_plan", lambda *a, **k: [])
    monkeypatch.setattr("sim.output.compare_figures.compare_figure_plan", lambda *a, **k: [])
    monkeypatch.setattr(figures, "flows_figure", lambda *a, **k: None)
    monkeypatch.setattr(shock_text, "timeline_figure", lambda *a, **k: None)
    monkeypatch.setattr(report, "figure_html", lambda *a, **k: "")
    monkeypatch.setattr(compare_report, "figure_html", lambda *a, **k: "")


MONEY = "they measure the price response, not revenue"


def test_money_note_for_a_price_at_its_cap(cut) -> None:
    res = cut.results[1]
    assert high_prices(res.summary(), price_caps(res.scenario)) == {
        "copper": "reached its cap (1.2)"}
    text = comparison_text(cut)
    note = next(line for line in text.splitlines() if MONEY in line)
    # no armed group taxes copper here: its rent, 0, is not named (review 208)
    assert note.startswith("note: export_value_usd, royalty_usd in cut")
    assert "copper: the index reached its cap (1.2)" in note
    assert "measure the price response, not revenue" in note
    assert MONEY in comparison_markdown(cut)
    assert MONEY in run_report_html(res)
    assert MONEY in compare_report_html(list(zip(cut.labels, cut.results, strict=True)))


def test_no_money_note_where_the_price_stays_low(seize, deal) -> None:
    for comp in (seize, deal):
        assert MONEY not in comparison_text(comp)
        assert MONEY not in comparison_markdown(comp)
        assert MONEY not in run_report_html(comp.results[1])
    assert money_note({}) == ""


def test_seized_and_royalties_join_the_headline(seize, deal) -> None:
    rows = [line.split() for line in comparison_text(seize).splitlines()]
    metrics = {r[1] for r in rows if len(r) > 2 and r[0] == "copper"}
    assert {"seized_t", "royalty_usd"} <= metrics
    assert "armed_group_rent_usd" not in metrics  # 0 in both: nothing to say
    assert "| copper | seized_t |" in comparison_markdown(seize)
    html = compare_report_html(list(zip(seize.labels, seize.results, strict=True)))
    assert "<td>seized_t</td>" in html
    # nothing seized in either: no seized_t row
    rows = [line.split() for line in comparison_text(deal).splitlines()]
    assert "seized_t" not in {r[1] for r in rows if len(r) > 2 and r[0] == "copper"}


def test_failed_deal_is_named_and_its_channel_kept(deal) -> None:
    res = deal.results[1]
    note = deal_note(res)
    assert note.startswith("note: offtake deal: deal deal_x failed in 2 of 2 replications")
    text = comparison_text(deal)
    assert "note: offtake deal in deal: deal deal_x failed in 2 of 2 replications" in text
    control = text.split("Who controls supply", 1)[1].splitlines()
    assert any(line.split()[:3] == ["copper", "exported_t", "informal"] for line in control)
    assert "deal deal_x failed in 2 of 2 replications" in comparison_markdown(deal)
    run_html = run_report_html(res)
    assert "deal deal_x failed in 2 of 2 replications" in run_html
    assert "<td>informal</td>" in run_html  # the channel's row kept at 0
    html = compare_report_html(list(zip(deal.labels, deal.results, strict=True)))
    assert "deal deal_x failed in 2 of 2 replications" in html
    assert deal_note(deal.results[0]) == ""  # the reference has no deal


def test_shortfall_definition_says_demand_is_at_the_reference_price() -> None:
    from sim.metrics.kpis import kpi_definitions

    text = " ".join(kpi_definitions()["shortfall_t"].split())
    assert "demand at the reference price" in text
    assert "minus consumption" in text
    assert "a more elastic demand gives a lower price peak" in text
    readme = (Path(__file__).resolve().parents[2] / "scenarios" / "README.md").read_text(
        encoding="utf-8")
    assert "Demand responds to the price only through" not in " ".join(readme.split())


def test_sim_run_names_a_failed_deal_and_keeps_its_channel(scenarios, tmp_path) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    result = CliRunner().invoke(main, ["run", str(scenarios["deal"]), "-n", "2", "-w", "1",
                                       "--seed", "1", "--no-figures",
                                       "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "note: offtake deal: deal deal_x failed in 2 of 2 replications" in result.output
    channels = result.output.split("Delivered by channel", 1)[1].splitlines()[1]
    assert "informal 0.0%" in channels


def test_valued_kpis_names_those_not_0_or_all_where_none_is() -> None:
    import pandas as pd

    from sim.output.tables import MONEY_KPIS, valued_kpis

    frame = pd.DataFrame({"commodity": ["cobalt"] * 3 + ["gold"],
                          "channel": "all", "site": "all",
                          "metric": [*MONEY_KPIS, "armed_group_rent_usd"],
                          "mean": [5.0, 0.0, 0.0, 7.0]})
    assert valued_kpis(frame, ["cobalt"]) == ["export_value_usd"]
    assert valued_kpis(frame, ["cobalt", "gold"]) == ["export_value_usd",
                                                      "armed_group_rent_usd"]
    assert valued_kpis(frame, ["copper"]) == list(MONEY_KPIS)
