"""Writing a file whole: to a temporary name in its folder and renamed into place, so a
crash never leaves a half-written file under a final name (:func:`atomic_write_chunks`);
text as UTF-8 that a file name's undecodable bytes cannot break (:func:`utf8`); and what
to say when a path cannot be written (:func:`not_a_folder`, :func:`folder_hint`).

Every file the results folders hold is written so (:mod:`sim.output.folder`, the
comparison's and the sweep's output, the report, the figures). Moved from
:mod:`sim.output.folder`, which still exports these names (review 238).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename
    (:func:`atomic_write_chunks`)."""
    atomic_write_chunks(path, [data])


def atomic_write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """Write the ``chunks`` one after another to ``path`` via a temporary file in the same
    folder and a rename: a large file is never held whole in memory.

    The temporary file is ``.NAME.XXXXXXXX.tmp`` with NAME the first 64 bytes of the
    file's name at most: the whole name made it 14 bytes longer, so valid names of 242 to
    255 bytes failed with "File name too long"."""
    path.parent.mkdir(parents=True, exist_ok=True)
    name = path.name
    while len(os.fsencode(name)) > 64:
        name = name[:-1]  # by whole characters: half of one does not encode back
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; results are not
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename is None:
            # a write or fsync that fails (a full disk) names no file: the message would
            # not say which one, nor where space is short
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def utf8(text: str) -> bytes:
    """``text`` as UTF-8, with the characters UTF-8 cannot hold written as escapes.

    A file name that is not valid UTF-8 (``bad\\xff.yaml``) reaches Python as a string
    holding a surrogate (``"bad\\udcff.yaml"``, :func:`os.fsdecode`), which UTF-8 refuses:
    a scenario file of such a name made every table, report and Markdown summary naming it
    fail. The undecodable byte is written as ``\\xff`` (as the name's bytes were), any other
    lone surrogate as ``\\udXXX``, so the file stays valid UTF-8 and the name can still
    be recognised in it.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    text = "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else c
                   for c in text)
    return text.encode("utf-8", errors="backslashreplace")


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 (:func:`utf8`) to ``path`` (:func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, utf8(text))


def not_a_folder(path: Path) -> str | None:
    """Why ``path`` cannot be written because a folder on its way is a file ("afile is a
    file, not a folder"), or None if none is: the system's own words, "File exists" or "Not
    a directory", do not say which part of the path is wrong."""
    for parent in Path(path).parents:
        if parent.is_dir():
            return None
        if parent.exists() or parent.is_symlink():  # a file, or a link to nowhere
            return (f"{parent} is a file, not a folder" if parent.is_file()
                    else f"{parent} is not a folder")
    return None


def existing_part(path: Path) -> Path:
    """``path`` or, if it does not exist, the nearest folder above it that does: the one
    whose permissions refused to make what is below it."""
    while not path.exists() and not path.is_symlink() and path != path.parent:
        path = path.parent
    return path


def folder_hint(path: Path, exc: OSError | None = None) -> str | None:
    """The hint for a results folder ``path`` that cannot be written (``exc``, the
    system's refusal): a symbolic link to nowhere on its way (where it points, and to make
    that folder), or a folder that may not be written (to choose one that may be, or fix
    its permissions); None for another cause. Review 194: "cannot write to ro/replications:
    Permission denied" and "dangling is not a folder" had no hint."""
    for part in (path, *path.parents):
        if part.is_symlink() and not part.exists():
            try:
                target = os.readlink(part)
            except OSError:
                break
            where = Path(part.parent, target)
            return (f"{part} is a symbolic link to {target}, which does not exist: create that "
                    f"folder (mkdir -p {where}) or choose another --out")
    if exc is not None and exc.errno in (errno.EACCES, errno.EPERM):
        return ("choose a folder you can write to, or fix the permissions of this one (ls -ld "
                "shows them: writing in a folder needs w and x)")
    if exc is not None and exc.errno == errno.EROFS:
        return "the file system is read-only: choose a folder on another one"
    return None
