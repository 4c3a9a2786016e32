"""Experiments: replications, random streams per replication, executors and results."""

from sim.experiment.replication import ReplicationResult, run_replication
from sim.experiment.results import Results
from sim.experiment.runner import collect, run, run_many

__all__ = ["ReplicationResult", "Results", "collect", "run", "run_many", "run_replication"]
