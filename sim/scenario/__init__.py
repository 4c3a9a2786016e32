"""Scenario input: the typed format, YAML loading, merging, citations and checks.

The public names are imported on first use: the shocks and the world import parts of this
package (the schema, the plan, the checks), and loading the whole package with them
imported the scenario checks, which imported :mod:`sim.shocks.targets`, in the middle of
importing it (importing ``sim.shocks.targets`` first failed on that cycle). Since review 231
nothing in this package imports the world or the shocks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_dir, lazy_exports

_EXPORTS = {"Issue": "sim.scenario.errors", "ScenarioError": "sim.scenario.errors",
            "ScenarioMeta": "sim.scenario.loader", "load_scenario": "sim.scenario.loader",
            "meta_of": "sim.scenario.loader", "scenario_from_dict": "sim.scenario.loader",
            "scenario_from_yaml": "sim.scenario.loader", "Plan": "sim.scenario.plan",
            "make_plan": "sim.scenario.plan", "Scenario": "sim.scenario.schema"}

__all__ = sorted(_EXPORTS)


if not TYPE_CHECKING:  # else type checkers read every attribute, misspelt ones too, as Any
    __getattr__ = lazy_exports(__name__, _EXPORTS)

__dir__ = lazy_dir(__name__, _EXPORTS)


if TYPE_CHECKING:
    from sim.scenario.errors import Issue as Issue
    from sim.scenario.errors import ScenarioError as ScenarioError
    from sim.scenario.loader import ScenarioMeta as ScenarioMeta
    from sim.scenario.loader import load_scenario as load_scenario
    from sim.scenario.loader import meta_of as meta_of
    from sim.scenario.loader import scenario_from_dict as scenario_from_dict
    from sim.scenario.loader import scenario_from_yaml as scenario_from_yaml
    from sim.scenario.plan import Plan as Plan
    from sim.scenario.plan import make_plan as make_plan
    from sim.scenario.schema import Scenario as Scenario
