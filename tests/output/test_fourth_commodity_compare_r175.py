"""A comparison where one scenario adds a commodity the other lacks (review 175: lithium
by scenario file, compared with the baseline): the forest plot and the series figures
draw it, and say where a scenario has none, rather than a difference of 0."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex

import sim
from sim.output import figures as F
from sim.output import style as st

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
NEW = "tin"


def with_new() -> list[str]:
    return [f"commodities.{NEW}={{forms: {{conc: {{grade: 0.5, payload_t_per_truck: 30}}}}, "
            "reference_price_usd_per_t: 30000, demand_elasticity: -0.3}",
            f"sites.mine_a.output.{NEW}={{form: conc, t_per_year: 3652.5}}",
            f"sites.mine_a.offtake.{NEW}={{formal: 1.0}}",
            f"sites.market_x.demand_t_per_year.{NEW}=3652.5"]


@pytest.fixture(scope="module")
def plain() -> sim.Results:
    return sim.run(sim.load_scenario(TINY), replications=2, seed=1)


@pytest.fixture(scope="module")
def added() -> sim.Results:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the scenario's notes, not under test
        sc = sim.load_scenario(TINY, with_new())
    return sim.run(sc, replications=2, seed=1)


def panel_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def column(fig, com: str) -> list:
    """The forest plot's panels under the heading ``com``."""
    heads = [ax for ax in fig.axes if com in panel_texts(ax)]
    assert len(heads) == 1, com
    x = heads[0].get_position().x0
    return [ax for ax in fig.axes if abs(ax.get_position().x0 - x) < 1e-6]


# ====================================================================== forest plot
def test_a_commodity_the_reference_lacks_is_not_no_difference(plain, added) -> None:
    fig = F.forest_figure([("tiny", plain), ("with_tin", added)])
    panels = column(fig, NEW)
    assert len(panels) == len(F.COMPARE_METRICS)
    for ax in panels:
        texts = panel_texts(ax)
        assert "no difference" not in texts, ax.get_title()
        assert "not in tiny" in texts, ax.get_title()
        # no point, interval or zero line: nothing reads as a difference of 0
        assert not ax.collections and not ax.lines, ax.get_title()
    # copper, in both, still says so
    assert any("no difference" in panel_texts(ax) for ax in column(fig, "copper"))


def test_a_commodity_only_the_reference_has_gets_its_column(plain, added) -> None:
    fig = F.forest_figure([("with_tin", added), ("tiny", plain)])
    panels = column(fig, NEW)
    assert panels
    for ax in panels:
        assert any(t.startswith("not in tiny") for t in panel_texts(ax)), ax.get_title()
        assert "no difference" not in panel_texts(ax)


def test_a_scenario_without_the_commodity_is_named_on_its_row(plain, added) -> None:
    # the reference and one scenario have tin, the other does not
    fig = F.forest_figure([("with_tin", added), ("tiny", plain), ("also_tin", added)])
    for ax in column(fig, NEW):
        texts = panel_texts(ax)
        assert "not in this scenario" in texts, ax.get_title()
        notes = [t for t in ax.texts if t.get_text() == "not in this scenario"]
        assert [t.xy[1] for t in notes] == [1]  # tiny's row: the first of two, from the top


# =================================================================== series figures
def columns(fig) -> dict[str, tuple]:
    """(top, bottom) panels of a series figure by commodity (the top panel's title, up
    to its first colon or line break)."""
    n = len(fig.axes) // 2
    top, low = fig.axes[:n], fig.axes[n:]
    return {re.split("[:\n]", ax.get_title())[0]: (ax, below)
            for ax, below in zip(top, low, strict=True)}


def labels(ax) -> list[str]:
    return ax.get_legend_handles_labels()[1]


@pytest.mark.parametrize("metric", ["exported_t", "performance", "price_index"])
def test_a_commodity_only_a_variant_has_is_drawn(plain, added, metric) -> None:
    fig = F.compare_series_figure([("tiny", plain), ("with_tin", added)], metric)
    cols = columns(fig)
    assert list(cols) == ["copper", NEW]  # the reference's first
    top, low = cols[NEW]
    assert labels(top) == ["with_tin"]  # no line of zeros for tiny
    assert top.get_title().startswith(NEW)
    assert top.get_title().endswith("\nnot in tiny")
    # the variant's own line, in its colour (the reference's band is not there: its own)
    assert {to_hex(line.get_color()) for line in top.lines if line.get_label() == "with_tin"} \
        == {st.scenario_color(1)}
    assert top.collections  # its band
    # no difference, no zero line: "not in tiny" instead
    assert not low.lines and not low.collections
    assert [t.get_text() for t in low.texts] == ["not in tiny"]
    # copper's difference is drawn as before
    assert cols["copper"][1].lines


def test_a_commodity_a_variant_lacks_draws_no_line_for_it(plain, added) -> None:
    fig = F.compare_series_figure([("with_tin", added), ("tiny", plain)], "exported_t")
    top, low = columns(fig)[NEW]
    assert labels(top) == ["with_tin"]
    assert top.get_title() == f"{NEW}\nnot in tiny"
    assert not low.lines and [t.get_text() for t in low.texts] == ["not in tiny"]
    # the values tiny would have had: zeros, read as exports stopped
    for line in top.lines:
        assert np.nanmax(np.asarray(line.get_ydata(), dtype=float)) > 0


def test_a_price_no_scenario_models_still_gets_no_panel(plain) -> None:
    sets = [s for s in with_new() if "reference_price" not in s]
    sets.insert(0, f"commodities.{NEW}={{forms: {{conc: {{grade: 0.5, "
                   "payload_t_per_truck: 30}}}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the scenario's notes, not under test
        sc = sim.load_scenario(TINY, sets)
    unpriced = sim.run(sc, replications=2, seed=1)
    fig = F.compare_series_figure([("tiny", plain), ("with_tin", unpriced)], "price_index")
    assert NEW not in columns(fig)
    assert NEW in columns(F.compare_series_figure([("tiny", plain), ("with_tin", unpriced)],
                                                  "exported_t"))
