"""Review 86, finding 4: a saved replication whose series has another shape than the
scenario gives (saved by another version of sim) made ``sim run --resume`` fail with
"internal error: ValueError: replication 3 does not have the shape of the others ...
please report it" (exit 1). It is now refused as saved replications with other KPIs are:
a message naming the file and the shapes, the hint to start again with --force, exit 2."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.experiment.collector import Collector
from sim.experiment.errors import ExperimentError

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
SETS = ["horizon_days=60"]


def drop_a_series_row(path: Path) -> None:
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["series"] = arrays["series"][:-1]
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    path.write_bytes(buf.getvalue())


@pytest.fixture
def old_folder(tmp_path: Path) -> Path:
    out = tmp_path / "old1"
    sim.run(sim.load_scenario(TINY, overrides=SETS), replications=3, seed=1, out=out,
            figures=False)
    for path in sorted((out / "replications").glob("rep-*.npz")):
        drop_a_series_row(path)
    return out


def test_resume_refuses_series_of_another_shape(old_folder):
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "4", "--seed", "1", "-w", "1",
                                       "-q", "--no-figures", "--out", str(old_folder),
                                       "--set", SETS[0], "--resume"],
                                catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert "rep-000000.npz holds series of shape" in result.output
    assert "another version of sim cannot be resumed" in result.output
    assert "--force" in result.output
    assert len(list(old_folder.glob("replications/rep-*.npz"))) == 3  # nothing removed


def test_python_resume_refuses_in_its_words(old_folder):
    with pytest.raises(ExperimentError, match=r"holds series of shape[\s\S]*force=True"):
        sim.run(sim.load_scenario(TINY, overrides=SETS), replications=4, seed=1,
                out=old_folder, resume=True, figures=False)


def test_collector_raises_experiment_error_for_another_shape():
    sc = sim.load_scenario(TINY, overrides=SETS)
    results = sim.run(sc, replications=2, seed=1)
    collector = Collector(sc, 1, 2)

    class Short:
        def __init__(self, r: int, series: np.ndarray) -> None:
            self.replication, self.series = r, series
            self.kpi_labels, self.events, self.timeline = results.kpi_labels, 0, []

        def kpi_values(self) -> np.ndarray:
            return results.kpi_values[self.replication]

    collector.add(Short(0, results.series_values[0]))
    with pytest.raises(ExperimentError, match="replication 1 has series of shape"):
        collector.add(Short(1, results.series_values[1][:-1]))
