"""Review 194: a results folder removed or moved while a run, comparison or sweep writes
it was made again by the next save, without its run.json, and the run ended saying that
another command had written to it. The next save now stops the command, saying what
happened and where the saved replications are."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sim
from sim.output.folder import FolderError
from tests.conftest import after_count

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"



def test_a_run_whose_folder_is_removed_stops_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "del1"
    with pytest.raises(FolderError) as info:
        sim.run(TINY, replications=4, out=out, figures=False,
                progress=after_count(2, lambda: shutil.rmtree(out)))
    assert "was removed while the run was going" in info.value.message
    assert "another command" not in info.value.message
    assert not out.exists()  # not made again, half empty


def test_a_run_whose_folder_is_moved_says_where_and_resumes_there(tmp_path: Path) -> None:
    out, moved = tmp_path / "mv1", tmp_path / "mv1b"
    with pytest.raises(FolderError) as info:
        sim.run(TINY, replications=4, out=out, figures=False,
                progress=after_count(2, lambda: out.rename(moved)))
    assert f"was moved to {moved}" in info.value.message
    assert str(moved) in (info.value.hint or "")
    assert not out.exists()
    res = sim.run(TINY, replications=4, out=moved, resume=True, figures=False)
    assert res.n == 4 and (moved / "manifest.json").is_file()


def test_the_folder_removed_before_the_tables_are_written(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from sim.output import folder as folder_mod

    out = tmp_path / "late"
    original = folder_mod.ResultsFolder._finish

    def finish(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        shutil.rmtree(self.path)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(folder_mod.ResultsFolder, "_finish", finish)
    with pytest.raises(FolderError, match="was removed while the run was going"):
        sim.run(TINY, replications=2, out=out, figures=False)
    assert not out.exists()


def test_a_comparison_whose_folder_is_removed_does_not_speak_of_resume(
        tmp_path: Path) -> None:
    out = tmp_path / "cdel"
    with pytest.raises(FolderError) as info:
        sim.compare([TINY, TINY], replications=3, out=out, figures=False,
                    progress=after_count(2, lambda: shutil.rmtree(out)))
    text = f"{info.value.message} {info.value.hint}"
    assert f"{out} was removed while the comparison was going" in text
    assert "resume" not in text and "no run.json" not in text
    assert not out.exists()


def test_a_comparison_moved_is_finished_where_it_went(tmp_path: Path) -> None:
    out, moved = tmp_path / "cmv", tmp_path / "cmvb"
    with pytest.raises(FolderError) as info:
        sim.compare([TINY, TINY], replications=3, out=out, figures=False,
                    progress=after_count(2, lambda: out.rename(moved)))
    assert f"{out} was moved to {moved}" in info.value.message
    table = sim.compare([TINY, TINY], replications=3, out=moved, resume=True, figures=False)
    assert len(table) and (moved / "comparison.json").is_file()


def test_a_sweep_whose_folder_is_removed_stops(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    with pytest.raises(FolderError, match="was removed while the sweep was going"):
        sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=3, out=out,
                  figures=False, progress=after_count(1, lambda: shutil.rmtree(out)))
    assert not out.exists()
