"""Review 198 (mutation testing): the report's first date of a high price is the median
over the replications with one, and says so unless the only replication has one; a rule
that released nothing names no market; the hints for a read-only file system and for a
sweep's folder that may not be written; report.html beside run folders is sim report's;
run.json rebuilt from manifest.json only where it can be, and an edited run.json that is
still a JSON object taken as it is."""

from __future__ import annotations

import datetime as dt
import errno
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import sim
from sim.output.folder import (
    FolderError,
    folder_hint,
    rebuilt_run_json,
    run_json_damage,
    unmarked_entries,
)
from sim.output.report import _first_high_words
from sim.output.tables import stockpile_note

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
DATES = [dt.date(2025, 1, 1) + dt.timedelta(days=30 * i) for i in range(5)]


def _prices(rows: list[list[float]]) -> SimpleNamespace:
    return SimpleNamespace(
        catalogue=SimpleNamespace(keys=[("cobalt", "price_index", "world", "ratio")],
                                  dates=DATES),
        series_values=np.asarray(rows, dtype=np.float32).reshape(len(rows), 1, len(DATES)))


def test_the_first_high_price_date_is_the_median_replication_s() -> None:
    # first above 1.05 in periods 3, 1 and 2: the median is period 2's date
    res = _prices([[1, 1, 1, 1.2, 1.3], [1, 1.1, 1.2, 1.3, 1.3], [1, 1, 1.1, 1.2, 1.2]])
    assert _first_high_words(res, "cobalt") == (
        "from 2025-03-02 (median of the 3 of 3 replications with one)")


def test_one_replication_of_several_with_a_high_price_says_so() -> None:
    rows = [[1.0] * 5 for _ in range(8)]
    rows[5] = [1, 1, 1, 1.06, 1.0]
    assert _first_high_words(_prices(rows), "cobalt") == (
        "from 2025-04-01 (median of the 1 of 8 replications with one)")
    assert _first_high_words(_prices([rows[5]]), "cobalt") == "from 2025-04-01"


def test_a_rule_that_released_nothing_names_no_market() -> None:
    summary = pd.DataFrame([{"commodity": "cobalt", "channel": "all", "site": site,
                             "metric": metric, "unit": "t", "mean": mean, "n": 2}
                            for site, metric, mean in (("reserve", "released_t", 0.0),
                                                       ("reserve", "bought_back_t", 0.0),
                                                       ("market_row", "shortfall_t", 5.0))])
    assert stockpile_note(summary, {("cobalt", "reserve"): ["market_row"]}) == (
        "note: stockpile rules, means over the replications: reserve released 0 t of cobalt "
        "(its rules' triggers were never met, or it held nothing)")


def test_a_read_only_file_system_has_its_hint(tmp_path: Path) -> None:
    assert folder_hint(tmp_path / "out", OSError(errno.EROFS, "Read-only file system")) == (
        "the file system is read-only: choose a folder on another one")
    assert folder_hint(tmp_path / "out", OSError(errno.ENOSPC, "No space left")) is None


def test_a_sweep_s_folder_that_may_not_be_written_is_named(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if self.parent == ro and not self.exists():
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    with pytest.raises(FolderError) as info:
        sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=2, out=ro, figures=False)
    assert info.value.message == f"cannot write to {ro}: Permission denied"
    assert "choose a folder you can write to" in (info.value.hint or "")


def test_report_html_beside_run_folders_is_sim_report_s(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "run.json").write_text("{}")
    (tmp_path / "report.html").write_text("<html></html>")
    assert unmarked_entries(tmp_path) == []
    (tmp_path / "summary.csv").write_text("x\n")
    assert unmarked_entries(tmp_path) == ["summary.csv"]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_run_json_is_not_rebuilt_for_a_comparison_s_scenario(tmp_path: Path) -> None:
    out = tmp_path / "c"
    sim.compare([TINY, TINY], replications=1, out=out, figures=False)
    arm = next(p for p in out.iterdir() if (p / "manifest.json").is_file())
    assert rebuilt_run_json(arm) == (None, (
        "it is a scenario's folder of a comparison, whose run.json records the comparison's "
        "items, which manifest.json does not"))


def test_run_json_of_another_version_s_scenario_is_not_rebuilt_edited_is_kept(
        tmp_path: Path) -> None:
    out = tmp_path / "r"
    sim.run(TINY, replications=1, out=out, figures=False)
    record, why = rebuilt_run_json(out)
    assert record is not None and why == ""
    # an edited run.json, still a JSON object, is taken as it is; one cut short is not
    (out / "run.json").write_text(json.dumps({**json.loads((out / "run.json").read_text()),
                                              "edited": True}))
    assert run_json_damage(out) is None
    (out / "run.json").write_text("{\"cut")
    assert run_json_damage(out) == (
        "is not the one sim wrote (its size or SHA-256 is not the one manifest.json "
        "records, and it is not a JSON object: cut short?)")
    # a scenario recorded without a field this version has (a default filled in now)
    manifest = json.loads((out / "manifest.json").read_text())
    dropped = next(k for k in manifest["scenario"]
                   if _valid_without(manifest["scenario"], k))
    manifest["scenario"].pop(dropped)
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert rebuilt_run_json(out) == (None, (
        "the scenario in manifest.json was written by a version of sim with other scenario "
        "fields or defaults"))


def _valid_without(scenario: dict, key: str) -> bool:
    from sim.scenario.schema import Scenario

    try:
        Scenario.model_validate({k: v for k, v in scenario.items() if k != key})
    except ValueError:
        return False
    return True


def test_a_sweep_s_store_that_may_not_be_emptied_names_its_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An earlier store of a sweep that saved nothing (its first replication failed) is
    emptied by the next sweep; a read-only sweep-replications/ refuses its plan.json."""
    import shutil

    from sim.output.sweep_store import SweepStore

    out = tmp_path / "sw"
    store = out / "sweep-replications"
    store.mkdir(parents=True)
    (store / "plan.json").write_text("{}")
    real_rmtree = shutil.rmtree

    def rmtree(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if Path(path) == store:
            raise PermissionError(errno.EACCES, "Permission denied", str(store / "plan.json"))
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", rmtree)
    with pytest.raises(FolderError) as info:
        SweepStore(out).begin({"code": ["c"], "builds": ["b"]}, resume=False)
    assert info.value.message == f"cannot write to {store}: Permission denied"
    assert "choose a folder you can write to" in (info.value.hint or "")
