"""What a results folder records of the run that wrote it, and what is checked against it
on resuming: ``run.json``'s record (:func:`run_info`), the versions and file hashes of
``manifest.json`` (:func:`versions`, :func:`file_hashes`), the scenario format's
fingerprint (:func:`scenario_format_sha256`), and the notes and refusals for a folder
saved by other code or another version (:func:`mixed_code_note`, :func:`other_version`,
:func:`other_series_shape`).

Moved from :mod:`sim.output.folder`, which still exports these names (review 238).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import platform
import zipfile
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from sim.build import build_kind, code_label
from sim.metrics.series import catalogue
from sim.scenario.fingerprint import (
    listed_order_sha256,
    scenario_order_sha256,
    scenario_sha256,
)
from sim.scenario.loader import meta_of
from sim.scenario.schema import Scenario

RUN_FORMAT = "drc-minerals-sim run 1"


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
