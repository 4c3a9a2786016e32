"""The results folder: what ``sim run`` leaves on disk, written so nothing is lost.

Layout::

    DIR/
      manifest.json            written last: scenario, seed, versions, hashes of every file
      kpis.csv                 replication, commodity, channel, site, metric, value, unit
      summary.csv              mean, sd, n, ci_low, ci_high per KPI
      series.csv.gz            date, commodity, metric, key, unit, statistic, value
      timeline.csv             replication, day, date, kind, id, action, detail
      replications/
        index.json             labels of the KPI values and series rows
        rep-000000.npz ...     each replication's KPI values and series, saved on completion

Every file is written to a temporary name and renamed into place, so a crash never leaves
a half-written file under a final name. A folder without ``manifest.json`` is incomplete.
An existing folder with results is never overwritten unless the caller asks for it.
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

RESULT_ENTRIES = ("manifest.json", "kpis.csv", "summary.csv", "series.csv.gz", "timeline.csv",
                  "replications", "figures")


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


class ResultsFolder:
    """A results folder being written.

    Raises :class:`FolderError` if ``path`` already holds results and ``force`` is false.
    With ``force`` the previous results (and only those) are removed first.
    """

    def __init__(self, path: str | Path, force: bool = False) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise FolderError(f"{self.path} exists and is not a folder")
        existing = [e for e in RESULT_ENTRIES if (self.path / e).exists()]
        if existing and not force:
            raise FolderError(
                f"{self.path} already holds results ({', '.join(existing)}); choose another "
                "--out folder, or pass --force to replace them")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            for entry in existing:
                target = self.path / entry
                if target.is_dir():
                    shutil.rmtree(target)
                else:
                    target.unlink()
            (self.path / "replications").mkdir(exist_ok=True)
        except OSError as exc:
            raise FolderError(f"cannot write to {self.path}: {exc.strerror or exc}") from None
        self._index_written = False
        self.started = dt.datetime.now(dt.UTC)

    @property
    def reps_dir(self) -> Path:
        return self.path / "replications"

    def write_replication(self, res: ReplicationResult) -> None:
        """Save one finished replication (the first also saves the label index)."""
        if not self._index_written:
            index = {"kpi_labels": [list(row[:5]) for row in res.kpis]}
            atomic_write_text(self.reps_dir / "index.json", json.dumps(index))
            self._index_written = True
        buf = io.BytesIO()
        np.savez_compressed(buf, kpi_values=res.kpi_values(), series=res.series,
                            events=np.array(res.events), wall_s=np.array(res.wall_s),
                            timeline=np.array(json.dumps(res.timeline)))
        atomic_write_bytes(self.reps_dir / f"rep-{res.replication:06d}.npz", buf.getvalue())

    def finish(self, results: Results, extra: dict[str, Any] | None = None) -> None:
        """Write the tables and, last, the manifest."""
        files: dict[str, Path] = {}
        kpis = results.kpis
        files["kpis.csv"] = self._write_csv("kpis.csv", kpis)
        files["summary.csv"] = self._write_csv("summary.csv", results.summary())
        files["series.csv.gz"] = self._write_csv("series.csv.gz", results.series_summary(),
                                                 compress=True)
        files["timeline.csv"] = self._write_csv("timeline.csv", results.timeline)
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
            "files": {name: {"sha256": sha256_of(p), "bytes": p.stat().st_size}
                      for name, p in files.items()},
        }
        if extra:
            manifest.update(extra)
        atomic_write_text(self.path / "manifest.json",
                          json.dumps(json_safe(manifest), indent=2, default=str,
                                     allow_nan=False))

    def _write_csv(self, name: str, frame: pd.DataFrame, compress: bool = False) -> Path:
        path = self.path / name
        text = frame.to_csv(index=False, float_format="%.10g")
        data = text.encode("utf-8")
        if compress:
            import gzip

            data = gzip.compress(data, mtime=0)
        atomic_write_bytes(path, data)
        return path


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
