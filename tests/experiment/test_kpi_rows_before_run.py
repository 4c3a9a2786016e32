"""A precision target's KPI is matched against the scenario's rows before anything runs.

Review 122 left two refusals open that came only after replications had run: ``--metric
reduced_days`` at a site no throttle can slow (found after the first batch), and a
comparison's target on a row only the compared scenario has at a site the reference also
has (after every batch, as "no KPI named"). The rows come from a one-day replication
(``kpi_labels_of``); they are fixed by the scenario, which the first test and
tests/scenarios/test_shipped.py hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from expt_helpers import BASELINE, ROOT, TINY, cli

import sim
from sim.experiment import executors
from sim.experiment.errors import ExperimentError
from sim.experiment.replication import kpi_labels_of, run_replication

PEER = ROOT / "benchmarks" / "networks" / "supplynetpy_peer.yaml"
CORRIDOR = ROOT / "scenarios" / "corridor_shocks.yaml"


@pytest.fixture
def no_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any of the experiment's replications starts."""
    def run(*args: object) -> None:
        raise AssertionError("a replication ran before the metric was refused")

    monkeypatch.setattr(executors, "run_replication", run)


def test_a_one_day_replication_writes_the_rows_of_a_whole_one() -> None:
    # the shipped scenarios are held in tests/scenarios/test_shipped.py
    sc = sim.load_scenario(PEER)
    assert kpi_labels_of(sc) == run_replication(sc, 3, 1).kpi_labels


def test_reduced_days_where_only_a_closure_slows_is_refused_first(
        tmp_path: Path, no_runs: None) -> None:
    # goma is a trading hub: closable by the M23 shocks, with no capacity to throttle
    res = cli("run", BASELINE, "-n", 2, "--target-ci", 0.1, "--metric",
              "reduced_days:all:all:goma", "--out", tmp_path / "out", "--no-figures")
    assert res.exit_code == 2, res.output
    assert "only a closure slows it" in res.output
    assert "--metric closed_days:all:all:goma" in res.output
    assert not (tmp_path / "out").exists()


def test_a_combination_the_scenario_lacks_is_refused_before_the_run(
        tmp_path: Path, no_runs: None) -> None:
    with pytest.raises(ExperimentError) as err:
        sim.run(TINY, 2, target_ci=0.1, metrics=["mean_wait_days:copper:all:border"],
                out=tmp_path / "out", figures=False)
    assert "exists for commodities all" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_a_row_only_the_compared_scenario_has_is_refused_before_the_run(
        tmp_path: Path, no_runs: None) -> None:
    # lobito_shanghai is a lane of both; only corridor_shocks routes copper over it
    metric = "throughput_t:copper:all:lobito_shanghai"
    res = cli("compare", BASELINE, CORRIDOR, "-n", 2, "--target-ci", 0.1, "--metric", metric,
              "--out", tmp_path / "cmp", "--no-figures")
    assert res.exit_code == 2, res.output
    assert ("only corridor_shocks has this row, not the reference baseline, where its "
            "value is 0") in " ".join(res.output.split())
    assert not (tmp_path / "cmp").exists()
    with pytest.raises(ExperimentError, match="only corridor_shocks has this row"):
        sim.compare([BASELINE, CORRIDOR], replications=2, target_ci=0.1, metrics=[metric])


def test_a_row_neither_scenario_has_names_the_reference_sites(no_runs: None) -> None:
    with pytest.raises(ExperimentError) as err:
        sim.compare([BASELINE, CORRIDOR], replications=2, target_ci=0.1,
                    metrics=["throughput_t:cobalt:all:lobito_shanghai"])
    assert "throughput_t is reported at: kasumbalesa" in str(err.value)


def test_a_sweep_metric_the_scenario_lacks_is_refused_before_the_run(
        tmp_path: Path, no_runs: None) -> None:
    res = cli("sweep", TINY, "--param", "sites.border.clearance_trucks_per_day=40:60:int",
              "-n", 3, "--out", tmp_path / "s", "-q", "--no-figures", "--metric",
              "mean_wait_days:copper:all:border")
    assert res.exit_code == 2, res.output
    assert "exists for commodities all" in res.output
    assert not (tmp_path / "s").exists()


def test_a_sweep_metric_a_swept_parameter_gives_the_points_runs(tmp_path: Path) -> None:
    # review 130: the base's lane has no capacity, so no utilisation; every point gives it
    # one. Refused once rows were checked against the base alone; it ran before, and does
    res = cli("sweep", TINY, "--param", "lanes.mine_border.capacity_trucks_per_day=50:100",
              "-n", 2, "-w", 1, "--out", tmp_path / "s", "-q", "--no-figures", "--metric",
              "utilisation:all:all:mine_border")
    assert res.exit_code == 0, res.output
    assert "utilisation:all:all:mine_border" in (tmp_path / "s" / "sweep.csv").read_text()


def test_a_metric_the_scenario_has_no_row_of_says_why(no_runs: None) -> None:
    with pytest.raises(ExperimentError) as err:
        sim.run(TINY, 2, target_ci=0.1, metrics=["reduced_days:all:all:border"])
    text = str(err.value)
    assert "the scenario has no row of reduced_days, which is written only where" in text
    assert "did you mean" not in text + (err.value.hint or "")


def test_reduced_days_the_reference_reads_as_closed_days_says_so(tmp_path: Path,
                                                                 no_runs: None) -> None:
    # a closure of a road without a capacity: only closed days there; a capacity in the
    # other scenario gives it reduced days, which the tables read as the reference's
    # closed days (not 0)
    path = tmp_path / "closed.yaml"
    path.write_text(f"extends: {TINY}\nname: closed\nshocks:\n  events:\n    cut:\n"
                    "      start: 10\n      end: 20\n      targets: {lanes: [mine_border]}\n"
                    "      effects: {capacity_factor: 0}\n", encoding="utf-8")
    other = sim.load_scenario(path, ["lanes.mine_border.capacity_trucks_per_day=200",
                                     "name=other"])
    with pytest.raises(ExperimentError) as err:
        sim.compare([sim.load_scenario(path), other], replications=2, target_ci=0.1,
                    metrics=["reduced_days:all:all:mine_border"])
    text = " ".join(str(err.value).split())
    assert "read its reduced days as its closed days" in text
    assert "its value is 0" not in text
    assert "closed_days:all:all:mine_border" in err.value.hint
