"""A regime that starts as an event on the same site ends takes over at that instant,
before the event's end lets anything through (review 129).

The M23 files end their scripted captures on 2026-01-01 and start the provinces' regimes,
occupied, that day. The regime's own process began after the events' ends of that instant,
so the gold Kavumu's closure had held there left untaxed: western gold's taxed_t was 0
where the regime, started a moment earlier, taxes the 0.22 t held."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

M23 = Path(__file__).resolve().parents[2] / "scenarios" / "m23_escalation.yaml"


@pytest.mark.parametrize("seed", [1, 4])
def test_the_gold_held_at_kavumu_is_taxed_at_the_handover(seed: int) -> None:
    sc = sim.load_scenario(M23, overrides=["end=2026-01-31"])
    res = sim.run(sc, replications=1, seed=seed, figures=False)
    # only that gold is taxed on the western channel: the regime diverts the rest
    assert res.kpi("taxed_t", "gold", "western")[0] == pytest.approx(0.22, abs=0.01)
