"""What a policymaker reads in a comparison (review 161): a share that rises while every
channel's tonnes fall is said to be who lost least, not who gained."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

import sim
from sim.output.compare_output import comparison_text
from sim.output.report import compare_report_html
from sim.output.tables import format_number, rising_share_note

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory, build) -> sim.Comparison:
    path = build.tiny_closure(tmp_path_factory.mktemp("closed") / "closed.yaml",
                              "{sites: [mine_a]}", start=10, days=40)
    return sim.run_comparison([TINY, path], 2, 1)


def test_a_share_risen_on_fewer_tonnes_is_said(tmp_path: Path, build) -> None:
    # review 161: western cobalt's share +6.4 pt on 42% fewer tonnes read as a gain; review
    # 166: of the metal delivered, what the shares are of, per channel
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["channels"]["other"] = {"routes": {"direct": {"path": ["border", "market_x"]}}}
    data["sites"]["mine_b"] = {**data["sites"]["mine_a"],
                               "offtake": {"copper": {"other": 1.0}}}
    data["lanes"]["mine_b_border"] = {**data["lanes"]["mine_border"], "from": "mine_b"}
    two = tmp_path / "two.yaml"
    two.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    # the formal channel's mine closed 40 of 100 days: its share falls, other's rises on
    # the same tonnes; then other's mine closed 10 days too: a rise on fewer tonnes
    both = build.tiny_closure(tmp_path / "both.yaml", "{sites: [mine_a]}", start=10, days=40)
    both.write_text(both.read_text(encoding="utf-8").replace(str(TINY), str(two))
                    + "    cut_b:\n      start: 10\n      duration_days: 10\n"
                      "      targets: {sites: [mine_b]}\n      effects: {capacity_factor: 0.0}\n"
                      "      assumption: test input\n", encoding="utf-8")
    comp = sim.run_comparison([two, both], 2, 1)
    note = rising_share_note(comp.table, "closure")
    assert note.startswith("note: in closure, a channel's share of the metal delivered rose "
                           "while its tonnes fell (other's copper +")
    assert "formal" not in note
    assert note.endswith("such a share says who lost least, not who gained")
    assert note in comparison_text(comp)
    named = list(zip(comp.labels, comp.results, strict=True))
    assert "a channel&#x27;s share of the metal delivered rose" in compare_report_html(named)
    # review 169: compare.md, the saved text, had neither this nor control_hhi's caveat
    from sim.output.compare_output import comparison_markdown
    from sim.output.tables import CONTROL_HHI_NOTE

    md = comparison_markdown(comp)
    assert f"**Note:** {note.removeprefix('note: ')}" in md
    assert f"**Note:** {CONTROL_HHI_NOTE.removeprefix('note: ')}" in md
    assert CONTROL_HHI_NOTE in comparison_text(comp)


def test_no_such_note_where_no_share_rose_on_fewer_tonnes(closed: sim.Comparison) -> None:
    # one channel: its share is 100% in both
    assert rising_share_note(closed.table, "closure") == ""
    assert rising_share_note(closed.table, "tiny") == ""


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
    assert "royalty_usd +681 m USD (+46.1%), 95% CI -138 m to 1.50 bn</li>" in item
    assert "+950 USD" in _difference_item("ban", "gold", "royalty_usd", 950.0, "USD", 0.1,
                                          1.0, 2.0)


def test_the_key_list_says_a_change_may_hide_in_a_wide_interval(closed: sim.Comparison
                                                                  ) -> None:
    html = compare_report_html([("tiny", closed.results[0]), ("closure", closed.results[1])])
    assert "a KPI left off this list may still have changed, with an interval too wide" in html


def test_the_shortfall_line_says_which_market_went_short(tmp_path: Path) -> None:
    # review 161: who lost (China 52,493 t, the rest of the world 73,971 t, the US none)
    # was in the tables far below the key list
    from sim.output.report import shortfall_timing

    two = tmp_path / "two.yaml"
    two.write_text(
        f"extends: {TINY}\nname: two\nsites:\n  market_y:\n    kind: market\n"
        "    name: Market Y\n    region: away\n"
        "    location: {lat: 31.0, lon: 121.0, assumption: test input}\n"
        "    demand_t_per_year: {copper: 1000, assumption: test input}\n"
        "    other_supply_t_per_year: {copper: 400, assumption: test input}\n")
    ref = sim.run(sim.load_scenario(two), replications=2, seed=1)
    k = ref.kpis
    short = k[(k.metric == "shortfall_t") & (k.site.isin(["market_x", "market_y"]))]
    means = short.groupby("site")["value"].mean()
    x, y = (format_number(means[m]) for m in ("market_x", "market_y"))
    assert float(means["market_y"]) > 0  # it has no network supply: short of 600 t a year
    assert shortfall_timing(ref, ref, "copper").endswith(
        f"; by market: market_x {x} t (reference {x}), Market Y {y} t (reference {y})")
    one = sim.run(sim.load_scenario(TINY), replications=1, seed=1)
    assert "by market" not in shortfall_timing(one, one, "copper")


def test_the_comparison_report_sets_the_queues_side_by_side(tmp_path: Path, build) -> None:
    # review 161: Kasumbalesa's waits and worst queue were on no part of the page the
    # reader reached; a lane no route uses (idle in both) gets no rows
    from sim.output.report import QUEUE_ROWS, queue_frame

    idle = ("  spare:\n    from: mine_a\n    to: market_x\n    mode: rail\n"
            "    transit_days: {value: 5, assumption: test input}\n"
            "    capacity_t_per_day: {value: 500, assumption: test input}\n")
    ref = tmp_path / "ref.yaml"
    ref.write_text(TINY.read_text(encoding="utf-8").replace("lanes:\n", "lanes:\n" + idle)
                   .replace("name: tiny", "name: ref"), encoding="utf-8")
    cut = build.tiny_closure(tmp_path / "cut.yaml", "{sites: [border]}", start=10, days=20)
    cut.write_text(cut.read_text(encoding="utf-8").replace(str(TINY), str(ref)),
                   encoding="utf-8")
    comp = sim.run_comparison([ref, cut], 2, 1)
    frame = queue_frame(list(zip(comp.labels, comp.results, strict=True)))
    assert "spare" in set(comp.table[comp.table["metric"] == "utilisation"]["site"])
    assert list(frame["place"]) == ["border"] * len(QUEUE_ROWS)
    assert list(frame["KPI"]) == list(QUEUE_ROWS)
    row = frame.set_index("KPI").loc["peak_held_trucks"]
    t = comp.table
    want = t[(t["scenario"] == "closure") & (t["site"] == "border")
             & (t["metric"] == "peak_held_trucks")]["diff"].item()
    assert row["difference"] == f"+{format_number(want)}" and want > 0
    html = compare_report_html(list(zip(comp.labels, comp.results, strict=True)))
    assert "<h3>Queues: border posts, ports and lanes with a capacity</h3>" in html


def test_the_control_table_gives_the_indices_beside_the_shares(closed: sim.Comparison) -> None:
    # review 166: the report's caveat on control_hhi came with no row of it, and the
    # terminal never printed it
    from sim.output.report import control_frame

    frame = control_frame(list(zip(closed.labels, closed.results, strict=True)))
    hhi = frame[frame["metric"] == "control_hhi"]
    assert list(hhi["channel/country"]) == ["all"]
    assert hhi["reference mean"].item() == "10,000"  # one channel
    assert list(frame["metric"])[0] == "control_hhi"
    text = comparison_text(closed)
    assert "copper     control_hhi" in text[text.index("Who controls supply"):]


def test_a_queue_the_reference_lacks_has_no_difference(tmp_path: Path) -> None:
    # review 165: a port only the scenario has read "high_load_days 0 -> 29, (all equal)"
    # beside its waits' "-"
    from sim.output.report import QUEUE_ROWS, _usd, num_cell, queue_frame

    loaded = tmp_path / "loaded.yaml"
    loaded.write_text(f"extends: {TINY}\nname: loaded\nlanes:\n  border_market:\n"
                      "    capacity_trucks_per_day: {value: 50, assumption: test input}\n",
                      encoding="utf-8")
    comp = sim.run_comparison([TINY, loaded], 2, 1)
    frame = queue_frame(list(zip(comp.labels, comp.results, strict=True)))
    lane = frame[frame["place"] == "border_market"]
    assert len(lane) == len(QUEUE_ROWS) - 1  # no trucks held: it is no border post
    assert set(lane["reference mean"]) == set(lane["difference"]) == set(lane["95% CI"]) \
        == {"-"}
    assert set(frame[frame["place"] == "border"]["reference mean"]) != {"-"}
    assert _usd(999_950_000.0) == "1.00 bn" and _usd(994_940_000.0) == "995 m"
    # as the run report's tables write them (review 218); an infinity as a number
    assert _usd(float("inf")) == num_cell(float("inf")) and _usd(float("nan")) == "-"
