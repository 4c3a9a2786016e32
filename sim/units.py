"""Units of measure for scenario quantities.

The model works in a few canonical units: tonnes of contained metal (``t``), days
(``day``), trucks, and US dollars. A scenario may give any numeric field in another unit
of the same dimension, e.g. ``{value: 3.3, unit: Mt/yr}`` for a field whose canonical unit
is ``t/yr``, or ``{value: 686000, unit: oz/yr}`` for Kibali's gold. :func:`convert` turns such
a value into the canonical unit and raises :class:`UnitError` when the dimensions differ.

A year is 365.25 days and a month one twelfth of that. Ounces are troy ounces
(31.1034768 g), as used for gold.
"""

from __future__ import annotations

from dataclasses import dataclass

DAYS_PER_YEAR = 365.25
TROY_OUNCE_T = 31.1034768e-6
POUND_T = 0.45359237e-3

# Each base unit: (dimension, factor to the canonical unit of that dimension).
_BASE: dict[str, tuple[str, float]] = {
    # mass, canonical tonne
    "t": ("mass", 1.0),
    "tonne": ("mass", 1.0),
    "tonnes": ("mass", 1.0),
    "kt": ("mass", 1e3),
    "Mt": ("mass", 1e6),  # megatonne; case matters, "mt" is ambiguous and rejected
    "kg": ("mass", 1e-3),
    "g": ("mass", 1e-6),
    "oz": ("mass", TROY_OUNCE_T),
    "lb": ("mass", POUND_T),
    # time, canonical day
    "day": ("time", 1.0),
    "days": ("time", 1.0),
    "d": ("time", 1.0),
    "h": ("time", 1.0 / 24.0),
    "hour": ("time", 1.0 / 24.0),
    "hours": ("time", 1.0 / 24.0),
    "week": ("time", 7.0),
    "weeks": ("time", 7.0),
    "wk": ("time", 7.0),
    "month": ("time", DAYS_PER_YEAR / 12.0),
    "months": ("time", DAYS_PER_YEAR / 12.0),
    "mo": ("time", DAYS_PER_YEAR / 12.0),
    "year": ("time", DAYS_PER_YEAR),
    "years": ("time", DAYS_PER_YEAR),
    "yr": ("time", DAYS_PER_YEAR),
    "y": ("time", DAYS_PER_YEAR),
    "a": ("time", DAYS_PER_YEAR),
    # counted things, canonical one vehicle
    "truck": ("vehicle", 1.0),
    "trucks": ("vehicle", 1.0),
    "vehicle": ("vehicle", 1.0),
    "vehicles": ("vehicle", 1.0),
    # money, canonical US dollar
    "usd": ("money", 1.0),
    "$": ("money", 1.0),
    "musd": ("money", 1e6),
    # dimensionless
    "1": ("none", 1.0),
    "fraction": ("none", 1.0),
    "%": ("none", 0.01),
    "percent": ("none", 0.01),
    # angles (coordinates)
    "deg": ("angle", 1.0),
    "degrees": ("angle", 1.0),
}


class UnitError(ValueError):
    """A unit string is unknown or does not match the dimension a field expects."""


@dataclass(frozen=True)
class _Parsed:
    dims: tuple[tuple[str, int], ...]
    factor: float


def _parse(unit: str) -> _Parsed:
    text = unit.strip()
    if text.lower().startswith("per "):
        text = "1/" + text[4:]  # "per month" is a rate, as "/month" and "1/month" are
    text = text.replace(" per ", "/").replace(" ", "")
    if not text:
        raise UnitError("empty unit")
    parts = text.split("/")
    if len(parts) == 2 and not parts[0]:
        parts[0] = "1"
    if len(parts) > 2:
        raise UnitError(f"unit {unit!r} has more than one '/'")
    exps: dict[str, int] = {}
    factor = 1.0
    for sign, part in zip((1, -1), parts, strict=False):
        for token in part.split("*"):
            key = token if token in _BASE else token.lower()
            if key == "mt":
                raise UnitError(f"unit {unit!r}: 'mt' is ambiguous; write 't' for metric "
                                "tonnes or 'Mt' for megatonnes")
            if key not in _BASE:
                known = ", ".join(sorted({k for k in _BASE if k.isalpha() or k in "%$1"}))
                raise UnitError(f"unknown unit {token!r} in {unit!r}; known units: {known}")
            dim, f = _BASE[key]
            if dim != "none":
                exps[dim] = exps.get(dim, 0) + sign
            factor = factor * f if sign == 1 else factor / f
    dims = tuple(sorted((d, e) for d, e in exps.items() if e != 0))
    return _Parsed(dims, factor)


def convert(value: float, unit: str, target: str) -> float:
    """Convert ``value`` given in ``unit`` to the canonical unit ``target``.

    ``per X`` and ``/X`` are read as ``1/X`` (a rate). Raises :class:`UnitError` if either
    unit is unknown or the dimensions differ (e.g. ``t/yr`` given for a field measured in
    ``day``).
    """
    src = _parse(unit)
    dst = _parse(target)
    if src.dims != dst.dims:
        raise UnitError(f"unit {unit!r} cannot be converted to {target!r} (different dimensions)")
    return float(value) * src.factor / dst.factor


def in_base_units(value: float, unit: str) -> tuple[float, tuple[tuple[str, int], ...]]:
    """``value`` in ``unit`` as (the number in the base units of its dimensions, those
    dimensions): equal for equal quantities (36.525 kt/yr and 36,525 t/yr). Raises
    :class:`UnitError` for an unknown unit."""
    parsed = _parse(unit)
    return float(value) * parsed.factor, parsed.dims


def is_known(unit: str) -> bool:
    """True if ``unit`` parses."""
    try:
        _parse(unit)
    except UnitError:
        return False
    return True
