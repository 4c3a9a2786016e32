"""Review 55: precision metrics refused before anything runs.

``--metric price_peak_ratio:gold`` (gold's price not modelled: no demand_elasticity) ran 60
replications and ended "target met", the ratio being 1 in every replication by definition;
such a price metric is now refused before anything is run, by sim run and sim compare, on
the command line (exit status 2) and from Python. ``--metric
peak_held_trucks:all:all:durban`` (a port: ports count no trucks) was refused only after a
batch ran, blaming the commodity; it is now refused before anything runs, naming the sites
that report it, and a site-level KPI asked where the scenario has no row says where it is
reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from expt_helpers import TINY, cli

import sim
from sim.experiment import executors
from sim.experiment.errors import ExperimentError
from sim.experiment.precision import check_metrics, parse_metrics, select
from sim.experiment.replication import run_replication

UNPRICED = "commodities.copper.demand_elasticity=null"
TRUCK_LANE = "lanes.mine_border.capacity_trucks_per_day=50"
TRUCK_METRICS = ("throughput_trucks", "peak_held_trucks")


@pytest.fixture
def no_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any of the experiment's replications starts: the checks come
    before (the one-day replication that finds the scenario's KPI rows is none of them)."""
    def run(*args: object) -> None:
        raise AssertionError("a replication ran before the metric was refused")

    monkeypatch.setattr(executors, "run_replication", run)


def unpriced() -> sim.Scenario:
    return sim.load_scenario(TINY, overrides=[UNPRICED])


@pytest.mark.parametrize("metric", ["price_peak_ratio:copper",
                                    "days_price_above_baseline:copper", "price_peak_ratio"])
def test_python_run_refuses_unpriced_price_metric(metric: str, tmp_path: Path,
                                                  no_runs: None) -> None:
    with pytest.raises(ExperimentError) as err:
        sim.run(unpriced(), 3, target_ci=0.05, metrics=[metric], out=tmp_path / "out",
                figures=False)
    text = err.value.report()
    assert metric.split(":")[0] in text and "not modelled" in text, text
    assert "demand_elasticity" in err.value.hint, err.value.hint
    assert not (tmp_path / "out").exists()


def test_hint_names_the_commodities_whose_price_is_modelled(tmp_path: Path,
                                                            no_runs: None) -> None:
    corridor = Path(__file__).resolve().parents[2] / "scenarios" / "corridor_shocks.yaml"
    with pytest.raises(ExperimentError) as err:
        sim.run(corridor, 3, target_ci=0.05, metrics=["price_peak_ratio:gold"],
                out=tmp_path / "out", figures=False)
    assert "gold" in str(err.value) and "cobalt, copper" in err.value.hint, err.value.hint
    assert not (tmp_path / "out").exists()


def test_cli_run_refuses_unpriced_price_metric(tmp_path: Path, no_runs: None) -> None:
    out = tmp_path / "out"
    res = cli("run", TINY, "-n", 3, "--set", UNPRICED, "--target-ci", 0.05, "--metric",
              "price_peak_ratio:copper", "--out", out, "--no-figures")
    assert res.exit_code == 2, res.output
    assert "--metric" in res.output and "price_peak_ratio:copper" in res.output
    assert not out.exists()


def test_cli_compare_refuses_price_metric_unpriced_in_every_scenario(
        tmp_path: Path, no_runs: None) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {TINY}\nname: other\nhorizon_days: 20\n")
    out = tmp_path / "cmp"
    res = cli("compare", TINY, other, "-n", 3, "--set", UNPRICED, "--target-ci", 0.05,
              "--metric", "price_peak_ratio:copper", "--out", out, "--no-figures")
    assert res.exit_code == 2, res.output
    assert "price_peak_ratio:copper" in res.output and "not modelled" in res.output
    assert not out.exists()


def test_comparison_with_the_price_modelled_in_one_scenario_is_measured() -> None:
    from sim.experiment.precision import check_measurable

    # the paired difference varies where one scenario models the price
    specs = parse_metrics(["price_peak_ratio:copper"])
    check_measurable(specs, [unpriced(), sim.load_scenario(TINY)])
    check_measurable(specs, [sim.load_scenario(TINY)])
    with pytest.raises(ExperimentError, match="not modelled in any of scenarios"):
        check_measurable(specs, [unpriced(), unpriced()])


def test_python_compare_refuses_price_metric_unpriced_in_every_scenario(
        tmp_path: Path, no_runs: None) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {TINY}\nname: other\nhorizon_days: 20\n")
    with pytest.raises(ExperimentError, match="price_peak_ratio:copper: the price"):
        sim.compare([TINY, other], 3, overrides=[UNPRICED], target_ci=0.05,
                    metrics=["price_peak_ratio:copper"], out=tmp_path / "cmp")
    assert not (tmp_path / "cmp").exists()


@pytest.mark.parametrize("metric, where", [
    ("peak_held_trucks:all:all:market_x", "market_x is a market"),
    ("peak_held_trucks", "total over sites"),
    ("throughput_trucks:all:all:border_market", "lane border_market"),
])
def test_truck_metric_where_no_trucks_are_counted(metric: str, where: str, tmp_path: Path,
                                                  no_runs: None) -> None:
    with pytest.raises(ExperimentError) as err:
        sim.run(TINY, 3, target_ci=0.05, metrics=[metric], out=tmp_path / "out",
                figures=False)
    text = str(err.value)
    assert "reported at: border" in text and where in text, text
    assert "commodities" not in text, text
    assert not (tmp_path / "out").exists()


def test_cli_truck_metric_at_a_port_exits_2(tmp_path: Path, no_runs: None) -> None:
    res = cli("run", TINY, "-n", 3, "--target-ci", 0.05, "--metric",
              "throughput_trucks:copper:all:border", "--out", tmp_path / "out",
              "--no-figures")
    assert res.exit_code == 2, res.output
    assert "every commodity" in res.output and "throughput_trucks:all:all:border" in res.output


def test_truck_metrics_accepted_where_the_kpis_have_rows() -> None:
    """check_metrics' truck sites agree with compute_kpis' rows (a lane in trucks too)."""
    sc = sim.load_scenario(TINY, overrides=[TRUCK_LANE, "horizon_days=5"])
    rows = {(lab[3], lab[2]) for lab in run_replication(sc, 0, 0).kpi_labels
            if lab[3] in TRUCK_METRICS}
    assert rows == {("peak_held_trucks", "border"), ("throughput_trucks", "border"),
                    ("throughput_trucks", "mine_border")}
    places = ["all", *sc.sites, *sc.lanes]
    for metric in TRUCK_METRICS:
        for site in places:
            spec = parse_metrics([f"{metric}:all:all:{site}"])
            if (metric, site) in rows:
                check_metrics(spec, sc)
            else:
                with pytest.raises(ExperimentError, match="is reported at"):
                    check_metrics(spec, sc)


def test_select_says_where_a_site_metric_is_reported() -> None:
    labels = [("all", "all", "durban", "mean_dwell_days", "days"),
              ("all", "all", "lobito", "mean_dwell_days", "days"),
              ("cobalt", "all", "all", "delivered_t", "t")]
    with pytest.raises(ExperimentError) as err:
        select(labels, parse_metrics(["mean_dwell_days:all:all:kasumbalesa"]))
    assert "mean_dwell_days is reported at: durban, lobito" in str(err.value)
    assert "commodities" not in str(err.value)
    assert "mean_dwell_days:all:all:durban" in err.value.hint
    with pytest.raises(ExperimentError, match="exists for commodities all"):
        select(labels, parse_metrics(["mean_dwell_days:cobalt:all:durban"]))
