"""Review 250: a standard error that is closed (``2>&-``) or cannot be written
(``2>/dev/full``, a batch system's log on a full disk).

Before, ``sim run`` ended with status 1 and no results either way: the progress bar's
failed write (or tqdm's on a ``sys.stderr`` of None) was taken for the run's own failure,
and the message saying so failed in turn; ``sim validate`` of a missing file exited 1, an
"internal error", not 2. The messages are lost now, and the command goes on to its results
and its own exit status.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"

pytestmark = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")


def _sim(*args: str, stderr: str) -> subprocess.CompletedProcess[str]:
    """``python -m sim ARGS`` with its standard error closed (``stderr="closed"``) or sent
    to ``/dev/full``."""
    redirect = "2>&-" if stderr == "closed" else "2>/dev/full"
    return subprocess.run(["sh", "-c", f'exec "$@" {redirect}', "sh", sys.executable, "-m",
                           "sim", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "SIM_DEBUG": ""})


@pytest.mark.parametrize("stderr", ["full", "closed"])
def test_a_run_whose_stderr_is_lost_writes_its_results(tmp_path: Path, stderr: str) -> None:
    out = tmp_path / "run"
    proc = _sim("run", str(TINY), "-n", "2", "--seed", "1", "--workers", "1",
                "--no-figures", "--set", "horizon_days=20", "--out", str(out), stderr=stderr)
    assert proc.returncode == 0, proc.stdout
    assert (out / "manifest.json").is_file()
    assert "2 replication(s), seed 1" in proc.stdout


def test_bad_input_with_stderr_full_still_exits_2(tmp_path: Path) -> None:
    proc = _sim("validate", str(tmp_path / "missing.yaml"), stderr="full")
    assert proc.returncode == 2
