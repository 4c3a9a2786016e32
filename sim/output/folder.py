"""The results folder: what ``sim run`` leaves on disk, written so nothing is lost.

Layout::

    DIR/
      run.json                 written first: what is being run (scenario hash, seed, the
                               builds that ran it: plain Python or compiled), so an
                               interrupted run can be resumed and checked (for a
                               comparison's scenario also the comparison folder and label)
      manifest.json            written last: scenario, seed, versions, hashes of the files it wrote
      kpis.csv                 replication, commodity, channel, site, metric, value, unit
      summary.csv              mean, sd, n, ci_low, ci_high per KPI
      series.csv.gz            date, commodity, metric, key, unit, statistic, value, days
                               (days measured in the period; fewer in a last period cut
                               short by the horizon)
      timeline.csv             replication, day, date, kind, id, action, detail
      replications/
        index.json             labels of the KPI values and series rows
        rep-000000.npz ...     each replication's KPI values and series, saved on completion
      .sim-lock                while a command writes the folder: its lock, naming the
                               process (:func:`lock_folder`); one a killed command left
                               is taken over by the next

Every file is written to a temporary name and renamed into place, so a crash never leaves
a half-written file under a final name. A folder without ``manifest.json`` is incomplete.
An existing folder with results is never overwritten unless the caller asks for it.
Two commands never write one folder at once: ``sim run``, ``sim compare`` and ``sim sweep``
hold the folder's lock while they write it (:func:`lock_folder`) and refuse a folder whose
lock another process holds; commands that only read a folder (``sim report``,
:func:`load_results`) take none.

Resuming: ``ResultsFolder(DIR, resume=True)`` keeps what is there; :meth:`ResultsFolder.begin`
checks ``run.json`` against the scenario and seed asked for (refusing a folder from another
run) and returns the replications already saved, so only the missing numbers are run and
the finished folder holds exactly the replications an uninterrupted run would have.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import hashlib
import io
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.build import (  # read from here too (review 196)
    CodeTally,
    build_kind,
    code_label,
    git_commit,
    worker_code_note,
)
from sim.experiment.replication import ReplicationResult
from sim.experiment.results import Results
from sim.metrics.series import SeriesCatalogue, catalogue
from sim.output.errors import DamagedRunWarning, FolderError  # read from here too (review 231)
from sim.scenario.fingerprint import (  # read from here too (review 231)
    json_safe,
    listed_order_sha256,
    scenario_json,
    scenario_order_sha256,
    scenario_sha256,
)
from sim.scenario.loader import meta_of
from sim.scenario.schema import Scenario
from sim.words import and_list

CSV_FLOATS = "%.10g"
"""How the tables write a float: ten significant digits."""
KPI_BLOCK = 500
"""Replications written to kpis.csv at a time (some 20 MB of table for the 752 KPIs of the
baseline), so that writing it needs no more memory for 8,000 replications than for 500."""

RESULT_ENTRIES = ("manifest.json", "run.json", "kpis.csv", "summary.csv", "series.csv.gz",
                  "timeline.csv", "replications", "figures", "report.html")
RUN_FORMAT = "drc-minerals-sim run 1"


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


# ---------------------------------------------------------------------------------------
# The lock of a folder being written

LOCK_NAME = ".sim-lock"
"""The file in a folder that ``sim run``, ``sim compare`` or ``sim sweep`` is writing
that holds the command's lock (and says which process it is); removed when it ends."""

try:
    import fcntl
except ImportError:  # Windows: no advisory locks of this kind
    fcntl = None  # type: ignore[assignment]


class _Held:
    """The lock this process holds on one folder: the open lock file and how many
    :class:`FolderLock` handles share it."""

    def __init__(self, key: tuple[int, int], fd: int, lock_path: Path,
                 created: list[Path]) -> None:
        self.key, self.fd, self.lock_path, self.created = key, fd, lock_path, created
        self.count = 0


_HELD: dict[tuple[int, int], _Held] = {}
_HELD_GUARD = threading.Lock()
_SCOPES = threading.local()


def _forget_locks_in_child() -> None:
    # a forked worker shares the parent's lock (not its own): it drops its copies of the
    # files, which leaves the lock to the parent, and ends with the parent when killed
    global _HELD, _HELD_GUARD
    for held in _HELD.values():
        with contextlib.suppress(OSError):
            os.close(held.fd)
    _HELD, _HELD_GUARD = {}, threading.Lock()
    _SCOPES.__dict__.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_locks_in_child)


class FolderLock:
    """One holding of the lock of a folder being written (see :func:`lock_folder`).
    :meth:`release` (idempotent) gives it back; the last holding in the process unlocks
    the folder, removes its lock file and the folders the lock created if they are
    empty."""

    def __init__(self, held: _Held) -> None:
        self._held: _Held | None = held

    def release(self) -> None:
        """Give this holding back (again: nothing)."""
        held, self._held = self._held, None
        if held is None:
            return
        with _HELD_GUARD:
            held.count -= 1
            if held.count > 0:
                return
            _HELD.pop(held.key, None)
            # removed while still locked, so a command that opened it meanwhile finds on
            # locking that it is no longer the folder's lock file and opens it again
            with contextlib.suppress(OSError):
                if _same_file(os.fstat(held.fd), held.lock_path):
                    held.lock_path.unlink()
            with contextlib.suppress(OSError):
                os.close(held.fd)
        for path in reversed(held.created):  # the deepest first; only if left empty
            with contextlib.suppress(OSError):
                path.rmdir()


def _same_file(st: os.stat_result, path: Path) -> bool:
    try:
        now = os.stat(path)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino)


def _holder_text(fd: int) -> tuple[str, str | None]:
    """Who holds a lock file (``fd`` open on it): "pid N" (with the host if another), and
    the holder's command line if recorded."""
    try:
        info = json.loads(os.pread(fd, 65536, 0).decode("utf-8"))
        pid = int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        # written by the holder just after it locked: not yet, or by an older sim
        return "pid unknown", None
    host = info.get("host")
    who = f"pid {pid}" + (f" on {host}" if host and host != platform.node() else "")
    argv = info.get("argv")
    if not isinstance(argv, list) or not argv:
        return who, None
    from sim.shell import join

    words = [str(w) for w in argv]
    if Path(words[0]).name in ("sim", "sim.exe", "__main__.py"):  # the command line's
        words[0] = "sim"
    return who, join(words)


def lock_folder(folder: str | Path, command: str) -> FolderLock | None:
    """Take the lock of ``folder`` for the command writing it (``command``: "sim run",
    "sim compare" or "sim sweep"), creating the folder if it does not exist: an exclusive
    advisory lock (``flock``) on ``folder/.sim-lock``, which records the process id, host
    and command line. Held until :meth:`FolderLock.release` or, whatever happens, the end
    of the process (the system releases it when a process is killed, so a folder is never
    left locked; the file left behind is taken over by the next command).

    Two commands writing one folder at once mixed their replications silently; the
    second is now refused, ``--force`` and ``--resume`` included. Raises
    :class:`FolderError` if another process holds the lock, naming the folder and the
    process. Within one process the lock is shared (each holding released on its own):
    a comparison finishes its scenarios' folders through new objects, and threads of
    one process are not kept apart. Returns None, and nothing is locked, where locks
    cannot be taken: on a system without ``fcntl`` (Windows), on a file system that does
    not support them, or where the folder or its lock file cannot be created or opened
    (the command's own writing then says what is wrong).
    """
    if fcntl is None:
        return None
    folder = Path(folder)
    created = []
    for parent in (folder, *folder.parents):
        if parent.exists() or parent.is_symlink():
            break
        created.append(parent)
    created.reverse()  # the outermost first
    try:
        folder.mkdir(parents=True, exist_ok=True)
        st = os.stat(folder)
    except OSError:
        for path in reversed(created):
            with contextlib.suppress(OSError):
                path.rmdir()
        return None
    key = (st.st_dev, st.st_ino)
    lock_path = folder / LOCK_NAME
    with _HELD_GUARD:
        held = _HELD.get(key)
        if held is None:
            fd = _take(lock_path, folder, command)
            if fd is None:
                return None
            held = _HELD[key] = _Held(key, fd, lock_path, created)
        held.count += 1
    handle = FolderLock(held)
    scopes = getattr(_SCOPES, "stack", None)
    if scopes:
        scopes[-1].append(handle)
    return handle


