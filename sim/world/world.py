"""The simulated world: build every component of a scenario and run one replication.

:class:`World` joins a validated scenario (what exists) with random streams (the draws of
this replication) into SimPy components (what happens). Time is in days; ``t = 0`` is the
start of the warm-up and ``t0 = warmup_days`` the scenario's start date. Everything before
``t0`` fills pipelines, queues and stocks and is excluded from results.

The world runs three kinds of activity:

* production: each mine produces a lot every lot period (mines with their own random
  interval on their own schedule) and dispatches it, on events that call back;
* movement: lots travel lane by lane through border posts, ports and hubs, each step a
  SimPy timeout with a callback, so a lot costs a few events per lane and no process;
* a daily step in which refiners refine and markets receive other supply, consume, and
  the price index moves.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any, Final

import numpy as np
from simpy.events import Process

from sim.distributions import make_sampler
from sim.scenario.checks import lane_index_held, mine_routes
from sim.scenario.plan import (
    Plan,
    expected_route_days,
    make_plan,
    route_cost,
    route_lanes,
    route_leaves,
    route_weights,
    sendable_routes,
)
from sim.scenario.schema import SITE_KINDS, Scenario
from sim.shocks.engine import ShockEngine
from sim.shocks.timeline import Timeline
from sim.streams import Streams
from sim.units import DAYS_PER_YEAR
from sim.world.daybook import DayBook
from sim.world.events import Environment
from sim.world.export_controls import ship_under_controls
from sim.world.floatrows import row_view
from sim.world.lanes import Lane, Sailings
from sim.world.ledger import BalanceReport, Ledger, cells
from sim.world.lots import Lot
from sim.world.market_step import MarketStep
from sim.world.mines import Mine
from sim.world.recorder import Recorder
from sim.world.routing import RouteOption, Router
from sim.world.sites import BorderPost, Destination, Hub, Market, Port, Refiner, SiteBase, Stockpile
from sim.world.wakeups import Clock, Urgent, Wakeup
from sim.world.wakeups import clear as clear_wakeups

MARKET_SLOTS_ONE_BY_ONE: Final = 16
"""Most [market x commodity] slots whose stocks the markets' daily step sets one by one,
through their memory, rather than by a numpy assignment from a list. Measured (callgrind,
compiled build) when the step also set the ledger's rows this way, as three numpy calls:
one by one cost about 1,600 instructions a slot, the calls about 12,600 and 900 a slot.
The ledger's rows are lists now, added to one by one on any number of slots. Either way
the values are the same."""


class World:
    """All components of one replication of a scenario.

    Build it with a validated :class:`~sim.scenario.schema.Scenario` and the
    :class:`~sim.streams.Streams` of the replication, then call :meth:`run`.
    """

    def __init__(self, sc: Scenario, streams: Streams, plan: Plan | None = None) -> None:
        with lane_index_held(sc):
            self._build(sc, streams, plan)

    def _build(self, sc: Scenario, streams: Streams, plan: Plan | None) -> None:
        self.sc = sc
        self.streams = streams
        self.plan = plan if plan is not None else make_plan(sc)
        self.env = Environment()
        self._clock: Clock = self.env.clock
        """The environment's clock, read as a field (the environment's own attributes are
        looked up by name)."""
        self.days_per_year = DAYS_PER_YEAR

        self.commodity_ids = list(sc.commodities)
        self.commodity_index = {c: i for i, c in enumerate(self.commodity_ids)}
        self.channel_ids = list(sc.channels)
        self.channel_index = {c: i for i, c in enumerate(self.channel_ids)}
        self.site_ids = list(sc.sites)
        self.site_index = {s: i for i, s in enumerate(self.site_ids)}
        self.lane_ids = list(sc.lanes)
        self.lane_index = {lane: i for i, lane in enumerate(self.lane_ids)}
        self.n_commodities = n_c = len(self.commodity_ids)
        n_k = len(self.channel_ids)
        self.n_channels = n_k

        self.ledger = Ledger(len(self.site_ids), len(self.lane_ids), n_c)
        self.seized_by_channel = np.zeros((n_c, n_k + 1))
        self.taxed_by_channel = np.zeros((n_c, n_k))
        """Tonnes of mine output armed groups taxed, each lot counted once (at its first
        tax, with the tonnes it then had), [commodity, channel]. Refined metal is not
        counted: a refiner's output is new lots, so ore taxed on its way in would count
        again as metal taxed on its way out."""
        self.rents = np.zeros(n_c)
        """Armed-group rents, US dollars."""
        self.rent_sources = sc.shocks.tax_sources()
        """The shocks that can tax (``event:<id>``, ``regime:<id>``, ``incident:<id>``),
        in the scenario's order: the rows of :attr:`rents_by_source`."""
        self._rent_row = {source: i for i, source in enumerate(self.rent_sources)}
        self.rents_by_source = np.zeros((len(self.rent_sources), n_c))
        """Armed-group rents, US dollars, [shock, commodity]: who took them (their sum over
        shocks is :attr:`rents`)."""
        self.curtailed = np.zeros(n_c)
        self.refined_trucks_per_t = 0.0  # refined metal never crosses a border post here
        self._cargo_classes: dict[tuple[int, int, int, float, float, float], int] = {}
        self.refined_cargo_class = [self.cargo_class(c, -1, -1, 1.0, self.refined_trucks_per_t,
                                                     1.0) for c in range(n_c)]
        """The cargo class of each commodity's refined metal (:meth:`cargo_class`)."""
        self.reference_price = np.array([sc.commodities[c].reference_price_usd_per_t or 0.0
                                         for c in self.commodity_ids])
        self.royalty_rate = np.array([sc.commodities[c].royalty_rate or 0.0
                                      for c in self.commodity_ids])
        self.formal_channel = np.array([ch.formal for ch in sc.channels.values()] + [True])
        self.capacity_epoch = [0]
        """Counts capacity changes of any site or lane (routers recheck open routes)."""
        self.gates: dict[int, Any] = {}
        """Export bans and quotas by commodity index (see sim.shocks.policies)."""
        self.export_controls: list[Any] = []
        self._samplers: dict[str, Any] = {}
        self._price_mods: dict[str, tuple[float, frozenset[int] | None]] = {}

        self.t0 = float(sc.warmup_days)
        self.t_end = self.t0 + sc.horizon
        self.kinds = list(SITE_KINDS)
        dest_countries = sorted({sc.country_of(s) for s, site in sc.sites.items()
                                 if site.kind in ("refiner", "market", "stockpile")})
        self.countries = dest_countries
        self.country_index = {c: i for i, c in enumerate(dest_countries)}
        self.market_ids = [s for s, site in sc.sites.items() if site.kind == "market"]
        self._series_sites = np.array([self.site_index[s] for s in sc.series_sites],
                                      dtype=np.intp)
        """Sites of ``sc.series_sites``, by index: their holdings are recorded daily."""
        posts = sc.series_posts()
        self._series_post_slot = {self.site_index[s]: j for j, s in enumerate(posts)}
        """Border posts of ``sc.series_sites``: site index -> column of their trucks."""
        self.recorder = Recorder(self.t0, sc.horizon, n_c, n_k, len(dest_countries),
                                 len(self.market_ids), len(self.kinds),
                                 len(self._series_sites), len(posts), len(sc.series_lanes))
        self._kind_matrix = np.zeros((len(self.kinds), len(self.site_ids)))
        for i, sid in enumerate(self.site_ids):
            self._kind_matrix[self.kinds.index(sc.sites[sid].kind), i] = 1.0
        self._site_country = [self.country_index.get(sc.country_of(s), -1)
                              for s in self.site_ids]
        """Destination country index of each site (-1 for other sites); a list, as it is
        read once per delivery."""
        self.book = DayBook(self.env.clock, n_c, n_k, len(dest_countries), self._site_country,
                            math.ceil(self.t_end) + 1)
        """The day's flows, booked lot by lot, and each closed day's."""
        self._market_slot = {self.site_index[m]: i for i, m in enumerate(self.market_ids)}

        self.sites: list[SiteBase] = []
        self.lanes: list[Lane] = []
        self.mines: list[Mine] = []
        self.refiners: list[Refiner] = []
        self.markets: list[Market] = []
        self.route_keys: list[tuple[str, str]] = []
        self._build_sites()
        self._bind_markets()
        self._build_lanes()
        self._build_refiner_sales()
        self._build_mines()
        self._refiner_country = np.zeros((len(self.refiners), len(dest_countries)))
        """[refiner, destination country]: 1 where the refiner is in that country (sums
        the refiners' metal into the recorder's ``refined`` by country)."""
        for i, ref in enumerate(self.refiners):
            self._refiner_country[i, self.country_index[ref.country]] = 1.0
        self._refined = np.zeros((len(self.refiners), n_c))
        """Each refiner's cumulative ``refined``, [refiner, commodity]: the refiners' own
        arrays are views of its rows, so a day's record reads them all in one step."""
        for i, ref in enumerate(self.refiners):
            ref.bind_refined(self._refined[i])
        self._refined_seen = np.zeros((len(self.refiners), n_c))
        """Each refiner's cumulative ``refined`` at the start of the measured period,
        [refiner, commodity]: what its first day's record counts from."""

        self._refined_kept = np.zeros((self.recorder.n_days, len(self.refiners), n_c))
        """Each refiner's cumulative ``refined`` at each measured day's end: the recorder's
        ``refined`` by country is derived from it when the run finishes."""

        self.ledger.open(self.physical_site_held(), self.physical_lane_held())
        self._net_kept = np.zeros((self.recorder.n_days, len(self.sites) * n_c))
        """Each site's net flows since the ledger opened, flat [site x commodity], at each
        measured day's end: what the sites hold, less their opening stocks. The stocks by
        kind, peak holdings and named sites' series are derived from it when the run
        finishes, in a few array operations over all days rather than a few a day."""
        self._days_snapped = 0
        """Measured days whose end-of-day snapshot has been taken."""
        self._site_net = self.ledger.site_net
        self._in_transit = self.ledger.in_transit
        self._net_live = row_view(self._site_net)
        self._transit_live = row_view(self._in_transit)
        """The running net flows and tonnes in transit as arrays sharing their memory, which
        a day's end copies into its rows of :attr:`_net_kept` and of the recorder's
        ``in_transit`` (the compiled build's unboxed rows); None where they are lists
        (plain Python), which a day's end packs instead (:attr:`_pack_net`)."""
        self._pack_net = struct.Struct(f"={len(self._site_net)}d").pack_into
        """Writes the running net flows, as doubles, into a day's row of :attr:`_net_kept`
        (a quarter of what numpy's conversion of the list costs)."""
        self._pack_transit = struct.Struct(f"={n_c}d").pack_into
        self._net_kept_memory = self._net_kept.data
        self._in_transit_memory = self.recorder.in_transit.data
        """The memory of :attr:`_net_kept` and of the recorder's ``in_transit``, which the
        day's end writes (arrays of fixed size, made once)."""
        self._transit_opening = self.ledger.opening_lane.sum(axis=0)
        self.lead_hist = self.book.lead_hist
        """(route index, commodity) -> tonnes delivered by whole days of lead time (bin i
        holds leads in [i, i+1) days; the last bin everything from
        :data:`~sim.world.daybook.LEAD_BINS` days on): the day book's."""
        self.route_lead_tonne_days = self.book.route_lead_tonne_days
        """(route index, commodity) -> sum of lead days x tonnes delivered: the day
        book's."""
        self.peak_held = np.zeros((len(self.sites), n_c))
        """Most metal held at each site at a day's end in the measured period, t."""
        self._border_posts = [s for s in self.sites if isinstance(s, BorderPost)]
        self._series_lanes = [self.lanes[self.lane_index[lid]] for lid in sc.series_lanes]
        """Lanes of ``sc.series_lanes``, in its order: their waiting lots are recorded
        daily (counted from the lots: a few lanes a user names, not the hot path)."""
        self._servers = [x.server for x in (*self.sites, *self.lanes)
                         if isinstance(x, BorderPost | Port | Lane) and x.server is not None]
        """Every queue (clearance, port handling, lane loading), for its high-load days."""
        self.peak_held_trucks = np.zeros(len(self.sites))
        """Most trucks at each border post (in line, in clearance or held after it) at a
        day's end in the measured period; 0 at other sites."""
        self._mark: dict[str, Any] | None = None
        self.timeline = Timeline(self.t0)
        self.shocks = ShockEngine(self)
        self._start_processes()
        self.shocks.start()

    # ---------------------------------------------------------------- building
    def cargo_class(self, commodity: int, channel: int, route: int, product_per_t: float,
                    trucks_per_t: float, payable: float) -> int:
        """The number of the class of lots of this commodity, channel (-1: refined metal),
        route index (-1: none) and form: lots of one class that no shock has met are one
        cargo when they sail from a port together (:meth:`sim.world.sites.Port.ship`). A
        port tells them apart by this number, not by comparing the six fields."""
        key = (commodity, channel, route, product_per_t, trucks_per_t, payable)
        number = self._cargo_classes.get(key)
        if number is None:
            number = self._cargo_classes[key] = len(self._cargo_classes)
        return number

    def sampler(self, dist: Any, key: str) -> Any:
        """One draw of ``dist`` per call, on the stream ``key`` (one sampler per key, made on
        first use): the sampler's :attr:`~sim.distributions.Sampler.draw`, the cheapest
        callable that gives its draws."""
        if key not in self._samplers:
            self._samplers[key] = make_sampler(dist, lambda: self.streams.rng(key)).draw
        return self._samplers[key]

    def mean_lot_interval(self, spec: Any) -> float:
        """Mean days between a mine's lots."""
        interval = spec.lot_interval_days
        return interval.mean() if interval is not None else self.sc.lot_period_days

    def _build_sites(self) -> None:
        sc = self.sc
        # the spec of a site of kind ``kind``: the schema's union narrows by kind, which
        # the type checker does not follow
        spec: Any
        for i, (sid, spec) in enumerate(sc.sites.items()):
            kind = spec.kind
            site: SiteBase
            if kind == "border_post":
                site = BorderPost(self, i, sid, spec,
                                  self.sampler(spec.service_variability, f"site:{sid}:service"))
            elif kind == "port":
                site = Port(self, i, sid, spec)
            elif kind in ("trading_hub", "junction"):
                dwell = None
                if kind == "trading_hub" and spec.dwell_days.mean() > 0:
                    dwell = self.sampler(spec.dwell_days, f"site:{sid}:dwell")
                site = Hub(self, i, sid, spec, dwell)
            elif kind == "refiner":
                site = Refiner(self, i, sid, spec, sales=[[] for _ in self.commodity_ids])
                self.refiners.append(site)
            elif kind == "market":
                other = {com: self.plan.other_supply(sc, sid, com)
                         for com in spec.other_supply_t_per_year}
                site = Market(self, i, sid, spec, other)
                self.markets.append(site)
            elif kind == "stockpile":
                site = Stockpile(self, i, sid, spec)
                for com, t in spec.initial_stock_t.items():
                    site.stock[self.commodity_index[com]] += t
            elif kind == "mine":
                site = SiteBase(self, i, sid, spec)  # replaced in _build_mines
            else:  # pragma: no cover - the schema admits no other kind
                raise ValueError(f"unknown site kind {kind!r}")
            self.sites.append(site)

    def _bind_markets(self) -> None:
        """Keep all markets' stocks, demands and supplies in [market, commodity] arrays
        (each market's attributes are views of its row) so the daily step is one array
        operation for all markets."""
        markets = self.markets
        n_c = self.n_commodities
        self._mk_stock = np.array([m.stock for m in markets], dtype=float).reshape(-1, n_c)
        self._mk_demand = np.array([m.demand_per_day for m in markets]).reshape(-1, n_c)
        self._mk_other = np.array([m.other_per_day for m in markets]).reshape(-1, n_c)
        self._mk_factor = np.ones_like(self._mk_demand)
        self._mk_stock_flat = self._mk_stock.reshape(-1)
        commodities = [self.sc.commodities[c] for c in self.commodity_ids]
        self.market_step = MarketStep(
            alpha=[1.0 - math.exp(-1.0 / c.price_window_days) for c in commodities],
            inv_eps=[1.0 / c.demand_elasticity if c.demand_elasticity else 0.0
                     for c in commodities],
            price_cap=[float(c.price_cap_ratio) for c in commodities],
            supply_basis=[c.price_basis == "supply" for c in commodities],
            supply_eps=[float(c.supply_elasticity or 0.0) for c in commodities],
            supply_alpha=[1.0 - math.exp(-1.0 / c.supply_response_days)
                          for c in commodities],
            other=self._mk_other.reshape(-1).tolist())
        """The markets' daily consumption and the price index, over [market x commodity]
        slots in plain floats."""
        for i, m in enumerate(markets):
            m.bind_stock(self._mk_stock[i])
            m.demand_factor = self._mk_factor[i]
        ledger = self.ledger
        self._mk_rows = [(ledger.rows("supplied")[m.index], ledger.rows("consumed")[m.index],
                          m.index * n_c) for m in markets]
        """Per market: its ``supplied`` and ``consumed`` rows of the ledger, and where its
        running net flows begin in the ledger's :attr:`~sim.world.ledger.Ledger.site_net`."""
        self._mk_stock_cells: memoryview[float] | None = None
        """The memory of the markets' stocks, flat, where the daily step sets them slot by
        slot: on few slots (:data:`MARKET_SLOTS_ONE_BY_ONE`)."""
        if len(self._mk_stock_flat) <= MARKET_SLOTS_ONE_BY_ONE:
            self._mk_stock_cells = cells(self._mk_stock_flat)
        self.demand_changed()

    def demand_changed(self) -> None:
        """Recompute what depends on demand only (markets call this when a shock changes
        their demand factor), so the daily step does not."""
        demand_now = self._mk_demand * self._mk_factor
        self.market_step.set_demand(demand_now.reshape(-1).tolist(),
                                    demand_now.sum(axis=0).tolist())

    def _build_lanes(self) -> None:
        sc = self.sc
        exporter = sc.exporting_country
        for i, (lid, spec) in enumerate(sc.lanes.items()):
            is_export = (sc.country_of(spec.from_) == exporter
                         and sc.country_of(spec.to) != exporter)
            lane = Lane(self, i, lid, self.sampler(spec.transit_days, f"lane:{lid}:transit"),
                        self.sites[self.site_index[spec.to]], is_export)
            if spec.capacity_t_per_day is not None:
                lane.add_capacity(spec.capacity_t_per_day)
            elif spec.capacity_trucks_per_day is not None:
                lane.add_capacity(spec.capacity_trucks_per_day, units_per_t="trucks_per_t")
            self.lanes.append(lane)
            if spec.sailing is not None:
                port = self.sites[self.site_index[spec.from_]]
                if not isinstance(port, Port):  # the schema allows sailings from ports only
                    raise TypeError(f"lane {lid!r} sails from {spec.from_!r}, not a port")
                sailing = Sailings(lane, port,
                                   self.sampler(spec.sailing.interval_days, f"lane:{lid}:sailing"),
                                   spec.sailing.vessel_t)
                port.sailings.append(sailing)

    def _build_refiner_sales(self) -> None:
        sc = self.sc
        lanes_by_pair = {(s.from_, s.to): self.lanes[i] for i, s in enumerate(sc.lanes.values())}
        for ref in self.refiners:
            for com, shares in ref.spec.sales.items():
                c = self.commodity_index[com]
                # Validation accepts shares summing to 1 within a tolerance; normalised
                # here, so a refiner ships exactly what it refined.
                total = sum(share for share in shares.values() if share > 0)
                ref.sales[c] = [(lanes_by_pair[(ref.id, mkt)], share / total)
                                for mkt, share in shares.items() if share > 0]
                ref.leaving[c] = [sc.country_of(mkt) != ref.country
                                  for mkt, share in shares.items() if share > 0]
                ref.held_abroad[c] = [0.0] * len(ref.sales[c])

    def _route_index(self, channel: str, route: str) -> int:
        key = (channel, route)
        if key not in self.route_keys:
            self.route_keys.append(key)
        return self.route_keys.index(key)

    def _build_mines(self) -> None:
        sc = self.sc
        n_k = len(self.channel_ids)
        for sid, spec in sc.sites.items():
            if spec.kind != "mine":
                continue
            i = self.site_index[sid]
            mean_interval = self.mean_lot_interval(spec)
            main, coupled, forms = [], [], {}
            for com, out in spec.output.items():
                c = self.commodity_index[com]
                form = sc.commodities[com].forms[out.form]
                forms[c] = (1.0 / form.grade, 1.0 / (form.grade * form.payload_t_per_truck),
                            form.payable_share)
                if out.t_per_year is not None:
                    main.append((c, out.t_per_year / DAYS_PER_YEAR * mean_interval))
                else:
                    # the schema asks for ratio_to and ratio where t_per_year is not given
                    assert out.ratio_to is not None and out.ratio is not None
                    coupled.append((c, self.commodity_index[out.ratio_to], out.ratio))
            offtake = np.zeros((self.n_commodities, n_k + 1))
            routers: dict[tuple[int, int], Router] = {}
            for com, shares in spec.offtake.items():
                c = self.commodity_index[com]
                for cid, share in shares.items():
                    if share <= 0:
                        continue
                    k = self.channel_index[cid]
                    offtake[c, k] = share
                    routers[(c, k)] = self._router(sid, com, cid)
                # The checks accept shares that sum to 1 within SHARE_TOLERANCE (0.6666666
                # and 0.3333333 mean two thirds and one third): taken as written they would
                # mine that much less of the commodity, and a by-product would drift from
                # its ratio to the ore mined. Sums within 1e-12 (float rounding of shares
                # meant exactly) are left as they are, so their results do not move.
                total = offtake[c].sum()
                if total > 0.0 and abs(total - 1.0) > 1e-12:
                    offtake[c] /= total
            mine = Mine(self, i, sid, spec, main, coupled, offtake, routers, forms,
                        self.sampler(spec.variability, f"mine:{sid}:output"))
            self.sites[i] = mine
            self.mines.append(mine)

    def router_for(self, mine_id: str, commodity: int, channel: int) -> Router:
        """A router for a channel a mine did not use before (a diversion or a deal)."""
        return self._router(mine_id, self.commodity_ids[commodity], self.channel_ids[channel])

    def _router(self, mine_id: str, com: str, cid: str) -> Router:
        sc = self.sc
        channel = sc.channels[cid]
        weights = route_weights(sc, mine_id, com, cid) if channel.routing == "fixed_shares" \
            else {}
        options = []
        for rid in sendable_routes(sc, mine_id, com, cid):
            lane_ids = route_lanes(sc, mine_id, channel.routes[rid].path)
            legs = tuple(self.lanes[self.lane_index[lid]] for lid in lane_ids)
            transit_sites = tuple(self.sites[self.site_index[sc.lanes[lid].to]]
                                  for lid in lane_ids[:-1])
            leaves = route_leaves(sc, mine_id, lane_ids)
            options.append(RouteOption(
                self._route_index(cid, rid), rid, legs, transit_sites,
                weights.get(rid, 1.0), expected_route_days(sc, lane_ids),
                route_cost(sc, lane_ids),
                tuple(sc.lanes[lid].transit_days.mean() for lid in lane_ids), leaves))
        return Router(channel.routing, channel.on_closure, options, self.capacity_epoch)

    def possible_routes(self) -> list[tuple[str, str, int]]:
        """Every (channel, route, commodity) some mine could ship along, whether or not its
        offtake uses the channel now (a diversion or deal may later): the fixed set of
        per-route KPIs, the same in every replication."""
        sc = self.sc
        keys: dict[tuple[str, str, int], None] = {}
        with lane_index_held(sc):  # the route queries below would each rebuild it
            for mine in self.mines:
                for com in mine.spec.output:
                    for cid in sc.channels:
                        for rid in sendable_routes(sc, mine.id, com, cid):
                            keys[(cid, rid, self.commodity_index[com])] = None
        return list(keys)

    def lane_commodities(self) -> dict[str, list[int]]:
        """For every lane that can carry anything, the commodities (indices, in order) a
        mine's route or a refiner's sales can put on it, whether or not any does: the fixed
        set of per-lane throughput KPIs, the same in every replication."""
        sc = self.sc
        found: dict[str, set[int]] = {}
        with lane_index_held(sc):  # the route queries below would each rebuild it
            for mine in self.mines:
                for com in mine.spec.output:
                    c = self.commodity_index[com]
                    for cid, channel in sc.channels.items():
                        for rid in mine_routes(sc, mine.id, com, cid):
                            for lid in route_lanes(sc, mine.id, channel.routes[rid].path):
                                found.setdefault(lid, set()).add(c)
        for ref in self.refiners:
            made = [c for c in range(len(self.commodity_ids)) if ref.capacity_per_day[c] > 0]
            for lid, lane in sc.lanes.items():
                if lane.from_ == ref.id:
                    found.setdefault(lid, set()).update(made)
        return {lid: sorted(cs) for lid, cs in found.items()}

    # ---------------------------------------------------------------- processes
    def _start_processes(self) -> None:
        env = self.env
        sc = self.sc
        # Production runs on events that call back rather than on SimPy processes (a
        # process costs a generator resume and a general timeout per lot period); each
        # starts with an urgent event now, as a process does, and schedules one event per
        # period, as a process's timeout does, so the events keep their order and numbers.
        self._shared_mines = [m for m in self.mines if m.spec.lot_interval_days is None]
        self._lot_period = sc.lot_period_days
        if self._shared_mines:
            Urgent(env.clock, 0.0, None, self._produce_shared)
        for mine in self.mines:
            if mine.spec.lot_interval_days is not None:
                sampler = self.sampler(mine.spec.lot_interval_days, f"mine:{mine.id}:interval")
                Urgent(env.clock, 0.0, (mine, sampler), self._start_random)
        self._closed_t = -1.0
        """When the last day was closed."""
        # urgent: the day's accounts close before anything else at that time happens
        Urgent(env.clock, 1.0, None, self._on_day_end)
        if self.t0 == 0:
            self._mark_start()

    def _produce_shared(self, _event: Any) -> None:
        """Every mine on the shared lot period produces a lot; the next period's are
        scheduled."""
        for mine in self._shared_mines:
            mine.produce()
        Wakeup(self._clock, self._lot_period, None, self._produce_shared)

    def _start_random(self, event: Any) -> None:
        """A mine with a lot interval of its own: its first lot is due a draw of the
        interval from now. The event's value is ``(mine, interval sampler)``."""
        Wakeup(self._clock, event._value[1](), event._value, self._produce_random)

    def _produce_random(self, event: Wakeup) -> None:
        """The mine of ``(mine, interval sampler)``, the event's value, produces a lot;
        its next is due a draw of the interval later."""
        # typed, so that the compiled build calls the mine's method directly
        mine: Mine = event._value[0]
        interval: Callable[[], float] = event._value[1]
        mine.produce()
        Wakeup(self._clock, interval(), event._value, self._produce_random)

    def _on_day_end(self, _event: Any = None) -> None:
        """Close the day that ends now, then schedule the next day's end."""
        self._day_end()
        if self._clock.now == self.t0:
            self._mark_start()
        Urgent(self._clock, 1.0, None, self._on_day_end)

    def _day_end(self) -> None:
        """The day ending now: the day's flows are booked, refiners refine, markets
        consume, the price index moves."""
        rec = self.recorder
        now = self._clock.now
        self._closed_t = now
        day = rec.day(now - 0.5)
        # refiners ship before the day's flows are booked: what they export at the close
        # of day d belongs to day d (and the last day's to the run)
        due = []
        for ref in self.refiners:
            ref.refine(1.0)
            if ref.dispatch_due():
                due.append(ref)
        if day >= 0 and self.refiners:
            self._record_refined(day)
        controls = [ctl for ctl in self.export_controls if ctl.active]
        if controls and due:
            ship_under_controls(due, self.refiners, controls, now)
        else:
            for ref in due:
                ref.ship()
        arrivals_today = self._flush_day(day)
        self._markets_and_prices(arrivals_today)
        self.shocks.daily()
        if day >= 0:
            step = self.market_step
            # the price as the shocks of the day left it
            rec.keep_markets(day, step.price, step.demand, step.consumed)
            self._snapshot(day)

    def _record_refined(self, day: int) -> None:
        """Keep the refiners' cumulative counters at the end of measured day ``day``: the
        metal refined each day, by commodity and refiner country, is derived from them when
        the run finishes (:meth:`_finish_days`)."""
        self._refined_kept[day] = self._refined

    def _markets_and_prices(self, arrivals_today: list[float] | None) -> None:
        """Every market receives its other supply and consumes up to its demand from stock;
        then each commodity's price index moves toward what consumption (or supply) says
        about scarcity (:class:`~sim.world.market_step.MarketStep`). Here the markets'
        stocks and ledger rows follow (the day's end keeps the day's records)."""
        step = self.market_step
        stock = self._mk_stock_flat.tolist()
        supplied = step.step(stock, arrivals_today)
        consumed = step.consumed
        stock_cells = self._mk_stock_cells
        if stock_cells is not None:
            for j in range(len(stock)):
                stock_cells[j] = stock[j]
        else:
            self._mk_stock_flat[:] = stock
        net = self._site_net
        n_c = self.n_commodities
        j = 0
        for supplied_row, consumed_row, at in self._mk_rows:
            for c in range(n_c):
                got, used = supplied[j], consumed[j]
                supplied_row[c] = supplied_row[c] + got
                consumed_row[c] = consumed_row[c] + used
                net[at + c] = net[at + c] + got - used
                j += 1

    @property
    def price(self) -> np.ndarray:
        """Today's price index by commodity (1 = reference price)."""
        return np.array(self.market_step.price)

    def _snapshot(self, day: int) -> None:
        """End of measured day ``day``: the sites' net flows are kept for the stocks and
        peaks :meth:`_finish_days` derives; queues count their high-load days; the named
        border posts' trucks, the named lanes' waiting metal and the tonnes in transit are
        recorded."""
        rec = self.recorder
        if day != self._days_snapped:
            raise RuntimeError(f"day {day} snapped after {self._days_snapped} days: the "
                               f"measured days must close in order, each once")
        net_live = self._net_live
        if net_live is not None:
            self._net_kept[day] = net_live
        else:
            net = self._site_net
            self._pack_net(self._net_kept_memory, 8 * len(net) * day, *net)
        self._days_snapped = day + 1
        for server in self._servers:
            server.close_day()
        peak_trucks = self.peak_held_trucks
        slots = self._series_post_slot
        for post in self._border_posts:
            trucks = post.server.units_in
            if post.delayed or post.blocked:
                trucks += sum(lot.tonnes * lot.trucks_per_t
                              for lot in (*post.delayed, *post.blocked))
            if trucks > peak_trucks[post.index]:
                peak_trucks[post.index] = trucks
            if slots:
                slot = slots.get(post.index)
                if slot is not None:
                    # the running count of trucks in and out leaves a residue of its
                    # rounding when the post empties (-1e-14): 0, as holdings are (review
                    # 134)
                    rec.held_trucks[day, slot] = trucks if abs(trucks) > 1e-9 else 0.0
        if self._series_lanes:
            waiting = rec.lane_waiting[day]
            for slot, lane in enumerate(self._series_lanes):
                for lot in lane.waiting():
                    waiting[slot, lot.commodity] += lot.tonnes
        # the lanes' opening tonnes are added when the run finishes
        transit_live = self._transit_live
        if transit_live is not None:
            rec.in_transit[day] = transit_live
        else:
            transit = self._in_transit
            self._pack_transit(self._in_transit_memory, 8 * len(transit) * day, *transit)

    def _finish_days(self) -> None:
        """Derive the measured days' stocks by kind of site, named sites' holdings, peak
        holdings, tonnes in transit and metal refined from what each day's end kept: the
        same sums each day's end would have taken, over all days at once."""
        n = self._days_snapped
        if n == 0:
            return
        rec = self.recorder
        held = self._net_kept[:n].reshape(n, len(self.sites), self.n_commodities)
        held += self.ledger.opening_site
        np.matmul(self._kind_matrix, held, out=rec.stock_by_kind[:n])
        np.maximum(self.peak_held, held.max(axis=0), out=self.peak_held)
        if self._series_sites.size:
            np.take(held, self._series_sites, axis=1, out=rec.site_held[:n])
        rec.in_transit[:n] += self._transit_opening
        if self.refiners:
            cumulative = self._refined_kept[:n]
            before = np.concatenate([self._refined_seen[None], cumulative[:-1]])
            np.matmul((cumulative - before).transpose(0, 2, 1), self._refiner_country,
                      out=rec.refined[:n])

    def _set_start_stocks(self) -> None:
        """Set given refiner, market and stockpile stocks, and prices, to start-date levels.

        ``initial_*`` stocks are the state on the start date. The warm-up begins from them
        too, but consumption and refining during the warm-up move them; here they are put
        back, and the difference is booked in the ledger as an adjustment.
        """
        idx = self.commodity_index
        book = self.ledger.book_site
        # Prices start the measured period at their reference level, whatever the
        # empty pipelines of the early warm-up did to them.
        self.market_step.reset_prices()
        for site in self.sites:
            spec = site.spec
            if isinstance(site, Refiner):
                for com, t in spec.initial_feed_t.items():
                    c = idx[com]
                    book("adjusted", site.index, c, t - float(site.stock[c]))
                    site.stock[c] = t
                for com, t in spec.initial_output_t.items():
                    c = idx[com]
                    # the given output is all refined metal awaiting shipment on the start
                    # date, metal a ban or quota held for markets abroad included
                    waiting = site.held_abroad[c]
                    book("adjusted", site.index, c, t - float(site.output[c]) - sum(waiting))
                    site.output[c] = t
                    waiting[:] = [0.0] * len(waiting)
                    site.abroad[c] = 0.0
            elif isinstance(site, Market | Stockpile):
                for com, t in spec.initial_stock_t.items():
                    c = idx[com]
                    book("adjusted", site.index, c, t - float(site.stock[c]))
                    site.stock[c] = t

    def _mark_start(self) -> None:
        """Start of the measured period: set start-date stocks, remember cumulative flows,
        reset statistics."""
        if self.t0 > 0:
            self._set_start_stocks()
        led = self.ledger
        self._mark = {
            "mined": led.mined.copy(), "site_in": led.site_in.copy(),
            "site_out": led.site_out.copy(), "consumed": led.consumed.copy(),
            "lost": led.lost.copy(), "supplied": led.supplied.copy(),
            "lane_in": led.lane_in.copy(), "lane_out": led.lane_out.copy(),
            "mined_by_channel": self.mined_by_channel.copy(),
            "exported_by_channel": self.exported_by_channel.copy(),
            "delivered_by_channel": self.delivered_by_channel.copy(),
            "lead_tonne_days": self.lead_tonne_days.copy(),
            "seized_by_channel": self.seized_by_channel.copy(),
            "taxed_by_channel": self.taxed_by_channel.copy(),
            "diverted_by_channel": self.diverted_by_channel.copy(),
            "rents": self.rents.copy(), "rents_by_source": self.rents_by_source.copy(),
            "curtailed": self.curtailed.copy(), "lane_lost": led.lane_lost.copy(),
            "refined": np.array([r.refined.copy() for r in self.refiners]),
            # what is held when the period starts, after the reset above: the KPIs'
            # stock_start_t and in_transit_start_t, so the period's balance can be rebuilt
            "site_held": self.physical_site_held(),
            "in_transit": self.in_transit_by_channel(),
        }
        # the refined_t series counts from here, as the refined_t KPI does
        self._refined_seen = self._mark["refined"].copy()
        for site in self.sites:
            site.reset_stats()
        for lane in self.lanes:
            if lane.server is not None:
                lane.server.reset_stats()
        self.peak_held[:] = 0.0
        self.peak_held_trucks[:] = 0.0
        self.lead_hist.clear()
        self.route_lead_tonne_days.clear()

    # ---------------------------------------------------------------- records
    def record_curtailed(self, commodity: int, tonnes: float) -> None:
        """A mine did not produce ``tonnes`` because its stockyard was full under a ban or
        quota."""
        self.curtailed[commodity] += tonnes

    def value_per_t(self, commodity: int) -> float:
        """US dollars per tonne now: reference price times price index."""
        return float(self.reference_price[commodity] * self.market_step.price[commodity])

    def _flush_day(self, day: int) -> list[float] | None:
        """Close the day's flows in the day book. Returns the tonnes that reached markets
        today by commodity when a price needs them."""
        return self.book.close_day(day, self.market_step.any_supply_basis)

    def channel_flow(self, name: str) -> np.ndarray:
        """A cumulative flow since the warm-up began, [commodity, channel + 1] (the last
        column is refined metal): ``name`` is one of
        :data:`~sim.world.daybook.CHANNEL_FLOWS`."""
        return self.book.channel_flow(name)

    @property
    def mined_by_channel(self) -> np.ndarray:
        """Tonnes mined since the warm-up began, [commodity, channel + 1] (see
        :meth:`channel_flow`)."""
        return self.channel_flow("mined")

    @property
    def diverted_by_channel(self) -> np.ndarray:
        """Tonnes a shock moved to the channel they were mined for, since the warm-up
        began, [commodity, channel + 1] (see :meth:`channel_flow`)."""
        return self.channel_flow("diverted")

    @property
    def exported_by_channel(self) -> np.ndarray:
        """Tonnes that left the exporting country since the warm-up began, [commodity,
        channel + 1] (see :meth:`channel_flow`)."""
        return self.channel_flow("exported")

    @property
    def delivered_by_channel(self) -> np.ndarray:
        """Tonnes from mines that reached their first destination since the warm-up
        began, [commodity, channel + 1] (see :meth:`channel_flow`)."""
        return self.channel_flow("delivered")

    @property
    def lead_tonne_days(self) -> np.ndarray:
        """Sum of lead days x tonnes delivered since the warm-up began, [commodity,
        channel + 1] (see :meth:`channel_flow`)."""
        return self.channel_flow("lead")

    def intercept(self, element: Any, lot: Lot) -> None:
        """Shocks at ``element`` seize part of ``lot`` and tax what passes; a shock acts on a
        lot once, however many of its targeted sites and lanes the lot passes."""
        c, k = lot.commodity, lot.channel
        for source, inter in element.interceptions.items():
            if source in lot.intercepted or not inter.applies(c, k):
                continue
            lot.intercepted = (*lot.intercepted, source)
            if inter.seize_share > 0.0:
                seized = lot.tonnes * inter.seize_share
                lot.tonnes -= seized
                self.seized_by_channel[c, k] += seized
                if isinstance(element, Lane):
                    self.ledger.book_lane("lane_lost", element.index, c, seized)
                else:
                    self.ledger.book_site("lost", element.index, c, seized)
            if inter.tax_rate > 0.0 and lot.untaxed > 0.0:
                # taxes at several places add up to at most the lot's whole value
                take = min(inter.tax_rate, lot.untaxed)
                if not lot.taxed and k >= 0:  # metal passing under their control
                    lot.taxed = True
                    self.taxed_by_channel[c, k] += lot.tonnes
                lot.untaxed -= take
                rent = take * lot.tonnes * lot.payable * self.value_per_t(c)
                self.rents[c] += rent
                # an incident's source carries its number (incident:<id>#<n>)
                self.rents_by_source[self._rent_row[source.split("#")[0]], c] += rent

    def transfer(self, source: Destination, target: Destination, commodity: int,
                 tonnes: float) -> None:
        """Move stock between two destinations at once (stockpile releases and buys)."""
        source.stock[commodity] -= tonnes
        target.stock[commodity] += tonnes
        if isinstance(target, Market):
            self.market_step.transferred[commodity] += tonnes
        if isinstance(source, Market):
            self.market_step.transferred[commodity] -= tonnes
        self.ledger.book_site("site_out", source.index, commodity, tonnes)
        self.ledger.book_site("site_in", target.index, commodity, tonnes)

    def set_price_modifier(self, source: str, factor: float | None,
                           commodities: frozenset[int] | None) -> None:
        """An exogenous factor on the price index of some (or all) commodities."""
        if factor is None:
            self._price_mods.pop(source, None)
        else:
            self._price_mods[source] = (factor, commodities)
        factors = [1.0] * self.n_commodities
        for f, coms in self._price_mods.values():
            for c in range(self.n_commodities):
                if coms is None or c in coms:
                    factors[c] *= f
        self.market_step.set_price_factor(factors)

    def last_shortfall_share(self, market: Market, commodity: int,
                             without_t: float = 0.0) -> float:
        """Share of a market's demand it could not meet on the last day; with ``without_t``,
        the share it would have missed without that many tonnes of the stock it had that
        day (it had what it consumed and what the day's consumption left, less those
        tonnes; stock moved after the market step, by another stockpile rule say, is not
        counted)."""
        j = self._market_slot[market.index] * self.n_commodities + commodity
        step = self.market_step
        want = step.demand[j]
        if want <= 0.0:
            return 0.0
        consumed = step.consumed[j]
        if without_t > 0.0:
            had = consumed + step.stock_after[j] - without_t
            consumed = min(want, max(had, 0.0))
        return (want - consumed) / want

    def stock_left_by_consumption(self, market: Market, commodity: int) -> float:
        """Tonnes of ``commodity`` in ``market`` as the last day's consumption left them
        (before any stock moved after the market step)."""
        slot = self._market_slot[market.index] * self.n_commodities + commodity
        return self.market_step.stock_after[slot]

    # ---------------------------------------------------------------- state
    def physical_site_held(self) -> np.ndarray:
        """Tonnes held at each site, counted from the components: [site, commodity]."""
        return np.array([site.held() for site in self.sites])

    def physical_lane_held(self) -> np.ndarray:
        """Tonnes on each lane, counted from the lots: [lane, commodity]."""
        return np.array([lane.held(self.n_commodities) for lane in self.lanes]).reshape(
            len(self.lanes), self.n_commodities)

    def in_transit_by_channel(self) -> np.ndarray:
        """Tonnes on lanes now, counted from the lots: [commodity, channel], refined metal
        (channel -1) in the last column."""
        transit = np.zeros((self.n_commodities, len(self.channel_ids) + 1))
        for lane in self.lanes:
            for lot in lane.lots():
                transit[lot.commodity, lot.channel] += lot.tonnes
        return transit

    def check_mass_balance(self, rel_tol: float = 1e-9, raise_error: bool = True
                           ) -> BalanceReport:
        """Compare what components hold with the ledger; raise
        :class:`~sim.world.ledger.MassBalanceError` on a violation (see
        :meth:`Ledger.check_mass_balance <sim.world.ledger.Ledger.check_mass_balance>`).

        Besides each site and lane and the network as a whole, it checks that every tonne
        lost was seized or lost in refining (refining loses ``refined x (1 - r) / r`` at
        recovery ``r``), each mine's and refiner's own books (``invariants()``), and that
        no metal is stuck on a lane: a convoy still travelling after the time it was due to
        arrive, or lots paused or held back on a lane that is open (metal stuck there would
        balance forever), nor in a queue or at a site: lots waiting while a server is free
        or for a site to reopen that is open, or in service, held by an added delay or
        dwelling at a hub past their end (:meth:`SiteBase.stalled
        <sim.world.sites.SiteBase.stalled>`). Run once, at the end of a replication."""
        n_c = self.n_commodities
        refining_loss = np.zeros(n_c)
        for ref in self.refiners:
            # recovery is in (0, 1] (the schema's PositiveFraction)
            refining_loss += ref.refined * (1.0 - ref.recovery) / ref.recovery
        invariants: list[tuple[str, int, str, float]] = []
        for site in self.sites:
            own = getattr(site, "invariants", None)
            if own is not None:
                invariants += own()
            invariants += _stalled_rows(site.id, site.stalled(), n_c,
                                        "metal held at the site that nothing will move on "
                                        "(waiting with a server free or the site open, or "
                                        "in service, delayed or dwelling past its end)")
        now = self.env.now
        for lane in self.lanes:
            stuck = np.zeros(n_c)
            due = math.inf
            paused = {id(convoy) for convoy, _owed in lane.paused}
            for convoy in lane.travelling.values():
                # a convoy's arrival event falls at t_dep + travel (the same sum), so one
                # that is not paused and due before now has been lost by the event queue
                if id(convoy) in paused or not convoy:
                    continue
                at = convoy[0].t_dep + convoy[0].travel
                if at < now:
                    due = min(due, at)
                    for lot in convoy:
                        stuck[lot.commodity] += lot.tonnes
            what = f"metal due to arrive by day {due:.6g} is still on the lane at day " \
                f"{now:.6g}" if due < math.inf else ""
            if lane.capacity_factor > 0.0 and (lane.paused or lane.held_back):
                # opening a lane resumes its paused convoys and sends what was held back
                for convoy, _owed in lane.paused:
                    for lot in convoy:
                        stuck[lot.commodity] += lot.tonnes
                for lot in lane.held_back:
                    stuck[lot.commodity] += lot.tonnes
                what = " and ".join(filter(None, (
                    what, "metal paused or held back on the lane, which is open")))
            invariants += [(lane.id, int(c), what, float(stuck[c]))
                           for c in np.flatnonzero(stuck)]
            if lane.server is not None:
                invariants += _stalled_rows(lane.id, lane.server.stalled(), n_c,
                                            "metal in the lane's loading queue that nothing "
                                            "will move on (waiting with the line free, or "
                                            "loading past its end)")
        return self.ledger.check_mass_balance(
            self.physical_site_held(), self.physical_lane_held(), self.site_ids,
            self.lane_ids, self.commodity_ids, rel_tol=rel_tol, raise_error=raise_error,
            seized_t=self.seized_by_channel.sum(axis=1), refining_loss_t=refining_loss,
            invariants=invariants)

    def run(self) -> None:
        """Simulate warm-up and the measured period."""
        self.env.run(until=self.t_end)
        # The run stops before the last day's end fires (unless that day end was scheduled
        # before the stop, as the first one is); close that day here.
        if self._closed_t < self.env.now:
            self._day_end()
        self._finish_days()
        self.book.fill_daily_records(self.recorder)
        self.recorder.finish()
        self.shocks.finish()
        for site in self.sites:
            occ = getattr(site, "occupancy", None)
            if occ is not None:
                occ.finish(self.env.now)
            server = getattr(site, "server", None)
            if server is not None:
                server.finish_stats()
        for lane in self.lanes:
            if lane.server is not None:
                lane.server.finish_stats()

    def close(self) -> None:
        """End the processes left waiting at the horizon and empty the event queue, once
        everything wanted of the run has been read (the ledger, records and components
        stay as they are; the world cannot run on).

        A finished world is a web of cycles (sites and lanes point at the world and back)
        that only the cyclic garbage collector frees. In the compiled build
        (``make compiled``) the suspended generators of its processes do not show the
        collector what they hold, so a world left with them was never freed: about 10 MB
        a replication, 1 GB a worker over 100. Closing them breaks the cycles."""
        queue = self.env._queue  # noqa: SLF001 - SimPy's event queue, (time, prio, id, event)
        for _t, _priority, _eid, event in queue:
            for callback in event.callbacks or ():
                process = getattr(callback, "__self__", None)
                if isinstance(process, Process) and process.is_alive:
                    process._generator.close()  # noqa: SLF001
        queue.clear()
        clear_wakeups(self.env.clock)  # the wake-ups' own schedule

    @property
    def mark(self) -> dict[str, Any]:
        """Cumulative values at the start of the measured period."""
        if self._mark is None:
            raise RuntimeError("the measured period has not started")
        return self._mark


def _stalled_rows(element_id: str, lots: list[Lot], n_c: int, what: str
                  ) -> list[tuple[str, int, str, float]]:
    """Invariant rows (element, commodity, what, tonnes) for stalled ``lots``."""
    if not lots:
        return []
    tonnes = np.zeros(n_c)
    for lot in lots:
        tonnes[lot.commodity] += lot.tonnes
    return [(element_id, int(c), what, float(tonnes[c])) for c in np.flatnonzero(tonnes)]

