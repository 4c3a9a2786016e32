"""Commands the simulator prints for the user to paste back into a shell (``--resume``
hints, the command holding a folder): each word quoted so that the shell gives the
program the very same word: for a POSIX shell (bash, zsh), and on Windows for ``cmd.exe``
(review 230: ``'C:\\Users\\...'`` was a file name with quotes in it there), but for the
limits :func:`cmd_quote` names."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterable


def quote(word: object) -> str:
    """``word`` for the shell of this system: on Windows (``os.name == "nt"``) for
    ``cmd.exe`` (:func:`cmd_quote`); elsewhere for a POSIX shell, as :func:`shlex.quote`
    gives it, or, where the terminal cannot show it (a file name with bytes that are not
    text in its encoding, or text the terminal's encoding lacks, as under ``LC_ALL=C``), as
    bash's ``$'...'`` with those bytes escaped (``$'r\\xc3\\xa9sum\\xc3\\xa9'``): a
    printed ``r??sum??`` pasted back named another folder (review 115)."""
    text = str(word)
    if os.name == "nt":
        return cmd_quote(text)
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return _ansi_c(_as_bytes(text))
    return shlex.quote(text)


def join(words: Iterable[object]) -> str:
    """``words`` as one command line, each word :func:`quote`-d."""
    return " ".join(quote(w) for w in words)


_CMD_SPECIAL = frozenset(' \t"&|<>^()%!,;=')
"""Characters that end a word in ``cmd.exe``, or that it acts on, outside double quotes."""


def cmd_quote(text: str) -> str:
    """``text`` as one word of a ``cmd.exe`` command line: as it is if it holds none of
    :data:`_CMD_SPECIAL`, else in double quotes, with the backslashes and double quotes
    escaped as :func:`subprocess.list2cmdline` does (the rules of the C runtime that
    splits the program's command line into words). Two limits of ``cmd.exe`` itself
    (review 233): it expands ``%NAME%`` inside double quotes too, which no quoting
    prevents, and a double quote inside a word ends its quoting for ``cmd.exe`` though
    the C runtime reads ``\"`` as a quote. Neither occurs in the paths of Windows, which
    forbid ``"``; ``%`` in a folder's name would need the command typed by hand."""
    if text and not any(c in _CMD_SPECIAL for c in text):
        return text
    out = ['"']
    slashes = 0
    for c in text:
        if c == "\\":
            slashes += 1
            continue
        if c == '"':
            out.append("\\" * (2 * slashes + 1) + '"')
        else:
            out.append("\\" * slashes + c)
        slashes = 0
    out.append("\\" * (2 * slashes) + '"')
    return "".join(out)


def _as_bytes(text: str) -> bytes:
    """The bytes of a file name as the system holds them (undecodable bytes come back
    from their surrogate escapes), or its UTF-8 where the file system's encoding lacks a
    character."""
    try:
        return os.fsencode(text)
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def _ansi_c(raw: bytes) -> str:
    """``raw`` as a ``$'...'`` word: printable ASCII as it is (but ``'`` and ``\\``),
    every other byte as ``\\xNN``."""
    out = []
    for b in raw:
        ch = chr(b)
        out.append(ch if 32 <= b < 127 and ch not in "'\\" else f"\\x{b:02x}")
    return "$'" + "".join(out) + "'"
