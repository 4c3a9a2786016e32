"""Put a scenario document together: ``extends:``, ``--set`` overrides and provenance.

* ``extends: other.yaml`` (a path relative to the extending file's folder, as that file
  was named: a symbolic link's own folder, not its target's, or an absolute path; ``~``
  and ``$VARIABLES`` are not expanded, here as in every path read from a file, so that a
  scenario means the same on every machine) inherits every value of the other
  scenario. Mappings of fields merge key by key, recursively; any other value
  (number, text, list) replaces the inherited one, and so does a single value written as a
  mapping, a quantity ``{value: ...}`` or a distribution ``{dist: ...}``: it replaces the
  inherited value whole, with its ``unit:``, ``source:`` and ``assumption:``, and keeps
  only the keys the child writes. ``{value: 5}`` over ``{value: 3, unit: week, source: X}``
  is 5 days, uncited, never 5 weeks under X's name. Some parameters alone (``{high: 20}``
  over a cited ``{dist: triangular, ...}``) change the inherited distribution in place, and
  the result is uncited unless the child cites it. A child's value that changes one
  beside an inherited ``source:`` (a number, ``{value: ...}`` or ``{dist: ...}`` without a
  citation of its own) leaves the mapping uncited, without the inherited ``note:`` either:
  that source never gave it. A child that cites a mapping (``source:`` or
  ``assumption:``) replaces the inherited citation whole, ``note:`` included unless it
  writes its own: ``{share: 0, assumption: A}`` over ``{share: 0.15, source: S,
  assumption: B}`` is cited by A alone, at the child's line; S argued for 0.15. A key set
  to ``null`` removes the inherited key (and is remembered, so that what still refers to a
  removed id says who removed it); a null for a key that is neither inherited nor a field
  of the schema is an error, since it is a typo or the digits after a comma in ``{copper:
  1,800,000}`` (YAML's ``copper: 1, '800': null, '000': null``), while a null for a field
  left at its default is harmless. A child's number without a unit over a value the
  parent gave in a unit is noted, as ``--set`` notes it.
* ``name``, ``title``, ``question`` and ``description`` describe the file they are written
  in. ``name`` names the results folder and figures, so a file that extends another must
  give its own (or ``--set name=...``): taking the parent's, it would overwrite the
  parent's results. ``title``, ``question`` and ``description`` are not inherited: the
  baseline's description under another scenario's title would describe the wrong one.
  ``extends: [a.yaml, b.yaml]`` merges several in order (later ones win), each file once:
  if both extend ``baseline.yaml``, ``b.yaml``'s own values go over ``a.yaml``'s, and its
  copy of the baseline does not undo ``a.yaml``'s changes to it; where ``a.yaml`` and
  ``b.yaml`` set one field differently (neither extending the other) and the extending
  file does not set it, a note names both (review 206). Chains of ``extends`` are allowed,
  cycles are not.
* ``--set key.path=value`` overrides one value after merging. The value is read as YAML,
  by the same safe reader as the files (duplicate keys, tags and invalid dates are
  refused), so ``--set horizon_days=730`` gives a number and ``--set lanes.x.mode=rail``
  text. The new value replaces the old one whole: a bare number is in the field's own
  unit even where the file wrote ``{value: ..., unit: usd/oz}``, and its citation is the
  override itself. Mappings on the way to the target are created when missing (list
  items are not: a list is given whole, ``--set 'lanes.x.regions=[home]'``), except an
  id that does not exist in a mapping of ids (``sites``, ``lanes``,
  ``shocks.events``, a regime's ``states`` ...): ``--set sites.bordr.servers=2`` is a typo
  of ``border`` far more often than a new site, which is given whole instead
  (``--set 'sites.new={kind: junction, ...}'``). The loader reports those, and any error
  in what an override wrote, at the ``--set``. ``extends`` cannot be set: it names files
  relative to the file it is written in. An item of a list is named by its place
  (``schedule[0]``), and ``null`` removes it. The places in one set of overrides are the
  list's as it was before any of them removed an item: ``--set s[0]=null --set s[1]=null``
  removes the first two items in either order (the errors that name several items to
  remove each give its place in the list as the file wrote it).
* Provenance: any mapping may carry ``source:`` (a citation), ``assumption:`` (why a
  judgement was made) and ``note:`` (free text). They describe the values next to them,
  are collected into a :class:`Provenance` table and removed before validation, so the
  schema itself never has to mention them. A cited ``{value: x, source: ...}`` becomes
  ``x``, whatever its type, so a date or a name can be cited like a number.
"""

from __future__ import annotations

import copy
import datetime as dt
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import Issue, PathT, ScenarioError, did_you_mean, format_path
from sim.scenario.schema import Scenario
from sim.scenario.schema_paths import is_id_mapping, singular, type_at
from sim.scenario.yamlio import (
    LineMap,
    foreign_file_hint,
    missing_path_hints,
    on_disk,
    parse_yaml,
    read_yaml,
)
from sim.units import UnitError, in_base_units

PROVENANCE_KEYS = ("source", "assumption", "note")
OWN_WORDS = ("title", "question", "description")
"""Top-level fields that describe the file they are written in, and that a file extending
another does not inherit (``name`` neither, but a child must give its own: see
:attr:`RawScenario.unnamed`)."""
MAX_EXTENDS_DEPTH = 10


@dataclass
class RawScenario:
    """A merged scenario document before validation."""

    data: dict[str, Any]
    lines: LineMap
    files: list[str]
    """Every file that contributed, the extending file first."""
    overrides: list[str] = field(default_factory=list)
    override_paths: dict[PathT, str] = field(default_factory=dict)
    """Paths set by ``--set``, with the override text (their citation)."""
    created: dict[PathT, str] = field(default_factory=dict)
    """Keys that did not exist and that an override created on the way to the value it set
    (``sites.bordr`` for ``--set sites.bordr.servers=2``), with the override text."""
    absent_removed: dict[PathT, tuple[str, int | None, int | None, str | None]] = field(
        default_factory=dict)
    """Keys set to null that were not there, by an override or by a file over what it
    extends, with where that was written (``--set ...`` or a file; line and column) and a
    hint (or None): a field left at its default (``--set horizon_days=null`` where ``end``
    is given), a typo, or the digits after a comma in ``{copper: 1,800,000}``."""
    notes: list[str] = field(default_factory=list)
    """What an override or an extending file did that the user may not have meant (a
    number without a unit over a value given in another unit), to show beside the
    scenario's summary."""
    removed: dict[PathT, str] = field(default_factory=dict)
    """Inherited keys that a file's ``null`` or a ``--set ...=null`` removed, with who
    removed them (``child.yaml:7`` or ``--set ...``), so that what still refers to a removed
    id is told so instead of being offered a look-alike id."""
    unnamed: tuple[str, int | None, int | None] | None = None
    """Where the ``extends`` of a file that extends another without a ``name`` of its own
    was written (file, line, column); None when the file names itself, or when ``--set
    name=...`` does."""
    added: dict[PathT, list[str]] = field(default_factory=dict)
    """Keys a file added beside keys it inherited (``sites.kasumbalsa`` beside the
    parent's sites), with the inherited keys: in a mapping of ids, a new id that fails
    validation is far more often a typo of an inherited one than a new entry, and the
    loader says so instead of listing the fields a new entry would need."""
    removed_lanes: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    """The (from, to) sites of each inherited lane that a null removed (its own, or a
    ``lanes: null``), with the lane's id and who removed it as in :attr:`removed`: a route
    left without it names a pair of sites, not the lane's id."""
    ancestors: dict[str, set[str]] = field(default_factory=dict)
    """Every file each file extends, directly or not (resolved paths as text): a hint for
    a reference left without what a file removed names the file to change it in, which
    is the remover only when the reference is its own or inherited by it (review 210)."""


