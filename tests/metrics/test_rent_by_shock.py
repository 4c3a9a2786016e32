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
    # a row the reference's scenario has, but its older results lack, is no zero
    old = copy.copy(plain)
    keep = [j for j, lab in enumerate(plain.kpi_labels)
            if not (lab[3] == "throughput_t" and lab[2] == "border_market")]
    old.kpi_labels = [plain.kpi_labels[j] for j in keep]
    old.kpi_values = plain.kpi_values[:, keep]
    table = compare_table([old, res], ["tiny", "taxed"])
    lane = table[(table.scenario == "taxed") & (table.metric == "throughput_t")
                 & (table.site == "border_market")].iloc[0]
    assert np.isnan(lane["diff"])
