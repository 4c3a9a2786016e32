"""What the time-series figures draw, read back from their matplotlib artists, for tests
of how short periods are marked."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from sim.output import style as st


def marks(fig: Figure) -> tuple[list[tuple[float, float]], list[float], int]:
    """The x range of every band, the x of every hollow point and the number of dotted
    segments (the resilience triangle, in red, follows the mean and is not a band)."""
    bands, hollow, dotted = [], [], 0
    red = to_rgba(st.CLOSED_COLOR)[:3]
    for ax in fig.axes:
        for coll in ax.collections:
            face = tuple(coll.get_facecolor()[0][:3]) if len(coll.get_facecolor()) else red
            if isinstance(coll, PolyCollection) and coll.get_paths() and face != red:
                verts = np.concatenate([p.vertices for p in coll.get_paths()])
                bands.append((float(verts[:, 0].min()), float(verts[:, 0].max())))
        for line in ax.lines:
            # a circle, or the stocks figure's marker of its kind of site
            if line.get_marker() not in (None, "None", "", " ") \
                    and line.get_markerfacecolor() in ("white", "w"):
                hollow += [float(v) for v in mdates.date2num(line.get_xdata())]
            elif line.get_linestyle() == ":":
                dotted += 1
    return bands, hollow, dotted


def stocks_figure(res) -> Figure:
    """The stocks figure at markets: in tiny.yaml only the market holds metal at a day's
    end (the mine and the post pass every lot straight on, so the default kinds show a
    note, not lines to read marks from)."""
    from sim.output import figures as F

    return F.stocks_figure(res, kinds=["market"])