@dataclass
class Citation:
    """The provenance attached to one mapping of a scenario."""

    path: PathT
    source: str | None = None
    assumption: str | None = None
    note: str | None = None
    file: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": format_path(self.path)}
        for key in ("source", "assumption", "note", "file", "line"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass
class Provenance:
    """Citations of a scenario, by the path of the mapping that carries them."""

    citations: dict[PathT, Citation] = field(default_factory=dict)
    uncited: list[tuple[PathT, Any]] = field(default_factory=list)
    """Numeric values whose enclosing mapping has neither ``source`` nor ``assumption``. A
    quantity (``{value: ..., unit: ...}``) or distribution (``{dist: ...}``) mapping without
    its own citation takes that of the mapping around it."""
    uncited_where: dict[PathT, tuple[str, int | None]] = field(default_factory=dict)
    """File (or ``--set ...``) and line of each uncited value, where known."""

    def for_path(self, path: PathT) -> Citation | None:
        """The citation of the nearest mapping at or above ``path``."""
        p = tuple(path)
        while True:
            if p in self.citations:
                return self.citations[p]
            if not p:
                return None
            p = p[:-1]


def _is_single_value(node: dict[str, Any]) -> bool:
    """Whether a mapping is one value, a quantity ``{value: ...}`` or a distribution
    ``{dist: ...}``, rather than a mapping of fields."""
    return "value" in node or "dist" in node


def _is_number(value: Any) -> bool:
    """Whether ``value`` is a number as a scenario means it (``true`` is not 1)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def lost_unit(current: Any, new: Any, path: PathT = ()) -> str | None:
    """The unit that ``new``, replacing ``current`` whole, silently drops: that of a
    quantity or distribution written with ``unit:`` (``{value: 2700, unit: USD/oz}``),
    when ``new`` is a number, or a quantity or distribution without a unit of its own, and
    so read in the field's own unit. None when nothing is dropped, and when that unit is
    the field's own (``t/yr`` for a ``t_per_year`` at ``path``): a number means the same
    with it or without."""
    if not isinstance(current, dict) or not _is_single_value(current):
        return None
    unit = current.get("unit")
    if unit is None:
        return None
    if _is_field_unit(unit, path):
        return None
    if isinstance(new, dict):
        if not _is_single_value(new) or "unit" in new:
            return None
        if "value" in new and not _is_number(new["value"]):
            return None  # {value: balance} or a date is not a number in any unit
    elif not _is_number(new):
        return None
    return str(unit)


def _is_field_unit(unit: Any, path: PathT) -> bool:
    """Whether ``unit`` is the own unit (factor 1) of the field that ``path`` ends at, as
    the schema's type for a field of that name converts to; False when not known."""
    from sim.units import UnitError, convert

    name = next((p for p in reversed(path) if isinstance(p, str)), None) if path else None
    own = _field_units().get(name) if name is not None else None
    if own is None or not isinstance(unit, str):
        return False
    for target in own:
        try:
            if abs(convert(1.0, unit, target) - 1.0) <= 1e-12:
                return True
        except UnitError:
            continue
    return False


_FIELD_UNITS: dict[str, tuple[str, ...]] | None = None


def _field_units() -> dict[str, tuple[str, ...]]:
    """The unit each scenario field converts a ``{value:, unit:}`` to, by field name
    (with ``t/truck`` beside ``t`` for a payload), read from the schema's types; a name
    whose fields differ in unit is left out."""
    global _FIELD_UNITS
    if _FIELD_UNITS is not None:
        return _FIELD_UNITS
    import typing

    from pydantic import BaseModel

    found: dict[str, set[tuple[str, ...]]] = {}
    seen: set[type] = set()

    def units_of(tp: Any) -> tuple[str, ...] | None:
        for meta in getattr(tp, "__metadata__", ()):
            func = getattr(meta, "func", None)
            cells = dict(zip(getattr(getattr(func, "__code__", None), "co_freevars", ()),
                             getattr(func, "__closure__", None) or (), strict=False))
            if "unit" in cells:
                unit = cells["unit"].cell_contents
                per = cells["per"].cell_contents if "per" in cells else None
                return (unit, f"{unit}/{per}") if per else (unit,)
        for arg in typing.get_args(tp):
            got = units_of(arg)
            if got:
                return got
        return None

    def models(tp: Any) -> list[type]:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [tp]
        return [m for arg in typing.get_args(tp) for m in models(arg)]

    def walk(model: type) -> None:
        if model in seen:
            return
        seen.add(model)
        hints = typing.get_type_hints(model, include_extras=True)
        for name in model.model_fields:
            tp = hints.get(name)
            got = units_of(tp)
            if got:
                found.setdefault(name, set()).add(got)
            for sub in models(tp):
                walk(sub)

    try:
        walk(Scenario)
    except Exception:  # noqa: BLE001 - a schema this cannot read keeps every note
        found = {}
    _FIELD_UNITS = {name: next(iter(u)) for name, u in found.items() if len(u) == 1}
    return _FIELD_UNITS


def unit_note(where: str, origin: str, path: PathT, current: dict[str, Any], unit: str,
              number: str, keep: str) -> str:
    """The note for ``number`` (words: "the bare number") written at ``where`` without a
    unit, which replaced ``current``, given by ``origin`` in ``unit``; ``keep`` says how to
    keep that unit."""
    given = (f"{current['value']} {unit}" if "value" in current
             else f"a {current.get('dist')} distribution in {unit}")
    return (f"{where}: {origin} gave {format_path(path)} as {given}; {number} is read in the "
            f"field's own unit, not {unit} ({keep})")


def comma_hint(mapping: Any, key: Any) -> str | None:
    """A hint for ``key`` of ``mapping`` when it is the digits after a comma in a number
    written in ``{ }`` (``{copper: 1,800,000}`` reads as ``copper: 1, '800': null,
    '000': null``); None for any other key."""
    if not isinstance(mapping, dict) or not str(key).isdigit() or key not in mapping \
            or mapping[key] is not None:
        return None
    keys = list(mapping)

    def stray(k: Any) -> bool:
        return str(k).isdigit() and mapping[k] is None

    start = end = keys.index(key)
    while start > 0 and stray(keys[start - 1]):
        start -= 1
    while end + 1 < len(keys) and stray(keys[end + 1]):
        end += 1
    if start == 0 or not _is_number(mapping[keys[start - 1]]):
        return None
    groups = [str(mapping[keys[start - 1]]), *(str(k) for k in keys[start:end + 1])]
    fix = "".join(groups)
    if len(groups) == 2:
        fix += f", or {groups[0]}.{groups[1]} for a decimal comma"
    return (f"a comma separates YAML entries in {{ }}: {','.join(groups)} reads as "
            f"{groups[0]} and the key{'s' if len(groups) > 2 else ''} "
            f"{' and '.join(groups[1:])}; write {fix}")


@dataclass
class _MergeLog:
    """What merging a child over its parents did besides merging."""

    replaced: list[PathT] = field(default_factory=list)
    """Paths of inherited values that the child replaced or removed."""
    lost_units: list[tuple[PathT, dict[str, Any], Any]] = field(default_factory=list)
    """(path, inherited value, child's value) for each value with a unit that the child
    replaced by a number without one (see :func:`lost_unit`)."""
    absent: list[tuple[PathT, str | None]] = field(default_factory=list)
    """Keys the child set to null that were not there, with a hint (see
    :func:`comma_hint`)."""
    removed: list[PathT] = field(default_factory=list)
    """Paths of inherited keys the child set to null."""
    added: list[tuple[PathT, list[str]]] = field(default_factory=list)
    """Keys the child added to an inherited mapping that had others, with those others."""


def _merge(base: Any, child: Any, path: PathT = (), log: _MergeLog | None = None) -> Any:
    """``child`` merged over ``base``; ``log`` records what the child replaced or removed,
    the units its values dropped and its nulls that removed nothing.

    A single value written as a mapping replaces the inherited one whole: a value's
    number, unit, parameters and citation belong together. Merged key by key, a child's
    ``{value: 77000000}`` would be read in the parent's ``unit: usd/oz``, two distributions
    would mix their parameters, and a number the child wrote would pass as cited by the
    parent's ``source:``."""
    if isinstance(base, dict) and isinstance(child, dict) and not _is_single_value(child):
        out = dict(base)
        for key, value in child.items():
            if value is None:
                if key in out:
                    if out.pop(key) is not None and log is not None:
                        log.replaced.append((*path, key))
                        log.removed.append((*path, key))
                elif log is not None:
                    # removing nothing hides a typo, or the digits after a comma in {1,800}
                    log.absent.append(((*path, key), comma_hint(child, key)))
            elif key in out:
                out[key] = _merge(out[key], value, (*path, key), log)
            else:
                inherited = [str(k) for k in base if k not in PROVENANCE_KEYS]
                if inherited and log is not None:
                    log.added.append(((*path, key), inherited))
                out[key] = value
        restated = any(k in child for k in ("source", "assumption"))
        changed = [k for k in child if k not in PROVENANCE_KEYS]
        if restated:
            # the child's citation is the mapping's whole citation: the parent's `source:`
            # kept beside the child's `assumption:` would argue for the value the child
            # replaced, under the child's file and line (review 193)
            for key in PROVENANCE_KEYS:
                if key not in child and out.pop(key, None) is not None and log is not None:
                    log.replaced.append((*path, key))
        elif changed and (
                _is_single_value(base)
                or any(_changes_cited_value(base.get(k), child[k]) for k in changed)):
            # {high: 20} over a cited distribution, or {copper: 5} (or {value: 5, unit:
            # t/yr}) beside the parent's `source:` for {copper: 36525}, changes a number
            # the parent's source never gave: the merged mapping is uncited until the child
            # cites it, and the parent's `note:` on the old number goes with its citation
            for key in PROVENANCE_KEYS:
                if key not in child and out.pop(key, None) is not None and log is not None:
                    log.replaced.append((*path, key))
        return out
    if log is not None:
        log.replaced.append(path)
        if lost_unit(base, child, path) is not None:
            log.lost_units.append((path, base, child))
    return child


def _changes_cited_value(base: Any, child: Any) -> bool:
    """Whether ``child``, merged over ``base`` (a key of a mapping), changes a value that
    the citation of that mapping covers: a number, text or list, a quantity ``{value:
    ...}`` or distribution ``{dist: ...}`` (which take the citation of the mapping around
    them), or some parameters over such a one (``{high: 20}``). A value citing itself
    (``{value: 5, source: ...}``) does not, nor a mapping of fields, whose own citations
    cover what it holds."""
    if not isinstance(child, dict):
        return child != base
    if not (_is_single_value(child) or (isinstance(base, dict) and _is_single_value(base))):
        return False
    if any(k in child for k in ("source", "assumption")):
        return False
    if _is_single_value(child) or not isinstance(base, dict):
        return child != base
    return any(child[k] != base.get(k) for k in child if k not in PROVENANCE_KEYS)


def load_raw(path: Path) -> RawScenario:
    """Read ``path`` and everything it extends into one merged document.

    The files are applied in order, parents before children, and each file once: when two
    parents extend the same file (both extend ``baseline.yaml``), the second parent's own
    values are merged over the first's, not its copy of the base they share, so neither
    parent's changes to that base are undone by the other.

    The extending file's own ``title``, ``question`` and ``description`` alone are kept
    (:data:`OWN_WORDS`), and an extending file without a ``name`` is recorded in
    :attr:`RawScenario.unnamed` for the loader to refuse."""
    order: list[tuple[Path, dict[str, Any], LineMap]] = []
    parents_of: dict[Path, list[Path]] = {}
    _linearize(Path(on_disk(Path("."), str(path))), (), order, set(), parents_of)
    clashes: list[tuple[PathT, Path, Path, Any, Any]] = []
    merged: dict[str, Any] = {}
    merged_lines: LineMap = {}
    notes: list[str] = []
    absent: dict[PathT, tuple[str, int | None, int | None, str | None]] = {}
    removed: dict[PathT, str] = {}
    removed_lanes: dict[tuple[str, str], tuple[str, str]] = {}
    added: dict[PathT, list[str]] = {}
    for i, (file, data, lines) in enumerate(order):
        if i and i == len(order) - 1:
            # the parents' own words would describe another scenario under this one's name
            merged = {k: v for k, v in merged.items() if k not in OWN_WORDS}
            merged_lines = {p: w for p, w in merged_lines.items() if p[:1] not in
                            [(k,) for k in OWN_WORDS]}
        log = _MergeLog()
        before = merged  # _merge copies what it changes: the removed values stay here
        merged = _merge(merged, data, (), log)
        if i:  # the first file has nothing to remove, nor anything to add to
            absent.update(_absent_in(file, lines, log))
            added.update(log.added)
            for key_path in log.removed:
                where = lines.get(key_path)
                removed[key_path] = (f"{file}:{where[1]}" if where and where[1] is not None
                                     else str(file))
                _note_removed_lanes(key_path, _value_at(before, key_path),
                                    removed[key_path], removed_lanes)
        notes += [_lost_unit_note(file, lines, merged_lines, p, base, child)
                  for p, base, child in log.lost_units]
        clashes += _clashes(file, log.replaced, before, merged, merged_lines, parents_of)
        # the lines of what a child replaced (a parent's `low:` under a distribution the
        # child rewrote) must not locate errors in the child's value
        gone = set(log.replaced)
        if gone:
            merged_lines = {p: where for p, where in merged_lines.items()
                            if not any(p[:n] in gone for n in range(1, len(p)))}
        merged_lines.update(lines)
    notes += _clash_notes(clashes, merged_lines, order[-1][0])
    files = [str(f) for f, _d, _l in reversed(order)]
    unnamed = None
    top_file, top_data, top_lines = order[-1]
    if len(order) > 1 and "name" not in top_data:
        unnamed = top_lines.get(("extends",), (str(top_file), None, None))
    ancestors = {str(f.resolve()): {str(a) for a in _ancestors(f, parents_of)}
                 for f, _d, _l in order}
    return RawScenario(merged, merged_lines, files, absent_removed=absent, notes=notes,
                       removed=removed, unnamed=unnamed, added=added,
                       removed_lanes=removed_lanes, ancestors=ancestors)


def _value_at(data: Any, path: PathT) -> Any:
    """The value at ``path`` in ``data`` (None where there is none)."""
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _note_removed_lanes(path: PathT, value: Any, who: str,
                        into: dict[tuple[str, str], tuple[str, str]]) -> None:
    """Record in ``into`` the (from, to) sites of the lanes that removing ``value`` at
    ``path`` removed (one lane at ``lanes.<id>``, every lane at ``lanes``), with the
    lane's id and ``who`` removed it."""
    lanes: list[tuple[Any, Any]]
    if path == ("lanes",) and isinstance(value, dict):
        lanes = list(value.items())
    elif len(path) == 2 and path[0] == "lanes":
        lanes = [(path[1], value)]
    else:
        return
    for lid, lane in lanes:
        if isinstance(lane, dict) and isinstance(lane.get("from"), str) \
                and isinstance(lane.get("to"), str):
            into[(lane["from"], lane["to"])] = (str(lid), who)


def _absent_in(file: Path, lines: LineMap, log: _MergeLog
               ) -> dict[PathT, tuple[str, int | None, int | None, str | None]]:
    """The nulls of ``file`` that removed nothing, with where each was written and its
    hint, as :attr:`RawScenario.absent_removed` holds them."""
    out = {}
    for n, (key_path, hint) in enumerate(log.absent):
        if hint is not None and n and log.absent[n - 1][1] == hint \
                and log.absent[n - 1][0][:-1] == key_path[:-1]:
            continue  # 1,800,000 is one mistake, said once at its first stray key
        where = nearest_line(lines, key_path) or (str(file), None, None)
        out[key_path] = (str(where[0]), where[1], where[2], hint)
    return out


def _lost_unit_note(file: Path, lines: LineMap, parent_lines: LineMap, path: PathT,
                    base: dict[str, Any], child: Any) -> str:
    """The note for a child's number without a unit that replaced a value its parent gave
    in a unit (``sim validate`` prints it, Python warns of it)."""
    unit = str(base["unit"])
    where = nearest_line(lines, path)
    at = f"{where[0]}:{where[1]}" if where and where[1] is not None else str(file)
    parent = nearest_line(parent_lines, path)
    origin = Path(parent[0]).name if parent else "the file it extends"
    if isinstance(child, dict):
        number, keep = "its number", f"to keep {unit}, add unit: {unit} beside it"
    else:
        number = "the bare number"
        keep = f"to keep {unit}, write {{value: {child}, unit: {unit}}}"
    return unit_note(at, origin, path, base, unit, number, keep)


def _what(data: Any) -> str:
    """``data``, a file's whole content that is not a mapping, in a user's words."""
    if isinstance(data, bool):
        return f"the truth value {str(data).lower()}"
    if isinstance(data, (int, float)):
        return f"the number {data}"
    if isinstance(data, str):
        shown = data if len(data) <= 40 else data[:37] + "..."
        return f"the text {shown!r} (a file holding one line of text)"
    if isinstance(data, list):
        return f"a list of {len(data)} item(s) (lines starting with '- ')"
    if isinstance(data, dt.datetime):
        return f"the time {data.isoformat(sep=' ')}"
    if isinstance(data, dt.date):
        return f"the date {data.isoformat()}"
    return "a single value"


def _ancestors(file: Path, parents_of: dict[Path, list[Path]]) -> set[Path]:
    """Every file ``file`` extends, directly or not (resolved)."""
    out: set[Path] = set()
    todo = list(parents_of.get(file.resolve(), []))
    while todo:
        f = todo.pop()
        if f not in out:
            out.add(f)
            todo += parents_of.get(f, [])
    return out


def _clashes(file: Path, replaced: list[PathT], before: dict[str, Any], merged: dict[str, Any],
             merged_lines: LineMap, parents_of: dict[Path, list[Path]]
             ) -> list[tuple[PathT, Path, Path, Any, Any]]:
    """The values ``file`` replaced that a file it does not extend had set (two parts of a
    combination setting one field), as (path, file, the other file, its value, the other's):
    the later listed wins silently (review 206)."""
    out = []
    mine = _ancestors(file, parents_of)
    for p in replaced:
        if not p or p[-1] in PROVENANCE_KEYS or p[0] in (*OWN_WORDS, "name"):
            continue
        where = merged_lines.get(p)
        if where is None or where[0] is None:
            continue
        other = Path(where[0])
        if other.resolve() in mine or other.resolve() == file.resolve():
            continue
        old, new = _value_at(before, p), _value_at(merged, p)
        if old is not None and _bare(old, p) != _bare(new, p):  # a citation alone is none
            out.append((p, file, other, new, old))
    return out


def _clash_notes(clashes: list[tuple[PathT, Path, Path, Any, Any]], merged_lines: LineMap,
                 top: Path) -> list[str]:
    """Notes on the clashes of :func:`_clashes` whose winner's value is the one run (a file
    extending both that sets the field itself settles it, as combined_2025 sets its period)."""
    notes = []
    for p, file, other, new, old in clashes:
        where = merged_lines.get(p)
        if where is None or where[0] is None or Path(where[0]).resolve() != file.resolve():
            continue
        # a bare number is in the field's own unit: said beside a value given in another
        # unit, "9 truck/week, where a.yaml sets 150" read as a clash of numbers (review 210)
        unit = _field_unit(p) if _has_unit(new) or _has_unit(old) else None
        if new is None:  # a null removed it
            what = f"removes {format_path(p)}, where {other.name}, which it does not extend, " \
                   f"sets it to {_brief(old, unit=unit)}: {file.name}'s removal holds"
        else:
            what = (f"sets {format_path(p)} to {_brief(new, unit=unit)}, where {other.name}, "
                    f"which it does not extend, sets {_brief(old, unit=unit)}: "
                    f"{file.name}'s holds")
        notes.append(
            f"{file.name} {what}, as the later of the files {top.name} extends; set "
            f"{format_path(p)} in {top.name} to choose")
    return notes


def _has_unit(value: Any) -> bool:
    """Whether ``value`` is a quantity given with its unit (``{value: 9, unit: ...}``)."""
    return isinstance(value, dict) and "value" in value and isinstance(value.get("unit"), str)


def _unit_field(path: PathT) -> str | None:
    """The name of the field with a unit that ``path`` is in: its last key that names one,
    so ``demand_t_per_year.copper`` is in ``demand_t_per_year`` (review 218: the commodity
    id was taken for the field, and a bare number there was shown without its unit)."""
    units = _field_units()
    return next((p for p in reversed(path) if isinstance(p, str) and p in units), None)


def _field_unit(path: PathT) -> str | None:
    """The unit of the field at ``path`` (that of a bare number written there), None where
    there is none or it is a pure number."""
    name = _unit_field(path)
    unit = (_field_units().get(name) or (None,))[0] if name else None
    return unit if unit and unit != "1" else None


def _bare(value: Any, path: PathT = ()) -> Any:
    """``value`` (at ``path``) as what it sets, to compare what two files set: without its
    citations (source, assumption, note), ``{value: 50}`` as 50, and a quantity in base
    units, a bare number in its field's own unit (36.525 kt/yr as 36,525 t/yr: review 207
    found equal quantities called a clash and a 1000-fold one shown as two equal numbers)."""
    if isinstance(value, dict):
        out = {k: _bare(v, (*path, k)) for k, v in value.items() if k not in PROVENANCE_KEYS}
        if set(out) == {"value"}:
            return _bare(value["value"], path)  # in the field's own unit, as a bare number
        if set(out) != {"value", "unit"}:
            return out
        number, unit = value["value"], value["unit"]
    else:
        name = _unit_field(path)
        number, unit = value, (_field_units().get(name) or (None,))[0] if name else None
    if not (isinstance(number, numbers.Real) and not isinstance(number, bool)
            and isinstance(unit, str)):
        return value
    try:
        base, dims = in_base_units(number, unit)
    except UnitError:
        return value
    return ("quantity", float(f"{base:.12g}"), dims)


def _brief(value: Any, most: int = 60, unit: str | None = None) -> str:
    """A value for a note as it would be written in YAML (a date in ISO form, a mapping
    in flow style without its citations), with its unit where it gives one, or ``unit``
    for a bare number, cut to about ``most`` characters at an item of a mapping or list:
    Python's reprs (``None``, ``datetime.date(2025, 3, ...``) were shown (review 210)."""
    if isinstance(value, dict) and "value" in value:
        given = value.get("unit") if isinstance(value.get("unit"), str) else unit
        return _cut(_flow(value["value"]) + (f" {given}" if given else ""), most)
    if unit and isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _cut(f"{_flow(value)} {unit}", most)
    if isinstance(value, dict):
        items = [f"{_flow(k)}: {_flow(v)}" for k, v in value.items()
                 if k not in PROVENANCE_KEYS]
        return _cut_items(items, "{", "}", most)
    if isinstance(value, list):
        return _cut_items([_flow(v) for v in value], "[", "]", most)
    return _cut(_flow(value), most)


def _flow(value: Any) -> str:
    """``value`` in YAML flow style, on one line."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    try:
        text = yaml.safe_dump(value, default_flow_style=True, width=1 << 30,
                              allow_unicode=True)
    except yaml.YAMLError:
        return str(value)
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[:-4]
    return " ".join(text.split("\n"))


def _cut(text: str, most: int) -> str:
    """``text`` cut to ``most`` characters, at a space where there is one near the end."""
    if len(text) <= most:
        return text
    head = text[:most - 3]
    space = head.rfind(" ")
    return (head[:space] if space >= most // 2 else head).rstrip(" ,:") + "..."


def _cut_items(items: list[str], opening: str, closing: str, most: int) -> str:
    """The ``items`` of a flow mapping or list, as many whole ones as fit in ``most``
    characters, with ``...`` for those left off (the first cut where it alone is too long)."""
    text = opening + ", ".join(items) + closing
    if len(text) <= most:
        return text
    kept: list[str] = []
    for item in items:
        if len(opening + ", ".join([*kept, item, "..."]) + closing) > most:
            break
        kept.append(item)
    if not kept:
        return opening + _cut(items[0], most - len(opening) - len(", ...") - len(closing)) \
            + ", ..." + closing
    return opening + ", ".join([*kept, "..."]) + closing


def _linearize(path: Path, chain: tuple[Path, ...],
               order: list[tuple[Path, dict[str, Any], LineMap]], seen: set[Path],
               parents_of: dict[Path, list[Path]] | None = None) -> None:
    """Append ``path``'s ancestors (each once, parents first) and then ``path`` itself, with
    their own documents (``extends`` removed), to ``order``; ``parents_of`` gets each
    file's parents (resolved)."""
    resolved = path.resolve()
    data, lines = read_yaml(path)
    foreign = path.suffix.lower() not in (".yaml", ".yml")
    if not isinstance(data, dict):
        hint = "start the file with 'name: ...' and the other scenario fields"
        if foreign:
            # a results table or a figure given where a scenario belongs
            hint = foreign_file_hint(path)
        raise ScenarioError([Issue(
            f"the top level must be a mapping of fields, not {_what(data)}",
            file=str(path), line=1, hint=hint)])
    if foreign and data and not set(data) & set(Scenario.model_fields):
        # JSON is YAML: run.json was read, and refused field by field (21 problems)
        raise ScenarioError([Issue(
            "not a scenario: none of its fields is a scenario's (name, start, sites ...)",
            file=str(path), hint=foreign_file_hint(path))])
    parents = data.pop("extends", None)
    if parents is not None:
        where = lines.get(("extends",), (str(path), None, None))
        if isinstance(parents, str):
            parents = [parents]
        if not isinstance(parents, list) or not parents or not all(
                isinstance(p, str) and p.strip() for p in parents):
            raise ScenarioError([Issue("extends must be the path of another scenario file, "
                                       "or a list of them", path=("extends",), file=where[0],
                                       line=where[1],
                                       hint="e.g. extends: baseline.yaml (relative to this "
                                            "file's folder)")])
        if len(chain) >= MAX_EXTENDS_DEPTH:
            raise ScenarioError([Issue(
                f"extends chain is deeper than {MAX_EXTENDS_DEPTH} files",
                path=("extends",), file=where[0], line=where[1])])
        for parent in parents:
            parent = on_disk(path.parent, parent)
            parent_path = path.parent / parent
            if parent_path.resolve() in (*chain, resolved):
                raise ScenarioError([Issue(
                    f"extends cycle: {parent} is already being loaded",
                    path=("extends",), file=where[0], line=where[1],
                    hint="a scenario cannot extend itself, directly or through others")])
            if not parent_path.exists():
                # a path written on another system first: the likeliest cause when it holds
                # backslashes or differs from a file there only in letter case
                hint = "".join(f"{h}; " for h in missing_path_hints(path.parent, parent))
                hint += ("extends paths are relative to the file that contains them: to the "
                         "folder it was named in (a symbolic link's own folder, not its "
                         "target's)")
                if path.parent.resolve() != resolved.parent:
                    # the folder a link is in, not its target's: said, as it surprises
                    hint += (f"; {path} leads to {resolved}, and its extends paths are "
                             f"looked up in {path.absolute().parent}")
                hint += _unexpanded_hint(parent)
                raise ScenarioError([Issue(
                    f"file {_quoted_path(parent)} not found (looked for {parent_path})",
                    path=("extends",), file=where[0], line=where[1], column=where[2],
                    hint=hint)])
            if not parent_path.is_file():
                # read, a folder said only "adir.yaml: is a directory", without the line
                # that named it; a device or a pipe could be read for ever
                raise ScenarioError([Issue(
                    f"{parent!r} is {_not_a_file(parent_path)}, not a scenario file "
                    f"(looked for {parent_path})",
                    path=("extends",), file=where[0], line=where[1], column=where[2],
                    hint=_scenario_files_hint(parent_path))])
            if parents_of is not None:
                parents_of.setdefault(resolved, []).append(parent_path.resolve())
            if parent_path.resolve() not in seen:
                _linearize(parent_path, (*chain, resolved), order, seen, parents_of)
    if resolved not in seen:
        seen.add(resolved)
        order.append((path, data, lines))


_UNEXPANDED = re.compile(r"^~|\$\{?[A-Za-z_]")


def _quoted_path(written: str) -> str:
    """``written`` in quotes as it was written: repr() doubled its backslashes, so that a
    Windows path showed two ways in one line (review 194); repr only for characters that
    would not show."""
    return f"'{written}'" if written.isprintable() else repr(written)


def _unexpanded_hint(parent: str) -> str:
    """For an ``extends`` path starting with ``~`` or holding ``$NAME``: that they are taken
    as written (the tool expands them in no path read from a file, only ``~`` in its
    command line's arguments, and a scenario must mean the same for everyone who runs
    it); empty for any other path."""
    if not _UNEXPANDED.search(parent):
        return ""
    return ("; ~ and $VARIABLES are not expanded in extends (the path is read as written, "
            "so that the scenario means the same on every machine): write the path relative "
            "to this file's folder, or in full")


def _not_a_file(path: Path) -> str:
    """What ``path`` (which exists and is not a regular file) is."""
    return "a directory" if path.is_dir() else "a device, pipe or socket"


def _scenario_files_hint(path: Path) -> str:
    """A hint for an ``extends`` that names ``path``, which is not a file: the scenario
    files in it when it is a folder."""
    hint = "extends names a scenario file (.yaml), relative to this file's folder"
    if path.is_dir():
        try:
            found = sorted(p.name for p in path.iterdir()
                           if p.suffix.lower() in (".yaml", ".yml") and p.is_file())
        except OSError:
            found = []
        if found:
            shown = ", ".join(found[:5]) + (" ..." if len(found) > 5 else "")
            hint += f"; {path} holds {shown}"
    return hint


def _last_place_hint(list_path: list[str | int], data: Any) -> str:
    """How to name the last item of the list at ``list_path`` of ``data`` counted from 0
    (its length when the list is there)."""
    node = data
    for part in list_path:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    whole = f"or give the whole list: --set '{format_path(list_path)}=[...]'"
    if isinstance(node, list) and node:
        return (f"the list has {len(node)} item{'s' if len(node) > 1 else ''}: the last is "
                f"{format_path([*list_path, len(node) - 1])}; {whole}")
    return f"give the item's place counted from 0 (the last of n items is [n-1]), {whole}"


def parse_override(text: str, data: Any = None) -> tuple[list[str | int], Any]:
    """The key path (list places as ints) and value of ``--set text``; ``data`` (the
    document it applies to, if given) only makes the hint for a place counted from the
    end (``[-1]``) exact. Raises :class:`ScenarioError` naming the ``--set`` for a text
    without ``=``, an empty or negative path part, ``extends`` or an unreadable value."""
    _refuse_undecodable(text)
    if "=" not in text:
        raise ScenarioError([Issue(f"--set {text!r}: expected key.path=value", file="--set",
                                   hint="for example --set horizon_days=730")])
    key, _, value_text = text.partition("=")
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise ScenarioError([Issue(f"--set {text!r}: empty part in the key path",
                                   file="--set",
                                   hint="write --set KEY.PATH=VALUE, e.g. --set horizon_days=730")])
    # schedule[0] (as error messages write a path) and schedule.0 both index a list
    key = re.sub(r"\[(-?\d+)\]", r".\1", key)
    parts: list[str | int] = [int(p) if re.fullmatch(r"-?\d+", p) else p
                              for p in key.split(".")]
    negative = next((i for i, p in enumerate(parts) if isinstance(p, int) and p < 0), None)
    if negative is not None:
        # Python's schedule[-1] for the last item; read as a key, it was refused as an
        # unknown field 'schedule[-1]' with "did you mean 'schedule'?"
        raise ScenarioError([Issue(
            f"--set {text!r}: items of a list are counted from 0 "
            f"({format_path([*parts[:negative], 0])} is the first), and places counted "
            f"from the end, such as [{parts[negative]}], are not supported",
            file="--set", hint=_last_place_hint(parts[:negative], data))])
    if parts[0] == "extends":
        # not a field: the schema's "unknown field" and its did-you-mean 'end' would mislead
        raise ScenarioError([Issue(
            f"--set {text!r}: extends can only be written in a scenario file, where its "
            "paths are relative to that file", file="--set",
            hint="write a file with extends: the scenario to start from (and its own "
                 "name:, and any other changes), and run that file")])
    return parts, _parse_value(text, value_text)


def _refuse_undecodable(text: str) -> None:
    """Refuse an override holding a byte that is not UTF-8 (Python hands such a byte of a
    command-line argument over as a lone surrogate, U+DC80 to U+DCFF), which YAML's reader
    reported as a control character "such as NUL"."""
    bad = next((i for i, ch in enumerate(text) if "\ud800" <= ch <= "\udfff"), None)
    if bad is None:
        return
    try:
        shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that was never a byte (given from Python)
        shown = repr(text)
    code = ord(text[bad])
    what = (f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF
            else f"U+{code:04X}, half of a UTF-16 pair")
    raise ScenarioError([Issue(
        f"--set {shown}: the argument is not UTF-8 text ({what} at character {bad + 1})",
        file="--set",
        hint="the terminal or the shell sends another encoding (such as Latin-1): set it "
             "to UTF-8 (e.g. LANG=C.UTF-8) and type the value again, or write it in the "
             "scenario file, saved as UTF-8")])


_NULL_WORDS = ("null", "Null", "NULL", "~")


def _tokens(value_text: str) -> list[Any]:
    """YAML's tokens of ``value_text`` (one that parsed), or none if it cannot be scanned."""
    import yaml

    try:
        return list(yaml.scan(value_text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:  # it parsed, so this is not expected; nothing to say then
        return []


def _null_written(value_text: str) -> bool:
    """Whether ``value_text`` (read by YAML as null) says null itself (``null``, ``~``,
    beside comments, document markers, directives and tags), rather than holding only a
    comment (``# note``), a document marker (``---``) or directive (``%YAML 1.1``), which
    YAML reads as nothing, or a ``!!null`` tag on other text (``!!null ''``)."""
    import yaml

    scalars = [t for t in _tokens(value_text) if isinstance(t, yaml.ScalarToken)]
    return len(scalars) == 1 and scalars[0].plain and scalars[0].value in _NULL_WORDS


def _markup(value_text: str) -> list[str]:
    """The YAML directives (``%YAML 1.1``) and document markers (``---``, ``...`` at the
    start of a line) in ``value_text``, as typed: YAML drops them from the value."""
    import yaml

    kinds = (yaml.DirectiveToken, yaml.DocumentStartToken, yaml.DocumentEndToken)
    return [value_text[t.start_mark.index:t.end_mark.index].strip()
            for t in _tokens(value_text) if isinstance(t, kinds)]


def _quoted(key: str, value_text: str) -> str:
    """``--set`` with ``value_text`` quoted as YAML text, as typed in a POSIX shell."""
    if "'" in value_text or "\n" in value_text:
        return f"--set '{key}=\"...\"'"
    inner = value_text.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f"--set '{key}=\"{inner}\"'"


def _syntax_hint(key: str, value_text: str, problem: str) -> str:
    """The hint for a ``--set`` value YAML cannot read, from what it holds."""
    stripped = value_text.strip()
    quote = _quoted(key, value_text)
    if "\t" in value_text or "'\\t'" in problem:
        bare = re.sub(r"\s+", " ", value_text).strip()
        return (f"the value holds a tab, which YAML does not allow there: write "
                f"--set '{key}={bare}', or quote the value if the tab belongs to a text")
    if problem.startswith("found undefined alias"):
        return (f"'*' at the start of a value begins a YAML alias, which a --set cannot "
                f"use: quote the value to give it as text: {quote}")
    if "more than one YAML document" in problem or re.search(r"(?m)^(?:---|\.\.\.)",
                                                             stripped):
        return (f"'---' and '...' at the start of a line mark where a YAML document starts "
                f"and ends: give one value, or quote it to give it as text: {quote}")
    if ":" in value_text or "#" in value_text:
        return (f"a ':' followed by a space starts a mapping and ' #' a comment: quote text "
                f"that holds them: {quote}")
    return f"quote the value if it is text: {quote}"


def _parse_value(text: str, value_text: str) -> Any:
    """The value of ``--set key=VALUE``, read like a scenario file: tags other than YAML's
    own, duplicate keys and impossible dates (2024-02-30) are refused, each as a
    :class:`ScenarioError` naming the ``--set``; so is a value that YAML reads as nothing
    though it does not say ``null`` or ``~`` (``# note`` is a comment, ``---`` a document
    marker, ``!!null ''`` tagged null), which would remove the key, and a value that YAML
    reads without its document markers or directives (``--- x`` is ``x``), which would
    drop what was typed. ``--- null`` says null, and removes the key."""
    if not value_text.strip():
        return ""
    key = text.partition("=")[0].strip()
    try:
        value, _lines = parse_yaml(value_text, "--set", allow_empty=True)
    except ScenarioError as exc:
        first = exc.issues[0]
        hint = first.hint
        if first.message.startswith("YAML syntax error: "):
            problem = first.message.removeprefix("YAML syntax error: ")
            message = f"the value is not valid YAML ({problem})"
            hint = _syntax_hint(key, value_text, problem)
        else:  # a tag, a duplicate key, an impossible date ...
            problem = first.message.removeprefix("cannot read value: ")
            message = f"the value is not valid YAML for a scenario: {problem}"
        raise ScenarioError([Issue(f"--set {text!r}: {message}", file="--set",
                                   hint=hint)]) from None
    except ValueError as exc:  # a value the reader did not anticipate; never a traceback
        raise ScenarioError([Issue(f"--set {text!r}: the value is not valid YAML for a "
                                   f"scenario: {exc}", file="--set")]) from None
    if value is None and not _null_written(value_text):
        # it would silently remove the key, as --set KEY=null does
        raise ScenarioError([Issue(
            f"--set {text!r}: YAML reads the value as empty: {_why_empty(value_text)}",
            file="--set",
            hint=f"to give it as text, quote it: {_quoted(key, value_text)}; to remove "
                 f"{key}, write --set {key}=null")])
    markup = _markup(value_text)
    if value is not None and markup:
        # '--- x' was read as 'x': what the user typed lost its first word without a word
        marks = " and ".join(repr(m) for m in dict.fromkeys(markup))
        got = repr(value) if not isinstance(value, str) or len(value) <= 40 \
            else repr(value[:37] + "...")
        raise ScenarioError([Issue(
            f"--set {text!r}: YAML takes {marks} as document markup, not as part of the "
            f"value ('%' at the start of a line begins a directive, '---' and '...' start "
            f"and end a document), and reads the value as {got}",
            file="--set",
            hint=f"to give the text as typed, quote it: {_quoted(key, value_text)}; to give "
                 f"{got}, leave out {marks}")])
    return value


def _why_empty(value_text: str) -> str:
    """Why YAML reads ``value_text``, which does not say null, as null: a ``!!null`` tag,
    or nothing but comments, document markers and directives."""
    import yaml

    tokens = _tokens(value_text)
    tag = next((t for t in tokens if isinstance(t, yaml.TagToken)), None)
    if tag is not None:
        shown = value_text[tag.start_mark.index:tag.end_mark.index]
        return f"its tag {shown!r} makes it null, whatever follows the tag"
    held = []
    if any(isinstance(t, yaml.DirectiveToken) for t in tokens):
        held.append("a YAML directive ('%' at the start of a line)")
    if any(isinstance(t, (yaml.DocumentStartToken, yaml.DocumentEndToken)) for t in tokens):
        held.append("a YAML document marker ('---' or '...')")
    if re.search(r"(?m)(?:^|\s)#", value_text):
        held.append("a comment ('#' at the start or after a space begins one)")
    return "it holds only " + (" and ".join(held) or "blanks")


def apply_overrides(raw: RawScenario, overrides: list[str]) -> RawScenario:
    """Apply ``--set`` overrides in order; return a new document.

    Each override replaces the value at its path whole (see the module docstring); the
    path and every key it created point at the override in the line map, so an error in
    what it wrote is reported at the ``--set``, not at a line of the file it replaced."""
    data = copy.deepcopy(raw.data)
    lines = dict(raw.lines)
    override_paths = dict(raw.override_paths)
    created = dict(raw.created)
    absent = dict(raw.absent_removed)
    notes = list(raw.notes)
    removed = dict(raw.removed)
    removed_lanes = dict(raw.removed_lanes)
    unnamed = raw.unnamed
    # The items each list has lost to an earlier override of this set, by the list's path
    # as written: a place always counts the list as it was before, so that several
    # removals (each an error's hint, given with the list's places) remove what they name
    # in any order, not the item that moved up into a removed one's place.
    gone: dict[tuple[str | int, ...], list[int]] = {}
    for i, text in enumerate(overrides):
        if not isinstance(text, str):  # an iterator's item, which no one checked before
            from sim.scenario.errors import override_item_message

            raise TypeError(override_item_message(i, text))
        written, value = parse_override(text, data)
        parts = _current_places(text, written, data, gone)
        if parts == ["name"]:
            unnamed = None  # the command line names it
        where = ("--set " + text, None, None)
        node: Any = data
        for i, part in enumerate(parts[:-1]):
            nxt = parts[i + 1]
            if isinstance(node, list):
                if not isinstance(part, int) or part >= len(node):
                    _raise_unknown_id(text, data, created, removed)
                    raise ScenarioError([Issue(
                        f"--set {text!r}: no item {written[i]} at {format_path(written[:i])}",
                        file="--set")])
                node = node[part]
                continue
            if not isinstance(node, dict):
                raise ScenarioError([Issue(
                    f"--set {text!r}: {format_path(parts[:i])} is a value, not a mapping",
                    file="--set")])
            if part not in node or node[part] is None:
                node[part] = [] if isinstance(nxt, int) else {}
                created.setdefault(tuple(parts[:i + 1]), text)
                lines[tuple(parts[:i + 1])] = where  # type: ignore[assignment]
            node = node[part]
        last = parts[-1]
        if isinstance(node, list):
            if not isinstance(last, int) or last >= len(node):
                _raise_unknown_id(text, data, created, removed)
                had = len(node) + len(gone.get(tuple(written[:-1]), ()))
                raise ScenarioError([Issue(
                    f"--set {text!r}: no such list item (the list has {had})",
                    file="--set", hint="give the whole list instead, e.g. "
                                       f"--set '{format_path(written[:-1])}=[...]'")])
            if value is None:
                del node[last]  # null removes the item, as it removes a key
                gone.setdefault(tuple(written[:-1]), []).append(written[-1])
                # the items after it move up a place, and so must what the tables say
                # about them: a line or a citation of the removed item must not stand for
                # the one now in its place (an error there would point at this --set)
                for table in (lines, created, override_paths, absent, removed):
                    _renumber(table, tuple(parts[:-1]), last)
                continue
            node[last] = value
        elif isinstance(node, dict):
            current = node.get(last)
            if value is None:
                # null removes the key, as in a file that extends another; a key that is not
                # there is a typo, which removing nothing would hide
                if last in node:
                    gone_value = node.pop(last)
                    if gone_value is not None:
                        removed[tuple(parts)] = f"--set {text}"
                        _note_removed_lanes(tuple(parts), gone_value, f"--set {text}",
                                            removed_lanes)
                else:
                    # the loader checks it names a field
                    absent[tuple(parts)] = ("--set " + text, None, None, None)
            else:
                unit = lost_unit(current, value, tuple(parts))
                if unit is not None:
                    # The file's value is replaced whole: a number without a unit is in the
                    # field's own unit, and the override cites it.
                    key = text.split("=", 1)[0]
                    if isinstance(value, dict):
                        number, keep = "its number", f"to keep {unit}, add unit: {unit} beside it"
                    else:
                        number = "the bare number"
                        keep = (f"to keep {unit}, write "
                                f"--set '{key}={{value: {value}, unit: {unit}}}'")
                    notes.append(unit_note(f"--set {text}", "the file", tuple(parts), current,
                                           unit, number, keep))
                if isinstance(current, dict) and "value" in current \
                        and not isinstance(value, dict):
                    value = {"value": value, "assumption": f"override: --set {text}"}
                node[last] = value
        else:
            raise ScenarioError([Issue(
                f"--set {text!r}: {format_path(parts[:-1])} is a value, not a mapping",
                file="--set")])
        target = tuple(parts)
        # a list replaced whole (or the mapping holding it) counts its places afresh
        for key in [k for k in gone if k[:len(written)] == tuple(written)]:
            del gone[key]
        # what the file had below the target is gone: its lines must not locate errors in
        # the new value, nor stand for keys created or values set by earlier overrides
        _drop_below(lines, target)
        _drop_below(created, target)
        _drop_below(override_paths, target)
        lines[target] = where  # type: ignore[assignment]
        override_paths[target] = f"override: --set {text}"
    return RawScenario(data, lines, raw.files, [*raw.overrides, *overrides], override_paths,
                       created, absent, notes, removed, unnamed=unnamed,
                       added=dict(raw.added), removed_lanes=removed_lanes,
                       ancestors=raw.ancestors)


def _raise_unknown_id(text: str, data: dict[str, Any], created: dict[PathT, str],
                      removed: dict[PathT, str]) -> None:
    """Raise the loader's "unknown export quota 'quota_2062'" (with its did-you-mean) when
    override ``text`` created an id that does not exist on its way to a list item.

    ``--set ...quota_2062.strategic_share=0.5`` creates the id and the loader reports it;
    ``--set ...quota_2062.schedule.0.tonnes=1000`` also creates an empty ``schedule``,
    whose item 0 cannot exist, and "no item 0" would hide the typo in the id. Returns
    when the override created no unknown id."""
    mine = {path: t for path, t in created.items() if t == text}
    if not mine:
        return
    issues = unknown_ids(RawScenario(data, {}, [], created=mine, removed=removed))
    if issues:
        raise ScenarioError(issues)


def unknown_ids(raw: RawScenario) -> list[Issue]:
    """Overrides that reach into an id that does not exist, such as ``--set
    sites.bordr.servers=2``: one issue each, at the ``--set``, with a did-you-mean.

    A new site, event or state is given whole (``--set 'sites.x={kind: ...}'``); set field
    by field into an unknown id, it is nearly always a typo, and validating it would only
    report the fields it lacks at the wrong place."""
    issues: list[Issue] = []
    reported: set[str] = set()
    for path, text in raw.created.items():
        parent = path[:-1]
        if text in reported or not parent or not isinstance(path[-1], str) \
                or not is_id_mapping(type_at(parent, raw.data)):
            continue
        reported.add(text)
        new_id, group = path[-1], str(parent[-1])
        node: Any = raw.data
        for part in parent:
            node = node[part]
        known = [k for k in node if k not in PROVENANCE_KEYS and (*parent, k) not in raw.created]
        noun, plural = singular(group), group.replace("_", " ")
        guess = did_you_mean(new_id, known)
        if path in raw.removed:
            hint = f"{raw.removed[path]} removed it."
        elif guess:
            hint = f"did you mean {guess!r}?"
        elif known:
            hint = f"known {plural}: {', '.join(known[:12])}{' ...' if len(known) > 12 else ''}."
        else:
            hint = f"no {plural} are defined."
        hint += f" A new {noun} is given whole: --set '{format_path(path)}={{...}}'"
        issues.append(Issue(f"unknown {noun} {new_id!r}", path=path, file=f"--set {text}",
                            hint=hint))
    return issues


def _current_places(text: str, written: list[str | int], data: Any,
                    gone: dict[tuple[str | int, ...], list[int]]) -> list[str | int]:
    """``written`` with each place in a list that earlier overrides of the set removed
    items from turned into the place that item has now; a removed item is an error."""
    parts = list(written)
    node = data
    for i, part in enumerate(written):
        removed = gone.get(tuple(written[:i]))
        if isinstance(node, list) and isinstance(part, int) and removed:
            if part in removed:
                raise ScenarioError([Issue(
                    f"--set {text!r}: item {part} of {format_path(written[:i])} was removed "
                    "by an earlier --set", file="--set",
                    hint="the places in one set of --set count each list as it was before "
                         "any of them removed an item")])
            parts[i] = part - sum(1 for r in removed if r < part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(parts[i], int) \
                and 0 <= parts[i] < len(node):
            node = node[parts[i]]  # type: ignore[index]
        else:
            break  # apply_overrides reports a path that goes nowhere
    return parts


def _renumber(table: dict[PathT, Any], list_path: PathT, index: int) -> None:
    """Rekey ``table`` for the removal of item ``index`` of the list at ``list_path``:
    what was said about that item goes, and the items after it move up a place."""
    n = len(list_path)
    below = {k: v for k, v in table.items()
             if len(k) > n and k[:n] == list_path and isinstance(k[n], int) and k[n] >= index}
    for key in below:
        del table[key]
    for key, v in below.items():
        if key[n] > index:
            table[(*list_path, key[n] - 1, *key[n + 1:])] = v


def _drop_below(table: dict[PathT, Any], path: PathT) -> None:
    """Remove the entries of ``table`` strictly below ``path``."""
    n = len(path)
    for key in [k for k in table if len(k) > n and k[:n] == path]:
        del table[key]


CITATION_EXAMPLES = {"source": 'source: "Author 2024, table 3"',
                     "assumption": 'assumption: "same as the road to Lobito"',
                     "note": 'note: "checked against the 2023 report"'}


def _citation_text_problem(value: Any) -> str | None:
    """What is wrong with ``value`` as a ``source``/``assumption``/``note`` (None if it is
    fine): a citation is text that says something, or a list of such texts."""
    def one(v: Any) -> str | None:
        if isinstance(v, str):
            return None if v.strip() else ("empty text" if not v else "blank text")
        if v is None:
            return "nothing (null)"
        if isinstance(v, bool):
            return f"{str(v).lower()} (YAML reads yes/no/on/off so)"
        if isinstance(v, dt.date):
            return f"a date ({v.isoformat()})"
        if isinstance(v, numbers.Number):
            return f"a number ({v})"
        if isinstance(v, dict):
            return "a mapping" + (f" (keys: {', '.join(map(str, v))})" if v else " ({})")
        if isinstance(v, list):
            return "a list inside a list"
        return f"{type(v).__name__} {v!r}"

    if isinstance(value, list):
        if not value:
            return "an empty list"
        return next((f"a list holding {p}" for p in map(one, value) if p), None)
    return one(value)


def citation_issues(raw: RawScenario, id_noun: Callable[[PathT], str | None]
                    ) -> list[Issue]:
    """The malformed citations of ``raw``, and the ids that take a name reserved for them.

    ``source``, ``assumption`` and ``note`` are removed from every mapping before
    validation (:func:`strip_provenance`), so a value that is not text would be recorded
    as a citation that says nothing (``null``) or Python's text of a mapping, and a site,
    region or channel with one of these ids would silently vanish, leaving misleading
    errors (``channels: must not be empty``) in its place. ``id_noun(path)`` names an entry
    of the mapping at ``path`` if it is a mapping of ids (``channel`` for ``channels``),
    else None. Every issue names the file and line of the key."""
    issues: list[Issue] = []

    def walk(node: Any, path: PathT) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, (*path, i))
            return
        if not isinstance(node, dict):
            return
        noun = id_noun(path)
        for key in PROVENANCE_KEYS:
            if key not in node:
                continue
            value = node[key]
            where = nearest_line(raw.lines, (*path, key)) or (raw.files[0], None, None)
            at = dict(path=(*path, key), file=where[0], line=where[1], column=where[2])
            if noun is not None and isinstance(value, dict):
                article = "an" if noun[:1] in "aeiou" else "a"
                issues.append(Issue(
                    f"{article} {noun} cannot be called {key!r}: source, assumption and note "
                    "are reserved for citations, and are removed with them", **at,
                    hint=f"`{key}` is reserved for citations: rename the {noun} (and every "
                         "reference to it)"))
                continue
            problem = _citation_text_problem(value)
            if problem is None:
                continue
            hint = f"give it as text, e.g. {CITATION_EXAMPLES[key]}"
            scalar = isinstance(value, numbers.Number | dt.date)
            if scalar and not isinstance(value, bool):
                hint += " (quote it: YAML reads an unquoted number or date as one)"
            if value is None or (isinstance(value, str) and not value.strip()):
                hint += f", or remove `{key}:` if there is nothing to cite"
            if noun is not None and scalar:
                # {note: 1.0} among offtake shares: a channel called note, not a citation
                hint += (f"; if {key!r} is meant as an id here, rename it: source, "
                         "assumption and note are reserved for citations")
            issues.append(Issue(f"{key} must be text (a citation), got {problem}", **at,
                                hint=hint))
        for key, value in node.items():
            if key not in PROVENANCE_KEYS:
                walk(value, (*path, key))

    walk(raw.data, ())
    return issues


def strip_provenance(raw: RawScenario) -> tuple[dict[str, Any], Provenance]:
    """Remove ``source``/``assumption``/``note`` keys; return clean data and the citations.

    The citations are taken as they are: :func:`citation_issues` refuses those that are
    not text first."""
    prov = Provenance()

    def walk(node: Any, path: PathT, cited: bool, overridden: bool = False) -> Any:
        if path in raw.override_paths:
            cited = overridden = True  # an override cites everything it wrote
            prov.citations.setdefault(path, Citation(path=path,
                                                     assumption=raw.override_paths[path],
                                                     file="--set"))
        if isinstance(node, dict):
            cit = {k: node[k] for k in PROVENANCE_KEYS if k in node}
            here_cited = "source" in cit or "assumption" in cit or overridden
            if "value" in node or "dist" in node:
                # a quantity or a distribution is itself the value: the citation of the
                # mapping around it covers it
                here_cited = here_cited or cited
            if cit:
                where = raw.lines.get((*path, next(iter(cit))), (None, None, None))
                prov.citations[path] = Citation(
                    path=path,
                    source=_as_text(cit.get("source")),
                    assumption=_as_text(cit.get("assumption")),
                    note=_as_text(cit.get("note")),
                    file=where[0], line=where[1])
            clean = {k: walk(v, (*path, k), here_cited, overridden)
                     for k, v in node.items() if k not in PROVENANCE_KEYS}
            if set(clean) == {"value"} and (cit or isinstance(clean["value"], str)):
                # a cited value of any type ({value: contested, source: ...}) is the value,
                # and so is text, cited or not: a union of a number and a word (`balance`)
                # would otherwise see a mapping on its word's side, and refuse the word
                return clean["value"]
            return clean
        if isinstance(node, list):
            return [walk(v, (*path, i), cited, overridden) for i, v in enumerate(node)]
        if isinstance(node, int | float) and not isinstance(node, bool) and not cited:
            prov.uncited.append((path, node))
            where = nearest_line(raw.lines, path)
            if where is not None:
                prov.uncited_where[path] = (where[0], where[1])
        return node

    data = walk(raw.data, (), False)
    return data, prov


def nearest_line(lines: LineMap, path: PathT) -> Any:
    """Where ``path``, or the nearest mapping holding it, was written: the line map's
    (file, line, column), or None."""
    path = tuple(path)
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
