"""The notes a comparison gives on how its scenarios differ besides what they change, each
one of :attr:`~sim.experiment.compare.Comparison.notes`: scenarios that are the reference
itself, or run with other seeds (:func:`seed_notes`), over other periods or warm-ups
(:func:`period_notes`), from other stocks (:func:`initial_stock_notes`), with other
series periods (:func:`series_period_notes`) or regime windows
(:func:`regime_window_notes`), or extending files the reference does not
(:func:`extends_notes`, with the chain of files each scenario was loaded from), and the
scenarios' own notes, labelled with those that hold them (:func:`labelled_notes`).

Each takes the comparison's arms (:class:`~sim.experiment.compare.Arm`); ``for_python``
words a note's advice for the Python API (``overrides=[...]``) instead of the command
line's (``--set``). :mod:`sim.experiment.compare` reads these names back from here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiment.runner import revalidated
from sim.scenario.schema import MONTH, Scenario
from sim.words import and_list

if TYPE_CHECKING:  # compare imports this module: its arms are only annotated here
    from sim.experiment.compare import Arm


def seed_notes(arms: Sequence[Arm], root: int, for_python: bool = False) -> list[str]:
    """The note that ``arms`` were run with different seeds (none if they share one): their
    pairs share no random numbers, so intervals are wider. ``root`` is the seed a fresh
    run would use; ``for_python`` words the advice for the Python API."""
    seeds = {a.seed for a in arms}
    if len(seeds) == 1:
        return []
    parts = ", ".join(f"{a.label} seed {a.seed}" for a in arms)
    fix = f"run them again with seed={root}" if for_python else \
        f"rerun the folders with --seed {root}"
    return [f"the scenarios were run with different seeds ({parts}): replications are paired "
            "by number but do not share random numbers, so intervals are wider than with "
            f"common random numbers ({fix})"]


_NOT_RUN = {"name", "title", "question", "description", "horizon_days", "end"}
"""Scenario fields that change nothing in a run as such: what describes it, and the two
ways of giving its length (compared as :attr:`~sim.scenario.schema.Scenario.horizon`)."""


def _run_as(sc: Scenario) -> tuple[dt.date, float, Any]:
    """What a run of ``sc`` is made of: its start date, its length, and every other field
    with each date in it as days from the start (an event's ``start: 5`` and ``start:
    2024-01-06`` are one start). Mappings keep their order: the order of channels, lanes,
    routes and commodities draws the random numbers otherwise, so a copy listing them in
    another order is not the same run (review 160: "every difference is 0" above
    differences of 2,886 t)."""

    def days(x: Any) -> Any:
        if isinstance(x, dt.date):
            return sc.day_of(x)
        if isinstance(x, dict):
            return [(k, days(v)) for k, v in x.items()]
        if isinstance(x, list | tuple):
            return [days(v) for v in x]
        return x

    return sc.start, sc.horizon, days(sc.model_dump(exclude=_NOT_RUN | {"start"}))


def identical_notes(arms: Sequence[Arm], overrides: Sequence[str] = (),
                    for_python: bool = False) -> list[str]:
    """A note naming the scenarios run here that are the reference itself (the same fields
    once overrides are applied, names and descriptions aside, and the same length however
    given) with its seed: every difference from it is 0 by construction, which a file
    compared with itself under ``--set`` gives, as ``--set`` changes every scenario it runs.
    Results folders are left out: two of one scenario and seed may come from different
    versions of the simulator, a regression check whose differences are not 0."""
    ref = arms[0]
    if not ref.runs:
        return []
    body = _run_as(ref.scenario)
    same = [a.label for a in arms[1:]
            if a.runs and a.seed == ref.seed and _run_as(a.scenario) == body]
    if not same:
        return []
    note = (f"{and_list(same)} {'is' if len(same) == 1 else 'are'} the same scenario as the "
            f"reference ({ref.label}) with the same seed, so every difference is 0")
    if not overrides:
        return [note]
    fix = ("sim.run the variant and the original each with its own overrides and out, then "
           "sim.compare the two results folders" if for_python else
           "run the variant and the original apart (sim run ... --set ... --out A, sim run "
           "... --out B), then compare the two results folders (sim compare A B)")
    return [f"{note}; {'overrides change' if for_python else '--set changes'} every "
            f"scenario a comparison runs: to compare a variant with its original, {fix}"]


def regime_from(sc: Scenario, rid: str) -> dt.date:
    """The first measured date of regime ``rid`` in ``sc``: its start, or the scenario's
    start date if it runs from before (``state_time_share`` counts from there)."""
    spec = sc.shocks.regimes[rid]
    days = max(0.0, sc.day_of(spec.start)) if spec.start is not None else 0.0
    return sc.start + dt.timedelta(days=math.ceil(days))


def regimes_over_other_periods(reference: Scenario, scenario: Scenario) -> list[str]:
    """The regimes of both scenarios whose measured time starts on another date in
    ``scenario`` than in ``reference`` (:func:`regime_window_notes`): their
    ``state_time_share`` differences compare periods, and are not ranked with the others."""
    return [rid for rid in reference.shocks.regimes if rid in scenario.shocks.regimes
            and regime_from(reference, rid) != regime_from(scenario, rid)]


def regime_window_notes(arms: Sequence[Arm]) -> list[str]:
    """A note for each regime whose measured time starts on another date in a compared
    scenario than in the reference (one that hands over from a scripted history, say):
    its ``state_time_share`` rows are shares of different periods, so their difference is
    not the scenario's effect on the regime alone."""
    ref = arms[0]
    notes = []
    for rid in ref.scenario.shocks.regimes:
        ours = regime_from(ref.scenario, rid)
        other = [(a.label, regime_from(a.scenario, rid)) for a in arms[1:]
                 if rid in a.scenario.shocks.regimes]
        if any(d != ours for _label, d in other):
            parts = ", ".join(f"{label} from {d}" for label, d in [(ref.label, ours), *other])
            notes.append(f"regime {rid} is measured over different periods ({parts}): its "
                         "state_time_share rows are shares of different spans of time, so "
                         "their differences compare the periods as well as the scenarios "
                         "(and are not listed among the differences that stand out)")
    return notes


