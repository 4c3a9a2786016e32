"""Results, comparisons and sweeps as Python objects: their arguments, equality, how they
show in a notebook, and reading folders back."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from expt_helpers import TINY

import sim
from sim.experiment.results import Results
from sim.metrics.series import catalogue


def fake_series(n: int = 4) -> Results:
    """Results of tiny.yaml whose every series holds 0, 1, ..., n - 1 over replications."""
    sc = sim.load_scenario(TINY)
    cat = catalogue(sc)
    series = np.broadcast_to(np.arange(n, dtype=np.float32)[:, None, None],
                             (n, len(cat.keys), cat.n_periods)).copy()
    return Results(sc, 0, list(range(n)), [], np.zeros((n, 0)), cat, series)


# --- series quantiles --------------------------------------------------------------------


def test_quantiles_in_percent_are_told_the_fractions_meant() -> None:
    # numpy said "Quantiles must be in the range [0, 1]" from deep inside
    with pytest.raises(ValueError, match=r"quantiles must be fractions between 0 and 1, .* "
                                         r"not \[5, 50, 95\] \(percents; as fractions: "
                                         r"\[0.05, 0.5, 0.95\]\)"):
        fake_series().series_summary([5, 50, 95])


@pytest.mark.parametrize("quantiles", [[0.5, 2], [-0.1], [float("nan")]])
def test_a_quantile_outside_0_1_is_refused(quantiles: list[float]) -> None:
    with pytest.raises(ValueError, match=r"quantiles must be fractions between 0 and 1") as info:
        fake_series().series_summary(quantiles)
    assert "percents" not in str(info.value)  # 0.5 is a fraction: 2 is not 2%


@pytest.mark.parametrize(("quantiles", "message"), [
    (0.5, r"not a single float: wrap it in a list, e\.g\. \[0\.5\]"),
    ("0.5", "not a str: wrap it in a list"),
    (["0.5"], r"numbers between 0 and 1, got '0.5' \(str\)"),
    ([True], r"got True \(bool\)"),
    (None, "not NoneType"),
])
def test_quantiles_that_are_not_a_list_of_numbers_are_refused(quantiles: Any,
                                                               message: str) -> None:
    with pytest.raises(TypeError, match=message):
        fake_series().series_summary(quantiles)


def test_quantiles_as_an_array_or_tuple_are_fine() -> None:
    res = fake_series()
    table = res.series_summary(np.array([0.25, 0.75]))
    assert list(table["statistic"].unique()) == ["mean", "sd", "p25", "p75"]
    assert list(res.series_summary((0.5,))["statistic"].unique()) == ["mean", "sd", "p50"]
