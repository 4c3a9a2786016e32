"""Figures of results: flows, deliveries against demand, prices, stocks, queues at the sites
a scenario names, lead times, a map and a flow diagram. A comparison's figures (a forest
plot of paired differences, the scenarios' series side by side) are in
:mod:`sim.output.compare_figures`, which draws them with the helpers here.

Every function takes a :class:`~sim.experiment.results.Results` (or a list of named
results) and options, and returns a :class:`matplotlib.figure.Figure` drawn in the style of
:mod:`sim.output.style`. Flows are drawn as rates in tonnes of metal per day (each period's
total divided by its days, so a short period does not look like a drop); time axes show
calendar dates (the middle of each period); levels (prices, stocks) are means over each
period, below a daily peak where the level rose and fell within one. Bands are 5-95% of the
replications unless a label says otherwise. A last period cut short by the horizon, or with
calendar months a first period cut short by a start after the 1st (a few days, where a flow
is lumpy and its spread across replications says little), gets no band: its mean is a
hollow point at the end of a dotted segment, or, in stacked flows, faded. The only whole
period of a run is a filled point with a bar for its band (a line or band of one point
draws nothing), and a run of a single period is drawn over its own dates. Each figure has
one legend, below its panels, where it covers no data.

:func:`write_run_figures` saves the relevant figures as PNG and SVG into ``figures/`` of a
results folder.
"""

from __future__ import annotations

import contextlib
import math
import numbers
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from scipy import stats

from sim.experiment.stats import at_cap, cap_runs
from sim.lazy import lazy_exports
from sim.output import style as st
from sim.output.network_map import (
    KIND_STYLE,
    MODE_STYLE,
    MapLabel,
    finish_panels,
    label_map,
    map_panels,
    wrap_name,
)
from sim.output.progress_count import FIGURES, WorkCount
from sim.output.tables import channel_label
from sim.scenario.plan import Plan, make_plan, route_lanes
from sim.scenario.prices import price_modelled
from sim.shocks.engine import n_days
from sim.words import and_list

if TYPE_CHECKING:
    from sim.experiment.results import Results
    from sim.output.compare_figures import COMPARE_METRICS as COMPARE_METRICS
    from sim.output.compare_figures import NamedResults as NamedResults
    from sim.output.compare_figures import compare_figures as compare_figures
    from sim.output.compare_figures import compare_series_figure as compare_series_figure
    from sim.output.compare_figures import forest_figure as forest_figure
    from sim.output.compare_figures import paired_differences as paired_differences
    from sim.output.compare_figures import short_name as short_name
    from sim.output.compare_figures import write_compare_figures as write_compare_figures

# The comparisons' figures live in sim.output.compare_figures (review 231), which
# imports the helpers below it shares with the run figures from here; its names are read
# from here too, imported on first use (importing them here at the top would be a
# cycle); type checkers see the public ones through the imports above.
_MOVED = dict.fromkeys((
    "NamedResults", "_kpi_metrics", "COMPARE_METRICS", "paired_differences", "short_name",
    "_other_period", "_capped_peaks", "_cap_label", "forest_figure", "_scenario_commodities",
    "_lacks", "_no_value_text", "_compare_partial_handle", "_series_title", "_same_periods",
    "compare_series_figure", "compare_figures", "write_compare_figures",
), "sim.output.compare_figures")

if not TYPE_CHECKING:  # else type checkers read every attribute, misspelt ones too, as Any
    __getattr__ = lazy_exports(__name__, _MOVED)


FLOW_UNIT = "t/day"
STOCK_KINDS = ("mine", "border_post", "port", "refiner")
FLOW_NAMES = {"mined_t": "mined", "exported_t": "exported", "delivered_t": "delivered",
              "shortfall_t": "shortfall", "consumed_t": "consumed", "demand_t": "demand",
              "market_arrivals_t": "arrivals at markets", "refined_t": "refined"}
"""Flow series as words, for titles and axis labels (:func:`flow_name`)."""
FLOW_KEYS = {"mined_t": "channel", "exported_t": "channel",
             "delivered_t": "destination country", "market_arrivals_t": "destination country",
             "refined_t": "refiner country",
             "demand_t": "market", "consumed_t": "market", "shortfall_t": "market"}
"""What each flow series is split by (its ``key`` in the series tables): the layers of its
panel in :func:`flows_figure`."""
_NOT_FLOWS = {"price_index": "a level, not a flow: draw it with res.plot.prices() "
                             "(prices_figure)",
              "stock_t": "a level, not a flow: draw it with res.plot.stocks() (stocks_figure)",
              "in_transit_t": "a level, not a flow: read it from res.series_summary()",
              "held_t": "a level (a named site's holdings), not a flow: draw it with "
                        "res.plot.queues() (queues_figure)",
              "held_trucks": "a level (a border post's trucks), not a flow: draw it with "
                             "res.plot.queues() (queues_figure)",
              "waiting_t": "a level (lots waiting to set off on a lane), not a flow: draw "
                           "it with res.plot.queues() (queues_figure)"}


def flow_name(metric: str) -> str:
    """A flow series as words: ``exported_t`` -> ``exported``."""
    return FLOW_NAMES.get(metric, st.label(metric.removesuffix("_t")))


# =============================================================================== helpers
def _commodities(res: Results, commodity: str | None) -> list[str]:
    """The commodities to draw: ``commodity``, or all of the scenario's if None. Raises
    ``TypeError`` unless it is a str or None (a list would be one unknown name), and
    ``KeyError`` for a commodity the scenario does not have, with the closest one."""
    from sim.scenario.errors import did_you_mean

    coms = list(res.scenario.commodities)
    if commodity is None:
        return coms
    if not isinstance(commodity, str):
        raise TypeError(f"commodity must be one commodity id (a str), or None for all of "
                        f"them, not {type(commodity).__name__} {commodity!r}; the scenario "
                        f"has {', '.join(coms)}")
    if commodity not in coms:
        guess = did_you_mean(commodity, coms)
        raise KeyError(f"no commodity {commodity!r}"
                       + (f"; did you mean {guess!r}?" if guess else "")
                       + f"; the scenario has {', '.join(coms)}")
    return [commodity]


