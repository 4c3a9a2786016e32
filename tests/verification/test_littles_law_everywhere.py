"""Little's law, L = lambda W, at every kind of place that holds metal.

``test_queueing.py`` checks it at a single-lane border post and at a port from the
components' own time integrals. Here the time-average stock ``L`` is measured from outside:
the world is *probed* at times fixed before the run starts, and each probe reads the tonnes
the component physically holds (``held()``, the same figure the mass-balance check uses).
``lambda`` is the tonnes per day that pass, and ``W`` the mean days a tonne stays, measured
from the lots' own timestamps or known from the scenario. So the check ties three
independent measurements together.

* Queues and delays (border post with three lanes, capacitated rail lane, port, trading hub,
  junction with an added delay): probes at Poisson times (by PASTA their average is an
  unbiased estimate of the time average). Each replication gives ``d = L - lambda W``; the
  99% Student-t interval of ``d`` over the replications must contain 0, and where theory
  gives ``W`` the interval of ``L`` must contain ``lambda W``.
* Refiner feed and refined-metal stocks, and market stocks, are *inventories*: metal is
  pooled, so no tonne has an identity and ``W`` cannot be measured per tonne. Little's law
  then says what ``W`` means: the mean residence under first-in-first-out, i.e. days of
  cover ``L / lambda``. The chains here are deterministic, so the stock path is known by
  hand; probes on a regular grid give the exact time average, which must equal
  ``lambda x`` the residence worked out from the model's rules (feed waits for the day's
  refining step; refined metal waits for the next dispatch; market stock turns over in
  ``stock / demand`` days).
* Mine stockyards and stockpiles hold metal only under a ban, quota or stockpile policy,
  which makes their stock grow or stop by design: there is no steady state, and Little's
  law (a steady-state law) says nothing there. Their accounting is checked by the mass
  balance instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.world import World

REPS = 10


def ci99(values) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.995, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v))
    return float(v.mean()), float(half)


def probe(world: World, read: Callable[[], float], times: np.ndarray) -> list[float]:
    """Read ``read()`` at each of ``times`` (scheduled now, before the run)."""
    out: list[float] = []
    env = world.env
    for t in times:
        env.timeout(float(t) - env.now).callbacks.append(lambda _ev: out.append(read()))
    return out


def poisson_times(t_from: float, t_to: float, rate: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0 / rate, int((t_to - t_from) * rate * 1.5) + 50)
    times = t_from + np.cumsum(gaps)
    return times[times < t_to]


def grid_times(t_from: float, t_to: float, step: float) -> np.ndarray:
    n = round((t_to - t_from) / step)
    return t_from + (np.arange(n) + 0.5) * step


def poisson_mine(build, lam: float) -> dict:
    """A mine sending Poisson arrivals of 25 t lots at ``lam`` lots a day."""
    rate = build.PAYLOAD_T * build.DAYS_PER_YEAR * lam
    return build.mine(rate, lot_interval_days={"dist": "exponential", "mean": 1 / lam})


# ----------------------------------------------------------------------------- queues
def border_case(build):
    post = build.border(8.0, servers=3, service_variability={"dist": "exponential", "mean": 1})
    data = build.scenario({"mine": poisson_mine(build, 6.0), "border": post,
                           "market": build.market()},
                          [build.lane("mine", "border", 0), build.lane("border", "market", 1)],
                          ["border", "market"], horizon=400, warmup=30)

    def measure(world: World, site) -> tuple[float, float]:
        st = site.server.finish_stats()
        elapsed = st.last_t - st.start_t
        return st.tonnes_done / elapsed, st.sojourn_lot_days / st.n_done  # equal lots

    return data, "border", measure, None


def rail_case(build):
    # a rail line: loading queue (250 t/day, deterministic) then 1.5 days of travel; the
    # lane holds lots waiting, loading and travelling
    data = build.scenario(
        {"mine": poisson_mine(build, 7.0), "terminal": build.site("junction"),
         "market": build.market()},
        [build.lane("mine", "terminal", 0),
         build.lane("terminal", "market", 1.5, mode="rail", capacity_t_per_day=250.0)],
        ["terminal", "market"], horizon=400, warmup=30)

    def measure(world: World, lane) -> tuple[float, float]:
        st = lane.server.finish_stats()
        elapsed = st.last_t - st.start_t
        return st.tonnes_done / elapsed, st.sojourn_lot_days / st.n_done + 1.5

    return data, "lane:terminal_market", measure, None


def occupancy_measure(world: World, site) -> tuple[float, float]:
    occ = site.occupancy.finish(world.env.now)
    elapsed = occ.last_t - occ.start_t
    return occ.through_t / elapsed, occ.dwell_tonne_days / occ.through_t


def port_case(build):
    sailing = {"interval_days": {"dist": "uniform", "low": 1, "high": 3}, "vessel_t": 1e6}
    data = build.scenario(
        {"mine": poisson_mine(build, 4.0), "port": build.port(), "market": build.market()},
        [build.lane("mine", "port", 0.5),
         build.lane("port", "market", 10, mode="sea", sailing=sailing)],
        ["port", "market"], horizon=400, warmup=30)
    return data, "port", occupancy_measure, None


def hub_case(build):
    dwell = {"dist": "gamma", "shape": 3, "scale": 0.5}  # mean 1.5 days
    data = build.scenario(
        {"mine": poisson_mine(build, 4.0),
         "hub": build.site("trading_hub", dwell_days=dwell), "market": build.market()},
        [build.lane("mine", "hub", 0.5), build.lane("hub", "market", 2)],
        ["hub", "market"], horizon=400, warmup=30)
    return data, "hub", occupancy_measure, 1.5


def junction_case(build):
    # a junction holds lots only while a shock delays them: U(0.5, 1.5) days each, all run
    data = build.scenario(
        {"mine": poisson_mine(build, 4.0), "junction": build.site("junction"),
         "market": build.market()},
        [build.lane("mine", "junction", 0.5), build.lane("junction", "market", 2)],
        ["junction", "market"], horizon=400, warmup=30,
        shocks={"events": {"checkpoint": {
            "start": -30, "targets": {"sites": ["junction"]},
            "effects": {"added_delay_days": {"dist": "uniform", "low": 0.5, "high": 1.5}}}}})

    def measure(world: World, site) -> tuple[float, float]:
        led = world.ledger
        i = site.index
        through = (led.site_out[i].sum() - world.mark["site_out"][i].sum())
        return through / (world.t_end - world.t0), float("nan")  # W from theory only

    return data, "junction", measure, 1.0


CASES = {"border post (3 lanes)": border_case, "rail lane": rail_case, "port": port_case,
         "trading hub": hub_case, "junction": junction_case}


@pytest.mark.parametrize("name", list(CASES))
def test_littles_law_at_queues_and_delays(build, name: str) -> None:
    data, where, measure, w_theory = CASES[name](build)
    sc = scenario_from_dict(data)
    diffs, ls, lam_w_theory = [], [], []
    for rep in range(REPS):
        world = World(sc, Streams(40, rep))
        if where.startswith("lane:"):
            element = world.lanes[world.lane_index[where[5:]]]
            read = lambda el=element: float(el.held(world.n_commodities).sum())  # noqa: E731
        else:
            element = world.sites[world.site_index[where]]
            read = lambda el=element: float(el.held().sum())  # noqa: E731
        samples = probe(world, read, poisson_times(world.t0, world.t_end, 5.0, 1000 + rep))
        world.run()
        lam, w = measure(world, element)
        L = float(np.mean(samples))
        ls.append(L)
        if not math.isnan(w):
            diffs.append(L - lam * w)
        if w_theory is not None:
            lam_w_theory.append(lam * w_theory)
    assert min(ls) > 10.0, "the place must actually hold metal for the check to mean much"
    if diffs:
        d, half = ci99(diffs)
        assert half < 0.05 * np.mean(ls), f"interval +-{half:.3g} t too wide"
        assert abs(d) <= half, f"L - lambda W = {d:.4g} +- {half:.3g} t"
    if lam_w_theory:
        diff_theory = np.asarray(ls) - np.asarray(lam_w_theory)
        d, half = ci99(diff_theory)
        assert half < 0.05 * np.mean(ls)
        assert abs(d) <= half, f"L - lambda E[W] = {d:.4g} +- {half:.3g} t"


# ----------------------------------------------------------------------------- inventories
def inventory_chain(build, *, dispatch_period: float = 1.0) -> dict:
    """100 t/day from a mine to a refiner (feed arrives at day + 0.25), refined at day end
    (capacity 200 t/day, above the feed), shipped every ``dispatch_period`` days to a market
    (arrives 0.5 days later) that consumes 100 t/day from a start stock of 1,000 t."""
    refiner = build.site("refiner", region="away", capacity_t_per_year={
        "copper": 200 * build.DAYS_PER_YEAR}, sales={"copper": {"market": 1.0}},
        dispatch_period_days=dispatch_period)
    market = build.market(initial_stock_t={"copper": 1000.0})
    return build.scenario({"mine": build.mine(), "refiner": refiner, "market": market},
                          [build.lane("mine", "refiner", 0.25),
                           build.lane("refiner", "market", 0.5)],
                          ["refiner"], horizon=100, warmup=20)


def grid_average(data: dict, read: Callable[[World], float]) -> tuple[float, World]:
    world = World(scenario_from_dict(data), Streams(0, 0))
    samples = probe(world, lambda: read(world), grid_times(world.t0, world.t_end, 0.05))
    world.run()
    return float(np.mean(samples)), world


def test_refiner_feed_waits_for_the_days_refining(build) -> None:
    data = inventory_chain(build)
    L, world = grid_average(data, lambda w: float(w.sites[w.site_index["refiner"]].stock[0]))
    # feed arrives at k + 0.25 and is refined at k + 1: every tonne waits 0.75 days
    lam = 100.0
    assert L == pytest.approx(lam * 0.75, rel=1e-9)
    refiner = world.sites[world.site_index["refiner"]]
    assert refiner.refined[0] - world.mark["refined"][0][0] == pytest.approx(lam * 100)


def test_refined_metal_waits_for_the_next_dispatch(build) -> None:
    data = inventory_chain(build, dispatch_period=5.0)
    L, _ = grid_average(data, lambda w: float(w.sites[w.site_index["refiner"]].output[0]))
    # refined at each day end, shipped at every fifth: tonnes wait 0, 1, 2, 3 or 4 days
    assert L == pytest.approx(100.0 * np.mean([0, 1, 2, 3, 4]), rel=1e-9)


def test_market_stock_turns_over_in_stock_over_demand_days(build) -> None:
    data = inventory_chain(build)
    L, world = grid_average(data, lambda w: float(w.sites[w.site_index["market"]].stock[0]))
    # refined metal leaves at k + 1 and arrives at k + 1.5; the day end at k + 2 consumes
    # 100 t and leaves the start stock of 1,000 t: the stock is 1,000 t for half of each day
    # and 1,100 t for the other half
    lam = 100.0
    assert L == pytest.approx(1050.0, rel=1e-9)
    # FIFO residence (days of cover) = L / lambda = 1,000 / 100 days in stock + 0.5 days
    # before the day's consumption
    assert L / lam == pytest.approx(1000.0 / lam + 0.5, rel=1e-9)
    assert world.sites[world.site_index["market"]].stock[0] == pytest.approx(1000.0)
