"""Load a scenario file into a validated :class:`~sim.scenario.schema.Scenario`.

``load_scenario(path, overrides)`` reads the file safely, follows ``extends``, applies
``--set`` overrides, collects citations, validates against the schema and runs the
cross-checks. Any problem raises one :class:`ScenarioError` listing every issue with its
file, line, field path, what was expected and a hint.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import typing
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.distributions import DIST_NAMES
from sim.scenario.checks import (
    BOTH_HORIZONS_HINT,
    check_scenario,
    foreign_mines,
    lane_queues_of_series_sites,
    unloaded_series_lanes,
    unpriced_money,
)
from sim.scenario.compose import (
    PROVENANCE_KEYS,
    Provenance,
    RawScenario,
    apply_overrides,
    citation_issues,
    comma_hint,
    load_raw,
    nearest_line,
    strip_provenance,
    unknown_ids,
)
from sim.scenario.errors import (
    Issue,
    PathT,
    ScenarioError,
    check_overrides,
    did_you_mean,
    format_path,
)
from sim.scenario.overrides import as_overrides
from sim.scenario.plan import make_plan, short_warmup, unbalanced_markets, unreachable_markets
from sim.scenario.schema import SITE_KINDS, Scenario
from sim.scenario.schema_paths import (
    is_id_mapping,
    is_mapping_field,
    model_at,
    singular,
    type_at,
    unwrap,
)
from sim.scenario.shock_checks import (
    ban_release_bursts,
    check_shocks_and_policies,
    competing_deals,
    idle_export_controls,
    idle_policies,
    idle_stockpile_rules,
    price_factor_bounds,
    slack_throttles,
    warmup_only,
)
from sim.scenario.shock_schema import ONE_ENDING
from sim.scenario.yamlio import MONTHS, LineMap, no_such_date, odd_space_name, parse_yaml
from sim.units import UnitError, convert


@dataclass
class ScenarioMeta:
    """Where a scenario came from: files, overrides, citations and the merged document."""

    files: list[str] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)
    document: dict[str, Any] = field(default_factory=dict)
    """The merged document with citations, as written (for the manifest and reports)."""
    notes: list[str] = field(default_factory=list)
    """What may not be what was meant, though valid: what the overrides did (see
    ``RawScenario.notes``), then a warm-up shorter than the longest planned route (the
    first weeks measured would show the network filling), markets whose planned supply
    misses their demand, then each policy that cannot act in this network (an export
    control no sale crosses, a stockpile rebuild rule only a price shock can start), and a
    royalty or armed groups' tax on a commodity without a reference price (its money KPIs
    would read 0). Lanes and sites nothing can use (:mod:`sim.scenario.wiring`) are ``sim
    validate``'s and ``sim show``'s notes, not every load's."""
    from_file: bool = False
    """True when :func:`load_scenario` read it from ``files`` in this process (their paths
    then lead to those files, relative to the working folder as it was); False for a
    scenario built from a mapping or YAML text, whose ``files`` holds only a name."""


def load_scenario(path: str | PathLike[str], overrides: Sequence[str] = ()) -> Scenario:
    """Load, merge, override and validate a scenario file.

    ``overrides`` is a list of ``"key.path=value"`` strings (as for ``--set``). What an
    override did that may not be what was meant (a bare number over a value the file gave
    in another unit), and each policy that cannot act in the network, is in
    ``meta_of(sc).notes``; :func:`sim.load_scenario` warns of them.
    Raises :class:`ScenarioError` with every problem found, and :class:`TypeError` for a
    ``path`` that is not a str or path (a dict is told to use :func:`scenario_from_dict`),
    or ``overrides`` that are not a list of strings (a single string, or an item that is
    not one).
    """
    if not isinstance(path, str | PathLike):
        raise TypeError(_not_a_path(path))
    check_overrides(overrides)
    raw = load_raw(Path(path))
    if overrides:
        raw = apply_overrides(raw, list(overrides))
    sc = validate_raw(raw)
    meta_of(sc).from_file = True  # validate_raw cannot tell a file's document from a dict's
    return sc


def scenario_from_dict(data: Mapping[str, Any], name: str = "<dict>",
                       overrides: Sequence[str] = ()) -> Scenario:
    """Validate a scenario given as a Python mapping (as it would be read from YAML), with
    ``overrides`` as for :func:`load_scenario`.

    ``extends`` is not allowed here: it names a file relative to the file it is in, and
    only :func:`load_scenario` reads files. Raises :class:`ScenarioError` for a mapping
    with problems (one issue, with a hint, for ``extends``), and :class:`TypeError` for
    anything but a mapping (a path is told to use :func:`load_scenario`)."""
    check_overrides(overrides)
    if not isinstance(data, Mapping):
        raise TypeError(_not_a_mapping(data))
    _refuse_extends(data, name)
    raw = RawScenario(dict(data), {}, [name])
    if overrides:
        raw = apply_overrides(raw, list(overrides))
    return validate_raw(raw)


def scenario_from_yaml(text: str, name: str = "<string>") -> Scenario:
    """Validate a scenario given as YAML text (``extends`` is not allowed here, as in
    :func:`scenario_from_dict`)."""
    data, lines = parse_yaml(text, name)
    if not isinstance(data, dict):
        raise ScenarioError([Issue("the top level must be a mapping of fields", file=name)])
    _refuse_extends(data, name, lines)
    return validate_raw(RawScenario(data, lines, [name]))


def _not_a_path(path: object) -> str:
    """Why ``path`` cannot be given to :func:`load_scenario`, and what to call: a dict got
    Python's "expected str, bytes or os.PathLike object, not dict" (review 210)."""
    start = "load_scenario takes the path of a scenario file (a str or Path), not "
    if isinstance(path, Mapping):
        return (f"{start}a {type(path).__name__}: for a mapping of fields (as read from "
                "YAML) use sim.scenario_from_dict(data)")
    if isinstance(path, Scenario):
        return f"{start}a Scenario, which is loaded already: use it as it is"
    if isinstance(path, bytes):
        return f"{start}bytes: decode it, e.g. {path.decode('utf-8', 'replace')!r}"
    if path is None:
        return f"{start}None"
    name = type(path).__name__
    return f"{start}{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _not_a_mapping(data: object) -> str:
    """Why ``data`` cannot be given to :func:`scenario_from_dict`, and what to call."""
    if isinstance(data, str) and ("\n" in data or ": " in data):
        return ("scenario_from_dict takes a mapping of fields, not text: for YAML text use "
                "sim.scenario.scenario_from_yaml(text)")
    if isinstance(data, str | PathLike):
        # iterating the path went as far as "dictionary update sequence element #0 has
        # length 1; 2 is required"
        return (f"scenario_from_dict takes a mapping of fields (as read from YAML), not a "
                f"path: load a scenario file with sim.load_scenario({str(data)!r})")
    return (f"scenario_from_dict takes a mapping of fields (a dict, as read from YAML), not "
            f"{type(data).__name__}")


