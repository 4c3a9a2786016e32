"""docs/shocks-and-policies.md names, for a capacity_factor between 0 and 1, the targets
the scenario checks accept: ports with a throughput and lanes counted in trucks too."""

from __future__ import annotations

from pathlib import Path

from sim.scenario import scenario_from_dict
from sim.scenario.shock_checks import throttles

DOC = Path(__file__).resolve().parents[1] / "docs" / "shocks-and-policies.md"


def _capacity_factor_row() -> str:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines()
            if line.startswith("| `capacity_factor` |")]
    assert len(rows) == 1
    return rows[0]


def test_the_capacity_factor_row_names_what_the_checks_accept(build) -> None:
    on, what, _ = _capacity_factor_row().split(" | ", 2)
    data = build.scenario(
        {"mine": build.mine(), "port": build.port(throughput_t_per_day=50),
         "market": build.market()},
        [build.lane("mine", "port", 1, capacity_trucks_per_day=4),
         build.lane("port", "market", 1)], ["port", "market"])
    sc = scenario_from_dict(data)
    assert throttles(sc, "site", "port") and throttles(sc, "lane", "mine_port")
    assert "ports with a `throughput_t_per_day`" in what
    assert "`capacity_trucks_per_day`" in what
    # and what is refused: ports with neither sailings nor throughput, lanes without
    sc = scenario_from_dict(build.scenario(
        {"mine": build.mine(), "port": build.port(), "market": build.market()},
        [build.lane("mine", "port", 1), build.lane("port", "market", 1)], ["port", "market"]))
    assert not throttles(sc, "site", "port") and not throttles(sc, "lane", "mine_port")
    assert "ports without sailings or `throughput_t_per_day`" in _capacity_factor_row()
    assert "lanes without `capacity_t_per_day`, `capacity_trucks_per_day` or sailings" in \
        _capacity_factor_row()
