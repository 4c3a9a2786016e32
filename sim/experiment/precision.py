"""Precision-based stopping: run replications in batches until chosen KPIs are known well.

A user names KPIs with ``--metric`` and a target relative half-width with ``--target-ci``
(``0.02`` = the 95% confidence interval's half-width is at most 2% of the mean). After each
batch the half-widths are measured; the run stops as soon as every named KPI meets the
target, or when the maximum number of replications is reached, and says which.

The next batch size is estimated from the variance so far: the half-width shrinks as
``1/sqrt(n)``, so reaching ``target`` from ``current`` needs about
``n * (current/target)**2`` replications. Batches at least add ``min_batch`` replications
and at most double the count, so a poor early estimate cannot overshoot far.

KPIs are named ``metric[:commodity[:channel[:site]]]``: ``delivered_t:cobalt`` is delivered
cobalt over all channels and sites; ``delivered_t`` alone means that total for every
commodity; ``mean_wait_days:copper:all:kasumbalesa`` is one site's figure. For a comparison
the measure is the half-width of each paired difference relative to the reference mean.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.experiment.errors import ExperimentError
from sim.experiment.stats import t_interval
from sim.scenario.errors import did_you_mean

Label = tuple[str, str, str, str, str]
"""(commodity, channel, site, metric, unit) of a KPI."""


@dataclass(frozen=True)
class MetricSpec:
    """A KPI pattern: ``metric`` with optional commodity (any when ``None``), channel and
    site (``all`` by default, the totals)."""

    metric: str
    commodity: str | None = None
    channel: str = "all"
    site: str = "all"

    @classmethod
    def parse(cls, text: str, option: str = "--metric") -> MetricSpec:
        parts = [p.strip() for p in str(text).split(":")]
        if not parts[0] or len(parts) > 4 or any(not p for p in parts):
            raise ExperimentError(
                f"{text!r} is not a KPI name; expected metric[:commodity[:channel[:site]]]",
                what=option, hint="for example --metric delivered_t:cobalt or "
                                  "--metric shortfall_t (every commodity)")
        metric, *rest = parts
        commodity = rest[0] if rest else None
        channel = rest[1] if len(rest) > 1 else "all"
        site = rest[2] if len(rest) > 2 else "all"
        return cls(metric, commodity, channel, site)

    def matches(self, label: Label) -> bool:
        com, chan, site, metric, _unit = label
        return (metric == self.metric and (self.commodity is None or com == self.commodity)
                and chan == self.channel and site == self.site)

    def __str__(self) -> str:
        parts = [self.metric, self.commodity or "*"]
        if (self.channel, self.site) != ("all", "all"):
            parts += [self.channel, self.site]
        return ":".join(parts)


def kpi_name(label: Label) -> str:
    """``metric:commodity`` for totals, ``metric:commodity:channel:site`` otherwise."""
    com, chan, site, metric, _unit = label
    if (chan, site) == ("all", "all"):
        return f"{metric}:{com}"
    return f"{metric}:{com}:{chan}:{site}"


def parse_metrics(texts: Sequence[str], option: str = "--metric") -> list[MetricSpec]:
    return [MetricSpec.parse(t, option) for t in texts]


def select(labels: Sequence[Label], specs: Sequence[MetricSpec],
           option: str = "--metric") -> list[int]:
    """Indices of the KPIs ``specs`` name, in label order. Raises :class:`ExperimentError`
    for a spec that names no KPI, with the nearest names as a hint."""
    chosen: list[int] = []
    for spec in specs:
        hits = [j for j, lab in enumerate(labels) if spec.matches(lab)]
        if not hits:
            metrics = sorted({lab[3] for lab in labels})
            if spec.metric not in metrics:
                guess = did_you_mean(spec.metric, metrics)
                hint = (f"did you mean {guess!r}? " if guess else "") + \
                    "KPI names are listed in kpis.csv (metric column)"
                raise ExperimentError(f"no KPI named {spec.metric!r}", what=option, hint=hint)
            options = sorted({lab[0] for lab in labels if lab[3] == spec.metric})
            raise ExperimentError(
                f"no KPI {spec} (metric {spec.metric!r} exists for commodities "
                f"{', '.join(options)}; channel and site default to 'all')", what=option,
                hint="name a commodity, channel and site that kpis.csv shows for it")
        chosen += [j for j in hits if j not in chosen]
    return chosen


def relative_half_width(values: np.ndarray, scale: float | None = None,
                        confidence: float = 0.95) -> float:
    """Half-width of the Student-t interval of the mean of ``values``, divided by
    ``|scale|`` (by default ``|mean|``). Zero when the half-width is zero; infinite when
    the scale is zero but the half-width is not; NaN with fewer than two values."""
    mean, low, high = t_interval(values, confidence)
    if math.isnan(low):
        return math.nan
    half = (high - low) / 2
    ref = abs(mean if scale is None else scale)
    if half == 0:
        return 0.0
    if ref == 0 or math.isnan(ref):
        return math.inf
    return half / ref


@dataclass(frozen=True)
class Target:
    """Stop when every named KPI's relative half-width is at most ``rel_half_width``, or
    at ``max_replications``."""

    rel_half_width: float
    specs: tuple[MetricSpec, ...]
    max_replications: int = 1000
    min_batch: int = 2
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if not 0 < self.rel_half_width < 1:
            raise ExperimentError(f"expected a fraction between 0 and 1, got "
                                  f"{self.rel_half_width}", what="--target-ci",
                                  hint="0.02 asks for a half-width of 2% of the mean")
        if not self.specs:
            raise ExperimentError("--target-ci needs at least one --metric to measure",
                                  what="--target-ci",
                                  hint="for example --target-ci 0.02 --metric delivered_t")
        if self.max_replications < 2:
            raise ExperimentError("expected at least 2", what="--max-replications")


@dataclass
class Measure:
    """One KPI's precision after a batch."""

    name: str
    n: int
    mean: float
    rel_half_width: float

    def meets(self, target: float) -> bool:
        return not math.isnan(self.rel_half_width) and self.rel_half_width <= target


