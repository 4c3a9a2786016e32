"""What a policymaker reads in a comparison (review 161): a share that rises while every
channel's tonnes fall is said to be who lost least, not who gained."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import sim
from sim.output.compare_output import comparison_text
from sim.output.report import compare_report_html
from sim.output.tables import FALLING_TOTAL, falling_totals_note

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory, build) -> sim.Comparison:
    path = build.tiny_closure(tmp_path_factory.mktemp("closed") / "closed.yaml",
                              "{sites: [mine_a]}", start=10, days=40)
    return sim.run_comparison([TINY, path], 2, 1)


def test_falling_totals_are_said_beside_who_controls_supply(closed: sim.Comparison) -> None:
    t = closed.table
    rel = t[(t["scenario"] == "closure") & (t["channel"] == "all") & (t["site"] == "all")
            & (t["metric"] == "exported_t")]["rel_change"].item()
    assert rel <= -FALLING_TOTAL
    note = falling_totals_note(t, "closure")
    assert note == (f"note: total exports fell in closure (copper {-rel:.0%}): a share can "
                    "rise while its channel loses tonnes, so a rising share there says who "
                    "lost least, not who gained; read exported_t by channel beside it")
    assert note in comparison_text(closed)
    html = compare_report_html([("tiny", closed.results[0]), ("closure", closed.results[1])])
    assert "total exports fell in closure (copper" in html
    assert "who gained and who lost" not in html


def test_no_such_note_where_totals_hold(closed: sim.Comparison) -> None:
    assert falling_totals_note(closed.table, "tiny") == ""


def test_the_forest_legend_fits_the_figure(tmp_path: Path, shock_yaml: Path) -> None:
    # review 161: four entries in one row ran past both edges ("... a bound, no inte")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from sim.output.figures import forest_figure

    path = tmp_path / "capped.yaml"
    path.write_text(f"extends: {shock_yaml}\nname: capped_with_a_long_scenario_name\n"
                    "commodities:\n  copper:\n"
                    "    price_cap_ratio: {value: 1.2, assumption: test input}\n")
    comp = sim.run_comparison([TINY, path], 2, 1)
    fig = forest_figure(list(zip(comp.labels, comp.results, strict=True)))
    FigureCanvasAgg(fig).draw()
    (legend,) = fig.legends
    texts = [t.get_text() for t in legend.get_texts()]
    assert "price peak at the cap: a bound, no interval" in texts
    box = legend.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width


def test_the_comparison_report_gives_each_scenarios_question(closed: sim.Comparison) -> None:
    # review 161: the run report gave a scenario's question and description (export_ban's
    # flat 2025 price), the comparison report neither
    named = [("tiny", closed.results[0]), ("closure", closed.results[1])]
    assert 'class="questions"' not in compare_report_html(named)
    asked = closed.results[1].scenario.model_copy(
        update={"question": "What if the mine stops?", "description": "A & B."})
    res = dataclasses.replace(closed.results[1], scenario=asked)
    html = compare_report_html([named[0], ("closure", res)])
    assert "<li><strong>closure</strong>: What if the mine stops? A &amp; B.</li>" in html


def test_money_in_the_key_list_is_in_millions() -> None:
    # review 161: "+681,200,748 USD" was read digit by digit
    from sim.output.report import _difference_item

    item = _difference_item("ban", "cobalt", "royalty_usd", 681_200_748.0, "USD", 0.461,
                            -138e6, 1.5e9)
    assert "royalty_usd +681.2 m USD (+46.1%), 95% CI -138.0 m to 1.50 bn</li>" in item
    assert "+950 USD" in _difference_item("ban", "gold", "royalty_usd", 950.0, "USD", 0.1,
                                          1.0, 2.0)


def test_the_key_list_says_a_change_may_hide_in_a_wide_interval(closed: sim.Comparison
                                                                  ) -> None:
    html = compare_report_html([("tiny", closed.results[0]), ("closure", closed.results[1])])
    assert "a KPI left off this list may still have changed, with an interval too wide" in html
