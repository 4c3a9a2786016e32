"""drc-minerals-sim: a discrete-event simulator of DRC cobalt, copper and gold supply chains.

Typical use::

    import sim
    sc = sim.load_scenario("scenarios/baseline.yaml")
    res = sim.run(sc, replications=20, seed=1)
    res.summary()          # KPI means with 95% confidence intervals
    res.kpis               # one row per replication x commodity x channel x site x metric
    res.series             # weekly time series of every replication
    sim.compare(["scenarios/baseline.yaml", "other.yaml"], replications=20)  # paired, CRN
    sim.sweep("scenarios/baseline.yaml", {"horizon_days": (60, 120)}, design="lhs")
"""

from importlib import metadata

from sim.experiment.compare import Comparison, compare, run_comparison
from sim.experiment.results import Results
from sim.experiment.runner import run
from sim.experiment.sweep import Sweep, run_sweep, sweep
from sim.output.folder import load_results
from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict

try:
    __version__ = metadata.version("drc-minerals-sim")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "Comparison",
    "Results",
    "Scenario",
    "ScenarioError",
    "Sweep",
    "__version__",
    "compare",
    "load_results",
    "load_scenario",
    "run",
    "run_comparison",
    "run_sweep",
    "scenario_from_dict",
    "sweep",
]
