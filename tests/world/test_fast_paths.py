"""The hot path's shortcuts change nothing: a mine shipping at once when no ban or quota
exists gives exactly the results of the general path (gates checked, then dispatch), and
the router's single-pass round robin makes the choices the rule states."""

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


def _reference_choices(weights: list[float], tonnes: list[float]) -> list[int]:
    """The smooth weighted round robin as the rule states it: every route earns its
    weight x tonnes, the first with most credit goes and pays the lot's total weight."""
    credit = [0.0] * len(weights)
    out = []
    for t in tonnes:
        for i, w in enumerate(weights):
            credit[i] += w * t
        best = max(range(len(weights)), key=credit.__getitem__)
        credit[best] -= sum(weights) * t
        out.append(best)
    return out


@pytest.mark.parametrize("weights", [[0.3, 0.7], [0.2, 0.5, 0.3],
                                     [0.05, 0.1, 0.15, 0.2, 0.1, 0.1, 0.25, 0.05]])
def test_route_choice_follows_the_rule_and_keeps_shares(weights: list[float]) -> None:
    rng = np.random.default_rng(5)
    tonnes = rng.uniform(0.1, 10.0, 2000).tolist()
    router = Router("fixed_shares", "wait", _options(weights))
    picked = [router.choose(t).index for t in tonnes]
    assert picked == _reference_choices(weights, tonnes)
    sent = np.zeros(len(weights))
    for t, i in zip(tonnes, picked, strict=True):
        sent[i] += t
    # every route within about one lot of its share of the tonnage
    shares = np.array(weights) / sum(weights)
    assert np.all(np.abs(sent - shares * sum(tonnes)) <= 2 * max(tonnes))


def test_a_rerouting_router_leaves_closed_routes_out_until_they_reopen() -> None:
    class Gate:
        capacity_factor = 1.0

        def routing_factor(self, leaving: object = None) -> float:
            return max(self.capacity_factor, 0.0)

    gate = Gate()
    options = _options([0.5, 0.5])
    options[0].legs = (gate,)  # route 0 runs through the gate
    epoch = [0]
    router = Router("fixed_shares", "reroute", options, epoch)
    assert {router.choose(1.0).index for _ in range(4)} == {0, 1}
    gate.capacity_factor = 0.0
    epoch[0] += 1  # what the world does on any capacity change
    assert {router.choose(1.0).index for _ in range(6)} == {1}
    gate.capacity_factor = 1.0
    epoch[0] += 1
    assert {router.choose(1.0).index for _ in range(6)} == {0, 1}
