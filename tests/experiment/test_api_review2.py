"""The Python API review's second round: ``Results.kpi`` hands out a copy, the figures'
list arguments are checked, a scenario shows briefly in a notebook, and the wording of
``load_results`` on a file and of one replication's repr."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from expt_helpers import BASELINE, TINY

import sim
from sim.output import figures as F
from sim.output.folder import FolderError
from sim.scenario.schema import Scenario


@pytest.fixture(scope="module")
def tiny_short() -> sim.Results:
    """Two replications of tiny.yaml over 20 days: copper reaches the market on day 13."""
    return sim.run(sim.load_scenario(TINY, overrides=["horizon_days=20"]), 2, seed=1)


def titles(fig) -> list[str]:
    return [ax.get_title() for ax in fig.axes if ax.get_title()]


# --- 1. kpi() is a copy -------------------------------------------------------------------


def test_changing_a_kpi_array_leaves_the_results_as_they_were(tiny_short) -> None:
    before = tiny_short.summary()
    x = tiny_short.kpi("delivered_t", "copper")
    assert x.mean() > 0
    x -= x.mean()  # a view rewrote kpi_values, so summary() and every figure after it
    assert not np.shares_memory(x, tiny_short.kpi_values)
    assert tiny_short.kpi("delivered_t", "copper").mean() > 0
    pd.testing.assert_frame_equal(tiny_short.summary(), before)


# --- 2. the figures' arguments ------------------------------------------------------------


@pytest.mark.parametrize(("method", "kwargs", "message"), [
    ("flows", {"metrics": "mined_t"}, r"metrics must be a list of flow series .* not a str: "
                                      r"wrap it in a list, e\.g\. \['mined_t'\]"),
    ("flows", {"metrics": None}, "metrics must be a list of flow series .* not NoneType"),
    ("flows", {"metrics": ["mined_t", 3]}, r"got 3 \(int\)"),
    ("stocks", {"kinds": "mine"}, r"kinds must be a list of site kinds .* not a str: wrap it "
                                  r"in a list, e\.g\. \['mine'\]"),
    ("flows", {"commodity": ["copper"]}, "commodity must be one commodity id"),
    ("prices", {"commodity": ["copper"]}, "commodity must be one commodity id"),
])
def test_a_plot_argument_of_the_wrong_type_is_refused(tiny_short, method, kwargs,
                                                      message) -> None:
    # a bare string was read letter by letter: seven empty panels "copper: m by channel"
    with pytest.raises(TypeError, match=message):
        getattr(tiny_short.plot, method)(**kwargs)


@pytest.mark.parametrize(("method", "kwargs", "message"), [
    ("flows", {"metrics": ["mined"]},
     r"metrics: 'mined' is not a flow series \(the flows are mined_t, .*\); did you mean "
     r"'mined_t'\?"),
    ("flows", {"metrics": ["price_index"]}, r"a level, not a flow: draw it with "
                                            r"res\.plot\.prices\(\)"),
    ("flows", {"metrics": ["stock_t"]}, r"res\.plot\.stocks\(\)"),
    ("flows", {"metrics": []}, "metrics is empty"),
    ("stocks", {"kinds": ["mines"]}, r"kinds: 'mines' is not a site kind \(the kinds are "
                                     r"mine, .*\); did you mean 'mine'\?"),
    ("stocks", {"kinds": ["harbour"]}, r"kinds: 'harbour' is not a site kind \(the kinds are "
                                       r"[a-z_, ]*\)$"),
])
def test_an_unknown_name_is_refused_with_the_closest(tiny_short, method, kwargs,
                                                     message) -> None:
    # a misspelt metric drew a panel "no flow", reading as if nothing was mined
    with pytest.raises(ValueError, match=message):
        getattr(tiny_short.plot, method)(**kwargs)


def test_an_unknown_commodity_is_told_the_closest(tiny_short) -> None:
    with pytest.raises(KeyError, match="no commodity 'coper'; did you mean 'copper'"):
        tiny_short.plot.map("coper")


def test_each_flow_panel_is_titled_with_what_its_layers_are(tiny_short) -> None:
    fig = tiny_short.plot.flows(metrics=["mined_t", "delivered_t", "shortfall_t"])
    assert titles(fig) == ["copper: mined by channel", "copper: delivered by destination country",
                           "copper: shortfall by market"]
    assert fig.get_suptitle().startswith("Flows (mean of replications)")
    # the legend names what the delivered layers are: the market's country
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "CHN" in labels and "formal" in labels
    assert tiny_short.plot.flows().get_suptitle().startswith("Flows by channel")


def test_a_flow_the_scenario_has_no_series_of_says_so(tiny_short) -> None:
    # results whose copper no market demands: its demand series left out, as the
    # catalogue leaves it out then
    cat = tiny_short.catalogue
    keep = [i for i, key in enumerate(cat.keys) if key[1] != "demand_t"]
    res = replace(tiny_short, catalogue=replace(cat, keys=[cat.keys[i] for i in keep]),
                  series_values=tiny_short.series_values[:, keep])
    fig = res.plot.flows(metrics=["demand_t"])
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts == ["no demand series for copper\n(no market demands it)"]


def test_stocks_drawn_at_markets_are_not_said_to_be_left_out(tiny_short) -> None:
    title = tiny_short.plot.stocks(kinds=["market"]).get_suptitle()
    assert title.startswith("Stocks at markets")
    assert title.endswith("Stocks at other sites (mines, border posts) are not drawn.")
    texts = [t.get_text() for ax in tiny_short.plot.stocks(kinds=["port"]).axes
             for t in ax.texts]
    assert texts == ["the scenario has no port sites"]


def test_the_comparison_figures_check_their_metrics(tiny_short) -> None:
    named = [("a", tiny_short), ("b", tiny_short)]
    with pytest.raises(TypeError, match="metrics must be a list of KPI metrics"):
        F.forest_figure(named, metrics="delivered_t")
    with pytest.raises(TypeError, match="metrics must be a list of KPI metrics"):
        F.paired_differences(named, metrics="delivered_t")
    with pytest.raises(ValueError, match="'delivered' is not a KPI metric; did you mean "
                                         "'delivered_t'"):
        F.forest_figure(named, metrics=["delivered"])
    with pytest.raises(ValueError, match="'price' is not a series this figure draws .*; did "
                                         "you mean 'price_index'"):
        F.compare_series_figure(named, "price")
    with pytest.raises(TypeError, match="metric must be one series name"):
        F.compare_series_figure(named, ["price_index"])


# --- 3. a scenario in a notebook ----------------------------------------------------------


def test_a_scenario_shows_as_one_short_line() -> None:
    text = repr(sim.load_scenario(TINY))
    assert text == ("<Scenario 'tiny' 'Tiny deterministic chain': 100 days from 2024-01-01; "
                    "1 commodity (copper); 3 sites (1 mine, 1 border post, 1 market); 2 lanes; "
                    "1 channel; shocks: none; policies: none (sc.model_dump() for every field)>")
    # pydantic's repr of the baseline was some 44,000 characters
    baseline = sim.load_scenario(BASELINE)
    assert len(repr(baseline)) < 1000
    assert "after a 180-day warm-up" in repr(baseline)
    assert "shocks: " in repr(baseline) and "regimes" in repr(baseline)
    assert str(baseline) == repr(baseline)  # print(sc) as well


def test_a_scenario_with_an_end_date_and_policies_shows_them() -> None:
    sc = sim.load_scenario(TINY, overrides=[
        "horizon_days=null", "end=2024-03-01",
        "policies.export_bans.ban={start: 10, duration_days: 5, commodity: copper, "
        "assumption: test}"])
    text = repr(sc)
    assert "2024-01-01 to 2024-03-01 (61 days)" in text
    assert "policies: 1 export ban" in text


def test_a_scenario_html_is_small_and_escaped() -> None:
    sc = sim.load_scenario(TINY, overrides=["title=<script>x</script>"])
    text = sc._repr_html_()
    assert "<script" not in text and "&lt;script&gt;" in text
    tags: list[str] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)

    P().feed(text)
    assert tags.count("li") == 6 and len(text) < 1000


def test_the_scenario_is_still_a_pydantic_model() -> None:
    sc = sim.load_scenario(TINY)
    assert sc.model_copy() == sc
    # (equality also compares the private record of the files read, which a dump drops)
    assert Scenario.model_validate(sc.model_dump()).model_dump() == sc.model_dump()
    assert sc.model_copy(update={"name": "other"}) != sc
    assert "mine_border" in sc.model_dump_json()


# --- 4. wording ---------------------------------------------------------------------------


def test_loading_a_file_names_the_folder_holding_it(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "kpis.csv").write_text("x\n")
    with pytest.raises(FolderError, match="kpis.csv is a file, not a results folder") as info:
        sim.load_results(folder / "kpis.csv")
    assert info.value.hint == f"give the folder holding it: {str(folder)!r}"
    (folder / "manifest.json").write_text("{}")
    with pytest.raises(FolderError) as info:
        sim.load_results(folder / "kpis.csv")
    assert info.value.hint == f"give the results folder holding it: {str(folder)!r}"


def test_one_replication_shows_no_interval_header() -> None:
    res = sim.run(sim.load_scenario(TINY, overrides=["horizon_days=20"]), 1)
    text = repr(res)
    assert "1 replication, seed 0" in text
    assert "mean (one replication: no interval):" in text and "95% CI" not in text
    assert "<th>95% CI (none from one replication)</th>" in res._repr_html_()
