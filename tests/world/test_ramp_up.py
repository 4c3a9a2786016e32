"""A mine's ramp-up: output grows linearly from ``initial_factor`` to full over ``ramp_days``.

Lots leave at t = 0, 1, 2, ... (days from the start of the warm-up) with fixed output, so
the tonnes mined are a sum over lots of ``100 t x the ramp's share at the lot's time``,
worked out here independently of the model's own formula.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.experiment import run_replication
from sim.output.describe import describe
from sim.output.shock_text import bars
from sim.scenario import scenario_from_dict
from sim.scenario.plan import make_plan

LOT_T = 100.0
EXACT = {"rel": 1e-12, "abs": 1e-9}


def share(day: float, start: float, ramp: float, initial: float) -> float:
    """The ramp's share of full output ``day`` days after the scenario's start."""
    if day < start:
        return initial
    if ramp == 0 or day >= start + ramp:
        return 1.0
    return initial + (1.0 - initial) * (day - start) / ramp


def mined(sc, metric: str = "mined_t", commodity: str = "copper") -> float:
    res = run_replication(sc, 0, 0)
    kpis = {(c, ch, s, m): v for c, ch, s, m, _u, v in res.kpis}
    return kpis[(commodity, "all", "all", metric)]


def one_lane(build: SimpleNamespace, ramp: dict, horizon: int = 50, warmup: int = 0,
             **mine_fields) -> dict:
    return build.scenario({"mine": build.mine(ramp_up=ramp, **mine_fields),
                           "market": build.market()},
                          [build.lane("mine", "market", 5)], ["market"],
                          horizon=horizon, warmup=warmup)


@pytest.mark.parametrize(("start", "ramp", "initial"),
                         [(10, 20, 0.25), (10, 20, 0.0), (10, 0, 0.0), (-30, 60, 0.5),
                          (60, 10, 0.4)])
def test_mined_tonnes_follow_the_ramp_exactly(build: SimpleNamespace, start: float,
                                              ramp: float, initial: float) -> None:
    sc = scenario_from_dict(one_lane(build, {"start": start, "ramp_days": ramp,
                                             "initial_factor": initial}))
    expected = sum(LOT_T * share(t, start, ramp, initial) for t in range(50))
    assert mined(sc) == pytest.approx(expected, **EXACT)


def test_ramp_counts_from_the_start_date_through_the_warm_up(build: SimpleNamespace) -> None:
    # warm-up of 10 days: the lot at world time t is on day t - 10 of the scenario; only
    # lots from day 0 count, but the ramp began 5 days before the start date
    data = one_lane(build, {"start": "2023-12-27", "ramp_days": 20, "initial_factor": 0.0},
                    warmup=10)
    sc = scenario_from_dict(data)
    expected = sum(LOT_T * share(t - 10, -5, 20, 0.0) for t in range(10, 60))
    assert mined(sc) == pytest.approx(expected, **EXACT)


def test_a_ramp_leaves_other_mines_and_later_output_alone(build: SimpleNamespace) -> None:
    flat = scenario_from_dict(one_lane(build, {"start": 0, "ramp_days": 0}))
    data = one_lane(build, {"start": 0, "ramp_days": 0})
    del data["sites"]["mine"]["ramp_up"]
    assert mined(flat) == pytest.approx(mined(scenario_from_dict(data)), **EXACT)
    assert mined(flat) == pytest.approx(50 * LOT_T, **EXACT)


def test_by_products_and_capacity_shocks_compound_with_the_ramp(
        build: SimpleNamespace) -> None:
    data = one_lane(build, {"start": 0, "ramp_days": 40, "initial_factor": 0.2})
    data["commodities"]["cobalt"] = copy.deepcopy(data["commodities"]["copper"])
    data["sites"]["mine"]["output"]["cobalt"] = {"form": "cathode", "ratio": 0.1,
                                                 "ratio_to": "copper"}
    data["sites"]["mine"]["offtake"]["cobalt"] = {"formal": 1.0}
    data["sites"]["market"]["demand_t_per_year"]["cobalt"] = 1000.0
    data["shocks"] = {"events": {"halve": {"start": 20, "end": 30, "targets": {"sites": ["mine"]},
                                           "effects": {"capacity_factor": 0.5}}}}
    sc = scenario_from_dict(data)
    expected = sum(LOT_T * share(t, 0, 40, 0.2) * (0.5 if 20 <= t < 30 else 1.0)
                   for t in range(50))
    assert mined(sc) == pytest.approx(expected, **EXACT)
    assert mined(sc, commodity="cobalt") == pytest.approx(0.1 * expected, **EXACT)


def test_stock_limit_of_a_ban_counts_days_of_ramped_output(build: SimpleNamespace) -> None:
    # banned from the start with room for 5 days of output: at 40% of full output the
    # stockyard takes 5 x 40 t, and the rest is curtailed
    data = one_lane(build, {"start": 100, "ramp_days": 0, "initial_factor": 0.4})
    data["policies"] = {"export_bans": {"ban": {"commodity": "copper", "start": 0,
                                                "stock_limit_days": 5}}}
    sc = scenario_from_dict(data)
    assert mined(sc) == pytest.approx(5 * 0.4 * LOT_T, **EXACT)


def test_balance_markets_close_against_output_on_the_start_date(
        build: SimpleNamespace) -> None:
    data = one_lane(build, {"start": 10, "ramp_days": 20, "initial_factor": 0.25})
    data["sites"]["market"]["other_supply_t_per_year"] = {"copper": "balance"}
    sc = scenario_from_dict(data)
    plan = make_plan(sc)
    full = LOT_T * build.DAYS_PER_YEAR
    assert plan.mined[("mine", "copper")] == pytest.approx(full, **EXACT)
    assert plan.market_inflow[("market", "copper")] == pytest.approx(full, **EXACT)
    # quotas allocate by this planned output per channel: the ramping mine at full output
    assert plan.mine_channel[("mine", "copper", "formal")] == pytest.approx(full, **EXACT)
    # demand is the mine's full output: the status quo has it at 25%, others supply 75%
    assert plan.other_supply(sc, "market", "copper") == pytest.approx(0.75 * full, **EXACT)


def test_a_market_the_network_reaches_only_after_a_ramp_is_balanced_against_nothing(
        build: SimpleNamespace) -> None:
    # the mine starts at 0: on the start date nothing reaches the market, so other supply
    # covers all its demand, and sim show says so (it named the full-output flow instead)
    data = one_lane(build, {"start": 10, "ramp_days": 20, "initial_factor": 0.0})
    data["sites"]["market"]["other_supply_t_per_year"] = {"copper": "balance"}
    sc = scenario_from_dict(data)
    full = LOT_T * build.DAYS_PER_YEAR
    assert make_plan(sc).other_supply(sc, "market", "copper") == pytest.approx(full, **EXACT)
    assert "(balance against 0 from the network on the start date" in describe(sc)


def test_without_a_ramp_balance_uses_the_plan_itself(build: SimpleNamespace) -> None:
    data = one_lane(build, {"start": 0})
    del data["sites"]["mine"]["ramp_up"]
    data["sites"]["market"]["other_supply_t_per_year"] = {"copper": "balance"}
    plan = make_plan(scenario_from_dict(data))
    assert plan.balance_inflow is None
    assert plan.other_supply(scenario_from_dict(data), "market", "copper") == 0.0


def test_show_describes_the_ramp_and_puts_it_on_the_calendar(build: SimpleNamespace) -> None:
    data = one_lane(build, {"start": "2024-01-11", "ramp_days": 20, "initial_factor": 0.25})
    data["sites"]["market"]["other_supply_t_per_year"] = {"copper": "balance"}
    sc = scenario_from_dict(data)
    text = describe(sc)
    assert ("ramp-up: 25% of this output before 2024-01-11, rising linearly to full output "
            "on 2024-01-31; 25% on the scenario's start date (2024-01-01)") in text
    assert "balance against 9,131 from the network on the start date" in text
    assert "mines that ramp up at full output" in text
    (bar,) = bars(sc)
    assert bar[:4] == ("mine ramp-up", "mine", sc.start.replace(day=11),
                       sc.start.replace(day=31))


@pytest.mark.parametrize(("field", "value", "words"), [
    ("initial_factor", 1.5, "must be at most 1, got 1.5"),
    ("ramp_days", -3, "must be at least 0"),
    ("start", "soon", "date"),
])
def test_bad_ramp_values_are_refused_with_the_line(build: SimpleNamespace, tmp_path,
                                                   field: str, value: object,
                                                   words: str) -> None:
    ramp = {"start": 10, "ramp_days": 20, "initial_factor": 0.5, field: value}
    path = tmp_path / "ramp.yaml"
    text = build.to_yaml(one_lane(build, ramp))
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 2
    err = result.stderr
    line = build.line_of(text, f"    {field}: ")
    assert f"ramp.yaml:{line}" in err
    assert f"sites.mine.ramp_up.{field}" in err
    assert words in err


def test_the_ramp_is_on_the_timeline_and_in_the_shocks_text(build: SimpleNamespace) -> None:
    from sim.output.shock_text import describe_shocks

    sc = scenario_from_dict(one_lane(build, {"start": 10, "ramp_days": 20,
                                             "initial_factor": 0.25}))
    rows = run_replication(sc, 0, 0).timeline
    assert [r[:4] for r in rows if r[1] == "mine"] == [(10.0, "mine", "mine", "ramp-up starts"),
                                                        (30.0, "mine", "mine", "full output")]
    assert "  mine mine ramp-up: 25% of this output before 2024-01-11" in describe_shocks(sc)
