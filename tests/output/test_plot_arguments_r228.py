"""Review 228: ``res.plot.lead_times(max_routes=...)`` refuses a count that is not a whole
number of at least 1 (1.5 gave pandas' "cannot do positional indexing on RangeIndex", 0 an
empty figure), and the figures that raise ``KeyError`` for an unknown commodity say so."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import sim
from sim.experiment.results import ResultsPlot
from sim.output import figures


@pytest.mark.parametrize("bad", [1.5, 2.0, True, "3", None])
def test_lead_times_refuses_a_max_routes_that_is_not_an_int(tiny_results: sim.Results,
                                                            bad: object) -> None:
    with pytest.raises(TypeError, match="max_routes must be a whole number of routes"):
        tiny_results.plot.lead_times(max_routes=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1])
def test_lead_times_refuses_fewer_than_one_route(tiny_results: sim.Results,
                                                 bad: int) -> None:
    with pytest.raises(ValueError, match=f"max_routes must be at least 1.*not {bad}"):
        tiny_results.plot.lead_times(max_routes=bad)


def test_lead_times_takes_any_whole_count(tiny_results: sim.Results) -> None:
    for count in (1, np.int64(2)):
        fig = tiny_results.plot.lead_times(max_routes=count)  # type: ignore[arg-type]
        plt.close(fig)


@pytest.mark.parametrize("name", ["deliveries", "prices", "map", "flow_diagram",
                                  "lead_times", "queues"])
def test_unknown_commodity_raises_as_documented(tiny_results: sim.Results,
                                                name: str) -> None:
    with pytest.raises(KeyError, match="no commodity 'coper'; did you mean 'copper'"):
        getattr(tiny_results.plot, name)("coper")
    assert "KeyError" in getattr(ResultsPlot, name).__doc__
    assert "KeyError" in getattr(figures, f"{name}_figure").__doc__
