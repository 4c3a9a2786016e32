"""A schematic map of a scenario's network: sites at their coordinates, lanes as lines.

Line width follows the planned flow of metal on each lane; lanes, border posts and
refiners whose capacity is below their planned flow are drawn in red. Longitude and
latitude are drawn on an equirectangular projection; sea lanes are straight lines, not
sailing routes.

The sites of the exporting country lie within a few degrees of each other, so every map
shows the whole network beside the exporting country and its neighbours enlarged, in one
panel or, for groups of sites far apart, one panel per group with its own scale
(:func:`map_panels`). Each site is named once, where it is enlarged most; names are placed
by :func:`place_labels`, which measures each with the renderer and puts it where it covers
no other name and no site marker, beside its own marker and nearer it than any other, or
else joined to it by a leader line that crosses no other name."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from sim.output import style as st
from sim.output.errors import FigureError
from sim.scenario.capacity import capacity_checks
from sim.scenario.plan import Plan, make_plan
from sim.scenario.schema import Scenario

_MARKERS = {"mine": "^", "border_post": "s", "port": "o", "junction": ".", "trading_hub": "D",
            "refiner": "P", "market": "*", "stockpile": "h"}
KIND_STYLE = {kind: (marker, st.KIND_COLORS[kind]) for kind, marker in _MARKERS.items()}
"""Marker and colour of each site kind on maps (the colour the other figures give it)."""
MODE_STYLE = {"road": "-", "rail": "--", "sea": ":", "air": "-.", "lake": ":", "river": ":"}


LABEL_FONTSIZE = 6.5
"""Size of site names on maps, points."""
LABEL_WRAP = 28
"""Characters per line of a site name on a map; longer names wrap."""
LEADER_COLOR = "#666666"


@dataclass(frozen=True)
class MapLabel:
    """A text to place near a point of a map (data coordinates)."""

    x: float
    y: float
    text: str
    color: str = "black"


def wrap_name(name: str, width: int = LABEL_WRAP) -> str:
    """A site name wrapped onto lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(name, width)) or name


def zoom_box(sc: Scenario) -> tuple[float, float, float, float]:
    """(lon0, lon1, lat0, lat1) around the exporting country's sites and the border posts,
    junctions and trading hubs near them."""
    home = [s for sid, s in sc.sites.items() if sc.country_of(sid) == sc.exporting_country]
    if not home:
        home = list(sc.sites.values())
    lon = [s.location.lon for s in home]
    lat = [s.location.lat for s in home]
    box = [min(lon), max(lon), min(lat), max(lat)]
    for s in sc.sites.values():
        near = (box[0] - 4 <= s.location.lon <= box[1] + 4
                and box[2] - 4 <= s.location.lat <= box[3] + 4)
        if near and s.kind in ("border_post", "junction", "trading_hub"):
            lon.append(s.location.lon)
            lat.append(s.location.lat)
    pad = 1.0
    return (min(lon) - pad, max(lon) + pad, min(lat) - pad, max(lat) + pad)


@dataclass
class MapPanels:
    """The axes of a map: the whole network, and enlarged panels each naming its sites."""

    world: Axes
    enlarged: list[tuple[Axes, set[str]]]

    @property
    def all(self) -> list[Axes]:
        return [self.world, *(ax for ax, _s in self.enlarged)]

    def named_on(self, sc: Scenario) -> list[tuple[Axes, set[str]]]:
        """Each panel with the sites named on it: a site inside an enlarged panel's box
        is named there only; the whole network names the others."""
        inside = set().union(*(sites for _ax, sites in self.enlarged))
        return [*self.enlarged, (self.world, set(sc.sites) - inside)]


CLUSTER_LINK = 3.0
"""Sites of the exporting country closer than this (degrees) are enlarged together."""


def _clusters(sc: Scenario, sids: set[str], link: float = CLUSTER_LINK) -> list[list[str]]:
    """Single-linkage groups of ``sids`` (distance in degrees, longitude shrunk by the
    cosine of the latitude)."""
    ids = sorted(sids)
    groups = {s: {s} for s in ids}
    for i, a in enumerate(ids):
        la = sc.sites[a].location
        for b in ids[i + 1:]:
            lb = sc.sites[b].location
            dx = (la.lon - lb.lon) * math.cos(math.radians((la.lat + lb.lat) / 2))
            if math.hypot(dx, la.lat - lb.lat) <= link and groups[a] is not groups[b]:
                merged = groups[a] | groups[b]
                for s in merged:
                    groups[s] = merged
    unique = {id(g): g for g in groups.values()}
    return sorted((sorted(g) for g in unique.values()), key=lambda g: (-len(g), g[0]))


