"""Review 189 (accessibility): the flow diagram's ribbons were told apart by colour alone,
and the china, western and informal ribbons are one grey in print; each channel's bar and
ribbons now carry its hatch, as the flows figure's keys do."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.colors import to_hex

import sim
from sim.output import style as st
from sim.output.figures import flow_diagram_figure

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"


def test_each_channels_ribbons_carry_its_hatch() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sim.run(BASELINE, 1, overrides=["horizon_days=30"])
    fig = flow_diagram_figure(res, "cobalt")
    (ax,) = fig.axes
    colors = st.key_colors(list(res.scenario.channels))
    by_colour: dict[str, set[str | None]] = {}
    for patch in ax.patches:
        by_colour.setdefault(to_hex(patch.get_facecolor()[:3]), set()).add(patch.get_hatch())
    for i, channel in enumerate(res.scenario.channels):
        hatches = by_colour.get(to_hex(colors[channel]))
        if hatches:  # a channel that carried cobalt: its bar and ribbons, one hatch
            assert hatches == {st.hatch(i) or None}, channel
    assert len({h for hs in by_colour.values() for h in hs if h}) >= 2
    plt.close(fig)
