"""Safe YAML reading that remembers where every value came from.

Scenario files are parsed with PyYAML's *safe* loader only: no Python objects are ever
constructed from tags, so a scenario cannot run code. libyaml, PyYAML's C parser, composes
the nodes where it reads a text as the pure-Python parser does, some ten times as fast
(:class:`_FastLoader`); the pure-Python parser reads the rest and gives every error. While
building the data we record the line and column of every mapping key and list item (a
:data:`LineMap`), so that a validation error deep in the data can point at ``file:line``.
We also refuse what a safe loader alone would accept but that would hurt us: files that
are not UTF-8 or larger than :data:`MAX_BYTES`, several documents in one file, duplicate
keys (YAML keeps the last silently) and two ``<<`` merge keys in one mapping (the first wins
silently), nesting deeper than :data:`MAX_DEPTH`, documents and alias "bombs" that hold or
expand to more than :data:`MAX_NODES` values, numbers YAML 1.1 reads in another base than
the one they appear to be written in (``017`` is octal 15, ``1:30`` is 90 in base 60),
numbers too large for a float (``1e400``, which would read as infinity), and the Unicode
line breaks U+0085, U+2028 and U+2029, which YAML counts as lines and editors do not.

Lines are counted as YAML and editors count them: at ``\r\n``, ``\r`` or ``\n``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:
    from yaml._yaml import CParser  # libyaml, in PyYAML's wheels
except ImportError:  # pragma: no cover - a PyYAML built without libyaml
    CParser = None

from sim.scenario.errors import Issue, PathT, ScenarioError

MAX_BYTES = 1_000_000
"""Largest scenario file read, in bytes. The pure-Python parser (which reads the files
libyaml does not, :class:`_FastLoader`, and gives every error, for its messages and
positions; libyaml's words differ) takes about 6 s of CPU for a megabyte of densely written
values, 1.5 s for one of comments or a long line; scenarios/baseline.yaml, the largest
shipped file, is 60 kB (0.1 s; libyaml 0.01 s)."""
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

    It also counts the nodes it composes, refusing a document of more than
    :data:`MAX_NODES` of them before the rest is parsed, and notes whether the document uses
    aliases (``*name``), so that a document that grows too large says which it was.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.composed = 0
        self.saw_alias = False

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.saw_alias = True
        else:
            self.composed += 1
            if self.composed > MAX_NODES:
                raise _TooLarge(self.peek_event().start_mark)
        return super().compose_node(parent, index)


class _TooLarge(Exception):
    """A document of more than :data:`MAX_NODES` nodes as written, at the node past it."""

    def __init__(self, mark: Any) -> None:
        super().__init__(mark)
        self.mark = mark


_Loader.yaml_implicit_resolvers = {k: list(v) for k, v in
                                   yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


_FAST_MAX_CHARS = 200_000
"""Largest text :class:`_FastLoader` composes: a larger one (no shipped file comes near;
baseline.yaml is about 60,000 characters) is read by the pure-Python loader, which refuses
a document of too many values before it has composed them all."""


_FAST_REFUSES = re.compile(r"[\ufeff\t!]|[|>][-+0-9]*#")
"""What, anywhere in a text, sends it to the pure-Python loader (:class:`_FastLoader`):
a byte-order mark, whose position libyaml does not count; a tab, which libyaml takes
between values where PyYAML refuses it; a tag (``!``: libyaml reads a lone ``!`` as text,
PyYAML by the value; scenario files use none); a block scalar's ``|`` or ``>`` with a
comment right after it, which libyaml takes and PyYAML refuses."""

_CParser: Any = CParser if CParser is not None else object


class _FastLoader(_CParser, SafeConstructor, Resolver):
    """libyaml's parser with :class:`_Loader`'s safe constructor and resolvers: the same
    nodes, tags, lines and columns (checked against every shipped and test file, in
    ``tests/scenario/test_yaml_fast_path.py``), composed some ten times as fast.

    It reads only what it reads as the pure-Python loader does. Text with what
    :data:`_FAST_REFUSES` finds, or of more than :data:`_FAST_MAX_CHARS` characters, is not
    given to it. A document it cannot compose (a character the pure-Python loader refuses
    too, a syntax error), one too deep or too large, or one with a plain value holding ``?``
    in a flow collection (``[a?b]``, one value to libyaml as to YAML 1.2, an error to
    PyYAML) is read again by :class:`_Loader`, whose messages and positions the errors give.
    See :func:`parse_yaml`. A differential fuzz of the shipped files found no other
    difference in 40,000 mutations."""

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.saw_alias = False


def _compose_fast(text: str) -> tuple[Any, _FastLoader] | None:
    """The document's node and the loader that composed it, by libyaml, or None where
    :class:`_Loader` must read it (see :class:`_FastLoader`)."""
    if CParser is None or len(text) > _FAST_MAX_CHARS or _FAST_REFUSES.search(text):
        return None
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
    except Exception:  # noqa: BLE001 - the pure-Python loader says what is wrong
        loader.dispose()
        return None
    if node is not None:
        # what _Loader counts and notes as it composes; an alias is a node met again
        seen: set[int] = set()
        stack = [(node, 1, False)]
        while stack:
            item, depth, in_flow = stack.pop()
            if id(item) in seen:
                loader.saw_alias = True
                continue
            seen.add(id(item))
            if len(seen) > MAX_NODES or depth > MAX_DEPTH + 1 or (
                    # libyaml reads "[a?b]" as YAML 1.2 does; PyYAML ends the value at "?"
                    in_flow and isinstance(item, yaml.ScalarNode) and not item.style
                    and "?" in item.value):
                loader.dispose()
                return None
            if isinstance(item, yaml.MappingNode | yaml.SequenceNode):
                flow = in_flow or bool(item.flow_style)
                parts = [p for pair in item.value for p in pair] \
                    if isinstance(item, yaml.MappingNode) else item.value
                stack.extend((part, depth + 1, flow) for part in parts)
    return node, loader


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
    """The file's text, or a :class:`ScenarioError` saying why it cannot be read.

    At most :data:`MAX_BYTES` + 1 bytes are read, so that a huge file or a device without
    end (``/dev/zero``) is refused as too large instead of filling memory."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
            size = os.fstat(handle.fileno())
    except FileNotFoundError:
        if name == "-":
            raise _fail(name, "a scenario is read from a file, not from standard input",
                        hint="save it to a file (e.g. scenario.yaml) and give its path") \
                from None
        hint = "; ".join([*missing_path_hints(Path("."), name),
                          "check the path; scenarios normally live in scenarios/"])
        if name.startswith("~"):
            # the command line expands it (sim/cli.py); Python's open() does not
            hint += ("; ~ is not expanded in a path given from Python: write it in full, "
                     f"or os.path.expanduser({name!r})")
        raise _fail(name, "file not found", hint=hint) from None
    except IsADirectoryError:
        raise _fail(name, "is a directory, not a scenario file",
                    hint=folder_hint(path)) from None
    except OSError as exc:
        raise _fail(name, f"cannot read file: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        hint = ("scenario files are text of some kilobytes (scenarios/baseline.yaml, the "
                "largest shipped, is 60 kB); check that this is the file you meant")
        if stat.S_ISREG(size.st_mode):
            raise _fail(name, f"file is {size.st_size:,} bytes; scenario files are limited "
                        f"to {MAX_BYTES:,} bytes", hint=hint)
        raise _fail(name, f"holds more than {MAX_BYTES:,} bytes, the limit for a scenario "
                    "file (it is not a regular file, and may have no end)", hint=hint)
    kind = _binary_kind(raw, path)
    if kind is not None:
        # "not valid UTF-8 ... save the file as UTF-8 text" sent the user to re-save a
        # results file (series.csv.gz) as text (review 194)
        raise _fail(name, f"file holds {kind}, not text", hint=foreign_file_hint(path)
                    if path.suffix.lower() not in (".yaml", ".yml") else
                    "a scenario file is YAML text: open the original, or decompress this "
                    "one if it was compressed")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw, exc.start)
        # columns count characters, as for every other message, not bytes
        column = len(raw[exc.start - column + 1: exc.start].decode("utf-8", "replace")) + 1
        raise _fail(name, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
                    f"{exc.start})", line=line, column=column,
                    hint="save the file as UTF-8 text") from None


_MAGIC = ((b"\x1f\x8b", "gzip-compressed data"), (b"PK\x03\x04", "a zip archive"),
          (b"\x89PNG", "a PNG image"), (b"%PDF", "a PDF document"),
          (b"\x93NUMPY", "a NumPy array"))


def _binary_kind(raw: bytes, path: Path) -> str | None:
    """What ``raw``, a file's first bytes, holds when it is plainly not text: a known
    binary format, or NUL bytes in a file not named as a scenario. None for text, and for
    a .yaml file that may be a scenario saved in the wrong encoding (UTF-16 holds NULs),
    which the UTF-8 check then names."""
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            return kind
    if b"\0" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")) \
            and path.suffix.lower() not in (".yaml", ".yml"):
        return "binary data"
    return None


_OUTPUT_FILES = {
    "run.json": "the record sim run keeps in a results folder",
    "manifest.json": "a finished results folder's record of its run and files",
    "comparison.json": "the record sim compare keeps of a comparison",
    "sweep.json": "the record sim sweep keeps of a sweep",
    "plan.json": "the plan sim sweep keeps of an unfinished sweep",
    "index.json": "the labels of a results folder's saved replications",
    "kpis.csv": "a results table (every replication's KPIs)",
    "summary.csv": "a results table (the KPIs' means and confidence intervals)",
    "timeline.csv": "a results table (the shocks' and policies' dates)",
    "series.csv.gz": "a results folder's time series (compressed)",
    "compare.csv": "a comparison's table",
    "sweep.csv": "a sweep's table",
    "sweep-kpis.csv.gz": "a sweep's KPIs per replication (compressed)",
    "report.html": "a report sim report wrote",
}
"""The files the tool writes, by name, in words: given where a scenario goes, the message
says what the file is (review 194)."""


def foreign_file_hint(path: Path) -> str:
    """The hint for ``path`` given where a scenario file goes, when it is not one: what it
    is, if the tool wrote it, and what to do instead."""
    text = f"{path.name} does not look like a scenario file (.yaml)"
    what = _OUTPUT_FILES.get(path.name)
    if what is None and re.fullmatch(r"rep-\d+\.npz", path.name):
        what = "a saved replication of a results folder"
    if what is None:
        return (text + "; sim run, show and compare take a scenario file, and compare also "
                "a results folder")
    folder = path.parent
    if folder.name == "replications":
        folder = folder.parent
    readable = any((folder / f).is_file() for f in ("manifest.json", "run.json",
                                                    "comparison.json", "compare.csv"))
    return (f"{text}: it is {what}; pass the scenario file"
            + (f", or read the results with sim report {folder}" if readable else ""))


def folder_hint(path: Path) -> str:
    """The hint for a folder given where a scenario file goes: what the folder holds (a
    results folder, scenario files) and what to give instead."""
    def has(*names: str) -> bool:
        return any((path / n).exists() for n in names)

    if has("manifest.json", "run.json"):
        return (f"{path} is a results folder: sim report {path} reads it; sim run, show and "
                "validate need a scenario file (.yaml)")
    if has("comparison.json", "compare.csv"):
        return (f"{path} is a comparison's folder: sim report {path} reads it; a scenario "
                "is a .yaml file")
    if has("sweep.json", "plan.json", "sweep-replications"):
        return f"{path} is a sweep's folder (sweep.csv holds its table); a scenario is a .yaml file"
    try:
        found = sorted(p.name for p in path.iterdir()
                       if p.suffix.lower() in (".yaml", ".yml") and p.is_file())
    except OSError:
        found = []
    if not found:
        return "give a scenario file (.yaml), not a folder"
    shown = ", ".join(found[:5]) + (" ..." if len(found) > 5 else "")
    return (f"name a scenario file in it, e.g. {path / found[0]} ({path} holds {shown}); "
            f"sim validate {path}/*.yaml checks them all")


def respelt(base: Path, written: str) -> tuple[str, bool] | None:
    """``written``, a path relative to ``base`` (or absolute) that is not found, with each
    name missing from its folder replaced by the one entry there that differs from it
    only in Unicode normalisation or in letter case, and True when normalisation alone
    differed. None when a name has no such entry, or several.

    A name typed or written on one system (é as one character, NFC) is stored by macOS
    decomposed (e + accent, NFD): both look the same, and on Linux they are two names."""
    parts = Path(written).parts
    if not parts:
        return None
    absolute = Path(written).is_absolute()
    here = Path(parts[0]) if absolute else base
    out = [parts[0]] if absolute else []
    form_only, changed = True, False
    for part in parts[1:] if absolute else parts:
        if os.path.lexists(here / part):
            here, out = here / part, [*out, part]
            continue
        try:
            names = os.listdir(here)
        except OSError:
            return None
        key = unicodedata.normalize("NFC", part)
        same = [n for n in names if unicodedata.normalize("NFC", n) == key]
        if len(same) != 1:
            form_only = False
            same = [n for n in names if unicodedata.normalize("NFC", n).casefold()
                    == key.casefold()]
        if len(same) != 1:
            return None
        here, out, changed = here / same[0], [*out, same[0]], True
    return (str(Path(*out)), form_only) if changed else None


def on_disk(base: Path, written: str) -> str:
    """``written`` as the file on disk spells it, when the path is not found as written
    and one file's name differs from it only in Unicode normalisation (:func:`respelt`):
    that is the file meant, as macOS, which does not tell the two apart, would open it.
    Otherwise ``written`` itself."""
    if os.path.lexists(base / written):
        return written
    found = respelt(base, written)
    return found[0] if found is not None and found[1] else written


_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def missing_path_hints(base: Path, written: str) -> list[str]:
    """Hints for ``written``, a path relative to ``base`` that is not found, when it was
    written on another system: backslashes as separators (Windows), a drive letter, or
    a name whose letter case (or Unicode normalisation) differs from a file's there."""
    if "\\" in written:
        if _DRIVE.match(written):
            return [f"{written} is a Windows path, with a drive letter: give the file's "
                    "path on this machine, with / as the separator"]
        slashed = written.replace("\\", "/")
        found = respelt(base, slashed)
        return [f"use / as the separator, as on every system: "
                f"{found[0] if found else slashed}"]
    found = respelt(base, written)
    if found is None:
        return []
    if found[1]:
        return [f"{found[0]} exists, a name that differs only in how its accented letters "
                "are encoded (Unicode normalisation)"]
    return [f"did you mean {found[0]}? (letter case counts in file names here)"]


def _line_column(text: str | bytes, pos: int) -> tuple[int, int]:
    """Line and column (from 1) of offset ``pos`` in ``text``, a line ending at ``\r\n``,
    ``\r`` or ``\n`` as YAML's own marks and editors count them (a file saved with
    ``\r`` alone, as old Mac editors did, has lines too)."""
    cr, lf = ("\r", "\n") if isinstance(text, str) else (b"\r", b"\n")
    line = text.count(lf, 0, pos) + text.count(cr, 0, pos) - text.count(cr + lf, 0, pos) + 1
    start = max(text.rfind(lf, 0, pos), text.rfind(cr, 0, pos)) + 1
    return line, pos - start + 1


# Characters YAML reads as a line break that editors, grep -n and this module's own
# counting do not: every line number after one would be off by one, and in a comment the
# rest of the line would be read as YAML.
_ODD_BREAKS = {"\u0085": "a next-line character (U+0085)",
               "\u2028": "a line separator (U+2028)",
               "\u2029": "a paragraph separator (U+2029)"}


def _refuse_odd_breaks(text: str, file: str) -> None:
    found = [(pos, char) for char in _ODD_BREAKS if (pos := text.find(char)) >= 0]
    if not found:
        return
    pos, char = min(found)
    line, column = _line_column(text, pos)
    raise _fail(file, f"file contains {_ODD_BREAKS[char]}, which YAML reads as a line break "
                "though editors show none", line=line, column=column,
                hint="replace it with a space, or with an ordinary line break; such "
                     "characters come with text copied from a web page or a PDF")


def parse_yaml(text: str, file: str, *, allow_empty: bool = False) -> tuple[Any, LineMap]:
    """Parse one YAML document safely; return the data and its line map.

    An empty document (nothing but blanks and comments, or only ``---`` or ``~``) is an
    error, or ``None`` with ``allow_empty`` (a ``--set`` value). Every refusal is a
    :class:`ScenarioError` naming ``file`` and, where known, line and column."""
    _refuse_odd_breaks(text, file)
    fast = _compose_fast(text)
    if fast is not None:
        node, loader = fast
        try:
            return _data(node, loader, file, allow_empty)
        finally:
            loader.dispose()
    try:
        loader = _Loader(text)  # checks every character up front
    except yaml.reader.ReaderError as exc:
        raise _unreadable_character(file, text, exc) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise _syntax_error(file, text, exc) from None
        except yaml.YAMLError as exc:
            raise _fail(file, f"YAML error: {exc}") from None
        except RecursionError:
            raise _fail(file, f"nesting is too deep (more than {MAX_DEPTH} levels)",
                        hint=DEEP_HINT) from None
        except _TooLarge as exc:
            raise _fail(file, f"document holds more than {MAX_NODES:,} values",
                        line=exc.mark.line + 1, column=exc.mark.column + 1,
                        hint="scenario files hold some thousands (scenarios/baseline.yaml "
                             "about 5,000); check that this is the file you meant") from None
        return _data(node, loader, file, allow_empty)
    finally:
        loader.dispose()


def _data(node: Any, loader: Any, file: str, allow_empty: bool) -> tuple[Any, LineMap]:
    """The data of the document ``loader`` composed as ``node``, and its line map
    (:func:`parse_yaml`)."""
    if node is None or (not allow_empty and _is_null(node)):
        if allow_empty:
            return None, {}
        held = "" if node is None else f" (it holds only {node.value or '---'!r}, " \
            "which YAML reads as nothing)"
        raise _fail(file, "file is empty" + held,
                    line=node.start_mark.line + 1 if node is not None and node.value
                    else None,
                    hint="a scenario needs at least name, start, horizon_days, "
                         "commodities, regions, sites, lanes and channels")
    lines: LineMap = {}
    data = _build(node, loader, file, (), lines, _Budget(), 0)
    return data, lines


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _syntax_error(file: str, text: str, exc: yaml.MarkedYAMLError) -> ScenarioError:
    """A YAML syntax error, with a hint for the mistakes YAML's own words do not explain."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    line = mark.line + 1 if mark else None
    hint = _odd_space_hint(text, line)
    if exc.context and "expected a single document" in exc.context:
        problem = "the file holds more than one YAML document ('---'); use one"
        hint = (f"a scenario file is one YAML document: remove the '---' on line {line} "
                "('---' may only open the file)")
    elif "'\\t'" in problem or (line is not None and re.search(r"^\s*\t|:\t",
                                                               _row(text, line))):
        hint = _tab_hint(_row(text, line or 0), mark.column if mark else -1)
    elif problem.startswith("found undefined alias"):
        name = problem.removeprefix("found undefined alias").strip(" '\"")
        hint = (f"an alias (*{name}) needs an anchor (&{name}) written before it in the "
                "same file")
        if re.search(r"^extends[ \t]*:", text, re.MULTILINE):
            hint += ("; anchors do not cross extends: one in the file this one extends "
                     "cannot be used here, so write the value again")
    return _fail(file, f"YAML syntax error: {problem}", line=line,
                 column=mark.column + 1 if mark else None,
                 hint=hint or "check indentation, colons and quotes near this line")


def _tab_hint(row: str, column: int) -> str:
    """Where the tab YAML refused is on ``row`` (the one at ``column``, counted from 0, or
    the first), and what to write instead. "YAML forbids tabs in indentation, and this
    reader also after ':'" was given for a tab before a trailing comment too (review 194)."""
    at = column if 0 <= column < len(row) and row[column] == "\t" else row.find("\t")
    before, after = row[:max(at, 0)], row[max(at, 0):].lstrip(" \t")
    if at < 0 or not before.strip():
        return "YAML forbids tabs in indentation; use spaces"
    if after.startswith("#"):
        where = "between the value and its # comment"
    elif before.rstrip(" \t").endswith(":"):
        where = "after ':'"
    elif before.rstrip(" \t").endswith("-"):
        where = "after a list item's '-'"
    else:
        where = "between two values"
    # YAML 1.2 allows a tab there; PyYAML, which reads the files, refuses it
    return (f"the tab at column {at + 1} is {where}: the YAML reader (PyYAML) takes only "
            "spaces there; replace it with a space")


def _row(text: str, line: int) -> str:
    rows = text.splitlines()
    return rows[line - 1] if 0 < line <= len(rows) else ""


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
    line, column = _line_column(text, pos)
    return _fail(file, f"file contains a character YAML does not allow "
                 f"(#x{int(exc.character):04x})", line=line, column=column,
                 hint="remove control characters such as NUL; save the file as plain UTF-8 "
                      "text")


def read_yaml(path: Path) -> tuple[Any, LineMap]:
    """Read and safely parse ``path``."""
    return parse_yaml(read_text(path), str(path))


def _build(node: yaml.Node, loader: Any, file: str, path: PathT, lines: LineMap,
           budget: _Budget, depth: int) -> Any:
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        # without aliases the loader refuses such a document while composing it
        raise _fail(file, f"document expands to more than {MAX_NODES:,} values (too many "
                    "aliases or too large)", line=node.start_mark.line + 1,
                    hint="do not nest YAML aliases (*name) inside each other"
                    if loader.saw_alias else None)
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
        merge_line: int | None = None
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
            if key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                # a second one was dropped silently (the first's keys won)
                if merge_line is not None:
                    raise _fail(file, f"a second merge key '<<' in one mapping (the first is "
                                f"on line {merge_line})", line=key_node.start_mark.line + 1,
                                column=key_node.start_mark.column + 1, path=path,
                                hint="merge several mappings with one key and a list: "
                                     "<<: [*a, *b] (where both give a key, the first wins)")
                merge_line = key_node.start_mark.line + 1
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
                        line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None, path=path,
                        hint="'<<:' takes an alias of a mapping (<<: *name) or a list of "
                             "them (<<: [*a, *b])") from None
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
        value = loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise _fail(file, f"cannot read value: {exc.problem}",
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None, path=path,
                    hint="scenario files hold plain numbers, text, dates, lists and mappings "
                         "only; tags such as !!python are refused") from None
    except ValueError as exc:
        timestamp = node.tag == "tag:yaml.org,2002:timestamp"
        hint = "a date is written YYYY-MM-DD and must be a day of the calendar" \
            if timestamp else None
        # Python's "day is out of range for month" named neither the month nor its days, where
        # the same date quoted was told "February 2025 has no day 29" (review 249)
        problem = (timestamp and no_such_date(str(node.value))) or str(exc)
        raise _fail(file, f"cannot read value: {problem}", line=node.start_mark.line + 1,
                    column=node.start_mark.column + 1, path=path, hint=hint) from None
    _refuse_other_base(node, value, file, path)
    if isinstance(value, float) and math.isinf(value) and not _INF.fullmatch(node.value):
        # 1e400 is read as infinity, and was refused as "must be a finite number, got inf":
        # not what was written (review 194)
        raise _fail(file, f"the number {node.value} is too large: beyond about 1.8e308, the "
                    "largest a number can be, it reads as infinity",
                    line=node.start_mark.line + 1, column=node.start_mark.column + 1,
                    path=path, hint="check its exponent (and its unit): scenario values are "
                                    "far smaller, e.g. 1e6 for a million")
    return value


