"""An export control acts on the refiner shipments of the days from its start to the day
before its end. A refiner ships at the close of a day, and that shipment belongs to the day
that closes: the one leaving as the control's first day begins is the day before's, and
goes (review 125 took it for a control in force over (start, end]; the docs now say so)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim

DATA = Path(__file__).resolve().parents[1] / "data" / "control_window.yaml"


@pytest.mark.parametrize("end", [50, None])
def test_shipments_of_days_start_to_end_minus_one_are_stopped(end: int | None) -> None:
    overrides = [f"policies.export_controls.stop_us.end={end}"] if end else []
    res = sim.run(sim.load_scenario(DATA, overrides=overrides), replications=1, seed=1,
                  workers=1, figures=False)
    s = res.series
    usa = s[(s.metric == "market_arrivals_t") & (s.key == "USA")].sort_values("date")
    arrivals = usa["value"].to_numpy()
    # 5 t a day leave for the USA; each arrives 30 days after the close of its day, so
    # day d's shipment lands on day d + 31 (days counted from the start date)
    assert np.allclose(arrivals[31:61], 5.0)  # days 0-29 shipped, day 29's the last
    stopped = arrivals[61:81] if end else arrivals[61:]
    assert np.allclose(stopped, 0.0)  # days 30 to 49 (or to the end) stopped
    if end:
        assert np.allclose(arrivals[81:], 5.0)  # day 50's shipment goes again
