"""Generate the scenario-format reference from the schema (``docs/scenario-format.md``).

Run ``python -m sim.scenario.docs > docs/scenario-format.md``. The test suite checks that
the committed file matches what this module generates, so the documentation cannot drift
from the schema.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import textwrap
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim import distributions as dists
from sim.scenario import schema
from sim.scenario import shock_schema as shocks

MODELS: list[type[BaseModel]] = [
    schema.Scenario, schema.Commodity, schema.ProductForm, schema.Region, schema.Location,
    schema.Mine, schema.MineOutput, schema.MineRampUp, schema.BorderPost, schema.Port,
    schema.Refiner, schema.Market, schema.Stockpile, schema.TradingHub, schema.Junction,
    schema.Lane, schema.Sailing, schema.Channel, schema.Route,
    shocks.Shocks, shocks.Event, shocks.Targets, shocks.Effects, shocks.Divert, shocks.Regime,
    shocks.RegimeState, shocks.Incident, shocks.Policies, shocks.ExportBan, shocks.ExportQuota,
    shocks.QuotaPeriod, shocks.OfftakeDeal, shocks.CorridorUpgrade, shocks.StockpilePolicy,
    shocks.SecuritySupport, shocks.ExportControl,
]
DISTRIBUTIONS: list[type[BaseModel]] = [
    dists.Fixed, dists.Uniform, dists.Triangular, dists.TruncatedNormal, dists.LogNormal,
    dists.Exponential, dists.Gamma, dists.Empirical,
]


def field_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """Attribute docstrings (the string literal under each field) of a model class."""
    out: dict[str, str] = {}
    for klass in reversed(model.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, BaseModel)) or klass is BaseModel:
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        body = ast.parse(source).body[0].body  # type: ignore[attr-defined]
        for prev, node in zip(body, body[1:], strict=False):
            if (isinstance(prev, ast.AnnAssign) and isinstance(prev.target, ast.Name)
                    and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)):
                out[prev.target.id] = " ".join(node.value.value.split()).replace("``", "`")
    return out


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        name = _type_name(base)
        for m in meta:
            if type(m).__name__ == "BeforeValidator":
                qualname = getattr(m.func, "__qualname__", "")
                if "_quantity" in qualname:
                    name = "whole number" if base is int else "number"
        return name
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if all(isinstance(a, type) and issubclass(a, dists._Dist) for a in
               (typing.get_args(x)[0] if typing.get_origin(x) is typing.Annotated else x
                for x in args)):
            return "distribution"
        return " or ".join(_type_name(a) for a in args)
    if origin is dict:
        key, value = typing.get_args(tp)
        key_name = "id" if "pattern" in str(key) else _type_name(key)
        return f"mapping of {key_name} to {_type_name(value)}"
    if origin is list:
        return f"list of {_type_name(typing.get_args(tp)[0])}"
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in typing.get_args(tp))
    if tp is str:
        return "text"
    if tp is dt.date:
        return "date"
    if tp is int:
        return "whole number"
    if tp is float:
        return "number"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    return getattr(tp, "__name__", str(tp))


def _whole_valued(model: type[BaseModel]) -> set[str]:
    """Fields of ``model`` that a ``_whole_days`` validator holds to whole numbers, though
    their type is a float (so that ``{value: 2, unit: week}`` converts)."""
    validators = model.__pydantic_decorators__.field_validators
    return {f for name, dec in validators.items() if name == "_whole_days"
            for f in dec.info.fields}


def _field_type(model: type[BaseModel], name: str) -> str:
    hints = typing.get_type_hints(model, include_extras=True)
    tp = hints.get(name)
    text = _type_name(tp)
    if name in _whole_valued(model):
        text = text.replace("number", "whole number")
    if "Id" in str(tp) and "pattern" in str(tp) and "[a-z]" in str(tp):
        text = text.replace("text", "id")
    if "Distribution" in str(tp) or "_Dist" in str(tp) or text.startswith("Fixed"):
        text = "distribution"
    return text


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    value = field.default
    if value is PydanticUndefined or value is None:
        return "optional"
    if isinstance(value, dists.Fixed):
        return f"`{value.value:g}` (fixed)"
    if isinstance(value, dict | list) and not value:
        return "empty"
    if isinstance(value, BaseModel):
        return "empty"
    if isinstance(value, float):
        return f"`{value:g}`"
    return f"`{value}`"


def model_section(model: type[BaseModel]) -> str:
    docs = field_docstrings(model)
    lines = [f"### {model.__name__}", ""]
    if model.__doc__:
        lines += [" ".join(model.__doc__.split()).replace("``", "`"), ""]
    lines += ["| field | type | default | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        doc = docs.get(name, "").replace("|", "\\|")
        lines.append(f"| `{key}` | {_field_type(model, name)} | {_default(field)} | {doc} |")
    return "\n".join(lines)


def generate() -> str:
    parts = [
        "# Scenario format",
        "",
        "Generated from `sim/scenario/schema.py` by `python -m sim.scenario.docs`; do not edit",
        "by hand. A scenario is one YAML file. Unknown keys are errors. Every mapping may also",
        "carry `source:` (a citation), `assumption:` (why a judgement was made) and `note:`;",
        "these describe the values beside them and are collected into the results manifest.",
        "",
        "Numbers are in the unit their field name ends with (`_t`: tonnes, `_t_per_year`,",
        "`_days`, `_trucks_per_day`, `_usd_per_t`). Tonnes are of contained metal, except",
        "where a field's meaning says tonnes of product (concentrate, hydroxide ...): a",
        "truck's `payload_t_per_truck`, a lane's `capacity_t_per_day` and `cost_usd_per_t`,",
        "a sailing's `vessel_t` and a corridor upgrade's `capacity_t_per_day`. Any number may",
        "instead be written `{value: 3.3, unit: Mt/yr}` in another unit of the same dimension",
        "(t, kt, Mt, kg, oz, lb; day, week, month, yr; truck; usd; %, or 1 for none; `per",
        "month` is 1/month). A year is 365.25 days and a month a twelfth of that, 30.4375",
        "days; an ounce (oz) is a troy ounce, 31.1034768 g. A whole number is one without a",
        "fraction, after conversion (`{value: 1, unit: yr}` is 365.25 days, not whole).",
        "",
        "The times of shocks and policies (`start`, `end`) are a calendar date (2025-01-27) or",
        "a number of days after the scenario's `start`, which is a calendar date itself.",
        "Of the shocks and policies due at the same time, those starting act before those",
        "ending (a closure ending as the next begins lets nothing through). Overlapping",
        "shocks combine: capacity factors multiply (a closure, 0, wins), delays add,",
        "diversions and seizures apply one after another, and a shock seizes or taxes a lot",
        "once however many of its targets the lot passes.",
        "",
        "`extends: other.yaml` inherits another scenario: mappings of fields merge key by",
        "key; a value (a number, `{value: ...}` or `{dist: ...}`) replaces the inherited one",
        "whole, with its unit and its `source:`/`assumption:` (a number without a unit over",
        "an inherited one with a unit is read in the field's own unit, and noted); `null`",
        "removes an inherited key (what still refers to a removed id is reported with the",
        "line that removed it), and a `null` for a key that is neither inherited nor a field",
        "left at its default is an error (in `{copper: 1,800,000}` YAML reads `copper: 1`",
        "and keys `800` and `000` set to null: write 1800000). A child that changes a value",
        "in a mapping cited as a whole (`{copper: 36525, source: ...}`), with a number,",
        "`{value: ...}` or `{dist: ...}`, without citing it again leaves that mapping",
        "uncited. `name`, `title`, `question` and `description` describe the file they are",
        "written in: a file that extends another must give its own `name` (or `--set",
        "name=...`), since the name places its results and figures, and does not inherit",
        "the other's `title`, `question` or `description`. Several files in",
        "`extends: [a.yaml, b.yaml]` apply in order, later ones winning, each file once: a file",
        "that an earlier one already extends is applied where that one needed it, so listing",
        "it later does not make it win. `sim run ... --set a.b.c=value` overrides one value",
        "the same way (a bare number is in the field's own unit, which `sim validate`, `run`,",
        "`show` and `sweep --param` note where the file wrote another); a new site, lane or",
        "other id",
        "is given whole, and a list is given whole (`--set 'lanes.x.regions=[home]'`);",
        "`extends` cannot be set, only written in a file.",
        "",
        "## Sections",
        "",
    ]
    parts += [model_section(m) + "\n" for m in MODELS]
    parts += [
        "## Distributions",
        "",
        "Wherever a field holds a distribution, write a number for a fixed value or a mapping",
        "with `dist:` and the parameters below, in the field's unit (or add `unit:`).",
        "",
    ]
    parts += [model_section(m) + "\n" for m in DISTRIBUTIONS]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(generate(), end="")
