"""Sweeps as a review found them wanting: repeated grid levels, a fixed value that a
sample silently replaces, rounding noise given Sobol indices, correlations over fewer
samples than the table, and log axes without readable labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from expt_helpers import TINY

from sim.experiment.errors import ExperimentError
from sim.experiment.sweep import Param, make_design, run_sweep, sobol_table


def test_a_grid_with_more_levels_than_whole_numbers_is_refused() -> None:
    with pytest.raises(ExperimentError, match="only 3 whole numbers") as err:
        make_design([Param.parse("horizon_days=2:4:int")], "grid", 5, 0)
    assert "-n 3" in err.value.hint


def test_one_sobol_base_sample_gets_one_suggestion() -> None:
    with pytest.raises(ExperimentError) as err:
        make_design([Param.parse("horizon_days=20:30")], "sobol", 1, 0)
    assert err.value.hint.startswith("use -n 2;")


def test_a_value_both_set_and_varied_is_refused() -> None:
    with pytest.raises(ExperimentError, match="both set") as err:
        run_sweep(TINY, ["horizon_days=30:40:int"], "lhs", 3, overrides=["horizon_days=50"])
    assert err.value.hint


def test_rounding_noise_gets_no_sobol_indices() -> None:
    des = make_design([Param.parse("horizon_days=20:30")], "sobol", 8, 0)
    x = np.array([row[0] for row in des.values], dtype=float)
    table = pd.DataFrame({"signal:copper": x, "noise:copper": 1e-10 * np.cos(x)})
    units = {"signal:copper": "t", "noise:copper": "t"}
    sobol = sobol_table(des, table, units, seed=0, n_resamples=99)
    assert set(sobol["output"]) == {"signal:copper"}


def test_a_kpi_without_values_in_some_samples_gets_its_own_chance_line(tmp_path: Path
                                                                       ) -> None:
    from sim.output.sweep_output import sweep_text

    # tiny.yaml's lots take 13 days to arrive: short horizons deliver nothing, so their
    # lead time has no value and its correlation stands on fewer samples
    sweep = run_sweep(TINY, ["horizon_days=5:22:int",
                             "sites.border.clearance_trucks_per_day=50:100"], "lhs", 10,
                      seed=5, metrics=["mean_lead_time_days"])
    col = "mean_lead_time_days:copper"
    n = int(sweep.table[col].notna().sum())
    assert 0 < n < 10
    assert f"note: {col} has a value in {n} of 10 samples" in sweep_text(
        sweep, ["mean_lead_time_days"])


def test_a_log_parameters_axis_labels_its_ticks_as_plain_numbers() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from sim.output.sweep_output import scatter_figure

    sweep = run_sweep(TINY, ["sites.border.clearance_trucks_per_day=150:400:log"], "lhs", 4,
                      seed=1)
    fig = scatter_figure(sweep)
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[-1]
    labels = [t.get_text() for t in ax.get_xticklabels(which="both") if t.get_text()]
    assert labels and not any("10^" in t or "times" in t for t in labels), labels


def test_a_failed_sample_is_named_with_its_values(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from sim.cli import main
    from sim.world.world import World

    real = World.run

    def run(self):
        if self.sc.horizon_days == 40:
            raise ZeroDivisionError("injected")
        real(self)

    monkeypatch.setattr(World, "run", run)
    result = CliRunner().invoke(main, ["sweep", str(TINY), "--param", "horizon_days=30:40:int",
                                       "--design", "grid", "-n", "3", "-w", "1", "-q",
                                       "--out", str(tmp_path / "sw")])
    assert result.exit_code == 1
    assert "of sample 2 at horizon_days=40 (seed 0)" in result.output
    # samples 0 and 1 finished and are kept, to be finished with --resume
    assert len(list((tmp_path / "sw" / "sweep-replications").glob("*.npz"))) == 2
    assert not (tmp_path / "sw" / "sweep.csv").exists()
