"""Review 188 (the latest changes, as a code reviewer): a `--set` capacity note that not
every compared scenario holds was said twice by `sim compare` (its label broke the
filter); `sim sweep` kept its `--set` capacity note nowhere; the report's KPI definitions
left out a price peak labelled "at the cap"; scenarios/headlines.py clipped a price peak's
interval without its cap."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import yaml

from sim.output.report import metric_definitions
from tests.experiment.expt_helpers import cli

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
CUT = "sites.border.clearance_trucks_per_day=2"
CAPACITY = "planned flow into border (border post) is 200%"


def small(tmp_path: Path) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = "small"
    data["sites"]["mine_a"]["output"]["copper"]["t_per_year"]["value"] = 10000
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_note_one_scenario_holds_is_said_once(tmp_path: Path) -> None:
    result = cli("compare", TINY, small(tmp_path), "-n", "2", "-w", "1", "--no-figures",
                 "--out", tmp_path / "cmp", "--set", CUT)
    assert result.exit_code == 0, result.output
    assert (result.stdout + result.stderr).count(CAPACITY) == 1
    notes = json.loads((tmp_path / "cmp" / "comparison.json").read_text())["notes"]
    assert any(n.startswith(f"tiny: with --set, {CAPACITY}") for n in notes)


def test_sim_sweep_keeps_its_set_note(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    result = cli("sweep", TINY, "--param", "lanes.border_market.transit_days.value=5:10",
                 "-n", "2", "-w", "1", "--no-figures", "--out", out, "--set", CUT)
    assert result.exit_code == 0, result.output
    assert (result.stdout + result.stderr).count(CAPACITY) == 1
    notes = json.loads((out / "sweep.json").read_text())["notes"]
    assert any(n.startswith(f"with --set, {CAPACITY}") for n in notes)


def test_a_kpi_labelled_at_the_cap_is_defined() -> None:
    html = metric_definitions(pd.DataFrame({"metric": ["price_peak_ratio (b at the cap)",
                                                       "delivered_t"]}))
    assert "<dt>price_peak_ratio</dt>" in html and "<dt>delivered_t</dt>" in html


def test_headlines_clip_a_peak_at_its_cap() -> None:
    from tests.scenarios.scenario_scripts import load_script

    headlines = load_script("headlines")
    key = {"commodity": "cobalt", "channel": "all", "site": "all",
           "metric": "price_peak_ratio", "unit": "ratio"}
    nan = math.nan
    table = pd.DataFrame([
        {**key, "scenario": "base", "mean": 1.0, "ci_low": 1.0, "ci_high": 1.0, "diff": nan,
         "diff_ci_low": nan, "diff_ci_high": nan, "rel_change": nan},
        {**key, "scenario": "ban", "mean": 9.0, "ci_low": 7.4, "ci_high": 10.6, "diff": 8.0,
         "diff_ci_low": 6.4, "diff_ci_high": 9.6, "rel_change": 8.0}])
    row = headlines.Row("cobalt price peak", "price_peak_ratio", "cobalt", unit="ratio")
    line = headlines.headline_table(table, [row], "ban", "base", {"cobalt": 10.0})
    assert "9.00 (7.40 to 10.00)" in line.splitlines()[-1]
