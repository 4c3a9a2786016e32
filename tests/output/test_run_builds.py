"""run.json records the builds that ran a results folder (review 97): the plain and the
compiled build (``make compiled``) give identical results, so nothing else in a folder
told them apart. A run resumed in the other build adds it."""

from __future__ import annotations

import json
from pathlib import Path

import sim
import sim.output.folder as folder
import sim.output.provenance as provenance

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def builds(out: Path) -> list[str]:
    return json.loads((out / "run.json").read_text(encoding="utf-8"))["builds"]


def test_run_json_names_the_builds_that_ran_it(tmp_path: Path, monkeypatch) -> None:
    sc = sim.load_scenario(TINY, ["horizon_days=20"])
    out = tmp_path / "run"
    sim.run(sc, replications=1, seed=1, out=out, figures=False)
    assert builds(out) == ["plain Python"]
    # resumed for more replications by the compiled build
    for module in (folder, provenance):  # the writer and what run.json records read it
        monkeypatch.setattr(module, "build_kind", lambda: "compiled")
    # the replications run carry their build too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: (folder.code_label(), "compiled"))
    sim.run(sc, replications=2, seed=1, out=out, resume=True, figures=False)
    assert builds(out) == ["plain Python", "compiled"]
    # and again by the same: listed once
    sim.run(sc, replications=3, seed=1, out=out, resume=True, figures=False)
    assert builds(out) == ["plain Python", "compiled"]
    assert sim.load_results(out).replications == [0, 1, 2]
