"""Which code and build of the package is running: its version and git commit
(:func:`code_label`), and whether it is plain Python or has the simulation's hot path
compiled by mypyc (``make compiled``, :func:`build_kind`). Both builds give identical
results; ``sim --version`` says which runs. Every replication carries the label and build
of the process that ran it (:func:`running_code`), so run.json records the code of each
worker, not only that of the command; :class:`CodeTally` counts them as they arrive and
:func:`worker_code_note` says where they are not the command's. Imports nothing of the
simulation or the output code: a worker reads its own label with this module alone, and a
run kept in memory tallies its workers' without importing pandas."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.experiment.replication import ReplicationResult

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


WORKERS_SAME_CODE = (
    "every worker must run the code of the command that starts the run: leave the "
    "checkout as it is while a run goes on (a worker may import from it after the run "
    "starts), and restart a Dask cluster's workers after a git pull or an edit (`sim "
    "--version` and `git rev-parse HEAD` in the checkout a worker imports sim from say "
    "what it runs)")
"""How to keep a cluster's workers on the command's code (:func:`worker_code_note`)."""


class CodeTally:
    """The code and build of each replication a driver receives
    (:attr:`~sim.experiment.replication.ReplicationResult.code` and ``build``): what
    run.json records of the code that ran a run, and :func:`worker_code_note` of where it
    was not the command's own (review 196: a stale worker's replications were recorded as
    the command's commit)."""

    def __init__(self) -> None:
        self.ran: dict[str, list[int]] = {}
        """Each code received, in the order first seen, and the replications it ran."""
        self.builds: list[str] = []
        """Each build received, in the order first seen."""

    def add(self, res: ReplicationResult) -> bool:
        """Count ``res``; True where its code or build was not seen before (the record of
        them changes). A result that does not say (read back from an older file) counts
        for nothing."""
        new = False
        if res.code is not None:
            reps = self.ran.get(res.code)
            if reps is None:
                reps = self.ran[res.code] = []
                new = True
            reps.append(res.replication)
        if res.build is not None and res.build not in self.builds:
            self.builds.append(res.build)
            new = True
        return new


def _listed(numbers: Sequence[int], most: int = 8) -> str:
    """``1, 2 and 3``; beyond ``most`` numbers, ``1, 2, ... and 12 more``."""
    numbers = sorted(numbers)
    if len(numbers) > most:
        return ", ".join(map(str, numbers[:most])) + f" and {len(numbers) - most} more"
    if len(numbers) == 1:
        return str(numbers[0])
    return ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def worker_code_note(ran: Sequence[tuple[str, Mapping[str, Sequence[int]]]], own: str,
                     where: str | Path, record: str, pairs: bool = False) -> str | None:
    """A note where replications were run by other code than ``own``, the code of the
    process that started the run (a cluster's worker not restarted after a git pull);
    None where every one was run by ``own``. ``ran``: per part of the run, its name for
    the note ("" for a run, ``scenario 'x'`` in a comparison) and each code's
    replications (:attr:`CodeTally.ran`); ``where``: the folder (or "the comparison");
    ``record``: what lists each code ("run.json's code"); ``pairs``: a comparison, whose
    pairs then may not share one model."""
    said = []
    for name, by_code in ran:
        if all(code == own for code in by_code):
            continue
        lead = f"in {name}, " if name else ""
        if len(by_code) == 1:
            said.append(f"{lead}every replication was run by {next(iter(by_code))}")
        else:
            said.append(lead + ", ".join(
                f"replication{'s' if len(reps) > 1 else ''} {_listed(reps)} "
                f"{'were' if len(reps) > 1 else 'was'} run by {code}"
                for code, reps in by_code.items()))
    if not said:
        return None
    codes = {code for _name, by_code in ran for code in by_code}
    what = (f"{where} mixes their results" + (
        ", and a replication and its pair in another scenario may not share one model"
        if pairs else "") if len(codes) > 1 else f"{where} holds that code's results")
    return (f"{'; '.join(said)}, not by {own}, which started the run: where the code "
            f"differs in the model, {what} ({record} lists each); {WORKERS_SAME_CODE}")
