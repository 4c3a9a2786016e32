"""KPI review of 29 November: time to recover over disrupted runs only (NaN without a
shortfall episode), a ``refined`` channel row so that channel rows add up to ``all``, a note
where money KPIs cannot be valued (no reference price), and a terminal headline table that
says when a mean covers fewer replications than were run.

The scenarios are built with the shared builders (tests/conftest.py): one copper mine
(100 t/day, COD) and a market abroad (CHN, 100 t/day of demand).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim.experiment.compare import Comparison, compare_table
from sim.experiment.stats import summarise
from sim.metrics.kpis import _resilience_times
from sim.metrics.series import REFINED
from sim.output.compare_output import comparison_text
from sim.output.tables import headline_table
from sim.scenario import scenario_from_dict
from sim.scenario.checks import unpriced_money


def strikes(build, rate_per_year: float = 3.0) -> dict[str, Any]:
    """A 1-day lane from mine to market, closed for 10 days by strikes arriving
    ``rate_per_year``; 60 measured days after a 5-day warm-up."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", {"dist": "fixed", "value": 1})],
                          ["market"], horizon=60, warmup=5)
    data["shocks"] = {"incidents": {"strike": {
        "rate_per_year": rate_per_year, "duration_days": 10.0,
        "targets": {"lanes": ["mine_market"]}, "effects": {"capacity_factor": 0.0}}}}
    return data


def total(frame: pd.DataFrame, metric: str, column: str = "value") -> pd.Series:
    return frame[(frame["metric"] == metric) & (frame["channel"] == "all")
                 & (frame["site"] == "all")][column]


# ====================================================== F1: time to recover without an episode
def test_time_to_recover_is_nan_without_an_episode_and_its_mean_is_over_disrupted_runs(
        build) -> None:
    res = sim.run(scenario_from_dict(strikes(build)), replications=8, seed=3)
    ttr = total(res.kpis, "time_to_recover_days").to_numpy()
    short = total(res.kpis, "shortfall_days").to_numpy()
    # a run without a short day has no episode to recover from: no value, not 0
    assert np.array_equal(np.isnan(ttr), short == 0)
    assert 0 < np.isnan(ttr).sum() < 8
    assert (ttr[~np.isnan(ttr)] >= 6).all()  # every strike closes the lane 10 days
    row = total(res.summary(), "time_to_recover_days", "mean")
    n = int(total(res.summary(), "time_to_recover_days", "n").iloc[0])
    assert n == int((~np.isnan(ttr)).sum())
    assert float(row.iloc[0]) == pytest.approx(np.nanmean(ttr))
    assert float(row.iloc[0]) >= 6  # not pulled down by the undisrupted runs
    # time to shortfall stays the period's length where there is none (censored)
    tts = total(res.kpis, "time_to_shortfall_days").to_numpy()
    assert (tts[np.isnan(ttr)] == 60).all()


def test_time_to_recover_on_hand_made_shares_and_an_empty_period() -> None:
    share = np.array([[0.5, 0.0], [0.0, 0.01], [0.0, 0.0]])
    recover, recovered, survive, _ = _resilience_times(share)
    assert recover[0] == 1.0 and math.isnan(recover[1])
    assert list(recovered) == [1.0, 1.0] and list(survive) == [0.0, 3.0]
    assert np.isnan(_resilience_times(np.zeros((0, 2)))[0]).all()


