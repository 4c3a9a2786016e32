"""Review 247: a comparison's second scenario folder said its replications were run by
other code than the command's.

The first scenario's notes (a --set overloading a capacity, say) were kept in the variable
holding the code label the next scenario's replications are told from, so the next one's
manifest.json said "every replication was run by drc-minerals-sim ... not by [...], which
started the run", though one process ran them all.
"""

from __future__ import annotations

import json
from pathlib import Path

from sim.experiment.compare import run_comparison

TINY = Path(__file__).parents[1] / "data" / "tiny.yaml"


def test_no_scenario_folder_says_its_code_differs(tmp_path):
    second = tmp_path / "tiny_b.yaml"
    second.write_text(TINY.read_text(encoding="utf-8").replace("name: tiny", "name: tiny_b", 1),
                      encoding="utf-8")
    out = tmp_path / "c"
    # 1 truck a day: each scenario has a capacity note for its folder's manifest
    run_comparison([TINY, second], 1, out=out, figures=False,
                   overrides=["sites.border.clearance_trucks_per_day=1"])
    for label in ("tiny", "tiny_b"):
        notes = json.loads((out / label / "manifest.json").read_text(encoding="utf-8"))["notes"]
        assert any("of its capacity" in n for n in notes), notes
        assert not any("was run by" in n for n in notes), notes