_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
"""Month names for messages (not the locale's: messages are in English)."""

_YMD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?![0-9])")


def no_such_date(text: str) -> str | None:
    """What is wrong with a date ``text`` (``YYYY-MM-DD``, perhaps with a time after it)
    that is not a day of the calendar: "there is no month 13", "there is no such date:
    February 2025 has no day 29"; None for a real date or text of another shape."""
    m = _YMD.match(text)
    if m is None:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    try:
        dt.date(year, month, day)
    except ValueError:
        if year < 1:
            return f"there is no year {year} in the calendar (years 1 to 9999)"
        return f"there is no such date: {MONTHS[month - 1]} {year} has no day {day}"
    return None


# YAML 1.1's integers with a leading zero (octal) and its base-60 numbers ("sexagesimal",
# meant for times): PyYAML reads 017 as 15 and 1:30 as 90 without a word, where YAML 1.2
# and every reader see 17 and a time or text.
_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_BASE_60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _refuse_other_base(node: yaml.Node, value: Any, file: str, path: PathT) -> None:
    """Refuse a plain number YAML reads in base 8 or 60 (``017``, ``1:30``): its value is not
    what it shows. A zero-padded number worth the same either way (``07``) is kept."""
    if node.tag not in _NUMBER_TAGS or not isinstance(node, yaml.ScalarNode) or node.style:
        return
    written = str(node.value)
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if _OCTAL.fullmatch(written):
        decimal = int(written.replace("_", ""), 10)
        if decimal != value:
            raise _fail(file, f"{written} is read by YAML as octal {value}, not {decimal}",
                        line=line, column=column, path=path,
                        hint=f"write {decimal}, without the leading zero (or quote it, "
                             f"'{written}', if it is text)")
    elif _BASE_60.fullmatch(written):
        raise _fail(file, f"{written} is read by YAML as {value} (base 60, as for times of "
                    "day)", line=line, column=column, path=path,
                    hint=f"write a number, or quote it ('{written}') if it is text")
