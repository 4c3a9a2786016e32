"""Commands the simulator prints for the user to paste back into a shell (``--resume``
hints, the command holding a folder): each word quoted so that the shell gives the
program the very same word."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterable


def quote(word: object) -> str:
    """``word`` for a POSIX shell: as :func:`shlex.quote` gives it, or, where the terminal
    cannot show it (a file name with bytes that are not text in its encoding, or text the
    terminal's encoding lacks, as under ``LC_ALL=C``), as bash's ``$'...'`` with those
    bytes escaped (``$'r\\xc3\\xa9sum\\xc3\\xa9'``): a printed ``r??sum??`` pasted back
    named another folder (review 115)."""
    text = str(word)
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return _ansi_c(_as_bytes(text))
    return shlex.quote(text)


def join(words: Iterable[object]) -> str:
    """``words`` as one command line, each word :func:`quote`-d."""
    return " ".join(quote(w) for w in words)


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
