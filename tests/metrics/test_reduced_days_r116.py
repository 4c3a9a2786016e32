"""Review 116: a border post throttled to 30% for a week was reported "closed 0 days",
with no KPI for the days it ran below capacity. ``reduced_days`` counts them, closures
included."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_reduced_days_count_throttles_and_closures_closed_days_closures_only(tmp_path):
    path = tmp_path / "throttled.yaml"
    path.write_text(f"""extends: {TINY}
name: throttled
lanes:
  border_market:
    capacity_t_per_day: {{value: 1000, assumption: test input}}
shocks:
  events:
    strike:
      start: 10
      end: 17
      targets: {{sites: [border]}}
      effects:
        capacity_factor: {{value: 0.3, assumption: test input}}
    shut:
      start: 15
      end: 25
      targets: {{sites: [border]}}
      effects:
        capacity_factor: {{value: 0.0, assumption: test input}}
    slow_road:
      start: 40
      end: 43.5
      targets: {{lanes: [border_market]}}
      effects:
        capacity_factor: {{value: 0.5, assumption: test input}}
""", encoding="utf-8")
    res = sim.run(sim.load_scenario(path), replications=1, seed=0)
    # below capacity from day 10 to day 25 (throttled, then closed from 15): 15 days
    assert res.kpi("reduced_days", "all", "all", "border")[0] == pytest.approx(15.0)
    assert res.kpi("closed_days", "all", "all", "border")[0] == pytest.approx(10.0)
    # a throttled lane: reduced, never closed
    assert res.kpi("reduced_days", "all", "all", "border_market")[0] == pytest.approx(3.5)
    assert res.kpi("closed_days", "all", "all", "border_market")[0] == 0.0


def test_a_region_s_throttle_reduces_only_what_it_can_slow(tmp_path):
    # review 119: a region throttled at 50% gave its junctions and roads without a
    # capacity reduced days, though only a closure acts on them
    path = tmp_path / "region.yaml"
    path.write_text(f"""extends: {TINY}
name: region
shocks:
  events:
    unrest:
      start: 40
      end: 50
      targets: {{regions: [home]}}
      effects:
        capacity_factor: {{value: 0.5, assumption: test input}}
    washout:
      start: 60
      end: 65
      targets: {{lanes: [mine_border]}}
      effects:
        capacity_factor: {{value: 0.0, assumption: test input}}
""", encoding="utf-8")
    res = sim.run(sim.load_scenario(path), replications=1, seed=0)
    assert res.kpi("reduced_days", "all", "all", "border")[0] == pytest.approx(10.0)
    # the road from the mine has no capacity: only its closure slows it, which
    # closed_days says (a reduced_days row would repeat it, review 121)
    assert res.kpi("closed_days", "all", "all", "mine_border")[0] == pytest.approx(5.0)
    with pytest.raises(KeyError):
        res.kpi("reduced_days", "all", "all", "mine_border")


def test_a_port_of_arrival_is_reduced_only_when_closed(tmp_path):
    # review 120: a port without handling or sailings, which a throttle does not slow,
    # got the region's throttled days
    path = tmp_path / "quay.yaml"
    path.write_text(f"""extends: {TINY}
name: quay
sites:
  quay:
    kind: port
    region: home
    location: {{lat: -13.0, lon: 29.0, assumption: test input}}
lanes:
  border_market: null
  border_quay: {{from: border, to: quay, mode: road, transit_days: 2}}
  quay_market: {{from: quay, to: market_x, mode: road, transit_days: 8}}
channels:
  formal:
    routes:
      direct: {{path: [border, quay, market_x]}}
shocks:
  events:
    region_slow:
      start: 20
      end: 30
      targets: {{regions: [home]}}
      effects:
        capacity_factor: {{value: 0.5, assumption: test input}}
""", encoding="utf-8")
    res = sim.run(sim.load_scenario(path), replications=1, seed=0)
    assert res.kpi("closed_days", "all", "all", "quay")[0] == 0.0
    with pytest.raises(KeyError):
        res.kpi("reduced_days", "all", "all", "quay")
    assert res.kpi("reduced_days", "all", "all", "border")[0] == pytest.approx(10.0)