def _bounds(sc: Scenario, sids: Sequence[str]) -> tuple[float, float, float, float]:
    lon = [sc.sites[s].location.lon for s in sids]
    lat = [sc.sites[s].location.lat for s in sids]
    pad = max(0.4, 0.12 * max(max(lon) - min(lon), max(lat) - min(lat)))
    return (min(lon) - pad, max(lon) + pad, min(lat) - pad, max(lat) + pad)


def _degrees(value: float, pos: str, neg: str) -> str:
    return f"{abs(value):.0f}°{pos if value >= 0 else neg}"


def _extent(box: tuple[float, float, float, float]) -> str:
    lon0, lon1, lat0, lat1 = box
    return (f"{_degrees(lon0, 'E', 'W')}-{_degrees(lon1, 'E', 'W')}, "
            f"{_degrees(lat0, 'N', 'S')}-{_degrees(lat1, 'N', 'S')}")


def map_panels(fig: Figure, sc: Scenario, width: float = 11.0) -> MapPanels:
    """Lay out a map on ``fig`` (and size it): the whole network, and the exporting
    country's sites enlarged.

    The exporting country's sites often form two groups far apart (the Copperbelt and the
    gold of the east): each then gets its own panel and scale, so sites a few kilometres
    apart are still told apart; otherwise one panel enlarges the box around them all
    (:func:`zoom_box`). Dashed boxes on the whole network show what is enlarged."""
    box = zoom_box(sc)
    lon0, lon1, lat0, lat1 = box
    inside = {sid for sid, s in sc.sites.items()
              if lon0 <= s.location.lon <= lon1 and lat0 <= s.location.lat <= lat1}
    groups = _clusters(sc, inside)
    if len(groups) == 2 and min(map(len, groups)) >= 3:
        boxes = [_bounds(sc, g) for g in groups]
        # the taller group takes the right-hand column, the wider one goes under the world
        tall = max((0, 1), key=lambda i: (boxes[i][3] - boxes[i][2])
                   / max(boxes[i][1] - boxes[i][0], 1e-9))
        wide = 1 - tall
        fig.set_size_inches(width, 8.4)
        axes = fig.subplot_mosaic([["world", "B"], ["A", "B"]], width_ratios=[1.55, 1])
        world = axes["world"]
        parts = [(axes["A"], "A", boxes[wide], set(groups[wide])),
                 (axes["B"], "B", boxes[tall], set(groups[tall]))]
        world.set_title("whole network (dashed boxes A and B: enlarged)")
    else:
        fig.set_size_inches(width, 6.4)
        world, zoom = fig.subplots(1, 2, width_ratios=[1.25, 1])
        parts = [(zoom, "", box, inside)]
        world.set_title("whole network (dashed box: enlarged on the right)")
    enlarged = []
    for ax, letter, (x0, x1, y0, y1), sites in parts:
        world.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="black", lw=0.8,
                                  ls="--", zorder=6))
        if letter:
            world.annotate(letter, (x1, y1), xytext=(2, 2), textcoords="offset points",
                           fontsize=8, fontweight="bold", annotation_clip=False)
            ax.set_title(f"{letter}: {sc.exporting_country} and neighbours, "
                         f"{_extent((x0, x1, y0, y1))}")
        else:
            ax.set_title(f"{sc.exporting_country} and neighbours")
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        enlarged.append((ax, sites))
    return MapPanels(world, enlarged)


def finish_panels(panels: MapPanels) -> None:
    """Axis labels, and the whole network's view around all its sites."""
    panels.world.margins(0.06)
    panels.world.autoscale_view()
    for ax in panels.all:
        ax.set_xlabel("longitude (degrees east)")
        ax.set_ylabel("latitude (degrees north)")


