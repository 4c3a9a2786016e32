"""KPIs that survived the second mutation review (review 41): each test here fails on a
small, plausible bug (named in its docstring) that the rest of the suite let through.

Chains are deterministic: one copper mine ships a 100 t lot at every whole day (from the
start of the warm-up), every transit and clearance time is fixed, so every figure follows
by hand.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.experiment.replication import run_replication
from sim.metrics.kpis import _hist_quantile
from sim.scenario import scenario_from_dict
from sim.world.daybook import LEAD_BINS

EXACT = {"rel": 1e-12, "abs": 1e-9}


def kpis_of(data: dict) -> dict[tuple[str, str, str, str], float]:
    result = run_replication(scenario_from_dict(data), seed=1, replication=0)
    return {(com, chan, site, metric): value
            for com, chan, site, metric, _unit, value in result.kpis}


# ------------------------------------------------------------------- lead-time quantiles
def test_a_quantile_in_the_first_day_bin_interpolates_from_zero() -> None:
    """Mutant: _hist_quantile takes the share below bin 0 as ``cum[-1]`` (the whole
    histogram, 1) instead of 0, so every quantile of leads under a day read 0."""
    hist = np.zeros(LEAD_BINS + 1)
    hist[0] = 100.0  # 100 t, every lead in [0, 1) days
    total = float(hist.sum())
    cum = np.cumsum(hist) / total
    assert _hist_quantile(cum, hist, total, 0.5) == pytest.approx(0.5, abs=1e-12)
    assert _hist_quantile(cum, hist, total, 0.9) == pytest.approx(0.9, abs=1e-12)
    # and a quantile in bin 1 still counts bin 0 below it
    hist[1] = 100.0
    total = float(hist.sum())
    cum = np.cumsum(hist) / total
    assert _hist_quantile(cum, hist, total, 0.25) == pytest.approx(0.5, abs=1e-12)
    assert _hist_quantile(cum, hist, total, 0.75) == pytest.approx(1.5, abs=1e-12)


# ------------------------------------------------------------------------ shortfall days
def test_shortfall_days_ignore_shares_of_a_tenth_of_a_percent_or_less(build) -> None:
    """Mutant: compute_kpis counts every day with any shortfall (``> 0``) in
    shortfall_days, not only those short by more than 0.1% of demand."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1)], ["market"], horizon=20, warmup=5)
    markets = {"markets": ["market"]}
    # The market gets exactly its 100 t/day. Demand x 1.0005 on days 5-7 leaves
    # 0.05 t of 100.05 t short (0.05%, not a shortfall day); demand x 1.002 on days 12-13
    # leaves 0.2 t of 100.2 t short (0.2%, a shortfall day).
    data["shocks"] = {"events": {
        "tiny": {"start": 5, "end": 8, "targets": markets,
                 "effects": {"demand_factor": 1.0005}, "assumption": "test"},
        "small": {"start": 12, "end": 14, "targets": markets,
                  "effects": {"demand_factor": 1.002}, "assumption": "test"}}}
    k = kpis_of(data)
    assert k[("copper", "all", "all", "shortfall_t")] == pytest.approx(3 * 0.05 + 2 * 0.2,
                                                                       rel=1e-9)
    assert k[("copper", "all", "all", "shortfall_days")] == 2.0


# ----------------------------------------------------------------------------- waits
def slow_border(build: SimpleNamespace) -> dict:
    """mine -> 2 days -> border post (2 trucks/day: a 100 t lot of 4 trucks clears in 2
    days) -> 1 day -> market, 11 days, no warm-up."""
    data = build.scenario({"mine": build.mine(), "border": build.border(2.0),
                           "market": build.market()},
                          [build.lane("mine", "border", 2), build.lane("border", "market", 1)],
                          ["border", "market"], horizon=11)
    return data


def test_mean_wait_counts_the_lot_still_in_service_at_the_end(build) -> None:
    """Mutant: _server_kpis divides the waits of the lots that started service by the lots
    that finished it, so a lot in service at the horizon inflates the mean wait."""
    # Lot k arrives at k + 2 and starts at 2 + 2k (the post clears one lot every 2 days):
    # it waits k days. Starts at 2, 4, 6, 8, 10 (k = 0..4) fall before the end at 11;
    # the lot started at 10 is still in service. Mean wait (0 + 1 + 2 + 3 + 4) / 5 = 2.
    k = kpis_of(slow_border(build))
    assert k[("all", "all", "border", "mean_wait_days")] == pytest.approx(2.0, **EXACT)
    # four lots finished (at 4, 6, 8, 10): the in-service one is what the check is about
    assert k[("copper", "all", "border", "throughput_t")] == pytest.approx(400.0, **EXACT)
