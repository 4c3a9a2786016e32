"""Who took the armed groups' rent (review 114): a row of ``armed_group_rent_usd`` for
each shock that can tax, named as it acts (``event:<id>``, ``regime:<id>``,
``incident:<id>``), whose sum is the commodity's total."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment.precision import kpi_places

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"

SHOCKS = f"""extends: {TINY}
name: taxed
commodities:
  copper:
    reference_price_usd_per_t: {{value: 9000, assumption: test input}}
shocks:
  events:
    toll_early:
      start: 10
      end: 40
      targets: {{sites: [border]}}
      effects:
        tax_rate: {{value: 0.1, assumption: test input}}
    toll_never:
      start: 0
      end: 5
      targets: {{sites: [border]}}
      effects:
        capacity_factor: {{value: 0.5, assumption: test input}}
  regimes:
    home_conflict:
      targets: {{regions: [home]}}
      initial: occupied
      states:
        calm: {{}}
        occupied:
          effects:
            tax_rate: {{value: 0.2, assumption: test input}}
      rates_per_year:
        calm: {{occupied: {{value: 0.001, assumption: test input}}}}
        occupied: {{calm: {{value: 0.001, assumption: test input}}}}
  incidents:
    roadblocks:
      rate_per_year: {{value: 50, assumption: test input}}
      duration_days: {{value: 5, assumption: test input}}
      targets: {{lanes: [border_market]}}
      effects:
        tax_rate: {{value: 0.05, assumption: test input}}
"""


@pytest.fixture(scope="module")
def taxed(tmp_path_factory):
    path = tmp_path_factory.mktemp("rent") / "taxed.yaml"
    path.write_text(SHOCKS, encoding="utf-8")
    sc = sim.load_scenario(path)
    return sc, sim.run(sc, replications=3, seed=4)


def test_each_taxing_shock_has_its_row_and_the_rows_add_up(taxed) -> None:
    sc, res = taxed
    assert sc.shocks.tax_sources() == ["event:toll_early", "regime:home_conflict",
                                       "incident:roadblocks"]
    rows = {src: res.kpi("armed_group_rent_usd", "copper", "all", src)
            for src in sc.shocks.tax_sources()}
    # the event without a tax has no row; every row with a tax took some rent here
    with pytest.raises(KeyError):
        res.kpi("armed_group_rent_usd", "copper", "all", "event:toll_never")
    assert all((v > 0).all() for v in rows.values())
    total = res.kpi("armed_group_rent_usd", "copper")
    np.testing.assert_allclose(sum(rows.values()), total, rtol=1e-12)
    # the regime taxes every lot at 20% of its value; the event's and the incidents'
    # taxes come on top of it for the lots they meet, so the regime takes the most
    assert (rows["regime:home_conflict"] > rows["event:toll_early"]).all()


def test_the_rows_are_known_before_running(taxed) -> None:
    # a --metric naming one must pass the checks made before any replication runs
    sc, res = taxed
    _coms, _chans, sites = kpi_places(sc)
    labels = {lab[2] for lab in res.kpi_labels if lab[3] == "armed_group_rent_usd"}
    assert labels == {"all", *sc.shocks.tax_sources()}
    assert labels <= set(sites)


def test_a_comparison_counts_a_shock_the_reference_lacks_as_new(taxed) -> None:
    # review 117: the rent rows of an event only one scenario scripts got no difference
    import copy

    from sim.experiment.compare import compare_table

    sc, res = taxed
    plain = sim.run(sim.load_scenario(TINY), replications=3, seed=4)
    table = compare_table([plain, res], ["tiny", "taxed"])
    row = table[(table.scenario == "taxed") & (table.metric == "armed_group_rent_usd")
                & (table.site == "event:toll_early")].iloc[0]
    assert row["diff"] == pytest.approx(row["mean"]) and row["diff"] > 0
    assert np.isnan(row["rel_change"])  # from 0: "new"
    # a row the reference's scenario has, but its older results lack, is no zero: results
    # of an older version have none of the new rows (every lane's throughput, the rent
    # and reduced days per shock)
    old = copy.copy(plain)
    keep = [j for j, lab in enumerate(plain.kpi_labels)
            if not (lab[3] == "throughput_t" and lab[2] in plain.scenario.lanes)
            and lab[3] != "reduced_days"
            and not (lab[3] == "armed_group_rent_usd" and lab[2] != "all")]
    old.kpi_labels = [plain.kpi_labels[j] for j in keep]
    old.kpi_values = plain.kpi_values[:, keep]
    old.info = {}  # older results record no version of their rows
    table = compare_table([old, res], ["tiny", "taxed"])
    lane = table[(table.scenario == "taxed") & (table.metric == "throughput_t")
                 & (table.site == "border_market")].iloc[0]
    assert np.isnan(lane["diff"])
    # the same reference as this version writes it: the lane row it lacks is 0 there only
    # if its scenario cannot carry that commodity on it; here it can, and has the row
    table = compare_table([plain, res], ["tiny", "taxed"])
    lane = table[(table.scenario == "taxed") & (table.metric == "throughput_t")
                 & (table.site == "border_market")].iloc[0]
    assert not np.isnan(lane["diff"])


def test_a_shock_or_route_only_the_scenario_has_counts_from_0_on_sites_both_have(tmp_path):
    # review 119: tiny has the border post but no shock on it, so no reduced_days row; a
    # scenario throttling it showed its 40 days with no difference
    from sim.experiment.compare import compare_table

    path = tmp_path / "toll.yaml"
    path.write_text(f"""extends: {TINY}
