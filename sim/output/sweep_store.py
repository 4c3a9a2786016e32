"""A sweep's replications, saved as they finish so that a sweep that fails or is
interrupted loses none of its work.

Layout, in the sweep's ``--out`` folder::

    sweep-replications/
      plan.json              written before any replication: what is swept (the scenario's
                             fingerprint, the parameters, design, samples and seed) and the
                             command that resumes the sweep
      s000012-r0003.npz      sample 12's replication 3: its KPI values and their labels

A sweep resumed (``sim sweep ... --resume``, ``run_sweep(..., resume=True)``) is checked
against ``plan.json`` and runs only the replications not saved; its tables are those an
uninterrupted sweep writes, because each replication depends only on its sample's scenario,
the seed and its number. The files stay once the sweep is finished, so a finished sweep
resumed with more replications per sample (a larger ``-r``) runs only the new ones; a
smaller ``-r`` is refused (the tables would be rebuilt from fewer replications).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.build import CodeTally, build_kind, code_label
from sim.experiment.replication import ReplicationResult
from sim.metrics.kpis import KPI_ROWS
from sim.output.atomic import atomic_write_bytes, atomic_write_text, existing_part, folder_hint
from sim.output.errors import FolderError
from sim.output.folder import folder_identity, gone_error, open_folder_fd, where_now
from sim.output.provenance import (
    REORDERED,
    UNRECORDED_CODE,
    code_note,
    other_version,
    scenario_format_sha256,
    with_out,
)
from sim.scenario.fingerprint import json_safe

STORE = "sweep-replications"
PLAN_FORMAT = "drc-minerals-sim sweep replications 1"
_FILE = re.compile(r"^s(\d{6})-r(\d{4,})\.npz$")

KpiLabel = tuple[str, str, str, str, str]
Saved = dict[tuple[int, int], tuple[np.ndarray, list[KpiLabel]]]
"""Saved replications: ``(sample, replication)`` to the KPI values and their labels."""

SAME = ("scenario_sha256", "design", "samples", "parameters", "seed")
"""What a resumed sweep must share with the saved one: each replication's result depends
on these (and on its number) alone."""


def sweep_plan(scenario_name: str, scenario_sha256: str, source: str,
               overrides: Sequence[str], design: str, samples: int,
               parameters: Sequence[dict[str, Any]], seed: int, replications: int,
               command: Sequence[str] | None = None,
               order_sha256: str | None = None) -> dict[str, Any]:
    """What ``plan.json`` records. ``command``: the words of the ``sim`` command that
    resumes the sweep, where known (``sim report`` and ``sim compare`` give it as the hint
    for an unfinished sweep's folder); ``order_sha256``: the base scenario's
    :func:`~sim.scenario.fingerprint.scenario_order_sha256`."""
    plan: dict[str, Any] = {
        "format": PLAN_FORMAT, "scenario_name": scenario_name,
        "scenario_sha256": scenario_sha256, "scenario_file": source,
        "overrides": list(overrides), "design": design, "samples": int(samples),
        "parameters": [dict(p) for p in parameters], "seed": int(seed),
        "replications": int(replications),
        "kpi_rows": KPI_ROWS, "format_sha256": scenario_format_sha256(),
        "code": [code_label()], "builds": [build_kind()],
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    if command is not None:
        plan["resume_command"] = [str(w) for w in command]
    if order_sha256 is not None:
        plan["order_sha256"] = order_sha256
    return plan


class SweepStore:
    """The saved replications of the sweep in ``folder`` (its ``--out`` folder)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / STORE
        self.unreadable: list[str] = []
        """Files found unreadable by :meth:`begin` (removed; they are run again)."""
        self.code_note: str | None = None
        """Set by :meth:`begin` when other code ran the saved replications of the sweep it
        resumes (:func:`~sim.output.provenance.code_note`)."""
        self._identity: tuple[int, int] | None = None
        self._fd: int | None = None
        self._written = 0
        self.tally = CodeTally()
        """The code and build of each replication saved by this object (review 196)."""
        self.saved_code: dict[tuple[int, int], str | None] = {}
        """The code each replication read back by :meth:`begin` was run by (None: saved
        by a version that did not record it)."""
        self._plan: dict[str, Any] | None = None
        self._own: tuple[str, str] | None = None
        self._before: tuple[list[str], list[str]] = ([], [])

    def saved_count(self) -> int:
        """How many replication files the store holds."""
        if not self.path.is_dir():
            return 0
        return sum(1 for p in self.path.iterdir() if _FILE.match(p.name))

    def plan(self) -> dict[str, Any] | None:
        """``plan.json`` read back, or None if there is none. Raises :class:`FolderError`
        if it cannot be read."""
        path = self.path / "plan.json"
        if not path.is_file():
            return None
        try:
            plan = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise FolderError(f"{path} cannot be read ({exc})",
                              hint=self._force_hint()) from None
        if not isinstance(plan, dict) or plan.get("format") != PLAN_FORMAT:
            raise FolderError(f"{path} is not a sweep's plan ({PLAN_FORMAT!r})",
                              hint=self._force_hint())
        return plan

    def _force_hint(self) -> str:
        """What to do about a plan.json that cannot be read: the saved replications
        cannot be checked against the sweep without it, so --resume refuses them."""
        saved = self.saved_count()
        lost = (f" (its {saved} saved replication(s) are deleted and run again)" if saved
                else "")
        return (f"--resume cannot check the saved replications without it: run the sim "
                f"sweep command that wrote it again with --force instead of --resume to start "
                f"the sweep again{lost}, or give another --out folder to keep this one")

    def begin(self, plan: dict[str, Any], resume: bool,
              listed_order: str | None = None) -> Saved:
        """Start saving the sweep ``plan`` describes and return the replications already
        saved: with ``resume``, those of the same sweep (refusing another's); otherwise
        none (an earlier store, of a sweep that saved nothing or that ``--force``
        replaces, is emptied first).

        ``listed_order``: the base scenario's ``order_sha256`` as earlier versions took it
        (:func:`~sim.scenario.fingerprint.listed_order_sha256`), which their plans hold.

        Raises :class:`FolderError` if the saved sweep is another one, naming what
        differs, or if the store cannot be written.
        """
        before = self.plan() if resume else None
        if resume and before is None and self.saved_count():
            # the saved files cannot be checked against this sweep without their plan
            raise FolderError(
                f"{self.path} holds {self.saved_count()} saved replication(s) but no "
                "plan.json, so it cannot be checked that they belong to this sweep",
                hint="pass --force to start the sweep again, or choose another --out folder")
        if before is not None:
            self._check_same(before, plan, listed_order)
            self._check_replications(int(plan["replications"]))
            # the saved replications' row version stays until the sweep is made afresh:
            # a refused resume stamped the new one, and the same command then mixed them
            plan = {**plan, "created_at": before.get("created_at", plan["created_at"]),
                    "kpi_rows": before.get("kpi_rows", 1)}
            # the code that ran each part, as run.json lists it (review 164)
            saved = before.get("code")
            if isinstance(saved, list) and saved:
                # only of replications there are (review 165)
                self.code_note = (code_note(saved, self.folder, "plan.json")
                                  if self.saved_count() else None)
            else:
                saved = [UNRECORDED_CODE]
            own = (plan["code"][0], plan["builds"][0])
            plan["code"] = [*saved, *(c for c in plan["code"] if c not in saved)]
            built = before.get("builds")
            built = [str(b) for b in built] if isinstance(built, list) else []
            plan["builds"] = [*built, *(b for b in plan["builds"] if b not in built)]
            self._before = ([str(c) for c in saved], built)
        else:
            own = (plan["code"][0], plan["builds"][0])
        self._own = own
        self._plan = plan
        try:
            if before is None and self.path.exists():
                shutil.rmtree(self.path)
            self.path.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path / "plan.json", json.dumps(json_safe(plan), indent=2))
        except OSError as exc:
            # the folder that refused, not sweep-replications/ that it did not let be made
            failed = Path(os.fsdecode(exc.filename)) if exc.filename else self.path
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and not failed.is_dir():
                failed = failed.parent
            raise FolderError(f"cannot write to {existing_part(failed)}: "
                              f"{exc.strerror or exc}",
                              hint=folder_hint(self.path, exc)) from None
        self._identity = folder_identity(self.folder)
        if self._fd is None:
            self._fd = open_folder_fd(self.folder)
        saved = {} if before is None else self._read()
        self._written = len(saved)
        return saved

    def check_here(self) -> None:
        """Raise :class:`FolderError` if the sweep's folder was removed or moved since
        :meth:`begin` (review 194): a save would make it again without its plan."""
        if self._identity is None or folder_identity(self.folder) == self._identity:
            return
        error = gone_error(self.folder, where_now(self._fd), self._written)
        raise FolderError(error.message.replace("the run", "the sweep"),
                          hint=(error.hint or "").replace("the run", "the sweep"))

    def close(self) -> None:
        """Close the descriptor :meth:`begin` keeps on the folder (again: nothing)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def _check_same(self, before: dict[str, Any], now: dict[str, Any],
                    listed_order: str | None = None) -> None:
        names = {"scenario_sha256": "the resolved scenario", "design": "--design",
                 "samples": "-n", "parameters": "--param", "seed": "--seed"}
        differences = []
        for key in SAME:
            if before.get(key) != now.get(key):
                if key == "scenario_sha256":
                    what = (f"scenario {before.get('scenario_name')!r} from "
                            f"{before.get('scenario_file') or '?'}")
                    if before.get("overrides"):
                        what += " with --set " + " --set ".join(before["overrides"])
                    differences.append(f"a different resolved scenario there ({what})"
                                       + other_version(before))
                elif key == "parameters":
                    differences.append("--param " + " --param ".join(
                        _param_text(p) for p in before.get(key) or []) + " there")
                else:
                    differences.append(f"{names[key]} {before.get(key)} there, "
                                       f"{now.get(key)} here")
        saved_order = before.get("order_sha256", now.get("order_sha256"))
        if not differences and saved_order not in (now.get("order_sha256"), listed_order):
            # review 164: the resumed samples drew other random numbers, mixed in silently
            differences.append(REORDERED)
        if differences:
            raise FolderError(
                f"cannot resume the sweep in {self.folder}: it holds another sweep "
                f"({'; '.join(differences)})",
                hint="resume with the same scenario file, --set values, --param ranges, "
                     "--design, -n and --seed (only -r may differ), or pass --force to "
                     "replace it, or choose another --out folder")

    def held(self) -> dict[int, int]:
        """Per sample with a replication saved, how many replications per sample it holds
        (its highest replication number plus one), from the files' names alone."""
        held: dict[int, int] = {}
        if self.path.is_dir():
            for path in self.path.iterdir():
                match = _FILE.match(path.name)
                if match is not None:
                    k, r = int(match[1]), int(match[2])
                    held[k] = max(held.get(k, 0), r + 1)
        return held

    def resumed_replications(self, default: int) -> int:
        """The replications per sample of the sweep saved here (as its plan asked or its
        files hold, whichever is more): what a resume without a count keeps; ``default`` if
        there is no readable plan (the sweep then says what is wrong when it begins)."""
        try:
            plan = self.plan() if self.folder.is_dir() else None
        except FolderError:
            return default
        if plan is None:
            return default
        asked = plan.get("replications")
        return max([asked if isinstance(asked, int) and asked >= 1 else default,
                    *self.held().values()])

    def _check_replications(self, replications: int) -> None:
        """Refuse to resume with fewer replications per sample than are saved: the
        sweep's tables would be rebuilt from fewer of them (its means would change and
        its sd vanish at -r 1), though the saved ones stay, as a run's folder refuses an
        -n below its saved replications."""
        from sim.experiment.errors import ExperimentError

        held = self.held()
        most = max(held.values(), default=0)
        if replications >= most:
            return
        every = len(set(held.values())) == 1 and (self.folder / "sweep.json").is_file()
        count = f"{most}" if every else f"up to {most}"
        raise ExperimentError(
            f"the sweep in {self.folder} holds {count} saved replications per sample, more "
            f"than the -r {replications} asked for: its tables would be rebuilt from fewer "
            "of them", what="-r",
            hint=f"resume with -r {most} (or more, to add replications), or pass --force to "
                 "start again with fewer, or choose another --out folder")

    def _read(self) -> Saved:
        for tmp in self.path.glob(".*.tmp"):  # left by a write that was killed
            tmp.unlink(missing_ok=True)
        saved: Saved = {}
        for path in sorted(self.path.iterdir()):
            match = _FILE.match(path.name)
            if match is None:
                continue
            try:
                with np.load(path) as data:
                    values = np.asarray(data["kpi_values"], dtype=float)
                    labels = [tuple(label) for label in json.loads(str(data["kpi_labels"]))]
                    code = str(data["code"]) if "code" in data else None
                if values.shape != (len(labels),) or any(len(lab) != 5 for lab in labels):
                    raise ValueError(f"{values.size} KPI values for {len(labels)} labels")
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
                self.unreadable.append(f"{path.name} ({exc})")
                path.unlink(missing_ok=True)
                continue
            saved[(int(match[1]), int(match[2]))] = (values, labels)  # type: ignore[assignment]
            self.saved_code[(int(match[1]), int(match[2]))] = code
        return saved

    def save(self, sample: int, res: ReplicationResult) -> None:
        """Save one finished replication of ``sample``."""
        self.check_here()
        if self.tally.add(res):
            # before the replication is saved: none is ever saved by code plan.json omits
            self._record_code()
        said = {"code": np.array(res.code)} if res.code is not None else {}
        if res.build is not None:
            said["build"] = np.array(res.build)
        buf = io.BytesIO()
        np.savez_compressed(buf, kpi_values=res.kpi_values(),
                            kpi_labels=np.array(json.dumps([list(lab) for lab in
                                                            res.kpi_labels])), **said)
        atomic_write_bytes(self.path / f"s{sample:06d}-r{res.replication:04d}.npz",
                           buf.getvalue())
        self._written += 1

    def _record_code(self) -> None:
        """Rewrite plan.json where the code or builds of the replications saved changed
        what it lists: those of the sweep resumed, then those saved since (this
        process's where none was)."""
        if self._plan is None or self._own is None:
            return
        code, builds = self._before
        ran = list(self.tally.ran) or [self._own[0]]
        made = self.tally.builds or [self._own[1]]
        code = [*code, *(c for c in ran if c not in code)]
        builds = [*builds, *(b for b in made if b not in builds)]
        if self._plan.get("code") == code and self._plan.get("builds") == builds:
            return
        self._plan = {**self._plan, "code": code, "builds": builds}
        atomic_write_text(self.path / "plan.json", json.dumps(json_safe(self._plan), indent=2))

    def abandon(self, created: bool = False) -> bool:
        """Undo a sweep stopped before any replication was saved: remove the store (its
        plan alone), and the folder itself if the sweep ``created`` it and nothing else is
        in it, so the command run again is not refused. Returns False, and removes
        nothing, if a replication is saved."""
        if self.saved_count() or (self._identity is not None
                                  and folder_identity(self.folder) != self._identity):
            return False  # gone: what is at its path now is not this sweep's to remove
        self.remove()
        if created:
            with contextlib.suppress(OSError):
                self.folder.rmdir()  # only if empty
        return True

    def remove(self) -> None:
        """Delete the store (``--force``: the sweep starts again). Raises
        :class:`FolderError` naming what could not be removed, with a hint (review 198: a
        permission failure came out of ``sim.sweep(..., force=True)`` as a bare
        PermissionError)."""
        if not self.path.exists():
            return
        try:
            shutil.rmtree(self.path)
        except OSError as exc:
            failed = Path(os.fsdecode(exc.filename)) if exc.filename else self.path
            raise FolderError(f"cannot remove the old sweep's {STORE}/ to start again: "
                              f"{failed}: {exc.strerror or exc}",
                              hint=folder_hint(self.path, exc)) from None


def _param_text(p: Any) -> str:
    if not isinstance(p, dict):
        return str(p)
    scale = p.get("scale", "linear")
    return (f"{p.get('path')}={p.get('low'):g}:{p.get('high'):g}"
            + ("" if scale == "linear" else f":{scale}"))


def resume_hint(folder: Path) -> str:
    """How to finish the unfinished sweep in ``folder``: its resume command, if recorded,
    with ``--out`` the folder given here (the sweep may have named it from another working
    folder, or it may have been moved since: a --resume of a folder that does not exist
    starts the sweep again from nothing)."""
    from sim.shell import join

    try:
        plan = SweepStore(folder).plan()
    except FolderError:
        plan = None
    words = (plan or {}).get("resume_command") or []
    if words:
        return "finish it with: " + join(with_out(words, folder))
    return ("run the sim sweep command that wrote it again with --resume (from Python, "
            f"run_sweep(..., out={str(folder)!r}, resume=True))")


