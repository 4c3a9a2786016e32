"""Map names are unambiguous: a name with no leader line sits beside its own marker,
nearer to it than to any other; a name moved away from its marker is joined to it by a
leader line; leader lines cross no other name; names keep off closed lanes.

Checked on the placement's own output (each annotation's point, its text's extent and
whether it has a leader), against every marker drawn on the panel, on the network map of
every shipped scenario and on a results map with the closures of an M23 escalation run
(where the name of Twangiza once sat beside Kavumu airport's marker)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

import sim
from sim.output import figures as F
from sim.output import network_map as N

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))

BESIDE = 12.0
"""A name with no leader is at most this far from its point, points."""


def _dist(box: Bbox, p: np.ndarray) -> float:
    q = np.clip(p, [box.x0, box.y0], [box.x1, box.y1])
    return float(math.hypot(*(q - p)))


def _hits(p: np.ndarray, q: np.ndarray, box: Bbox, inset: float) -> bool:
    """Whether segment p-q passes through ``box`` shrunk by ``inset`` on every side."""
    box = Bbox.from_extents(box.x0 + inset, box.y0 + inset, box.x1 - inset, box.y1 - inset)
    ts = np.linspace(0.0, 1.0, 200)[:, None]
    pts = p + ts * (q - p)
    return bool(np.any((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1)
                       & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)))


def names(ax: Axes) -> list[Annotation]:
    """The names placed on a map panel (the one-letter panel names excluded)."""
    return [t for t in ax.texts if isinstance(t, Annotation) and len(t.get_text()) > 1]


def label_problems(fig: Figure) -> list[str]:
    """Every way a name on ``fig``'s map panels is ambiguous, in words."""
    renderer = N.freeze_layout(fig)
    px = fig.dpi / 72.0
    problems = []
    for ax in fig.axes:
        anns = names(ax)
        if not anns:
            continue
        frame = ax.get_window_extent(renderer)
        markers = [ax.transData.transform(o) for c in ax.collections
                   for o in np.asarray(c.get_offsets(), dtype=float)]
        markers = [m for m in markers if frame.contains(*m)]
        placed = [(" ".join(a.get_text().split()), ax.transData.transform(a.xy),
                   Text.get_window_extent(a, renderer), a.arrow_patch is not None)
                  for a in anns]
        for name, p, box, leader in placed:
            own = _dist(box, p)
            if not leader:
                if own > BESIDE * px:
                    problems.append(f"{name!r} is {own / px:.0f} pt from its marker, "
                                    "with no leader line")
                near = [m for m in markers
                        if math.hypot(*(m - p)) > px and _dist(box, m) <= own]
                if near:
                    problems.append(f"{name!r} is nearer another marker than its own, with "
                                    "no leader line")
                continue
            q = np.clip(p, [box.x0, box.y0], [box.x1, box.y1])
            for other, _p, obox, _lead in placed:
                if other != name and _hits(p, q, obox, 0.5 * px):
                    problems.append(f"the leader of {name!r} crosses {other!r}")
    return problems


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_network_map_names_are_unambiguous(path: Path) -> None:
    assert label_problems(N.network_figure(sim.load_scenario(path))) == []


M23_CLOSED = {"kavumu": 321.0, "butembo": 163.0, "kolwezi_rail_lobito": 11.0,
              "dar_es_salaam": 5.0}
"""Mean days closed in `sim run scenarios/m23_escalation.yaml -n 2`."""


@pytest.fixture
def m23_closures(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    monkeypatch.setattr(F, "closed_days", lambda res: dict(M23_CLOSED))
    return M23_CLOSED


@pytest.mark.parametrize("commodity", ["gold", "cobalt"])
def test_results_map_names_are_unambiguous(baseline_short, m23_closures, commodity) -> None:
    fig = F.map_figure(baseline_short, commodity)
    assert label_problems(fig) == []
    # the names reported beside the wrong marker are there, each once
    texts = [" ".join(a.get_text().split()) for ax in fig.axes for a in names(ax)]
    days = f"{baseline_short.scenario.horizon:,g}"
    for name in ("Twangiza gold mine", f"Kavumu airport (Bukavu) (closed 321 of {days} days)",
                 "Artisanal cobalt (aggregate)"):
        assert texts.count(name) == 1, name


def test_names_keep_off_closed_lanes(baseline_short, m23_closures) -> None:
    # "Artisanal cobalt (aggregate)" sat on the closed Lobito railway, in red like a closure
    fig = F.map_figure(baseline_short, "cobalt")
    renderer = N.freeze_layout(fig)
    sc = baseline_short.scenario
    lane = sc.lanes["kolwezi_rail_lobito"]
    ends = [(sc.sites[s].location.lon, sc.sites[s].location.lat) for s in (lane.from_, lane.to)]
    on_line = []
    for ax in fig.axes:
        p, q = (ax.transData.transform(e) for e in ends)
        for a in names(ax):
            if a.get_text().startswith("kolwezi_rail_lobito") or "Lobito" in a.get_text():
                continue  # the lane's own closure note, and the sites at its ends
            if _hits(p, q, Text.get_window_extent(a, renderer), 0.0):
                on_line.append(" ".join(a.get_text().split()))
    assert on_line == []


def test_a_name_beside_another_marker_is_a_problem() -> None:
    # the check itself: a name put by hand right beside another site's marker, with no
    # leader line, is reported
    fig = Figure(figsize=(4, 3), dpi=100)
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.scatter([2, 5], [5, 5])
    ax.annotate("Far site", (2, 5), xytext=(5.3, 5), textcoords="data", va="center")
    assert any("nearer another marker" in s for s in label_problems(fig))
    assert any("with no leader line" in s for s in label_problems(fig))
