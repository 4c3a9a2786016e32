"""Each scenario's folder of a comparison is a results folder as `sim run` writes it,
figures included (review 61): they were left out, so `DIR/<name>/` lacked the `figures/`
every results folder promises, and a scenario with scripted shocks had no timeline.
(With --no-figures none are drawn: test_resume_options_nov30.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from expt_helpers import TINY, cli


def test_a_comparisons_scenario_folders_hold_their_figures(
        build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the comparison's own figures are test_compare.py's; drawing them here too was about
    # a third of this test's time
    monkeypatch.setattr("sim.output.compare_figures.write_compare_figures", lambda *a, **k: [])
    cut = build.tiny_closure(tmp_path / "cut.yaml", "{lanes: [mine_border]}", start=5, days=5)
    compared = cli("compare", TINY, cut, "-n", 1, "-w", 1, "-q", "--out", tmp_path / "c")
    assert compared.exit_code == 0, compared.output
    for label in ("tiny", "closure"):
        folder = tmp_path / "c" / label
        assert (folder / "figures" / "deliveries.png").is_file()
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert "figures/deliveries.png" in manifest["files"]
    # the scripted closure's timeline, as sim run draws it for that scenario
    assert (tmp_path / "c" / "closure" / "figures" / "timeline.png").is_file()
    assert not (tmp_path / "c" / "tiny" / "figures" / "timeline.png").exists()
