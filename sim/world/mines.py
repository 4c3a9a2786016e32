"""Mines: produce lots, couple by-products, and dispatch by offtake share and permission.

Each lot period a mine draws one output factor (mean 1) and produces its main
commodities at ``rate x mean interval x factor x capacity factor``; each by-product is its
ratio times the main product of the *same* lot, so cobalt follows copper up and down. A
mine's ramp-up multiplies the capacity factor by its share of full output at the time.
Output joins the stockyard, and everything above the working stock (the initial stock) is
assigned to channels by the current offtake shares and dispatched, each channel's share on
the route its router picks, as far as export bans and quotas allow. Bans and quotas act on
exports only: a lot on a route that stays inside the mine's country (to a refiner, stockpile
or market there) is neither held nor counted against a quota. What may not leave stays in
the stockyard, still belonging to its channel, and waits for export: on a channel with
routes both ways it is held for the routes that leave and goes on one of them when the gate
allows, never home, while the routes that stay get only their own turns of new output (a
ban does not send exports to the home market). Under a restriction with a stock limit,
production beyond the limit is curtailed (not mined), and with it the by-products of the
ore left in the ground: on a channel with routes both ways only the part of new output its
router sends abroad, the limit counting the metal held for export against the channel's
planned exports. A channel whose routes from the mine all stay in the country is not
curtailed.

Offtake shares start from the scenario's and change with offtake deals (which move a share
of output to a channel) and with shocks that divert output (a mine captured by rebels sells
to informal traders). Deals apply first, diversions on top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.world.floatrows import zero_row
from sim.world.lots import Lot
from sim.world.routing import RouteOption, Router
from sim.world.sites import SiteBase

if TYPE_CHECKING:
    from sim.shocks.effects import Diversion
    from sim.shocks.policies import DealState
    from sim.world.floatrows import FloatRow
    from sim.world.world import World

_EPS = 1e-12


def move_offtake(offtake: np.ndarray, commodities: Any, share: float, to: int,
                 from_channels: Any | None) -> None:
    """Move ``share`` of each commodity's offtake (from ``from_channels``, or every other
    channel) to channel ``to``, in place."""
    for c in commodities:
        row = offtake[c]
        take_from = np.zeros_like(row, dtype=bool)
        if from_channels is None:
            take_from[:] = True
            take_from[to] = False
        else:
            for k in from_channels:
                if k != to:
                    take_from[k] = True
        moved = row[take_from] * share
        row[take_from] -= moved
        row[to] += moved.sum()


class Mine(SiteBase):
    """A mine with its stockyard.

    *main* lists (commodity, tonnes per lot at factor 1); *coupled* lists (by-product,
    main product, ratio); *offtake* is an array [commodity, channel] of shares; *routers*
    maps (commodity, channel) to a :class:`Router`; *forms* maps commodity to
    (product tonnes per tonne of metal, trucks per tonne of metal, payable share).
    """

    kind = "mine"

    def __init__(self, world: World, index: int, site_id: str, spec: Any,
                 main: list[tuple[int, float]], coupled: list[tuple[int, int, float]],
                 offtake: np.ndarray, routers: dict[tuple[int, int], Router],
                 forms: dict[int, tuple[float, float, float]], variability: Any) -> None:
        super().__init__(world, index, site_id, spec)
        self.main = main
        self.coupled = coupled
        self.base_offtake = offtake.copy()
        self.offtake = offtake
        """Current shares [commodity, channel], deals and diversions included."""
        self.undiverted = offtake.copy()
        """Shares with deals but before diversions (to count diverted tonnes)."""
        self.routers = routers
        self.forms = forms
        self.variability = variability
        self._stock: FloatRow = zero_row(self.n_com)
        for com, t in spec.initial_stock_t.items():
            self._stock[world.commodity_index[com]] += t
        self.working_stock = np.array(self._stock)
        self._amounts_now: FloatRow = zero_row(self.n_com)
        """Today's planned tonnes by commodity (:meth:`_amounts`)."""
        """Stock the mine keeps on hand; only metal above it is dispatched."""
        self._pending: list[FloatRow] = [zero_row(offtake.shape[1]) for _ in range(self.n_com)]
        """Metal above the working stock, by [commodity][channel] it belongs to, waiting to
        leave (held back by a ban or quota, or just produced)."""
        self._held_out = [[0.0] * offtake.shape[1] for _ in range(self.n_com)]
        """The part of ``_pending`` a ban or quota held on a channel with routes both ways
        when its router sent it abroad, by [commodity][channel]: it waits for a route that
        leaves, never taking one that stays."""
        self.commodities = sorted({c for c, _ in main} | {c for c, _, _ in coupled})
        self._production_order = ([(c, -1) for c, _t in main]
                                  + [(c, parent) for c, parent, _r in coupled])
        """(commodity, main product or -1): main products before their by-products."""
        self.rate_per_day = np.zeros(self.n_com)
        """Planned output per day at full output, for stock limits expressed in days of
        output."""
        for c, t in main:
            self.rate_per_day[c] = t / (world.mean_lot_interval(spec) or 1.0)
        for c, parent, ratio in coupled:
            self.rate_per_day[c] = ratio * self.rate_per_day[parent]
        self.country = world.sc.country_of(site_id)
        ramp = spec.ramp_up
        self.ramp = None if ramp is None else (ramp, world.sc.day_of(ramp.start))
        """The scenario's ramp-up and its start in days after the start date, or None."""
        self.diversions: dict[str, Diversion] = {}
        self.deals: dict[str, DealState] = {}
        self._mined: FloatRow = world.ledger.rows("mined")[index]
        self.curtailed_own_t = [0.0] * self.n_com
        """Tonnes by commodity not mined here since the run started because a ban's or
        quota's stock limit on that commodity cut them (not counting by-products left in
        the ore with a curtailed main product)."""
        self._backlog = False
        """True while metal above the working stock waits in the stockyard."""
        self._shares: dict[int, list[tuple[int, float, float]]] = {}
        """Per commodity: (channel, share, share moved there by shocks), nonzero shares."""
        self._cache_shares()

    def _throttles(self) -> bool:
        return True  # its output

    @property
    def stock(self) -> np.ndarray:
        """Metal in the stockyard by commodity (working stock plus waiting metal)."""
        return np.array(self._stock)

    @property
    def pending(self) -> np.ndarray:
        """Waiting metal by [commodity, channel]."""
        return np.array(self._pending)

    def _cache_shares(self) -> None:
        self._shares = {
            c: [(int(k), float(self.offtake[c, k]),
                 max(float(self.offtake[c, k] - self.undiverted[c, k]), 0.0))
                for k in np.flatnonzero(self.offtake[c] > 0.0)]
            for c in self.commodities}
        n_k1 = self.world.n_channels + 1
        # every channel with a share has its router (World._build_mines, recompute_offtake)
        self._shares_at = {c: [(k, share, moved, c * n_k1 + k, self.routers[(c, k)])
                               for k, share, moved in shares]
                           for c, shares in self._shares.items()}
        """As ``_shares``, with the day-buffer slot and the router of each channel."""

    # ---------------------------------------------------------------- offtake changes
    def set_diversion(self, source: str, diversion: Diversion | None) -> None:
        """Start (or with ``None`` end) a shock's diversion of output to another channel."""
        if diversion is None:
            self.diversions.pop(source, None)
        else:
            self.diversions[source] = diversion
        self.recompute_offtake()

    def set_deal(self, source: str, deal: DealState | None) -> None:
        """Register (or remove) an offtake deal; its current share is read from it."""
        if deal is None:
            self.deals.pop(source, None)
        else:
            self.deals[source] = deal
        self.recompute_offtake()

    def recompute_offtake(self) -> None:
        """Offtake = scenario shares, then deals, then diversions."""
        eff = self.base_offtake.copy()
        for deal in sorted(self.deals.values(), key=lambda d: d.rank):
            coms = [c for c in self.commodities if c in deal.commodities]
            move_offtake(eff, coms, deal.share_now, deal.to_channel, deal.from_channels)
        self.undiverted = eff.copy()
        for div in self.diversions.values():
            coms = [c for c in self.commodities
                    if div.commodities is None or c in div.commodities]
            move_offtake(eff, coms, div.share, div.to_channel, div.from_channels)
        self.offtake[:] = eff
        for c in self.commodities:
            for k in np.flatnonzero(eff[c]):
                if (c, int(k)) not in self.routers:
                    self.routers[(c, int(k))] = self.world.router_for(self.id, c, int(k))
        self._cache_shares()

    # ---------------------------------------------------------------- production
    def produce(self) -> None:
        """Produce one lot, assign it to channels, and dispatch what may leave.

        Under a ban or quota with a stock limit, each restricted channel's share of the lot
        is cut to what still fits in the stockyard (``limit days x planned daily output x
        the channel's share``, the planned output at the ramp-up's current share); the rest
        is not mined (curtailed). Only the restricted commodity is cut, with what its ore
        holds: a cobalt ban does not stop copper, but copper curtailed leaves its by-product
        cobalt unmined too."""
        f = self.variability() * self.capacity_factor
        if self.ramp is not None:
            f *= self.ramp_factor(self.clock.now)
        if self.world.gates or self._backlog:
            self._produce_restricted(f)
        else:
            self._produce_free(f)

    def ramp_factor(self, now: float) -> float:
        """Share of full output the ramp-up allows at time ``now`` (1 without one)."""
        if self.ramp is None:
            return 1.0
        ramp, start_day = self.ramp
        return ramp.factor(now - self.world.t0, start_day)

    def _amounts(self, f: float) -> FloatRow:
        """Each commodity's planned tonnes at output factor ``f``: the mine's own row
        (:attr:`_amounts_now`), written anew at each call."""
        amounts = self._amounts_now
        for c in range(len(amounts)):
            amounts[c] = 0.0
        for c, t in self.main:
            amounts[c] = t * f
        for c, parent, ratio in self.coupled:
            amounts[c] = ratio * amounts[parent]
        return amounts

    def _produce_free(self, f: float) -> None:
        """:meth:`produce` when no ban or quota exists and nothing waits in the stockyard:
        each channel's share leaves at once. The same steps in the same order as
        :meth:`_produce_restricted` followed by :meth:`dispatch`, fused: this runs once
        per mine per day."""
        amounts = self._amounts(f)
        book = self.book
        buf, o_diverted = book.buf, book.o_diverted
        now = self.clock.now
        for c in self.commodities:
            t = amounts[c]
            if t <= 0.0:
                continue
            pending = self._pending[c]
            shares = self._shares_at[c]
            total = 0.0
            for k, share, moved, at, _router in shares:
                part = share * t
                pending[k] = pending[k] + part
                total += part
                buf[at] = buf[at] + part
                if moved > 0.0:
                    diverted = min(moved * t, part)
                    if diverted > 0.0:
                        at += o_diverted
                        buf[at] = buf[at] + diverted
            mined = self._mined
            mined[c] = mined[c] + total
            net, at = self._net, self._net_at + c
            net[at] = net[at] + total
            stock = self._stock
            stock[c] = stock[c] + total
            sent = 0.0
            for k, _share, _moved, _at, router in shares:
                t_k = pending[k]
                if t_k <= _EPS:
                    continue
                sent += t_k
                pending[k] = pending[k] - t_k
                self._ship(c, k, t_k, router, now)
            stock[c] = stock[c] - sent

    def _produce_restricted(self, f: float) -> None:
        amounts = self._amounts(f)
        gates = self.world.gates
        record = self.book.record_mined
        # share of each commodity's planned amount mined: below 1 where curtailed, and
        # for by-products of a curtailed commodity (the ore left in the ground holds them)
        mined_share = [1.0] * self.n_com
        for c, parent in self._production_order:
            if parent >= 0 and mined_share[parent] < 1.0:
                mined_share[c] = mined_share[parent]
                self.world.record_curtailed(c, amounts[c] * (1.0 - mined_share[c]))
                amounts[c] *= mined_share[c]
            t = amounts[c]
            if t <= 0.0:
                continue
            gate = gates.get(c) if gates else None
            limited = gate is not None and gate.restricted(self.country)
            pending = self._pending[c]
            total = 0.0
            cut = False
            for k, share, moved in self._shares[c]:
                part = share * t
                if limited:
                    kept = self._curtail(c, k, share, part, gate)
                    cut = cut or kept < part
                    part = kept
                    if part <= 0.0:
                        continue
                pending[k] += part
                total += part
                record(c, k, part, min(moved * t, part))
            if total > 0.0:
                self._mined[c] += total
                self._net[self._net_at + c] += total
                self._stock[c] += total
            if cut:
                mined_share[c] *= total / t
        self.dispatch()

    def _record_curtailed(self, c: int, tonnes: float) -> None:
        """A stock limit on commodity ``c`` cut ``tonnes`` of it here."""
        self.curtailed_own_t[c] += tonnes
        self.world.record_curtailed(c, tonnes)

    def _curtail(self, c: int, k: int, share: float, part: float, gate: Any) -> float:
        """How much of ``part`` fits under the stock limit of a restricted channel: what
        waits may reach ``limit days x planned daily output x the channel's share``. A
        channel whose routes all stay in the country keeps all of it (nothing waits there).
        On a channel with routes both ways the limit is on the metal held for export and
        days of the channel's planned exports (its share x the share of new lots its router
        sends abroad, :meth:`~sim.world.routing.Router.export_fraction`), and only that
        part of ``part`` is cut; the router counts what is cut as a turn of the routes that
        leave (:meth:`~sim.world.routing.Router.skip_leaving`), so the routes that stay get
        their share of what is mined, no more."""
        router = self.routers.get((c, k))
        if router is not None and not router.leaving:
            return part
        limit = gate.stock_limit_days(self.country, k)
        if limit is None:
            return part
        planned = self.rate_per_day[c] * self.ramp_factor(self.clock.now)
        if router is not None and router.staying:
            fraction = router.export_fraction()
            out = part * fraction
            room = limit * planned * share * fraction - self._held_out[c][k]
            keep = min(out, max(room, 0.0))
            if keep < out:
                self._record_curtailed(c, out - keep)
                router.skip_leaving(out - keep)
            return part - (out - keep)
        room = limit * planned * share - self._pending[c][k]
        keep = min(part, max(room, 0.0))
        if keep < part:
            self._record_curtailed(c, part - keep)
        return keep

    def dispatch(self) -> None:
        """Ship each channel's waiting metal, as far as bans and quotas allow."""
        now = self.clock.now
        gates = self.world.gates
        for c in self.commodities:
            waiting = self._pending[c]
            gate = gates.get(c) if gates else None
            requests = [(k, t) for k, t in enumerate(waiting) if t > _EPS]
            if requests and ((gate is not None and gate.restricted(self.country))
                             or any(t > 0.0 for t in self._held_out[c])):
                self._dispatch_restricted(c, requests, gate, now)
                continue
            sent = 0.0
            for k, t in requests:
                sent += t
                waiting[k] -= t
                self._ship(c, k, t, self.routers[(c, k)], now)
            self._stock[c] -= sent
        self._backlog = any(t > _EPS for c in self.commodities for t in self._pending[c])

    def _dispatch_restricted(self, c: int, requests: list[tuple[int, float]], gate: Any,
                             now: float) -> None:
        """:meth:`dispatch` of commodity ``c`` while a ban or quota is in force for the
        mine's country, or metal held for export waits: ``requests`` are (channel, tonnes
        waiting).

        Only exports are gated. A channel whose routes all leave the country asks the gate
        for all its waiting metal, as before; one whose routes all stay ships it. On a
        channel with routes both ways, the metal the gate held before for export
        (``_held_out``) stays held for export, and the router picks a route for the rest
        (the new metal) as it would without a restriction, so a ban does not steer metal to
        the home market: the home routes get only their turns of new metal. New metal on a
        route that leaves asks the gate beside the held metal (a lot of its own); a lot on a
        route that stays ships. The held metal, when the gate lets it go, leaves in lots on
        the routes that leave, each taking the part it was charged for when the metal was
        held (:meth:`~sim.world.routing.Router.release`), so a backlog keeps to the routes'
        shares; what the gate holds again waits for export. Channels share a quota in
        proportion to what their exporting lots carry."""
        waiting = self._pending[c]
        held_out = self._held_out[c]
        routed: list[list[Any]] = []
        option: RouteOption | None
        """[channel, tonnes, route or None (the router picks when it ships), held for
        export on a channel with routes both ways]."""
        exports: list[int] = []
        for k, t in requests:
            router = self.routers[(c, k)]
            if router.staying and router.leaving:
                old = min(held_out[k], t)
                free = t - old
                if free > _EPS:
                    option = router.choose(free)
                    if option.leaves:
                        exports.append(len(routed))
                    routed.append([k, free, option, option.leaves])
                elif old <= _EPS:
                    old = t
                # the held metal is a lot of its own, routed among the leaving routes when
                # it ships: riding with new metal it would all take the route the router
                # picked for the new metal, uncharged, and a backlog would land on one
                # export route
                if old > _EPS:
                    exports.append(len(routed))
                    routed.append([k, old, None, True])
                continue
            option = router.choose(t) if router.staying else None
            if option is None:
                exports.append(len(routed))
            routed.append([k, t, option, False])
        if exports and gate is not None and gate.restricted(self.country):
            asked = [routed[i][1] for i in exports]
            allowed = gate.allow_shared(self, [(routed[i][0], routed[i][1]) for i in exports],
                                        now)
            # a channel may have two export entries (held and new metal): what the gate
            # holds of both waits for export
            for i in exports:
                if routed[i][3]:
                    held_out[routed[i][0]] = 0.0
            for i, want, t in zip(exports, asked, allowed, strict=True):
                routed[i][1] = t
                if routed[i][3]:
                    held_out[routed[i][0]] += max(want - t, 0.0)
                    if routed[i][2] is not None and want - t > 0.0:
                        self.routers[(c, routed[i][0])].hold(routed[i][2], want - t)
        else:
            for i in exports:
                if routed[i][3]:
                    held_out[routed[i][0]] = 0.0
        sent = 0.0
        for k, t, option, mixed in routed:
            if t <= _EPS:
                continue
            sent += t
            waiting[k] -= t
            router = self.routers[(c, k)]
            if mixed and option is None:
                for leaving, part in router.release(t):
                    self._ship(c, k, part, router, now, leaving)
                continue
            self._ship(c, k, t, router, now, option)
        self._stock[c] -= sent
        for k, _t in requests:
            if held_out[k] > waiting[k]:
                held_out[k] = max(waiting[k], 0.0)

    def _ship(self, c: int, k: int, tonnes: float, router: Router, now: float,
              option: RouteOption | None = None) -> None:
        """Send ``tonnes`` of commodity ``c`` off for channel ``k`` as one lot, on
        ``option`` or else the route ``router`` picks (shocks at the mine may seize or tax
        part of it first)."""
        if option is None:
            option = router.choose(tonnes)
        product_per_t, trucks_per_t, payable = self.forms[c]
        cargo_class = option.cargo_class
        if cargo_class < 0:
            cargo_class = self.world.cargo_class(c, k, option.index, product_per_t,
                                                 trucks_per_t, payable)
            option.cargo_class = cargo_class
        lot = Lot(c, k, tonnes, product_per_t, trucks_per_t, option.legs, option.index,
                  self.index, now, payable, cargo_class)
        if self.interceptions:
            self.world.intercept(self, lot)  # books what is seized as lost here
        site_out = self._site_out
        site_out[c] = site_out[c] + lot.tonnes
        net, at = self._net, self._net_at + c
        net[at] = net[at] - lot.tonnes
        option.legs[0].enter(lot)

    def held(self) -> np.ndarray:
        return np.array(self._stock)

    def invariants(self) -> list[tuple[str, int, str, float]]:
        """The mine's own books, for the mass-balance check: per commodity, the stockyard
        (``_stock``, what :meth:`held` reports) minus the working stock and the metal
        waiting per channel (``_pending``), tonnes. Metal put in a channel's pending but
        not in the stockyard (or taken from one alone) would leave, or stay, unbooked as
        mined or shipped: the ledger cannot see it.

        And per by-product, the coupling: what was mined of it, plus what a stock limit on
        it alone curtailed, minus its ratio times what was mined of its main product,
        tonnes of the by-product. Cobalt comes out with the copper ore mined, whatever
        shocks do to output: copper curtailed leaves its cobalt in the ground, and only a
        limit on cobalt itself leaves cobalt of mined ore unmined."""
        books = [(self.id, c, "the stockyard minus working stock and metal waiting per channel",
                  self._stock[c] - (float(self.working_stock[c]) + sum(self._pending[c])))
                 for c in self.commodities]
        mined, own = self._mined, self.curtailed_own_t
        books += [(self.id, c, "by-product mined (or curtailed by a limit on it) minus its "
                   "ratio times the main product mined", float(mined[c]) + own[c]
                   - ratio * float(mined[parent]))
                  for c, parent, ratio in self.coupled]
        return books
