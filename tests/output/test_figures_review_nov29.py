"""Review of figures and reports (29 November): colours of stacked keys, clipped and
overlapping titles and labels, names drawn as mathtext, and the reports' wording."""

from __future__ import annotations

import io
import re
from itertools import combinations
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure

import sim
from sim.cli import main
from sim.output import figures as F
from sim.output import report as R
from sim.output import style as st
from sim.output.network_map import network_figure

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def rendered(fig: Figure) -> RendererBase:
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    with st.style():
        fig.canvas.draw()
    return fig.canvas.get_renderer()


def inside(box, fig: Figure) -> bool:
    frame = fig.bbox
    return (frame.x0 - 0.5 <= box.x0 and box.x1 <= frame.x1 + 0.5
            and frame.y0 - 0.5 <= box.y0 and box.y1 <= frame.y1 + 0.5)


def drawn_svg_text(fig: Figure) -> str:
    """The figure as SVG with its text kept as text (not outlines), unescaped."""
    buf = io.BytesIO()
    with st.style(), mpl.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg")
    # without the comments, in which matplotlib repeats each text as given
    text = re.sub(r"<!--.*?-->", "", buf.getvalue().decode("utf-8"), flags=re.S)
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


# ================================================================ 1. colours of the keys
@pytest.mark.parametrize("metrics", [["demand_t", "consumed_t", "shortfall_t"],
                                     ["delivered_t", "market_arrivals_t"],
                                     ["exported_t", "delivered_t", "demand_t"]])
def test_every_stacked_key_of_a_flows_figure_has_a_colour_of_its_own(baseline_short,
                                                                     metrics) -> None:
    fig = F.flows_figure(baseline_short, metrics=metrics)
    for ax in fig.axes:
        faces = [to_hex(c.get_facecolor()[0]) for c in ax.collections
                 if isinstance(c, PolyCollection) and len(c.get_facecolor())]
        assert len(faces) == len(set(faces)), (ax.get_title(), faces)
    # one colour per legend entry across the figure, so no two keys read as one
    legend = fig.legends[0]
    colours = [to_hex(h.get_facecolor()) for h in legend.legend_handles]
    labels = [t.get_text() for t in legend.get_texts()]
    assert len(colours) == len(set(colours)), dict(zip(labels, colours, strict=True))


def test_the_copper_demand_panel_stacks_china_and_usa_markets_apart(baseline_short) -> None:
    fig = F.flows_figure(baseline_short, "copper", metrics=["demand_t"])
    faces = [to_hex(c.get_facecolor()[0]) for c in fig.axes[0].collections
             if isinstance(c, PolyCollection)]
    assert len(faces) >= 2 and len(set(faces)) == len(faces)


def test_china_as_a_destination_and_a_market_has_one_colour_in_every_figure() -> None:
    # China has a colour of its own (a dark shade of the china channel's red), never the
    # channel's: that went to whichever key came first (test_output_diff_review_nov29)
    china, chn = st.CHANNEL_COLORS["china"], st.COUNTRY_COLORS["CHN"]
    assert chn != china
    assert st.key_colors(["ARE", "CHN", "FIN", "ROW", "USA"])["CHN"] == chn
    assert st.key_colors(["market_china"], {"market_china": "CHN"})["market_china"] == chn
    both = st.key_colors(["china", "western", "CHN"])
    assert both["china"] == china and both["CHN"] == chn
    many = st.key_colors([f"k{i}" for i in range(10)] + ["FIN", "USA", "us_stockpile"])
    assert len(set(many.values())) == len(many)


# =========================================================== 2. lead-times x-axis label
def test_every_lead_time_axis_label_lies_within_the_figure(baseline_short) -> None:
    fig = F.lead_times_figure(baseline_short)
    renderer = rendered(fig)
    labels = [ax.xaxis.label for ax in fig.axes if ax.get_xlabel()]
    assert len(labels) == len(baseline_short.scenario.commodities)
    boxes = [lab.get_window_extent(renderer) for lab in labels]
    for lab, box in zip(labels, boxes, strict=True):
        assert inside(box, fig), (lab.get_text(), box, fig.bbox)
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b)


# =================================================================== 3. panel titles
def test_flow_panel_titles_do_not_overlap_with_five_metrics(baseline_short) -> None:
    metrics = ["delivered_t", "market_arrivals_t", "demand_t", "consumed_t", "shortfall_t"]
    fig = F.flows_figure(baseline_short, "gold", metrics=metrics)
    renderer = rendered(fig)
    boxes = [(ax.get_title(), ax.title.get_window_extent(renderer)) for ax in fig.axes]
    assert len(boxes) == 5
    for (ta, a), (tb, b) in combinations(boxes, 2):
        assert not a.overlaps(b), (ta, tb)
    for t, box in boxes:
        assert inside(box, fig), t


