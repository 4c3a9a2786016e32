"""Review 194: a folder holding entries of the names sim writes (figures/, report.html,
summary.csv, replications/) but none of its marks (run.json, manifest.json, saved
replications, ...) is the user's, not results: refused with --force too, and kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sim
from sim.output.folder import FolderError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _paper(root: Path, *extra: str) -> Path:
    folder = root / "paper"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "fig1.png").write_text("fig")
    (folder / "report.html").write_text("<html>draft</html>")
    (folder / "notes.md").write_text("n")
    for name in extra:
        if name.endswith("/"):
            (folder / name).mkdir()
            (folder / name / "mine.txt").write_text("x")
        else:
            (folder / name).write_text("x")
    return folder


def _kept(folder: Path) -> None:
    assert (folder / "figures" / "fig1.png").read_text() == "fig"
    assert (folder / "report.html").read_text() == "<html>draft</html>"
    assert not (folder / "run.json").exists()


@pytest.mark.parametrize("force", [False, True])
def test_run_refuses_a_folder_of_the_users_own_with_our_names(tmp_path: Path,
                                                              force: bool) -> None:
    folder = _paper(tmp_path, "summary.csv", "replications/")
    with pytest.raises(FolderError) as info:
        sim.run(TINY, replications=1, out=folder, force=force, figures=False)
    assert "not results this tool wrote" in info.value.message
    assert "kept" in info.value.message
    assert "figures/" in info.value.message and "replications/" in info.value.message
    assert info.value.hint and "subfolder" in info.value.hint
    _kept(folder)
    assert (folder / "summary.csv").read_text() == "x"
    assert (folder / "replications" / "mine.txt").read_text() == "x"


def test_compare_refuses_it_in_a_scenarios_folder_too(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    out.mkdir()
    _paper(tmp_path).rename(out / "tiny")
    with pytest.raises(FolderError) as info:
        sim.compare([TINY, TINY], replications=1, out=out, force=True, figures=False)
    assert "not results this tool wrote" in info.value.message
    assert "tiny" in (info.value.hint or "")
    _kept(out / "tiny")


@pytest.mark.parametrize("force", [False, True])
def test_compare_and_sweep_refuse_it_as_their_out(tmp_path: Path, force: bool) -> None:
    folder = _paper(tmp_path)
    with pytest.raises(FolderError, match="not results this tool wrote"):
        sim.compare([TINY, TINY], replications=1, out=folder, force=force, figures=False)
    _kept(folder)
    with pytest.raises(FolderError, match="not results this tool wrote"):
        sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=2, out=folder,
                  force=force, figures=False)
    _kept(folder)
    assert not (folder / "sweep-replications").exists()


def test_a_damaged_folder_of_ours_is_still_ours(tmp_path: Path) -> None:
    """Without its run.json (or manifest.json) a run's folder is recognised by its saved
    replications, and --force replaces it as before."""
    from sim.output.folder import holds_marks, unmarked_entries

    folder = tmp_path / "r"
    sim.run(TINY, replications=2, out=folder, figures=False)
    (folder / "run.json").unlink()
    (folder / "manifest.json").unlink()
    assert holds_marks(folder) and unmarked_entries(folder) == []
    sim.run(TINY, replications=2, out=folder, force=True, figures=False)
    assert (folder / "manifest.json").is_file()
    shutil.rmtree(folder / "replications")
    (folder / "manifest.json").unlink()
    assert holds_marks(folder)  # run.json alone


def test_the_command_line_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    folder = _paper(tmp_path)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "1", "-w", "1", "--out", ".",
                                       "-q", "--no-figures", "--force"])
    assert result.exit_code == 2
    assert "not results this tool wrote" in result.output
    assert "./results" in result.output  # the subfolder to choose, as a path
    assert "Traceback" not in result.output
    _kept(folder)