name: toll
shocks:
  events:
    toll:
      start: 10
      end: 50
      targets: {{sites: [border]}}
      effects:
        capacity_factor: {{value: 0.5, assumption: test input}}
""", encoding="utf-8")
    plain = sim.run(sim.load_scenario(TINY), replications=2, seed=1)
    toll = sim.run(sim.load_scenario(path), replications=2, seed=1)
    table = compare_table([plain, toll], ["tiny", "toll"])
    row = table[(table.scenario == "toll") & (table.metric == "reduced_days")
                & (table.site == "border")].iloc[0]
    assert row["diff"] == pytest.approx(40.0) and np.isnan(row["rel_change"])
    # either way round: the scenario without the shock shows the 40 days gone
    table = compare_table([toll, plain], ["toll", "tiny"])
    row = table[(table.scenario == "tiny") & (table.metric == "reduced_days")
                & (table.site == "border")].iloc[0]
    assert row["mean"] == 0.0 and row["diff"] == pytest.approx(-40.0)
    assert row["rel_change"] == pytest.approx(-1.0)
    # the reference's own row of 0, which compare.md and the terminal print beside it
    ref = table[(table.scenario == "toll") & (table.metric == "reduced_days")
                & (table.site == "border")].iloc[0]
    assert ref["mean"] == pytest.approx(40.0)
    table = compare_table([plain, toll], ["tiny", "toll"])
    ref = table[(table.scenario == "tiny") & (table.metric == "reduced_days")
                & (table.site == "border")].iloc[0]
    assert ref["mean"] == 0.0


def test_rows_are_zeroed_only_for_results_that_record_the_current_row_set(tmp_path):
    # review 120: results of a version between (rent rows, but no reduced days or lane
    # throughput) were taken as current, and the same scenario showed lanes as "new"; and
    # a scenario without an open lane or a shock was not taken as current
    import copy

    from sim.experiment.compare import current_rows
    from sim.metrics.kpis import KPI_ROWS

    plain = sim.run(sim.load_scenario(TINY), replications=1, seed=1)
    assert plain.info["kpi_rows"] == KPI_ROWS and current_rows(plain)
    between = copy.copy(plain)
    between.info = {}
    assert not current_rows(between)
    folder = tmp_path / "run"
    sim.run(sim.load_scenario(TINY), replications=1, seed=1, out=folder, figures=False)
    assert current_rows(sim.load_results(folder))


def test_a_lane_s_truck_count_is_not_zeroed_where_it_is_not_measured(tmp_path):
    # review 120: a lane given a truck capacity in one scenario only got "+388 trucks,
    # new", though the traffic was the same: trucks are counted only where the capacity is
    from sim.experiment.compare import ABSENT_IS_ZERO, compare_table

    assert "throughput_trucks" not in ABSENT_IS_ZERO
    path = tmp_path / "trucks.yaml"
    path.write_text(f"extends: {TINY}\nname: trucks\nlanes:\n  border_market:\n"
                    "    capacity_trucks_per_day: {value: 1000, assumption: test input}\n",
                    encoding="utf-8")
    plain = sim.run(sim.load_scenario(TINY), replications=2, seed=1)
    trucks = sim.run(sim.load_scenario(path), replications=2, seed=1)
    table = compare_table([plain, trucks], ["tiny", "trucks"])
    row = table[(table.scenario == "trucks") & (table.metric == "throughput_trucks")
                & (table.site == "border_market")].iloc[0]
    assert np.isnan(row["diff"])


def test_reduced_days_missing_where_only_a_closure_slows_are_the_closed_days(tmp_path):
    # review 122: a lane closed 10 days in both scenarios, with a capacity in one only
    # (so a reduced_days row in that one alone), showed "reduced_days 0 -> 10, new"
    from sim.experiment.compare import compare_table

    shut = f"""extends: {TINY}
