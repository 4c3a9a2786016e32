"""Diff review of the Nov 29 output changes.

1. The who-controls-supply table showed "-" for a channel (or refiners' country) only one
   scenario has: it is now 0 t / a 0 share in the other, with a paired difference.
2. Fixed key colours went by position: a country drawn before the channels took the china
   channel's red. Channels now always keep theirs; countries and markets have their own.
3. Map, network and timeline titles ran past the figure with a long scenario id.
4. The HTML control table re-read "+17.15" as a number and dropped its "+".
5. The time_to_recover_days note says a censored episode makes it a lower bound.
6. network_figure escaped a caller's own title; the flows legend said "refined" bare;
   black was a spare key colour (the colour of the lead-time means); the report's control
   table said nothing of periods of different lengths.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

import sim
from sim.experiment.compare import compare_table, paired_difference, run_comparison
from sim.output import figures as F
from sim.output import report as R
from sim.output import style as st
from sim.output.compare_output import comparison_text
from sim.output.network_map import network_figure
from sim.output.shock_text import timeline_figure
from sim.output.tables import REFINED_LABEL, control_rows
from sim.scenario import scenario_from_dict

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
LONG = "export_ban_2025_with_a_much_longer_descriptive_scenario_name_abc"  # 64 chars


# ============================================================ 1. one-sided control rows
def direct(build, informal: float, name: str, channel: bool = True) -> sim.Scenario:
    """Copper straight from a mine to a market; with ``channel`` an informal channel takes
    ``informal`` of the output (without, the scenario has no informal channel)."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 2.0)], ["market"], horizon=40,
                          name=name)
    if channel:
        data["channels"]["informal"] = {"routes": {"main": {"path": ["market"]}}}
        data["sites"]["mine"]["offtake"] = {"copper": {"formal": 1.0 - informal,
                                                       "informal": informal}}
    return scenario_from_dict(data)


def test_a_channel_the_reference_lacks_is_measured_against_zero(build) -> None:
    comp = run_comparison([direct(build, 0.0, "ref", channel=False),
                           direct(build, 0.4, "diverted")], replications=2, seed=1)
    text = comparison_text(comp)
    block = text[text.index("Who controls supply"):]
    table = block.split("\n\n")[0].splitlines()[3:]
    rows = {tuple(line.split()[1:3]): line.split() for line in table if len(line.split()) > 3}
    share = rows[("delivered_share", "informal")]
    assert share[3:6] == ["0.0%", "40.0%", "+40.00"]
    exported = rows[("exported_t", "informal")]
    assert exported[3:6] == ["0", "1,600", "+1,600"]
    assert "(all equal)" in " ".join(exported)
    # the comparison report's table is the same
    frame = R.control_frame(list(zip(comp.labels, comp.results, strict=True)))
    informal = frame[(frame["metric"] == "exported_t")
                     & (frame["channel/country"] == "informal")].iloc[0]
    assert (informal["reference mean"], informal["difference"]) == ("0", "+1,600")


def stub(labels: list[tuple[str, ...]], values: list[list[float]]) -> SimpleNamespace:
    """What compare_table and control_rows read of a Results."""
    return SimpleNamespace(kpi_labels=labels, kpi_values=np.array(values, dtype=float),
                           replications=list(range(len(values))))


FORMAL_X = ("copper", "formal", "all", "exported_t", "t")
INFORMAL_X = ("copper", "informal", "all", "exported_t", "t")
FORMAL_S = ("copper", "formal", "all", "delivered_share", "share")
INFORMAL_S = ("copper", "informal", "all", "delivered_share", "share")


