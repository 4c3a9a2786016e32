"""Review 214: what the command line prints beside a grid's or LHS design's rank
correlations (the chance line, a KPI's value at fewer samples, money KPIs valued at a price
index, noise that changes an effect's size only) reached no Python caller and no sweep
folder; an :int parameter's repeated points counted as samples; a date swept as days was
never called days; a list index past the end was a --set's "no item 3"."""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment.sweep import steady_columns
from sim.output.sweep_output import noise_note, sweep_text, table_notes

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
CLEARANCE = "sites.border.clearance_trucks_per_day"
PRICED = ["commodities.copper.reference_price_usd_per_t=9000"]


def quiet_sweep(*args, **kwargs) -> sim.Sweep:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sim.run_sweep(*args, **kwargs)


def test_a_python_grid_sweep_gets_the_chance_line_as_a_caution_and_a_warning() -> None:
    with pytest.warns(UserWarning) as record:
        sw = sim.run_sweep(TINY, [f"{CLEARANCE}=2:50"], "grid", 3, replications=2)
    (caution,) = [c for c in sw.cautions if "from chance" in c]
    assert caution.startswith("with 3 sample(s) no rank correlation can be told from chance")
    assert "(samples=)" in caution and "(-n)" not in caution
    assert caution in [str(w.message) for w in record]
    assert f"note: {caution}" in repr(sw)


def test_sim_sweep_keeps_the_chance_line_in_its_notes() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = sim.sweep(TINY, {CLEARANCE: (2, 50)}, "lhs", 6)
    assert any(n.startswith("With 6 samples, |rho| below ") for n in table.attrs["notes"])


def test_a_kpi_with_fewer_values_gets_its_line_in_python_too() -> None:
    sw = quiet_sweep(TINY, ["horizon_days=5:22:int", f"{CLEARANCE}=50:100"], "lhs", 10,
                     seed=5, metrics=["mean_lead_time_days"])
    col = "mean_lead_time_days:copper"
    n = int(sw.table[col].notna().sum())
    assert f"{col} has a value in {n} of 10 samples" in "\n".join(sw.cautions)


def test_the_summary_and_the_cautions_say_the_same() -> None:
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "lhs", 6)
    text = sweep_text(sw)
    for line in table_notes(sw):
        assert line in text
    assert len(sw.cautions) == len([n for n in table_notes(sw) if "from chance" in n
                                    or "could be chance" in n])


def test_repeated_points_of_an_int_parameter_do_not_count_as_samples() -> None:
    # two whole numbers over six LHS samples: two distinct points, four repeats
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=40:41:int"], "lhs", 6)
    assert sw.repeated_points == 4
    (line,) = [c for c in sw.cautions if "chance" in c]
    assert line.startswith("with 2 distinct points (the other 4 of the 6 samples repeat "
                           "them) no rank correlation can be told from chance")
    assert "With 6 samples" not in sweep_text(sw)
    # more samples cannot help: the parameter takes two values
    assert "no number of samples can tell one" in line


def test_money_kpis_at_a_capped_price_index_get_the_reports_note() -> None:
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "grid", 3,
                     overrides=[*PRICED, "commodities.copper.price_cap_ratio=1.2"],
                     metrics=["export_value_usd:copper", "price_peak_ratio:copper"])
    (note,) = [c for c in sw.cautions if c.startswith("export_value_usd")]
    assert "valued at the model's price index (copper: the index reached its cap (1.2) at " \
           "every sample)" in note
    assert "note: export_value_usd of copper are valued at the model's price index" in \
        sweep_text(sw, ["export_value_usd:copper", "price_peak_ratio:copper"])


def test_money_kpis_at_a_fixed_price_get_the_fixed_price_note(tmp_path: Path) -> None:
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "grid", 3,
                     overrides=[*PRICED, "commodities.copper.demand_elasticity=null"],
                     metrics=["export_value_usd:copper"], out=tmp_path / "s", figures=False)
    assert any("valued at the reference price in every year (copper at 9,000 USD/t"
               in c for c in sw.cautions)
    saved = json.loads((tmp_path / "s" / "sweep.json").read_text())["table_notes"]
    assert any(n.startswith("note: export_value_usd of copper are valued at the reference")
               for n in saved)


def test_an_unpriced_commodity_gets_no_money_note() -> None:
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "grid", 3,
                     metrics=["export_value_usd:copper", "price_peak_ratio:copper"],
                     overrides=["commodities.copper.price_cap_ratio=1.2"])
    assert not [c for c in sw.cautions if "export_value_usd" in c]


def test_replications_that_rank_the_points_alike_are_steady() -> None:
    labels = {k: [("all", "all", "all", "m", "t")] for k in range(4)}
    units = {"m:all": "t"}
    # one replication 0 at every point (a deal failed in it), two falling
    falling = {(k, 0): np.array([0.0]) for k in range(4)}
    falling.update({(k, 1): np.array([9.0 - k]) for k in range(4)})
    falling.update({(k, 2): np.array([20.0 - 3 * k]) for k in range(4)})
    assert steady_columns(falling, labels, units, range(4), 3) == ["m:all"]
    crossing = dict(falling)
    crossing[(0, 2)] = np.array([-1.0])
    crossing[(3, 2)] = np.array([30.0])  # rep 2 rises where rep 1 falls
    assert steady_columns(crossing, labels, units, range(4), 3) == []
    # review 218: one replication varying, the others flat, ranks nothing "alike"
    one = {key: v for key, v in falling.items() if key[1] < 2}
    assert steady_columns(one, labels, units, range(4), 2) == []


def test_the_noise_note_says_a_steady_effect_varies_in_size_not_direction() -> None:
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "grid", 3, replications=2)
    col = "delivered_t:copper"
    noisy = dataclasses.replace(sw, noise_share={col: 1.0}, steady=[col])
    note = noise_note(noisy, [col])
    assert note is not None
    assert "correlations weaken with it" not in note and "chance size" not in note
    assert ("every replication in which it varies (two or more) ranks the samples in the "
            "same order") in note
    assert "the effect's size varies between replications, its direction does not" in note
    # noise that reorders the samples still weakens the correlations
    mixed = dataclasses.replace(noisy, steady=[])
    assert "correlations weaken with it" in (noise_note(mixed, [col]) or "")


def test_the_noise_caution_names_the_sobol_column_without_a_folder() -> None:
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "sobol", 2)
    (caution,) = [c for c in sw.cautions if "noise_share" in c]
    assert "sobol.csv" not in caution and 'the Sweep\'s .sobol["noise_share"]' in caution


def test_one_sample_is_singular() -> None:
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "lhs", 1)
    assert "lhs design, 1 sample x 1 replication" in sw.design_text()


def test_a_list_index_past_the_end_is_the_params_with_the_lists_length() -> None:
    with pytest.raises(sim.ExperimentError) as info:
        quiet_sweep(TINY, ["channels.formal.routes.direct.path.5.x=1:2"], "lhs", 2)
    text = str(info.value)
    assert "no item 5 at channels.formal.routes.direct.path, which has 2 items (items 0 to " \
           "1)" in text
    assert "--set" not in text.split("problem in scenario input:")[1]