# ================================================================ 4. stocks title, colours
def test_stocks_title_fits_and_hubs_and_border_posts_differ(baseline_short) -> None:
    fig = F.stocks_figure(baseline_short,
                          kinds=["market", "stockpile", "trading_hub", "border_post"])
    renderer = rendered(fig)
    assert inside(fig._suptitle.get_window_extent(renderer), fig)
    hub, post = (np.array(to_rgb(st.kind_color(k))) for k in ("trading_hub", "border_post"))
    assert float(np.linalg.norm(hub - post)) > 0.5


# =================================================================== 5. names with "$"
def _tiny_named(tmp_path: Path, name: str, close_lane: bool = False) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["sites"]["mine_a"]["name"] = name
    data["sites"]["border"]["name"] = "Border"
    if close_lane:
        data["shocks"] = {"events": {"lane_cut": {
            "start": 20, "duration_days": 15, "targets": {"lanes": ["mine_border"]},
            "effects": {"capacity_factor": 0}}}}
    path = tmp_path / "named.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_sim_show_draws_a_site_name_that_is_bad_mathtext(tmp_path) -> None:
    out = tmp_path / "map.png"
    result = CliRunner().invoke(main, ["show", str(_tiny_named(tmp_path, "Kibali $^_$ mine")),
                                       "--figure", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


@pytest.mark.parametrize("name", ["Kibali $^_$ mine", "Kibali $5 and $10 mine"])
def test_the_network_map_draws_a_site_name_with_dollars_as_written(tmp_path, name) -> None:
    svg = drawn_svg_text(network_figure(sim.load_scenario(_tiny_named(tmp_path, name))))
    assert name in svg


def test_run_figures_draw_names_with_dollars_as_written(tmp_path) -> None:
    name = "Kibali $5 and $10 mine"
    res = sim.run(sim.load_scenario(_tiny_named(tmp_path, name)), replications=1, seed=1)
    assert name in drawn_svg_text(F.flow_diagram_figure(res))
    assert name in drawn_svg_text(F.map_figure(res))


# ============================================================================= 7. wording
def test_a_closed_lane_is_labelled_by_name_on_the_map(tmp_path) -> None:
    path = _tiny_named(tmp_path, "Mine A", close_lane=True)
    res = sim.run(sim.load_scenario(path), replications=1, seed=1)
    texts = [" ".join(t.get_text().split()) for ax in F.map_figure(res).axes
             for t in ax.texts]
    assert (f"Mine A to Border: closed 15 of {res.scenario.horizon:,g} days"
            in texts)
    assert not any("mine_border" in t for t in texts)


def test_a_price_figure_without_a_price_still_has_its_title(baseline_short) -> None:
    fig = F.prices_figure(baseline_short, "gold")
    title = fig.get_suptitle()
    assert "Price index" in title and baseline_short.scenario.name in title


def test_the_flow_note_says_metal_from_the_warm_up_can_make_a_column_taller() -> None:
    assert "warm-up" in F.FLOW_NOTE and "delivered can exceed mined" in F.FLOW_NOTE


def test_a_run_report_of_one_replication_says_there_is_no_interval(tiny_results) -> None:
    one = R.means_paragraph(1, tiny_results.summary())
    assert "1 replications" not in one and "no confidence interval" in one
    summary = tiny_results.summary()
    full = R.means_paragraph(3, summary.assign(n=3))
    assert "Means over 3 replications" in full and "fewer" not in full
    some = summary.assign(n=3)
    some.loc[some.index[0], "n"] = 2
    assert "the n of their row" in R.means_paragraph(3, some)


def test_the_run_report_uses_the_one_replication_wording(monkeypatch) -> None:
    monkeypatch.setattr(F, "run_figure_plan", lambda res: [])  # the words, not the figures
    res = sim.run(sim.load_scenario(TINY, overrides=["horizon_days=20"]), replications=1,
                  seed=1)
    html = R.run_report_html(res, {})
    assert "1 replications" not in html
    assert "no confidence interval with one replication" in html


def test_the_compare_report_says_which_way_differences_are_taken(tiny_results, shock_results,
                                                                 monkeypatch) -> None:
    # the words, not the figures
    monkeypatch.setattr("sim.output.compare_figures.compare_figure_plan", lambda *a, **k: [])
    monkeypatch.setattr(F, "flows_figure", lambda res: Figure())
    html = R.compare_report_html([("tiny", tiny_results), ("closure", shock_results)])
    table_at = html.index('class="kpi differences"')
    note = html[:table_at].rsplit("<h3>", 1)[1]
    assert "Difference = scenario - reference" in note
    assert re.search(r"change = difference / reference mean", note)


def test_the_shocks_timeline_draws_an_event_name_with_dollars_as_written(tmp_path) -> None:
    from sim.output.shock_text import timeline_figure

    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["shocks"] = {"events": {"strike": {
        "name": "Strike $^_$ fees", "start": 20, "duration_days": 15,
        "targets": {"lanes": ["mine_border"]}, "effects": {"capacity_factor": 0}}}}
    path = tmp_path / "strike.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert "Strike $^_$ fees" in drawn_svg_text(timeline_figure(sim.load_scenario(path)))
