"""Experiments: replications, random streams per replication, executors and results.

The public names are imported on first use: every command imports
:mod:`sim.experiment.errors` to report its errors, and loading the runner with it pulled in
the executors, the world and SimPy, half a second that ``sim validate`` and ``sim show``
never use (review 257)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_dir, lazy_exports

_EXPORTS = {"ReplicationResult": "sim.experiment.replication",
            "run_replication": "sim.experiment.replication",
            "Results": "sim.experiment.results", "collect": "sim.experiment.runner",
            "run": "sim.experiment.runner", "run_many": "sim.experiment.runner"}

__all__ = sorted(_EXPORTS)


if not TYPE_CHECKING:  # else type checkers read every attribute, misspelt ones too, as Any
    __getattr__ = lazy_exports(__name__, _EXPORTS)

__dir__ = lazy_dir(__name__, _EXPORTS)


if TYPE_CHECKING:
    from sim.experiment.replication import ReplicationResult as ReplicationResult
    from sim.experiment.replication import run_replication as run_replication
    from sim.experiment.results import Results as Results
    from sim.experiment.runner import collect as collect
    from sim.experiment.runner import run as run
    from sim.experiment.runner import run_many as run_many
