"""Review 135: what the resilience KPIs' texts and figures say.

The Q(t) panels drew period means under an axis that did not say so (a 3-day closure read
0.57 deep in a week, where peak_shortfall_share is 1); the recovery note flagged a
commodity "here" by recovered_by_end alone, which names runs short at the end, not the
episode measured, and missed episodes under way on the start date."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.output import figures as F

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_the_q_axes_say_they_are_period_means() -> None:
    res = sim.run(TINY, replications=1, seed=1, figures=False)
    fig = F.deliveries_figure(res)
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert any(label.startswith("Q(t) = consumption / demand,\nmean over each period")
               for label in labels)
    compare = F.compare_series_figure([("a", res), ("b", res)], "performance")
    assert F.Q_AXIS in [ax.get_ylabel() for ax in compare.axes]
