"""Review 151, the gold analyst: gold's deliveries panel drew the network's 0.1 t a day flat
under 9 t a day of world demand without a word, and its stocks panel said only "no gold
held", all of it being at markets and trading hubs, which that figure leaves out."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.output.figures import SMALL_SHARE, deliveries_figure, stocks_figure

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def month() -> sim.Results:
    return sim.run(sim.load_scenario(BASELINE, ["horizon_days=30"]), replications=1, seed=1)


def test_a_network_share_too_small_to_see_is_said(month: sim.Results) -> None:
    titles = {ax.get_title().split(":")[0]: ax.get_title()
              for ax in deliveries_figure(month).axes if "deliveries" in ax.get_title()}
    gold, copper = titles["gold"], titles["copper"]
    share = float(gold.rsplit("network: ", 1)[1].split("%")[0]) / 100
    assert 0 < share < SMALL_SHARE
    assert "of demand" not in copper  # copper's arrivals are drawn large enough


def test_the_stocks_figure_says_where_a_commodity_is_held_instead(month: sim.Results) -> None:
    fig = stocks_figure(month, "gold")
    [text] = [t.get_text().replace("\n", " ") for ax in fig.axes for t in ax.texts]
    assert text.startswith("no gold held at mines, border posts, ports or refiners; it is "
                           "held at")
    assert "trading hubs" in text and "res.plot.stocks(kinds=[" in text
    assert "'trading_hub'" in text
