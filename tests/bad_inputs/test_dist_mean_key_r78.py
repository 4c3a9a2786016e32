"""A distribution takes only its documented key ``mean`` (review 78): ``mean_``, the
attribute's Python name, was accepted alone, as a lane's ``from_`` was."""

from __future__ import annotations

import pytest

from sim.distributions import LogNormal
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario
from tests.conftest import TINY


def test_mean_underscore_is_refused_naming_mean() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(TINY, ["lanes.mine_border.transit_days={dist: lognormal, mean_: 3, sd: 1}"])
    said = str(exc.value)
    assert "unknown field 'mean_'" in said and "did you mean 'mean'?" in said


def test_a_dumped_distribution_validates_again_and_scales() -> None:
    dist = LogNormal.model_validate({"dist": "lognormal", "mean": 3, "sd": 1})
    assert dist.model_dump() == {"dist": "lognormal", "mean": 3.0, "sd": 1.0}
    assert LogNormal.model_validate(dist.model_dump()) == dist
    assert dist.scaled(2.0).model_dump() == {"dist": "lognormal", "mean": 6.0, "sd": 2.0}
