"""Review 142: ``sim show`` printed a port's throughput of 12,345.6 t a day as "1.235e+04"
(and a truck capacity of 10,000 a day as "1e+04"), where every other capacity has
thousands separators; and it said a border post clears "over 1 lane(s)", where a lane is a
road, rail or sea link everywhere else."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.output.describe import describe

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.lstrip().startswith(start))


def test_large_capacities_print_with_separators_not_exponents() -> None:
    sc = sim.load_scenario(BASELINE, overrides=[
        "sites.dar_es_salaam.throughput_t_per_day=12345.6",
        "sites.kasumbalesa.clearance_trucks_per_day=10000",
        "lanes.kasumbalesa_dar.capacity_trucks_per_day=20000"])
    text = describe(sc)
    port = _line(text, "dar_es_salaam 'Dar es Salaam'")
    assert "throughput 12,346 t/day of product" in port
    assert "e+0" not in port
    post = _line(text, "kasumbalesa 'Kasumbalesa")
    assert "clears 10,000 trucks/day over 1 clearance lane(s)" in post
    assert "capacity 20,000 trucks/day" in _line(text, "kasumbalesa_dar:")


def test_a_port_s_planned_flow_above_ten_thousand_tonnes_a_day_has_separators(build) -> None:
    # review 148: the planned t/day beside the throughput kept the exponent format
    from sim.scenario import scenario_from_dict

    data = build.scenario(
        {"mine": build.mine(4_000_000), "port": build.port(throughput_t_per_day=12000.0),
         "market": build.market(4_000_000)},
        [build.lane("mine", "port", 1), build.lane("port", "market", 1)],
        ["port", "market"])
    line = _line(describe(scenario_from_dict(data)), "port, home (COD):")
    assert "throughput 12,000 t/day of product" in line
    assert "planned 10,951 t/day" in line and "e+0" not in line
