"""Two helpers of the loader's messages had one name, so the second replaced the first
(review 80): an event's 'gives both end (30.0)' and a distribution shown as a dict."""

from __future__ import annotations

import datetime as dt

from sim.scenario import loader


def test_a_number_is_shown_without_its_trailing_zero_and_a_distribution_by_name() -> None:
    assert loader._shown(30.0) == "30"
    assert loader._shown({"dist": "lognormal", "mean": 3}) == "a lognormal distribution"


def test_a_date_is_shown_as_written() -> None:
    assert loader._as_written(dt.date(2024, 5, 1)) == "the date 2024-05-01"
    assert loader._as_written("x") == "'x'"
