"""Review 214: a sweep folder kept neither the correlations nor what the summary warned
beside them; the scatter figure's x tick labels ran together in two columns of panels
("20,00040,00060,000"); a date swept as days was shown as bare numbers."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.sweep_output import scatter_figure, sweep_text, table_notes

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
CLEARANCE = "sites.border.clearance_trucks_per_day"


def quiet_sweep(*args, **kwargs) -> sim.Sweep:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sim.run_sweep(*args, **kwargs)


def dated(tmp_path: Path) -> Path:
    path = tmp_path / "dated.yaml"
    path.write_text(f"""extends: {TINY}
name: dated
shocks:
  events:
    cut:
      start: 2024-01-31
      end: 2024-02-10
      targets: {{lanes: [mine_border]}}
      effects: {{capacity_factor: 0.0}}
      assumption: test input
""")
    return path


def test_the_folder_keeps_the_correlations_and_the_summarys_notes(tmp_path: Path) -> None:
    out = tmp_path / "s"
    result = CliRunner().invoke(main, ["sweep", str(TINY), "--param", f"{CLEARANCE}=2:50",
                                       "--design", "grid", "-n", "3", "-w", "1",
                                       "--out", str(out), "--no-figures"])
    assert result.exit_code == 0, result.output
    assert "correlations.csv" in result.output.split(f"Written to {out}: ")[1]
    info = json.loads((out / "sweep.json").read_text())
    assert info["table_notes"][0].startswith("warning: with 3 sample(s) no rank correlation")
    for note in info["table_notes"]:
        assert note in result.output
    assert "correlations.csv" in info["files"]
    corr = pd.read_csv(out / "correlations.csv")
    assert list(corr.columns) == ["output", "parameter", "rho", "points", "chance_below"]
    row = corr[corr["output"] == "shortfall_t:copper"].iloc[0]
    assert row["parameter"] == CLEARANCE and row["points"] == 3
    assert pd.isna(row["chance_below"])  # no rho over 3 points is beyond chance


def test_a_sobol_sweep_leaves_no_correlations_file(tmp_path: Path) -> None:
    out = tmp_path / "s"
    quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "lhs", 5, out=out, figures=False)
    assert (out / "correlations.csv").is_file()
    quiet_sweep(TINY, [f"{CLEARANCE}=2:50"], "sobol", 2, out=out, force=True, figures=False)
    assert not (out / "correlations.csv").exists()
    info = json.loads((out / "sweep.json").read_text())
    assert info["table_notes"][0].startswith("warning: some indices lie outside 0-1") or \
        "base samples are few" in info["table_notes"][0]


def test_scatter_tick_labels_stand_apart_in_two_columns() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    # y tick labels of 90,000,000,000 USD narrow the panels, as export_value_usd did
    money = ["export_value_usd:copper"]
    sw = quiet_sweep(TINY, [f"{CLEARANCE}=20000:140000",
                            "sites.mine_a.output.copper.t_per_year=20000:140000"], "lhs", 6,
                     overrides=["commodities.copper.reference_price_usd_per_t=900000"],
                     metrics=money)
    fig = scatter_figure(sw, money)
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        frame = ax.get_window_extent(renderer)
        boxes = sorted((b for t in ax.get_xticklabels() if t.get_visible() and t.get_text()
                        and frame.x0 - 1 <= ((b := t.get_window_extent(renderer)).x0
                                             + b.x1) / 2 <= frame.x1 + 1),
                       key=lambda b: b.x0)
        assert len(boxes) >= 2
        for left, right in zip(boxes, boxes[1:], strict=False):
            # a gap of a quarter of a label at least: "20,00040,000" had none
            assert right.x0 - left.x1 >= 0.25 * min(left.width, right.width), \
                [t.get_text() for t in ax.get_xticklabels()]


def test_a_date_swept_as_days_says_so(tmp_path: Path) -> None:
    out = tmp_path / "s"
    sw = quiet_sweep(dated(tmp_path), ["shocks.events.cut.end=40:60:int"], "lhs", 3,
                     out=out, figures=False)
    unit = "days from the start date (2024-01-01)"
    assert sw.param_units == {"shocks.events.cut.end": unit}
    assert (f"  shocks.events.cut.end=40:60:int, {unit}: 2024-02-10 to 2024-03-01"
            in sweep_text(sw))
    (param,) = json.loads((out / "sweep.json").read_text())["parameters"]
    assert param["unit"] == unit
    assert (param["low_date"], param["high_date"]) == ("2024-02-10", "2024-03-01")
    fig = scatter_figure(sw)
    labels = {ax.get_xlabel() for ax in fig.axes if ax.get_xlabel()}
    assert labels == {f"cut.end\n({unit})"}


def test_other_parameters_have_no_unit(tmp_path: Path) -> None:
    sw = quiet_sweep(dated(tmp_path), [f"{CLEARANCE}=2:50"], "lhs", 3)
    assert sw.param_units == {}
    assert f"  {CLEARANCE}=2:50\n" in sweep_text(sw)
    assert table_notes(sw)
