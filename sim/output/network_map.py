"""A schematic map of a scenario's network: sites at their coordinates, lanes as lines.

Line width follows the planned flow of metal on each lane; lanes, border posts and
refiners whose capacity is below their planned flow are drawn in red. Longitude and latitude are drawn
on an equirectangular projection; sea lanes are straight lines, not sailing routes.
"""

from __future__ import annotations

import math
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.output.describe import capacity_checks
from sim.scenario.plan import Plan, make_plan
from sim.scenario.schema import Scenario

KIND_STYLE = {
    "mine": ("^", "#8c510a"),
    "border_post": ("s", "#d6604d"),
    "port": ("o", "#2166ac"),
    "junction": (".", "#777777"),
    "trading_hub": ("D", "#b2182b"),
    "refiner": ("P", "#1b7837"),
    "market": ("*", "#762a83"),
    "stockpile": ("h", "#e08214"),
}
MODE_STYLE = {"road": "-", "rail": "--", "sea": ":", "air": "-.", "lake": ":", "river": ":"}


def network_figure(sc: Scenario, plan: Plan | None = None, title: str | None = None) -> Figure:
    """Draw the network of ``sc``; returns a matplotlib figure."""
    plan = plan or make_plan(sc)
    over = {c.at for c in capacity_checks(sc, plan) if c.over}
    fig = Figure(figsize=(11, 7), layout="constrained")
    ax = fig.add_subplot()
    flows = {lid: sum(v for (l_id, _c), v in plan.lane_metal.items() if l_id == lid)
             for lid in sc.lanes}
    biggest = max(flows.values(), default=0.0) or 1.0
    for lid, lane in sc.lanes.items():
        a, b = sc.sites[lane.from_].location, sc.sites[lane.to].location
        width = 0.4 + 6.0 * math.sqrt(flows[lid] / biggest)
        color = "#d62728" if lid in over else "#555555"
        ax.plot([a.lon, b.lon], [a.lat, b.lat], MODE_STYLE.get(lane.mode, "-"), lw=width,
                color=color, alpha=0.55, zorder=1, solid_capstyle="round")
    for sid, site in sc.sites.items():
        marker, color = KIND_STYLE.get(site.kind, ("o", "black"))
        edge = "#d62728" if sid in over else "white"
        ax.scatter([site.location.lon], [site.location.lat], marker=marker, s=90, c=color,
                   edgecolors=edge, linewidths=1.2, zorder=3)
        ax.annotate(site.name or sid, (site.location.lon, site.location.lat), fontsize=7,
                    xytext=(4, 3), textcoords="offset points", zorder=4)
    lats = [s.location.lat for s in sc.sites.values()]
    mid = math.radians(sum(lats) / len(lats))
    ax.set_aspect(1.0 / max(math.cos(mid), 0.2))
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.grid(True, lw=0.3, alpha=0.5)
    ax.set_title(title or f"{sc.name}: network (line width = planned metal flow; red = over "
                 "capacity)", fontsize=10)
    kinds_present = [k for k in KIND_STYLE if any(s.kind == k for s in sc.sites.values())]
    handles = [Line2D([], [], marker=KIND_STYLE[k][0], color=KIND_STYLE[k][1], ls="",
                      label=k.replace("_", " ")) for k in kinds_present]
    modes_present = sorted({lane.mode for lane in sc.lanes.values()})
    handles += [Line2D([], [], ls=MODE_STYLE[m], color="#555555", label=m)
                for m in modes_present]
    ax.legend(handles=handles, fontsize=7, loc="best", framealpha=0.8)
    return fig


FIGURE_FORMATS = (".png", ".svg", ".pdf")


class FigureError(ValueError):
    """A figure cannot be written where or in the format asked for."""


def save_network_figure(sc: Scenario, path: str | Path, plan: Plan | None = None) -> Path:
    """Draw the network and save it (format from the file suffix: .png, .svg, .pdf).

    Raises :class:`FigureError` for another suffix or a path that cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() not in FIGURE_FORMATS:
        raise FigureError(f"cannot write a figure as {path.name!r}: use one of "
                          f"{', '.join(FIGURE_FORMATS)}")
    write_figure_file(network_figure(sc, plan), path)
    return path


def write_figure_file(fig: Figure, path: Path) -> None:
    """Render ``fig`` in the format of ``path``'s suffix and write it atomically (a failed
    write never leaves a truncated file under the name). Raises :class:`FigureError`."""
    import io

    from sim.output.folder import atomic_write_bytes

    buf = io.BytesIO()
    fig.savefig(buf, format=path.suffix.lower().lstrip("."), dpi=150)
    try:
        atomic_write_bytes(path, buf.getvalue())
    except OSError as exc:
        raise FigureError(f"cannot write {path}: {exc.strerror or exc}") from None