def _refuse_extends(data: Mapping[str, Any], name: str, lines: LineMap | None = None) -> None:
    """Raise one :class:`ScenarioError` for ``extends`` in a scenario that is not a file:
    validated, it gave an error for every required field the parent file would have
    given, and none for ``extends``."""
    if "extends" not in data:
        return
    parent = data["extends"]
    changes = as_overrides({k: v for k, v in data.items() if k != "extends"})
    if isinstance(parent, str) and changes is not None and len(changes) <= 6:
        hint = (f"load the file it extends with the rest as overrides: "
                f"sim.load_scenario({parent!r}, overrides={changes!r}), or ")
    else:
        hint = ""
    hint += "save the mapping as a YAML file and load that with sim.load_scenario(path)"
    issue = Issue("extends works only in scenario files read by load_scenario, where its "
                  "path is relative to the file", path=("extends",), hint=hint)
    _locate(issue, lines or {}, name)
    raise ScenarioError([issue])


def validate_raw(raw: RawScenario) -> Scenario:
    """The validated, cross-checked :class:`Scenario` of a merged document ``raw`` (see
    :func:`~sim.scenario.compose.load_raw` and ``apply_overrides``). Raises
    :class:`ScenarioError` with every issue; each in what a ``--set`` changed says so (see
    :func:`_mark_overrides`), since the file alone may be fine."""
    try:
        return _check(raw)
    except ScenarioError as exc:
        if not raw.override_paths:
            raise
        _mark_overrides(exc.issues, raw)
        raise ScenarioError(exc.issues) from None


# Keys that say how the rest of their mapping is read: a distribution's ``dist``, a
# site's ``kind``, a lane's ``mode``, a mine output's ``form``. Changing one makes the
# fields beside it unknown or missing, though the file wrote them right.
_DISCRIMINATORS = frozenset({"dist", "kind", "mode", "form"})


def _rereads_siblings(target: PathT, data: Any) -> str | None:
    """How the override at ``target`` changes the reading of the keys beside it:
    ``"discriminator"`` if it set one (``dist``, ``kind``, ``mode``, ``form``), which changes
    what every field beside it means (a lane's ``capacity_trucks_per_day`` after ``--set
    ...mode=rail``); ``"mapping"`` if it replaced a whole mapping, which may leave fields
    beside it unknown or missing; None otherwise."""
    node: Any = data
    for part in target[:-1]:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    if not isinstance(node, dict):
        return None
    key = target[-1]
    if key in _DISCRIMINATORS:
        # a triangular distribution's mode is a number, not what kind of lane it is
        return None if key == "mode" and "dist" in node else "discriminator"
    value = node.get(key)
    # a bare number over {value: ..., assumption: ...} is wrapped as one: not a new mapping
    wrapped = isinstance(value, dict) and set(value) == {"value", "assumption"} and \
        str(value["assumption"]).startswith("override: ")
    return "mapping" if isinstance(value, dict) and not wrapped else None


def _sibling_issue(issue: Issue, reread: str | None) -> bool:
    """Whether an issue about a field beside an override is the override's doing: any issue
    after a discriminator changed, an unknown or missing field (what a re-read of its
    mapping gives) after a mapping was replaced."""
    if reread == "discriminator":
        return True
    return reread == "mapping" and issue.message.startswith(
        ("unknown field ", "missing required field "))


def _mark_overrides(issues: list[Issue], raw: RawScenario) -> None:
    """Name the ``--set`` behind each issue located in a file but about a value that an
    override changed: the issue's path lies at or under the override's, the override's
    under the issue's (``allocation`` sums to 1.352 after ``--set ...allocation.kcc=0.5``),
    or beside it in the same mapping when the override changed how that mapping is read
    (``unknown field 'low'`` after ``--set ...transit_days.dist=gamma``, a truck limit
    after ``--set ...mode=rail``; see :func:`_rereads_siblings`). Without it, the file's
    line reads as the mistake. An error in a sibling the override did not re-read (``lon``
    beside a ``--set ...lat``) is the file's own, and is left as it is."""
    rereads = {target: _rereads_siblings(target, raw.data) for target in raw.override_paths}
    for issue in issues:
        path = tuple(issue.path)
        if not path or (issue.file or "").startswith("--set"):
            continue  # already located at the --set, or about the scenario as a whole
        texts = []
        for target, cite in raw.override_paths.items():
            if (path[:len(target)] == target or target[:len(path)] == path
                    or (len(path) >= 2 and len(target) == len(path)
                        and target[:-1] == path[:-1]
                        and _sibling_issue(issue, rereads[target]))):
                text = cite.removeprefix("override: ")
                if text not in texts:
                    texts.append(text)
        if texts:
            issue.after = ", ".join(texts)
            if issue.hint is None:
                issue.hint = (f"the file may be fine: this is the value as {texts[-1]} left "
                              "it; change or drop that --set")


def _id_noun(raw: RawScenario) -> Any:
    """For :func:`citation_issues`: what an entry of the mapping at a path is (``channel``
    for ``channels``, ``key of offtake.cobalt`` for a mine's offtake shares), or None for a
    mapping of fields."""
    def noun(path: PathT) -> str | None:
        if not path:
            return None
        tp = type_at(path, raw.data)
        if typing.get_origin(unwrap(tp)) is not dict:
            return None
        if is_id_mapping(tp):
            return singular(str(path[-1]))
        return f"key of {format_path(path)}"
    return noun


def _check(raw: RawScenario) -> Scenario:
    # an extending file without a name is reported with whatever else is wrong, so that
    # one pass fixes everything
    unnamed = _unnamed(raw)
    unknown = unknown_ids(raw) + _absent_removals(raw)
    if unknown:
        raise ScenarioError(unnamed + unknown)
    # a citation that is not text would be recorded as saying nothing, and an id named
    # like one would vanish with the citations, leaving misleading errors in its place
    cited = citation_issues(raw, _id_noun(raw))
    if cited:
        raise ScenarioError(unnamed + cited)
    data, prov = strip_provenance(raw)
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        found = _merge_union_issues(
            [_issue_from_error(e, data, raw.lines, raw.files[0]) for e in exc.errors()])
        for issue in found:
            if issue.message == ONE_ENDING:
                _blame_the_newer_ending(issue, raw, data)
        raise ScenarioError(unnamed + _misspelt_new_ids(found, raw)) from None
    issues = check_scenario(sc)
    plan = None
    if not issues:
        plan = make_plan(sc)
        issues = check_shocks_and_policies(sc) + unreachable_markets(sc, plan)
    if issues:
        for issue in issues:
            _locate(issue, raw.lines, raw.files[0])
            if issue.hint == BOTH_HORIZONS_HINT:
                _blame_the_newer_horizon(issue, raw)
            _blame_the_removal(issue, raw)
        raise ScenarioError(unnamed + issues)
    if unnamed:
        raise ScenarioError(unnamed)
    plan = plan or make_plan(sc)
    # notes, not errors: a policy kept for a variant of the network is valid input, but
    # one that cannot act here is worth a word wherever the scenario is run, not only in
    # sim validate and sim show
    meta = ScenarioMeta(files=raw.files, overrides=raw.overrides, provenance=prov,
                        document=raw.data,
                        notes=[*raw.notes, *short_warmup(sc, plan), *unbalanced_markets(sc, plan),
                               *slack_throttles(sc, plan),
                               *idle_export_controls(sc), *idle_policies(sc),
                               *idle_stockpile_rules(sc), *unpriced_money(sc),
                               *foreign_mines(sc), *unloaded_series_lanes(sc),
                               *lane_queues_of_series_sites(sc),
                               *warmup_only(sc), *ban_release_bursts(sc, plan),
                               *price_factor_bounds(sc), *competing_deals(sc)])
    set_meta(sc, meta)
    return sc


