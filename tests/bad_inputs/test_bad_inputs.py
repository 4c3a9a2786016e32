"""The bad-input corpus: every malformed scenario is refused clearly, never with a traceback.

Each ``*.yaml`` file in this folder is indexed in ``expected.yaml`` with its category and a
fragment of the message a user must see. ``sim validate FILE`` must exit with status 2,
print ``FAIL FILE`` and that fragment, and print no traceback and no "internal error".
Every file is run in process through click's test runner (fast); the whole corpus is also
run once through a real ``python -m sim validate`` process, and a few files each on their
own, as a user would.

Files marked ``bug:`` in the index are accepted by mistake today; their tests are strict
expected failures, so fixing the bug makes them fail until the mark is removed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
INDEX: dict[str, dict[str, str]] = yaml.safe_load((HERE / "expected.yaml").read_text("utf-8"))
CORPUS = sorted(p.name for p in HERE.glob("*.yaml") if p.name != "expected.yaml")
CATEGORIES = {"syntax", "empty", "encoding", "type", "unknown", "bounds", "size", "shares",
              "routes", "reachability", "dates", "shocks", "policies", "files", "tags",
              "aliases", "nesting"}
MINIMUM = 40


def rel(name: str) -> str:
    """The corpus file's path as given on the command line (relative to the repository)."""
    return str((HERE / name).relative_to(ROOT))


def test_every_file_is_indexed_and_every_category_is_covered() -> None:
    assert set(CORPUS) == set(INDEX), "files and expected.yaml must list the same names"
    assert len(CORPUS) >= MINIMUM
    assert {entry["category"] for entry in INDEX.values()} == CATEGORIES
    for name, entry in INDEX.items():
        assert set(entry) <= {"category", "expect", "bug"}, name
        assert entry["expect"], name


def test_raw_byte_files_are_what_they_claim() -> None:
    assert (HERE / "empty_zero_bytes.yaml").read_bytes() == b""
    assert b"\xe9" in (HERE / "non_utf8_latin1.yaml").read_bytes()
    assert (HERE / "non_utf8_utf16.yaml").read_bytes()[:2] == b"\xff\xfe"
    assert b"\x00" in (HERE / "nul_byte.yaml").read_bytes()


def _params():
    for name in CORPUS:
        bug = INDEX.get(name, {}).get("bug")
        marks = [pytest.mark.xfail(strict=True, reason=f"BUG: {bug}")] if bug else []
        yield pytest.param(name, marks=marks, id=name.removesuffix(".yaml"))


@pytest.mark.parametrize("name", list(_params()))
def test_bad_input_is_refused_with_its_message(name: str, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["validate", rel(name)])
    out = result.output
    assert "Traceback" not in out and "internal error" not in out, out
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code == 2, out
    assert f"FAIL {rel(name)}" in out
    assert INDEX[name]["expect"] in out, out


def test_the_whole_corpus_in_one_real_process() -> None:
    good = [n for n in CORPUS if "bug" not in INDEX[n]]
    proc = subprocess.run([sys.executable, "-m", "sim", "validate", *map(rel, good)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "internal error" not in proc.stderr
    assert proc.stdout == ""  # nothing passed
    for name in good:
        assert f"FAIL {rel(name)}\n" in proc.stderr, name
        assert INDEX[name]["expect"] in proc.stderr, name


@pytest.mark.parametrize("name", ["non_utf8_latin1.yaml", "alias_bomb.yaml"])
def test_single_files_in_a_real_process(name: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "sim", "validate", rel(name)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert INDEX[name]["expect"] in proc.stderr


def test_messages_point_at_file_and_line() -> None:
    # a sample across categories: the message starts with file:line (and column)
    for name, where in [("syntax_duplicate_key.yaml", ":3:1: "),
                        ("nul_byte.yaml", ":2:9: "),
                        ("zero_servers.yaml", ":3:12: sites.border.servers: "),
                        ("shock_unknown_target.yaml",
                         ":7:25: shocks.events.cut.targets.lanes[0]: ")]:
        result = CliRunner().invoke(main, ["validate", str(HERE / name)])
        assert f"{HERE / name}{where}" in result.output, result.output


def test_hint_for_an_unknown_commodity_reads_well() -> None:
    result = CliRunner().invoke(main, ["validate", str(HERE / "policy_unknown_commodity.yaml")])
    assert "known commodities: copper" in result.output, result.output


@pytest.mark.parametrize("name", [n for n in CORPUS if "bug" not in INDEX[n]])
def test_every_problem_comes_with_a_hint(name: str, monkeypatch) -> None:
    # The README promises file, line, field and a hint for every bad input.
    from sim.scenario import ScenarioError, load_scenario

    monkeypatch.chdir(ROOT)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(rel(name))
    unhinted = [i.format() for i in caught.value.issues if not i.hint]
    assert not unhinted, unhinted
