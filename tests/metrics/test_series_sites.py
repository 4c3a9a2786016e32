"""Series of the holdings at named sites (``series_sites``), review 116's open item.

Series grouped sites by kind (``stock_t``), so the queue at one border post or port could
not be followed over time, nor a border post's trucks. A scenario now names the sites it
wants: ``held_t`` per commodity, and ``held_trucks`` at a border post."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.metrics.series import catalogue
from sim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
# 4 trucks of 25 t a day reach a post clearing 3: the queue grows a truck a day
SLOW = ["sites.border.clearance_trucks_per_day=3", "series_period_days=1"]


@pytest.fixture(scope="module")
def slow() -> sim.Results:
    sc = sim.load_scenario(TINY, [*SLOW, "series_sites=[border, mine_a]"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the post below its planned flow: noted
        return sim.run(sc, replications=2, seed=1, figures=False)


def series(res: sim.Results, metric: str, key: str) -> np.ndarray:
    s = res.series
    return s[(s.metric == metric) & (s.key == key)].sort_values(
        ["replication", "date"])["value"].to_numpy()


def test_a_named_sites_holdings_add_up_with_its_kind(slow: sim.Results) -> None:
    # tiny has one border post and one mine: each is all of its kind
    assert np.array_equal(series(slow, "held_t", "border"),
                          series(slow, "stock_t", "border_post"))
    assert np.array_equal(series(slow, "held_t", "mine_a"), series(slow, "stock_t", "mine"))
    # the daily series' highest is the KPI's worst day
    assert series(slow, "held_t", "border").max() == pytest.approx(
        slow.kpi("peak_held_t", "copper", "all", "border").max())


def test_a_border_posts_trucks_follow_its_tonnes(slow: sim.Results) -> None:
    held, trucks = series(slow, "held_t", "border"), series(slow, "held_trucks", "border")
    assert trucks.max() > 50  # the queue grows all run
    assert np.allclose(trucks, held / 25)  # cathode at 25 t a truck
    keys = [k for k in slow.catalogue.keys if k[1] == "held_trucks"]
    assert keys == [("all", "held_trucks", "border", "trucks")]  # a mine has no trucks


def test_no_series_of_sites_unless_named() -> None:
    metrics = {k[1] for k in catalogue(sim.load_scenario(TINY)).keys}
    assert not metrics & {"held_t", "held_trucks"}


def test_they_are_saved_and_read_back(tmp_path: Path, slow: sim.Results) -> None:
    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["run", str(TINY), "-n", "2", "-w", "1", "-q",
                                    "--no-figures", "--out", str(out),
                                    *[w for o in [*SLOW, "series_sites=[border, mine_a]"]
                                      for w in ("--set", o)]])
    assert res.exit_code == 0, res.output
    back = sim.load_results(out)
    assert np.array_equal(series(back, "held_trucks", "border"),
                          series(slow, "held_trucks", "border"))


def test_a_site_named_wrongly_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "named.yaml"
    path.write_text(f"extends: {TINY}\nname: named\nseries_sites:\n  - border\n"
                    "  - bordre\n  - border\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        sim.load_scenario(path)
    text = err.value.report()
    assert "named.yaml:5" in text and "unknown site 'bordre'" in text
    assert "did you mean 'border'?" in text
    assert "site 'border' is named twice" in text


def test_a_post_that_empties_has_no_trucks_left(tmp_path: Path) -> None:
    # review 134: the running count of trucks in and out left -1e-14 trucks when the post
    # emptied, where held_t was 0
    path = tmp_path / "closed.yaml"
    path.write_text(f"extends: {TINY}\nname: closed\nseries_period_days: 1\n"
                    "series_sites: [border]\nshocks:\n  events:\n    shut:\n"
                    "      start: 20\n      end: 30\n      targets: {sites: [border]}\n"
                    "      effects: {capacity_factor: 0}\n", encoding="utf-8")
    # lots of random size at 30 t a truck: fractions of trucks that do not add up exactly
    sc = sim.load_scenario(path, ["commodities.copper.forms.cathode.payload_t_per_truck=30",
                                  "sites.mine_a.variability={dist: gamma, shape: 4, "
                                  "scale: 0.25}"])
    res = sim.run(sc, replications=2, seed=1, figures=False)
    held, trucks = series(res, "held_t", "border"), series(res, "held_trucks", "border")
    assert trucks.max() > 30 and (trucks >= 0).all()
    assert (trucks[held == 0] == 0).all() and (held == 0).sum() > 100


@pytest.mark.parametrize("metric", ["held_t", "held_trucks"])
def test_they_are_levels_for_the_flows_figure(slow: sim.Results, metric: str) -> None:
    with pytest.raises(ValueError, match=r"a level .* draw it with res\.plot\.queues\(\)"):
        slow.plot.flows(metrics=[metric])