def _unnamed(raw: RawScenario) -> list[Issue]:
    """The issue of a file that extends another without a ``name`` of its own (none if it
    has one, or ``--set name=...`` gives it one): it would take its parent's name, and
    its results folder and figures would overwrite the parent's."""
    if raw.unnamed is None:
        return []
    file, line, column = raw.unnamed
    own = re.sub(r"[^a-z0-9_]+", "_", Path(file).stem.lower()).strip("_")[:64]
    if not re.match(r"[a-z]", own):
        own = f"scenario_{own}".rstrip("_")[:64]
    parent = raw.data.get("name")
    taken = (f" (it would take {parent!r}, and its results folder and figures would "
             "overwrite that scenario's)" if isinstance(parent, str) else "")
    return [Issue(f"missing: a file that extends another must give its own name{taken}",
                  path=("name",), file=file, line=line, column=column,
                  hint=f"add name: {own} to {Path(file).name} (or give --set name=...)")]


_REMOVED_FROM = {"site": ("sites",), "lane": ("lanes",), "region": ("regions",),
                 "commodity": ("commodities",), "channel": ("channels",),
                 "regime": ("shocks", "regimes")}
"""Where the ids that an unknown-id issue names (by its noun) are defined."""


def _defined_at(what: str, path: PathT) -> PathT | None:
    """The mapping that defines the ids a reference at ``path`` to a ``what`` names: a
    site's is ``sites``, a regime state's the ``states`` of the same regime."""
    if what in _REMOVED_FROM:
        return _REMOVED_FROM[what]
    if what == "state" and path[:2] == ("shocks", "regimes") and len(path) > 2:
        return (*path[:3], "states")
    if what == "output of this mine" and path[:1] == ("sites",) and len(path) > 1:
        return (*path[:2], "output")
    return None


def _blame_the_removal(issue: Issue, raw: RawScenario) -> None:
    """An unknown id that a file's ``null`` or a ``--set ...=null`` removed: say who
    removed it, and what to do with the reference, which was inherited as it was; a
    look-alike id (``did you mean 'uvira'?`` for a removed ``beira``) would mislead."""
    if issue.missing_lanes:
        _blame_the_lane_removal(issue, raw)
    if issue.unknown is None:
        return
    what, ident = issue.unknown
    where = _defined_at(what, issue.path)
    if where is None:
        return
    # the id itself, or a mapping holding it (`sites: null` removes every site)
    defined = (*where, ident)
    who = next((raw.removed[defined[:n]] for n in range(len(defined), 0, -1)
                if defined[:n] in raw.removed), None)
    if who is None:
        return
    issue.message += f", which {who} removed"
    # a key naming the removed id (a rate out of a removed state) goes with it; a field
    # naming it (a lane's `to`) is changed, or the entry holding it removed
    owner = issue.path if issue.path[-1] == ident else _id_entry(issue.path, raw.data)
    fixer, why = _fixed_in(who, issue, raw)
    if owner == issue.path:
        fix = (f"add --set {format_path(owner)}=null" if who.startswith("--set ")
               else f"set {format_path(owner)} to null in {fixer}")
        issue.hint = f"removing a {what} leaves what refers to it: {fix} too{why}"
    elif who.startswith("--set "):
        drop = f"add --set {format_path(owner)}=null" if owner else "change it by another --set"
        issue.hint = (f"removing a {what} leaves what refers to it: change "
                      f"{format_path(issue.path)}, or {drop}")
    else:
        # a null removes what the file inherits; the file writing the entry deletes it
        how = "" if issue.file and _file_of(issue.file) == fixer else " (set it to null)"
        drop = f" or remove {format_path(owner)}{how}" if owner else ""
        issue.hint = (f"removing a {what} leaves what refers to it: in {fixer}, "
                      f"change {format_path(issue.path)}{drop}{why}")


def _blame_the_lane_removal(issue: Issue, raw: RawScenario) -> None:
    """A route, or a mine's offtake, left without a lane that a file's ``null`` or a
    ``--set ...=null`` removed: say who removed which lane, and what to do, as for a
    removed site; the lanes left from the site (or none) would not say why (review 199)."""
    found = next(((pair, raw.removed_lanes[pair]) for pair in issue.missing_lanes
                  if pair in raw.removed_lanes), None)
    if found is None:
        return
    (a, b), (lid, who) = found
    route = issue.path[:4] if issue.path[:1] == ("channels",) else None
    # "which --set ... removed", as for a site, is reworded for Python where it is raised
    if route:
        issue.message += f"; lane {lid!r}, which {who} removed, joined them"
    else:
        issue.message += (f"; lane {lid!r} from {a!r} to {b!r}, which {who} removed, led "
                          "it onto one")
    other = (f"give {format_path(route)} a path without that step" if route
             else f"move the mine's offtake off channel {issue.path[-1]!r}")
    if who.startswith("--set "):
        drop = f"add --set {format_path(route)}=null" if route else None
        fix = f"drop {who} to keep the lane, or " + (f"{drop}, or {other}" if drop else other)
    else:
        fixer, why = _fixed_in(who, issue, raw)
        there = "" if fixer == _file_of(who) else f"in {fixer}, "
        drop = f"set {format_path(route)} to null" if route else None
        fix = (f"in {_file_of(who)}, drop the lane's null to keep it, or {there}"
               + (f"{drop} (or give it a path without that step)" if drop else other)
               + why)
    left = "the routes over it broken" if route else "a mine without its way onto a route"
    issue.hint = f"removing a lane leaves {left}: {fix}"


def _fixed_in(who: str, issue: Issue, raw: RawScenario) -> tuple[str, str]:
    """The name of the file in which to change (or remove) what ``issue`` refers to, after
    ``who`` (a file, ``child.yaml:7``) removed what it named, and a clause saying why
    when that is not the remover: a file's null removes only what it inherits, so where
    the reference came from a file the remover does not extend (two parts of a
    combination), the file combining them is the one to change it in; following a hint
    naming the remover would refuse its null of a key it never had (review 210)."""
    remover = _file_of(who)
    file, _, line = who.rpartition(":")
    remover_path = file if line.isdigit() else who
    ref = issue.file
    if not raw.ancestors or not ref or ref.startswith("--set") or who.startswith("--set "):
        return remover, ""
    mine = Path(remover_path).resolve()
    if str(mine) not in raw.ancestors:
        return remover, ""
    theirs = Path(ref).resolve()
    if theirs == mine or str(theirs) in raw.ancestors[str(mine)]:
        return remover, ""
    top = Path(raw.files[0]).name
    both = "" if theirs == Path(raw.files[0]).resolve() else f"; {top} extends both"
    return top, f" ({remover} does not extend {Path(ref).name}, which sets it{both})"


def _file_of(who: str) -> str:
    """The name of the file in ``who`` (``scenarios/child.yaml:7`` -> ``child.yaml``)."""
    file, _, line = who.rpartition(":")
    return Path(file if line.isdigit() else who).name


def _id_entry(path: PathT, data: Any) -> PathT | None:
    """The longest part of ``path`` short of all of it that is an entry of a mapping of
    ids (the lane ``lanes.x`` for ``lanes.x.to``, the route for a site of its path), which
    a null removes with all it refers to; None if there is none."""
    for n in range(len(path) - 1, 1, -1):
        if is_id_mapping(type_at(path[:n - 1], data)):
            return path[:n]
    return None


