"""Review 73, F5: a compared scenario that extends a file the reference does not is said
to carry that file's changes in its differences."""

from __future__ import annotations

import warnings
from pathlib import Path

from sim.experiment.compare import extends_notes, resolve

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    leaky = tmp_path / "leaky.yaml"
    leaky.write_text(f"extends: {TINY}\nname: leaky\n"
                     "horizon_days: {value: 90, assumption: test input}\n", encoding="utf-8")
    deal = tmp_path / "deal.yaml"
    deal.write_text("extends: leaky.yaml\nname: deal\n", encoding="utf-8")
    own = tmp_path / "own.yaml"
    own.write_text(f"extends: {TINY}\nname: own\n", encoding="utf-8")
    return leaky, deal, own


def test_scenario_over_a_file_the_reference_lacks_is_noted(tmp_path: Path) -> None:
    _leaky, deal, _own = _files(tmp_path)
    arms, _root = resolve([TINY, deal])
    notes = extends_notes(arms)
    assert len(notes) == 1
    assert notes[0].startswith("deal extends leaky.yaml, which the reference (tiny) does not")
    assert "include leaky's changes" in notes[0]
    assert "compare it with leaky.yaml for deal's own effect" in notes[0]


def test_no_note_when_the_reference_is_in_the_chain(tmp_path: Path) -> None:
    leaky, deal, own = _files(tmp_path)
    assert extends_notes(resolve([leaky, deal])[0]) == []
    assert extends_notes(resolve([TINY, own])[0]) == []  # extends the reference itself


def test_the_note_reaches_the_comparison(tmp_path: Path) -> None:
    import sim

    _leaky, deal, _own = _files(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = sim.compare([TINY, deal], replications=1, workers=1)
    assert any(n.startswith("deal extends leaky.yaml") for n in table.attrs["notes"])


def test_results_folders_are_read_from_their_manifests() -> None:
    from types import SimpleNamespace

    import sim
    from sim.experiment.compare import Arm
    from sim.scenario.loader import set_meta

    sc = sim.load_scenario(TINY)
    set_meta(sc, None)  # as results read from a folder: no files of their own

    def arm(label: str, files: list[str]) -> Arm:
        fixed = SimpleNamespace(info={"manifest": {"scenario_files": files}})
        return Arm(label, f"runs/{label}", sc, 1, fixed=fixed)

    arms = [arm("baseline", ["scenarios/baseline.yaml"]),
            arm("us_partnership", ["scenarios/us_partnership.yaml",
                                   "scenarios/baseline_leakage.yaml",
                                   "scenarios/baseline.yaml"])]
    notes = extends_notes(arms)
    assert len(notes) == 1 and notes[0].startswith(
        "us_partnership extends baseline_leakage.yaml, which the reference (baseline) does not")
    assert extends_notes([arms[1], arm("leaky", ["scenarios/baseline_leakage.yaml",
                                                 "scenarios/baseline.yaml"])]) == []
