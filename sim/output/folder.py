"""The results folder: what ``sim run`` leaves on disk, written so nothing is lost.

Layout::

    DIR/
      run.json                 written first: what is being run (scenario hash, seed), so an
                               interrupted run can be resumed and checked
      manifest.json            written last: scenario, seed, versions, hashes of every file
      kpis.csv                 replication, commodity, channel, site, metric, value, unit
      summary.csv              mean, sd, n, ci_low, ci_high per KPI
      series.csv.gz            date, commodity, metric, key, unit, statistic, value, days
                               (days measured in the period; fewer in a last period cut
                               short by the horizon)
      timeline.csv             replication, day, date, kind, id, action, detail
      replications/
        index.json             labels of the KPI values and series rows
        rep-000000.npz ...     each replication's KPI values and series, saved on completion

Every file is written to a temporary name and renamed into place, so a crash never leaves
a half-written file under a final name. A folder without ``manifest.json`` is incomplete.
An existing folder with results is never overwritten unless the caller asks for it.

Resuming: ``ResultsFolder(DIR, resume=True)`` keeps what is there; :meth:`ResultsFolder.begin`
checks ``run.json`` against the scenario and seed asked for (refusing a folder from another
run) and returns the replications already saved, so only the missing numbers are run and
the finished folder holds exactly the replications an uninterrupted run would have.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.replication import ReplicationResult
from sim.experiment.results import Results
from sim.metrics.series import SeriesCatalogue, catalogue
from sim.scenario.loader import meta_of
from sim.scenario.schema import Scenario

RESULT_ENTRIES = ("manifest.json", "run.json", "kpis.csv", "summary.csv", "series.csv.gz",
                  "timeline.csv", "replications", "figures")
RUN_FORMAT = "drc-minerals-sim run 1"


class FolderError(Exception):
    """The results folder cannot be used (exists, not writable, ...)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; results are not
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def file_hashes(files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """``{name: {"sha256": ..., "bytes": ...}}`` for the files, sorted by name."""
    return {name: {"sha256": sha256_of(p), "bytes": p.stat().st_size}
            for name, p in sorted(files.items())}


def sha256_of(path: Path) -> str:
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


def git_commit() -> str | None:
    """The git commit of the source tree the package runs from, if it is a git checkout."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "sim"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out + ("-dirty" if dirty else "")


def json_safe(value: Any) -> Any:
    """``value`` with infinities and NaN as the strings "inf", "-inf" and "nan" (JSON has
    no numbers for them; pydantic reads the strings back as floats)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def scenario_json(sc: Scenario) -> dict[str, Any]:
    """The resolved scenario as JSON-ready data (every default filled in)."""
    return json_safe(sc.model_dump(mode="json", by_alias=True))


def scenario_sha256(sc: Scenario) -> str:
    """A fingerprint of the resolved scenario: equal for equal scenarios, whatever files
    and ``--set`` values produced them."""
    text = json.dumps(scenario_json(sc), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_info(sc: Scenario, seed: int, replications: int) -> dict[str, Any]:
    """What ``run.json`` records: enough to tell whether a folder belongs to a run."""
    meta = meta_of(sc)
    return {"format": RUN_FORMAT, "scenario_name": sc.name, "scenario_sha256": scenario_sha256(sc),
            "seed": int(seed), "replications": int(replications), "scenario_files": meta.files,
            "overrides": meta.overrides,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


class ResultsFolder:
    """A results folder being written.

    Raises :class:`FolderError` if ``path`` already holds results and neither ``force`` nor
    ``resume`` is given. With ``force`` the previous results (and only those) are removed
    first; with ``resume`` they are kept and :meth:`begin` checks they belong to this run.
    """

    def __init__(self, path: str | Path, force: bool = False, resume: bool = False) -> None:
        self.path = Path(path)
        self.resume = resume
        if self.path.exists() and not self.path.is_dir():
            raise FolderError(f"{self.path} exists and is not a folder")
        existing = [e for e in RESULT_ENTRIES if (self.path / e).exists()]
        if existing and not (force or resume):
            raise FolderError(
                f"{self.path} already holds results ({', '.join(existing)}); choose another "
                "--out folder, pass --resume to finish an interrupted run, or --force to "
                "replace them")
        if existing and resume and not (self.path / "run.json").exists():
            raise FolderError(
                f"{self.path} holds results but no run.json, so it cannot be checked that "
                "they belong to this run; pass --force to replace them instead of --resume")
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
        except OSError as exc:
            raise FolderError(f"cannot write to {self.path}: {exc.strerror or exc}") from None
        self._index_written = (self.reps_dir / "index.json").exists()
        self.started = dt.datetime.now(dt.UTC)
        self.unreadable: list[str] = []
        """Replication files found unreadable on resume (removed; they are run again)."""

    def begin(self, sc: Scenario, seed: int, replications: int) -> dict[int, ReplicationResult]:
        """Record what is being run in ``run.json`` (before any replication), or, when
        resuming, check the folder belongs to the same scenario and seed; return the
        replications already saved (none for a new run).

        Raises :class:`FolderError` if a resumed folder is from another scenario or seed.
        """
        info = run_info(sc, seed, replications)
        run_path = self.path / "run.json"
        saved: dict[int, ReplicationResult] = {}
        if self.resume and run_path.exists():
            try:
                before = json.loads(run_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise FolderError(f"{run_path} cannot be read ({exc}); pass --force to "
                                  "replace the folder") from None
            self._check_same_run(before, info)
            info["created_at"] = before.get("created_at", info["created_at"])
            (self.path / "manifest.json").unlink(missing_ok=True)  # incomplete until finish
            saved = self.saved_replications()
        atomic_write_text(run_path, json.dumps(json_safe(info), indent=2))
        return saved

    def _check_same_run(self, before: dict[str, Any], now: dict[str, Any]) -> None:
        differences = []
        if before.get("seed") != now["seed"]:
            differences.append(f"seed {before.get('seed')} there, {now['seed']} here")
        if before.get("scenario_sha256") != now["scenario_sha256"]:
            what = (f"scenario {before.get('scenario_name')!r} from "
                    f"{', '.join(before.get('scenario_files') or ['?'])}")
            if before.get("overrides"):
                what += " with --set " + " --set ".join(before["overrides"])
            differences.append(f"a different resolved scenario there ({what})")
        if differences:
            raise FolderError(
                f"cannot resume {self.path}: it holds another run ({'; '.join(differences)}); "
                "resume with the same scenario file, --set values and --seed, or pass --force "
                "to replace it, or choose another --out folder")

    def saved_replications(self) -> dict[int, ReplicationResult]:
        """The replications saved in the folder, read back (unreadable files are removed
        and listed in :attr:`unreadable`, so they are run again)."""
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
            raise FolderError(f"{index_path} is missing or unreadable ({exc}); pass --force "
                              "to start the folder again") from None
        saved: dict[int, ReplicationResult] = {}
        for path in files:
            try:
                r = int(path.stem.removeprefix("rep-"))
                saved[r] = read_replication(path, r, labels)
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
                self.unreadable.append(f"{path.name} ({exc})")
                path.unlink(missing_ok=True)
        return saved

    @property
    def reps_dir(self) -> Path:
        return self.path / "replications"

    def write_replication(self, res: ReplicationResult) -> None:
        """Save one finished replication (the first also saves the label index)."""
        if not self._index_written:
            index = {"kpi_labels": [list(label) for label in res.kpi_labels]}
            atomic_write_text(self.reps_dir / "index.json", json.dumps(index))
            self._index_written = True
        buf = io.BytesIO()
        np.savez_compressed(buf, kpi_values=res.kpi_values(), series=res.series,
                            events=np.array(res.events), wall_s=np.array(res.wall_s),
                            timeline=np.array(json.dumps(res.timeline)))
        atomic_write_bytes(self.reps_dir / f"rep-{res.replication:06d}.npz", buf.getvalue())

    def finish(self, results: Results, extra: dict[str, Any] | None = None,
               figures: bool = False) -> None:
        """Write the tables, the figures (PNG and SVG in ``figures/``) if asked, and, last,
        the manifest."""
        files: dict[str, Path] = {}
        kpis = results.kpis
        files["kpis.csv"] = self._write_csv("kpis.csv", kpis)
        files["summary.csv"] = self._write_csv("summary.csv", results.summary())
        files["series.csv.gz"] = self._write_csv("series.csv.gz", results.series_summary(),
                                                 compress=True)
        files["timeline.csv"] = self._write_csv("timeline.csv", results.timeline)
        if figures:
            from sim.output.figures import write_run_figures

            for path in write_run_figures(results, self.path):
                files[f"figures/{path.name}"] = path
        sc = results.scenario
        meta = meta_of(sc)
        manifest: dict[str, Any] = {
            "format": "drc-minerals-sim results 1",
            "scenario_name": sc.name,
            "scenario_files": meta.files,
            "overrides": meta.overrides,
            "seed": results.seed,
            "replications": results.n,
            "replication_ids": results.replications,
            "started_at": self.started.isoformat(timespec="seconds"),
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "wall_s": round(results.wall_s, 3),
            "events": results.events,
            "versions": versions(),
            "git_commit": git_commit(),
            "command": sys.argv,
            "scenario": scenario_json(sc),
            "citations": [c.as_dict() for c in meta.provenance.citations.values()],
            "files": self._hashes(files),
        }
        if extra:
            manifest.update(extra)
        atomic_write_text(self.path / "manifest.json",
                          json.dumps(json_safe(manifest), indent=2, default=str,
                                     allow_nan=False))

    def _hashes(self, files: dict[str, Path]) -> dict[str, dict[str, Any]]:
        """SHA-256 and size of every file in the folder (the tables and figures just
        written, and the replications and run.json that load_results reads back)."""
        every = dict(files)
        for p in sorted(self.path.rglob("*")):
            name = p.relative_to(self.path).as_posix()
            if p.is_file() and name != "manifest.json" and not p.name.startswith("."):
                every.setdefault(name, p)
        return file_hashes(every)

    def _write_csv(self, name: str, frame: pd.DataFrame, compress: bool = False) -> Path:
        path = self.path / name
        text = frame.to_csv(index=False, float_format="%.10g")
        data = text.encode("utf-8")
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
        return ReplicationResult(replication=replication,
                                 kpi_labels=[tuple(label) for label in labels],  # type: ignore[misc]
                                 kpi_array=np.asarray(values, dtype=float),
                                 series=data["series"], events=int(data["events"]),
                                 wall_s=float(data["wall_s"]),
                                 timeline=timeline)  # type: ignore[arg-type]


def load_results(path: str | Path) -> Results:
    """Read a finished results folder back into a :class:`Results`.

    Raises :class:`FolderError` if the folder is missing or incomplete.
    """
    folder = Path(path)
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise FolderError(f"{folder} is not a finished results folder (no manifest.json)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    sc = Scenario.model_validate(manifest["scenario"])
    index = json.loads((folder / "replications" / "index.json").read_text(encoding="utf-8"))
    labels = [tuple(row) for row in index["kpi_labels"]]
    reps = list(manifest["replication_ids"])
    values, cubes, events, wall = [], [], 0, 0.0
    timeline: list[tuple[Any, ...]] = []
    for r in reps:
        with np.load(folder / "replications" / f"rep-{r:06d}.npz") as data:
            values.append(data["kpi_values"])
            cubes.append(data["series"])
            events += int(data["events"])
            wall += float(data["wall_s"])
            if "timeline" in data:
                timeline += [(r, *row) for row in json.loads(str(data["timeline"]))]
    cat: SeriesCatalogue = catalogue(sc)
    return Results(scenario=sc, seed=int(manifest["seed"]), replications=reps,
                   kpi_labels=labels, kpi_values=np.vstack(values), catalogue=cat,
                   series_values=np.stack(cubes), wall_s=float(manifest.get("wall_s", wall)),
                   events=events, info={"manifest": manifest},
                   timeline_rows=timeline)  # type: ignore[arg-type]
