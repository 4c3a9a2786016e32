"""What identifies a scenario: its resolved fields as JSON-ready data and their sha256.

Pure functions of a :class:`~sim.scenario.schema.Scenario`, shared by the loader's
:func:`sim.load_scenario`, the experiment drivers (run, compare, sweep) and the results
folders: :func:`scenario_sha256` (equal for equal scenarios, whatever files and overrides
produced them), :func:`scenario_order_sha256` (the same with its mappings in their order,
which draws the random numbers) and :func:`fingerprint` (what :func:`sim.load_scenario`
keeps of the scenario as loaded). They live here, in the scenario layer, so that loading a
scenario imports no experiment or output code (review 231).
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario


def json_safe(value: Any) -> Any:
    """``value`` with infinities and NaN as the strings "inf", "-inf" and "nan" (JSON has
    no numbers for them; pydantic reads the strings back as floats)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def scenario_json(sc: Scenario) -> dict[str, Any]:
    """The resolved scenario as JSON-ready data (every default filled in)."""
    return json_safe(sc.model_dump(mode="json", by_alias=True))


def scenario_sha256(sc: Scenario) -> str:
    """A fingerprint of the resolved scenario: equal for equal scenarios, whatever files
    and ``--set`` values produced them."""
    text = json.dumps(scenario_json(sc), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_order_sha256(sc: Scenario) -> str:
    """A fingerprint of the resolved scenario with its mappings in their order: the order
    of lanes, channels, routes and commodities draws the random numbers, and the tables'
    rows follow that of sites, regimes and incidents too, so a copy listing them in
    another order (the same :func:`scenario_sha256`) is another run to resume (review
    160). The regions' order changes nothing, not even a row (review 213), so they are
    taken in sorted order."""
    data = scenario_json(sc)
    data["regions"] = dict(sorted(data["regions"].items()))
    text = json.dumps(data, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def listed_order_sha256(sc: Scenario) -> str:
    """:func:`scenario_order_sha256` as versions before review 213 took it, regions in their
    listed order: what their run.json and sweep plans hold."""
    text = json.dumps(scenario_json(sc), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


LOADED_FINGERPRINT = "loaded_fingerprint"
"""The attribute of a loaded scenario's :class:`~sim.scenario.loader.ScenarioMeta` that
:func:`sim.load_scenario` sets to :func:`fingerprint` of the scenario it returns. The meta
is shared by ``model_copy`` and untouched by changes in place, so the fingerprint still
tells what the files gave once the scenario has been changed."""


def fingerprint(sc: Scenario) -> str:
    """The sha256 (hex) of ``sc``'s fields, mappings in their order: equal for scenarios
    that run alike. Unlike :func:`scenario_sha256`, it takes the fields as pydantic dumps
    them (no :func:`json_safe`, anything not JSON as its ``str``), quietly."""
    with warnings.catch_warnings():
        # a value of the wrong type put in a mapping: told when it is validated
        warnings.simplefilter("ignore", UserWarning)
        data = sc.model_dump(mode="json", by_alias=True)
    text = json.dumps(data, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
