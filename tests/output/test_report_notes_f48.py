"""What the HTML reports say beside their tables: the comparison report warns, as sim
compare does, when the runs' time series have different periods (its figures then draw no
difference for them), both reports give each run's series period, and the table by site
and lane shows the backlog and trucks and says what a wait, dwell and utilisation are.

The figures are stubbed out: drawing them takes seconds and is tested elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
import sim.output.figures as figures_module
from sim.metrics.kpis import kpi_definitions
from sim.output import compare_report, report
from sim.scenario.loader import scenario_from_dict

TINY = Path(__file__).resolve().parents[2] / "tests" / "data" / "tiny.yaml"


@pytest.fixture(autouse=True)
def no_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "figure_html", lambda *args, **kw: "")
    monkeypatch.setattr(compare_report, "figure_html", lambda *args, **kw: "")
    monkeypatch.setattr("sim.output.compare_figures.compare_figure_plan", lambda *a, **k: [])
    monkeypatch.setattr(figures_module, "flows_figure", lambda res: None)
    monkeypatch.setattr(figures_module, "run_figure_plan", lambda res: [])


@pytest.fixture(scope="module")
def weekly_monthly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of two run folders of tiny.yaml: baseline in weeks, monthly in months."""
    root = tmp_path_factory.mktemp("periods")
    for label, period in (("baseline", "7"), ("monthly", "month")):
        sc = sim.load_scenario(TINY, overrides=["horizon_days=62",
                                                f"series_period_days={period}"])
        sim.run(sc, replications=2, seed=1, out=root / label, figures=False)
    return root


def test_the_comparison_report_warns_of_different_series_periods(weekly_monthly) -> None:
    written = report.write_report(weekly_monthly)
    html = written.path.read_text(encoding="utf-8")
    said = [n for n in written.notes if "time series have different periods" in n]
    assert len(said) == 1
    # the HTML says it too, in a warning, naming what the figures leave out and the fix
    warn = html.split("The scenarios&#x27; time series have different periods", 1)
    assert len(warn) == 2 and warn[0].endswith('<p class="warn">')
    assert "draw no time-series difference from baseline for monthly" in warn[1]
    assert "--set series_period_days=7" in warn[1].split("</p>", 1)[0]
    # and the Scenarios table gives each run's series period
    scenarios = html.split('<section id="run">', 1)[1].split("</section>", 1)[0]
    assert "<th>series periods</th>" in scenarios
    assert "<td>7 days</td>" in scenarios and "<td>calendar months</td>" in scenarios


def test_runs_of_one_series_period_get_no_such_warning(weekly_monthly) -> None:
    named = [(name, sim.load_results(weekly_monthly / "baseline"))
             for name in ("baseline", "again")]
    assert report.series_notes(named) == []
    assert "time series have different periods" not in report.compare_report_html(named)


def test_the_run_report_gives_the_series_period(weekly_monthly) -> None:
    res = sim.load_results(weekly_monthly / "monthly")
    meta = report.run_report_html(res).split('<table class="meta">', 1)[1].split("</table>")[0]
    assert '<th scope="row">series periods</th><td>calendar months</td>' in meta


def site_chain(build) -> dict:
    """Mine -> border post (2 trucks a day) -> port handling 50 t a day -> a road loading 3
    trucks a day -> market: every kind of line there is, in one chain."""
    return build.scenario(
        {"mine": build.mine(), "border": build.border(2.0),
         "port": build.port(throughput_t_per_day=50.0), "market": build.market()},
        [build.lane("mine", "border", 1), build.lane("border", "port", 1),
         build.lane("port", "market", 1, capacity_trucks_per_day=3.0)],
        ["border", "port", "market"], horizon=30)


def test_the_site_table_shows_backlog_and_trucks_and_defines_its_kpis(build) -> None:
    res = sim.run(scenario_from_dict(site_chain(build)), replications=2, seed=1)
    frame = report.site_frame(res.summary())
    rows = set(zip(frame["site"], frame["metric"], strict=True))
    assert {("border", "peak_held_t"), ("port", "peak_held_t"),
            ("border", "throughput_trucks"), ("port_market", "throughput_trucks"),
            ("port", "mean_wait_days"), ("port", "mean_dwell_days"),
            ("port_market", "utilisation")} <= rows
    html = report.run_report_html(res)
    sites = html.split('<table class="kpi site">', 1)[1].split("</details>", 1)[0]
    words = kpi_definitions()
    shown = set(frame["metric"])
    for metric in report.SITE_DEFINED:
        # quoted from sim.metrics.kpis, escaped as the page's text is; only the metrics
        # the table shows (this chain has no shock: no closed days, no rent)
        defined = f"<dt>{metric}</dt><dd>{report.esc(words[metric])}</dd>" in sites
        assert defined == (metric in shown), metric
    assert "a port without one has no row" in words["mean_wait_days"]
    assert "closed time counts as idle" in words["utilisation"]
    assert "handling (wait in line and handling time) is included" in " ".join(
        words["mean_dwell_days"].split())


def test_a_commodity_that_never_passed_a_site_has_no_backlog_row() -> None:
    import pandas as pd

    summary = pd.DataFrame({
        "commodity": ["copper", "copper", "cobalt", "cobalt"],
        "channel": ["all"] * 4, "site": ["port"] * 4,
        "metric": ["throughput_t", "peak_held_t"] * 2, "unit": ["t"] * 4,
        "mean": [10.0, 0.0, 0.0, 0.0], "ci_low": [9.0, 0.0, 0.0, 0.0],
        "ci_high": [11.0, 0.0, 0.0, 0.0], "n": [2] * 4})
    frame = report.site_frame(summary)
    assert list(zip(frame["commodity"], frame["metric"], strict=True)) == [
        ("copper", "throughput_t"), ("copper", "peak_held_t")]


def test_every_kpi_has_a_definition() -> None:
    from sim.metrics.kpis import KPI_METRICS

    words = kpi_definitions()
    assert set(words) == set(KPI_METRICS)
    assert words["shortfall_t"] == words["consumed_t"]
    assert words["lead_time_p95_days"].startswith("5%, 50% and 95% quantiles")
