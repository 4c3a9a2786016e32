"""Review 204, finding 3: refining had totals only (the refined_t KPI of each refiner site,
refined_share and refining_hhi over the whole period), so "how much did China's and
Finland's refiners refine before, during and after the 2025 cobalt ban" took two cut-off
runs. The series ``refined_t``, keyed by refiner country, gives the metal the network's
refiner sites recovered in each period, per commodity.

Chains (as tests/metrics/test_concentration.py): mines of 300 and 100 t/day feed a refiner
in China and one in Finland one day away, capacity far above the feed and full recovery,
so each refines at a day's close what arrived that day: 2,100 and 700 t a week.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

import sim
import sim.metrics.series as series_module
from sim.experiment.errors import ExperimentError
from sim.metrics.kpis import compute_kpis
from sim.metrics.series import FLOW_METRICS, _periods, aggregate, catalogue
from sim.output.folder import FolderError
from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
BAN = ROOT / "scenarios" / "export_ban_2025.yaml"
BAN_SETS = ["series_period_days=month"]
"""The scenario as shipped (July 2024 to 2027: the 2025 ban, Feb 22 - Oct 15, and the
quotas after it), by month."""


def two_refiners(build, *, cn_capacity: float = 1e6, shock: dict | None = None) -> dict:
    """A week-by-week chain over 4 weeks after a 10-day warm-up (see the module)."""
    demand = {"demand_t_per_year": {"copper": 400 * build.DAYS_PER_YEAR}}
    sites = {"mine_cn": build.mine(300 * build.DAYS_PER_YEAR),
             "mine_fi": build.mine(100 * build.DAYS_PER_YEAR),
             "ref_cn": build.site("refiner", region="away",
                                  capacity_t_per_year={"copper": cn_capacity},
                                  sales={"copper": {"market": 1.0}}),
             "ref_fi": build.site("refiner", region="fin", capacity_t_per_year={"copper": 1e6},
                                  sales={"copper": {"market": 1.0}}),
             "market": build.site("market", region="away", **demand)}
    lanes = [build.lane("mine_cn", "ref_cn", 1.0), build.lane("mine_fi", "ref_fi", 1.0),
             build.lane("ref_cn", "market", 1.0), build.lane("ref_fi", "market", 1.0)]
    routes = {"cn": {"path": ["ref_cn"], "share": 0.75},
              "fi": {"path": ["ref_fi"], "share": 0.25}}
    data = build.scenario(sites, lanes, [], horizon=28, warmup=10, routes=routes)
    data["regions"]["fin"] = {"country": "FIN"}
    if shock is not None:
        data["shocks"] = {"events": {"cut": shock}}
    return data


def refiner_shock(factor: float) -> dict:
    """ref_cn at ``factor`` of its capacity in the second week (days 7-13)."""
    return {"start": 7, "duration_days": 7, "targets": {"sites": ["ref_cn"]},
            "effects": {"capacity_factor": factor}}


def weekly(data: dict) -> dict[str, np.ndarray]:
    sc = scenario_from_dict(data)
    world = World(sc, Streams(1, 0))
    world.run()
    cat = catalogue(sc)
    cube = aggregate(world, cat)
    return {key: cube[i] for i, (com, metric, key, _u) in enumerate(cat.keys)
            if com == "copper" and metric == "refined_t"}


# ------------------------------------------------------------------------ exact cases
def test_a_refiner_closed_for_a_week_refines_nothing_that_week_and_its_backlog_after(
        build) -> None:
    s = weekly(two_refiners(build, shock=refiner_shock(0.0)))
    assert set(s) == {"CHN", "FIN"}
    # week 2 closed; at its first close after (day 14) it refines the week's 2,100 t and
    # the day's 300 t: 2,400 + 6 x 300 = 4,200 t in week 3
    assert s["CHN"].tolist() == [2100.0, 0.0, 4200.0, 2100.0]
    assert s["FIN"].tolist() == [700.0] * 4  # Finland's refiner goes on


def test_a_refiner_throttled_for_a_week_refines_at_its_throttled_rate_in_that_week(
        build) -> None:
    # capacity equal to the feed: at half capacity it refines 150 t a day that week, and
    # the 1,050 t it fell behind stay as feed (it has no spare capacity to catch up)
    s = weekly(two_refiners(build, cn_capacity=300 * build.DAYS_PER_YEAR,
                            shock=refiner_shock(0.5)))
    assert s["CHN"] == pytest.approx([2100.0, 1050.0, 2100.0, 2100.0], rel=1e-6)
    assert s["FIN"].tolist() == [700.0] * 4


def test_no_shock_refines_the_feed_every_week(build) -> None:
    s = weekly(two_refiners(build))
    assert s["CHN"].tolist() == [2100.0] * 4
    assert s["FIN"].tolist() == [700.0] * 4


def test_the_warm_up_is_not_in_the_series(build) -> None:
    """The series counts from the start of the measured period, as the KPI does: the
    warm-up's refining (10 days here) is in neither."""
    data = two_refiners(build)
    sc = scenario_from_dict(data)
    world = World(sc, Streams(1, 0))
    world.run()
    assert world.recorder.refined.sum(axis=0)[0].tolist() == [28 * 300.0, 28 * 100.0]
    assert sum(ref.refined[0] for ref in world.refiners) > 28 * 400.0


