"""F75b: the reports of a run and of a comparison give the scenario's notes (a policy that
cannot act in the network, what a --set did) that sim run and sim compare printed, each
once, as compare.md gives them ("Note:" paragraphs). They were in the terminal, compare.md
and comparison.json, but report.html of neither a run nor a comparison had them, and
manifest.json keeps no notes, so the report finds them again."""

from __future__ import annotations

import html
import warnings
from pathlib import Path

import pytest

import sim
from sim.output.folder import load_results
from sim.output.report import write_report

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
IDLE = ("export control 'idle' changes nothing in this network: no refiner in COD sells "
        "copper to market_x (flows through third countries are not modelled)")
PRICE = "commodities.copper.reference_price_usd_per_t=9000"


def idle_yaml(where: Path, name: str = "tiny_idle") -> Path:
    """tiny.yaml with an export control no sale crosses (tiny.yaml has no refiner)."""
    path = where / f"{name}.yaml"
    path.write_text(f"extends: {TINY}\nname: {name}\npolicies:\n  export_controls:\n"
                    "    idle: {country: COD, commodity: copper, markets: [market_x], "
                    "start: 10, cap_t_per_year: 0}\n", encoding="utf-8")
    return path


def quiet_run(path: Path, out: Path, overrides: list[str] | None = None) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.run(path, 1, workers=1, out=out, figures=False, overrides=overrides or [])
    return out


def paragraphs(page: str, note: str) -> int:
    return page.count(f'<p class="warn"><strong>Note:</strong> {html.escape(note)}</p>')


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("f75b")
    idle = idle_yaml(base)
    other = idle_yaml(base, "tiny_idle2")  # the same note: said once
    out = base / "cmp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.compare([idle, other], replications=1, workers=1, out=out, figures=False)
    return {"idle": idle, "cmp": out, "run": quiet_run(idle, base / "run")}


def test_a_runs_report_gives_the_note_sim_run_printed(folders: dict[str, Path]) -> None:
    report = write_report(folders["run"])
    page = report.path.read_text(encoding="utf-8")
    assert paragraphs(page, IDLE) == 1
    assert report.notes.count(f"note: {IDLE}") == 1


def test_a_comparisons_report_gives_its_notes_once(folders: dict[str, Path]) -> None:
    compare_md = (folders["cmp"] / "compare.md").read_text(encoding="utf-8")
    assert compare_md.count(f"**Note:** {IDLE}") == 1  # as the terminal, before the fix
    report = write_report(folders["cmp"])
    page = report.path.read_text(encoding="utf-8")
    assert paragraphs(page, IDLE) == 1
    assert report.notes.count(f"note: {IDLE}") == 1


def test_the_note_is_found_from_the_scenario_once_its_file_is_gone(
        folders: dict[str, Path], tmp_path: Path) -> None:
    from sim.output.report import scenario_notes

    res = load_results(folders["run"])
    assert res.info["manifest"]["notes"] == [IDLE]  # saved with the results
    assert scenario_notes(res) == [IDLE]
    # a folder written before manifests saved notes
    older = {k: v for k, v in res.info["manifest"].items() if k != "notes"}
    assert scenario_notes(res, older) == [IDLE]
    gone = {**older, "scenario_files": [str(tmp_path / "gone.yaml")]}
    assert scenario_notes(res, gone) == [IDLE]
    built = {**older, "scenario_files": ["<dict>"]}
    assert scenario_notes(res, built) == [IDLE]


def test_an_override_note_is_found_again_from_the_file_and_its_overrides(
        tmp_path: Path) -> None:
    # what a --set did is a note on the files, not on the scenario run: it is found by
    # loading the recorded file with the recorded overrides, which give the same scenario
    from sim.output.report import scenario_notes
    from sim.scenario.loader import set_meta

    priced = tmp_path / "priced.yaml"
    priced.write_text(f"extends: {TINY}\nname: priced\ncommodities:\n  copper:\n"
                      "    reference_price_usd_per_t: {value: 4, unit: usd/lb}\n",
                      encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sim.run(priced, 1, workers=1, overrides=[PRICE])
    set_meta(res.scenario, None)  # as read back from a results folder
    manifest = {"scenario_files": [str(priced), str(TINY)], "overrides": [PRICE]}
    said = scenario_notes(res, manifest)
    assert len(said) == 1 and said[0].startswith(f"--set {PRICE}: the file gave ")
    # the file edited since gives another scenario: its notes are not taken for this one
    priced.write_text(f"extends: {TINY}\nname: priced\nhorizon_days: 50\n", encoding="utf-8")
    assert scenario_notes(res, manifest) == []


def test_a_saved_override_note_outlives_the_file(tmp_path: Path) -> None:
    # manifest.json keeps the notes sim run printed: the report gives what a --set did
    # even after the file was edited
    priced = tmp_path / "priced.yaml"
    priced.write_text(f"extends: {TINY}\nname: priced\ncommodities:\n  copper:\n"
                      "    reference_price_usd_per_t: {value: 4, unit: usd/lb}\n",
                      encoding="utf-8")
    out = quiet_run(priced, tmp_path / "run", [PRICE])
    priced.write_text(f"extends: {TINY}\nname: priced\nhorizon_days: 50\n", encoding="utf-8")
    report = write_report(out)
    said = [n for n in report.notes if n.startswith(f"note: --set {PRICE}: the file gave ")]
    assert len(said) == 1
    assert paragraphs(report.path.read_text(encoding="utf-8"), said[0][len("note: "):]) == 1