def test_a_comparison_with_time_to_recover_undefined_in_one_arm(build) -> None:
    quiet = strikes(build)
    del quiet["shocks"]
    calm = sim.run(scenario_from_dict(quiet), replications=4, seed=3)
    hit = sim.run(scenario_from_dict(strikes(build, rate_per_year=30.0)), replications=4,
                  seed=3)
    table = compare_table([calm, hit], ["calm", "hit"])
    ttr = table[(table["metric"] == "time_to_recover_days") & (table["channel"] == "all")]
    ref, other = ttr.iloc[0], ttr.iloc[1]
    assert ref["n"] == 0 and math.isnan(ref["mean"])
    assert other["n"] == 4 and other["mean"] > 0
    # no pair has both values: no difference, rather than one against a made-up 0
    assert other["diff_n"] == 0 and math.isnan(other["diff"])
    # and the terminal table shows dashes for it, no "nan"
    comp = Comparison(["calm", "hit"], ["calm", "hit"], [calm, hit], table, [0, 1, 2, 3],
                      [3, 3])
    text = comparison_text(comp, ["time_to_recover_days"])
    line = next(x for x in text.splitlines() if "time_to_recover_days" in x)
    assert line.split()[2] == "-" and "nan" not in text.lower()


def test_headline_table_says_a_kpi_without_any_value_is_not_applicable(build) -> None:
    # a horizon shorter than the journey: nothing delivered, no lead time in any run
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", {"dist": "fixed", "value": 5})],
                          ["market"], horizon=3)
    res = sim.run(scenario_from_dict(data), replications=2, seed=1)
    text = headline_table(res.summary())
    line = next(x for x in text.splitlines() if "mean_lead_time_days" in x)
    assert "n/a" in line and "0 of 2" in line
    assert "n/a: the KPI has no value in any replication" in text
    assert "nan" not in text.lower()


# ========================================================== F4: means over fewer runs than N
def summary_of(values: dict[str, list[float]]) -> pd.DataFrame:
    rows = [("copper", "all", "all", metric, "t", v)
            for metric, vs in values.items() for v in vs]
    frame = pd.DataFrame(rows, columns=["commodity", "channel", "site", "metric", "unit",
                                        "value"])
    return summarise(frame, ["commodity", "channel", "site", "metric", "unit"])


def test_headline_table_says_when_a_mean_covers_fewer_runs() -> None:
    summary = summary_of({"mined_t": [1.0, 2.0, 3.0, 4.0],
                          "mean_lead_time_days": [2.0, np.nan, 4.0, np.nan]})
    text = headline_table(summary)
    line = next(x for x in text.splitlines() if "mean_lead_time_days" in x)
    assert line.split()[2] == "3.00" and line.rstrip().endswith("2 of 4")
    mined = next(x for x in text.splitlines() if "mined_t" in x)
    assert "of 4" not in mined
    assert "how many of the 4 replications a mean is over" in text
    # every mean over every run: no column, no note
    plain = headline_table(summary_of({"mined_t": [1.0, 2.0]}))
    assert "runs" not in plain and "note" not in plain


# ============================================== F2: refined exports have a channel row
def home_refinery(build, refiner_region: str = "home") -> dict[str, Any]:
    """Copper mined in the DRC, refined by ``smelter`` (in ``refiner_region``) and sold to
    a market in China; priced, so that export values are not 0."""
    sites = {"mine": build.mine(),
             "smelter": build.site("refiner", region=refiner_region,
                                   capacity_t_per_year={"copper": 1e6},
                                   sales={"copper": {"market": 1.0}}),
             "market": build.market()}
    lanes = [build.lane("mine", "smelter", 1.0), build.lane("smelter", "market", 3.0)]
    data = build.scenario(sites, lanes, ["smelter"], horizon=40)
    data["commodities"]["copper"]["reference_price_usd_per_t"] = 9000.0
    return data


def test_refined_exports_have_a_channel_row_and_channel_rows_add_up_to_all(build) -> None:
    res = sim.run(scenario_from_dict(home_refinery(build)), replications=1, seed=1)
    k = res.kpis[res.kpis["site"] == "all"]
    for metric in ("exported_t", "in_transit_end_t", "export_value_usd", "seized_t"):
        rows = k[k["metric"] == metric].set_index("channel")["value"]
        assert REFINED in rows.index, metric
        assert rows.drop("all").sum() == pytest.approx(rows["all"]), metric
    exported = k[k["metric"] == "exported_t"].set_index("channel")["value"]
    assert exported["formal"] == 0.0 and exported[REFINED] > 2000.0
    # refined metal is not delivered metal: no share, and control over the mines' flow
    # is unchanged
    assert not ((k["channel"] == REFINED)
                & k["metric"].isin(["delivered_t", "delivered_share"])).any()
    assert float(total(k, "control_hhi").iloc[0]) == pytest.approx(10_000.0)


