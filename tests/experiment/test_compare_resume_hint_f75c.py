"""Review 75, F3: ``sim compare --resume`` on a comparison whose scenario's folder lost
replications/index.json said "pass --force to start the folder again", though
``sim compare --force`` runs every scenario again and drops the others' saved
replications. It now gives the hint sim report gives (dde230a): delete that scenario's
folder, then run the comparison's --resume command, which runs only that scenario again;
a plain ``sim run`` folder keeps its --force hint."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner

import sim
from sim.cli import main

TINY = Path(__file__).parents[1] / "data" / "tiny.yaml"


def _sim(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _said(result) -> str:
    return " ".join(result.output.split())


def test_resume_of_a_scenario_without_its_index_says_delete_then_resume(tmp_path: Path):
    text = TINY.read_text()
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(text.replace("name: tiny", "name: tinya", 1))
    b.write_text(text.replace("name: tiny", "name: tinyb", 1))
    out = tmp_path / "cz"
    args = ["compare", a, b, "-n", 2, "-w", 1, "--out", out, "-q", "--no-figures",
            "--set", "horizon_days=30"]
    assert _sim(*args).exit_code == 0
    for name in ("comparison.json", "compare.csv", "tinyb/manifest.json",
                 "tinyb/replications/index.json"):
        (out / name).unlink()
    rep_a = out / "tinya" / "replications" / "rep-000000.npz"
    stamp = rep_a.stat().st_mtime_ns
    result = _sim(*args, "--resume")
    assert result.exit_code == 2
    said = _said(result)
    assert "index.json is missing or unreadable" in said, said
    assert f"delete {out / 'tinyb'}, then run: sim compare " in said, said
    assert "(only this scenario is run again)" in said
    assert "--force" not in said
    # following it runs that scenario alone again
    words = shlex.split(said.split("then run: ", 1)[1].split(" (only", 1)[0])
    assert words[:2] == ["sim", "compare"] and words[-1] == "--resume"
    shutil.rmtree(out / "tinyb")
    result = _sim(*words[1:], "-q")
    assert result.exit_code == 0, result.output
    assert rep_a.stat().st_mtime_ns == stamp
    assert sim.load_results(out / "tinyb").n == 2


def test_a_run_folder_without_its_index_keeps_the_force_hint(tmp_path: Path):
    out = tmp_path / "run"
    args = ["run", TINY, "-n", 1, "-w", 1, "--out", out, "-q", "--no-figures",
            "--set", "horizon_days=30"]
    assert _sim(*args).exit_code == 0
    (out / "manifest.json").unlink()
    (out / "replications" / "index.json").unlink()
    result = _sim(*args, "--resume")
    assert result.exit_code == 2
    assert "pass --force to start the folder again" in _said(result)
