"""Review 198's known open item: ``sim.sweep(..., force=True)`` let a permission failure
while it cleared the old sweep's store escape as a bare PermissionError, with no word of
which folder or what to do."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

import sim
from sim.output import sweep_store
from sim.output.folder import FolderError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_a_store_that_cannot_be_removed_is_a_folder_error_with_a_hint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sw"
    sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=2, out=out, figures=False)
    locked = out / "sweep-replications" / "plan.json"

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(locked))

    monkeypatch.setattr(sweep_store.shutil, "rmtree", refuse)
    with pytest.raises(FolderError) as info:
        sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=3, out=out,
                  figures=False, force=True)
    assert info.value.message == (
        f"cannot remove the old sweep's sweep-replications/ to start again: {locked}: "
        "Permission denied")
    assert info.value.hint.startswith("choose a folder you can write to")
