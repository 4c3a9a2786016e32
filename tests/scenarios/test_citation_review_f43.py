"""Citations and labels of the scenario figures, after a read-only citation review.

The review found: sources.py missed suffixed ids (S57b, [S30c], [U5b]), so such a citation was
neither resolved nor reported unknown; calibration.py printed share intervals above 100%;
and several figures fitted by judgement were labelled ``source:`` only (the Kasumbalesa
disruption rate and durations, the Durban durations, the ends of the Kasumbalesa-Dar transit,
the export ban's buffer read as months of world demand, which link of the peer network has
which lead time), Uvira was said to be held, and the README's variants lacked the 1.0 a
year Kasumbalesa rate and the 25% hydroxide grade. Simulated values do not change.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import yaml

import sim

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
README = SCENARIOS / "README.md"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_f43", SCENARIOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _raw(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- sources.py


def _fake_reference(ref: Path) -> None:
    ref.mkdir()
    (ref / "domain_params.yaml").write_text(
        "sources:\n"
        "  S57:\n    citation: Plain source\n    url: https://example.org/s57\n"
        "  S57b:\n    citation: Suffixed source\n    url: https://example.org/s57b\n",
        encoding="utf-8")
    (ref / "shocks.md").write_text(
        "# Timeline\n\n## Sources\n\n"
        "- [S30] Landslide — A, 2026 — https://example.org/s30\n"
        "- [S30c] Another landslide — B, 2026 — https://example.org/s30c\n"
        "- [U5] Briefing — C, 2025 — https://example.org/u5 ; [U5b] rewrite — "
        "https://example.org/u5b\n",
        encoding="utf-8")


def test_suffixed_ids_are_found_resolved_and_unknown_ones_reported(tmp_path):
    sources = _script("sources")
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "x.yaml").write_text(
        'a: {value: 1, source: "S57b payables; S57; shocks.md [S30c] and [U5b]"}\n'
        'b: {value: 2, source: "S999b, [S30z]"}\n', encoding="utf-8")
    sheet, timeline = sources.cited_ids(tmp_path)
    assert set(sheet) == {"S57", "S57b", "S999b"}
    assert set(timeline) == {"S30c", "U5b", "S30z"}

    _fake_reference(tmp_path / "ref")
    sheet_text = sources.sheet_sources(tmp_path / "ref")
    timeline_text = sources.timeline_sources(tmp_path / "ref")
    assert "Suffixed source" in sheet_text["S57b"]
    assert "Another landslide" in timeline_text["S30c"]
    assert "rewrite" in timeline_text["U5b"]  # defined inside [U5]'s entry
    assert sources.unknown_ids(sheet, timeline, sheet_text, timeline_text) == ["S999b",
                                                                                "[S30z]"]
    known = {k: v for k, v in sheet.items() if k != "S999b"}
    page = sources.render(known, {"S30c": {"x"}, "U5b": {"x"}}, sheet_text, timeline_text)
    rows = [line.split(" | ")[0] for line in page.splitlines() if line.startswith("| S")]
    assert rows == ["| S57", "| S57b"]  # suffix sorts after its number


# ---------------------------------------------------------------- calibration.py


def test_calibration_clips_share_intervals_to_0_100_percent(monkeypatch):
    calibration = _script("calibration")
    near_one = np.array([0.908, 0.955, 1.0, 0.957])
    near_zero = np.array([0.0, 0.02, 0.0, 0.01])
    tonnes = np.array([-5.0, 5.0, 0.0, 1.0])
    monkeypatch.setattr(calibration, "CHECKS", [
        calibration.Derived("near one", 0.95, "share", "s", False, lambda res: near_one),
        calibration.Derived("near zero", 0.01, "share", "s", False, lambda res: near_zero),
        calibration.Derived("tonnes", 1.0, "t", "s", False, lambda res: tonnes),
    ])
    rows = {r["check"]: r for r in calibration.compare(None)}
    assert rows["near one"]["ci_high"] == 1.0 and rows["near one"]["ci_low"] < 0.95
    assert rows["near zero"]["ci_low"] == 0.0 and rows["near zero"]["ci_high"] > 0.01
    assert rows["tonnes"]["ci_low"] < 0  # only shares are clipped
    text = calibration.markdown(calibration.compare(None), 4, 1)
    assert "100.0%)" in text and "100.2%" not in text
    assert "clipped to 0-100%" in text.splitlines()[0]


# ---------------------------------------------------------------- labels of the figures


def test_judged_parts_of_baseline_figures_are_labelled_assumptions():
    base = _raw("scenarios/baseline.yaml")
    incidents = base["shocks"]["incidents"]
    rate = incidents["kasumbalesa_disruption"]["rate_per_year"]
    assert rate["value"] == 1.2
    assert "1-2 a year" in rate["source"] and "over five years" not in rate["source"]
    assert "1.0" in rate["assumption"]
    for key in ("kasumbalesa_disruption", "durban_disruption"):
        duration = incidents[key]["duration_days"]
        assert "judgement" in duration["assumption"], key
        assert "judgement" not in duration["source"], key
    assert (incidents["durban_disruption"]["duration_days"]["mean"],
            incidents["durban_disruption"]["duration_days"]["sd"]) == (40, 20)
    transit = base["lanes"]["kasumbalesa_dar"]["transit_days"]
    assert (transit["low"], transit["mode"], transit["high"]) == (9, 11, 14)
    assert "ends" in transit["assumption"]
    grade = base["commodities"]["cobalt"]["forms"]["hydroxide"]["grade"]
    assert grade["value"] == 0.30 and "S65" in grade["source"]


def test_export_ban_buffer_separates_the_sourced_months_from_what_they_are_months_of():
    feed = _raw("scenarios/export_ban_2025.yaml")["sites"]["china_cobalt_refiners"][
        "initial_feed_t"]["cobalt"]
    assert feed["value"] == 80100
    assert "8-10 months (BMI)" in feed["source"]
    assert "world demand" in feed["assumption"]
    assert "170,910" in feed["assumption"] and "128,200" in feed["assumption"]


def test_uvira_is_not_said_to_be_held():
    regimes = _raw("scenarios/m23_escalation.yaml")["shocks"]["regimes"]
    text = regimes["south_kivu_conflict"]["initial"]["source"]
    assert "Bukavu and Uvira taken in 2025, held" not in text
    assert "withdrawal" in text and "incomplete" in text


def test_peer_network_lead_time_assignment_is_an_assumption():
    lanes = _raw("benchmarks/networks/supplynetpy_peer.yaml")["lanes"]
    for name, lane in lanes.items():
        assert "not stated" in lane["transit_days"]["assumption"], name
    assert lanes["mine_1_refiner_a"]["transit_days"]["low"] == 30
    assert lanes["refiner_a_distributor_1"]["transit_days"]["high"] == 15


def _variant_row(first_cell: str) -> str:
    rows = [line for line in README.read_text(encoding="utf-8").splitlines()
            if line.startswith(f"| {first_cell} |")]
    assert len(rows) == 1, first_cell
    return rows[0]


def _sets(row: str) -> list[str]:
    return re.findall(r"--set ([\w.\[\]]+=[\w.]+)", row)


def _dig(data: dict, path: str):
    for part in path.split("."):
        data = data[part]
    return data


def test_readme_variants_give_set_paths_that_change_the_value():
    for cell, scenario, expected in (
            ("Kasumbalesa and Kolwezi trucking disruptions", "baseline.yaml",
             {"shocks.incidents.kasumbalesa_disruption.rate_per_year": 1.0}),
            ("Cobalt content of hydroxide", "baseline.yaml",
             {"commodities.cobalt.forms.hydroxide.grade": 0.25}),
            ("Cobalt buffer stocks outside the DRC (export ban)", "export_ban_2025.yaml",
             {"sites.china_cobalt_refiners.initial_feed_t.cobalt": 52100.0})):
        row = _variant_row(cell)
        sets = _sets(row)
        assert any(s.split("=")[0] in expected for s in sets), (cell, sets)
        for path, value in expected.items():
            setting = next(s for s in sets if s.split("=")[0] == path)
            dumped = sim.load_scenario(SCENARIOS / scenario, [setting]).model_dump()
            assert _dig(dumped, path) == value, setting
    assert "months of world demand" in _variant_row(
        "Cobalt buffer stocks outside the DRC (export ban)")
    assert "de-escalation" in _variant_row("[us_partnership.yaml](us_partnership.yaml)")
