"""drc-minerals-sim: a discrete-event simulator of DRC cobalt, copper and gold supply chains.

Typical use::

    import sim
    sc = sim.load_scenario("scenarios/baseline.yaml")
    res = sim.run(sc, replications=20, seed=1)
    res.summary()          # KPI means with 95% confidence intervals
    res.kpis               # one row per replication x commodity x channel x site x metric
    res.series             # weekly time series of every replication
"""

from importlib import metadata

from sim.experiment.results import Results
from sim.experiment.runner import run
from sim.output.folder import load_results
from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict

try:
    __version__ = metadata.version("drc-minerals-sim")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "Results",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_results",
    "load_scenario",
    "run",
    "scenario_from_dict",
]
