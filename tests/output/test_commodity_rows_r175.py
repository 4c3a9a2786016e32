"""The run's prices and stocks figures with more commodities than three (review 175
follow-up): like the deliveries figure, at most three commodities a row. With three priced
commodities in a row lithium's price title ended at the figure's edge, and tiny's
"copper: price index, daily peak ..." ran into its neighbour's; with four, stocks' four
narrow columns cut gold's empty-panel text inside the call it names
("res.plot.stocks(ki" / "nds=[...])")."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import sim
from sim.output import figures as F
from sim.output import style as st

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
# priced, and demand the mine meets 1% of: the price climbs to its cap, and copper's
# (tiny's own) title says its daily peak on three lines
EXTRA = ("manganese", "germanium", "tantalum")


def sets(names: tuple[str, ...]) -> list[str]:
    out = ["horizon_days=60"]
    for com in names:
        out += [f"commodities.{com}={{forms: {{conc: {{grade: 0.5, "
                "payload_t_per_truck: 30}}, reference_price_usd_per_t: 30000, "
                "demand_elasticity: -0.3}",
                f"sites.mine_a.output.{com}={{form: conc, t_per_year: 3652.5}}",
                f"sites.mine_a.offtake.{com}={{formal: 1.0}}",
                f"sites.market_x.demand_t_per_year.{com}=365250"]
    return out


@pytest.fixture(scope="module", params=[2, 3], ids=["3 commodities", "4 commodities"])
def results(request) -> sim.Results:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the scenario's notes, not under test
        sc = sim.load_scenario(TINY, sets(EXTRA[:request.param]))
    return sim.run(sc, replications=2, seed=1, figures=False)


def drawn(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def assert_clear(fig, renderer) -> None:
    """No panel's title or text past the figure's edges, nor into another panel (its
    labels and title included); a panel's text inside its panel."""
    panels = [ax for ax in fig.axes if ax.axison]
    for ax in panels:
        pieces = [ax.title, *ax.texts] if ax.get_title() else list(ax.texts)
        for piece in pieces:
            box = piece.get_window_extent(renderer)
            what = piece.get_text()
            assert 0 <= box.x0 and box.x1 <= fig.bbox.x1, what
            assert box.y1 <= fig.bbox.y1, what
            if piece is not ax.title:
                inside = ax.get_window_extent(renderer)
                assert inside.x0 <= box.x0 and box.x1 <= inside.x1, what
            for other in panels:
                if other is not ax:
                    assert not box.overlaps(other.get_tightbbox(renderer)), (what, other)


def test_price_titles_stay_inside_the_figure_and_clear_of_their_neighbours(results) -> None:
    fig = F.prices_figure(results)
    panels = [ax for ax in fig.axes if ax.axison]
    coms = list(results.scenario.commodities)
    assert len(panels) == len(coms)
    assert sorted(ax.get_title().split(":")[0] for ax in panels) == sorted(coms)
    assert any("daily peak" in ax.get_title() for ax in panels)
    assert_clear(fig, drawn(fig))


def test_stock_panels_stay_inside_the_figure_and_keep_the_call_whole(results) -> None:
    fig = F.stocks_figure(results)
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == len(results.scenario.commodities)
    assert_clear(fig, drawn(fig))
    # copper is held at the market only: its panel names the call that draws it there
    [text] = [t.get_text() for ax in panels if ax.get_title().startswith("copper")
              for t in ax.texts]
    assert "res.plot.stocks(kinds=['market'])" in text.split(), text


@pytest.mark.parametrize("draw", [F.prices_figure, F.stocks_figure],
                         ids=["prices", "stocks"])
def test_at_most_three_a_row_and_four_as_two_rows_of_two(results, draw) -> None:
    n = len(results.scenario.commodities)
    panels = [ax for ax in draw(results).axes if ax.axison]
    assert len(panels) == n
    rows, columns = (1, n) if n <= 3 else (2, 2)
    assert len({round(ax.get_position().x0, 3) for ax in panels}) == columns
    assert len({round(ax.get_position().y0, 3) for ax in panels}) == rows
    for ax in panels:  # every panel has its dates, not only the last row's
        assert ax.get_xlabel() == "date", ax.get_title()
        assert any(t.get_text() for t in ax.get_xticklabels()) or not ax.has_data()


def test_an_empty_panel_breaks_its_text_between_words_only() -> None:
    # a panel narrower than the call it names: the call stands whole on its own line
    text = ("no gold held at mines, border posts, ports or refiners; held at markets or "
            "trading hubs instead: res.plot.stocks(kinds=['market', 'trading_hub'])")
    with st.style():
        fig = st.new_figure(st.WIDTH, 3.0)
        axes = fig.subplots(1, 6)
        F.empty_figure(axes[2], text)
    [shown] = [t.get_text() for t in axes[2].texts]
    assert shown.split() == text.split(), shown
    assert "res.plot.stocks(kinds=['market'," in shown.split("\n"), shown
