"""A rank correlation that prints as the chance line does is given more decimals, with
the line (review 154: with 16 samples the footnote said "|rho| below 0.50 could be chance"
beside a rho of +0.50, which left the reader to guess its side of the line)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.output.sweep_output import (
    correlation_note,
    rho_digits,
    rho_text,
    spearman_chance,
    sweep_text,
)

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_digits_grow_until_a_rho_and_the_line_differ() -> None:
    assert rho_digits([0.3, -0.1], 0.503) == 2
    assert rho_digits([0.496], 0.503) == 3
    assert rho_digits([-0.5031], 0.5034) == 4
    # a rho exactly at the line is on it, not below: nothing to tell apart
    assert rho_digits([0.5], 0.5) == 2
    assert rho_digits([math.nan, 0.4], 0.45) == 2
    assert rho_digits([1.0], math.inf) == 2


def test_only_the_rhos_near_the_line_get_the_digits() -> None:
    assert rho_text(0.496, 0.503, 3) == "+0.496"
    assert rho_text(-0.5049, 0.503, 4) == "-0.5049"
    assert rho_text(0.3, 0.503, 3) == "+0.30"
    assert rho_text(math.nan, 0.503, 3) == "-"
    assert correlation_note(16, 3).startswith(
        f"With 16 samples, |rho| below {spearman_chance(16)[0]:.3f} could be chance")


@pytest.fixture(scope="module")
def sweep() -> sim.Sweep:
    return sim.run_sweep(TINY, ["horizon_days=60:120:int"], "lhs", 16, 1, 0, figures=False)


def test_the_table_and_its_footnote_agree_in_digits(sweep, monkeypatch) -> None:
    critical = spearman_chance(16)[0]  # 0.4973
    below = 0.4956  # chance, though it prints as the line does at two decimals
    assert f"{critical:.2f}" == f"{below:.2f}" == "0.50"
    cols = list(sweep.correlations().index[:2])
    frame = pd.DataFrame({"horizon_days": [below, 0.2]}, index=cols)
    monkeypatch.setattr(sweep, "correlations", lambda *a, **k: frame)
    text = sweep_text(sweep)
    assert "+0.496" in text
    assert "+0.20" in text
    assert "|rho| below 0.497 could be chance" in text
