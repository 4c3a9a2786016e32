"""Safe YAML reading that remembers where every value came from.

Scenario files are parsed with PyYAML's *safe* loader only: no Python objects are ever
constructed from tags, so a scenario cannot run code. While building the data we record
the line and column of every mapping key and list item (a :data:`LineMap`), so that a
validation error deep in the data can point at ``file:line``. We also refuse what a
safe loader alone would accept but that would hurt us: files that are not UTF-8, several
documents in one file, duplicate keys (YAML keeps the last silently), nesting deeper than
:data:`MAX_DEPTH`, and alias "bombs" that expand to more than :data:`MAX_NODES` values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import Issue, PathT, ScenarioError

MAX_BYTES = 5_000_000
MAX_DEPTH = 40
MAX_NODES = 200_000

LineMap = dict[PathT, tuple[str, int, int]]
"""Field path -> (file, line, column), lines and columns counted from 1."""

_STANDARD_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_PLAIN_KEY_TAGS = tuple(f"tag:yaml.org,2002:{t}" for t in
                        ("str", "int", "float", "bool", "null", "timestamp", "merge"))


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading ``1e6`` and ``3.3e6`` as numbers.

    YAML 1.1 (which PyYAML follows) only reads an exponent as a float when the mantissa
    has a dot, so ``3.3e6`` would silently become text; YAML 1.2 and every scientist
    read it as a number.
    """


