"""Review 219: survivors of the mutation review of the sweep's notes
(:mod:`sim.experiment.sweep`, :mod:`sim.output.sweep_output`): x10 to x12, m16, m18, m20."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np

import sim
from sim.experiment.sweep import _concordant, steady_columns
from sim.output.sweep_output import money_notes, noise_note

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
CLEARANCE = "sites.border.clearance_trucks_per_day"
TRANSIT = "lanes.mine_border.transit_days"


def quiet_sweep(*args, **kwargs) -> sim.Sweep:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sim.run_sweep(*args, **kwargs)


def test_an_int_range_counts_both_its_ends() -> None:
    # x11: 1:5:int takes 5 whole numbers, enough for a correlation with more samples
    sw = quiet_sweep(TINY, [f"{TRANSIT}=1:5:int"], "lhs", 3, seed=1)
    (line,) = [c for c in sw.cautions if "from chance" in c]
    assert "run at least 5 samples" in line and "take at most" not in line
    # 1:3:int takes 3: more samples cannot help, and the note says 3
    sw = quiet_sweep(TINY, [f"{TRANSIT}=1:3:int"], "lhs", 3, seed=1)
    (line,) = [c for c in sw.cautions if "from chance" in c]
    assert "the parameters take at most 3 distinct values together" in line


def test_ties_aside_rising_together_is_concordant() -> None:
    # m18: a tie in one and a rise in the other is no disagreement
    assert _concordant(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 2.0]))
    assert _concordant(np.array([1.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0]))
    assert not _concordant(np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0]))


def test_steady_columns_tie_values_a_last_digit_apart() -> None:
    # m16: points 2 and 3 differ by 1e-6 in 4e6 (2.5e-13 of the scale), one way in one
    # replication and the other way in the other: ties, so the replications rank alike
    labels = {k: [("all", "all", "all", "m", "t")] for k in range(4)}
    units = {"m:all": "t"}
    rep0 = [3e6, 2e6, 1e6, 1e6 + 1e-6]
    rep1 = [4e6, 3e6, 2e6 + 1e-6, 2e6]
    values = {(k, r): np.array([v]) for r, rep in enumerate((rep0, rep1))
              for k, v in enumerate(rep)}
    assert steady_columns(values, labels, units, range(4), 2) == ["m:all"]
    # a real crossing is not steady
    values[(1, 1)] = np.array([5e6])
    assert steady_columns(values, labels, units, range(4), 2) == []


def test_a_sobol_noise_note_says_the_indices_count_it_even_for_a_steady_kpi() -> None:
    # m20: "steady" speaks of rank correlations, which a Sobol sweep does not show
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "sobol", 2, replications=2)
    col = "delivered_t:copper"
    note = noise_note(dataclasses.replace(sw, noise_share={col: 1.0}, steady=[col]), [col])
    assert note is not None
    assert "indices count it as the parameters' doing" in note
    assert "ranks the samples in the same order" not in note


def test_the_noise_note_joins_noisy_and_steady_kpis() -> None:
    # x10: one KPI's noise reorders the samples, the other's does not
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "grid", 3, replications=2)
    a, b = "delivered_t:copper", "exported_t:copper"
    note = noise_note(dataclasses.replace(sw, noise_share={a: 0.5, b: 1.0}, steady=[b]),
                      [a, b])
    assert note is not None
    assert note.startswith("note: replication noise is part of the variance of the sample "
                           f"means of {a} 50% ")
    assert (f"chance size; and the variance of the sample means of {b} 100% (from the "
            "spread of their 2 replications per sample), but every replication") in note
    (alone,) = [noise_note(dataclasses.replace(sw, noise_share={b: 1.0}, steady=[b]), [b])]
    assert alone is not None
    assert alone.startswith("note: replication noise is part of the variance of the sample "
                            f"means of {b} 100%")


def test_the_money_note_counts_the_samples_at_the_cap() -> None:
    # x12: "every sample" only where every sample reached the cap
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "grid", 3,
                     overrides=["commodities.copper.reference_price_usd_per_t=9000",
                                "commodities.copper.price_cap_ratio=1.2"],
                     metrics=["export_value_usd:copper", "price_peak_ratio:copper"])
    col = "export_value_usd:copper"
    peak = "price_peak_ratio:copper"
    (some,) = money_notes(dataclasses.replace(sw, at_cap={peak: (1, 1, 1.2)}), [col])
    assert "the index reached its cap (1.2) at 2 of 3 samples)" in some
    (every,) = money_notes(dataclasses.replace(sw, at_cap={peak: (2, 1, 1.2)}), [col])
    assert "the index reached its cap (1.2) at every sample)" in every
