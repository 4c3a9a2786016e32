"""One replication as a plain function: scenario, seed, replication number -> results.

This is the unit of work every executor runs. It builds a world from the scenario and the
replication's random streams, runs it, checks the mass balance (a violation raises
:class:`~sim.world.ledger.MassBalanceError`, naming the site and commodity) and returns
KPI values and the series cube. It never prints or writes files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from sim.build import running_code
from sim.metrics.kpis import KpiLabel, KpiRow, compute_kpis
from sim.metrics.series import SeriesCatalogue, aggregate, catalogue
from sim.scenario.plan import Plan
from sim.scenario.schema import Scenario
from sim.streams import Streams
from sim.world.world import World


@dataclass
class ReplicationResult:
    """What one replication returns.

    KPIs are kept compactly, as labels and an array of values: the labels are the same
    for every replication of a scenario, so a driver holding many results shares one list
    of them (see :func:`sim.experiment.executors.run_tasks`).
    """

    replication: int
    kpi_labels: list[KpiLabel]
    """(commodity, channel, site, metric, unit) of each KPI, in a fixed order."""
    kpi_array: np.ndarray
    """float64 value of each KPI, in the order of ``kpi_labels``."""
    series: np.ndarray
    """float32 cube [series, period] in the order of the scenario's series catalogue."""
    events: int
    """SimPy events processed (for speed measurements)."""
    wall_s: float
    """Seconds this replication took."""
    timeline: list[tuple[float, str, str, str, str]] = field(default_factory=list)
    """What happened when: (days since the start date, kind, id, action, detail)."""
    code: str | None = None
    """The code that ran it (:func:`sim.build.code_label` of its process: a cluster's
    worker may run other code than the command); None where unknown (saved by a version
    that did not record it)."""
    build: str | None = None
    """The build that ran it (:func:`sim.build.build_kind`); None where unknown."""

    @property
    def kpis(self) -> list[KpiRow]:
        """KPI rows (commodity, channel, site, metric, unit, value)."""
        return [(*label, value) for label, value in
                zip(self.kpi_labels, self.kpi_array.tolist(), strict=True)]

    def kpi_values(self) -> np.ndarray:
        """The KPI values alone, in row order."""
        return self.kpi_array


def run_replication(sc: Scenario, seed: int, replication: int, plan: Plan | None = None,
                    cat: SeriesCatalogue | None = None) -> ReplicationResult:
    """Simulate replication ``replication`` of ``sc`` with root seed ``seed``."""
    # first, out of the timing: a worker runs git as its first replication starts, not as
    # it ends, when the run may be stopping its workers (a worker killed then would leave
    # git running, orphaned)
    code, build = running_code()
    started = time.perf_counter()
    # plain ints: the compiled build's Streams refuses numpy's (np.arange's seeds)
    world = World(sc, Streams(int(seed), int(replication)), plan)
    try:
        world.run()
        balance = world.check_mass_balance()
        kpis = compute_kpis(world, balance)
        series = aggregate(world, cat if cat is not None else catalogue(sc))
        events = _events(world)
        timeline = world.timeline.ordered()
    finally:
        world.close()  # frees the world in the compiled build, failed replications too
    return ReplicationResult(replication, [row[:5] for row in kpis],
                             np.array([row[5] for row in kpis], dtype=float), series, events,
                             time.perf_counter() - started, timeline, code, build)


def kpi_labels_of(sc: Scenario) -> list[KpiLabel]:
    """The KPI labels every replication of ``sc`` writes, in row order, without running it:
    taken from a one-day replication with no warm-up, which builds the same elements,
    routes and shocks. The rows are fixed by what the scenario holds, never by what
    happens in a run (a test holds this for every shipped scenario), so a KPI named for
    a precision target can be checked before anything is run."""
    day = sc.model_copy(update={"horizon_days": 1.0, "end": None, "warmup_days": 0.0})
    return run_replication(day, 0, 0).kpi_labels


def _events(world: World) -> int:
    # SimPy numbers every scheduled event; the next number is the count so far.
    counter = world.env._eid  # noqa: SLF001 - only way to count events without a hook
    return int(next(counter))
