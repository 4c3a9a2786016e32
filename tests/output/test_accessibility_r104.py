"""Figures and the report for readers with a colour-vision deficiency, a grey print or a
screen reader (review 104): no key told apart by colour alone, text with enough contrast,
headings that nest."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest

import sim
from sim.output import figures as F
from sim.output import style as st
from sim.output.network_map import network_figure
from sim.output.report import write_report

ROOT = Path(__file__).resolve().parents[2]


def relative_luminance(color: str) -> float:
    rgb = np.array(mpl.colors.to_rgb(color))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ [0.2126, 0.7152, 0.0722])


def dashes(line) -> str:
    # get_linestyle says "--" for every dash pattern: the pattern itself tells them apart
    return str(line._unscaled_dash_pattern)


def test_every_scenario_colour_has_its_own_line_style() -> None:
    # the 7th scenario was solid like the reference, the 8th dashed like the 2nd
    n = len(st.SCENARIO_COLORS)
    assert len({str(st.scenario_linestyle(i)) for i in range(n)}) == n


def test_stocks_draw_each_kind_in_its_own_line_style(baseline_short: sim.Results) -> None:
    fig = F.stocks_figure(baseline_short, "cobalt")
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()
             if line.get_label().startswith("at ")}
    assert {"at mines", "at ports", "at refiners"} <= set(lines)
    styles = [dashes(lines[k]) for k in ("at mines", "at ports", "at refiners")]
    assert len(set(styles)) == 3, styles


def test_flow_layers_and_their_legend_have_a_hatching_each(baseline_short: sim.Results) -> None:
    fig = F.flows_figure(baseline_short, "cobalt", ["mined_t"])
    polys = fig.axes[0].collections
    hatches = [p.get_hatch() or "" for p in polys]
    assert len(polys) >= 3 and len(set(hatches)) == len(polys), hatches
    legend = fig.legends[0]
    keyed = {t.get_text(): (p.get_hatch() or "") for t, p in
             zip(legend.get_texts(), legend.get_patches(), strict=True)}
    assert sorted(keyed.values()) == sorted(hatches), keyed


def test_each_lead_time_row_names_its_channel(baseline_short: sim.Results) -> None:
    fig = F.lead_times_figure(baseline_short, "cobalt")
    channels = set(baseline_short.scenario.channels)
    rows = [t.get_text().split("\n")[1] for t in fig.axes[0].get_yticklabels()]
    assert rows
    for row in rows:
        assert row.split(", ")[0].replace(" ", "_") in channels, row


def test_a_lane_over_capacity_is_named_on_the_map() -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml",
                           overrides=["lanes.tfm_kasumbalesa.capacity_t_per_day=100"])
    fig = network_figure(sc)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    named = [t for t in texts if t.startswith("tfm_kasumbalesa: ")]
    assert len(named) == 1 and named[0].endswith("% of capacity"), named


def test_the_forest_plot_headings_have_text_contrast(compare_folder: Path) -> None:
    runs = [("baseline", sim.load_results(compare_folder / "baseline")),
            ("closure", sim.load_results(compare_folder / "closure"))]
    fig = F.forest_figure(runs)
    heads = [t for ax in fig.axes for t in ax.texts if t.get_fontweight() == "bold"]
    assert heads
    for text in heads:
        ratio = 1.05 / (relative_luminance(text.get_color()) + 0.05)
        assert ratio >= 4.5, (text.get_text(), text.get_color(), ratio)


def test_a_comparisons_timelines_nest_under_their_scenarios(compare_folder: Path,
                                                           tmp_path: Path) -> None:
    write_report(compare_folder, tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    part = html[html.index('<section id="timeline">'):]
    part = part[:part.index('<section id="assumptions">')]
    headings = re.findall(r"<(h[2-4])>([^<]*)</h[2-4]>", part)
    assert [h for h, _ in headings if h == "h3"], headings
    level = {"h2": 2, "h3": 3, "h4": 4}
    for (h, text), (nxt, _) in zip(headings, headings[1:]):
        assert level[nxt] <= level[h] + 1, headings
    for h, text in headings:
        if text in ("What happened in the replications", "Regime states on the start date"):
            assert h == "h4", headings
    calendars = re.findall(r'<img alt="([^"]*Shocks and policies on the calendar[^"]*)"', part)
    assert calendars and all(a.startswith(("baseline: ", "closure: ")) for a in calendars)


@pytest.mark.parametrize("horizon", [5, 7])
def test_a_run_of_one_period_draws_each_kind_with_its_own_marker(horizon: int) -> None:
    # one period (short at 5 days, whole at 7) is drawn as points, where line styles do
    # not show: each kind took the same circle, told apart by colour alone (review 105)
    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml",
                           overrides=[f"horizon_days={horizon}", "warmup_days=20"])
    res = sim.run(sc, replications=1, seed=1)
    fig = F.stocks_figure(res, "cobalt")
    markers = {mpl.colors.to_hex(line.get_markeredgecolor()): line.get_marker()
               for line in fig.axes[0].get_lines()
               if line.get_marker() not in (None, "None", "", " ")}
    kinds = [k for k in F.STOCK_KINDS if k in ("mine", "border_post", "port", "refiner")]
    drawn = {st.kind_color(k) for k in kinds} & set(markers)
    assert len(drawn) >= 3, markers
    assert len({markers[c] for c in drawn}) == len(drawn), markers


def test_the_short_period_key_shows_each_marker_the_figure_uses(baseline_short) -> None:
    # the key showed a circle beside triangles, squares and crosses (review 108)
    assert F.partial_days(baseline_short) or F.partial_first_days(baseline_short)
    one = F._partial_handle(baseline_short)
    assert one is not None and not isinstance(one, tuple) and one.get_marker() == "o"
    several = F._partial_handle(baseline_short, ["^", "s", "^"])
    assert isinstance(several, tuple)
    assert [h.get_marker() for h in several] == ["^", "s"]
    assert {h.get_label() for h in several} == {one.get_label()}
