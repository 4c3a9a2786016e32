"""Exact-value KPI and series checks that kill the mutants review 76 found surviving
(F1-F3, F12, F13): each expected value is worked out by hand from the chain's numbers.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sim.experiment.replication import run_replication
from sim.metrics.series import catalogue, month_periods
from sim.scenario import scenario_from_dict
from sim.world.recorder import Recorder

EXACT = {"rel": 1e-12, "abs": 1e-12}


def kpi_rows(data: dict) -> dict[tuple[str, str, str], float]:
    """{(channel, site, metric): value} of copper's KPIs and the commodity-free ones
    (regime shares) of replication 0, seed 1."""
    res = run_replication(scenario_from_dict(data), 1, 0)
    return {(ch, site, metric): value for com, ch, site, metric, _u, value in res.kpis
            if com in ("copper", "all")}


# ----------------------------------------------------------------------------- F1
def three_mines_two_china_refiners(build) -> dict:
    """Mines of 300, 100 and 100 t/day each feed their own refiner one day away: two in
    China, one in the US, capacity far above the feed and full recovery, so over the
    measured period China refines 300 + 100 = 400 of every 500 t."""
    ref = lambda region: build.site("refiner", region=region,  # noqa: E731
                                    capacity_t_per_year={"copper": 1e6},
                                    sales={"copper": {"market": 1.0}})
    sites = {"mine_cn": build.mine(300 * build.DAYS_PER_YEAR),
             "mine_cn2": build.mine(100 * build.DAYS_PER_YEAR),
             "mine_us": build.mine(100 * build.DAYS_PER_YEAR),
             "ref_cn": ref("away"), "ref_cn2": ref("away"), "ref_us": ref("usa"),
             "market": build.site("market", region="away",
                                  demand_t_per_year={"copper": 500 * build.DAYS_PER_YEAR})}
    lanes = [build.lane("mine_cn", "ref_cn", 1.0), build.lane("mine_cn2", "ref_cn2", 1.0),
             build.lane("mine_us", "ref_us", 1.0), build.lane("ref_cn", "market", 1.0),
             build.lane("ref_cn2", "market", 1.0), build.lane("ref_us", "market", 1.0)]
    routes = {"cn": {"path": ["ref_cn"], "share": 1 / 3},
              "cn2": {"path": ["ref_cn2"], "share": 1 / 3},
              "us": {"path": ["ref_us"], "share": 1 / 3}}
    data = build.scenario(sites, lanes, [], horizon=60, warmup=10, routes=routes)
    data["regions"]["usa"] = {"country": "USA"}
    return data


def test_two_refiners_of_one_country_add_their_tonnes_beside_another_country(build) -> None:
    # F1: a second refiner of a country replaced the first one's tonnes instead of adding
    k = kpi_rows(three_mines_two_china_refiners(build))
    assert k[("all", "country:CHN", "refined_share")] == pytest.approx(0.8, **EXACT)
    assert k[("all", "country:USA", "refined_share")] == pytest.approx(0.2, **EXACT)
    # 10^4 x (0.8^2 + 0.2^2)
    assert k[("all", "all", "refining_hhi")] == pytest.approx(6800.0, **EXACT)


# ----------------------------------------------------------------------------- F2
def two_channel_lanes(build) -> dict:
    """Channel fast: 100 t/day on a 2-day lane; channel slow: 300 t/day on a 5-day lane,
    both to one market; the 10-day warm-up fills both lanes, so every measured day
    delivers 100 t after exactly 2 days and 300 t after exactly 5."""
    sites = {"mine_a": build.mine(100 * build.DAYS_PER_YEAR, channel="fast"),
             "mine_b": build.mine(300 * build.DAYS_PER_YEAR, channel="slow"),
             "market": build.market(400 * build.DAYS_PER_YEAR)}
    lanes = [build.lane("mine_a", "market", 2.0), build.lane("mine_b", "market", 5.0)]
    data = build.scenario(sites, lanes, ["market"], horizon=40, warmup=10)
    data["channels"] = {"fast": {"routes": {"main": {"path": ["market"]}}},
                        "slow": {"routes": {"main": {"path": ["market"]}}}}
    return data


def test_each_channels_lead_time_is_its_own_transit(build) -> None:
    # F2: a channel's lead time was divided by every channel's deliveries
    k = kpi_rows(two_channel_lanes(build))
    assert k[("fast", "all", "mean_lead_time_days")] == pytest.approx(2.0, **EXACT)
    assert k[("slow", "all", "mean_lead_time_days")] == pytest.approx(5.0, **EXACT)
    assert k[("fast", "all", "delivered_share")] == pytest.approx(0.25, **EXACT)
    # the total is the delivery-weighted mean: (100 x 2 + 300 x 5) / 400
    assert k[("all", "all", "mean_lead_time_days")] == pytest.approx(4.25, **EXACT)
    weighted = sum(k[(ch, "all", "delivered_share")] * k[(ch, "all", "mean_lead_time_days")]
                   for ch in ("fast", "slow"))
    assert weighted == pytest.approx(k[("all", "all", "mean_lead_time_days")], rel=1e-9)


# ----------------------------------------------------------------------------- F3
HORIZON = 200


def regime_scenario(build) -> dict:
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1.0)], ["market"],
                          horizon=HORIZON, warmup=20)
    data["lot_period_days"] = 10.0
    data["shocks"] = {"regimes": {"east": {
        "targets": {"sites": ["mine"]},
        "states": {"calm": {}, "contested": {"effects": {"capacity_factor": 0.5}}},
        "rates_per_year": {"calm": {"contested": 12.0}, "contested": {"calm": 12.0}}}}}
    return data


def days_in_states_from_timeline(rows, horizon: float) -> dict[str, float]:
    """Days of the measured period [0, horizon] spent in each state, from the timeline's
    regime rows (days since the start date, rounded to 1e-6; 'state: effects')."""
    changes = sorted((t, detail.split(":", 1)[0]) for t, kind, _id, _act, detail in rows
                     if kind == "regime")
    out = {"calm": 0.0, "contested": 0.0}
    for (t, state), (t_next, _) in zip(changes, [*changes[1:], (horizon, "")], strict=True):
        a, b = max(t, 0.0), min(t_next, horizon)
        if b > a:
            out[state] += b - a
    return out


def test_regime_state_shares_are_days_over_the_horizon_and_sum_to_one(build) -> None:
    # F3: shares divided by the longest state's days: they no longer summed to 1
    data = regime_scenario(build)
    res = run_replication(scenario_from_dict(data), 1, 0)
    k = {(site, metric): value for _c, _ch, site, metric, _u, value in res.kpis}
    days = days_in_states_from_timeline(res.timeline, HORIZON)
    assert min(days.values()) > 10  # both states are visited with this seed
    calm = k[("east:calm", "state_time_share")]
    contested = k[("east:contested", "state_time_share")]
    assert calm + contested == pytest.approx(1.0, abs=1e-12)
    assert calm == pytest.approx(days["calm"] / HORIZON, abs=1e-7)
    assert contested == pytest.approx(days["contested"] / HORIZON, abs=1e-7)


# ----------------------------------------------------------------------------- F12
def test_a_fractional_horizon_is_refused(build) -> None:
    # the schema keeps horizons whole, so the catalogue's ceil (F12) only matters for a
    # scenario built without validation (below)
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1.0)], ["market"], horizon=10.5)
    with pytest.raises(Exception, match="whole number of days"):
        scenario_from_dict(data)


def test_series_periods_cover_every_day_the_recorder_keeps(build) -> None:
    # F12: the catalogue counted int(horizon) days where the recorder keeps ceil(horizon)
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1.0)], ["market"], horizon=14)
    sc = scenario_from_dict(data).model_copy(update={"horizon_days": 10.5})
    assert sc.horizon == 10.5
    kept = Recorder(0.0, sc.horizon, 1, 1, 1, 1, 1).n_days
    assert kept == 11
    cat = catalogue(sc)
    assert cat.days == [7, 4]
    assert sum(cat.days) == kept
    assert cat.dates == [dt.date(2024, 1, 1), dt.date(2024, 1, 8)]


# ----------------------------------------------------------------------------- F13
def test_a_monthly_run_from_the_2nd_has_a_cut_first_month(build) -> None:
    # F13: a run starting on the 2nd was taken as starting on the 1st (first cut 0)
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1.0)], ["market"], horizon=60,
                          start="2025-01-02", series_period_days="month")
    cat = catalogue(scenario_from_dict(data))
    # 2025-01-02..31 is 30 days, February 28, and March gets the last 60 - 58 = 2
    assert cat.dates == [dt.date(2025, 1, 2), dt.date(2025, 2, 1), dt.date(2025, 3, 1)]
    assert cat.days == [30, 28, 2]
    assert cat.first_cut_days == 30
    assert cat.cut_days == 2
    dates, days = month_periods(dt.date(2025, 1, 1), 59)
    from_first = type(cat)(cat.keys, cat.period_days, dates, days)
    assert from_first.days == [31, 28] and from_first.first_cut_days == 0