def _blame_the_newer_horizon(issue: Issue, raw: RawScenario) -> None:
    """Both ``horizon_days`` and ``end`` are set, usually one by ``--set`` or the user's
    own file and the other inherited: point at the newer one, and say how to drop the
    other (a key set to null removes it)."""
    def origin(key: str) -> str:
        return str(raw.lines.get((key,), ("",))[0])

    def rank(key: str) -> int:
        return 2 if origin(key).startswith("--set") else int(origin(key) == raw.files[0])

    for mine, other in (("end", "horizon_days"), ("horizon_days", "end")):
        if rank(mine) > rank(other):
            where = raw.lines[(mine,)]
            issue.path = (mine,)
            issue.file, issue.line, issue.column = where[0], where[1], where[2]
            fix = (f"--set {other}=null" if rank(mine) == 2 else f"{other}: null to this file")
            issue.hint = (f"{other} comes from {origin(other)}; add {fix} to measure by "
                          f"{mine} alone")
            return


def _misspelt_new_ids(issues: list[Issue], raw: RawScenario) -> list[Issue]:
    """``issues`` with those under a new id that a file added beside inherited ones
    (:attr:`RawScenario.added`) replaced by one issue saying so, when the new entry lacks a
    required field and its id is close to an inherited one: ``sites: {kasumbalsa:
    {clearance_trucks_per_day: 300}}`` under a parent with ``kasumbalesa`` meant to change
    that border post, not to build a site without a kind. ``--set`` into an unknown id is
    told the same (:func:`~sim.scenario.compose.unknown_ids`)."""
    out = list(issues)
    for path, inherited in raw.added.items():
        parent, new_id = path[:-1], path[-1]
        if not isinstance(new_id, str) or not is_id_mapping(type_at(parent, raw.data)):
            continue
        under = [i for i in out if tuple(i.path[:len(path)]) == path]
        guess = did_you_mean(new_id, inherited)
        if guess is None or not any(i.message.startswith("missing") for i in under):
            continue  # a complete new entry, or one unlike any inherited id
        noun = singular(str(parent[-1]))
        where = raw.lines.get(path, (under[0].file, under[0].line, under[0].column))
        lacks = sorted({m.group(1) for i in under
                        if (m := re.match(r"missing (?:required field )?'(\w+)'", i.message))})
        issue = Issue(f"{noun} {new_id!r} is not inherited, and as a new {noun} it lacks "
                      f"{', '.join(lacks)}", path=path, file=where[0], line=where[1],
                      column=where[2],
                      hint=f"did you mean {guess!r}? A new {noun} is given whole, with every "
                           "required field")
        gone = {id(i) for i in under}
        out = [issue if i is under[0] else i for i in out
               if id(i) not in gone or i is under[0]]
    return out


def _blame_the_newer_ending(issue: Issue, raw: RawScenario, data: Any) -> None:
    """An event or export ban that gives both ``end`` and ``duration_days``, usually one
    inherited and the other written by the extending file or ``--set``: say what each is,
    point at the newer one, and say how to drop the inherited one (a null removes it),
    as :func:`_blame_the_newer_horizon` does for the scenario's own horizon."""
    node: Any = data
    for part in issue.path:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return
    issue.message = (f"gives both end ({_shown(node.get('end'))}) and duration_days "
                     f"({_shown(node.get('duration_days'))}): {ONE_ENDING}")

    def origin(key: str) -> str:
        return str(raw.lines.get((*issue.path, key), ("",))[0])

    def rank(key: str) -> int:
        return 2 if origin(key).startswith("--set") else int(origin(key) == raw.files[0])

    for mine, other in (("end", "duration_days"), ("duration_days", "end")):
        if rank(mine) > rank(other):
            where = raw.lines[(*issue.path, mine)]
            fix = (f"--set {format_path((*issue.path, other))}=null" if rank(mine) == 2
                   else f"{other}: null beside {mine} in {Path(where[0]).name}")
            issue.hint = (f"{other} comes from {origin(other)}; add {fix} to end it by "
                          f"{mine} alone")
            issue.path = (*issue.path, mine)
            issue.file, issue.line, issue.column = where[0], where[1], where[2]
            return
    issue.hint = ("remove one of them: end is the day it stops (exclusive), duration_days "
                  "how long it lasts from start")


def _shown(value: Any) -> str:
    """A value as an error message quotes it: a number without its trailing ``.0``, a
    distribution by its name."""
    if isinstance(value, dict):
        return f"a {value.get('dist', 'mapping')}" + (" distribution" if "dist" in value
                                                       else "")
    return f"{value:g}" if isinstance(value, float) else str(value)


def meta_of(sc: Scenario) -> ScenarioMeta:
    """The :class:`ScenarioMeta` of a loaded scenario (empty for one built in code)."""
    return sc._meta or ScenarioMeta()


def has_meta(sc: Scenario) -> bool:
    """Whether ``sc`` carries a :class:`ScenarioMeta` (loaded, or given one with
    :func:`set_meta`); False for a scenario built in code or stripped of it."""
    return sc._meta is not None


def set_meta(sc: Scenario, meta: ScenarioMeta | None) -> None:
    """Attach ``meta`` (files, overrides, provenance, notes) to ``sc`` in place, or drop
    it with None; :func:`meta_of` reads it back. The scenario's fields are unchanged."""
    sc._meta = meta


def python_note(note: str) -> str:
    """``note`` (from :attr:`ScenarioMeta.notes`, or a sweep's, written for the command
    line) with its ``--set`` and ``--param`` advice written for Python's ``overrides=[...]``
    and ``params={...}``; any other note unchanged."""
    note = re.sub(r"^--set (.+?): the file gave ", lambda m: f"override {m.group(1)!r}: the "
                  "file gave ", note)
    note = re.sub(r"^--param (.+?): the file gave ", lambda m: f"param {m.group(1)!r}: the "
                  "file gave ", note)
    note = re.sub(r"vary its value: --param '([^=']*)=([^':]*):([^':]*)(?::(\w+))?'\)$",
                  lambda m: f"vary its value: params={{{m.group(1)!r}: ({m.group(2)}, "
                  f"{m.group(3)}{', ' + repr(m.group(4)) if m.group(4) else ''})}})", note)
    return re.sub(r"write --set '([^']*)'\)$", lambda m: f"write overrides=[{m.group(1)!r}])",
                  note)


def warn_notes(notes: Iterable[str], stacklevel: int = 2) -> None:
    """Warn (``UserWarning``) of each of ``notes``, phrased for Python (see
    :func:`python_note`), at the line that called the function calling this one
    (``stacklevel`` counts as for :func:`warnings.warn`, from that function).

    The Python API warns where the command line prints ``note:`` lines: the loaders of
    :mod:`sim.scenario` only return the notes, in :attr:`ScenarioMeta.notes`, so that
    ``sim validate``, ``sim show``, ``sim run``, ``sim compare`` and ``sim sweep`` print
    each once and no warning reaches their terminal."""
    for note in notes:
        warnings.warn(python_note(note), UserWarning, stacklevel=stacklevel + 1)


# ---------------------------------------------------------------------------------------
# Turning pydantic errors into issues


def _locate(issue: Issue, lines: LineMap, default_file: str) -> None:
    where = nearest_line(lines, issue.path)
    if where:
        issue.file, issue.line, issue.column = where[0], where[1], where[2]
    else:
        issue.file = default_file


