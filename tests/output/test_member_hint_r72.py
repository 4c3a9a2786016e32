"""Review 72, F4: sim report on a comparison whose scenario's folder lost
replications/index.json (and manifest.json) said "finish it with: sim compare ...
--resume", which the resume then refused ("pass --force"); the scenario's own report said
"--force ... its 3 saved replication(s) are lost", though sim compare --force runs every
scenario again. Both now say to delete that folder and run the comparison's --resume
command, which runs only that scenario again; following it works."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.folder import FolderError

TINY = Path(__file__).parents[1] / "data" / "tiny.yaml"


def _sim(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def cz(tmp_path: Path) -> Path:
    text = TINY.read_text()
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(text.replace("name: tiny", "name: tinya", 1))
    b.write_text(text.replace("name: tiny", "name: tinyb", 1))
    out = tmp_path / "cz"
    result = _sim("compare", a, b, "-n", 2, "-w", 1, "--out", out, "-q", "--no-figures",
                  "--set", "horizon_days=30")
    assert result.exit_code == 0, result.output
    return out


def _said(result) -> str:
    return " ".join(result.output.split())


def test_report_on_interrupted_comparison_says_delete_then_resume(cz):
    for name in ("comparison.json", "compare.csv", "tinyb/manifest.json",
                 "tinyb/replications/index.json"):
        (cz / name).unlink()
    rep_a = cz / "tinya" / "replications" / "rep-000000.npz"
    kept = sorted(p.name for p in rep_a.parent.glob("rep-*.npz"))
    result = _sim("report", cz)
    assert result.exit_code == 2
    said = _said(result)
    assert f"delete {cz / 'tinyb'}, then run: sim compare " in said, said
    assert "(only this scenario is run again)" in said
    assert "finish it with" not in said
    member = _said(_sim("report", cz / "tinyb"))
    assert f"delete {cz / 'tinyb'}, then run: sim compare " in member, member
    assert "(only this scenario is run again)" in member
    assert "are lost" not in member and "--force" not in member
    command = said.split("then run: ", 1)[1].split(" (only", 1)[0]
    words = shlex.split(command)
    assert words[:2] == ["sim", "compare"] and "--resume" in words
    # the hint is needed: the command alone is refused
    assert _sim(*words[1:]).exit_code == 2
    # and it is true: without the folder, the resume runs that scenario only
    stamp = rep_a.stat().st_mtime_ns
    shutil.rmtree(cz / "tinyb")
    result = _sim(*words[1:])
    assert result.exit_code == 0, result.output
    assert rep_a.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in rep_a.parent.glob("rep-*.npz")) == kept
    assert sim.load_results(cz / "tinyb").n == 2
    assert _sim("report", cz).exit_code == 0


def test_load_results_of_a_comparison_member_says_delete_then_resume(cz):
    (cz / "tinyb" / "replications" / "index.json").unlink()
    with pytest.raises(FolderError) as info:
        sim.load_results(cz / "tinyb")
    hint = " ".join(str(info.value.hint).split())
    assert f"delete {cz / 'tinyb'}, then run the sim compare command that wrote it again " \
           "with --resume (only this scenario is run again)" in hint, hint
    assert "are lost" not in hint and "--force" not in hint