def test_refined_rows_only_where_refined_metal_can_be(build) -> None:
    abroad = sim.run(scenario_from_dict(home_refinery(build, "away")), replications=1, seed=1)
    k = abroad.kpis
    refined = set(k[k["channel"] == REFINED]["metric"])
    # refined metal travels and can be seized abroad, but does not leave the DRC
    assert refined == {"in_transit_end_t", "in_transit_start_t", "seized_t"}
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1.0)], ["market"], horizon=10)
    none = sim.run(scenario_from_dict(data), replications=1, seed=1)
    assert not (none.kpis["channel"] == REFINED).any()


# =================================================== F3: money KPIs without a reference price
def test_a_royalty_or_tax_without_a_reference_price_is_noted(build) -> None:
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1.0)], ["market"], horizon=10)
    assert unpriced_money(scenario_from_dict(data)) == []
    data["commodities"]["copper"]["royalty_rate"] = 0.035
    data["shocks"] = {"events": {"toll": {"start": 0, "targets": {"sites": ["mine"]},
                                          "effects": {"tax_rate": 0.1}}}}
    [note] = unpriced_money(scenario_from_dict(data))
    assert note.startswith("commodity 'copper' has no reference_price_usd_per_t: its "
                           "export_value_usd, royalty_usd and armed_group_rent_usd will be 0 ")
    assert "royalty_rate 0.035 and the tax_rate of shocks.events.toll" in note
    assert "give commodities.copper.reference_price_usd_per_t" in note
    data["commodities"]["copper"]["reference_price_usd_per_t"] = 9000.0
    assert unpriced_money(scenario_from_dict(data)) == []


def test_sim_validate_prints_the_unpriced_money_note(build, tmp_path) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1.0)], ["market"], horizon=10)
    data["commodities"]["copper"]["royalty_rate"] = 0.035
    path = tmp_path / "unpriced.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "has no reference_price_usd_per_t" in result.output


def test_the_unpriced_note_names_only_taxes_that_reach_the_commodity() -> None:
    from pathlib import Path

    from sim.scenario import load_scenario
    from sim.scenario.checks import unpriced_money

    m23 = Path(__file__).resolve().parents[2] / "scenarios" / "m23_escalation.yaml"
    # the eastern gold taxes (Rubaya, Goma, ...) never meet copper, which is mined and
    # carried in the south
    [copper] = unpriced_money(load_scenario(
        m23, ["commodities.copper.reference_price_usd_per_t=null"]))
    assert "royalty_rate" in copper and "tax_rate" not in copper
    [gold] = unpriced_money(load_scenario(
        m23, ["commodities.gold.reference_price_usd_per_t=null"]))
    assert "the tax_rate of shocks.events.goma_falls" in gold


def test_a_commodity_no_refiner_refines_has_no_refined_rows() -> None:
    from pathlib import Path

    from sim.experiment.errors import ExperimentError
    from sim.experiment.precision import check_metrics, parse_metrics
    from sim.experiment.replication import run_replication
    from sim.scenario import load_scenario

    baseline = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"
    sc = load_scenario(baseline, ["horizon_days=10", "warmup_days=5"])
    labels = run_replication(sc, 1, 0).kpi_labels
    refined = {(com, metric) for com, chan, _site, metric, _unit in labels if chan == REFINED}
    assert ("cobalt", "in_transit_end_t") in refined
    assert not any(com == "gold" for com, _metric in refined)  # no refiner refines gold
    check_metrics(parse_metrics(["in_transit_end_t:cobalt:refined"]), sc)
    with pytest.raises(ExperimentError, match="no refiner refines gold"):
        check_metrics(parse_metrics(["in_transit_end_t:gold:refined"]), sc)