def test_a_one_sided_difference_is_paired_with_its_interval() -> None:
    ref = stub([FORMAL_X, FORMAL_S], [[100, 1.0], [100, np.nan], [100, 1.0]])
    scn = stub([FORMAL_X, INFORMAL_X, FORMAL_S, INFORMAL_S],
               [[90, 10, 0.9, 0.1], [80, 20, 0.8, 0.2], [70, 40, 0.7, 0.3]])
    table = compare_table([ref, scn], ["ref", "scn"])
    rows = control_rows(table, "ref", "scn", {"ref": ref, "scn": scn}).set_index(
        ["metric", "by"])
    exported = rows.loc[("exported_t", "informal")]
    mean, low, high = paired_difference(np.zeros(3), np.array([10.0, 20.0, 40.0]))
    assert exported["reference_mean"] == 0 and exported["diff_n"] == 3
    assert exported[["diff", "diff_ci_low", "diff_ci_high"]].tolist() == \
        pytest.approx([mean, low, high])
    # a share of nothing delivered is undefined, not 0: replication 1 drops its pair
    share = rows.loc[("delivered_share", "informal")]
    mean, low, high = paired_difference(np.zeros(2), np.array([0.1, 0.3]))
    assert share["diff_n"] == 2
    assert share[["diff", "diff_ci_low", "diff_ci_high"]].tolist() == \
        pytest.approx([mean, low, high])
    # without the arms' results the row stays as compare_table has it
    bare = control_rows(table, "ref", "scn").set_index(["metric", "by"])
    assert np.isnan(bare.loc[("exported_t", "informal"), "diff"])


# ================================================================== 2. fixed colours
def test_channels_keep_their_colours_whatever_the_order_of_the_keys() -> None:
    red, teal = st.CHANNEL_COLORS["china"], st.CHANNEL_COLORS["us_partnered"]
    for keys in (["CHN", "USA", "china", "us_partnered", "western"],
                 ["china", "us_partnered", "CHN", "USA"], ["USA", "CHN", "FIN", "china"]):
        colors = st.key_colors(keys)
        assert colors["china"] == red
        assert colors["CHN"] == st.COUNTRY_COLORS["CHN"]
        if "us_partnered" in colors:
            assert colors["us_partnered"] == teal
        assert colors["USA"] == st.COUNTRY_COLORS["USA"]
        assert len(set(colors.values())) == len(colors)
    assert not set(st.COUNTRY_COLORS.values()) & set(st.CHANNEL_COLORS.values())
    # a market takes its country's colour, and a shade of it beside the country
    alone = st.key_colors(["china", "market_china"], {"market_china": "CHN"})
    assert alone["market_china"] == st.COUNTRY_COLORS["CHN"]
    both = st.key_colors(["market_china", "CHN", "china"], {"market_china": "CHN"})
    assert both["CHN"] == st.COUNTRY_COLORS["CHN"] and both["china"] == red
    assert both["market_china"] == st.MARKET_COLORS["CHN"]


def legend_colours(fig) -> dict[str, str]:
    legend = fig.legends[0]
    return {t.get_text(): to_hex(h.get_facecolor())
            for h, t in zip(legend.legend_handles, legend.get_texts(), strict=True)}


@pytest.mark.parametrize("metrics", [["delivered_t", "exported_t"],
                                     ["exported_t", "delivered_t"]])
def test_the_china_channel_is_red_beside_china(baseline_short, metrics) -> None:
    colours = legend_colours(F.flows_figure(baseline_short, "cobalt", metrics=metrics))
    assert colours["china"] == st.CHANNEL_COLORS["china"]
    assert colours["CHN"] == st.COUNTRY_COLORS["CHN"]
    assert len(set(colours.values())) == len(colours)


def test_black_is_no_key_colour() -> None:
    assert "#000000" not in st.EXTRA_COLORS
    many = st.key_colors([f"k{i}" for i in range(len(st.EXTRA_COLORS))])
    assert "#000000" not in many.values()


# ====================================================================== 3. long titles
def inside(fig, text) -> bool:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    box = text.get_window_extent(canvas.get_renderer())
    return box.x0 >= 0 and box.x1 <= fig.bbox.x1


@pytest.fixture(scope="module")
def long_named() -> sim.Scenario:
    """tests/data/tiny.yaml named :data:`LONG`, with a closure (for the timeline)."""
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = LONG
    data["shocks"] = {"events": {"border_closure": {
        "name": "Border closed", "start": 20, "duration_days": 15,
        "targets": {"sites": ["border"]}, "effects": {"capacity_factor": 0}}}}
    return scenario_from_dict(data)


