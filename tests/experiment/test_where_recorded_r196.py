"""Compare and sweep folders record where their replications ran, as sim run's
manifest.json does, and the kinds of executor are told apart (review 196, finding 5: a
comparison's and a sweep's folders recorded none of it, a caller's Dask client was recorded
as a bare "executor", and a --dask-local cluster's temporary address read as a
--scheduler's).

Every test here fails on the code before the fix: comparison.json, the scenarios'
manifest.json and sweep.json had no executor, workers or command, manifest.json had no
``cluster`` or ``executor_type``, and there was no ``where_record``."""

from __future__ import annotations

import json
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

import sim
from sim.experiment.executors import Backend

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_comparison_records_where_it_ran(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comp = sim.run_comparison([TINY, sim.load_scenario(TINY, ["name=b"])],
                                  replications=2, seed=1, out=out, figures=False, workers=1)
    assert comp.where == {"executor": "in-process", "workers": 1}
    info = read(out / "comparison.json")
    assert (info["executor"], info["workers"]) == ("in-process", 1)
    for label in ("tiny", "b"):
        manifest = read(out / label / "manifest.json")
        assert (manifest["executor"], manifest["workers"]) == ("in-process", 1)


def test_a_sweep_records_where_it_ran_and_its_command(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    with ThreadPoolExecutor(2) as pool, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.run_sweep(TINY, ["horizon_days=10:20:int"], "lhs", 2, 1, 0, out=out,
                      figures=False, executor=pool)
    info = read(out / "sweep.json")
    assert info["executor"] == "executor"
    assert info["executor_type"] == "concurrent.futures.thread.ThreadPoolExecutor"
    assert info["workers"] >= 1
    assert info["command"] == sys.argv


def test_a_callers_executor_is_named_by_its_class(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with ThreadPoolExecutor(2) as pool:
        sim.run(TINY, 2, seed=1, out=out, figures=False, executor=pool)
    manifest = read(out / "manifest.json")
    assert manifest["executor"] == "executor"  # as before: scripts read it
    assert manifest["executor_type"] == "concurrent.futures.thread.ThreadPoolExecutor"


def test_dask_local_and_a_scheduler_are_told_apart() -> None:
    from sim.experiment.runner import where_record

    local = Backend(object(), 2, "dask", address="tcp://127.0.0.1:36243")  # type: ignore[arg-type]
    remote = Backend(object(), 3, "dask", address="tcp://10.0.0.5:8786",  # type: ignore[arg-type]
                     live=lambda: 3)
    assert where_record(local) == {"executor": "dask", "workers": 2,
                                   "scheduler": "tcp://127.0.0.1:36243",
                                   "cluster": "dask-local"}
    assert where_record(remote) == {"executor": "dask", "workers": 3,
                                    "scheduler": "tcp://10.0.0.5:8786",
                                    "cluster": "dask scheduler"}


def test_a_callers_dask_client_is_recorded_as_dask_with_its_scheduler() -> None:
    cfexecutor = pytest.importorskip("distributed.cfexecutor")
    from sim.experiment.runner import where_record

    # a client's executor without a cluster: only its class and client are looked at
    executor = cfexecutor.ClientExecutor.__new__(cfexecutor.ClientExecutor)
    executor._client = SimpleNamespace(scheduler=SimpleNamespace(address="tcp://h:8786"))
    record = where_record(Backend(executor, 4, "executor"))
    assert record == {"executor": "executor", "workers": 4, "cluster": "dask client",
                      "scheduler": "tcp://h:8786"}
