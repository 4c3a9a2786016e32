"""The lock of a folder being written: ``sim run``, ``sim compare`` and ``sim sweep`` hold
it while they write their --out folder (:func:`lock_folder`, :func:`writing`), so two
commands never write one folder at once; commands that only read a folder take none.

The locks this process holds (shared by every holding of one folder, released by the last)
live here only, and a forked worker forgets them (``os.register_at_fork``). Moved from
:mod:`sim.output.folder`, which still exports the public names (review 238).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from sim.output.errors import FolderError

LOCK_NAME = ".sim-lock"
"""The file in a folder that ``sim run``, ``sim compare`` or ``sim sweep`` is writing
that holds the command's lock (and says which process it is); removed when it ends."""

try:
    import fcntl
except ImportError:  # Windows: no advisory locks of this kind
    fcntl = None  # type: ignore[assignment]


class Releasable(Protocol):
    """What a :func:`writing` scope releases when it ends: a :class:`FolderLock`, a
    results folder."""

    def release(self) -> None: ...


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
    release_with_scope(handle)
    return handle


def release_with_scope(holding: Releasable) -> None:
    """Have the innermost :func:`writing` scope in effect (in this thread) call
    ``holding.release()`` when it ends, if it is still held then; nothing outside one.
    ``release`` must be safe to call twice."""
    scopes = getattr(_SCOPES, "stack", None)
    if scopes:
        scopes[-1].append(holding)


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
    command inside writes it, and release, on leaving, every lock taken and
    :class:`~sim.output.folder.ResultsFolder` opened inside (the results folders of a
    comparison's scenarios) that is still held, whatever ends it (an exception, a
    KeyboardInterrupt)."""
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