def fit_aspect(ax: Axes) -> None:
    """Widen the view of ``ax`` (about its centre) until a degree of latitude is as long as
    a degree of longitude over the cosine of the middle latitude, so the panel keeps the
    shape the layout gave it and the spare room is map, where names can go.

    matplotlib's own ``adjustable="datalim"`` does this too, but logs a warning at every
    draw for limits that were set by hand."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    k = 1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2)
    pos = ax.get_position()
    w, h = ax.figure.get_size_inches()
    box_ratio = (pos.height * h) / (pos.width * w)
    want = box_ratio * (x1 - x0) / k
    if want >= y1 - y0:
        mid = (y0 + y1) / 2
        ax.set_ylim(mid - want / 2, mid + want / 2)
    else:
        span = (y1 - y0) * k / box_ratio
        mid = (x0 + x1) / 2
        ax.set_xlim(mid - span / 2, mid + span / 2)


# ================================================================================ labels
_RADII = (3.0, 8.0, 14.0, 21.0, 29.0, 38.0, 48.0, 60.0, 74.0, 90.0, 110.0, 135.0)
"""Distances tried from a point to its label, points, nearest first."""
_ANGLES = (0.0, 22.5, -22.5, 180.0, 157.5, -157.5, 45.0, -45.0, 135.0, -135.0, 67.5,
           -67.5, 112.5, -112.5, 90.0, -90.0)
"""Directions tried, degrees: right and left first, where a label reads on from its site."""
_LEADER_FROM = 12.0
"""A label this far from its point (points) or farther gets a leader line."""
_MARKER_HALF = 4.5
"""Half the side of a site marker, points: a label must not cover any marker."""
_GAP = 1.5
"""Space kept between labels, points."""
_CLEAR = 4.0
"""A label without a leader line must be this much nearer its own point than any other
marker (points), so that it is read as naming its own site."""
_BACKING = {"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75}
"""A light backing, so a name stays legible where lanes run under it."""


@dataclass(frozen=True)
class PlacedLabel:
    """Where :func:`place_labels` put a label: its own point and its text's extent, in
    display coordinates (pixels of the figure as laid out), and whether a leader line
    joins them."""

    ax: Axes
    annotation: Annotation
    point: tuple[float, float]
    box: Bbox
    leader: bool


def _alignment(angle: float) -> tuple[str, str]:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ha = "left" if c > 0.38 else "right" if c < -0.38 else "center"
    va = "bottom" if s > 0.38 else "top" if s < -0.38 else "center"
    return ha, va


# The placement's geometry works on many boxes and segments at once: a box is its extents
# (x0, y0, x1, y1) on the last axis of an array, a point or a segment's end (x, y) on the
# last axis; the other axes broadcast. Each test takes the same floating-point steps as
# the plain test of one box or segment would, so that its answer does not depend on how
# many are tested at once.

def _overlap(a: np.ndarray, b: np.ndarray, gap: float) -> np.ndarray:
    """Whether boxes ``a`` and ``b`` come nearer each other than ``gap`` (overlap, for 0)."""
    return ~((a[..., 2] + gap <= b[..., 0]) | (b[..., 2] + gap <= a[..., 0])
             | (a[..., 3] + gap <= b[..., 1]) | (b[..., 3] + gap <= a[..., 1]))


def _hits(p: np.ndarray, q: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Whether segments p-q pass through boxes ``box`` (Liang-Barsky clipping)."""
    shape = np.broadcast_shapes(p.shape[:-1], q.shape[:-1], box.shape[:-1])
    inside = np.ones(shape, dtype=bool)
    lo, hi = np.zeros(shape), np.ones(shape)
    for k in (0, 1):
        pk, dk = p[..., k], q[..., k] - p[..., k]
        b0, b1 = box[..., k], box[..., k + 2]
        # parallel to this axis: in the box's band or not; no bound on the segment
        flat = np.abs(dk) < 1e-12
        inside &= ~(flat & ((pk < b0) | (pk > b1)))
        dk = np.where(flat, 1.0, dk)
        t0, t1 = (b0 - pk) / dk, (b1 - pk) / dk
        lo = np.where(flat, lo, np.maximum(lo, np.minimum(t0, t1)))
        hi = np.where(flat, hi, np.minimum(hi, np.maximum(t0, t1)))
    return inside & (lo <= hi)


