"""Review 66, F2: sim report and sim.load_results sent the user to --resume "to rebuild"
folders that --resume refuses (replications/index.json deleted; run.json cut short in an
unfinished run). The hint now says --force, and that the saved replications are lost;
following it works."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.folder import FolderError

TINY = Path(__file__).parents[1] / "data" / "tiny.yaml"


def _sim(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def _run(out: Path, *more: str) -> object:
    return _sim("run", TINY, "-n", 2, "-w", 1, "--out", out, "--no-figures", "-q",
                "--set", "horizon_days=30", *more)


def test_index_deleted_hint_says_force_and_force_works(tmp_path):
    out = tmp_path / "a"
    assert _run(out).exit_code == 0
    (out / "replications" / "index.json").unlink()
    result = _sim("report", out)
    assert result.exit_code == 2
    assert "--force instead of --resume" in result.output, result.output
    assert "2 saved replication(s) are lost" in result.output
    assert "with --resume to rebuild" not in result.output
    # the hint is true: --resume is refused, --force works
    assert "pass --force" in _run(out, "--resume").output
    assert _run(out, "--force").exit_code == 0
    assert sim.load_results(out).n == 2


def test_run_json_cut_short_in_unfinished_run_hint_says_force(tmp_path):
    out = tmp_path / "b"
    assert _run(out).exit_code == 0
    (out / "manifest.json").unlink()
    text = (out / "run.json").read_text()
    (out / "run.json").write_text(text[: len(text) // 2])
    with pytest.raises(FolderError) as info:
        sim.load_results(out)
    assert "its run.json cannot be read" in str(info.value)
    assert "--force instead of --resume" in str(info.value)
    result = _sim("report", out)
    assert result.exit_code == 2 and "--force instead of --resume" in result.output
    assert _run(out, "--resume").exit_code == 2  # as the hint says
    assert _run(out, "--force").exit_code == 0
    assert sim.load_results(out).n == 2


def test_damaged_folder_that_resume_rebuilds_keeps_resume_hint(tmp_path):
    out = tmp_path / "c"
    assert _run(out).exit_code == 0
    rep = out / "replications" / "rep-000001.npz"
    rep.write_bytes(rep.read_bytes()[:50])
    result = _sim("report", out)
    assert result.exit_code == 2 and "with --resume to rebuild" in result.output
    assert _run(out, "--resume").exit_code == 0
    assert sim.load_results(out).n == 2