def test_refined_t_is_a_flow() -> None:
    assert "refined_t" in FLOW_METRICS


# ------------------------------------------------------------- sums against the KPI
def kpi_by_country(sc, labels, values) -> dict[tuple[str, str], float]:
    """The refined_t KPI rows of refiner sites, summed by commodity and country."""
    out: dict[tuple[str, str], float] = {}
    for (com, _ch, site, metric, _unit), value in zip(labels, values, strict=True):
        if metric == "refined_t":
            key = (com, sc.country_of(site))
            out[key] = out.get(key, 0.0) + float(value)
    return out


def test_series_summed_over_periods_is_the_kpi_per_country_in_every_replication() -> None:
    """Before, during and after the ban (cobalt refined in China and Finland, copper in
    China; gold has no refiner): in float64, as the world records it, to 1e-6 t; and as stored
    (float32 cubes, the tables of Results) to float32's precision."""
    sc = sim.load_scenario(BAN, overrides=BAN_SETS)
    cat = catalogue(sc)
    rows = {(com, key): i for i, (com, metric, key, _u) in enumerate(cat.keys)
            if metric == "refined_t"}
    assert set(rows) == {("cobalt", "CHN"), ("cobalt", "FIN"), ("copper", "CHN")}
    for r in range(3):
        world = World(sc, Streams(11, r))
        world.run()
        kpis = compute_kpis(world, world.check_mass_balance())
        want = kpi_by_country(sc, [row[:5] for row in kpis], [row[5] for row in kpis])
        assert set(want) == set(rows)
        rec = world.recorder
        by_period = _periods(rec.refined, cat.period_days, cat.n_periods, "sum", cat.days)
        cube = aggregate(world, cat)
        for (com, country), i in rows.items():
            c, k = world.commodity_index[com], world.country_index[country]
            assert want[(com, country)] > 0
            assert by_period[:, c, k].sum() == pytest.approx(want[(com, country)], abs=1e-6)
            assert cube[i].astype(float).sum() == pytest.approx(want[(com, country)], rel=1e-6)
        # the countries that refine nothing have no column filled (markets' countries)
        refining = {world.country_index[c] for _com, c in rows}
        others = [k for k in range(len(world.countries)) if k not in refining]
        assert not rec.refined[:, :, others].any()


