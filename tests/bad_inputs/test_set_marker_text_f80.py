"""Review 80, finding 3: a ``--set`` value starting with a YAML document marker or
directive followed by text (``--- x``, ``%YAML 1.1`` then ``--- x``) was read as ``x``:
the ``---`` the user typed disappeared without a word. It is now refused, with the hint
to quote the value, as a value holding only a comment is. ``title=!!null ''`` was
refused as holding "only a YAML document marker"; it now says its tag makes it null. And
a scenario file holding only a date was "not a single value"; it is now "the date ...".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario.compose import parse_override
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def refusal(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_override(text)
    return str(info.value)


@pytest.mark.parametrize("value, marks", [
    ("--- x", "'---'"),
    ("--- 'x'", "'---'"),
    ("%YAML 1.1\n--- x", "'%YAML 1.1' and '---'"),
    ("%TAG ! tag:example.org,2024:\n--- x", "'%TAG ! tag:example.org,2024:' and '---'"),
    ("x\n...", "'...'"),
    ("--- [1, 2]", "'---'"),
])
def test_markup_before_text_is_refused_not_dropped(value: str, marks: str) -> None:
    said = refusal(f"title={value}")
    assert f"YAML takes {marks} as document markup, not as part of the value" in said
    assert "to give the text as typed, quote it: --set 'title=" in said
    assert f"leave out {marks}" in said


def test_the_refusal_shows_what_yaml_read_and_the_quoted_value() -> None:
    said = refusal("title=--- x")
    assert "reads the value as 'x'" in said
    assert "quote it: --set 'title=\"--- x\"'; to give 'x', leave out '---'" in said


def test_the_command_line_refuses_it_with_exit_code_2() -> None:
    result = CliRunner().invoke(main, ["validate", str(TINY), "--set", "title=--- x"],
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert "document markup" in result.output and "quote it" in result.output


@pytest.mark.parametrize("value, why", [
    ("!!null ''", "its tag '!!null' makes it null"),
    ("!!null x", "its tag '!!null' makes it null"),
    ("%YAML 1.1\n---", "it holds only a YAML directive ('%' at the start of a line) and a "
                       "YAML document marker"),
    ("--- # c", "it holds only a YAML document marker ('---' or '...') and a comment"),
])
def test_a_value_read_as_null_says_truly_why(value: str, why: str) -> None:
    said = refusal(f"title={value}")
    assert f"YAML reads the value as empty: {why}" in said
    assert "to remove title, write --set title=null" in said
    if "!!null" in value:
        assert "document marker" not in said


@pytest.mark.parametrize("value, expected", [
    ("a#b", "a#b"), ('"# x"', "# x"), ("'# x'", "# x"), ("a --- b", "a --- b"),
    ("---x", "---x"), ("1:30 pm", "1:30 pm"), (" --- x", "--- x"), ('"--- x"', "--- x"),
    ("null", None), ("~", None), ("Null", None), ("NULL", None), ("null # c", None),
    ("--- null", None), ("--- ~", None), ("%YAML 1.1\n--- null", None), ("!!null null", None),
])
def test_what_was_fine_stays_fine(value: str, expected: object) -> None:
    assert parse_override(f"title={value}") == (["title"], expected)


@pytest.mark.parametrize("content, what", [
    ("2024-01-01\n", "the date 2024-01-01"),
    ("2024-01-01 12:30:00\n", "the time 2024-01-01 12:30:00"),
])
def test_a_file_holding_only_a_date_says_so(tmp_path: Path, content: str, what: str) -> None:
    path = tmp_path / "dated.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert f"the top level must be a mapping of fields, not {what}" in str(info.value)
