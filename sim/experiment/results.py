"""Results of a set of replications, as arrays and as tidy pandas tables.

A :class:`Results` holds every replication's KPI values and time series. Tables are built
on demand:

* ``res.kpis``: one row per replication x commodity x channel x site x metric;
* ``res.summary()``: mean, standard deviation and confidence interval per KPI;
* ``res.series``: the time series of every replication (``replication`` column);
* ``res.series_summary()``: mean and percentiles of the series across replications.

Both series tables end with a ``days`` column, the days measured in the row's period
(fewer than ``series_period_days`` in a last period cut short by the horizon; with
``series_period_days: month``, each calendar month's days, the first and last cut at the
start and the horizon; see :mod:`sim.metrics.series`).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.metrics.series import SeriesCatalogue
from sim.scenario.prices import price_modelled
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

KPI_COLUMNS = ["replication", "commodity", "channel", "site", "metric", "value", "unit"]
KPI_KEYS = ["commodity", "channel", "site", "metric", "unit"]
SERIES_COLUMNS = ["date", "commodity", "metric", "key", "unit"]
_CHUNK_VALUES = 2_000_000
"""Series values turned into double precision at once by :meth:`Results.series_summary`."""


@dataclass(eq=False)  # equal only to itself: its arrays have no single truth value
class Results:
    """Replications of one scenario.

    ``kpi_labels`` are (commodity, channel, site, metric, unit) for the columns of
    ``kpi_values`` [replication, kpi]; ``series_values`` is [replication, series, period]
    in the order of ``catalogue.keys``.

    Attributes
    ----------
    scenario : Scenario
        The scenario run (as validated, overrides applied).
    seed : int
        The root seed: each replication's random streams are drawn from it and the
        replication's number.
    replications : list of int
        The replication numbers, in order (``n`` of them).
    kpi_labels : list of (str, str, str, str, str)
        (commodity, channel, site, metric, unit) of each column of ``kpi_values``.
    kpi_values : numpy.ndarray
        KPI values, [replication, kpi], in the labels' units (``kpis`` is the tidy table).
    catalogue : SeriesCatalogue
        The series' keys (commodity, metric, key, unit), period dates and days measured.
    series_values : numpy.ndarray
        Series values, [replication, series, period] (``series`` is the tidy table).
    wall_s : float
        Seconds of wall-clock time: in a process, those the call that ran the
        replications took (0.0 for results built in code); for a loaded folder, the
        ``wall_s`` its ``manifest.json`` records (that of the run that wrote it).
    events : int
        SimPy events processed, summed over the replications (a measure of the work done,
        for speed comparisons; read back from the saved replications of a loaded folder).
    info : dict
        What is known of how the results were made; its keys differ by origin. Results
        run in this process have ``kpi_rows`` (the version of the set of KPI rows, an
        int: :data:`sim.metrics.kpis.KPI_ROWS`), and those of :func:`sim.run` without
        ``out=`` also ``code`` (the labels of the code that ran the replications, a list
        of str such as ``"drc-minerals-sim 0.1.0 at <commit>"``); results read by
        :func:`load_results` have ``manifest`` instead (the folder's ``manifest.json`` as
        a dict: its ``kpi_rows``, ``code``, ``builds``, ``overrides``, ``command``, ...).
        Either has ``stopping`` (the stopping report, a dict) after a run with
        ``target_ci``.
    timeline_rows : list of tuple
        (replication, days since the start date, kind, id, action, detail) of each thing
        that happened; ``timeline`` is the tidy table.
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

    @property
    def n(self) -> int:
        """Number of replications."""
        return len(self.replications)

    @property
    def kpis(self) -> pd.DataFrame:
        """Tidy KPI table: replication, commodity, channel, site, metric, value, unit."""
        return self.kpi_rows(0, self.n)

    def kpi_rows(self, start: int, stop: int) -> pd.DataFrame:
        """The rows of :attr:`kpis` of the replications in positions ``start`` to
        ``stop - 1`` (of :attr:`replications`), as their own table: a large run's
        kpis.csv is written a block of replications at a time, as the whole table takes
        some 56 bytes a value (320 MiB for 8,000 replications of a one-year baseline)."""
        import pandas as pd  # imported when a table is asked for: not needed to run

        values = self.kpi_values[start:stop]
        n_rep, n_kpi = values.shape
        labels = pd.DataFrame(self.kpi_labels, columns=KPI_KEYS)
        frame = labels.loc[np.tile(np.arange(n_kpi), n_rep)].reset_index(drop=True)
        frame.insert(0, "replication",
                     np.repeat(np.asarray(self.replications[start:stop]), n_kpi))
        frame["value"] = values.reshape(-1)
        return frame[KPI_COLUMNS]

    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """Mean, sd, n and Student-t confidence interval of every KPI. Raises
        :class:`~sim.experiment.errors.ExperimentError` (a ``ValueError``) unless
        ``0 < confidence < 1`` (0.95 for 95%)."""
        import pandas as pd

        from sim.experiment.stats import summarise

        # grouped by each KPI's column number, not by its four text labels: the tidy
        # table's text columns took about 110 bytes a value at the peak (675 MiB and 4 s
        # for 8,000 replications of a one-year baseline: review 229), the numbers about 20
        n_rep, n_kpi = self.kpi_values.shape
        frame = pd.DataFrame({"kpi": np.tile(np.arange(n_kpi), n_rep),
                              "value": self.kpi_values.reshape(-1)})
        stats = summarise(frame, ["kpi"], confidence)
        labels = pd.DataFrame(self.kpi_labels, columns=KPI_KEYS).loc[stats.pop("kpi")]
        return pd.concat([labels.reset_index(drop=True), stats], axis=1)

    def kpi(self, metric: str, commodity: str | None = None, channel: str | None = None,
            site: str | None = None) -> np.ndarray:
        """One KPI's value in every replication, as a new array: changing it leaves these
        results (and ``summary()``, ``kpis``, the figures) as they were.

        ``commodity``, ``channel`` and ``site`` left out are ``all`` (the total) where the
        metric has a total over them, else the one value it has (``wait_p95_days`` at the
        one border post of a scenario); given, they are taken as they are.

        Raises :class:`KeyError` when there is no such KPI, naming the closest existing
        metric, commodity, channel or site, or, when each exists but not together, the
        commodities (then channels, then sites) the metric does have; and for a part left
        out that the metric has several values of and no total over (``delivered_t`` of a
        scenario of three commodities), naming them."""
        commodity, channel, site = self._kpi_defaults(metric, commodity, channel, site)
        for j, (com, chan, st, met, _unit) in enumerate(self.kpi_labels):
            if (com, chan, st, met) == (commodity, channel, site, metric):
                # a view would let `x -= x.mean()` rewrite the results themselves
                return self.kpi_values[:, j].copy()
        from sim.metrics.kpis import KPI_METRICS
        from sim.scenario.errors import did_you_mean

        # say which part is wrong, with the closest name these results have for it
        wanted = {"commodity": commodity, "channel": channel, "site": site, "metric": metric}
        hints = []
        for pos, (part, value) in enumerate(wanted.items()):
            known = {label[pos] for label in self.kpi_labels}
            if value not in known:
                if part == "metric" and value in KPI_METRICS:
                    hints.append(f"metric {value!r} exists, but these results have none (it "
                                 "depends on the scenario's sites, routes and shocks)")
                    continue
                if value == "*":
                    # a --metric's "every commodity": one KPI here is one commodity's
                    listed = ", ".join(sorted({label[pos] for label in self.kpi_labels
                                               if label[3] == metric} or known))
                    hints.append(f"{part} '*' (each of them, in a --metric) names no one KPI;"
                                 f" name one of: {listed}")
                    continue
                guess = did_you_mean(value, known)
                hints.append(f"{part} {value!r} is not in these results"
                             + (f"; did you mean {guess!r}?" if guess else ""))
        if not hints:
            hints.append(_missing_combination(self.kpi_labels, wanted))
        raise KeyError(f"no KPI {metric!r} for commodity={commodity!r}, channel={channel!r}, "
                       f"site={site!r}: {'; '.join(hints)} (summary() lists every KPI)")

    def _kpi_defaults(self, metric: str, commodity: str | None, channel: str | None,
                      site: str | None) -> tuple[str, str, str]:
        """:meth:`kpi`'s ``commodity``, ``channel`` and ``site`` with those left out (None)
        chosen: ``all`` where the metric's rows (matching the parts before) have it, else
        their one value. Raises :class:`KeyError` for a part left out that has several
        values and no ``all``. The review 202 defaults, ``all`` each, named no KPI that
        has a commodity: ``kpi("delivered_t")`` failed for every scenario."""
        # the parts given narrow the rows first: a route's KPI, given its site, is at its
        # one channel, where the total over channels is none (review 207)
        given = (commodity, channel, site)
        rows = [label for label in self.kpi_labels if label[3] == metric
                and all(v is None or label[pos] == v for pos, v in enumerate(given))]
        chosen: list[str] = []
        for pos, (part, value) in enumerate((("commodity", commodity), ("channel", channel),
                                             ("site", site))):
            if value is None:
                have = sorted({label[pos] for label in rows}, key=lambda v: (v != "all", v))
                if len(have) > 1 and "all" not in have:
                    listed = ", ".join(have[:20]) + (f" and {len(have) - 20} more"
                                                    if len(have) > 20 else "")
                    fixed = ", ".join(f"{p}={v!r}" for p, v in zip(
                        ("commodity", "channel"), chosen, strict=False))
                    raise KeyError(
                        f"{metric} has no total over "
                        f"{'commodities' if part == 'commodity' else part + 's'}"
                        + (f" for {fixed}" if fixed else "") + f": give {part}= one of: "
                        f"{listed} (e.g. kpi({metric!r}, {part}={have[0]!r}))")
                value = have[0] if have else "all"
            chosen.append(value)
            rows = [label for label in rows if label[pos] == value]
        return chosen[0], chosen[1], chosen[2]

    @property
    def series(self) -> pd.DataFrame:
        """Tidy time series of every replication: date, commodity, metric, key, unit,
        replication, value, and days (days measured in the period: a flow over ``days``
        is tonnes per day)."""
        import pandas as pd

        n_rep, n_ser, n_per = self.series_values.shape
        keys = pd.DataFrame(self.catalogue.keys, columns=["commodity", "metric", "key", "unit"])
        idx_series = np.tile(np.repeat(np.arange(n_ser), n_per), n_rep)
        frame = keys.loc[idx_series].reset_index(drop=True)
        dates = np.asarray(self.catalogue.dates, dtype="datetime64[D]")
        frame.insert(0, "date", np.tile(dates, n_rep * n_ser))
        frame["replication"] = np.repeat(np.asarray(self.replications), n_ser * n_per)
        frame["value"] = self.series_values.reshape(-1).astype(float)
        frame["days"] = np.tile(np.asarray(self.catalogue.days), n_rep * n_ser)
        return frame[[*SERIES_COLUMNS, "replication", "value", "days"]]

    def series_summary(self, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Series statistics across replications: date, commodity, metric, key, unit,
        statistic (mean, sd, p05, p50, p95), value, and days (days measured in the
        period).

        Each of ``quantiles`` (in [0, 1]) is a statistic named by its percent: ``p05`` for
        a whole percent (two digits at least), ``p2.5`` or ``p97.5`` otherwise. Raises
        ``ValueError`` if a quantile is outside [0, 1] (``[5, 50, 95]`` is told it means
        ``[0.05, 0.5, 0.95]``) or given twice, ``TypeError`` unless ``quantiles`` is a list
        of numbers."""
        import pandas as pd

        quantiles = check_quantiles(quantiles)
        n_ser, n_per = self.series_values.shape[1:]
        names = ["mean", "sd", *quantile_names(quantiles)]
        stats = {name: np.empty((n_ser, n_per)) for name in names}
        # A few series at a time, in double precision: memory stays bounded however many
        # replications there are.
        step = max(1, _CHUNK_VALUES // max(1, self.n * n_per))
        for a in range(0, n_ser, step):
            vals = self.series_values[:, a:a + step].astype(float)
            stats["mean"][a:a + step] = vals.mean(axis=0)
            stats["sd"][a:a + step] = vals.std(axis=0, ddof=1) if self.n > 1 else np.nan
            for name, q in zip(names[2:], quantiles, strict=True):
                stats[name][a:a + step] = np.quantile(vals, q, axis=0)
        keys = pd.DataFrame(self.catalogue.keys, columns=["commodity", "metric", "key", "unit"])
        frames = []
        dates = np.asarray(self.catalogue.dates, dtype="datetime64[D]")
        base = keys.loc[np.repeat(np.arange(n_ser), n_per)].reset_index(drop=True)
        base.insert(0, "date", np.tile(dates, n_ser))
        days = np.tile(np.asarray(self.catalogue.days), n_ser)
        for name, arr in stats.items():
            part = base.copy()
            part["statistic"] = name
            part["value"] = arr.reshape(-1)
            part["days"] = days
            frames.append(part)
        return pd.concat(frames, ignore_index=True)

    @property
    def timeline(self) -> pd.DataFrame:
        """What happened when, per replication: replication, day, date, kind, id, action,
        detail."""
        import pandas as pd

        frame = pd.DataFrame(self.timeline_rows,
                             columns=["replication", "day", "kind", "id", "action", "detail"])
        start = np.datetime64(self.scenario.start, "D")
        frame.insert(2, "date", start + np.floor(frame["day"].to_numpy(float)).astype(
            "timedelta64[D]"))
        return frame

    @property
    def plot(self) -> ResultsPlot:
        """Figures of these results: ``res.plot.flows()``, ``.deliveries()``, ``.prices()``,
        ``.stocks()``, ``.queues()`` (of ``series_sites`` and ``series_lanes``),
        ``.lead_times()``, ``.map()``, ``.flow_diagram()``; each returns a matplotlib
        figure (shown in Jupyter)."""
        return ResultsPlot(self)

    def _headline(self) -> list[tuple[str, str, float, float, float, str]]:
        """(commodity, metric, mean, ci_low, ci_high, unit) of a few headline KPIs: as the
        CLI's summary shows them (tonnes' intervals clipped at 0), without the price peak
        of a commodity whose price is not modelled, and a peak at the price cap in some
        replication named so (with in how many where not all, ``(at the cap in 3 of 6)``),
        without an interval: the cap holds the mean down, so it is a lower bound and its
        interval could pass the cap."""
        from sim.experiment.stats import cap_runs, t_interval
        from sim.output.tables import cap_count

        counts = cap_runs(self)
        out = []
        for com in self.scenario.commodities:
            for metric, unit in (("delivered_t", "t"), ("shortfall_t", "t"),
                                 ("price_peak_ratio", "ratio")):
                try:
                    mean, low, high = t_interval(self.kpi(metric, com))
                except KeyError:
                    continue
                if unit == "t":
                    # clipped as sim run's summary is: "[-51,419, 144,973] t" from two
                    # replications read as negative tonnes
                    low = max(low, 0.0)
                if metric == "price_peak_ratio":
                    if not price_modelled(self.scenario, com) and mean == 1.0:
                        continue
                    if com in counts:
                        metric = f"price_peak_ratio (at the cap{cap_count(counts, com)})"
                        low, high = math.nan, math.nan
                out.append((com, metric, mean, low, high, unit))
        return out

    def __repr__(self) -> str:
        start: dt.date = self.scenario.start
        head = (f"<Results {self.scenario.name!r}: {self.n} replication"
                f"{'s' if self.n != 1 else ''}, seed {self.seed}, "
                f"{self.scenario.horizon:g} days from {start}, {len(self.kpi_labels)} KPIs, "
                f"{len(self.catalogue.keys)} series")
        lines = [f"  {com} {metric}: {short_number(mean)}"
                 + (f" [{short_number(lo)}, {short_number(hi)}]" if not np.isnan(lo) else "")
                 + f" {unit}" for com, metric, mean, lo, hi, unit in self._headline()]
        if not lines:
            return head + ">"
        # one replication has no interval: a "[95% CI]" header over none would read as a
        # formatting fault
        what = "mean [95% CI]" if self.n > 1 else "mean (one replication: no interval)"
        return head + f"; {what}:\n" + "\n".join(lines) + ">"

    def _repr_html_(self) -> str:
        import html

        sc = self.scenario
        cells = "".join(
            f"<tr><td>{html.escape(com)}</td><td>{html.escape(metric)}</td>"
            f"<td style='text-align:right'>{short_number(mean)}</td>"
            f"<td style='text-align:right'>"
            f"{'' if np.isnan(lo) else f'{short_number(lo)} to {short_number(hi)}'}</td>"
            f"<td>{html.escape(unit)}</td></tr>"
            for com, metric, mean, lo, hi, unit in self._headline())
        title = html.escape(sc.title or sc.name)
        interval = "95% CI" if self.n > 1 else "95% CI (none from one replication)"
        return (f"<div><strong>Results {html.escape(sc.name)!s}</strong>: {title}<br>"
                f"{self.n} replication{'s' if self.n != 1 else ''}, seed {self.seed}, "
                f"{sc.horizon:g} days from "
                f"{sc.start}; {len(self.kpi_labels)} KPIs, {len(self.catalogue.keys)} "
                "series"
                "<table><thead><tr><th>commodity</th><th>KPI</th><th>mean</th>"
                f"<th>{interval}</th><th>unit</th></tr></thead><tbody>{cells}</tbody></table>"
                "<small>res.summary() for every KPI; res.plot.flows(), .prices(), ... for "
                "figures</small></div>")


def load_results(path: str | os.PathLike[str]) -> Results:
    """Read a finished results folder back into a :class:`Results`.

    The folder is one written by ``sim run`` (or :func:`sim.run` with ``out=``), or one
    scenario's folder of a comparison. As :func:`sim.output.folder_read.load_results`, which
    checks every file read against ``manifest.json``; a folder that is not a results folder
    but a comparison's, a sweep's, a folder of results folders or an unfinished run is told
    what to load instead. Raises :class:`~sim.output.errors.FolderError`, and
    :class:`TypeError` for a ``path`` that is neither a str nor a Path.

    A precision run's stopping report is in ``info["stopping"]``, as :func:`sim.run` sets
    it in the process (``manifest.json`` records it; ``info["manifest"]`` keeps it there too).
    """
    from sim.output.errors import FolderError
    from sim.output.folder_read import load_results as load

    if not isinstance(path, str | os.PathLike):  # Path(3) said "expected str, bytes or ..."
        raise TypeError(f"path must be the path of a results folder (str or Path), not "
                        f"{type(path).__name__}")
    try:
        res = load(Path(path))  # what it does first; it is annotated for str | Path
    except FolderError as exc:
        if exc.hint is not None or not Path(path).is_dir():
            raise
        other = other_folder(Path(path))
        if other is None:
            raise
        raise FolderError(*other) from None
    # the README and sim.run promise it here; a loaded folder had it only under "manifest"
    stopping = res.info.get("manifest", {}).get("stopping")
    if stopping is not None:
        res.info.setdefault("stopping", stopping)
    note = damaged_tables_note(Path(path), res.info.get("manifest", {}),
                               "these results are read from its saved replications, which "
                               "are intact, not from the tables")
    if note is not None:
        import warnings

        warnings.warn(note, UserWarning, stacklevel=2)
    return res


RUN_TABLES = ("kpis.csv", "summary.csv", "series.csv.gz", "timeline.csv")
"""The tables ``sim run`` writes that nothing reads back (:func:`load_results` rebuilds
them from the saved replications), so their damage went unnoticed."""


def damaged_tables(folder: Path, manifest: Any) -> list[str]:
    """What is wrong with each table of :data:`RUN_TABLES` that the results folder
    ``folder``'s ``manifest`` (``manifest.json`` read back) lists with its size and SHA-256:
    missing, unreadable, or another size or hash ("kpis.csv is missing"). Only those tables
    are read, each once, and one of another size is not hashed."""
    import hashlib

    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict):
        return []
    found = []
    for name in RUN_TABLES:
        entry = listed.get(name)
        if not isinstance(entry, dict):
            continue
        path = folder / name
        try:
            size = path.stat().st_size
            if "bytes" in entry and entry["bytes"] != size:
                found.append(f"{name} is {size:,} bytes, not the {entry['bytes']:,} "
                             "manifest.json records")
                continue
            if "sha256" in entry:
                digest = hashlib.sha256()
                with path.open("rb") as fh:
                    for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                        digest.update(block)
                if digest.hexdigest() != entry["sha256"]:
                    found.append(f"{name} has changed (its SHA-256 is not the one "
                                 "manifest.json records)")
        except FileNotFoundError:
            found.append(f"{name} is missing")
        except OSError as exc:
            found.append(f"{name} cannot be read ({exc.strerror or exc})")
    return found


def damaged_tables_note(folder: Path, manifest: Any, read: str) -> str | None:
    """The note for a finished results folder whose tables (:func:`damaged_tables`) are
    damaged since ``sim run`` wrote them, or None if none is: what is wrong, ``read`` (what
    was read instead: its saved replications), and the command with ``--resume`` that
    writes the tables again (:func:`sim.output.report.finish_command`)."""
    found = damaged_tables(folder, manifest)
    if not found:
        return None
    from sim.output.report import finish_command

    command = finish_command(folder)
    how = (f"{command} rewrites them" if command else
           "the sim run command that wrote it, run again with --resume, rewrites them")
    return (f"{folder}: its tables are not those sim run wrote ({'; '.join(found)}); "
            f"{read}, and {how} (running no replication again)")


def other_folder(folder: Path) -> tuple[str, str] | None:
    """The message and hint for a folder without ``manifest.json`` that holds another
    kind of output (a comparison's, a sweep's), or None when it holds none we know."""

    def runs_in(where: Path) -> list[Path]:
        return sorted(p for p in where.iterdir() if (p / "manifest.json").is_file())

    if (folder / "comparison.json").is_file() or (folder / "compare.csv").is_file():
        from sim.output.folder import compared_folders

        # comparison.json's record, found from any working folder; else the runs here
        listed = compared_folders(folder)
        if listed is None:  # unfinished or not ours
            listed = runs_in(folder)
        runs = [p for p in listed if (p / "manifest.json").is_file()]
        what = f"{folder} is a comparison's folder, not a results folder"
        if not runs:
            return what, ("its scenarios' results folders are not finished: run the "
                          "comparison again with resume=True (sim compare ... --resume)")
        return what, (f"load one scenario's results with sim.load_results({str(runs[0])!r}) "
                      f"(folders: {', '.join(p.name for p in runs)}), or compare them again "
                      f"without running anything with sim.run_comparison("
                      f"{[str(p) for p in runs]!r}); compare.csv holds the table")
    from sim.output.folder import comparison_arms

    unfinished = [arm for arm in comparison_arms(folder)
                  if not (arm / "manifest.json").is_file()]
    if unfinished:
        from sim.output.report import finish_command

        # the comparison's own command or call (each scenario's run.json records it), not
        # one per scenario: sim run cannot resume one scenario of a comparison
        command = finish_command(unfinished[0])
        return (f"{folder} is an unfinished comparison's folder (no comparison.json)",
                f"finish it with: {command}" if command else
                "run the sim compare command that wrote it again with --resume")
    trouble = unfinished_sweep(folder)
    if trouble is not None:
        return trouble
    if (folder / "sweep.json").is_file() or (folder / "sweep.csv").is_file():
        return (f"{folder} is a sweep's folder, not a results folder: a sweep keeps each "
                "replication's KPI values, not its series or timeline",
                f"read its table with pandas.read_csv({str(folder / 'sweep.csv')!r}) (and "
                "sweep-kpis.csv.gz for every KPI's mean, sd and n per sample), or, for a "
                "Sweep, call sim.run_sweep with the sweep's own arguments (sweep.json "
                f"records them) and out={str(folder)!r}, resume=True: it reads the saved "
                "replications back and runs none again")
    if (folder / "run.json").is_file() or (folder / "replications").is_dir():
        from sim.output.folder_read import force_hint, resume_refusal
        from sim.output.report import finish_command

        why = resume_refusal(folder)
        command = finish_command(folder)
        return (f"{folder} is an unfinished run (no manifest.json)",
                force_hint(folder, why) if why else
                f"finish it with: {command}" if command else
                "run the sim run command that wrote it again with --resume")
    runs = runs_in(folder)
    if runs:
        return (f"{folder} holds results folders and is not one itself",
                f"load one with sim.load_results({str(runs[0])!r}) (folders: "
                f"{', '.join(p.name for p in runs)})")
    return None


def unfinished_sweep(folder: Path) -> tuple[str, str] | None:
    """The message and hint for a sweep's folder that lacks ``sweep.json`` or
    ``sweep.csv``, naming the missing one(s); None for a finished sweep's folder (both
    there) or a folder holding no sweep.

    ``sweep.json`` is written last: without it the sweep stopped before it finished (while
    drawing its figures, say) and is finished with ``--resume``, though ``sweep.csv`` may be
    there; testing ``sweep.csv`` called such a sweep finished. With ``sweep.json`` but not
    ``sweep.csv``, the table was lost since: ``--resume`` rewrites it from the saved
    replications, running nothing again. Without saved replications (older versions kept
    none) there is nothing to resume from, and the hint is ``--force``."""
    from sim.output.sweep_store import STORE, resume_hint

    store = (folder / STORE).is_dir()
    there = {name: (folder / name).is_file() for name in ("sweep.json", "sweep.csv")}
    if all(there.values()) or not (store or any(there.values())):
        return None
    missing = " and no ".join(name for name, found in there.items() if not found)
    if not store:
        what = "a sweep's folder" if there["sweep.json"] else "an unfinished sweep's folder"
        return (f"{folder} is {what} (no {missing}), not a results folder, and it has no "
                f"saved replications ({STORE}/) to finish it from",
                "run the sim sweep command that wrote it again with --force (from Python, "
                f"run_sweep(..., out={str(folder)!r}, force=True))")
    if not there["sweep.json"]:
        return (f"{folder} is an unfinished sweep's folder (no {missing}), not a results "
                "folder", resume_hint(folder))
    hint = resume_hint(folder)
    if hint.startswith("finish it with: "):
        hint = "rewrite it with: " + hint.removeprefix("finish it with: ")
    return (f"{folder} is a sweep's folder whose table sweep.csv is missing (deleted since "
            "the sweep wrote it), not a results folder",
            f"{hint} (it rebuilds the tables from the replications saved in {STORE}/, "
            "running none again)")


def _missing_combination(labels: Sequence[tuple[str, ...]], wanted: dict[str, str]) -> str:
    """Why a KPI whose every part exists in ``labels`` is not there: the first of its
    commodity, channel and site the metric does not have, with the values it does have.
    (Each part exists for some metric; commodity ``all``, the default, only for site-level
    metrics such as a border post's waiting time.)"""
    metric = wanted["metric"]
    rows = [label for label in labels if label[3] == metric]
    fixed: list[str] = []
    for pos, part in enumerate(("commodity", "channel", "site")):
        value = wanted[part]
        matching = [label for label in rows if label[pos] == value]
        if not matching:
            have = sorted({label[pos] for label in rows}, key=lambda v: (v != "all", v))
            listed = ", ".join(have[:20]) + (f" and {len(have) - 20} more"
                                            if len(have) > 20 else "")
            where = f" for {', '.join(fixed)}" if fixed else ""
            return f"{metric} has no {part} {value!r}{where}; name one of: {listed}"
        rows = matching
        fixed.append(f"{part} {value!r}")
    return "that combination has no KPI"  # not reached: the combination would exist


def check_quantiles(quantiles: object) -> list[float]:
    """``quantiles`` as a list of floats, checked before any series is read (numpy said
    only "Quantiles must be in the range [0, 1]", from deep inside). Raises ``TypeError``
    unless it is a list of numbers (a single number or string included), and
    ``ValueError`` for a quantile outside [0, 1], with the fractions meant when they look
    like percents."""
    if isinstance(quantiles, str | bytes):
        # the hint is a list of numbers: ['0.5'] would be refused in turn (review 210)
        text = quantiles.decode("utf-8", "replace") if isinstance(quantiles, bytes) \
            else quantiles
        try:
            numbers_in = [float(part) for part in re.split(r"[\s,;]+", text.strip(" []()"))]
        except ValueError:
            numbers_in = []
        fix = (f"wrap it in a list, as numbers: [{', '.join(f'{q:g}' for q in numbers_in)}]"
               if numbers_in else "give a list of numbers, e.g. [0.05, 0.5, 0.95]")
        raise TypeError(f"quantiles must be a list of fractions between 0 and 1, not a "
                        f"{type(quantiles).__name__}: {fix}")
    if isinstance(quantiles, numbers.Real):
        raise TypeError(f"quantiles must be a list of fractions between 0 and 1, not a single "
                        f"{type(quantiles).__name__}: wrap it in a list, e.g. [{quantiles!r}]")
    try:
        values = list(quantiles)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"quantiles must be a list of fractions between 0 and 1, not "
                        f"{type(quantiles).__name__}") from None
    for q in values:
        if isinstance(q, bool) or not isinstance(q, numbers.Real):
            raise TypeError(f"quantiles must be numbers between 0 and 1, got {q!r} "
                            f"({type(q).__name__}) in {values!r}")
    if all(0 <= q <= 1 for q in values):
        return [float(q) for q in values]
    hint = ""
    # percents, such as [5, 50, 95] (NaN fails every comparison, so gets no hint)
    if all(0 <= q <= 100 and not 0 < q < 1 for q in values):
        hint = f" (percents; as fractions: [{', '.join(f'{q / 100:g}' for q in values)}])"
    raise ValueError(f"quantiles must be fractions between 0 and 1, e.g. [0.05, 0.5, 0.95] "
                     f"for the 5th, 50th and 95th percentiles, not "
                     f"[{', '.join(f'{q:g}' for q in values)}]{hint}")


