"""Review 230: comparison labels differing only in case (``tiny`` and ``TINY``) would share
one folder on a file system that ignores case (macOS, Windows): they are made unique
ignoring case."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.experiment.compare import Arm, _unique_labels

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def arm(label: str, source: str = "<scenario>") -> Arm:
    return Arm(label=label, source=source, scenario=None, seed=1)  # type: ignore[arg-type]


def test_labels_differing_only_in_case_are_made_unique() -> None:
    arms = [arm("tiny"), arm("TINY"), arm("Tiny"), arm("other")]
    _unique_labels(arms)
    assert [a.label for a in arms] == ["tiny", "TINY-2", "Tiny-3", "other"]
    assert len({a.label.casefold() for a in arms}) == len(arms)


def test_labels_of_files_differing_only_in_case_fall_back_to_their_stems() -> None:
    arms = [arm("Base", "a/first.yaml"), arm("base", "b/second.yaml")]
    _unique_labels(arms)
    assert [a.label for a in arms] == ["first", "second"]


def test_distinct_labels_are_left_alone() -> None:
    arms = [arm("base"), arm("variant")]
    _unique_labels(arms)
    assert [a.label for a in arms] == ["base", "variant"]


@pytest.mark.filterwarnings("ignore:.*every difference is 0")
def test_files_named_alike_but_for_case_get_folders_of_their_own(tmp_path: Path) -> None:
    # scenario names are lower-case ids, so two arms' labels differ only in case where the
    # names are the same and the labels fall back to the files' names
    for sub, stem in (("a", "Base"), ("b", "base")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / f"{stem}.yaml").write_text(TINY.read_text(encoding="utf-8"),
                                                     encoding="utf-8")
    out = tmp_path / "cmp"
    table = sim.compare([tmp_path / "a" / "Base.yaml", tmp_path / "b" / "base.yaml"],
                        replications=2, seed=1, out=out, figures=False)
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert "Base" in folders and "base-2" in folders
    assert len({f.casefold() for f in folders}) == len(folders)
    assert {"Base", "base-2"} <= set(table["scenario"])
