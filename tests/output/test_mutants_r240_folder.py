"""Review 240: mutation testing of the results folder's writing (kpis.csv in blocks, the
atomic write in chunks, the resume's on_read). Each test kills a mutant that survived the
existing tests and that a user would see."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.experiment.runner import FolderRun
from sim.output.folder import atomic_write_chunks
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
RANDOM = (ROOT / "tests" / "data" / "tiny_random.set").read_text(encoding="utf-8").splitlines()


def test_the_tables_keep_ten_significant_digits(tmp_path: Path) -> None:
    # a mutant writing "%.6g" passed every test: the values in kpis.csv and summary.csv
    # were then off by up to 5e-7 of themselves
    out = tmp_path / "r"
    res = sim.run(TINY, replications=2, seed=2, overrides=RANDOM, out=out, figures=False)
    written = pd.read_csv(out / "kpis.csv")["value"].to_numpy()
    exact = res.kpi_values.reshape(-1)
    # some values need more than six digits, else the test would prove nothing
    assert any(abs(float(f"{v:.6g}") - v) > 1e-9 * abs(v) for v in exact if np.isfinite(v))
    np.testing.assert_allclose(written, exact, rtol=1e-9, atol=0)
    means = pd.read_csv(out / "summary.csv")["mean"].to_numpy()
    np.testing.assert_allclose(means, res.summary()["mean"].to_numpy(), rtol=1e-9, atol=0)


def test_a_write_that_runs_out_of_memory_leaves_no_temporary_file(tmp_path: Path) -> None:
    # kpis.csv is written block by block: a MemoryError between blocks must not leave a
    # half-written ".kpis.csv.XXXX.tmp" in the results folder
    def blocks() -> Iterator[bytes]:
        yield b"replication,value\n"
        raise MemoryError

    with pytest.raises(MemoryError):
        atomic_write_chunks(tmp_path / "kpis.csv", blocks())
    assert list(tmp_path.iterdir()) == []


def test_a_resume_of_a_folder_holding_no_replication_reads_nothing(tmp_path: Path) -> None:
    # "reading 0 saved replication(s) ..." is no news: on_read is called only when the
    # resumed folder holds some
    sc = load_scenario(TINY)
    out = tmp_path / "r"
    first = FolderRun(out)
    first.run(sc, 0, 1, workers=1)
    first.finish(figures=False)
    (out / "manifest.json").unlink()
    for rep in (out / "replications").glob("rep-*.npz"):
        rep.unlink()
    read: list[int] = []
    again = FolderRun(out, resume=True)
    again.run(sc, 0, 1, workers=1, on_read=read.append)
    again.finish(figures=False)
    assert read == []
    assert (out / "manifest.json").exists()
