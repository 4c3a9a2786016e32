"""Review 80, finding 4: a comparison's scenario notes did not say which scenario they
were about ("stockpile rule 'x' never releases" could be either's), and the report of a
comparison gave a results folder's own notes (from its manifest.json) that sim compare
(terminal, compare.md, comparison.json) left out. A note that not every scenario holds now
begins with the labels of those that do ("b2: --set ..."), one every scenario holds is
given once as it is, and a results folder's notes are in sim compare's output and the
report alike."""

from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.folder import load_results
from sim.output.report import compared_scenario_notes, write_report

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
PRICE = "commodities.copper.reference_price_usd_per_t"
IDLE = ("export control 'idle' changes nothing in this network: no refiner in COD sells "
        "copper to market_x (flows through third countries are not modelled)")


def unit_note(value: int) -> str:
    return (f"--set {PRICE}={value}: the file gave {PRICE} as 4 usd/lb; the bare number is "
            f"read in the field's own unit, not usd/lb (to keep usd/lb, write --set "
            f"'{PRICE}={{value: {value}, unit: usd/lb}}')")


def scenario_file(where: Path, name: str, idle: bool = False) -> Path:
    """tiny.yaml priced in usd/lb (a bare --set number is noted), with an export control
    no sale crosses if ``idle`` (noted as changing nothing)."""
    text = (f"extends: {TINY}\nname: {name}\ncommodities:\n  copper:\n"
            "    reference_price_usd_per_t: {value: 4, unit: usd/lb}\n")
    if idle:
        text += ("policies:\n  export_controls:\n    idle: {country: COD, commodity: copper, "
                 "markets: [market_x], start: 10, cap_t_per_year: 0}\n")
    path = where / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str | Path) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def report_notes(folder: Path) -> list[str]:
    """The scenario notes sim report gives of ``folder``, in the terminal and report.html
    (which must agree)."""
    report = write_report(folder)
    said = [n.removeprefix("note: ") for n in report.notes if n.startswith("note: ")]
    page = report.path.read_text(encoding="utf-8")
    shown = [html.unescape(m) for m in
             re.findall(r'<p class="warn"><strong>Note:</strong> (.*?)</p>', page)]
    assert shown == [n for n in said if n in shown]
    return shown


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("f80")
    priced = scenario_file(base, "b2")
    cli("run", priced, "-n", "1", "-w", "1", "--out", base / "runA", "--no-figures",
        "--set", f"{PRICE}=9000")
    out = cli("compare", base / "runA", priced, "-n", "1", "-w", "1", "--out", base / "cmp1",
              "--no-figures", "--set", f"{PRICE}=9500")
    return {"base": base, "terminal": out, "folder": base / "cmp1"}


def test_each_note_says_which_scenario_it_is_about(compared: dict[str, object]) -> None:
    folder = compared["folder"]
    assert isinstance(folder, Path)
    expected = [f"runA: {unit_note(9000)}", f"b2: {unit_note(9500)}"]
    terminal = str(compared["terminal"])
    for note in expected:
        assert f"note: {note}" in terminal
    compare_md = (folder / "compare.md").read_text(encoding="utf-8")
    assert [n for n in re.findall(r"\*\*Note:\*\* (.*)", compare_md) if PRICE in n] == expected
    assert json.loads((folder / "comparison.json").read_text(encoding="utf-8"))["notes"] \
        == expected


def test_the_report_gives_the_notes_compare_md_gives(compared: dict[str, object]) -> None:
    folder = compared["folder"]
    assert isinstance(folder, Path)
    compare_md = (folder / "compare.md").read_text(encoding="utf-8")
    in_md = [n for n in re.findall(r"\*\*Note:\*\* (.*)", compare_md) if PRICE in n]
    assert [n for n in report_notes(folder) if PRICE in n] == in_md
    assert len(in_md) == 2


def test_a_note_of_every_scenario_is_said_once_without_a_label(tmp_path: Path) -> None:
    one, two = scenario_file(tmp_path, "one", idle=True), scenario_file(tmp_path, "two",
                                                                        idle=True)
    plain = scenario_file(tmp_path, "plain")
    out = cli("compare", one, two, plain, "-n", "1", "-w", "1", "--out", tmp_path / "cmp",
              "--no-figures")
    assert f"note: one, two: {IDLE}" in out
    compare_md = (tmp_path / "cmp" / "compare.md").read_text(encoding="utf-8")
    assert compare_md.count(f"**Note:** one, two: {IDLE}") == 1
    # the report's notes (report.html's are checked above, and making it takes seconds)
    named = [(name, load_results(tmp_path / "cmp" / name)) for name in ("one", "two", "plain")]
    assert compared_scenario_notes(named) == [f"one, two: {IDLE}"]
    assert compared_scenario_notes(named[:2]) == [IDLE]  # of both: said once, unlabelled


def test_python_compare_of_a_folder_gives_its_notes(
        compared: dict[str, object], tmp_path: Path) -> None:
    # worded for Python, as sim.load_scenario and sim.run warn of them (unlabelled)
    base = compared["base"]
    assert isinstance(base, Path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = sim.compare([base / "runA", TINY], 1, workers=1)
    said = [n for n in table.attrs["notes"] if PRICE in n]
    assert len(said) == 1 and said[0].startswith(f"override '{PRICE}=9000': the file gave ")
    assert any(str(w.message) == said[0] for w in caught)


def test_labelled_notes() -> None:
    from sim.experiment.compare import labelled_notes

    held = [["shared", "a and c"], ["shared"], ["shared", "a and c", "c alone"]]
    assert labelled_notes(["a", "b", "c"], held) == ["shared", "a, c: a and c",
                                                     "c: c alone"]
    # only what is to be said is given, labelled by every scenario that holds it
    assert labelled_notes(["a", "b", "c"], held, [[], [], ["a and c"]]) == ["a, c: a and c"]
