"""Review 226: survivors of :func:`sim.experiment.sweep._ties_rounded` (W05, W06)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiment.sweep import _ties_rounded


def test_values_either_side_of_a_rounding_step_are_tied() -> None:
    # W05 (np.round -> np.floor): the step is 2e-6 (1e-9 of 2000); 1000.0000003 and
    # 999.9999999 round to the same step but fall either side of 1000 when floored
    out = _ties_rounded(np.array([2000.0, 1000.0000003, 999.9999999]))
    assert out[1] == out[2]
    assert out[0] > out[1]


def test_the_scale_is_the_largest_magnitude_not_the_largest_value() -> None:
    # W06 (np.abs dropped): the scale would come from -1e-3 (the largest value), a step
    # of 1e-12 that ties nothing; from -2000 (the largest magnitude) the step is 2e-6
    out = _ties_rounded(np.array([-2000.0, -1000.0000003, -999.9999999, -1e-3]))
    assert out[1] == out[2]
    assert out[0] < out[1] < out[3]


def test_nan_stays_nan() -> None:
    out = _ties_rounded(np.array([1.0, np.nan]))
    assert np.isnan(out[1]) and out[0] == pytest.approx(1.0)
