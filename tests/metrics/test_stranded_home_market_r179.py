"""Review 179: ``stranded_end_t`` counted a home market's consumer stock as metal stranded
in the exporting country, so a scenario with a domestic market and no policy at all showed
hundreds of tonnes "stranded". Markets and stockpiles are where metal was going."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import sim

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # unbalanced markets

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def with_home_market(tmp_path: Path, stockpile: bool = False) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = "home"
    home = {"kind": "stockpile" if stockpile else "market", "region": "home",
            "location": {"lat": -11.0, "lon": 27.0, "assumption": "test input"},
            "initial_stock_t": {"copper": 500, "assumption": "test input"}}
    if not stockpile:
        home["demand_t_per_year"] = {"copper": 100, "assumption": "test input"}
    data["sites"]["home_site"] = home
    data["sites"]["market_x"]["demand_t_per_year"]["copper"] = 36425
    data["lanes"]["mine_home"] = {"from": "mine_a", "to": "home_site", "mode": "road",
                                  "transit_days": {"value": 2, "assumption": "test input"}}
    data["channels"]["formal"]["routes"] = {
        "direct": {"path": ["border", "market_x"], "share": 0.5},
        "home": {"path": ["home_site"], "share": 0.5}}
    path = tmp_path / "home.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_home_market_stock_is_not_stranded(tmp_path: Path) -> None:
    res = sim.run(with_home_market(tmp_path), 1, 1)
    # half of 100 t a day reaches the home market, which consumes 100 t a year of it
    assert res.kpi("stock_end_t", "copper")[0] > 4000
    assert res.kpi("stranded_end_t", "copper")[0] == 0.0


def test_a_home_stockpile_is_not_stranded(tmp_path: Path) -> None:
    res = sim.run(with_home_market(tmp_path, stockpile=True), 1, 1)
    assert res.kpi("stock_end_t", "copper")[0] > 4000
    assert res.kpi("stranded_end_t", "copper")[0] == 0.0
