"""A border post's queue in trucks (``peak_held_trucks``), as truck queues are reported
(review 52: the scenarios' notes turned a queue of tonnes into trucks at the cathode
payload, though concentrate and hydroxide trucks carry less metal, and the model's queue
could not be read in trucks)."""

from __future__ import annotations

import pytest

import sim
from sim.scenario import scenario_from_dict


def post_chain(build, forms: dict[str, float] | None = None) -> dict:
    """100 t of copper cathode a day (4 trucks of 25 t) through a post clearing 2 trucks
    a day: lot n is in at n + 0.5 and cleared at 2.5 + 2n, one lot at a time."""
    data = build.scenario({"mine": build.mine(), "post": build.border(2.0),
                           "market": build.market()},
                          [build.lane("mine", "post", 0.5), build.lane("post", "market", 1)],
                          ["post", "market"], horizon=40)
    return data


def test_the_queue_at_its_worst_in_trucks(build) -> None:
    res = sim.run(scenario_from_dict(post_chain(build)), replications=1, seed=1)
    # at the end of day 40 lots 0..39 are in and 0..18 cleared (the 20th ends at 40.5):
    # 21 lots of 4 trucks, the most at any day's end
    assert res.kpi("peak_held_trucks", site="post")[0] == pytest.approx(84.0, rel=1e-12)
    assert res.kpi("peak_held_t", commodity="copper", site="post")[0] == pytest.approx(2100.0)


def test_trucks_follow_each_forms_payload(build) -> None:
    # the same tonnes as concentrate of grade 0.5 in 30 t trucks: 100 t of copper is 200 t
    # of product, 6 2/3 trucks a lot, so the post clears a lot in 3 1/3 days
    data = post_chain(build)
    data["commodities"]["copper"]["forms"]["concentrate"] = {
        "grade": 0.5, "payload_t_per_truck": 30, "assumption": "test"}
    data["sites"]["mine"]["output"]["copper"]["form"] = "concentrate"
    res = sim.run(scenario_from_dict(data), replications=1, seed=1)
    # lot n cleared at 0.5 + (n + 1) 10/3: by day 40, lots 0..10 (the 12th ends at 40.5)
    in_line = 40 - 11
    assert res.kpi("peak_held_trucks", site="post")[0] == pytest.approx(in_line * 20 / 3)
    assert res.kpi("peak_held_t", commodity="copper", site="post")[0] == pytest.approx(
        in_line * 100.0)


def test_only_border_posts_report_it(build) -> None:
    res = sim.run(scenario_from_dict(post_chain(build)), replications=1, seed=1)
    sites = {lab[2] for lab in res.kpi_labels if lab[3] == "peak_held_trucks"}
    assert sites == {"post"}


def test_lots_held_after_clearance_count_too(build) -> None:
    # a 7-day delay at the post holds each lot after its clearance (half a day at 8
    # trucks a day): in line, in clearance or held, all are at the post
    data = post_chain(build)
    data["sites"]["post"]["clearance_trucks_per_day"] = 8.0
    data["shocks"] = {"events": {"checks": {"start": 0, "targets": {"sites": ["post"]},
                                            "effects": {"added_delay_days": 7},
                                            "assumption": "test"}}}
    res = sim.run(scenario_from_dict(data), replications=1, seed=1)
    held_t = res.kpi("peak_held_t", commodity="copper", site="post")[0]
    # lot n is at the post from n + 0.5 to n + 8: 8 lots at each day's end
    assert held_t == pytest.approx(800.0)
    assert res.kpi("peak_held_trucks", site="post")[0] == pytest.approx(held_t / 25)


def test_the_peak_is_over_the_measured_period_only(build) -> None:
    # the post (5 trucks a day: 0.8 days a lot) is closed for the first 10 days of a
    # 60-day warm-up: its worst queue, 10 lots of 4 trucks, has cleared (net a quarter
    # of a lot a day) by the start, and the results see one lot at each day's end
    data = post_chain(build)
    data["sites"]["post"]["clearance_trucks_per_day"] = 5.0
    data["warmup_days"] = 60
    data["shocks"] = {"events": {"strike": {"start": -60, "end": -50,
                                            "targets": {"sites": ["post"]},
                                            "effects": {"capacity_factor": 0},
                                            "assumption": "test"}}}
    res = sim.run(scenario_from_dict(data), replications=1, seed=1)
    assert res.kpi("peak_held_t", commodity="copper", site="post")[0] == pytest.approx(100.0)
    assert res.kpi("peak_held_trucks", site="post")[0] == pytest.approx(4.0)
