"""A large run's tables in bounded memory (review 229): a one-year baseline run peaked at
188 KB a replication while writing its tables, some seven times what its memory check
counted, and running out there was an "internal error". The summary now groups by KPI
number, kpis.csv is written a block of replications at a time, and a MemoryError while
writing says the replications are saved and how to finish."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from expt_helpers import cli, no_options

import sim
from sim.experiment.collector import NoRoom
from sim.experiment.results import KPI_KEYS
from sim.experiment.stats import summarise
from sim.output import folder as folder_module

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def results() -> sim.Results:
    res = sim.run(TINY, replications=5, seed=3, overrides=["horizon_days=60"])
    # values that differ in every digit and a KPI without a value (NaN) in one replication
    values = res.kpi_values * (1 + np.linspace(0, 1e-3, res.kpi_values.size)
                               .reshape(res.kpi_values.shape)) + 1 / 3
    values[2, 5] = np.nan
    return dataclasses.replace(res, kpi_values=values, replications=[0, 1, 2, 4, 7])


def test_summary_is_the_tidy_tables_to_the_last_bit(results: sim.Results) -> None:
    old = summarise(results.kpis, KPI_KEYS, 0.9)
    pd.testing.assert_frame_equal(results.summary(0.9), old, check_exact=True)
    assert results.summary().loc[5, "n"] == 4


def test_kpi_rows_are_the_kpis_block_by_block(results: sim.Results) -> None:
    whole = results.kpis
    parts = pd.concat([results.kpi_rows(0, 2), results.kpi_rows(2, 4), results.kpi_rows(4, 9)],
                      ignore_index=True)
    pd.testing.assert_frame_equal(parts, whole, check_exact=True)
    assert list(results.kpi_rows(2, 4)["replication"].unique()) == [2, 4]


def test_kpis_csv_in_blocks_is_the_whole_tables_bytes(
        results: sim.Results, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(folder_module, "KPI_BLOCK", 2)  # three blocks of the five
    writer = folder_module.ResultsFolder.__new__(folder_module.ResultsFolder)
    writer.path = tmp_path
    path = folder_module.ResultsFolder._write_kpis(writer, results)
    whole = results.kpis.to_csv(index=False, float_format=folder_module.CSV_FLOATS)
    assert path.read_bytes() == whole.encode("utf-8")
    assert path.read_text(encoding="utf-8").count("replication,commodity") == 1
    # no replications: the header alone
    empty = dataclasses.replace(results, replications=[], kpi_values=results.kpi_values[:0])
    folder_module.ResultsFolder._write_kpis(writer, empty)
    assert path.read_text(encoding="utf-8") == \
        "replication,commodity,channel,site,metric,value,unit\n"


def _no_memory_for_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(folder_module.ResultsFolder, "_write_kpis", fail)


def test_no_memory_for_the_tables_says_what_is_saved(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _no_memory_for_tables(monkeypatch)
    out = tmp_path / "o"
    result = cli("run", TINY, "-n", 3, "-q", "--no-figures", "--out", out)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert f"3 replications are saved in {out / 'replications'}, but writing their tables" \
        " needed" in result.output
    assert "hint: free memory (close other programs) and run the same again with --resume " \
           "to finish the folder" in result.output
    assert not (out / "manifest.json").exists()
    assert len(list((out / "replications").glob("rep-*.npz"))) == 3
    monkeypatch.undo()
    done = cli("run", TINY, "-n", 3, "-q", "--no-figures", "--out", out, "--resume")
    assert done.exit_code == 0, done.output
    assert (out / "manifest.json").exists()


def test_python_gets_its_own_words(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _no_memory_for_tables(monkeypatch)
    with pytest.raises(NoRoom) as info:
        sim.run(TINY, replications=2, out=tmp_path / "o", figures=False)
    assert info.value.what == "replications"
    no_options(str(info.value))
    assert "resume=True" in (info.value.hint or "")
