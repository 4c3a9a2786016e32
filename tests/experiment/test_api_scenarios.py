"""Scenario objects given to sim.run, sim.compare and sim.sweep are validated again, as
their files were: a scenario changed in place gets the loader's errors and hints, not a
silent loss or a numpy error from inside the engine. sim.run takes ``overrides``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from expt_helpers import RANDOM, TINY

import sim
from sim.experiment.runner import collect, revalidated, run_many
from sim.scenario import ScenarioError, meta_of

RANGE = {"horizon_days": (20, 30, "int")}
CALLS: dict[str, Callable[[sim.Scenario], Any]] = {
    "run": lambda sc: sim.run(sc),
    "compare": lambda sc: sim.compare([sc, sc], 1),
    "sweep": lambda sc: sim.sweep(sc, RANGE, samples=2),
}


def tiny() -> sim.Scenario:
    return sim.load_scenario(TINY)


@pytest.mark.parametrize("call", CALLS.values(), ids=list(CALLS))
def test_a_mapping_emptied_in_place_is_refused(call: Callable[[sim.Scenario], Any]) -> None:
    # the reviewer's sc.sites["kfm"].offtake["cobalt"].clear() ran and lost 30% of cobalt
    sc = tiny()
    sc.sites["mine_a"].offtake["copper"].clear()  # type: ignore[union-attr]
    with pytest.raises(ScenarioError, match=r"<scenario tiny>: sites.mine_a.offtake.copper: "
                                            r"offtake shares sum to 0, not 1"):
        call(sc)


@pytest.mark.parametrize("call", CALLS.values(), ids=list(CALLS))
def test_a_site_removed_in_place_is_refused(call: Callable[[sim.Scenario], Any]) -> None:
    # a bare KeyError: 'border'
    sc = tiny()
    sc.sites.pop("border")
    with pytest.raises(ScenarioError, match=r"lanes.mine_border.to: unknown site 'border'"):
        call(sc)


@pytest.mark.parametrize("call", CALLS.values(), ids=list(CALLS))
def test_a_copy_with_an_invalid_update_is_refused(call: Callable[[sim.Scenario], Any]) -> None:
    # model_copy validates nothing: "negative dimensions are not allowed" from numpy
    with pytest.raises(ScenarioError, match="horizon_days: must be greater than 0, got -5"):
        call(tiny().model_copy(update={"horizon_days": -5}))


def test_an_unchanged_scenario_runs_as_before() -> None:
    sc = sim.load_scenario(TINY, RANDOM)
    before = collect(sc, 3, run_many(sc, range(2), 3))
    after = sim.run(sc, 2, seed=3)
    assert np.array_equal(after.kpi_values, before.kpi_values, equal_nan=True)
    assert np.array_equal(after.series_values, before.series_values)
    # validated again, it keeps where it came from: the manifest and report use it
    assert meta_of(after.scenario).files == meta_of(sc).files == [str(TINY)]
    assert meta_of(after.scenario).provenance is meta_of(sc).provenance


def test_revalidating_adds_the_overrides_to_where_it_came_from() -> None:
    sc = sim.load_scenario(TINY, ["warmup_days=1"])
    again = revalidated(sc, ["horizon_days=20"])
    assert again.horizon_days == 20 and again.warmup_days == 1
    assert meta_of(again).overrides == ["warmup_days=1", "horizon_days=20"]
    assert meta_of(again).files == [str(TINY)]
    assert revalidated(sc) == sc


def test_run_takes_overrides_for_a_path_or_a_scenario() -> None:
    by_path = sim.run(TINY, 2, seed=1, overrides=["horizon_days=20", *RANDOM])
    assert by_path.scenario.horizon_days == 20
    loaded = sim.run(sim.load_scenario(TINY, RANDOM), 2, seed=1, overrides=["horizon_days=20"])
    assert np.array_equal(loaded.kpi_values, by_path.kpi_values, equal_nan=True)
    with pytest.raises(ScenarioError, match="horizon_days: must be greater than 0"):
        sim.run(TINY, overrides=["horizon_days=0"])
    with pytest.raises(TypeError, match="overrides must be a list of"):
        sim.run(TINY, overrides="horizon_days=20")


@pytest.mark.parametrize(("field", "value", "override"), [
    ("horizon_days", 200, "horizon_days=200"), ("end", None, "end=null"),
    ("sites", {}, "sites=...")])
def test_setting_a_field_says_to_give_an_override(field: str, value: Any,
                                                  override: str) -> None:
    # pydantic's "1 validation error for Scenario ... Instance is frozen"
    sc = tiny()
    with pytest.raises(AttributeError, match=r"^a Scenario is not changed in place "
                                             rf"\(sc\.{field} = ") as info:
        setattr(sc, field, value)
    assert f"sim.run(sc, overrides=[{override!r}])" in str(info.value)
    assert f"sim.load_scenario(path, overrides=[{override!r}])" in str(info.value)
    sc._meta = None  # private attributes are still set as before


def test_setting_a_field_of_a_site_says_to_give_an_override() -> None:
    # a site, lane or commodity model gave pydantic's "Instance is frozen" too
    sc = tiny()
    site = next(iter(sc.sites.values()))
    with pytest.raises(AttributeError, match=r"^a scenario is not changed in place "
                                             r"\(\.name = \.\.\.\): give the change as an "
                                             r"override with its key path"):
        site.name = "other"
    lane = next(iter(sc.lanes.values()))
    with pytest.raises(AttributeError, match="overrides="):
        lane.transit_days = 3
