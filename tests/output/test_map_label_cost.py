"""The fast placement of map names costs and places exactly as its plain definition does.

:func:`~sim.output.network_map.place_labels` costs every spot of every label many times
over; to be quick it counts what does not depend on the other labels once per spot and
the rest with numpy, for all of a label's spots at once (``_Scene``). This file keeps the
plain definition, one spot and one other box or segment at a time (as the placement was
first written), and checks on crowded random scenes that both give the same costs, the
same leader lines and the same layouts, to the last tie."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.transforms import Bbox

from sim.output import network_map as N

PX = 100 / 72
"""Pixels per point of the random scenes."""


# --------------------------------------------------------------- the plain definition
def overlaps(a: Bbox, b: Bbox, gap: float) -> bool:
    return not (a.x1 + gap <= b.x0 or b.x1 + gap <= a.x0
                or a.y1 + gap <= b.y0 or b.y1 + gap <= a.y0)


def segment_hits(p: np.ndarray, q: np.ndarray, box: Bbox) -> bool:
    d = q - p
    lo, hi = 0.0, 1.0
    for pi, di, b0, b1 in ((p[0], d[0], box.x0, box.x1), (p[1], d[1], box.y0, box.y1)):
        if abs(di) < 1e-12:
            if pi < b0 or pi > b1:
                return False
            continue
        t0, t1 = (b0 - pi) / di, (b1 - pi) / di
        lo, hi = max(lo, min(t0, t1)), min(hi, max(t0, t1))
        if lo > hi:
            return False
    return True


def segments_cross(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> bool:
    def side(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> float:
        return float((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    return side(c, d, a) * side(c, d, b) < 0 and side(a, b, c) * side(a, b, d) < 0


def nearest_on(box: Bbox, p: np.ndarray) -> np.ndarray:
    return np.array([min(max(p[0], box.x0), box.x1), min(max(p[1], box.y0), box.y1)])


def box_distance(box: Bbox, p: np.ndarray) -> float:
    q = nearest_on(box, p)
    return float(math.hypot(q[0] - p[0], q[1] - p[1]))


Spot = tuple[float, float, Bbox, bool]


def plain_best(scene: N._Scene, i: int, out: dict[int, Spot],
               spots: list[tuple[float, float, Bbox]] | None = None) -> tuple[int, Spot]:
    """The cheapest of ``spots`` (by default all of label ``i``'s) among the labels in
    ``out`` (but ``i``): (cost, spot); the nearest of equal cost."""
    px = scene.px
    gap, clear, half = N._GAP * px, N._CLEAR * px, N._MARKER_HALF * px
    boxes = [out[j][2] for j in out if j != i]
    leaders = [(scene.points[j], nearest_on(out[j][2], scene.points[j]))
               for j in out if j != i and out[j][3]]
    p = scene.points[i]
    dist = [math.hypot(*(c - p)) for c in scene.centres]
    others = [c for c, d in zip(scene.centres, dist, strict=True) if d > px]
    apart = [m for m, d in zip(scene.marks, dist, strict=True) if d > 2 * half]
    best: tuple[int, Spot] | None = None
    for r, angle, box in scene.spots[i] if spots is None else spots:
        clashes = sum(overlaps(box, b, gap) for b in boxes)
        clashes += sum(overlaps(box, m, 0.0) for m in scene.marks)
        clashes += sum(segment_hits(a, b, box) for a, b in leaders)
        own = box_distance(box, p)
        near = [c for c in others if box_distance(box, c) < own + clear]
        leader = r >= N._LEADER_FROM or bool(near)
        doubts = sum(math.hypot(*(c - p)) > 2 * half for c in near)
        doubts += N._OFF_LINE * sum(segment_hits(a, b, box) for a, b in scene.obstacles)
        if leader:
            q = nearest_on(box, p)
            clashes += sum(segment_hits(p, q, b) for b in boxes)
            doubts += sum(segment_hits(p, q, m) for m in apart)
            doubts += sum(segments_cross(p, q, a, b) for a, b in leaders)
        cost = N._CLASH * clashes + doubts
        if best is None or cost < best[0]:
            best = (cost, (r, angle, box, leader))
        if cost == 0:
            break
    assert best is not None
    return best


def plain_layout(scene: N._Scene, order: list[int], rounds: int = 3
                 ) -> tuple[int, dict[int, Spot]]:
    out: dict[int, Spot] = {}
    for i in order:
        out[i] = plain_best(scene, i, out)[1]
    for _ in range(rounds):
        moved = False
        for i in order:
            here = plain_best(scene, i, out, [out[i][:3]])[0]
            if here == 0:
                continue
            cost, spot = plain_best(scene, i, out)
            if cost < here:
                out[i] = spot
                moved = True
        if not moved:
            break
    return sum(plain_best(scene, i, out, [out[i][:3]])[0] for i in order), out


# ------------------------------------------------------------------------ random scenes
def random_scene(seed: int, n: int = 12) -> N._Scene:
    """``n`` labels crowded on a 400 x 300 pixel map, among their own markers and others
    (one on a label's point, one just beside another), with lines to keep off (one level,
    one upright, one through a point) and a few labels with fewer spots (as near the
    axes' edges) or one."""
    rng = np.random.default_rng(seed)
    points = rng.uniform((40.0, 40.0), (360.0, 260.0), (n, 2))
    points[1] = points[0] + rng.uniform(-6.0, 6.0, 2)  # two sites nearly on each other
    half = N._MARKER_HALF * PX
    centres = [*points, *rng.uniform((0.0, 0.0), (400.0, 300.0), (8, 2)),
               points[2] + 0.3 * PX, points[3] + (2.5 * half, 0.0)]
    marks = [Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in centres]
    obstacles = [(rng.uniform(0, 400, 2), rng.uniform(0, 400, 2)) for _ in range(3)]
    obstacles += [(np.array([10.0, 150.0]), np.array([390.0, 150.0])),
                  (np.array([200.0, 10.0]), np.array([200.0, 290.0])),
                  (points[4].copy(), points[5].copy())]
    spots = []
    for i, p in enumerate(points):
        w, h = rng.uniform(25.0, 110.0), rng.uniform(8.0, 26.0)
        every = N._spots(w, h, rng.uniform(-2.0, 2.0), rng.uniform(-5.0, 0.0), p, PX)
        if i % 4 == 1:
            every = [s for s in every if rng.random() < 0.6]
        spots.append(every[:1] if i == n - 1 else every)
    return N._Scene(spots, points, centres, marks, obstacles, PX)


SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_spot_costs_what_the_plain_definition_says(seed: int) -> None:
    scene = random_scene(seed)
    rng = np.random.default_rng(100 + seed)
    n = len(scene.spots)
    placed = N._Placed.none(n)
    out: dict[int, Spot] = {}
    for j in range(n):
        if rng.random() < 0.8:  # most placed, somewhere
            k = int(rng.integers(len(scene.spots[j])))
            scene.place(placed, j, k)
            r, angle, box = scene.spots[j][k]
            out[j] = (r, angle, box, bool(scene.leader[j][k]))
    for i in range(n):
        costs = scene.costs(i, slice(None), placed)
        for k, spot in enumerate(scene.spots[i]):
            cost, (_r, _a, _b, leader) = plain_best(scene, i, out, [spot])
            assert (int(costs[k]), bool(scene.leader[i][k])) == (cost, leader), (i, k)


@pytest.mark.parametrize("seed", SEEDS)
def test_layouts_are_the_plain_definitions(seed: int) -> None:
    scene = random_scene(seed)
    n = len(scene.spots)
    rng = np.random.default_rng(200 + seed)
    for order in (list(range(n)), list(reversed(range(n))), list(rng.permutation(n))):
        order = [int(i) for i in order]
        total, spots = scene.layout(order)
        plain_total, plain = plain_layout(scene, order)
        assert total == plain_total
        for i in range(n):
            k = next(k for k, s in enumerate(scene.spots[i]) if s[2] is plain[i][2])
            assert (spots[i], bool(scene.leader[i][spots[i]])) == (k, plain[i][3]), i


def test_a_scene_is_crowded_enough_to_check_every_cost() -> None:
    # the random scenes have labels costing each kind of clash and doubt somewhere
    scene = random_scene(0)
    assert any(f.min() > 0 for f in scene.fixed)  # a label with no spot free of markers
    assert any(lead.any() and not lead.all() for lead in scene.leader)
    total, _spots = scene.layout(list(range(len(scene.spots))))
    assert total > 0


def test_geometry_at_once_is_the_geometry_one_at_a_time() -> None:
    rng = np.random.default_rng(7)
    lo = rng.uniform(0.0, 100.0, (300, 2))
    ext = np.hstack([lo, lo + rng.uniform(0.0, 40.0, (300, 2))])
    boxes = [Bbox.from_extents(*e) for e in ext]
    p = rng.uniform(-20.0, 160.0, (300, 2))
    q = rng.uniform(-20.0, 160.0, (300, 2))
    q[::5, 0] = p[::5, 0]  # upright segments
    q[1::5, 1] = p[1::5, 1]  # level ones
    q[2::25] = p[2::25]  # points
    hits = N._hits(p[:, None], q[:, None], ext[None])
    over = N._overlap(ext[:, None], ext[None], 1.5)
    cross = N._crosses(p[:, None], q[:, None], p[None], q[None])
    near = N._nearest(ext, p)
    for a in range(0, 300, 7):
        for b in range(0, 300, 3):
            assert hits[a, b] == segment_hits(p[a], q[a], boxes[b])
            assert over[a, b] == overlaps(boxes[a], boxes[b], 1.5)
            assert cross[a, b] == segments_cross(p[a], q[a], p[b], q[b])
        assert (near[a] == nearest_on(boxes[a], p[a])).all()


def test_length_below_a_limit_as_math_hypot_says() -> None:
    # numpy's hypot and math.hypot differ in the last bit now and then: at a limit equal
    # to a length, or a bit either side, the test is math.hypot's
    rng = np.random.default_rng(3)
    dx, dy = rng.normal(0.0, 300.0, 20000), rng.normal(0.0, 300.0, 20000)
    exact = np.array([math.hypot(a, b) for a, b in zip(dx, dy, strict=True)])
    for limit in (exact, np.nextafter(exact, np.inf), np.nextafter(exact, -np.inf),
                  np.hypot(dx, dy)):
        want = np.array([math.hypot(a, b) < c for a, b, c in zip(dx, dy, limit, strict=True)])
        assert (N._hypot_below(dx, dy, limit) == want).all()
