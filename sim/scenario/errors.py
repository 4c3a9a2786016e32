"""Errors in scenario input, reported with file, line, field path and a hint.

Every problem found in a scenario becomes an :class:`Issue`. Loading collects as many
issues as it can and raises one :class:`ScenarioError` holding all of them, so a user fixes
a file in one pass instead of one error at a time. The command line prints
``ScenarioError.report()`` and exits with status 2; nothing here ever shows a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

PathT = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """``('sites', 'tfm', 'output')`` -> ``sites.tfm.output``; list items as ``[i]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    """The closest option to ``word``, if any is close enough to be a plausible typo."""
    opts = [str(o) for o in options]
    matches = difflib.get_close_matches(str(word), opts, n=1, cutoff=0.6)
    if matches:
        return matches[0]
    lowered = {o.lower(): o for o in opts}
    return lowered.get(str(word).lower())


@dataclass
class Issue:
    """One problem in a scenario: where it is, what is wrong, and how to fix it."""

    message: str
    path: PathT = ()
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    unknown: tuple[str, str] | None = field(default=None, compare=False, repr=False)
    """For a reference to an id that does not exist, what it names and the id (``('site',
    'beira')``), so that the loader can say which file or ``--set`` removed it."""
    missing_lanes: list[tuple[str, str]] = field(default_factory=list, compare=False,
                                                 repr=False)
    """For a route or mine left without a lane it needs, the (from, to) pairs of sites a
    lane would have to join, so that the loader can say which file or ``--set`` removed
    such a lane."""
    after: str | None = field(default=None, compare=False, repr=False)
    """The ``--set`` (or several, comma-separated) that changed the value this issue is
    about, when the issue is located in a file: shown beside the file's line, which alone
    would read as the mistake."""

    def location(self) -> str:
        parts = []
        if self.file:
            loc = self.file
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            if self.after:
                loc += f" (after {self.after})"
            parts.append(loc)
        elif self.after:
            parts.append(f"(after {self.after})")
        if self.path:
            parts.append(format_path(self.path))
        return ": ".join(parts)

    def format(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.message}" if loc else self.message
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class ScenarioError(Exception):
    """A scenario could not be loaded; ``issues`` says every reason found."""

    issues: list[Issue] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.report())

    def report(self) -> str:
        """Every issue as text, as ``str(error)`` gives it and the command line prints it:
        a first line ``N problem(s) in scenario input:``, then each issue indented by two
        spaces (:meth:`Issue.format`: ``file:line:column: key.path: message``, as much of
        the place as is known, and its ``hint:`` line)."""
        n = len(self.issues)
        head = f"{n} problem{'s' if n != 1 else ''} in scenario input:"
        return "\n".join([head, *("  " + i.format().replace("\n", "\n  ") for i in self.issues)])

    def __str__(self) -> str:
        return self.report()


def check_strings(value: object, name: str, what: str) -> None:
    """Raise :class:`TypeError` if ``value``, the argument ``name`` that should be a list of
    ``what``, is a single string (or bytes). Iterating a string gives its characters, so
    ``"horizon_days=5"`` would be read as the items ``"h"``, ``"o"``, ... and refused with
    a message about ``"h"``, far from the mistake."""
    if isinstance(value, str | bytes):
        raise TypeError(f"{name} must be a list of {what}, not a {type(value).__name__}: "
                        f"wrap it in a list, e.g. [{value!r}]")


def check_overrides(overrides: object) -> None:
    """Raise :class:`TypeError` unless ``overrides`` is a list (or other iterable) of
    ``"key.path=value"`` strings, naming the first item that is not one by its place and
    type: the one check every entry point (``load_scenario``, ``scenario_from_dict``,
    ``run``, ``compare``, ``sweep``) makes, where a pair ``('horizon_days', 30)`` or a
    number reached the loader and failed deep inside it (review 210). None is no
    overrides."""
    from collections.abc import Iterable, Mapping

    from sim.scenario.overrides import as_overrides

    what = "'key.path=value' strings"
    check_strings(overrides, "overrides", what)
    if overrides is None:
        return
    if isinstance(overrides, Mapping):
        written = as_overrides(overrides) if all(isinstance(k, str) for k in overrides) \
            else None
        example = f"{written!r}" if written else "['horizon_days=730']"
        raise TypeError(f"overrides must be a list of {what}, not a "
                        f"{type(overrides).__name__}: e.g. {example}")
    if not isinstance(overrides, Iterable):
        raise TypeError(f"overrides must be a list of {what}, not "
                        f"{_a(type(overrides).__name__)}: e.g. ['horizon_days=730']")
    if not isinstance(overrides, list | tuple):
        return  # an iterator is read once, by the loader, which checks each item too
    for i, item in enumerate(overrides):
        if not isinstance(item, str):
            raise TypeError(override_item_message(i, item))


def override_item_message(i: int, item: object) -> str:
    """The message for item ``i`` of ``overrides``, which is not a string."""
    from sim.scenario.overrides import as_overrides

    shown = repr(item)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    kind = "None" if item is None else f"{_a(type(item).__name__)}, {shown}"
    text = f"overrides must be a list of 'key.path=value' strings: item {i} is {kind}"
    if isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str):
        written = as_overrides({item[0]: item[1]})
        if written:
            return f"{text}: write it as {written[0]!r}"
    if isinstance(item, bytes):
        return f"{text}: decode it, e.g. {item.decode('utf-8', 'replace')!r}"
    return f"{text}: e.g. 'horizon_days=730'"


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"

