"""Review 86, F5 and F8: what sim report and sim.load_results say of a sweep's folder
missing one of its files, and sim sweep's message for --out under a file.

sweep.json is written last, so without it the sweep is unfinished (stopped while drawing
its figures, say) though sweep.csv is there: it was called a finished sweep, whose
"figures are in figures/" (empty). With sweep.json but not sweep.csv, both said "no
sweep.json", the wrong file. The message now names the missing file and gives the sweep's
--resume command, which does what it says."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.folder import FolderError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _sim(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished sweep (2 samples, 1 replication each), copied by each test."""
    out = tmp_path_factory.mktemp("sw86") / "sw"
    result = _sim("sweep", TINY, "--param", "horizon_days=20:30:int", "-n", 2, "-r", 1,
                  "-w", 1, "--no-figures", "-q", "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def copy(sweep: Path, tmp_path: Path) -> Path:
    target = tmp_path / "sw"
    shutil.copytree(sweep, target)
    return target


def _report_error(folder: Path) -> str:
    result = _sim("report", folder)
    assert result.exit_code == 2, result.output
    return " ".join(result.output.split())


def _load_error(folder: Path) -> FolderError:
    with pytest.raises(FolderError) as info:
        sim.load_results(folder)
    return info.value


def test_without_sweep_json_the_sweep_is_unfinished_though_sweep_csv_is_there(
        copy: Path) -> None:
    # as a sweep stopped while drawing its figures leaves it (figures/ too)
    (copy / "sweep.json").unlink()
    (copy / "figures").mkdir()
    text = _report_error(copy)
    assert f"error: {copy} is an unfinished sweep's folder (no sweep.json)" in text
    assert "figures are in" not in text and "the sweep's table is" not in text
    assert "hint: finish it with: sim sweep " in text and text.endswith("--resume")
    err = _load_error(copy)
    assert err.message.startswith(f"{copy} is an unfinished sweep's folder (no sweep.json)")
    assert "--resume" in (err.hint or "")
    # the hint is true: the command finishes it
    command = text.split("finish it with: ", 1)[1]
    result = _sim(*shlex.split(command)[1:], "-q")
    assert result.exit_code == 0, result.output
    assert (copy / "sweep.json").is_file()


def test_without_sweep_csv_the_message_names_sweep_csv_and_resume_rewrites_it(
        sweep: Path, copy: Path) -> None:
    (copy / "sweep.csv").unlink()
    text = _report_error(copy)
    assert "no sweep.json" not in text
    assert f"error: {copy} is a sweep's folder whose table sweep.csv is missing" in text
    assert "hint: rewrite it with: sim sweep " in text
    err = _load_error(copy)
    assert "no sweep.json" not in str(err)
    assert "sweep.csv is missing" in err.message
    command = text.split("rewrite it with: ", 1)[1].split(" (it rebuilds", 1)[0]
    assert command.endswith("--resume")
    result = _sim(*shlex.split(command)[1:], "-q")
    assert result.exit_code == 0, result.output
    assert (copy / "sweep.csv").read_bytes() == (sweep / "sweep.csv").read_bytes()


def test_both_missing_are_named(copy: Path) -> None:
    (copy / "sweep.csv").unlink()
    (copy / "sweep.json").unlink()
    assert "unfinished sweep's folder (no sweep.json and no sweep.csv)" in _report_error(copy)


def test_a_finished_sweep_is_still_called_one(copy: Path) -> None:
    text = _report_error(copy)
    assert "is a sweep's folder, not a results folder" in text
    assert f"the sweep's table is {copy / 'sweep.csv'}" in text


def test_sweep_out_under_a_file_says_which_part_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    result = _sim("sweep", TINY, "--param", "horizon_days=20:30:int", "-n", 2, "-w", 1,
                  "--no-figures", "-q", "--out", afile / "x")
    assert result.exit_code == 2, result.output
    assert f"{afile} is a file, not a folder" in result.output
    assert "Not a directory" not in result.output
    with pytest.raises(FolderError, match="afile is a file, not a folder"):
        sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=2, out=afile / "x")
