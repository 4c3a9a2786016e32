"""An interrupted run whose saved replications hold another version's series (from before
`refined_t`, say) is told it cannot be resumed, where its finish hint said `--resume`, which
then printed that the folder "mixes their results" before refusing it (review 207)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

import sim
from sim.cli import main

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _old_unfinished(tmp_path: Path) -> Path:
    out = tmp_path / "old"
    sim.run(TINY, 3, seed=1, out=out, figures=False)
    for name in ("manifest.json", "kpis.csv", "summary.csv", "series.csv.gz", "timeline.csv"):
        (out / name).unlink(missing_ok=True)
    (out / "replications" / "rep-000002.npz").unlink()
    for path in (out / "replications").glob("rep-*.npz"):
        with np.load(path) as npz:
            data = {k: npz[k] for k in npz.files}
        data["series"] = data["series"][:-1]  # one series fewer, as an older catalogue
        np.savez(path, **data)
    info = json.loads((out / "run.json").read_text())
    info["code"] = ["drc-minerals-sim 0.1.0 at 0123456789ab"]
    (out / "run.json").write_text(json.dumps(info))
    return out


def test_the_finish_hint_of_an_old_version_s_run_is_force(tmp_path: Path) -> None:
    out = _old_unfinished(tmp_path)
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 2
    assert "another version saved them" in result.output
    assert "--resume cannot finish or rebuild it" in result.output
    assert "with --force instead of --resume" in result.output
    assert "finish it with" not in result.output


def test_its_resume_says_nothing_of_mixed_results(tmp_path: Path) -> None:
    out = _old_unfinished(tmp_path)
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "3", "--seed", "1", "-w", "1",
                                       "--out", str(out), "--resume", "-q", "--no-figures"])
    assert result.exit_code == 2
    assert "cannot be resumed" in result.output
    assert "mixes their results" not in result.output