def _crosses(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Whether segments a-b and c-d cross (touching at an end does not count)."""
    def side(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        return ((q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1])
                - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0]))

    return (side(c, d, a) * side(c, d, b) < 0) & (side(a, b, c) * side(a, b, d) < 0)


def _nearest(box: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The points of boxes ``box`` nearest to points ``p``."""
    return np.minimum(np.maximum(p, box[..., :2]), box[..., 2:])


def _hypot_below(dx: np.ndarray, dy: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Whether ``math.hypot(dx, dy) < limit``, elementwise. numpy's hypot may differ from
    math.hypot in the last bit, so the few lengths near the limit are measured again with
    math.hypot: a length at the limit is tested as the plain, one-at-a-time test does."""
    dx, dy, limit = np.broadcast_arrays(dx, dy, limit)
    length = np.hypot(dx, dy)
    below = length < limit
    for at in zip(*np.nonzero(np.abs(length - limit) <= 1e-9 * np.maximum(np.abs(limit), 1.0)),
                  strict=True):
        below[at] = math.hypot(dx[at], dy[at]) < limit[at]
    return below


def _text_box(ann: Annotation, renderer: RendererBase) -> Bbox:
    # the text alone: Annotation.get_window_extent adds the leader line
    ann.update_positions(renderer)
    return Text.get_window_extent(ann, renderer)


def freeze_layout(fig: Figure) -> RendererBase:
    """Run the layout once and keep it, so that labels placed in display space stay where
    they were measured; returns the renderer they are measured with."""
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig.canvas.get_renderer()


def _spots(w: float, h: float, x0: float, y0: float, p: np.ndarray, px: float
           ) -> list[tuple[float, float, Bbox]]:
    """The boxes a label of the given measures may take around ``p``, nearest first:
    (radius, angle, box in display coordinates)."""
    out = []
    for r in _RADII:
        for angle in _ANGLES:
            ha, va = _alignment(angle)
            bx = p[0] + x0 + r * math.cos(math.radians(angle)) * px
            by = p[1] + y0 + r * math.sin(math.radians(angle)) * px
            bx -= {"left": 0.0, "center": w / 2, "right": w}[ha]
            by -= {"bottom": 0.0, "center": h / 2, "top": h}[va]
            out.append((r, angle, Bbox.from_bounds(bx, by, w, h)))
    return out


_CLASH = 10
"""Weight of a clash (a label covering another or a marker, a leader through a label)
against a doubt (an ambiguous label, a leader through a marker or across a leader, a
label on a line to keep off)."""

_OFF_LINE = 5
"""Weight of a label on a line to keep off (a closed lane, drawn in red, under a name
reads as part of it), against a doubt."""


@dataclass
class _Placed:
    """The labels placed so far, in a layout: each one's spot (an index into its spots,
    -1 where not placed yet) and that spot's box (extents), leader's end on the box and
    whether it has a leader."""

    spot: np.ndarray
    box: np.ndarray
    end: np.ndarray
    leader: np.ndarray

    @classmethod
    def none(cls, n: int) -> _Placed:
        """No label placed, of ``n``."""
        return cls(np.full(n, -1), np.zeros((n, 4)), np.zeros((n, 2)), np.zeros(n, dtype=bool))


@dataclass
class _Scene:
    """What labels are placed among, in display coordinates, and what each spot of each
    label costs whatever the other labels do.

    The cost of a spot (:meth:`costs`) counts clashes (weighted :data:`_CLASH`) and doubts.
    Some depend on the label and the scene alone: markers the label covers, other markers
    as near it as its own (which also give it a leader), lines to keep off under it, its
    leader through other markers. Those are counted once per spot, when the scene is made
    (``leader``, ``fixed``). The others depend on the labels placed (labels covered, leaders
    through the label, its leader through labels or across leaders): they are counted
    anew each time, for all of a label's spots at once against all the labels placed.
    A layout tries every label at every spot several times over, so the fixed part is
    what the count would otherwise spend most of its time on."""

    spots: list[list[tuple[float, float, Bbox]]]
    points: np.ndarray
    centres: list[np.ndarray]
    marks: list[Bbox]
    obstacles: list[tuple[np.ndarray, np.ndarray]]
    px: float

    def __post_init__(self) -> None:
        # for each label, for each of its spots: the box (extents), where a leader from
        # the label's point meets it, whether the label has a leader there, and the cost
        # that does not depend on the other labels
        self.boxes = [np.array([b.extents for _r, _a, b in s]).reshape(-1, 4)
                      for s in self.spots]
        self.ends = [_nearest(b, p) for b, p in zip(self.boxes, self.points, strict=True)]
        self.leader: list[np.ndarray] = []
        self.fixed: list[np.ndarray] = []
        for i in range(len(self.spots)):
            leader, fixed = self._alone(i)
            self.leader.append(leader)
            self.fixed.append(fixed)

    def _alone(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Label ``i``'s spots' leaders and cost in the scene, without the other labels."""
        px = self.px
        clear, half = _CLEAR * px, _MARKER_HALF * px
        p, boxes, ends = self.points[i], self.boxes[i], self.ends[i]
        centres = np.array(self.centres).reshape(-1, 2)
        marks = np.array([m.extents for m in self.marks]).reshape(-1, 4)
        dist = np.array([math.hypot(*(c - p)) for c in self.centres])
        other = dist > px  # a marker at the label's own point is its own
        far = dist > 2 * half  # markers drawn over this one: no leader can avoid them
        clashes = _overlap(boxes[:, None], marks[None], 0.0).sum(axis=1)
        # no leader: the label must be nearer its own point than any other marker
        own = np.array([math.hypot(*e) for e in (ends - p).tolist()])
        gaps = _nearest(boxes[:, None], centres[other][None]) - centres[other][None]
        near = _hypot_below(gaps[..., 0], gaps[..., 1], (own + clear)[:, None])
        r = np.array([r for r, _a, _b in self.spots[i]])
        leader = (r >= _LEADER_FROM) | near.any(axis=1)
        doubts = (near & far[other][None]).sum(axis=1)
        lines = np.array(self.obstacles).reshape(-1, 2, 2)
        doubts += _OFF_LINE * _hits(lines[None, :, 0], lines[None, :, 1],
                                    boxes[:, None]).sum(axis=1)
        doubts += np.where(leader, _hits(p, ends[:, None], marks[far][None]).sum(axis=1), 0)
        return leader, _CLASH * clashes + doubts

    def place(self, placed: _Placed, i: int, k: int) -> None:
        """Put label ``i`` at its spot ``k``."""
        placed.spot[i] = k
        placed.box[i], placed.end[i] = self.boxes[i][k], self.ends[i][k]
        placed.leader[i] = self.leader[i][k]

    def costs(self, i: int, ks: Sequence[int] | slice, placed: _Placed) -> np.ndarray:
        """The cost of label ``i`` at each of its spots ``ks`` among the labels placed (but
        ``i``). All spots at once: with numpy, costing a few or all costs about the same."""
        others = placed.spot >= 0
        others[i] = False
        boxes = placed.box[others]
        with_leader = others & placed.leader
        la, lb = self.points[with_leader], placed.end[with_leader]
        spot, end, leader = self.boxes[i][ks], self.ends[i][ks], self.leader[i][ks]
        clashes = (_overlap(spot[:, None], boxes[None], _GAP * self.px).sum(axis=1)
                   + _hits(la[None], lb[None], spot[:, None]).sum(axis=1))
        doubts = np.zeros(len(spot), dtype=int)
        if leader.any():
            p, q = self.points[i], end[leader][:, None]
            clashes[leader] += _hits(p, q, boxes[None]).sum(axis=1)
            doubts[leader] = _crosses(p, q, la[None], lb[None]).sum(axis=1)
        return self.fixed[i][ks] + _CLASH * clashes + doubts

    def best(self, i: int, placed: _Placed) -> tuple[int, int]:
        """The cheapest spot of label ``i`` among the labels placed (but ``i``): (cost,
        spot); the nearest of equal cost (spots are nearest first)."""
        costs = self.costs(i, slice(None), placed)
        k = int(np.argmin(costs))  # the first of the cheapest
        return int(costs[k]), k

    def layout(self, order: Sequence[int], rounds: int = 3) -> tuple[int, list[int]]:
        """Place labels greedily in ``order``, then move each to a cheaper spot among all
        the others where there is one, for a few rounds; returns the total cost and each
        label's spot (an index into its spots)."""
        placed = _Placed.none(len(self.spots))
        for i in order:
            self.place(placed, i, self.best(i, placed)[1])
        for _ in range(rounds):
            moved = False
            costs = []
            for i in order:
                here = int(self.costs(i, [placed.spot[i]], placed)[0])
                costs.append(here)
                if here == 0:
                    continue
                cost, spot = self.best(i, placed)
                if cost < here:
                    self.place(placed, i, spot)
                    moved = True
            if not moved:  # a round that moved none costed every label where it stays
                return sum(costs), placed.spot.tolist()
        return (sum(int(self.costs(i, [placed.spot[i]], placed)[0]) for i in order),
                placed.spot.tolist())


def place_labels(ax: Axes, labels: Sequence[MapLabel], markers: Sequence[tuple[float, float]],
                 renderer: RendererBase, fontsize: float = LABEL_FONTSIZE,
                 lines: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (),
                 ) -> list[PlacedLabel]:
    """Put each label near its point, inside the axes, overlapping no other label and no
    marker at ``markers`` (data coordinates); returns where each went, in the order given.

    Each label takes the nearest good spot on rings around its point (:data:`_RADII`,
    :data:`_ANGLES`). A spot clashes if the label would cover another label, a marker or a
    leader line, or its own leader would cross a label; it is doubtful if a label is not
    nearer its own point than every other marker (by :data:`_CLEAR`), if its leader passes
    another marker or crosses another leader, or if it lies on one of ``lines`` (data
    coordinates; such as closed lanes drawn in red). A label away from its point gets a
    leader line (from :data:`_LEADER_FROM`), and so does a label nearly as near another
    marker as its own. Labels are placed one by one, in a few orders (isolated points
    first, crowded points first, top to bottom), and the layout with the fewest clashes
    and doubts is kept. Call after :func:`freeze_layout`, which fixes the axes' place on
    the figure, so the measures hold when the figure is saved at any resolution.
    """
    if not labels:
        return []
    px = ax.figure.dpi / 72.0
    to_disp = ax.transData.transform
    frame = ax.get_window_extent(renderer)
    half = _MARKER_HALF * px
    centres = [np.array([x, y])
               for x, y in to_disp(np.asarray(markers, dtype=float).reshape(-1, 2))
               if frame.x0 - half <= x <= frame.x1 + half
               and frame.y0 - half <= y <= frame.y1 + half]
    marks = [Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in centres]
    obstacles = [(to_disp(np.asarray(a, dtype=float)), to_disp(np.asarray(b, dtype=float)))
                 for a, b in lines]
    points = to_disp(np.array([(lab.x, lab.y) for lab in labels], dtype=float))
    spots = []
    for lab, p in zip(labels, points, strict=True):
        probe = ax.annotate(lab.text, (lab.x, lab.y), xytext=(0, 0), textcoords="offset points",
                            fontsize=fontsize, annotation_clip=False, ha="left", va="bottom")
        size = _text_box(probe, renderer)
        probe.remove()
        # unrotated text: its box under another alignment is the same box, shifted
        inside = [(r, a, b) for r, a, b in _spots(size.width, size.height, size.x0 - p[0],
                                                  size.y0 - p[1], p, px)
                  if frame.x0 <= b.x0 and b.x1 <= frame.x1
                  and frame.y0 <= b.y0 and b.y1 <= frame.y1]
        # no spot inside the axes: beside the point, rather than no name
        spots.append(inside or _spots(size.width, size.height, size.x0 - p[0],
                                      size.y0 - p[1], p, px)[:1])
    crowd = [int(np.sum(np.hypot(*(points - p).T) < 40 * px)) for p in points]
    n = range(len(labels))
    orders = [sorted(n, key=lambda i: (crowd[i], -points[i][1], points[i][0])),
              sorted(n, key=lambda i: (-crowd[i], -points[i][1], points[i][0])),
              sorted(n, key=lambda i: (-points[i][1], points[i][0]))]
    scene = _Scene(spots, points, centres, marks, obstacles, px)
    _cost, chosen = min((scene.layout(o) for o in orders), key=lambda t: t[0])
    out = []
    for i, lab in enumerate(labels):
        r, angle, _box = spots[i][chosen[i]]
        leader = bool(scene.leader[i][chosen[i]])
        ha, va = _alignment(angle)
        dx, dy = r * math.cos(math.radians(angle)), r * math.sin(math.radians(angle))
        arrow = ({"arrowstyle": "-", "color": LEADER_COLOR, "lw": 0.5, "shrinkA": 0.0,
                  "shrinkB": _MARKER_HALF} if leader else None)
        ann = ax.annotate(lab.text, (lab.x, lab.y), xytext=(dx, dy), textcoords="offset points",
                          fontsize=fontsize, ha=ha, va=va, color=lab.color, zorder=7,
                          annotation_clip=False, arrowprops=arrow, bbox=_BACKING)
        ann.set_in_layout(False)
        p = points[i]
        out.append(PlacedLabel(ax, ann, (float(p[0]), float(p[1])),
                               _text_box(ann, renderer), leader))
    return out


@st.defaulted
def network_figure(sc: Scenario, plan: Plan | None = None, title: str | None = None) -> Figure:
    """Draw the network of ``sc``; returns a matplotlib figure.

    The whole network, and the exporting country's sites enlarged (:func:`map_panels`);
    every site is named once, on the panel where it is enlarged most."""
    plan = plan or make_plan(sc)
    checks = [c for c in capacity_checks(sc, plan) if c.over]
    over = {c.at for c in checks}
    # a site over capacity is named in red with its load: a red edge on a marker is missed
    over_sites = {c.at: f" ({c.utilisation:.0%} of capacity)" for c in checks
                  if c.at in sc.sites}
    fig = Figure(figsize=(11, 6.4), layout="constrained")
    panels = map_panels(fig, sc)
    flows = {lid: sum(v for (l_id, _c), v in plan.lane_metal.items() if l_id == lid)
             for lid in sc.lanes}
    biggest = max(flows.values(), default=0.0) or 1.0
    for ax in panels.all:
        for lid, lane in sc.lanes.items():
            a, b = sc.sites[lane.from_].location, sc.sites[lane.to].location
            width = 0.4 + 6.0 * math.sqrt(flows[lid] / biggest)
            color = "#d62728" if lid in over else "#555555"
            ax.plot([a.lon, b.lon], [a.lat, b.lat], MODE_STYLE.get(lane.mode, "-"), lw=width,
                    color=color, alpha=0.55, zorder=1, solid_capstyle="round",
                    scalex=ax is panels.world, scaley=ax is panels.world)
        for sid, site in sc.sites.items():
            marker, color = KIND_STYLE.get(site.kind, ("o", "black"))
            edge = "#d62728" if sid in over else "white"
            ax.scatter([site.location.lon], [site.location.lat], marker=marker, s=55, c=color,
                       edgecolors=edge, linewidths=1.2, zorder=3)
        ax.grid(True, lw=0.3, alpha=0.5)
        ax.tick_params(labelsize=8)
        ax.title.set_fontsize(9)
    finish_panels(panels)
    # a lane over capacity is named on the map with its load, as a site is: its red alone
    # is the grey of the other lanes in print, and close to it under protanopia
    for chk in checks:
        if chk.at not in sc.lanes:
            continue
        lane = sc.lanes[chk.at]
        a, b = sc.sites[lane.from_].location, sc.sites[lane.to].location
        mid = ((a.lon + b.lon) / 2, (a.lat + b.lat) / 2)
        # once, on the panel that shows it largest (as sites are named)
        showing = [(abs(np.subtract(*ax.get_xlim()) * np.subtract(*ax.get_ylim())), i)
                   for i, ax in enumerate(panels.all)
                   if min(ax.get_xlim()) <= mid[0] <= max(ax.get_xlim())
                   and min(ax.get_ylim()) <= mid[1] <= max(ax.get_ylim())]
        if showing:
            ax = panels.all[min(showing)[1]]
            ax.text(*mid, f"{st.plain(chk.at)}: {chk.utilisation:.0%} of capacity",
                    fontsize=6.5, color="#d62728", ha="center", va="center", zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "#d62728",
                          "lw": 0.6, "alpha": 0.9})
    kinds_present = [k for k in KIND_STYLE if any(s.kind == k for s in sc.sites.values())]
    handles = [Line2D([], [], marker=KIND_STYLE[k][0], color=KIND_STYLE[k][1], ls="",
                      label=k.replace("_", " ")) for k in kinds_present]
    modes_present = sorted({lane.mode for lane in sc.lanes.values()})
    handles += [Line2D([], [], ls=MODE_STYLE[m], color="#555555", label=m)
                for m in modes_present]
    fig.legend(handles=handles, fontsize=7, loc="outside lower center",
               ncols=min(len(handles), 8), frameon=False)
    # only the default title, built from the scenario's name, is escaped: a caller's own
    # title is drawn as given (mathtext included); both fitted to the figure, which a long
    # scenario id ran past at both edges
    text = title if title is not None else st.plain(
        f"{sc.name}: network (line width = metal flow planned at the start, before policies "
        "and shocks; red, with its load, = over capacity)")
    fig.suptitle(st.fit_lines(text, 0.92 * fig.get_figwidth() * 72, 10), fontsize=10)
    label_map(fig, sc, panels, suffix=over_sites, red=set(over_sites))
    return fig


