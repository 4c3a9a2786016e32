"""Review 225 (the last merges): a comparison's price basis said nothing of a scenario
without the price, and named compare.csv where a folder of runs has none; a share's levels
read "from 40.0% to 40.0%" beside +0.04 pt; the calendar caption's ▶ left out ramps; three
significant figures dropped trailing zeros ("2.8 M" beside "2.84 M") and failed on NaN."""

from __future__ import annotations

import html
import math
import warnings
from pathlib import Path

import sim
from sim.output.report import _share_item, compared_price_basis_paragraph
from sim.output.style import format_tonnes_3

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
PRICE = "commodities.copper.reference_price_usd_per_t={value: 9259, assumption: test input}"


def test_the_price_basis_names_a_scenario_without_the_price_and_no_absent_csv() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        priced = sim.run(sim.load_scenario(TINY, ["name=priced", PRICE]), replications=2,
                         seed=1, figures=False)
        bare = sim.run(sim.load_scenario(TINY, ["name=bare"]), replications=2, seed=1,
                       figures=False)
    frame = priced.summary().reset_index()
    text = compared_price_basis_paragraph([("priced", priced), ("bare", bare)], [frame])
    assert "copper 9,259 USD/t in priced" in text
    assert "none in bare, whose money KPIs of copper are 0" in text
    assert "compare.csv and the runs' summary.csv" in text
    runs_only = compared_price_basis_paragraph([("priced", priced), ("bare", bare)], [frame],
                                               csv=False)
    assert "compare.csv" not in runs_only and "the runs' summary.csv and kpis.csv" in runs_only


def test_share_levels_have_the_differences_precision() -> None:
    item = _share_item("s", "cobalt", "utilisation", 0.0004, 0.001, 0.0001, 0.0007)
    assert "(from 40.00% to 40.04%)" in item
    assert "(from 28.5% to 41.8%)" in _share_item("s", "c", "u", 0.133, 0.466, 0.1, 0.15)


def test_three_significant_figures_keep_their_zeros() -> None:
    assert format_tonnes_3(2.8e6) == "2.80 M" and format_tonnes_3(73000) == "73.0 k"
    assert format_tonnes_3(2.84e6) == "2.84 M" and format_tonnes_3(7387) == "7,390"
    assert format_tonnes_3(math.nan) == "-"


def test_the_calendar_caption_says_a_ramp_goes_on() -> None:
    from sim.output.shock_text import timeline_caption

    sc = sim.load_scenario(TINY, ["sites.mine_a.ramp_up={start: 10, ramp_days: 30, "
                                  "initial_factor: 0.5}"])
    assert "or a ramp, whose result stays" in timeline_caption(sc)


def test_the_deal_note_under_a_folder_of_runs_names_no_compare_csv(tmp_path: Path) -> None:
    from sim.output.report import deal_list_paragraph
    from tests.output.test_report_reader_r203 import _scenario

    path = _scenario(tmp_path / "deal.yaml", "deal", True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sim.run(sim.load_scenario(path), replications=2, seed=1, figures=False)
    with_csv = deal_list_paragraph(res, "deal")
    assert "(compare.csv has every KPI by channel)" in with_csv
    runs = html.unescape(deal_list_paragraph(res, "deal", csv=False))
    assert "compare.csv" not in runs and "(each run's summary.csv has every KPI" in runs
