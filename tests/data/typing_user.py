"""A user's script against the Python API, for ``mypy --strict`` (review 241).

From the project's folder, ``.venv/bin/python -m mypy --strict tests/data/typing_user.py``
must say "Success": each ``assert_type`` is the type the API documents, and every call is
one README shows. It also runs (``assert_type`` does nothing at run time), which
tests/test_typing_user_r241.py does, so that it stays true to the API. It imports no pandas:
without pandas-stubs mypy reads the tables as ``Any``.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path
from typing import assert_type

import numpy as np

import sim
from sim.experiment.precision import StopReport
from sim.experiment.replication import ReplicationResult
from sim.scenario.schema import Refiner

TINY = Path(__file__).resolve().parent / "tiny.yaml"
SHORT = ["horizon_days=20"]


class Bar:
    """A progress bar's update, as types-tqdm types tqdm's: it returns a value."""

    def __init__(self) -> None:
        self.n = 0.0

    def update(self, n: float | None = 1) -> bool | None:
        self.n += n or 0
        return None


class CustomPath(os.PathLike[str]):
    """A path that is not a ``pathlib.Path``."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)

    def __fspath__(self) -> str:
        return self.path


def main() -> None:
    sc = assert_type(sim.load_scenario(TINY, overrides=SHORT), sim.Scenario)
    assert_type(sc.horizon, float)
    refiners = [s for s in sc.sites.values() if isinstance(s, Refiner)]
    capacity: float = sum(float(s.capacity_t_per_year.get("copper", 0)) for s in refiners)
    assert capacity == 0  # tiny.yaml has no refiner
    assert_type(sim.scenario.meta_of(sc).notes, list[str])

    done: list[ReplicationResult] = []
    bar = Bar()
    res = assert_type(sim.run(sc, replications=2, seed=1, sink=done.append,
                              progress=bar.update), sim.Results)
    assert bar.n == 2 and len(done) == 2
    assert_type(res.kpi("delivered_t", commodity="copper"), np.ndarray)
    assert_type(res.replications, list[int])
    assert_type(res.n, int)
    assert_type(res.wall_s, float)

    res.summary()
    res.series_summary()

    drawn: list[tuple[int, int]] = []

    def shown(done: int, total: int) -> None:
        drawn.append((done, total))

    with tempfile.TemporaryDirectory() as tmp:
        sim.run(CustomPath(TINY), 1, overrides=SHORT, out=CustomPath(Path(tmp) / "a"),
                figures=False, on_figure=shown)
        assert drawn == []  # no figures drawn, none counted
        loaded = assert_type(sim.load_results(CustomPath(Path(tmp) / "a")), sim.Results)
        assert loaded.replications == [0]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same scenario twice, which a note says
        comp = assert_type(sim.run_comparison([CustomPath(TINY), sc], 1, overrides=SHORT,
                                              progress=bar.update), sim.Comparison)
    assert_type(comp.results, list[sim.Results])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same scenario twice, which a note says
        sim.compare([CustomPath(TINY), sc], 1, seed=1, overrides=SHORT)
    assert_type(comp.stop, StopReport | None)
    assert_type(comp.reference, str)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # too few samples to rank, which a note says
        sens = assert_type(sim.run_sweep(TINY, {"horizon_days": (20, 30, "int")}, "grid", 2,
                                         progress=bar.update, on_total=bar.update),
                           sim.Sweep)
    assert_type(sens.kpi_columns, list[str])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # too few samples to rank, which a note says
        sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, design="grid", samples=2)
    assert_type(sens.design.values, list[list[float | int]])

    try:
        sim.load_scenario(TINY, overrides=["horizon_days=-1"])
    except sim.ScenarioError as exc:
        assert_type(exc.issues[0].line, int | None)
    try:
        sim.run(sc, 0)
    except sim.ExperimentError as exc:
        assert_type(exc.hint, str | None)


if __name__ == "__main__":
    main()
