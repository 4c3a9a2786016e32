"""A comparison says that the money KPIs of a commodity whose price is not modelled are at its
reference price in every year (review 201): gold's rent and royalties over 2024-27 were
printed at the 2024 LBMA price, 44% below 2025's, with no word beside them in the terminal or
compare.md, where the report's assumptions and the README said it."""

from __future__ import annotations

import json
from pathlib import Path

import sim
from sim.experiment.compare import run_comparison
from sim.output.compare_output import comparison_markdown, comparison_text

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
VALUED = ["commodities.copper.reference_price_usd_per_t=9259",
          "commodities.copper.royalty_rate=0.035"]
# no armed group taxes copper here: its rent, 0, is not named (review 205)
NOTE = ("export_value_usd, royalty_usd in a and b (here or in compare.csv) of copper are "
        "valued at the reference price in every year (copper at 9,259 USD/t; the scenario's "
        "reference_price_usd_per_t), as the price is not modelled")


def _scenarios(*more: str) -> list[sim.Scenario]:
    a = sim.load_scenario(TINY, [*VALUED, "name=a", *more])
    b = sim.load_scenario(TINY, [*VALUED, "name=b", "sites.mine_a.output.copper.t_per_year"
                                 "={value: 30000, unit: t/yr}", *more])
    return [a, b]


def test_a_price_not_modelled_gets_the_note_in_the_terminal_and_compare_md(
        tmp_path: Path) -> None:
    comp = run_comparison(_scenarios("commodities.copper.demand_elasticity=null"), 2, 1,
                          out=tmp_path / "c", figures=False)
    assert NOTE in comparison_text(comp)
    # and what to do at another price (review 209, mutant 35)
    assert "(at another price, multiply by its ratio to this one)" in comparison_text(comp)
    assert NOTE in comparison_markdown(comp)
    assert any(NOTE in n for n in
               json.loads((tmp_path / "c" / "comparison.json").read_text())["table_notes"])


def test_a_modelled_price_or_no_reference_price_gets_none() -> None:
    # copper's price moves with its shortfall in tiny.yaml
    assert "at the reference price in every year" not in comparison_text(
        run_comparison(_scenarios(), 2, 1))
    unvalued = [sim.load_scenario(TINY, ["name=a", "commodities.copper.demand_elasticity=null"]),
                sim.load_scenario(TINY, ["name=b", "commodities.copper.demand_elasticity=null"])]
    assert "at the reference price in every year" not in comparison_text(
        run_comparison(unvalued, 2, 1))


def test_the_reports_say_it_too(tmp_path: Path) -> None:
    # review 208: report.html of a run and of a comparison gave gold's money figures with no
    # such note, where the terminal and compare.md had it
    from sim.output.report import write_report

    a, b = _scenarios("commodities.copper.demand_elasticity=null")
    sim.run(a, 2, seed=1, out=tmp_path / "a", figures=False)
    sim.run(b, 2, seed=1, out=tmp_path / "b", figures=False)
    page = write_report(tmp_path / "a").path.read_text(encoding="utf-8")
    assert ("export_value_usd, royalty_usd of copper are valued at the reference price in "
            "every year") in page
    page = write_report(tmp_path).path.read_text(encoding="utf-8")
    assert page.count("are valued at the reference price in every year") == 1
    assert "export_value_usd, royalty_usd in every scenario of copper" in page
