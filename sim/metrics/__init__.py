"""Metrics: KPIs and time series computed from a finished replication."""

from sim.metrics.kpis import KpiRow, compute_kpis
from sim.metrics.series import SeriesCatalogue, aggregate, catalogue

__all__ = ["KpiRow", "SeriesCatalogue", "aggregate", "catalogue", "compute_kpis"]
