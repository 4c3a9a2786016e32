"""Figures of results: each returns a labelled Figure, dates on time axes, closures and the
resilience triangle drawn, comparisons paired, files written as PNG and SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.figure import Figure

import sim
from sim.output import figures as F
from sim.output import style as st

TIME_FIGURES = [F.flows_figure, F.deliveries_figure, F.prices_figure, F.stocks_figure]
OTHER_FIGURES = [F.lead_times_figure, F.map_figure]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def visible_axes(fig: Figure):
    return [ax for ax in fig.axes if ax.get_visible() and ax.axison]


def all_texts(fig: Figure) -> str:
    out = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return "\n".join(s for s in out if isinstance(s, str))


@pytest.fixture(params=["tiny", "baseline"])
def results(request, tiny_results, baseline_short) -> sim.Results:
    return tiny_results if request.param == "tiny" else baseline_short


@pytest.mark.parametrize("func", TIME_FIGURES, ids=lambda f: f.__name__)
def test_time_figures_have_units_and_dates(func, results) -> None:
    fig = func(results)
    assert isinstance(fig, Figure)
    axes = visible_axes(fig)
    assert axes
    for ax in axes:
        assert ax.get_ylabel(), f"{func.__name__}: a y axis has no label"
        assert "(" in ax.get_ylabel(), f"{func.__name__}: no unit in {ax.get_ylabel()!r}"
        assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
        if ax.get_subplotspec().is_last_row():
            assert ax.get_xlabel() == "date"
        assert ax.get_title()


@pytest.mark.parametrize("func", OTHER_FIGURES, ids=lambda f: f.__name__)
def test_other_figures_are_labelled(func, results) -> None:
    fig = func(results)
    assert isinstance(fig, Figure)
    for ax in visible_axes(fig):
        assert ax.get_xlabel() and ax.get_ylabel()


def test_flows_stack_one_layer_per_channel_with_flow(baseline_short) -> None:
    fig = F.flows_figure(baseline_short, "cobalt", metrics=("mined_t",))
    (ax,) = visible_axes(fig)
    layers = [c for c in ax.collections]
    channels = [ch for ch in baseline_short.scenario.channels
                if baseline_short.kpi("mined_t", "cobalt", ch).mean() > 0]
    assert len(layers) == len(channels)
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert legend == {st.label(c) for c in channels}


def test_flow_rates_are_tonnes_per_day(tiny_results) -> None:
    """tiny.yaml mines 100 t/day: the stacked mean rate is 100 in every period, including
    the short last one."""
    rate = F.rate_series(tiny_results, F.series_cube(tiny_results, "copper", "mined_t"))
    assert np.allclose(rate, 100.0, rtol=1e-6)


def test_deliveries_shade_the_resilience_triangle(shock_results) -> None:
    fig = F.deliveries_figure(shock_results)
    labels = {c.get_label() for ax in fig.axes for c in ax.collections}
    assert "supply lost (resilience triangle)" in labels
    assert "95% CI of the mean" in labels
    q = F.performance(shock_results, "copper")
    assert q.min() < 1.0
    assert "shortfall 1,800 t" in all_texts(fig)


def test_map_marks_closed_sites(shock_results) -> None:
    assert F.closed_days(shock_results) == {"border": pytest.approx(15.0)}
    text = all_texts(F.map_figure(shock_results))
    assert f"closed 15 of {shock_results.scenario.horizon:,g} days" in " ".join(text.split())


def without_lane_rows(res):
    """``res`` as results of an older version give it: throughput rows for capacitated
    lanes only (tiny.yaml has none)."""
    import copy

    old = copy.copy(res)
    keep = [j for j, lab in enumerate(res.kpi_labels)
            if not (lab[3] == "throughput_t" and lab[2] in res.scenario.lanes)]
    old.kpi_labels = [res.kpi_labels[j] for j in keep]
    old.kpi_values = res.kpi_values[:, keep]
    return old


def test_lane_flows_measure_every_lane_or_estimate_from_routes(tiny_results) -> None:
    flows, measured = F.lane_flows(tiny_results)
    assert measured == {"mine_border", "border_market"}  # every lane reports its flow
    for lid in measured:
        assert flows[lid] == pytest.approx(
            tiny_results.kpi("throughput_t", "copper", "all", lid).mean(), rel=1e-12)
    # results of an older version: each route's deliveries spread over its lanes
    flows, measured = F.lane_flows(without_lane_rows(tiny_results))
    assert measured == set()
    delivered = tiny_results.kpi("delivered_t", "copper", "formal", "route:direct").mean()
    assert delivered > 0
    assert flows["border_market"] == pytest.approx(delivered, rel=1e-9)
    assert flows["mine_border"] == pytest.approx(delivered, rel=1e-9)


MINE_B = """sites:
  mine_b:
    kind: mine
    region: home
    location: {lat: -9.0, lon: 25.0, assumption: test input}
    output:
      copper: {form: cathode, t_per_year: 36525, assumption: test input}
    offtake:
      copper: {formal: 1.0, assumption: test input}
