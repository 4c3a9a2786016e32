"""Scenario input: the typed format, YAML loading, merging, citations and checks."""

from sim.scenario.errors import Issue, ScenarioError
from sim.scenario.loader import (
    ScenarioMeta,
    load_scenario,
    meta_of,
    scenario_from_dict,
    scenario_from_yaml,
)
from sim.scenario.plan import Plan, make_plan
from sim.scenario.schema import Scenario

__all__ = [
    "Issue",
    "Plan",
    "Scenario",
    "ScenarioError",
    "ScenarioMeta",
    "load_scenario",
    "make_plan",
    "meta_of",
    "scenario_from_dict",
    "scenario_from_yaml",
]
