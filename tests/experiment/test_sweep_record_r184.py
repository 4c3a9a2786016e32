"""Review 184 (the data consumer): sweep.json recorded a metric given without a commodity
as "time_to_recover_days:*", a form `--metric` refused, so the README's read-back with the
metrics sweep.json lists failed; a sweep's folder kept none of the notes the command
printed; and `sim.run_sweep` warned of none of its notes while `sim.sweep` warned of an
override's capacity note twice."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import sim

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
PARAM = "sites.border.clearance_trucks_per_day=2:5"
CAPACITY = "planned flow into border (border post)"


def test_the_recorded_metrics_read_the_sweep_back(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    sim.run_sweep(TINY, [PARAM], "grid", 2, metrics=["time_to_recover_days",
                                                     "throughput_trucks:*:all:border"],
                  out=out)
    info = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    # a site's KPI (commodity all) as sweep.csv's column writes it (review 202)
    assert info["metrics"] == ["time_to_recover_days:*", "throughput_trucks:all:all:border"]
    back = sim.run_sweep(TINY, [PARAM], "grid", 2, metrics=info["metrics"], out=out,
                         resume=True)
    assert back.resumed_with == 2


def test_sweep_json_keeps_the_notes(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    result = sim.run_sweep(TINY, [PARAM], "grid", 4, out=out)
    info = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert info["notes"] == result.notes
    assert any(CAPACITY in n for n in info["notes"])


def test_each_note_is_warned_once_at_the_callers_line() -> None:
    for call in (sim.run_sweep, sim.sweep):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call(TINY, ["sites.mine_a.output.copper.t_per_year=30000:36525"], "grid", 2,
                 overrides=["sites.border.clearance_trucks_per_day=2"])
        said = [w for w in caught if CAPACITY in str(w.message)]
        assert len(said) == 1, call
        assert said[0].filename == __file__
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.run_sweep(TINY, [PARAM], "grid", 4)
    assert [w for w in caught if CAPACITY in str(w.message)]  # a --param's, after the run
