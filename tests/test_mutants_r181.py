"""Tests for the mutations review 181 found uncaught in this session's code: each pins a
behaviour a user sees (a note, a row, a label) that a small change undid silently."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import yaml

import sim
from sim.experiment.compare import period_kind
from sim.output.report import _period_words
from sim.output.sweep_output import rho_digits, rho_text
from sim.output.tables import targeted_channels
from sim.scenario import meta_of

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
SCENARIOS = ROOT / "scenarios"


def tiny(tmp_path: Path, name: str = "t", **change: object) -> dict:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = name
    data.update(change)
    return data


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / f"{data['name']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def two_commodities(tmp_path: Path, targets: dict) -> sim.Scenario:
    """tiny with a second mine, of tin, in a region of its own, and a diversion of
    ``targets``."""
    data = tiny(tmp_path, "div")
    data["regions"]["north"] = {"country": "COD"}
    data["commodities"]["tin"] = {"forms": {"conc": {"grade": 0.5, "payload_t_per_truck": 30}}}
    data["sites"]["tin_mine"] = {
        "kind": "mine", "region": "north",
        "location": {"lat": -9.0, "lon": 26.0, "assumption": "test input"},
        "output": {"tin": {"form": "conc", "t_per_year": 365.25, "assumption": "test"}},
        "offtake": {"tin": {"formal": 1.0, "assumption": "test"}}}
    data["sites"]["market_x"]["demand_t_per_year"]["tin"] = 365.25
    data["lanes"]["tin_border"] = {"from": "tin_mine", "to": "border", "mode": "road",
                                   "transit_days": {"value": 2, "assumption": "test"}}
    data["channels"]["informal"] = {"routes": {"direct": {"path": ["border", "market_x"]}}}
    data["shocks"] = {"events": {"capture": {
        "name": "capture", "start": 10, "duration_days": 10, "targets": targets,
        "effects": {"divert": {"share": 0.5, "to_channel": "informal",
                               "assumption": "test"}}}}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sim.load_scenario(write(tmp_path, data))


# M34-M36: a diversion keeps zero rows only for what its targeted mines produce
def test_a_region_diversion_keeps_rows_of_its_mines_commodities(tmp_path: Path) -> None:
    sc = two_commodities(tmp_path, {"regions": ["home"]})
    assert targeted_channels(sc) == {("copper", "informal")}


def test_a_site_diversion_keeps_rows_of_that_mine(tmp_path: Path) -> None:
    sc = two_commodities(tmp_path, {"sites": ["tin_mine"]})
    assert targeted_channels(sc) == {("tin", "informal")}


def test_a_commodity_filter_narrows_it(tmp_path: Path) -> None:
    sc = two_commodities(tmp_path, {"regions": ["home", "north"], "commodities": ["tin"]})
    assert targeted_channels(sc) == {("tin", "informal")}


@pytest.mark.filterwarnings("ignore")
def test_the_baselines_kivu_diversions_name_gold_alone() -> None:
    assert targeted_channels(sim.load_scenario(SCENARIOS / "baseline.yaml")) == {
        ("gold", "informal")}


# M17: run_comparison given Scenario objects notes the capacities its overrides overload
def test_scenario_objects_get_the_capacity_note(tmp_path: Path) -> None:
    a = sim.load_scenario(TINY)
    b = sim.load_scenario(write(tmp_path, tiny(tmp_path, "b")))
    comp = sim.run_comparison([a, b], 1, overrides=["sites.border.clearance_trucks_per_day=2"])
    assert any(n.startswith("with these overrides, planned flow into border (border post) "
                            "is 200%") for n in comp.notes)


# M41: the ban's timeline row gives its stock limit in the model's own terms
def test_the_ban_timeline_gives_its_stock_limit(tmp_path: Path) -> None:
    ban = ("policies.export_bans.b={commodity: copper, start: 10, end: 20, "
           "stock_limit_days: 3}")
    res = sim.run(TINY, 1, overrides=[ban])
    tl = res.timeline
    row = tl[(tl["id"] == "b") & (tl["action"] == "export ban starts")]
    assert list(row["detail"]) == ["copper, stock limit 3 days of each channel's planned "
                                   "exports"]


# M10: the same start with horizons under 1% apart is other dates, not a warm-up
def test_the_same_start_a_day_longer_is_other_dates() -> None:
    ref = sim.load_scenario(TINY)
    other = ref.model_copy(update={"horizon_days": 101.0, "warmup_days": 5.0})
    assert period_kind(ref, other) == "dates"


# M86: the report's control and queue sections say what kind of period differs
def test_the_reports_sections_word_the_kind(tmp_path: Path) -> None:
    ref = sim.run(TINY, 1, 1)
    warm = sim.run(write(tmp_path, tiny(tmp_path, "warm", warmup_days=20)), 1, 1)
    assert _period_words([("tiny", ref), ("warm", warm)], ["warm"]) == (
        "partly those of the stocks and states their warm-ups leave")


# M45: the sparse-lot note names only the quota's country's mines
def test_the_sparse_lot_note_names_the_quotas_country_only(tmp_path: Path) -> None:
    data = tiny(tmp_path, "two", lot_period_days=1)
    data["sites"]["far_mine"] = {
        "kind": "mine", "region": "away", "lot_interval_days": 7,
        "location": {"lat": 30.0, "lon": 119.0, "assumption": "test input"},
        "output": {"copper": {"form": "cathode", "t_per_year": 365.25, "assumption": "t"}},
        "offtake": {"copper": {"formal": 1.0, "assumption": "test"}}}
    data["lanes"]["far_border"] = {"from": "far_mine", "to": "border", "mode": "road",
                                   "transit_days": {"value": 2, "assumption": "test"}}
    quota = ("policies.export_quotas.q={commodity: copper, carry_over: false, schedule: "
             "[{start: 2024-01-01, end: 2024-04-30, tonnes: 1000, period: month}]}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = sim.load_scenario(write(tmp_path, data), [quota])
    assert not [n for n in meta_of(sc).notes if "less often than daily" in n]


# M53: a rho at the line in floating point prints as the line at any number of decimals
def test_a_rho_at_the_line_prints_as_it_at_three_decimals() -> None:
    digits = rho_digits([-0.9999999999999999, 0.9996], 1.0)
    assert digits >= 3
    assert rho_text(-0.9999999999999999, 1.0, digits) == "-1.00"


def test_a_filter_on_what_the_mines_do_not_produce_keeps_no_row(tmp_path: Path) -> None:
    sc = two_commodities(tmp_path, {"regions": ["home"], "commodities": ["tin"]})
    assert targeted_channels(sc) == set()
