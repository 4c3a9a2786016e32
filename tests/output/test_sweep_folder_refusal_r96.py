"""Review 96, finding 13: a command refused a sweep's folder saying it "would mix its files
with them and delete their figures and report", though a sweep's folder has no report.
The refusal names only what the folder holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.output.folder import FolderError, claim_folder

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_a_run_into_a_sweeps_folder_mentions_no_report(tmp_path: Path) -> None:
    out = tmp_path / "sens"
    made = invoke("sweep", TINY, "--param", "horizon_days=30:40:int", "-n", 2, "-r", 1,
                  "-w", 1, "-q", "--out", out)
    assert made.exit_code == 0, made.output
    assert (out / "figures").is_dir() and not (out / "report.html").exists()
    result = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--out", out)
    assert result.exit_code == 2, result.output
    assert ("not of a run: sim run would mix its files with them and delete their "
            "figures\n") in result.output
    assert "report" not in result.output.split("hint:")[0]


@pytest.mark.parametrize(("entries", "tail"), [
    # with sweep.json: a sweep's results, not the user's own files (review 194)
    (["sweep.json", "sweep.csv"], "would mix its files with them"),
    (["sweep.json", "sweep.csv", "figures/"],
     "would mix its files with them and delete their figures"),
    (["manifest.json", "figures/", "report.html"],
     "would mix its files with them and delete their figures and report"),
])
def test_the_refusal_names_what_the_folder_holds(tmp_path: Path, entries: list[str],
                                                 tail: str) -> None:
    for entry in entries:
        if entry.endswith("/"):
            (tmp_path / entry).mkdir()
        else:
            (tmp_path / entry).write_text("x")
    kind = "comparison" if "manifest.json" in entries else "run"
    with pytest.raises(FolderError) as exc:
        claim_folder(tmp_path, kind)
    assert exc.value.message.endswith(tail), exc.value.message
