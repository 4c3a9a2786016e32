"""A convoy (lots arriving at a border post at the same instant) is cleared lot by lot.

Each lot of a convoy is its own first-come-first-served job on the post's ``servers``
clearance lanes, with its own variability draw, and goes on when its own clearance ends.
Clearing a convoy as one job on one lane left the other lanes idle, counted no wait behind
one's own convoy, and released every lot only when the last was cleared.

The figures are worked out by hand for deterministic arrivals and clearance (no
variability), so they are exact.
"""

from __future__ import annotations

import heapq

import pytest

import sim
from sim.scenario import scenario_from_dict
from sim.world.events import Environment
from sim.world.lots import Lot
from sim.world.queues import FifoServer


def det_road(servers: int) -> dict:
    """1 t/day of one-truck lots, mined at whole days: a 1-day road to a post clearing 2
    trucks a day over ``servers`` lanes, then a 5-day road to a market; 200 days after 20
    of warm-up. The first road closes on days 100-110 of the period (time 120-130), so the
    lots mined at 120..130 reach the post together at 131: one convoy of 11."""
    return {
        "name": "det_road", "start": "2025-01-01", "horizon_days": 200, "warmup_days": 20,
        "series_period_days": 1,
        "commodities": {"cobalt": {"forms": {"unit": {"grade": 1.0,
                                                      "payload_t_per_truck": 1}}}},
        "regions": {"home": {"country": "COD"}, "away": {"country": "CHN"}},
        "sites": {
            "mine": {"kind": "mine", "region": "home", "location": {"lat": -10, "lon": 26},
                     "output": {"cobalt": {"form": "unit", "t_per_year": 365.25}},
                     "offtake": {"cobalt": {"formal": 1.0}}},
            "border": {"kind": "border_post", "region": "home",
                       "location": {"lat": -12, "lon": 28},
                       "clearance_trucks_per_day": 2, "servers": servers},
            "market": {"kind": "market", "region": "away",
                       "location": {"lat": 30, "lon": 120},
                       "demand_t_per_year": {"cobalt": 365.25},
                       "initial_stock_t": {"cobalt": 1000000}},
        },
        "lanes": {
            "mine_border": {"from": "mine", "to": "border", "mode": "road", "transit_days": 1},
            "border_market": {"from": "border", "to": "market", "mode": "road",
                              "transit_days": 5},
        },
        "channels": {"formal": {"routes": {"r": {"path": ["border", "market"]}}}},
        "shocks": {"events": {"shut": {"start": 100, "duration_days": 10,
                                       "targets": {"lanes": ["mine_border"]},
                                       "effects": {"capacity_factor": 0}}}},
    }


def run_det_road(servers: int) -> tuple[float, float, float]:
    res = sim.run(scenario_from_dict(det_road(servers)), replications=1, seed=1, workers=1)
    return (res.kpi("mean_lead_time_days", commodity="cobalt")[0],
            res.kpi("mean_wait_days", site="border")[0],
            res.kpi("throughput_trucks", site="border")[0])


def test_convoy_spreads_over_four_lanes() -> None:
    # Each lane clears a truck in 2 days; one lot a day keeps at most 2 lanes busy, so a
    # lot alone waits 0 and takes 1 + 2 + 5 = 8 days. The convoy of 11 at 131 (mined
    # 120..130) starts 4 at 131, 4 at 133 and 3 at 135 (waits 0, 2, 4: 20 lot-days) and
    # they finish at 133, 135, 137: leads 18+17+16+15 + 16+15+14+13 + 14+13+12 = 163.
    # Lots arriving at 132..138 then wait 3, 4, 3, 2, 1, 2, 1 (16 lot-days, each a day
    # of lead too). 200 lots start service in the period (arrivals at 20..219) and 200
    # are delivered (mined 12..211): wait (20 + 16) / 200 = 0.18, lead
    # (200 * 8 + (163 - 11 * 8) + 16) / 200 = 8.455.
    lead, wait, trucks = run_det_road(4)
    assert wait == pytest.approx(36 / 200, abs=1e-9)
    assert lead == pytest.approx(1691 / 200, abs=1e-9)
    assert trucks == pytest.approx(200.0)