@dataclass
class StopReport:
    """Why a sequential run stopped: ``reason`` is ``target`` or ``maximum``."""

    reason: str
    replications: int
    target: float
    measures: list[Measure] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)
    """Replication counts after each batch."""

    @property
    def met(self) -> bool:
        return self.reason == "target"

    def worst(self) -> Measure | None:
        def key(m: Measure) -> float:
            return math.inf if math.isnan(m.rel_half_width) else m.rel_half_width
        return max(self.measures, key=key) if self.measures else None

    def message(self) -> str:
        worst = self.worst()
        widest = ""
        if worst is not None:
            widest = f"widest {worst.name} {_pct(worst.rel_half_width)}"
        if self.met:
            return (f"stopped: target met after {self.replications} replications: every "
                    f"named KPI's 95% CI half-width is within {_pct(self.target)} "
                    f"({widest})")
        failing = [m.name for m in self.measures if not m.meets(self.target)]
        return (f"stopped: reached the maximum of {self.replications} replications before "
                f"the target {_pct(self.target)} was met; not met for "
                f"{', '.join(failing)} ({widest}); raise --max-replications to go on")

    def as_dict(self) -> dict[str, object]:
        return {"reason": self.reason, "replications": self.replications,
                "target_rel_half_width": self.target, "batches": self.batches,
                "measures": [{"kpi": m.name, "n": m.n, "mean": m.mean,
                              "rel_half_width": m.rel_half_width} for m in self.measures]}


def _pct(x: float) -> str:
    if math.isnan(x):
        return "n/a (fewer than 2 values)"
    if math.isinf(x):
        return "inf (mean 0)"
    return f"{x:.2%}"


def next_count(n: int, measures: Sequence[Measure], target: Target) -> int:
    """How many replications to have after the next batch."""
    ratios = [m.rel_half_width / target.rel_half_width for m in measures]
    finite = [r for r in ratios if math.isfinite(r)]
    if finite and len(finite) == len(ratios):
        wanted = math.ceil(1.1 * n * max(finite) ** 2)
    else:
        wanted = 2 * n
    low = n + max(1, target.min_batch)
    high = max(2 * n, low)
    return min(max(wanted, low), high, target.max_replications)


def run_sequential(start: int, target: Target, run_up_to: Callable[[int], None],
                   measure: Callable[[], list[Measure]],
                   on_batch: Callable[[int], None] | None = None) -> StopReport:
    """Run batches: ``run_up_to(n)`` makes replications ``0..n-1`` exist, ``measure()``
    reports the named KPIs' precision; stop by target or at the maximum."""
    n = min(max(start, 2), target.max_replications)
    batches: list[int] = []
    while True:
        if on_batch is not None:
            on_batch(n)
        run_up_to(n)
        batches.append(n)
        measures = measure()
        if measures and all(m.meets(target.rel_half_width) for m in measures):
            return StopReport("target", n, target.rel_half_width, measures, batches)
        if n >= target.max_replications:
            return StopReport("maximum", n, target.rel_half_width, measures, batches)
        n = next_count(n, measures, target)
