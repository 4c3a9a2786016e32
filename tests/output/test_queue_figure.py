"""The queues figure: the series of the sites a scenario names in ``series_sites`` (a
reviewer found ``held_t`` and ``held_trucks`` in no figure or report: ``plot.flows`` refused
them, ``plot.stocks`` has no site option and ``figures/`` held no queue plot)."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import sim
from sim.output import figures as F

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
# tiny with gold beside copper: gold reaches the market from outside the network, so the
# border post never holds any; six whole weeks, no short period
TWO = f"""extends: {TINY}
name: two
horizon_days: {{value: 42, assumption: test input}}
series_sites: [border, market_x]
commodities:
  gold:
    forms:
      dore: {{grade: 1.0, payload_t_per_truck: 1, assumption: test input}}
sites:
  market_x:
    demand_t_per_year: {{copper: 36525, gold: 365.25, assumption: test input}}
    initial_stock_t: {{copper: 1000, gold: 100, assumption: test input}}
    other_supply_t_per_year: {{gold: 365.25, assumption: test input}}
"""
# 4 trucks of 25 t a day reach a post clearing 3: a queue of copper grows all run
SLOW = "sites.border.clearance_trucks_per_day=3"
TRUCKS_TITLE = "border: trucks in line, in clearance or held after it"


@pytest.fixture(scope="module")
def two_yaml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queues") / "two.yaml"
    path.write_text(TWO, encoding="utf-8")
    return path


def run(path: Path, *overrides: str) -> sim.Results:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the slow post below its planned flow: noted
        return sim.run(sim.load_scenario(path, list(overrides)), replications=2, seed=1,
                       figures=False)


@pytest.fixture(scope="module")
def queued(two_yaml: Path) -> sim.Results:
    return run(two_yaml, SLOW)


def panels(fig: Figure) -> dict[str, Axes]:
    return {ax.get_title(): ax for ax in fig.axes if ax.axison}


def lines(ax: Axes) -> dict[str, np.ndarray]:
    """The labelled (mean) lines of a panel: label -> y data."""
    return {line.get_label(): np.asarray(line.get_ydata(), float) for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def texts(ax: Axes) -> list[str]:
    return [t.get_text().replace("\n", " ") for t in ax.texts]


def mean_of(res: sim.Results, commodity: str, metric: str, key: str) -> np.ndarray:
    row = res.catalogue.keys.index((commodity, metric, key, "trucks" if metric ==
                                    "held_trucks" else "t"))
    return res.series_values[:, row, :].astype(float).mean(axis=0)


def test_a_panel_per_site_in_order_with_a_posts_trucks_beside_it(queued) -> None:
    fig = F.queues_figure(queued)
    assert list(panels(fig)) == ["border: metal held", TRUCKS_TITLE, "market x: metal held"]
    by_title = panels(fig)
    held, trucks = by_title["border: metal held"], by_title[TRUCKS_TITLE]
    assert held.get_subplotspec().rowspan == trucks.get_subplotspec().rowspan
    assert held.get_subplotspec().colspan != trucks.get_subplotspec().colspan
    assert "trucks" in trucks.get_ylabel() and "(trucks" in trucks.get_ylabel()
    for ax in by_title.values():
        # review 149: the period's length, not "each period"
        assert "mean over each 7-day period" in ax.get_ylabel()
        assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    assert "mean over each 7-day period" in fig.get_suptitle()
    assert "worst day's end, above these period means" in fig.get_suptitle()
    assert trucks.get_ylabel().startswith("held\n(trucks")


def test_named_sites_are_titled_by_their_names_and_a_commodity_s_figure_says_so(
        two_yaml) -> None:
    res = run(two_yaml, SLOW, "sites.border.name=Kasumbalesa (DRC-Zambia)")
    fig = F.queues_figure(res, "copper")
    assert "Kasumbalesa (DRC-Zambia): metal held" in panels(fig)
    assert "(copper only)" in fig.get_suptitle()


def test_the_comparison_report_shows_each_scenario_s_queues(queued, tmp_path) -> None:
    from sim.output.report import compare_report_html

    html = compare_report_html([("a", queued), ("b", queued)])
    assert "a: Queues over time: metal held at the sites named in series_sites" in html
    assert "b: Queues over time: metal held at the sites named in series_sites" in html
    assert "queues-0" in html and "queues-1" in html


def test_a_post_named_second_keeps_its_trucks_on_its_row(two_yaml) -> None:
    res = run(two_yaml, SLOW, "series_sites=[market_x, border]")
    fig = F.queues_figure(res)
    by_title = panels(fig)
    assert list(by_title) == ["market x: metal held", "border: metal held", TRUCKS_TITLE]
    rows = {t: ax.get_subplotspec().rowspan.start for t, ax in by_title.items()}
    # the market alone on the first row, the post's two panels on the second
    assert rows == {"market x: metal held": 0, "border: metal held": 1, TRUCKS_TITLE: 1}
    assert fig.get_size_inches()[1] > F.queues_figure(run(
        two_yaml, SLOW, "series_sites=[market_x]")).get_size_inches()[1]


def test_the_mean_lines_are_the_means_over_replications(queued) -> None:
    by_title = panels(F.queues_figure(queued))
    summary = queued.series_summary()
    summary = summary[summary.statistic == "mean"].sort_values("date")
    for title, key, metric, coms in (("border: metal held", "border", "held_t", ["copper"]),
                                     (TRUCKS_TITLE, "border", "held_trucks", ["all"]),
                                     ("market x: metal held", "market_x", "held_t",
                                      ["copper", "gold"])):
        drawn = lines(by_title[title])
        names = ["trucks (every commodity)" if c == "all" else c for c in coms]
        assert sorted(drawn) == sorted(names), title
        for com, name in zip(coms, names, strict=True):
            expected = mean_of(queued, com, metric, key)
            assert expected.max() > 0
            np.testing.assert_allclose(drawn[name], expected, rtol=1e-12)
            table = summary[(summary.commodity == com) & (summary.metric == metric)
                            & (summary.key == key)]["value"].to_numpy()
            np.testing.assert_allclose(drawn[name], table, rtol=1e-9)
    # replications differ at the post: its panels have a band
    assert by_title["border: metal held"].collections


def test_a_commodity_a_site_never_held_is_left_out(queued) -> None:
    assert not mean_of(queued, "gold", "held_t", "border").any()
    fig = F.queues_figure(queued)
    assert list(lines(panels(fig)["border: metal held"])) == ["copper"]
    assert "never held is left out" in fig.get_suptitle()


def test_a_site_that_held_nothing_says_so(two_yaml) -> None:
    res = run(two_yaml)  # the post clears four times what reaches it: no queue
    assert not mean_of(res, "copper", "held_t", "border").any()
    by_title = panels(F.queues_figure(res))
    assert texts(by_title["border: metal held"]) == [
        "no copper or gold held at border in any replication"]
    assert texts(by_title[TRUCKS_TITLE]) == ["no trucks held at border in any replication"]
    assert not lines(by_title["border: metal held"])
    assert sorted(lines(by_title["market x: metal held"])) == ["copper", "gold"]


def test_a_commodity_restricts_the_tonnes_panels(queued) -> None:
    by_title = panels(queued.plot.queues("gold"))
    assert list(by_title) == ["border: metal held", TRUCKS_TITLE, "market x: metal held"]
    assert texts(by_title["border: metal held"]) == [
        "no gold held at border in any replication"]
    assert list(lines(by_title["market x: metal held"])) == ["gold"]
    # trucks carry every commodity: their panel stays
    assert list(lines(by_title[TRUCKS_TITLE])) == ["trucks (every commodity)"]


def test_an_unknown_commodity_is_refused(queued) -> None:
    with pytest.raises(KeyError, match="no commodity 'gld'; did you mean 'gold'"):
        queued.plot.queues("gld")


def test_a_run_without_series_sites_is_told_how_to_name_them(tiny_results) -> None:
    with pytest.raises(ValueError, match=r"names no sites in series_sites") as err:
        tiny_results.plot.queues()
    assert '--set "series_sites=[border]"' in str(err.value)


def test_a_run_of_one_whole_period_is_drawn_as_points(two_yaml) -> None:
    res = run(two_yaml, SLOW, "horizon_days=7")
    drawn = [line for line in panels(F.queues_figure(res))["border: metal held"].get_lines()
             if line.get_label() == "copper"]
    assert len(drawn) == 1 and len(drawn[0].get_xdata()) == 1
    assert drawn[0].get_marker() == "o"
    assert drawn[0].get_ydata()[0] == pytest.approx(mean_of(res, "copper", "held_t",
                                                             "border")[0])


def test_run_figures_draw_the_queues_only_with_series_sites(queued, tiny_results) -> None:
    captions = {stem: caption for stem, caption, _fig in F.run_figures(queued)}
    stems = list(captions)
    assert stems[stems.index("stocks") + 1] == "queues"
    assert "series_sites" in captions["queues"] and "trucks" in captions["queues"]
    assert "queues" not in [stem for stem, _c, _f in F.run_figures(tiny_results)]


def test_the_report_shows_the_queues(queued) -> None:
    from sim.output.report import run_report_html

    assert 'id="fig-queues"' in run_report_html(queued)


@pytest.mark.parametrize("metric", ["held_t", "held_trucks"])
def test_the_flows_figure_points_to_the_queues(queued, metric: str) -> None:
    with pytest.raises(ValueError, match=r"a level .* draw it with res\.plot\.queues\(\)"):
        queued.plot.flows(metrics=[metric])


def test_a_named_lane_s_waiting_lots_get_a_panel_after_the_sites(two_yaml: Path) -> None:
    # the lane from the post to the market, closed for ten days: its lots wait at its gate
    res = run(two_yaml, "series_lanes=[border_market]",
              "shocks.events.shut={start: 10, end: 20, targets: {lanes: [border_market]}, "
              "effects: {capacity_factor: 0}, assumption: test input}")
    assert F.queue_panels(res)[-1] == ("border_market", "waiting_t")
    fig = res.plot.queues()
    # each end named (review 187)
    ax = panels(fig)["lane border \u2192 market x: metal waiting to set off"]
    waiting = mean_of(res, "copper", "waiting_t", "border_market")
    assert np.allclose(lines(ax)["copper"], waiting) and waiting.max() > 300
    assert "sites and lanes" in fig._suptitle.get_text()


def test_the_report_lists_the_queue_kpis_by_site_with_their_definitions(queued) -> None:
    # review 148: no report test named the new queue KPIs
    from sim.output.report import run_report_html

    html = run_report_html(queued)
    for metric in ("wait_p50_days", "wait_p95_days", "high_load_days"):
        assert f"<td>{metric}</td>" in html, metric
    assert "It measures load, not waiting" in html


def test_lanes_alone_get_their_figure_and_caption(two_yaml: Path) -> None:
    res = run(two_yaml, "series_sites=[]", "series_lanes=[border_market]")
    [(stem, caption, _fig)] = [f for f in F.run_figures(res) if f[0] == "queues"]
    assert caption.startswith("Queues over time: metal waiting to set off on the lanes "
                              "named in series_lanes (t); means over each 7-day period")
    assert "peak_held" not in caption


def test_an_empty_panel_names_its_site_as_its_title_does(two_yaml) -> None:
    # review 155: the title gave the site's name, the text under it the id
    res = run(two_yaml, "sites.border.name=Kasumbalesa (DRC-Zambia)")
    by_title = panels(F.queues_figure(res))
    assert texts(by_title["Kasumbalesa (DRC-Zambia): metal held"]) == [
        "no copper or gold held at Kasumbalesa (DRC-Zambia) in any replication"]