def _data_path(loc: tuple[Any, ...], data: Any, etype: str) -> tuple[PathT, bool]:
    """Map a pydantic ``loc`` onto keys that exist in the data; flag dict-key errors.

    Parts of ``loc`` that are not keys in the data are union tags or model names pydantic
    adds; they are skipped, except a last part naming a key that is missing (or unknown),
    which is where the problem is.
    """
    path: list[str | int] = []
    node = data
    key_error = False
    for part in loc:
        if part == "[key]":
            key_error = True
            continue
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.endswith("_") \
                and part[:-1] in node:
            path.append(part[:-1])
            node = node[part[:-1]]
        else:
            if part == loc[-1] and isinstance(node, dict) and etype in ("missing",
                                                                          "extra_forbidden"):
                path.append(part)
            continue
    return tuple(path), key_error


def _absent_removals(raw: RawScenario) -> list[Issue]:
    """``--set key=null``, or ``key: null`` in a file over the one it extends, for a key
    that is not there: fine for a field of the schema left at its default, a typo or the
    digits after a comma in ``{copper: 1,800,000}`` otherwise (removing nothing would hide
    it)."""
    issues = []
    for path, (file, line, column, comma) in raw.absent_removed.items():
        model = model_at(path[:-1], raw.data)
        options = allowed_keys(model) if model is not None else []
        if comma is not None:
            issues.append(Issue(f"{path[-1]} reads as a key of its own, with no value",
                                path=path, file=file, line=line, column=column, hint=comma))
            continue
        if model is not None and path[-1] in options:
            continue
        node: Any = raw.data
        for part in path[:-1]:
            node = node[part] if isinstance(node, dict | list) else None
        present = [str(k) for k in node if k not in PROVENANCE_KEYS] \
            if isinstance(node, dict) else []
        guess = did_you_mean(str(path[-1]), [*options, *present])
        issues.append(Issue(f"there is no {format_path(path)} to remove", path=path,
                            file=file, line=line, column=column,
                            hint=f"did you mean {guess!r}?" if guess
                            else _removable_hint(path, present)))
    return issues


