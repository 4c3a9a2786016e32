"""Export bans with stock limits, and quotas with carry-over and a strategic share."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import sim
from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World


def test_ban_with_stock_limit_curtails_exactly_the_excess(direct, world_of) -> None:
    data = direct(transit=1.0, horizon=80, policies={"export_bans": {"ban": {
        "commodity": "copper", "start": 10, "end": 40, "stock_limit_days": 10}}})
    world = world_of(data)
    mine = world.sites[world.site_index["mine"]]
    stock = {}
    world.env.timeout(39.5).callbacks.append(lambda _e: stock.__setitem__("end", mine.stock[0]))
    world.run()
    world.check_mass_balance()
    # 30 days banned, 100 t/day, room for 10 days: 20 days of output are not mined
    assert world.curtailed[0] == pytest.approx(2000.0)
    assert stock["end"] == pytest.approx(1000.0)
    assert mine.stock[0] == pytest.approx(0.0)  # shipped once the ban ended
    assert world.ledger.mined.sum() == pytest.approx(80 * 100.0 - 2000.0)


@pytest.mark.parametrize("banned", ["copper", "cobalt"])
def test_copper_curtailed_leaves_its_cobalt_unmined(direct, world_of, banned) -> None:
    # cobalt at 0.1 t per t of copper. Copper curtailed is ore not mined, so the cobalt in
    # it is not mined either, and counts as curtailed (before, the mine went on making
    # 10 t/day of cobalt from no copper); a cobalt ban curtails cobalt only.
    data = direct(transit=1.0, horizon=80, policies={"export_bans": {"ban": {
        "commodity": banned, "start": 10, "end": 40, "stock_limit_days": 10}}})
    mine = data["sites"]["mine"]
    mine["output"]["cobalt"] = {"form": "hydroxide", "ratio": 0.1, "ratio_to": "copper"}
    mine["offtake"]["cobalt"] = {"formal": 1.0}
    data["commodities"]["cobalt"] = {
        "forms": {"hydroxide": {"grade": 0.3, "payload_t_per_truck": 30}}}
    data["sites"]["market"]["demand_t_per_year"]["cobalt"] = 3652.5
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    cu, co = world.commodity_index["copper"], world.commodity_index["cobalt"]
    mined = world.ledger.mined.sum(axis=0)
    if banned == "copper":
        assert world.curtailed[cu] == pytest.approx(2000.0)
        assert mined[cu] == pytest.approx(80 * 100.0 - 2000.0)
        assert mined[co] == pytest.approx(0.1 * mined[cu])
        assert world.curtailed[co] == pytest.approx(200.0)  # the cobalt in that ore
    else:
        assert world.curtailed[co] == pytest.approx(200.0)
        assert mined[cu] == pytest.approx(80 * 100.0)
        assert mined[co] == pytest.approx(80 * 10.0 - 200.0)


def test_ban_without_limit_stocks_everything(direct, world_of) -> None:
    data = direct(transit=1.0, horizon=80, policies={"export_bans": {"ban": {
        "commodity": "copper", "start": 10, "end": 40}}})
    world = world_of(data)
    mine = world.sites[world.site_index["mine"]]
    stock = {}
    world.env.timeout(39.5).callbacks.append(lambda _e: stock.__setitem__("end", mine.stock[0]))
    world.run()
    assert world.curtailed[0] == 0.0
    assert stock["end"] == pytest.approx(3000.0)


def test_ban_only_on_named_channels(direct, world_of, build) -> None:
    data = direct(transit=1.0, horizon=30, policies={"export_bans": {"ban": {
        "commodity": "copper", "start": 0, "channels": ["other"]}}},
        extra_channels={"other": {"routes": {"main": {"path": ["market"]}}}})
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.5, "other": 0.5}}
    world = world_of(data)
    world.run()
    assert world.exported_by_channel[0, 0] == pytest.approx(30 * 50.0)
    assert world.exported_by_channel[0, 1] == 0.0


def monthly_exports(res, start: dt.date) -> dict[tuple[int, int], float]:
    frame = res.series.query("metric == 'exported_t' and replication == 0")
    frame = frame.assign(month=[(d.year, d.month) for d in frame["date"]])
    return frame.groupby("month")["value"].sum().to_dict()


def quota_run(direct, **quota):
    spec = {"commodity": "copper",
            "schedule": [{"start": "2024-01-01", "end": "2024-06-30", "tonnes": 1000,
                          "period": "month"}], **quota}
    data = direct(transit=1.0, horizon=182, policies={"export_quotas": {"q": spec}})
    data["series_period_days"] = 1
    return sim.run(scenario_from_dict(data), replications=1, seed=1)


def test_quota_caps_every_period_without_carry_over(direct) -> None:
    res = quota_run(direct, carry_over=False)
    months = monthly_exports(res, dt.date(2024, 1, 1))
    assert set(months) == {(2024, m) for m in range(1, 7)}
    for month, tonnes in months.items():
        assert tonnes == pytest.approx(1000.0), month
    assert res.kpi("curtailed_t", "copper")[0] == 0.0  # no stock limit given


def test_quota_carry_over_and_first_export_delay(direct) -> None:
    res = quota_run(direct, carry_over=True, first_export_delay_days=45)
    months = monthly_exports(res, dt.date(2024, 1, 1))
    assert months[(2024, 1)] == 0.0
    # February gets its own 1000 t plus January's unused 1000 t
    assert months[(2024, 2)] == pytest.approx(2000.0)
    cumulative = np.cumsum([months[(2024, m)] for m in range(1, 7)])
    assert np.all(cumulative <= 1000.0 * np.arange(1, 7) + 1e-6)


def test_quota_without_carry_over_loses_unused_allowance(direct) -> None:
    res = quota_run(direct, carry_over=False, first_export_delay_days=45)
    months = monthly_exports(res, dt.date(2024, 1, 1))
    assert months[(2024, 1)] == 0.0
    assert months[(2024, 2)] == pytest.approx(1000.0)


def test_quota_strategic_share_is_withheld(direct) -> None:
    res = quota_run(direct, carry_over=False, strategic_share=0.1)
    for month, tonnes in monthly_exports(res, dt.date(2024, 1, 1)).items():
        assert tonnes == pytest.approx(900.0), month


def test_quota_allocation_between_mines(build) -> None:
    sites = {"big": build.mine(200 * 365.25), "small": build.mine(), "market": build.market()}
    lanes = [build.lane("big", "market", 1.0), build.lane("small", "market", 1.0)]
    data = build.scenario(sites, lanes, ["market"], horizon=30)
    data["policies"] = {"export_quotas": {"q": {
        "commodity": "copper", "allocation": {"big": 0.25, "small": 0.75},
        "schedule": [{"start": 0, "end": 29, "tonnes": 1200}], "carry_over": False}}}
    res = sim.run(scenario_from_dict(data), replications=1, seed=1)
    assert res.kpi("exported_t", "copper")[0] == pytest.approx(1200.0)
    assert res.kpi("stranded_end_t", "copper")[0] == pytest.approx(30 * 300.0 - 1200.0)


def test_quota_without_allocation_goes_to_mines_by_output_on_its_channels(build) -> None:
    # Two mines of 100 t/day, one shipping on `formal`, the other on `other`; a quota on
    # `formal` alone. Shared by total output, half the allowance went to the mine that
    # cannot use it.
    sites = {"a": build.mine(), "b": build.mine(), "market": build.market()}
    lanes = [build.lane("a", "market", 1.0), build.lane("b", "market", 1.0)]
    data = build.scenario(sites, lanes, ["market"], horizon=60)
    data["channels"]["other"] = {"routes": {"main": {"path": ["market"]}}}
    data["sites"]["b"]["offtake"] = {"copper": {"other": 1.0}}
    data["policies"] = {"export_quotas": {"q": {
        "commodity": "copper", "channels": ["formal"], "carry_over": False,
        "schedule": [{"start": 0, "end": 59, "tonnes": 1200}]}}}
    world = World(scenario_from_dict(data), Streams(1, 0))
    world.run()
    world.check_mass_balance()
    quota = world.shocks.quotas[0]
    assert quota.shares == {world.site_index["a"]: 1.0}
    assert quota.exported == pytest.approx(1200.0)
    assert world.exported_by_channel[0, world.channel_index["other"]] == pytest.approx(
        60 * 100.0, rel=0.05)


@pytest.mark.parametrize("order", [("formal", "other"), ("other", "formal")])
def test_channels_of_a_mine_share_a_binding_quota_by_what_they_have_waiting(
        direct, world_of, order) -> None:
    # 100 t/day split 3:1 between two channels under a quota of 600 t a month: once the
    # first month's allowance is used, both channels have a backlog, and asked one by one
    # the channel listed first took each new month's allowance whole
    data = direct(transit=1.0, horizon=91, policies={"export_quotas": {"q": {
        "commodity": "copper",
        "schedule": [{"start": "2024-01-01", "end": "2024-03-31", "tonnes": 600,
                      "period": "month"}]}}},
        extra_channels={"other": {"routes": {"main": {"path": ["market"]}}}})
    channels = data["channels"]
    data["channels"] = {name: channels[name] for name in order}
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 0.75, "other": 0.25}}
    world = world_of(data)
    world.run()
    world.check_mass_balance()
    exported = {name: world.exported_by_channel[0, world.channel_index[name]]
                for name in ("formal", "other")}
    assert sum(exported.values()) == pytest.approx(3 * 600)
    assert exported["formal"] == pytest.approx(3 * exported["other"], rel=1e-9)
