"""sim sweep holds its folder's lock while it cleans up after an interrupt (review 89, F3).

run_sweep released the lock on its way out, and the command line's handler then removed the
unfinished sweep's plan (and the folder it created): a second command that took the lock in
between could have its new plan deleted. The command now holds the lock until its handlers
are done. Here the handler's clean-up asks, from another process, whether the folder is
still locked.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim.experiment.sweep as sweep_module
from sim.cli import main
from sim.output import folder as folder_module
from sim.output import folder_lock
from sim.output.sweep_store import SweepStore

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _locked_elsewhere(path: Path) -> bool:
    """Whether another process is refused the lock of ``path`` (a forked child tries)."""
    def child() -> None:
        try:
            handle = folder_module.lock_folder(path, "sim sweep")
        except folder_module.FolderError:
            os._exit(3)
        os._exit(0 if handle is not None else 4)

    proc = multiprocessing.get_context("fork").Process(target=child)
    proc.start()
    proc.join(30)
    return proc.exitcode == 3


@pytest.mark.skipif(os.name != "posix" or folder_lock.fcntl is None,
                    reason="flock and fork")
def test_an_interrupted_sweep_cleans_up_under_its_lock(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sw"
    seen: list[bool] = []
    abandon = SweepStore.abandon

    def interrupted(*_a: object, **kw: object) -> None:
        with folder_module.writing(kw["out"], "sim sweep"):  # as the real one holds it
            SweepStore(Path(kw["out"])).path.mkdir(parents=True)
        raise KeyboardInterrupt

    def watched(self: SweepStore, created: bool = False) -> bool:
        seen.append(_locked_elsewhere(out))
        return abandon(self, created)

    monkeypatch.setattr(sweep_module, "run_sweep", interrupted)
    monkeypatch.setattr(SweepStore, "abandon", watched)
    result = CliRunner().invoke(main, ["sweep", str(TINY), "--param", "horizon_days=20:30:int",
                                       "-n", "2", "--out", str(out), "--workers", "1"])
    assert result.exit_code == 130, result.output
    assert "no sweep was written" in result.output
    assert seen == [True]  # the clean-up ran while the folder was still locked
    assert not out.exists()  # and the folder the sweep created is gone with its lock