def _removable_hint(path: PathT, present: list[str]) -> str:
    """The hint for removing a key that is not there and resembles none that is: the keys
    that are there (the first few of a long mapping), or that there is nothing to remove."""
    where = format_path(path[:-1]) if path[:-1] else "the top level"
    if not present:
        return f"{where} holds no keys to remove: leave out this removal"
    shown = ", ".join(present[:12]) + (f" and {len(present) - 12} more"
                                       if len(present) > 12 else "")
    return f"{where} holds {shown}: name one of those, or leave out this removal"


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The keys a mapping described by ``model`` may have, as written in YAML."""
    return [f.alias or n for n, f in model.model_fields.items()]


def _issue_from_error(err: dict[str, Any], data: Any, lines: LineMap, file: str) -> Issue:
    etype = err["type"]
    loc = tuple(err["loc"])
    path, key_error = _data_path(loc, data, etype)
    value = err.get("input")
    tagged = isinstance(value, dict) and "value" in value and "unit" in value
    if isinstance(value, dict) and "value" in value:
        # a cited or unit-tagged number: show the number as written
        value = value["value"] if "unit" not in value else f"{value['value']} {value['unit']}"
    ctx = err.get("ctx") or {}
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    hint = None

    comma = _comma_hint_at(path, err.get("input"), data)
    timed = _time_of_day(value) if etype in _DATE_OR_NUMBER_ERRORS else None
    if key_error:
        msg = f"{value!r} is not a valid id"
        hint = comma or _id_hint(value, data)
    elif timed is not None:
        # pydantic's "Datetimes provided to dates should have zero time", and for a date
        # or a number of days also "expected a number, got datetime.datetime(...)": one
        # message, the same for both branches, which _merge_union_issues then says once
        msg, hint = timed
    elif etype == "extra_forbidden":
        key = path[-1] if path else loc[-1]
        model = model_at(path[:-1], data)
        options = allowed_keys(model) if model else []
        msg = f"unknown field {key!r}"
        guess = did_you_mean(str(key), options)
        odd = odd_space_name(str(key))
        if odd:
            hint = (f"the key holds {odd}, often pasted from a PDF or a web page: YAML does "
                    "not read it as indentation; replace it with ordinary spaces")
        elif guess:
            hint = f"did you mean {guess!r}?"
        elif options:
            hint = "allowed fields here: " + ", ".join(options)
    elif etype == "missing":
        key = loc[-1]
        msg = f"missing required field {key!r}"
        model = model_at(path[:-1], data) if path and path[-1] == key else None
        if model is not None:
            fld = next((f for n, f in model.model_fields.items() if (f.alias or n) == key), None)
            if fld is not None and fld.description:
                hint = f"add {key}: ... ({_lower_first(fld.description.split(chr(10))[0])})"
    elif etype == "union_tag_invalid":
        tag = ctx.get("tag")
        disc = ctx.get("discriminator", "").strip("'")
        options = SITE_KINDS if disc == "kind" else DIST_NAMES
        msg = f"unknown {disc} {tag!r}; expected one of: {', '.join(options)}"
        guess = did_you_mean(str(tag), options)
        if guess:
            hint = f"did you mean {guess!r}?"
        path = (*path, disc)
    elif etype == "union_tag_not_found":
        disc = ctx.get("discriminator", "").strip("'")
        options = SITE_KINDS if disc == "kind" else DIST_NAMES
        msg = f"missing {disc!r}; expected one of: {', '.join(options)}"
        if disc == "dist":
            hint = ("write a fixed value as a number, or give a distribution such as "
                    "{dist: triangular, low: 1, mode: 2, high: 4}")
    elif etype in ("float_parsing", "float_type", "int_parsing", "int_type"):
        msg = f"expected a number, got {_as_written(value)}"
        if isinstance(value, bool):
            hint = _BOOL_HINT
        elif tagged:  # {value: 1, unit: week} where only a plain number goes
            hint = ("inside a distribution give plain numbers and one unit for them all, "
                    "e.g. {dist: uniform, low: 1, high: 3, unit: week}")
        elif isinstance(value, str):
            # a plain day count (lot_period_days) gets the hint of a number-or-distribution
            # one (lot_interval_days) for a frequency word, not the field's description
            hint = _unit_hint(value, path, data) or _day_word_hint(path, value)
    elif etype == "int_from_float":  # servers: 1.5, series_period_days: {value: 1, unit: month}
        days = " of days" if path and str(path[-1]).endswith("_days") else ""
        msg = f"must be a whole number{days}, got {value:.15g}"
        hint = _whole_hint(path, data, value)
    elif etype in ("bool_parsing", "bool_type"):
        msg = f"expected true or false, got {_as_written(value)}"
    elif etype == "string_type" and isinstance(value, bool):
        msg = f"expected text, got {value!r}"
        hint = "YAML reads yes, no, on, off (and the country code NO) as true/false; quote it"
    elif etype == "string_type":
        msg = f"expected text, got {_describe(value)}"
    elif etype == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if "A-Z" in pattern:
            msg = f"{value!r} is not a three-letter ISO country code"
            hint = "use upper-case ISO 3166-1 alpha-3 codes such as COD, ZMB, CHN, USA"
        else:
            msg = f"{value!r} is not a valid id"
            hint = _id_hint(value, data)
    elif etype in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), None)
        words = {"greater_than": "greater than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}[etype]
        msg = f"must be {words} {bound}, got {value}"
        if etype == "less_than" and bound is not None and float(bound) >= 1e6:
            hint = "this number is implausibly large; check its unit and exponent"
        elif (etype == "less_than_equal" and bound is not None and float(bound) == 1.0
              and isinstance(value, int | float) and 1.0 < value <= 100.0):
            hint = (f"shares and fractions are written between 0 and 1: {value:g}% is "
                    f"{value / 100:g} (or write {{value: {value:g}, unit: '%'}})")
        elif (etype == "less_than_equal" and path and path[-1] == "capacity_factor"
              and isinstance(value, int | float) and value <= 100.0):
            hint = (f"a factor multiplies capacity: 0.4 keeps 40%; if {value:g} is a "
                    f"percentage, write {value / 100:g}")
    elif etype in ("finite_number",):
        msg = f"must be a finite number, got {value!r}"
    elif etype in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        msg = f"expected a date such as 2024-01-01, got {value!r}"
        hint = _date_hint(value)
        if hint is None and isinstance(value, str) and unwrap(type_at(path, data)) \
                is not dt.date:
            hint = _days_hint(value, path, data)  # `start: 30 days` where a date or days go
    elif etype == "literal_error":
        expected = ctx.get("expected", "")
        msg = f"{_as_written(value)} is not allowed; expected {expected}"
        options = [o.strip().strip("'") for o in str(expected).replace(" or ", ",").split(",")]
        guess = did_you_mean(str(value), [o for o in options if o])
        if guess:
            hint = f"did you mean {guess!r}?"
    elif etype in ("dict_type", "model_type", "model_attributes_type"):
        if isinstance(value, str) and not is_mapping_field(path, data):
            # a number-or-distribution field: the text fails the mapping branch last, but a
            # number is what is usually meant
            msg = f"expected a number, got {value!r}"
            hint = _unit_hint(value, path, data) or _word_hint(path, value)
        else:
            msg = f"expected a mapping of fields, got {_describe(value)}"
    elif etype == "list_type":
        msg = f"expected a list, got {_describe(value)}"
        if isinstance(value, dict):
            hint = "start each item of a list on its own line with '- ' (or write [a, b])"
    elif etype == "too_short":
        msg = "must not be empty"

    if msg.startswith("must be a whole number of days, got ") and hint is None:
        hint = _whole_hint(path, data, float(msg.rsplit(" ", 1)[1]))
    if comma is not None:  # {copper: 1,800} or {value: 1,450}: the comma, not the field
        hint = comma
    if hint is None and isinstance(value, bool) and "expected a" in msg:
        hint = _BOOL_HINT  # a number refused by a validator of ours, not by pydantic
    if hint is None and isinstance(value, str) and odd_space_name(value):
        hint = (f"the text holds {odd_space_name(value)}, often pasted from a PDF or a web "
                "page, where YAML needs an ordinary space (after a colon, in indentation)")
    converts = _NOT_CONVERTIBLE.search(msg)
    if hint is None and converts:
        hint = _convert_hint(converts.group(1))
    if hint is None and (msg.startswith("must be a calendar date")
                         or msg.startswith("expected a date such as 2025-01-27 or a number")):
        hint = _date_number_hint(value)
    if hint is None and etype != "extra_forbidden":
        hint = _field_hint(path, data)
    issue = Issue(msg, path=path, hint=hint)
    _locate(issue, lines, file)
    return issue


_BOOL_HINT = "YAML reads yes/no/on/off as true/false"

_ID_RULE = ("ids use the lower-case letters a-z (no accents), digits and underscores and "
            "start with a letter")
_ID_SECTIONS = ("commodities", "regions", "sites", "lanes", "channels")
"""The top-level mappings of ids whose ids a misspelt reference is compared with."""


def _id_hint(value: Any, data: Any) -> str:
    """A hint for text that is not a valid id: the id it becomes in lower case, with
    underscores for spaces and hyphens (``Cobalt`` -> ``cobalt``), as a did-you-mean
    when the scenario has that id."""
    if not isinstance(value, str):
        return _ID_RULE
    # accents dropped as well: 'kolwézi' is told 'kolwezi' (review 115)
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    fixed = re.sub(r"[\s-]+", "_", plain.strip()).lower()
    if fixed in PROVENANCE_KEYS:
        # `Source` -> `source` would be refused next: the name is reserved for citations
        return (f"{_ID_RULE}, e.g. {fixed}_site or {fixed}_1 ({fixed!r} itself is "
                "reserved for citations)")
    known = {str(k) for sec in _ID_SECTIONS if isinstance(data, dict)
             and isinstance(data.get(sec), dict) for k in data[sec]}
    if fixed in known and fixed != value:
        # the bad id is among the known ones itself: "did you mean '1'?" for '1' repeats it
        return f"did you mean {fixed!r}? {_ID_RULE}"
    if re.fullmatch(r"[a-z][a-z0-9_]*", fixed):
        return f"{_ID_RULE}, e.g. {fixed}"
    return _ID_RULE


_DATE_OR_NUMBER_ERRORS = ("date_from_datetime_inexact", "date_from_datetime_parsing",
                          "date_parsing", "date_type", "float_parsing", "float_type")
_WITH_TIME = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:[Tt]|\s+)\d{1,2}:\d{2}")


def _time_of_day(value: Any) -> tuple[str, str] | None:
    """The message and hint for a date given with a time of day (``2025-01-01 06:00``,
    which YAML reads as text, or ``2025-01-01T06:00:00``, which it reads as a moment);
    None for anything else. A scenario counts whole days."""
    if isinstance(value, dt.datetime):
        day, shown = value.date().isoformat(), value.isoformat(sep=" ", timespec="minutes")
    elif isinstance(value, str) and (m := _WITH_TIME.match(value)):
        day, shown = m.group(1), value.strip()
    else:
        return None
    return (f"expected a date without a time of day, e.g. 2025-01-01, got {shown}",
            f"write {day}: the model counts whole days, so a time of day cannot be given")


_SHORT_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")


_MONTHS = MONTHS
"""Month names for date hints (not the locale's: hints are in English)."""


_YEAR_LAST = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_WORD_DATE = re.compile(r"^\s*(?:(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?|([A-Za-z]+)\.?\s+"
                        r"(\d{1,2})(?:st|nd|rd|th)?,?)\s+(\d{4})\s*$")
_WEEK_OR_ORDINAL = re.compile(r"^\s*(\d{4}-W\d{2}(?:-\d)?|\d{4}W\d{2}\d?|\d{4}-\d{3})\s*$")


def _month_of(word: str) -> int | None:
    """1-12 for an English month's name or its first three letters or more (``Sept``)."""
    word = word.lower()
    for i, name in enumerate(_MONTHS):
        if len(word) >= 3 and name.lower().startswith(word):
            return i + 1
    return None


def _date_hint(value: Any) -> str | None:
    """A hint for a date written as YAML does not read one: without leading zeros or with
    other separators (``2025-3-1``), with the year last (``01/03/2025``, whose day and
    month order the hint cannot know when both are 12 or less), or in words (``1 March
    2025``, ``March 1, 2025``): the same date as YYYY-MM-DD. None for other text."""
    if not isinstance(value, str):
        return None
    m = _SHORT_DATE.match(value)
    if m is None:
        return _year_last_hint(value) or _word_date_hint(value) or _week_or_ordinal_hint(value)
    year, month, day = (int(g) for g in m.groups())
    try:
        date = dt.date(year, month, day)
    except ValueError:
        # say what is wrong with this date, not an unrelated example that reads as its fix
        return f"{no_such_date(f'{year:04d}-{month}-{day}')}; write dates as YYYY-MM-DD"
    return f"write {date.isoformat()} (YYYY-MM-DD, with two digits for month and day)"


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_last_hint(value: str) -> str | None:
    m = _YEAR_LAST.match(value)
    if m is None:
        return None
    a, b, year = (int(g) for g in m.groups())
    day_first, month_first = _valid(year, b, a), _valid(year, a, b)
    if day_first and month_first and day_first != month_first:
        return (f"write dates as YYYY-MM-DD: {day_first.isoformat()} for "
                f"{day_first.day} {_MONTHS[day_first.month - 1]}, or "
                f"{month_first.isoformat()} for {month_first.day} "
                f"{_MONTHS[month_first.month - 1]}")
    date = day_first or month_first
    return (f"write {date.isoformat()} (YYYY-MM-DD)" if date
            else "write dates as YYYY-MM-DD")


def _week_or_ordinal_hint(value: str) -> str | None:
    """ISO 8601's other date forms, which Python reads but YAML and pydantic do not: a week
    and weekday (``2025-W05-1``, its Monday when the day is left out) or a day of the year
    (``2025-032``), as the same date in YYYY-MM-DD."""
    m = _WEEK_OR_ORDINAL.match(value)
    if m is None:
        return None
    written = m.group(1)
    if "W" not in written:
        # Python 3.11's fromisoformat reads weeks but not days of the year
        year, day = int(written[:4]), int(written[5:])
        days_in_year = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        if not 1 <= day <= days_in_year:
            return f"{year} has days 1 to {days_in_year}; write dates as YYYY-MM-DD"
        date = dt.date(year, 1, 1) + dt.timedelta(days=day - 1)
        return f"write {date.isoformat()} (YYYY-MM-DD), day {day} of {year}"
    try:
        date = dt.date.fromisoformat(written)
    except ValueError:
        return "write dates as YYYY-MM-DD"
    return (f"write {date.isoformat()} (YYYY-MM-DD), the {date:%A} of ISO week "
            f"{date.isocalendar().week} of {date.isocalendar().year}")


def _word_date_hint(value: str) -> str | None:
    m = _WORD_DATE.match(value)
    if m is None:
        return None
    day_text, month_text = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    month = _month_of(month_text)
    if month is None:
        return None
    date = _valid(int(m.group(5)), month, int(day_text))
    if date:
        return f"write {date.isoformat()} (YYYY-MM-DD)"
    # as a YYYY-MM-DD date is told: "1 January 0000" read "January 0000 has no day 1"
    return f"{no_such_date(f'{m.group(5)}-{month}-{day_text}')}; write dates as YYYY-MM-DD"


_DAY_WORDS = {"daily": 1, "weekly": 7, "fortnightly": 14, "monthly": 30.4375,
              "quarterly": 91.3125, "yearly": 365.25, "annually": 365.25}
"""Words for a frequency, and the days between events they mean (a month is 30.4375
days and a year 365.25 here, as the units say)."""


def _word_hint(path: PathT, value: str) -> str:
    """A hint for a word where a number (or a distribution) goes: in days for a
    ``..._days`` field written as a frequency (``weekly``)."""
    return _day_word_hint(path, value) or (
        "give a number, or a distribution such as "
        "{dist: triangular, low: 1, mode: 2, high: 4}")


def _day_word_hint(path: PathT, value: str) -> str | None:
    """For a ``..._days`` field written as a frequency (``weekly``), the number of days it
    means (and the same with a unit); None for any other word or field."""
    days = _DAY_WORDS.get(value.strip().lower())
    if days is not None and path and str(path[-1]).endswith("_days"):
        unit = {7: "week", 30.4375: "month", 365.25: "yr"}.get(days)
        return f"write {days:g} (days)" + (f", or {{value: 1, unit: {unit}}}" if unit else "")
    return None


def _whole_hint(path: PathT, data: Any, got: float) -> str:
    """A hint for ``got`` where a field takes whole numbers: the whole numbers either side,
    and how a value written in years or months came to ``got`` days (a year is 365.25
    days here, a month 30.4375); for ``horizon_days``, that an ``end`` date also does, and
    for ``series_period_days``, that ``month`` gives calendar months."""
    node: Any = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    low, high = math.floor(got), math.ceil(got)
    text = f"give {low} or {high}" if low >= 1 else f"give {high}"
    if isinstance(node, dict) and "unit" in node and "value" in node:
        days = " days" if path and str(path[-1]).endswith("_days") else ""
        text = f"{node['value']} {node['unit']} = {got:g}{days} here: {text}"
    if path == ("horizon_days",):
        text += ", or an `end` date"
    elif path == ("series_period_days",):
        # a month written as days is never whole; the word gives true calendar months
        text += ", or month for calendar months"
    return text


def _comma_hint_at(path: PathT, value: Any, data: Any) -> str | None:
    """The hint for a number written with a comma in ``{ }`` (:func:`comma_hint`), if the
    error at ``path`` (whose input is ``value``) comes from one: a stray digit key at the
    end of ``path``, or one inside the mapping ``value``."""
    if isinstance(value, dict):
        hint = next((h for k in value if (h := comma_hint(value, k))), None)
        if hint:
            return hint
    if not path:
        return None
    node: Any = data
    for part in path[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    return comma_hint(node, path[-1])


def _merge_union_issues(issues: list[Issue]) -> list[Issue]:
    """One issue per field: pydantic reports each branch of a union (date or number of
    days) separately; say what was expected once."""
    out: list[Issue] = []
    seen: dict[tuple[Any, ...], Issue] = {}
    for issue in issues:
        key = (issue.file, issue.line, tuple(issue.path))
        first = seen.get(key)
        if first is None:
            seen[key] = issue
            out.append(issue)
            continue
        texts = {first.message.split(",")[0], issue.message.split(",")[0]}
        if texts == {"expected a number", "expected a date such as 2024-01-01"} or (
                "expected a date such as 2024-01-01" in first.message
                and "expected a number" in issue.message):
            got = issue.message.split("got ", 1)[-1]
            first.message = f"expected a date such as 2025-01-27 or a number of days, got {got}"
        elif issue.message != first.message and not (
                issue.hint == first.hint and issue.hint and "a comma separates" in issue.hint):
            out.append(issue)
    return out


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"text {value!r}"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in value)
        return f"a mapping (keys: {keys})"[:80]
    if isinstance(value, dt.date):
        return _as_written(value)
    return f"{type(value).__name__} {value!r}"[:80]


def _as_written(value: Any) -> str:
    """``value`` as a message shows what was written: a date as YAML wrote it (``the date
    2024-05-01``), not Python's ``datetime.date(2024, 5, 1)``; anything else as its repr."""
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return repr(value)


_NUMBER_WITH_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*"
                               r"([A-Za-z%$][\w/%$* ]*?)\s*$")


