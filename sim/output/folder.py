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
                               process (:func:`~sim.output.folder_lock.lock_folder`); one
                               a killed command left is taken over by the next

Every file is written to a temporary name and renamed into place, so a crash never leaves
a half-written file under a final name. A folder without ``manifest.json`` is incomplete.
An existing folder with results is never overwritten unless the caller asks for it.
Two commands never write one folder at once: ``sim run``, ``sim compare`` and ``sim sweep``
hold the folder's lock while they write it (:func:`~sim.output.folder_lock.lock_folder`) and
refuse a folder whose lock another process holds; commands that only read a folder
(``sim report``, :func:`~sim.output.folder_read.load_results`) take none.

Resuming: ``ResultsFolder(DIR, resume=True)`` keeps what is there; :meth:`ResultsFolder.begin`
checks ``run.json`` against the scenario and seed asked for (refusing a folder from another
run) and returns the replications already saved, so only the missing numbers are run and
the finished folder holds exactly the replications an uninterrupted run would have.

This module holds the writer (:class:`ResultsFolder`) and what may be written where (which
command's results a folder holds: :func:`claim_folder`, :func:`comparison_arms`, ...).
The rest has a module of its own, whose public names are still read from here (review
238): writing a file whole in :mod:`sim.output.atomic`, the lock in
:mod:`sim.output.folder_lock`, what run.json and manifest.json record of the run in
:mod:`sim.output.provenance`, and reading a folder back in :mod:`sim.output.folder_read`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
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
from sim.metrics.series import (  # noqa: F401 - SeriesCatalogue: read from here too
    SeriesCatalogue,
    catalogue,
)
from sim.output.atomic import (  # read from here too (review 238)
    atomic_write_bytes,
    atomic_write_chunks,
    atomic_write_text,
    existing_part,
    folder_hint,
    not_a_folder,
    utf8,
)
from sim.output.errors import (  # noqa: F401 - read from here too (review 231)
    DamagedRunWarning,
    FolderError,
)
from sim.output.folder_lock import (  # noqa: F401 - read from here too (review 238)
    LOCK_NAME,
    FolderLock,
    lock_folder,
    release_with_scope,
    writing,
)
from sim.output.folder_read import (  # noqa: F401 - read from here too (review 238)
    RUN_TABLES,
    force_hint,
    load_results,
    no_replications_error,
    read_replication,
    rebuilt_run_json,
    resume_refusal,
    run_json_damage,
    run_json_note,
)
from sim.output.progress_count import TABLES
from sim.output.provenance import (  # noqa: F401 - read from here too (review 238)
    REORDERED,
    RUN_FORMAT,
    UNRECORDED_CODE,
    VALUED_OPTIONS,
    code_note,
    file_hashes,
    holds_replications,
    mixed_code_note,
    other_series_shape,
    other_version,
    run_info,
    same_order,
    scenario_format_sha256,
    sha256_of,
    versions,
    with_out,
)
from sim.scenario.fingerprint import (  # noqa: F401 - read from here too (review 231)
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


def run_table_blocks(replications: int) -> int:
    """The blocks a results folder's tables are counted in
    (:data:`sim.output.progress_count.TABLES`): kpis.csv's, of :data:`KPI_BLOCK`
    replications each, and summary.csv, series.csv.gz and timeline.csv, one each."""
    return -(-max(replications, 1) // KPI_BLOCK) + 3


RESULT_ENTRIES = ("manifest.json", "run.json", "kpis.csv", "summary.csv", "series.csv.gz",
                  "timeline.csv", "replications", "figures", "report.html")


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
    :func:`sim.experiment.compare_folder.prepare_out` records it: the comparison folder's
    absolute path and the label)."""
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

    The folder's lock (:func:`~sim.output.folder_lock.lock_folder`) is taken first, before
    anything is checked or removed: another command writing the folder refuses this one
    (:class:`FolderError`, ``force`` and ``resume`` included). It is held until
    :meth:`finish` has written the manifest, :meth:`abandon` has undone the run, or
    :meth:`release`; at the latest until the process ends.
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
        self._tables: dict[str, Path] | None = None
        """The tables :meth:`write_tables` wrote, which :meth:`finish` then records."""
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
        # released with the command's other holdings (see writing): a comparison's
        # scenario folders, never released themselves, kept their descriptors open, two
        # more at each sim.compare(out=...) in one process (review 242)
        release_with_scope(self)
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
              on_read: Callable[[int], object] | None = None) -> dict[int, ReplicationResult]:
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
        """The code (:func:`~sim.build.code_label`) that ran the folder's replications, in
        order: this code, after those a resumed folder's run.json lists."""
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

    def write_tables(self, results: Results) -> None:
        """Write the tables alone (kpis.csv, summary.csv, series.csv.gz, timeline.csv),
        which :meth:`finish` then does not write again: a comparison writes every
        scenario's before any figure, so that its tables and figures are each counted in
        one go (:data:`sim.output.progress_count.TABLES`). Keeps the lock; raises as
        :meth:`finish`."""
        self.check_here()  # before a table is written: it would make the folder again
        self._reopen()
        files: dict[str, Path] = {}
        # counted for a progress display, if one is in effect: as run_table_blocks says
        TABLES.begin()
        files["kpis.csv"] = self._write_kpis(results)
        files["summary.csv"] = self._write_csv("summary.csv", results.summary())
        TABLES.one_done()
        files["series.csv.gz"] = self._write_csv("series.csv.gz", results.series_summary(),
                                                 compress=True)
        TABLES.one_done()
        files["timeline.csv"] = self._write_csv("timeline.csv", results.timeline)
        TABLES.one_done()
        self._tables = files

    def _finish(self, results: Results, extra: dict[str, Any] | None,
                figures: bool) -> None:
        if self._tables is None:
            self.write_tables(results)
        else:
            self.check_here()
        assert self._tables is not None
        files = dict(self._tables)
        clear_figures(self.path)
        if figures:
            from sim.output.figures import write_run_figures

            for path in write_run_figures(results, self.path):
                files[f"figures/{path.name}"] = path
        from sim.experiment.compare_notes import chain_record

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
                TABLES.one_done()  # resumed once the block is written

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