name: NAME
lanes:
  border_market:CAP
shocks:
  events:
    washout:
      start: 10
      end: 20
      targets: {{lanes: [border_market]}}
      effects:
        capacity_factor: {{value: 0, assumption: test input}}
"""
    plain, capped = tmp_path / "lshut.yaml", tmp_path / "lshutcap.yaml"
    plain.write_text(shut.replace("NAME", "lshut").replace("lanes:\n  border_market:CAP\n",
                                                           ""), encoding="utf-8")
    capped.write_text(shut.replace("NAME", "lshutcap").replace(
        ":CAP", ":\n    capacity_t_per_day: {value: 200, assumption: test input}"),
        encoding="utf-8")
    a = sim.run(sim.load_scenario(plain), replications=2, seed=1)
    b = sim.run(sim.load_scenario(capped), replications=2, seed=1)
    with pytest.raises(KeyError):
        a.kpi("reduced_days", "all", "all", "border_market")
    table = compare_table([a, b], ["lshut", "lshutcap"])
    pick = table[(table.metric == "reduced_days") & (table.site == "border_market")]
    ref = pick[pick.scenario == "lshut"].iloc[0]
    row = pick[pick.scenario == "lshutcap"].iloc[0]
    assert ref["mean"] == pytest.approx(10.0) and row["diff"] == pytest.approx(0.0)


def test_a_missing_row_is_valued_alike_in_tables_and_targets() -> None:
    # compare_table and the --target-ci measure share one rule: 0, or a site's closed
    # days for its reduced days
    from sim.experiment.compare import absent_values

    mat = np.array([[10.0, 1.0], [12.0, 2.0]])
    index = {("all", "all", "lane", "closed_days", "days"): 0,
             ("copper", "all", "lane", "throughput_t", "t"): 1}
    reduced = ("all", "all", "lane", "reduced_days", "days")
    np.testing.assert_array_equal(absent_values(reduced, index, mat), [10.0, 12.0])
    rent = ("gold", "all", "event:x", "armed_group_rent_usd", "USD")
    np.testing.assert_array_equal(absent_values(rent, index, mat), [0.0, 0.0])
    np.testing.assert_array_equal(
        absent_values(("all", "all", "road", "reduced_days", "days"), index, mat), [0, 0])
