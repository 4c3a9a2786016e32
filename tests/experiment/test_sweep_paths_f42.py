"""Sweep parameters named by two spellings of one path, labels of parameters whose last
parts agree, and a choice field given as a range (fixer 42)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.experiment.errors import ExperimentError
from sim.experiment.sweep import Param, make_design, run_sweep

ROOT = Path(__file__).resolve().parents[2]
BAN = ROOT / "scenarios" / "export_ban_2025.yaml"
Q = "policies.export_quotas.quota_2026.schedule"
FIXED = ["--set", "end=2026-03-31", "--set", "policies.export_quotas.quota_2027=null",
         "-n", "2", "-w", "1", "-q"]


def test_both_spellings_of_a_list_item_read_as_one_path() -> None:
    from sim.experiment.sweep import canonical_path

    assert canonical_path(f"{Q}[0].tonnes") == canonical_path(f"{Q}.0.tonnes")
    assert canonical_path(f"{Q}[0].tonnes")[-2:] == (0, "tonnes")


def test_a_path_varied_twice_in_two_spellings_is_refused_by_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    result = CliRunner().invoke(main, ["sweep", str(BAN), "--param", f"{Q}[0].tonnes=100:200",
                                       "--param", f"{Q}.0.tonnes=2000:4000", *FIXED,
                                       "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "name the same value, given twice" in result.output
    assert f"{Q}[0].tonnes" in result.output and f"{Q}.0.tonnes" in result.output
    assert not (out / "sweep.csv").exists()


def test_a_path_varied_twice_in_two_spellings_is_refused_in_python() -> None:
    with pytest.raises(ExperimentError, match="name the same value"):
        make_design([Param.parse(f"{Q}[0].tonnes=100:200"),
                     Param.parse(f"{Q}.0.tonnes=2000:4000")], "lhs", 2, 0)
    with pytest.raises(ExperimentError, match="name the same value"):
        sim.sweep(BAN, {f"{Q}[0].tonnes": (100, 200), f"{Q}.0.tonnes": (2000, 4000)},
                  samples=2)
    # the same spelling twice keeps its message
    with pytest.raises(ExperimentError, match=r"tonnes is given twice"):
        make_design([Param.parse(f"{Q}.0.tonnes=100:200"),
                     Param.parse(f"{Q}.0.tonnes=2000:4000")], "lhs", 2, 0)


def test_a_path_both_set_and_varied_in_two_spellings_is_refused_by_the_cli(
        tmp_path: Path) -> None:
    # (a --set of the whole schedule item, the parameter's parent, is allowed: the sample is
    # applied after it; tests/experiment/test_sweep_notes_r65.py)
    for fixed in (f"{Q}[0].tonnes=100", f"{Q}.0.tonnes=100"):
        result = CliRunner().invoke(main, ["sweep", str(BAN), "--set", fixed,
                                           "--param", f"{Q}.0.tonnes=2000:4000", *FIXED,
                                           "--out", str(tmp_path / "sw")])
        assert result.exit_code == 2, result.output
        assert "is both set" in result.output and "and varied" in result.output


def test_a_path_both_set_and_varied_in_two_spellings_is_refused_in_python() -> None:
    with pytest.raises(ExperimentError, match="both set"):
        run_sweep(BAN, [f"{Q}.0.tonnes=2000:4000"], samples=2,
                  overrides=[f"{Q}[0].tonnes=100"])


def test_labels_of_two_quotas_schedule_items_differ() -> None:
    from sim.output.sweep_output import param_labels

    paths = ["policies.export_quotas.quota_2026.schedule.0.tonnes",
             "policies.export_quotas.quota_2027.schedule[0].tonnes"]
    labels = param_labels(paths)
    assert labels == ["quota_2026…tonnes", "quota_2027…tonnes"]


def test_labels_fall_back_to_the_whole_ending_where_the_short_one_collides() -> None:
    from sim.output.sweep_output import param_labels

    labels = param_labels([f"{Q}.0.tonnes", f"{Q}.1.tonnes",
                           "sites.kasumbalesa.clearance_trucks_per_day", "horizon_days"])
    assert labels == ["quota_2026.schedule.0.tonnes", "quota_2026.schedule.1.tonnes",
                      "kasumbalesa.clearance_trucks_per_day", "horizon_days"]
    assert len(set(param_labels(["x.y.z.w", "q.y.z.w"]))) == 2


def test_a_choice_given_as_a_range_says_only_numbers_are_swept(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sweep", str(BAN), "--param",
                                       "channels.china.on_closure=wait:rebalance", "-q",
                                       "--out", str(tmp_path / "sw")])
    assert result.exit_code == 2, result.output
    assert "only numeric ranges are swept" in result.output
    assert "sim compare" in result.output and "extends:" in result.output
    assert "--set channels.china.on_closure=VALUE" in result.output
    assert "clearance_trucks_per_day=200:400" not in result.output  # no numeric example
    with pytest.raises(ExperimentError, match="only numeric ranges") as info:
        sim.sweep(BAN, {"channels.china.on_closure": ("wait", "rebalance")}, samples=2)
    assert "overrides=['channels.china.on_closure=VALUE']" in str(info.value)
    assert "sim.compare" in str(info.value)
