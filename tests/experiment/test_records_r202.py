"""Review 202 (the data consumer's records): a run or comparison of a scenario changed in
Python after loading records that its files and overrides do not give it, and a resume
from the command line is refused with that said, not "the same scenario file"."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import sim
from sim.output.folder import FolderError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    sc = _quiet(sim.load_scenario, TINY, overrides=["horizon_days=60"])
    sc2 = sc.model_copy(update={"warmup_days": 9.0})
    out = tmp_path_factory.mktemp("r202") / "mod"
    _quiet(sim.run, sc2, replications=2, seed=1, out=out, figures=False)
    return out, sc2


def test_a_changed_scenario_is_recorded_so(changed) -> None:
    out, _sc = changed
    manifest, run = _json(out / "manifest.json"), _json(out / "run.json")
    assert manifest["scenario_files"] == [str(TINY)]  # where it was loaded from, kept
    assert manifest["changed_after_loading"] is True
    assert run["changed_after_loading"] is True
    (note,) = [n for n in manifest["notes"] if "changed in Python after loading" in n]
    # how to have the scenario run back (review 209, mutant 85)
    assert "sim.scenario_from_dict(manifest['scenario']) rebuilds it" in note
    assert f"not what {TINY} with overrides horizon_days=60 gives" in note


def test_an_unchanged_scenario_records_no_change(tmp_path: Path) -> None:
    sc = _quiet(sim.load_scenario, TINY, overrides=["horizon_days=60"])
    _quiet(sim.run, sc, replications=1, seed=1, out=tmp_path / "same", figures=False)
    manifest = _json(tmp_path / "same" / "manifest.json")
    assert "changed_after_loading" not in manifest
    assert not [n for n in manifest["notes"] if "changed in Python" in n]


def test_sim_report_says_it(changed) -> None:
    from sim.output.report import write_report

    out, _sc = changed
    written = write_report(out)
    assert any("changed in Python after loading" in n for n in written.notes)


def test_the_command_line_resume_is_refused_saying_why(changed, tmp_path: Path) -> None:
    import shutil

    out, sc2 = changed
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    again = _quiet(sim.load_scenario, TINY, overrides=["horizon_days=60"])
    with pytest.raises(FolderError) as err:
        _quiet(sim.run, again, replications=3, seed=1, out=copy, resume=True, figures=False)
    assert "changed after loading from" in str(err.value)
    assert "the same scenario file" not in str(err.value)
    # the same object resumes it
    res = _quiet(sim.run, sc2, replications=3, seed=1, out=copy, resume=True, figures=False)
    assert res.n == 3
    assert _json(copy / "manifest.json")["changed_after_loading"] is True


def test_a_comparison_records_it_per_scenario(tmp_path: Path) -> None:
    sc = _quiet(sim.load_scenario, TINY)
    sc2 = sc.model_copy(update={"warmup_days": 9.0, "name": "tiny_w9"})
    _quiet(sim.run_comparison, [sc, sc2], replications=1, seed=1, out=tmp_path / "cmp",
           figures=False)
    assert "changed_after_loading" not in _json(tmp_path / "cmp" / "tiny" / "manifest.json")
    for name in ("manifest.json", "run.json"):
        assert _json(tmp_path / "cmp" / "tiny_w9" / name)["changed_after_loading"] is True
    notes = _json(tmp_path / "cmp" / "tiny_w9" / "manifest.json")["notes"]
    assert any("changed in Python after loading" in n for n in notes)


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("r202cmp") / "cmp"
    other = sim.load_scenario(TINY).model_copy(update={"name": "other"})
    _quiet(sim.run_comparison, [TINY, other], replications=2, seed=3,
           overrides=["horizon_days=40", "warmup_days=5"], out=out, figures=False)
    return out


def test_compare_md_and_json_record_the_period_and_overrides(compared: Path) -> None:
    info = _json(compared / "comparison.json")
    assert info["overrides"] == ["horizon_days=40", "warmup_days=5"]
    for entry in info["scenarios"]:
        assert entry["period"] == {"start": "2024-01-01", "end": "2024-02-09",
                                   "horizon_days": 40.0, "warmup_days": 5.0}
    text = (compared / "compare.md").read_text(encoding="utf-8")
    assert "| scenario | source | seed | period measured | warm-up |" in text
    assert "| 2024-01-01 to 2024-02-09 (40 days) | 5 days |" in text
    assert "`horizon_days=40`, `warmup_days=5`" in text


def test_a_comparison_without_overrides_says_none(tmp_path: Path) -> None:
    _quiet(sim.run_comparison, [TINY, TINY], replications=1, seed=1, out=tmp_path / "c",
           figures=False)
    assert _json(tmp_path / "c" / "comparison.json")["overrides"] == []
    assert "applied to every scenario run here: none." in (
        tmp_path / "c" / "compare.md").read_text(encoding="utf-8")


def test_each_scenario_manifest_has_its_own_wall_time(compared: Path) -> None:
    import io

    import numpy as np

    whole = _json(compared / "comparison.json")["wall_s"]
    for label in ("tiny", "other"):
        manifest = _json(compared / label / "manifest.json")
        own = 0.0
        for path in sorted((compared / label / "replications").glob("rep-*.npz")):
            with np.load(io.BytesIO(path.read_bytes())) as npz:
                own += float(npz["wall_s"])
        assert manifest["wall_s"] == pytest.approx(own, abs=0.002)
        assert manifest["wall_s"] < whole


# --- Results.kpi() defaults (finding 5) ---------------------------------------------------


@pytest.fixture(scope="module")
def baseline() -> sim.Results:
    root = Path(__file__).resolve().parents[2]
    return _quiet(sim.run, root / "scenarios" / "baseline.yaml", 1,
                  overrides=["end=null", "horizon_days=20"])


def test_kpi_defaults_name_a_kpi_where_one_exists(baseline) -> None:
    res = _quiet(sim.run, TINY, 2)
    assert (res.kpi("delivered_t") == res.kpi("delivered_t", "copper", "all", "all")).all()
    assert (res.kpi("wait_p95_days") == res.kpi("wait_p95_days", "all", "all", "border")).all()
    total = baseline.kpi("delivered_t", commodity="cobalt")
    assert (total == baseline.kpi("delivered_t", "cobalt", "all", "all")).all()


def test_kpi_says_which_values_a_metric_has_without_a_total(baseline) -> None:
    with pytest.raises(KeyError, match=r"delivered_t has no total over commodities: give "
                                       r"commodity= one of: cobalt, copper, gold \(e.g. "
                                       r"kpi\('delivered_t', commodity='cobalt'\)\)"):
        baseline.kpi("delivered_t")
    with pytest.raises(KeyError, match="wait_p95_days has no total over sites for "
                                       "commodity='all', channel='all': give site= one of: "
                                       "kasumbalesa, "):
        baseline.kpi("wait_p95_days")
    with pytest.raises(KeyError, match=r"commodity '\*' \(each of them, in a --metric\) "
                                       "names no one KPI; name one of: cobalt, copper, gold"):
        baseline.kpi("delivered_t", "*")


# --- a sweep's --metric with * (finding 7) ------------------------------------------------


def test_sweep_json_writes_a_site_metric_as_its_column(tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "sweep"
    _quiet(sim.run_sweep, TINY, ["sites.border.clearance_trucks_per_day=20:100"], "lhs", 3,
           metrics=["wait_p95_days:*:all:border", "delivered_t"], out=out, figures=False)
    metrics = _json(out / "sweep.json")["metrics"]
    assert metrics == ["wait_p95_days:all:all:border", "delivered_t:*"]
    assert "wait_p95_days:all:all:border" in pd.read_csv(out / "sweep.csv").columns
    back = _quiet(sim.run_sweep, TINY, ["sites.border.clearance_trucks_per_day=20:100"],
                  "lhs", 3, metrics=metrics, out=out, resume=True, figures=False)
    assert back.resumed_with == 3


# --- run_comparison's table.attrs (finding 8) ---------------------------------------------


def test_run_comparison_keeps_the_notes_in_the_table_attrs() -> None:
    comp = _quiet(sim.run_comparison, [TINY, TINY], replications=1, seed=1)
    assert comp.notes  # the same scenario twice: every difference is 0
    assert comp.table.attrs["notes"] == comp.notes
    table = _quiet(sim.compare, [TINY, TINY], replications=1, seed=1)
    assert table.attrs["notes"] == comp.table.attrs["notes"]


# --- a results folder without replications/ (finding 9) -----------------------------------


def test_load_results_without_replications_says_what_is_missing(changed, tmp_path) -> None:
    import shutil

    out, _sc = changed
    copy = tmp_path / "tables_only"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("replications"))
    with pytest.raises(FolderError) as err:
        sim.load_results(copy)
    message = str(err.value)
    assert f"{copy} holds no replications/ (the saved replications, .npz)" in message
    assert "kpis.csv: every replication's KPIs; summary.csv: their means" in message
    assert "damaged" not in message and "--resume" not in message
    assert f"pandas.read_csv({str(copy / 'kpis.csv')!r})" in err.value.hint


# --- how the change is told (finding 1) ---------------------------------------------------


def test_a_change_in_place_is_told_by_the_load_time_fingerprint(tmp_path: Path) -> None:
    from sim.experiment.runner import changed_after_loading

    sc = _quiet(sim.load_scenario, TINY)
    assert changed_after_loading(sc, sc) is None
    sc.sites["border"].__dict__["clearance_trucks_per_day"] = 3.0  # changed in place
    note = changed_after_loading(sc, sc)
    assert note is not None and "changed in Python after loading" in note


def test_one_loaded_without_a_fingerprint_is_read_again(tmp_path: Path) -> None:
    from sim.experiment.runner import changed_after_loading
    from sim.scenario import load_scenario

    sc = load_scenario(TINY)  # sim.scenario's loader keeps no fingerprint
    assert changed_after_loading(sc, sc) is None
    sc2 = sc.model_copy(update={"warmup_days": 9.0})
    note = changed_after_loading(sc2, sc2)
    assert note is not None and "changed in Python after loading" in note
    # the file edited since: not told apart from a change in Python, and said so
    copy = tmp_path / "tiny.yaml"
    copy.write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = load_scenario(copy)
    copy.write_text(TINY.read_text(encoding="utf-8").replace("name: tiny", "name: edited"),
                    encoding="utf-8")
    note = changed_after_loading(loaded, loaded)
    assert note is not None and "its file was edited after the scenario was loaded" in note


def test_kpi_defaults_follow_a_given_site(tmp_path: Path) -> None:
    # review 207: kpi('delivered_t', site='route:direct') took channel 'all', which a route
    # has no row of, and the error offered site 'all'
    res = sim.run(TINY, 2, seed=1)
    route = res.kpi("delivered_t", site="route:direct")
    assert route.tolist() == res.kpi("delivered_t", "copper", "formal", "route:direct").tolist()
