"""Scenario files are composed by libyaml where it reads them as the pure-Python loader does
(:class:`~sim.scenario.yamlio._FastLoader`), some ten times as fast; everything else, and
every error, is read by the pure-Python loader. Whichever reads a file, the data, the line
map and the errors are the same."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.scenario import yamlio
from sim.scenario.errors import ScenarioError
from sim.scenario.yamlio import _compose_fast, _Loader, parse_yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted({*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("benchmarks/networks/*.yaml"),
                *ROOT.glob("tests/**/*.yaml")})

pytestmark = pytest.mark.skipif(yamlio.CParser is None, reason="PyYAML without libyaml")


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def _same_nodes(a: Any, b: Any, seen: set[tuple[int, int]] | None = None) -> int:
    """How many nodes ``a`` and ``b`` hold, after checking they hold the same: kinds, tags,
    values, scalar styles (None and '' both plain) and both ends' lines, columns and
    character positions. A node an alias repeats is compared (and counted) once: an alias
    "bomb" repeats some a billion times."""
    seen = set() if seen is None else seen
    if (id(a), id(b)) in seen:
        return 0
    seen.add((id(a), id(b)))
    assert type(a) is type(b) and a.tag == b.tag
    for end in ("start_mark", "end_mark"):
        ma, mb = getattr(a, end), getattr(b, end)
        assert (ma.line, ma.column, ma.index) == (mb.line, mb.column, mb.index), (a, end)
    if isinstance(a, yaml.ScalarNode):
        assert a.value == b.value and (a.style or None) == (b.style or None)
        return 1
    assert len(a.value) == len(b.value) and a.flow_style == b.flow_style
    if isinstance(a, yaml.MappingNode):
        return 1 + sum(_same_nodes(ka, kb, seen) + _same_nodes(va, vb, seen)
                       for (ka, va), (kb, vb) in zip(a.value, b.value, strict=True))
    return 1 + sum(_same_nodes(x, y, seen) for x, y in zip(a.value, b.value, strict=True))


def _outcome(text: str, name: str) -> tuple[str, Any]:
    try:
        return "data", parse_yaml(text, name)
    except ScenarioError as exc:
        return "error", [(i.message, i.line, i.column, i.path, i.hint) for i in exc.issues]


def test_every_file_is_composed_as_the_pure_python_loader_composes_it() -> None:
    composed = []
    for path in FILES:
        text = _text(path)
        if text is None or text.strip() == "":
            continue
        try:
            pure = _Loader(text).get_single_node()
        except yaml.YAMLError:
            continue  # a file the pure loader refuses: parse_yaml's errors, below
        fast = _compose_fast(text)
        if fast is None:
            continue
        if pure is None:  # comments only
            assert fast[0] is None, path
            continue
        assert _same_nodes(pure, fast[0]) > 0, path
        composed.append(path)
    # every shipped file is read fast, and most test files
    shipped = [*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("benchmarks/networks/*.yaml")]
    assert set(shipped) <= set(composed) and len(composed) > 90


def test_every_file_gives_the_same_data_lines_and_errors_whichever_loader_reads_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [(str(path), text) for path in FILES if (text := _text(path)) is not None]
    fast = [_outcome(text, name) for name, text in texts]
    monkeypatch.setattr(yamlio, "CParser", None)  # the pure-Python loader alone
    pure = [_outcome(text, name) for name, text in texts]
    assert fast == pure
    assert {kind for kind, _ in fast} == {"data", "error"}


@pytest.mark.parametrize("text", [
    "\ufeffname: a\n",                       # libyaml does not count a byte-order mark
    "name: a\x07\n",                         # a character both refuse, in other words
    "a: " + "[" * 60 + "]" * 60 + "\n",      # deeper than MAX_DEPTH
    "a: 1\n---\nb: 2\n",                     # two documents: libyaml's words differ
    "a: [1, 2\n",                            # a syntax error
    "a: 1\t# note\n",                        # a tab: libyaml takes it, PyYAML does not
    "a: [kasu?balesa]\n",                    # one value to libyaml, an error to PyYAML
    "a: {b: c,\n  d: e?f}\n",                 # the same, a line below the bracket
    "a: !\n",                                # a lone tag: text to libyaml, null to PyYAML
    "a: >#note\n  b\n",                       # a comment right after '>'
], ids=["bom", "control character", "too deep", "two documents", "syntax error", "tab",
        "question mark in a flow value", "question mark a line below", "lone tag",
        "comment after a block scalar's indicator"])
def test_what_libyaml_would_read_otherwise_goes_to_the_pure_python_loader(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _compose_fast(text) is None
    got = _outcome(text, "s.yaml")
    monkeypatch.setattr(yamlio, "CParser", None)
    assert got == _outcome(text, "s.yaml")


def test_a_document_of_too_many_values_is_refused_by_the_pure_python_loader(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_NODES", 50)
    text = "a: [" + ", ".join(str(i) for i in range(60)) + "]\n"
    assert _compose_fast(text) is None
    kind, issues = _outcome(text, "s.yaml")
    assert kind == "error" and "document holds more than 50 values" in issues[0][0]
    assert issues[0][1] == 1  # its line, as the pure-Python loader gives it


def test_a_long_text_goes_to_the_pure_python_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "_FAST_MAX_CHARS", 10)
    assert _compose_fast("name: a long one\n") is None
    assert _compose_fast("name: a\n") is not None


def test_aliases_are_noted_as_the_pure_python_loader_notes_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_NODES", 40)
    # composed, 11 nodes; expanded by the aliases, more than 40: the hint about aliases
    text = "a: &x [1, 2, 3, 4, 5, 6, 7, 8]\nb: [*x, *x, *x, *x, *x, *x]\n"
    fast = _compose_fast(text)
    assert fast is not None and fast[1].saw_alias
    assert _compose_fast("a: [1, 2]\nb: [1, 2]\n")[1].saw_alias is False  # type: ignore[index]
    got = _outcome(text, "s.yaml")
    assert got[0] == "error" and "do not nest YAML aliases" in got[1][0][4]
    monkeypatch.setattr(yamlio, "CParser", None)
    assert got == _outcome(text, "s.yaml")


def test_numbers_with_an_exponent_and_no_dot_are_numbers() -> None:
    data, lines = parse_yaml("a: 3.3e6\nb: 1e6\nc: '1e6'\n", "s.yaml")
    assert data == {"a": 3.3e6, "b": 1e6, "c": "1e6"}
    assert lines[("b",)] == ("s.yaml", 2, 1)


def test_mutated_scenario_files_read_the_same_whichever_loader_reads_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A small differential fuzz: windows of the shipped files with a few characters
    inserted, deleted or replaced. (Run with 40,000 mutations when the fast path was
    written, without a difference.)"""
    rng = random.Random(20261203)
    texts = [path.read_text(encoding="utf-8") for path in ROOT.glob("scenarios/*.yaml")]
    pieces = [*" \t\n:-[]{},#&*!|>'\"?%.0e", "\r\n", "- ", ": ", "? ", "|-", ">+", "*a",
              "&a ", "!!str ", "<<: ", "---", "é", "\u2028"]
    mutated = []
    for _ in range(300):
        lines = rng.choice(texts).splitlines(keepends=True)
        start = rng.randrange(len(lines))
        text = "".join(lines[start:start + rng.randint(1, 30)])
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.5:
                text = text[:at] + rng.choice(pieces) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 3):]
        mutated.append(text)
    fast = [_outcome(text, "s.yaml") for text in mutated]
    assert sum(_compose_fast(text) is not None for text in mutated) > 100
    monkeypatch.setattr(yamlio, "CParser", None)
    assert fast == [_outcome(text, "s.yaml") for text in mutated]