_NOT_CONVERTIBLE = re.compile(r"cannot be converted to '([^']+)'")
_UNIT_EXAMPLES = {"t/yr": "kt/yr, t/day", "t": "kt, oz", "day": "week, month, yr",
                  "t/day": "t/yr, kt/yr", "usd/t": "usd/oz, usd/lb",
                  "1/yr": "1/month", "truck/day": "trucks/week"}
"""Units of the same kind as each unit a field is in (as :mod:`sim.scenario.types` names
it), to name in a hint; a field without a unit (``1``) has a hint of its own."""


def _convert_hint(target: str) -> str:
    """The hint for a unit that cannot be converted to ``target``, a field's unit."""
    if target == "1":
        return "this field is a number without a unit: give it so, or in % (50% is 0.5)"
    examples = _UNIT_EXAMPLES.get(target)
    return f"this field is in {target}: give the number in {target}" + (
        f", or with a unit of the same kind ({examples})" if examples else "")


def _field_hint(path: PathT, data: Any) -> str | None:
    """What the field at ``path`` holds, from its schema description (the field itself, or
    the mapping it is an entry of): a hint for a value of the wrong type or size."""
    for end in (len(path), len(path) - 1):
        if end < 1 or not isinstance(path[end - 1], str):
            continue
        model = model_at(path[:end - 1], data)
        key = path[end - 1]
        fld = None if model is None else next(
            (f for n, f in model.model_fields.items() if (f.alias or n) == key), None)
        if fld is not None and fld.description:
            text = " ".join(fld.description.split("\n\n")[0].replace("``", "").split())
            return f"{key}: {_lower_first(text.split('. ')[0])}"
    return None


