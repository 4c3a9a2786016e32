"""``dask_local=True`` from code piped on stdin is refused before any Dask worker starts
(review 96, finding 11): each worker starts by running the main script again, which code
read from stdin cannot be, and each printed a 15-line traceback ahead of the message that
says so."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("distributed")
TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_code_from_stdin_is_refused_before_workers_start() -> None:
    code = textwrap.dedent(f"""
        import sim
        from sim.experiment.errors import ExperimentError
        sc = sim.load_scenario({str(TINY)!r}, ["horizon_days=10"])
        try:
            sim.run(sc, replications=2, dask_local=True, workers=1)
        except ExperimentError as exc:
            print("refused:", exc)
    """)
    done = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "refused:" in done.stdout
    assert "<stdin> is not a file they can run" in done.stdout
    assert "Traceback" not in done.stderr, done.stderr  # no worker's traceback
