"""Review 67, F1: a lot period or interval in the wrong unit (``1e-6`` days) validated, and
the run then dispatched lots for hours without a word. A replication is now limited to
``MAX_MINE_LOTS`` mine lots, with a message naming the field. Failed before the fix."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.checks import MAX_MINE_LOTS
from tests.scenario.scenario_helpers import only_issue


def test_a_tiny_lot_period_is_refused_naming_the_field(tiny_path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tiny_path), "--set",
                                       "lot_period_days=1e-6"])
    assert result.exit_code == 2, result.output
    assert "lot_period_days: a lot every 1e-06 days makes 100,000,000 mine lots" in \
        result.output
    assert "hint: lot periods are in days" in result.output


def test_a_mines_tiny_lot_interval_is_refused_at_the_mine(tiny_path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["sites.mine_a.lot_interval_days=1e-6"])
    issue = only_issue(exc)
    assert tuple(issue.path) == ("sites", "mine_a", "lot_interval_days")
    assert f"more than the {MAX_MINE_LOTS:,}" in issue.message


def test_short_but_workable_lot_periods_pass(tiny_path) -> None:
    # tiny.yaml runs 100 days: a lot every 15 minutes is 9,600 lots
    load_scenario(tiny_path, ["lot_period_days=0.0104"])