def test_map_and_network_titles_lie_within_the_figure(long_named) -> None:
    res = sim.run(long_named, replications=1, seed=1)
    fig = F.map_figure(res)
    assert LONG in fig.get_suptitle() and inside(fig, fig._suptitle)
    fig = network_figure(long_named)
    assert LONG in fig.get_suptitle() and inside(fig, fig._suptitle)


def test_the_timeline_title_lies_within_the_figure(long_named) -> None:
    fig = timeline_figure(long_named)
    title = fig.axes[0].title
    assert LONG in title.get_text() and inside(fig, title)


def test_network_figure_draws_a_callers_title_as_given(long_named) -> None:
    fig = network_figure(long_named, title="costs in $x^2$")
    assert fig.get_suptitle() == "costs in $x^2$"


# ============================================================ 4. signs in the HTML table
def test_the_report_control_table_keeps_the_plus_of_small_differences() -> None:
    ref = stub([FORMAL_X], [[100.0], [100.0]])
    scn = stub([FORMAL_X], [[117.0], [117.3]])
    html = R._control_section([("ref", ref), ("scn", scn)])
    assert ">+17.15<" in html and '<td class="num">+17.15</td>' in html
    frame = pd.DataFrame({"difference": ["+17.15", "-3"], "name": ["a", "b"]})
    assert '<td class="num">+17.15</td>' in R.table(frame, aligned=["difference"])


# ========================================================== 5. time_to_recover_days note
def test_the_recovery_note_says_a_censored_episode_is_a_lower_bound() -> None:
    frame = pd.DataFrame({"commodity": ["copper", "copper", "cobalt", "cobalt"],
                          "metric": ["time_to_recover_days", "recovered_by_end"] * 2,
                          "mean": [12.0, 0.5, 3.0, 1.0], "n": [2, 2, 2, 2]})
    notes = R.headline_notes(frame, 2)
    assert ("an episode counts only to the period&#x27;s edge where it was under way on the "
            "start date (a run short from its first day: time_to_shortfall_days 0) or still "
            "under way at the end (a run short at the end: recovered_by_end 0; such runs: "
            "copper), so the value may then be a lower bound") in notes
    # review 55: under monthly quota releases the worst day's episode ends with the next
    # release (15 days, complete, in a run short at the end): one episode, not the span
    assert "one episode&#x27;s length, the one holding the run&#x27;s worst day" in notes
    assert "disrupted_days gives the span from the first short day to the last" in notes


# ========================================================================= 6. small
def test_the_flows_legend_spells_out_refined(build) -> None:
    # the formal channel's copper is refined at home and leaves as the refiners' exports
    sites = {"mine": build.mine(),
             "smelter": build.site("refiner", capacity_t_per_year={"copper": 1e6},
                                   sales={"copper": {"market": 1.0}}),
             "market": build.market()}
    lanes = [build.lane("mine", "smelter", 1.0), build.lane("smelter", "market", 2.0)]
    data = build.scenario(sites, lanes, ["smelter"], horizon=40, name="refining")
    res = sim.run(scenario_from_dict(data), replications=1, seed=1)
    labels = list(legend_colours(F.flows_figure(res, metrics=["exported_t"])))
    assert REFINED_LABEL in labels and "refined" not in labels


def test_the_control_table_warns_of_another_period() -> None:
    ref = stub([FORMAL_X], [[100.0], [100.0]])
    scn = stub([FORMAL_X], [[200.0], [210.0]])
    html = R._control_section([("ref", ref), ("longer", scn)], ["longer"])
    assert "longer: measures another period than the reference" in html
    # the stubs record no scenarios, so no period's kind: the words for any (review 176)
    assert ("exported_t differences below are partly those of the periods they measure, "
            "as well as the effect of what the scenarios change") in html
    assert "another period" not in R._control_section([("ref", ref), ("longer", scn)])