"""
"""A second mine beside tiny.yaml's, as big, for the lane-flow tests (its lanes given
apart)."""
B_STOPPED = """shocks:
  events:
    b_stopped:
      start: 0
      end: 200
      targets: {sites: [mine_b]}
      effects:
        capacity_factor: 0.0
"""
"""mine_b stopped for the whole run."""


@pytest.mark.filterwarnings("ignore:warmup_days is 0")
def test_lane_flows_follow_each_route_not_the_channel_as_a_whole(tmp_path) -> None:
    # review 114: scaled by the channel's exports, a stopped mine's loss thinned the other
    # mine's route as well (Kibali drawn at 82 t while it delivered 85 t)
    yaml = tmp_path / "two.yaml"
    yaml.write_text(f"""extends: {TINY}
name: two_mines
{MINE_B}  border_b:
    kind: border_post
    region: home
    location: {{lat: -11.0, lon: 24.0, assumption: test input}}
    clearance_trucks_per_day: {{value: 100, assumption: test input}}
lanes:
  mine_b_border_b: {{from: mine_b, to: border_b, mode: road, transit_days: 3}}
  border_b_market: {{from: border_b, to: market_x, mode: road, transit_days: 10}}
channels:
  formal:
    routing: fastest
    routes:
      via_b: {{path: [border_b, market_x]}}
{B_STOPPED}""", encoding="utf-8")
    res = sim.run(sim.load_scenario(yaml), replications=1, seed=1)
    flows, _measured = F.lane_flows(without_lane_rows(res))
    via_a = res.kpi("delivered_t", "copper", "formal", "route:direct").mean()
    assert via_a > 0 and res.kpi("delivered_t", "copper", "formal", "route:via_b")[0] == 0
    assert flows["border_market"] == pytest.approx(via_a, rel=1e-9)
    assert flows["mine_border"] == pytest.approx(via_a, rel=1e-9)
    assert flows["border_b_market"] == flows["mine_b_border_b"] == 0.0


@pytest.mark.filterwarnings("ignore:warmup_days is 0")
def test_a_stopped_mine_on_a_shared_route_shows_no_flow(tmp_path) -> None:
    # review 117: two mines on one route, one stopped: the route's deliveries were split
    # between their lanes by the plan, 4,350 t on the stopped mine's lane
    yaml = tmp_path / "shared.yaml"
    yaml.write_text(f"""extends: {TINY}