def test_results_series_carry_refined_t_and_its_sum_is_the_kpi() -> None:
    res = sim.run(sim.load_scenario(BAN, overrides=BAN_SETS), replications=2, seed=3,
                  figures=False)
    frame = res.series
    refined = frame[frame["metric"] == "refined_t"]
    assert sorted(set(zip(refined["commodity"], refined["key"], strict=True))) == [
        ("cobalt", "CHN"), ("cobalt", "FIN"), ("copper", "CHN")]
    assert set(refined["unit"]) == {"t"}
    sums = refined.groupby(["replication", "commodity", "key"])["value"].sum()
    for r, replication in enumerate(res.replications):
        want = kpi_by_country(res.scenario, res.kpi_labels, res.kpi_values[r])
        for (com, country), tonnes in want.items():
            assert sums[(replication, com, country)] == pytest.approx(tonnes, rel=1e-6)
    assert "refined_t" in set(res.series_summary()["metric"])


# ------------------------------------------------------------------ without refiners
def test_a_scenario_without_refiners_has_no_refined_t_series(build) -> None:
    sc = sim.load_scenario(TINY, overrides=["horizon_days=30"])
    assert not any(site.kind == "refiner" for site in sc.sites.values())
    assert not [key for key in catalogue(sc).keys if key[1] == "refined_t"]
    res = sim.run(sc, replications=1, seed=1, figures=False)
    assert "refined_t" not in set(res.series["metric"])
    # a commodity no refiner refines has none either (gold in the shipped scenarios)
    ban = sim.load_scenario(BAN, overrides=BAN_SETS)
    assert not [key for key in catalogue(ban).keys
                if key[1] == "refined_t" and key[0] == "gold"]


def test_the_flows_figure_draws_refined_t_or_says_there_is_none(build) -> None:
    from sim.output.figures import flows_figure

    res = sim.run(scenario_from_dict(two_refiners(build)), replications=1, seed=1,
                  figures=False)
    fig = flows_figure(res, metrics=["refined_t"])
    assert "refined by refiner country" in fig.axes[0].get_title()
    tiny = sim.run(sim.load_scenario(TINY, overrides=["horizon_days=30"]), replications=1,
                   seed=1, figures=False)
    fig = flows_figure(tiny, metrics=["refined_t"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("no refined series for copper" in t and "no refiner refines it" in t
               for t in texts), texts


# ----------------------------------------------- folders saved before the series existed
@pytest.fixture
def old_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A finished folder as the version before refined_t wrote it: its catalogue (and so
    every saved cube, and the manifest's hashes of them) has no refined_t rows."""
    out = tmp_path / "old"
    with monkeypatch.context() as patch:
        patch.setattr(series_module, "refiner_countries", lambda _sc, _com: [])
        sim.run(sim.load_scenario(BAN, overrides=BAN_SETS), replications=2, seed=1,
                out=out, figures=False)
    return out


def test_loading_a_folder_saved_before_refined_t_says_why_and_what_to_do(old_folder) -> None:
    with pytest.raises(FolderError) as err:
        sim.load_results(old_folder)
    said = f"{err.value} {getattr(err.value, 'hint', '')}"
    assert "holds series of shape" in said
    assert "another version of sim" in said
    assert "--force" in said
    # the code that wrote it, from its manifest (review 209)
    code = json.loads((old_folder / "manifest.json").read_text())["code"][0]
    assert f"load it with the version that wrote it ({code}" in said


def test_resuming_a_folder_saved_before_refined_t_is_refused(old_folder) -> None:
    (old_folder / "manifest.json").unlink()  # as a run stopped early leaves it
    with pytest.raises(ExperimentError, match="holds series of shape[\\s\\S]*another "
                                              "version of sim cannot be resumed"):
        sim.run(sim.load_scenario(BAN, overrides=BAN_SETS), replications=3, seed=1,
                out=old_folder, resume=True, figures=False)
    # nothing removed or mixed: the two saved replications are as they were
    assert len(list(old_folder.glob("replications/rep-*.npz"))) == 2
    with np.load(io.BytesIO((old_folder / "replications" / "rep-000000.npz").read_bytes())
                 ) as npz:
        sc = sim.load_scenario(BAN, overrides=BAN_SETS)
        assert npz["series"].shape[0] == len(catalogue(sc).keys) - 3
    assert json.loads((old_folder / "run.json").read_text())["seed"] == 1
