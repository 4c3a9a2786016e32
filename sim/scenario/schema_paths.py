"""What the scenario schema expects at a path of a scenario document.

The loader (to word its errors), the ``--set`` code of :mod:`sim.scenario.compose` (to
tell an unknown id from a new one) and the sweep output (to label parameters) all ask the
schema's type at a path; the loader imports compose, so this lives apart from both.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from sim.scenario.errors import PathT
from sim.scenario.schema import Scenario


def unwrap(tp: Any) -> Any:
    """``tp`` without ``Annotated[...]`` and without ``| None`` around a single type (a
    union of several types is returned as it is)."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def is_mapping_field(path: PathT, data: Any) -> bool:
    """Whether the schema wants a mapping of fields or of ids at ``path`` (a location, a
    mine's output, offtake shares), not a number that may also be a distribution."""
    tp = unwrap(type_at(path, data))
    return (isinstance(tp, type) and issubclass(tp, BaseModel)) or typing.get_origin(tp) is dict


def model_at(path: PathT, data: Any) -> type[BaseModel] | None:
    """The schema model that describes the mapping at ``path`` (None if not a model)."""
    tp = type_at(path, data)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def type_at(path: PathT, data: Any) -> Any:
    """The schema type of the value at ``path``: a model, ``dict[...]``, ``list[...]`` or a
    plain type (None where the schema or the data's ``kind``/``dist`` tags do not say)."""
    tp: Any = Scenario
    node = data
    for part in (*path, None):
        tp = unwrap(tp)
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            chosen = None
            for arg in typing.get_args(tp):
                arg = unwrap(arg)
                if not (isinstance(arg, type) and issubclass(arg, BaseModel)):
                    continue
                for tag in ("kind", "dist"):
                    if tag in arg.model_fields and isinstance(node, dict):
                        literal = typing.get_args(arg.model_fields[tag].annotation)
                        if node.get(tag) in literal:
                            chosen = arg
            if chosen is None:
                return None
            tp = chosen
        if part is None:
            break
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fld = next((f for n, f in tp.model_fields.items()
                        if (f.alias or n) == part or n == part), None)
            if fld is None:
                return None
            tp = fld.annotation
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        else:
            return None
        node = node.get(part) if isinstance(node, dict) else (
            node[part] if isinstance(node, list) and isinstance(part, int)
            and part < len(node) else None)
    return tp


def is_id_mapping(tp: Any) -> bool:
    """Whether ``tp`` is a mapping of ids to things with fields (``sites``, ``lanes``, a
    regime's ``states``), not of ids to numbers (``offtake``, ``demand_t_per_year``)."""
    if typing.get_origin(tp) is not dict:
        return False
    value = unwrap(typing.get_args(tp)[1])
    options = typing.get_args(value) if typing.get_origin(value) in (
        typing.Union, types.UnionType) else (value,)
    return all(isinstance(o, type) and issubclass(o, BaseModel)
               for o in map(unwrap, options))


def singular(key: str) -> str:
    """``sites`` -> ``site``, ``commodities`` -> ``commodity``, ``export_bans`` ->
    ``export ban``: the name of one entry of a mapping of ids."""
    word = key.replace("_", " ")
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
