"""Review 219, x16: ``sim compare`` with a --target-ci whose maximum cannot fit in memory
names --max-replications, not -n (nothing is allocated: the memory figure is made small,
as in test_result_memory_r210.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from expt_helpers import cli

from sim.experiment import collector as collector_module

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
SERIES = 720  # bytes of one replication's series of tiny.yaml


def test_compare_names_the_maximum_that_cannot_fit(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setattr(collector_module, "physical_memory", lambda: 10 * SERIES)
    out = tmp_path / "c"
    result = cli("compare", TINY, TINY, "-n", 2, "--target-ci", 0.1, "--metric",
                 "delivered_t:copper", "--max-replications", 50, "-q", "--no-figures",
                 "--out", out)
    assert result.exit_code == 2, result.output
    assert "--max-replications: 50 replications of each of 2 scenarios need about" in \
        result.output
    assert "give a far smaller --max-replications" in result.output
    assert not out.exists()
    # -n within memory and no target: nothing to refuse on -n's account either
    ok = cli("compare", TINY, TINY, "-n", 2, "-q", "--no-figures", "--out", tmp_path / "d")
    assert ok.exit_code == 0, ok.output
