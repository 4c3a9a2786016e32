"""Review 74, F1-F3 and F5: the extends notes of a comparison advise comparing with the
parent only when the scenario's own ``extends`` names one file, match files by path when
both were loaded here, and say nothing of a reference built from a mapping; and
``sim.compare(..., resume=True)`` without ``out`` is refused as sim.run refuses it."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from sim.experiment.compare import extends_notes, resolve

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _two_parents(tmp_path: Path) -> Path:
    _write(tmp_path / "ban.yaml", f"extends: {TINY}\nname: ban\n"
           "horizon_days: {value: 90, assumption: test input}\n")
    _write(tmp_path / "deal.yaml", f"extends: {TINY}\nname: deal\n")
    return _write(tmp_path / "both.yaml", "extends: [ban.yaml, deal.yaml]\nname: both\n")


def test_several_parents_are_named_without_the_advice(tmp_path: Path) -> None:
    both = _two_parents(tmp_path)
    notes = extends_notes(resolve([TINY, both])[0])
    assert len(notes) == 1
    assert notes[0].startswith("both extends deal.yaml and ban.yaml, which the reference "
                               "(tiny) does not")
    assert "compare it with" not in notes[0]
    assert "it combines ban.yaml and deal.yaml" in notes[0]
    assert "still holds the others' changes" in notes[0]


def test_a_chain_keeps_the_advice_of_its_direct_parent(tmp_path: Path) -> None:
    _write(tmp_path / "leaky.yaml", f"extends: {TINY}\nname: leaky\n")
    _write(tmp_path / "deal.yaml", "extends: leaky.yaml\nname: deal\n")
    top = _write(tmp_path / "top.yaml", "extends: deal.yaml\nname: top\n")
    other = _write(tmp_path / "o" / "other.yaml", f"extends: {TINY}\nname: other\n")
    notes = extends_notes(resolve([other, top])[0])
    assert len(notes) == 1
    assert notes[0].startswith("top extends deal.yaml and leaky.yaml, which the reference")
    assert notes[0].endswith("compare it with deal.yaml for top's own effect")


def test_a_file_of_the_reference_s_name_in_another_folder_is_noted(tmp_path: Path) -> None:
    text = TINY.read_text(encoding="utf-8")
    _write(tmp_path / "alt" / "tiny.yaml", text)  # a copy, to be edited
    child = _write(tmp_path / "alt" / "child.yaml", "extends: tiny.yaml\nname: child\n")
    notes = extends_notes(resolve([TINY, child])[0])
    assert len(notes) == 1
    assert notes[0].startswith("child extends tiny.yaml, which the reference (tiny) does not")
    # the reference's own file is still matched
    own = _write(tmp_path / "own.yaml", f"extends: {TINY}\nname: own\n")
    assert extends_notes(resolve([TINY, own])[0]) == []


def test_a_reference_built_from_a_mapping_gets_no_note(tmp_path: Path) -> None:
    import sim
    from sim.scenario.yamlio import read_yaml

    data, _lines = read_yaml(TINY)
    ref = sim.scenario_from_dict(data, name="tinyd")
    _write(tmp_path / "leaky.yaml", f"extends: {TINY}\nname: leaky\n")
    deal = _write(tmp_path / "deal.yaml", "extends: leaky.yaml\nname: deal\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arms, _root = resolve([ref, deal])
    assert extends_notes(arms) == []


def test_loaded_scenarios_keep_their_files(tmp_path: Path) -> None:
    import sim

    both = _two_parents(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arms, _root = resolve([sim.load_scenario(TINY), sim.load_scenario(both)])
    notes = extends_notes(arms)
    assert len(notes) == 1 and "it combines ban.yaml and deal.yaml" in notes[0]


def test_resume_without_out_is_refused(tmp_path: Path) -> None:
    import sim
    from sim.experiment.errors import ExperimentError

    own = _write(tmp_path / "own.yaml", f"extends: {TINY}\nname: own\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ExperimentError) as info:
            sim.compare([TINY, own], replications=1, workers=1, resume=True)
    assert info.value.what == "resume"
    assert "resume needs the folder" in str(info.value)
