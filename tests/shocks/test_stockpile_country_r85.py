"""A stockpile rule releases only into a market of the stockpile's own country (review 85,
finding 2: a DRC stockpile released straight into a market abroad, with no lane, past an
export ban, and the metal was not counted as exported)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main
from sim.scenario.errors import ScenarioError, format_path
from sim.scenario.loader import load_scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _write(tmp_path: Path, region: str) -> Path:
    """The tiny chain (a COD mine, market_x in CHN) with a stockpile in ``region`` whose
    rule releases into market_x."""
    data = yaml.safe_load(TINY.read_text())
    data["sites"]["res"] = {
        "kind": "stockpile", "region": region,
        "location": {"lat": -10.0, "lon": 26.0, "assumption": "test input"},
        "initial_stock_t": {"copper": 5000.0, "assumption": "test input"}}
    data["policies"] = {
        "stockpiles": {"sp": {"site": "res", "commodity": "copper", "market": "market_x",
                              "release_shortfall_share_above": 0.05,
                              "release_t_per_day": 100.0}},
        "export_bans": {"b": {"commodity": "copper", "start": 0}}}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_stockpile_at_home_releasing_abroad_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "home")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (issue,) = exc.value.issues
    assert format_path(issue.path) == "policies.stockpiles.sp.market"
    assert issue.file is not None and issue.file.endswith("case.yaml")
    text = path.read_text().splitlines()
    assert issue.line is not None and "market: market_x" in text[issue.line - 1]
    assert "'res' is in COD" in issue.message and "'market_x' is in CHN" in issue.message
    assert "not count it as exported" in issue.message
    assert issue.hint is not None
    assert "put the stockpile site in CHN (sites.res.region: away" in issue.hint
    assert "release into a market in COD" in issue.hint


def test_the_command_line_refuses_it_with_exit_code_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(_write(tmp_path, "home"))])
    assert result.exit_code == 2
    assert "policies.stockpiles.sp.market" in result.output
    assert "a stockpile releases into a market of its own country" in result.output


def test_a_stockpile_in_the_markets_country_is_accepted(tmp_path: Path) -> None:
    sc = load_scenario(_write(tmp_path, "away"))
    assert sc.country_of(sc.policies.stockpiles["sp"].site) == "CHN"
