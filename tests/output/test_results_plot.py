"""The results object in a notebook: ``res.plot.*`` figures, ``repr`` and ``_repr_html_``."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest
from matplotlib.figure import Figure

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("method", ["flows", "deliveries", "prices", "stocks", "lead_times",
                                    "map", "flow_diagram"])
def test_plot_accessor_returns_figures_that_show_in_jupyter(tiny_results, method) -> None:
    fig = getattr(tiny_results.plot, method)()
    assert isinstance(fig, Figure)
    assert fig._repr_png_().startswith(PNG_MAGIC)


def test_plot_accessor_takes_a_commodity(baseline_short) -> None:
    fig = baseline_short.plot.flows(commodity="cobalt")
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 2
    assert "flows()" in repr(baseline_short.plot)


def test_repr_names_run_and_headline_means(shock_results) -> None:
    text = repr(shock_results)
    for part in ("'tiny_shock'", "3 replications", "seed 1", "100 days from 2024-01-01",
                 "copper shortfall_t: 1,800", "copper delivered_t"):
        assert part in text


def test_repr_html_is_a_small_escaped_table(shock_results) -> None:
    text = shock_results._repr_html_()
    assert "<script" not in text and "&lt;script&gt;" in text
    tags: list[str] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)

    P().feed(text)
    assert tags.count("table") == 1
    assert tags.count("tr") == 1 + 3  # header and three headline KPIs of copper


def test_summary_is_a_frame_of_means_with_intervals(tiny_results) -> None:
    s = tiny_results.summary()
    assert isinstance(s, pd.DataFrame)
    assert {"mean", "ci_low", "ci_high", "n"} <= set(s.columns)
