"""The run's deliveries figure with more commodities than three (review 175: with lithium
added, four columns ran gold's two-line title into its neighbours' and lithium's past the
figure's edge: "lithium: Q(t); shortfall 0 t (all equ")."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import sim
from sim.output import figures as F

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
# long names, and demand the mine meets 1% of: a two-line title and a large shortfall
EXTRA = ("manganese", "germanium", "tantalum")


def sets(names: tuple[str, ...]) -> list[str]:
    out = []
    for com in names:
        out += [f"commodities.{com}={{forms: {{conc: {{grade: 0.5, "
                "payload_t_per_truck: 30}}}",
                f"sites.mine_a.output.{com}={{form: conc, t_per_year: 3652.5}}",
                f"sites.mine_a.offtake.{com}={{formal: 1.0}}",
                f"sites.market_x.demand_t_per_year.{com}=365250"]
    return out


def run(names: tuple[str, ...]) -> sim.Results:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the scenario's notes, not under test
        sc = sim.load_scenario(TINY, sets(names))
    return sim.run(sc, replications=2, seed=1)


@pytest.fixture(scope="module", params=[2, 3], ids=["3 commodities", "4 commodities"])
def results(request) -> sim.Results:
    return run(EXTRA[:request.param])


def test_no_title_runs_into_a_neighbour_or_past_the_edge(results) -> None:
    fig = F.deliveries_figure(results)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    panels = [ax for ax in fig.axes if ax.axison]
    coms = list(results.scenario.commodities)
    assert len(panels) == 2 * len(coms)
    titled = [ax for ax in panels if ax.get_title()]
    assert sorted(ax.get_title().split(":")[0] for ax in titled) == sorted(coms * 2)
    assert any("arrivals from the network" in ax.get_title() for ax in titled)
    for ax in titled:
        box = ax.title.get_window_extent(renderer)
        what = ax.get_title()
        assert 0 <= box.x0 and box.x1 <= fig.bbox.x1, what
        row = [b for b in panels if b is not ax
               and abs(b.get_position().y0 - ax.get_position().y0) < 1e-6]
        for other in row:
            if other.get_position().x0 > ax.get_position().x0:
                # the right neighbour: its value axis's labels and its title
                assert box.x1 <= other.get_tightbbox(renderer).x0, what
            else:
                assert box.x0 >= other.get_window_extent(renderer).x1, what
        # nor into the panel above (a title on three lines)
        above = [b for b in panels if b.get_position().y0 > ax.get_position().y1
                 and abs(b.get_position().x0 - ax.get_position().x0) < 1e-6]
        for other in above:
            assert box.y1 <= other.get_window_extent(renderer).y0, what


def test_four_commodities_wrap_into_two_blocks_of_two() -> None:
    fig = F.deliveries_figure(run(EXTRA))
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == 8
    assert len({round(ax.get_position().x0, 3) for ax in panels}) == 2
    assert len({round(ax.get_position().y0, 3) for ax in panels}) == 4
    # every Q(t) panel has its dates, not only the last row's
    for ax in panels:
        if "Q(t)" in ax.get_title():
            assert any(t.get_visible() and t.get_text() for t in ax.get_xticklabels()), \
                ax.get_title()


def test_supply_lost_is_hatched() -> None:
    # review 189: its red fill and the interval's fill were one colour to some readers
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sim.run(TINY, 2, 1, overrides=["sites.border.clearance_trucks_per_day=2"])
    fig = F.deliveries_figure(res)
    lost = [c for ax in fig.axes for c in ax.collections
            if c.get_label() == "supply lost (resilience triangle)"]
    assert lost and all(c.get_hatch() for c in lost)


def test_no_supply_lost_key_without_a_shortfall() -> None:
    # review 191: the legend named a hatched "supply lost" that nothing drew (a stock
    # that covers the first lots' transit: no shortfall)
    res = sim.run(TINY, 2, 1, overrides=["sites.market_x.initial_stock_t.copper=5000"])
    assert res.kpi("shortfall_t", "copper").max() == 0
    fig = F.deliveries_figure(res)
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    labels += [t.get_text() for ax in fig.axes if ax.get_legend()
               for t in ax.get_legend().get_texts()]
    assert "supply lost (resilience triangle)" not in labels
