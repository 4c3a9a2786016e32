"""The hot path's shortcuts change nothing: a mine shipping at once when no ban or quota
exists gives exactly the results of the general path (gates checked, then dispatch), and a
router choosing between two routes does what the general rule does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment.replication import run_replication
from sim.world.mines import Mine
from sim.world.routing import RouteOption, Router

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("scenario", "sets"), [
    ("baseline.yaml", ["horizon_days=200"]),
    ("m23_escalation.yaml", []),  # captured mines divert output; seizures and taxes
])
def test_free_production_equals_the_general_path(scenario: str, sets: list[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    sc = sim.load_scenario(ROOT / "scenarios" / scenario, sets)
    fast = run_replication(sc, 3, 0)
    monkeypatch.setattr(Mine, "_produce_free", Mine._produce_restricted)
    general = run_replication(sc, 3, 0)
    assert fast.events == general.events
    assert fast.kpi_labels == general.kpi_labels
    keep = np.array([label[3] != "mass_balance_error_t" for label in fast.kpi_labels])
    assert np.array_equal(fast.kpi_values()[keep], general.kpi_values()[keep], equal_nan=True)
    assert np.array_equal(fast.series, general.series)


def _options(weights: list[float]) -> list[RouteOption]:
    return [RouteOption(i, f"r{i}", (), (), w, 1.0, 1.0) for i, w in enumerate(weights)]


def test_two_route_choice_follows_the_general_rule() -> None:
    rng = np.random.default_rng(5)
    tonnes = rng.uniform(0.1, 10.0, 500).tolist()
    two = Router("fixed_shares", "wait", _options([0.3, 0.7]))
    # the same two routes plus one of weight zero: the general loop, the same choices
    three = Router("fixed_shares", "wait", _options([0.3, 0.7, 0.0]))
    picked_two = [two.choose(t).index for t in tonnes]
    picked_three = [three.choose(t).index for t in tonnes]
    assert picked_two == picked_three
    # and the tonnage on each route stays within one lot of its share
    sent = np.zeros(2)
    for t, i in zip(tonnes, picked_two, strict=True):
        sent[i] += t
    assert abs(sent[1] - 0.7 * sum(tonnes)) <= max(tonnes)
