"""Tests for the mutants of review 109 that survived the suite: each changes something a
user could see in the code of reviews 102-110 (stockpile rules, quota proration, timeline
wording, comparisons, sweeps, the built commit, figures and the map)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from stockpile_day import MarketDay

import sim
from sim.cli import main
from sim.experiment.replication import run_replication

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def kpis_and_timeline(sets: list[str]) -> tuple[dict, list]:
    res = run_replication(sim.load_scenario(TINY, sets), 1, 0)
    return dict(zip([tuple(lab[:4]) for lab in res.kpi_labels], res.kpi_array,
                    strict=True)), res.timeline


# --- stockpile rules ------------------------------------------------------------------------
def buyer(warmup: int) -> list[str]:
    return [f"warmup_days={warmup}", "horizon_days=60",
            "sites.reserve={kind: stockpile, region: away, location: {lat: 30, lon: 121}, "
            "initial_stock_t: {copper: 0}}",
            "policies.stockpiles.r={site: reserve, commodity: copper, market: market_x, "
            "release_price_ratio_above: 9, release_t_per_day: 1, rebuild_price_ratio_below: 9, "
            "rebuild_t_per_day: 5, rebuild_target_t: 100000"
            + (f", start: -{warmup}" if warmup else "") + "}"]


@pytest.mark.parametrize(("warmup", "bought"), [
    (0, 45.0),    # the market's stock runs short of what the rule would buy
    (10, 300.0),  # 5 t a day for the 60 measured days; the warm-up's 50 t are undone
])
def test_bought_back_t_counts_the_measured_periods_purchases(warmup, bought) -> None:
    # mutants P9, P13, E2: not counted, counted twice, or the warm-up's (undone by the
    # start date) counted too (345 t)
    kpi, _ = kpis_and_timeline(buyer(warmup))
    assert kpi[("copper", "all", "reserve", "bought_back_t")] == pytest.approx(bought)
    assert kpi[("copper", "all", "reserve", "released_t")] == 0.0


def test_two_rules_on_one_stockpile_sum_their_purchases() -> None:
    # mutant K3: the second rule's purchases replaced the first's
    sets = buyer(10)
    sets.append(sets[-1].replace("policies.stockpiles.r=", "policies.stockpiles.r2="))
    kpi, _ = kpis_and_timeline(buyer(10))
    both, _ = kpis_and_timeline(sets)
    one = kpi[("copper", "all", "reserve", "bought_back_t")]
    assert both[("copper", "all", "reserve", "bought_back_t")] == pytest.approx(2 * one,
                                                                                 rel=0.05)


@pytest.mark.parametrize(("left", "stock_now", "kept"), [
    (80.0, 20.0, 20.0),  # another rule bought 60 t after the market step (mutant P3)
    (0.0, 30.0, 0.0),    # another rule released 30 t after it (mutants P4, W4)
])
def test_the_rules_metal_in_the_market_is_at_most_what_is_there(left, stock_now, kept):
    from sim.shocks.policies import StockpileController

    day = MarketDay(consumed=100.0, left=left, stock_now=stock_now)
    spec = SimpleNamespace(release_price_ratio_above=None, release_shortfall_share_above=None,
                           release_cap_t=None, release_t_per_day=0.0,
                           rebuild_price_ratio_below=None, rebuild_target_t=0.0,
                           rebuild_t_per_day=0.0)
    ctl = StockpileController("r", spec, day.reserve, day.market, 0, start_t=0.0)
    ctl.in_market = 60.0
    ctl.step(day)
    assert ctl.in_market == kept


# --- quotas and the timeline ----------------------------------------------------------------
def quota(release: str, schedule: str, warmup: int = 10) -> list[str]:
    return ["horizon_days=40", f"warmup_days={warmup}", "lanes.mine_border.transit_days=0",
            "policies.export_quotas.q={country: COD, commodity: copper, release: " + release
            + ", carry_over: true, stock_limit_days: 30, schedule: [" + schedule + "]}",
            "shocks.events.stop={start: 10, duration_days: {value: 0.25, unit: yr}, "
            "targets: {sites: [mine_a]}, effects: {capacity_factor: 0.5}}"]


def test_a_period_wholly_before_the_run_leaves_no_row() -> None:
    # mutant Q7: "quota period: 0 t to day -365 (the part of ...)"
    _, timeline = kpis_and_timeline(quota(
        "period_start", "{start: 2022-01-01, end: 2024-12-31, tonnes: 10000, period: year}"))
    rows = [r[4] for r in timeline if r[3] == "quota period"]
    assert rows[0] == "274 t to day 0 (the part of 10,000 t for its days in the run)"
    assert not [r for r in rows if r.startswith("0 t")]


def test_a_daily_part_day_at_the_runs_start_accrues_its_part_only() -> None:
    # mutant Q13: the half day in the run accrued a whole day's part
    kpi, timeline = kpis_and_timeline(quota("daily", "{start: -10.5, end: 29, tonnes: 4000}"))
    rows = [r[4] for r in timeline if r[3] == "quota period"]
    assert rows[0] == ("3,951 t to day 30, released daily (the part of 4,000 t for its "
                       "days in the run)")
    assert kpi[("copper", "all", "all", "exported_t")] == pytest.approx(2561.7, abs=0.05)


def test_the_timeline_gives_a_quotas_stock_limit_and_exact_ends() -> None:
    # mutants Q17 (stock limit dropped), Q18 (until day 101.3), Q16 (to day 32)
    _, timeline = kpis_and_timeline(quota("daily", "{start: 0, end: 30.5, tonnes: 4000}"))
    text = {(r[2], r[3]): r[4] for r in timeline}
    assert text[("q", "export quota starts")].endswith(", stock limit 30 days of each channel's planned exports")
    assert text[("stop", "start")] == "capacity x0.5 until day 101.3125"
    assert text[("q", "quota period")] == "4,000 t to day 31.5, released daily"


# --- comparisons, sweeps, builds --------------------------------------------------------------
def test_a_resumed_comparison_refuses_another_seed_given(tmp_path: Path) -> None:
    # mutant CM3: a --seed given was replaced by the recorded one, without a word
    args = ["compare", str(TINY), str(TINY), "--out", str(tmp_path / "c"), "-q", "-w", "1",
            "--no-figures"]
    assert CliRunner().invoke(main, [*args, "-n", "2", "--seed", "3"]).exit_code == 0
    other = CliRunner().invoke(main, [*args, "-n", "3", "--seed", "4", "--resume"])
    assert other.exit_code == 2 and "seed 3 there, 4 here" in other.output, other.output


def test_the_runs_end_is_not_swept_either(tmp_path: Path) -> None:
    # mutant SW1: end fell back to the "31:152" hint that led to a second refusal
    result = CliRunner().invoke(main, ["sweep", str(TINY), "--param",
                                       "end=2024-03-01:2024-04-01", "-n", "2", "-w", "1",
                                       "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "the scenario's end is a calendar date, which is not swept" in result.output


def test_a_transit_factor_of_0_is_refused() -> None:
    # mutant T2: gt=0 made ge=0 (a lane crossed in no time)
    result = CliRunner().invoke(main, [
        "validate", str(TINY), "--set",
        "policies.corridor_upgrades.u={lane: mine_border, start: 10, transit_factor: 0}"])
    assert result.exit_code == 2 and "transit_factor" in result.output


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_build_from_changed_source_is_marked_dirty(tmp_path: Path) -> None:
    # mutant SU4: the commit of a build from uncommitted sim/ changes lost its "-dirty"
    source = tmp_path / "src"
    source.mkdir()
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "sim", source / "sim",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    git = ["git", "-C", str(source), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(source)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "copy"], check=True)
    (source / "sim" / "build.py").write_text("# changed\n", encoding="utf-8")
    built = tmp_path / "build"
    done = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib",
                           str(built)], cwd=source, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    written = (built / "sim" / "_source_commit.txt").read_text(encoding="utf-8").strip()
    assert written.endswith("-dirty") and len(written) == 40 + len("-dirty")


# --- figures and the map ------------------------------------------------------------------
def test_the_empty_panels_text_stays_inside_it() -> None:
    # mutant F15: on one line "no gold held at mines, border posts, ports or refiners" ran
    # past both edges of its panel
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from sim.output import figures as F

    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml",
                           overrides=["horizon_days=30", "warmup_days=10"])
    fig = F.stocks_figure(sim.run(sc, replications=1, seed=1))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    gold = next(ax for ax in fig.axes if ax.get_title() == "gold: stocks")
    (text,) = gold.texts
    box, panel = text.get_window_extent(canvas.get_renderer()), gold.get_window_extent()
    assert panel.x0 <= box.x0 and box.x1 <= panel.x1


def test_an_over_capacity_lane_is_named_on_the_panel_that_shows_it_largest() -> None:
    # mutant N2: the label went to the whole network's panel, not the enlarged one
    from sim.output.network_map import network_figure

    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml",
                           overrides=["lanes.tfm_kasumbalesa.capacity_t_per_day=100"])
    fig = network_figure(sc)
    (where,) = [ax for ax in fig.axes for t in ax.texts
                if t.get_text().startswith("tfm_kasumbalesa: ")]

    def area(ax) -> float:
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        return abs((x1 - x0) * (y1 - y0))

    showing = [ax for ax in fig.axes if ax.get_xlim()[0] <= 26.6 <= ax.get_xlim()[1]
               and min(ax.get_ylim()) <= -11.4 <= max(ax.get_ylim())]
    assert area(where) == min(area(ax) for ax in showing) < area(fig.axes[0])
