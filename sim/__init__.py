"""drc-minerals-sim: a discrete-event simulator of DRC cobalt, copper and gold supply chains.

Typical use::

    import sim
    sc = sim.load_scenario("scenarios/baseline.yaml")
    res = sim.run(sc, replications=20, seed=1)   # replications defaults to 1
    res.summary()          # KPI means with 95% confidence intervals
    res.kpis               # one row per replication x commodity x channel x site x metric
    res.series             # weekly time series of every replication
    sim.compare(["scenarios/baseline.yaml", "other.yaml"], replications=20)  # paired, CRN
    sim.sweep("scenarios/baseline.yaml", {"horizon_days": (60, 120, "int")}, design="lhs")

A results folder, as ``sim run --out`` writes it, each replication saved as it finishes
(``resume=True`` finishes an interrupted run, ``force=True`` replaces one)::

    res = sim.run(sc, replications=20, seed=1, out="results/baseline", figures=False)
    sim.load_results("results/baseline")

Any :class:`concurrent.futures.Executor` runs the replications of ``sim.run``,
``sim.compare`` and ``sim.sweep`` (``executor=``; the same numbers as in process), e.g.
``executor=distributed.Client(address).get_executor()`` for a Dask cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

# The package itself, for annotations that name a lazily imported class as sim.Scenario:
# typing.get_type_hints looks a bare name up in this module's dict, where a lazy name is
# not until first used (a NameError), but sim.Scenario goes through __getattr__.
import sim
from sim.lazy import lazy_dir, lazy_exports

__version__: str
"""The installed distribution's version ("0+unknown" from a bare source tree). Read from
the package metadata when first used, not at import: importlib.metadata takes some 50 ms
to load, and a Ctrl-C then, before :mod:`sim.entry` can handle it, printed a traceback."""

_EXPORTS = {
    "Comparison": "sim.experiment.compare",
    "compare": "sim.experiment.compare",
    "run_comparison": "sim.experiment.compare",
    "ExperimentError": "sim.experiment.errors",
    "ReplicationError": "sim.experiment.executors",
    "Results": "sim.experiment.results",
    "load_results": "sim.experiment.results",
    "run": "sim.experiment.runner",
    "Sweep": "sim.experiment.sweep",
    "run_sweep": "sim.experiment.sweep",
    "sweep": "sim.experiment.sweep",
    "FolderError": "sim.output.errors",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
}
"""Public names and the module each lives in. They are imported when first used, so that
``import sim`` (and every worker process) loads only what it needs: pandas, scipy and
matplotlib take most of a second and over 100 MB, and a simulation needs none of them."""

__all__ = ["__version__", *sorted([*_EXPORTS, "load_scenario", "scenario_from_dict"])]


def _with_version(lazy: Callable[[str], Any]) -> Callable[[str], Any]:
    """``lazy`` (a module ``__getattr__``) that also gives ``__version__``, read from the
    package metadata on first use and then kept on the module."""

    def __getattr__(name: str) -> Any:
        if name != "__version__":
            return lazy(name)
        from importlib import metadata

        try:
            version = metadata.version("drc-minerals-sim")
        except metadata.PackageNotFoundError:  # pragma: no cover - a bare source tree
            version = "0+unknown"
        globals()["__version__"] = version
        return version

    return __getattr__


if not TYPE_CHECKING:
    # A module-level __getattr__ makes type checkers read every attribute, a misspelt
    # sim.runn included, as Any; they see the names eagerly imported at the end instead.
    __getattr__ = _with_version(lazy_exports(__name__, _EXPORTS))


# The two loaders are defined here, not exported from sim.scenario, because they warn: the
# command line calls sim.scenario's, which return the notes for it to print once.


def load_scenario(path: str | os.PathLike[str], overrides: Sequence[str] = ()) -> sim.Scenario:
    """Load a scenario file: read, merge, override and validate it.

    As :func:`sim.scenario.load_scenario`. ``overrides`` is a list of ``"key.path=value"``
    strings (as for ``--set``). An override that may not do what was meant (a bare number
    over a value the file gives in another unit, such as USD/oz) is warned of with a
    ``UserWarning`` saying how to keep the file's unit. Its :func:`~sim.scenario.meta_of`
    keeps a fingerprint of the scenario as loaded, by which a run with ``out=`` tells
    whether it was changed since (the folder then records ``changed_after_loading``).
    Raises :class:`ScenarioError` with every problem found, and :class:`TypeError` for a
    ``path`` that is not a str or path (a dict is told to use :func:`scenario_from_dict`),
    or ``overrides`` that are not a list of strings.
    """
    from sim.scenario.loader import load_scenario as load
    from sim.scenario.loader import meta_of, warn_notes
    from sim.wording import python_wording

    # the loader's messages name --set (the command line shares it); a Python caller gave
    # overrides=[...], as sim.run words them
    with python_wording("run"):
        sc = load(path, overrides)
    from sim.scenario.fingerprint import LOADED_FINGERPRINT, fingerprint

    # what the files gave, for a run with out= to tell whether the scenario was changed
    # since, without reading them again (review 202)
    setattr(meta_of(sc), LOADED_FINGERPRINT, fingerprint(sc))
    warn_notes(meta_of(sc).notes)
    return sc


def scenario_from_dict(data: Mapping[str, Any], name: str = "<dict>",
                       overrides: Sequence[str] = ()) -> sim.Scenario:
    """Validate a scenario given as a Python mapping, as it would be read from YAML.

    ``overrides`` are applied and warned of as by :func:`load_scenario` (see
    :func:`sim.scenario.scenario_from_dict`; ``extends`` works only in files). Raises
    :class:`ScenarioError`, and :class:`TypeError` for anything but a mapping or a
    ``name`` that is not a string.
    """
    from sim.scenario.loader import meta_of, warn_notes
    from sim.scenario.loader import scenario_from_dict as validate
    from sim.wording import python_wording

    if not isinstance(name, str):  # a number failed as "sequence item 0: expected str"
        raise TypeError(f"name must be a str, which messages give as the scenario's source, "
                        f"not {type(name).__name__}")
    with python_wording("run"):  # overrides=[...], not --set, as in load_scenario
        sc = validate(data, name, overrides)
    warn_notes(meta_of(sc).notes)
    return sc


__dir__ = lazy_dir(__name__, __all__)


if TYPE_CHECKING:  # for type checkers and editors: the same names, eagerly
    from sim.experiment.compare import Comparison as Comparison
    from sim.experiment.compare import compare as compare
    from sim.experiment.compare import run_comparison as run_comparison
    from sim.experiment.errors import ExperimentError as ExperimentError
    from sim.experiment.executors import ReplicationError as ReplicationError
    from sim.experiment.results import Results as Results
    from sim.experiment.results import load_results as load_results
    from sim.experiment.runner import run as run
    from sim.experiment.sweep import Sweep as Sweep
    from sim.experiment.sweep import run_sweep as run_sweep
    from sim.experiment.sweep import sweep as sweep
    from sim.output.errors import FolderError as FolderError
    from sim.scenario import Scenario as Scenario
    from sim.scenario import ScenarioError as ScenarioError
