"""Review 255: hand mutation testing of review 250's figures under matplotlib's defaults.
The test kills a mutant the existing tests let live; the mutant is named in its
docstring."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import pytest

from sim.experiment.sweep import run_sweep
from sim.output import style as st
from sim.output.sweep_output import sobol_figure

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"

USER_RC = {"figure.facecolor": "black", "axes.facecolor": "black", "font.size": 20,
           "font.family": "monospace", "lines.linewidth": 5, "axes.grid": False}
"""A user's matplotlib settings (a dark style, a large monospace font)."""


@pytest.mark.filterwarnings("ignore::UserWarning")  # a 4-sample Sobol design's cautions
def test_a_sobol_sweeps_figure_is_the_same_file_under_a_users_settings() -> None:
    """Mutant: ``sobol_figure`` drawn without ``defaults()`` (the user's matplotlibrc
    reached a Sobol sweep's figure as it reached every figure before review 250)."""
    sweep = run_sweep(TINY, ["sites.border.clearance_trucks_per_day=40:60"], "sobol", 4,
                      seed=1, overrides=["horizon_days=20"])
    own = st.figure_bytes(sobol_figure(sweep), "png")
    with mpl.rc_context(USER_RC):
        theirs = st.figure_bytes(sobol_figure(sweep), "png")
    assert theirs == own
