"""Findings of the seventeenth command-line review (output side): a scenario file name that
is not valid UTF-8, an --out folder holding other files, and three unclear messages.

* 3: ``bad\\xff.yaml`` (a surrogate in Python's str) made ``sim report`` and ``sim compare``
  stop with an internal UnicodeEncodeError, compare leaving compare.csv without
  comparison.json;
* 4: --out . hashed every file beneath it (.git/ included) into manifest.json;
* 8: ``--out afile/r.html`` said "File exists", nothing delivered printed ``  copper: ``,
  and ``sim report nonexist`` gave no hint.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.folder import ResultsFolder, utf8
from sim.output.tables import channel_table

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
BAD_NAME = os.fsdecode(b"bad\xff.yaml")  # "bad\udcff.yaml"


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _valid_utf8(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # raises if it is not


@pytest.fixture(scope="module")
def bad_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny.yaml copied to a file whose name is not valid UTF-8."""
    where = tmp_path_factory.mktemp("badname")
    path = where / BAD_NAME
    try:
        shutil.copyfile(TINY, path)
    except (OSError, UnicodeEncodeError):  # a file system that takes UTF-8 names only
        pytest.skip("this file system refuses a file name that is not UTF-8")
    return path


# ============================================================ 3. names that are not UTF-8
def test_text_with_an_undecodable_byte_is_written_as_its_escape() -> None:
    assert utf8(BAD_NAME) == b"bad\\xff.yaml"
    assert utf8("a\ud800b") == b"a\\ud800b"  # a lone surrogate no file name gives
    assert utf8("Kolwezi é") == "Kolwezi é".encode()


def test_report_on_a_run_of_a_file_named_in_no_encoding(bad_file: Path, tmp_path: Path
                                                        ) -> None:
    out = tmp_path / "run"
    result = invoke("run", bad_file, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", out,
                    "--set", "horizon_days=20")
    assert result.exit_code == 0, result.output
    result = invoke("report", out)
    assert result.exit_code == 0, result.output
    assert "bad\\xff.yaml" in _valid_utf8(out / "report.html")
    # the manifest keeps the name itself (a JSON escape), so it still names the file
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario_files"] == [str(bad_file)]


def test_compare_of_a_file_named_in_no_encoding_finishes(bad_file: Path, tmp_path: Path
                                                          ) -> None:
    out = tmp_path / "cmp"
    result = invoke("compare", bad_file, TINY, "-n", 1, "-w", 1, "-q", "--no-figures",
                    "--out", out, "--set", "horizon_days=20")
    assert result.exit_code == 0, result.output
    assert (out / "comparison.json").is_file()  # the folder is complete, not refused later
    assert "bad\\xff.yaml" in _valid_utf8(out / "compare.md")
    _valid_utf8(out / "compare.csv")
    result = invoke("report", out)
    assert result.exit_code == 0, result.output
    _valid_utf8(out / "report.html")


# ============================================================ 4. --out a folder of others
def test_a_run_into_a_folder_of_other_files_records_only_its_own(tmp_path: Path) -> None:
    out = tmp_path / "project"
    (out / ".git").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / "notes").mkdir()
    (out / "notes" / "a.txt").write_text("mine\n")
    (out / "README.md").write_text("# mine\n")
    result = invoke("run", TINY, "-n", 2, "-w", 1, "-q", "--out", out,
                    "--set", "horizon_days=20")
    assert result.exit_code == 0, result.output
    files = set(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"])
    assert files >= {"kpis.csv", "summary.csv", "series.csv.gz", "timeline.csv", "run.json",
                     "replications/index.json", "replications/rep-000000.npz",
                     "replications/rep-000001.npz"}
    assert not {f for f in files if f.startswith((".git", "notes", "README"))}
    assert (out / "README.md").read_text() == "# mine\n"  # kept
    assert sim.load_results(out).n == 2


def test_a_results_folder_names_the_other_files_it_is_written_beside(tmp_path: Path
                                                                      ) -> None:
    out = tmp_path / "project"
    (out / ".git").mkdir(parents=True)
    (out / "README.md").write_text("# mine\n")
    (out / ".kpis.csv.abc.tmp").write_text("")  # left by a killed write: not the user's
    folder = ResultsFolder(out)
    assert folder.other_entries == [".git/", "README.md"]
    note = folder.other_entries_note()
    assert note is not None and "2 other file(s) or folder(s) (.git/, README.md)" in note
    assert "not recorded in manifest.json" in note
    assert ResultsFolder(tmp_path / "new").other_entries_note() is None


# ============================================================ 8. messages
def test_report_out_under_a_file_says_the_file_is_not_a_folder(tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", run,
                  "--set", "horizon_days=20").exit_code == 0
    (tmp_path / "afile").write_text("x")
    result = invoke("report", run, "--out", tmp_path / "afile" / "r.html")
    assert result.exit_code != 0
    assert f"{tmp_path / 'afile'} is a file, not a folder" in result.output
    assert "File exists" not in result.output
    assert "leave out --out" in result.output


def test_run_out_under_a_file_says_the_file_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(sim.FolderError, match="afile is a file, not a folder"):
        ResultsFolder(tmp_path / "afile" / "sub" / "out")


def test_nothing_delivered_is_said_not_left_blank(tmp_path: Path) -> None:
    result = invoke("run", TINY, "-n", 1, "-w", 1, "--no-figures", "--out", tmp_path / "r",
                    "--set", "horizon_days=3")
    assert result.exit_code == 0, result.output
    assert "  copper: none delivered" in result.output
    assert "copper: \n" not in result.output
    summary = pd.DataFrame({"commodity": ["copper", "copper", "gold"],
                            "channel": ["formal", "informal", "formal"],
                            "site": ["all"] * 3, "metric": ["delivered_share"] * 3,
                            "mean": [float("nan"), float("nan"), 1.0]})
    assert channel_table(summary).splitlines()[1:] == ["  copper: none delivered",
                                                       "  gold: formal 100.0%"]


def test_report_of_a_missing_folder_names_the_results_folders_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out",
                  tmp_path / "ra", "--set", "horizon_days=20").exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = invoke("report", "nonexist")
    assert result.exit_code != 0
    assert "nonexist does not exist" in result.output
    assert "hint: give the folder sim run or sim compare wrote" in result.output
    assert "results folders here: ra" in result.output


def test_sim_run_notes_an_out_folder_holding_other_files(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "1", "-w", "1", "-q",
                                       "--no-figures", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"note: {out} already holds 1 other file(s) or folder(s) (notes.txt)" in (
        result.output)
