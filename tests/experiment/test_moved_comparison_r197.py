"""Review 197: a comparison moved mid-run, finished where it went as its message said,
was told "nothing saved" though its replications were reused; a scenario's folder moved
inside the comparison's got the hint "--out <the comparison> and --resume", which reran its
replications."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import sim
from sim.output.folder import FolderError, nothing_saved
from tests.conftest import after_count

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
TWO = TINY.parent / "two_routes.yaml"



def test_a_moved_comparison_holds_what_it_saved(tmp_path: Path) -> None:
    out, moved = tmp_path / "cm3", tmp_path / "cm3_moved"
    with pytest.raises(FolderError):
        sim.compare([TINY, TWO], replications=3, out=out, figures=False,
                    progress=after_count(2, lambda: out.rename(moved)))
    assert not nothing_saved(moved)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.compare([TINY, TWO], replications=3, out=moved, resume=True, figures=False)
    assert not [w for w in caught if "nothing saved" in str(w.message)]


def test_a_scenario_s_folder_moved_is_told_to_be_moved_back(tmp_path: Path) -> None:
    out = tmp_path / "cm2"
    arm, moved = out / "tiny", out / "tiny_moved"
    with pytest.raises(FolderError) as info:
        sim.compare([TINY, TWO], replications=3, out=out, figures=False,
                    progress=after_count(2, lambda: arm.rename(moved)))
    assert f"{arm} was moved to {moved}" in info.value.message
    # (in Python words: "--resume" reads resume=True)
    assert info.value.hint.startswith(f"move it back (mv {moved} {arm}), then run the same ")
    assert info.value.hint.endswith("it runs only the replications not saved")
    # as the hint says: moved back, the resume runs only what was not saved
    saved = len(list((moved / "replications").glob("rep-*.npz")))
    moved.rename(arm)
    counted: list[int] = []
    sim.compare([TINY, TWO], replications=3, out=out, resume=True, figures=False,
                progress=counted.append)
    assert saved >= 1 and sum(counted) >= saved