_Loader.yaml_implicit_resolvers = {k: list(v) for k, v in
                                   yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


class _Budget:
    def __init__(self) -> None:
        self.nodes = 0


DEEP_HINT = ("a scenario needs a handful of levels (sites, a site, its output, a "
             "commodity); look for brackets or indentation run away")


def _fail(file: str, message: str, line: int | None = None, column: int | None = None,
          hint: str | None = None, path: PathT = ()) -> ScenarioError:
    return ScenarioError([Issue(message, path=path, file=file, line=line, column=column,
                                hint=hint)])


def read_text(path: Path) -> str:
    """The file's text, or a :class:`ScenarioError` saying why it cannot be read."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(name, "file not found",
                    hint="check the path; scenarios normally live in scenarios/") from None
    except IsADirectoryError:
        raise _fail(name, "is a directory, not a scenario file") from None
    except OSError as exc:
        raise _fail(name, f"cannot read file: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise _fail(name, f"file is {len(raw):,} bytes; scenario files are limited to "
                    f"{MAX_BYTES:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _fail(name, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
                    f"{exc.start})", line=line,
                    hint="save the file as UTF-8 text") from None


def parse_yaml(text: str, file: str, *, allow_empty: bool = False) -> tuple[Any, LineMap]:
    """Parse one YAML document safely; return the data and its line map.

    An empty document (nothing but blanks and comments) is an error, or ``None`` with
    ``allow_empty`` (a ``--set`` value)."""
    try:
        loader = _Loader(text)  # checks every character up front
    except yaml.reader.ReaderError as exc:
        raise _unreadable_character(file, text, exc) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or "invalid YAML"
            if exc.context and "expected a single document" in exc.context:
                problem = "the file holds more than one YAML document ('---'); use one"
            line = mark.line + 1 if mark else None
            raise _fail(file, f"YAML syntax error: {problem}", line=line,
                        column=mark.column + 1 if mark else None,
                        hint=_odd_space_hint(text, line)
                        or "check indentation, colons and quotes near this line") from None
        except yaml.YAMLError as exc:
            raise _fail(file, f"YAML error: {exc}") from None
        except RecursionError:
            raise _fail(file, f"nesting is too deep (more than {MAX_DEPTH} levels)",
                        hint=DEEP_HINT) from None
        if node is None:
            if allow_empty:
                return None, {}
            raise _fail(file, "file is empty",
                        hint="a scenario needs at least name, start, horizon_days, "
                             "commodities, regions, sites, lanes and channels")
        lines: LineMap = {}
        data = _build(node, loader, file, (), lines, _Budget(), 0)
        return data, lines
    finally:
        loader.dispose()


# Spaces that look like a blank but are not one to YAML (pasted from a PDF, a web page or
# a word processor): YAML then reads indentation and "key: value" wrongly.
_ODD_SPACES = {"\u00a0": "a non-breaking space (U+00A0)", "\u2007": "a figure space (U+2007)",
               "\u202f": "a narrow non-breaking space (U+202F)",
               "\u2009": "a thin space (U+2009)", "\u3000": "an ideographic space (U+3000)",
               "\ufeff": "a zero-width no-break space (U+FEFF)"}


def odd_space_name(text: str) -> str | None:
    """The name of the first look-alike space in ``text``, if any."""
    for char, name in _ODD_SPACES.items():
        if char in text:
            return name
    return None


def _odd_space_hint(text: str, line: int | None) -> str | None:
    """Name a look-alike space on or just before the error's line, where YAML's own
    message (about block ends or mappings) would not lead anyone to it."""
    if line is None:
        return None
    rows = text.splitlines()
    for number in range(max(1, line - 2), min(len(rows), line) + 1):
        for char, name in _ODD_SPACES.items():
            column = rows[number - 1].find(char)
            if column >= 0 and not (number == 1 and column == 0 and char == "\ufeff"):
                return (f"line {number}, column {column + 1} holds {name}, often pasted from "
                        "a PDF or a web page; replace it with an ordinary space")
    return None


def _unreadable_character(file: str, text: str, exc: yaml.reader.ReaderError
                          ) -> ScenarioError:
    """A character YAML forbids (NUL and other control characters), with its position."""
    pos = max(0, min(int(exc.position), len(text)))
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return _fail(file, f"file contains a character YAML does not allow "
                 f"(#x{int(exc.character):04x})", line=line, column=column,
                 hint="remove control characters such as NUL; save the file as plain UTF-8 "
                      "text")


def read_yaml(path: Path) -> tuple[Any, LineMap]:
    """Read and safely parse ``path``."""
    return parse_yaml(read_text(path), str(path))


def _build(node: yaml.Node, loader: _Loader, file: str, path: PathT, lines: LineMap,
           budget: _Budget, depth: int) -> Any:
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise _fail(file, f"document expands to more than {MAX_NODES:,} values (too many "
                    "aliases or too large)", line=node.start_mark.line + 1,
                    hint="do not nest YAML aliases (*name) inside each other")
    if depth > MAX_DEPTH:
        raise _fail(file, f"nesting is too deep (more than {MAX_DEPTH} levels)",
                    line=node.start_mark.line + 1, path=path, hint=DEEP_HINT)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and \
            node.tag not in _STANDARD_COLLECTION_TAGS:
        raise _fail(file, f"cannot read value: unsupported tag {node.tag!r}",
                    line=node.start_mark.line + 1, path=path,
                    hint="scenario files hold plain numbers, text, dates, lists and mappings "
                         "only; tags such as !!python are refused")
    if isinstance(node, yaml.MappingNode):
        # Duplicates are errors among the keys written here; keys merged in with '<<' may be
        # overridden by explicit ones, as YAML intends.
        seen: dict[str, int] = {}
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _fail(file, "mapping keys must be plain names, not lists or mappings",
                            line=key_node.start_mark.line + 1, path=path)
            if key_node.tag not in _PLAIN_KEY_TAGS:
                # keys are read as text without their tag, so a tagged key would silently
                # lose it (``? !!python/name:os.system`` became the key '')
                raise _fail(file, f"cannot read key: unsupported tag {key_node.tag!r}",
                            line=key_node.start_mark.line + 1,
                            column=key_node.start_mark.column + 1, path=path,
                            hint="mapping keys are plain names; tags such as !!python are "
                                 "refused")
            key = str(loader.construct_scalar(key_node))
            if key == "<<":
                continue
            if key in seen:
                raise _fail(file, f"duplicate key {key!r} (first defined on line {seen[key]})",
                            line=key_node.start_mark.line + 1,
                            column=key_node.start_mark.column + 1, path=path,
                            hint="YAML would silently keep only the last one; remove one")
            seen[key] = key_node.start_mark.line + 1
        try:
            loader.flatten_mapping(node)  # resolves '<<' merge keys, merged pairs first
        except yaml.constructor.ConstructorError as exc:
            mark = exc.problem_mark
            raise _fail(file, f"cannot merge: {exc.problem}",
                        line=mark.line + 1 if mark else None, path=path) from None
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(loader.construct_scalar(key_node))
            lines[(*path, key)] = (file, key_node.start_mark.line + 1,
                                   key_node.start_mark.column + 1)
            out[key] = _build(value_node, loader, file, (*path, key), lines, budget, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            lines[(*path, i)] = (file, item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_build(item, loader, file, (*path, i), lines, budget, depth + 1))
        return items
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise _fail(file, f"cannot read value: {exc.problem}",
                    line=mark.line + 1 if mark else None, path=path,
                    hint="scenario files hold plain numbers, text, dates, lists and mappings "
                         "only; tags such as !!python are refused") from None
    except ValueError as exc:
        hint = ("a date is written YYYY-MM-DD and must be a day of the calendar"
                if node.tag == "tag:yaml.org,2002:timestamp" else None)
        raise _fail(file, f"cannot read value: {exc}", line=node.start_mark.line + 1,
                    path=path, hint=hint) from None