def _take(lock_path: Path, folder: Path, command: str) -> int | None:
    """The descriptor of ``lock_path`` locked, or None if locks cannot be taken there;
    raises :class:`FolderError` if another process holds it."""
    assert fcntl is not None
    for _ in range(10):
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0),
                         0o666)
        except OSError:
            try:  # a folder one may read but not write: a lock is still a lock
                fd = os.open(lock_path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError:
                return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who, argv = _holder_text(fd)
            os.close(fd)
            raise FolderError(
                f"{folder} is being written by another sim command ({who})",
                hint="wait for it to end, or give another --out folder"
                     + (f" (the other command: {argv})" if argv else "")) from None
        except OSError:  # ENOLCK, EOPNOTSUPP: a file system without locks
            os.close(fd)
            return None
        if _same_file(os.fstat(fd), lock_path):
            break
        # its holder removed it between our opening and locking it: open the new one
        os.close(fd)
    else:
        return None
    info = {"pid": os.getpid(), "host": platform.node(), "command": command, "argv": sys.argv,
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    with contextlib.suppress(OSError):  # read-only: locked all the same, unnamed
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode("utf-8", "backslashreplace"), 0)
    return fd


@contextlib.contextmanager
def writing(folder: str | os.PathLike[str] | None, command: str) -> Iterator[None]:
    """Hold the lock of ``folder`` (:func:`lock_folder`; nothing for None) while the
    command inside writes it, and release, on leaving, every lock taken inside (the
    results folders of a comparison's scenarios) that is still held, whatever ends it
    (an exception, a KeyboardInterrupt)."""
    stack = getattr(_SCOPES, "stack", None)
    if stack is None:
        stack = _SCOPES.stack = []
    stack.append([])
    try:
        if isinstance(folder, str | os.PathLike):
            lock_folder(Path(folder), command)
        yield
    finally:
        for handle in reversed(stack.pop()):
            handle.release()


FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def clear_figures(folder: Path) -> None:
    """Remove the figures a previous writing left in ``folder/figures`` (files only, and
    only figure files): figures are drawn anew or not at all, so none of an earlier run
    stays beside newer tables, or in the list of files the run records."""
    figures = folder / "figures"
    if not figures.is_dir():
        return
    for path in figures.iterdir():
        if path.is_file() and path.suffix in FIGURE_SUFFIXES:
            path.unlink()
    if not any(figures.iterdir()):
        figures.rmdir()


OUTPUT_KINDS: dict[str, tuple[str, ...]] = {
    "run": ("manifest.json", "run.json", "kpis.csv", "summary.csv", "series.csv.gz",
            "timeline.csv", "replications"),
    "comparison": ("comparison.json", "compare.csv", "compare.md"),
    "sweep": ("sweep.json", "sweep.csv", "sweep-kpis.csv.gz", "sobol.csv",
              "sweep-replications"),
}
"""The entries each command writes in its --out folder and no other command does (all
of them also write ``figures/``, and ``sim report`` a ``report.html``); a comparison also
writes a results folder per scenario run (``<label>/``)."""
_KIND_NAMES = {"run": ("a run", "sim run"), "comparison": ("a comparison", "sim compare"),
               "sweep": ("a sweep", "sim sweep")}


def other_outputs(folder: Path, kind: str) -> dict[str, list[str]]:
    """The entries of ``folder`` that another command than the one writing ``kind``
    (``run``, ``comparison`` or ``sweep``) wrote, by the kind of output they belong to."""
    if not folder.is_dir():
        return {}
    found = {other: [e for e in entries if (folder / e).exists()]
             for other, entries in OUTPUT_KINDS.items() if other != kind}
    return {other: entries for other, entries in found.items() if entries}


def others_entries(folder: Path) -> list[str]:
    """The entries of ``folder`` that no sim command writes there (folders with a trailing
    ``/``), sorted; none for a folder that does not exist. Left-over temporary files of an
    interrupted write (``.NAME.*.tmp``) and the lock file of a command writing the folder
    (:data:`LOCK_NAME`, or left by one that was killed) are not counted."""
    if not folder.is_dir():
        return []
    ours = {*RESULT_ENTRIES, *(e for entries in OUTPUT_KINDS.values() for e in entries)}
    return sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()
                  if p.name not in ours and p.name != LOCK_NAME
                  and not (p.name.startswith(".") and p.name.endswith(".tmp")))


MARKS = ("run.json", "manifest.json", "comparison.json", "sweep.json",
         "sweep-replications/plan.json")
"""The files that mark a folder's results as written by a sim command: each command writes
one of them before anything else (run.json, plan.json) or last (manifest.json,
comparison.json, sweep.json). Saved replications (``replications/rep-*.npz``,
``sweep-replications/s*.npz``) and a comparison's scenario folders mark it too, so a folder
damaged by losing its run.json is still recognised as results."""


def holds_marks(folder: Path) -> bool:
    """Whether ``folder`` holds results a sim command wrote (:data:`MARKS`, saved
    replications, or the scenario folders of a comparison run there), damaged ones too."""
    if any((folder / name).is_file() for name in MARKS):
        return True
    if any((folder / "replications").glob("rep-*.npz")):
        return True
    if any((folder / "sweep-replications").glob("s*-r*.npz")):
        return True
    if bool(comparison_arms(folder)):
        return True
    # a comparison's folder moved or copied elsewhere: its scenarios' run.json name the
    # folder it was run in (review 197: following the hint for a moved comparison, its
    # resume was said to find "nothing saved" as it went on with what was)
    return folder.is_dir() and any(_holds_run(p) and _ran_by_a_comparison(p)
                                   for p in folder.iterdir())


def nothing_saved(folder: Path) -> bool:
    """Whether ``folder`` holds nothing a --resume could finish: it does not exist, or it
    holds none of sim's marks (:func:`holds_marks`)."""
    return not folder.is_dir() or not holds_marks(folder)


def unmarked_entries(folder: Path) -> list[str]:
    """The entries of ``folder`` that have the names sim writes (figures/, report.html,
    summary.csv, replications/, ...) in a folder that holds none of sim's marks
    (:func:`holds_marks`), sorted, folders with a trailing ``/``; [] for a folder with a
    mark, or none of those names. Review 194: --force deleted a paper's own figures/ and
    report.html from --out ., though nothing in it was ever a result."""
    if not folder.is_dir():
        return []
    ours = {*RESULT_ENTRIES, *(e for entries in OUTPUT_KINDS.values() for e in entries)}
    found = sorted(e + ("/" if (folder / e).is_dir() else "") for e in ours
                   if (folder / e).exists() or (folder / e).is_symlink())
    if not found or holds_marks(folder):
        return []
    if "report.html" in found and any(_holds_run(p) for p in folder.iterdir()):
        # what sim report writes in a folder of run folders it compares
        found.remove("report.html")
    return found


def refuse_unmarked(folder: Path, hint: str | None = None) -> None:
    """Raise :class:`FolderError` if ``folder`` holds entries of the names sim writes but
    none of its marks (:func:`unmarked_entries`): they cannot be told apart from the user's
    own files, so neither a new run nor --force may write over or delete them. ``hint``:
    what to do instead, where choosing another --out is not the whole answer."""
    found = unmarked_entries(folder)
    if not found:
        return
    sub = os.path.join(folder, "results")  # "./results" for ".", not a bare "results"
    raise FolderError(
        f"{folder} holds {_names(found)}, which are not results this tool wrote (it holds "
        "none of run.json, manifest.json, comparison.json, sweep.json or saved "
        "replications): they are kept, and nothing is written there, with --force neither",
        hint=hint or f"choose another --out folder, e.g. a new subfolder ({sub}); or, if "
                     "those are old results you no longer need, move them away yourself")


