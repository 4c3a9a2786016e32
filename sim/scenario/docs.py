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


EXAMPLE = """\
# Two mines ship cobalt hydroxide through one border post and one port to a refiner abroad,
# which sells to a market. The formal channel splits its flow between the road and a
# rail line from a railhead; the informal channel does not declare its exports.
# Every figure is an example, not a calibrated value.
name: first_scenario
title: Two mines to a refiner abroad
start: 2025-01-01
horizon_days: {value: 365, assumption: example}
warmup_days: {value: 60, assumption: example}

commodities:
  cobalt:
    forms:
      hydroxide: {grade: 0.30, payload_t_per_truck: 30, assumption: example}
    reference_price_usd_per_t: {value: 33000, assumption: example}
    demand_elasticity: {value: -0.3, assumption: example}

regions:
  katanga: {country: COD}
  zambia: {country: ZMB}
  tanzania: {country: TZA}
  china: {country: CHN}

sites:
  big_mine:
    kind: mine
    region: katanga
    location: {lat: -10.6, lon: 26.1, assumption: example}
    output:
      cobalt: {form: hydroxide, t_per_year: 20000, assumption: example}
    offtake:
      cobalt: {formal: 1.0, assumption: example}
  diggers:
    kind: mine
    name: Artisanal sites (aggregate)
    region: katanga
    location: {lat: -10.7, lon: 25.5, assumption: example}
    output:
      cobalt: {form: hydroxide, t_per_year: 5000, assumption: example}
    offtake:
      cobalt: {formal: 0.4, informal: 0.6, assumption: example}   # shares sum to 1
    variability: {dist: lognormal, mean: 1.0, sd: 0.2, assumption: example}
  border:
    kind: border_post
    region: katanga
    location: {lat: -12.6, lon: 28.0, assumption: example}
    clearance_trucks_per_day: {value: 200, assumption: example}
    servers: {value: 4, assumption: example}
  railhead:
    kind: junction
    region: zambia
    location: {lat: -12.9, lon: 28.6, assumption: example}
  dar:                    # no capacity here: the sailings of its sea lanes load its lots
    kind: port
    region: tanzania
    location: {lat: -6.8, lon: 39.3, assumption: example}
  refinery:
    kind: refiner
    region: china
    location: {lat: 29.0, lon: 118.9, assumption: example}
    capacity_t_per_year: {cobalt: 40000, assumption: example}
    sales:
      cobalt: {market: 1.0, assumption: example}
  market:
    kind: market
    region: china
    location: {lat: 31.1, lon: 121.2, assumption: example}
    demand_t_per_year: {cobalt: 60000, assumption: example}
    other_supply_t_per_year: {cobalt: balance}   # the rest of demand, from elsewhere
    initial_stock_t: {cobalt: 5000, assumption: example}

lanes:
  big_mine_border:
    from: big_mine
    to: border
    mode: road
    transit_days: {dist: triangular, low: 1, mode: 1.5, high: 3, assumption: example}
  diggers_border:
    from: diggers
    to: border
    mode: road
    transit_days: {value: 2, assumption: example}
  border_dar:             # by road all the way
    from: border
    to: dar
    mode: road
    regions: [zambia]
    transit_days: {dist: triangular, low: 9, mode: 11, high: 14, assumption: example}
  border_railhead:        # by road to the railhead ...
    from: border
    to: railhead
    mode: road
    transit_days: {value: 0.5, assumption: example}
  railhead_dar:           # ... then by rail: one lane per pair of sites
    from: railhead
    to: dar
    mode: rail
    transit_days: {dist: uniform, low: 12, high: 20, assumption: example}
    capacity_t_per_day: {value: 100, assumption: example}
  dar_refinery:
    from: dar
    to: refinery
    mode: sea
    transit_days: {dist: uniform, low: 20, high: 25, assumption: example}
    sailing:
      interval_days: {value: 7, assumption: example}
      vessel_t: {value: 20000, assumption: example}
  refinery_market:        # a refiner ships to the markets of its sales by lane too
    from: refinery
    to: market
    mode: road
    transit_days: {value: 3, assumption: example}

channels:
  formal:
    routing: fixed_shares   # two routes: each needs a share
    routes:
      road: {path: [border, dar, refinery], share: 0.7, assumption: example}
      rail: {path: [border, railhead, dar, refinery], share: 0.3, assumption: example}
  informal:
    formal: false           # undeclared exports (smuggling)
    routes:                 # one route: no share needed
      undeclared: {path: [border, dar, refinery]}
"""
"""A complete scenario written from scratch, shown in the reference (and tested by
``tests/test_docs_examples.py``): every figure in it is labelled ``assumption: example``."""


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


