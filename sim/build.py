"""Which code and build of the package is running: its version and git commit
(:func:`code_label`), and whether it is plain Python or has the simulation's hot path
compiled by mypyc (``make compiled``, :func:`build_kind`). Both builds give identical
results; ``sim --version`` says which runs. Every replication carries the label and build
of the process that ran it (:func:`running_code`), so run.json records the code of each
worker, not only that of the command. Imports nothing of the simulation or the output
code: a worker reads its own label with this module alone."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import subprocess
from pathlib import Path

PLAIN = "plain Python"
COMPILED = "compiled"

_PACKAGE = Path(__file__).resolve().parent
"""The ``sim`` folder this process imports."""


def build_kind() -> str:
    """:data:`COMPILED` where ``sim.world.lanes`` (one of the compiled modules) is an
    extension module, else :data:`PLAIN`. Found without importing the simulation, so it
    costs a file-system look-up, not numpy's import."""
    spec = importlib.util.find_spec("sim.world.lanes")
    origin = spec.origin if spec is not None and spec.origin else ""
    return COMPILED if origin.endswith((".so", ".pyd")) else PLAIN


def git_commit(package: Path | None = None) -> str | None:
    """The git commit of the source tree the package runs from, if it is a git checkout;
    else the one an installed copy was built from (``_source_commit.txt``, written by
    setup.py: the compiled build is such a copy); else None. ``package`` is the ``sim``
    folder (this one by default)."""
    package = package if package is not None else _PACKAGE
    root = package.parent
    if not (root / ".git").exists():
        try:
            built = (package / "_source_commit.txt").read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return built or None
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "sim"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out + ("-dirty" if dirty else "")


def code_label() -> str:
    """The simulator's version and the git commit of its source (``drc-minerals-sim 0.1.0
    at 1a2b3c4d5e6f``), as run.json records the code that ran each part of a run. Runs
    git each time: a process that needs it per replication takes :func:`running_code`."""
    from sim import __version__

    commit = git_commit()
    if not commit:
        return f"drc-minerals-sim {__version__} at an unknown commit"
    # an edit not committed is the likeliest change between an interrupt and its resume,
    # and a second edit is another change (review 165): the changes' digest tells them apart
    dirty = (f" with uncommitted changes {_uncommitted_digest() or ''}".rstrip()
             if commit.endswith("-dirty") else "")
    return f"drc-minerals-sim {__version__} at {commit[:12]}{dirty}"


def _uncommitted_digest(package: Path | None = None) -> str | None:
    """The first 8 hex digits of a SHA-256 of the uncommitted changes to the ``sim``
    folder (``git diff HEAD`` and the untracked files' contents), None if git cannot say."""
    package = package if package is not None else _PACKAGE
    root = package.parent
    if not (root / ".git").exists():
        # an installed copy (the compiled build) inside a checkout: git would describe the
        # checkout's tree, not the copy's (review 168)
        return None
    try:
        # the changed and the untracked files' names, and their contents hashed below: a
        # diff's text follows the user's git config (context, prefixes, colour)
        changed = subprocess.run(["git", "-C", str(root), "diff", "--name-only", "-z", "HEAD",
                                  "--", "sim"], capture_output=True, timeout=10,
                                 check=True).stdout
        new = subprocess.run(["git", "-C", str(root), "ls-files", "--others",
                              "--exclude-standard", "-z", "--", "sim"], capture_output=True,
                             timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    digest = hashlib.sha256()
    for name in sorted({n for n in (changed + b"\0" + new).split(b"\0") if n}):
        digest.update(name + b"\0")
        try:
            digest.update((root / name.decode("utf-8", "surrogateescape")).read_bytes())
        except OSError:
            digest.update(b"(deleted)")
    return digest.hexdigest()[:8]


@functools.cache
def running_code() -> tuple[str, str]:
    """(:func:`code_label`, :func:`build_kind`) of this process, found on the first call
    and kept: each replication carries it, and git must not run once per replication.
    A process runs the code it imported whatever is pulled or edited on disk later, so
    the label taken at its first replication stays its label."""
    return code_label(), build_kind()