def label_map(fig: Figure, sc: Scenario, panels: MapPanels,
              suffix: dict[str, str] | None = None, red: set[str] | None = None,
              extra: Sequence[tuple[Axes, MapLabel]] = (),
              marks: Sequence[tuple[float, float]] = (),
              lines: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (),
              ) -> list[PlacedLabel]:
    """Name every site once (:meth:`MapPanels.named_on`). ``suffix`` adds words to a
    site's name, ``red`` names are drawn in red; ``extra`` are more labels (such as lanes'
    closures) placed with the sites', ``marks`` more points no name may cover, ``lines``
    segments names keep off where they can (such as closed lanes). Fixes the figure's
    layout (:func:`freeze_layout`): call it last. Returns where every label went
    (:func:`place_labels`)."""
    suffix = suffix or {}
    red = red or set()
    renderer = freeze_layout(fig)
    for ax in panels.all:
        fit_aspect(ax)
    markers = [(s.location.lon, s.location.lat) for s in sc.sites.values()] + list(marks)
    placed: list[PlacedLabel] = []
    for ax, chosen in panels.named_on(sc):
        labels = [MapLabel(site.location.lon, site.location.lat,
                           st.plain(wrap_name((site.name or sid) + suffix.get(sid, ""))),
                           "#d62728" if sid in red else "black")
                  for sid, site in sc.sites.items() if sid in chosen]
        labels += [lab for a, lab in extra if a is ax]
        placed += place_labels(ax, labels, markers, renderer, lines=lines)
    return placed


