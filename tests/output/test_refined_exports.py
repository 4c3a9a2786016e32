"""Refined metal exported by a refiner in the exporting country: no channel carries it, so
the series has a key of its own, ``refined``, and the flows figure a layer for it; the
series then add up to the exported KPI. And ids the results give a meaning of their own
(``all``, ``refined``), or that they would confuse (a lane named as a site), are refused in a
scenario."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.metrics.series import REFINED, catalogue
from sim.output import figures as F
from sim.scenario import scenario_from_dict


def home_refinery(build) -> dict:
    """100 t/day of copper refined in the DRC (recovery 1) and sold to a market abroad."""
    sites = {"mine": build.mine(),
             "smelter": build.site("refiner", capacity_t_per_year={"copper": 1e6},
                                   sales={"copper": {"market": 1.0}}),
             "market": build.market()}
    lanes = [build.lane("mine", "smelter", 1.0), build.lane("smelter", "market", 3.0)]
    return build.scenario(sites, lanes, ["smelter"], horizon=70)


def test_refined_exports_have_a_series_that_adds_up_to_the_kpi(build) -> None:
    sc = scenario_from_dict(home_refinery(build))
    assert ("copper", "exported_t", REFINED, "t") in catalogue(sc).keys
    res = sim.run(sc, replications=1, seed=1)
    s = res.series
    exported = s[s["metric"] == "exported_t"]
    k = res.kpis
    kpi = k[(k["metric"] == "exported_t") & (k["channel"] == "all")
            & (k["commodity"] == "copper")]["value"].sum()
    # the mine ships into the smelter at home: only refined metal leaves the country
    assert kpi > 60 * 100.0
    assert exported[exported["key"] == REFINED]["value"].sum() == pytest.approx(kpi)
    assert exported["value"].sum() == pytest.approx(kpi)
    fig = F.flows_figure(res)
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert any("efined" in label for label in labels)


def test_no_refined_key_without_a_refiner_at_home(build) -> None:
    data = home_refinery(build)
    data["sites"]["smelter"]["region"] = "away"
    assert not any(key == REFINED for _c, _m, key, _u in catalogue(scenario_from_dict(data)).keys)


@pytest.mark.parametrize(("section", "rid"), [("channels", "all"), ("channels", "refined"),
                                              ("sites", "all"), ("commodities", "all"),
                                              ("lanes", "all")])
def test_ids_the_results_use_are_refused(build, tmp_path, section: str, rid: str) -> None:
    data = home_refinery(build)
    old = {"channels": "formal", "sites": "smelter", "commodities": "copper",
           "lanes": "smelter_market"}[section]
    text = build.to_yaml(data).replace(old, rid)  # the id and every reference to it
    path = tmp_path / "reserved.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 2
    assert f"{section}.{rid}: '{rid}' cannot name a" in result.stderr
    assert "rename it" in result.stderr


def test_a_lane_with_the_id_of_a_site_is_refused(build, tmp_path) -> None:
    # closed_days is keyed by id: a site and a lane of one id shared a row and one was lost
    data = home_refinery(build)
    data["lanes"]["market"] = data["lanes"].pop("smelter_market")
    path = tmp_path / "clash.yaml"
    path.write_text(build.to_yaml(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "lanes.market: lane 'market' has the id of a site" in result.stderr
    assert "rename the lane, e.g. smelter_market" in result.stderr
