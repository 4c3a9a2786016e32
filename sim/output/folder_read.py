"""Reading a results folder back: :func:`load_results` (every file checked against the
hashes ``manifest.json`` lists), a saved replication (:func:`read_replication`), and what a
folder's damage means for ``--resume`` (:func:`run_json_damage`,
:func:`rebuilt_run_json`, :func:`resume_refusal`, :func:`force_hint`).

Moved from :mod:`sim.output.folder`, which still exports the public names (review 238).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiment.replication import ReplicationResult
from sim.experiment.results import Results
from sim.metrics.series import SeriesCatalogue, catalogue
from sim.output.errors import DamagedRunWarning, FolderError
from sim.output.provenance import (
    RUN_FORMAT,
    UNRECORDED_CODE,
    other_series_shape,
    scenario_format_sha256,
)
from sim.scenario.fingerprint import scenario_json, scenario_order_sha256, scenario_sha256
from sim.scenario.schema import Scenario


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
