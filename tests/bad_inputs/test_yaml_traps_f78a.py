"""YAML reading traps (review 78, fixer F78a): numbers YAML 1.1 reads in base 8 or 60,
Unicode line breaks and CR-only files that put line numbers off, files too large to read
whole, a second '<<' merge key, and the hints for tabs, several documents, a file of only
'---' or '~' and an alias whose anchor is in the file extended."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario import load_scenario, yamlio
from sim.scenario.errors import ScenarioError
from sim.scenario.yamlio import parse_yaml, read_text

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
CLEARANCE = "    clearance_trucks_per_day: {value: 100, assumption: test input}\n"


def issue_of(text: str, file: str = "f.yaml"):
    with pytest.raises(ScenarioError) as exc:
        parse_yaml(text, file)
    (issue,) = exc.value.issues
    return issue


def tiny_with(old: str, new: str, tmp_path: Path, name: str = "s.yaml") -> Path:
    text = TINY.read_text("utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


# 1. octal and base-60 numbers

@pytest.mark.parametrize(("written", "message", "hint"), [
    ("017", "017 is read by YAML as octal 15, not 17", "write 17"),
    ("0100", "0100 is read by YAML as octal 64, not 100", "write 100"),
    ("-017", "-017 is read by YAML as octal -15, not -17", "write -17"),
    ("1:30", "1:30 is read by YAML as 90 (base 60", "write a number, or quote it"),
    ("190:20:30", "190:20:30 is read by YAML as 685230 (base 60", "quote it ('190:20:30')"),
    ("1:30.5", "1:30.5 is read by YAML as 90.5 (base 60", "write a number"),
    ("-1:00", "-1:00 is read by YAML as -60 (base 60", "write a number"),
])
def test_numbers_read_in_another_base_are_refused_where_written(written, message, hint):
    issue = issue_of(f"a:\n  b: [1, {written}]\n")
    assert issue.message == message or issue.message.startswith(message)
    assert hint in issue.hint
    assert (issue.file, issue.line, issue.column, issue.path) == ("f.yaml", 2, 10, ("a", "b", 1))


@pytest.mark.parametrize(("written", "value"), [
    ("07", 7), ("00", 0), ("17", 17), ("'017'", "017"), ('"1:30"', "1:30"), ("0x1F", 31),
    ("017.5", 17.5), ("1_000", 1000), ("1e6", 1e6), ("08", "08"),
])
def test_numbers_worth_what_they_show_are_kept(written, value):
    assert parse_yaml(f"v: {written}\n", "f.yaml")[0] == {"v": value}


def test_set_reads_its_value_with_the_same_reader():
    for value, words in (("017", "octal 15"), ("1:30", "90 (base 60")):
        with pytest.raises(ScenarioError) as exc:
            load_scenario(TINY, [f"horizon_days={value}"])
        (issue,) = exc.value.issues
        assert issue.file == "--set" and words in issue.message, issue.format()


def test_sim_validate_refuses_a_zero_padded_number_with_exit_2(tmp_path):
    path = tiny_with("clearance_trucks_per_day: {value: 100,",
                     "clearance_trucks_per_day: {value: 017,", tmp_path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert (f"{path}:29:39: sites.border.clearance_trucks_per_day.value: 017 is read by YAML "
            "as octal 15, not 17") in result.output
    assert "hint: write 17" in result.output


# 2. line numbers after Unicode line breaks and in CR-only files

@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085"])
def test_unicode_line_breaks_are_refused_at_their_own_line(char):
    issue = issue_of("# title\nname: x\nsource: \"USGS 2024," + char + " table 3\"\nb: -1\n")
    assert (issue.line, issue.column) == (3, 20)
    assert f"U+{ord(char):04X}" in issue.message
    assert "replace it with a space" in issue.hint


def test_a_unicode_line_break_in_a_comment_is_named_not_a_syntax_error():
    issue = issue_of("# a comment\u2028 with more\nname: x\n")
    assert (issue.line, issue.column) == (1, 12)
    assert "line separator (U+2028)" in issue.message


def test_cr_only_file_not_utf8_and_nul_give_their_line(tmp_path):
    latin = tmp_path / "latin1cr.yaml"
    latin.write_bytes(b"a: 1\rb: 2\r\nc: 3\rd: caf\xe9\r")
    with pytest.raises(ScenarioError) as exc:
        read_text(latin)
    assert (exc.value.issues[0].line, exc.value.issues[0].column) == (4, 7)
    nul = tmp_path / "nulcr.yaml"
    nul.write_bytes(b"a: 1\rb: 2\r\nc: 3\rd: x\x00\r")
    issue = issue_of(read_text(nul))
    assert (issue.line, issue.column) == (4, 5)
    assert "#x0000" in issue.message


def test_not_utf8_column_counts_characters(tmp_path):
    path = tmp_path / "l.yaml"
    path.write_bytes("a: 1\nb: \u00e9\u00e9".encode() + b"\xe9\n")
    with pytest.raises(ScenarioError) as exc:
        read_text(path)
    assert (exc.value.issues[0].line, exc.value.issues[0].column) == (2, 6)


# 3. large files

def test_a_large_file_is_refused_by_its_size_without_being_read(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # sparse: no disk used
        handle.truncate(3 * 1024**3)
    with pytest.raises(ScenarioError) as exc:
        read_text(big)
    assert f"file is {3 * 1024**3:,} bytes" in exc.value.issues[0].message
    assert f"limited to {yamlio.MAX_BYTES:,} bytes" in exc.value.issues[0].message


def test_the_limit_stays_far_above_every_shipped_scenario():
    sizes = [p.stat().st_size for p in (ROOT / "scenarios").glob("*.yaml")]
    sizes += [p.stat().st_size for p in (ROOT / "benchmarks" / "networks").glob("*.yaml")]
    assert max(sizes) * 10 < yamlio.MAX_BYTES <= 1_000_000


@pytest.mark.skipif(not sys.platform.startswith("linux") or not os.path.exists("/dev/zero"),
                    reason="needs /dev/zero and an address-space limit")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_is_refused_not_a_memory_error(device):
    # Under a memory cap, as the reviewer ran it: reading the whole device ended in
    # MemoryError ("internal error ... please report it", exit 1).
    code = ("import sys\nfrom pathlib import Path\nfrom sim.scenario.errors import ScenarioError\n"
            "from sim.scenario.yamlio import read_text\n"
            f"try:\n    read_text(Path({device!r}))\n"
            "except ScenarioError as exc:\n    print(exc.issues[0].format()); sys.exit(2)\n")

    import resource  # POSIX only

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, preexec_fn=cap, cwd=ROOT)
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"{device}: holds more than {yamlio.MAX_BYTES:,} bytes" in done.stdout


def test_too_many_values_without_aliases_gives_no_alias_hint(monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 50)
    issue = issue_of("a:\n" + "".join(f"  - {i}\n" for i in range(100)))
    assert issue.message == "document holds more than 50 values"
    assert issue.line is not None and issue.line < 60
    assert "alias" not in (issue.hint or "")


def test_too_many_values_through_aliases_keeps_the_alias_hint(monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 50)
    issue = issue_of("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a, *a]\n")
    assert "expands to more than 50 values" in issue.message
    assert "aliases" in issue.hint


# 4. two merge keys

def test_a_second_merge_key_is_refused_with_both_lines():
    issue = issue_of("a: &a {x: 1}\nb: &b {x: 2}\nc:\n  <<: *a\n  <<: *b\n")
    assert (issue.line, issue.column, issue.path) == (5, 3, ("c",))
    assert "first is on line 4" in issue.message
    assert "<<: [*a, *b]" in issue.hint


def test_one_merge_key_with_a_list_still_merges():
    data, _ = parse_yaml("a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc:\n  <<: [*a, *b]\n", "f.yaml")
    assert data["c"] == {"x": 1, "y": 3}


def test_merging_a_scalar_has_a_column_and_a_hint():
    issue = issue_of("a: 1\nb:\n  <<: 3\n")
    assert (issue.line, issue.column) == (3, 7)
    assert "<<: *name" in issue.hint


# 6. file-side hints

def test_tab_indentation_says_yaml_forbids_tabs():
    issue = issue_of("a:\n\tb: 1\n")
    assert "found character '\\t'" in issue.message
    assert "YAML forbids tabs" in issue.hint and "spaces" in issue.hint


@pytest.mark.parametrize("text", ["a: 1\n---\nb: 2\n", "a: 1\nb: 2\n---\n"])
def test_a_second_document_hint_names_its_line(text):
    issue = issue_of(text)
    line = text.splitlines().index("---") + 1
    assert issue.line == line
    assert f"one YAML document: remove the '---' on line {line}" in issue.hint


@pytest.mark.parametrize("text", ["---\n", "~\n", "# nothing\n--- ~\n", "null\n"])
def test_a_file_of_only_a_marker_or_null_is_empty(text, tmp_path):
    path = tmp_path / "e.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (issue,) = exc.value.issues
    assert issue.message.startswith("file is empty"), issue.format()
    assert "NoneType" not in issue.format()


def test_a_null_set_value_is_still_allowed():
    assert parse_yaml("~", "--set", allow_empty=True)[0] is None


def test_an_alias_to_an_anchor_in_the_extended_file_says_anchors_do_not_cross(tmp_path):
    (tmp_path / "base.yaml").write_text(TINY.read_text("utf-8").replace(
        "horizon_days: {value: 100,", "horizon_days: &td {value: 100,", 1), "utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nname: child\nhorizon_days: *td\n", "utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    (issue,) = exc.value.issues
    assert (issue.file, issue.line, issue.column) == (str(child), 3, 15)
    assert "anchors do not cross extends" in issue.hint
    assert "anchors do not cross" not in issue_of("a: *td\n").hint