FIGURE_FORMATS = (".png", ".svg", ".pdf")


def save_network_figure(sc: Scenario, path: str | Path, plan: Plan | None = None) -> Path:
    """Draw the network and save it (format from the file suffix: .png, .svg, .pdf).

    Raises :class:`FigureError` for another suffix or a path that cannot be written.
    """
    path = check_figure_path(path)
    write_figure_file(network_figure(sc, plan), path)
    return path


def check_figure_path(path: str | Path) -> Path:
    """``path`` as a Path if its suffix names a figure format; raises :class:`FigureError`
    otherwise (checked before any work, so a typo costs nothing)."""
    path = Path(path)
    if path.suffix.lower() not in FIGURE_FORMATS:
        raise FigureError(f"cannot write a figure as {path.name!r}: use one of "
                          f"{', '.join(FIGURE_FORMATS)}")
    if path.is_dir():
        raise FigureError(f"cannot write a figure as {path}: it is a folder")
    # the nearest existing folder on the way must be a folder (one still missing is made)
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise FigureError(f"cannot write a figure as {path}: {parent} is a file, not "
                                  "a folder")
            break
    return path


def write_figure_file(fig: Figure, path: Path) -> None:
    """Render ``fig`` in the format of ``path``'s suffix and write it atomically (a failed
    write never leaves a truncated file under the name). Raises :class:`FigureError`."""
    import io

    from sim.output.atomic import atomic_write_bytes

    buf = io.BytesIO()
    fmt = path.suffix.lower().lstrip(".")
    # under matplotlib's defaults: a user's savefig.bbox or facecolor would reach the file;
    # with no date and the SVG ids salted alike, the same scenario gives the same file
    with st.defaults(), mpl.rc_context({"svg.hashsalt": st.RC["svg.hashsalt"]}):
        fig.savefig(buf, format=fmt, dpi=150, metadata=st.file_metadata(fmt))
    try:
        atomic_write_bytes(path, buf.getvalue())
    except OSError as exc:
        raise FigureError(f"cannot write {path}: {exc.strerror or exc}") from None
