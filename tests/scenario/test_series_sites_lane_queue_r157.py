"""A site named in series_sites that lanes with a loading capacity leave: its lots waiting
to load are the lane's, which the notes and the queues figure's empty panel say (review
157: 82,000 t waited to load onto the Lobito railway while Kolwezi's rail terminal read
"no copper held" and nothing pointed to series_lanes)."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.output.figures import queues_figure
from sim.scenario import load_scenario
from sim.scenario.loader import meta_of

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
LOADED = "lanes.border_market.capacity_t_per_day=1000"


def notes(*overrides: str) -> list[str]:
    return [n for n in meta_of(load_scenario(TINY, list(overrides))).notes
            if "lots waiting to load" in n]


def test_a_site_a_loaded_lane_leaves_points_to_the_lane() -> None:
    assert notes("series_sites=[border]", LOADED) == [
        "series_sites: lots waiting to load at 'border' onto border_market are the lane's, "
        "not the site's (its held_t leaves them out): name it in series_lanes for their "
        "waiting_t, e.g. series_lanes: [border_market]"]


def test_no_note_where_the_lane_is_named_has_no_capacity_or_is_not_left() -> None:
    assert notes("series_sites=[border]", LOADED, "series_lanes=[border_market]") == []
    assert notes("series_sites=[border]") == []
    # the lane arrives at the market: lots wait to load at the border, not there
    assert notes("series_sites=[market_x]", LOADED) == []


def test_the_empty_panel_of_the_terminal_names_its_railway() -> None:
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml",
                       ["horizon_days=30", "series_sites=[kolwezi_rail]"])
    fig = queues_figure(sim.run(sc, replications=1, seed=1))
    texts = " ".join(t.get_text().replace("\n", " ") for ax in fig.axes for t in ax.texts)
    assert "held at Kolwezi rail terminal" in texts
    assert "(lots waiting to load onto kolwezi_rail_lobito are the lane's: name it in " \
           "series_lanes)" in " ".join(texts.split())
