"""Field types shared by every part of the scenario schema.

Each numeric type converts ``{value: x, unit: u}`` from any unit of the same dimension
(:mod:`sim.units`) and bounds the value; each distribution type turns the scenario's
shorthands into a :mod:`sim.distributions` model and checks its support.
"""

from __future__ import annotations

import numbers
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from sim.distributions import Distribution, coerce_distribution
from sim.scenario.errors import did_you_mean
from sim.units import UnitError, convert


def quantity(unit: str, per: str | None = None) -> BeforeValidator:
    """Accept a number, or ``{value: x, unit: u}`` converted to ``unit`` (or to
    ``unit/per``, which means the same for a field that holds one ``per``'s worth:
    ``t/truck`` for a truck's payload in ``t``). ``true`` and ``false`` are refused (YAML
    reads yes/no/on/off so), and so is a unit that is not text; any real number, numpy's
    included, is accepted."""
    expected = "a number (no unit)" if unit == "1" else f"a number in {unit}"

    def parse(value: Any) -> Any:
        if isinstance(value, dict):
            extra = set(value) - {"value", "unit"}
            if "value" not in value or extra:
                raise ValueError(
                    f"expected {expected} or a mapping {{value: ..., unit: ...}}"
                    + (f"; unexpected keys: {', '.join(sorted(map(str, extra)))}" if extra else "")
                )
            number, src = value["value"], value.get("unit")
            if isinstance(number, bool):
                raise ValueError(f"expected {expected}, got {number!r}")
            if src is None:
                return number
            if not isinstance(number, numbers.Real):
                raise ValueError(f"value must be a number, got {number!r}")
            if not isinstance(src, str):
                raise ValueError(f"unit must be text such as '{unit}', got {src!r}")
            try:
                return convert(float(number), src, unit)
            except UnitError as exc:
                if per is not None:
                    try:
                        return convert(float(number), src, f"{unit}/{per}")
                    except UnitError:
                        pass
                raise ValueError(str(exc)) from None
        if isinstance(value, bool):
            raise ValueError(f"expected {expected}, got {value!r}")
        return value

    return BeforeValidator(parse)


_BIG = 1e13  # larger than any physical quantity here; catches typos such as 3.3e30

Tonnes = Annotated[float, quantity("t"), Field(ge=0, lt=_BIG, allow_inf_nan=False)]
PositiveTonnes = Annotated[float, quantity("t"), Field(gt=0, lt=_BIG, allow_inf_nan=False)]
TonnesPerYear = Annotated[float, quantity("t/yr"), Field(ge=0, lt=_BIG, allow_inf_nan=False)]
PositiveTonnesPerYear = Annotated[
    float, quantity("t/yr"), Field(gt=0, lt=_BIG, allow_inf_nan=False)
]
PositiveTonnesPerDay = Annotated[
    float, quantity("t/day"), Field(gt=0, lt=_BIG, allow_inf_nan=False)
]
PayloadTonnes = Annotated[
    float, quantity("t", per="truck"), Field(gt=0, lt=_BIG, allow_inf_nan=False)
]
"""Tonnes one truck carries, in ``t`` or, as the field name says, ``t/truck``."""
Days = Annotated[float, quantity("day"), Field(ge=0, lt=1e6, allow_inf_nan=False)]
PositiveDays = Annotated[float, quantity("day"), Field(gt=0, lt=1e6, allow_inf_nan=False)]
TrucksPerDay = Annotated[
    float, quantity("truck/day"), Field(gt=0, lt=1e9, allow_inf_nan=False)
]
UsdPerTonne = Annotated[float, quantity("usd/t"), Field(ge=0, lt=_BIG, allow_inf_nan=False)]
PositiveUsdPerTonne = Annotated[
    float, quantity("usd/t"), Field(gt=0, lt=_BIG, allow_inf_nan=False)
]
Fraction = Annotated[float, quantity("1"), Field(ge=0, le=1, allow_inf_nan=False)]
PositiveFraction = Annotated[float, quantity("1"), Field(gt=0, le=1, allow_inf_nan=False)]

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
]
"""A stable identifier: lower-case letters, digits and underscores, starting with a letter."""


def _dist_field(unit: str, *, mean_one: bool = False, positive_mean: bool = False) -> Any:
    def check(dist: Any) -> Any:
        if dist.lower_bound() < 0:
            raise ValueError(f"this distribution can take negative values "
                             f"(lowest {dist.lower_bound():g}); durations and factors must "
                             "be >= 0")
        mean = dist.mean()
        if mean_one and abs(mean - 1.0) > 1e-6:
            raise ValueError(f"a multiplicative factor must have mean 1, this one has mean "
                             f"{mean:.6g}")
        if positive_mean and not mean > 0:
            raise ValueError("this distribution must have a positive mean")
        return dist

    return Annotated[
        Distribution,
        BeforeValidator(lambda v: coerce_distribution(v, unit)),
        AfterValidator(check),
    ]


DurationDays = _dist_field("day")
PositiveDurationDays = _dist_field("day", positive_mean=True)
Factor = _dist_field("1", mean_one=True)


class Strict(BaseModel):
    """Base for scenario models: unknown keys are errors; models are immutable; the
    docstring under each field is its description."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              use_attribute_docstrings=True, allow_inf_nan=False)

    def __setattr__(self, name: str, value: Any) -> None:
        # pydantic's refusal ("Instance is frozen") says neither why nor what to do instead
        fields = type(self).model_fields
        if name in fields:
            raise AttributeError(
                f"a scenario is not changed in place (.{name} = ...): give the change as an "
                "override with its key path, which is checked as a scenario file is, e.g. "
                "sim.run(sc, overrides=['sites.kasumbalesa.clearance_trucks_per_day=250'])")
        if not name.startswith("_"):
            # private attributes (pydantic's and ours) are set as before
            raise AttributeError(unknown_field_message(type(self), name))
        super().__setattr__(name, value)


def article(word: str) -> str:
    """``a`` or ``an`` before ``word`` (a model's name: "an Event", "a Lane")."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def unknown_field_message(model: type[BaseModel], name: str) -> str:
    """Why ``.name = ...`` on a model of the scenario is refused when ``model`` has no such
    field (a misspelling, most likely: the closest field is named), and the override to
    give a change as."""
    fields = model.model_fields
    guess = did_you_mean(name, fields)
    text = (f"a scenario is not changed in place (.{name} = ...), and "
            f"{article(model.__name__)} {model.__name__} "
            f"has no field {name!r}")
    if guess is None:
        return (text + f" (its fields: {', '.join(fields)}): give a change as an override "
                "with its key path, which is checked as a scenario file is, e.g. "
                "sim.run(sc, overrides=['sites.kasumbalesa.clearance_trucks_per_day=250'])")
    key = fields[guess].alias or guess
    return (text + f": did you mean {guess!r}? Give the change as an override with its key "
            f"path, ending in {key}, which is checked as a scenario file is, e.g. "
            "sim.run(sc, overrides=['sites.kasumbalesa.clearance_trucks_per_day=250'])")
