"""Tests for the gaps mutation testing found in this session's changes (review 163): each
case here failed under a mutation that every other test let pass."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
import sim.build as B
from sim.experiment.runner import stray_fields
from sim.output import folder as F
from sim.output import provenance as P
from sim.output.folder import FolderError
from sim.output.tables import rising_share_note, site_differences
from sim.scenario import load_scenario
from sim.scenario.loader import meta_of

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
ROOT = Path(__file__).resolve().parents[2]
OTHER_CODE = "drc-minerals-sim 9.9.9 at 0123456789ab"


# --- resumes: old folders, other scenarios, the commit in the code's label ------------------

def old_folder(tmp_path: Path) -> Path:
    """A folder as a version from before run.json listed its code and key order wrote."""
    out = tmp_path / "run"
    sim.run(TINY, replications=2, seed=3, out=out, figures=False)
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    del info["code"], info["order_sha256"]
    (out / "run.json").write_text(json.dumps(info), encoding="utf-8")
    return out


def test_a_folder_from_before_resumes_without_a_word(tmp_path: Path) -> None:
    out = old_folder(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim.run(TINY, replications=3, seed=3, out=out, resume=True, figures=False)
    # its first replications' code is unknown, and not claimed for this one
    code = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["code"]
    assert code == [F.UNRECORDED_CODE, F.code_label()]


def test_another_scenario_gets_the_refusal_and_no_code_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "run"
    sim.run(TINY, replications=2, seed=3, out=out, figures=False)
    for module in (F, P):  # read by the writer (F), run.json and the code note (P)
        monkeypatch.setattr(module, "code_label", lambda: OTHER_CODE)
    # the replications run here carry their code too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: (OTHER_CODE, F.build_kind()))
    other = load_scenario(TINY, ["horizon_days=50"])
    assert F.mixed_code_note(json.loads((out / "run.json").read_text()), out, other) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FolderError, match="a different resolved scenario"):
            sim.run(other, replications=3, seed=3, out=out, resume=True, figures=False)


def test_python_is_told_force_true(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "run"
    sim.run(TINY, replications=2, seed=3, out=out, figures=False)
    for module in (F, P):  # read by the writer (F), run.json and the code note (P)
        monkeypatch.setattr(module, "code_label", lambda: OTHER_CODE)
    # the replications run here carry their code too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: (OTHER_CODE, F.build_kind()))
    with pytest.warns(UserWarning) as caught:
        sim.run(TINY, replications=3, seed=3, out=out, resume=True, figures=False)
    (said,) = [str(w.message) for w in caught if "were run by" in str(w.message)]
    assert said.endswith("force=True runs them all again with one")
    assert "--force" not in said


def test_the_codes_label_names_its_commit() -> None:
    commit = F.git_commit()
    if commit is None:
        pytest.skip("not a git checkout and no recorded source commit")
    label = F.code_label()
    if commit.endswith("-dirty"):
        assert f" at {commit[:12]} with uncommitted changes " in label
    else:
        assert label.endswith(f" at {commit[:12]}")


# --- a Comparison's summary: notes before differences, no "(-)" -----------------------------

@pytest.fixture(scope="module")
def noted(tmp_path_factory: pytest.TempPathFactory) -> sim.Comparison:
    # the same period, another seed: a note, and differences listed
    return sim.run_comparison([sim.run(TINY, replications=2, seed=1),
                               sim.run(TINY, replications=2, seed=2)])


def test_the_notes_come_before_the_differences(noted: sim.Comparison) -> None:
    assert noted.notes
    text = repr(noted)
    assert text.index("\n  note: ") < text.index("difference from the reference")
    html = noted._repr_html_()
    assert html.index("<strong>Note:</strong>") < html.index("<table>")
    assert "(-)" not in text


# --- market balance: the tolerance, and ramping mines ---------------------------------------

def market_notes(*overrides: str) -> list[str]:
    return [n for n in meta_of(load_scenario(TINY, list(overrides))).notes
            if n.startswith("market 'market_x'")]


def test_the_balance_tolerance_is_one_percent() -> None:
    demand = "sites.market_x.demand_t_per_year.copper"
    assert market_notes(f"{demand}={36525 / 1.02}")  # a 2% glut
    assert market_notes(f"{demand}={36525 / 0.98}")  # 2% short
    assert not market_notes(f"{demand}={36525 / 1.005}")


def test_a_ramping_mine_is_balanced_at_its_output_on_the_start_date() -> None:
    # balance closes the market against the start date's output: no glut to note, though
    # the mine's full output is above the demand the balance leaves
    assert market_notes("sites.market_x.other_supply_t_per_year.copper=balance",
                        "sites.mine_a.ramp_up={start: 30, ramp_days: 30, initial_factor: 0.5}"
                        ) == []


# --- series_sites: a lane loaded by trucks; the empty panel and series_lanes -----------------

def test_a_lane_loaded_by_trucks_is_pointed_to_too() -> None:
    notes = [n for n in meta_of(load_scenario(TINY, [
        "series_sites=[border]", "lanes.border_market.capacity_trucks_per_day=50"])).notes
        if "lots waiting to load" in n]
    assert len(notes) == 1 and "onto border_market" in notes[0]


def test_the_empty_panel_leaves_out_a_lane_already_in_series_lanes() -> None:
    from sim.output.figures import _lane_queues_text

    res = sim.run(load_scenario(ROOT / "scenarios" / "baseline.yaml", [
        "horizon_days=10", "series_sites=[kolwezi_rail]",
        "series_lanes=[kolwezi_rail_lobito]"]), replications=1, seed=1)
    assert _lane_queues_text(res, "kolwezi_rail") == ""


# --- regimes over other periods: only their rows, only those of that regime ------------------

def share_rows(sites: list[str]) -> pd.DataFrame:
    return pd.DataFrame({
        "scenario": "b", "commodity": "all", "channel": "all", "site": sites,
        "metric": "state_time_share", "unit": "share", "mean": 0.5, "n": 2,
        "diff": 0.3, "diff_ci_low": 0.2, "diff_ci_high": 0.4, "rel_change": 0.5,
        "diff_n": 2, "share_positive": 1.0})


def test_only_the_shares_of_the_regime_over_other_periods_are_left_out() -> None:
    table = pd.concat([share_rows(["unrest:calm", "unrest_south:calm", "other:calm"]),
                       share_rows(["unrest:bad"]).assign(metric="closed_days", unit="days")])
    kept = site_differences(table, "b", other_periods=["unrest"])
    assert sorted(zip(kept["site"], kept["metric"], strict=True)) == [
        ("other:calm", "state_time_share"), ("unrest:bad", "closed_days"),
        ("unrest_south:calm", "state_time_share")]


# --- a share risen on fewer tonnes: both intervals clear of 0, per channel -----------------

def shares(share: tuple[float, float, float], tonnes: tuple[float, float, float]
           ) -> pd.DataFrame:
    row = {"scenario": "b", "commodity": "copper", "channel": "west", "site": "all"}
    return pd.DataFrame([
        {**row, "metric": "delivered_share", "diff": share[0], "diff_ci_low": share[1],
         "diff_ci_high": share[2], "rel_change": 0.1},
        {**row, "metric": "delivered_t", "diff": tonnes[0], "diff_ci_low": tonnes[1],
         "diff_ci_high": tonnes[2], "rel_change": -0.16}])


def test_a_share_risen_on_fewer_tonnes_needs_both_intervals_clear() -> None:
    assert "(west's copper +1.20 pt on 16% fewer tonnes delivered)" in rising_share_note(
        shares((0.012, 0.007, 0.017), (-9700, -12000, -7000)), "b")
    # a share that may not have risen, tonnes that may not have fallen, or a gain
    assert rising_share_note(shares((0.012, -0.001, 0.02), (-9700, -12000, -7000)), "b") == ""
    assert rising_share_note(shares((0.012, 0.007, 0.017), (-9700, -12000, 100)), "b") == ""
    assert rising_share_note(shares((0.012, 0.007, 0.017), (9700, 7000, 12000)), "b") == ""
    # one pair (no interval): no rise can be told from noise (review 168)
    assert rising_share_note(shares((0.012, math.nan, math.nan), (-9700, math.nan, math.nan)),
                             "b") == ""


# --- model_copy strays inside lists; equality by name ---------------------------------------

def test_a_stray_key_in_a_list_of_models_is_found() -> None:
    sc = load_scenario(ROOT / "scenarios" / "export_ban_2025.yaml")
    quota = next(iter(sc.policies.export_quotas.values()))
    quota.schedule[0] = quota.schedule[0].model_copy(update={"tonnez": 1})
    (issue,) = stray_fields(sc)
    assert issue.path[-3:] == ("schedule", 0, "tonnez")
    assert issue.hint is not None and issue.hint.startswith("did you mean 'tonnes'?")


def test_scenarios_differing_only_in_name_are_unequal() -> None:
    assert load_scenario(TINY) == load_scenario(TINY)
    assert load_scenario(TINY) != load_scenario(TINY, ["name=other"])


def test_uncommitted_changes_are_in_the_label(monkeypatch: pytest.MonkeyPatch) -> None:
    # review 164: "-dirty" was cut off with the commit's tail, so an edit of sim/ between
    # an interrupt and its resume went unnoted
    # sim.build holds them since review 196 (a worker reads its label with it alone)
    monkeypatch.setattr(B, "git_commit", lambda: "0123456789abcdef0123-dirty")
    monkeypatch.setattr(B, "_uncommitted_digest", lambda: "feedbeef")
    assert F.code_label().endswith(" at 0123456789ab with uncommitted changes feedbeef")
    # review 165: a second edit is another code
    monkeypatch.setattr(B, "_uncommitted_digest", lambda: "0badcafe")
    assert F.code_label().endswith(" with uncommitted changes 0badcafe")
    monkeypatch.setattr(B, "git_commit", lambda: None)
    assert F.code_label().endswith(" at an unknown commit")


# --- review 164's smaller findings -----------------------------------------------------------

def test_an_events_stray_key_reads_an_event(tmp_path: Path) -> None:
    sc = load_scenario(ROOT / "scenarios" / "m23_escalation.yaml")
    key = next(iter(sc.shocks.events))
    sc.shocks.events[key] = sc.shocks.events[key].model_copy(update={"stat": 1})
    (issue,) = stray_fields(sc)
    assert issue.hint is not None and "sets an Event's fields" in issue.hint


def test_a_private_attribute_is_no_stray_field() -> None:
    sc = load_scenario(TINY)
    object.__setattr__(sc.sites["border"], "_cache", 3)
    assert stray_fields(sc) == []


def test_no_rising_share_note_for_a_shorter_period(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # over another period tonnes differ with its length: no loss of anyone's (review 164)
    from sim.output.compare_output import comparison_text
    from sim.output.report import compare_report_html

    table = shares((0.012, 0.007, 0.017), (-9700, -12000, -7000))
    assert rising_share_note(table, "b")
    shorter = tmp_path / "shorter.yaml"
    shorter.write_text(f"extends: {TINY}\nname: shorter\nhorizon_days: 50\n",
                       encoding="utf-8")
    comp = sim.run_comparison([TINY, shorter], 2, 1)
    comp.table = pd.concat([comp.table, table.assign(scenario="shorter")])
    assert "share of the metal delivered rose" not in comparison_text(comp)
    # the report computes its own table: a note it would give is left out all the same
    import sim.output.compare_report as C

    monkeypatch.setattr(C, "rising_share_note", lambda *_a: "note: a share of the metal "
                        "delivered rose")
    named = list(zip(comp.labels, comp.results, strict=True))
    assert "share of the metal delivered rose" not in compare_report_html(named)
    same = sim.run_comparison([TINY, TINY], 1, 1)
    assert "share of the metal delivered rose" in compare_report_html(
        list(zip(same.labels, same.results, strict=True)))


def test_the_digest_of_uncommitted_changes_follows_them(tmp_path: Path) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    package = tmp_path / "sim"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "a")
    clean = B._uncommitted_digest(package)
    (package / "a.py").write_text("x = 2\n")
    one = B._uncommitted_digest(package)
    (package / "a.py").write_text("x = 3\n")
    two = B._uncommitted_digest(package)
    (package / "b.py").write_text("y = 1\n")  # untracked
    three = B._uncommitted_digest(package)
    assert len({clean, one, two, three}) == 4 and all(d and len(d) == 8
                                                      for d in (clean, one, two, three))


def test_the_mixed_code_note_needs_saved_replications(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # review 168: a run killed before its first replication was noted as mixing code
    out = tmp_path / "run"
    sim.run(TINY, replications=2, seed=3, out=out, figures=False)
    before = json.loads((out / "run.json").read_text(encoding="utf-8"))
    for module in (F, P):  # read by the writer (F), run.json and the code note (P)
        monkeypatch.setattr(module, "code_label", lambda: OTHER_CODE)
    # the replications run here carry their code too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: (OTHER_CODE, F.build_kind()))
    assert F.mixed_code_note(before, out, load_scenario(TINY))
    for saved in (out / "replications").glob("rep-*.npz"):
        saved.unlink()
    assert F.mixed_code_note(before, out, load_scenario(TINY)) is None


def test_the_digest_ignores_git_config_and_installed_copies(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    import subprocess

    package = tmp_path / "sim"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    for args in (["init", "-q"], ["add", "."],
                 ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "a"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)
    (package / "a.py").write_text("x = 2\n")
    plain = B._uncommitted_digest(package)
    for key, value in (("diff.context", "1"), ("diff.noprefix", "true"),
                       ("color.diff", "always")):
        monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
        monkeypatch.setenv("GIT_CONFIG_KEY_0", key)
        monkeypatch.setenv("GIT_CONFIG_VALUE_0", value)
        assert B._uncommitted_digest(package) == plain, key
    # a copy of the package inside a checkout but not its root (the compiled build's)
    copy = tmp_path / "site" / "sim"
    copy.mkdir(parents=True)
    assert B._uncommitted_digest(copy) is None


def test_a_check_gets_no_noise_share() -> None:
    from sim.experiment.sweep import noise_shares

    label = [("copper", "all", "all", "mass_balance_error_t", "t")]
    values = {(k, r): np.array([1e-7 * (k + 2 * r + (k * r) % 3)]) for k in range(5)
              for r in range(3)}
    share = noise_shares(values, {k: label for k in range(5)},
                         {"mass_balance_error_t:copper": "t"}, list(range(5)), 3)
    assert math.isnan(share["mass_balance_error_t:copper"])


# --- review 170's survivors ------------------------------------------------------------------

def test_the_control_table_has_the_refining_index(tmp_path: Path) -> None:
    from sim.output.tables import control_rows

    comp = sim.run_comparison([ROOT / "scenarios" / "baseline.yaml",
                               ROOT / "scenarios" / "baseline_leakage.yaml"], 2, 1,
                              overrides=["horizon_days=30", "warmup_days=30"])
    rows = control_rows(comp.table, "baseline", "baseline_leakage")
    assert {"control_hhi", "refining_hhi"} <= set(rows["metric"])


def test_a_scenario_starting_later_is_another_period(tmp_path: Path) -> None:
    later = tmp_path / "later.yaml"
    later.write_text(f"extends: {TINY}\nname: later\nstart: 2024-02-01\n", encoding="utf-8")
    comp = sim.run_comparison([TINY, later], 2, 1)
    assert "differences of later not listed" in repr(comp)


def test_a_million_dollars_reads_in_millions() -> None:
    from sim.output.report import _usd

    assert _usd(999_999.7) == "1.00 m" and _usd(994_999.0) == "995,000"


def test_sweep_json_lists_every_code_of_a_resumed_sweep(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.output.sweep_store as S

    out = tmp_path / "sweep"
    params = ["horizon_days=30:40:int"]
    sim.run_sweep(TINY, params, "lhs", 2, 1, 0, out=out, figures=False)
    first = F.code_label()
    for module in (F, P):  # read by the writer (F), run.json and the code note (P)
        monkeypatch.setattr(module, "code_label", lambda: OTHER_CODE)
    # the replications run here carry their code too (review 196)
    monkeypatch.setattr("sim.experiment.replication.running_code",
                        lambda: (OTHER_CODE, F.build_kind()))
    monkeypatch.setattr(S, "code_label", F.code_label)
    sim.run_sweep(TINY, params, "lhs", 2, 2, 0, out=out, resume=True, figures=False)
    assert json.loads((out / "sweep.json").read_text(encoding="utf-8"))["code"] == [
        first, OTHER_CODE]