_PREFIXED = re.compile(r"^\s*([-+]?)0([oObBxX])([0-9A-Za-z_]*)\s*$")


def _prefixed_hint(text: str) -> str | None:
    """A hint for a number in Python's or YAML 1.2's notation for another base (``0o17``),
    which YAML 1.1 reads as text; None for any other text."""
    m = _PREFIXED.match(text)
    if m is None:
        return None
    sign, letter, digits = m.groups()
    base = {"o": 8, "b": 2, "x": 16}[letter.lower()]
    name = {8: "octal", 2: "binary", 16: "hexadecimal"}[base]
    try:
        number = int(sign + digits.replace("_", ""), base)
    except ValueError:
        return f"{text.strip()} is not a number: write the number in decimal"
    return (f"{text.strip()} is {name} notation, which scenario files do not read: write "
            f"the number in decimal, {number}")


def _unit_hint(text: str, path: PathT, data: Any) -> str | None:
    """A hint for a number written with its unit in one piece ("21 days", "40%") at
    ``path``, or in the notation of another base (``0o17``, which is no number 0 in unit
    ``o17``)."""
    prefixed = _prefixed_hint(text)
    if prefixed is not None:
        return prefixed
    m = _NUMBER_WITH_UNIT.match(text)
    if m is None:
        return None
    number, unit = m.group(1), m.group(2)
    if unit in ("%", "percent"):
        return (f"write {number}% as {float(number) / 100:g}, or as "
                f"{{value: {number}, unit: '%'}}")
    return _apart_hint(number, unit, path, data)


def _apart_hint(number: str, unit: str, path: PathT, data: Any) -> str:
    """How to write ``number unit`` (given in one piece) as ``{value: ..., unit: ...}`` at
    ``path``. The form is validated there before it is suggested: repeating the unit as
    written would lead into the next error when it does not fit the field (``20 kt`` for
    a field in ``t/yr``, ``1 yr`` for a whole number of days)."""
    value = float(number)
    # as written: the whole-days hint repeats it ("1 yr = 365.25 days", not "1.0 yr")
    shown: float | int = int(value) if value.is_integer() and "." not in number else value
    refused = _refusal_at(path, data, {"value": shown, "unit": unit})
    if refused is None:
        return f"give the unit apart from the number: {{value: {number}, unit: {unit}}}"
    issue, trial = refused
    converts = _NOT_CONVERTIBLE.search(issue.message)
    if converts:
        target = converts.group(1)
        fitting = _fitting_unit(unit, target)
        if fitting is not None and _refusal_at(
                path, data, {"value": shown, "unit": fitting}) is None:
            return (f"this field is in {target}: give the unit apart from the number, "
                    f"e.g. {{value: {number}, unit: {fitting}}}")
        return _convert_hint(target)
    if issue.message.startswith("must be a whole number"):
        # the unit fits, but what it comes to is not whole (1 yr is 365.25 days)
        return _whole_hint(path, trial, float(issue.message.rsplit(" ", 1)[1]))
    return f"{{value: {number}, unit: {unit}}} is refused too: {issue.message}"


def _fitting_unit(unit: str, target: str) -> str | None:
    """``unit`` made to fit ``target`` by dividing it by what ``target`` counts per
    (``kt`` for ``t/yr`` gives ``kt/yr``, ``trucks`` for ``truck/day`` gives
    ``trucks/day``); None when ``unit`` is not of the kind of ``target``'s first part."""
    if "/" in unit or "/" not in target:
        return None
    top, per = target.split("/", 1)
    try:
        convert(1.0, unit, top or "1")
    except UnitError:
        return None
    return f"{unit}/{per}"


def _refusal_at(path: PathT, data: Any, value: Any) -> tuple[Issue, Any] | None:
    """Whether the schema accepts ``value`` at ``path`` of ``data`` (the rest as it is):
    None if it does, else the first issue there and the data tried."""
    trial = copy.deepcopy(data)
    node: Any = trial
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    if not path:
        return None
    last = path[-1]
    if isinstance(node, dict):
        node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value
    else:
        return None
    try:
        Scenario.model_validate(trial)
    except ValidationError as exc:
        for err in exc.errors():
            where, _ = _data_path(tuple(err["loc"]), trial, err["type"])
            if where[:len(path)] == path:
                return _issue_from_error(dict(err), trial, {}, ""), trial
    return None


def _date_number_hint(value: Any) -> str | None:
    """For a whole number where a calendar date goes that reads as one (a year, or a date
    written without its dashes, 20240501): the date to write; None for any other value.
    (A time of day such as 12:30, which YAML would read as a number in base 60, is refused
    where it is read.)"""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())  # quoted: start: '20240501'
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    if 1900 <= value <= 2100:
        return f"a year alone is not a date: write {value}-01-01, or the day meant"
    text = str(value)
    if len(text) == 8:
        try:
            day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
        return f"write the date with dashes: {day.isoformat()}"
    return None


def _days_hint(text: str, path: PathT, data: Any) -> str | None:
    """A hint for a number and its unit in one piece ("30 days", "2 weeks") where a date
    or a number of days goes (an event's ``start``, at ``path``)."""
    prefixed = _prefixed_hint(text)
    if prefixed is not None:
        return prefixed
    m = _NUMBER_WITH_UNIT.match(text)
    if m is None:
        return None
    number, unit = m.group(1), m.group(2)
    if unit.lower() in ("d", "day", "days"):
        return (f"write {number} (days after the scenario's start), or a date such as "
                "2025-01-27")
    return (f"{_apart_hint(number, unit, path, data)}; or write a number of days after "
            "the scenario's start, or a date such as 2025-01-27")


def _lower_first(text: str) -> str:
    """``text`` to follow other words: its first letter lower-cased, unless its first word
    is an acronym ("ISO 3166-1 ...", "KPIs ..."; two capitals at its start), and without
    a final full stop."""
    if len(text) > 1 and text[0].isupper() and text[1].isupper():
        return text.rstrip(".")
    return text[:1].lower() + text[1:].rstrip(".")
