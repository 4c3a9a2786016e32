"""Named probability distributions for scenario parameters, and fast samplers.

A distribution is written in a scenario as a mapping with a ``dist`` key and its
parameters, e.g. ``{dist: triangular, low: 12, mode: 14, high: 18}``. A bare number (or a
``{value: ...}`` mapping) means a fixed value. Parameters are in the unit of the field
that holds the distribution (days for ``transit_days``); a ``unit:`` key converts them.

Each distribution knows its analytic ``mean()`` and ``var()`` (used for planning, for
"fastest route" choices and by the verification tests) and draws vectors from a
:class:`numpy.random.Generator`. :class:`Sampler` hands out single draws from a buffered
block so the simulation's hot path does not call numpy once per draw.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator
from itertools import chain, repeat
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from sim.units import convert


def _number(value: Any) -> Any:
    """A parameter as a float: any real number (numpy's too), never ``true``/``false``,
    which YAML reads from yes/no/on/off and pydantic would take for 1 and 0."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, numbers.Real):
        return float(value)
    return value


Number = Annotated[float, BeforeValidator(_number)]
"""A distribution parameter: a real number, not a boolean."""


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True,
                              allow_inf_nan=False)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def mean(self) -> float:  # pragma: no cover
        raise NotImplementedError

    def var(self) -> float:  # pragma: no cover
        raise NotImplementedError

    def lower_bound(self) -> float:
        """Smallest value the distribution can take (may be ``-inf``)."""
        return 0.0

    def scaled(self, factor: float) -> _Dist:
        """The same distribution with every location and scale parameter times ``factor``."""
        data = self.model_dump()
        for key in self._scale_params():
            if data.get(key) is not None:
                data[key] = data[key] * factor
        if "values" in data:
            data["values"] = [v * factor for v in data["values"]]
        return type(self).model_validate(data)

    def _scale_params(self) -> tuple[str, ...]:
        return ()


class Fixed(_Dist):
    """Always the same value."""

    dist: Literal["fixed"] = "fixed"
    """Which distribution (``fixed`` may be omitted: a bare number is fixed)."""
    value: Number
    """The value."""

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value)

    def mean(self) -> float:
        return self.value

    def var(self) -> float:
        return 0.0

    def lower_bound(self) -> float:
        return self.value

    def _scale_params(self) -> tuple[str, ...]:
        return ("value",)


class Uniform(_Dist):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]
    low: Number
    """Smallest value."""
    high: Number
    """Largest value."""

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"uniform needs low < high (got low={self.low}, high={self.high})")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    def var(self) -> float:
        return (self.high - self.low) ** 2 / 12.0

    def lower_bound(self) -> float:
        return self.low

    def _scale_params(self) -> tuple[str, ...]:
        return ("low", "high")