def _bounds(meta: list[Any]) -> str:
    """The bounds an ``Annotated`` type's ``Field(ge=..., le=...)`` sets, in words ("0 to
    100", "above 0, at most 10"), or "" if it sets none: the validator refuses a number
    beyond them, so the reference says where they are."""
    limits: dict[str, float] = {}
    for m in meta:
        for c in getattr(m, "metadata", []) or []:
            for attr in ("ge", "gt", "le", "lt"):
                value = getattr(c, attr, None)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    # a bound of a billion or more only keeps a number finite: not worth
                    # a word
                    if not (attr in ("le", "lt") and value >= 1e9):
                        limits[attr] = value

    def num(value: float) -> str:
        return f"{int(value):,}" if value == int(value) else f"{value:g}"

    lo = (f"at least {num(limits['ge'])}" if "ge" in limits
          else f"above {num(limits['gt'])}" if "gt" in limits else "")
    hi = (f"at most {num(limits['le'])}" if "le" in limits
          else f"below {num(limits['lt'])}" if "lt" in limits else "")
    if "ge" in limits and "le" in limits:
        return f"{num(limits['ge'])} to {num(limits['le'])}"
    return ", ".join(p for p in (lo, hi) if p)


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        name = _type_name(base)
        for m in meta:
            if type(m).__name__ == "BeforeValidator":
                qualname = getattr(m.func, "__qualname__", "")
                if qualname.startswith("quantity."):
                    name = "whole number" if base is int else "number"
        bounds = _bounds(meta) if name in ("number", "whole number") else ""
        return f"{name} ({bounds})" if bounds else name
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
    """The Markdown section on ``model``: a ``### Name`` heading, its docstring on one line
    and a table of its fields (key as written in YAML, type, default, meaning)."""
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
    """The whole of ``docs/scenario-format.md`` as Markdown text ending in a newline: the
    format's rules, an example and a section per schema model (``python -m
    sim.scenario.docs`` prints it)."""
    parts = [
        "# Scenario format",
        "",
        "Generated from `sim/scenario/schema.py` by `python -m sim.scenario.docs`; do not edit",
        "by hand. A scenario is one YAML file. Unknown keys are errors. Every mapping may also",
        "carry `source:` (a citation), `assumption:` (why a judgement was made) and `note:`;",
        "these describe the values beside them and are collected into the results manifest.",
        "Each is text (or a list of texts), never empty; the three names cannot be ids.",
        "An id (of a commodity, region, site, lane, channel, route, shock or policy, and a",
        "scenario's `name`) is a lower-case ASCII letter (a-z, no accents) followed by such",
        "letters, digits and underscores, at most 64 characters (`kolwezi_hub`); names",
        "and texts beside them may be any text (`name: Kolwézi hub`).",
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
        "removes an inherited key (what still refers to a removed id, or a route over a",
        "removed lane, is reported with the line that removed it), and a `null` for a key",
        "that is neither inherited nor a field left at its default is an error (in",
        "`{copper: 1,800,000}` YAML reads `copper: 1` and keys `800` and `000` set to null:",
        "write 1800000). A child that changes a value",
        "in a mapping cited as a whole (`{copper: 36525, source: ...}`), with a number,",
        "`{value: ...}` or `{dist: ...}`, without citing it again leaves that mapping",
        "uncited, without the inherited `note:` either. A child that cites a mapping again",
        "(`source:`, `assumption:` or both) replaces its whole citation: the inherited",
        "`source:`, `assumption:` and `note:` it does not write go, so `{share: 0,",
        "assumption: ...}` over `{share: 0.15, source: ..., assumption: ...}` is cited by",
        "the child's assumption alone, at the child's line. `name`, `title`, `question` and",
        "`description` describe the file they are",
        "written in: a file that extends another must give its own `name` (or `--set",
        "name=...`), since the name places its results and figures, and does not inherit",
        "the other's `title`, `question` or `description`. Several files in",
        "`extends: [a.yaml, b.yaml]` apply in order, later ones winning, each file once: a file",
        "that an earlier one already extends is applied where that one needed it, so listing",
        "it later does not make it win; where two of them set one field differently and the",
        "extending file does not set it itself, a note names both values and the one that",
        "holds. `sim run ... --set a.b.c=value` overrides one value",
        "the same way (a bare number is in the field's own unit, which `sim validate`, `run`,",
        "`show` and `sweep --param` note where the file wrote another); a new site, lane or",
        "other id is given whole. An item of a list is named by its place, counting from 0,",
        "as `[0]` or `.0`: `--set 'policies.export_quotas.q.schedule[0].tonnes=5000'` changes",
        "the first quota period's tonnes, `sweep --param",
        "'policies.export_quotas.q.schedule[0].tonnes=300:1000'` sweeps them, `--set",
        "'lanes.x.regions[1]=away'` replaces the second region and `--set",
        "'policies.export_quotas.q.schedule[0]=null'` removes the first period. The places",
        "in one command count each list as it was before any `--set` removed an item from it:",
        "`...schedule[0]=null` and `...schedule[1]=null` remove the first two periods, in",
        "either order. An item past the end of the list is refused: to add one, give the",
        "whole list (`--set",
        "'lanes.x.regions=[home, away]'`). A file that extends another replaces a list whole.",
        "`extends` cannot be set, only written in a file.",
        "",
        "## A complete example",
        "",
        "A scenario written from scratch: two mines, a border post, a railhead, a port, a sea",
        "lane with sailings, a refiner abroad and its market, and two channels with routes.",
        "Every figure is labelled `assumption: example` (the shipped files in `scenarios/` cite",
        "a `source:` instead), so `sim validate --require-citations` passes. Each pair of sites",
        "has at most one lane: the rail route reaches the port through a railhead of its own.",
        "The examples in [shocks-and-policies.md](shocks-and-policies.md) add shocks and",
        "policies to this scenario; `tests/test_docs_examples.py` checks that every example",
        "in both files validates.",
        "",
        "```yaml",
        EXAMPLE.strip("\n"),
        "```",
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
