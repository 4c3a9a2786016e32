"""Review 198 (mutation testing): an export control's cap just above its planned sales is
noted, one at or below is not; the calendar's bar of a control says "stopped" or its cap;
a child that only re-cites a mapping drops its parent's source and note; a saved
replication or an unfinished run folder given as a scenario is named as such."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_helpers import write

import sim
from sim.output.shock_text import bars
from sim.scenario import load_scenario, meta_of
from sim.scenario.plan import make_plan
from sim.scenario.shock_checks import controlled_refiners, idle_export_controls
from sim.scenario.yamlio import folder_hint, foreign_file_hint

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
DEMAND = ("sites", "market_x", "demand_t_per_year")

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _control(pid: str, cap: float) -> str:
    return (f"policies.export_controls.{pid}={{country: CHN, commodity: cobalt, markets: "
            f"[market_row], start: 2024-03-01, cap_t_per_year: {cap!r}}}")


def test_a_cap_just_above_the_planned_sales_is_noted_at_or_below_is_not() -> None:
    sc = sim.load_scenario(BASELINE, [_control("x", 1.0)])
    plan = make_plan(sc)
    planned = sum(plan.refined.get((rid, "cobalt"), 0.0)
                  * site.sales.get("cobalt", {}).get("market_row", 0.0)
                  for rid, site in controlled_refiners(sc, sc.policies.export_controls["x"]
                                                       ).items())
    assert planned == pytest.approx(105451, abs=1)
    for cap, noted in ((planned * 1.01, True), (planned + 1, True), (planned, False),
                       (planned * 0.99, False)):
        sc = sim.load_scenario(BASELINE, [_control("x", cap)])
        notes = [n for n in idle_export_controls(sc) if n.startswith("export control 'x'")]
        assert len(notes) == int(noted), (cap, notes)


def test_the_calendar_bar_says_stopped_or_the_cap() -> None:
    sc = sim.load_scenario(BASELINE, [_control("stop", 0), _control("capped", 50000)])
    labels = {b[1]: b[-1] for b in bars(sc) if b[0] == "export control"}
    assert labels["stop"] == "CHN cobalt to market_row, stopped"
    assert labels["capped"] == "CHN cobalt to market_row, cap 50,000 t/yr"


@pytest.mark.parametrize("child", ["{assumption: 'child assumption'}",
                                   "{copper: 36525, assumption: 'child assumption'}"])
def test_a_child_that_only_recites_drops_the_parents_source_and_note(
        tmp_path: Path, tiny_variant, child: str) -> None:
    write(tmp_path / "parent.yaml", tiny_variant((
        "demand_t_per_year: {copper: 36525, assumption: test input}",
        "demand_t_per_year: {copper: 36525, source: 'parent source', "
        "note: 'parent note'}")))
    sc = load_scenario(write(tmp_path / "child.yaml",
                             "extends: parent.yaml\nname: child\nsites:\n  market_x:\n"
                             f"    demand_t_per_year: {child}\n"))
    assert sc.sites["market_x"].demand_t_per_year["copper"] == 36525
    cit = meta_of(sc).provenance.citations[DEMAND]
    assert (cit.source, cit.assumption, cit.note) == (None, "child assumption", None)


def test_a_saved_replication_given_as_a_scenario_points_to_sim_report(
        tmp_path: Path) -> None:
    out = tmp_path / "OUT"
    (out / "replications").mkdir(parents=True)
    (out / "manifest.json").write_text("{}")
    rep = out / "replications" / "rep-000000.npz"
    rep.write_bytes(b"PK")
    assert foreign_file_hint(rep) == (
        "rep-000000.npz does not look like a scenario file (.yaml): it is a saved "
        f"replication of a results folder; pass the scenario file, or read the results "
        f"with sim report {out}")


def test_an_unfinished_run_folder_given_as_a_scenario_is_a_results_folder(
        tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text("{}")
    assert folder_hint(tmp_path) == (
        f"{tmp_path} is a results folder: sim report {tmp_path} reads it; sim run, show "
        "and validate need a scenario file (.yaml)")
