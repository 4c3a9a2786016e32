"""Review 121: the rows this session added (rent by shock, reduced days, every lane's
throughput) filled the short list of changed sites with repeats of other rows, went
unexplained in the report, and a target on a new shock's rent was refused as "no site"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.experiment.errors import ExperimentError
from sim.output.report import site_definitions, site_frame
from sim.output.tables import repeats_note, site_differences

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def row(metric: str, site: str, diff: float, commodity: str = "gold") -> dict:
    return {"scenario": "m23", "commodity": commodity, "channel": "all", "site": site,
            "metric": metric, "diff": diff, "diff_ci_low": diff * 0.9,
            "diff_ci_high": diff * 1.1, "rel_change": np.nan, "n": 4, "mean": diff,
            "unit": "t"}


def test_repeats_of_other_rows_leave_the_list_of_changed_sites() -> None:
    table = pd.DataFrame([
        row("armed_group_rent_usd", "event:goma_falls", 75e6),
        row("armed_group_rent_usd", "regime:north_kivu_conflict", 9e6),
        row("closed_days", "kavumu", 321.0, "all"),
        row("reduced_days", "kavumu", 321.0, "all"),      # the same days: a twin
        row("reduced_days", "kasumbalesa", 30.0, "all"),  # a throttle: its own row
        row("throughput_t", "goma_kigali", 500.0),        # a lane without a capacity
        row("throughput_t", "kolwezi_rail_lobito", 800.0),  # a capacitated lane stays
        row("delivered_t", "route:gold_goma", 500.0)])
    found = site_differences(table, "m23", repeats={"goma_kigali"})
    kept = set(zip(found["metric"], found["site"], strict=True))
    assert kept == {("closed_days", "kavumu"), ("reduced_days", "kasumbalesa"),
                    ("throughput_t", "kolwezi_rail_lobito"), ("delivered_t", "route:gold_goma")}
    # counted by kind, so that the note names only what was left out, and is said alone
    # when everything that changed repeats another row (review 122)
    assert found.attrs["repeats"] == {"rent": 2, "lanes": 1, "twins": 1}
    note = repeats_note(found.attrs["repeats"])
    assert note.startswith("4 rows whose difference excludes zero left out of this list")
    assert note.endswith("compare.csv has them")
    only = site_differences(table[table["metric"] == "armed_group_rent_usd"], "m23")
    assert only.empty and only.attrs["repeats"] == {"rent": 2, "lanes": 0, "twins": 0}
    note = repeats_note(only.attrs["repeats"])
    assert "rent by shock" in note and "lanes" not in note and "closed_days" not in note
    assert repeats_note({"rent": 0, "lanes": 0, "twins": 0}) == ""


def test_a_lane_with_a_capacity_in_any_scenario_is_no_repeat() -> None:
    # review 122: the union of open lanes hid a bottleneck only the scenario had
    from types import SimpleNamespace

    from sim.output.tables import open_lanes

    def lane(capacity):
        return SimpleNamespace(capacity_t_per_day=capacity, capacity_trucks_per_day=None)

    ref = SimpleNamespace(lanes={"road": lane(None), "border_market": lane(None)})
    capped = SimpleNamespace(lanes={"road": lane(None), "border_market": lane(60.0)})
    assert open_lanes([ref, capped]) == {"road"}


def test_the_table_by_site_leaves_out_zero_rents_and_days_and_names_its_sites() -> None:
    summary = pd.DataFrame([
        {"commodity": "gold", "channel": "all", "site": "event:goma_falls",
         "metric": "armed_group_rent_usd", "unit": "USD", "mean": 7e7, "sd": 1.0, "n": 4,
         "ci_low": 6e7, "ci_high": 8e7},
        {"commodity": "cobalt", "channel": "all", "site": "event:goma_falls",
         "metric": "armed_group_rent_usd", "unit": "USD", "mean": 0.0, "sd": 0.0, "n": 4,
         "ci_low": 0.0, "ci_high": 0.0},
        {"commodity": "all", "channel": "all", "site": "goma", "metric": "closed_days",
         "unit": "days", "mean": 0.0, "sd": 0.0, "n": 4, "ci_low": 0.0, "ci_high": 0.0},
        {"commodity": "all", "channel": "all", "site": "kasumbalesa",
         "metric": "reduced_days", "unit": "days", "mean": 30.0, "sd": 0.0, "n": 4,
         "ci_low": 30.0, "ci_high": 30.0}])
    frame = site_frame(summary)
    assert len(frame) == 2
    words = site_definitions(frame)
    assert "event:&lt;id&gt;, regime:&lt;id&gt; and incident:&lt;id&gt; are the shocks" in words
    assert "reduced_days" in words and "Rows of 0 of" in words
    assert "Rows of 0 of" not in site_definitions(frame, quiet=False)


def test_a_target_on_a_row_only_the_scenario_has_says_why_it_cannot_be_measured(tmp_path):
    taxed = tmp_path / "taxed.yaml"
    taxed.write_text(f"""extends: {TINY}
name: taxed
shocks:
  events:
    toll:
      start: 10
      end: 40
      targets: {{sites: [border]}}
      effects:
        tax_rate: {{value: 0.1, assumption: test input}}
""", encoding="utf-8")
    with pytest.raises(ExperimentError, match="event:toll is in taxed but not in the "
                                              "reference tiny, where its value is 0"):
        sim.compare([TINY, taxed], 2, target_ci=0.5,
                    metrics=["armed_group_rent_usd:copper:all:event:toll"], figures=False)
