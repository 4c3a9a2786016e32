"""Parameter sweeps and global sensitivity analysis over scenario values.

A sweep varies scenario values given as ``--param key.path=low:high`` over a design from
:mod:`scipy.stats.qmc`, runs every design point (sample) with ``R`` replications and
reports, per sample, the parameter values and the mean of every KPI. Each sampled value is
applied exactly as ``--set key.path=value`` would be, so the scenario's validation applies
(a sampled value the schema refuses is bad input, naming the sample).

Designs (``-n`` is ``samples``):

* ``lhs``: a scrambled Latin hypercube of ``samples`` points;
* ``sobol``: Saltelli's scheme for Sobol indices: a scrambled Sobol sequence of
  ``samples`` base points (a power of 2) in ``2d`` dimensions gives matrices A and B, and
  for each parameter ``i`` the matrix AB_i (A with column ``i`` from B), so
  ``samples * (d + 2)`` points are run. First-order and total Sobol indices of every KPI
  come from :func:`scipy.stats.sobol_indices`, with bootstrap confidence intervals. The
  bootstrap resamples the base points as if they were independent draws; a scrambled Sobol
  sequence fills the space more evenly than that, so its indices are more precise than
  the intervals say: on nearly linear outputs the intervals are several times wider than
  the estimates' spread over design seeds (2.8-6.5 times on a linear model) and cover the
  truth more often than their level; on strongly nonlinear ones (the Ishigami function)
  first-order intervals covered it in 88-91% of designs at 64 and 128 base points
  (review 195). Drawing the base points as independently scrambled
  groups would give exact intervals, at the price of much less precise indices at the
  sample sizes sweeps use (about five times the error at 64 base points in 8 groups), so
  the intervals are left as they are;
* ``grid``: a full factorial grid of ``samples`` evenly spaced levels per parameter
  (``samples ** d`` points, ends included).

Designs are drawn from a generator seeded by the root seed (so the same ``--seed`` gives the
same design); every sample uses the same root seed for its replications, so samples share
random numbers (common random numbers) and differences between samples are mostly the
parameters' effect. A parameter may be written ``low:high:log`` (sampled uniformly in
log-space; low > 0) or ``low:high:int`` (whole numbers from low to high).

Sobol indices are those of the KPI mean over ``R`` replications. Every sample runs the
same replication streams (common random numbers), so for a given seed the KPI mean is a
fixed function of the parameters and the indices are that function's. Replication noise
that is the same at every point cancels from the differences between points and takes
nothing from the indices (first-order indices do not sum below one on its account).
Noise that changes with the parameters stays: where a changed parameter shifts which
random numbers a component draws, the output jumps irregularly as any parameter moves,
which the indices count as interaction, so total indices rise above first-order ones
(``S_Ti - S_i`` holds real interactions and this noise alike). More replications per
sample (``-r``) average that noise down; another ``--seed`` shows how much of the gap it
was.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.experiment.errors import ExperimentError
from sim.experiment.executors import Backend, Job, open_backend, run_tasks
from sim.experiment.precision import (
    MetricSpec,
    check_metrics,
    check_point_rows,
    kpi_name,
    parse_metrics,
)
from sim.experiment.precision import select as select_kpis
from sim.experiment.replication import ReplicationResult
from sim.metrics.kpis import KPI_ROWS
from sim.scenario.errors import (
    ScenarioError,
    check_overrides,
    check_strings,
    did_you_mean,
    format_path,
)
from sim.scenario.fingerprint import (
    listed_order_sha256,
    scenario_json,
    scenario_order_sha256,
    scenario_sha256,
)
from sim.scenario.loader import meta_of, python_note
from sim.scenario.prices import price_modelled
from sim.scenario.schema import Scenario
from sim.streams import stable_hash
from sim.wording import python_wording

DESIGNS = ("lhs", "sobol", "grid")
SCALES = ("linear", "log", "int")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
MAX_POINTS = 100_000


@dataclass(frozen=True)
class Param:
    """A scenario value to vary: ``path`` (as for ``--set``) from ``low`` to ``high``."""

    path: str
    low: float
    high: float
    scale: str = "linear"
    keyed: bool = field(default=False, compare=False)
    """Given as an entry of a dict of key path to range (the Python API's form), which
    errors name as such."""

    @classmethod
    def parse(cls, text: str) -> Param:
        """Read ``key.path=low:high[:log|:int]``. Raises :class:`ExperimentError`."""
        what = f"--param {text}"
        hint = "write key.path=low:high, e.g. sites.kasumbalesa.clearance_trucks_per_day=200:400"
        key, eq, rng = str(text).partition("=")
        key = key.strip()
        if not eq or not key or any(not part for part in key.split(".")):
            raise ExperimentError("expected key.path=low:high", what=what, hint=hint)
        parts = [p.strip() for p in rng.split(":")]
        if key in ("start", "end"):
            # the run's own dates: a range of dates is not numbers, and a range of days is
            # refused at the first sample ("must be a calendar date")
            raise ExperimentError(
                f"the scenario's {key} is a calendar date, which is not swept", what=what,
                hint="sweep horizon_days for the run's length (with --set end=null where "
                     "the scenario gives an end), or run one scenario per date (sim run ... "
                     f"--set {key}=2025-01-01) and compare them")
        scale = "linear"
        if len(parts) == 3 and parts[2] in SCALES:
            scale = parts.pop()
        elif len(parts) == 3 and not _is_number(parts[2]):
            message, hint = _unknown_scale(parts[2])
            raise ExperimentError(message, what=what, hint=hint)
        if len(parts) != 2:
            raise ExperimentError(f"expected a range low:high, got {rng!r}", what=what,
                                  hint=hint + " (optionally :log or :int at the end)")
        try:
            low, high = float(parts[0]), float(parts[1])
        except ValueError:
            message = f"the range {rng!r} is not two numbers"
            if all(_DATE.match(p) for p in parts):
                hint = ("dates are swept as days from the scenario's start (a shock's or "
                        "policy's start and end also take a number of days), e.g. 31:152 "
                        "for 2024-02-01 to 2024-06-01 in a run starting 2024-01-01")
            elif not any(_is_number(p) for p in parts if p):
                # words (wait:rebalance) are choices, not the ends of a range: a numeric
                # example would only invite guessing numbers for them
                message += ": only numeric ranges are swept"
                hint = _choice_hint(key)
            raise ExperimentError(message, what=what, hint=hint) from None
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ExperimentError("the range must be finite numbers", what=what, hint=hint)
        if low >= high:
            raise ExperimentError(f"low ({parts[0]}) must be below high ({parts[1]})",
                                  what=what, hint="swap them, or use --set for a fixed value")
        if scale == "log" and low <= 0:
            raise ExperimentError("a :log range needs low > 0", what=what,
                                  hint="both ends of a :log range must be above 0; drop :log "
                                       "for a range that includes 0")
        if scale == "int" and (low != int(low) or high != int(high)):
            raise ExperimentError("an :int range needs whole-number ends", what=what,
                                  hint=f"round the ends, e.g. {math.floor(low)}:"
                                       f"{math.ceil(high)}:int")
        return cls(key, low, high, scale)

    @classmethod
    def of_range(cls, path: str, rng: object) -> Param:
        """The parameter ``path`` over ``rng``, a ``(low, high)`` or ``(low, high, scale)``
        tuple or list (the dict form of :func:`sweep`). Raises :class:`ExperimentError`
        naming the parameter."""
        what = f"params[{path!r}]"
        if not isinstance(rng, tuple | list) or len(rng) not in (2, 3):
            raise ExperimentError(
                f"expected (low, high) or (low, high, 'log'|'int'), got {rng!r}", what=what,
                hint=f"e.g. {{{path!r}: (30, 40)}}, or {{{path!r}: (30, 40, 'int')}} for "
                     "whole numbers")
        if len(rng) == 3 and rng[2] not in SCALES:
            message, hint = _unknown_scale(rng[2])
            raise ExperimentError(message, what=what, hint=hint)
        low, high, *rest = rng
        colon = f"{low}:{high}" + (f":{rest[0]}" if rest else "")
        try:
            return replace(cls.parse(f"{path}={colon}"), keyed=True)
        except ExperimentError as exc:
            # parse words its errors for low:high text; the range was a tuple
            exc.what = what
            if exc.message == "expected key.path=low:high":
                exc.message = (f"{path!r} is not a key path, such as 'horizon_days' or "
                               "'sites.border.clearance_trucks_per_day'")
                exc.hint = "write the key path as for overrides"
            elif (exc.hint or "").startswith("write key.path=low:high"):
                exc.hint = (f"give two numbers, e.g. {{{path!r}: (30, 40)}}, or "
                            f"{{{path!r}: (30, 40, 'int')}} for whole numbers")
            exc.message = _as_tuples(exc.message.replace(repr(colon), repr(tuple(rng))))
            exc.hint = _as_tuples(exc.hint)
            exc.args = (exc.report(),)
            _python_choice_hint(exc, path)
            raise

    def option(self) -> str:
        """The parameter as its user gave it: ``--param key.path=low:high`` (a list item of
        the Python API's ``params`` is written so too), or ``params['key.path']``."""
        return f"params[{self.path!r}]" if self.keyed else f"--param {self}"

    def value(self, u: float) -> float | int:
        """The parameter value at ``u`` in [0, 1]: exactly ``low`` at ``u = 0`` and exactly
        ``high`` at ``u = 1``, and never outside [low, high] in between."""
        if self.scale == "int":
            return int(min(self.high, math.floor(self.low + u * (self.high - self.low + 1))))
        # The ends are returned as given: ``low + 1 * (high - low)`` and
        # ``exp(log(high))`` can round past ``high`` (0.06 + (0.9 - 0.06) is
        # 0.9000000000000001), which would move a grid's top level and its --set text off
        # the range and could break a schema bound equal to ``high``.
        if u <= 0:
            return float(self.low)
        if u >= 1:
            return float(self.high)
        if self.scale == "log":
            x = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            x = self.low + u * (self.high - self.low)
        return float(min(max(x, self.low), self.high))

    def override(self, value: float | int) -> str:
        """The ``--set`` text giving this parameter ``value``."""
        if isinstance(value, int | np.integer):
            return f"{self.path}={int(value)}"
        return f"{self.path}={np.format_float_positional(float(value), unique=True, trim='0')}"

    def __str__(self) -> str:
        tail = "" if self.scale == "linear" else f":{self.scale}"
        return f"{self.path}={self.low:g}:{self.high:g}{tail}"


def canonical_path(path: str) -> tuple[str | int, ...]:
    """The parts of a key path as ``--set`` reads them: ``schedule[0].tonnes`` and
    ``schedule.0.tonnes`` are both ``('schedule', 0, 'tonnes')``. A path ``--set`` would
    refuse is split at its dots (its own check reports it)."""
    from sim.scenario.compose import parse_override

    try:
        parts = parse_override(f"{path}=0")[0]
    except ScenarioError:
        return tuple(path.split("."))
    return tuple(parts)


def _choice_hint(key: str, for_python: bool = False) -> str:
    """How to compare the values of ``key``, a choice (``wait`` or ``rebalance``) that no
    numeric range can sweep."""
    if for_python:
        return (f"to compare the values of {key}, give sim.compare one scenario file per "
                f"value (each with extends: the scenario, its own name: and {key}: VALUE), "
                f"or run each value apart with sim.run(..., overrides=['{key}=VALUE'])")
    return (f"to compare the values of {key}, give sim compare one scenario file per value "
            f"(each with extends: the scenario, its own name: and {key}: VALUE), or run "
            f"each value apart with --set {key}=VALUE")


def _python_choice_hint(exc: ExperimentError, path: str) -> None:
    """Reword ``exc``'s hint for a Python caller when it is :func:`_choice_hint`'s."""
    if exc.hint == _choice_hint(path):
        exc.hint = _choice_hint(path, for_python=True)
        exc.args = (exc.report(),)


def _as_tuples(text: str | None) -> str | None:
    """``text`` with its ranges written as the dict form's tuples: ``20:31:int`` as
    ``(20, 31, 'int')``, a ``:log`` range as a ``'log'`` one."""
    if not text:
        return text
    text = re.sub(r"(?<![\w.:])(-?\d+(?:\.\d+)?):(-?\d+(?:\.\d+)?)(?::(log|int))?\b",
                  lambda m: f"({m.group(1)}, {m.group(2)}"
                  + (f", {m.group(3)!r})" if m.group(3) else ")"), text)
    return re.sub(r"(?<![\w'])(low:high)?:(log|int)\b", lambda m: f"{m.group(2)!r}", text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _unknown_scale(scale: object) -> tuple[str, str]:
    """The message and hint for a range's scale that is not ``log`` or ``int``."""
    text = str(scale).lower()
    # "integer" is closer to "linear" than to "int" letter by letter, but meant int
    guess = next((s for s in SCALES if text.startswith(s) or s.startswith(text)), None) \
        if text else None
    guess = guess or did_you_mean(text, SCALES)
    return (f"unknown scale {scale!r}; expected log or int (or nothing, for a linear range)",
            f"did you mean {guess!r}?" if guess else "write low:high:log or low:high:int")


@dataclass(eq=False)  # equal only to itself: its arrays have no single truth value
class Design:
    """The points of a sweep: ``unit`` in [0, 1]^d and their parameter ``values``."""

    name: str
    params: list[Param]
    unit: np.ndarray
    values: list[list[float | int]]
    blocks: list[str]
    """For a Sobol design: ``A``, ``B`` or ``AB:<path>`` per point; empty otherwise."""
    base: int
    """Samples asked for (base points for Sobol, levels per parameter for a grid)."""

    @property
    def size(self) -> int:
        """Points to run (rows of ``values``): ``base`` for lhs, ``base`` x (parameters + 2)
        for Sobol, ``base`` to the power of the parameters for a grid."""
        return len(self.values)


def _generator(seed: int, name: str) -> np.random.Generator:
    # The design's own stream, apart from every replication stream of the same seed.
    return np.random.default_rng(np.random.SeedSequence([int(seed), stable_hash(f"design:{name}")]))


def _qmc(engine: type, d: int, rng: np.random.Generator, **kwargs: Any) -> Any:
    try:
        return engine(d, rng=rng, **kwargs)
    except TypeError:  # scipy < 1.15 calls it seed
        return engine(d, seed=rng, **kwargs)


def make_design(params: Sequence[Param], design: str, samples: int, seed: int) -> Design:
    """Draw the design. Raises :class:`ExperimentError` for an unknown design, a Sobol
    sample count that is not a power of 2, or too many grid points."""
    params = list(params)
    d = len(params)
    if d == 0:
        raise ExperimentError("no parameters to vary", what="--param",
                              hint="give at least one --param key.path=low:high")
    # schedule[0] and schedule.0 name one value: compared as written, both would be
    # varied and the later override would silently undo the earlier one
    spellings: dict[tuple[str | int, ...], list[str]] = {}
    for p in params:
        spellings.setdefault(canonical_path(p.path), []).append(p.path)
    twice = sorted(f"{written[0]} is given twice" if len(set(written)) == 1 else
                   f"{' and '.join(dict.fromkeys(written))} name the same value, given twice"
                   for written in spellings.values() if len(written) > 1)
    if twice:
        raise ExperimentError("; ".join(twice), what="--param",
                              hint="give each parameter once; to vary it over two ranges, "
                                   "run two sweeps")
    if design not in DESIGNS:
        raise ExperimentError(f"unknown design {design!r}; expected one of "
                              f"{', '.join(DESIGNS)}", what="--design")
    if samples < 1:
        raise ExperimentError("expected at least 1", what="-n/--samples")
    points = {"lhs": samples, "sobol": samples * (d + 2)}.get(design)
    if points is not None and points > MAX_POINTS:
        # every point's scenario is checked and kept before the first runs: 327,680 points
        # ran out of memory after minutes without a word (review 113)
        raise ExperimentError(f"-n {samples} makes {points:,} {design} design points (at "
                              f"most {MAX_POINTS:,})", what="-n/--samples",
                              hint="use fewer samples: a few hundred points already take "
                                   "hours of replications")
    rng = _generator(seed, design)
    blocks: list[str] = []
    if design == "lhs":
        unit = _qmc(qmc.LatinHypercube, d, rng).random(samples)
    elif design == "sobol":
        if samples < 2 or samples & (samples - 1):
            lower = 1 << (samples.bit_length() - 1)
            raise ExperimentError(
                f"the Sobol design needs a power of 2 base samples, at least 2, got "
                f"{samples}",
                what="-n/--samples",
                hint=(f"use -n {lower} or -n {lower * 2}" if lower >= 2 else "use -n 2")
                + f"; it runs n x (parameters + 2) = n x {d + 2} points")
        ab = _qmc(qmc.Sobol, 2 * d, rng, scramble=True).random(samples)
        a, b = ab[:, :d], ab[:, d:]
        pages = [a, b]
        blocks = ["A"] * samples + ["B"] * samples
        for i, p in enumerate(params):
            page = a.copy()
            page[:, i] = b[:, i]
            pages.append(page)
            blocks += [f"AB:{p.path}"] * samples
        unit = np.vstack(pages)
    else:
        if samples < 2:
            raise ExperimentError("a grid needs at least 2 levels per parameter",
                                  what="-n/--samples",
                                  hint="use -n 2 or more (levels per parameter), or --design lhs")
        whole = [p for p in params if p.scale == "int" and samples > p.high - p.low + 1]
        if whole:
            p = whole[0]
            levels = int(p.high - p.low + 1)
            raise ExperimentError(
                f"{samples} grid levels for {p.path}, which has only {levels} whole numbers "
                f"from {p.low:g} to {p.high:g}: levels would repeat", what="-n/--samples",
                hint=f"use -n {levels} or fewer, or widen the range")
        if samples ** d > MAX_POINTS:
            raise ExperimentError(f"{samples} levels for {d} parameters is {samples ** d:,} "
                                  f"points (at most {MAX_POINTS:,})", what="-n/--samples",
                                  hint="use fewer levels, or --design lhs")
        levels = np.linspace(0.0, 1.0, samples)
        unit = np.array(list(itertools.product(levels, repeat=d)), dtype=float)
    if design == "grid":
        values = [[p.value(u) if p.scale != "int" else _grid_int(p, u)
                   for p, u in zip(params, row, strict=True)] for row in unit]
    else:
        values = [[p.value(u) for p, u in zip(params, row, strict=True)] for row in unit]
    return Design(design, params, unit, values, blocks, samples)


def _grid_int(p: Param, u: float) -> int:
    return int(round(p.low + u * (p.high - p.low)))


# ---------------------------------------------------------------------------------------
# Scenarios of the design points


class PointScenarios:
    """Builds the scenario of each design point from one read of the scenario file (or
    from a loaded scenario's resolved document; ``path`` is then None).

    Reading and merging the YAML is the slow part of loading; it is done once, and each
    point only applies its overrides and validates.
    """

    def __init__(self, path: str | os.PathLike[str] | Scenario,
                 overrides: Sequence[str] = ()) -> None:
        from sim.scenario import load_scenario
        from sim.scenario.compose import load_raw

        self.overrides = list(overrides)
        self._base_over: dict[tuple[str, str], float] | None = None
        self.for_python = False
        """Name parameter values as a Python caller gave them (see :func:`as_param`)."""
        self.path: Path | None
        self._loaded_notes: list[str]
        if isinstance(path, Scenario):
            # a loaded scenario: its resolved document stands in for the file
            from sim.experiment.runner import revalidated
            from sim.scenario.compose import RawScenario

            self.path = None
            self._loaded_notes = list(meta_of(path).notes)
            self.base = revalidated(path, self.overrides)  # as a file would be checked
            self._raw = RawScenario(scenario_json(path), {}, [path.name])
            return
        self.path = Path(path)
        self._loaded_notes = []
        self.base = load_scenario(self.path, self.overrides)  # reports file errors as usual
        self._raw = load_raw(self.path)

    def scenario(self, sets: Sequence[str]) -> Scenario:
        """The scenario with the overrides, then the parameter values ``sets`` (``--set``
        texts) applied. Raises :class:`ScenarioError`, which names a parameter value as
        ``--param path=value`` (it was no ``--set`` of the user's)."""
        from sim.scenario.compose import apply_overrides
        from sim.scenario.loader import validate_raw  # one path for files and --set

        try:
            return validate_raw(apply_overrides(self._raw, [*self.overrides, *sets]))
        except ScenarioError as exc:
            for issue in exc.issues:
                param = any(f"'{s}'" in issue.message for s in sets)
                for name in ("message", "file", "hint", "after"):
                    text = getattr(issue, name)
                    if text:
                        setattr(issue, name, as_param(text, sets, self.for_python))
                if param and issue.file == "--set":
                    # review 214: "--set: --param '...': no item 3": the parameter's, not a
                    # --set of the user's
                    issue.file = "params" if self.for_python else "--param"
                issue.message = self._list_length(issue.message)
            raise ScenarioError(exc.issues) from None

    def _list_length(self, message: str) -> str:
        """``message`` with how many items the list has where it says an index is past
        its end (``no item 3 at ...schedule``: review 214)."""
        match = re.search(r": no item (\d+) at (\S+)$", message)
        if match is None:
            return message
        node: Any = self._raw.data
        for part in canonical_path(match[2]):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return message
        if not isinstance(node, list):
            return message
        count = len(node)
        held = (f"items 0 to {count - 1}" if count > 1 else "item 0" if count else "no items")
        return (f"{message}, which has {count} item{'s' if count != 1 else ''} "
                f"({held})")

    def notes(self, sc: Scenario, sets: Sequence[str]) -> list[str]:
        """The notes of point scenario ``sc`` (made by :meth:`scenario` from ``sets``),
        with its parameter values named as ``--param``. The unit note of a value is left
        out (:meth:`check` words it once for the whole range), and so are the notes of a
        loaded scenario, which were warned of when it was loaded."""
        own = set(self._loaded_notes)
        units = tuple(f"--set {s}: " for s in sets)
        return [as_param(n, sets, self.for_python) for n in meta_of(sc).notes
                if n not in own and not n.startswith(units)] + self._capacity_notes(sc)

    def _capacity_notes(self, sc: Scenario) -> list[str]:
        """The capacities point ``sc``'s parameter values overload, beyond the base
        scenario's (review 178: a sweep of Kasumbalesa's clearance over 150-400 trucks a
        day ran every point below the flow planned through it without a word, where the
        same value given with --set is noted)."""
        from sim.scenario.capacity import over_capacity, override_capacity_notes

        if self._base_over is None:
            self._base_over = over_capacity(self.base)
        return override_capacity_notes(self.base, sc, "", before=self._base_over)

    def check(self, params: Sequence[Param]) -> list[str]:
        """Check every parameter path at both ends of its range; return a note for each
        parameter whose sampled bare numbers replace a value the file gives in another
        unit (as ``--set`` notes one). Raises :class:`ExperimentError` naming the
        parameter."""
        notes: list[str] = []
        for p in params:
            for end in (p.low, p.high):
                value: float | int = int(end) if p.scale == "int" else float(end)
                text = p.override(value)
                try:
                    sc = self.scenario([text])
                except ScenarioError as exc:
                    raise ExperimentError(
                        f"the scenario refuses {text}:\n  "
                        + exc.report().replace("\n", "\n  "), what=p.option(),
                        hint="check the key path (as for --set) and that the range holds "
                             "valid values") from None
                if end == p.low and any(n.startswith(f"--set {text}: ")
                                        for n in meta_of(sc).notes):
                    notes.append(self._unit_note(p))
            dist = self._distribution_note(p)
            if dist:
                notes.append(dist)
        return notes

    def _distribution_note(self, p: Param) -> str | None:
        """A note for ``p`` when the file gives a distribution where it varies a number:
        each sample replaces the whole distribution with a fixed value, so the spread goes
        with it (review 113: a lane's uniform transit time swept as a number)."""
        from sim.scenario.compose import apply_overrides, parse_override

        node: Any = apply_overrides(self._raw, self.overrides).data
        try:
            for part in parse_override(f"{p.path}=0")[0]:
                node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
        if not isinstance(node, dict) or "dist" not in node:
            return None
        shape = ", ".join(f"{k}: {v}" for k, v in node.items()
                          if k not in ("source", "assumption", "note"))
        kept = [k for k in node if k not in ("dist", "source", "assumption", "note")]
        example = (f"; to move the distribution, vary one of its parameters instead, e.g. "
                   f"--param '{p.path}.{kept[-1]}=...'" if kept else "")
        return (f"--param {p}: the file gives a distribution there ({{{shape}}}); each "
                f"sampled number replaces it with that fixed value, so its spread is gone at "
                f"every sample{example}")

    def _unit_note(self, p: Param) -> str:
        """The note for ``p``, whose bare numbers replace a value given with a unit: the
        --set note, phrased for the whole range, with a ``--param`` that keeps the unit."""
        from sim.scenario.compose import apply_overrides, lost_unit, parse_override, unit_note

        parts = parse_override(f"{p.path}=0")[0]
        node: Any = apply_overrides(self._raw, self.overrides).data
        for part in parts:
            node = node[part]
        unit = lost_unit(node, 0.0, tuple(parts)) or ""
        tail = "" if p.scale == "linear" else f":{p.scale}"
        keep = (f"to keep {unit}, vary its value: --param '{p.path}.value={p.low:g}:"
                f"{p.high:g}{tail}'" if "value" in node
                else f"to keep {unit}, give the range converted from {unit}")
        return unit_note(f"--param {p}", "the file", tuple(parts), node, unit,
                         "each sampled number", keep)


def as_param(text: str, sets: Sequence[str], for_python: bool = False) -> str:
    """``text`` (an error's or a note's) with the ``--set`` of each of ``sets``, a design
    point's parameter values, written as the ``--param`` it came from (``param 'x=1'``
    for a Python caller, whose ``params`` hold no such text to quote)."""
    for s in sets:
        pattern = r"--set (['\"]?)" + re.escape(s) + r"(?![\w.])\1"
        text = re.sub(pattern, (lambda m, s=s: f"param {s!r}") if for_python else
                      (lambda m, s=s: f"--param {m.group(1)}{s}{m.group(1)}"), text)
    return text


# A free-standing number or date only: digits inside an identifier or a quoted id ('sup_1',
# 'q2', 'sup-1') name another object, so notes that differ there are about different
# things. An ISO date is one value, not three numbers, and a '-' is a number's sign only
# where it does not join two words or numbers ('x-5', '10-20'), so a range keeps it. The
# minus sign U+2212 ('\u22120.3', as typeset text writes it) is a sign as '-' is: read as
# text, '\u22120.5' and '\u22120.3' merged to '\u22120.3 to 0.5'. A number is taken whole,
# its exponent included ('1.5e-3'), or not at all: a part of it ('1' of '1.5e-3' or of
# '1.5kg', '5' of 'v1.5') made '1.5e-3' and '2.5e-3' one note reading '1 to 2.5e-3'.
_TOKEN = re.compile(
    r"(?<![\w'\-\u2212])(?P<date>\d{4}-\d{1,2}-\d{1,2})(?![\w'\-\u2212])"
    r"|(?P<number>(?:(?<![\w'\-\u2212.])[-\u2212])?(?<![\w'])(?<![^\W\d][-\u2212])"
    r"(?<!'[-\u2212])(?<!\d[.,])\d+(?:[.,]\d+)*(?:[eE][-+\u2212]?\d+)?)"
    r"(?![\w']|[.,]\d)")
_NEXT_TO_RANGE = (re.compile(r"(?:\bto|[-\u2013\u2212])\s*$"),
                  re.compile(r"^\s*(?:to\b|[-\u2013\u2212])"))
"""Text before and after a number that reads as a range already ('1.5 to 2', '10-20'): a
range written there is bracketed, so '[1.5, 1.7] to [2, 3]' cannot be read as one range."""
RANGE_NOTE = "a number or date that differs between these points is shown as its range over them"
"""What a merged note of several design points says of its ranges, after the points."""
_LISTED = 10
"""Samples named in a note that concerns only some design points; more are counted."""


def _masked(note: str) -> str:
    """``note`` with each free-standing number and date replaced by a placeholder of its
    kind: notes equal but for their numbers (or dates) share it."""
    return _TOKEN.sub(lambda m: "#date#" if m.group("date") else "#", note)


def point_notes(per_point: Sequence[Sequence[str]]) -> list[str]:
    """The notes of a sweep from those of each design point's scenario: each distinct note
    once, with at how many points (and which samples) it holds unless it holds at all.

    Notes that differ only in their free-standing numbers or ISO dates (a capacity factor
    each point sets to another value) are one note, each number or date that differs
    between them shown as its range over those points (``48 to 63``, ``-0.5 to -0.3``,
    ``2024-02-17 to 2024-03-04``; ``[1.5, 1.7]`` where the text already says ``to`` or
    ``-`` next to it), so that advice holds at every point. Two notes of the same point
    are never one: they say different things."""
    size = len(per_point)
    groups: list[dict[str, list[int]]] = []  # each note's text -> the points it holds at
    by_key: dict[str, list[int]] = {}  # numbers masked -> indices into groups
    for k, notes in enumerate(per_point):
        for note in dict.fromkeys(notes):
            candidates = by_key.setdefault(_masked(note), [])
            free = [g for g in candidates
                    if not any(ks[-1] == k for ks in groups[g].values())]
            same = [g for g in free if note in groups[g]]
            if same or free:
                groups[(same or free)[0]].setdefault(note, []).append(k)
            else:
                candidates.append(len(groups))
                groups.append({note: [k]})
    out = []
    for texts in groups:
        samples = sorted({k for ks in texts.values() for k in ks})
        if len(texts) == 1:
            first = next(iter(texts))
            out.append(first if len(samples) == size else f"{first} ({_at(samples, size)})")
        else:
            out.append(f"{_ranged(list(texts))} ({_at(samples, size)}; {RANGE_NOTE})")
    return out


def _ranged(texts: Sequence[str]) -> str:
    """The first of ``texts`` (notes equal but for their numbers and dates, so holding
    them at the same places) with each that differs between them written as ``low to
    high`` (the earliest to the latest date), or ``[low, high]`` where the text beside it
    already reads as a range."""
    tokens = [[m.group() for m in _TOKEN.finditer(t)] for t in texts]
    pieces = _TOKEN.split(texts[0])[::3]  # split also returns the two groups' texts
    out = [pieces[0]]
    for i, rest in enumerate(pieces[1:]):
        values = sorted({n[i] for n in tokens}, key=_magnitude)
        if len({v.replace("\u2212", "-") for v in values}) == 1:  # one number, two minus signs
            out.append(values[0])
        elif _NEXT_TO_RANGE[0].search(out[-1]) or _NEXT_TO_RANGE[1].search(rest):
            out.append(f"[{values[0]}, {values[-1]}]")
        else:
            out.append(f"{values[0]} to {values[-1]}")
        out.append(rest)
    return "".join(out)


def _magnitude(number: str) -> tuple[float | str, ...]:
    """The value of a number as a note writes it (``1,789`` thousands, ``-47.3`` or
    ``\u221247.3``) or of a date (year, month, day), to order a range by; one that is
    neither sorts by its text."""
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", number):
        return tuple(float(part) for part in number.split("-"))
    signed = number.replace("\u2212", "-")  # float() takes no U+2212
    plain = signed.replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", signed) \
        else signed
    try:
        return float(plain), number
    except ValueError:
        return float("inf"), number


def _at(samples: Sequence[int], size: int) -> str:
    if len(samples) == size:
        return f"at all {size} points"
    return f"at {len(samples)} of {size} points: {_samples(samples)}"


def _samples(samples: Sequence[int]) -> str:
    listed = ", ".join(str(k) for k in samples[:_LISTED])
    more = f", ... ({len(samples) - _LISTED} more)" if len(samples) > _LISTED else ""
    return f"sample{'s' if len(samples) != 1 else ''} {listed}{more}"


# ---------------------------------------------------------------------------------------
# Running


def varies(values: Any, column: str | None = None) -> bool:
    """Whether ``values`` (NaN left out) differ by more than rounding noise: a column of
    6,599,630.296 t at every sample, off by 1e-15 of itself from summation order, was
    ranked with rho = -0.63 against a parameter it does not depend on (review 113). A
    ``column`` of a check (:data:`CHECKS`) never varies: its values are rounding."""
    if column is not None and column.split(":")[0] in CHECKS:
        return False
    y = np.asarray(values, dtype=float)
    y = y[np.isfinite(y)]
    return bool(y.size > 1 and np.ptp(y) > ROUNDING * max(1.0, float(np.abs(y).max())))


ROUNDING = 1e-9
"""Relative spread below which a KPI's values across samples are taken as one value."""

CHECKS = frozenset({"mass_balance_error_t"})
"""KPIs that check a run rather than measure it: 0 up to rounding in every run that passes
(one that does not raises), so never an output to rank. Copper's 1e-7 t, beyond the
relative guard of values below 1 t, got Sobol indices of 0.93 (review 154)."""


@dataclass(eq=False)  # equal only to itself: its tables have no single truth value
class Sweep:
    """A finished sweep: ``table`` has one row per sample (parameters, then the mean of
    every total KPI as ``metric:commodity``); ``kpis`` has every KPI's mean, sd and n per
    sample (long form); ``sobol`` the Sobol indices (Sobol design only).

    :func:`run_sweep` returns one. :func:`sweep` returns only its ``table``, a DataFrame
    whose ``attrs`` hold ``notes`` alone: the units of its KPI columns, the long KPI
    table, the indices and every other attribute below are only here (``units``,
    ``kpis``, ``sobol``, ...).

    Attributes
    ----------
    scenario : str
        The name of the scenario swept.
    design : Design
        The design (:class:`Design`): its ``name`` (lhs, sobol, grid), ``params``, the
        parameter ``values`` of each point, the Sobol ``blocks`` and ``base`` (samples
        asked for).
    seed : int
        The root seed (common random numbers across samples).
    replications : int
        Replications run at each sample.
    table : pandas.DataFrame
        One row per sample: ``sample``, ``block`` (Sobol only), each parameter (in the
        scenario file's unit, or as ``param_units`` says), then the mean over
        replications of every total KPI, a column ``metric:commodity`` each
        (``kpi_columns``; their units in ``units``).
    kpis : pandas.DataFrame
        Every KPI per sample, long form: sample, commodity, channel, site, metric, unit,
        mean, sd, n (over the sample's replications, in ``unit``).
    sobol : pandas.DataFrame or None
        Sobol indices (Sobol design only; None otherwise): output, unit, parameter,
        first_order and total_order (fractions of the output's variance), each with its
        bootstrap interval (``_low``, ``_high``), base_samples and noise_share.
    units : dict of str to str
        Unit of each KPI column of ``table`` (``t``, ``USD``, ``days``, ``ratio``,
        ``share``, ``index``), keyed by column, in the table's order.
    wall_s : float
        Seconds of wall-clock time the sweep took to run, up to the results (writing
        its folder's tables and figures, with ``out``, not included).
    resumed_with : int
        Replications read back from the folder of a resumed sweep instead of run.
    repeated_points : int
        Design points equal to an earlier one, whose replications were not run again (a
        one-parameter Sobol design's AB block is its B block).
    notes : list of str
        What the overrides did to the scenario swept that may not be what was meant (a
        bare number over a value its file gives in another unit), as ``sim validate
        --set`` prints it; :func:`sweep` warns of each.
    cautions : list of str
        For the Python API (:func:`run_sweep`, which warns of each): what the command
        line prints beside the indices or correlations (too few base samples,
        replication noise, price peaks at their cap), in the API's words.
    noise_share : dict of str to float
        Per KPI column: the share (a fraction, 0 to 1) of the variance of its sample
        means that is replication noise, measured by the interaction of sample and
        replication, so that what common random numbers move alike at every sample is
        not counted (:func:`noise_shares`; NaN with one replication per sample, where it
        cannot be measured). Indices and correlations count that share as if the
        parameters caused it (review 113).
    at_cap : dict of str to (int, int, float)
        Per ``price_peak_ratio:<commodity>`` column whose peak reached the price cap at
        some sample: (samples where every replication's peak is at the cap, samples
        where some but not all are, the cap: the scenario's ``price_cap_ratio``, the
        largest where it is varied). There the peak shows the cap, not how high the
        price would have gone.
    where : dict or None
        Where the replications run now ran (executor, workers, scheduler, cluster:
        :func:`sim.experiment.runner.where_record`); None where none was run.
    steady : list of str
        KPI columns whose replications rank the distinct design points alike: at least
        two vary across them, and no two order a pair of points oppositely (ties aside).
        Their replication noise changes the size of the parameters' effect, not its
        direction, so it does not weaken their rank correlations (review 214).
    param_units : dict of str to str
        Per parameter path, what its numbers are where they are not what the scenario
        file writes: a date swept as ``days from the start date (2025-06-01)``.
    prices : dict of str to (float or None, bool)
        Per commodity of the scenario swept: its reference price (USD a tonne; None:
        none, so its money KPIs are 0) and whether its price index can move
        (:func:`sim.scenario.prices.price_modelled`), for the notes on money KPIs.
    """

    scenario: str
    design: Design
    seed: int
    replications: int
    table: pd.DataFrame
    kpis: pd.DataFrame
    sobol: pd.DataFrame | None = None
    units: dict[str, str] = field(default_factory=dict)
    wall_s: float = 0.0
    resumed_with: int = 0
    repeated_points: int = 0
    notes: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    noise_share: dict[str, float] = field(default_factory=dict)
    at_cap: dict[str, tuple[int, int, float]] = field(default_factory=dict)
    where: dict[str, Any] | None = None
    steady: list[str] = field(default_factory=list)
    param_units: dict[str, str] = field(default_factory=dict)
    prices: dict[str, tuple[float | None, bool]] = field(default_factory=dict)

    @property
    def kpi_columns(self) -> list[str]:
        """The KPI columns of ``table`` (``metric:commodity``, after the sample, block and
        parameter columns), in its order: the keys of ``units``. A new list each time."""
        return list(self.units)

    def correlations(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Spearman rank correlation of each parameter with each KPI column (rows) that
        varies across samples, over the distinct design points (a point an ``:int`` range
        repeats counts once), with values equal up to :data:`ROUNDING` of the column's
        largest taken as ties (review 222: summation noise in the last digit ranked a
        parameter with no effect at +0.29).

        A KPI without a value at some points (``time_to_recover_days`` where no
        replication at a point was disrupted) is correlated over the points where it has
        one: ``attrs["samples"]`` gives that count per row (the rows with a value at fewer
        than every distinct point), since chance reaches further over fewer points."""
        cols = [c for c in (columns or self.kpi_columns) if c in self.table]
        params = [p.path for p in self.design.params]
        # over the distinct points, as the chance line counts them (review 222: repeated
        # points of an :int range counted twice in rho, once in its chance line)
        points = self.table.groupby(params, sort=False, dropna=False)[cols].mean() \
            if cols else pd.DataFrame()
        x = points.index.to_frame(index=False)
        out = {}
        fewer: dict[str, int] = {}
        for c in cols:
            if not varies(self.table[c], c):
                continue
            y = _ties_rounded(points[c].to_numpy(dtype=float))
            out[c] = [x[p].corr(pd.Series(y), method="spearman") for p in params]
            have = int(np.isfinite(y).sum())
            if have < len(y):
                fewer[c] = have
        frame = pd.DataFrame.from_dict(out, orient="index", columns=params)
        frame.attrs["samples"] = fewer
        return frame

    def design_text(self) -> str:
        """The design in words: samples, points, replications per point and seed, and the
        points not run because they repeat an earlier one."""
        des = self.design
        if des.name == "sobol":
            size = f"{des.base} base samples, {des.size} points"
        elif des.name == "grid":
            size = f"{des.base} levels per parameter, {des.size} points"
        else:
            size = f"{des.size} sample{'s' if des.size != 1 else ''}"
        text = (f"{des.name} design, {size} x {self.replications} replication"
                f"{'s' if self.replications != 1 else ''}, seed {self.seed}")
        if self.repeated_points:
            text += (f" ({self.repeated_points} points repeat earlier ones and were not run "
                     "again)")
        return text

    def __repr__(self) -> str:
        params = "; ".join(_param_text(p) for p in self.design.params)
        sobol = ("" if self.sobol is None else
                 f"; Sobol indices of {self.sobol['output'].nunique()} KPIs (.sobol)")
        notes = "".join(f"\n  note: {python_note(n)}" for n in [*self.notes, *self.cautions])
        return (f"<Sweep of {self.scenario!r}: {self.design_text()}; parameters: {params}; "
                f"{len(self.kpi_columns)} KPI columns (.table){sobol}{notes}>")

    def _repr_html_(self) -> str:
        import html

        rows = "".join(f"<tr><td>{html.escape(p.path)}</td><td>{p.low:g}</td>"
                       f"<td>{p.high:g}</td><td>{p.scale}</td></tr>"
                       for p in self.design.params)
        sobol = ("" if self.sobol is None else
                 f"; Sobol indices of {self.sobol['output'].nunique()} KPIs in .sobol")
        notes = "".join(f"<p><strong>Note:</strong> {html.escape(python_note(n))}</p>"
                        for n in [*self.notes, *self.cautions])
        return (f"<div><strong>Sweep</strong> of {html.escape(self.scenario)}: "
                f"{html.escape(self.design_text())}"
                "<table><thead><tr><th>parameter</th><th>low</th><th>high</th><th>scale</th>"
                f"</tr></thead><tbody>{rows}</tbody></table>{notes}"
                f"<small>.table: one row per sample, the parameters and the mean of "
                f"{len(self.kpi_columns)} KPIs; .kpis: every KPI's mean, sd and n per sample"
                f"{sobol}; .correlations(): Spearman rank correlation of each parameter "
                "with each KPI</small></div>")


def _param_text(p: Param) -> str:
    return f"{p.path} {p.low:g} to {p.high:g}" + ("" if p.scale == "linear" else f" ({p.scale})")


def run_sweep(scenario: str | os.PathLike[str] | Scenario,
              params: Sequence[str | Param] | Mapping[str, Any],
              design: str = "lhs",
              samples: int = 16, replications: int | None = None, seed: int = 0, *,
              overrides: Sequence[str] = (), workers: int | None = 1,
              backend: Backend | None = None, scheduler: str | None = None,
              dask_local: bool = False, executor: Executor | None = None,
              metrics: Sequence[str] = (),
              out: str | os.PathLike[str] | None = None, force: bool = False,
              resume: bool = False,
              n_resamples: int = 999, confidence: float = 0.95,
              progress: Callable[[int], object] | None = None,
              on_total: Callable[[int], object] | None = None,
              figures: bool = True, command: Sequence[str] | None = None,
              for_python: bool = True, _stacklevel: int = 2,
              on_build: Callable[[int, int], object] | None = None,
              on_read: Callable[[int], object] | None = None,
              on_saved: Callable[[int], object] | None = None,
              on_write: Callable[[], object] | None = None,
              on_figure: Callable[[int, int], object] | None = None,
              on_table: Callable[[int, int], object] | None = None) -> Sweep:
    """Run a parameter sweep of a scenario; return a :class:`Sweep`.

    It takes :func:`sweep`'s arguments, with the same meanings and defaults (``params``,
    as there, a mapping of key paths to ranges or a list of ``"key.path=low:high"``
    strings, which may hold :class:`Param` objects too), its checks and its exceptions,
    and ``command`` and ``for_python`` (below), which the command line sets. With ``out``, it writes
    ``sweep.csv``, ``sweep-kpis.csv.gz``, ``sobol.csv`` (Sobol design), ``sweep.json`` and
    figures there, and saves every replication in ``out/sweep-replications/`` as it
    finishes (:mod:`sim.output.sweep_store`): a sweep that fails or is interrupted is
    finished with ``resume=True`` (the same scenario, overrides, parameters, design,
    samples and seed; ``replications`` may grow, not shrink, and if omitted stays what
    the saved sweep holds), which runs only what is not saved. ``replications`` is 1 if
    omitted otherwise.
    ``command``: the words of the ``sim`` command that resumes the sweep, recorded for
    the hints of other commands given the unfinished folder.

    For a progress display (the command line's, review 229: building 2,000 points took
    111 s before any output): ``on_build`` is called with ``(0, points)`` before the
    design points' scenarios are built and ``(k, points)`` once k are; ``on_read`` with the
    count of replication files a resumed sweep holds before they are read back (only if
    it holds any); ``on_saved``, if given, with the count of those read back that are
    reused, instead of ``progress`` and before ``on_total``; with ``out``, ``on_write``
    once the replications are done, before the sweep is tabled and written (review 239:
    some 10 s at 256 points, under a bar at 100%), ``on_table`` with ``(0, blocks)``
    before the sweep is tabled and ``(k, blocks)`` as the k-th block is done (its tables
    made, then each table file written: :data:`sim.output.sweep_output.SWEEP_TABLE_BLOCKS`),
    and ``on_figure`` with ``(0, figures)`` before the first figure is drawn and ``(k,
    figures)`` once the k-th is saved.

    The sweep's ``notes`` and the messages of the errors raised are written for the
    Python API (``overrides=[...]``, ``samples``, ``force=True``), or with
    ``for_python=False`` for the command line, which calls this (``--set``, ``-n``,
    ``--force``).

    ``out`` is locked while the sweep writes it (:func:`sim.output.folder_lock.lock_folder`):
    another ``sim`` command writing there is refused, and this one is refused if another
    is, with ``force`` or ``resume`` too."""
    from sim.output.folder_lock import writing

    if isinstance(params, Mapping):
        # as sim.sweep takes it: iterating a dict gave its keys, refused as
        # "key.path=low:high" strings (review 228)
        with python_wording("sweep", for_python):
            params = [Param.of_range(path, rng) for path, rng in params.items()]
    with python_wording("sweep", for_python), writing(out, "sim sweep"):
        result = _run_sweep(scenario, params, design, samples, replications, seed,
                            overrides=overrides, workers=workers, backend=backend,
                            scheduler=scheduler, dask_local=dask_local, executor=executor,
                            metrics=metrics, out=out, force=force, resume=resume,
                            n_resamples=n_resamples,
                            confidence=confidence, progress=progress, on_total=on_total,
                            figures=figures, command=command, for_python=for_python,
                            on_build=on_build, on_read=on_read, on_saved=on_saved,
                            on_write=on_write, on_figure=on_figure, on_table=on_table)
    if for_python:
        from sim.output.sweep_output import cautions

        # what the command line prints beside the indices reached no notebook (review
        # 113): a Sobol sweep of 2 base samples gave an index of -0.39 without a word
        result.notes = [python_note(n) for n in result.notes]
        # on the KPIs asked for, as the command line's (review 146: metrics= was ignored)
        result.cautions = [_python_caution(c, out is not None)
                           for c in cautions(result, list(metrics))]
        # the notes too (review 184: the README promises them as warnings, and only
        # sim.sweep gave them, the capacity note of an override twice)
        for text in [*result.notes, *result.cautions]:
            warnings.warn(text, UserWarning, stacklevel=_stacklevel)
    return result


def _python_caution(text: str, out: bool = True) -> str:
    """A caution of :func:`sim.output.sweep_output.cautions` in the Python API's words;
    ``out``: the sweep was written to a folder (else its files are named as the
    :class:`Sweep`'s attributes: review 214)."""
    text = text.removeprefix("warning: ").removeprefix("note: ")
    text = re.sub(r"-n (\d+)", r"samples=\1", text)
    text = re.sub(r"-r (\d+)", r"replications=\1", text)
    if not out:
        text = text.replace("noise_share in sobol.csv", 'the Sweep\'s .sobol["noise_share"]')
    return (text.replace("(-r)", "(replications=)").replace("(--set)", "(overrides=[...])")
            .replace("(-n)", "(samples=)").replace("sim compare", "sim.compare")
            .replace("(:int ranges)", "('int' ranges)"))


def _run_sweep(scenario: str | os.PathLike[str] | Scenario, params: Sequence[str | Param],
               design: str, samples: int, replications: int | None, seed: int, *,
               overrides: Sequence[str],
               workers: int | None, backend: Backend | None, scheduler: str | None,
               dask_local: bool, executor: Executor | None, metrics: Sequence[str],
               out: str | os.PathLike[str] | None, force: bool,
               resume: bool, n_resamples: int, confidence: float,
               progress: Callable[[int], object] | None,
               on_total: Callable[[int], object] | None, figures: bool,
               command: Sequence[str] | None, for_python: bool,
               on_build: Callable[[int, int], object] | None = None,
               on_read: Callable[[int], object] | None = None,
               on_saved: Callable[[int], object] | None = None,
               on_write: Callable[[], object] | None = None,
               on_figure: Callable[[int, int], object] | None = None,
               on_table: Callable[[int, int], object] | None = None) -> Sweep:
    """:func:`run_sweep`, its errors and notes worded for the command line (but for the
    hint of a sample that needs whole numbers, whose form differs with ``for_python``)."""
    from sim.experiment.runner import (
        check_callbacks,
        check_count,
        check_flag,
        check_path,
        check_seed,
        check_where,
        placed,
        where_record,
    )
    from sim.experiment.stats import check_confidence

    started = time.perf_counter()
    if not isinstance(scenario, str | os.PathLike | Scenario):
        raise TypeError(f"scenario must be a Scenario or the path of a scenario file (str or "
                        f"Path), not {type(scenario).__name__}")
    # before anything runs: a bad one failed after the first replication (review 228)
    check_callbacks(progress=progress, on_total=on_total, on_build=on_build, on_read=on_read,
                    on_saved=on_saved, on_write=on_write, on_figure=on_figure,
                    on_table=on_table)
    check_flag(figures, "figures")
    if out is not None:
        check_path(out, "out", "the folder to write the sweep to")
    check_strings(params, "params", "'key.path=low:high' strings (or a dict of key path to "
                  "(low, high))")
    check_overrides(overrides)
    check_strings(metrics, "metrics", "KPI names such as 'delivered_t:cobalt'")
    # as sim.run checks them ("2" and 2.0 failed deep inside with a bare TypeError)
    check_count(samples, "samples")
    if replications is None:
        # a resume keeps the saved sweep's count (1 would be refused as fewer than saved)
        from sim.output.sweep_store import SweepStore

        replications = (SweepStore(Path(out)).resumed_replications(1)
                        if resume and out is not None else 1)
    check_count(replications, "replications")
    if workers is not None and backend is None:
        check_count(workers, "workers")
    check_where(executor, backend, scheduler, dask_local)
    check_seed(seed)
    # numpy integers are reported and saved as plain ones
    seed, samples, replications = int(seed), int(samples), int(replications)
    check_confidence(confidence)
    # as samples and seed, before anything runs: scipy refused 0 only once every
    # replication had run, and an lhs or grid design ignored it (review 228)
    check_count(n_resamples, "n_resamples")
    if force and resume:
        raise ExperimentError("give --resume or --force, not both", what="--resume",
                              hint="--resume keeps the saved replications, --force deletes "
                                   "them")
    if resume and out is None:
        raise ExperimentError("resume needs the folder of the sweep to finish", what="resume",
                              hint="give out=, the folder the interrupted sweep was writing")
    parsed = []
    for p in params:
        try:
            parsed.append(p if isinstance(p, Param) else Param.parse(p))
        except ExperimentError as exc:
            if for_python:
                _python_choice_hint(exc, str(p).partition("=")[0].strip())
            raise
    for text in overrides:
        key = text.split("=", 1)[0].strip()
        where = canonical_path(key)
        for p in parsed:
            path = canonical_path(p.path)
            # the same value, or one inside it (schedule[0] and schedule.0 alike): the
            # sample's value would replace the fixed one silently. A --set of a mapping
            # holding the parameter is applied first, and the sample's value after it.
            if where[:len(path)] == path:
                # quoted as a shell would need it: a value with spaces ("{dist: triangular,
                # ...}") was cut at the first one in the Python wording (review 228)
                said = f"'{text}'" if re.search(r"\s", text) and "'" not in text else text
                raise ExperimentError(
                    f"{key} is both set (--set {said}) and varied (--param {p.path})",
                    what="--set", hint="drop the --set, or vary another parameter")
    specs = parse_metrics(metrics)
    des = make_design(parsed, design, samples, seed)
    if design != "sobol":
        # as sim.run refuses a confidence without target_ci: no Sobol indices, no
        # bootstrap intervals for them to set (review 228: accepted without effect)
        for name, value, default in (("confidence", confidence, 0.95),
                                     ("n_resamples", n_resamples, 999)):
            if value != default:
                raise ExperimentError(
                    f"{name} sets the bootstrap intervals of the Sobol indices, which only a "
                    f"sobol design has: it has no effect on a {design} design", what=name,
                    hint=f"leave out {name}, or give design='sobol'")
    out_path = Path(out) if out is not None else None
    if out_path is not None:
        # refused at once; nothing deleted yet
        _prepare_out(out_path, force, replace=False, resume=resume)
        from sim.output.folder import nothing_saved

        if resume and for_python and nothing_saved(out_path):
            # review 194: a resume of the wrong folder ran a new sweep without a word
            warnings.warn(f"nothing saved in {out_path.absolute()}: resume=True starts a new "
                          "sweep there", UserWarning, stacklevel=3)
    points = PointScenarios(scenario, overrides)
    points.for_python = for_python
    # before anything is written or run, and before any point's scenario is built (review
    # 222: 3,000 of them took 110 s and 1.2 GB first): each replication's KPI values are
    # kept, with a task and a key each, some 300 bytes beside them (review 210: a count too
    # large for them failed as an "internal error: MemoryError"), and every point's
    # scenario, built before any runs, about as large as the base one's
    from sim.experiment.collector import check_room, retained_bytes

    check_room(points.base, replications, "-r", count=des.size, series=False, overhead=300,
               per_scenario=retained_bytes(Job.of(points.base, seed)))
    param_notes = points.check(parsed)
    # the capacities the overrides overload: sim sweep says them before it runs, and
    # run_sweep warns of them with the sweep's other notes; sweep.json keeps them
    from sim.experiment.runner import overrides_capacity_notes

    param_notes = [*overrides_capacity_notes(scenario, points.base, overrides, for_python),
                   *param_notes]
    # before anything is run: a typo costs nothing (the rows, once the points are built)
    check_metrics(specs, points.base, rows=False)
    jobs = []
    # each point's own notes: a setting that does nothing may hold at some points only,
    # and the file's value that the base scenario notes may be at none
    per_point: list[list[str]] = []
    point_caps: list[dict[str, float]] = []  # each point's price caps, by commodity
    if on_build is not None:
        on_build(0, des.size)
    for i, row in enumerate(des.values):
        sets = [p.override(v) for p, v in zip(parsed, row, strict=True)]
        try:
            sc = points.scenario(sets)
            per_point.append(points.notes(sc, sets))
            jobs.append(Job.of(sc, seed))
            point_caps.append({c: float(com.price_cap_ratio)
                               for c, com in sc.commodities.items()})
            if on_build is not None:
                on_build(i + 1, des.size)
        except ScenarioError as exc:
            whole = any("whole number" in issue.message for issue in exc.issues)
            raise ExperimentError(
                f"sample {i} ({', '.join(sets)}) is not a valid scenario:\n  "
                + exc.report().replace("\n", "\n  "), what="--param",
                hint=_whole_hint(parsed, exc, for_python) if whole else
                     "narrow the --param ranges to values the scenario accepts") from None
    check_point_rows(specs, points.base, [job.sc for job in jobs])
    store = None
    saved_rows: int | None = None
    saved: dict[tuple[int, int], tuple[np.ndarray, list[Any]]] = {}
    if out_path is not None:
        from sim.output.sweep_store import SweepStore, sweep_plan

        created = not out_path.exists()
        # every input is checked: only now does --force replace another command's results
        _prepare_out(out_path, force, resume=resume)
        store = SweepStore(out_path)
        plan = sweep_plan(points.base.name, scenario_sha256(points.base), _source(scenario),
                          overrides, des.name, des.base, _param_records(parsed), seed,
                          replications, command, scenario_order_sha256(points.base))
        if resume and on_read is not None:
            held = store.saved_count()
            if held:
                on_read(held)
        saved = store.begin(plan, resume, listed_order_sha256(points.base))
        # the saved replications' row version, which begin keeps in the plan
        saved_rows = (store.plan() or {}).get("kpi_rows", 1)
    # a point equal to an earlier one (a one-parameter Sobol design's AB block is its B
    # block) is run once: its replications would be the same
    first: dict[tuple[float | int, ...], int] = {}
    same_as = [first.setdefault(tuple(row), k) for k, row in enumerate(des.values)]
    unique = sorted(set(same_as))
    values: dict[tuple[int, int], np.ndarray] = {}
    labels: dict[int, list[tuple[str, str, str, str, str]]] = {}
    for (k, r), (kpis, kpi_labels) in saved.items():
        if k < des.size and same_as[k] == k and r < replications:
            values[(k, r)] = kpis
            labels.setdefault(k, kpi_labels)
    reused = len(values)
    ran_by: dict[str, int] = {}
    """How many of the replications run now each code ran (review 196: a cluster's worker
    may run other code than this process)."""

    def start() -> None:
        # once the workers are there: a cluster that cannot be reached is reported
        # without an empty progress bar before the message
        if on_saved is not None and reused:
            # before the total: a bar made with it then starts at the saved count (review
            # 236: a log file got "0/N" first)
            on_saved(reused)
        if on_total is not None:
            on_total(len(unique) * replications)
        if on_saved is None and progress is not None and reused:
            progress(reused)

    def finished(k: int, res: ReplicationResult) -> None:
        if k in labels and list(res.kpi_labels) != labels[k]:
            # one sample's replications all have its KPIs: saved ones that differ came
            # from another version of sim, and stacking them failed as an internal error
            raise ExperimentError(
                f"sample {k}'s replication {res.replication} has other KPIs than its "
                "replications saved before: saved replications from another version of sim "
                "cannot be resumed", what="--resume",
                hint="run again with --force to start the sweep afresh")
        if res.code is not None:
            ran_by[res.code] = ran_by.get(res.code, 0) + 1
        if store is not None:
            store.save(k, res)
        values[(k, res.replication)] = res.kpi_values()
        if k not in labels:
            labels[k] = list(res.kpi_labels)
        if progress is not None:
            progress(1)

    tasks = [(k, r) for k in unique for r in range(replications) if (k, r) not in values]
    if store is not None and saved and tasks and saved_rows != KPI_ROWS:
        # samples run now would have other KPI rows than the saved ones: sweep.csv would
        # mix them without a word (review 119)
        raise ExperimentError(
            f"the sweep in {out_path} was saved by an older version of sim, whose KPIs "
            f"differ from this one's: {len(tasks)} replication(s) to run would mix the two",
            what="--resume", hint="run again with --force to start the sweep afresh")
    # a sweep that saves nothing keeps nothing of a failure: waiting for the replications
    # still running (as a run does, to save them) would only delay the message
    drain = {} if store is not None else {"drain_s": 0.0}
    where: dict[str, Any] | None = None
    try:
        if not tasks:
            start()
        else:
            with placed(workers, tasks=len(tasks), scheduler=scheduler,
                        dask_local=dask_local, executor=executor, backend=backend,
                        opener=open_backend) as own:
                where = where_record(own)
                start()
                run_tasks(jobs, tasks, finished, own, **drain)
    except (KeyboardInterrupt, ExperimentError, ScenarioError):
        # stopped (or a cluster not reached) before anything was saved: no folder is left
        # that other commands would take for an unfinished sweep. A failed replication
        # keeps the plan, for the command that finishes the sweep once it is fixed.
        if store is not None and not resume:
            store.abandon(created)
        raise
    if out_path is not None and on_write is not None:
        on_write()  # the tables, the Sobol indices and the figures are next
    from sim.output.progress_count import TABLES
    from sim.output.sweep_output import SWEEP_TABLE_BLOCKS

    # entered again around the files written: one count
    tables = TABLES.counting(on_table if out_path is not None else None, SWEEP_TABLE_BLOCKS)
    for k, same in enumerate(same_as):
        if same != k:
            labels[k] = labels[same]
            for r in range(replications):
                values[(k, r)] = values[(same, r)]
    with tables:
        TABLES.begin()
        table, long, units, unmatched = _tables(des, values, labels, replications, specs)
        TABLES.one_done()
    unreadable = ([f"{len(store.unreadable)} saved replication file(s) could not be read "
                   f"and were run again: {', '.join(store.unreadable)}"]
                  if store is not None and store.unreadable else [])
    worker = _worker_code_note(ran_by, out_path)
    result = Sweep(points.base.name, des, seed, replications, table, long, None, units,
                   notes=[*point_notes(per_point), *param_notes, *unreadable,
                          *([worker] if worker else []),
                          *([store.code_note.replace("--force", "force=True")
                             if for_python else store.code_note]
                            if store is not None and store.code_note else [])],
                   resumed_with=reused,
                   repeated_points=des.size - len(unique),
                   noise_share=noise_shares(values, labels, units, unique, replications),
                   at_cap=_capped(values, labels, replications, point_caps), where=where,
                   steady=steady_columns(values, labels, units, unique, replications),
                   param_units=param_units(points.base, parsed),
                   prices=_prices(points.base))
    if design == "sobol":
        result.sobol = sobol_table(des, table, units, seed, n_resamples, confidence)
        # beside the indices it inflates (NaN: not measured, one replication per sample)
        result.sobol["noise_share"] = result.sobol["output"].map(result.noise_share)
    result.wall_s = time.perf_counter() - started
    if out_path is not None:
        from sim.output.sweep_output import counted_figures, write_sweep

        if store is not None:
            # the folder removed or moved meanwhile: the tables would make it again
            try:
                store.check_here()
            finally:
                store.close()
        written = [_written_metric(s, result.kpi_columns) for s in specs]
        try:
            with tables, counted_figures(result, written, figures, on_figure):
                write_sweep(result, out_path, figures=figures, metrics=written,
                            source=_source(scenario), overrides=list(overrides))
        except MemoryError:
            # as sim run's and sim compare's (review 236: an "internal error" here)
            from sim.experiment.collector import no_room_for_tables

            raise no_room_for_tables(replications, out_path, figures,
                                     " of each sample") from None
    if unmatched:
        # Found only now, from the labels of the finished runs (a combination no sample
        # produced); the sweep is written first, so no run is lost.
        exc = unmatched[0]
        if out_path is None:
            raise exc
        raise ExperimentError(
            f"{exc.message}; the sweep is written to {out_path} without it (sweep-kpis.csv.gz "
            "holds every KPI's mean per sample)", what=exc.what,
            hint=(f"{exc.hint}; then" if exc.hint else "correct --metric and") +
            " run the command again with --resume (the saved replications are read back: "
            "nothing is run again)")
    return result


def _worker_code_note(ran_by: dict[str, int], out: Path | None) -> str | None:
    """A note where some of the sweep's replications were run by other code than this
    process's (a cluster's worker not restarted after a git pull), counting them per
    code; None where every one was run by this code."""
    from sim.build import WORKERS_SAME_CODE, code_label

    own = code_label()
    if all(code == own for code in ran_by):
        return None
    total = sum(ran_by.values())
    said = ", ".join(f"{n} by {code}" for code, n in ran_by.items())
    where = str(out) if out is not None else "the sweep"
    what = (f"{where} mixes their results" if len(ran_by) > 1
            else f"{where} holds that code's results")
    record = "plan.json's and sweep.json's code lists" if out is not None else "this note lists"
    return (f"of the {total} replications run, {said}, not by {own}, which started the "
            f"sweep: where the code differs in the model, {what} ({record} each); "
            f"{WORKERS_SAME_CODE}")


def _whole_hint(params: Sequence[Param], exc: ScenarioError, for_python: bool) -> str:
    """The hint for a sample refused for a value that must be a whole number: draw whole
    numbers, written as the parameter was given (a ``(low, high, 'int')`` tuple for the
    dict form, which has no ``:int`` to end)."""
    if not for_python:
        return "end the --param with :int (KEY.PATH=LOW:HIGH:int) to draw whole numbers"
    paths = {format_path(issue.path) for issue in exc.issues if "whole number" in issue.message}
    p = next((p for p in params if p.path in paths), None)
    if p is None:
        return ("give the range as (low, high, 'int') to draw whole numbers (or end a "
                "'key.path=low:high' with :int)")
    low, high = math.ceil(p.low), math.floor(p.high)
    if low >= high:  # no two whole numbers inside: take the ones around it
        low, high = math.floor(p.low), math.ceil(p.high)
    if p.keyed:
        return (f"give the range as (low, high, 'int') to draw whole numbers: "
                f"params={{{p.path!r}: ({low}, {high}, 'int')}}")
    return f"end the range with :int to draw whole numbers: '{p.path}={low}:{high}:int'"


def _written_metric(spec: MetricSpec, columns: Sequence[str]) -> str:
    """``spec`` as sweep.json records it: as ``str()`` writes it (commodity ``*``: each
    commodity), but with commodity ``all`` where the KPI columns it names are a site's
    KPI of commodity ``all`` alone (``wait_p95_days:all:all:border``), as sweep.csv's
    column and the notes write it (review 202: sweep.json wrote ``*`` there)."""
    commodities = set()
    for column in columns:
        col = MetricSpec.parse(column)
        if (col.metric, col.channel, col.site) == (spec.metric, spec.channel, spec.site):
            commodities.add(col.commodity)
    if spec.commodity is None and commodities == {"all"}:
        return str(replace(spec, commodity="all"))
    return str(spec)


def _source(scenario: str | os.PathLike[str] | Scenario) -> str:
    """Where the swept scenario came from, as the sweep's files record it."""
    if isinstance(scenario, Scenario):
        return f"<scenario {scenario.name}>"  # as a comparison labels one
    return os.fspath(scenario)  # str() of an os.PathLike other than Path is its repr


def _param_records(params: Sequence[Param]) -> list[dict[str, Any]]:
    """The parameters as ``sweep.json`` and the saved replications' plan record them."""
    return [{"path": p.path, "low": p.low, "high": p.high, "scale": p.scale} for p in params]


def _prepare_out(out: Path, force: bool, replace: bool = True, resume: bool = False) -> None:
    """Refuse ``out`` if the sweep cannot be written there, before anything runs (a run's or
    comparison's folder would otherwise refuse the sweep only when it is written, and the
    sweep just computed would be lost). With ``force``, another command's results there
    and the replications an earlier sweep saved are removed, unless ``replace`` is False:
    that call comes before the scenario and the parameters are checked, and the one that
    replaces them after (a mistyped --param, --metric or --set must not cost them). With
    ``resume``, a sweep there is kept to be finished."""
    from sim.output.atomic import folder_hint, not_a_folder
    from sim.output.errors import FolderError
    from sim.output.folder import claim_folder, refuse_unmarked
    from sim.output.sweep_store import STORE, SweepStore

    if out.exists() and not out.is_dir():
        raise FolderError(f"{out} exists and is not a folder")
    # a file on the way (--out afile/x) was "cannot write to afile/x/sweep-replications:
    # Not a directory", not saying which part is a file, as sim run and compare do
    blocked = not_a_folder(out / STORE)
    if blocked is not None:
        raise FolderError(f"cannot write to {out}: {blocked}", hint=folder_hint(out))
    if force:
        refuse_unmarked(out)  # before the inputs are checked: --force cannot help there
        if replace:
            claim_folder(out, "sweep", force=True)
            SweepStore(out).remove()
        return
    claim_folder(out, "sweep")
    store = SweepStore(out)
    saved = store.saved_count()
    if saved and store.plan() is None:
        raise FolderError(
            f"{out} holds {saved} saved replication(s) in {STORE}/ but no plan.json, so it "
            "cannot be checked that they belong to this sweep",
            hint="pass --force to start the sweep again, or choose another --out folder")
    if resume:
        if (out / "sweep.csv").exists() and store.plan() is None:
            raise FolderError(f"{out} holds a finished sweep without its saved replications "
                              f"({STORE}/, which older versions did not keep), so it cannot "
                              "be resumed", hint="pass --force to run it again instead of "
                                                 "--resume, or choose another --out folder")
        return
    # sweep.json is written last: with sweep.csv but not it, the sweep was stopped while
    # its tables were written, and is finished with --resume as any other unfinished one
    if (out / "sweep.json").exists():
        plan = store.plan()
        if plan is None:  # an older version's sweep: nothing saved to resume from
            raise FolderError(f"{out} already holds a sweep (sweep.csv)",
                              hint="choose another --out folder, or pass --force to replace "
                                   "it")
        # the -r to repeat: a smaller one is refused on resuming (it would rebuild the
        # tables from fewer replications), and -r is 1 unless given
        held = max([int(plan.get("replications") or 1), *store.held().values()])
        raise FolderError(f"{out} already holds a sweep (sweep.csv)",
                          hint=f"choose another --out folder, pass --resume -r {held} to add "
                               "to it (other --metric columns; a larger -r adds replications "
                               "per sample), or --force to replace it")
    if not saved and (out / "sweep.csv").exists() and store.plan() is None:
        raise FolderError(f"{out} holds an incomplete sweep (sweep.csv, but no sweep.json) "
                          f"and no saved replications ({STORE}/) to finish it from",
                          hint="pass --force to run it again, or choose another --out folder")
    if saved or (out / "sweep.csv").exists():
        raise FolderError(f"{out} holds an unfinished sweep ({saved} replication(s) saved in "
                          f"{STORE}/)",
                          hint="pass --resume to finish it (the same scenario, --set, --param, "
                               "--design, -n and --seed), --force to start again, or choose "
                               "another --out folder")


def _tables(des: Design, values: dict[tuple[int, int], np.ndarray],
            labels: dict[int, list[tuple[str, str, str, str, str]]], replications: int,
            specs: Sequence[Any]
            ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str], list[ExperimentError]]:
    """The wide table (one row per sample), the long KPI table and the unit of each wide
    column; last, an error for each of ``specs`` that names no KPI any sample has (its
    column is left out)."""
    order: list[tuple[str, str, str, str, str]] = []
    seen: set[tuple[str, str, str, str, str]] = set()
    for k in range(des.size):
        for lab in labels[k]:
            if lab not in seen:
                seen.add(lab)
                order.append(lab)
    pos = {lab: j for j, lab in enumerate(order)}
    means = np.full((des.size, len(order)), np.nan)
    sds = np.full((des.size, len(order)), np.nan)
    counts = np.zeros((des.size, len(order)), dtype=int)
    for k in range(des.size):
        cols = [pos[lab] for lab in labels[k]]
        mat = np.vstack([values[(k, r)] for r in range(replications)])
        ok = ~np.isnan(mat)
        n = ok.sum(axis=0)
        with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            means[k, cols] = np.nanmean(mat, axis=0)
            sds[k, cols] = np.nanstd(mat, axis=0, ddof=1) if replications > 1 else np.nan
        counts[k, cols] = n
    wanted = [j for j, lab in enumerate(order) if lab[1] == "all" and lab[2] == "all"]
    unmatched: list[ExperimentError] = []
    for spec in specs:
        try:
            wanted += [j for j in select_kpis(order, [spec]) if j not in wanted]
        except ExperimentError as exc:
            unmatched.append(exc)
    frame: dict[str, Any] = {"sample": np.arange(des.size)}
    if des.blocks:
        frame["block"] = des.blocks
    for i, p in enumerate(des.params):
        frame[p.path] = [row[i] for row in des.values]
    units: dict[str, str] = {}
    for j in wanted:
        name = kpi_name(order[j])
        frame[name] = means[:, j]
        units[name] = order[j][4]
    table = pd.DataFrame(frame)
    keys = pd.DataFrame(order, columns=["commodity", "channel", "site", "metric", "unit"])
    long = keys.loc[np.tile(np.arange(len(order)), des.size)].reset_index(drop=True)
    long.insert(0, "sample", np.repeat(np.arange(des.size), len(order)))
    long["mean"] = means.reshape(-1)
    long["sd"] = sds.reshape(-1)
    long["n"] = counts.reshape(-1)
    return table, long, units, unmatched


def noise_shares(values: Mapping[tuple[int, int], np.ndarray],
                 labels: Mapping[int, Sequence[tuple[str, str, str, str, str]]],
                 units: Mapping[str, str], points: Sequence[int],
                 replications: int) -> dict[str, float]:
    """For each KPI column of ``units``: the share of the variance of its sample means
    (over the distinct design ``points``) that replication noise makes, after common
    random numbers cancel what every sample shares.

    With Y[k, r] the KPI at point k in replication r, the noise that moves the sample
    means apart is the interaction of point and replication: the residual of Y after its
    point and replication means, of variance s2 = sum(resid^2) / ((K - 1)(R - 1)). A
    sample mean carries s2 / R of it, so the share is s2 / R over the variance of the
    sample means. A replication that is high at every point (a closure drawn long) moves
    every mean alike and is not counted: sd^2 / n over the replications counted it, and
    gave "shares" of 4 and 52 (review 117). NaN with one replication per point, where
    the KPI lacks a value somewhere, or where its means do not vary."""
    out: dict[str, float] = {}
    where = {k: {kpi_name(lab): j for j, lab in enumerate(labels.get(k, ()))}
             for k in points}
    for col in units:
        if replications < 2 or len(points) < 2 or any(col not in where[k] for k in points):
            out[col] = math.nan
            continue
        y = np.array([[values[(k, r)][where[k][col]] for r in range(replications)]
                      for k in points])
        means = y.mean(axis=1)
        spread = float(means.var(ddof=1)) if np.all(np.isfinite(y)) else math.nan
        # the same test of rounding as the indices get (varies): the variance against the
        # square of ROUNDING left KPIs varying by 1e-9 to 3e-5 of their size ranked but
        # unmeasured (review 167: other_supply_t, noise 6% of its spread, blank)
        if not (spread > 0 and varies(means, col)):
            out[col] = math.nan
            continue
        resid = y - means[:, None] - y.mean(axis=0)[None, :] + y.mean()
        s2 = float((resid ** 2).sum()) / ((len(points) - 1) * (replications - 1))
        out[col] = s2 / replications / spread
    return out


def _ties_rounded(y: np.ndarray) -> np.ndarray:
    """``y`` with values equal up to :data:`ROUNDING` of its largest magnitude made equal,
    so a rank correlation ties them (NaN stays NaN)."""
    finite = np.abs(y[np.isfinite(y)])
    scale = float(finite.max()) if finite.size else 0.0
    if scale == 0.0:
        return y
    return np.round(y / (scale * ROUNDING)) * (scale * ROUNDING)


def steady_columns(values: Mapping[tuple[int, int], np.ndarray],
                   labels: Mapping[int, Sequence[tuple[str, str, str, str, str]]],
                   units: Mapping[str, str], points: Sequence[int],
                   replications: int) -> list[str]:
    """The KPI columns of ``units`` that vary across the distinct design ``points`` and
    whose replications rank those points alike (:attr:`Sweep.steady`): at least two
    replications vary across them, and for no two points is one higher in one replication
    and lower in another. Values equal up to
    :data:`ROUNDING` of the column's largest are ties; a column without a value at some
    point is left out."""
    if replications < 2 or len(points) < 2:
        return []
    out = []
    where = {k: {kpi_name(lab): j for j, lab in enumerate(labels.get(k, ()))}
             for k in points}
    for col in units:
        if any(col not in where[k] for k in points):
            continue
        y = np.array([[values[(k, r)][where[k][col]] for r in range(replications)]
                      for k in points])
        if not np.all(np.isfinite(y)) or not varies(y.mean(axis=1), col):
            continue
        scale = float(np.abs(y).max())
        q = np.round(y / (scale * ROUNDING))  # ties up to rounding
        # a replication with one value at every point agrees with any order: the claim
        # needs two that vary (review 218: two of three flat "ranked alike")
        varying = [r for r in range(replications) if np.unique(q[:, r]).size > 1]
        if len(varying) >= 2 and all(_concordant(q[:, r], q[:, t])
                                     for r, t in itertools.combinations(varying, 2)):
            out.append(col)
    return out


def _concordant(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether no pair of places ``i``, ``j`` has ``a[i] < a[j]`` and ``b[i] > b[j]``."""
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    if len(starts) < 2:
        return True
    low = np.minimum.reduceat(b, starts)
    high = np.maximum.reduceat(b, starts)
    # every earlier group of equal a is at most as high in b as each later one's lowest
    return bool(np.all(np.maximum.accumulate(high)[:-1] <= low[1:]))


def _date_field(sc: Scenario, path: str) -> bool:
    """Whether the value at ``path`` of scenario ``sc`` is a calendar date (a shock's or
    policy's ``start`` or ``end``), which a sweep gives as a number of days."""
    import datetime as dt

    node: Any = sc
    parts = canonical_path(path)
    for i, part in enumerate(parts):
        try:
            if isinstance(node, dict):
                node = node[part]
            elif isinstance(node, list | tuple) and isinstance(part, int):
                node = node[part]
            elif isinstance(part, str) and hasattr(node, part):
                if i == len(parts) - 1 and getattr(node, part) is None:
                    # an end left open: the field's type says it is a date
                    fields = getattr(type(node), "model_fields", {})
                    return part in fields and "date" in str(fields[part].annotation)
                node = getattr(node, part)
            else:
                return False
        except (KeyError, IndexError, TypeError):
            return False
    node = getattr(node, "value", node)  # a cited value
    return isinstance(node, dt.date)


def param_units(sc: Scenario, params: Sequence[Param]) -> dict[str, str]:
    """:attr:`Sweep.param_units` of ``params`` swept over scenario ``sc``."""
    return {p.path: f"days from the start date ({sc.start})" for p in params
            if _date_field(sc, p.path)}


def param_dates(sweep: Sweep, param: Param, values: Sequence[float]) -> list[str]:
    """The calendar dates of ``values`` of a date parameter swept as days (ISO), or []
    for another parameter."""
    import datetime as dt

    unit = sweep.param_units.get(param.path, "")
    match = re.search(r"\((\d{4}-\d{2}-\d{2})\)", unit)
    if not unit.startswith("days from") or match is None:
        return []
    start = dt.date.fromisoformat(match[1])
    return [(start + dt.timedelta(days=float(v))).isoformat() for v in values]


def _prices(sc: Scenario) -> dict[str, tuple[float | None, bool]]:
    """:attr:`Sweep.prices` of scenario ``sc``."""
    return {c: (None if com.reference_price_usd_per_t is None
                else float(com.reference_price_usd_per_t), price_modelled(sc, c))
            for c, com in sc.commodities.items()}


def _capped(values: Mapping[tuple[int, int], np.ndarray],
            labels: Mapping[int, Sequence[tuple[str, str, str, str, str]]], replications: int,
            caps: Sequence[Mapping[str, float]]) -> dict[str, tuple[int, int, float]]:
    """:attr:`Sweep.at_cap` from each sample's replications' KPI ``values`` (``labels``
    their keys) and each sample's price caps ``caps``."""
    out: dict[str, tuple[int, int, float]] = {}
    for k, point_caps in enumerate(caps):
        for j, lab in enumerate(labels.get(k, ())):
            com, chan, site, metric, _unit = lab
            if metric != "price_peak_ratio" or (chan, site) != ("all", "all"):
                continue
            cap = point_caps.get(com)
            if cap is None:
                continue
            peaks = np.array([values[(k, r)][j] for r in range(replications)
                              if (k, r) in values])
            reached = int((peaks >= cap * (1 - 1e-9)).sum())
            if not reached:
                continue
            every, some, top = out.get(kpi_name(lab), (0, 0, cap))
            whole = reached == len(peaks)
            out[kpi_name(lab)] = (every + whole, some + (not whole), max(top, cap))
    return out


# ---------------------------------------------------------------------------------------
# Sobol indices


def sobol_table(des: Design, table: pd.DataFrame, units: dict[str, str], seed: int,
                n_resamples: int = 999, confidence: float = 0.95) -> pd.DataFrame:
    """First-order and total Sobol indices of every KPI column that varies, with percentile
    bootstrap confidence intervals.

    Columns left out are listed in ``attrs``: ``constant_outputs``, the same at every A and
    B point; ``undefined_outputs``, without a value at some point (NaN there, as
    ``time_to_recover_days`` where no replication at the point was disrupted): the
    estimators need a value at every point, and dropping points would break the A, B and
    AB_i blocks they pair. ``points_with_value`` gives, for each undefined output, at how
    many of the design's points it has one.

    Uses :func:`scipy.stats.sobol_indices` on the evaluations at A, B and AB_i, and
    :func:`scipy.stats.bootstrap` over the base samples with a generator seeded by the
    root seed, so the intervals are reproducible.
    """
    from scipy.stats import sobol_indices

    n, d = des.base, len(des.params)
    outputs: list[str] = []
    constant: list[str] = []
    undefined: dict[str, int] = {}
    for col in units:
        y = table[col].to_numpy(float)
        if not np.all(np.isfinite(y)):
            undefined[col] = int(np.isfinite(y).sum())
        # rounding noise (a mass-balance error of 1e-10 t) is no variance to apportion
        elif varies(y[: 2 * n], col):
            outputs.append(col)
        else:
            constant.append(col)
    rows: list[dict[str, Any]] = []
    if outputs:
        y = table[outputs].to_numpy(float).T  # (s, points)
        f_a, f_b = y[:, :n], y[:, n:2 * n]
        f_ab = np.stack([y[:, (2 + i) * n:(3 + i) * n] for i in range(d)])  # (d, s, n)
        s = len(outputs)
        # scipy's sobol_indices fails on one output and one parameter (it squeezes the
        # indices to a scalar, then assigns into it): a single output goes in twice.
        pad = 2 if s == 1 else 1

        def indices(idx: np.ndarray) -> np.ndarray:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                res = sobol_indices(func={"f_A": np.repeat(f_a[:, idx], pad, axis=0),
                                          "f_B": np.repeat(f_b[:, idx], pad, axis=0),
                                          "f_AB": np.repeat(f_ab[..., idx], pad, axis=1)},
                                    n=n)
            return np.concatenate([np.reshape(res.first_order, (s * pad, d))[:s].ravel(),
                                   np.reshape(res.total_order, (s * pad, d))[:s].ravel()])

        point = indices(np.arange(n))
        low, high = _bootstrap(indices, n, seed, n_resamples, confidence)
        first, total = point[: s * d].reshape(s, d), point[s * d:].reshape(s, d)
        f_lo, t_lo = low[: s * d].reshape(s, d), low[s * d:].reshape(s, d)
        f_hi, t_hi = high[: s * d].reshape(s, d), high[s * d:].reshape(s, d)
        for o, col in enumerate(outputs):
            for i, p in enumerate(des.params):
                rows.append({"output": col, "unit": units[col], "parameter": p.path,
                             "first_order": first[o, i], "first_order_low": f_lo[o, i],
                             "first_order_high": f_hi[o, i], "total_order": total[o, i],
                             "total_order_low": t_lo[o, i], "total_order_high": t_hi[o, i],
                             "base_samples": n})
    frame = pd.DataFrame(rows, columns=["output", "unit", "parameter", "first_order",
                                        "first_order_low", "first_order_high", "total_order",
                                        "total_order_low", "total_order_high",
                                        "base_samples"])
    frame.attrs["constant_outputs"] = constant
    frame.attrs["undefined_outputs"] = list(undefined)
    frame.attrs["points_with_value"] = undefined
    return frame


def _bootstrap(indices: Callable[[np.ndarray], np.ndarray], n: int, seed: int,
               n_resamples: int, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap over the base samples. (BCa would need the indices of n - 1
    samples for its jackknife, which the Saltelli scheme does not define: the base count
    must stay a power of 2.)"""
    from scipy.stats import bootstrap

    def statistic(sample: np.ndarray) -> np.ndarray:
        return indices(np.asarray(sample, dtype=int))

    rng = _generator(seed, "bootstrap")
    kwargs: dict[str, Any] = {"n_resamples": n_resamples, "confidence_level": confidence,
                              "method": "percentile", "vectorized": False}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            res = bootstrap((np.arange(n),), statistic, rng=rng, **kwargs)
        except TypeError:  # scipy < 1.15 calls it random_state
            res = bootstrap((np.arange(n),), statistic, random_state=rng, **kwargs)
    ci = res.confidence_interval
    return np.asarray(ci.low, float), np.asarray(ci.high, float)


# ---------------------------------------------------------------------------------------
# The Python API


def sweep(scenario: str | os.PathLike[str] | Scenario,
          params: Mapping[str, tuple[float, float] | tuple[float, float, str]] | Sequence[str],
          design: str = "lhs", samples: int = 16, replications: int | None = None,
          seed: int = 0, *, overrides: Sequence[str] = (), workers: int | None = 1,
          backend: Backend | None = None, scheduler: str | None = None,
          dask_local: bool = False, executor: Executor | None = None,
          metrics: Sequence[str] = (), out: str | os.PathLike[str] | None = None,
          force: bool = False, resume: bool = False, n_resamples: int = 999,
          confidence: float = 0.95, progress: Callable[[int], object] | None = None,
          on_total: Callable[[int], object] | None = None,
          figures: bool = True,
          on_figure: Callable[[int, int], object] | None = None,
          on_table: Callable[[int, int], object] | None = None) -> pd.DataFrame:
    """Run a parameter sweep of a scenario; return its table, one row per sample.

    ``scenario`` is a scenario file or a loaded :class:`~sim.scenario.schema.Scenario`.
    ``params`` (any mapping) maps key paths (as for ``--set``) to ``(low, high)`` ranges (or
    ``(low, high, "log"|"int")``; a value the scenario takes in whole numbers, such as
    ``horizon_days``, needs ``"int"``), or is a list of ``"key.path=low:high"`` strings.
    ``design`` is ``lhs``, ``sobol`` (``samples`` a power of 2; ``samples x (d + 2)``
    points) or ``grid`` (``samples`` levels per parameter). Each sample runs
    ``replications`` replications from root ``seed`` (common random numbers across
    samples). Other keyword arguments: ``overrides``, ``workers`` (1: in this process;
    ``None``: one per CPU), ``scheduler``, ``dask_local``, ``executor`` (any
    :class:`concurrent.futures.Executor`, e.g. ``ThreadPoolExecutor(4)`` or
    ``distributed.Client.get_executor()``, left running; at most one of these three; the
    results are the same wherever they run), ``metrics`` (extra KPI columns),
    ``out`` and ``force`` (write the sweep folder; each replication is saved there as it
    finishes), ``resume`` (finish the sweep in ``out``, running only the replications not
    saved; ``replications`` may be larger than the saved sweep's, not smaller, and if
    omitted stays the saved sweep's; 1 if omitted otherwise), ``figures`` (False: none
    in ``out``), ``confidence`` (default 0.95) and ``n_resamples`` (default 999, an
    integer of at least 1), the level and the resamples of the Sobol indices' percentile
    bootstrap intervals (a ``sobol`` design only: on another, where they have no effect,
    a value other than the default is refused), ``progress`` (called with 1 as each
    replication finishes), ``on_total`` (called with the count of replications to run),
    ``on_figure`` (with ``out`` and figures: called with the figures saved and their
    count, as :func:`run_sweep` calls it), ``on_table`` (with ``out``: called with the
    table blocks done and their count, as :func:`run_sweep` calls it) and ``backend``. The table's
    columns are ``sample``, ``block`` (Sobol), the parameters, and the mean of every total
    KPI as ``metric:commodity``. The scenario's notes (an override over a value the file
    gives in another unit, a policy that cannot act in the network) are warned of
    (``UserWarning``) as by :func:`sim.load_scenario`, and the warnings are kept in
    ``table.attrs["notes"]``. For the Sobol indices, the long KPI table and the units of
    the KPI columns use :func:`run_sweep` (its :class:`Sweep`'s ``sobol``, ``kpis`` and
    ``units``).

    Raises :class:`ExperimentError` (a ``ValueError``) for bad input (a range that is not
    ``(low, high)`` or ``(low, high, "log"|"int")``, a design, ``samples``,
    ``replications`` or ``workers`` that is not an integer of at least 1, a ``seed`` that
    is not a non-negative integer, more than one of ``executor``, ``scheduler`` and
    ``dask_local``, a ``confidence`` outside (0, 1), an ``n_resamples`` that is not an
    integer of at least 1, either of them other than its default on a design other than
    ``sobol``: all checked before anything runs), and ``TypeError`` naming the argument
    for a single string where a list is expected, a ``scenario`` or ``out`` that is not a
    path (or Scenario), a ``progress``, ``on_total``, ``on_figure`` or ``on_table`` that is
    neither a function nor None, or a ``figures`` that is not True or False;
    :class:`~sim.output.errors.FolderError` for an ``out`` folder it may not write, and
    :class:`~sim.scenario.errors.ScenarioError` for a scenario with problems. Their
    messages name these arguments (``samples``, ``params``, ``force=True``), not the
    command line's options.
    A replication that fails or whose worker dies raises
    :class:`~sim.experiment.executors.ReplicationError` (its ``__cause__`` is the
    replication's own exception).
    """
    check_strings(params, "params", "'key.path=low:high' strings (or a dict of key path to "
                  "(low, high))")
    # any mapping: a MappingProxyType or a custom Mapping is a dict to its user, and list()
    # of one gave its keys, refused as "key.path=low:high" strings; run_sweep reads it
    specs = params if isinstance(params, Mapping) else list(params)
    result = run_sweep(scenario, specs, design, samples, replications, seed,
                       overrides=overrides, workers=workers, backend=backend,
                       scheduler=scheduler, dask_local=dask_local, executor=executor,
                       metrics=metrics, out=out, force=force, resume=resume,
                       n_resamples=n_resamples, confidence=confidence, progress=progress,
                       on_total=on_total, figures=figures, on_figure=on_figure,
                       on_table=on_table, _stacklevel=3)
    # run_sweep warned of its notes and cautions at the caller's line
    result.table.attrs["notes"] = [*result.notes, *result.cautions]
    return result.table
