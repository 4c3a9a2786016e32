"""Review 185 (a new user following the README): `sim report results` over the folders
`make demo` and the README's own commands make (`baseline`, and `base`, of the baseline
scenario) took `base` as the reference, by alphabetical order, though a folder is named
baseline, which the README and `sim report --help` put first."""

from __future__ import annotations

import shutil
from pathlib import Path

import sim
from sim.output.report import _members

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_the_folder_named_baseline_comes_before_a_run_of_the_baseline(tmp_path: Path) -> None:
    runs = tmp_path / "results"
    sim.run(TINY, 1, 1, out=runs / "baseline",
            overrides=["name=other"])  # its scenario is not named baseline
    sim.run(TINY, 1, 1, out=runs / "base", overrides=["name=baseline"])
    members = _members(runs)
    assert members.runs[0][0] == "baseline"
    assert members.reason == "its folder is named baseline"
    shutil.rmtree(runs / "baseline")
    sim.run(TINY, 1, 1, out=runs / "zz")
    members = _members(runs)
    assert members.runs[0][0] == "base"  # no folder named baseline: its scenario is
    assert members.reason == "its scenario is named baseline"
