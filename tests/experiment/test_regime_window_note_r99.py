"""A comparison says when a regime is measured over different periods in its scenarios.

Review 99: m23_escalation hands North Kivu's regime over from a scripted history on
2026-01-01, so its state_time_share covers 2026-27 while the baseline's covers 2024-27; the
comparison set "occupied 0.579 -> 0.928 (+60%)" side by side as if comparable.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from expt_helpers import TINY

import sim

REGIME = """
shocks:
  regimes:
    unrest:
      {start}targets: {{sites: [border]}}
      states:
        calm: {{}}
        bad: {{effects: {{added_delay_days: 1}}}}
      rates_per_year:
        calm: {{bad: 2}}
        bad: {{calm: 6}}
"""


def scenario(tmp_path: Path, name: str, start: str = "") -> Path:
    path = tmp_path / f"{name}.yaml"
    text = TINY.read_text(encoding="utf-8").replace("name: tiny", f"name: {name}")
    path.write_text(text + REGIME.format(start=start), encoding="utf-8")
    return path


def test_a_regime_starting_later_in_one_scenario_is_noted(tmp_path: Path) -> None:
    ref = scenario(tmp_path, "ref")
    later = scenario(tmp_path, "later", "start: 2024-02-01\n      ")
    with pytest.warns(UserWarning, match="regime unrest is measured over different periods"):
        table = sim.compare([ref, later], replications=2, workers=1)
    assert table.attrs["notes"] == [
        "regime unrest is measured over different periods (ref from 2024-01-01, later from "
        "2024-02-01): its state_time_share rows are shares of different spans of time, so "
        "their differences compare the periods as well as the scenarios (and are not listed "
        "among the differences that stand out)"]


def test_the_same_window_gets_no_note(tmp_path: Path) -> None:
    # a start before the run's is measured from the run's start, as in the reference
    ref = scenario(tmp_path, "ref")
    early = scenario(tmp_path, "early", "start: -10\n      ")
    table = sim.compare([ref, early], replications=2, workers=1)
    assert not any("measured over different periods" in n for n in table.attrs["notes"])


def test_its_shares_are_not_ranked_among_the_differences(tmp_path: Path) -> None:
    # review 156: "state_time_share at south_kivu_conflict:calm -0.312 (-98.2%)" stood in
    # the ranked list of sites and lanes under the note that calls it a comparison of periods
    from sim.output.compare_output import comparison_text
    from sim.output.report import compare_report_html
    from sim.output.tables import site_differences

    ref = scenario(tmp_path, "ref")
    # calm all the way in the reference's first half year, never after it in "later"
    later = scenario(tmp_path, "later", "start: 2024-02-15\n      ").replace(
        tmp_path / "later.yaml")
    text = later.read_text(encoding="utf-8").replace("calm: {bad: 2}", "calm: {bad: 200}")
    later.write_text(text, encoding="utf-8")
    comp = sim.run_comparison([ref, later], 4, 1, workers=1)
    assert any("measured over different periods" in n for n in comp.notes)
    ranked = site_differences(comp.table, "later")
    assert (ranked["metric"] == "state_time_share").any()  # it stands out, unfiltered
    left = site_differences(comp.table, "later", other_periods=["unrest"])
    assert not (left["metric"] == "state_time_share").any()
    assert len(left) == len(ranked) - (ranked["metric"] == "state_time_share").sum()
    sites = comparison_text(comp).split("Sites and lanes whose")[-1]
    assert "state_time_share" not in sites.split("\n\n")[0]
    html = compare_report_html([("ref", comp.results[0]), ("later", comp.results[1])])
    assert "unrest:calm" not in html.split("Key differences")[-1].split("</ul>")[0]


def test_the_header_names_the_scenario_compared(tmp_path: Path) -> None:
    from sim.output.compare_output import comparison_text

    ref = scenario(tmp_path, "ref")
    comp = sim.run_comparison([ref, scenario(tmp_path, "other")], 2, 1, workers=1)
    assert comparison_text(comp).startswith("Comparison of other against ref: 2 paired")
    three = sim.run_comparison([ref, scenario(tmp_path, "b"), scenario(tmp_path, "c")], 2, 1,
                               workers=1)
    assert comparison_text(three).startswith("Comparison of 2 scenarios (b, c) against ref:")
