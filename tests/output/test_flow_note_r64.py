"""Review 64, F3: the flow diagram's footnote named only metal mined in the warm-up as what
makes a column taller than the one before it; stocks given at the start (a refiner's
initial_feed_t or initial_output_t, such as the export ban's 80,100 t of Chinese refiners'
feed) reach markets during the run too, and make the markets' column taller."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")


def test_the_flow_note_names_both_causes_of_a_taller_column(tiny_results) -> None:
    from sim.output import figures as F

    fig = F.flow_diagram_figure(tiny_results)
    note = " ".join(fig._supxlabel.get_text().split())
    assert "taller where metal mined in the warm-up arrives during the run" in note
    assert "initial_feed_t" in note and "initial_output_t" in note
    assert "stocks given at the start" in note
    # the longer note still fits the figure
    fig.canvas.draw()
    box = fig._supxlabel.get_window_extent()
    width = fig.get_figwidth() * fig.dpi
    assert box.x0 >= 0 and box.x1 <= width and box.y0 >= 0
