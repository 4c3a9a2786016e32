"""Review 86, F2 and F3: sim report on a comparison's folder whose compare.csv or
comparison.json is damaged.

A compare.csv cut short was shown as the whole table; one that pandas cannot parse (an
unterminated quote, random bytes, empty) was an "internal error" (exit 1). A comparison.json
cut short made the report take another reference, saying "no comparison.json lists the
runs". Both now stop with exit 2, naming the file, with the comparison's --resume command,
which writes it again without running anything."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.output.report import find_members

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _sim(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One finished comparison (tiny and a renamed copy, 1 replication), copied by each
    test before it damages it."""
    where = tmp_path_factory.mktemp("cmp86")
    other = where / "other.yaml"
    other.write_text(TINY.read_text(encoding="utf-8").replace("name: tiny\n",
                                                              "name: other\n", 1))
    out = where / "cmp"
    result = _sim("compare", TINY, other, "-n", 1, "-w", 1, "--no-figures", "-q",
                  "--set", "horizon_days=30", "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def copy(comparison: Path, tmp_path: Path) -> Path:
    target = tmp_path / "cmp"
    shutil.copytree(comparison, target)
    return target


def _refused(folder: Path, damaged: str) -> str:
    result = _sim("report", folder)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert f"error: {folder / damaged} " in text
    assert "internal error" not in text
    # the comparison's own command, with --out this folder
    assert "hint: rewrite it with: sim compare " in text
    assert f"--out {folder} " in text and "--resume" in text
    assert not (folder / "report.html").exists()
    return text


def _hinted(text: str) -> list[str]:
    command = text.split("rewrite it with: ", 1)[1].split(" (it writes", 1)[0]
    words = shlex.split(command)
    assert words[:2] == ["sim", "compare"]
    return words[1:]


@pytest.mark.parametrize("damage", ["unterminated quote", "random bytes", "empty",
                                    "cut short"])
def test_a_damaged_compare_csv_is_named_with_the_resume_command(copy: Path,
                                                                damage: str) -> None:
    path = copy / "compare.csv"
    data = path.read_bytes()
    path.write_bytes({"unterminated quote": data + b'"x,1\n',
                      "random bytes": bytes(range(256)) * 4,
                      "empty": b"",
                      "cut short": b"\n".join(data.split(b"\n")[:30]) + b"\n"}[damage])
    text = _refused(copy, "compare.csv")
    assert "(changed or cut short since sim compare wrote it)" in text


@pytest.mark.parametrize("damage", ["unterminated quote", "random bytes", "empty"])
def test_a_compare_csv_without_a_recorded_hash_that_cannot_be_parsed_is_named(
        copy: Path, damage: str) -> None:
    # an older comparison.json (or one without the files record) cannot be checked: the
    # parse error is still reported as the file's damage, not as an internal error
    info = json.loads((copy / "comparison.json").read_text(encoding="utf-8"))
    del info["files"]
    (copy / "comparison.json").write_text(json.dumps(info), encoding="utf-8")
    path = copy / "compare.csv"
    path.write_bytes({"unterminated quote": path.read_bytes() + b'"x,1\n',
                      "random bytes": bytes(range(256)) * 4, "empty": b""}[damage])
    text = _refused(copy, "compare.csv")
    assert "is not a table that can be read" in text


def test_the_hinted_command_rewrites_compare_csv(
        comparison: Path, copy: Path) -> None:
    (copy / "compare.csv").write_bytes(b'"unterminated\n')
    words = _hinted(_refused(copy, "compare.csv"))
    result = _sim(*words, "-q")
    assert result.exit_code == 0, result.output
    assert (copy / "compare.csv").read_bytes() == (comparison / "compare.csv").read_bytes()
    # what sim report reads is whole again (the report itself is not drawn: slow)
    from sim.output.report import _compare_csv, read_comparison_json

    info = read_comparison_json(copy)
    assert info is not None
    assert len(_compare_csv(copy, info)) > 0


@pytest.mark.parametrize("damage", ["cut short", "a list", "no scenarios"])
def test_a_damaged_comparison_json_is_named_not_replaced_by_alphabetical_order(
        copy: Path, damage: str) -> None:
    path = copy / "comparison.json"
    path.write_bytes({"cut short": path.read_bytes()[:300], "a list": b"[1, 2]",
                      "no scenarios": b'{"format": "x"}'}[damage])
    text = _refused(copy, "comparison.json")
    assert {"cut short": "is not valid JSON", "a list": "holds a JSON list, not an object",
            "no scenarios": "lists no scenarios"}[damage] in text
    assert "alphabetical order" not in text
    assert "reference:" not in text


def test_a_comparison_folder_without_comparison_json_still_takes_alphabetical_order(
        copy: Path) -> None:
    # no comparison.json at all is not damage: a folder of the user's own runs
    (copy / "comparison.json").unlink()
    members = find_members(copy)
    assert [name for name, _path in members.runs] == ["other", "tiny"]
    assert "first folder in alphabetical order" in members.reason


def test_a_scenarios_damaged_table_is_noted_with_the_comparisons_command(
        copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # review 86, F9, in a comparison: the note names the scenario's folder, and the command
    # that rewrites its tables is the comparison's (sim run refuses one of its scenarios)
    from sim.output import compare_report
    from sim.output import report as report_module

    # write_report calls it from its module, sim.output.compare_report (review 231)
    monkeypatch.setattr(compare_report, "compare_report_html", lambda *a, **k: "<html>")
    (copy / "tiny" / "summary.csv").unlink()
    written = report_module.write_report(copy)
    notes = [n for n in written.notes if "its tables are not those" in n]
    assert len(notes) == 1
    assert notes[0].startswith(f"note: {copy / 'tiny'}: its tables are not those sim run "
                               "wrote (summary.csv is missing)")
    assert "sim compare " in notes[0] and "--resume rewrites them" in notes[0]
