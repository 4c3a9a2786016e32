"""Results of a set of replications, as arrays and as tidy pandas tables.

A :class:`Results` holds every replication's KPI values and time series. Tables are built
on demand:

* ``res.kpis``: one row per replication x commodity x channel x site x metric;
* ``res.summary()``: mean, standard deviation and confidence interval per KPI;
* ``res.series``: the time series of every replication (``replication`` column);
* ``res.series_summary()``: mean and percentiles of the series across replications.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.stats import summarise
from sim.metrics.series import SeriesCatalogue
from sim.scenario.schema import Scenario

KPI_COLUMNS = ["replication", "commodity", "channel", "site", "metric", "value", "unit"]
KPI_KEYS = ["commodity", "channel", "site", "metric", "unit"]
SERIES_COLUMNS = ["date", "commodity", "metric", "key", "unit"]


@dataclass
class Results:
    """Replications of one scenario.

    ``kpi_labels`` are (commodity, channel, site, metric, unit) for the columns of
    ``kpi_values`` [replication, kpi]; ``series_values`` is [replication, series, period]
    in the order of ``catalogue.keys``.
    """

    scenario: Scenario
    seed: int
    replications: list[int]
    kpi_labels: list[tuple[str, str, str, str, str]]
    kpi_values: np.ndarray
    catalogue: SeriesCatalogue
    series_values: np.ndarray
    wall_s: float = 0.0
    events: int = 0
    info: dict[str, Any] = field(default_factory=dict)
    timeline_rows: list[tuple[int, float, str, str, str, str]] = field(default_factory=list)
    """(replication, days since the start date, kind, id, action, detail)."""

    @property
    def n(self) -> int:
        """Number of replications."""
        return len(self.replications)

    @property
    def kpis(self) -> pd.DataFrame:
        """Tidy KPI table: replication, commodity, channel, site, metric, value, unit."""
        n_rep, n_kpi = self.kpi_values.shape
        labels = pd.DataFrame(self.kpi_labels, columns=KPI_KEYS)
        frame = labels.loc[np.tile(np.arange(n_kpi), n_rep)].reset_index(drop=True)
        frame.insert(0, "replication", np.repeat(np.asarray(self.replications), n_kpi))
        frame["value"] = self.kpi_values.reshape(-1)
        return frame[KPI_COLUMNS]

    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """Mean, sd, n and Student-t confidence interval of every KPI."""
        return summarise(self.kpis, KPI_KEYS, confidence)

    def kpi(self, metric: str, commodity: str = "all", channel: str = "all",
            site: str = "all") -> np.ndarray:
        """One KPI's value in every replication."""
        for j, (com, chan, st, met, _unit) in enumerate(self.kpi_labels):
            if (com, chan, st, met) == (commodity, channel, site, metric):
                return self.kpi_values[:, j]
        raise KeyError(f"no KPI {metric!r} for commodity={commodity!r}, channel={channel!r}, "
                       f"site={site!r}")

    @property
    def series(self) -> pd.DataFrame:
        """Tidy time series of every replication: date, commodity, metric, key, unit,
        replication, value."""
        n_rep, n_ser, n_per = self.series_values.shape
        keys = pd.DataFrame(self.catalogue.keys, columns=["commodity", "metric", "key", "unit"])
        idx_series = np.tile(np.repeat(np.arange(n_ser), n_per), n_rep)
        frame = keys.loc[idx_series].reset_index(drop=True)
        dates = np.asarray(self.catalogue.dates, dtype="datetime64[D]")
        frame.insert(0, "date", np.tile(dates, n_rep * n_ser))
        frame["replication"] = np.repeat(np.asarray(self.replications), n_ser * n_per)
        frame["value"] = self.series_values.reshape(-1).astype(float)
        return frame[[*SERIES_COLUMNS, "replication", "value"]]

    def series_summary(self, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Series statistics across replications: date, commodity, metric, key, unit,
        statistic (mean, sd, p05, p50, p95), value."""
        vals = self.series_values.astype(float)
        stats = {"mean": vals.mean(axis=0),
                 "sd": vals.std(axis=0, ddof=1) if self.n > 1 else np.full(vals.shape[1:],
                                                                            np.nan)}
        for q in quantiles:
            stats[f"p{round(q * 100):02d}"] = np.quantile(vals, q, axis=0)
        n_ser, n_per = vals.shape[1:]
        keys = pd.DataFrame(self.catalogue.keys, columns=["commodity", "metric", "key", "unit"])
        frames = []
        dates = np.asarray(self.catalogue.dates, dtype="datetime64[D]")
        base = keys.loc[np.repeat(np.arange(n_ser), n_per)].reset_index(drop=True)
        base.insert(0, "date", np.tile(dates, n_ser))
        for name, arr in stats.items():
            part = base.copy()
            part["statistic"] = name
            part["value"] = arr.reshape(-1)
            frames.append(part)
        return pd.concat(frames, ignore_index=True)

    @property
    def timeline(self) -> pd.DataFrame:
        """What happened when, per replication: replication, day, date, kind, id, action,
        detail."""
        frame = pd.DataFrame(self.timeline_rows,
                             columns=["replication", "day", "kind", "id", "action", "detail"])
        start = np.datetime64(self.scenario.start, "D")
        frame.insert(2, "date", start + np.floor(frame["day"].to_numpy(float)).astype(
            "timedelta64[D]"))
        return frame

    def __repr__(self) -> str:
        start: dt.date = self.scenario.start
        return (f"<Results {self.scenario.name!r}: {self.n} replications, seed {self.seed}, "
                f"{self.scenario.horizon:g} days from {start}, {len(self.kpi_labels)} KPIs, "
                f"{len(self.catalogue.keys)} series>")
