"""An export quota's ``release``: a period's allowance whole on its first day
(``period_start``, the default) or accruing evenly day by day (``daily``).

One mine of 100 t/day, one lane of 1 day, exported as it leaves the mine: a quota of 620 t
a month for January (31 days, 20 t/day) and February 2024 (29 days, 620/29 t/day) binds
from the first day, so the mine always has metal waiting."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.shock_text import describe_shocks
from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World

FEB = 620.0 / 29.0


def quota_scenario(direct, **quota: Any) -> dict[str, Any]:
    spec = {"commodity": "copper",
            "schedule": [{"start": "2024-01-01", "end": "2024-02-29", "tonnes": 620,
                          "period": "month"}], **quota}
    data = direct(transit=1.0, horizon=60, policies={"export_quotas": {"q": spec}})
    data["series_period_days"] = 1
    return data


def daily_exports(direct, **quota: Any) -> list[float]:
    """Tonnes exported on each of the 60 days (1 January to 29 February 2024), from the
    run's series (stored as float32: compared to 1e-6)."""
    res = sim.run(scenario_from_dict(quota_scenario(direct, **quota)), replications=1, seed=1)
    frame = res.series.query("metric == 'exported_t' and replication == 0").sort_values("date")
    values = [float(v) for v in frame["value"]]
    assert len(values) == 60
    return values


def test_period_start_releases_the_whole_allowance_on_the_periods_first_day(direct) -> None:
    # the shipped behaviour, unchanged: January's 620 t leave with the first 6.2 days'
    # output, and on 1 February the 1,000 t and more waiting ship February's 620 t at once
    for release in ({}, {"release": "period_start"}):
        days = daily_exports(direct, carry_over=False, **release)
        assert days[:7] == pytest.approx([100.0] * 6 + [20.0])
        assert days[7:31] == pytest.approx([0.0] * 24)
        assert days[31] == pytest.approx(620.0)
        assert days[32:] == pytest.approx([0.0] * 28)


def test_daily_release_exports_each_days_accrual(direct) -> None:
    days = daily_exports(direct, carry_over=False, release="daily")
    assert days[:31] == pytest.approx([20.0] * 31, rel=1e-6)
    assert days[31:] == pytest.approx([FEB] * 29, rel=1e-6)
    # each period's total is its tonnes, and never more by any day of it
    assert sum(days[:31]) == pytest.approx(620.0, rel=1e-6)
    assert sum(days[31:]) == pytest.approx(620.0, rel=1e-6)


def test_daily_release_with_a_strategic_share(direct) -> None:
    days = daily_exports(direct, carry_over=False, release="daily", strategic_share=0.5)
    assert days[:31] == pytest.approx([10.0] * 31, rel=1e-6)
    assert sum(days[31:]) == pytest.approx(310.0, rel=1e-6)


def test_daily_release_without_carry_over_loses_the_unused_accrual(direct) -> None:
    # nothing leaves before day 40: January's accrued 620 t expire on 1 February; what
    # February accrued by day 40 (its days 31 to 40, ten days) leaves on day 40
    days = daily_exports(direct, carry_over=False, release="daily",
                         first_export_delay_days=40)
    assert days[:40] == pytest.approx([0.0] * 40)
    assert days[40] == pytest.approx(10 * FEB, rel=1e-6)
    assert days[41:] == pytest.approx([FEB] * 19, rel=1e-6)
    assert sum(days) == pytest.approx(620.0, rel=1e-6)


def test_daily_release_with_carry_over_keeps_the_unused_accrual(direct) -> None:
    days = daily_exports(direct, carry_over=True, release="daily",
                         first_export_delay_days=40)
    assert days[:40] == pytest.approx([0.0] * 40)
    assert days[40] == pytest.approx(620.0 + 10 * FEB, rel=1e-6)
    assert days[41:] == pytest.approx([FEB] * 19, rel=1e-6)
    assert sum(days) == pytest.approx(1240.0, rel=1e-6)


def test_daily_release_of_a_whole_stretch_with_a_part_last_day(direct) -> None:
    # a stretch given in days after the start: 0 to 9.5 (10.5 days) releases 105 t in
    # 10 t parts and a 5 t part on its last half day
    data = direct(transit=1.0, horizon=20, policies={"export_quotas": {"q": {
        "commodity": "copper", "carry_over": False, "release": "daily",
        "schedule": [{"start": 0, "end": 9.5, "tonnes": 105}]}}})
    world = World(scenario_from_dict(data), Streams(1, 0))
    quota = world.shocks.quotas[0]
    mine = world.site_index["mine"]
    seen: list[float] = []
    for day in range(11):
        world.env.timeout(day + 0.5).callbacks.append(
            lambda _e: seen.append(quota.exported))
    world.run()
    world.check_mass_balance()
    assert seen == pytest.approx([10.0 * (d + 1) for d in range(10)] + [105.0], rel=1e-9)
    assert quota.exported == pytest.approx(105.0, rel=1e-12)
    assert quota.remaining(mine, world.env.now) == 0.0


def test_release_validates_and_a_bad_value_is_refused_with_a_hint(build, direct,
                                                                  tmp_path) -> None:
    good = tmp_path / "daily.yaml"
    good.write_text(build.to_yaml(quota_scenario(direct, release="daily")), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(good)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    bad = tmp_path / "evenly.yaml"
    text = build.to_yaml(quota_scenario(direct, release="evenly"))
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "release: evenly" in row)
    result = CliRunner().invoke(main, ["validate", str(bad)], catch_exceptions=False)
    assert result.exit_code == 2
    assert f"{bad}:{line}:" in result.output
    assert "policies.export_quotas.q.release" in result.output
    assert "'period_start' or 'daily'" in result.output
    assert "hint: release:" in result.output


def test_the_shocks_text_says_how_the_allowance_is_released(direct) -> None:
    daily = describe_shocks(scenario_from_dict(quota_scenario(direct, release="daily")))
    assert "each period's allowance accrues evenly day by day" in daily
    whole = describe_shocks(scenario_from_dict(quota_scenario(direct)))
    assert "each period's allowance released whole on its first day" in whole