def _max_routes(value: object) -> int:
    """``max_routes`` of :func:`lead_times_figure`, checked: a whole number of routes of at
    least 1. Raises ``TypeError`` for anything but an int (a bool, a float such as 1.5,
    which pandas refused as "cannot do positional indexing") and ``ValueError`` for less
    than 1 (0 drew an empty figure)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"max_routes must be a whole number of routes (an int of at least "
                        f"1), not {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"max_routes must be at least 1 (the number of routes drawn, "
                         f"those carrying most metal first), not {value}")
    return int(value)


def checked_names(value: object, name: str, what: str) -> list[str]:
    """``value``, the argument ``name`` that should be a non-empty list of ``what``, as a
    list of str. Raises ``TypeError`` for a single string (read letter by letter, each
    letter would be a panel or a layer) or anything but strings, ``ValueError`` for an
    empty list."""
    from sim.scenario.errors import check_strings

    check_strings(value, name, what)
    try:
        items = list(value)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"{name} must be a list of {what}, not "
                        f"{type(value).__name__}") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{name} must be a list of {what}, got {item!r} "
                            f"({type(item).__name__}) in {items!r}")
    if not items:
        raise ValueError(f"{name} is empty: name at least one of the {what}")
    return items


def _flow_metrics(metrics: object) -> list[str]:
    """``metrics`` of :func:`flows_figure`, checked: each a flow series name
    (:data:`~sim.metrics.series.FLOW_METRICS`). Raises ``TypeError`` as :func:`checked_names`,
    and ``ValueError`` for a name that is not a flow series (a level such as
    ``price_index`` told which figure draws it, a typo the closest flow)."""
    from sim.metrics.series import FLOW_METRICS
    from sim.scenario.errors import did_you_mean

    names = checked_names(metrics, "metrics", "flow series such as 'mined_t'")
    for metric in names:
        if metric in FLOW_METRICS:
            continue
        if metric in _NOT_FLOWS:
            why = _NOT_FLOWS[metric]
        else:
            guess = did_you_mean(metric, FLOW_METRICS)
            why = (f"not a flow series (the flows are {', '.join(FLOW_METRICS)})"
                   + (f"; did you mean {guess!r}?" if guess else ""))
        raise ValueError(f"metrics: {metric!r} is {why}")
    return names


def _stock_kinds(kinds: object) -> list[str]:
    """``kinds`` of :func:`stocks_figure`, checked: each a site kind. Raises ``TypeError``
    as :func:`checked_names`, and ``ValueError`` for a name that is not a site kind, with the
    closest one."""
    from sim.scenario.schema import check_site_kind

    names = checked_names(kinds, "kinds", "site kinds such as 'mine'")
    for kind in names:
        check_site_kind(kind, "kinds: ")
    return names


def _rows(res: Results, commodity: str, metric: str) -> dict[str, int]:
    """Row of each key of ``metric`` for ``commodity`` in the series cube."""
    return {key: i for i, (com, met, key, _u) in enumerate(res.catalogue.keys)
            if com == commodity and met == metric}


def _days_per_period(res: Results) -> np.ndarray:
    """Days measured in each period (the series catalogue's ``days``), as floats."""
    return np.asarray(res.catalogue.days, dtype=float)


def mid_dates(res: Results) -> np.ndarray:
    """The middle of each period as datetime64 (hours), for plotting."""
    start = np.asarray(res.catalogue.dates, dtype="datetime64[D]").astype("datetime64[h]")
    half = np.round(_days_per_period(res) * 12).astype("timedelta64[h]")
    return start + half


def _bounds(res: Results) -> np.ndarray:
    """The first day of each period and the day after the last, as datetime64 (hours):
    ``n_periods + 1`` bounds."""
    start = np.asarray(res.catalogue.dates, dtype="datetime64[D]").astype("datetime64[h]")
    end = start[-1:] + np.round(_days_per_period(res)[-1:] * 24).astype("timedelta64[h]")
    return np.concatenate([start, end])


def lone_span(*runs: Results) -> tuple[np.datetime64, np.datetime64] | None:
    """The dates the runs cover (earliest start, latest end) when none has two periods
    (a run shorter than its series period, or a calendar month and a bit): autoscaling
    around a lone point spans four years. None when some run has two points or more (the
    points then set the limits)."""
    if not runs or any(res.catalogue.n_periods > 1 for res in runs):
        return None
    bounds = [_bounds(res) for res in runs]
    return min(b[0] for b in bounds), max(b[-1] for b in bounds)


def _line(ax: Axes, x: np.ndarray, y: np.ndarray, color: str, point: str = "o",
          **kwargs: object) -> None:
    """A series as a line, or, for a single point (the only whole period of a run), as a
    filled point of marker ``point``: a line of one point draws nothing."""
    if len(x) == 1:
        kwargs = {"marker": point, "ms": 5.0, "mfc": color, "mec": color, "zorder": 3.5,
                  **kwargs}
    ax.plot(x, y, color=color, **kwargs)


def _fill(ax: Axes, x: np.ndarray, lo: np.ndarray, hi: np.ndarray, color: str,
          alpha: float, label: str | None = None) -> None:
    """A band from ``lo`` to ``hi``, or, for a single point (the only whole period of a
    run), a bar from ``lo`` to ``hi`` at that point: a band of one point draws nothing."""
    if len(x) == 1:
        ax.vlines(x, lo, hi, colors=color, alpha=alpha, lw=7, label=label)
    else:
        ax.fill_between(x, lo, hi, color=color, alpha=alpha, lw=0, label=label)


def series_cube(res: Results, commodity: str, metric: str,
                keys: Iterable[str] | None = None) -> np.ndarray:
    """Sum over ``keys`` (all keys if None) of a series: [replication, period], float."""
    rows = _rows(res, commodity, metric)
    chosen = [rows[k] for k in (keys if keys is not None else rows) if k in rows]
    if not chosen:
        return np.zeros((res.n, res.catalogue.n_periods))
    return res.series_values[:, chosen, :].astype(float).sum(axis=1)


def rate_series(res: Results, cube: np.ndarray) -> np.ndarray:
    """Flow per period to tonnes per day."""
    return cube / _days_per_period(res)


def partial_days(res: Results) -> int:
    """Days of a last period cut short by the horizon (0 when every period is whole)."""
    return res.catalogue.cut_days


def partial_first_days(res: Results) -> int:
    """Days of a first period cut short by the start (calendar months from a date after the
    1st), 0 when the first period is whole."""
    return res.catalogue.first_cut_days


def short_ends(res: Results) -> tuple[bool, bool]:
    """Whether the first and the last period of ``res`` are short."""
    return bool(partial_first_days(res)), bool(partial_days(res))


def whole_periods(n: int, first: bool, last: bool) -> slice:
    """The periods of ``n`` that are whole, with the first and/or the last short (empty for
    a single period short at either end)."""
    return slice(1 if first else 0, max(n - 1 if last else n, 0))


def _partial_marks(ax: Axes, x: np.ndarray, y: np.ndarray, color: str, lw: float = 1.6,
                   first: bool = False, last: bool = True, point: str = "o") -> None:
    """The short first and/or last period as hollow points (marker ``point``), each joined
    to its neighbour by a dotted segment: over a few days a flow is lumpy, and its spread
    across replications says little. A period short at both ends, or a segment two short
    periods share, is drawn once."""
    n = len(x)
    points = sorted({i for i, short in ((0, first), (n - 1, last)) if short and n})
    segments = sorted({i for i, short in ((0, first), (n - 2, last)) if short and n > 1})
    for i in segments:
        ax.plot(x[i:i + 2], y[i:i + 2], color=color, lw=max(lw * 0.7, 0.8), ls=":")
    if points:
        ax.plot(x[points], y[points], ls="", marker=point, ms=4.5, mfc="white", mec=color,
                mew=1.2, zorder=4)


def short_text(first: int, last: int, n_periods: int) -> str:
    """The short periods in words, for a legend: ``last 30 days (short period)``, ``first 17
    days (short period)``, both, or ``one period of 20 days (short)`` for a run of a
    single short period. Empty when neither end is short."""
    if (first or last) and n_periods == 1:
        # "last 20 days" of a 20-day run read as the end of a longer one
        return f"one period of {n_days(last or first)} (short)"
    if first and last:
        return f"first {n_days(first)} and last {n_days(last)} (short periods)"
    if first:
        return f"first {n_days(first)} (short period)"
    return f"last {n_days(last)} (short period)" if last else ""


def short_handle(text: str, point: str = "o") -> Line2D:
    """Legend entry for :func:`_partial_marks` drawn with marker ``point``."""
    return Line2D([], [], color=st.NEUTRAL, ls=":", marker=point, ms=4.5, mfc="white",
                  label=text)


def _partial_handle(res: Results, points: Sequence[str] = ("o",)
                    ) -> Line2D | tuple[Line2D, ...] | None:
    """Legend entry for :func:`_partial_marks`, or None when every period is whole: one
    hollow point, or one of each marker in ``points`` side by side where the figure marks
    short periods with several (the stocks figure, a marker per kind of site)."""
    text = short_text(partial_first_days(res), partial_days(res), res.catalogue.n_periods)
    if not text:
        return None
    marks = list(dict.fromkeys(points)) or ["o"]
    if len(marks) == 1:
        return short_handle(f"{text}, no band", marks[0])
    return tuple(short_handle(f"{text}, no band", m) for m in marks)


def _colour_key(handle: Artist) -> tuple:
    """The colour a legend handle shows (line colour, or face colour of a band)."""
    if isinstance(handle, Line2D):
        return ("line", to_hex(handle.get_color()))
    if isinstance(handle, Collection):
        faces = handle.get_facecolor()
        return ("face", to_hex(faces[0], keep_alpha=True) if len(faces) else "none")
    if isinstance(handle, Patch):
        return ("face", to_hex(handle.get_facecolor(), keep_alpha=True))
    return ("other", id(handle))


def _legend_entries(axes: Iterable[Axes]
                    ) -> tuple[list[Artist | tuple[Artist, ...]], list[str]]:
    """The labelled artists of ``axes`` as legend entries: one per label, a handle or, for
    a label drawn in several colours, a tuple of one handle per colour (in panel order)."""
    groups: dict[str, list[Artist]] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            groups.setdefault(label, []).append(handle)
    handles: list[Artist | tuple[Artist, ...]] = []
    for group in groups.values():
        distinct = list({_colour_key(h): h for h in reversed(group)}.values())[::-1]
        handles.append(distinct[0] if len(distinct) == 1 else tuple(distinct))
    return handles, list(groups)


def _legend(fig: Figure, axes: Iterable[Axes], res: Results, ncols: int = 4,
            points: Sequence[str] = ("o",)) -> Legend:
    """One legend for the panels ``axes`` of a run figure, below them, where it covers no
    data (a legend in a panel sat over the data where the data filled the panel). Entries
    of the same label are merged; one drawn in a different colour in each panel (the
    commodity's) shows every colour, side by side. The note of short first and last
    periods comes last, with the markers ``points`` its hollow points are drawn with."""
    handles, labels = _legend_entries(axes)
    note = _partial_handle(res, points)
    if note is not None:
        handles.append(note)
        labels.append((note[0] if isinstance(note, tuple) else note).get_label())
    many = max((len(h) for h in handles if isinstance(h, tuple)), default=1)
    return figure_legend(fig, handles, ncols, labels=labels,
                         handler_map={tuple: HandlerTuple(ndivide=None, pad=0)},
                         handlelength=max(2.0, 1.2 * many))


def figure_legend(fig: Figure, handles: Sequence[Artist | tuple[Artist, ...]], ncols: int,
                  labels: Sequence[str] | None = None, **kwargs: object) -> Legend:
    """One legend for the whole figure, below its panels (so it covers no data), in at most
    ``ncols`` columns: fewer where a row of that many would be wider than the figure."""
    ncols = max(1, min(ncols, len(handles)))
    args = (handles, labels) if labels is not None else ()
    extra = {} if labels is not None else {"handles": handles}
    while True:
        legend = fig.legend(*args, loc="outside lower center", ncols=ncols, **extra,
                            **kwargs)
        if ncols == 1 or legend.get_window_extent().width <= 0.98 * fig.bbox.width:
            return legend
        legend.remove()
        ncols -= 1


def draw_band(ax: Axes, x: np.ndarray, values: np.ndarray, color: str, label: str | None = None,
              lw: float = 1.6, ls: st.LineStyle = "-", band: bool = True, partial: bool = False,
              band_label: str | None = None, partial_first: bool = False,
              point: str = "o") -> None:
    """Mean line and a 5-95% band across replications (rows of ``values``). With
    ``partial`` the last period is short, with ``partial_first`` the first: a short period
    gets no band and is drawn apart (:func:`_partial_marks`). A single whole period is a
    point of marker ``point``."""
    mean = np.nanmean(values, axis=0)
    whole = whole_periods(len(x), partial_first, partial)
    if band and values.shape[0] > 1 and whole.stop > whole.start:
        lo, hi = np.nanquantile(values[:, whole], [0.05, 0.95], axis=0)
        _fill(ax, x[whole], lo, hi, color, st.BAND_ALPHA, band_label)
    _line(ax, x[whole], mean[whole], color, point, lw=lw, ls=ls, label=label)
    if partial or partial_first:
        _partial_marks(ax, x, mean, color, lw, first=partial_first, last=partial, point=point)


def _ci_of_mean(values: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Student-t interval of the mean of each column."""
    n = values.shape[0]
    mean = np.nanmean(values, axis=0)
    if n < 2:
        return mean, mean
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * np.nanstd(values, axis=0, ddof=1)
    half = half / math.sqrt(n)
    return mean - half, mean + half


def kpi_mean(res: Results, metric: str, commodity: str = "all", channel: str = "all",
             site: str = "all") -> float:
    try:
        vals = res.kpi(metric, commodity, channel, site)
    except KeyError:
        return float("nan")
    vals = vals[~np.isnan(vals)]
    return float(vals.mean()) if vals.size else float("nan")


def _kpi_interval(res: Results, metric: str, commodity: str = "all"
                  ) -> tuple[float, float, float]:
    from sim.experiment.stats import t_interval

    try:
        return t_interval(res.kpi(metric, commodity))
    except KeyError:
        return (float("nan"),) * 3


def _subtitle(res: Results) -> str:
    sc = res.scenario
    return (f"{st.plain(sc.name)}: {res.n} replication{'s' if res.n != 1 else ''}, "
            f"seed {res.seed}, "
            f"{sc.horizon:,g} days from {sc.start}")


def _key_colors(res: Results, keys: Iterable[str]) -> dict[str, str]:
    """:func:`~sim.output.style.key_colors` of the keys a figure draws (channels,
    destination countries, markets), a market in its country's colour where free."""
    sc = res.scenario
    keys = list(keys)
    same_as = {k: sc.country_of(k) for k in keys if k in sc.sites}
    return st.key_colors(keys, same_as)


TITLE_WRAP = 115
"""Characters per line of a figure's title at the default width (11 points); longer lines
wrap, rather than run past both edges of the figure."""


def _title(text: str) -> str:
    """A figure title wrapped to the figure's width (:data:`TITLE_WRAP`)."""
    return st.wrap(text, TITLE_WRAP)


def _has_flow(arr: np.ndarray) -> bool:
    return bool(np.nanmax(np.abs(arr), initial=0.0) > 0)


def _word_lines(text: str, width_pt: float, size: float) -> str:
    """Each line of ``text`` wrapped between words only onto lines narrower than
    ``width_pt`` points at ``size``, save a word wider than that, which has a line of its
    own."""
    out: list[str] = []
    for line in text.split("\n"):
        current = ""
        for word in line.split():
            longer = f"{current} {word}" if current else word
            if current and st.text_width(longer, size) > width_pt:
                out.append(current)
                current = word
            else:
                current = longer
        out.append(current)
    return "\n".join(out)


def empty_figure(ax: Axes, text: str) -> None:
    # wrapped to the panel (a third of the figure, say): on one line, "no gold held at
    # mines, border posts, ports or refiners" ran past both its edges
    size = float(mpl.rcParams["font.size"])
    width_pt = 0.9 * ax.get_position().width * ax.get_figure().get_figwidth() * 72
    wrapped = st.fit_lines(text, width_pt, size)
    if wrapped.split() != text.split():
        # a word wider than the panel was cut: a call to copy read "res.plot.stocks(ki" /
        # "nds=[...])" (review 175); whole words, the widest on a line of its own
        wrapped = _word_lines(text, width_pt, size)
    ax.text(0.5, 0.5, wrapped, ha="center", va="center",
            transform=ax.transAxes, color=st.NEUTRAL, fontsize=size)
    ax.set_xticks([])  # axes from 0 to 1 would suggest data that is not there
    ax.set_yticks([])


# ================================================================================ flows
def _veils(x: np.ndarray, bounds: np.ndarray, first: bool, last: bool
           ) -> list[tuple[np.datetime64, np.datetime64]]:
    """The spans (dates) the stacked flows fade over their short end periods: from the
    middle of a short end period to its neighbour's middle, the segment its rate shapes; a
    span two short periods share, or a single period short at both ends (drawn over its
    own dates, ``bounds``), faded once. A veil stops at the edge of the only whole period
    instead: over the whole of the segment it faded all of that period, and a whole month
    looked short (January and 14 days of February). ``x``: the middle of each period;
    ``bounds``: :func:`_bounds`."""
    n = len(x)
    if n == 1:
        return [(bounds[0], bounds[1])] if first or last else []
    lone_whole = n - first - last == 1
    spans = set()
    if first:
        spans.add((x[0], bounds[1] if lone_whole else x[1]))
    if last:
        spans.add((bounds[-2] if lone_whole else x[-2], x[-1]))
    return sorted(spans)


@st.styled
def flows_figure(res: Results, commodity: str | None = None,
                 metrics: Sequence[str] = ("mined_t", "exported_t")) -> Figure:
    """Flows over time, stacked by what each series is split by (:data:`FLOW_KEYS`:
    channel for mined and exported, destination country for delivered and arrivals at
    markets, refiner country for refined, market for demand, consumption and shortfall),
    one row per commodity and one column per metric (mined and exported by default): the
    mean over replications, in t/day. Exports of refiners in the exporting country are a
    layer of their own, ``refined``.

    Raises ``TypeError`` unless ``metrics`` is a list of str (a single name included),
    ``ValueError`` for a metric that is not a flow series (with the closest one, or the
    figure that draws a level such as ``price_index``), and ``KeyError`` for an unknown
    ``commodity``."""
    metrics = _flow_metrics(metrics)
    coms = _commodities(res, commodity)
    fig = st.new_figure(st.WIDTH, 2.6 * len(coms) + 0.8)
    axes = fig.subplots(len(coms), len(metrics), squeeze=False, sharex=True)
    x = mid_dates(res)
    partial = partial_days(res)
    partial_first = partial_first_days(res)
    n = len(x)
    bounds = _bounds(res)
    veils = _veils(x, bounds, bool(partial_first), bool(partial))
    if n == 1:
        # one point stacks nothing: the only period is drawn flat over its own dates
        x = bounds
    channels = list(res.scenario.channels)
    # the keys of the figure's series only: a channel with no series here keeps no colour
    colors = _key_colors(res, [k for com in coms for metric in metrics
                               if (rows := _rows(res, com, metric))
                               for k in [*channels, *rows] if k in rows])
    hatches = {key: st.hatch(i) for i, key in enumerate(colors)}
    # titles wrapped to their column: with several metrics they ran into each other
    title_pt = 0.8 * st.WIDTH * 72 / len(metrics)
    shown: set[str] = set()
    for i, com in enumerate(coms):
        for j, metric in enumerate(metrics):
            ax = axes[i, j]
            layers, names = [], []
            # refiners in the exporting country export refined metal outside any channel
            rows = _rows(res, com, metric)
            keys = channels + [k for k in rows if k not in channels]
            for ch in keys:
                mean = rate_series(res, series_cube(res, com, metric, [ch])).mean(axis=0)
                if _has_flow(mean):
                    layers.append(mean)
                    names.append(ch)
            if layers:
                stack = np.vstack(layers)
                polys = ax.stackplot(x, stack if n > 1 else np.repeat(stack, 2, axis=1),
                                     colors=[colors[c] for c in names], alpha=0.85, lw=0)
                for poly, name in zip(polys, names, strict=True):
                    # a texture per key as well as a colour: in a grey print the channels'
                    # colours are one grey, and some pairs alike under colour blindness
                    poly.set_hatch(hatches[name])
                    poly.set_edgecolor(st.HATCH_COLOR)
                for a, b in veils:
                    # a veil over a short end period: its rate is drawn, but faded
                    ax.axvspan(a, b, color="white", alpha=0.65, lw=0, zorder=2.5)
                shown.update(names)
            elif not rows:
                # "no flow" would read as nothing mined or delivered: there is no series
                why = ("\n(no market demands it)" if FLOW_KEYS[metric] == "market"
                       else "\n(no refiner refines it)" if metric == "refined_t" else "")
                empty_figure(ax, f"no {flow_name(metric)} series for {com}{why}")
            else:
                empty_figure(ax, "no flow")
            ax.set_title(st.fit(f"{com}: {flow_name(metric)} by {FLOW_KEYS[metric]}",
                                title_pt, st.RC["axes.titlesize"]))
            st.tonnes_axis(ax, f"{com} {flow_name(metric)} ({FLOW_UNIT})")
            st.date_axis(ax, lone_span(res))
            if i < len(coms) - 1:
                ax.set_xlabel("")
    # the refiners' layer named as the tables name it: "refined" alone read as a channel
    handles = [Patch(facecolor=colors[c], edgecolor=st.HATCH_COLOR, hatch=hatches[c],
                     lw=0, label=st.label(c) if channel_label(c) == c else channel_label(c))
               for c in [*channels, *sorted(shown - set(channels))] if c in shown]
    figure_legend(fig, handles, max(len(handles), 1))
    note = ""
    n_short = len({i for i, short in ((0, partial_first), (n - 1, partial)) if short})
    # "the others" only where there are whole periods to compare with
    others = f"({'the others' if n > n_short else 'periods'}: {res.catalogue.period_text})"
    if shown and n == 1 and n_short:
        note = f"\nits only period, {n_days(partial or partial_first)}, is short {others}"
    elif shown and partial and partial_first:
        note = (f"\nfaded at both ends: the first {n_days(partial_first)} and the last "
                f"{n_days(partial)}, short periods {others}")
    elif shown and partial:
        note = f"\nfaded at the right: the last {n_days(partial)}, a short period {others}"
    elif shown and partial_first:
        note = (f"\nfaded at the left: the first {n_days(partial_first)}, a short period "
                f"{others}")
    split = {FLOW_KEYS[m] for m in metrics}
    by = f" by {split.pop()}" if len(split) == 1 else ""
    fig.suptitle(_title(f"Flows{by} (mean of replications). {_subtitle(res)}{note}"))
    return fig


# ============================================================================ deliveries
def performance(res: Results, commodity: str) -> np.ndarray:
    """Q(t) = consumed / demand over all markets, per replication and period (1 where there
    is no demand)."""
    demand = series_cube(res, commodity, "demand_t")
    consumed = series_cube(res, commodity, "consumed_t")
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(demand > 0, consumed / demand, 1.0)
    return q


def demanded_series(res: Results) -> list[str]:
    return [c for c in res.scenario.commodities if _rows(res, c, "demand_t")]


SMALL_SHARE = 0.02
"""Share of demand below which a panel says how small the network's arrivals are: a line
at that share of the axis's height is not seen."""

COMMODITY_COLUMNS = 3
"""Most commodities side by side in a run's deliveries, prices and stocks figures: more
wrap onto further rows (review 175: four columns ran gold's title into its neighbours', and
lithium's past the figure's edge)."""


def _panel_grid(n: int, most: int) -> tuple[int, int]:
    """(rows, columns) of ``n`` panels at most ``most`` a row, the rows as even as can be
    (four as two and two, not three and one)."""
    rows = math.ceil(n / most)
    return rows, math.ceil(n / rows)


def _panel_title(ax: Axes, text: str, ncols: int) -> None:
    """``ax``'s title, each line wrapped to the width of a panel in one of ``ncols``
    columns of the figure: constrained layout makes room above a title, not beside it, so
    a long one ran into its neighbour's."""
    from matplotlib.font_manager import FontProperties

    size = FontProperties(size=mpl.rcParams["axes.titlesize"]).get_size_in_points()
    fig = ax.get_figure()
    # a panel's share of its column, the rest its value axis's labels (measured: 0.77
    # of a third and 0.85 of a half of the figure's 11 inches)
    width_pt = 0.72 * fig.get_figwidth() / ncols * 72
    ax.set_title(st.fit_lines(text, width_pt, size))


def _commodity_panels(fig: Figure, n: int) -> tuple[list[Axes], int]:
    """``n`` panels of ``fig``, one a commodity, in rows of at most
    :data:`COMMODITY_COLUMNS` (:func:`_panel_grid`), the grid's spare cells hidden; and the
    number of columns, for :func:`_panel_title`."""
    rows, ncols = _panel_grid(n, COMMODITY_COLUMNS)
    cells = list(fig.subplots(rows, ncols, squeeze=False).flat)
    for spare in cells[n:]:
        spare.set_axis_off()
    return cells[:n], ncols


def _commodity_rows(n: int, row_in: float = 3.0, rest_in: float = 1.0) -> float:
    """Height (inches) of a figure of ``n`` commodity panels: ``row_in`` a row of
    :func:`_commodity_panels`, ``rest_in`` for its title and legend."""
    return rest_in + row_in * _panel_grid(max(n, 1), COMMODITY_COLUMNS)[0]


@st.styled
def deliveries_figure(res: Results, commodity: str | None = None) -> Figure:
    """Deliveries against demand, and the resilience triangle.

    Top row: demand, consumption and arrivals at markets from the network (t/day; mean
    and 5-95% band). Bottom row: performance Q(t) = consumption / demand, with the area
    lost below 1 (the resilience triangle) shaded, the 5-95% band of replications and the
    95% confidence band of the mean.

    Raises ``TypeError`` unless ``commodity`` is a str or None, and ``KeyError`` for a
    commodity the scenario does not have, naming the closest one.
    """
    coms = [c for c in _commodities(res, commodity) if c in demanded_series(res)]
    blocks, ncols = _panel_grid(max(len(coms), 1), COMMODITY_COLUMNS)
    fig = st.new_figure(st.WIDTH, 7.0 if blocks == 1 else 1.2 + 5.4 * blocks)
    if not coms:
        empty_figure(fig.add_subplot(), "no market demands these commodities")
        fig.suptitle(_title(f"Deliveries against demand. {_subtitle(res)}"))
        return fig
    grid = fig.subplots(2 * blocks, ncols, squeeze=False, sharex=True)
    # each commodity a column of two panels (deliveries, then Q(t)) in a block of rows
    pairs = [(grid[2 * (j // ncols), j % ncols], grid[2 * (j // ncols) + 1, j % ncols])
             for j in range(len(coms))]
    used = {id(ax) for pair in pairs for ax in pair}
    for spare in grid.flat:
        if id(spare) not in used:
            spare.set_axis_off()
    x = mid_dates(res)
    first, partial = short_ends(res)
    whole = whole_periods(len(x), first, partial)
    banded = whole.stop > whole.start
    for com, (top, bottom) in zip(coms, pairs, strict=True):
        # dash-dot: told from "consumed" by more than colour and width (review 221)
        draw_band(top, x, rate_series(res, series_cube(res, com, "market_arrivals_t")), st.NEUTRAL,
                  "arrivals from the network", lw=1.0, ls="-.", partial=partial,
                  band_label="5-95% of replications", partial_first=first)
        draw_band(top, x, rate_series(res, series_cube(res, com, "consumed_t")),
                  st.commodity_color(com), "consumed", lw=2.2, partial=partial, partial_first=first)
        demand = rate_series(res, series_cube(res, com, "demand_t"))
        # a single period's demand as a dash: a line of one point draws nothing
        top.plot(x, demand.mean(axis=0), color="black", ls="--", lw=1.2, label="demand",
                 **({"marker": "_", "ms": 14, "mew": 1.5} if len(x) == 1 else {}))
        top.set_ylim(bottom=0)
        st.date_axis(top, lone_span(res))
        top.set_xlabel("")
        arrivals = float(np.nansum(series_cube(res, com, "market_arrivals_t").mean(axis=0)))
        demanded = float(np.nansum(series_cube(res, com, "demand_t").mean(axis=0)))
        # review 151: gold's 0.1 t/day from the network lay flat under 9 t/day of world
        # demand, unexplained
        # in brackets on a line of its own: "deliveries against demand arrivals from the
        # network 1.2% of demand" read as one phrase (review 212)
        small = (f"\n(arrivals from the network: {arrivals / demanded:.1%} of demand)"
                 if demanded > 0 and 0 < arrivals < SMALL_SHARE * demanded else "")
        _panel_title(top, f"{com}: deliveries against demand{small}", ncols)
        st.tonnes_axis(top, f"{com} ({FLOW_UNIT})")

        q = performance(res, com)
        mean = q.mean(axis=0)
        if res.n > 1 and banded:
            lo, hi = np.quantile(q[:, whole], [0.05, 0.95], axis=0)
            _fill(bottom, x[whole], lo, hi, st.commodity_color(com), st.BAND_ALPHA,
                  "5-95% of replications")
            clo, chi = _ci_of_mean(q[:, whole])
            # Q lies in [0, 1]: few replications give a wide t interval beyond either end
            clo, chi = np.maximum(clo, 0.0), np.minimum(chi, 1.0)
            _fill(bottom, x[whole], clo, chi, st.commodity_color(com), st.CI_ALPHA,
                  "95% CI of the mean")
        # hatched: it overlaps the interval's fill, of a colour some readers cannot tell
        # from it (review 189)
        bottom.fill_between(x, mean, 1.0, where=mean < 1.0, interpolate=True,
                            facecolor=to_rgba(st.CLOSED_COLOR, 0.25), lw=0,
                            edgecolor=to_rgba(st.CLOSED_COLOR, 0.6), hatch="\\\\",
                            # no legend entry for what is not drawn (review 191)
                            label=("supply lost (resilience triangle)"
                                   if bool(np.any(mean < 1.0)) else "_nolegend_"))
        _line(bottom, x[whole], mean[whole], st.commodity_color(com), lw=1.6,
              label="mean Q(t)")
        if partial or first:
            _partial_marks(bottom, x, mean, st.commodity_color(com), first=first, last=partial)
        bottom.axhline(1.0, color="black", lw=0.8)
        # the lowest thing drawn: a replication, or the interval of the mean below them all
        low = float(np.nanmin(q, initial=1.0))
        if res.n > 1 and banded:
            low = min(low, float(np.nanmin(clo, initial=1.0)))
        bottom.set_ylim(max(min(0.9, low - 0.05), -0.02), 1.03)
        m, a, b = _kpi_interval(res, "shortfall_t", com)
        note = f"shortfall {st.format_tonnes(m)} t"
        if not math.isnan(a):
            # equal bounds: every replication agreed, which is no spread, not certainty
            note += (" (all equal)" if a == b
                     else f" [{st.format_tonnes(a)}, {st.format_tonnes(b)}]")
        _panel_title(bottom, f"{com}: Q(t); {note}", ncols)
        bottom.set_ylabel(Q_AXIS)
        st.date_axis(bottom, lone_span(res))
        # shared dates keep tick labels on the figure's last row only: a block above it
        # had "date" with no dates under it
        bottom.xaxis.set_tick_params(labelbottom=True)
    _legend(fig, [ax for pair in pairs for ax in pair], res)
    fig.suptitle(_title(f"Deliveries against demand and the resilience triangle. "
                        f"{_subtitle(res)}"))
    return fig


# ================================================================================ prices
PRICE_AXIS = "price index, mean over each period\n(1 = reference price)"
"""The value axis of the price panels: the series are means over each period (a month's
mean is below its highest day), as the stocks' axis says."""
Q_AXIS = "Q(t) = consumption / demand,\nmean over each period (ratio)"
"""The value axis of the performance panels: a period's Q is over its days, shallower than
its worst day (peak_shortfall_share gives the depth by day; review 135)."""


def peak_above(peak: float, top: float) -> bool:
    """Whether a daily price peak (KPI ``price_peak_ratio``) is visibly above ``top``, the
    highest value a panel draws (means over each period): by more than 0.5%."""
    return bool(np.isfinite(peak) and np.isfinite(top) and peak > top * 1.005)


def price_shown(res: Results, commodity: str) -> bool:
    """Whether ``commodity``'s price index is worth drawing: it has a price response
    (``demand_elasticity``) or a shock moved it. Otherwise it is 1 throughout, and a flat
    line at 1 would read as a stable price, not as a price that is not modelled."""
    if commodity not in res.scenario.commodities:
        return False
    return (price_modelled(res.scenario, commodity)
            or bool(np.any(series_cube(res, commodity, "price_index") != 1.0)))


def reached_cap(res: Results, commodity: str, price: np.ndarray | None = None
                ) -> float | None:
    """``commodity``'s ``price_cap_ratio`` if its price index reached it in some
    replication of ``res`` (then the peak is the cap, not how high the price would have
    gone, and the figures draw the cap), else None. Judged on the replications' price
    peaks (KPI ``price_peak_ratio``), as the report is: the series are single precision,
    and a cap of 1.01 is 1.0099999904632568 in them. ``price``: the index cube, if at
    hand, for results without that KPI."""
    cap = float(res.scenario.commodities[commodity].price_cap_ratio)
    try:
        peaks = np.asarray(res.kpi("price_peak_ratio", commodity), dtype=float)
    except KeyError:
        price = series_cube(res, commodity, "price_index") if price is None else price
        peaks = np.asarray(price, dtype=float).ravel()
    peaks = peaks[~np.isnan(peaks)]
    return cap if peaks.size and at_cap(float(peaks.max()), cap) else None


def reached_floor(res: Results, commodity: str, price: np.ndarray | None = None
                  ) -> float | None:
    """``commodity``'s price floor (one over its ``price_cap_ratio``) if its index sat
    there through a whole period of some replication of ``res`` (then the index is held,
    not how low the price would have gone, and the figures draw the floor), else None.
    ``price``: the index cube, if at hand."""
    floor = 1.0 / float(res.scenario.commodities[commodity].price_cap_ratio)
    price = series_cube(res, commodity, "price_index") if price is None else price
    values = np.asarray(price, dtype=float)
    values = values[~np.isnan(values)]
    # float32 series: a tenth is stored a few parts in 1e9 off
    return floor if values.size and float(values.min()) <= floor * (1 + 1e-6) else None


LIMIT_BAND = {"color": st.CLOSED_COLOR, "lw": 4.0, "ls": "-", "alpha": 0.3}
"""How a comparison draws the price cap and floor: a wide pale band, which no scenario's
thin line looks like (review 189: the cap's red dashes were the second scenario's own red
dashes, and merged with its line where it sat at the cap)."""


def floor_line(ax: Axes, floor: float, band: bool = False) -> Line2D:
    """The price floor as a dotted red line across ``ax`` (``band``: :data:`LIMIT_BAND`)."""
    style = LIMIT_BAND if band else {"color": st.CLOSED_COLOR, "lw": 1.0, "ls": ":"}
    return ax.axhline(floor, **style, label=f"price floor ({floor:.3g})")


def cap_line(ax: Axes, cap: float, label: str | None = None, band: bool = False) -> Line2D:
    """The price cap as a dashed red line across ``ax`` (``band``: :data:`LIMIT_BAND`)."""
    style = LIMIT_BAND if band else {"color": st.CLOSED_COLOR, "lw": 1.0, "ls": "--"}
    return ax.axhline(cap, **style,
                      label=label if label is not None else f"price cap ({cap:g})")


@st.styled
def prices_figure(res: Results, commodity: str | None = None) -> Figure:
    """Fan chart of the price index per commodity: median, mean, 25-75% and 5-95% of
    replications of the index's mean over each period; where the daily peak (KPI
    ``price_peak_ratio``) is above all that is drawn, the panel's title says so. A
    commodity without a price response (no ``demand_elasticity``) whose
    index no shock moved gets no panel (:func:`price_shown`): a flat line at 1 would read
    as a stable price.

    Raises ``TypeError`` unless ``commodity`` is a str or None, and ``KeyError`` for a
    commodity the scenario does not have, naming the closest one."""
    coms = [c for c in _commodities(res, commodity) if price_shown(res, c)]
    fig = st.new_figure(st.WIDTH, _commodity_rows(len(coms)))
    if not coms:
        empty_figure(fig.add_subplot(), "price not modelled for "
                     + (commodity or "these commodities") + " (no demand_elasticity)")
        fig.suptitle(_title(f"Price index. {_subtitle(res)}"))
        return fig
    # a fourth priced commodity wraps onto a second row: four titles of "daily peak ...
    # (95% CI ...)" in one row ran into each other and past the figure's edge
    axes, ncols = _commodity_panels(fig, len(coms))
    x = mid_dates(res)
    first, partial = short_ends(res)
    whole = whole_periods(len(x), first, partial)
    for ax, com in zip(axes, coms, strict=True):
        price = series_cube(res, com, "price_index")
        color = st.commodity_color(com)
        median, mean = np.median(price, axis=0), price.mean(axis=0)
        top = max(float(np.nanmax(median, initial=-np.inf)),
                  float(np.nanmax(mean, initial=-np.inf)))
        if res.n > 1 and whole.stop > whole.start:
            for lo_q, hi_q, alpha, name in ((0.05, 0.95, 0.18, "5-95%"),
                                            (0.25, 0.75, 0.35, "25-75%")):
                lo, hi = np.quantile(price[:, whole], [lo_q, hi_q], axis=0)
                _fill(ax, x[whole], lo, hi, color, alpha, f"{name} of replications")
                top = max(top, float(np.nanmax(hi, initial=-np.inf)))
        _line(ax, x[whole], median[whole], color, lw=1.6, label="median")
        _line(ax, x[whole], mean[whole], "black", lw=0.9, ls="--", label="mean")
        if partial or first:
            _partial_marks(ax, x, median, color, first=first, last=partial)
            _partial_marks(ax, x, mean, "black", 0.9, first=first, last=partial)
        ax.axhline(1.0, color=st.NEUTRAL, lw=0.7)
        m, a, b = _kpi_interval(res, "price_peak_ratio", com)
        cap = float(res.scenario.commodities[com].price_cap_ratio)
        capped = at_cap(m, cap)
        if capped:
            # every replication's index reached the cap: its peak is the cap, not a finding
            peak = f"peak at the cap ({cap:g})"
        else:
            # equal bounds: every replication peaked alike, said as the tables say it
            # ("(95% CI 1 to 1)" read as a certainty: review 212)
            peak = f"peak {m:.3g}" + ("" if math.isnan(a) else " (all equal)" if a == b
                                      else f" (95% CI {a:.3g} to {b:.3g})")
        if capped or reached_cap(res, com, price) is not None:
            cap_line(ax, cap)
            if not capped:
                # the replications at the cap hold the mean down: a lower bound, whose
                # interval (past the cap) the tables do not give either
                _c, k, n = cap_runs(res).get(com, (cap, 0, 0))
                some = f"in {k} of {n} replications" if n else "in some replications"
                peak = f"peak \u2265 {m:.3g} (at the cap ({cap:g}) {some})"
        floor = reached_floor(res, com, price)
        if floor is not None:
            floor_line(ax, floor)
            ax.set_ylim(bottom=0.0)
        if peak_above(m, top):
            # the KPI is the highest day; the lines are means over each period, lower
            # where the index rose and fell within one (the cap drawn above every line)
            peak = f"daily {peak}\nlines: means over each period, below the daily peak"
        _panel_title(ax, f"{com}: price index, {peak}", ncols)
        ax.set_ylabel(PRICE_AXIS)
        st.date_axis(ax, lone_span(res))
    _legend(fig, axes, res, ncols=7)
    fig.suptitle(_title(f"Price index fan chart. {_subtitle(res)}"))
    return fig


# ================================================================================ stocks
def _either(names: Iterable[str]) -> str:
    """``names`` as a list in words: "mines, ports or refiners"."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]




def run_stock_kinds(res: Results) -> tuple[str, ...]:
    """The site kinds a run's stocks figure draws (its file and report): :data:`STOCK_KINDS`
    and, where the scenario has stockpile sites, stockpiles (review 212: the US National
    Defense Stockpile, where us_partnership's question goes, was drawn nowhere)."""
    if any(site.kind == "stockpile" for site in res.scenario.sites.values()):
        return (*STOCK_KINDS, "stockpile")
    return STOCK_KINDS


def _kind_label(res: Results, kind: str) -> str:
    """A kind's line in the stocks figure's legend: ``at ports``; stockpiles with the
    sites' names, their line being the sum of them all."""
    label = f"at {st.label(kind)}s"
    if kind != "stockpile":
        return label
    names = [st.plain(site.name) if site.name else st.label(sid)
             for sid, site in res.scenario.sites.items() if site.kind == "stockpile"]
    if len(names) == 1:
        return f"{label} ({names[0]})"
    if len(names) <= 3:
        return f"{label} ({', '.join(names[:-1])} and {names[-1]}, together)"
    return f"{label} ({len(names)}, together)"


def _stocks_legend(fig: Figure, axes: Sequence[Axes], res: Results,
                   drawn_in: Mapping[str, list[str]], flat_in: Mapping[str, list[str]]
                   ) -> Legend:
    """The stocks figure's legend: each kind's line with the hollow marker its short
    periods are drawn with (review 221: "△□○✚⬡ last 5 days" keyed the markers only as a
    group), and a kind at 0 throughout said so, its line lying on the x axis unseen."""
    handles, labels = _legend_entries(axes)
    short = short_text(partial_first_days(res), partial_days(res), res.catalogue.n_periods)
    out_h: list[Artist | tuple[Artist, ...]] = []
    out_l: list[str] = []
    for handle, label in zip(handles, labels, strict=True):
        kind = next((k for k in drawn_in if _kind_label(res, k) == label), None)
        if kind is not None and isinstance(handle, Line2D):
            if short:
                handle = Line2D([], [], color=handle.get_color(), ls=handle.get_linestyle(),
                                lw=handle.get_linewidth(),
                                marker=KIND_STYLE.get(kind, ("o", ""))[0], ms=4.5,
                                mfc="white", mec=handle.get_color(), markevery=[-1])
                handle.set_xdata([0.0, 1.0])
                handle.set_ydata([0.0, 0.0])
            flat = flat_in.get(kind, [])
            if flat and flat == drawn_in[kind]:
                label += ": 0 throughout"
            elif flat:
                label += f": 0 throughout for {and_list(flat)}"
        out_h.append(handle)
        out_l.append(label)
    if short:
        # the marks keyed on each kind's line above; here what they mean, as the other
        # figures say it
        out_h.append(short_handle("", "o"))
        out_l.append(f"{short}, no band")
    return figure_legend(fig, out_h, 3, labels=out_l,
                         handler_map={tuple: HandlerTuple(ndivide=None, pad=0)})


@st.styled
def stocks_figure(res: Results, commodity: str | None = None,
                  kinds: Sequence[str] = STOCK_KINDS, *, python: bool = True) -> Figure:
    """Metal held at sites of each kind (mines, border posts, ports and refiners by default)
    over time:
    mean and 5-95% band, one panel per commodity. A panel with nothing to draw says so in
    words, and, with ``python`` (a figure drawn in Python, not a run's file or report),
    gives the call that draws the kinds holding the metal instead.

    Raises ``TypeError`` unless ``kinds`` is a list of str (a single kind included),
    ``ValueError`` for a name that is not a site kind (with the closest one), and
    ``KeyError`` for an unknown ``commodity``."""
    kinds = _stock_kinds(kinds)
    coms = _commodities(res, commodity)
    fig = st.new_figure(st.WIDTH, _commodity_rows(len(coms)))
    # a fourth commodity wraps onto a second row: in four narrow columns gold's text broke
    # inside the call it names ("res.plot.stocks(ki" / "nds=...")
    axes, ncols = _commodity_panels(fig, len(coms))
    x = mid_dates(res)
    drawn_in: dict[str, list[str]] = {}  # the panels each kind is drawn in
    flat_in: dict[str, list[str]] = {}  # those of them where it is 0 throughout
    for ax, com in zip(axes, coms, strict=True):
        rows = _rows(res, com, "stock_t")
        cubes = {kind: series_cube(res, com, "stock_t", [kind]) for kind in kinds if kind in rows}
        held = max((float(np.nanmax(np.abs(c), initial=0.0)) for c in cubes.values()),
                   default=0.0)
        _panel_title(ax, f"{com}: stocks", ncols)
        # review 151: gold's panel said only "none held", its holdings all at hubs;
        # review 212: in a report, a Python call alone said nothing of what was left out
        elsewhere = [k for k in rows if k not in kinds
                     and _has_flow(series_cube(res, com, "stock_t", [k]))]
        where = (f"; it is held at {_either(st.label(k) + 's' for k in elsewhere)}, "
                 "which this figure does not draw"
                 + (f".\nTo draw them: res.plot.stocks(kinds="
                    f"[{', '.join(repr(k) for k in elsewhere)}])" if python else "")
                 if elsewhere else "")
        empty = (f"the scenario has no {', '.join(st.label(k) for k in kinds)} sites"
                 if not cubes else
                 # lines along zero, with a 0-0.05 axis, read as a failed plot: say so
                 # only the kinds drawn: gold held elsewhere (at hubs) is not "none held"
                 f"no {com} held at {_either(st.label(k) + 's' for k in cubes)}{where}"
                 if held == 0.0 else None)
        if empty is not None:
            empty_figure(ax, empty)
        else:
            for kind, cube in cubes.items():
                drawn_in.setdefault(kind, []).append(com)
                if not _has_flow(cube):
                    flat_in.setdefault(kind, []).append(com)
                # a line style per kind too: mines, ports and refiners were three lines of
                # one grey in print, and pairs of them alike under colour-vision deficiency
                # (and, for a run of one period, drawn as points, the map's marker)
                draw_band(ax, x, cube, st.kind_color(kind), _kind_label(res, kind),
                          ls=st.kind_linestyle(kind), partial=bool(partial_days(res)),
                          partial_first=short_ends(res)[0],
                          point=KIND_STYLE.get(kind, ("o", ""))[0])
            ax.set_ylim(bottom=0)
        st.tonnes_axis(ax, f"{com} held (t, mean over each period)")
        st.date_axis(ax, lone_span(res))
        if empty is not None:
            # the axes keep their labels (units and dates, as every panel has) but show no
            # scale, which would suggest data that is not there
            ax.tick_params(left=False, bottom=False, labelleft=False, labelbottom=False)
            ax.grid(False)
    _stocks_legend(fig, axes, res, drawn_in, flat_in)
    shown = ", ".join(f"{st.label(k)}s" for k in kinds)
    # name the kinds holding stock that are left out (markets by default), not "markets"
    # when they are drawn
    held_at = {key: None for _c, met, key, _u in res.catalogue.keys if met == "stock_t"}
    others = [f"{st.label(k)}s" for k in held_at if k not in kinds]
    note = f"\nStocks at other sites ({', '.join(others)}) are not drawn." if others else ""
    # the run on a line of its own: with four kinds named, one line ran past both edges
    fig.suptitle(_title(f"Stocks at {shown} (mean and 5-95% of replications)\n"
                        f"{_subtitle(res)}{note}"))
    return fig


# ================================================================================ queues
QUEUE_METRICS = ("held_t", "held_trucks", "waiting_t")
"""Level series of named places that :func:`queues_figure` draws, a panel per place and
metric: ``held_t``, metal held at a site of ``series_sites`` (t, per commodity);
``held_trucks``, a border post's trucks in line, in clearance or held after it (trucks,
commodity ``all``); ``waiting_t``, metal in lots waiting to set off on a lane (t, per
commodity, keyed by the lane)."""
QUEUE_PANELS = {
    "held_t": ("{key}: metal held", "held\n(t, mean over {period})",
               "no {what} held at {key} in any replication"),
    "held_trucks": ("{key}: trucks in line, in clearance or held after it",
                    "held\n(trucks, mean over {period})",
                    "no trucks held at {key} in any replication"),
    "waiting_t": ("lane {key}: metal waiting to set off",
                  "waiting to set off\n(t, mean over {period})",
                  "no {what} waited to set off on lane {key} in any replication"),
}
"""Per metric of :data:`QUEUE_METRICS`: its panel's title, value axis and the text of a
panel with nothing to draw (``{key}``: the site or lane, ``{what}``: the commodities,
``{period}``: :func:`_period_words`)."""


def _period_words(res: Results) -> str:
    """A series period in words for an axis: ``each 7-day period``, ``each day``, ``each
    month`` (review 149: "each period" left the reader to find its length)."""
    cat = res.catalogue
    if cat.monthly:
        return "each month"
    return "each day" if cat.period_days == 1 else f"each {cat.period_days}-day period"


def _place_name(res: Results, key: str) -> str:
    """A site's own name where the scenario gives one (``Dar es Salaam``), else its id as
    words; a lane as its two ends (``goma → kigali``: review 187, "kasumbalesa walvis
    bay" did not say which words were which end)."""
    lane = res.scenario.lanes.get(key)
    if lane is not None and key not in res.scenario.sites:
        return f"{_place_name(res, lane.from_)} → {_place_name(res, lane.to)}"
    site = res.scenario.sites.get(key)
    name = getattr(site, "name", None) if site is not None else None
    return st.plain(name) if name else st.label(key)
QUEUE_POINTS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Marker of each commodity (in the scenario's order) where a run of one period is drawn
as points: the commodities of a panel differ by colour, line style and marker."""


def _lane_queues_text(res: Results, sid: str) -> str:
    """For a site's empty panel: the lanes with a loading capacity that leave it and whose
    queue is not drawn, where lots waiting to load are (review 157: "no copper held at
    Kolwezi rail terminal" while 82,000 t waited to load onto its railway); "" if none."""
    sc = res.scenario
    loaded = [lid for lid, lane in sc.lanes.items()
              if lane.from_ == sid and lid not in sc.series_lanes
              and (lane.capacity_t_per_day is not None
                   or lane.capacity_trucks_per_day is not None)]
    if not loaded:
        return ""
    return (f"\n(lots waiting to load onto {', '.join(loaded)} are the "
            f"lane{'s' if len(loaded) > 1 else ''}'s: name "
            f"{'them' if len(loaded) > 1 else 'it'} in series_lanes)")


def queue_panels(res: Results) -> list[tuple[str, str]]:
    """(key, metric) of each panel of :func:`queues_figure`: the sites (and lanes) in the
    order the series catalogue first names them (``series_sites``' order), each one's
    metrics in the order of :data:`QUEUE_METRICS` (a border post's tonnes, then its
    trucks). Empty when the scenario names no sites."""
    found: dict[str, set[str]] = {}
    for _com, metric, key, _unit in res.catalogue.keys:
        if metric in QUEUE_METRICS:
            found.setdefault(key, set()).add(metric)
    return [(key, metric) for key, metrics in found.items()
            for metric in QUEUE_METRICS if metric in metrics]


def _queue_cells(panels: Sequence[tuple[str, str]], ncols: int) -> list[int]:
    """Grid cell (row-major index) of each of ``panels``: in order, but a place's panels
    (a border post's tonnes and trucks) start a new row where they would otherwise be
    split over two, so its trucks sit beside its tonnes."""
    cells: list[int] = []
    cell = 0
    for _key, group in groupby(panels, key=lambda panel: panel[0]):
        size = len(list(group))
        if cell % ncols and cell % ncols + size > ncols and size <= ncols:
            cell += ncols - cell % ncols
        cells += range(cell, cell + size)
        cell += size
    return cells


def _queue_example(res: Results) -> str:
    """A site of the scenario to name in the hint of :func:`queues_figure`: Kasumbalesa
    where there is one, else the first border post or port (the queues worth following)."""
    sites = res.scenario.sites
    if "kasumbalesa" in sites:
        return "kasumbalesa"
    for kind in ("border_post", "port"):
        for sid, site in sites.items():
            if site.kind == kind:
                return sid
    return next(iter(sites), "kasumbalesa")


@st.styled
def queues_figure(res: Results, commodity: str | None = None) -> Figure:
    """Holdings of the sites a scenario names in ``series_sites`` over time, one panel per
    site in that order: the metal held there (``held_t``, t, a line per commodity) and,
    for a border post, in a panel beside it, its trucks in line, in clearance or held after
    it (``held_trucks``, trucks); then the metal waiting to set off on each lane it names in
    ``series_lanes`` (``waiting_t``, t). Each is the mean over each period, drawn as the
    mean and 5-95% band of the replications. A commodity a place never held is left out of
    its panel, and a panel where none was held says so. ``commodity`` restricts the tonnes
    panels to one commodity (trucks carry every commodity: their panels stay).

    Raises ``ValueError`` when the scenario names no sites or lanes (nothing to draw; the
    message says how to name them), ``TypeError`` unless ``commodity`` is a str or None
    and ``KeyError`` for an unknown ``commodity``."""
    coms = _commodities(res, commodity)
    panels = queue_panels(res)
    if not panels:
        example = _queue_example(res)
        # raised only in Python (sim run and the reports draw the figure only when there
        # are panels): the Python form first, the command line's for a folder it wrote
        raise ValueError(
            f"no queues to draw: scenario {res.scenario.name!r} names no sites in "
            f"series_sites and no lanes in series_lanes, so its results have no series of "
            f"a site's holdings or a lane's waiting lots. Name the sites (or lanes) to "
            f"follow and run it again, e.g. sim.run(sc, overrides=['series_sites=[{example}]'])"
            f" (sim run ... --set \"series_sites=[{example}]\" on the command line, or "
            f"series_sites: [{example}] in the scenario)")
    ncols = 1 if len(panels) == 1 else 2
    cells = _queue_cells(panels, ncols)
    nrows = cells[-1] // ncols + 1
    fig = st.new_figure(st.WIDTH, 1.5 + 2.8 * nrows)
    grid = list(fig.subplots(nrows, ncols, squeeze=False).flat)
    for i, spare in enumerate(grid):
        if i not in cells:
            spare.set_axis_off()
    axes = [grid[c] for c in cells]
    x = mid_dates(res)
    first, last = short_ends(res)
    order = list(res.scenario.commodities)
    # titles wrapped to their column: a post's trucks title is long beside its tonnes
    title_pt = 0.8 * st.WIDTH * 72 / ncols
    points: dict[str, None] = {}
    skipped = False
    for ax, cell, (key, metric) in zip(axes, cells, panels, strict=True):
        title, axis, nothing = QUEUE_PANELS[metric]
        unit = next(u for _c, m, k, u in res.catalogue.keys if m == metric and k == key)
        series = [c for c, m, k, _u in res.catalogue.keys if m == metric and k == key]
        # a series over every commodity (a post's trucks) is not one of the commodities
        chosen = series if series == ["all"] else [c for c in coms if c in series]
        cubes = {c: series_cube(res, c, metric, [key]) for c in chosen}
        held = {c: cube for c, cube in cubes.items() if _has_flow(cube)}
        # a copper post holds no gold: a line along zero for it says nothing
        skipped |= 0 < len(held) < len(cubes)
        ax.set_title(st.fit(title.format(key=_place_name(res, key)), title_pt,
                            st.RC["axes.titlesize"]))
        # named as in the panel's title (review 155: the title's name, the text's id)
        place = _place_name(res, key)
        empty = (f"no {_either(coms)} series for {place}" if not cubes else
                 nothing.format(key=place, what=_either(list(cubes)))
                 if not held else None)
        if empty is not None and metric == "held_t":
            empty += _lane_queues_text(res, key)
        if empty is not None:
            empty_figure(ax, empty)
        for com, cube in held.items():
            i = order.index(com) if com in order else 0
            point = QUEUE_POINTS[i % len(QUEUE_POINTS)]
            points[point] = None
            if com == "all":
                color = st.NEUTRAL
                name = "trucks (every commodity)" if unit == "trucks" else "all commodities"
            else:
                color, name = st.commodity_color(com), com
            draw_band(ax, x, cube, color, name, ls=st.LINESTYLES[i % len(st.LINESTYLES)],
                      partial=last, partial_first=first, point=point,
                      band_label="5-95% of replications")
        if held:
            ax.set_ylim(bottom=0)
        # tonnes and trucks alike read with thousands separators and one scale an axis
        axis = axis.format(period=_period_words(res))
        st.tonnes_axis(ax, axis if unit in ("t", "trucks") else f"{axis} ({unit})")
        st.date_axis(ax, lone_span(res))
        if cell + ncols in cells:
            ax.set_xlabel("")  # the panel below names the dates
        if empty is not None:
            # labels kept (units and dates, as every panel has), but no scale, which would
            # suggest data that is not there
            ax.tick_params(left=False, bottom=False, labelleft=False, labelbottom=False)
            ax.grid(False)
    _legend(fig, axes, res, ncols=6, points=list(points) or ["o"])
    metrics = {m for _k, m in panels}
    places = ("sites and lanes" if metrics - {"waiting_t"} and "waiting_t" in metrics
              else "lanes" if metrics == {"waiting_t"} else "sites")
    note = ("\nA commodity a place never held is left out of its panel." if skipped
            else "")
    if metrics & {"held_t", "held_trucks"}:
        # review 149: the KPIs' 6,280 trucks beside a curve topping 4,345 read as a misfit
        note += ("\npeak_held_t and peak_held_trucks are each replication's worst day's "
                 "end, above these period means")
    only = f" ({commodity} only)" if commodity is not None else ""
    fig.suptitle(_title(f"Queues at named {places}{only}: mean over {_period_words(res)} "
                        f"(mean and 5-95% of replications)\n{_subtitle(res)}{note}"))
    return fig


# ============================================================================ lead times
def route_lead_times(res: Results, commodity: str) -> pd.DataFrame:
    """Per route of ``commodity``: channel, route, mean tonnes delivered, and the means over
    replications of the route's lead-time mean and its 5%, 50% and 95% quantiles over
    tonnes (KPIs ``lead_time_p05_days`` ... at site ``route:<id>``), largest flows first.
    Routes that delivered nothing are left out."""
    rows = []
    for com, chan, site, metric, _unit in res.kpi_labels:
        if com != commodity or metric != "delivered_t" or not site.startswith("route:"):
            continue
        tonnes = res.kpi("delivered_t", com, chan, site)
        if not np.nansum(tonnes) > 0:
            continue
        row = {"channel": chan, "route": site.removeprefix("route:"),
               "delivered_t": float(np.nanmean(tonnes))}
        for metric_name, col in (("mean_lead_time_days", "mean"), ("lead_time_p05_days", "p05"),
                                 ("lead_time_p50_days", "p50"), ("lead_time_p95_days", "p95")):
            vals = res.kpi(metric_name, com, chan, site)
            row[col] = float(np.nanmean(vals)) if np.isfinite(vals).any() else float("nan")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["channel", "route", "delivered_t", "mean", "p05", "p50",
                                        "p95"])
    return frame.sort_values("delivered_t", ascending=False, kind="stable").reset_index(drop=True)


LEAD_TIME_COLUMNS = 3
"""Most panels (commodities) in a row of the lead-times figure."""


@st.styled
def lead_times_figure(res: Results, commodity: str | None = None,
                      max_routes: int = 12) -> Figure:
    """Lead time from mine to first destination per route: for each of the ``max_routes``
    routes carrying most metal, the 5-95% range of lead times over the tonnes it delivered
    (bar), the median (tick) and the mean (dot), each averaged over replications; bar
    colour is the channel, which each row's label names too. Lead times include every
    wait on the way (queues, ships, closures).

    Raises ``TypeError`` for a ``max_routes`` that is not an int (1.5, ``True``) and
    ``ValueError`` unless it is at least 1 (0 drew an empty figure); ``TypeError``
    unless ``commodity`` is a str or None and ``KeyError`` for an unknown ``commodity``,
    naming the closest one."""
    max_routes = _max_routes(max_routes)
    coms = _commodities(res, commodity)
    # at most three panels a row: a fourth commodity's, squeezed beside three sets of
    # route names, ran past the figure's edge
    ncols = min(len(coms), LEAD_TIME_COLUMNS)
    nrows = math.ceil(len(coms) / ncols)
    fig = st.new_figure(st.WIDTH, 0.4 + nrows * (0.8 + 0.32 * max_routes))
    grid = fig.subplots(nrows, ncols, squeeze=False)
    axes = list(grid.flat)
    for spare in axes[len(coms):]:
        spare.set_axis_off()
    axes = axes[:len(coms)]
    channels: dict[str, None] = {}
    colors = _key_colors(res, res.scenario.channels)
    for ax, com in zip(axes, coms, strict=True):
        table = route_lead_times(res, com).head(max_routes)
        ax.set_title(f"{com}: lead time per route")
        # on two lines: on one, a panel narrowed by its route names cut it at the edge
        ax.set_xlabel("days from mine\nto first destination")
        ax.set_ylabel("route (channel, tonnes delivered)")
        if table.empty:
            empty_figure(ax, "nothing delivered")
            continue
        y = np.arange(len(table))[::-1]
        for yi, row in zip(y, table.itertuples(), strict=True):
            color = colors.get(row.channel) or st.channel_color(row.channel)
            channels[row.channel] = None
            ax.plot([row.p05, row.p95], [yi, yi], color=color, lw=6, alpha=0.45,
                    solid_capstyle="butt")
            ax.plot([row.p50], [yi], marker="|", ms=14, mew=2, color=color)
            ax.plot([row.mean], [yi], marker="o", ms=4, color="black", zorder=3)
        # every row names its channel: the bars' colours alone fail in a grey print, and
        # under colour-vision deficiency (informal beside china, us partnered beside
        # western); one route id may serve several channels, too
        # (on the second line: on the first, the labels narrowed the panels until the
        # last one's title ran past the figure's edge)
        ax.set_yticks(y, [f"{st.label(r)}\n{st.label(ch)}, {st.format_tonnes_3(row_t)} t"
                          for r, ch, row_t in zip(table.route, table.channel,
                                                  table.delivered_t, strict=True)],
                      fontsize=7)
        ax.set_xlim(left=0)
    handles = [Patch(color=colors.get(ch) or st.channel_color(ch), alpha=0.45,
                     label=f"{st.label(ch)}: 5-95%") for ch in channels]
    handles += [Line2D([], [], marker="|", ls="", ms=10, mew=2, color=st.NEUTRAL,
                       label="median"),
                Line2D([], [], marker="o", ls="", ms=4, color="black", label="mean")]
    figure_legend(fig, handles, 6)
    fig.suptitle(_title(f"Lead times per route, over tonnes delivered (means of "
                        f"replications). {_subtitle(res)}"))
    return fig


# =================================================================================== map
def lane_flows(res: Results, commodity: str | None = None, plan: Plan | None = None
               ) -> tuple[dict[str, float], set[str]]:
    """Mean tonnes of metal per lane over the run, and the lanes that were measured.

    Every lane reports its throughput (KPI ``throughput_t``). Results written before lanes
    without a capacity did (only capacitated ones then) get an estimate for the others:
    the tonnes each route delivered (its ``delivered_t`` at site ``route:<id>``), spread
    over the route's lanes from each mine as the plan spreads the route's flow (a route
    the plan sends nothing, used after a closure, from the channel's mines as planned for
    the channel); refiner-to-market lanes the plan scaled to the refiner's simulated
    output.
    """
    sc = res.scenario
    plan = plan or make_plan(sc)
    coms = _commodities(res, commodity)
    years = float(sc.horizon) / 365.25
    # each route's plan by mine: scaled by channel, an occupied mine's lost output thinned
    # every other route of its channel, and rerouting showed nowhere (review 114)
    by_route: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    by_channel_mine: dict[tuple[str, str], dict[str, float]] = defaultdict(
        lambda: defaultdict(float))
    for (mine, com, ch, route), flow in plan.route_flow.items():
        if com in coms and flow > 0:
            by_route[(com, ch, route)][mine] = flow
            by_channel_mine[(com, ch)][mine] += flow
    flows: dict[str, float] = defaultdict(float)
    for com in coms:
        for ch, channel in sc.channels.items():
            for route, spec in channel.routes.items():
                delivered = kpi_mean(res, "delivered_t", com, ch, f"route:{route}")
                mines = by_route.get((com, ch, route)) or by_channel_mine.get((com, ch))
                if not mines or math.isnan(delivered) or delivered <= 0:
                    continue
                chains = {}
                for mine in mines:
                    try:
                        chains[mine] = route_lanes(sc, mine, spec.path)
                    except KeyError:  # a mine of the channel with no lane onto this route
                        continue
                total = sum(mines[m] for m in chains)
                for mine, lids in chains.items():
                    for lid in lids:
                        flows[lid] += delivered * mines[mine] / total
    for (ref, com), refined in plan.refined.items():
        if com not in coms or refined <= 0:
            continue
        sim = kpi_mean(res, "refined_t", com, "all", ref)
        factor = sim / (refined * years) if not math.isnan(sim) else 1.0
        for lid, lane in sc.lanes.items():
            if lane.from_ == ref:
                flows[lid] += plan.lane_metal.get((lid, com), 0.0) * years * factor
    measured: set[str] = set()
    for lid in sc.lanes:
        vals = [kpi_mean(res, "throughput_t", com, "all", lid) for com in coms]
        vals = [v for v in vals if not math.isnan(v)]
        if vals:
            flows[lid] = float(sum(vals))
            measured.add(lid)
    return {lid: flows.get(lid, 0.0) for lid in sc.lanes}, measured


CLOSED_SITE_RING = {"marker": "o", "s": 240, "facecolors": "none",
                    "edgecolors": st.CLOSED_COLOR, "linewidths": 1.3, "linestyles": "--"}
"""The dashed ring around a closed site on a run's map."""
CLOSED_SITE = "site closed some of the time (mean days of the period)"
CLOSED_LANE = "lane closed some of the time (mean days of the period)"
"""The legend's entries of a closed site and a closed lane on a run's map."""


def closed_days(res: Results) -> dict[str, float]:
    """Mean days each closable site or lane was closed (only those closed at all)."""
    out = {}
    for com, ch, site, metric, _u in res.kpi_labels:
        if metric == "closed_days" and com == "all" and ch == "all":
            mean = kpi_mean(res, "closed_days", "all", "all", site)
            if mean > 0:
                out[site] = mean
    return out


def closed_text(days: float, res: Results) -> str:
    """A site's or lane's mean days closed against the days of the period: ``closed 7 of
    1,461 days`` (review 212: "closed 7 d" beside a lane drawn red end to end read as a
    lane closed, where it was closed 7 days of four years)."""
    shown = f"{days:,.0f}" if days >= 0.95 else f"{days:.1g}"
    return f"closed {shown} of {res.scenario.horizon:,g} days"


def _draw_network(ax: Axes, res: Results, flows: dict[str, float], measured: set[str],
                  closed: dict[str, float], world: bool) -> None:
    sc = res.scenario
    biggest = max(flows.values(), default=0.0) or 1.0
    for lid, lane in sc.lanes.items():
        a, b = sc.sites[lane.from_].location, sc.sites[lane.to].location
        flow = flows.get(lid, 0.0)
        width = 0.3 + 7.0 * math.sqrt(max(flow, 0.0) / biggest)
        # only the whole network's view follows the lanes; enlarged panels keep their box
        ax.plot([a.lon, b.lon], [a.lat, b.lat], MODE_STYLE.get(lane.mode, "-"), lw=width,
                color=st.NEUTRAL, alpha=0.6 if lid in measured else 0.4, zorder=1,
                solid_capstyle="round", scalex=world, scaley=world)
        if lid in closed:
            ax.plot([a.lon, b.lon], [a.lat, b.lat], "-", lw=1.2, color=st.CLOSED_COLOR, zorder=2,
                    scalex=world, scaley=world)
            mx, my = (a.lon + b.lon) / 2, (a.lat + b.lat) / 2
            ax.scatter([mx], [my], marker="X", s=60, color=st.CLOSED_COLOR, zorder=5)
    for sid, site in sc.sites.items():
        marker, color = KIND_STYLE.get(site.kind, ("o", "black"))
        is_closed = sid in closed
        ax.scatter([site.location.lon], [site.location.lat], marker=marker, s=55, c=color,
                   edgecolors=st.CLOSED_COLOR if is_closed else "white",
                   linewidths=2.0 if is_closed else 1.0, zorder=3)
        if is_closed:
            # a dashed ring around it too: a red edge alone merged with a port's blue in
            # greyscale (review 221)
            ax.scatter([site.location.lon], [site.location.lat], **CLOSED_SITE_RING,
                       zorder=3.1, label=CLOSED_SITE)


@st.styled
def map_figure(res: Results, commodity: str | None = None) -> Figure:
    """Schematic map: sites at their coordinates, lanes as lines whose width follows the
    simulated flow of metal (of one commodity, or all), closed sites and lanes in red with
    their mean days closed. The whole network, and the exporting country's sites enlarged
    (one panel, or one per group of sites far apart: :func:`~sim.output.network_map.
    map_panels`); every site is named once, where it is enlarged most, and no name covers
    another.

    Raises ``TypeError`` unless ``commodity`` is a str or None, and ``KeyError`` for a
    commodity the scenario does not have, naming the closest one."""
    sc = res.scenario
    flows, measured = lane_flows(res, commodity)
    closed = closed_days(res)
    fig = st.new_figure(st.WIDTH, 6.4)
    panels = map_panels(fig, sc)
    boxes = [(ax, ax.get_xlim(), ax.get_ylim()) for ax, _sites in panels.enlarged]
    for ax in panels.all:
        _draw_network(ax, res, flows, measured, closed, ax is panels.world)
    finish_panels(panels)
    extra: list[tuple[Axes, MapLabel]] = []
    marks = []
    lines = []  # closed lanes, drawn in red: names keep off them
    for lid, lane in sc.lanes.items():
        if lid not in closed:
            continue
        a, b = sc.sites[lane.from_].location, sc.sites[lane.to].location
        mx, my = (a.lon + b.lon) / 2, (a.lat + b.lat) / 2
        marks.append((mx, my))
        lines.append(((a.lon, a.lat), (b.lon, b.lat)))
        home = next((ax for ax, (x0, x1), (y0, y1) in boxes
                     if x0 <= mx <= x1 and y0 <= my <= y1), panels.world)
        # named as the sites are, by name: an unnamed lane by its ends' names
        name = lane.name or (f"{sc.sites[lane.from_].name or lane.from_} to "
                             f"{sc.sites[lane.to].name or lane.to}")
        extra.append((home, MapLabel(mx, my, st.plain(wrap_name(
            f"{name}: {closed_text(closed[lid], res)}")), st.CLOSED_COLOR)))
    kinds = [k for k in KIND_STYLE if any(s.kind == k for s in sc.sites.values())]
    handles: list[Line2D | Patch] = [
        Line2D([], [], marker=KIND_STYLE[k][0], color=KIND_STYLE[k][1], ls="",
               label=st.label(k)) for k in kinds]
    handles += [Line2D([], [], ls=MODE_STYLE.get(m, "-"), color=st.NEUTRAL, label=m)
                for m in sorted({lane.mode for lane in sc.lanes.values()})]
    if closed:
        # red marks a closure of any length: the labels give its mean days of the period
        if any(lid in closed for lid in sc.lanes):
            handles.append(Line2D([], [], marker="X", color=st.CLOSED_COLOR, ls="-",
                                  label=CLOSED_LANE))
        # review 221: a closed site's ring was keyed nowhere (its own ring as the key)
        handles += [c for c in panels.world.collections if c.get_label() == CLOSED_SITE][:1]
    figure_legend(fig, handles, 8)
    what = commodity or "all metal"
    biggest = max(flows.values(), default=0.0)
    estimated = any(flow > 0 for lid, flow in flows.items() if lid not in measured)
    # fitted to the figure: a long scenario id ran the title past both edges
    fig.suptitle(st.fit_lines(
        f"{st.plain(sc.name)}: network; line width = simulated flow of {what} over the run "
        f"(widest {st.format_tonnes(biggest)} t)"
        + ("\nthroughput where measured (capacitated lanes, in results of an older "
           "version), elsewhere each route's simulated deliveries" if estimated else ""),
        0.92 * fig.get_figwidth() * 72, st.RC["figure.titlesize"]))
    label_map(fig, sc, panels, suffix={s: f" ({closed_text(d, res)})" for s, d in closed.items()},
              red=set(closed), extra=extra, marks=marks, lines=lines)
    return fig


# ========================================================================= flow diagram
def balance(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray,
            iterations: int = 200) -> np.ndarray:
    """Scale ``seed`` so its row sums are ``rows`` and its column sums ``cols`` (rescaled
    to the same total), by iterative proportional fitting. Rows or columns whose seed is
    all zero but whose total is positive are seeded with the product of the totals, so a
    flow the plan does not have (a diversion) still shows."""
    m = np.asarray(seed, dtype=float).copy()
    rows = np.asarray(rows, dtype=float)
    cols = np.asarray(cols, dtype=float)
    if rows.sum() <= 0 or cols.sum() <= 0:
        return np.zeros_like(m)
    cols = cols * rows.sum() / cols.sum()
    outer = np.outer(rows, cols) / rows.sum()
    for i in np.flatnonzero((m.sum(axis=1) <= 0) & (rows > 0)):
        m[i] = outer[i]
    for j in np.flatnonzero((m.sum(axis=0) <= 0) & (cols > 0)):
        m[:, j] = outer[:, j]
    for _ in range(iterations):
        with np.errstate(divide="ignore", invalid="ignore"):
            m *= np.nan_to_num(rows / m.sum(axis=1))[:, None]
            m *= np.nan_to_num(cols / m.sum(axis=0))[None, :]
        if np.allclose(m.sum(axis=1), rows, rtol=1e-6, atol=1e-9):
            break
    return m


def flow_layers(res: Results, commodity: str, min_share: float = 0.02
                ) -> tuple[list[list[tuple[str, float]]], list[np.ndarray], list[str]]:
    """Nodes and links of the flow diagram for one commodity.

    Layers: mines (simulated output of each mine, or the plan's shares of the simulated
    total where a run did not record it; mines under ``min_share`` are grouped), channels
    (simulated mined tonnes), first destinations by country (simulated deliveries to
    refiners, markets and stockpiles) and markets by
    country (simulated arrivals). Links are the plan's, balanced to the simulated totals
    of the layers on either side (:func:`balance`). Returns (layers of (name, tonnes),
    link matrices, layer titles).
    """
    sc = res.scenario
    plan = make_plan(sc)
    channels = list(sc.channels)
    mined_ch = np.array([max(kpi_mean(res, "mined_t", commodity, ch), 0.0) for ch in channels])
    mines = [m for (m, c) in plan.mined if c == commodity and plan.mined[(m, c)] > 0]
    planned_total = sum(plan.mined[(m, commodity)] for m in mines) or 1.0
    total = mined_ch.sum()
    # each mine's simulated output where the run recorded it, else its plan share
    by_mine = {m: kpi_mean(res, "mined_t", commodity, "all", m) for m in mines}
    if any(math.isnan(v) for v in by_mine.values()):
        by_mine = {m: plan.mined[(m, commodity)] / planned_total * total for m in mines}
    scale_total = sum(by_mine.values()) or 1.0
    share = {m: by_mine[m] / scale_total for m in mines}
    big = [m for m in mines if share[m] >= min_share]
    small = [m for m in mines if share[m] < min_share]
    mine_nodes = [(sc.sites[m].name or m, by_mine[m]) for m in big]
    if small:
        mine_nodes.append((f"{len(small)} other mines", sum(by_mine[m] for m in small)))
    seed1 = np.zeros((len(mine_nodes), len(channels)))
    for (m, com, ch, _r), flow in plan.route_flow.items():
        if com != commodity:
            continue
        i = big.index(m) if m in big else len(big)
        seed1[i, channels.index(ch)] += flow
    link1 = balance(seed1, np.array([v for _n, v in mine_nodes]), mined_ch)

    dest_rows = _rows(res, commodity, "delivered_t")
    dests = list(dest_rows)
    delivered = np.array([series_cube(res, commodity, "delivered_t", [d]).sum(axis=1).mean()
                          for d in dests])
    seed2 = np.zeros((len(channels), len(dests)))
    for (_m, com, ch, r), flow in plan.route_flow.items():
        if com != commodity:
            continue
        end = sc.channels[ch].routes[r].path[-1]
        country = sc.country_of(end)
        if country in dests:
            seed2[channels.index(ch), dests.index(country)] += flow
    link2 = balance(seed2, mined_ch, delivered)

    mkt_rows = _rows(res, commodity, "market_arrivals_t")
    markets = list(mkt_rows)
    arrivals = np.array([series_cube(res, commodity, "market_arrivals_t", [m]).sum(axis=1).mean()
                         for m in markets])
    seed3 = np.zeros((len(dests), len(markets)))
    for (_m, com, ch, r), flow in plan.route_flow.items():
        end = sc.channels[ch].routes[r].path[-1]
        if com == commodity and sc.sites[end].kind == "market":
            c = sc.country_of(end)
            if c in dests and c in markets:
                seed3[dests.index(c), markets.index(c)] += flow
    for (ref, com), refined in plan.refined.items():
        if com != commodity or refined <= 0:
            continue
        rc = sc.country_of(ref)
        for mkt, s in sc.sites[ref].sales.get(com, {}).items():
            mc = sc.country_of(mkt)
            if rc in dests and mc in markets:
                seed3[dests.index(rc), markets.index(mc)] += refined * s
    # destinations that pass nothing on to markets (stockpiles) keep their metal
    passing = seed3.sum(axis=1) > 0
    link3 = np.zeros_like(seed3)
    if passing.any() and arrivals.sum() > 0:
        link3[passing] = balance(seed3[passing], delivered[passing], arrivals)

    layers = [mine_nodes,
              [(st.label(c), v) for c, v in zip(channels, mined_ch, strict=True)],
              list(zip(dests, delivered, strict=True)),
              list(zip(markets, arrivals, strict=True))]
    titles = ["mines (mined)", "channels (mined)", "first destination (delivered)",
              "markets (arrivals)"]
    return layers, [link1, link2, link3], titles


def _ribbon(ax: Axes, x0: float, y0: tuple[float, float], x1: float,
            y1: tuple[float, float], color: str, alpha: float = 0.45,
            hatch: str = "") -> None:
    """A band from (x0, y0[0]..y0[1]) to (x1, y1[0]..y1[1]) with S-shaped edges, hatched
    with ``hatch`` (its channel's, as its bar)."""
    xm = (x0 + x1) / 2
    verts = [(x0, y0[0]), (xm, y0[0]), (xm, y1[0]), (x1, y1[0]),
             (x1, y1[1]), (xm, y1[1]), (xm, y0[1]), (x0, y0[1]), (x0, y0[0])]
    codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4,
             MplPath.LINETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4,
             MplPath.CLOSEPOLY]
    ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=to_rgba(color, alpha),
                           edgecolor=to_rgba(color, min(1.0, 2 * alpha)) if hatch else "none",
                           lw=0, hatch=hatch or None))


def _draw_flow(ax: Axes, layers: list[list[tuple[str, float]]], links: list[np.ndarray],
               titles: list[str], channel_ids: list[str],
               colors: dict[str, str] | None = None) -> None:
    colors = colors or st.key_colors(channel_ids)
    gap_share = 0.02
    heights = [sum(v for _n, v in layer) for layer in layers]
    scale = max(heights) or 1.0
    bar_w = 0.06
    positions: list[list[tuple[float, float]]] = []
    for k, layer in enumerate(layers):
        n = len(layer)
        total = heights[k] / scale
        gap = gap_share if n > 1 else 0.0
        span = total + gap * (n - 1)
        y = (1.0 + gap_share * 10 - span) / 2 + span
        pos = []
        for idx, (name, v) in enumerate(layer):
            h = v / scale
            pos.append((y - h, y))
            color = colors[channel_ids[idx]] if k == 1 else st.NEUTRAL
            # a hatch per channel, as the flows figure gives: crossing ribbons of colours
            # one grey in print, or alike to some readers, stay apart (review 189)
            ax.add_patch(PathPatch(MplPath.unit_rectangle().transformed(
                _box(k - bar_w / 2, y - h, bar_w, h)), facecolor=color,
                edgecolor="white" if k == 1 else "none", lw=0,
                hatch=st.hatch(idx) or None if k == 1 else None))
            if v > 0:
                ha = "right" if k == 0 else "left"
                dx = -bar_w if k == 0 else bar_w
                ax.text(k + dx, y - h / 2, st.plain(f"{name} {st.format_tonnes(v)} t"), ha=ha,
                        va="center", fontsize=7)
            y -= h + gap
        positions.append(pos)
        ax.text(k, 1.0 + gap_share * 12, titles[k], ha="center", va="bottom", fontsize=8,
                fontweight="bold")
    for k, link in enumerate(links):
        left, right = positions[k], positions[k + 1]
        # each ribbon's ends fill the nodes exactly: its share of the left node's outflow
        # and of the right node's inflow
        with np.errstate(divide="ignore", invalid="ignore"):
            out_share = np.nan_to_num(link / link.sum(axis=1, keepdims=True))
            in_share = np.nan_to_num(link / link.sum(axis=0, keepdims=True))
        out_off = [top for _b, top in left]
        in_off = [top for _b, top in right]
        for i in range(link.shape[0]):
            for j in range(link.shape[1]):
                if link[i, j] <= 0:
                    continue
                f = out_share[i, j] * (left[i][1] - left[i][0])
                g = in_share[i, j] * (right[j][1] - right[j][0])
                y0 = (out_off[i] - f, out_off[i])
                y1 = (in_off[j] - g, in_off[j])
                out_off[i] -= f
                in_off[j] -= g
                if k == 0:
                    color, pattern = colors[channel_ids[j]], st.hatch(j)
                elif k == 1:
                    color, pattern = colors[channel_ids[i]], st.hatch(i)
                else:
                    color, pattern = st.NEUTRAL, ""
                _ribbon(ax, k + bar_w / 2, y0, k + 1 - bar_w / 2, y1, color, hatch=pattern)
    ax.set_xlim(-0.9, len(layers) - 1 + 0.9)
    ax.set_ylim(-0.02, 1.0 + gap_share * 16)
    ax.axis("off")


def _box(x: float, y: float, w: float, h: float):  # matplotlib's Affine2D
    from matplotlib.transforms import Affine2D

    return Affine2D().scale(w, h).translate(x, y)


@st.styled
def flow_diagram_figure(res: Results, commodity: str | None = None) -> Figure:
    """Flow diagram: mines to channels to first destinations (refiners, markets, stockpiles
    by country) to markets, for each commodity. Column heights are simulated tonnes over
    the run (means of replications); ribbons follow the plan's routes, balanced to those
    totals, and narrow or widen between columns where metal is still in transit or held in
    stock.

    Raises ``TypeError`` unless ``commodity`` is a str or None, and ``KeyError`` for a
    commodity the scenario does not have, naming the closest one."""
    coms = _commodities(res, commodity)
    fig = st.new_figure(st.WIDTH, 4.6 * len(coms))
    axes = fig.subplots(len(coms), 1, squeeze=False)[:, 0]
    for ax, com in zip(axes, coms, strict=True):
        layers, links, titles = flow_layers(res, com)
        channels = list(res.scenario.channels)
        _draw_flow(ax, layers, links, titles, channels, _key_colors(res, channels))
        ax.set_title(f"{com}: where the metal goes (t over the run; mean of replications)")
    fig.suptitle(_title(f"Flow diagram: mine to channel to destination to market. "
                        f"{_subtitle(res)}"))
    fig.supxlabel(FLOW_NOTE, fontsize="small", color="0.3")
    return fig


FLOW_NOTE = ("Ribbons follow the plan's routes, scaled to the simulated column totals: a "
             "diversion or an offtake deal changes a channel's column, not which mine's "
             "ribbon feeds it.\nA column is shorter than the one before it where metal is "
             "still in transit, held (at refiners, in stocks) or lost in refining, and taller "
             "where metal mined in the warm-up\narrives during the run, or where stocks given "
             "at the start (a refiner's initial_feed_t, initial_output_t) reach markets: "
             "delivered can exceed mined, arrivals delivered.")
"""What the flow diagram's ribbons are and are not (said under the figure)."""


# ================================================================================ writing
def queues_caption(res: Results) -> str:
    """Caption of :func:`queues_figure` in a report: what its panels hold."""
    metrics = {m for _k, m in queue_panels(res)}
    parts = [text for metric, text in (
        ("held_t", "metal held at the sites named in series_sites (t)"),
        ("held_trucks", "trucks held at the border posts among them"),
        ("waiting_t", "metal waiting to set off on the lanes named in series_lanes (t)"))
        if metric in metrics]
    what = and_list(parts)
    peaks = (" The peak_held KPIs are each replication's worst day's end, above these "
             "period means." if metrics & {"held_t", "held_trucks"} else "")
    return (f"Queues over time: {what}; means over {_period_words(res)}, mean and 5-95% of "
            f"replications.{peaks}")


def deliveries_caption(res: Results) -> str:
    """The deliveries figure's caption: the resilience triangle is said only where a
    shortfall is drawn (review 221: "shaded" under Q(t) at 1 throughout)."""
    short = [com for com in demanded_series(res)
             if bool(np.any(performance(res, com).mean(axis=0) < 1.0))]
    triangle = (f"; the resilience triangle, supply lost, is hatched in red ({and_list(short)})"
                if short else "; no shortfall, so no resilience triangle is drawn")
    return ("Deliveries against demand (consumed solid, arrivals from the network "
            "dash-dot, demand dashed), and performance Q(t) with 5-95% of replications and "
            f"the 95% confidence band of the mean{triangle}.")


def stocks_caption(res: Results) -> str:
    """The stocks figure's caption: what its stockpile line adds up, and that an empty panel
    is said in words (review 221)."""
    kinds = run_stock_kinds(res)
    text = f"Stocks at {and_list(st.label(k) + 's' for k in kinds)} (mean and 5-95%)."
    if "stockpile" in kinds:
        names = [site.name or st.label(sid) for sid, site in res.scenario.sites.items()
                 if site.kind == "stockpile"]
        if len(names) > 1:
            listed = f" ({and_list(names)})" if len(names) <= 3 else ""
            text += (f" The stockpiles line adds all {len(names)} stockpile sites "
                     f"together{listed}.")
    return text + (" A panel with nothing to draw says so in words; a kind of site at 0 "
                   "throughout is said in the legend.")


def map_caption(res: Results, commodity: str) -> str:
    """A map's caption: closures marked by more than red, their days a mean over
    replications, and shown on every commodity's map (review 221)."""
    closed = closed_days(res)
    text = f"Map of the network, line width by simulated {commodity} flow."
    if not closed:
        return text + " Nothing was closed."
    return (text + " Closed lanes are drawn in red with an \u2715 at their middle, closed "
            "sites ringed with a dashed red circle; \u201cclosed N of M days\u201d gives the "
            "mean over replications of the days closed in the period. Closures are of sites "
            "and lanes whatever they carry, so every commodity's map shows them all.")


def run_figure_plan(res: Results) -> list[tuple[str, Callable[[], tuple[str, Figure]]]]:
    """Every figure of a run as (file stem, function drawing it: (caption, figure)), in
    the order they are saved, none drawn yet: their count is known before the first is
    drawn (a progress bar's total), and each is drawn when it is saved. ``queues`` only for
    a scenario that names sites in ``series_sites`` or lanes in ``series_lanes``,
    ``timeline`` only for one with shocks or policies."""
    from sim.output.shock_text import bars, timeline_caption, timeline_figure

    def timeline() -> tuple[str, Figure]:
        with st.style():
            fig = timeline_figure(res.scenario)
        assert fig is not None  # planned only where there are bars to draw
        return timeline_caption(res.scenario), fig

    out: list[tuple[str, Callable[[], tuple[str, Figure]]]] = [
        ("flows", lambda: ("Flows by channel over time (mined and exported; stacked means, "
                           "t/day).", flows_figure(res))),
    ]
    if demanded_series(res):
        out.append(("deliveries", lambda: (deliveries_caption(res), deliveries_figure(res))))
    out += [
        ("prices", lambda: ("Price index fan chart (5-95% and 25-75% of replications).",
                            prices_figure(res))),
        ("stocks", lambda: (stocks_caption(res),
                            stocks_figure(res, kinds=run_stock_kinds(res), python=False))),
    ]
    if queue_panels(res):
        # only for a scenario naming sites or lanes: other runs' figures unchanged
        out.append(("queues", lambda: (queues_caption(res), queues_figure(res))))
    out.append(("lead-times", lambda: (
        "Lead time from mine to first destination per route: 5-95% of the tonnes "
        "delivered, median and mean (means of replications).", lead_times_figure(res))))
    for com in res.scenario.commodities:
        out.append((f"map-{com}", lambda com=com: (map_caption(res, com), map_figure(res, com))))
    out.append(("flow-diagram", lambda: ("Flow diagram: mines to channels to first "
                                         "destinations to markets (tonnes over the run).",
                                         flow_diagram_figure(res))))
    if bars(res.scenario):  # what timeline_figure draws: None without them
        out.append(("timeline", timeline))
    return out


def drawn(plan: Iterable[tuple[str, Callable[[], tuple[str, Figure]]]]
          ) -> Iterator[tuple[str, str, Figure]]:
    """The figures of ``plan`` (:func:`run_figure_plan`) as (file stem, caption, figure),
    each drawn when it is asked for."""
    for stem, draw in plan:
        yield (stem, *draw())


def run_figures(res: Results) -> list[tuple[str, str, Figure]]:
    """Every figure of a run as (file stem, caption, figure); see :func:`run_figure_plan`
    for which."""
    return list(drawn(run_figure_plan(res)))


class FigureCount(WorkCount):
    """Figures saved out of a total, reported to ``on_figure(done, total)``: with
    ``(0, total)`` just before the first is drawn, then ``(k, total)`` as the k-th is
    saved (its PNG and SVG written). A context manager, entered as often as needed:
    :func:`write_figures` counts the figures it saves inside, through a context variable
    (:data:`sim.output.progress_count.FIGURES`), not an argument, as a results folder
    (:meth:`sim.output.folder.ResultsFolder.finish`) draws a run's figures between its
    tables and its manifest, and its callers report the progress. ``total``: the figures
    saved inside every entry together (a comparison's scenarios and its own)."""

    def __init__(self, on_figure: Callable[[int, int], object], total: int) -> None:
        super().__init__(FIGURES, on_figure, total)


def figure_saved() -> None:
    """Count one figure saved (or embedded) to the :class:`FigureCount` in effect, if any."""
    FIGURES.one_done()


def counting_figures(on_figure: Callable[[int, int], object] | None,
                     total: int) -> contextlib.AbstractContextManager[object]:
    """A :class:`FigureCount` of ``total`` figures reported to ``on_figure``, or, if that
    is None (or nothing is to be drawn), a context that counts nothing; either may be
    entered again."""
    return FIGURES.counting(on_figure, total)


def write_figures(figures: Iterable[tuple[str, str, Figure]], folder: Path) -> list[Path]:
    """Save each of ``figures`` (drawn as they are iterated, see :func:`drawn`) as PNG and
    SVG in ``folder/figures/``, counted by the :class:`FigureCount` in effect, if any;
    returns the files written."""
    target = Path(folder) / "figures"
    paths: list[Path] = []
    FIGURES.begin()
    for stem, _caption, fig in figures:
        paths += st.save(fig, target, stem)
        FIGURES.one_done()
    return paths


def write_run_figures(results: Results, folder_path: str | Path) -> list[Path]:
    """Write every figure of a run as PNG and SVG into ``folder_path/figures/``; returns
    the files written."""
    return write_figures(drawn(run_figure_plan(results)), Path(folder_path))
