"""Review 198 (mutation testing): a results folder moved while a run or sweep writes it,
with a new folder put at its path, is not touched when the command then fails; a sweep's
folder removed after its last save is not made again by its tables; the gone-folder
message counts the replications this run saved."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sim
from sim.output.folder import FolderError
from tests.conftest import after_count

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _swap(out: Path, moved: Path, files: dict[str, str]):  # noqa: ANN202
    """Move ``out`` to ``moved``, put a new folder holding ``files`` at ``out``, and stop
    the command (a Ctrl-C from the progress hook)."""

    def act() -> None:
        out.rename(moved)
        for name, text in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_text(text)
        raise KeyboardInterrupt

    return act


def _contents(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_a_run_failing_after_its_folder_moved_leaves_the_new_folder_alone(
        tmp_path: Path) -> None:
    out, moved = tmp_path / "run", tmp_path / "run-moved"
    files = {"run.json": "{\"mine\": 1}", "replications/index.json": "{}",
             "notes.txt": "someone else's"}
    with pytest.raises(KeyboardInterrupt):
        sim.run(TINY, replications=4, out=out, figures=False,
                progress=after_count(1, _swap(out, moved, files)))
    assert _contents(out) == files  # not this run's to remove
    assert sorted(p.name for p in (moved / "replications").glob("rep-*.npz")) == [
        "rep-000000.npz"]


def test_a_sweep_failing_after_its_folder_moved_leaves_the_new_folder_alone(
        tmp_path: Path) -> None:
    out, moved = tmp_path / "sw", tmp_path / "sw-moved"
    files = {"sweep-replications/plan.json": "{\"mine\": 1}",
             "sweep-replications/other.txt": "kept"}
    with pytest.raises(KeyboardInterrupt):
        sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=3, out=out,
                  figures=False, progress=after_count(1, _swap(out, moved, files)))
    assert _contents(out) == files


def test_a_sweep_folder_removed_after_the_last_save_is_not_made_again(
        tmp_path: Path) -> None:
    out = tmp_path / "sw-last"
    with pytest.raises(FolderError) as info:
        sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=3, out=out,
                  figures=False, progress=after_count(3, lambda: shutil.rmtree(out)))
    assert (f"{out} was removed while the sweep was going, with the 3 replication(s) "
            "saved in it so far") in info.value.message
    assert not out.exists()


def test_the_moved_run_folder_message_counts_this_runs_saves(tmp_path: Path) -> None:
    out, moved = tmp_path / "cnt", tmp_path / "cnt-moved"
    with pytest.raises(FolderError) as info:
        sim.run(TINY, replications=4, out=out, figures=False,
                progress=after_count(2, lambda: out.rename(moved)))
    assert (f"{out} was moved to {moved} while the run was going: the 2 replication(s) "
            "saved in it so far are there") in info.value.message


def test_the_removed_run_folder_message_counts_this_runs_saves(tmp_path: Path) -> None:
    out = tmp_path / "cnt2"
    with pytest.raises(FolderError) as info:
        sim.run(TINY, replications=4, out=out, figures=False,
                progress=after_count(3, lambda: shutil.rmtree(out)))
    assert (f"{out} was removed while the run was going, with the 3 replication(s) saved "
            "in it so far") in info.value.message


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_comparison_refuses_a_scenario_folder_holding_others_files_before_any_begins(
        tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    (out / "tiny" / "figures").mkdir(parents=True)
    (out / "tiny" / "summary.csv").write_text("mine\n")
    with pytest.raises(FolderError) as info:
        sim.compare([TINY, TINY], replications=2, out=out, figures=False)
    assert info.value.hint == (
        f"move them out of {out / 'tiny'}, where the comparison writes the results of "
        "scenario 'tiny', or choose another out folder")
    # nothing begun: no scenario's folder, no run.json
    assert sorted(p.name for p in out.iterdir()) == ["tiny"]
    assert sorted(p.name for p in (out / "tiny").iterdir()) == ["figures", "summary.csv"]