def _left_outside(arms: Sequence[Arm], period: Sequence[str]
                  ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """By scenario label, the events, regimes and policies (``policies.export_quotas.q``)
    that ``period`` (overrides giving the scenarios one period) would leave outside the
    run, which the loader refuses (review 176: the period suggested for corridor_shocks
    and export_ban_2025 was refused for the ban's 2027 quota); and those it would end
    inside the warm-up, before the start date, which the loader only notes
    (:func:`sim.scenario.shock_checks.warmup_only`): measured from a later start, a shock
    of the period becomes one the results barely see."""
    from sim.scenario.errors import ScenarioError
    from sim.scenario.shock_checks import warmup_only

    def warm(sc: Scenario) -> list[str]:
        # each note begins with the shock's key ("shocks.events.x ends by ...")
        return [note.split(" ", 1)[0] for note in warmup_only(sc)]

    outside: dict[str, list[str]] = {}
    warmed: dict[str, list[str]] = {}
    for arm in arms:
        dropped: list[str] = []
        for _attempt in range(20):  # each pass drops what the last refusal named
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    moved = revalidated(arm.scenario,
                                        [*period, *(f"{d}=null" for d in dropped)])
            except ScenarioError as exc:
                new = [k for k in dict.fromkeys(
                    ".".join(map(str, i.path[:3])) for i in exc.issues
                    if len(i.path) >= 3 and i.path[0] in ("shocks", "policies"))
                    if k not in dropped]
                if new:
                    dropped += new
                    continue
            else:
                before = set(warm(arm.scenario))
                if pushed := [k for k in warm(moved) if k not in before]:
                    warmed[arm.label] = pushed
            break
        if dropped:
            outside[arm.label] = dropped
    return outside, warmed


def _outside_words(found: tuple[dict[str, list[str]], dict[str, list[str]]],
                   for_python: bool) -> str:
    """What :func:`_left_outside` found, in words. The period is that of the scenario
    starting last, which holds all its own, so another lacks each one found: an override
    removing it would be refused there."""
    outside, warmed = found
    said = [
        f"{label}'s {', '.join(keys)} would fall outside that period, and "
        f"{'an override' if for_python else 'a --set'} cannot drop "
        f"{'it' if len(keys) == 1 else 'them'} from one scenario alone: compare a copy of "
        "its file without " + ("it" if len(keys) == 1 else "them")
        for label, keys in outside.items()]
    said += [
        f"{label}'s {', '.join(keys)} would end inside the warm-up, before that period "
        "starts, and act on its results only through what "
        f"{'it leaves' if len(keys) == 1 else 'they leave'} on lanes, in queues and at "
        "mines" for label, keys in warmed.items()]
    return f" ({'; '.join(said)})" if said else ""


def period_kind(reference: Scenario, scenario: Scenario) -> str | None:
    """How ``scenario`` measures another period than ``reference``: ``"length"`` (a horizon
    more than :data:`SAME_LENGTH` apart), ``"dates"`` (about the same length, on other
    dates), ``"warm-up"`` (the same period after another warm-up), or None (the same). The
    rule of :func:`period_notes`."""
    longer = max(scenario.horizon, reference.horizon)
    if abs(scenario.horizon - reference.horizon) > SAME_LENGTH * longer:
        return "length"
    if scenario.start != reference.start or scenario.horizon != reference.horizon:
        return "dates"
    if scenario.warmup_days != reference.warmup_days:
        return "warm-up"
    return None


SAME_LENGTH = 0.01
"""Horizons this share apart or closer are about one length (review 180: 731 and 730 days
a year apart were said to differ "mostly by the length of the period")."""


PERIOD_WORDS = {
    "length": "partly the length of the period (totals grow with it)",
    "dates": "partly those of the dates the periods cover",
    "warm-up": "partly those of the stocks and states their warm-ups leave",
}
"""What differences over another period (:func:`period_kind`) are, besides the
scenarios' effect ("differences are ..."; review 176: one period after other warm-ups was
said to differ "mostly by the length of the period")."""


def period_words(kinds: Collection[str | None]) -> str:
    """:data:`PERIOD_WORDS` of ``kinds`` (one kind each), or a word for them all."""
    known = {k for k in kinds if k is not None}
    if len(known) == 1:
        return PERIOD_WORDS[known.pop()]
    return "partly those of the periods they measure"


def period_notes(arms: Sequence[Arm], for_python: bool = False) -> list[str]:
    """A note when the scenarios do not measure the same period: their totals then differ
    by the length of the period, not by what the scenarios change. Its advice is written
    for the command line (``--set start=...``), or with ``for_python`` for the Python API
    (``overrides=["start=..."]``)."""
    periods = {(a.scenario.start, a.scenario.horizon, a.scenario.warmup_days) for a in arms}
    if len(periods) == 1:
        return []
    parts = ", ".join(f"{a.label} {a.scenario.start} + {a.scenario.horizon:g} days"
                      for a in arms)
    # the period of the scenario starting last (the longest of those): its stocks and
    # dated shocks are set for its start, which an earlier one would move them away from
    # (an export ban's buffer is the stock at its own start); a status quo measures as
    # well over any period
    last = max(arms, key=lambda a: (a.scenario.start, a.scenario.horizon)).scenario
    start = last.start
    end = last.last_date
    warmups = {a.scenario.warmup_days for a in arms}
    one_period = len({(a.scenario.start, a.scenario.horizon) for a in arms}) == 1
    # only what differs: one period after other warm-ups is given one warm-up (review 176)
    one = [] if one_period else [f"start={start}", f"end={end}", "horizon_days=null"]
    if len(warmups) > 1:
        one.append(f"warmup_days={max(warmups):g}")
    options = f"overrides={one!r}" if for_python else " ".join(f"--set {o}" for o in one)
    if all(a.runs for a in arms):
        options += _outside_words(_left_outside(arms, one), for_python)
    over = "after one warm-up" if one_period else "over one period"
    if all(a.runs for a in arms) and one_period:
        fix = "give them one warm-up: " + options
    elif all(a.runs for a in arms):
        fix = "give them one period, that of the scenario starting last: " + options
    elif for_python:
        # overrides do not reach finished results: their runs must be made again
        fix = (f"run them again {over} (sim.run(..., {options})), or compare the "
               "scenario files with those overrides")
    else:
        # --set does not reach a finished results folder: its runs must be made again
        fix = (f"run them again {over} (sim run ... {options}), or compare the "
               "scenario files with those options")
    if one_period:
        # one period after warm-ups of different lengths: the periods are the same, what
        # they start from is not
        warm = ", ".join(f"{a.label} {a.scenario.warmup_days:g} days" for a in arms)
        return [f"the scenarios measure one period ({arms[0].scenario.start} + "
                f"{arms[0].scenario.horizon:g} days) after warm-ups of different lengths "
                f"({warm}), so the stocks and regime states they start from differ as well "
                f"as what the scenarios change; {fix}"]
    # the same length on other dates: what differs is the calendar (dated shocks, prices
    # and stocks of other days), not the length
    why = ("the length of the period"
           if any(period_kind(arms[0].scenario, a.scenario) == "length" for a in arms[1:])
           else "the dates they cover")
    return [f"the scenarios measure different periods ({parts}), so their totals differ by "
            f"{why} as well as by what the scenarios change; {fix}"]


STOCK_FIELDS = ("initial_stock_t", "initial_feed_t", "initial_output_t")
"""The sites' fields of metal held on the start date (mines, refiners, markets,
stockpiles)."""


def _initial_stocks(sc: Scenario) -> dict[tuple[str, str, str], float]:
    """Tonnes held on the start date by (commodity, site, field), where not 0."""
    return {(com, sid, name): float(t) for sid, site in sc.sites.items()
            for name in STOCK_FIELDS for com, t in (getattr(site, name, None) or {}).items()
            if t}


def initial_stock_notes(arms: Sequence[Arm], for_python: bool = False) -> list[str]:
    """A note for each scenario that starts with another stock of a commodity than the
    reference (review 173: export_ban_2025 starts with an 80,100 t buffer at the refiners
    the baseline lacks, so its "stock at the end" row against the baseline was +73% where
    the ban's own effect was +30%). Its advice, where every scenario is run here and holds
    the sites, is the ``--set`` (or, ``for_python``, ``overrides=``) that gives the
    reference's sites the scenario's stocks."""
    ref = arms[0]
    ours = _initial_stocks(ref.scenario)
    notes = []
    for arm in arms[1:]:
        theirs = _initial_stocks(arm.scenario)
        for com in dict.fromkeys(c for c, _s, _f in [*ours, *theirs]):
            if any(com not in a.scenario.commodities for a in (ref, arm)):
                # the tables give no difference of a commodity one scenario lacks, and a
                # --set of its stock there is refused (review 180)
                continue
            keys = [k for k in dict.fromkeys([*ours, *theirs])
                    if k[0] == com and ours.get(k, 0.0) != theirs.get(k, 0.0)]
            more = sum(theirs.get(k, 0.0) - ours.get(k, 0.0) for k in keys)
            if not keys or abs(more) < 0.5:
                continue
            where = "; ".join(
                f"{sid} {name} {_tonnes(theirs.get((com, sid, name), 0.0))} against "
                f"{_tonnes(ours.get((com, sid, name), 0.0))}" for _c, sid, name in keys)
            # a mine's working stock stays at the mine: it buffers no market (review 180)
            buffers = any(arm.scenario.sites.get(sid, ref.scenario.sites.get(sid)).kind
                          != "mine" for _c, sid, _n in keys)
            # "may": where neither scenario goes short, a buffer changes no shortfall
            # (review 182: the note made the reader doubt a shortfall it did not touch)
            what = ("its stocks at the end differ by that as well as by what the scenario "
                    "changes, and so may the shortfalls and prices those stocks buffer"
                    if buffers else "its stocks at the end (a mine's working stock, which "
                    "stays there) differ by that as well as by what the scenario changes")
            note = (f"{arm.label} starts with {_tonnes(abs(more))} "
                    f"{'more' if more > 0 else 'less'} {com} in stock than {ref.label} "
                    f"({where}): {what}")
            settable = all(a.runs for a in arms) and all(
                sid in a.scenario.sites for a in arms for _c, sid, _n in keys)
            if settable:
                sets = [f"sites.{sid}.{name}.{com}={theirs.get((com, sid, name), 0.0):g}"
                        for _c, sid, name in keys]
                given = (f"overrides={sets!r}" if for_python
                         else " ".join(f"--set {s}" for s in sets))
                note += f"; to compare like with like, start them all with its stocks: {given}"
            notes.append(note)
    return notes


def _tonnes(t: float) -> str:
    return f"{t:,.0f} t" if t else "none"


def _series_period_text(period: int | str) -> str:
    return "calendar months" if period == MONTH else f"{int(period)}-day periods"


def series_period_notes(arms: Sequence[Arm], for_python: bool = False) -> list[str]:
    """A note when the scenarios' time series have different periods
    (``series_period_days``: 7 and 30, or weeks and calendar months): their series are
    sums and means over different stretches of days, so they cannot be subtracted period
    by period, and the comparison figures draw no time-series difference from the
    reference for the scenarios whose periods differ from its own (only each scenario's
    own series). The KPIs are not affected. Its advice is written for the command line
    (``--set``), or with ``for_python`` for the Python API (``overrides=``)."""
    periods = [a.scenario.series_period_days for a in arms]
    if len(set(periods)) == 1:
        return []
    parts = ", ".join(f"{a.label} {_series_period_text(p)}"
                      for a, p in zip(arms, periods, strict=True))
    ref = periods[0]
    other = [a.label for a, p in zip(arms, periods, strict=True) if p != ref]
    word = ref if ref == MONTH else f"{int(ref)}"
    option = f"series_period_days={word}"
    if all(a.runs for a in arms):
        fix = (f"give them the reference's: overrides={[option]!r}" if for_python
               else f"give them the reference's: --set {option}")
    elif for_python:
        # overrides do not reach finished results: their runs must be made again
        fix = (f"run them again with one (sim.run(..., overrides={[option]!r})), or compare "
               "the scenario files with that override")
    else:
        fix = (f"run them again with one (sim run ... --set {option}), or compare the "
               "scenario files with that option")
    return [f"the scenarios' time series have different periods ({parts}): their series "
            "are summed or averaged over different days and cannot be subtracted period by "
            f"period, so the comparison figures draw no time-series difference from "
            f"{arms[0].label} for {', '.join(other)} (each scenario's own series only; the "
            f"KPIs are not affected); {fix}"]


@dataclass
class _Chain:
    """The files a compared scenario was loaded from (see :func:`_chain`)."""

    files: list[Path]
    """Itself first, then every file it extends, directly or not."""
    parents: list[Path] | None
    """The files its own ``extends`` names (None when that cannot be told)."""
    here: bool
    """The paths lead to the files themselves (loaded in this process, or recorded
    absolute), so two files of one name in different folders are told apart."""
    sha256: list[str | None] | None = None
    """The sha256 of each file's bytes (as ``files``; None for one that could not be
    read), or None when not known (a folder whose manifest records none)."""
    recorded: bool = False
    """Read from a results folder's manifest: its paths are where the files were at run
    time, which lead to other files, or none, once the project is moved or copied."""

    def digest(self, f: Path) -> str | None:
        """The sha256 of file ``f`` of :attr:`files`, None if not known."""
        if self.sha256 is None:
            return None
        for g, h in zip(self.files, self.sha256, strict=True):
            if g == f:
                return h
        return None


def _sha256(path: Path) -> str | None:
    """The sha256 (hex) of the bytes of ``path``, None if it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _same_file(a: Path, ha: str | None, b: Path, hb: str | None, here: bool,
               recorded: bool) -> bool:
    """Whether files ``a`` and ``b`` (with their sha256 ``ha``, ``hb``, None if not
    known) are one scenario file. The same file by its path (``here``: both paths lead to
    the files, symbolic links followed) is. Of two files loaded in this process, no
    other is: a copy in another folder is another file, to be edited apart. When either
    path was ``recorded`` by a results folder, it may lead elsewhere (the project moved,
    copied or mounted in another place), so files with contents both known are one when
    their bytes are, and with a content not known (a folder recorded before contents
    were, or a file not readable) they are matched by name, as an older folder's are."""
    if here and a.resolve() == b.resolve():
        return True
    if not recorded:
        return False
    if ha is not None and hb is not None:
        return ha == hb
    return a.name == b.name


def _own_extends(files: list[Path], here: bool) -> list[Path] | None:
    """The files ``files[0]``'s own ``extends`` names, as paths like those of ``files``;
    None when it cannot be read or does not match ``files`` (a folder's file moved or
    edited since its run). The loader keeps only the flattened list."""
    if len(files) == 2:
        return [files[1]]  # one file besides itself: its only parent
    from sim.scenario.yamlio import read_yaml

    try:
        data, _lines = read_yaml(files[0])
    except Exception:  # noqa: BLE001 - not readable: unknown, and the note says less
        return None
    named = data.get("extends") if isinstance(data, dict) else None
    named = [named] if isinstance(named, str) else named
    if not isinstance(named, list) or not all(isinstance(p, str) for p in named):
        return None
    parents = [files[0].parent / p for p in named]
    if here:
        known = {str(f.resolve()): f for f in files[1:]}
        found = [known.get(str(p.resolve())) for p in parents]
    else:
        names = {f.name: f for f in files[1:]}
        found = [names.get(p.name) for p in parents]
    return None if any(f is None for f in found) else [f for f in found if f is not None]


def chain_record(sc: Scenario) -> dict[str, Any] | None:
    """What a results folder's manifest records (``scenario_chain``) of the files
    ``sc`` was loaded from, for the extends notes of a later comparison or report:
    ``files`` (itself first, then every file it extends) and ``parents`` (those its own
    ``extends`` names, or None if that cannot be told), each an absolute path as the file
    was named (symbolic links kept), and ``sha256``, the hex sha256 of each file's bytes
    (as ``files``, None for one not readable), read now, while the paths still lead to the
    files from this working folder: a comparison made after the project moved matches
    its files by content. None for a scenario built from a mapping or YAML text, whose
    ``scenario_files`` holds only a name."""
    from sim.scenario.loader import meta_of

    meta = meta_of(sc)
    if not (meta.from_file and meta.files):
        return None
    files = [Path(f) for f in meta.files]
    parents = _own_extends(files, True) if len(files) > 1 else []
    return {"files": [os.path.abspath(f) for f in files],
            "parents": None if parents is None else [os.path.abspath(p) for p in parents],
            "sha256": [_sha256(f) for f in files]}


def _recorded_chain(manifest: dict[str, Any]) -> _Chain | None:
    """The chain a results folder's manifest records: ``scenario_chain``
    (:func:`chain_record`) where written, None there for a scenario not loaded from files;
    one written before the files' ``sha256`` were has none (its files matched by name).
    An older folder has only ``scenario_files``, as typed, relative to wherever that run
    was started: names ``<...>`` (``<dict>``) are not files; relative paths are matched by
    name, and the file's own ``extends`` is read only from an absolute path (one relative
    to this working folder could be another file, or none)."""
    if "scenario_chain" in manifest:
        rec = manifest["scenario_chain"]
        if not isinstance(rec, dict) or not rec.get("files"):
            return None
        files = [Path(str(f)) for f in rec["files"]]
        parents = rec.get("parents")
        sums = rec.get("sha256")
        # a record written before contents were (or edited by hand): files matched by name
        if not (isinstance(sums, list) and len(sums) == len(files)
                and all(h is None or isinstance(h, str) for h in sums)):
            sums = None
        return _Chain(files, [Path(str(p)) for p in parents]
                      if isinstance(parents, list) else None, True, sums, True)
    recorded = manifest.get("scenario_files") or []
    if not isinstance(recorded, list) or not recorded:
        return None
    first = str(recorded[0])
    if first.startswith("<") and first.endswith(">"):
        return None  # scenario_from_dict's or scenario_from_yaml's name, not a file
    files = [Path(str(f)) for f in recorded]
    here = all(f.is_absolute() for f in files)
    if len(files) == 1:
        return _Chain(files, [], here, None, True)
    return _Chain(files, _own_extends(files, here) if here or len(files) == 2 else None,
                  here, None, True)


def _chain(arm: Arm) -> _Chain | None:
    """The files the scenario of ``arm`` was loaded from: those :func:`load_scenario` read
    in this process, or for results read from a folder those its manifest records (see
    :func:`_recorded_chain`); None for a scenario built from a mapping or YAML text, or
    results that record no files."""
    from sim.scenario.loader import meta_of

    meta = meta_of(arm.scenario)
    if meta.from_file and meta.files:
        files = [Path(f) for f in meta.files]
        return _Chain(files, _own_extends(files, True) if len(files) > 1 else [], True,
                      [_sha256(f) for f in files])
    if arm.fixed is None:
        return None
    try:
        manifest = arm.fixed.info.get("manifest", {})
    except Exception:  # noqa: BLE001 - results built in code record no manifest
        return None
    return _recorded_chain(manifest) if isinstance(manifest, dict) else None


def _told_apart(a: Path, b: Path) -> tuple[str, str]:
    """Two paths of files of one name, each shortened to the last parts that tell them
    apart (``a/base.yaml`` and ``b/base.yaml``), the whole absolute path if none do."""
    pa = Path(os.path.abspath(a)).parts
    pb = Path(os.path.abspath(b)).parts
    for n in range(2, max(len(pa), len(pb)) + 1):
        if pa[-n:] != pb[-n:]:
            return str(Path(*pa[-n:])), str(Path(*pb[-n:]))
    return str(Path(*pa)), str(Path(*pb))


def extends_notes(arms: Sequence[Arm]) -> list[str]:
    """A note for each compared scenario whose ``extends`` chain has files the reference's
    chain lacks (the reference not being one of them): its differences from the reference
    are those files' changes as well as its own, so they are not its own effect (a
    partnership over a leaky baseline, compared with the clean baseline, shows the leakage
    as the partnership's). A scenario whose own ``extends`` names one file is told to be
    compared with it; one that names several combines them, and its difference from any
    one of them still holds the others' changes, so it gets no such advice. A file of the
    name of one of the reference's, in another folder, is said to be another file, each
    shown with the folders that tell them apart.

    Files are one when their paths lead to one file (as the loader reads each file once)
    where both scenarios were loaded from files in this process or read from results
    folders that record absolute paths. When either is read from a results folder, whose
    recorded paths lead to other files, or none, once the project is moved or copied,
    files of equal contents (sha256, recorded at run time or read here) are one too, and
    they are matched by name when a content is not known (an older results folder, whose
    manifest records the paths as typed or no contents, or a file not readable).
    Scenarios built from a mapping or YAML text, or read from results folders that do not
    record their files, get none."""
    if len(arms) < 2:
        return []
    ref = arms[0]
    ref_chain = _chain(ref)
    if ref_chain is None:
        return []
    notes: list[str] = []
    for arm in arms[1:]:
        chain = _chain(arm)
        if chain is None:
            continue
        here = chain.here and ref_chain.here
        recorded = chain.recorded or ref_chain.recorded

        def in_ref(f: Path, chain: _Chain = chain, here: bool = here,
                   recorded: bool = recorded) -> bool:
            return any(_same_file(f, chain.digest(f), g, ref_chain.digest(g), here,
                                  recorded) for g in ref_chain.files)

        extra = [f for f in chain.files[1:] if not in_ref(f)]
        if not extra:
            continue
        ref_named = {f.name: f for f in reversed(ref_chain.files)}  # the nearest first
        shown: dict[Path, str] = {}
        others = []
        for f in extra:
            if f.name in ref_named:
                mine, theirs = _told_apart(f, ref_named[f.name])
                shown[f] = mine
                others.append(f"its {f.name} is {mine}, not the reference's {theirs}")
        for p in chain.parents or []:
            # the reference's own file by another path (a symbolic link, whose extends
            # the loader looks up in the link's folder): the advice names which one
            same = [f for f in ref_chain.files if here and f.resolve() == p.resolve()]
            if same and os.path.abspath(same[0]) != os.path.abspath(p):
                shown.setdefault(p, _told_apart(p, same[0])[0])
        names = [f.name for f in extra]
        whose = ", ".join(f"{f.stem}'s" for f in extra)
        apart = f" ({'; '.join(others)})" if others else ""
        note = (f"{arm.label} extends {and_list(names)}, which the reference ({ref.label}) "
                f"does not{apart}: its differences from {ref.label} include {whose} "
                "changes as well as its own")
        parents = chain.parents
        if parents is not None and len(parents) == 1:
            note += (f"; compare it with {shown.get(parents[0], parents[0].name)} for "
                     f"{arm.label}'s own effect")
        elif parents:
            note += (f"; it combines {and_list([shown.get(p, p.name) for p in parents])}, "
                     "so its difference from any one of them still holds the others' "
                     "changes")
            shared = _shared_base(parents, extra)
            if shared is not None:
                # the status quo they all build on: against the reference alone, its
                # changes (leakage, say) read as the combination's, some with the
                # opposite sign (review 111)
                base, on_it = shared
                name = shown.get(base, base.name)
                rest = len(parents) - len(on_it)
                whose = ("they all build on it" if not rest else
                         f"{and_list([shown.get(p, p.name) for p in on_it])} "
                         f"build{'s' if len(on_it) == 1 else ''} on it, and the "
                         f"other{'s' if rest > 1 else ''} only on what it builds on")
                # the combination named: "compare it" read as the status quo itself
                note += (f"; {name} is the status quo all its parts build on ({whose}): "
                         f"compare {arm.label} with {name} for the combination's effect "
                         f"without {base.stem}'s own changes (their interactions with the "
                         "other parts stay in it)")
        notes.append(note)
    return notes


def _shared_base(parents: Sequence[Path], extra: Sequence[Path]
                 ) -> tuple[Path, list[Path]] | None:
    """The nearest of ``extra`` (files a compared scenario extends and the reference does
    not) that holds all that ``parents`` build on: each parent extends it, directly or
    not, or builds only on files it extends itself; with the parents that extend it.
    None if there is none, or a file's chain cannot be read.

    combined_2025 merges us_partnership (on baseline_leakage, on baseline) with three
    files on baseline: baseline_leakage holds all four's bases, and compared with it the
    combination shows its parts' effects without the leakage (review 111)."""
    from sim.scenario.compose import load_raw
    from sim.scenario.errors import ScenarioError

    def ancestors(f: Path) -> set[Path]:
        return {Path(g).resolve() for g in load_raw(f).files[1:]}

    try:
        chains = [ancestors(parent) for parent in parents]
        for f in extra:
            if f in parents:
                continue
            own = ancestors(f)
            on_it = [p for p, chain in zip(parents, chains, strict=True)
                     if f.resolve() in chain]
            if on_it and all(f.resolve() in chain or chain <= own for chain in chains):
                return f, on_it
    except (ScenarioError, OSError):
        return None
    return None


def override_notes(arms: Sequence[Arm], for_python: bool = False) -> list[str]:
    """The notes of the scenarios compared (see
    :attr:`~sim.scenario.loader.ScenarioMeta.notes`: what the overrides did that may not
    be what was meant, a policy that cannot act in the network), each once, in ``--set``
    or (``for_python``) ``overrides=`` wording; a note that not every scenario holds
    names those that do (see :func:`labelled_notes`): on the command line it begins with
    their labels, in Python it ends with them (``"... (b2 only)"``), so that a warnings
    filter on ``"^override '...'"`` catches it as it catches sim.load_scenario's and
    sim.run's.

    A results folder's are those its manifest.json saved (``sim run`` printed them, maybe
    long before; the report of the comparison gives them too). Of a loaded scenario, only
    the notes the comparison's overrides added, and none of results :func:`sim.run`
    returned in this session: sim.load_scenario and sim.run warned of those."""
    from sim.output.report import scenario_notes
    from sim.scenario.loader import has_meta, meta_of, python_note

    held: list[list[str]] = []
    said: list[list[str]] = []
    for arm in arms:
        if arm.runs:
            # a loaded scenario with overrides=["warmup_days=0"] dropped the short warm-up
            # note that sim.run and sim.sweep give for it
            every = list(meta_of(arm.scenario).notes)
            own = every[arm.known_notes:]
        else:
            every = scenario_notes(arm.fixed)
            own = [] if has_meta(arm.fixed.scenario) else every
        held.append([python_note(n) if for_python else n for n in every])
        said.append([python_note(n) if for_python else n for n in own])
    return labelled_notes([arm.label for arm in arms], held, said, at_end=for_python)


def labelled_notes(labels: Sequence[str], held: Sequence[Sequence[str]],
                   said: Sequence[Sequence[str]] | None = None,
                   at_end: bool = False) -> list[str]:
    """Each note of ``said`` (default: ``held``), once, where ``held[k]`` are all the
    notes of the scenario labelled ``labels[k]`` and ``said[k]`` those to give of it: a
    note every scenario holds is given as it is, any other begins with the labels of the
    scenarios holding it (``"b2: --set ..."``; ``at_end``: ends with them, ``"override
    ... (b2 only)"``), as a note on one scenario alone, such as "stockpile rule 'x'
    never releases", does not say which scenario it is about."""
    out: list[str] = []
    for notes in (held if said is None else said):
        for note in notes:
            whose = [label for label, own in zip(labels, held, strict=True) if note in own]
            if not whose or len(whose) == len(labels):
                text = note
            elif at_end:
                text = f"{note} ({', '.join(whose)} only)"
            else:
                text = f"{', '.join(whose)}: {note}"
            if text not in out:
                out.append(text)
    return out
