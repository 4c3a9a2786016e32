"""comparison.json names the code that ran each scenario's replications and the code that
compared them, and a comparison resumed by other code says so in each scenario's
manifest.json too (both were known open in docs/reliability.md: only the comparison's own
files said so, and a comparison of results folders named no code at all). Each scenario's
manifest.json lists every code that ran it (it listed only the last: a comparison finishes
its scenarios' folders by objects that did not begin them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import sim
from sim.output import compare_output as C
from sim.output import folder as F
from sim.output import provenance as P

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
OTHER_CODE = "drc-minerals-sim 9.9.9 at 0123456789ab"


def other(tmp_path: Path) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = "other"
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def recorded(out: Path) -> dict:
    return json.loads((out / "comparison.json").read_text(encoding="utf-8"))


def test_comparison_json_names_the_code(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    comp = sim.run_comparison([TINY, other(tmp_path)], 2, 3, out=out, figures=False)
    info = recorded(out)
    assert info["code"] == F.code_label()
    assert [s["code"] for s in info["scenarios"]] == [[F.code_label()]] * 2
    assert comp.codes == [[F.code_label()]] * 2


def test_folders_compared_keep_their_own_code(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    sim.run(TINY, 2, 3, out=first)
    for module in (F, P):  # read by the writer (F), run.json and the code note (P)
        monkeypatch.setattr(module, "code_label", lambda: OTHER_CODE)
    # the replications run here carry their code too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: (OTHER_CODE, F.build_kind()))
    sim.run(other(tmp_path), 2, 3, out=second)
    monkeypatch.undo()
    out = tmp_path / "cmp"
    sim.run_comparison([first, second], out=out, figures=False)
    info = recorded(out)
    assert [s["code"] for s in info["scenarios"]] == [[F.code_label()], [OTHER_CODE]]
    assert info["code"] == F.code_label()


def test_results_built_in_code_record_none(tmp_path: Path) -> None:
    res = sim.run(TINY, 2, 3)
    res.info.pop("manifest", None)
    out = tmp_path / "cmp"
    comp = sim.run_comparison([res, other(tmp_path)], 2, 3, out=out, figures=False)
    assert comp.codes == [None, [F.code_label()]]
    assert recorded(out)["scenarios"][0]["code"] is None


def test_a_resume_by_other_code_is_noted_in_each_manifest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "cmp"
    second = other(tmp_path)
    sim.run_comparison([TINY, second], 2, 3, out=out, figures=False)
    before = F.code_label()
    for module in (F, P):  # read by the writer (F), run.json and the code note (P)
        monkeypatch.setattr(module, "code_label", lambda: OTHER_CODE)
    # the replications run here carry their code too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: (OTHER_CODE, F.build_kind()))
    monkeypatch.setattr(C, "code_label", lambda: OTHER_CODE)
    comp = sim.run_comparison([TINY, second], 3, 3, out=out, resume=True, figures=False)
    assert comp.codes == [[before, OTHER_CODE]] * 2
    info = recorded(out)
    assert info["code"] == OTHER_CODE
    assert [s["code"] for s in info["scenarios"]] == [[before, OTHER_CODE]] * 2
    for label in ("tiny", "other"):
        manifest = json.loads((out / label / "manifest.json").read_text(encoding="utf-8"))
        said = [n for n in manifest["notes"] if "were run by" in n]
        assert len(said) == 1 and f"saved in {out / label} before this resume" in said[0]
        assert said[0].endswith("force=True runs them all again with one")
        assert manifest["code"] == [before, OTHER_CODE]
