"""Review 147 of the session's changes: the exporting country's new message crashed on a
mine in an unknown region; the warm-up note counted 1.5 intervals for random sailings; a
ratio_to on a mine of one output was hinted "no outputs of this mine are defined"; a sea
lane in series_lanes read 0 without a word; and a run interrupted under the previous
version was refused as "a different resolved scenario"."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.scenario import scenario_from_dict
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import meta_of

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def problems(path: Path) -> str:
    with pytest.raises(ScenarioError) as err:
        sim.load_scenario(path)
    return err.value.report()


def test_a_mine_in_an_unknown_region_is_reported_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "zambia.yaml"
    text = TINY.read_text(encoding="utf-8").replace("country: COD", "country: ZMB")
    text = text.replace("name: tiny", "name: zambia").replace("region: home", "region: hom", 1)
    path.write_text(text, encoding="utf-8")
    report = problems(path)
    assert "unknown region 'hom'" in report
    assert "not given, so COD by default" in report


def test_a_mine_of_one_output_is_told_it_has_no_other(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(f"""extends: {TINY}
name: one
commodities:
  cobalt:
    forms:
      hydroxide: {{grade: 0.3, payload_t_per_truck: 30}}
sites:
  mine_b:
    kind: mine
    region: home
    location: {{lat: -10.5, lon: 26.5}}
    output:
      cobalt: {{form: hydroxide, ratio: 0.1, ratio_to: copper}}
    offtake:
      cobalt: {{formal: 1.0}}
  market_x:
    demand_t_per_year: {{copper: 36525, cobalt: 100}}
lanes:
  mine_b_border: {{from: mine_b, to: border, mode: road, transit_days: 2}}
""", encoding="utf-8")
    report = problems(path)
    assert ("the mine has no output 'copper' for cobalt to be a by-product of (it produces "
            "only cobalt)") in report
    assert "give the mine an output of copper with t_per_year" in report
    assert "no outputs of this mine are defined" not in report


def _by_sea(build, interval: dict, stock_t: float, series_lanes=()) -> sim.Scenario:
    data = build.scenario(
        {"mine": build.mine(), "port": build.port(),
         "market": build.market(initial_stock_t={"copper": stock_t})},
        [build.lane("mine", "port", 1.0),
         build.lane("port", "market", 1.0, mode="sea",
                    sailing={"interval_days": interval, "vessel_t": 1e6})],
        ["port", "market"], horizon=60, series_lanes=list(series_lanes))
    return scenario_from_dict(data)


def warmup_notes(sc) -> list[str]:
    return [n for n in meta_of(sc).notes if n.startswith("warmup_days")]


def test_random_sailings_count_one_mean_interval_for_the_first_ship(build) -> None:
    # exponential intervals of 7 days: a lot arriving at random already waits a whole
    # mean interval (9 days in all), so the first ship adds nothing: 900 t of flow, less
    # 250 t of stock, is under 7 days' 700 t
    assert warmup_notes(_by_sea(build, {"dist": "exponential", "mean": 7}, 250.0)) == []
    (note,) = warmup_notes(_by_sea(build, {"dist": "exponential", "mean": 7}, 150.0))
    assert "9.0 days without queueing;" in note and "whole interval" not in note


def test_a_lane_without_loading_capacity_in_series_lanes_is_noted(build) -> None:
    sc = _by_sea(build, 7, 1000.0, series_lanes=["port_market"])
    [note] = [n for n in meta_of(sc).notes if n.startswith("series_lanes")]
    assert "lane 'port_market' has no loading capacity" in note
    assert "name 'port' in series_sites for them (held_t)" in note


def _unfinished(tmp_path: Path, sc) -> tuple[Path, dict]:
    import json

    out = tmp_path / "run"
    sim.run(sc, replications=1, seed=1, out=out, figures=False)
    (out / "manifest.json").unlink()  # unfinished, as after Ctrl-C
    return out, json.loads((out / "run.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("saved", "said"), [
    ("drop", "if nothing was changed, it was written by an older version of sim"),
    ("other", "written by a version of sim whose scenario format differs"),
    ("same", None)])
def test_resuming_a_folder_of_another_version_says_so(tmp_path: Path, saved: str,
                                                      said: str | None) -> None:
    import json

    from sim.output.folder import FolderError, scenario_format_sha256

    sc = sim.load_scenario(TINY, ["horizon_days=5"])
    out, info = _unfinished(tmp_path, sc)
    assert info["format_sha256"] == scenario_format_sha256()
    # another resolved scenario there; its format as the previous version wrote it (no
    # record), another version's, or this one's (then the user changed the scenario)
    if saved == "drop":
        info.pop("format_sha256")
    elif saved == "other":
        info["format_sha256"] = "0" * 64
    info["scenario_sha256"] = "0" * 64
    (out / "run.json").write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(FolderError) as err:
        sim.run(sc, replications=2, seed=1, out=out, resume=True, figures=False)
    assert "a different resolved scenario there" in str(err.value)
    if said is None:
        assert "version of sim" not in str(err.value)
    else:
        assert said in str(err.value)


def test_a_sweep_of_another_scenario_format_says_so(tmp_path: Path) -> None:
    import json

    from sim.experiment.sweep import run_sweep
    from sim.output.folder import FolderError

    out = tmp_path / "sw"
    run_sweep(TINY, ["horizon_days=20:30:int"], "lhs", 2, 1, 0, out=out, figures=False)
    plan_path = out / "sweep-replications" / "plan.json"
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    plan["format_sha256"] = "0" * 64
    plan["scenario_sha256"] = "0" * 64
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    with pytest.raises(FolderError, match="a version of sim whose scenario format differs"):
        run_sweep(TINY, ["horizon_days=20:30:int"], "lhs", 2, 1, 0, out=out, resume=True,
                  figures=False)


def test_the_format_fingerprint_ignores_docstrings_but_not_defaults(monkeypatch) -> None:
    # review 155: a reworded field docstring changed it, so a user's own edit was blamed
    # on "a version of sim whose scenario format differs"
    import copy

    from sim.output import folder
    from sim.scenario.schema import Scenario

    schema = Scenario.model_json_schema()
    base = folder.scenario_format_sha256()

    def fingerprint(changed: dict) -> str:
        monkeypatch.setattr(Scenario, "model_json_schema", classmethod(lambda cls: changed))
        folder.scenario_format_sha256.cache_clear()
        try:
            return folder.scenario_format_sha256()
        finally:
            folder.scenario_format_sha256.cache_clear()

    reworded = copy.deepcopy(schema)
    reworded["properties"]["series_lanes"]["description"] = "other words"
    reworded["title"] = "Another"
    assert fingerprint(reworded) == base
    defaulted = copy.deepcopy(schema)
    defaulted["properties"]["lot_period_days"]["default"] = 7.0
    assert fingerprint(defaulted) != base
    # a field may be named title: it stays in the fingerprint
    untitled = copy.deepcopy(schema)
    del untitled["properties"]["title"]
    assert fingerprint(untitled) != base