def test_convoy_on_one_lane() -> None:
    # One lane clears a truck in half a day, so a lot alone takes 6.5 days. The convoy's
    # lots start at 131, 131.5, ..., 136 (waits 0..5 by halves: 27.5 lot-days) and each
    # leaves as it is cleared: leads 16.5 - k/2 for k = 0..10, 154 in all. Lots arriving
    # at 132..140 wait 4.5, 4, ..., 0.5 (22.5). 200 lots start service (arrivals at
    # 20..219) and 200 are delivered (mined 14..213): wait 50 / 200 = 0.25, lead
    # (200 * 6.5 + (154 - 11 * 6.5) + 22.5) / 200 = 7.025.
    lead, wait, _ = run_det_road(1)
    assert wait == pytest.approx(50 / 200, abs=1e-9)
    assert lead == pytest.approx(1405 / 200, abs=1e-9)


def lot(tonnes: float = 1.0, trucks_per_t: float = 1.0) -> Lot:
    return Lot(0, 0, tonnes, 1.0, trucks_per_t, (), 0, 0, 0.0)


def fcfs_finish_times(arrivals: list[float], work: list[float], servers: int,
                      rate: float) -> list[float]:
    """When each job ends on ``servers`` FCFS servers of ``rate`` units a day, jobs taken
    in the order given (the textbook recursion: a job starts when it has arrived and the
    earliest-free server is free)."""
    free = [0.0] * servers
    out = []
    for a, w in zip(arrivals, work, strict=True):
        start = max(a, heapq.heappop(free))
        heapq.heappush(free, start + w / rate)
        out.append(start + w / rate)
    return out


@pytest.mark.parametrize("servers", [1, 2, 3, 7])
def test_convoy_lots_finish_at_lot_by_lot_times(servers: int) -> None:
    # A convoy of 7 lots of different truckloads at t=1 to a post of `servers` lanes of
    # 2 trucks a day each, with one lot already in service since t=0.
    env = Environment()  # the world's: its wake-ups go through its clock
    finished: list[tuple[float, Lot]] = []
    draws = []

    def variability() -> float:
        draws.append(1)
        return 1.0

    server = FifoServer(env, servers, 2.0, units_per_t="trucks_per_t",
                        variability=variability,
                        done=lambda lots: finished.extend((env.now, x) for x in lots))
    first = lot(3.0)
    convoy = [lot(t) for t in (1.0, 4.0, 2.0, 0.5, 3.0, 1.0, 2.0)]
    server.put([first])
    env.run(until=1.0)
    server.put(convoy)
    env.run()
    expected = fcfs_finish_times([0.0] + [1.0] * 7, [3.0] + [x.tonnes for x in convoy],
                                 servers, 2.0)
    got = {id(x): t for t, x in finished}
    assert [got[id(x)] for x in [first, *convoy]] == pytest.approx(expected, abs=1e-12)
    assert len(draws) == 8  # one variability draw per lot
    st = server.finish_stats()
    starts = [e - w / 2.0 for e, w in zip(expected, [3.0] + [x.tonnes for x in convoy],
                                          strict=True)]
    waits = [s - a for s, a in zip(starts, [0.0] + [1.0] * 7, strict=True)]
    assert st.n_started == st.n_done == 8
    assert st.wait_lot_days / st.n_started == pytest.approx(sum(waits) / 8, abs=1e-12)
    sojourns = [e - a for e, a in zip(expected, [0.0] + [1.0] * 7, strict=True)]
    assert st.sojourn_lot_days == pytest.approx(sum(sojourns), abs=1e-12)
    # Little's law on the whole run: time-average lots in system = total sojourn / time
    assert st.area_lots == pytest.approx(sum(sojourns), abs=1e-12)
    assert st.units_done == pytest.approx(3.0 + sum(x.tonnes for x in convoy))


def test_convoy_lots_get_their_own_variability_draws() -> None:
    # Draws 0.5, 1.5, 1.0 for three one-truck lots on one lane of 1 truck a day: they end
    # at 0.5, 2.0 and 3.0. One draw for the convoy would end all three together.
    env = Environment()  # the world's: its wake-ups go through its clock
    out: list[float] = []
    seq = iter([0.5, 1.5, 1.0])
    server = FifoServer(env, 1, 1.0, units_per_t="trucks_per_t",
                        variability=lambda: next(seq),
                        done=lambda lots: out.extend(env.now for _ in lots))
    server.put([lot(), lot(), lot()])
    env.run()
    assert out == pytest.approx([0.5, 2.0, 3.0])
