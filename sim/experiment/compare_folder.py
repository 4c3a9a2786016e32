"""A comparison's results folder (``out=``, ``--out``): claiming it and beginning a results
folder there for every scenario that runs (:func:`prepare_out`), what each one's run.json
records of the comparison (:func:`comparison_record`), and resuming it: the seed, counts
and target saved, the refusal of another comparison's items or of folders no comparison
there ran, and folders begun removed again when bad input stops it
(:func:`stopped_error`). :mod:`sim.experiment.compare` reads these names back from here.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiment.errors import ExperimentError
from sim.experiment.precision import MetricSpec, Target
from sim.scenario.fingerprint import scenario_sha256

if TYPE_CHECKING:  # compare imports this module: its arms are only annotated here
    from sim.experiment.compare import Arm


def recorded_seed(out: Path, labels: Sequence[str]) -> int | None:
    """The root seed the scenarios ``labels`` of the comparison in ``out`` were run with
    (their run.json), if they agree on one; else None."""
    import json

    seeds = set()
    for label in labels:
        try:
            info = json.loads((out / label / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        value = info.get("seed") if isinstance(info, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            seeds.add(value)
    return seeds.pop() if len(seeds) == 1 else None


def saved_counts(out: Path, arms: Sequence[Arm]) -> tuple[int, int, int]:
    """For a comparison resumed in ``out``: the replications per scenario its results
    folders were last asked for (their run.json) or hold, whichever is more; the
    replications per scenario they hold (the highest number saved plus one); and the count
    their run.json records alone (the -n they were last run with); 0, 0 and 0 if none is
    found. Only the folders of the scenarios this comparison runs that a comparison ran
    and that share its seed are read: those a comparison in ``out`` ran, and those whose
    run.json names the same label though another comparison folder (one moved while
    interrupted, before comparison.json said whose arms they are). Another folder is
    refused when the comparison begins, with the reason."""
    import json

    from sim.output.folder import comparison_arms

    ours = set(comparison_arms(out)) if out.is_dir() else set()
    asked = held = recorded = 0
    for arm in arms:
        path = out / arm.label
        if not arm.runs or not (path / "run.json").is_file():
            continue
        try:
            info = json.loads((path / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(info, dict) or info.get("seed") != arm.seed:
            continue
        moved = (info.get("label") == arm.label
                 and isinstance(info.get("comparison"), str))
        if path not in ours and not moved:
            continue
        numbers = [int(p.stem.removeprefix("rep-")) for p in
                   (path / "replications").glob("rep-*.npz")
                   if p.stem.removeprefix("rep-").isdigit()]
        most = max(numbers, default=-1) + 1
        held = max(held, most)
        count = info.get("replications")
        count = count if isinstance(count, int) and not isinstance(count, bool) else 0
        recorded = max(recorded, count)
        asked = max(asked, most, count)
    return asked, held, recorded


def check_held(out: Path | None, held: int, asked: int, replications: int,
                target: Target | None) -> None:
    """Raise :class:`ExperimentError` if resuming the comparison in ``out``, whose results
    folders hold ``held`` replications per scenario (``asked`` the count it was run with
    or holds), would rebuild it from fewer: an -n below ``held`` without a target (as sim
    run --resume refuses it), or a ``target`` whose maximum is below it (with a target the
    run goes on to ``held`` at least, so a smaller -n is no loss)."""
    if target is None and replications < held:
        # the others would stay saved in its results folders, unused
        raise ExperimentError(
            f"the comparison in {out} holds {held} replications per scenario, more than "
            f"the -n {replications} asked for", what="-n/--replications",
            hint=f"resume with -n {held} or more (or leave out -n to keep {asked}), or pass "
                 "--force to start again with fewer, or choose another --out folder")
    if target is not None and target.max_replications < held:
        # a target stops at its maximum: below the count saved, the comparison was rebuilt
        # from fewer replications than its folders hold (the rest kept on disk, unused)
        raise ExperimentError(
            f"the comparison in {out} holds {held} replications per scenario, more than "
            f"the --max-replications {target.max_replications} allows",
            what="--max-replications",
            hint=f"resume with --max-replications {held} or more, or pass --force to start "
                 "again with fewer, or choose another --out folder")


def stopped_error(exc: Exception, runnable: Sequence[Arm], created: Path | None) -> Exception:
    """``exc``, raised on bad input after the arms' results folders were begun, made safe
    to rerun: new folders with no replication saved are removed again (and ``created``, the
    comparison folder this run made, if that leaves it empty), and saved replications are
    named with how to keep them."""
    folders = [a.folder for a in runnable if a.folder is not None]
    removed = [f.abandon() for f in folders]
    if created is not None and all(removed):
        with contextlib.suppress(OSError):
            created.rmdir()  # only if empty
    saved = sum(f.saved_count() for f in folders)
    if not saved or any(f.resume for f in folders) or not isinstance(exc, ExperimentError):
        return exc
    what = exc.what if exc.what and exc.what.startswith("-") else "the command"
    where = folders[0].path.parent
    note = (f"{saved} finished replication(s) are saved in {where}: correct {what} and run "
            "again with --resume to keep them, or with --force to start again")
    return ExperimentError(exc.message, what=exc.what,
                           hint=f"{exc.hint}; {note}" if exc.hint else note)


def comparison_record(arms: Sequence[Arm], overrides: Sequence[str],
                      target: Target | None,
                      command: Sequence[str] | None = None) -> dict[str, Any]:
    """What each scenario's run.json records of the comparison it belongs to, so that the
    hint that finishes an interrupted comparison (:func:`sim.load_results` or ``sim
    report`` on one scenario's folder, see :func:`sim.output.report.finish_command`)
    rebuilds it: ``compared``, every item in order (the reference first), each with its
    ``source`` (an absolute path, or ``<scenario name>``/``<results name>`` for an object)
    and, for a scenario run, the ``scenario_sha256`` it ran; ``compare_overrides``, the
    comparison's own overrides (``--set``); and with a ``target``, ``precision`` as
    :func:`~sim.experiment.runner.precision_record` records it for ``sim.run``
    (``target_ci``, ``metrics``, ``max_replications``, ``confidence``). Without the
    target a resume refused the replications its batches had added, or ended at them.
    With ``command`` (the command line's), ``resume_command``: its words, as ``sim run``
    records its own, so that the hint keeps every option given (``--workers``,
    ``--no-figures``), which the record alone does not hold."""
    from sim.experiment.runner import precision_record

    items: list[dict[str, Any]] = []
    for arm in arms:
        # absolute, as sim run's recorded command: the hint is replayed from anywhere
        entry: dict[str, Any] = {"source": arm.source if arm.source.startswith("<")
                                 else str(Path(arm.source).absolute())}
        if arm.runs:
            entry["scenario_sha256"] = scenario_sha256(arm.scenario)
        items.append(entry)
    record: dict[str, Any] = {"compared": items,
                              "compare_overrides": [str(o) for o in overrides]}
    if target is not None:
        record.update(precision_record(target, [metric_text(s) for s in target.specs]))
    if command is not None:
        record["resume_command"] = [str(w) for w in command]
    return record


def metric_text(spec: MetricSpec) -> str:
    """``spec`` as ``--metric`` and ``metrics=`` take it (``metric[:commodity[:channel
    [:site]]]``, the parts left at their defaults left out), which parses back to it."""
    parts = [spec.metric]
    if spec.commodity is not None:
        parts.append(spec.commodity)
    if spec.channel != "all" or spec.site != "all":
        parts.append(spec.channel)
    if spec.site != "all":
        parts.append(spec.site)
    return ":".join(parts)


def recorded_comparison_target(out: Path, labels: Sequence[str] | None = None
                               ) -> dict[str, Any] | None:
    """The precision target (``target_ci``, ``metrics``, ``max_replications``,
    ``confidence``) the comparison in ``out`` was run with, as its scenarios' run.json
    record it (see :func:`comparison_record`); None for a comparison run without one, or
    none to read. ``labels`` names the scenarios' folders (every sub-folder if None)."""
    import json

    runs = ([out / label / "run.json" for label in labels] if labels is not None
            else sorted(out.glob("*/run.json")))
    for path in runs:
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        recorded = info.get("precision") if isinstance(info, dict) else None
        if isinstance(info, dict) and isinstance(info.get("comparison"), str) \
                and isinstance(recorded, dict):
            return recorded
    return None


def warn_target_left_out(out: Path, arms: Sequence[Arm]) -> None:
    """Warn when the comparison in ``out``, resumed without ``target_ci``, was run with one:
    it then ends with the replications saved, which looked like the precision comparison
    finished. (``sim compare --resume`` says so in its own words.)"""
    recorded = recorded_comparison_target(out, [arm.label for arm in arms])
    if recorded is not None:
        said = ", ".join(f"{k}={recorded.get(k)!r}" for k in
                         ("target_ci", "metrics", "max_replications", "confidence"))
        warnings.warn(
            f"{out} holds a precision comparison ({said}) resumed without target_ci: it "
            "ends with the replications saved, the target unmeasured; pass the same "
            "target_ci, metrics, max_replications and confidence to finish it as it was "
            "run", UserWarning, stacklevel=4)


def prepare_out(out: Path, arms: Sequence[Arm], seed: int, replications: int, force: bool,
                 resume: bool, record: dict[str, Any] | None = None,
                 on_read: Callable[[int, str], object] | None = None) -> list[str]:
    """Claim ``out`` and begin a results folder there for every scenario that runs;
    ``record`` (see :func:`comparison_record`) goes into each one's run.json; ``on_read``
    as :meth:`~sim.output.folder.ResultsFolder.begin` takes it. Returns the
    notes on resumed scenarios whose saved replications other code ran
    (:func:`sim.output.provenance.mixed_code_note`), each beginning with its label."""
    import shutil

    from sim.experiment.runner import CHANGED_KEY, changed_after_loading, recorded_run
    from sim.output.errors import FolderError
    from sim.output.folder import ResultsFolder, claim_folder, comparison_arms, refuse_unmarked
    from sim.output.provenance import code_note, mixed_code_note

    if out.exists() and not out.is_dir():
        raise FolderError(f"{out} exists and is not a folder")
    if force and resume:
        raise ExperimentError("give --resume or --force, not both", what="--resume")
    _refuse_others_runs(out, arms, resume)  # first: --force would not do there
    if resume:
        _refuse_other_comparison(out, arms)
    claim_folder(out, "comparison", force=force)  # before anything runs, not on writing
    for arm in arms:
        if arm.runs:  # before any scenario's folder is begun (review 194)
            refuse_unmarked(out / arm.label, hint=(
                f"move them out of {out / arm.label}, where the comparison writes the results "
                f"of scenario {arm.label!r}, or choose another --out folder"))
    if (out / "compare.csv").exists() and not (force or resume):
        raise FolderError(f"{out} already holds a comparison (compare.csv); choose another "
                          "--out folder, pass --resume to finish it, or --force to replace it")
    if force:
        # the comparison replaced ran scenarios this one does not: their folders go with it
        # (those of the same label are replaced below; a folder given here is kept)
        running = {a.label for a in arms if a.runs}
        given = {Path(a.source).resolve() for a in arms
                 if not a.runs and not a.source.startswith("<")}
        try:
            for old in comparison_arms(out):
                if old.name not in running and old.resolve() not in given:
                    shutil.rmtree(old)
        except OSError as exc:
            raise FolderError(f"cannot replace the comparison in {out}: "
                              f"{exc.strerror or exc}") from None
    mixed_arms: list[tuple[str, Any]] = []
    for arm in arms:
        if not arm.runs:
            continue
        before = recorded_run(out / arm.label) if resume else {}
        # a scenario with nothing saved mixes nothing (review 168)
        mixed = mixed_code_note(before, out / arm.label, arm.scenario) if resume else None
        folder = ResultsFolder(out / arm.label, force=force, resume=resume,
                               command="sim compare")
        arm.folder = folder
        # recorded in run.json, so --force over an interrupted comparison (no
        # comparison.json yet) knows the folder is a comparison's (folder.comparison_arms)
        if arm.given is not None:
            arm.changed = changed_after_loading(arm.given, arm.scenario)
        arm.done = folder.begin(arm.scenario, seed, replications,
                                extra={"comparison": str(out.resolve()), "label": arm.label,
                                       **(record or {}),
                                       **({CHANGED_KEY: True} if arm.changed else {})},
                                on_read=None if on_read is None else
                                functools.partial(on_read, label=arm.label))
        arm.sink = folder.write_replication
        if mixed:  # said once its folder is known to be this scenario's (begin checks)
            mixed_arms.append((arm.label, before["code"]))
            arm.code_note = mixed
    if not mixed_arms:
        return []
    # one note where every scenario's saved replications were run by the same code
    # (review 165: three notes alike but for the folder)
    if all(saved == mixed_arms[0][1] for _label, saved in mixed_arms):
        labels = [label for label, _saved in mixed_arms]
        note = code_note(mixed_arms[0][1], f"{out}/{{{','.join(labels)}}}", "their run.json")
        return [note] if note else []
    return [n for label, saved in mixed_arms
            if (n := code_note(saved, out / label, "run.json")) is not None]


def _source_key(source: str) -> str:
    """A comparison's item source as recorded: a path resolved, ``<name>`` as it is."""
    return source if source.startswith("<") else str(Path(source).resolve())


def _recorded_items(out: Path) -> list[tuple[str | None, str, str | None]] | None:
    """What the comparison in ``out`` compares, in order, as ``(label, source,
    scenario_sha256)`` (a part not recorded is None): from comparison.json once it is
    finished, else from its scenarios' run.json (:func:`comparison_record`). None if
    neither can be read (nothing to check against)."""
    import json

    try:
        info = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
        return [(str(e["label"]), _source_key(str(e["source"])), None)
                for e in info["scenarios"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    for path in sorted(out.glob("*/run.json")):
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(info.get("comparison"), str):
                continue
            return [(None, _source_key(str(e["source"])), e.get("scenario_sha256"))
                    for e in info["compared"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    return None


def _refuse_other_comparison(out: Path, arms: Sequence[Arm]) -> None:
    """Refuse to resume the comparison in ``out`` with other items (other scenarios, or
    the same in another order) than it compares: it went on, ran the new ones and
    overwrote compare.csv, compare.md and comparison.json with another comparison,
    leaving the old scenario's folder there unlisted. A scenario run here is told by its
    label (and its fingerprint, where recorded; its own folder checks it too), a results
    folder given by its path."""
    from sim.output.errors import FolderError

    recorded = _recorded_items(out)
    if recorded is None:
        return
    now = [(a.label, _source_key(a.source),
            scenario_sha256(a.scenario) if a.runs else None) for a in arms]

    def same(old: tuple[str | None, str, str | None], new: tuple[str, str, str | None]
             ) -> bool:
        if old[0] is not None and old[0] != new[0]:
            return False
        if old[2] is not None and new[2] is not None:
            return old[2] == new[2]
        if new[2] is not None and old[0] is not None:
            return True  # a scenario run here, of the same label: its folder checks it
        return old[1] == new[1]

    if len(recorded) == len(now) and all(map(same, recorded, now)):
        return

    if len(recorded) == len(now) and all(
            (old[0] is None or old[0] == new[0]) and old[1] == new[1]
            for old, new in zip(recorded, now)):
        # the same items in the same order, but one resolves to another scenario: naming
        # the items again would read "compares a.yaml, not a.yaml"
        changed = [new[0] for old, new in zip(recorded, now) if not same(old, new)]
        one = len(changed) == 1
        raise FolderError(
            f"cannot resume the comparison in {out}: {', '.join(changed)} "
            f"{'resolves' if one else 'resolve'} to another scenario than the one run there "
            "(another --set, or the file was edited)",
            hint="resume with the same files and --set values, or pass --force to start "
                 "again")

    by_label = all(label is not None for label, _, _ in recorded)

    def names(items: Sequence[tuple[str | None, str, str | None]]) -> str:
        # by label as comparison.json names them, else by file (as run.json records them)
        return ", ".join((label if by_label else None) or Path(source).name
                         for label, source, _ in items)

    if by_label and len(recorded) == len(now) and all(
            old[1] == new[1] for old, new in zip(recorded, now)):
        # the same items in the same order, labelled otherwise: a folder written before
        # labels differing only in case were told apart (review 233: the hint below said
        # to give the items it compares, which the user had)
        raise FolderError(
            f"cannot resume the comparison in {out}: its scenarios' folders are "
            f"{names(recorded)}, where this version names them "
            f"{', '.join(label for label, _, _ in now)} (labels that differ only in case are "
            "told apart, as a file system that ignores case would mix their folders)",
            hint="pass --force to run the comparison again, or choose another --out folder")
    raise FolderError(
        f"cannot resume the comparison in {out}: it compares {names(recorded)}, not "
        f"{names(now)} (the scenarios given, in that order)",
        hint="resume it with the items it compares, in the same order; or pass --force to "
             "replace it with this comparison, or choose another --out folder")


def _refuse_others_runs(out: Path, arms: Sequence[Arm], resume: bool) -> None:
    """Refuse, with or without --force, to run a scenario into ``out/<label>`` when that
    folder holds results no comparison in ``out`` ran (a user's own run named like the
    scenario, or a folder the comparison there compared), or a folder this comparison is
    given to compare: --force replaced them, though they are kept."""
    from sim.output.errors import FolderError
    from sim.output.folder import others_runs

    running = [a.label for a in arms if a.runs]
    found = others_runs(out, running, resume)
    given = {Path(a.source).resolve() for a in arms
             if not a.runs and not a.source.startswith("<")}
    found += [(out / label, "a results folder this comparison is given to compare")
              for label in running
              if (out / label).resolve() in given and out / label not in dict(found)]
    if not found:
        return
    what = "; ".join(f"{path} is {kind}" for path, kind in found)
    one = len(found) == 1
    raise FolderError(
        f"sim compare would write the run of {'scenario' if one else 'scenarios'} "
        f"{', '.join(p.name for p, _ in found)} into {'a folder' if one else 'folders'} "
        f"holding results it did not run ({what})",
        hint=f"choose another --out folder than {out}, or move "
             f"{'that folder' if one else 'those folders'} elsewhere first; --force and "
             "--resume do not replace results that no comparison there ran")