class Triangular(_Dist):
    """Triangular with minimum ``low``, most likely value ``mode`` and maximum ``high``."""

    dist: Literal["triangular"]
    low: Number
    """Smallest value."""
    mode: Number
    """Most likely value."""
    high: Number
    """Largest value."""

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                "triangular needs low <= mode <= high and low < high "
                f"(got low={self.low}, mode={self.mode}, high={self.high})"
            )
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def var(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0

    def lower_bound(self) -> float:
        return self.low

    def _scale_params(self) -> tuple[str, ...]:
        return ("low", "mode", "high")


class TruncatedNormal(_Dist):
    """Normal with ``mean`` and ``sd`` (of the untruncated normal), cut to [low, high]."""

    dist: Literal["truncated_normal"]
    mean_: Number = Field(alias="mean")
    """Mean of the normal before truncation."""
    sd: Number = Field(gt=0)
    """Standard deviation of the normal before truncation."""
    low: Number = 0.0
    """Lower cut-off; 0 unless given, since most quantities here cannot be negative."""
    high: Number = Field(default=math.inf, allow_inf_nan=True)
    """Upper cut-off; none unless given (``.inf`` also means none)."""

    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True,
                              use_attribute_docstrings=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _check(self) -> TruncatedNormal:
        if not self.low < self.high:
            raise ValueError(f"truncated_normal needs low < high (got {self.low}, {self.high})")
        return self

    def _frozen(self) -> Any:
        a = (self.low - self.mean_) / self.sd
        b = (self.high - self.mean_) / self.sd
        from scipy import stats  # on first use: a slow import most scenarios never need

        return stats.truncnorm(a, b, loc=self.mean_, scale=self.sd)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self._frozen().rvs(size=size, random_state=rng)

    def mean(self) -> float:
        return float(self._frozen().mean())

    def var(self) -> float:
        return float(self._frozen().var())

    def lower_bound(self) -> float:
        return self.low

    def scaled(self, factor: float) -> TruncatedNormal:
        return TruncatedNormal(
            dist="truncated_normal",
            mean=self.mean_ * factor,
            sd=self.sd * factor,
            low=self.low * factor,
            high=self.high * factor,
        )


class LogNormal(_Dist):
    """Lognormal given by the ``mean`` and ``sd`` of the variable itself (not of its log)."""

    dist: Literal["lognormal"]
    mean_: Number = Field(alias="mean", gt=0)
    """Mean of the variable."""
    sd: Number = Field(gt=0)
    """Standard deviation of the variable."""

    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True,
                              use_attribute_docstrings=True, allow_inf_nan=False)

    def _mu_sigma(self) -> tuple[float, float]:
        s2 = math.log1p((self.sd / self.mean_) ** 2)
        return math.log(self.mean_) - 0.5 * s2, math.sqrt(s2)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self._mu_sigma()
        return rng.lognormal(mu, sigma, size)

    def mean(self) -> float:
        return self.mean_

    def var(self) -> float:
        return self.sd**2

    def scaled(self, factor: float) -> LogNormal:
        return LogNormal(dist="lognormal", mean=self.mean_ * factor, sd=self.sd * factor)


class Exponential(_Dist):
    """Exponential with the given ``mean`` (rate 1/mean)."""

    dist: Literal["exponential"]
    mean_: Number = Field(alias="mean", gt=0)
    """Mean (1 / rate)."""

    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True,
                              use_attribute_docstrings=True, allow_inf_nan=False)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_, size)

    def mean(self) -> float:
        return self.mean_

    def var(self) -> float:
        return self.mean_**2

    def scaled(self, factor: float) -> Exponential:
        return Exponential(dist="exponential", mean=self.mean_ * factor)


class Gamma(_Dist):
    """Gamma with ``shape`` k and ``scale`` theta (mean k*theta, variance k*theta^2)."""

    dist: Literal["gamma"]
    shape: Number = Field(gt=0)
    """Shape k."""
    scale: Number = Field(gt=0)
    """Scale theta."""

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.gamma(self.shape, self.scale, size)

    def mean(self) -> float:
        return self.shape * self.scale

    def var(self) -> float:
        return self.shape * self.scale**2

    def _scale_params(self) -> tuple[str, ...]:
        return ("scale",)


class Empirical(_Dist):
    """Draws from a list of observed ``values``, with optional ``weights``."""

    dist: Literal["empirical"]
    values: list[Number] = Field(min_length=1)
    """Observed values."""
    weights: list[Number] | None = None
    """Relative weight of each value; equal if omitted."""

    @model_validator(mode="after")
    def _check(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"empirical: {len(self.weights)} weights for {len(self.values)} values"
                )
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("empirical weights must be >= 0 with a positive sum")
        return self

    def _p(self) -> np.ndarray | None:
        if self.weights is None:
            return None
        w = np.asarray(self.weights, dtype=float)
        return w / w.sum()

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), size=size, p=self._p())

    def mean(self) -> float:
        p = self._p()
        v = np.asarray(self.values, dtype=float)
        return float(v.mean() if p is None else (v * p).sum())

    def var(self) -> float:
        p = self._p()
        v = np.asarray(self.values, dtype=float)
        m = self.mean()
        return float(((v - m) ** 2).mean() if p is None else (((v - m) ** 2) * p).sum())

    def lower_bound(self) -> float:
        return min(self.values)


