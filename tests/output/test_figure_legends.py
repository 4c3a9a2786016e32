"""Run figures with series (deliveries, prices, stocks) put one legend below their panels,
where it covers no data: a legend inside a panel sat over the Q(t) mean of an export ban
and over the ports' stock of copper."""

from __future__ import annotations

import pytest

from sim.output import figures as F

FIGURES = [F.deliveries_figure, F.prices_figure, F.stocks_figure]


@pytest.mark.parametrize("func", FIGURES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("which", ["shock_results", "baseline_short"])
def test_one_legend_below_the_panels(func, which, request) -> None:
    res = request.getfixturevalue(which)
    fig = func(res)
    fig.draw_without_rendering()
    assert not [ax.get_title() for ax in fig.axes if ax.get_legend() is not None]
    (legend,) = fig.legends
    box = legend.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
    for ax in fig.axes:
        # below the plotting area, its tick labels and axis label
        assert box.y1 <= ax.get_tightbbox().y0, ax.get_title()
    texts = [t.get_text() for t in legend.get_texts()]
    assert len(texts) == len(set(texts))  # an entry per label, not per panel
    if res.catalogue.days[-1] < res.catalogue.period_days:
        assert texts[-1].endswith("(short period), no band")


def test_entries_in_the_commodities_colours_show_each(baseline_short) -> None:
    # "consumed" is drawn in each commodity's colour: its entry shows all three
    fig = F.deliveries_figure(baseline_short)
    (legend,) = fig.legends
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts.count("consumed") == 1
    handles = dict(zip(texts, F._legend_entries(fig.axes)[0], strict=False))
    assert isinstance(handles["consumed"], tuple) and len(handles["consumed"]) == 3
    assert not isinstance(handles["demand"], tuple)  # black in every panel