def _listed_scenarios(folder: Path) -> list[dict[str, Any]] | None:
    """The scenarios ``folder/comparison.json`` lists (label, source, seed and, since it is
    recorded, whether the comparison ran it), or None if there is no readable one."""
    try:
        listed = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
        listed = listed["scenarios"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(listed, list):
        return None
    return [e for e in listed if isinstance(e, dict) and _plain_name(e.get("label"))]


def _plain_name(label: object) -> bool:
    """Whether ``label`` names a folder directly inside the comparison's (and nothing
    outside it: a damaged comparison.json must not make --force delete elsewhere)."""
    return (isinstance(label, str) and label not in ("", ".", "..")
            and "/" not in label and "\\" not in label)


def ran_from_source(source: str) -> bool | None:
    """Whether a comparison ran the scenario whose ``source`` it records: True for a
    scenario file or a Scenario object (``<scenario name>``), False for a results folder or
    a Results object (``<results name>``) it was given, None when the path is no longer
    there (moved, or relative to another working folder) and so cannot tell."""
    if source.startswith("<"):
        return source.startswith("<scenario ")
    given = Path(source)
    if given.is_dir():
        return False
    if given.is_file():
        return True
    return None


def _ran_here(folder: Path, entry: dict[str, Any]) -> bool:
    """Whether the comparison in ``folder`` ran the scenario ``entry`` of its
    comparison.json (and wrote ``folder/<label>``), rather than being given its finished
    results folder (which may be that very folder: a user's runs compared into their
    parent folder) or a Results object."""
    if "ran" in entry:
        return entry["ran"] is True
    # written before comparison.json said so: judged by the source
    judged = ran_from_source(str(entry.get("source", "")))
    if judged is not None:
        return judged
    # moved, or relative to another working folder: the comparison's own runs say in their
    # manifest which comparison wrote them; a folder it was given need not
    try:
        manifest = json.loads((folder / entry["label"] / "manifest.json")
                              .read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(manifest, dict) and "comparison" in manifest
            and manifest.get("label") == entry["label"])


def _holds_run(path: Path) -> bool:
    return (path.is_dir() and not path.is_symlink()
            and ((path / "run.json").is_file() or (path / "manifest.json").is_file()))


def _recorded_arm(path: Path, folder: Path) -> bool:
    """Whether ``path``'s run.json says a comparison in ``folder`` ran it there (as
    ``_prepare_out`` records it: the comparison folder's absolute path and the label)."""
    try:
        info = json.loads((path / "run.json").read_text(encoding="utf-8"))
        return (isinstance(info, dict) and info.get("label") == path.name
                and isinstance(info.get("comparison"), str)
                and Path(info["comparison"]).resolve() == folder.resolve())
    except (OSError, ValueError):
        return False


def _ran_by_a_comparison(path: Path) -> bool:
    """Whether ``path``'s run.json says a comparison ran it there, under its own name as
    the label, in whatever folder it was then."""
    try:
        info = json.loads((path / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(info, dict) and info.get("label") == path.name
            and isinstance(info.get("comparison"), str))


def comparison_arms(folder: Path) -> list[Path]:
    """The results folders (``folder/<label>``) of the scenarios a comparison in
    ``folder`` ran: those its comparison.json lists as run there, and those whose run.json
    says a comparison in ``folder`` ran them (one interrupted before it wrote its
    comparison.json, or replacing the one that did). Not the finished results folders it
    was given to compare (a user's own runs, which may be in ``folder`` too), nor any other
    run folder there."""
    arms = [folder / e["label"] for e in _listed_scenarios(folder) or ()
            if _ran_here(folder, e) and _holds_run(folder / e["label"])]
    if folder.is_dir():
        arms += [p for p in sorted(folder.iterdir())
                 if p not in arms and _holds_run(p) and _recorded_arm(p, folder)]
    return arms


def compared_members(folder: Path) -> list[tuple[str, Path]] | None:
    """The label and finished results folder of each scenario the comparison in ``folder``
    compared that is found, in the order of its comparison.json (the reference first):
    ``folder/<label>`` for those it ran; for those it was given, the folder its source
    names (absolute since comparison.json records it so; an older one's may be relative to
    another working folder), else ``folder/<label>`` or a folder of the source's name in
    ``folder`` (runs compared into their parent folder). None without a readable
    comparison.json."""
    listed = _listed_scenarios(folder)
    if listed is None:
        return None
    found = []
    for entry in listed:
        label, source = entry["label"], str(entry.get("source", ""))
        if _ran_here(folder, entry):
            candidates = [folder / label]
        elif source.startswith("<"):
            candidates = []
        else:
            candidates = [Path(source), folder / label]
            if Path(source).name not in ("", ".", ".."):
                candidates.append(folder / Path(source).name)
        path = next((p for p in candidates if (p / "manifest.json").is_file()), None)
        if path is not None:
            found.append((label, path))
    return found


def compared_folders(folder: Path) -> list[Path] | None:
    """The finished results folders of the scenarios the comparison in ``folder`` compared
    (:func:`compared_members`); if none of them is found where comparison.json says, the
    finished results folders in ``folder``; None without a readable comparison.json."""
    members = compared_members(folder)
    if members is None:
        return None
    if members:
        return [path for _, path in members]
    return sorted(p for p in folder.iterdir() if (p / "manifest.json").is_file())


def others_runs(folder: Path, labels: Sequence[str], resume: bool = False
                ) -> list[tuple[Path, str]]:
    """The folders ``folder/<label>`` (of the ``labels`` a comparison into ``folder`` is to
    run) that hold results no comparison in ``folder`` ran (not :func:`comparison_arms`),
    each with what they are: a results folder the comparison there was given to compare,
    or another run kept there (a user's own, named like a scenario). Neither --force nor
    --resume may write a comparison's run into them. With ``resume`` only those surely not
    a comparison's: finished by sim run (their manifest names no comparison); an unfinished
    one may be the run of a comparison interrupted before run.json recorded it."""
    if not folder.is_dir():
        return []
    ours = comparison_arms(folder)
    given = {e["label"] for e in _listed_scenarios(folder) or () if not _ran_here(folder, e)}
    found = []
    for label in labels:
        path = folder / label
        if path in ours or not ((path / "run.json").is_file()
                                or (path / "manifest.json").is_file()):
            continue
        if resume:
            try:
                manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(manifest, dict) or "comparison" in manifest:
                continue
        found.append((path, "a results folder the comparison there compared, not one it "
                            "ran" if label in given else "a run no comparison there wrote"))
    return found


def _names(paths: Sequence[str]) -> str:
    return and_list(paths)


def claim_folder(folder: str | Path, kind: str, force: bool = False) -> None:
    """Make sure ``folder`` holds no other command's results before ``kind`` (``run``,
    ``comparison`` or ``sweep``) is written there: the commands share entries (figures/,
    report.html), so writing one into another's folder would mix their files and remove
    the other's figures and report. Raises :class:`FolderError` if it does, naming what
    ``force`` would delete, unless ``force``: then the other command's output (its files,
    figures and report, and the results folders of the scenarios a comparison ran, but not
    those it was given) is removed first, so none of it is left mixed in. A folder holding
    entries of those names but no results of sim (:func:`refuse_unmarked`) is refused,
    ``force`` or not."""
    folder = Path(folder)
    refuse_unmarked(folder)
    others = other_outputs(folder, kind)
    if not others:
        return
    arms = comparison_arms(folder) if "comparison" in others else []
    if not force:
        mine, command = _KIND_NAMES[kind]
        what = " and ".join(
            f"{_KIND_NAMES[o][0]} ({', '.join(e[:2])}{', ...' if e[2:] else ''})"
            for o, e in others.items())
        deleted = [e + ("/" if (folder / e).is_dir() else "")
                   for entries in others.values() for e in entries]
        deleted += [e + ("/" if e == "figures" else "") for e in ("figures", "report.html")
                    if (folder / e).exists()]
        if arms:
            deleted.append("the results folders the comparison ran: "
                           + _names([f"{a.name}/" for a in arms]))
        kept = ([f"{p.name}/" for p in sorted(folder.iterdir())
                 if _holds_run(p) and p not in arms] if "comparison" in others else [])
        keep = (f"; {_names(kept)}, {'results folders' if len(kept) > 1 else 'a results folder'}"
                f" the comparison did not write, {'are' if len(kept) > 1 else 'is'} kept"
                if kept else "")
        # only what is there: a sweep's folder has figures but no report
        shared = [n for n, e in (("figures", "figures"), ("report", "report.html"))
                  if (folder / e).exists()]
        lose = f" and delete their {' and '.join(shared)}" if shared else ""
        raise FolderError(
            f"{folder} holds the results of {what}, not of {mine}: {command} would mix its "
            f"files with them{lose}",
            hint="choose another --out folder, or pass --force to replace them (it first "
                 f"deletes {_names(deleted)}{keep})")
    try:
        for arm in arms:
            shutil.rmtree(arm)
        for entries in others.values():
            for entry in entries:
                target = folder / entry
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                else:
                    target.unlink(missing_ok=True)
        (folder / "report.html").unlink(missing_ok=True)
        clear_figures(folder)
    except OSError as exc:
        raise FolderError(f"cannot replace the results in {folder}: "
                          f"{exc.strerror or exc}") from None


def file_hashes(files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """``{name: {"sha256": ..., "bytes": ...}}`` for the files, sorted by name."""
    return {name: {"sha256": sha256_of(p), "bytes": p.stat().st_size}
            for name, p in sorted(files.items())}


def sha256_of(path: Path) -> str:
    """The SHA-256 digest of the file at ``path`` as 64 hex digits (read in 1 MiB blocks).
    Raises OSError if the file cannot be read."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def versions() -> dict[str, str]:
    """Versions of Python, this package and its main dependencies."""
    out = {"python": platform.python_version(), "platform": platform.platform()}
    for dist in ("drc-minerals-sim", "simpy", "numpy", "scipy", "pandas", "pydantic", "pyyaml",
                 "matplotlib", "click"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out



VALUED_OPTIONS = ("--set", "--param", "--metric", "--design", "--seed", "-n", "-r",
                  "--workers", "--scheduler", "--target-ci", "--max-replications")
"""Options of the sim commands that take a value (which may itself read "--out")."""


def with_out(words: Sequence[str], folder: Path) -> list[str]:
    """A recorded ``sim`` command with its ``--out`` the folder given now: the command may
    have named it from another working folder, or it may have been moved since (a
    ``--resume`` of a folder that does not exist starts again from nothing)."""
    words = [str(w) for w in words]
    for i in range(1, len(words) - 1):
        if words[i] == "--out" and words[i - 1] not in VALUED_OPTIONS:
            words[i + 1] = str(folder)
    return words

def same_order(saved: Any, sc: Scenario) -> bool:
    """Whether ``saved``, an ``order_sha256`` a folder recorded (None if it records none),
    is ``sc``'s, by this version's fingerprint or by an earlier version's."""
    return saved is None or saved in (scenario_order_sha256(sc), listed_order_sha256(sc))


REORDERED = ("the same scenario, but with its lanes, channels, routes or commodities listed "
             "in another order, which draws other random numbers, or its sites, regimes or "
             "incidents, which orders the tables' rows otherwise")
"""Why a resume with a reordered copy of the scenario is refused (run.json's or plan.json's
``order_sha256`` differs, :func:`scenario_order_sha256`)."""


def _kpi_rows() -> int:
    from sim.metrics.kpis import KPI_ROWS

    return KPI_ROWS


@functools.cache
def scenario_format_sha256() -> str:
    """A fingerprint of the scenario format (the schema's fields, types and defaults):
    it changes with a version of sim that adds a field or changes a default, which
    changes every resolved scenario, and not with a commit that leaves the format. The
    schema's titles and descriptions (the fields' docstrings) are left out: review 155
    found a reworded docstring changed it."""
    from sim.scenario.schema import Scenario

    def bare(node: Any, fields: bool = False) -> Any:
        # ``fields``: a mapping of field names (a field may be named ``title``)
        if isinstance(node, dict):
            return {k: bare(v, k == "properties" and not fields) for k, v in node.items()
                    if fields or k not in ("description", "title")}
        if isinstance(node, list):
            return [bare(v) for v in node]
        return node

    text = json.dumps(bare(Scenario.model_json_schema()), sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def other_version(before: Mapping[str, Any]) -> str:
    """Why a folder's run or sweep may hold another resolved scenario though its user
    changed nothing: written by a version of sim whose scenario format differs (its
    ``format_sha256`` in run.json or plan.json not this version's), or by one older than
    that record (which may or may not differ); "" if the format is this version's.
    Review 147: a run interrupted under the previous version was refused as "a different
    resolved scenario" to a user who had changed nothing (review 153: a commit of the
    user's own scenario files is no other version)."""
    saved = before.get("format_sha256")
    if saved == scenario_format_sha256():
        return ""
    if saved is None:
        return ("; if nothing was changed, it was written by an older version of sim, whose "
                "resolved scenario has other fields or defaults: its saved replications "
                "cannot be resumed with this one")
    return ("; it was written by a version of sim whose scenario format differs (other "
            "fields or defaults): its saved replications cannot be resumed with this one")


UNRECORDED_CODE = "a version of drc-minerals-sim that did not record itself"
"""What run.json's ``code`` lists first for a resumed folder whose run.json had no ``code``
(written before it was recorded): its saved replications' code is unknown."""


def mixed_code_note(before: dict[str, Any], out: str | Path, sc: Scenario) -> str | None:
    """A note for a resume of ``out``, whose run.json is ``before``, with scenario ``sc``
    by other code than saved its replications (review 160: 20 replications counted
    high-load days by one rule and 10 by another, and nothing in the folder said so); None
    where the code is the same, a folder of an older version did not record it, or the
    folder holds another scenario (the resume is refused, and says why)."""
    saved = before.get("code")
    if (not isinstance(saved, list) or not saved
            or before.get("scenario_sha256") != scenario_sha256(sc)
            or not holds_replications(out) or other_series_shape(Path(out), sc) is not None):
        # replications of another series catalogue are refused: nothing is mixed (review
        # 207: the note came before the refusal)
        return None
    return code_note(saved, out, "run.json")


def other_series_shape(folder: Path, sc: Scenario) -> str | None:
    """Why ``folder``'s saved replications cannot be resumed with this version of sim for
    scenario ``sc``: their series have another shape than its catalogue gives (saved by a
    version with other series, one before ``refined_t``, say); None where the first saved
    one has this shape, or none can be read."""
    first = next(iter(sorted((folder / "replications").glob("rep-*.npz"))), None)
    if first is None:
        return None
    try:
        with np.load(first) as npz:
            held = tuple(npz["series"].shape)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    cat = catalogue(sc)
    shape = (len(cat.keys), cat.n_periods)
    if held == shape:
        return None
    return (f"its saved replications hold series of shape {held}, where this version of sim "
            f"writes {shape} for the scenario: another version saved them")


def holds_replications(out: str | Path) -> bool:
    """Whether the results folder ``out`` holds a saved replication (review 168: a run
    killed before its first one was noted as mixing the code of none)."""
    return any((Path(out) / "replications").glob("rep-*.npz"))


def code_note(saved: Sequence[Any], out: str | Path, record: str) -> str | None:
    """The note of :func:`mixed_code_note` where the code that ran ``out``'s saved
    replications, as ``record`` (run.json, plan.json) lists it, is ``saved``; None where
    this code is among it."""
    now = code_label()
    if now in saved:
        return None
    # in no tense of the run: said before it (sim run) and in the tables after it (review
    # 165: "will be run" in a comparison's summary of a finished run)
    return (f"the replications saved in {out} before this resume were run by "
            f"{', '.join(map(str, saved))}, the others by {now}: where they differ in the "
            f"model, the folder mixes their results ({record}'s code lists each); --force "
            "runs them all again with one")


def run_info(sc: Scenario, seed: int, replications: int,
             command: Sequence[str] | None = None,
             extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """What ``run.json`` records: enough to tell whether a folder belongs to a run, and
    ``command``, the words of the ``sim`` command that resumes it, where known."""
    meta = meta_of(sc)
    info = {"format": RUN_FORMAT, "scenario_name": sc.name,
            "scenario_sha256": scenario_sha256(sc),
            "order_sha256": scenario_order_sha256(sc), "seed": int(seed),
            "replications": int(replications), "scenario_files": meta.files,
            "overrides": meta.overrides, "builds": [build_kind()], "code": [code_label()],
            "kpi_rows": _kpi_rows(), "format_sha256": scenario_format_sha256(),
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    if command is not None:
        info["resume_command"] = [str(w) for w in command]
    if extra:
        info.update(extra)
    return info


def folder_identity(path: Path) -> tuple[int, int] | None:
    """The (device, inode) of the folder ``path``, None if it cannot be found: a folder
    removed or moved while a command writes it has another (or none) at that path."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def open_folder_fd(path: Path) -> int | None:
    """A descriptor open on the folder ``path`` (None where that cannot be done): it
    follows the folder if moved, so :func:`where_now` can say where it went."""
    try:
        return os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
                       | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None


def where_now(fd: int | None) -> Path | str | None:
    """Where the folder open as ``fd`` is now, if the system can say (Linux's /proc):
    its path, "removed" if it was, None if the system cannot say."""
    if fd is None:
        return None
    try:
        now = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None
    if now.endswith(" (deleted)"):
        return "removed"
    return Path(now) if os.path.isabs(now) else None


def gone_error(path: Path, moved_to: Path | str | None, saved: int,
               arm: bool = False) -> FolderError:
    """The error for a results folder ``path`` removed or moved (``moved_to``: where, as
    :func:`where_now` says) while it was written, after ``saved`` replications were saved
    there; ``arm``: it is a scenario's folder of a comparison (``path.parent`` is the
    comparison's folder, which may be what went). Review 194: the folder came back,
    recreated by the next save, without its run.json, and the run ended saying that
    another command had written to it."""
    what = "the comparison" if arm else "the run"
    subject, count = path, f"the {saved} replication(s) saved in it so far"
    if arm and (not path.parent.is_dir() or (isinstance(moved_to, Path)
                                             and moved_to.name == path.name
                                             and not path.parent.samefile(moved_to.parent))):
        # the comparison's folder went, with every scenario's replications
        subject, count = path.parent, "the replications saved in it so far"
        moved_to = moved_to.parent if isinstance(moved_to, Path) else moved_to
    if moved_to == "removed":
        return FolderError(
            f"{subject} was removed while {what} was going, with {count}; {what} stopped "
            f"without saving more, and did not make {subject} again",
            hint="run the command again, and keep the folder until it ends")
    if isinstance(moved_to, Path) and arm and subject == path:
        # a scenario's folder alone moved: a resume looks for it under its label only
        # (review 197: "--out <the comparison> and --resume" reran its replications)
        from sim.shell import join

        return FolderError(
            f"{path} was moved to {moved_to} while {what} was going: {count} are there; "
            f"{what} stopped without saving more",
            hint=f"move it back ({join(['mv', str(moved_to), str(path)])}), then run the "
                 f"same command with --out {path.parent} and --resume: it runs only the "
                 "replications not saved")
    if isinstance(moved_to, Path):
        out = moved_to
        return FolderError(
            f"{subject} was moved to {moved_to} while {what} was going: {count} are there; "
            f"{what} stopped without saving more",
            hint=f"finish {what} where it is now: the same command with --out {out} and "
                 "--resume runs only the replications not saved there")
    return FolderError(
        f"{subject} was removed or moved while {what} was going, with {count}; {what} "
        f"stopped without saving more, and did not make {subject} again",
        hint=f"if it was moved, finish {what} where it is now with the same command, --out "
             "its new place and --resume; if it was removed, run the command again (and "
             "keep the folder until it ends)")


class ResultsFolder:
    """A results folder being written.

    Raises :class:`FolderError` if ``path`` already holds results and neither ``force`` nor
    ``resume`` is given. With ``force`` the previous results (and only those) are removed
    first; with ``resume`` they are kept and :meth:`begin` checks they belong to this run.

    The folder's lock (:func:`lock_folder`) is taken first, before anything is checked
    or removed: another command writing the folder refuses this one (:class:`FolderError`,
    ``force`` and ``resume`` included). It is held until :meth:`finish` has written the
    manifest, :meth:`abandon` has undone the run, or :meth:`release`; at the latest until
    the process ends.
    """

    def __init__(self, path: str | Path, force: bool = False, resume: bool = False,
                 command: str = "sim run") -> None:
        self.path = Path(path)
        self.resume = resume
        if self.path.exists() and not self.path.is_dir():
            raise FolderError(f"{self.path} exists and is not a folder")
        self._created = not self.path.exists()
        self.command = command
        self._identity: tuple[int, int] | None = None
        self._fd: int | None = None
        self._written = 0
        """Replications this object saved (those read back by a resume are counted too)."""
        self._lock = lock_folder(self.path, command)
        try:
            self._open(force, resume)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        """Give back the folder's lock (again: nothing), once nothing more is written."""
        if self._lock is not None:
            self._lock.release()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def gone(self) -> bool:
        """Whether the folder was removed or moved since it was opened (another folder, or
        none, is at its path)."""
        return (self._identity is not None
                and folder_identity(self.path) != self._identity)

    def check_here(self) -> None:
        """Raise :class:`FolderError` if the folder was removed or moved while this object
        writes it (:func:`gone_error`): saving on would make it again, without its run.json
        and the replications saved before, as if another command had written there."""
        if not self.gone():
            return
        raise gone_error(self.path, where_now(self._fd), self._written,
                         arm=self.command == "sim compare")

    def _open(self, force: bool, resume: bool) -> None:
        # another command's results are refused even with --resume (there is no run of
        # this one to finish), and replaced entirely with --force
        claim_folder(self.path, "run", force=force)
        existing = [e for e in RESULT_ENTRIES if (self.path / e).exists()]
        if existing and not (force or resume):
            raise FolderError(
                f"{self.path} already holds results ({', '.join(existing)}); choose another "
                "--out folder, pass --resume to finish an interrupted run, or --force to "
                "replace them")
        self.notes: list[str] = []
        """What the command says before it runs (as notes): a --resume that found nothing
        to resume, a run.json rebuilt from manifest.json."""
        if existing and resume and not (self.path / "run.json").exists():
            record, why = rebuilt_run_json(self.path)
            if record is None:
                saved = self.saved_count()
                keep = (f"move {self.path} aside to keep its {saved} saved replication(s), "
                        "then run the command again without --resume; or pass --force "
                        "instead of --resume to replace them" if saved else
                        "pass --force instead of --resume to replace them")
                raise FolderError(
                    f"{self.path} holds results but no run.json, so it cannot be checked that "
                    f"they belong to this run, and {why}",
                    hint=f"restore its run.json if you have a copy; else {keep}")
        if resume and not existing:
            # review 194: pasted from another working folder, a resume ran a whole new run
            # into a new folder without a word
            self.notes.append(f"nothing saved in {self.path.absolute()}: --resume starts a "
                              "new run there")
        self.other_entries: list[str] = [] if resume else others_entries(self.path)
        """What the folder held before that no sim command writes (``.git/``, ``README.md``
        for --out . in the project): kept, and not recorded in manifest.json
        (:meth:`other_entries_note` says so)."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            if not resume:
                for entry in existing:
                    target = self.path / entry
                    if target.is_dir():
                        shutil.rmtree(target)
                    else:
                        target.unlink()
            (self.path / "replications").mkdir(exist_ok=True)
            if resume:
                # a finished folder resumed is changed only once a replication is saved
                # (_reopen): on a read-only folder every replication was run in vain first
                for where in (self.path, self.path / "replications"):
                    fd, probe = tempfile.mkstemp(prefix=".write-test.", suffix=".tmp",
                                                 dir=where)
                    os.close(fd)
                    os.unlink(probe)
        except OSError as exc:
            blocked = not_a_folder(self.path / "replications")
            why = blocked or exc.strerror or exc
            # the folder that refused: the run folder was blamed for its replications/
            failed = Path(os.fsdecode(exc.filename)) if exc.filename else self.path
            if failed.name.startswith(".write-test.") or (
                    exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
                    and failed != self.path and not failed.is_dir()):
                # a file that could not be made or removed: its folder refused (review
                # 194 was told of "ro/replications", which did not exist)
                failed = failed.parent
            failed = existing_part(failed)
            with contextlib.suppress(OSError):
                if failed.resolve() == self.path.resolve():
                    failed = self.path  # as given, not the probe's absolute path
            raise FolderError(f"cannot write to {failed}: {why}",
                              hint=folder_hint(self.path, exc)) from None
        self._identity = folder_identity(self.path)
        self._fd = open_folder_fd(self.path)
        self._index_written = (self.reps_dir / "index.json").exists()
        self.started = dt.datetime.now(dt.UTC)
        self.unreadable: list[str] = []
        """Replication files found unreadable on resume (removed; they are run again)."""
        self._resumed_info: dict[str, Any] | None = None
        self._run_info: dict[str, Any] | None = None
        """run.json as this run wrote it, checked again before the manifest is written."""
        self.tally = CodeTally()
        """The code and build of each replication saved by this object."""
        self._own: tuple[str, str] | None = None
        """This process's code and build (set by :meth:`begin`): a run's that received no
        replication."""
        self._before: tuple[list[str], list[str]] = ([], [])
        """The code and builds a resumed folder's run.json lists (its saved replications')."""

    def other_entries_note(self) -> str | None:
        """A note that the folder holds files of its own beside the run's (None if not)."""
        if not self.other_entries:
            return None
        shown = ", ".join(self.other_entries[:4]) + (", ..." if self.other_entries[4:] else "")
        return (f"note: {self.path} already holds {len(self.other_entries)} other file(s) or "
                f"folder(s) ({shown}): the run's files are written beside them, which are "
                "kept and not recorded in manifest.json; an empty or new --out folder keeps "
                "the results apart")

    def begin(self, sc: Scenario, seed: int, replications: int,
              command: Sequence[str] | None = None,
              extra: dict[str, Any] | None = None,
              on_read: Callable[[int], None] | None = None) -> dict[int, ReplicationResult]:
        """Record what is being run in ``run.json`` (before any replication), or, when
        resuming, check the folder belongs to the same scenario and seed; return the
        replications already saved (none for a new run). ``command``: the words of the
        ``sim`` command that would resume this run (kept for ``sim report``'s hint);
        ``extra``: more to record in run.json (a comparison's arm: the comparison folder
        and label, so --force over it knows the folder is the comparison's); ``on_read``:
        called with the count of replication files a resumed folder holds before they are
        read back (only if it holds any: a progress line, review 229).

        Raises :class:`FolderError` if a resumed folder is from another scenario or seed.
        A resumed folder is left as it was until a replication is saved or the run
        finishes (:meth:`_reopen`): a resume refused after this check (another ``-n``,
        another arm of a comparison) must not leave a finished folder unfinished.
        """
        info = run_info(sc, seed, replications, command, extra)
        self._own = (info["code"][0], info["builds"][0])
        run_path = self.path / "run.json"
        rebuilt = None
        if self.resume and (self.path / "manifest.json").exists() and (
                run_json_damage(self.path) is not None or not run_path.exists()):
            rebuilt, _why = rebuilt_run_json(self.path)
        if self.resume and (run_path.exists() or rebuilt is not None):
            try:
                if rebuilt is not None:
                    # written on the first save (_reopen), with this run's record
                    before = rebuilt
                    self.notes.append(f"{run_path} {run_json_damage(self.path) or 'is missing'}"
                                      ": read from manifest.json, which records the same run,"
                                      " and written again once this resume goes on")
                else:
                    before = json.loads(run_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                why = rebuilt_run_json(self.path)[1]
                raise FolderError(f"{run_path} cannot be read ({exc}), and {why}",
                                  hint="restore its run.json if you have a copy; else move "
                                       f"{self.path} aside to keep its replications, or "
                                       "pass --force to replace the folder") from None
            self._check_same_run(before, info, sc)
            info["created_at"] = before.get("created_at", info["created_at"])
            # the builds that saved its replications, in order (their results are the same)
            info["builds"] = [*before.get("builds", []),
                              *(b for b in info["builds"] if b not in before.get("builds", []))]
            # and the code that did (its version and commit): a git pull between an
            # interrupt and its resume can change the model (review 160)
            saved = before.get("code") if isinstance(before.get("code"), list) else [
                UNRECORDED_CODE]  # a folder from before run.json listed it: not ours to claim
            info["code"] = [*saved, *(c for c in info["code"] if c not in saved)]
            self._before = ([str(c) for c in saved], [str(b) for b in before.get("builds", [])])
            self._resumed_info = info
            self._run_info = json.loads(json.dumps(json_safe(info)))
            cat = catalogue(sc)
            if on_read is not None:
                held = self.saved_count()
                if held:
                    on_read(held)
            saved = self.saved_replications((len(cat.keys), cat.n_periods))
            self._written = len(saved)
            return saved
        atomic_write_text(run_path, json.dumps(json_safe(info), indent=2))
        self._run_info = json.loads(json.dumps(json_safe(info)))
        return {}

    def _reopen(self) -> None:
        """A resumed run starts changing the folder: until it finishes it is unfinished (no
        manifest), its report is out of date, and run.json says how to finish it."""
        if self._resumed_info is None:
            return
        (self.path / "manifest.json").unlink(missing_ok=True)
        (self.path / "report.html").unlink(missing_ok=True)
        atomic_write_text(self.path / "run.json",
                          json.dumps(json_safe(self._resumed_info), indent=2))
        self._resumed_info = None

    def _check_same_run(self, before: dict[str, Any], now: dict[str, Any],
                        sc: Scenario) -> None:
        differences = []
        if before.get("seed") != now["seed"]:
            differences.append(f"seed {before.get('seed')} there, {now['seed']} here")
        # a scenario changed in Python after loading is not what its files give, so
        # "the same scenario file and --set values" cannot resume it (review 202)
        changed = before.get("changed_after_loading") is True
        if before.get("scenario_sha256") != now["scenario_sha256"]:
            what = (f"scenario {before.get('scenario_name')!r}"
                    + (", changed after loading from " if changed else " from ")
                    + f"{', '.join(before.get('scenario_files') or ['?'])}")
            if before.get("overrides"):
                what += " with --set " + " --set ".join(before["overrides"])
            differences.append(f"a different resolved scenario there ({what})"
                               + other_version(before))
        elif not same_order(before.get("order_sha256"), sc):
            differences.append(REORDERED)
        if differences:
            how = ("resume it from Python with the scenario object it ran "
                   "(sim.run(sc, ..., resume=True)) and the same seed" if changed else
                   "resume with the same scenario file, --set values and --seed")
            raise FolderError(
                f"cannot resume {self.path}: it holds another run ({'; '.join(differences)}); "
                f"{how}, or pass --force to replace it, or choose another --out folder")

    def saved_replications(self, shape: tuple[int, int] | None = None
                           ) -> dict[int, ReplicationResult]:
        """The replications saved in the folder, read back (unreadable files are removed
        and listed in :attr:`unreadable`, so they are run again). ``shape``: the shape of
        the run's series (series keys, periods; its scenario's catalogue), if known.

        Raises :class:`~sim.experiment.errors.ExperimentError` if a saved replication
        holds series of another ``shape``, as for KPIs other than the run's: saved by
        another version of sim (or changed since), it cannot be resumed; nothing is
        removed. Raises :class:`FolderError` if ``replications/index.json`` cannot be
        read."""
        for tmp in self.reps_dir.glob(".*.tmp"):  # left by a write that was killed
            tmp.unlink(missing_ok=True)
        index_path = self.reps_dir / "index.json"
        files = sorted(self.reps_dir.glob("rep-*.npz"))
        if not files:
            return {}
        try:
            labels = [tuple(row) for row in
                      json.loads(index_path.read_text(encoding="utf-8"))["kpi_labels"]]
        except (OSError, ValueError, KeyError) as exc:
            said = f"{index_path} is missing or unreadable ({exc})"
            info = self._resumed_info or {}
            if info.get("comparison"):
                # one scenario of a comparison: --force would run every scenario again,
                # where deleting this folder and resuming runs this one alone again
                from sim.shell import join

                words = info.get("resume_command")
                command = (join(with_out(words, self.path.parent))
                           if isinstance(words, list) and words else None)
                raise FolderError(said, hint=force_hint(self.path, (
                    "replications/index.json, which labels the saved replications' values, "
                    "cannot be read"), command)) from None
            raise FolderError(f"{said}; pass --force to start the folder again") from None
        saved: dict[int, ReplicationResult] = {}
        for path in files:
            try:
                r = int(path.stem.removeprefix("rep-"))
                saved[r] = read_replication(path, r, labels)
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
                self.unreadable.append(f"{path.name} ({exc})")
                path.unlink(missing_ok=True)
                continue
            if shape is not None and saved[r].series.shape != shape:
                from sim.experiment.errors import ExperimentError

                # as the collector refuses other KPIs: the same scenario gives series of
                # one shape, so these were saved by another version of sim; read on,
                # they failed as an "internal error" once collected
                raise ExperimentError(
                    f"{path} holds series of shape {saved[r].series.shape}, not {shape} as "
                    "the scenario gives: saved replications from another version of sim "
                    "cannot be resumed",
                    hint="run again with --force to start the folder afresh")
        return saved

    @property
    def reps_dir(self) -> Path:
        return self.path / "replications"

    @property
    def code(self) -> list[str]:
        """The code (:func:`code_label`) that ran the folder's replications, in order: this
        code, after those a resumed folder's run.json lists."""
        return self._run_list("code", code_label)

    @property
    def builds(self) -> list[str]:
        """The builds (:func:`~sim.build.build_kind`) that ran the folder's replications,
        as run.json lists them; this process's where it lists none."""
        return self._run_list("builds", build_kind)

    def _run_list(self, key: str, own: Callable[[], str]) -> list[str]:
        """run.json's list ``key``, or ``[own()]`` where it has none."""
        info = self._run_info
        if info is None:
            # not begun by this object (a comparison finishes its scenarios so): its
            # run.json says, or a resume's history is lost from manifest.json
            try:
                info = json.loads((self.path / "run.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                info = None
        values = info.get(key) if isinstance(info, dict) else None
        return [str(v) for v in values] if isinstance(values, list) and values else [own()]

    def saved_count(self) -> int:
        """How many replication files the folder holds."""
        return len(list(self.reps_dir.glob("rep-*.npz")))

    def abandon(self) -> bool:
        """Undo a new run that stopped on bad input before any replication was saved:
        remove its ``run.json`` and empty ``replications`` folder, and the folder itself if
        this object created it and nothing else is in it, so that the corrected command is
        not refused. Returns False, and removes nothing, if the run was resumed or any
        replication is saved (those are results: the caller says how to keep them). The
        folder's lock is released once it is undone (kept otherwise)."""
        if self.resume or self.gone() or self.saved_count():
            # gone: what is at its path now is not this run's to remove
            return False
        (self.path / "run.json").unlink(missing_ok=True)
        if self.reps_dir.is_dir():
            for entry in self.reps_dir.iterdir():
                if entry.name == "index.json" or entry.name.endswith(".tmp"):
                    entry.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self.reps_dir.rmdir()
        self.release()  # its lock file goes with it: the folder may then be empty
        if self._created:
            with contextlib.suppress(OSError):
                self.path.rmdir()  # only if empty
        return True

    def write_replication(self, res: ReplicationResult) -> None:
        """Save one finished replication (the first also saves the label index)."""
        self.check_here()
        self._reopen()
        if not self._index_written:
            index = {"kpi_labels": [list(label) for label in res.kpi_labels]}
            atomic_write_text(self.reps_dir / "index.json", json.dumps(index))
            self._index_written = True
        if self.tally.add(res):
            # before the replication is saved: none is ever saved by code run.json omits
            self._record_code()
        said = {"code": np.array(res.code)} if res.code is not None else {}
        if res.build is not None:
            said["build"] = np.array(res.build)
        buf = io.BytesIO()
        np.savez_compressed(buf, kpi_values=res.kpi_values(), series=res.series,
                            events=np.array(res.events), wall_s=np.array(res.wall_s),
                            timeline=np.array(json.dumps(res.timeline)), **said)
        atomic_write_bytes(self.reps_dir / f"rep-{res.replication:06d}.npz", buf.getvalue())
        self._written += 1

    def _ran_by(self) -> tuple[list[str], list[str]]:
        """The code and builds that ran the folder's replications, in order: those a
        resumed folder's run.json lists, then those of the replications saved since;
        this process's own where none was (review 196: it was listed alone, though a
        cluster's workers ran the replications)."""
        code, builds = self._before
        own = self._own or (code_label(), build_kind())
        ran = list(self.tally.ran) or [own[0]]
        made = self.tally.builds or [own[1]]
        return ([*code, *(c for c in ran if c not in code)],
                [*builds, *(b for b in made if b not in builds)])

    def _record_code(self) -> None:
        """Rewrite run.json where the code or builds of the replications saved changed
        what it lists (a worker running other code than the command's)."""
        if self._run_info is None:
            return
        code, builds = self._ran_by()
        if self._run_info.get("code") == code and self._run_info.get("builds") == builds:
            return
        self._run_info = {**self._run_info, "code": code, "builds": builds}
        atomic_write_text(self.path / "run.json",
                          json.dumps(json_safe(self._run_info), indent=2))

    def worker_code_note(self) -> str | None:
        """The note of :func:`worker_code_note` for the replications saved by this object."""
        own = self._own[0] if self._own is not None else code_label()
        return worker_code_note([("", self.tally.ran)], own, self.path,
                                "run.json's and manifest.json's code")

    def finish(self, results: Results, extra: dict[str, Any] | None = None,
               figures: bool = False) -> None:
        """Write the tables, the figures (PNG and SVG in ``figures/``) if asked, and, last,
        the manifest; then release the folder's lock (also if writing fails).

        Raises :class:`FolderError`, and writes no manifest, if run.json is no longer the
        one this run wrote (another command wrote to the folder meanwhile: the lock keeps
        sim commands apart, but not one on a system without locks, or another program)."""
        try:
            self._finish(results, extra, figures)
        finally:
            self.release()

    def _check_run_json(self) -> None:
        if self._run_info is None:
            return  # not begun by this object (a comparison finishes its scenarios so)
        run_path = self.path / "run.json"
        try:
            now = json.loads(run_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            now = None
        if now != self._run_info:
            raise FolderError(
                f"{run_path} is no longer the one this run wrote: another command wrote to "
                f"{self.path} while it ran, so its files may be mixed with this run's; "
                "manifest.json is not written (the folder stays unfinished)",
                hint="make sure nothing else writes to the folder, then run again with "
                     "--force, or give another --out folder")

    def _finish(self, results: Results, extra: dict[str, Any] | None,
                figures: bool) -> None:
        self.check_here()  # before a table is written: it would make the folder again
        self._reopen()
        files: dict[str, Path] = {}
        files["kpis.csv"] = self._write_kpis(results)
        files["summary.csv"] = self._write_csv("summary.csv", results.summary())
        files["series.csv.gz"] = self._write_csv("series.csv.gz", results.series_summary(),
                                                 compress=True)
        files["timeline.csv"] = self._write_csv("timeline.csv", results.timeline)
        clear_figures(self.path)
        if figures:
            from sim.output.figures import write_run_figures

            for path in write_run_figures(results, self.path):
                files[f"figures/{path.name}"] = path
        from sim.experiment.compare import chain_record

        sc = results.scenario
        meta = meta_of(sc)
        manifest: dict[str, Any] = {
            "format": "drc-minerals-sim results 1",
            "scenario_name": sc.name,
            "scenario_files": meta.files,
            # the files as absolute paths, their sha256 and the scenario's own parents,
            # read now: the extends notes of a later comparison or report cannot tell them
            # from paths typed relative to this working folder, nor a mapping's name from
            # a file, nor (but by contents) the same files once the project has moved
            "scenario_chain": chain_record(sc),
            "overrides": meta.overrides,
            "seed": results.seed,
            "replications": results.n,
            "replication_ids": results.replications,
            "started_at": self.started.isoformat(timespec="seconds"),
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "wall_s": round(results.wall_s, 3),
            "events": results.events,
            # the KPI rows' version (sim.metrics.kpis.KPI_ROWS): a comparison takes a row
            # these results lack as 0 only if they have every row their scenario can have
            "kpi_rows": results.info.get("kpi_rows"),
            "versions": versions(),
            "git_commit": git_commit(),
            # every version that ran part of it, where a resume or a cluster's workers
            # mixed them, and the builds (plain Python or compiled)
            "code": self.code,
            "builds": self.builds,
            "command": sys.argv,
            "scenario": scenario_json(sc),
            "citations": [c.as_dict() for c in meta.provenance.citations.values()],
            # what sim run said of the scenario before running it, for sim report to
            # say again once its files and --set values are gone
            "notes": list(meta.notes),
            "files": self._hashes(files),
        }
        if extra:
            manifest.update(extra)
        self._check_run_json()
        atomic_write_text(self.path / "manifest.json",
                          json.dumps(json_safe(manifest), indent=2, default=str,
                                     allow_nan=False))

    def _hashes(self, files: dict[str, Path]) -> dict[str, dict[str, Any]]:
        """SHA-256 and size of every file the run wrote: the tables and figures just
        written (``files``), run.json, and the replications and their index that
        load_results reads back. Only those: --out may be a folder holding other files (the
        project root, with .git/), which are not the run's to record (nor to read through,
        thousands of them)."""
        every = dict(files)
        own = [self.path / "run.json", self.reps_dir / "index.json",
               *sorted(self.reps_dir.glob("rep-*.npz"))]
        for p in own:
            if p.is_file():
                every.setdefault(p.relative_to(self.path).as_posix(), p)
        return file_hashes(every)

    def _write_kpis(self, results: Results) -> Path:
        """kpis.csv, :data:`KPI_BLOCK` replications at a time (the same bytes as the whole
        table written at once)."""
        path = self.path / "kpis.csv"

        def blocks() -> Iterator[bytes]:
            for start in range(0, max(results.n, 1), KPI_BLOCK):
                frame = results.kpi_rows(start, start + KPI_BLOCK)
                yield utf8(frame.to_csv(index=False, header=start == 0,
                                        float_format=CSV_FLOATS, lineterminator="\n"))

        atomic_write_chunks(path, blocks())
        return path

    def _write_csv(self, name: str, frame: pd.DataFrame, compress: bool = False) -> Path:
        path = self.path / name
        text = frame.to_csv(index=False, float_format=CSV_FLOATS, lineterminator="\n")
        data = utf8(text)
        if compress:
            import gzip

            data = gzip.compress(data, mtime=0)
        atomic_write_bytes(path, data)
        return path


def read_replication(path: Path, replication: int,
                     labels: list[tuple[Any, ...]]) -> ReplicationResult:
    """One saved replication file read back into the result that was saved."""
    with np.load(path) as data:
        values = data["kpi_values"]
        if values.shape != (len(labels),):
            raise ValueError(f"{values.shape[0]} KPI values for {len(labels)} labels")
        timeline = ([tuple(row) for row in json.loads(str(data["timeline"]))]
                    if "timeline" in data else [])
        # saved by a version that did not record them: unknown
        code = str(data["code"]) if "code" in data else None
        build = str(data["build"]) if "build" in data else None
        return ReplicationResult(replication=replication,
                                 kpi_labels=[tuple(label) for label in labels],  # type: ignore[misc]
                                 kpi_array=np.asarray(values, dtype=float),
                                 series=data["series"], events=int(data["events"]),
                                 wall_s=float(data["wall_s"]),
                                 timeline=timeline,  # type: ignore[arg-type]
                                 code=code, build=build)


def rebuilt_run_json(folder: Path) -> tuple[dict[str, Any] | None, str]:
    """What ``folder``'s run.json recorded, rebuilt from its manifest.json (which records
    the same run, finished), with "" ; or None and why it cannot be: no readable
    manifest.json, a scenario's folder of a comparison (its run.json records the
    comparison's items, which manifest.json does not), or a scenario written in another
    version's format (its fingerprint, taken now, would not be the one the replications
    were run with). Review 194: a finished folder that lost run.json had its replications
    refused by --resume, though manifest.json holds all that run.json holds but the
    fingerprints, which are taken again from its scenario."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "there is no manifest.json to rebuild it from"
    except (OSError, ValueError) as exc:
        return None, f"manifest.json, which could stand in for it, cannot be read ({exc})"
    if not isinstance(manifest, dict):
        return None, "manifest.json, which could stand in for it, is not a JSON object"
    if manifest.get("comparison") is not None:
        return None, ("it is a scenario's folder of a comparison, whose run.json records the "
                      "comparison's items, which manifest.json does not")
    missing = [k for k in ("scenario", "seed", "replications") if k not in manifest]
    if missing:
        return None, f"manifest.json has no {', '.join(missing)} to rebuild it from"
    try:
        sc = Scenario.model_validate(manifest["scenario"])
    except ValueError:
        return None, "the scenario in manifest.json is not valid in this version of sim"
    if scenario_json(sc) != manifest["scenario"]:
        return None, ("the scenario in manifest.json was written by a version of sim with "
                      "other scenario fields or defaults")
    code = manifest.get("code")
    record = {"format": RUN_FORMAT, "scenario_name": manifest.get("scenario_name", sc.name),
              "scenario_sha256": scenario_sha256(sc),
              "order_sha256": scenario_order_sha256(sc), "seed": manifest["seed"],
              "replications": manifest["replications"],
              "scenario_files": manifest.get("scenario_files") or [],
              "overrides": manifest.get("overrides") or [],
              "code": code if isinstance(code, list) and code else [UNRECORDED_CODE],
              "builds": [str(b) for b in manifest.get("builds") or []
                         ] if isinstance(manifest.get("builds"), list) else [],
              "kpi_rows": manifest.get("kpi_rows"), "format_sha256": scenario_format_sha256(),
              "created_at": manifest.get("started_at"), "rebuilt_from": "manifest.json"}
    if manifest.get("changed_after_loading") is True:
        record["changed_after_loading"] = True
    return record, ""


def run_json_damage(folder: Path) -> str | None:
    """What is wrong with the run.json of the finished results folder ``folder``
    ("is missing", "cannot be read", "is not the one ..."), or None if nothing is (or its
    manifest.json, which records run.json's size and hash, cannot say). One changed since
    but still a JSON object is taken as it is, as a resume takes it."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        entry = manifest["files"]["run.json"]
        size, digest = entry["bytes"], entry["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    path = folder / "run.json"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if len(data) == size and hashlib.sha256(data).hexdigest() == digest:
        return None
    try:
        if isinstance(json.loads(data.decode("utf-8")), dict):
            # changed but whole (edited, or an older version's): it still says what ran
            return None
    except ValueError:
        pass
    return ("is not the one sim wrote (its size or SHA-256 is not the one manifest.json "
            "records, and it is not a JSON object: cut short?)")


def run_json_note(folder: Path) -> str | None:
    """A note for a finished results folder whose run.json is damaged
    (:func:`run_json_damage`): the results read are intact, and whether --resume can
    rebuild run.json; None if it is not damaged. Review 194: the damage went unnoticed
    until a resume refused the folder."""
    damage = run_json_damage(folder)
    if damage is None:
        return None
    record, why = rebuilt_run_json(folder)
    then = ("--resume rebuilds it from manifest.json" if record is not None else
            f"--resume cannot finish or extend the run ({why})")
    return (f"{folder}: its run.json {damage}; the results are read from manifest.json and "
            f"the saved replications, which are intact, and {then}")


def resume_refusal(folder: Path) -> str | None:
    """Why ``sim run ... --resume`` would refuse the results folder ``folder`` (its
    run.json cannot be read, or replications are saved without a readable
    ``replications/index.json``, which labels their values), or None if it would take
    it. The hints that send the user to --resume check it first: following them otherwise
    only led to "pass --force"."""
    run_path = folder / "run.json"
    if run_path.exists() or (folder / "manifest.json").exists():
        try:
            info = json.loads(run_path.read_text(encoding="utf-8"))
            if not isinstance(info, dict):
                raise ValueError(f"a JSON {type(info).__name__}, not an object")
        except FileNotFoundError:
            record, why = rebuilt_run_json(folder)
            if record is None:
                return ("it has no run.json, which records the run to check the folder "
                        f"against, and {why}")
        except (OSError, ValueError) as exc:
            record, why = rebuilt_run_json(folder)
            if record is None:
                return f"its run.json cannot be read ({exc}), and {why}"
    reps = folder / "replications"
    if any(reps.glob("rep-*.npz")):
        try:
            json.loads((reps / "index.json").read_text(encoding="utf-8"))["kpi_labels"]
        except FileNotFoundError:
            return ("replications/index.json, which labels the saved replications' values, "
                    "is missing")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return (f"replications/index.json, which labels the saved replications' values, "
                    f"cannot be read ({exc})")
        return _recorded_series_shape(folder)
    return None


def _recorded_series_shape(folder: Path) -> str | None:
    """:func:`other_series_shape` for the scenario run.json (or manifest.json) records,
    loaded from its files; None where it cannot be loaded (the resume says why)."""
    from sim.scenario.loader import load_scenario

    try:
        info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = rebuilt_run_json(folder)[0]
    if not isinstance(info, dict):
        return None
    files, overrides = info.get("scenario_files"), info.get("overrides") or []
    if not isinstance(files, list) or not files or not isinstance(overrides, list):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sc = load_scenario(str(files[0]), [str(o) for o in overrides])
    except Exception:  # noqa: BLE001 - a file moved or edited since: nothing to tell by
        return None
    return other_series_shape(folder, sc)


def force_hint(folder: Path, why: str, command: str | None = None) -> str:
    """The hint for a results folder that ``--resume`` refuses (``why``,
    :func:`resume_refusal`): start it again with --force, losing what is saved. A
    scenario's folder of a comparison (run.json's ``comparison``) is deleted instead and
    the comparison resumed, with ``command`` (the comparison's --resume command) if
    given: that runs only this scenario again, where ``sim compare --force`` would run
    every scenario again and ``sim run`` refuses one scenario of a comparison."""
    member = False
    with contextlib.suppress(OSError, ValueError, AttributeError):
        member = bool(json.loads((folder / "run.json").read_text(encoding="utf-8"))
                      .get("comparison"))
    if member:
        how = (f"run: {command}" if command else
               "run the sim compare command that wrote it again with --resume")
        return (f"--resume cannot finish or rebuild it: {why}; delete {folder}, then {how} "
                "(only this scenario is run again)")
    saved = len(list((folder / "replications").glob("rep-*.npz")))
    lost = (f", and its {saved} saved replication(s) are lost" if saved else "")
    return (f"--resume cannot finish or rebuild it: {why}; run the sim run command that "
            f"wrote it again with --force instead of --resume (it starts again{lost})")


def _missing_folder_hint(folder: Path) -> str | None:
    """For a results folder that does not exist: the folder beside it of the closest name
    (a misspelling), or None."""
    from sim.scenario.errors import did_you_mean

    try:
        near = [p.name for p in folder.parent.iterdir() if p.is_dir()]
    except OSError:
        return None
    guess = did_you_mean(folder.name, near)
    return f"did you mean {str(folder.parent / guess)!r}?" if guess else None


def load_results(path: str | Path) -> Results:
    """Read a finished results folder back into a :class:`Results`.

    Every file read is checked against the SHA-256 and size ``manifest.json`` lists for it
    (the replications and their index; the tables and figures are not needed to load).
    Raises :class:`FolderError` if the folder is missing or incomplete, or if it is damaged
    (a file missing, unreadable, changed since it was written, or not what ``sim run``
    writes), naming the folder and what is wrong.
    """
    folder = Path(path)
    manifest_path = folder / "manifest.json"
    if folder.is_file():
        # "no manifest.json" would send one looking for a file beside a file
        holder = folder.parent
        what = "the results folder" if (holder / "manifest.json").is_file() else "the folder"
        raise FolderError(f"{folder} is a file, not a results folder",
                          hint=f"give {what} holding it: {str(holder)!r}")
    if not folder.exists():
        # "not a finished results folder (no manifest.json)" read as a run stopped early
        raise FolderError(f"{folder} does not exist", hint=_missing_folder_hint(folder))
    if not manifest_path.exists():
        raise FolderError(f"{folder} is not a finished results folder (no manifest.json)")
    if not (folder / "replications").is_dir():
        raise no_replications_error(folder)
    try:
        res = _load_results(folder)
    except _OtherVersion as exc:
        # not damage: another version's series catalogue (review 204: refined_t added
        # rows). --resume refuses such replications too, so the hint is not --resume
        code = _manifest_code(folder)
        raise FolderError(
            f"{folder} was written by another version of sim, whose series differ: {exc}",
            hint=(f"load it with the version that wrote it{code}; "
                  + force_hint(folder, "its saved replications are another version's"))
        ) from None
    except _Damaged as exc:
        why = resume_refusal(folder)
        if why:
            hint = force_hint(folder, why)
        elif _comparison_of(folder):
            # a scenario's folder of a comparison: sim run refuses to resume it, and the
            # comparison's --resume rebuilds it (review 194 was sent to sim run)
            from sim.output.report import finish_command

            command = finish_command(folder)
            hint = ("finish the comparison again to rebuild it from the replications saved "
                    "there (missing ones are run again): " + (
                        command or "run the sim compare command that wrote it again with "
                                   "--resume"))
        else:
            hint = ("run the sim run command that wrote it again with --resume to rebuild it "
                    "from the replications saved there (missing ones are run again), or with "
                    "--force to start it again")
        raise FolderError(f"{folder} is damaged or not written by sim run: {exc}",
                          hint=hint) from None
    note = run_json_note(folder)
    if note is not None:
        import warnings

        warnings.warn(note, DamagedRunWarning, stacklevel=2)
    return res


def _manifest_code(folder: Path) -> str:
    """`` (<code>)``: the code manifest.json says wrote ``folder``, or "" if unknown."""
    try:
        code = json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("code")
    except (OSError, ValueError, AttributeError):
        return ""
    if isinstance(code, list) and code and all(isinstance(c, str) for c in code):
        return f" ({'; '.join(code)})"
    return ""


RUN_TABLES = {"kpis.csv": "every replication's KPIs",
              "summary.csv": "their means and intervals",
              "series.csv.gz": "the series' statistics",
              "timeline.csv": "every shock and policy event"}
"""The tables a run's folder holds beside its replications, and what each gives."""


def no_replications_error(folder: Path) -> FolderError:
    """The error for a finished results folder without ``replications/`` (copied without
    it, say): what is missing, and that its tables are read without it. Review 202: it
    was called damaged, with a hint to --resume, which runs every replication again."""
    tables = [name for name in RUN_TABLES if (folder / name).is_file()]
    said = (f"{folder} holds no replications/ (the saved replications, .npz), which "
            "sim.load_results and sim report read a run back from")
    if not tables:
        return FolderError(said, hint="copy its replications/ back from where the run was "
                                      "written, or run the sim run command that wrote it "
                                      "again with --force")
    listed = "; ".join(f"{name}: {RUN_TABLES[name]}" for name in tables)
    return FolderError(
        f"{said}; its tables are read without it ({listed})",
        hint=f"read them with pandas, e.g. pandas.read_csv({str(folder / tables[0])!r}); to "
             "load the run, copy its replications/ back from where it was written")


def _comparison_of(folder: Path) -> bool:
    """Whether ``folder``'s run.json says a comparison ran it (one of its scenarios)."""
    try:
        info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and isinstance(info.get("comparison"), str)


class _Damaged(Exception):
    """What is wrong with a results folder being read (the message names the file)."""


class _OtherVersion(_Damaged):
    """A saved replication, as written (its hash is the manifest's), whose series have
    another shape than the scenario in manifest.json gives this version: written by a
    version of sim with another series catalogue (one before ``refined_t``, say)."""


def _json_file(folder: Path, name: str, listed: dict[str, Any]) -> Any:
    data = _read_checked(folder, name, listed)
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise _Damaged(f"{name} is not valid JSON ({exc})") from None


def _read_checked(folder: Path, name: str, listed: dict[str, Any]) -> bytes:
    """The bytes of ``folder/name``, checked against the manifest's hash and size if it
    lists them."""
    try:
        data = (folder / name).read_bytes()
    except FileNotFoundError:
        raise _Damaged(f"{name} is missing") from None
    except OSError as exc:
        raise _Damaged(f"{name} cannot be read ({exc.strerror or exc})") from None
    entry = listed.get(name)
    if isinstance(entry, dict):
        if "bytes" in entry and entry["bytes"] != len(data):
            raise _Damaged(f"{name} is {len(data):,} bytes, but manifest.json records "
                           f"{entry['bytes']:,} (changed or cut short since sim run wrote it)")
        if "sha256" in entry and entry["sha256"] != hashlib.sha256(data).hexdigest():
            raise _Damaged(f"{name} has changed since sim run wrote it (its SHA-256 differs "
                           "from the one in manifest.json)")
    return data


def _load_results(folder: Path) -> Results:
    """:func:`load_results` once ``manifest.json`` exists; raises :class:`_Damaged`."""
    try:
        text = (folder / "manifest.json").read_text(encoding="utf-8")
    except OSError as exc:
        raise _Damaged(f"manifest.json cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise _Damaged(f"manifest.json is not UTF-8 text ({exc})") from None
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise _Damaged(f"manifest.json is not valid JSON ({exc}); it may have been cut "
                       "short") from None
    if not isinstance(manifest, dict):
        raise _Damaged(f"manifest.json holds a JSON {type(manifest).__name__}, not an object")
    missing = [k for k in ("scenario", "seed", "replication_ids") if k not in manifest]
    if missing:
        raise _Damaged("manifest.json has no " + ", ".join(repr(k) for k in missing))
    listed = manifest.get("files")
    listed = listed if isinstance(listed, dict) else {}
    try:
        sc = Scenario.model_validate(manifest["scenario"])
    except ValueError as exc:  # pydantic's ValidationError
        first = str(exc).splitlines()[1:3]
        raise _Damaged("the scenario in manifest.json is not valid (written by another "
                       "version of drc-minerals-sim?): " + " ".join(
                           line.strip() for line in first)) from None
    seed, reps = manifest["seed"], manifest["replication_ids"]
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise _Damaged(f"manifest.json has seed {seed!r}, not a non-negative integer")
    if (not isinstance(reps, list) or not reps
            or any(isinstance(r, bool) or not isinstance(r, int) or r < 0 for r in reps)
            or len(set(reps)) != len(reps)):
        raise _Damaged("manifest.json has replication_ids "
                       f"{str(reps)[:60]}, not a list of distinct replication numbers")
    index = _json_file(folder, "replications/index.json", listed)
    try:
        labels = [tuple(str(x) for x in row) for row in index["kpi_labels"]]
    except (TypeError, KeyError):
        raise _Damaged("replications/index.json has no list of kpi_labels") from None
    if any(len(label) != 5 for label in labels):
        raise _Damaged("replications/index.json has a KPI label that is not (commodity, "
                       "channel, site, metric, unit)")
    cat: SeriesCatalogue = catalogue(sc)
    shape = (len(cat.keys), cat.n_periods)
    values, cubes, events, wall = [], [], 0, 0.0
    timeline: list[tuple[Any, ...]] = []
    for r in reps:
        name = f"replications/rep-{r:06d}.npz"
        data = _read_checked(folder, name, listed)
        try:
            with np.load(io.BytesIO(data)) as npz:
                kpi_values = np.asarray(npz["kpi_values"], dtype=float)
                cube = npz["series"]
                events += int(npz["events"])
                wall += float(npz["wall_s"])
                rows = json.loads(str(npz["timeline"])) if "timeline" in npz else []
        except (OSError, ValueError, KeyError, TypeError, EOFError,
                zipfile.BadZipFile) as exc:
            raise _Damaged(f"{name} cannot be read ({type(exc).__name__}: {exc})") from None
        if kpi_values.shape != (len(labels),):
            raise _Damaged(f"{name} holds {kpi_values.size} KPI values for the "
                           f"{len(labels)} labels of replications/index.json")
        if cube.shape != shape:
            raise _OtherVersion(f"{name} holds series of shape {cube.shape}, not {shape} as "
                                "the scenario in manifest.json gives this version of sim")
        values.append(kpi_values)
        cubes.append(cube)
        try:
            timeline += [(r, *row) for row in rows]
        except TypeError:
            raise _Damaged(f"{name} has a timeline that is not a list of rows") from None
    try:
        wall_s = float(manifest.get("wall_s", wall))
    except (TypeError, ValueError):
        wall_s = wall
    return Results(scenario=sc, seed=seed, replications=reps,
                   kpi_labels=labels, kpi_values=np.vstack(values), catalogue=cat,  # type: ignore[arg-type]
                   series_values=np.stack(cubes), wall_s=wall_s,
                   events=events, info={"manifest": manifest},
                   timeline_rows=timeline)  # type: ignore[arg-type]
