"""The measured period's mass balance can be rebuilt from the KPIs (review 93, F6).

Before, no KPI gave what was held when the measured period started, nor the tonnes the
start-date reset of the given initial stocks adds (World._set_start_stocks): baseline's
cobalt showed mined + other supply - consumed - lost = 36,697 t against 157,092 t held at
the end, with nothing to close the gap. stock_start_t and in_transit_start_t (taken after
the reset) close it per commodity:

    mined_t + other_supply_t - consumed_t - lost_t
        = stock_end_t + in_transit_end_t - stock_start_t - in_transit_start_t
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
FLOWS = ("mined_t", "other_supply_t", "consumed_t", "lost_t")
HELD = ("stock_end_t", "in_transit_end_t", "stock_start_t", "in_transit_start_t")


def totals(kpis: pd.DataFrame) -> pd.DataFrame:
    """The per-commodity totals (channel and site ``all``) as [commodity, metric]."""
    rows = kpis[(kpis["channel"] == "all") & (kpis["site"] == "all")
                & kpis["metric"].isin(FLOWS + HELD)]
    return rows.pivot_table(index="commodity", columns="metric", values="value")


def balance_gap(t: pd.DataFrame) -> pd.Series:
    """Flows in minus the change in holdings, per commodity, relative to the largest
    term (0 when the period balances)."""
    flows = t["mined_t"] + t["other_supply_t"] - t["consumed_t"] - t["lost_t"]
    change = (t["stock_end_t"] + t["in_transit_end_t"]
              - t["stock_start_t"] - t["in_transit_start_t"])
    scale = t[list(FLOWS + HELD)].abs().max(axis=1)
    return (flows - change).abs() / scale


def test_tiny_run_without_warmup_starts_from_the_given_stocks() -> None:
    # warm-up 0: the period starts on day 0, with only the market's 1,000 t anywhere
    res = sim.run(load_scenario(TINY, ["horizon_days=30"]), replications=1, seed=1)
    t = totals(res.kpis)
    assert t.loc["copper", "stock_start_t"] == pytest.approx(1000.0, rel=1e-12)
    assert t.loc["copper", "in_transit_start_t"] == 0.0
    assert balance_gap(t).max() < 1e-9


def test_tiny_run_with_warmup_and_seizures_balances_from_the_kpis(tmp_path: Path) -> None:
    scen = tmp_path / "seize.yaml"
    scen.write_text(f"""extends: {TINY}
name: seize
horizon_days: {{value: 40, assumption: test input}}
warmup_days: {{value: 20, assumption: test input}}
shocks:
  events:
    cut:
      start: 5
      duration_days: 10
      targets: {{sites: [border]}}
      effects: {{seize_share: 0.2}}
      assumption: test input
""", encoding="utf-8")
    res = sim.run(load_scenario(scen), replications=2, seed=3)
    for _, kpis in res.kpis.groupby("replication"):
        t = totals(kpis)
        assert t.loc["copper", "lost_t"] > 100.0  # seizures are in the balance
        # lots set off in the warm-up are on the lanes when the period starts, and the
        # market is reset to its given 1,000 t whatever the warm-up consumed
        assert t.loc["copper", "in_transit_start_t"] > 100.0
        assert t.loc["copper", "stock_start_t"] >= 1000.0
        assert balance_gap(t).max() < 1e-6
    # stock_start_t is a total, as stock_end_t is; in_transit_start_t has the channel
    # rows in_transit_end_t has (tests/metrics/test_start_transit_by_channel.py)
    start = res.kpis[res.kpis["metric"].isin(["stock_start_t", "in_transit_start_t"])]
    assert set(start["site"]) == {"all"} and set(start["unit"]) == {"t"}
    assert set(start[start["metric"] == "stock_start_t"]["channel"]) == {"all"}
    assert set(start[start["metric"] == "in_transit_start_t"]["channel"]) == {"all", "formal"}


def test_shipped_scenario_balances_from_the_kpis() -> None:
    # the baseline's reset puts back the initial stocks of refiners, markets and
    # stockpiles the warm-up drew on: without stock_start_t and in_transit_start_t the
    # period's flows are far from the change in holdings
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml",
                       ["horizon_days=30", "warmup_days=60"])
    res = sim.run(sc, replications=1, seed=1)
    t = totals(res.kpis)
    assert set(t.index) == {"cobalt", "copper", "gold"}
    assert balance_gap(t).max() < 1e-6
    flows = t["mined_t"] + t["other_supply_t"] - t["consumed_t"] - t["lost_t"]
    assert (flows - t["stock_end_t"] - t["in_transit_end_t"]).abs().max() > 1000.0