Distribution = Annotated[
    Fixed | Uniform | Triangular | TruncatedNormal | LogNormal | Exponential | Gamma | Empirical,
    Field(discriminator="dist"),
]
"""Any supported distribution, chosen by its ``dist`` key."""

DIST_NAMES = ("fixed", "uniform", "triangular", "truncated_normal", "lognormal", "exponential",
              "gamma", "empirical")


def coerce_distribution(raw: Any, unit: str) -> Any:
    """Turn the scenario shorthands into a distribution mapping in canonical units.

    A number becomes ``fixed``; ``{value: v, unit: u}`` becomes ``fixed`` at v converted from
    u; a ``dist`` mapping with a ``unit`` key has every parameter converted. Any real number
    counts (numpy's too), ``true``/``false`` never. Raises ``ValueError`` for a ``unit`` that
    is not text or does not convert to ``unit``; anything else is passed through for
    pydantic to reject with a precise message.
    """
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, numbers.Real):
        return {"dist": "fixed", "value": raw}
    if isinstance(raw, dict):
        data = dict(raw)
        src_unit = data.pop("unit", None)
        if "dist" not in data and set(data) == {"value"}:
            data = {"dist": "fixed", "value": data["value"]}
        if src_unit is not None:
            if not isinstance(src_unit, str):
                # dropping it would read the numbers in the field's own unit, unsaid
                raise ValueError(f"unit must be text such as '{unit}', got {src_unit!r}")
            factor = convert(1.0, src_unit, unit)
            for key in ("value", "low", "mode", "high", "mean", "sd", "scale"):
                if _is_real(data.get(key)):
                    data[key] = float(data[key]) * factor
            if isinstance(data.get("values"), list):
                data["values"] = [float(v) * factor if _is_real(v) else v
                                  for v in data["values"]]
        return data
    return raw


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class Sampler:
    """Single draws from a distribution, served from blocks drawn on one random stream.

    Buffering keeps the per-draw cost to a list index. The sequence of values depends only
    on the stream, so two scenarios that give a component the same stream see the same
    draws (common random numbers).

    :attr:`draw` gives the same draws as calling the sampler (they share one sequence) but
    is the ``__next__`` of an iterator over the blocks, a call that runs no Python code
    between blocks: the world's components, which draw a few hundred thousand times per
    replication, hold it rather than the sampler.
    """

    __slots__ = ("_block", "_dist", "_rng", "draw")

    def __init__(self, dist: _Dist, rng: np.random.Generator, block: int = 256) -> None:
        self._dist = dist
        self._rng = rng
        self._block = block
        # The next block is drawn when the last value of the previous one has been served
        # (the first on the first draw), as a list index over a refilled buffer would.
        self.draw: Callable[[], float] = chain.from_iterable(self._blocks()).__next__

    def _blocks(self) -> Iterator[list[float]]:
        while True:
            yield self._dist.sample(self._rng, self._block).tolist()

    def __call__(self) -> float:
        return self.draw()


class ConstantSampler:
    """A sampler for a fixed value that uses no random numbers."""

    __slots__ = ("draw", "value")

    def __init__(self, value: float) -> None:
        self.value = value
        self.draw: Callable[[], float] = repeat(value).__next__
        """``value`` at every call, as :attr:`Sampler.draw` gives draws."""

    def __call__(self) -> float:
        return self.value


def make_sampler(dist: _Dist, rng_factory: Any) -> Sampler | ConstantSampler:
    """A sampler for ``dist``; ``rng_factory()`` is called only if randomness is needed."""
    if isinstance(dist, Fixed):
        return ConstantSampler(dist.value)
    return Sampler(dist, rng_factory())