def quantile_names(quantiles: Sequence[float]) -> list[str]:
    """Statistic names of ``quantiles``: ``p05``, ``p50``, ``p95`` for whole percents (the
    names of the default quantiles, kept for files and notebooks that use them) and the
    percent as written otherwise (``p2.5``, ``p97.5``, ``p10.4``), so no two quantiles
    share a name. Raises ``ValueError`` for a quantile given twice."""
    names = []
    for q in quantiles:
        pct = round(float(q) * 100, 10)  # 0.07 * 100 is 7.000000000000001
        if pct == int(pct):
            names.append(f"p{int(pct):02d}")
        else:
            names.append("p" + np.format_float_positional(pct, trim="-"))
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"quantiles must be distinct: {', '.join(repeated)} is asked for more "
                         f"than once in {list(quantiles)}")
    return names


def short_number(x: float) -> str:
    """``x`` for a summary line: ``-`` for NaN, whole with thousands commas from 100 up,
    else three significant digits (``1,234``, ``0.125``)."""
    if np.isnan(x):
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.3g}"


class ResultsPlot:
    """Figures of one :class:`Results` (see :mod:`sim.output.figures`); each method
    returns a matplotlib figure."""

    def __init__(self, results: Results) -> None:
        self._res = results

    def flows(self, commodity: str | None = None,
              metrics: Sequence[str] = ("mined_t", "exported_t")) -> Figure:
        """Flows over time, stacked by channel (mined, exported), destination country
        (delivered, market arrivals), refiner country (refined: ``metrics=["refined_t"]``)
        or market (demand, consumed, shortfall), per commodity.
        ``metrics`` is a list of flow series names; see
        :func:`~sim.output.figures.flows_figure` for the errors raised."""
        from sim.output.figures import flows_figure

        return flows_figure(self._res, commodity, metrics)

    def deliveries(self, commodity: str | None = None) -> Figure:
        """Deliveries against demand and the resilience triangle.

        Raises ``TypeError`` unless ``commodity`` is a str or None, and ``KeyError`` for a
        commodity the scenario does not have, naming the closest one (see
        :func:`~sim.output.figures.deliveries_figure`)."""
        from sim.output.figures import deliveries_figure

        return deliveries_figure(self._res, commodity)

    def prices(self, commodity: str | None = None) -> Figure:
        """Price-index fan chart.

        Raises ``TypeError`` unless ``commodity`` is a str or None, and ``KeyError`` for a
        commodity the scenario does not have, naming the closest one (see
        :func:`~sim.output.figures.prices_figure`)."""
        from sim.output.figures import prices_figure

        return prices_figure(self._res, commodity)

    def stocks(self, commodity: str | None = None,
               kinds: Sequence[str] | None = None) -> Figure:
        """Stocks at sites of each kind over time. ``kinds`` is a list of site kinds
        (default: :data:`~sim.output.figures.STOCK_KINDS`, mines, border posts, ports and
        refiners); see
        :func:`~sim.output.figures.stocks_figure` for the errors raised."""
        from sim.output.figures import STOCK_KINDS, stocks_figure

        # the default is the figure's own, not a copy of it that could drift apart
        return stocks_figure(self._res, commodity, STOCK_KINDS if kinds is None else kinds)

    def queues(self, commodity: str | None = None) -> Figure:
        """Holdings over time of the sites the scenario names in ``series_sites``, a panel
        per site: metal held (t, per commodity) and, beside a border post's, its trucks;
        and the metal waiting to set off on the lanes it names in ``series_lanes``; mean
        and 5-95% band of replications. ``commodity`` restricts the tonnes panels to
        one. Raises ``ValueError`` when the scenario names neither (the message says how
        to name them) and ``KeyError`` for an unknown ``commodity``; see
        :func:`~sim.output.figures.queues_figure`."""
        from sim.output.figures import queues_figure

        return queues_figure(self._res, commodity)

    def lead_times(self, commodity: str | None = None, max_routes: int = 12) -> Figure:
        """Lead time from mine to first destination per route, across replications, for
        the ``max_routes`` routes carrying most metal (a whole number, at least 1),
        coloured by channel. Raises ``TypeError`` unless ``max_routes`` is an int (not
        1.5 or ``True``), ``ValueError`` unless it is at least 1, and ``KeyError`` for an
        unknown ``commodity`` (see :func:`~sim.output.figures.lead_times_figure`)."""
        from sim.output.figures import lead_times_figure

        return lead_times_figure(self._res, commodity, max_routes)

    def map(self, commodity: str | None = None) -> Figure:
        """Schematic map, line width by simulated flow, closures marked.

        Raises ``TypeError`` unless ``commodity`` is a str or None, and ``KeyError`` for a
        commodity the scenario does not have, naming the closest one (see
        :func:`~sim.output.figures.map_figure`)."""
        from sim.output.figures import map_figure

        return map_figure(self._res, commodity)

    def flow_diagram(self, commodity: str | None = None) -> Figure:
        """Flow diagram: mine to channel to destination to market.

        Raises ``TypeError`` unless ``commodity`` is a str or None, and ``KeyError`` for a
        commodity the scenario does not have, naming the closest one (see
        :func:`~sim.output.figures.flow_diagram_figure`)."""
        from sim.output.figures import flow_diagram_figure

        return flow_diagram_figure(self._res, commodity)

    def __repr__(self) -> str:
        return ("<figures: flows(), deliveries(), prices(), stocks(), queues(), lead_times(), "
                "map(), flow_diagram()>")
