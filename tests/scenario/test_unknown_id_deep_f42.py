"""An override through an unknown id into a list item names the unknown id, as a shallower
override does (it said "no item 0 at ...schedule") (fixer 42)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario import load_scenario
from sim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
BAN = ROOT / "scenarios" / "export_ban_2025.yaml"
DEEP = "policies.export_quotas.quota_2062.schedule.0.tonnes"


@pytest.mark.parametrize("override", [f"{DEEP}=1000",
                                      "policies.export_quotas.quota_2062.schedule[0]=1",
                                      "policies.export_quotas.quota_2062.strategic_share=0.5"])
def test_an_unknown_quota_is_named_with_a_guess(override: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BAN, [override])
    text = info.value.report()
    assert "unknown export quota 'quota_2062'" in text
    assert "did you mean 'quota_20" in text
    assert "no item" not in text


def test_a_missing_item_of_a_known_quota_is_still_told_so() -> None:
    with pytest.raises(ScenarioError, match="no item 7"):
        load_scenario(BAN, ["policies.export_quotas.quota_2026.schedule.7.tonnes=1"])


def test_sim_run_set_names_the_unknown_id(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(BAN), "--set", f"{DEEP}=1000", "-n", "1",
                                       "-q", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2, result.output
    assert "unknown export quota 'quota_2062'" in result.output
    assert "did you mean" in result.output


def test_sim_sweep_param_names_the_unknown_id(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sweep", str(BAN), "--param", f"{DEEP}=1000:2000",
                                       "-n", "2", "-q", "--out", str(tmp_path / "s")])
    assert result.exit_code == 2, result.output
    assert "unknown export quota 'quota_2062'" in result.output
    assert "did you mean" in result.output
