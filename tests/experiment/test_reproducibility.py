"""Reproducibility: seeds, replication numbers and worker counts decide every number."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from expt_helpers import RANDOM, TINY

import sim
from sim.experiment import collect, run_many, run_replication
from sim.scenario import load_scenario


@pytest.fixture(scope="module")
def random_tiny() -> sim.Scenario:
    return load_scenario(TINY, RANDOM)


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def same_kpis(labels: list, a: np.ndarray, b: np.ndarray) -> bool:
    """Bit-identical KPI values (labels kept for the callers' messages)."""
    del labels
    return same(np.atleast_2d(a), np.atleast_2d(b))


def test_scenario_is_random(random_tiny: sim.Scenario) -> None:
    res = sim.run(random_tiny, replications=3, seed=1)
    lead = res.kpi("mean_lead_time_days", commodity="copper")
    assert len(set(lead.tolist())) == 3  # the replications differ from each other
    assert res.replications == [0, 1, 2]


def test_same_seed_same_results(random_tiny: sim.Scenario) -> None:
    a = sim.run(random_tiny, replications=3, seed=42)
    b = sim.run(random_tiny, replications=3, seed=42)
    assert a.kpi_labels == b.kpi_labels
    assert same_kpis(a.kpi_labels, a.kpi_values, b.kpi_values)
    assert same(a.series_values, b.series_values)


def test_different_seed_different_results(random_tiny: sim.Scenario) -> None:
    a = sim.run(random_tiny, replications=3, seed=42)
    b = sim.run(random_tiny, replications=3, seed=43)
    assert a.kpi_labels == b.kpi_labels
    assert not same_kpis(a.kpi_labels, a.kpi_values, b.kpi_values)
    assert not same(a.series_values, b.series_values)
    # the mined tonnage differs in every replication (gamma output factor per lot)
    assert np.all(a.kpi("mined_t", commodity="copper") != b.kpi("mined_t", commodity="copper"))


def test_deterministic_scenario_ignores_the_seed(tiny_path: Path) -> None:
    sc = load_scenario(tiny_path)
    a = sim.run(sc, replications=2, seed=1)
    b = sim.run(sc, replications=2, seed=999)
    assert same(a.kpi_values, b.kpi_values)
    assert same(a.kpi_values[0], a.kpi_values[1])


def test_one_or_two_workers_give_identical_results(random_tiny: sim.Scenario) -> None:
    one = sim.run(random_tiny, replications=4, seed=7, workers=1)
    two = sim.run(random_tiny, replications=4, seed=7, workers=2)
    assert one.replications == two.replications == [0, 1, 2, 3]
    assert one.kpi_labels == two.kpi_labels
    assert same_kpis(one.kpi_labels, one.kpi_values, two.kpi_values)
    assert same(one.series_values, two.series_values)


def test_replication_is_the_same_alone_or_among_others(random_tiny: sim.Scenario) -> None:
    everything = run_many(random_tiny, range(5), seed=3)
    subset = run_many(random_tiny, [4, 1], seed=3)
    labels = [row[:5] for row in everything[0].kpis]
    assert [r.replication for r in subset] == [1, 4]  # sorted by number
    for res in subset:
        full = everything[res.replication]
        assert full.replication == res.replication
        assert [row[:5] for row in res.kpis] == labels
        assert same_kpis(labels, res.kpi_values(), full.kpi_values())
        assert same(res.series, full.series)
    alone = run_replication(random_tiny, 3, 2)
    assert same_kpis(labels, alone.kpi_values(), everything[2].kpi_values())
    assert not same_kpis(labels, everything[1].kpi_values(), everything[2].kpi_values())


def test_collect_stacks_in_replication_order(random_tiny: sim.Scenario) -> None:
    results = run_many(random_tiny, [2, 0], seed=5)
    res = collect(random_tiny, 5, results)
    assert res.replications == [0, 2]
    assert same_kpis(res.kpi_labels, res.kpi_values[1],
                     run_replication(random_tiny, 5, 2).kpi_values())
    kp = res.kpis
    assert list(kp.columns) == ["replication", "commodity", "channel", "site", "metric",
                                "value", "unit"]
    assert sorted(kp["replication"].unique().tolist()) == [0, 2]
    assert len(kp) == 2 * len(res.kpi_labels)


def test_results_tables_are_consistent(random_tiny: sim.Scenario) -> None:
    res = sim.run(random_tiny, replications=3, seed=11)
    kp = res.kpis
    mined = kp[(kp.metric == "mined_t") & (kp.channel == "all") & (kp.site == "all")]
    assert mined.sort_values("replication")["value"].tolist() == \
        res.kpi("mined_t", commodity="copper").tolist()
    summary = res.summary()
    row = summary[(summary.metric == "mined_t") & (summary.channel == "all")
                  & (summary.site == "all")].iloc[0]
    values = res.kpi("mined_t", commodity="copper")
    assert row["mean"] == pytest.approx(values.mean())
    assert row["n"] == 3
    assert row["ci_low"] < row["mean"] < row["ci_high"]
    series = res.series
    assert len(series) == res.series_values.size
    assert set(series["replication"]) == {0, 1, 2}
    ss = res.series_summary()
    assert set(ss["statistic"]) == {"mean", "sd", "p05", "p50", "p95"}
    with pytest.raises(KeyError):
        res.kpi("no_such_metric")


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"replications": 0}, "replications"),
    ({"seed": -1}, "seed"),
    ({"workers": 0}, "workers"),
])
def test_run_rejects_bad_arguments(random_tiny: sim.Scenario, kwargs: dict,
                                   fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        sim.run(random_tiny, **kwargs)


def test_results_are_bit_identical_whatever_the_memory_layout(
        random_tiny: sim.Scenario) -> None:
    first = run_replication(random_tiny, 3, 2).kpi_values()
    ballast = []
    for trial in range(25):
        ballast.append([object() for _ in range(37 * trial + 1)])  # move the allocator
        again = run_replication(random_tiny, 3, 2).kpi_values()
        assert same(first, again), f"trial {trial} differs"


def test_a_kpi_asked_for_by_a_wrong_name_says_the_closest_one(tiny_path: Path) -> None:
    res = sim.run(load_scenario(tiny_path), replications=1, seed=1, workers=1)
    assert res.kpi("delivered_t", "copper").shape == (1,)
    with pytest.raises(KeyError, match="commodity 'coppr' is not in these results; did you "
                                       "mean 'copper'"):
        res.kpi("delivered_t", "coppr")
    with pytest.raises(KeyError, match="metric 'delivred_t' is not in these results; did you "
                                       "mean 'delivered_t'"):
        res.kpi("delivred_t", "copper")
    # every part exists, not together: the sites delivered_t has for copper and formal
    with pytest.raises(KeyError, match="delivered_t has no site 'border' for commodity "
                                       "'copper', channel 'formal'; name one of: all, "
                                       "route:direct"):
        res.kpi("delivered_t", "copper", "formal", "border")


def test_a_kpi_these_results_lack_is_not_mistaken_for_a_typo(tiny_path: Path) -> None:
    res = sim.run(load_scenario(tiny_path), replications=1, seed=1, workers=1)
    # tiny has no shock that can close anything, so no closed_days rows
    with pytest.raises(KeyError, match="metric 'closed_days' exists, but these results have "
                                       "none"):
        res.kpi("closed_days", "copper")