name: shared_route
{MINE_B}lanes:
  mine_b_border: {{from: mine_b, to: border, mode: road, transit_days: 3}}
{B_STOPPED}""", encoding="utf-8")
    res = sim.run(sim.load_scenario(yaml), replications=1, seed=1)
    flows, measured = F.lane_flows(res)
    assert {"mine_border", "mine_b_border", "border_market"} <= measured
    assert flows["mine_b_border"] == 0.0
    assert flows["mine_border"] > 0
    assert flows["border_market"] == pytest.approx(flows["mine_border"], rel=0.2)


def test_lead_times_show_each_route_with_its_quantiles(baseline_short) -> None:
    table = F.route_lead_times(baseline_short, "cobalt")
    assert not table.empty and (table.delivered_t > 0).all()
    assert "china" in set(table.channel)
    assert (table.p05 <= table.p50).all() and (table.p50 <= table.p95).all()
    assert (table.p05 <= table["mean"]).all() and (table["mean"] <= table.p95 + 1).all()
    fig = F.lead_times_figure(baseline_short, "cobalt", max_routes=5)
    (ax,) = visible_axes(fig)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == min(5, len(table))
    # the route carrying most metal is on top, with its tonnes
    assert labels[0].startswith(st.label(table.route.iloc[0]))
    # to three significant figures, as every row (review 221)
    assert f"{st.format_tonnes_3(table.delivered_t.iloc[0])} t" in labels[0]


def test_balance_matches_both_margins() -> None:
    seed = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    rows = np.array([10.0, 20.0])
    cols = np.array([12.0, 8.0, 10.0])  # the third column has no seed: a new flow
    m = F.balance(seed, rows, cols)
    assert np.allclose(m.sum(axis=1), rows)
    assert np.allclose(m.sum(axis=0), cols)
    assert (m >= 0).all()


def test_flow_diagram_layers_add_up(baseline_short) -> None:
    layers, links, titles = F.flow_layers(baseline_short, "cobalt")
    assert len(layers) == len(titles) == 4
    mined = baseline_short.kpi("mined_t", "cobalt").mean()
    assert sum(v for _n, v in layers[0]) == pytest.approx(mined, rel=1e-6)
    assert sum(v for _n, v in layers[1]) == pytest.approx(mined, rel=1e-6)
    assert [m.shape for m in links] == [(len(layers[k]), len(layers[k + 1])) for k in range(3)]
    assert all((m >= 0).all() for m in links)
    # the plan's links balanced to the simulated margins: close where they are consistent
    assert np.allclose(links[0].sum(axis=1), [v for _n, v in layers[0]], rtol=0.05)
    fig = F.flow_diagram_figure(baseline_short, "cobalt")
    assert "mines (mined)" in all_texts(fig)
    # the ribbons are the plan's: the figure says so, and where columns shrink
    assert F.FLOW_NOTE in all_texts(fig)
    assert "not which mine's" in F.FLOW_NOTE and "lost in refining" in F.FLOW_NOTE


def test_paired_differences_use_common_random_numbers(tiny_results, shock_results) -> None:
    diffs = F.paired_differences([("base", tiny_results), ("closure", shock_results)])
    assert diffs["paired"].all()
    row = diffs[(diffs["metric"] == "shortfall_t")].iloc[0]
    expected = (shock_results.kpi("shortfall_t", "copper")
                - tiny_results.kpi("shortfall_t", "copper")).mean()
    assert row["diff"] == pytest.approx(expected)
    assert row["ci_low"] <= row["diff"] <= row["ci_high"]


def test_differences_across_seeds_are_flagged(tiny_results) -> None:
    other = sim.run(tiny_results.scenario, replications=3, seed=2)
    diffs = F.paired_differences([("a", tiny_results), ("b", other)])
    assert not diffs["paired"].any()
    fig = F.forest_figure([("a", tiny_results), ("b", other)], differences=diffs)
    assert "no common random numbers" in fig.get_suptitle()


def test_forest_plot_has_units(tiny_results, shock_results) -> None:
    fig = F.forest_figure([("base", tiny_results), ("closure", shock_results)])
    axes = visible_axes(fig)
    assert {ax.get_title() for ax in axes} >= {"shortfall_t", "delivered_t"}
    for ax in axes:
        assert ax.get_xlabel().startswith("difference from base (")


def test_write_run_figures_writes_png_and_svg(tmp_path: Path, shock_results) -> None:
    paths = F.write_run_figures(shock_results, tmp_path)
    assert all(p.parent == tmp_path / "figures" for p in paths)
    stems = {p.stem for p in paths}
    assert {"flows", "deliveries", "prices", "stocks", "lead-times", "map-copper",
            "flow-diagram", "timeline"} <= stems
    for stem in stems:
        png = tmp_path / "figures" / f"{stem}.png"
        svg = tmp_path / "figures" / f"{stem}.svg"
        assert png.read_bytes().startswith(PNG_MAGIC)
        root = ET.parse(svg).getroot()
        assert root.tag.endswith("svg")


def test_write_compare_figures(tmp_path: Path, tiny_results, shock_results) -> None:
    paths = F.write_compare_figures([("base", tiny_results), ("closure", shock_results)],
                                    tmp_path)
    stems = {p.stem for p in paths}
    assert {"forest", "compare-prices", "compare-performance", "compare-exports"} <= stems
    assert {p.suffix for p in paths} == {".png", ".svg"}


def test_svg_is_reproducible(tiny_results) -> None:
    fig = F.prices_figure(tiny_results)
    assert st.figure_bytes(fig, "svg") == st.figure_bytes(fig, "svg")


def test_unknown_commodity_is_a_clear_error(tiny_results) -> None:
    with pytest.raises(KeyError, match="no commodity 'cobalt'"):
        F.prices_figure(tiny_results, "cobalt")


def test_a_stock_panel_with_nothing_held_says_so(baseline_short) -> None:
    # gold moves straight on from mines, ports and refiners: its panel was blank with a
    # 0 to 0.05 axis, which reads as a failed plot
    fig = F.stocks_figure(baseline_short)
    texts = all_texts(fig)
    # the kinds drawn, not "it moves straight on": gold waits at hubs, which are not drawn
    # (wrapped to the panel: on one line it ran past both edges)
    assert "no gold held at mines, border posts, ports or refiners" in " ".join(texts.split())
    assert "straight on" not in texts
    # and nothing drawn under the words: lines and hollow points along zero, with ticks,
    # still read as a plot of nothing
    gold = next(ax for ax in fig.axes if ax.get_title() == "gold: stocks")
    assert not gold.lines and not gold.collections
    assert not any(t.get_visible() for t in [*gold.get_xticklabels(), *gold.get_yticklabels()])
    assert "no copper held" not in texts and "no cobalt held" not in texts
    # the title names the sites drawn (the figure's stocks are not all of stock_end_t)
    assert "Stocks at mines, border posts, ports, refiners" in texts and "not drawn" in texts


def test_a_commodity_whose_price_is_not_modelled_gets_no_price_panel(baseline_short) -> None:
    # gold has no demand_elasticity in the baseline: a flat line at 1 read as a stable price
    assert baseline_short.scenario.commodities["gold"].demand_elasticity is None
    titles = [ax.get_title() for ax in F.prices_figure(baseline_short).axes]
    assert [t.split(":")[0] for t in titles] == ["cobalt", "copper"]
    assert "price not modelled for gold" in all_texts(F.prices_figure(baseline_short, "gold"))


def test_deliveries_legend_sits_below_the_panels_and_bands_stay_in_view(shock_results
                                                                         ) -> None:
    fig = F.deliveries_figure(shock_results)
    fig.draw_without_rendering()  # lays the figure out (a bare canvas's draw does not)
    bottom = fig.axes[len(fig.axes) // 2]  # first column, second row
    # one legend, below every panel and its tick labels: it covers no data
    assert not any(ax.get_legend() for ax in fig.axes)
    (legend,) = fig.legends
    box = legend.get_window_extent()
    assert all(box.y1 <= ax.get_tightbbox().y0 for ax in fig.axes)
    lowest = min(float(np.nanmin(c.get_paths()[0].vertices[:, 1]))
                 for c in bottom.collections if c.get_paths())
    assert bottom.get_ylim()[0] <= lowest and lowest >= 0.0


def test_the_interval_of_mean_q_stays_within_0_and_1(shock_results, monkeypatch) -> None:
    # one full replication and the rest at 30%: the t interval of the mean runs past 1
    real = F.performance

    def spread(res, com):
        q = real(res, com).copy()
        q[0], q[1:] = 1.0, 0.3
        return q

    monkeypatch.setattr(F, "performance", spread)
    fig = F.deliveries_figure(shock_results, "copper")
    (band,) = [c for ax in fig.axes for c in ax.collections
               if c.get_label() == "95% CI of the mean"]
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.max() == pytest.approx(1.0) and ys.min() >= 0.0


def test_lead_time_labels_name_the_channel_of_a_route_id_used_twice(baseline_short) -> None:
    table = F.route_lead_times(baseline_short, "cobalt")
    twice = table.route[table.route.duplicated()]
    assert not twice.empty  # the baseline sends cobalt by one route id on two channels
    fig = F.lead_times_figure(baseline_short, "cobalt", max_routes=len(table))
    # route on the first line, channel and tonnes on the second (every row names its
    # channel: review 104)
    labels = [tuple(t.get_text().split("\n")[:2])
              for t in visible_axes(fig)[0].get_yticklabels()]
    rows = [(route, second.split(", ")[0]) for route, second in labels]
    assert len(rows) == len(set(rows))
    assert sum(route == st.label(twice.iloc[0]) for route, _ in rows) >= 2


def test_lead_time_labels_give_small_tonnages_their_digits(baseline_short) -> None:
    fig = F.lead_times_figure(baseline_short, "gold", max_routes=20)
    labels = [t.get_text() for t in visible_axes(fig)[0].get_yticklabels()]
    assert labels and not any(label.endswith("\n0 t") for label in labels)
